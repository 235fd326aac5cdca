"""The briefing pack's charts: each drawn from the briefing's tables, saved as PNG and SVG."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .. import plots
from .briefing import Briefing

#: chart key -> file stem (the same in every language)
CHART_FILES = {
    "matrix": "01_ma_tran_tinh_trang",
    "blocking": "02_tieu_chi_chan_nhieu_xa",
    "communes": "03_xa_theo_so_tieu_chi_thieu",
    "ocop": "04_phu_thuoc_ocop",
    "workload": "05_khoi_luong_theo_quy",
    "projection": "06_du_kien_hoan_thanh",
    "units": "07_xa_sau_sap_xep_2025",
    "indicators": "08_chi_tieu_so_voi_nguong",
    "scenario": "09_kich_ban_so_sanh",
}
DPI = 200

_DRAW: dict[str, Callable[[Briefing, Any], Any]] = {
    "matrix": lambda b, ax: plots.status_matrix(b.run, ax=ax, lang=b.lang, cells=b.tables["matrix"]),
    "blocking": lambda b, ax: plots.blocking_criteria(b.tables["gaps_by_criterion"], ax=ax, lang=b.lang,
                                                      catalogue=b.plan.catalogue),
    "communes": lambda b, ax: plots.communes_by_gaps(b.tables["gaps_by_commune"], ax=ax, lang=b.lang, plan=b.plan),
    "ocop": lambda b, ax: plots.ocop_dependencies(b.tables["ocop"], b.run, ax=ax, lang=b.lang),
    "workload": lambda b, ax: plots.workload_by_department(b.tables["workload_department"], ax=ax, lang=b.lang),
    "projection": lambda b, ax: plots.projection_timeline(b.tables["projection"], b.propagated, ax=ax,
                                                          lang=b.lang, as_of=b.as_of, note=b.notes["projection"],
                                                          plan=b.plan),
    "units": lambda b, ax: plots.inherited_matrix(b.tables["units_gaps"], b.tables["units"], b.plan.catalogue,
                                                  ax=ax, lang=b.lang),
    "indicators": lambda b, ax: plots.indicator_distances(b.tables["indicators"], ax=ax, lang=b.lang),
    "scenario": lambda b, ax: plots.scenario_comparison(b.scenario["baseline"], b.scenario["projection"], ax=ax,
                                                        lang=b.lang, name=b.scenario["name"],
                                                        note=b.notes.get("scenario", "")),
}


def draw(b: Briefing, key: str, ax=None):
    """Draw chart ``key`` of the briefing and return its Axes; a plan re-read in another
    criteria set says so in the chart's title."""
    ax = _DRAW[key](b, ax)
    if b.plan.meta.get("reread_from"):
        from ...i18n import t

        title = ax._left_title  # the title as the chart styled it: only its words change
        title.set_text(f"{title.get_text()} ({t('chart.reread', b.lang, set=b.plan.catalogue.short_in(b.lang))})")
    return ax


def write_charts(b: Briefing, out_dir: Path, dpi: int = DPI) -> dict[str, list[Path]]:
    """Every chart as PNG and SVG in ``out_dir``: ``{key: [png, svg]}``."""
    written = {}
    for key in b.chart_keys:
        ax = draw(b, key)
        try:
            written[key] = plots.save(ax, Path(out_dir) / CHART_FILES[key], dpi=dpi)
        finally:
            plots.close(ax)
    return written
