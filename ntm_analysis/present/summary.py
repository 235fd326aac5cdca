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
from ..analysis.projection import DEFAULT_REVIEW_LAG, lag_effect
from ..analysis.run import run_of
from ..i18n import t


def summary_lines(plan_or_run, lang: str = "vi") -> list[str]:
    """The plan's title, its unit and criteria set, what is left, then its warnings."""
    run = run_of(plan_or_run)
    plan = run.plan
    m = plan.meta
    tot = totals(run)
    units = [t("summary.units", lang, n=len(plan.units))] if len(plan.units) > 1 else []
    lines = [
        str(m.get("plan_title") or t("summary.plan", lang)),
        unit_line(m, lang, units) + "; " + t("summary.catalogue", lang, name=plan.catalogue.title_in(lang)),
        t("summary.left", lang, communes=tot["communes"], missing=tot["missing"], model=tot["model_missing"],
          items=tot["items"], undated=tot["undated"], products=int(plan.ocop["product"].ne("").sum())),
    ]
    if m.get("reread_from"):
        from ..criteria.crosswalk import reread_note

        lines.append(reread_note(plan, lang))
    skipped = m.get("skipped_files") or []
    if skipped:
        lines.append(t("msg.skipped_files", lang, n=len(skipped), files=", ".join(skipped)))
    return lines + [w.text(lang) for w in plan.warnings]


def unit_line(meta: dict, lang: str = "vi", more: list[str] | None = None) -> str:
    """The district and province a plan states ("Huyện Tứ Kỳ, tỉnh Hải Dương"), only those it
    states, then ``more``; when it states neither, that they are not stated.

    >>> unit_line({"district": "Tứ Kỳ", "province": "Hải Dương"}, "en"), unit_line({"district": "Tứ Kỳ"})
    ('Tứ Kỳ district, Hải Dương province', 'Huyện Tứ Kỳ')
    >>> unit_line({"district": None, "province": " "})
    'chưa rõ huyện, tỉnh (trang Thông tin không ghi)'
    """
    parts = [t(key, lang, name=str(meta[k]).strip()) for k, key in (("district", "summary.district"),
                                                                     ("province", "summary.province"))
             if meta.get(k) is not None and str(meta[k]).strip()]
    return ", ".join(parts + list(more or ())) or t("msg.unit_unknown", lang)


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


def lag_note(plan_or_run, review_lag: int = DEFAULT_REVIEW_LAG, lang: str = "vi") -> str:
    """The review lag a projection assumes, and how many communes on track one more
    quarter would put at risk: printed beside every projection.

    >>> from ntm_analysis import load_plan
    >>> print(lag_note(load_plan()))
    Giả định: công nhận ngay trong quý xong việc cuối (thẩm tra, thẩm định, quyết định trong cùng quý, như kế hoạch ghi); nếu mất thêm 1 quý, 7/9 xã đang kịp năm sẽ có nguy cơ lùi.
    """
    e = lag_effect(plan_or_run, review_lag)
    head = t("projection.assumption_0" if e["lag"] == 0 else "projection.assumption", lang, lag=e["lag"])
    if e["on_track"]:
        return head + t("projection.sensitivity", lang, n=e["at_risk_next"], m=e["on_track"])
    return head + t("word.period", lang)


def scenario_lines(result, lang: str = "vi") -> list[str]:
    """What a scenario run says first: its name and note, the assumptions both sides
    share (undated items, review lag), then each changed commune's effect in one
    sentence (or that nothing changed). ``result`` is
    :func:`~ntm_analysis.scenario.compare.run_scenario`'s, with its ``scenario``.
    """
    from ..scenario.compare import effects

    sc = result.get("scenario")
    lines = [f"{t('cli.scenario', lang)}: {sc.name}"] if sc is not None else []
    if sc is not None and sc.note:
        lines.append(sc.note)
    undated = result["params"].get("undated_as")
    if undated:
        lines.append(undated_note(undated, lang, both=True))
    lines.append(lag_note(result["baseline_plan"], int(result["baseline_params"]["review_lag"]), lang))
    said = effects(result, lang)
    comp = result["comparison"]
    lines.append(t("cli.changed", lang, n=len(said), t=len(comp)))
    lines += [f"- {text}" for _cid, text in said]
    return lines


def undated_note(quarter: object, lang: str = "vi", both: bool = False) -> str:
    """The assumption ``undated_as`` makes, in words (``both``: in a scenario's comparison).

    >>> undated_note("2023Q3", "en")
    'Assumed: the items the plan gives no deadline are taken as due in Q3 2023.'
    """
    from ..core.quarters import format_quarter, parse_deadline

    key = "summary.undated_as_both" if both else "summary.undated_as"
    return t(key, lang, q=format_quarter(parse_deadline(quarter).quarter, lang))


def show_table(df, plan=None, lang: str = "vi"):
    """A table for a notebook cell: :func:`~ntm_analysis.present.table.for_people`, without
    the row numbers, text left-aligned.

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.analysis import ocop_totals
    >>> html = show_table(ocop_totals(load_plan())).to_html()
    >>> "Xã chưa có sản phẩm OCOP" in html and "communes_chua_co" not in html
    True
    """
    from pandas.api.types import is_numeric_dtype

    from .table import for_people

    people = for_people(df, lang, plan)
    text = [c for c in people.columns if not is_numeric_dtype(people[c])]
    return (people.style.hide(axis="index")
            .set_properties(subset=text, **{"text-align": "left"})
            .set_table_styles([{"selector": "th", "props": [("text-align", "left")]}]))
