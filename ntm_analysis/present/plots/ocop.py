"""What waits on an OCOP product: per commune, its OCOP item and the items waiting on it."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from ...analysis.run import run_of
from ...core.vocab import DueSource
from ...i18n import t
from ...tables.plan import gap_id
from .style import OKABE_ITO, QuarterAxis, new_ax, styled, titled, wrap


@styled
def ocop_dependencies(ocop: pd.DataFrame, plan, ax: Axes | None = None, lang: str = "vi") -> Axes:
    """Per commune missing the OCOP criterion: its OCOP item (square, at its due quarter)
    and the items waiting on it (circles), joined by arrows; conflicts (a waiting item
    due before the OCOP item) in vermillion. Hollow markers: inferred deadlines.

    ``ocop`` is :func:`~ntm_analysis.analysis.ocop.ocop_summary`'s result; ``plan``
    (or its analysis) tells the OCOP criterion and firm from inferred deadlines.
    """
    run = run_of(plan)
    code13 = run.ocop_criterion or ""
    ax = new_ax(ax)
    shown = ocop["ocop_gap"] | ocop["waiting"].map(len).gt(0)
    rows = ocop.loc[shown].reset_index(drop=True)
    others = ocop.loc[~shown, "commune"].tolist()
    items = _waiting_items(rows, run.plan.gaps)
    firm_sources = set(DueSource.firm())
    if not len(rows):
        ax.text(0.5, 0.5, t("chart.no_ocop_rows", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(t("chart.ocop_title", lang), loc="left")
        return ax
    axis = QuarterAxis(list(rows["ocop_due"]) + [it[2] for it in items])
    has_undated = rows["ocop_due"].isna().any() or any(pd.isna(it[2]) for it in items)
    ocol, wcol, ccol = OKABE_ITO["orange"], OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    dy = 0.18
    for i, r in rows.iterrows():
        if i % 2 == 0:
            ax.axhspan(i - 0.5, i + 0.5, color="#F7F7F7", zorder=0)
        x = axis.x(r["ocop_due"])
        firm = r["ocop_due_source"] in firm_sources
        if r["ocop_gap"]:
            ax.plot(x, i - dy, marker="s", markersize=17, color=ocol, markerfacecolor=ocol if firm else "white",
                    markeredgewidth=2.2, zorder=3, linestyle="none")
            ax.text(x, i - dy, code13, ha="center", va="center", fontsize=9, zorder=4,
                    color="black" if firm else ocol, fontweight="bold")
    for item in items:
        _waiting(ax, axis, rows, item, dy, wcol, ccol, lang)
    axis.decorate(ax, lang, undated=has_undated)
    _rows(ax, rows, lang)
    _legend(ax, code13, ocol, wcol, ccol, lang)
    titled(ax, t("chart.ocop_title", lang), t("chart.ocop_note", lang, code=code13, names=", ".join(others))
           if others else "")
    return ax


def _waiting_items(rows: pd.DataFrame, gaps: pd.DataFrame) -> list[tuple]:
    """(row, code, due, firm, conflict) of every item waiting on a commune's OCOP item."""
    source = dict(zip(gaps["gap_id"], gaps["due_source"]))
    firm_sources = set(DueSource.firm())
    items = []
    for i, r in rows.iterrows():
        for code, due in zip(r["waiting"], r["waiting_due"]):
            firm = source.get(gap_id(r["commune_id"], code), DueSource.ITEM) in firm_sources
            conflict = bool(r["conflict"]) and not pd.isna(due) and not pd.isna(r["ocop_due"]) and due < r["ocop_due"]
            items.append((i, code, due, firm, conflict))
    return items


def _waiting(ax: Axes, axis: QuarterAxis, rows: pd.DataFrame, item: tuple, dy: float, wcol: str, ccol: str,
             lang: str) -> None:
    """A waiting item (circle), its arrow from the OCOP item and its conflict mark."""
    i, code, due, firm, conflict = item
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
        ax.text(max(x0, x1) + 0.25, i + dy, "⚠ " + t("chart.conflict_short", lang), color=ccol, va="center",
                ha="left", fontsize=10, fontweight="bold", zorder=4)


def _legend(ax: Axes, code13: str, ocol: str, wcol: str, ccol: str, lang: str) -> None:
    handles = [
        Line2D([], [], marker="s", color=ocol, linestyle="none", markersize=11,
               label=t("chart.ocop_item", lang, code=code13)),
        Line2D([], [], marker="o", color=wcol, linestyle="none", markersize=11, label=t("chart.waiting_item", lang)),
        Line2D([], [], marker="o", color=ccol, linestyle="none", markersize=11, label=t("chart.conflict", lang)),
        Line2D([], [], marker="o", color="#555555", markerfacecolor="white", markeredgewidth=2,
               linestyle="none", markersize=11, label=t("chart.inferred", lang)),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)


def _rows(ax: Axes, rows: pd.DataFrame, lang: str) -> None:
    """One row per commune, labelled with its products and target stars."""
    n = len(rows)
    ax.set_yticks(range(n))
    labels = []
    for r in rows.itertuples(index=False):
        extra = ", ".join(r.products) if r.products else t("word.no_product_named", lang)
        if not pd.isna(r.target_stars):
            extra += f" ({int(r.target_stars)} {t('word.stars', lang)})"
        labels.append(f"{r.commune}\n{wrap(extra, 44)}")
    ax.set_yticklabels(labels, fontsize=10.5, linespacing=1.05)
    for lbl in ax.get_yticklabels():
        lbl.set_multialignment("right")
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
