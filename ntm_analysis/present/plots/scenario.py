"""Baseline beside scenario: projected recognition per commune, and what moved."""
from __future__ import annotations

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch

from ...i18n import t
from .style import STATUS_COLOURS, QuarterAxis, new_ax, status_label, styled, target_year_lines, titled, wrap


@styled
def scenario_comparison(baseline: pd.DataFrame, scenario: pd.DataFrame, ax: Axes | None = None,
                        lang: str = "vi", name: str = "", note: str = "") -> Axes:
    """Per commune: projected recognition under the baseline (hollow grey) and the
    scenario (filled, coloured by the scenario's status), an arrow where it moved;
    "?" for a commune that cannot be projected. Changed communes are bold.

    Both frames are :func:`~ntm_analysis.analysis.projection.projection` results.
    """
    ax = new_ax(ax)
    b = baseline.set_index("commune_id")
    s = scenario.set_index("commune_id")
    ids = list(baseline["commune_id"]) + [c for c in scenario["commune_id"] if c not in set(baseline["commune_id"])]
    names = dict(zip(list(scenario["commune_id"]) + list(baseline["commune_id"]),
                     list(scenario["commune"]) + list(baseline["commune"])))

    def when(df, c):
        return df.loc[c, "recognition"] if c in df.index else pd.NaT

    def status(df, c):
        return df.loc[c, "status"] if c in df.index else ""

    years = sorted(set(int(y) for y in pd.concat([baseline["target_year"], scenario["target_year"]]).dropna()))
    extra = [pd.Period(f"{y}Q4", freq="Q-DEC") for y in years] + [pd.Period(f"{y}Q1", freq="Q-DEC") for y in years]
    axis = QuarterAxis(list(baseline["recognition"]) + list(scenario["recognition"]) + extra)
    changed = []
    for i, c in enumerate(ids):
        if i % 2 == 0:
            ax.axhspan(i - 0.5, i + 0.5, color="#F7F7F7", zorder=0)
        xb, xs = axis.x(when(b, c)), axis.x(when(s, c))
        sb, ss = status(b, c), status(s, c)
        if xb != xs or sb != ss:
            changed.append(c)
        _row(ax, axis, i, xb, xs, sb, ss, lang)
    target_year_lines(ax, axis, years, lang)
    axis.decorate(ax, lang, undated=True, label_undated="?")
    moved_status = any(status(b, c) != status(s, c) for c in ids)
    ax.set_xlim(-0.6, axis.undated + 0.5 + (3.2 if moved_status else 0.0))
    ax.set_yticks(range(len(ids)))
    ax.set_yticklabels([names[c] for c in ids])
    for lbl, c in zip(ax.get_yticklabels(), ids):
        if c in changed:
            lbl.set_fontweight("bold")
    ax.set_ylim(len(ids) - 0.5, -1.4)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    _legend(ax, scenario, lang)
    titled(ax, wrap(t("chart.scenario_title", lang) + (f" — {name}" if name else ""), 90), note)
    return ax


def _row(ax: Axes, axis: QuarterAxis, i: int, xb: float, xs: float, sb: str, ss: str, lang: str) -> None:
    """One commune: baseline (hollow), scenario (filled), the arrow between, a status change."""
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


def _legend(ax: Axes, scenario: pd.DataFrame, lang: str) -> None:
    handles = [Line2D([], [], marker="o", color="#777777", markerfacecolor="white", markeredgewidth=2,
                      linestyle="none", markersize=10, label=t("chart.baseline", lang))]
    handles += [Line2D([], [], marker="o", color=STATUS_COLOURS[k], linestyle="none", markersize=10,
                       label=f"{t('chart.scenario', lang)}: {status_label(k, lang).lower()}")
                for k in STATUS_COLOURS if (scenario["status"] == k).any()]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(len(handles), 3),
              frameon=False)
