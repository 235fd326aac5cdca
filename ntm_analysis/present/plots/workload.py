"""The quarterly workload as stacked bars, one colour per lead department."""
from __future__ import annotations

import matplotlib.ticker
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ...i18n import t
from .style import INFERRED_HATCH, OTHER_GREY, QuarterAxis, department_colours, new_ax, styled, wrap


@styled
def workload_by_department(workload_df: pd.DataFrame, ax: Axes | None = None, lang: str = "vi",
                           max_departments: int = 8) -> Axes:
    """Stacked bars: gaps due per quarter, one colour per lead department, undated
    shown apart (shaded, after a dashed line). Within each department the inferred
    deadlines (a year or a half year only) are hatched.

    ``workload_df`` is :func:`~ntm_analysis.analysis.workload.workload` with
    ``by="department"``; the largest ``max_departments`` departments get a colour,
    the others are grouped.
    """
    df, deps, colours = _grouped(workload_df, max_departments, lang)
    undated = df["quarter"].isna()
    axis = QuarterAxis(df.loc[~undated, "quarter"].unique())
    has_undated = bool(undated.any())
    ax = new_ax(ax)
    none = "-"  # the slot of the gaps with no deadline
    df["_slot"] = [none if u else str(q) for q, u in zip(df["quarter"], undated)]
    slots = [str(q) for q in axis.quarters] + ([none] if has_undated else [])
    xs = {str(q): axis.x(q) for q in axis.quarters}
    xs[none] = axis.undated
    g = df.groupby(["_dep", "_slot"], sort=False)[["items", "firm", "inferred"]].sum()
    bottom = _stack(ax, g, deps, slots, xs, colours, none)
    for s in slots:
        ax.text(xs[s], bottom[s] + 0.15, str(int(bottom[s])), ha="center", va="bottom", fontsize=12,
                fontweight="bold")
    axis.decorate(ax, lang, undated=has_undated)
    ymax = max(bottom.values()) if bottom else 1
    ax.set_ylim(0, ymax * 1.12 + 0.5)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_ylabel(t("chart.workload_y", lang))
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    handles = [Patch(color=colours[d], label=wrap(d, 34)) for d in deps]
    if df["inferred"].sum():
        handles.append(Patch(facecolor="#999999", edgecolor="white", hatch=INFERRED_HATCH,
                             label=wrap(t("chart.inferred", lang), 34)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=10,
              borderaxespad=0, labelspacing=0.7)
    ax.set_title(t("chart.workload_title", lang), loc="left")
    return ax


def _grouped(workload_df: pd.DataFrame, max_departments: int, lang: str) -> tuple[pd.DataFrame, list[str], dict]:
    """The rows with the smaller departments grouped, the departments in order, their colours."""
    df = workload_df.copy()
    totals = df.groupby("department", sort=False)["items"].sum()
    order = sorted(totals.index, key=lambda d: (-totals[d], d))
    keep = order[:max_departments] if len(order) > max_departments + 1 else order
    rest = [d for d in order if d not in keep]
    other = t("chart.other_departments", lang, n=len(rest))
    df["_dep"] = df["department"].where(df["department"].isin(keep), other)
    colours = department_colours(keep)
    colours[other] = OTHER_GREY
    return df, keep + ([other] if rest else []), colours


def _stack(ax: Axes, g: pd.DataFrame, deps: list[str], slots: list[str], xs: dict, colours: dict,
           none: str) -> dict[str, float]:
    """Stacked bars per slot (firm solid, inferred hatched); the height of every slot."""
    bottom = {s: 0.0 for s in slots}
    for dep in deps:
        for s in slots:
            if (dep, s) not in g.index:
                continue
            row = g.loc[(dep, s)]
            firm = float(row["firm"]) if s != none else float(row["items"])
            inferred = float(row["inferred"]) if s != none else 0.0
            solid = firm + max(float(row["items"]) - firm - inferred, 0.0)
            if solid:
                ax.bar(xs[s], solid, bottom=bottom[s], width=0.7, color=colours[dep], edgecolor="white", linewidth=0.8)
                bottom[s] += solid
            if inferred:
                ax.bar(xs[s], inferred, bottom=bottom[s], width=0.7, color=colours[dep], edgecolor="white",
                       linewidth=0.8, hatch=INFERRED_HATCH, alpha=0.75)
                bottom[s] += inferred
    return bottom
