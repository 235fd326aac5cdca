"""Write the whole briefing pack, all or nothing: every file is made in a staging folder
beside the target, every target is checked, and only then are the files moved in. A
failure on the way leaves the target folder as it was.
"""
from __future__ import annotations

import datetime as _dt
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ... import config
from ...core.errors import UserError
from ...io.files import check_not_raw, check_targets, prepare_dir, write_text
from ...scenario.model import Scenario
from ...tables.plan import Plan
from .briefing import prepare
from .charts import CHART_FILES, DPI, write_charts
from .markdown import summary_markdown
from .pptx import write_deck
from .xlsx import write_workbook
from ...analysis.projection import DEFAULT_REVIEW_LAG

FILES = {"workbook": "bao_cao_ntm.xlsx", "deck": "trinh_chieu_ntm.pptx", "summary": "tom_tat.md"}


def pack_names(keys: list[str]) -> list[str]:
    """The file names a pack with charts ``keys`` holds."""
    return [f"{CHART_FILES[k]}{s}" for k in keys for s in (".png", ".svg")] + list(FILES.values())


def build_report(plan: Plan, out_dir: Path | str | None = None, scenario: Scenario | None = None,
                 as_of: object = None, lang: str = "vi", review_lag: int = DEFAULT_REVIEW_LAG,
                 generated: _dt.datetime | None = None, dpi: int = DPI, undated_as: object = None) -> dict[str, Any]:
    """Write the pack into ``out_dir`` (default ``reports/``).

    Returns ``briefing``, ``charts`` (``{key: [png, svg]}``), ``workbook``, ``deck``,
    ``summary`` and ``files`` (every path written). Refuses ``data/raw``; ``generated``
    fixes the timestamp shown in the workbook and the deck; ``dpi`` is for previews;
    ``undated_as`` gives the items without a deadline that quarter (assumed, and said so).
    """
    out = Path(out_dir) if out_dir is not None else config.REPORTS_DIR
    check_not_raw(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: đã có một tệp trùng tên, cần một thư mục", 2)
    generated = generated or _dt.datetime.now().replace(microsecond=0)
    b = prepare(plan, as_of=as_of, lang=lang, scenario=scenario, review_lag=review_lag, undated_as=undated_as)
    prepare_dir(out.parent if out.parent != out else out)
    names = pack_names(b.chart_keys)
    check_targets([out / n for n in names])
    try:
        staging = Path(tempfile.mkdtemp(prefix=".ntm-bao-cao-", dir=out.parent))
    except OSError as exc:
        raise UserError(f"{out.parent}: không ghi được ({exc.strerror})", 1) from None
    try:
        charts = write_charts(b, staging, dpi=dpi)
        write_workbook(b, staging / FILES["workbook"], generated)
        write_deck(b, staging / FILES["deck"], charts, generated)
        write_text(staging / FILES["summary"], summary_markdown(b, charts))
        prepare_dir(out)
        for name in names:
            os.replace(staging / name, out / name)
    except OSError as exc:
        raise UserError(f"{out}: không ghi được bộ báo cáo ({exc.strerror or exc})", 1) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    charts = {k: [out / p.name for p in paths] for k, paths in charts.items()}
    files = [out / n for n in names]
    return {"briefing": b, "charts": charts, "workbook": out / FILES["workbook"], "deck": out / FILES["deck"],
            "summary": out / FILES["summary"], "files": files}
