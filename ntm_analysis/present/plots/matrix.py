"""The status matrix as a heatmap: communes × criteria coloured by status and due quarter."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch, Rectangle

from ...analysis.matrix import matrix_cells
from ...analysis.run import run_of
from ...core.vocab import Cell
from ...i18n import t
from .style import (DONE_COLOUR, commune_labels, INFERRED_HATCH, MET_COLOUR, NA_COLOUR, OKABE_ITO, UNDATED_COLOUR, criterion_label,
                    new_ax, quarter_colours, quarter_label, styled, text_colour, wrap)


@styled
def status_matrix(plan, as_of: object = None, ax: Axes | None = None, lang: str = "vi",
                  cells: pd.DataFrame | None = None) -> Axes:
    """Heatmap: communes (rows) × criteria (columns) coloured by status and due quarter.

    Met cells are pale grey; open gaps take their due quarter's colour (viridis,
    earliest darkest) with the quarter written in; inferred deadlines are hatched;
    undated gaps are vermillion with "?"; done gaps (completion log) green with "✓";
    model requirements of non-model communes are left blank. ``cells``: the
    :func:`~ntm_analysis.analysis.matrix.matrix_cells` already computed.

    >>> from ntm_analysis import load_plan
    >>> ax = status_matrix(load_plan())
    >>> ax.get_title(loc="left")
    'Tình trạng tiêu chí theo xã và quý hoàn thành'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    run = run_of(plan, as_of)
    cat = run.catalogue
    cells = matrix_cells(run) if cells is None else cells
    ax = new_ax(ax, (12.0, 6.6))
    ids = list(dict.fromkeys(cells["commune_id"]))
    names = dict(zip(cells["commune_id"], commune_labels(cells, run.plan)))
    codes = list(dict.fromkeys(cells["criterion_code"]))
    due = cells["status"] == Cell.DUE
    qcol = quarter_colours(cells.loc[due, "due"])
    one_year = len({q.year for q in qcol}) <= 1
    ci = {c: i for i, c in enumerate(codes)}
    ri = {c: i for i, c in enumerate(ids)}
    for r in cells.itertuples(index=False):
        _cell(ax, ci[r.criterion_code], ri[r.commune_id], r, qcol, lang, one_year)
    _axes(ax, run, codes, ids, [names[i] for i in ids], lang)
    _legend(ax, cells, qcol, lang)
    _notes(ax, cat, codes, cells, lang)
    ax.set_title(t("chart.matrix_title", lang), loc="left", pad=12)
    return ax


def _cell(ax: Axes, x: int, y: int, r, qcol: dict, lang: str, one_year: bool) -> None:
    """One commune × criterion square, its overdue frame and its text."""
    text, hatch = "", None
    if r.status == Cell.MET:
        face = MET_COLOUR
    elif r.status == Cell.NA:
        face = NA_COLOUR
    elif r.status == Cell.DONE:
        face, text = DONE_COLOUR, "✓"
    elif r.status == Cell.UNDATED:
        face, text = UNDATED_COLOUR, "?"
    else:
        face = qcol[r.due]
        text = quarter_label(r.due, lang, short=True, with_year=not one_year)
        hatch = None if r.firm else INFERRED_HATCH
    ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=face, edgecolor="white", linewidth=0, hatch=hatch))
    ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor="none",
                           edgecolor=OKABE_ITO["black"] if r.overdue else "white",
                           linewidth=2.5 if r.overdue else 1.5))
    if text:
        ax.text(x, y, text, ha="center", va="center", fontsize=11, color=text_colour(face),
                fontweight="bold" if r.status == Cell.DUE else "normal",
                bbox=dict(boxstyle="round,pad=0.12", facecolor=face, edgecolor="none") if hatch else None)


def _axes(ax: Axes, run, codes: list[str], ids: list[str], names: list[str], lang: str) -> None:
    """Criteria along the top, communes down the side (model communes in bold), no frame."""
    cat = run.catalogue
    ax.set_xlim(-0.5, len(codes) - 0.5)
    ax.set_ylim(len(ids) - 0.5, -0.5)
    ax.set_xticks(range(len(codes)))
    ax.set_xticklabels([criterion_label(cat, c, lang, 18) for c in codes], rotation=90, fontsize=9.5,
                       linespacing=1.0)
    ax.xaxis.tick_top()
    ax.set_yticks(range(len(ids)))
    ax.set_yticklabels(names)
    level = dict(zip(run.plan.communes["commune_id"], run.plan.communes["target_level"]))
    for lbl, cid in zip(ax.get_yticklabels(), ids):
        if level.get(cid) == cat.model_level:
            lbl.set_fontweight("bold")
    ax.tick_params(length=0)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)


def _legend(ax: Axes, cells: pd.DataFrame, qcol: dict, lang: str) -> None:
    """Quarters (firm), inferred, undated, done, met, overdue."""
    status = cells["status"]
    handles = [Patch(facecolor=qcol[q], label=f"{t('cell.due', lang)} {quarter_label(q, lang)}") for q in sorted(qcol)]
    if status.eq(Cell.DUE).any() and not cells.loc[status == Cell.DUE, "firm"].all():
        handles.append(Patch(facecolor="#777777", edgecolor="white", hatch=INFERRED_HATCH,
                             label=t("chart.inferred", lang)))
    if status.eq(Cell.UNDATED).any():
        handles.append(Patch(facecolor=UNDATED_COLOUR, label=f"? {t('cell.undated', lang)}"))
    if status.eq(Cell.DONE).any():
        handles.append(Patch(facecolor=DONE_COLOUR, label=f"✓ {t('chart.done', lang)}"))
    handles.append(Patch(facecolor=MET_COLOUR, label=t("cell.met", lang)))
    if cells["overdue"].any():
        handles.append(Patch(facecolor="white", edgecolor="black", linewidth=2, label=t("chart.overdue", lang)))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=10,
              title=None, borderaxespad=0)


def _notes(ax: Axes, cat, codes: list[str], cells: pd.DataFrame, lang: str) -> None:
    all_met = [c for c in cat.criterion_codes if c not in codes]
    notes = []
    if all_met:
        notes.append(t("chart.all_met_note", lang, codes=", ".join(all_met)))
    if (cells["status"] != Cell.NA).any() and any(cat.is_model(c) for c in codes):
        notes.append(t("chart.model_note", lang))
    if notes:
        ax.text(1.01, 0.0, wrap(" ".join(notes), 40), transform=ax.transAxes, ha="left", va="bottom",
                fontsize=9.5, color="#444444")
