"""The look of every chart: colour-blind-safe palettes, fonts and sizes as an explicit
style (applied while a chart is drawn, never to Matplotlib's global defaults), and the
small drawing helpers the chart modules share.

>>> import matplotlib
>>> before = matplotlib.rcParams["font.size"]
>>> ax = new_ax()
>>> matplotlib.rcParams["font.size"] == before   # drawing leaves the defaults alone
True
>>> close(ax)
"""
from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Callable, Iterable

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter

from ...core.quarters import format_quarter
from ...core.text import visible
from ...i18n import label, t

#: Okabe–Ito, the colour-blind-safe qualitative palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000",
}
#: Paul Tol's "muted" scheme (colour-blind safe), for up to nine departments.
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]
OTHER_GREY = "#BBBBBB"
MET_COLOUR = "#E8E8E8"
NA_COLOUR = "#FFFFFF"
DONE_COLOUR = OKABE_ITO["green"]
UNDATED_COLOUR = OKABE_ITO["vermillion"]
STATUS_COLOURS = {
    "ready": OKABE_ITO["green"], "on_track": OKABE_ITO["blue"],
    "at_risk": OKABE_ITO["vermillion"], "unscheduled": OKABE_ITO["orange"],
}
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


def styled(fn: Callable) -> Callable:
    """Draw with :data:`STYLE` in force (a context: Matplotlib's defaults are untouched);
    the texts of the Axes drawn are then made plain (:func:`plain_texts`)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with plt.rc_context(STYLE):
            drawn = fn(*args, **kwargs)
        return plain_texts(drawn) if isinstance(drawn, Axes) else drawn

    return wrapper


def plain_texts(ax: Axes) -> Axes:
    r"""Every text of ``ax`` (title, notes, labels, ticks, legend) as plain text: no
    mathtext (a name such as ``$\foo$`` is shown as written instead of stopping the
    drawing), and each control or bidirectional character shown by its code
    (:func:`~ntm_analysis.core.text.visible`). The charts are drawn through it.

    >>> ax = new_ax()
    >>> _ = ax.set_yticks([0]); _ = ax.set_yticklabels(["Đức $\\foo$\x1b"])
    >>> ax.figure.canvas.draw()
    Traceback (most recent call last):
    ValueError: ...
    >>> plain_texts(ax).figure.canvas.draw()
    >>> ax.get_yticklabels()[0].get_text()
    'Đức $\\foo$\\u001b'
    >>> close(ax)
    """
    for axis in (ax.xaxis, ax.yaxis):
        formatter = axis.get_major_formatter()
        if isinstance(formatter, (FixedFormatter, FuncFormatter)):  # labels given: set again from it when drawn
            axis.set_major_formatter(FuncFormatter(lambda x, pos, given=formatter: visible(str(given(x, pos)))))
    for text in ax.findobj(Text):
        text.set_parse_math(False)
        written = text.get_text()
        if not written.isprintable():
            text.set_text(visible(written))
    return ax


def new_ax(ax: Axes | None = None, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    """``ax``, or the Axes of a new figure with constrained layout (in :data:`STYLE`)."""
    if ax is not None:
        return ax
    with plt.rc_context(STYLE):
        fig = plt.figure(figsize=figsize, layout="constrained")
        return fig.add_subplot()


def close(ax: Axes) -> None:
    """Close the figure of ``ax`` (free its memory)."""
    plt.close(ax.figure)


def save(ax_or_fig, path: Path | str, dpi: int = 200) -> list[Path]:
    """Write a chart as PNG and SVG beside each other, byte-for-byte reproducibly (no
    dates in the metadata, a fixed SVG hash salt), each atomically. Returns the paths."""
    from ...io.files import atomic_path

    fig = getattr(ax_or_fig, "figure", ax_or_fig)
    path = Path(path)
    out = []
    with plt.rc_context(STYLE):
        for suffix, meta in ((".png", {"Software": None}), (".svg", {"Date": None, "Creator": None})):
            target = path.with_suffix(suffix)
            with atomic_path(target) as tmp:
                fig.savefig(tmp, format=suffix[1:], dpi=dpi, metadata=meta)
            out.append(target)
    return out


def status_label(status: str, lang: str = "vi") -> str:
    """A projection status for people, capitalised.

    >>> status_label("on_track"), status_label("at_risk", "en")
    ('Kịp năm phấn đấu', 'At risk')
    """
    text = str(label("status", status, lang))
    return text[:1].upper() + text[1:]


def quarter_label(period: pd.Period | None, lang: str = "vi", short: bool = False,
                  with_year: bool = True) -> str:
    """A quarter on a chart (see :func:`~ntm_analysis.core.quarters.format_quarter`).

    >>> quarter_label(pd.Period("2023Q2", freq="Q"), short=True), quarter_label(None, "en")
    ('II/23', 'no deadline')
    """
    if period is None or pd.isna(period):
        return t("word.no_deadline", lang)
    return format_quarter(period, lang, short=short, with_year=with_year)


def wrap(text: str, width: int = 28) -> str:
    """Wrap a long label on word boundaries.

    >>> wrap("Tổ chức sản xuất và phát triển kinh tế nông thôn", 24)
    'Tổ chức sản xuất và phát\\ntriển kinh tế nông thôn'
    """
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=False)) or str(text)


def titled(ax: Axes, title: str, note: str = "", width: int = 140) -> None:
    """The chart's title, and under it (above the plot) a note in grey: an assumption
    or what the chart leaves out; the title is lifted by the note's lines."""
    note = wrap(note, width) if note else ""
    lines = note.count("\n") + 1 if note else 0
    ax.set_title(title, loc="left", pad=6 + 13 * lines)
    if note:
        ax.annotate(note, xy=(0.0, 1.0), xycoords="axes fraction", xytext=(0, 4), textcoords="offset points",
                    ha="left", va="bottom", fontsize=9.5, color="#444444")


