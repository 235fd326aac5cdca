"""Measured indicators against their thresholds: how far each one is from met."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes

from ...core.numbers import format_number
from ...i18n import t
from .style import OKABE_ITO, new_ax, styled, wrap


@styled
def indicator_distances(status: pd.DataFrame, ax: Axes | None = None, lang: str = "vi") -> Axes:
    """Horizontal bars, one per judged indicator of a commune: how far it is short of its
    threshold, as a share of the threshold (met ones at 0, in green), the value and the
    threshold written beside. ``status`` is
    :func:`~ntm_analysis.analysis.indicators.indicator_status`'s result.

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.analysis.indicators import indicator_status
    >>> ax = indicator_distances(indicator_status(load_plan()))
    >>> [lbl.get_text().split(" · ")[0] for lbl in ax.get_yticklabels()]
    ['Nguyên Giáp']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    judged = status[status["indicator_met"].notna()].copy()
    judged["share"] = judged["distance_share"].fillna(0.0)
    judged = judged.sort_values(["share", "commune"], ascending=[False, True], kind="stable")
    ax = new_ax(ax, (12.0, max(2.4, 0.55 * len(judged) + 1.6)))
    y = range(len(judged))
    colours = [OKABE_ITO["green"] if m else OKABE_ITO["vermillion"] for m in judged["indicator_met"]]
    ax.barh(list(y), judged["share"] * 100, color=colours, height=0.6)
    for yi, r in zip(y, judged.itertuples(index=False)):
        value = r.value_written or "—"
        text = (t("chart.indicator_met", lang, value=value) if r.indicator_met else
                t("chart.indicator_short", lang, value=value, comparator=r.comparator,
                  threshold=format_number(r.threshold, lang), unit=r.measure_unit,
                  distance=format_number(r.distance, lang)))
        ax.text(r.share * 100 + 0.5, yi, text, va="center", ha="left", fontsize=10.5)
    ax.set_yticks(list(y))
    ax.set_yticklabels([f"{r.commune} · {wrap(r.indicator, 38)}" for r in judged.itertuples(index=False)],
                       fontsize=10)
    ax.set_ylim(len(judged) - 0.5, -0.6)
    top = float(judged["share"].max() * 100) if len(judged) else 1.0
    ax.set_xlim(0, max(top * 1.9, 10))
    ax.set_xlabel(t("chart.indicator_x", lang))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_title(t("chart.indicators_title", lang), loc="left", pad=12)
    return ax


__all__ = ["indicator_distances"]
