"""Charts shared by the notebooks and the briefing pack.

Every chart is a function ``chart(data..., ax=None, lang="vi") -> Axes``: it takes
the analyses' own results (or the plan), draws on ``ax`` (a new 16:9-friendly
figure with constrained layout when ``ax`` is None) and returns the Axes. Labels are
Vietnamese by default, English with ``lang="en"``. Colours come from colour-blind-safe
palettes (Okabe–Ito, Paul Tol "muted", viridis). Firm deadlines (the item's or the
commune's own quarter) are drawn solid; inferred ones (year only: fourth quarter
assumed) are hatched or hollow.

>>> from ntm_analysis.loader import load_plan
>>> from ntm_analysis.analysis.gaps import gaps_by_criterion
>>> ax = blocking_criteria(gaps_by_criterion(load_plan()))
>>> ax.get_xlabel()
'Số xã còn thiếu tiêu chí'
>>> close(ax)
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Iterable

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch, Patch, Rectangle

from .labels import pick
from .analysis.gaps import as_of_quarter, completed_mask
from .plan import Plan
from .quarters import format_quarter

# ----------------------------------------------------------------- palettes
#: Okabe–Ito, the colour-blind-safe qualitative palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
#: Paul Tol's "muted" scheme (colour-blind safe), for up to nine departments.
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
             "#882255", "#AA4499"]
OTHER_GREY = "#BBBBBB"
MET_COLOUR = "#E8E8E8"
NA_COLOUR = "#FFFFFF"
DONE_COLOUR = OKABE_ITO["green"]
UNDATED_COLOUR = OKABE_ITO["vermillion"]
STATUS_COLOURS = {
    "ready": OKABE_ITO["green"], "on_track": OKABE_ITO["blue"],
    "at_risk": OKABE_ITO["vermillion"], "unscheduled": OKABE_ITO["orange"],
}
FIRM_SOURCES = ("item", "commune")
INFERRED_HATCH = "///"
FONT = "DejaVu Sans"
FIGSIZE = (12.0, 6.2)  # inches; fills a 16:9 slide below a title line at scale ~1

STYLE = {
    "font.family": FONT,
    "font.size": 12,
    "axes.titlesize": 15,
    "axes.titleweight": "bold",
    "axes.labelsize": 12,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "legend.fontsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "ntm-analysis",
    "svg.fonttype": "path",
    "hatch.linewidth": 1.2,
    "path.simplify": True,
}
plt.rcParams.update(STYLE)

# ------------------------------------------------------------------ texts
TEXT: dict[str, tuple[str, str]] = {
    "matrix_title": ("Tình trạng tiêu chí theo xã và quý hoàn thành", "Criteria status by commune and due quarter"),
    "met": ("Đã đạt", "Met"),
    "done": ("Đã hoàn thành (theo sổ theo dõi)", "Done (completion log)"),
    "undated": ("Chưa có hạn", "No deadline"),
    "undated_short": ("chưa có hạn", "undated"),
    "na": ("Không áp dụng", "Not applicable"),
    "inferred": ("Hạn suy ra (kế hoạch chỉ ghi năm → quý IV)", "Inferred deadline (year only → Q4)"),
    "inferred_short": ("hạn suy ra", "inferred"),
    "firm": ("Hạn ghi rõ quý", "Firm deadline (quarter stated)"),
    "overdue": ("Quá hạn", "Overdue"),
    "due_in": ("Còn thiếu, hạn", "Missing, due"),
    "all_met_note": ("Các tiêu chí {codes}: mọi xã đã đạt (không vẽ).",
                     "Criteria {codes}: met by every commune (not drawn)."),
    "model_note": ("KM: yêu cầu xã NTM kiểu mẫu, chỉ xét với xã phấn đấu kiểu mẫu (tên in đậm).",
                   "KM: model-commune requirements, only for communes aiming at model status (bold)."),
    "blocking_title": ("Tiêu chí đang chặn nhiều xã nhất", "Criteria blocking the most communes"),
    "blocking_x": ("Số xã còn thiếu tiêu chí", "Communes still missing the criterion"),
    "criterion_bar": ("Tiêu chí NTM nâng cao", "Advanced-set criterion"),
    "model_bar": ("Yêu cầu xã NTM kiểu mẫu", "Model-commune requirement"),
    "communes_title": ("Số tiêu chí còn thiếu của từng xã", "Criteria still missing per commune"),
    "communes_x": ("Số tiêu chí / yêu cầu còn thiếu", "Criteria / requirements missing"),
    "criteria_missing": ("Tiêu chí NTM nâng cao còn thiếu", "Advanced criteria missing"),
    "model_missing": ("Yêu cầu kiểu mẫu còn thiếu", "Model requirements missing"),
    "model_star": ("xã phấn đấu NTM kiểu mẫu", "commune aiming at model status"),
    "ready_label": ("đủ tiêu chí", "all met"),
    "ocop_title": ("Các việc phải chờ sản phẩm OCOP", "What waits on an OCOP product"),
    "ocop_item": ("Tiêu chí 13 (sản phẩm OCOP): hạn", "Criterion 13 (OCOP product): due"),
    "waiting_item": ("Việc chờ OCOP: hạn", "Item waiting on OCOP: due"),
    "conflict": ("Xung đột: việc chờ có hạn trước OCOP", "Conflict: waiting item due before OCOP"),
    "conflict_short": ("xung đột", "conflict"),
    "no_ocop_rows": ("Không xã nào còn thiếu tiêu chí OCOP.", "No commune is missing the OCOP criterion."),
    "ocop_note": ("Không thiếu tiêu chí 13: {names}.", "Not missing criterion 13: {names}."),
    "workload_title": ("Khối lượng việc theo quý và cơ quan chủ trì", "Quarterly workload by lead department"),
    "workload_y": ("Số tiêu chí phải hoàn thành", "Gaps to close"),
    "other_departments": ("Cơ quan khác ({n})", "Other departments ({n})"),
    "undated_apart": ("Chưa có hạn", "Undated"),
    "projection_title": ("Dự kiến quý hoàn thành và công nhận", "Projected finish and recognition"),
    "finish": ("Hoàn thành việc cuối cùng", "Last gap closed"),
    "finish_inferred": ("Hoàn thành (hạn suy ra)", "Finish (inferred deadline)"),
    "recognition": ("Dự kiến công nhận", "Projected recognition"),
    "target_end": ("Hết năm mục tiêu {year}", "End of target year {year}"),
    "beyond_target": ("Sau năm mục tiêu", "After the target year"),
    "unscheduled_tail": ("còn việc chưa có hạn", "some gap undated"),
    "as_of": ("Ngày xét", "As of"),
    "scenario_title": ("Dự kiến công nhận: hiện trạng và kịch bản", "Projected recognition: baseline and scenario"),
    "baseline": ("Hiện trạng", "Baseline"),
    "scenario": ("Kịch bản", "Scenario"),
    "changed": ("thay đổi", "changed"),
    "unknown_quarter": ("?", "?"),
    "quarter_axis": ("Quý", "Quarter"),
}


def t(key: str, lang: str = "vi", **fmt: object) -> str:
    """A chart text in the chosen language.

    >>> t("met"), t("met", "en")
    ('Đã đạt', 'Met')
    """
    return pick(TEXT, key, lang, **fmt)


def status_label(status: str, lang: str = "vi") -> str:
    """A projection status for people, as in the tables (capitalised).

    >>> status_label("on_track"), status_label("at_risk", "en")
    ('Kịp năm phấn đấu', 'At risk')
    """
    from .labels import value_label

    text = str(value_label("status", status, lang))
    return text[:1].upper() + text[1:]


def quarter_label(period: pd.Period | None, lang: str = "vi", short: bool = False,
                  with_year: bool = True) -> str:
    """``quý II/2023`` (vi), ``Q2 2023`` (en); ``short``: ``II/23`` (vi) or ``Q2/23``
    (en) for cells, ``II`` / ``Q2`` without the year.

    >>> quarter_label(pd.Period("2023Q2", freq="Q"), short=True), quarter_label(pd.Period("2023Q2", freq="Q"), "en")
    ('II/23', 'Q2 2023')
    """
    if period is None or pd.isna(period):
        return t("undated_short", lang)
    if short:
        q = {1: "I", 2: "II", 3: "III", 4: "IV"}[period.quarter] if lang != "en" else f"Q{period.quarter}"
        return f"{q}/{period.year % 100:02d}" if with_year else q
    return format_quarter(period, lang)


def wrap(text: str, width: int = 28) -> str:
    """Wrap a long label on word boundaries.

    >>> wrap("Tổ chức sản xuất và phát triển kinh tế nông thôn", 24)
    'Tổ chức sản xuất và phát\\ntriển kinh tế nông thôn'
    """
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def criterion_label(plan_or_catalogue, code: str, lang: str = "vi", width: int = 28) -> str:
    cat = getattr(plan_or_catalogue, "catalogue", plan_or_catalogue)
    return wrap(cat.label(code, lang), width)


def _new_ax(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    if ax is not None:
        return ax
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=figsize, layout="constrained")
        return fig.add_subplot()


def close(ax: Axes) -> None:
    """Close the figure of ``ax`` (free its memory)."""
    plt.close(ax.figure)


def text_colour(colour: str) -> str:
    """Black or white, whichever reads better on ``colour``."""
    r, g, b = to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def quarter_colours(quarters: Iterable[pd.Period]) -> dict[pd.Period, str]:
    """A viridis colour per quarter, earliest darkest (ordered, deterministic)."""
    qs = sorted(set(q for q in quarters if not pd.isna(q)))
    cmap = matplotlib.colormaps["viridis"]
    if not qs:
        return {}
    pos = np.linspace(0.12, 0.88, len(qs)) if len(qs) > 1 else [0.45]
    return {q: matplotlib.colors.to_hex(cmap(p)) for q, p in zip(qs, pos)}


def _quarter_range(quarters: Iterable[pd.Period]) -> list[pd.Period]:
    qs = [q for q in quarters if q is not None and not pd.isna(q)]
    if not qs:
        return []
    lo, hi = min(qs), max(qs)
    return list(pd.period_range(lo, hi, freq="Q-DEC"))


def save(ax_or_fig, path: Path | str, dpi: int = 200) -> list[Path]:
    """Write a chart as PNG and SVG beside each other, byte-for-byte reproducibly.

    No dates in the metadata, a fixed SVG hash salt; written atomically.
    Returns the two paths (``path`` with suffixes ``.png`` and ``.svg``).
    """
    from .io import atomic_path

    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    path = Path(path)
    out = []
    with plt.rc_context({"svg.hashsalt": "ntm-analysis"}):
        for suffix, meta in ((".png", {"Software": None}),
                             (".svg", {"Date": None, "Creator": None})):
            target = path.with_suffix(suffix)
            with atomic_path(target) as tmp:
                fig.savefig(tmp, format=suffix[1:], dpi=dpi, metadata=meta)
            out.append(target)
    return out


# ----------------------------------------------------------- status matrix
MATRIX_STATUSES = ("met", "done", "due", "undated", "na")


def matrix_cells(plan: Plan, as_of: object = None) -> pd.DataFrame:
    """The commune × criterion status table behind the heatmap (long form).

    One row per commune and code shown: every criterion missing somewhere in the
    plan, and the model requirements (KM…) for model communes (``na`` for the
    others). Columns: ``commune, criterion_code, criterion, status`` (``met``,
    ``done``, ``due``, ``undated``, ``na``), ``due`` (Period), ``due_source``,
    ``firm`` (bool), ``overdue`` (bool, with ``as_of``).

    >>> from ntm_analysis.loader import load_plan
    >>> cells = matrix_cells(load_plan())
    >>> cells.query("commune == 'Hưng Đạo' and criterion_code == '6'")["status"].item()
    'due'
    """
    cat = plan.catalogue
    gaps = plan.gaps.drop_duplicates(["commune", "criterion_code"]).reset_index(drop=True)
    done = completed_mask(gaps, plan.completions, as_of)
    gaps = gaps.assign(is_done=done.to_numpy())
    q = as_of_quarter(as_of)
    shown = [c for c in cat.criterion_codes if c in set(gaps["criterion_code"])]
    model_codes = list(cat.model_codes)  # KM1 (meets the advanced set) is derived: not a column
    key = {(r.commune, r.criterion_code): r for r in gaps.itertuples(index=False)}
    mreq = {(r.commune, r.criterion_code): r.status for r in plan.model_requirements.itertuples(index=False)}
    rows = []
    for c in plan.communes.itertuples(index=False):
        is_model = c.target_level == "kieu_mau"
        for code in shown + model_codes:
            g = key.get((c.commune, code))
            status, due, source = "met", pd.NaT, ""
            if code in model_codes and not is_model:
                status = "na"
            elif g is not None:
                due, source = g.due, g.due_source
                status = "done" if g.is_done else ("undated" if pd.isna(g.due) else "due")
            elif code in model_codes and mreq.get((c.commune, code)) == "missing":
                status = "undated"
            rows.append({"commune": c.commune, "criterion_code": code, "criterion": cat.name(code),
                         "status": status, "due": due, "due_source": source})
    out = pd.DataFrame(rows, columns=["commune", "criterion_code", "criterion", "status", "due", "due_source"])
    out["due"] = pd.array(list(out["due"]), dtype="period[Q-DEC]") if len(out) else out["due"]
    out["firm"] = out["due_source"].isin(FIRM_SOURCES).to_numpy()
    out["overdue"] = (out["status"].eq("due") & out["due"].notna() & (out["due"] < q)).to_numpy() \
        if q is not None else np.zeros(len(out), dtype=bool)
    return out.astype({"commune": "str", "criterion_code": "str", "criterion": "str", "status": "str",
                       "due_source": "str"})


def status_matrix(plan: Plan, as_of: object = None, ax: Axes | None = None, lang: str = "vi",
                  cells: pd.DataFrame | None = None) -> Axes:
    """Heatmap: communes (rows) × criteria (columns) coloured by status and due quarter.

    Met cells are pale grey; open gaps take their due quarter's colour (viridis,
    earliest darkest) with the quarter written in; inferred deadlines are hatched;
    undated gaps are vermillion with "?"; done gaps (completion log) green with
    "✓"; model requirements of non-model communes are left blank.
    """
    cells = matrix_cells(plan, as_of) if cells is None else cells
    ax = _new_ax(ax, (12.0, 6.6))
    communes = list(dict.fromkeys(cells["commune"]))
    codes = list(dict.fromkeys(cells["criterion_code"]))
    qcol = quarter_colours(cells.loc[cells["status"] == "due", "due"])
    one_year = len({q.year for q in qcol}) <= 1
    ci = {c: i for i, c in enumerate(codes)}
    ri = {c: i for i, c in enumerate(communes)}
    for r in cells.itertuples(index=False):
        x, y = ci[r.criterion_code], ri[r.commune]
        text, hatch = "", None
        if r.status == "met":
            face = MET_COLOUR
        elif r.status == "na":
            face = NA_COLOUR
        elif r.status == "done":
            face, text = DONE_COLOUR, "✓"
        elif r.status == "undated":
            face, text = UNDATED_COLOUR, "?"
        else:
            face = qcol[r.due]
            text = quarter_label(r.due, lang, short=True, with_year=not one_year)
            hatch = None if r.firm else INFERRED_HATCH
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=face, edgecolor="white",
                               linewidth=0, hatch=hatch))
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor="none",
                               edgecolor=OKABE_ITO["black"] if r.overdue else "white",
                               linewidth=2.5 if r.overdue else 1.5))
        if text:
            ax.text(x, y, text, ha="center", va="center", fontsize=11, color=text_colour(face),
                    fontweight="bold" if r.status == "due" else "normal",
                    bbox=dict(boxstyle="round,pad=0.12", facecolor=face, edgecolor="none")
                    if hatch else None)
    ax.set_xlim(-0.5, len(codes) - 0.5)
    ax.set_ylim(len(communes) - 0.5, -0.5)
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels([criterion_label(plan, c, lang, 18) for c in codes], rotation=90,
                       fontsize=9.5, linespacing=1.0)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(communes)))
    ax.set_yticklabels(communes)
    level = dict(zip(plan.communes["commune"], plan.communes["target_level"]))
    for lbl, name in zip(ax.get_yticklabels(), communes):
        if level.get(name) == "kieu_mau":
            lbl.set_fontweight("bold")
    ax.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    # legend: quarters (firm), inferred, undated, done, met, overdue
    handles = [Patch(facecolor=qcol[q], label=f"{t('due_in', lang)} {quarter_label(q, lang)}")
               for q in sorted(qcol)]
    if cells["status"].eq("due").any() and not cells.loc[cells["status"] == "due", "firm"].all():
        handles.append(Patch(facecolor="#777777", edgecolor="white", hatch=INFERRED_HATCH,
                             label=t("inferred", lang)))
    if cells["status"].eq("undated").any():
        handles.append(Patch(facecolor=UNDATED_COLOUR, label=f"? {t('undated', lang)}"))
    if cells["status"].eq("done").any():
        handles.append(Patch(facecolor=DONE_COLOUR, label=f"✓ {t('done', lang)}"))
    handles.append(Patch(facecolor=MET_COLOUR, label=t("met", lang)))
    if cells["overdue"].any():
        handles.append(Patch(facecolor="white", edgecolor="black", linewidth=2, label=t("overdue", lang)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False,
              fontsize=10, title=None, borderaxespad=0)
    all_met = [c for c in plan.catalogue.criterion_codes if c not in codes]
    notes = []
    if all_met:
        notes.append(t("all_met_note", lang, codes=", ".join(all_met)))
    if (cells["status"] != "na").any() and any(plan.catalogue.is_model(c) for c in codes):
        notes.append(t("model_note", lang))
    if notes:
        ax.text(1.01, 0.0, wrap(" ".join(notes), 40), transform=ax.transAxes, ha="left", va="bottom",
                fontsize=9.5, color="#444444")
    ax.set_title(t("matrix_title", lang), loc="left", pad=12)
    return ax


# ------------------------------------------------------- blocking criteria
def blocking_criteria(by_criterion: pd.DataFrame, ax: Axes | None = None, lang: str = "vi",
                      top: int | None = None) -> Axes:
    """Horizontal bars: how many communes each criterion blocks (most first).

    ``by_criterion`` is :func:`~ntm_analysis.analysis.gaps.gaps_by_criterion`'s result.
    """
    df = by_criterion if top is None else by_criterion.head(top)
    ax = _new_ax(ax)
    n = len(df)
    labels = [wrap(f"{c}. {name}" if str(c).isdigit() else f"{c} {name}", 34)
              for c, name in zip(df["criterion_code"],
                                 df["criterion_en"] if lang == "en" and "criterion_en" in df else _names(df, lang))]
    y = np.arange(n)
    is_model = (df["requirement"] == "model").to_numpy() if "requirement" in df else np.zeros(n, bool)
    colours = [OKABE_ITO["orange"] if m else OKABE_ITO["blue"] for m in is_model]
    ax.barh(y, df["communes"], color=colours, height=0.7)
    for yi, v in zip(y, df["communes"]):
        ax.text(v + 0.08, yi, str(int(v)), va="center", ha="left", fontsize=11, fontweight="bold")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=10.5 if n > 10 else 11, linespacing=1.0)
    ax.set_ylim(n - 0.5, -0.6)
    vmax = int(df["communes"].max()) if n else 1
    ax.set_xlim(0, vmax + max(1.0, vmax * 0.08))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(t("blocking_x", lang))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    handles = [Patch(color=OKABE_ITO["blue"], label=t("criterion_bar", lang))]
    if is_model.any():
        handles.append(Patch(color=OKABE_ITO["orange"], label=t("model_bar", lang)))
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_title(t("blocking_title", lang), loc="left")
    return ax


def _names(df: pd.DataFrame, lang: str) -> list[str]:
    if lang == "en" and "criterion_code" in df:
        from .catalogue import load_catalogue

        cat = load_catalogue()
        return [cat.name(c, "en") if c in cat.codes else n for c, n in zip(df["criterion_code"], df["criterion"])]
    return list(df["criterion"])


def _model_star_handle(lang: str) -> Line2D:
    return Line2D([], [], linestyle="none", marker="$★$", color="black", markersize=10,
                  label=t("model_star", lang))


# --------------------------------------------------------- communes by gaps
def communes_by_gaps(by_commune: pd.DataFrame, ax: Axes | None = None, lang: str = "vi") -> Axes:
    """Horizontal stacked bars per commune: advanced criteria and model requirements
    still missing, most first; communes with nothing left are labelled.

    ``by_commune`` is :func:`~ntm_analysis.analysis.gaps.gaps_by_commune`'s result.
    """
    df = by_commune.assign(_total=by_commune["missing"] + by_commune["model_missing"],
                           _pos=np.arange(len(by_commune)))
    df = df.sort_values(["_total", "_pos"], ascending=[False, True], kind="stable")
    ax = _new_ax(ax)
    y = np.arange(len(df))
    ax.barh(y, df["missing"], color=OKABE_ITO["blue"], height=0.7, label=t("criteria_missing", lang))
    if df["model_missing"].any():
        ax.barh(y, df["model_missing"], left=df["missing"], color=OKABE_ITO["orange"], height=0.7,
                label=t("model_missing", lang))
    for yi, total in zip(y, df["_total"]):
        label = str(int(total)) if total else t("ready_label", lang)
        ax.text(total + 0.08, yi, label, va="center", ha="left", fontsize=11,
                fontweight="bold" if total else "normal", color="black" if total else OKABE_ITO["green"])
    names = [f"{c} ★" if lvl == "kieu_mau" else c for c, lvl in zip(df["commune"], df["target_level"])]
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.set_ylim(len(df) - 0.5, -0.6)
    vmax = int(df["_total"].max()) if len(df) else 1
    ax.set_xlim(0, vmax + max(1.5, vmax * 0.12))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(t("communes_x", lang))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    handles, _ = ax.get_legend_handles_labels()
    if (df["target_level"] == "kieu_mau").any():
        handles.append(_model_star_handle(lang))
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_title(t("communes_title", lang), loc="left")
    return ax


# ------------------------------------------------------- quarter positions
class _QuarterAxis:
    """Quarters as x positions 0…n-1 and an "undated" slot after a gap."""

    def __init__(self, quarters: Iterable[pd.Period], extra: Iterable[pd.Period] = ()):
        self.quarters = _quarter_range(list(quarters) + list(extra))
        self.index = {q: i for i, q in enumerate(self.quarters)}
        self.undated = len(self.quarters) + 0.6

    def x(self, q: pd.Period | None) -> float:
        if q is None or pd.isna(q):
            return self.undated
        return float(self.index[q])

    def decorate(self, ax: Axes, lang: str, undated: bool = True, label_undated: str | None = None) -> None:
        ticks = list(range(len(self.quarters)))
        labels = [quarter_label(q, lang) for q in self.quarters]
        if len(self.quarters) > 5:  # two lines so that many quarters never overlap
            labels = [lbl.replace("/", "\n").replace(" ", "\n", 1) if lang == "en" else lbl.replace("/", "\n")
                      for lbl in labels]
        if undated:
            ticks.append(self.undated)
            labels.append(label_undated or t("undated_apart", lang))
            ax.axvspan(self.undated - 0.5, self.undated + 0.5, color="#F2F2F2", zorder=0)
            ax.axvline(self.undated - 0.8, color="#999999", linestyle=(0, (4, 3)), linewidth=1)
        ax.set_xticks(ticks)
        ax.set_xticklabels(labels)
        ax.set_xlim(-0.6, (self.undated if undated else len(self.quarters) - 1) + 0.6)


# -------------------------------------------------------- OCOP dependencies
def ocop_dependencies(ocop: pd.DataFrame, gaps: pd.DataFrame | None = None, ax: Axes | None = None,
                      lang: str = "vi") -> Axes:
    """Per commune missing criterion 13: its OCOP item (square, at its due quarter) and
    the items waiting on it (circles), joined by arrows; conflicts (a waiting item due
    before the OCOP item) in vermillion. Hollow markers: inferred deadlines.

    ``ocop`` is :func:`~ntm_analysis.analysis.ocop.ocop_summary`'s result; ``gaps``
    (``plan.gaps``) tells firm from inferred deadlines of the waiting items.
    """
    ax = _new_ax(ax)
    rows = ocop.loc[ocop["ocop_gap"] | ocop["waiting"].ne("")].reset_index(drop=True)
    others = ocop.loc[~(ocop["ocop_gap"] | ocop["waiting"].ne("")), "commune"].tolist()
    src = {} if gaps is None else {(r.commune, str(r.criterion_code)): r.due_source
                                   for r in gaps.itertuples(index=False)}
    items = []  # (row, code, due, firm, conflict)
    for i, r in rows.iterrows():
        codes = [c.strip() for c in r["waiting"].split(",") if c.strip()]
        dues = [d.strip() for d in r["waiting_due"].split(";") if d.strip()]
        for code, d in zip(codes, dues):
            due = pd.NaT if d == "undated" else pd.Period(d, freq="Q-DEC")
            firm = src.get((r["commune"], code), "item") in FIRM_SOURCES
            conflict = bool(r["conflict"]) and not pd.isna(due) and not pd.isna(r["ocop_due"]) \
                and due < r["ocop_due"]
            items.append((i, code, due, firm, conflict))
    axis = _QuarterAxis(list(rows["ocop_due"]) + [it[2] for it in items])
    if not len(rows):
        ax.text(0.5, 0.5, t("no_ocop_rows", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(t("ocop_title", lang), loc="left")
        return ax
    has_undated = rows["ocop_due"].isna().any() or any(pd.isna(it[2]) for it in items)
    ocol, wcol, ccol = OKABE_ITO["orange"], OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    dy = 0.18
    for i, r in rows.iterrows():
        if i % 2 == 0:
            ax.axhspan(i - 0.5, i + 0.5, color="#F7F7F7", zorder=0)
        x = axis.x(r["ocop_due"])
        firm = r["ocop_due_source"] in FIRM_SOURCES
        if r["ocop_gap"]:
            ax.plot(x, i - dy, marker="s", markersize=17, color=ocol, markerfacecolor=ocol if firm else "white",
                    markeredgewidth=2.2, zorder=3, linestyle="none")
            ax.text(x, i - dy, "13", ha="center", va="center", fontsize=9, zorder=4,
                    color="black" if firm else ocol, fontweight="bold")
    for (i, code, due, firm, conflict) in items:
        r = rows.loc[i]
        x0, x1 = axis.x(r["ocop_due"]), axis.x(due)
        if x1 == x0:  # same quarter: the waiting item sits just after it
            x1 = x0 + 0.3
        colour = ccol if conflict else wcol
        ax.plot(x1, i + dy, marker="o", markersize=18, color=colour, markerfacecolor=colour if firm else "white",
                markeredgewidth=2.2, zorder=3, linestyle="none")
        ax.text(x1, i + dy, code, ha="center", va="center", fontsize=9, zorder=4, fontweight="bold",
                color="white" if firm else colour)
        if r["ocop_gap"]:
            ax.add_patch(FancyArrowPatch((x0, i - dy), (x1, i + dy), arrowstyle="-|>", mutation_scale=12,
                                         color=colour, linewidth=1.6, shrinkA=9, shrinkB=11, zorder=2))
        if conflict:
            ax.text(max(x0, x1) + 0.25, i + dy, "⚠ " + t("conflict_short", lang), color=ccol, va="center",
                    ha="left", fontsize=10, fontweight="bold", zorder=4)
    axis.decorate(ax, lang, undated=has_undated)
    n = len(rows)
    ax.set_yticks(range(n))
    stars = {"vi": "sao", "en": "★"}
    ylabels = []
    for r in rows.itertuples(index=False):
        extra = r.products if r.products else ("chưa nêu sản phẩm" if lang != "en" else "no product named")
        if not pd.isna(r.target_stars):
            extra += f" ({int(r.target_stars)} {stars['en' if lang == 'en' else 'vi']})"
        ylabels.append(f"{r.commune}\n{wrap(extra, 44)}")
    ax.set_yticklabels(ylabels, fontsize=10.5, linespacing=1.05)
    for lbl in ax.get_yticklabels():
        lbl.set_multialignment("right")
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    handles = [
        Line2D([], [], marker="s", color=ocol, linestyle="none", markersize=11, label=t("ocop_item", lang)
               .split(":")[0]),
        Line2D([], [], marker="o", color=wcol, linestyle="none", markersize=11,
               label=t("waiting_item", lang).split(":")[0]),
        Line2D([], [], marker="o", color=ccol, linestyle="none", markersize=11, label=t("conflict", lang)),
        Line2D([], [], marker="o", color="#555555", markerfacecolor="white", markeredgewidth=2,
               linestyle="none", markersize=11, label=t("inferred", lang)),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
    if others:
        ax.text(0.0, 1.0, t("ocop_note", lang, names=", ".join(others)), transform=ax.transAxes,
                ha="left", va="bottom", fontsize=9.5, color="#444444")
    ax.set_title(t("ocop_title", lang), loc="left", pad=18 if others else 6)
    return ax


# ------------------------------------------------------------------ workload
def department_colours(departments: list[str], max_colours: int = len(TOL_MUTED)) -> dict[str, str]:
    """Tol muted colours for the first departments given; the rest share grey."""
    return {d: (TOL_MUTED[i] if i < max_colours else OTHER_GREY) for i, d in enumerate(departments)}


def workload_by_department(workload_df: pd.DataFrame, ax: Axes | None = None, lang: str = "vi",
                           max_departments: int = 8) -> Axes:
    """Stacked bars: gaps due per quarter, one colour per lead department, undated
    shown apart (shaded, after a dashed line). Within each department the inferred
    deadlines (year only) are hatched.

    ``workload_df`` is :func:`~ntm_analysis.analysis.workload.workload` with
    ``by="department"``; the largest ``max_departments`` departments get a colour,
    the others are grouped.
    """
    df = workload_df.copy()
    totals = df.groupby("department", sort=False)["gaps"].sum()
    order = sorted(totals.index, key=lambda d: (-totals[d], d))
    keep = order[:max_departments] if len(order) > max_departments + 1 else order
    rest = [d for d in order if d not in keep]
    other = t("other_departments", lang, n=len(rest))
    df["_dep"] = df["department"].where(df["department"].isin(keep), other)
    deps = keep + ([other] if rest else [])
    colours = department_colours(keep)
    colours[other] = OTHER_GREY
    dated = df.loc[df["quarter"] != "undated"]
    axis = _QuarterAxis([pd.Period(q, freq="Q-DEC") for q in dated["quarter"].unique()])
    has_undated = (df["quarter"] == "undated").any()
    ax = _new_ax(ax)
    slots = [str(q) for q in axis.quarters] + (["undated"] if has_undated else [])
    xs = {str(q): axis.x(q) for q in axis.quarters}
    xs["undated"] = axis.undated
    g = df.groupby(["_dep", "quarter"], sort=False)[["gaps", "firm", "inferred"]].sum()
    bottom = {s: 0.0 for s in slots}
    for dep in deps:
        for s in slots:
            if (dep, s) not in g.index:
                continue
            row = g.loc[(dep, s)]
            firm = float(row["firm"]) if s != "undated" else float(row["gaps"])
            inferred = float(row["inferred"]) if s != "undated" else 0.0
            rest_n = float(row["gaps"]) - firm - inferred
            solid = firm + max(rest_n, 0.0)
            if solid:
                ax.bar(xs[s], solid, bottom=bottom[s], width=0.7, color=colours[dep], edgecolor="white",
                       linewidth=0.8)
                bottom[s] += solid
            if inferred:
                ax.bar(xs[s], inferred, bottom=bottom[s], width=0.7, color=colours[dep], edgecolor="white",
                       linewidth=0.8, hatch=INFERRED_HATCH, alpha=0.75)
                bottom[s] += inferred
    for s in slots:
        ax.text(xs[s], bottom[s] + 0.15, str(int(bottom[s])), ha="center", va="bottom", fontsize=12,
                fontweight="bold")
    axis.decorate(ax, lang, undated=has_undated)
    ymax = max(bottom.values()) if bottom else 1
    ax.set_ylim(0, ymax * 1.12 + 0.5)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_ylabel(t("workload_y", lang))
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    handles = [Patch(color=colours[d], label=wrap(d, 34)) for d in deps]
    if df["inferred"].sum():
        handles.append(Patch(facecolor="#999999", edgecolor="white", hatch=INFERRED_HATCH,
                             label=wrap(t("inferred", lang), 34)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=10,
              borderaxespad=0, labelspacing=0.7)
    ax.set_title(t("workload_title", lang), loc="left")
    return ax


# ---------------------------------------------------------------- projection
def finish_firmness(propagated: pd.DataFrame) -> pd.Series:
    """Per commune: True when its finish quarter rests on a firm deadline (some open
    gap due, by its own firm deadline, in that quarter), False when only on inferred
    (year-only) ones. ``propagated`` is :func:`propagate_deadlines`' result."""
    if propagated.empty:
        return pd.Series(dtype=bool)
    p = propagated.loc[propagated["effective_due"].notna()]
    last = p.groupby("commune")["effective_due"].transform("max")
    at = p.loc[p["effective_due"] == last]
    firm = at["due_source"].isin(FIRM_SOURCES) & (at["due"] == at["effective_due"])
    return firm.groupby(at["commune"]).any()