def commune_labels(df: pd.DataFrame, plan=None) -> list[str]:
    """The communes of ``df`` as a chart labels them: the name, with its district when
    ``plan`` holds several districts (two communes of one name stay apart).

    >>> commune_labels(pd.DataFrame({"commune_id": ["a/b/x"], "commune": ["X"]}))
    ['X']
    """
    if plan is not None and len(plan.units) > 1 and "commune_id" in df.columns:
        return [str(v) for v in plan.commune_labels.reindex(df["commune_id"])]
    return [str(v) for v in df["commune"]]


def criterion_label(catalogue, code: str, lang: str = "vi", width: int = 28) -> str:
    return wrap(catalogue.label(code, lang) if code in catalogue.codes else code, width)


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


def department_colours(departments: list[str], max_colours: int = len(TOL_MUTED)) -> dict[str, str]:
    """Tol muted colours for the first departments given; the rest share grey."""
    return {d: (TOL_MUTED[i] if i < max_colours else OTHER_GREY) for i, d in enumerate(departments)}


def model_star_handle(lang: str) -> Line2D:
    return Line2D([], [], linestyle="none", marker="$★$", color="black", markersize=10,
                  label=t("chart.model_star", lang))


class QuarterAxis:
    """Quarters as x positions 0…n-1 and a "no deadline" slot after a gap."""

    def __init__(self, quarters: Iterable[pd.Period], extra: Iterable[pd.Period] = ()):
        qs = [q for q in list(quarters) + list(extra) if q is not None and not pd.isna(q)]
        self.quarters = list(pd.period_range(min(qs), max(qs), freq="Q-DEC")) if qs else []
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
            labels.append(label_undated or t("chart.undated_apart", lang))
            ax.axvspan(self.undated - 0.5, self.undated + 0.5, color="#F2F2F2", zorder=0)
            ax.axvline(self.undated - 0.8, color="#999999", linestyle=(0, (4, 3)), linewidth=1)
        ax.set_xticks(ticks)
        ax.set_xticklabels(labels)
        ax.set_xlim(-0.6, (self.undated if undated else len(self.quarters) - 1) + 0.6)


def target_year_lines(ax: Axes, axis: QuarterAxis, years: list[int], lang: str) -> None:
    """A dashed line at the end of each target year, labelled."""
    for y in years:
        xe = axis.x(pd.Period(f"{y}Q4", freq="Q-DEC")) + 0.5
        ax.axvline(xe, color=OKABE_ITO["vermillion"], linewidth=1.8, linestyle="--", zorder=1)
        ax.text(xe - 0.05, -0.95, t("chart.target_end", lang, year=y), color=OKABE_ITO["vermillion"], ha="right",
                va="center", fontsize=10.5, fontweight="bold")
