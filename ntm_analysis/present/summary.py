"""A plan in a few lines, for the command line (``ntm summary``) and the first cell of
every notebook: what the plan is, what is left (counted as
:func:`~ntm_analysis.analysis.matrix.totals` counts it) and the loader's warnings.

>>> from ntm_analysis import load_plan
>>> print(summary_lines(load_plan())[2])
13 xã; còn 42 tiêu chí và 2 yêu cầu kiểu mẫu chưa đạt (44 việc); 10 việc chưa có hạn; 8 sản phẩm OCOP dự kiến.
>>> print(summary_lines(load_plan(), "en")[1])
Tứ Kỳ district, Hải Dương province; criteria set: Advanced new-rural-commune criteria 2021-2025
"""
from __future__ import annotations

from ..analysis.matrix import totals
from ..analysis.run import run_of
from ..i18n import t


def summary_lines(plan_or_run, lang: str = "vi") -> list[str]:
    """The plan's title, its unit and criteria set, what is left, then its warnings."""
    run = run_of(plan_or_run)
    plan = run.plan
    m = plan.meta
    tot = totals(run)
    unit = [t(key, lang, name=m[k]) for k, key in (("district", "summary.district"), ("province", "summary.province"))
            if m.get(k)]
    lines = [
        str(m.get("plan_title") or t("summary.plan", lang)),
        ", ".join(unit + [t("summary.units", lang, n=len(plan.units))] if len(plan.units) > 1 else unit)
        + ("; " if unit else "") + t("summary.catalogue", lang, name=plan.catalogue.title_in(lang)),
        t("summary.left", lang, communes=tot["communes"], missing=tot["missing"], model=tot["model_missing"],
          items=tot["items"], undated=tot["undated"], products=int(plan.ocop["product"].ne("").sum())),
    ]
    return lines + [w.text(lang) for w in plan.warnings]


def summary_text(plan_or_run, lang: str = "vi") -> str:
    return "\n".join(summary_lines(plan_or_run, lang))


class _Summary:
    """Shown as Markdown by Jupyter, as plain text elsewhere."""

    def __init__(self, lines: list[str]):
        self.lines = lines

    def _repr_markdown_(self) -> str:
        head, rest = self.lines[0], self.lines[1:]
        return f"**{head}**\n\n" + "\n".join(f"- {line}" for line in rest)

    def __repr__(self) -> str:
        return "\n".join(self.lines)


def show_summary(plan_or_run, lang: str = "vi") -> _Summary:
    """The summary for a notebook cell (``show_summary(plan)`` as its last line).

    >>> from ntm_analysis import load_plan
    >>> show_summary(load_plan())._repr_markdown_().splitlines()[0][:20]
    '**Kế hoạch xây dựng '
    """
    return _Summary(summary_lines(plan_or_run, lang))


class _Findings:
    def __init__(self, rows: list[tuple[str, str]]):
        self.rows = rows

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- **{title}.** {text}" for title, text in self.rows)

    def __repr__(self) -> str:
        return "\n".join(f"{title}: {text}" for title, text in self.rows)


def show_findings(briefing) -> _Findings:
    """The briefing's one-line findings, each under its chart's title, for a notebook.

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.present.report.briefing import prepare
    >>> show_findings(prepare(load_plan())).rows[1][0]
    'Tiêu chí đang chặn nhiều xã nhất'
    """
    rows = [(briefing.titles[k], briefing.findings[k]) for k in briefing.chart_keys]
    return _Findings(rows + [(t("report.quality_title", briefing.lang), briefing.findings["quality"])])
