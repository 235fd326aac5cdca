"""Write the whole briefing pack, all or nothing: every file is made in a staging folder
inside the target folder, and only then are they all put in place at once, the previous
pack's files moved out (those the new pack lacks, an old scenario chart, removed). An
error, a full disk, Ctrl-C or termination on the way leave the target folder as it was;
files of other names in it are never touched (:func:`~ntm_analysis.io.pack.writing_pack`).
"""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from ... import config
from ...io.files import check_not_raw, write_text
from ...io.pack import writing_pack
from ...scenario.model import Scenario
from ...tables.plan import Plan
from .briefing import prepare
from .charts import CHART_FILES, DPI, write_charts
from .markdown import summary_markdown
from .pptx import write_deck
from .xlsx import write_workbook
from ...analysis.projection import DEFAULT_REVIEW_LAG

PACK = "bao-cao"  # the kind of pack (its record in the folder: :func:`~ntm_analysis.io.pack.record_name`)
FILES = {"workbook": "bao_cao_ntm.xlsx", "deck": "trinh_chieu_ntm.pptx", "summary": "tom_tat.md"}


def pack_names(keys: list[str]) -> list[str]:
    """The file names a pack with charts ``keys`` holds."""
    return [f"{CHART_FILES[k]}{s}" for k in keys for s in (".png", ".svg")] + list(FILES.values())


def build_report(plan: Plan, out_dir: Path | str | None = None, scenario: Scenario | None = None,
                 as_of: object = None, lang: str = "vi", review_lag: int = DEFAULT_REVIEW_LAG,
                 generated: _dt.datetime | None = None, dpi: int = DPI, undated_as: object = None,
                 force: bool = False) -> dict[str, Any]:
    """Write the pack into ``out_dir`` (default ``reports/``).

    Returns ``briefing``, ``charts`` (``{key: [png, svg]}``), ``workbook``, ``deck``,
    ``summary`` and ``files`` (every path written). Refuses ``data/raw``; ``generated``
    fixes the timestamp shown in the workbook and the deck; ``dpi`` is for previews;
    ``undated_as`` gives the items without a deadline that quarter (assumed, and said so);
    ``force`` also replaces files of pack names that the last run did not write.
    """
    out = Path(out_dir) if out_dir is not None else config.REPORTS_DIR
    check_not_raw(out, lang)
    generated = generated or _dt.datetime.now().replace(microsecond=0)
    with writing_pack(out, PACK, pack_names(list(CHART_FILES)), force=force, lang=lang) as stage:
        b = prepare(plan, as_of=as_of, lang=lang, scenario=scenario, review_lag=review_lag, undated_as=undated_as)
        charts = write_charts(b, stage, dpi=dpi)
        write_workbook(b, stage / FILES["workbook"], generated)
        write_deck(b, stage / FILES["deck"], charts, generated)
        write_text(stage / FILES["summary"], summary_markdown(b, charts))
    charts = {k: [out / p.name for p in paths] for k, paths in charts.items()}
    files = [out / n for n in pack_names(b.chart_keys)]
    return {"briefing": b, "charts": charts, "workbook": out / FILES["workbook"], "deck": out / FILES["deck"],
            "summary": out / FILES["summary"], "files": files}
