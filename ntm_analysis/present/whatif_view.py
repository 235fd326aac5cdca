"""How the what-if panel shows its results: the comparison table (HTML), the list of
edits in force, and the baseline-vs-scenario chart as PNG bytes.

>>> c = pd.DataFrame({"commune": list("abc"), "changed": [False, True, False]})
>>> rows_to_show(c, "c", limit=2).tolist()
[False, True, True]
"""
from __future__ import annotations

import html
import io
from typing import Mapping, Sequence

import pandas as pd

from ..core.quarters import format_quarter
from ..i18n import header, label, t
from ..scenario.compare import compare
from ..tables.plan import Plan
from .whatif import edit_text, owned, parameter_text

MAX_ROWS = 40  # above this many communes, tables and charts show changed ones (and the chosen one)
COLUMNS = ["commune", "finish_baseline", "finish_scenario", "recognition_baseline", "recognition_scenario",
           "status_baseline", "status_scenario"]


def _cell(column: str, value: object, lang: str) -> str:
    if isinstance(value, pd.Period):
        return format_quarter(value, lang)
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(label(column, value, lang))


def rows_to_show(comparison: pd.DataFrame, selected: str | None = None, limit: int = MAX_ROWS) -> pd.Series:
    """Which communes a table or chart shows: all of them up to ``limit``; beyond, the
    changed ones and ``selected`` (first ``limit``)."""
    if len(comparison) <= limit:
        return pd.Series(True, index=comparison.index)
    keep = comparison["changed"].astype(bool) | (comparison["commune"] == selected)
    return keep & (keep.cumsum() <= limit)


def comparison_html(comparison: pd.DataFrame, lang: str = "vi", selected: str | None = None,
                    limit: int = MAX_ROWS) -> str:
    """The comparison as an HTML table: changed rows bold on a light background and
    marked "●" (not by colour alone)."""
    n, total = int(comparison["changed"].sum()), len(comparison)
    comparison = comparison.loc[rows_to_show(comparison, selected, limit)]
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(header(c, lang))}</th>"
                   for c in COLUMNS)
    rows = []
    for r in comparison.to_dict("records"):
        changed = bool(r["changed"])
        style = "background:#FFF1C1;font-weight:bold" if changed else ""
        cells = "".join(f"<td style='padding:2px 8px'>{html.escape(_cell(c, r[c], lang))}</td>" for c in COLUMNS)
        rows.append(f"<tr class='{'changed' if changed else 'same'}' style='{style}'>"
                    f"<td style='padding:2px 4px;color:#B35900'>{'●' if changed else ''}</td>{cells}</tr>")
    summary = html.escape(t("widget.summary", lang, n=n, t=total))
    if len(comparison) < total:
        summary += html.escape(t("widget.shown", lang, k=len(comparison)))
    return (f"<div class='ntm-comparison'><p>{summary}</p>"
            f"<table style='border-collapse:collapse'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def edits_html(edits: Sequence[Mapping], plan: Plan, lang: str = "vi", parameters: Mapping | None = None) -> str:
    """The edits (and parameters) in force, in words; edits no control owns are marked *."""
    if not edits and not parameters:
        return f"<p><i>{html.escape(t('widget.no_edits', lang))}</i></p>"
    items = [f"<li>{html.escape(parameter_text(k, v, lang))}</li>" for k, v in (parameters or {}).items()
             if v not in (None, "")]
    for e in edits:
        items.append(f"<li>{html.escape(edit_text(e, plan, lang))}{'' if owned(e, plan) else ' *'}</li>")
    return f"<p><b>{html.escape(t('widget.edits', lang))}</b></p><ul>{''.join(items)}</ul>"


def effects_html(result: Mapping, lang: str = "vi", commune_id: str | None = None) -> str:
    """Each changed commune's effect in one sentence; when the chosen commune did not
    move although it was edited, why."""
    from ..scenario.compare import effects, why_unchanged

    said = effects(result, lang)
    items = "".join(f"<li>{html.escape(text)}</li>" for _cid, text in said)
    why = why_unchanged(result, commune_id, lang) if commune_id else ""
    parts = [f"<ul class='ntm-effects'>{items}</ul>"] if items else []
    if why:
        parts.append(f"<p class='ntm-why'><i>{html.escape(why)}</i></p>")
    return "".join(parts)


def chart_png(baseline: pd.DataFrame, projection: pd.DataFrame, lang: str = "vi", name: str = "",
              dpi: int = 90, selected: str | None = None, limit: int = MAX_ROWS) -> bytes:
    """The baseline-vs-scenario chart as PNG bytes; large plans draw only changed communes
    and ``selected``."""
    import matplotlib.pyplot as plt

    from . import plots

    if len(baseline) > limit:
        c = compare(baseline, projection)
        keep = set(c.loc[rows_to_show(c, selected, limit), "commune_id"])
        baseline = baseline.loc[baseline["commune_id"].isin(keep)]
        projection = projection.loc[projection["commune_id"].isin(keep)]
    ax = plots.scenario_comparison(baseline, projection, lang=lang, name=name)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(ax.figure)
    return buf.getvalue()
