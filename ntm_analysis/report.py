"""The briefing pack: charts (PNG + SVG), an Excel workbook, a slide deck and a summary.

:func:`prepare` runs the analyses once and computes a one-line finding per chart;
the writers turn that :class:`Briefing` into files; :func:`build_report` does it all
(``ntm report``). Everything written is deterministic: charts and the Markdown
summary are byte-identical between runs, the workbook and the deck differ only in
their generation timestamp.

>>> b = prepare(load_plan())
>>> b.findings["blocking"]
'Tiêu chí 13 (Tổ chức sản xuất và phát triển kinh tế nông thôn) chặn nhiều xã nhất: 9/13 xã.'
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import config, plots
from .analysis import (gaps_by_commune, gaps_by_criterion, ocop_summary, ocop_totals, projection,
                       propagate_deadlines, quality, workload)
from .errors import UserError
from .io import atomic_path, check_not_raw, safe_cell, write_text
from .labels import header, pick, value_label
from .loader import load_plan
from .plan import Plan
from .quarters import format_quarter

DPI = 200
FILES = {"workbook": "bao_cao_ntm.xlsx", "deck": "trinh_chieu_ntm.pptx", "summary": "tom_tat.md"}

#: chart key -> file stem (same in every language)
CHART_FILES = {
    "matrix": "01_ma_tran_tinh_trang",
    "blocking": "02_tieu_chi_chan_nhieu_xa",
    "communes": "03_xa_theo_so_tieu_chi_thieu",
    "ocop": "04_phu_thuoc_ocop",
    "workload": "05_khoi_luong_theo_quy",
    "projection": "06_du_kien_hoan_thanh",
    "scenario": "07_kich_ban_so_sanh",
}

#: table key -> (sheet name vi, sheet name en); the workbook's sheets in this order
SHEETS: dict[str, tuple[str, str]] = {
    "matrix": ("Ma trận", "Matrix"),
    "gaps_by_criterion": ("Theo tiêu chí", "By criterion"),
    "gaps_by_commune": ("Theo xã", "By commune"),
    "ocop": ("OCOP", "OCOP"),
    "workload_quarter": ("Khối lượng theo quý", "Workload by quarter"),
    "workload_department": ("Khối lượng theo cơ quan", "Workload by department"),
    "projection": ("Dự kiến hoàn thành", "Projection"),
    "quality": ("Chất lượng dữ liệu", "Data quality"),
    "scenario_comparison": ("Kịch bản - so sánh", "Scenario - comparison"),
    "scenario_changes": ("Kịch bản - thay đổi", "Scenario - changes"),
}
SUMMARY_SHEET = ("Tóm tắt", "Summary")

#: columns of each table shown in the workbook (analysis keys, translated by labels.header)
COLUMNS: dict[str, list[str]] = {
    "gaps_by_criterion": ["criterion_code", "criterion", "requirement", "department", "communes", "commune_names"],
    "gaps_by_commune": ["commune", "target_level", "met", "missing", "total", "share_done", "model_missing",
                        "done", "missing_codes"],
    "ocop": ["commune", "ocop_status", "products", "target_stars", "ocop_gap", "ocop_due", "ocop_due_source",
             "waiting", "waiting_due", "waiting_effective_due", "conflict"],
    "workload_quarter": ["quarter", "gaps", "firm", "inferred", "done", "open", "share_done", "overdue"],
    "workload_department": ["department", "quarter", "gaps", "firm", "inferred", "done", "open", "share_done",
                            "overdue"],
    "projection": ["commune", "plan_section", "target_level", "target_year", "original_target_year",
                   "slip_years", "gaps", "undated", "overdue", "finish", "recognition", "status",
                   "unlisted_model"],
    "quality": ["severity", "code", "commune", "criterion_code", "message", "written_as", "sheet", "row"],
    "scenario_comparison": ["commune", "gaps_baseline", "gaps_scenario", "finish_baseline", "finish_scenario",
                            "recognition_baseline", "recognition_scenario", "status_baseline",
                            "status_scenario", "changed"],
    "scenario_changes": ["commune", "criterion_code", "criterion", "change", "baseline", "scenario"],
}
PERCENT_COLUMNS = {"share_done"}

#: kinds of data-quality findings, for the slide (``quality``'s ``code``)
QUALITY_KINDS: dict[str, tuple[str, str]] = {
    "count_mismatch": ("Số tiêu chí ghi khác số liệt kê", "Stated count differs from the list"),
    "schedule_conflict": ("Việc chờ có hạn trước việc phải chờ", "Waiting item due before its prerequisite"),
    "dependency_cycle": ("Vòng phụ thuộc", "Dependency cycle"),
    "unknown_condition": ("Điều kiện phụ thuộc không hiểu được", "Unknown dependency condition"),
    "no_ocop_no_waiting_gap": ("Chưa có OCOP nhưng không nêu tiêu chí 8",
                               "No OCOP product but criterion 8 not listed"),
    "no_deadline": ("Xã không có thời hạn nào", "Commune with no deadline at all"),
    "unlisted_model_requirement": ("Điều kiện kiểu mẫu chưa liệt kê", "Model requirement not listed"),
    "no_slack": ("Hạn cuối rơi vào quý IV năm phấn đấu (không dự phòng)",
                 "Last gap due in the target year's last quarter (no slack)"),
    "model_missing_advanced": ("Xã kiểu mẫu còn thiếu tiêu chí nâng cao",
                               "Model-commune target still missing advanced criteria"),
    "undated_gap": ("Tiêu chí không có thời hạn", "Gap without deadline"),
}

TEXT: dict[str, tuple[str, str]] = {
    "deck_title": ("Báo cáo tiến độ xây dựng xã NTM nâng cao, NTM kiểu mẫu",
                   "Progress briefing: advanced and model new-rural communes"),
    "district": ("Huyện {district}, tỉnh {province}", "{district} district, {province} province"),
    "as_of": ("Số liệu tính đến ngày {date}", "Data as of {date}"),
    "no_as_of": ("Theo kế hoạch (chưa có ngày xét, chưa trừ việc đã xong)",
                 "As planned (no as-of date; completions not counted)"),
    "generated": ("Tạo lúc {ts} bằng ntm-analysis", "Generated {ts} by ntm-analysis"),
    "scenario_line": ("Kịch bản: {name}", "Scenario: {name}"),
    "quality_title": ("Chất lượng dữ liệu kế hoạch", "Data quality of the plan"),
    "quality_finding": ("{n} phát hiện: {w} cảnh báo, {i} lưu ý{e}.", "{n} findings: {w} warnings, {i} notes{e}."),
    "quality_errors": (", {n} lỗi", ", {n} errors"),
    "quality_none": ("Không có phát hiện nào về chất lượng dữ liệu.", "No data-quality findings."),
    "quality_more": ("Danh sách đầy đủ: trang '{sheet}' trong sổ Excel.", "Full list: sheet '{sheet}' of the workbook."),
    "kind": ("Phát hiện", "Finding"),
    "count": ("Số", "Count"),
    "where": ("Xã", "Communes"),
    "changes_title": ("Kịch bản thay đổi những gì", "What the scenario changes"),
    "no_changes": ("Kịch bản không làm thay đổi dữ liệu kế hoạch.", "The scenario changes nothing in the plan."),
    "summary_title": ("Tóm tắt báo cáo", "Briefing summary"),
    "findings": ("Nhận xét chính", "Key findings"),
    "charts": ("Biểu đồ", "Charts"),
    "chart": ("Biểu đồ", "Chart"),
    "finding": ("Nhận xét", "Finding"),
    "item": ("Mục", "Item"),
    "value": ("Giá trị", "Value"),
    "plan": ("Kế hoạch", "Plan"),
    "district_label": ("Huyện", "District"),
    "as_of_label": ("Ngày xét", "As of"),
    "generated_label": ("Thời điểm tạo", "Generated"),
    "scenario_label": ("Kịch bản", "Scenario"),
    "review_lag": ("Độ trễ thẩm định (quý)", "Review lag (quarters)"),
    "headline": ("Số liệu chính", "Headline numbers"),
    "communes": ("Số xã trong kế hoạch", "Communes in the plan"),
    "open_gaps": ("Tiêu chí còn thiếu (chưa xong)", "Open criteria gaps"),
    "model_gaps": ("Yêu cầu kiểu mẫu còn thiếu", "Open model requirements"),
    "undated": ("Mục chưa có thời hạn", "Items without deadline"),
    "quality_count": ("Phát hiện về chất lượng dữ liệu", "Data-quality findings"),
    "tables": ("Bảng", "Tables"),
    "yes": ("có", "yes"),
    "no": ("không", "no"),
    "none": ("không có", "none"),
    "and": ("và", "and"),
}


def tr(key: str, lang: str = "vi", **fmt: object) -> str:
    """A report text in the chosen language.

    >>> tr("kind"), tr("kind", "en")
    ('Phát hiện', 'Finding')
    """
    return pick(TEXT, key, lang, **fmt)


def sheet_name(key: str, lang: str = "vi") -> str:
    vi, en = SHEETS[key] if key in SHEETS else SUMMARY_SHEET
    return en if lang == "en" else vi


# ----------------------------------------------------------------- the briefing
@dataclass
class Briefing:
    """Everything the pack shows, computed once: tables (analysis keys), findings per
    chart, the chart drawers, and the scenario (when one is given)."""

    plan: Plan
    lang: str = "vi"
    as_of: pd.Timestamp | None = None
    review_lag: int = 0
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    scenario: dict[str, Any] | None = None
    propagated: pd.DataFrame | None = None

    @property
    def chart_keys(self) -> list[str]:
        keys = ["matrix", "blocking", "communes", "ocop", "workload", "projection"]
        return keys + (["scenario"] if self.scenario is not None else [])

    def draw(self, key: str, ax=None):
        """Draw chart ``key`` (see :data:`CHART_FILES`) and return its Axes."""
        return _DRAW[key](self, ax)


def _join(names: list[str], lang: str, most: int = 4) -> str:
    """``A, B và C``; past ``most`` names: ``A, B, C, D và 3 xã khác``.

    >>> _join(["A", "B", "C"], "vi"), _join(list("ABCDEF"), "en")
    ('A, B và C', 'A, B, C, D and 2 others')
    """
    if len(names) <= 1:
        return "".join(names)
    if len(names) > most + 1:
        rest = len(names) - most
        tail = f"{rest} others" if lang == "en" else f"{rest} xã khác"
        return ", ".join(names[:most]) + f" {tr('and', lang)} " + tail
    return ", ".join(names[:-1]) + f" {tr('and', lang)} " + names[-1]


def _crit(plan: Plan, code: str, lang: str) -> str:
    cat = plan.catalogue
    return cat.name(code, lang) if code in cat.codes else code


def _finding_matrix(b: Briefing) -> str:
    cells = b.tables["matrix"]
    open_ = cells.loc[cells["status"].isin(["due", "undated"])]
    n_communes = open_["commune"].nunique()
    undated = int((open_["status"] == "undated").sum())
    inferred = int(((open_["status"] == "due") & ~open_["firm"]).sum())
    total = len(b.plan.communes)
    late = int(cells["overdue"].sum())
    if b.lang == "en":
        text = (f"{n_communes} of {total} communes still have {len(open_)} criteria or requirements open; "
                f"{undated} have no deadline and {inferred} only a year (Q4 inferred)")
        return text + (f"; {late} overdue on {b.as_of:%d/%m/%Y}." if b.as_of is not None else ".")
    text = (f"{n_communes}/{total} xã còn {len(open_)} tiêu chí, yêu cầu chưa đạt; {undated} mục chưa có hạn, "
            f"{inferred} mục chỉ ghi năm (suy ra quý IV)")
    return text + (f"; {late} mục quá hạn tính đến {b.as_of:%d/%m/%Y}." if b.as_of is not None else ".")


def _finding_blocking(b: Briefing) -> str:
    df = b.tables["gaps_by_criterion"]
    total = len(b.plan.communes)
    if df.empty:
        return "No criterion blocks any commune." if b.lang == "en" else "Không tiêu chí nào còn thiếu."
    top = df.loc[df["communes"] == df["communes"].iloc[0]]
    names = [f"{c} ({_crit(b.plan, c, b.lang)})" for c in top["criterion_code"]]
    n = int(top["communes"].iloc[0])
    if b.lang == "en":
        verb = "blocks" if len(names) == 1 else "each block"
        return f"Criterion {_join(names, 'en')} {verb} the most communes: {n} of {total}."
    return f"Tiêu chí {_join(names, 'vi')} chặn nhiều xã nhất: {n}/{total} xã."


def _finding_communes(b: Briefing) -> str:
    df = b.tables["gaps_by_commune"]
    left = df["missing"] + df["model_missing"]
    ready = df.loc[left == 0, "commune"].tolist()
    most = df.loc[left == left.max(), "commune"].tolist() if left.max() > 0 else []
    if b.lang == "en":
        first = f"{len(ready)} commune(s) meet every criterion" + (f" ({_join(ready, 'en')})" if ready else "")
        return first + (f"; {_join(most, 'en')} still miss the most: {int(left.max())}." if most else ".")
    first = f"{len(ready)} xã đã đủ tiêu chí" + (f" ({_join(ready, 'vi')})" if ready else "")
    return first + (f"; {_join(most, 'vi')} còn thiếu nhiều nhất: {int(left.max())} tiêu chí." if most else ".")


def _finding_ocop(b: Briefing) -> str:
    tot = b.tables["ocop_totals"].set_index("measure")["value"]
    s = b.tables["ocop"]
    conflicts = s.loc[s["conflict"], "commune"].tolist()
    waiting_communes = int(s["waiting"].ne("").sum())
    if b.lang == "en":
        text = (f"{int(tot['communes_without_ocop_product'])} communes lack a certified OCOP product; "
                f"{int(tot['gaps_waiting_on_ocop'])} items in {waiting_communes} communes wait on it")
        return text + (f"; schedule conflict in {_join(conflicts, 'en')}." if conflicts else ".")
    text = (f"{int(tot['communes_without_ocop_product'])} xã chưa có sản phẩm OCOP được chứng nhận; "
            f"{int(tot['gaps_waiting_on_ocop'])} việc ở {waiting_communes} xã phải chờ")
    return text + (f"; vênh lịch ở {_join(conflicts, 'vi')}." if conflicts else ".")


def _finding_workload(b: Briefing) -> str:
    q = b.tables["workload_quarter"]
    dated = q.loc[q["quarter"] != "undated"]
    undated = int(q.loc[q["quarter"] == "undated", "gaps"].sum())
    if dated.empty:
        return (f"No gap has a deadline ({undated} undated)." if b.lang == "en"
                else f"Chưa tiêu chí nào có thời hạn ({undated} mục).")
    peak = dated.loc[dated["gaps"].idxmax()]
    d = b.tables["workload_department"]
    dq = d.loc[d["quarter"] == peak["quarter"]].sort_values(["gaps", "department"], ascending=[False, True],
                                                           kind="stable")
    lead = dq.iloc[0]
    per = pd.Period(peak["quarter"], freq="Q-DEC")
    if b.lang == "en":
        return (f"Busiest quarter: {format_quarter(per, 'en')} with {int(peak['gaps'])} gaps "
                f"({int(peak['inferred'])} inferred from a year only), most for {lead['department']} "
                f"({int(lead['gaps'])}); {undated} undated.")
    return (f"Quý nặng nhất: {format_quarter(per)} với {int(peak['gaps'])} tiêu chí "
            f"({int(peak['inferred'])} chỉ ghi năm), nhiều nhất là {lead['department']} ({int(lead['gaps'])}); "
            f"{undated} tiêu chí chưa có hạn.")


def _finding_projection(b: Briefing) -> str:
    p = b.tables["projection"]
    count = p["status"].value_counts()
    years = sorted(set(int(y) for y in p["target_year"].dropna()))
    year = "/".join(map(str, years))
    unsched = p.loc[p["status"] == "unscheduled", "commune"].tolist()
    risk = p.loc[p["status"] == "at_risk", "commune"].tolist()
    ok = int(count.get("on_track", 0)) + int(count.get("ready", 0))
    if b.lang == "en":
        text = f"{ok} of {len(p)} communes can be recognised within {year}"
        if risk:
            text += f"; {len(risk)} at risk ({_join(risk, 'en')})"
        if unsched:
            text += f"; {len(unsched)} cannot be projected, some gap has no deadline ({_join(unsched, 'en')})"
        return text + "."
    text = f"{ok}/{len(p)} xã có thể được công nhận trong năm {year}"
    if risk:
        text += f"; {len(risk)} xã có nguy cơ lùi ({_join(risk, 'vi')})"
    if unsched:
        text += f"; {len(unsched)} xã chưa dự kiến được vì còn tiêu chí chưa có hạn ({_join(unsched, 'vi')})"
    return text + "."


def _finding_scenario(b: Briefing) -> str:
    comp = b.scenario["comparison"]
    changed = comp.loc[comp["changed"], "commune"].tolist()
    worse = comp.loc[(comp["status_baseline"] != comp["status_scenario"])
                     & comp["status_scenario"].isin(["at_risk", "unscheduled"]), "commune"].tolist()
    name = b.scenario["name"]
    if b.lang == "en":
        text = f"Scenario '{name}': {len(changed)} of {len(comp)} communes change"
        return text + (f"; {len(worse)} fall behind ({_join(worse, 'en')})." if worse else ".")
    text = f"Kịch bản '{name}': {len(changed)}/{len(comp)} xã thay đổi dự kiến"
    return text + (f"; {len(worse)} xã chuyển sang có nguy cơ lùi hoặc chưa dự kiến được "
                   f"({_join(worse, 'vi')})." if worse else ".")


FINDINGS: dict[str, Callable[[Briefing], str]] = {
    "matrix": _finding_matrix, "blocking": _finding_blocking, "communes": _finding_communes,
    "ocop": _finding_ocop, "workload": _finding_workload, "projection": _finding_projection,
    "scenario": _finding_scenario,
}

_DRAW: dict[str, Callable[[Briefing, Any], Any]] = {
    "matrix": lambda b, ax: plots.status_matrix(b.plan, b.as_of, ax=ax, lang=b.lang, cells=b.tables["matrix"]),
    "blocking": lambda b, ax: plots.blocking_criteria(b.tables["gaps_by_criterion"], ax=ax, lang=b.lang),
    "communes": lambda b, ax: plots.communes_by_gaps(b.tables["gaps_by_commune"], ax=ax, lang=b.lang),
    "ocop": lambda b, ax: plots.ocop_dependencies(b.tables["ocop"], b.plan.gaps, ax=ax, lang=b.lang),
    "workload": lambda b, ax: plots.workload_by_department(b.tables["workload_department"], ax=ax, lang=b.lang),
    "projection": lambda b, ax: plots.projection_timeline(b.tables["projection"], b.propagated, ax=ax,
                                                          lang=b.lang, as_of=b.as_of),
    "scenario": lambda b, ax: plots.scenario_comparison(b.scenario["baseline"], b.scenario["projection"], ax=ax,
                                                        lang=b.lang, name=b.scenario["name"]),
}

CHART_TITLES = {"matrix": "matrix_title", "blocking": "blocking_title", "communes": "communes_title",
                "ocop": "ocop_title", "workload": "workload_title", "projection": "projection_title",
                "scenario": "scenario_title"}


def _run_scenario(plan: Plan, path: Path, review_lag: int, as_of: pd.Timestamp | None,
                  baseline: pd.DataFrame) -> dict[str, Any]:
    try:
        from . import scenario as scen
    except ImportError:  # pragma: no cover - the module ships with the package
        raise UserError("--scenario: mô-đun kịch bản (ntm_analysis.scenario) chưa có trong bản cài đặt này", 2) \
            from None
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: không tìm thấy tệp kịch bản", 2)
    s = scen.load_scenario(path)
    run = scen.run_scenario(plan, s, review_lag=review_lag, as_of=as_of, baseline_projection=baseline)
    changes = scen.diff_edits(plan, run["plan"], run["baseline_params"], run["params"])
    return {"name": s.name or path.stem, "note": getattr(s, "note", "") or "", "path": path,
            "baseline": run["baseline"], "projection": run["projection"], "comparison": run["comparison"],
            "changes": changes, "params": run["params"], "plan": run["plan"]}


def prepare(plan: Plan, as_of: object = None, lang: str = "vi", scenario: Path | str | None = None,
            review_lag: int = 0) -> Briefing:
    """Run every analysis once and compute the findings (no files written).

    >>> prepare(load_plan(), lang="en").findings["blocking"]
    'Criterion 13 (Production organisation and rural economy) blocks the most communes: 9 of 13.'
    """
    if lang not in ("vi", "en"):
        raise UserError(f"--lang '{lang}': chỉ nhận vi hoặc en", 2)
    as_of = None if as_of is None else pd.Timestamp(as_of)
    prop = propagate_deadlines(plan, as_of)
    proj = projection(plan, review_lag=review_lag, as_of=as_of, propagated=prop)
    tables = {
        "matrix": plots.matrix_cells(plan, as_of),
        "gaps_by_criterion": gaps_by_criterion(plan, as_of),
        "gaps_by_commune": gaps_by_commune(plan, as_of),
        "ocop": ocop_summary(plan, as_of, propagated=prop),
        "ocop_totals": ocop_totals(plan, as_of, propagated=prop),
        "workload_quarter": workload(plan, by="quarter", as_of=as_of),
        "workload_department": workload(plan, by="department", as_of=as_of),
        "projection": proj,
        "quality": quality(plan, as_of=as_of, review_lag=review_lag),
    }
    b = Briefing(plan=plan, lang=lang, as_of=as_of, review_lag=review_lag, tables=tables, propagated=prop)
    if scenario is not None:
        b.scenario = _run_scenario(plan, Path(scenario), review_lag, as_of, proj)
        tables["scenario_comparison"] = b.scenario["comparison"]
        tables["scenario_changes"] = b.scenario["changes"]
    for key in b.chart_keys:
        b.findings[key] = FINDINGS[key](b)
        b.titles[key] = plots.t(CHART_TITLES[key], lang)
    b.findings["quality"] = _finding_quality(b)
    return b


def _finding_quality(b: Briefing) -> str:
    q = b.tables["quality"]
    if q.empty:
        return tr("quality_none", b.lang)
    n = q["severity"].value_counts()
    e = tr("quality_errors", b.lang, n=int(n["error"])) if n.get("error", 0) else ""
    return tr("quality_finding", b.lang, n=len(q), w=int(n.get("warning", 0)), i=int(n.get("info", 0)), e=e)


def quality_kinds(b: Briefing) -> pd.DataFrame:
    """Data-quality findings grouped by kind: ``severity, kind, count, communes``
    (errors first, then most frequent), for the slide and the summary."""
    q = b.tables["quality"]
    rows = []
    order = {"error": 0, "warning": 1, "info": 2}
    for code, g in q.groupby("code", sort=False):
        label = QUALITY_KINDS.get(code, (code, code))[1 if b.lang == "en" else 0]
        communes = list(dict.fromkeys(c for c in g["commune"] if c))
        if not communes and code == "count_mismatch":  # validation warnings name the commune in the message
            communes = list(dict.fromkeys(m.split(":")[0] for m in g["message"] if ":" in m))
        rows.append({"severity": g["severity"].iloc[0], "kind": label, "count": len(g),
                     "communes": ", ".join(communes), "_o": order.get(g["severity"].iloc[0], 3)})
    out = pd.DataFrame(rows, columns=["severity", "kind", "count", "communes", "_o"])
    return out.sort_values(["_o", "count"], ascending=[True, False], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


# ---------------------------------------------------------------- the charts
def write_charts(b: Briefing, out_dir: Path, dpi: int = DPI) -> dict[str, list[Path]]:
    """Every chart as PNG and SVG in ``out_dir``: ``{key: [png, svg]}``."""
    written = {}
    for key in b.chart_keys:
        ax = b.draw(key)
        try:
            written[key] = plots.save(ax, Path(out_dir) / CHART_FILES[key], dpi=dpi)
        finally:
            plots.close(ax)
    return written


# ---------------------------------------------------------------- the workbook
def _excel_value(column: str, value: Any, lang: str) -> Any:
    """A cell value: quarters as the quarter's last day (a real date), codes as labels,
    booleans as có/không, missing as empty; text made formula-safe."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Period):
        return value.end_time.date()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (bool, np.bool_)):
        return tr("yes" if value else "no", lang)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return safe_cell(value_label(column, value, lang))
    return value


