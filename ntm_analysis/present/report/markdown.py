"""The briefing pack's Markdown summary (no timestamp: identical between runs).

Every text put in the Markdown goes through :func:`~ntm_analysis.core.text.markdown_text`
(``_md`` here): a name can bring no HTML tag, link, image or emphasis, and no control
character; the only markup is the summary's own.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...core.text import markdown_text as _md
from ...i18n import header, label, t
from ..table import cell_words, localised
from ..summary import unit_line
from .briefing import Briefing, headline, quality_kinds


def _cell(column: str, v: object, lang: str) -> str:
    return _md(cell_words(column, v, lang))


def md_table(df: pd.DataFrame, columns: list[str], lang: str, catalogue=None) -> str:
    """A Markdown table of ``columns`` with headers and coded values in words."""
    df = localised(df, lang, catalogue)
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(_md(header(c, lang)) for c in cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for rec in df[cols].itertuples(index=False):
        lines.append("| " + " | ".join(_cell(c, v, lang) for c, v in zip(cols, rec)) + " |")
    return "\n".join(lines)


def summary_markdown(b: Briefing, charts: dict[str, list[Path]] | None = None) -> str:
    """The summary: findings, headline numbers, the projection, data quality, the scenario."""
    lang, m = b.lang, b.plan.meta
    out = [f"# {_md(t('report.summary_title', lang))}: {_md(m.get('plan_title', ''))}", "",
           "- " + _md(unit_line(m, lang)),
           "- " + _md(t("report.as_of", lang, date=b.as_of.strftime("%d/%m/%Y")) if b.as_of is not None
                      else t("report.no_as_of", lang))]
    if b.scenario is not None:
        out.append("- " + _md(t("report.scenario_line", lang, name=b.scenario["name"])))
    out += ["", f"## {_md(t('report.findings', lang))}", ""]
    out += [f"- **{_md(b.titles[key])}.** {_md(b.findings[key])}"
            + (f" _{_md(b.notes[key])}_" if key in b.notes else "") for key in b.chart_keys]
    out.append(f"- **{_md(t('report.quality_title', lang))}.** {_md(b.findings['quality'])}")
    out += ["", f"## {_md(t('report.headline', lang))}", ""]
    out += [f"- {_md(name)}: {_md(value)}" for name, value in headline(b)]
    out += ["", f"## {_md(t('chart.projection_title', lang))}", ""]
    out.append(md_table(b.tables["projection"], ["commune", "target_level", "target_year", "missing",
                                                 "model_missing", "finish", "recognition", "status"], lang))
    kinds = quality_kinds(b)
    if len(kinds):
        out += ["", f"## {_md(t('report.quality_title', lang))}", "",
                "| " + " | ".join(_md(h) for h in [header("severity", lang), t("report.kind", lang),
                                                   t("report.count", lang), t("report.where", lang)]) + " |",
                "|---|---|---|---|"]
        out += [f"| {_md(label('severity', r.severity, lang))} | {_md(r.kind)} | {r.count} | {_md(r.communes)} |"
                for r in kinds.itertuples(index=False)]
    if b.scenario is not None:
        comp = b.scenario["comparison"]
        out += ["", f"## {_md(t('report.changes_title', lang))}", ""]
        out += [f"- {_md(text)}" for _cid, text in b.scenario["effects"]] + [""]
        out += [md_table(comp.loc[comp["changed"]], ["commune", "recognition_baseline", "recognition_scenario",
                                                     "status_baseline", "status_scenario"], lang)]
    if charts:
        out += ["", f"## {_md(t('report.charts', lang))}", ""]
        for key in b.chart_keys:
            out += [f"![{_md(b.titles[key])}]({charts[key][0].name})", ""]
    return "\n".join(out).rstrip() + "\n"
