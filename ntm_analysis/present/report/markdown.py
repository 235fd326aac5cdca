"""The briefing pack's Markdown summary (no timestamp: identical between runs)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ...i18n import header, label, t
from ..table import cell_words, localised
from ..summary import unit_line
from .briefing import Briefing, headline, quality_kinds


def _cell(column: str, v: object, lang: str) -> str:
    return str(cell_words(column, v, lang)).replace("|", "\\|")


def md_table(df: pd.DataFrame, columns: list[str], lang: str, catalogue=None) -> str:
    """A Markdown table of ``columns`` with headers and coded values in words."""
    df = localised(df, lang, catalogue)
    cols = [c for c in columns if c in df.columns]
    lines = ["| " + " | ".join(header(c, lang) for c in cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for rec in df[cols].itertuples(index=False):
        lines.append("| " + " | ".join(_cell(c, v, lang) for c, v in zip(cols, rec)) + " |")
    return "\n".join(lines)


def summary_markdown(b: Briefing, charts: dict[str, list[Path]] | None = None) -> str:
    """The summary: findings, headline numbers, the projection, data quality, the scenario."""
    lang, m = b.lang, b.plan.meta
    out = [f"# {t('report.summary_title', lang)}: {m.get('plan_title', '')}", "",
           "- " + unit_line(m, lang),
           "- " + (t("report.as_of", lang, date=b.as_of.strftime("%d/%m/%Y")) if b.as_of is not None
                   else t("report.no_as_of", lang))]
    if b.scenario is not None:
        out.append("- " + t("report.scenario_line", lang, name=b.scenario["name"]))
    out += ["", f"## {t('report.findings', lang)}", ""]
    out += [f"- **{b.titles[key]}.** {b.findings[key]}" + (f" _{b.notes[key]}_" if key in b.notes else "")
            for key in b.chart_keys]
    out.append(f"- **{t('report.quality_title', lang)}.** {b.findings['quality']}")
    out += ["", f"## {t('report.headline', lang)}", ""]
    out += [f"- {name}: {value}" for name, value in headline(b)]
    out += ["", f"## {t('chart.projection_title', lang)}", ""]
    out.append(md_table(b.tables["projection"], ["commune", "target_level", "target_year", "missing",
                                                 "model_missing", "finish", "recognition", "status"], lang))
    kinds = quality_kinds(b)
    if len(kinds):
        out += ["", f"## {t('report.quality_title', lang)}", "",
                "| " + " | ".join([header("severity", lang), t("report.kind", lang), t("report.count", lang),
                                   t("report.where", lang)]) + " |", "|---|---|---|---|"]
        out += [f"| {label('severity', r.severity, lang)} | {r.kind} | {r.count} | {r.communes} |"
                for r in kinds.itertuples(index=False)]
    if b.scenario is not None:
        comp = b.scenario["comparison"]
        out += ["", f"## {t('report.changes_title', lang)}", ""]
        out += [f"- {text}" for _cid, text in b.scenario["effects"]] + [""]
        out += [md_table(comp.loc[comp["changed"]], ["commune", "recognition_baseline", "recognition_scenario",
                                                     "status_baseline", "status_scenario"], lang)]
    if charts:
        out += ["", f"## {t('report.charts', lang)}", ""]
        for key in b.chart_keys:
            out += [f"![{b.titles[key]}]({charts[key][0].name})", ""]
    return "\n".join(out).rstrip() + "\n"