def matrix_table(b: Briefing) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix as a wide table of cell texts (``commune`` + one column per
    criterion label) and the matching wide table of statuses (for colouring)."""
    cells = b.tables["matrix"]
    lang = b.lang
    cat = b.plan.catalogue

    def text(r) -> str:
        if r.status == "met":
            return "Đạt" if lang != "en" else "Met"
        if r.status == "na":
            return "—"
        if r.status == "done":
            return "Đã xong" if lang != "en" else "Done"
        if r.status == "undated":
            return plots.t("undated_short", lang)
        label = format_quarter(r.due, lang)
        return label if r.firm else f"{label} ({plots.t('inferred_short', lang)})"

    cells = cells.assign(_text=[text(r) for r in cells.itertuples(index=False)],
                         _col=[cat.label(c, lang) for c in cells["criterion_code"]],
                         _style=[("due_firm" if r.firm else "due_inferred") if r.status == "due" else r.status
                                 for r in cells.itertuples(index=False)])
    cols = list(dict.fromkeys(cells["_col"]))
    rows = list(dict.fromkeys(cells["commune"]))
    wide = cells.pivot(index="commune", columns="_col", values="_text").reindex(index=rows, columns=cols)
    style = cells.pivot(index="commune", columns="_col", values="_style").reindex(index=rows, columns=cols)
    quarter = cells.assign(_q=cells["due"].astype(str)).pivot(index="commune", columns="_col", values="_q") \
        .reindex(index=rows, columns=cols)
    style = style.where(~style.isin(["due_firm", "due_inferred"]), style + "|" + quarter)
    name = header("commune", lang)
    return (wide.reset_index().rename(columns={"commune": name}),
            style.reset_index().rename(columns={"commune": name}))


def _fill(hex_colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=hex_colour.lstrip("#").upper())


def _style_header(ws, n_cols: int, height: float = 32) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="999999")
    for col in range(1, n_cols + 1):
        c = ws.cell(row=1, column=col)
        c.font = Font(bold=True, name="Arial", size=10)
        c.fill = _fill("#DDEBF7")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = Border(bottom=thin)
    ws.row_dimensions[1].height = height


def _widths(ws, headers: list[str], rows: list[list[Any]], max_width: int = 60) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for j, h in enumerate(headers, start=1):
        lengths = [len(str(h)) * 0.6 + 2]
        for r in rows:
            v = r[j - 1]
            if v is None:
                continue
            if isinstance(v, (_dt.date, _dt.datetime)):
                lengths.append(11)
            else:
                lengths.append(len(str(v)) + 2)
        width = min(max(max(lengths), 8), max_width)
        ws.column_dimensions[get_column_letter(j)].width = width
        if any(isinstance(r[j - 1], str) and len(r[j - 1]) > max_width for r in rows):
            for i in range(2, len(rows) + 2):
                ws.cell(row=i, column=j).alignment = Alignment(wrap_text=True, vertical="top")


def _write_sheet(wb, title: str, df: pd.DataFrame, columns: list[str], lang: str) -> Any:
    ws = wb.create_sheet(title)
    cols = [c for c in columns if c in df.columns]
    headers = [header(c, lang) for c in cols]
    ws.append(headers)
    rows = []
    for rec in df[cols].itertuples(index=False):
        row = [_excel_value(c, v, lang) for c, v in zip(cols, rec)]
        rows.append(row)
        ws.append(row)
    for j, c in enumerate(cols, start=1):
        fmt = None
        if c in PERCENT_COLUMNS:
            fmt = "0%"
        elif isinstance(df[c].dtype, pd.PeriodDtype):
            fmt = "DD/MM/YYYY"
        if fmt:
            for i in range(2, len(rows) + 2):
                ws.cell(row=i, column=j).number_format = fmt
    _style_header(ws, len(cols))
    _widths(ws, headers, rows)
    ws.freeze_panes = "B2" if cols and cols[0] in ("commune", "criterion_code", "department") else "A2"
    if cols:
        ws.auto_filter.ref = ws.dimensions
    return ws


def _write_matrix(wb, b: Briefing) -> Any:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wide, style = matrix_table(b)
    ws = wb.create_sheet(sheet_name("matrix", b.lang))
    ws.append(list(wide.columns))
    qcol = plots.quarter_colours(b.tables["matrix"].loc[b.tables["matrix"]["status"] == "due", "due"])
    colours = {"met": plots.MET_COLOUR, "na": plots.NA_COLOUR, "done": plots.DONE_COLOUR,
               "undated": plots.UNDATED_COLOUR}
    for i, (vals, sts) in enumerate(zip(wide.itertuples(index=False), style.itertuples(index=False)), start=2):
        ws.append([safe_cell(v) for v in vals])
        for j, st in enumerate(sts[1:], start=2):
            kind, _, q = str(st).partition("|")
            colour = qcol.get(pd.Period(q, freq="Q-DEC")) if q else colours.get(kind)
            if not colour:
                continue
            cell = ws.cell(row=i, column=j)
            if kind == "due_inferred":  # inferred deadlines: a lighter shade of the quarter colour
                colour = _lighten(colour, 0.45)
            cell.fill = _fill(colour)
            cell.font = Font(name="Arial", size=10, color="FFFFFF" if plots.text_colour(colour) == "white"
                             else "000000", italic=kind == "due_inferred")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _style_header(ws, len(wide.columns), height=90)
    ws.column_dimensions["A"].width = 16
    for j in range(2, len(wide.columns) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 14
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    return ws


def _lighten(hex_colour: str, amount: float) -> str:
    r, g, b_ = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(v + (255 - v) * amount) for v in (r, g, b_)]
    return "#" + "".join(f"{v:02X}" for v in mix)


def meta_rows(b: Briefing, generated: _dt.datetime | None) -> list[tuple[str, Any]]:
    """(label, value) rows describing the plan and the run, for the summary sheet."""
    m = b.plan.meta
    lang = b.lang
    rows: list[tuple[str, Any]] = [
        (tr("district_label", lang), f"{m.get('district', '')}" + (f", {m['province']}" if m.get("province") else "")),
        (tr("plan", lang), m.get("plan_title", "")),
        (tr("as_of_label", lang), b.as_of.date() if b.as_of is not None else tr("none", lang)),
        (tr("review_lag", lang), b.review_lag),
    ]
    if b.scenario is not None:
        rows.append((tr("scenario_label", lang), b.scenario["name"]))
    if generated is not None:
        rows.append((tr("generated_label", lang), generated.replace(microsecond=0)))
    return rows


def headline(b: Briefing) -> list[tuple[str, int]]:
    """A few headline numbers (label, value), computed from the tables."""
    cells = b.tables["matrix"]
    by_commune = b.tables["gaps_by_commune"]
    return [
        (tr("communes", b.lang), len(b.plan.communes)),
        (tr("open_gaps", b.lang), int(by_commune["missing"].sum())),
        (tr("model_gaps", b.lang), int(by_commune["model_missing"].sum())),
        (tr("undated", b.lang), int((cells["status"] == "undated").sum())),
        (tr("quality_count", b.lang), len(b.tables["quality"])),
    ]


def write_workbook(b: Briefing, path: Path, generated: _dt.datetime | None = None) -> Path:
    """The Excel workbook: a summary sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    lang = b.lang
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name("summary", lang)
    bold = Font(bold=True, name="Arial", size=11)
    ws.append([tr("summary_title", lang)])
    ws["A1"].font = Font(bold=True, name="Arial", size=14)
    ws.append([])
    for label, value in meta_rows(b, generated):
        ws.append([label, safe_cell(value)])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, _dt.datetime):
            cell.number_format = "DD/MM/YYYY HH:MM:SS"
        elif isinstance(value, _dt.date):
            cell.number_format = "DD/MM/YYYY"
        cell.alignment = Alignment(horizontal="left")
        ws.cell(row=ws.max_row, column=1).font = bold
    ws.append([])
    ws.append([tr("headline", lang)])
    ws.cell(row=ws.max_row, column=1).font = bold
    for label, value in headline(b):
        ws.append([label, safe_cell(value)])
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(horizontal="left")
    ws.append([])
    ws.append([tr("chart", lang), tr("finding", lang)])
    ws.cell(row=ws.max_row, column=1).font = bold
    ws.cell(row=ws.max_row, column=2).font = bold
    for key in b.chart_keys + ["quality"]:
        title = b.titles.get(key, tr("quality_title", lang))
        ws.append([safe_cell(title), safe_cell(b.findings[key])])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 100
    _write_matrix(wb, b)
    for key in SHEETS:
        if key == "matrix" or key not in b.tables:
            continue
        _write_sheet(wb, sheet_name(key, lang), b.tables[key], COLUMNS[key], lang)
    stamp = (generated or _dt.datetime(2000, 1, 1)).replace(microsecond=0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "ntm-analysis"
    wb.properties.title = tr("deck_title", lang)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


# -------------------------------------------------------------------- the deck
SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
FONT = "Arial"
DARK = (0x1F, 0x2A, 0x44)


def _textbox(slide, left, top, width, height, text, size=18, bold=False, colour=DARK, align=None):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    tf.word_wrap = True
    lines = text.split("\n") if isinstance(text, str) else text
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = RGBColor(*colour)
        if align is not None:
            p.alignment = align
    return box


def _picture(slide, path: Path, left: float, top: float, max_w: float, max_h: float) -> None:
    from PIL import Image
    from pptx.util import Inches

    with Image.open(path) as im:
        w, h = im.size
    scale = min(max_w / w, max_h / h)
    width, height = w * scale, h * scale
    slide.shapes.add_picture(str(path), Inches(left + (max_w - width) / 2), Inches(top), Inches(width),
                             Inches(height))


def _table(slide, rows: list[list[str]], left: float, top: float, width: float, col_widths: list[float],
           size: int = 12) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(left), Inches(top), Inches(width),
                                   Inches(0.4 * len(rows)))
    table = shape.table
    for j, w in enumerate(col_widths):
        table.columns[j].width = Inches(w)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = str(value)
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)
                    r.font.name = FONT
                    r.font.bold = i == 0
                    if i == 0:
                        r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _change_subject(plan: Plan, r, lang: str) -> str:
    if r.criterion_code:
        cat = plan.catalogue
        return cat.label(r.criterion_code, lang) if r.criterion_code in cat.codes else r.criterion_code
    if r.change == "parameter" and r.criterion in PARAMETER_LABELS:
        return tr(PARAMETER_LABELS[r.criterion], lang)
    if r.change == "commune_due":
        return "hạn hồ sơ của xã" if lang != "en" else "commune dossier deadline"
    return r.criterion