def projection_timeline(proj: pd.DataFrame, propagated: pd.DataFrame | None = None, ax: Axes | None = None,
                        lang: str = "vi", as_of: object = None) -> Axes:
    """Per commune: a bar to the quarter its last gap closes (filled marker: firm
    deadline, hollow: inferred) and the projected recognition (diamond), coloured by
    status; quarters after the target year are shaded and its end is marked.

    ``proj`` is :func:`~ntm_analysis.analysis.projection.projection`'s result.
    """
    ax = _new_ax(ax)
    firmness = finish_firmness(propagated) if propagated is not None else pd.Series(dtype=bool)
    target_end = [pd.Period(f"{int(y)}Q4", freq="Q-DEC") for y in proj["target_year"].dropna()]
    q0 = as_of_quarter(as_of)
    starts = [pd.Period(f"{int(y)}Q1", freq="Q-DEC") for y in proj["target_year"].dropna()]
    axis = _QuarterAxis(list(proj["finish"]) + list(proj["recognition"]) + target_end + starts[:1]
                        + ([q0] if q0 is not None else []))
    has_unsched = (proj["status"] == "unscheduled").any()
    n = len(proj)
    start_x = axis.x(q0) if q0 is not None else -0.5
    for i, r in enumerate(proj.itertuples(index=False)):
        colour = STATUS_COLOURS.get(r.status, "#777777")
        if not pd.isna(r.target_year):
            end = pd.Period(f"{int(r.target_year)}Q4", freq="Q-DEC")
            xe = axis.x(end) + 0.5
            right = len(axis.quarters) - 0.5
            if right > xe:
                ax.add_patch(Rectangle((xe, i - 0.5), right - xe, 1, color="#FBE3D6", zorder=0, linewidth=0))
        fin = r.finish
        if r.status == "ready":
            x = axis.x(r.recognition) if not pd.isna(r.recognition) else start_x + 0.5
            ax.plot(x, i, marker="D", markersize=11, color=colour, zorder=3, linestyle="none")
            ax.text(x + 0.25, i, status_label("ready", lang), va="center", fontsize=10, color=colour)
            continue
        if not pd.isna(fin):
            xf = axis.x(fin)
            ax.plot([start_x, xf], [i, i], color=colour, linewidth=6, alpha=0.35, solid_capstyle="butt", zorder=1)
            firm = bool(firmness.get(r.commune, True))
            ax.plot(xf, i, marker="o", markersize=12, color=colour, markerfacecolor=colour if firm else "white",
                    markeredgewidth=2.5, zorder=3, linestyle="none")
        if r.status == "unscheduled":
            xs = axis.x(fin) if not pd.isna(fin) else start_x
            ax.annotate("", xy=(axis.undated - 0.15, i), xytext=(xs + 0.2, i),
                        arrowprops=dict(arrowstyle="-|>", color=colour, linestyle=(0, (3, 2)), linewidth=1.8))
            ax.text(axis.undated, i, "?", ha="center", va="center", fontsize=14, fontweight="bold", color=colour)
        elif not pd.isna(r.recognition):
            xr = axis.x(r.recognition)
            if xr != axis.x(fin):
                ax.plot([axis.x(fin), xr], [i, i], color=colour, linestyle=":", linewidth=2, zorder=2)
            else:  # recognised in the quarter it finishes: the diamond just after the circle
                xr += 0.3
            ax.plot(xr, i, marker="D", markersize=11, color=colour, zorder=4, linestyle="none",
                    markeredgecolor="white", markeredgewidth=1.2)
    # target year end line (one line when every commune shares it)
    years = sorted(set(int(y) for y in proj["target_year"].dropna()))
    for y in years:
        xe = axis.x(pd.Period(f"{y}Q4", freq="Q-DEC")) + 0.5
        ax.axvline(xe, color=OKABE_ITO["vermillion"], linewidth=1.8, linestyle="--", zorder=1)
        ax.text(xe - 0.05, -0.95, t("target_end", lang, year=y), color=OKABE_ITO["vermillion"], ha="right",
                va="center", fontsize=10.5, fontweight="bold")
    if q0 is not None:
        ax.axvline(axis.x(q0) - 0.5, color="#555555", linewidth=1.2)
        ax.text(axis.x(q0) - 0.45, n - 0.45, t("as_of", lang), fontsize=9.5, color="#555555", va="top")
    axis.decorate(ax, lang, undated=has_unsched, label_undated="?")
    ax.set_yticks(range(n))
    names = [f"{c} ★" if lvl == "kieu_mau" else c for c, lvl in zip(proj["commune"], proj["target_level"])]
    ax.set_yticklabels(names)
    ax.set_ylim(n - 0.4, -1.4)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    statuses = [s for s in STATUS_COLOURS if (proj["status"] == s).any()]
    handles = [Patch(color=STATUS_COLOURS[s], label=status_label(s, lang)) for s in statuses]
    handles += [
        Line2D([], [], marker="o", color="#555555", linestyle="none", markersize=10, label=t("finish", lang)),
        Line2D([], [], marker="o", color="#555555", markerfacecolor="white", markeredgewidth=2,
               linestyle="none", markersize=10, label=t("finish_inferred", lang)),
        Line2D([], [], marker="D", color="#555555", linestyle="none", markersize=9, label=t("recognition", lang)),
    ]
    if any(q.year > max(years) for q in axis.quarters) if years else False:
        handles.append(Patch(color="#FBE3D6", label=t("beyond_target", lang)))
    if has_unsched:
        handles.append(Line2D([], [], color="#555555", linestyle=(0, (3, 2)), label="→ ? " + t("unscheduled_tail",
                                                                                                 lang)))
    if (proj["target_level"] == "kieu_mau").any():
        handles.append(_model_star_handle(lang))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0,
              fontsize=10.5)
    ax.set_title(t("projection_title", lang), loc="left")
    return ax


