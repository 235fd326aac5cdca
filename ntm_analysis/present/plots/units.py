"""The 2025 communes and what they inherit: a matrix of new communes × criteria."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from ...i18n import t
from .style import (INFERRED_HATCH, UNDATED_COLOUR, criterion_label, new_ax, quarter_colours,
                    quarter_label, styled, text_colour, wrap)


@styled
def inherited_matrix(gaps: pd.DataFrame, units: pd.DataFrame, catalogue, ax: Axes | None = None,
                     lang: str = "vi") -> Axes:
    """Heatmap: 2025 communes (rows) × criteria (columns). A cell says how many of the
    commune's former units still lack the criterion ("2/4"), coloured by the latest of
    their deadlines (the new commune's); "?" where one has none; hatched where a holder was
    split between new communes. ``gaps``: :func:`~ntm_analysis.units.inherit.inherited_gaps`;
    ``units``: :func:`~ntm_analysis.units.match.units_table`.

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.units.inherit import inherited_gaps
    >>> from ntm_analysis.units.match import units_table
    >>> plan = load_plan(); u = units_table(plan)
    >>> ax = inherited_matrix(inherited_gaps(plan, u), u, plan.catalogue)
    >>> [lbl.get_text() for lbl in ax.get_yticklabels()][:2]
    ['Tứ Kỳ (3 xã của kế hoạch)', 'Đại Sơn (1 xã của kế hoạch)']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    parts = units[units["commune_2025"] != ""].drop_duplicates(["commune_id", "code_2025"])
    formers = parts.groupby("code_2025", sort=True)["commune_id"].nunique()
    names = dict(zip(parts["code_2025"], parts["commune_2025"]))
    codes = sorted(formers.index)
    order = {c: i for i, c in enumerate(catalogue.codes)}
    criteria = sorted(dict.fromkeys(gaps["criterion_code"]), key=lambda c: order.get(c, len(order)))
    ax = new_ax(ax, (12.0, 4.8))
    qcol = quarter_colours(gaps["due"].dropna())
    one_year = len({q.year for q in qcol}) <= 1
    for r in gaps.itertuples(index=False):
        x, y = criteria.index(r.criterion_code), codes.index(r.commune_code)
        n = len(r.former_commune.split(", "))
        face = UNDATED_COLOUR if pd.isna(r.due) else qcol[r.due]
        ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=face, edgecolor="white", linewidth=1.5,
                               hatch=INFERRED_HATCH if r.split else None))
        due = "?" if pd.isna(r.due) else quarter_label(r.due, lang, short=True, with_year=not one_year)
        ax.text(x, y, f"{n}/{formers[r.commune_code]}\n{due}", ha="center", va="center", fontsize=9.5,
                color=text_colour(face), linespacing=1.1,
                bbox=dict(boxstyle="round,pad=0.1", facecolor=face, edgecolor="none") if r.split else None)
    ax.set_xlim(-0.5, len(criteria) - 0.5)
    ax.set_ylim(len(codes) - 0.5, -0.5)
    ax.set_xticks(range(len(criteria)))
    ax.set_xticklabels([criterion_label(catalogue, c, lang, 18) for c in criteria], rotation=90, fontsize=9.5)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(codes)))
    ax.set_yticklabels([t("chart.units_row", lang, name=names[c], n=formers[c]) for c in codes])
    ax.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(facecolor=qcol[q], label=f"{t('chart.units_latest', lang)} {quarter_label(q, lang)}")
               for q in sorted(qcol)]
    if gaps["due"].isna().any():
        handles.append(Patch(facecolor=UNDATED_COLOUR, label=f"? {t('cell.undated', lang)}"))
    if gaps["split"].any():
        handles.append(Patch(facecolor="#777777", edgecolor="white", hatch=INFERRED_HATCH,
                             label=t("chart.units_split", lang)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=10)
    ax.set_title(t("chart.units_title", lang), loc="left", pad=12)
    ax.text(0.0, -0.04, wrap(t("chart.units_note", lang), 130), transform=ax.transAxes, ha="left", va="top",
            fontsize=9.5, color="#444444")
    return ax


__all__ = ["inherited_matrix"]