def _change_value(value: str, lang: str) -> str:
    """``2023Q3`` → ``quý III/2023``; other values as they are."""
    try:
        if isinstance(value, str) and len(value) == 6 and value[4] == "Q":
            return format_quarter(pd.Period(value, freq="Q-DEC"), lang)
    except ValueError:
        pass
    return value


PARAMETER_LABELS = {"review_lag": "review_lag", "as_of": "as_of_label"}


def _slide_title(slide, title: str, finding: str | None = None) -> None:
    _textbox(slide, 0.45, 0.25, SLIDE_W - 0.9, 0.6, title, size=26, bold=True)
    if finding:
        _textbox(slide, 0.45, 0.85, SLIDE_W - 0.9, 0.7, finding, size=16, colour=(0x33, 0x33, 0x33))


def write_deck(b: Briefing, path: Path, charts: dict[str, list[Path]],
               generated: _dt.datetime | None = None) -> Path:
    """The slide deck (16:9): title, one slide per chart with its finding, data
    quality, and the scenario's changes when a scenario is given."""
    from pptx import Presentation
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches

    lang = b.lang
    m = b.plan.meta
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    blank = prs.slide_layouts[6]
    # title slide
    s = prs.slides.add_slide(blank)
    _textbox(s, 0.8, 1.6, SLIDE_W - 1.6, 1.4, tr("deck_title", lang), size=34, bold=True, align=PP_ALIGN.CENTER)
    lines = [tr("district", lang, district=m.get("district", ""), province=m.get("province", "")),
             m.get("plan_title", ""),
             tr("as_of", lang, date=b.as_of.strftime("%d/%m/%Y")) if b.as_of is not None else tr("no_as_of", lang)]
    if b.scenario is not None:
        lines.append(tr("scenario_line", lang, name=b.scenario["name"]))
    _textbox(s, 0.8, 3.3, SLIDE_W - 1.6, 2.2, "\n".join(x for x in lines if x), size=20, align=PP_ALIGN.CENTER)
    if generated is not None:
        _textbox(s, 0.8, 6.6, SLIDE_W - 1.6, 0.4, tr("generated", lang, ts=generated.strftime("%d/%m/%Y %H:%M")),
                 size=11, colour=(0x77, 0x77, 0x77), align=PP_ALIGN.CENTER)
    # chart slides
    for key in b.chart_keys:  # the finding is the slide's heading; the chart carries its own title
        s = prs.slides.add_slide(blank)
        _textbox(s, 0.45, 0.2, SLIDE_W - 0.9, 1.1, b.findings[key], size=20, bold=True)
        _picture(s, charts[key][0], 0.45, 1.4, SLIDE_W - 0.9, SLIDE_H - 1.5)
    # data quality
    s = prs.slides.add_slide(blank)
    _slide_title(s, tr("quality_title", lang), b.findings["quality"])
    kinds = quality_kinds(b)
    if len(kinds):
        rows = [[header("severity", lang), tr("kind", lang), tr("count", lang), tr("where", lang)]]
        rows += [[str(value_label("severity", r.severity, lang)), r.kind, str(r.count), r.communes]
                 for r in kinds.head(9).itertuples(index=False)]
        _table(s, rows, 0.45, 1.7, SLIDE_W - 0.9, [1.4, 5.2, 0.9, SLIDE_W - 0.9 - 7.5], size=13)
        _textbox(s, 0.45, SLIDE_H - 0.6, SLIDE_W - 0.9, 0.4,
                 tr("quality_more", lang, sheet=sheet_name("quality", lang)), size=12, colour=(0x55, 0x55, 0x55))
    # scenario changes
    if b.scenario is not None:
        s = prs.slides.add_slide(blank)
        note = b.scenario["note"].strip()
        _slide_title(s, tr("changes_title", lang) + f": {b.scenario['name']}", note or None)
        ch = b.scenario["changes"]
        if len(ch):
            rows = [[header(c, lang) for c in ("commune", "criterion", "change", "baseline", "scenario")]]
            for r in ch.head(10).itertuples(index=False):
                rows.append([r.commune or "—", _change_subject(b.plan, r, lang),
                             str(value_label("change", r.change, lang)), _change_value(r.baseline, lang),
                             _change_value(r.scenario, lang)])
            _table(s, rows, 0.45, 1.8, SLIDE_W - 0.9, [2.2, 4.6, 2.6, 1.6, SLIDE_W - 0.9 - 11.0], size=13)
            if len(ch) > 10:
                _textbox(s, 0.45, SLIDE_H - 0.6, SLIDE_W - 0.9, 0.4,
                         ("… và {n} thay đổi khác (trang '{s}')" if lang != "en" else "… and {n} more (sheet '{s}')")
                         .format(n=len(ch) - 10, s=sheet_name("scenario_changes", lang)), size=12)
        else:
            _textbox(s, 0.45, 1.8, SLIDE_W - 0.9, 0.6, tr("no_changes", lang), size=16)
    stamp = (generated or _dt.datetime(2000, 1, 1)).replace(microsecond=0)
    prs.core_properties.created = stamp
    prs.core_properties.modified = stamp
    prs.core_properties.last_modified_by = "ntm-analysis"
    prs.core_properties.author = "ntm-analysis"
    prs.core_properties.title = tr("deck_title", lang)
    prs.core_properties.revision = 1
    with atomic_path(path) as tmp:
        prs.save(str(tmp))
    return Path(path)


