"""Bar charts: the criteria blocking the most communes, and the gaps left per commune."""
from __future__ import annotations

import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import Patch

from ...core.vocab import Level, Requirement
from ...i18n import t
from .style import OKABE_ITO, commune_labels, model_star_handle, new_ax, styled, wrap


@styled
def blocking_criteria(by_criterion: pd.DataFrame, ax: Axes | None = None, lang: str = "vi",
                      top: int | None = None, catalogue=None) -> Axes:
    """Horizontal bars: how many communes each criterion blocks (most first).

    ``by_criterion`` is :func:`~ntm_analysis.analysis.gaps.gaps_by_criterion`'s result;
    ``catalogue`` gives the English names (``lang="en"``).

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.analysis import gaps_by_criterion
    >>> ax = blocking_criteria(gaps_by_criterion(load_plan()))
    >>> ax.get_xlabel()
    'Số xã còn thiếu tiêu chí'
    """
    df = by_criterion if top is None else by_criterion.head(top)
    ax = new_ax(ax)
    n = len(df)
    if lang == "en" and catalogue is not None:
        names = [catalogue.name(c, "en") if c in catalogue.codes else name
                 for c, name in zip(df["criterion_code"], df["criterion"])]
    else:
        names = list(df["criterion"])
    labels = [wrap(f"{c}. {name}" if str(c).isdigit() else f"{c} {name}", 34)
              for c, name in zip(df["criterion_code"], names)]
    y = np.arange(n)
    is_model = (df["requirement"] == Requirement.MODEL).to_numpy()
    ax.barh(y, df["communes"], color=[OKABE_ITO["orange"] if m else OKABE_ITO["blue"] for m in is_model],
            height=0.7)
    for yi, v in zip(y, df["communes"]):
        ax.text(v + 0.08, yi, str(int(v)), va="center", ha="left", fontsize=11, fontweight="bold")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=10.5 if n > 10 else 11, linespacing=1.0)
    ax.set_ylim(n - 0.5, -0.6)
    vmax = int(df["communes"].max()) if n else 1
    ax.set_xlim(0, vmax + max(1.0, vmax * 0.08))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(t("chart.blocking_x", lang))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    own = catalogue is not None and any(catalogue.short)  # a set with a short name names its own criteria
    handles = [Patch(color=OKABE_ITO["blue"], label=t("chart.criterion_bar_of", lang, set=catalogue.short_in(lang))
                     if own else t("chart.criterion_bar", lang))]
    if is_model.any():
        handles.append(Patch(color=OKABE_ITO["orange"], label=t("chart.model_bar", lang)))
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_title(t("chart.blocking_title", lang), loc="left")
    return ax


@styled
def communes_by_gaps(by_commune: pd.DataFrame, ax: Axes | None = None, lang: str = "vi", plan=None) -> Axes:
    """Horizontal stacked bars per commune: advanced criteria and model requirements
    still missing, most first; communes with nothing left are labelled.

    ``by_commune`` is :func:`~ntm_analysis.analysis.gaps.gaps_by_commune`'s result; with
    ``plan``, communes are named with their district when it holds several.
    """
    df = by_commune.assign(_total=by_commune["missing"] + by_commune["model_missing"],
                           _pos=np.arange(len(by_commune)))
    df = df.sort_values(["_total", "_pos"], ascending=[False, True], kind="stable")
    ax = new_ax(ax)
    y = np.arange(len(df))
    ax.barh(y, df["missing"], color=OKABE_ITO["blue"], height=0.7, label=t("chart.criteria_missing", lang))
    if df["model_missing"].any():
        ax.barh(y, df["model_missing"], left=df["missing"], color=OKABE_ITO["orange"], height=0.7,
                label=t("chart.model_missing", lang))
    for yi, total in zip(y, df["_total"]):
        text = str(int(total)) if total else t("chart.ready_label", lang)
        ax.text(total + 0.08, yi, text, va="center", ha="left", fontsize=11,
                fontweight="bold" if total else "normal", color="black" if total else OKABE_ITO["green"])
    model = df["target_level"] == Level.MODEL
    ax.set_yticks(y)
    ax.set_yticklabels([f"{c} ★" if m else c for c, m in zip(commune_labels(df, plan), model)])
    ax.set_ylim(len(df) - 0.5, -0.6)
    vmax = int(df["_total"].max()) if len(df) else 1
    ax.set_xlim(0, vmax + max(1.5, vmax * 0.12))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(t("chart.communes_x", lang))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.8)
    ax.set_axisbelow(True)
    handles, _ = ax.get_legend_handles_labels()
    if model.any():
        handles.append(model_star_handle(lang))
    ax.legend(handles=handles, loc="lower right", frameon=False)
    ax.set_title(t("chart.communes_title", lang), loc="left")
    return ax