# ------------------------------------------------------------- scenario
def scenario_comparison(baseline: pd.DataFrame, scenario: pd.DataFrame, ax: Axes | None = None,
                        lang: str = "vi", name: str = "") -> Axes:
    """Per commune: projected recognition under the baseline (hollow grey) and the
    scenario (filled, coloured by the scenario's status), an arrow where it moved;
    "?" for a commune that cannot be projected. Changed communes are bold.

    Both frames are :func:`~ntm_analysis.analysis.projection.projection` results.
    """
    ax = _new_ax(ax)
    b = baseline.set_index("commune")
    s = scenario.set_index("commune")
    communes = list(baseline["commune"]) + [c for c in scenario["commune"] if c not in set(baseline["commune"])]

    def when(df, c):
        if c not in df.index:
            return pd.NaT
        r = df.loc[c]
        return r["recognition"] if not pd.isna(r["recognition"]) else pd.NaT

    years = sorted(set(int(y) for y in pd.concat([baseline["target_year"], scenario["target_year"]]).dropna()))
    extra = [pd.Period(f"{y}Q4", freq="Q-DEC") for y in years] + [pd.Period(f"{y}Q1", freq="Q-DEC") for y in years]
    axis = _QuarterAxis(list(baseline["recognition"]) + list(scenario["recognition"]) + extra)
    changed = []
    for i, c in enumerate(communes):
        if i % 2 == 0:
            ax.axhspan(i - 0.5, i + 0.5, color="#F7F7F7", zorder=0)
        rb, rs = when(b, c), when(s, c)
        sb = b.loc[c, "status"] if c in b.index else ""
        ss = s.loc[c, "status"] if c in s.index else ""
        xb, xs = axis.x(rb), axis.x(rs)
        moved = (xb != xs) or sb != ss
        if moved:
            changed.append(c)
        colour = STATUS_COLOURS.get(ss, "#777777")
        if xb != xs:
            ax.add_patch(FancyArrowPatch((xb, i), (xs, i), arrowstyle="-|>", mutation_scale=14, color=colour,
                                         linewidth=1.8, shrinkA=8, shrinkB=8, zorder=2))
        ax.plot(xb, i - (0.0 if xb != xs else 0.17), marker="o", markersize=12, color="#777777",
                markerfacecolor="white", markeredgewidth=2.2, zorder=3, linestyle="none")
        ax.plot(xs, i + (0.0 if xb != xs else 0.17), marker="o", markersize=12, color=colour, zorder=4,
                linestyle="none")
        if sb != ss:
            ax.text(axis.undated + 0.6, i, f"{status_label(sb, lang)} → {status_label(ss, lang)}",
                    va="center", fontsize=9.5, color=colour)
    for y in years:
        xe = axis.x(pd.Period(f"{y}Q4", freq="Q-DEC")) + 0.5
        ax.axvline(xe, color=OKABE_ITO["vermillion"], linewidth=1.8, linestyle="--", zorder=1)
        ax.text(xe - 0.05, -0.95, t("target_end", lang, year=y), color=OKABE_ITO["vermillion"], ha="right",
                va="center", fontsize=10.5, fontweight="bold")
    axis.decorate(ax, lang, undated=True, label_undated="?")
    ax.set_xlim(-0.6, axis.undated + 0.5 + (3.2 if any(
        (b.loc[c, "status"] if c in b.index else "") != (s.loc[c, "status"] if c in s.index else "")
        for c in communes) else 0.0))
    ax.set_yticks(range(len(communes)))
    ax.set_yticklabels(communes)
    for lbl, c in zip(ax.get_yticklabels(), communes):
        if c in changed:
            lbl.set_fontweight("bold")
    ax.set_ylim(len(communes) - 0.5, -1.4)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    statuses = [k for k in STATUS_COLOURS if (scenario["status"] == k).any()]
    handles = [Line2D([], [], marker="o", color="#777777", markerfacecolor="white", markeredgewidth=2,
                      linestyle="none", markersize=10, label=t("baseline", lang))]
    handles += [Line2D([], [], marker="o", color=STATUS_COLOURS[k], linestyle="none", markersize=10,
                       label=f"{t('scenario', lang)}: {status_label(k, lang).lower()}") for k in statuses]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(len(handles), 3),
              frameon=False)
    title = t("scenario_title", lang) + (f" — {name}" if name else "")
    ax.set_title(wrap(title, 90), loc="left")
    return ax