# ------------------------------------------------------------------ the summary
def _md_table(df: pd.DataFrame, columns: list[str], lang: str) -> str:
    cols = [c for c in columns if c in df.columns]
    head = "| " + " | ".join(header(c, lang) for c in cols) + " |"
    sep = "|" + "|".join("---" for _ in cols) + "|"
    lines = [head, sep]
    for rec in df[cols].itertuples(index=False):
        cells = []
        for c, v in zip(cols, rec):
            if isinstance(v, pd.Period):
                v = format_quarter(v, lang)
            elif v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
                v = ""
            elif isinstance(v, (bool, np.bool_)):
                v = tr("yes" if v else "no", lang)
            else:
                v = value_label(c, v, lang)
            cells.append(str(v).replace("|", "\\|"))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def summary_markdown(b: Briefing, charts: dict[str, list[Path]] | None = None) -> str:
    """The Markdown summary (no timestamp: identical between runs)."""
    lang = b.lang
    m = b.plan.meta
    out = [f"# {tr('summary_title', lang)}: {m.get('plan_title', '')}", ""]
    out.append("- " + tr("district", lang, district=m.get("district", ""), province=m.get("province", "")))
    out.append("- " + (tr("as_of", lang, date=b.as_of.strftime("%d/%m/%Y")) if b.as_of is not None
                       else tr("no_as_of", lang)))
    if b.scenario is not None:
        out.append("- " + tr("scenario_line", lang, name=b.scenario["name"]))
    out += ["", f"## {tr('findings', lang)}", ""]
    for key in b.chart_keys:
        out.append(f"- **{b.titles[key]}.** {b.findings[key]}")
    out.append(f"- **{tr('quality_title', lang)}.** {b.findings['quality']}")
    out += ["", f"## {tr('headline', lang)}", ""]
    out += [f"- {label}: {value}" for label, value in headline(b)]
    out += ["", f"## {plots.t('projection_title', lang)}", ""]
    out.append(_md_table(b.tables["projection"], ["commune", "target_level", "target_year", "gaps", "finish",
                                                  "recognition", "status"], lang))
    kinds = quality_kinds(b)
    if len(kinds):
        out += ["", f"## {tr('quality_title', lang)}", ""]
        out.append("| " + " | ".join([header("severity", lang), tr("kind", lang), tr("count", lang),
                                      tr("where", lang)]) + " |")
        out.append("|---|---|---|---|")
        for r in kinds.itertuples(index=False):
            out.append(f"| {value_label('severity', r.severity, lang)} | {r.kind} | {r.count} | {r.communes} |")
    if b.scenario is not None:
        out += ["", f"## {tr('changes_title', lang)}", ""]
        out.append(_md_table(b.scenario["comparison"].loc[b.scenario["comparison"]["changed"]],
                             ["commune", "recognition_baseline", "recognition_scenario", "status_baseline",
                              "status_scenario"], lang))
    if charts:
        out += ["", f"## {tr('charts', lang)}", ""]
        for key in b.chart_keys:
            out.append(f"![{b.titles[key]}]({charts[key][0].name})")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# ----------------------------------------------------------------- everything
