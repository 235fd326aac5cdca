"""The projection as a timeline: finish and recognition quarter per commune."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from ...core.quarters import as_of_quarter
from ...core.vocab import DueSource, Level, Status
from ...i18n import t
from .style import (STATUS_COLOURS, QuarterAxis, commune_labels, model_star_handle, new_ax, status_label, styled,
                    target_year_lines, titled)


def finish_firmness(propagated: pd.DataFrame) -> pd.Series:
    """Per commune id: True when its finish quarter rests on a firm deadline (some open
    gap due, by its own firm deadline, in that quarter), False when only on inferred
    (year-only) ones. ``propagated`` is :func:`propagate_deadlines`' result."""
    if propagated.empty:
        return pd.Series(dtype=bool)
    p = propagated.loc[propagated["effective_due"].notna()]
    last = p.groupby("commune_id")["effective_due"].transform("max")
    at = p.loc[p["effective_due"] == last]
    firm = at["due_source"].isin(list(DueSource.firm())) & (at["due"] == at["effective_due"])
    return firm.groupby(at["commune_id"]).any()


@styled
def projection_timeline(proj: pd.DataFrame, propagated: pd.DataFrame | None = None, ax: Axes | None = None,
                        lang: str = "vi", as_of: object = None, note: str = "", plan=None) -> Axes:
    """Per commune: a bar to the quarter its last gap closes (filled marker: firm
    deadline, hollow: inferred) and the projected recognition (diamond), coloured by
    status; quarters after the target year are shaded and its end is marked.

    ``proj`` is :func:`~ntm_analysis.analysis.projection.projection`'s result; ``note``
    (the review lag assumed, :func:`~ntm_analysis.present.summary.lag_note`) is written
    under the title.
    """
    ax = new_ax(ax)
    firmness = finish_firmness(propagated) if propagated is not None else pd.Series(dtype=bool)
    years = sorted(set(int(y) for y in proj["target_year"].dropna()))
    q0 = as_of_quarter(as_of)
    axis = QuarterAxis(list(proj["finish"]) + list(proj["recognition"])
                       + [pd.Period(f"{y}Q4", freq="Q-DEC") for y in proj["target_year"].dropna()]
                       + [pd.Period(f"{int(y)}Q1", freq="Q-DEC") for y in proj["target_year"].dropna()][:1]
                       + ([q0] if q0 is not None else []))
    has_unsched = (proj["status"] == Status.UNSCHEDULED).any()
    n = len(proj)
    start_x = axis.x(q0) if q0 is not None else -0.5
    for i, r in enumerate(proj.itertuples(index=False)):
        _row(ax, axis, i, r, firmness, start_x, lang)
    target_year_lines(ax, axis, years, lang)
    if q0 is not None:
        ax.axvline(axis.x(q0) - 0.5, color="#555555", linewidth=1.2)
        ax.text(axis.x(q0) - 0.6, n - 0.5, t("chart.as_of", lang), fontsize=9.5, color="#555555", va="bottom",
                ha="right")
    axis.decorate(ax, lang, undated=has_unsched, label_undated="?")
    ax.set_yticks(range(n))
    model = proj["target_level"] == Level.MODEL
    ax.set_yticklabels([f"{c} ★" if m else c for c, m in zip(commune_labels(proj, plan), model)])
    ax.set_ylim(n - 0.4, -1.4)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    handles = [Patch(color=STATUS_COLOURS[s], label=status_label(s, lang)) for s in STATUS_COLOURS
               if (proj["status"] == s).any()]
    handles += [
        Line2D([], [], marker="o", color="#555555", linestyle="none", markersize=10, label=t("chart.finish", lang)),
        Line2D([], [], marker="o", color="#555555", markerfacecolor="white", markeredgewidth=2,
               linestyle="none", markersize=10, label=t("chart.finish_inferred", lang)),
        Line2D([], [], marker="D", color="#555555", linestyle="none", markersize=9, label=t("chart.recognition", lang)),
    ]
    if years and any(q.year > max(years) for q in axis.quarters):
        handles.append(Patch(color="#FBE3D6", label=t("chart.beyond_target", lang)))
    if has_unsched:
        handles.append(Line2D([], [], color="#555555", linestyle=(0, (3, 2)),
                              label="→ ? " + t("chart.unscheduled_tail", lang)))
    if model.any():
        handles.append(model_star_handle(lang))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, borderaxespad=0,
              fontsize=10.5)
    titled(ax, t("chart.projection_title", lang), note)
    return ax


def _row(ax: Axes, axis: QuarterAxis, i: int, r, firmness: pd.Series, start_x: float, lang: str) -> None:
    """One commune's bar, finish marker and recognition diamond."""
    colour = STATUS_COLOURS.get(r.status, "#777777")
    if not pd.isna(r.target_year):
        xe = axis.x(pd.Period(f"{int(r.target_year)}Q4", freq="Q-DEC")) + 0.5
        right = len(axis.quarters) - 0.5
        if right > xe:
            ax.add_patch(Rectangle((xe, i - 0.5), right - xe, 1, color="#FBE3D6", zorder=0, linewidth=0))
    fin = r.finish
    if r.status == Status.READY:
        x = axis.x(r.recognition) if not pd.isna(r.recognition) else start_x + 0.5
        ax.plot(x, i, marker="D", markersize=11, color=colour, zorder=3, linestyle="none")
        ax.text(x + 0.25, i, status_label(Status.READY, lang), va="center", fontsize=10, color=colour)
        return
    if not pd.isna(fin):
        xf = axis.x(fin)
        ax.plot([start_x, xf], [i, i], color=colour, linewidth=6, alpha=0.35, solid_capstyle="butt", zorder=1)
        firm = bool(firmness.get(r.commune_id, True))
        ax.plot(xf, i, marker="o", markersize=12, color=colour, markerfacecolor=colour if firm else "white",
                markeredgewidth=2.5, zorder=3, linestyle="none")
    if r.status == Status.UNSCHEDULED:
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