def build_report(out_dir: Path | str | None = None, data: Path | str | None = None,
                 scenario: Path | str | None = None, as_of: object = None, lang: str = "vi",
                 plan: Plan | None = None, review_lag: int = 0,
                 generated: _dt.datetime | None = None, dpi: int = DPI) -> dict[str, Any]:
    """Write the whole pack into ``out_dir`` (default ``reports/``).

    Returns ``{"briefing": Briefing, "charts": {key: [png, svg]}, "workbook": path,
    "deck": path, "summary": path}``. Refuses to write under ``data/raw``. ``plan``
    skips loading ``data``; ``generated`` fixes the timestamp shown in the workbook
    and the deck; ``dpi`` is for quick previews (the pack uses 200).
    """
    out = Path(out_dir) if out_dir is not None else config.REPORTS_DIR
    check_not_raw(out)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: đã có một tệp trùng tên, cần một thư mục", 2)
    plan = plan if plan is not None else load_plan(data)
    generated = generated or _dt.datetime.now().replace(microsecond=0)
    b = prepare(plan, as_of=as_of, lang=lang, scenario=scenario, review_lag=review_lag)
    out.mkdir(parents=True, exist_ok=True)
    charts = write_charts(b, out, dpi=dpi)
    workbook = write_workbook(b, out / FILES["workbook"], generated)
    deck = write_deck(b, out / FILES["deck"], charts, generated)
    summary = write_text(out / FILES["summary"], summary_markdown(b, charts))
    return {"briefing": b, "charts": charts, "workbook": workbook, "deck": deck, "summary": summary}
