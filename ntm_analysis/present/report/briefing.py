"""What the briefing pack shows, computed once from one shared analysis: the tables, a
one-line finding per chart, the headline numbers. No file is read or written here.

>>> from ntm_analysis import load_plan
>>> b = prepare(load_plan())
>>> b.findings["blocking"]
'Tiêu chí 13 (Tổ chức sản xuất và phát triển kinh tế nông thôn) chặn nhiều xã nhất: 9/13 xã.'
>>> prepare(load_plan(), lang="en").findings["blocking"]
'Criterion 13 (Production organisation and rural economy) blocks the most communes: 9 of 13.'
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from ...analysis import (gaps_by_commune, gaps_by_criterion, matrix_cells, ocop_summary, ocop_totals, quality,
                         totals, workload)
from ...analysis.indicators import closest, indicator_status
from ...analysis.run import Analysis, analyse
from ...core.dates import parse_date
from ...core.numbers import format_number
from ...core.quarters import format_quarter
from ...core.vocab import OcopStatus, Requirement, Severity, Status
from ...i18n import check_lang, has, join_names, t
from ...scenario.apply import assume_undated
from ...scenario.compare import diff_edits, effects, run_scenario, why_unchanged
from ...scenario.model import Scenario
from ..summary import lag_note, undated_note
from ...tables.plan import Plan
from ...analysis.projection import DEFAULT_REVIEW_LAG

CHARTS = ("matrix", "blocking", "communes", "ocop", "workload", "projection")
SHOWN_EFFECTS = 3  # communes whose change the scenario's finding spells out
#: table key -> the columns the workbook and the summary show, in order
COLUMNS: dict[str, list[str]] = {
    "gaps_by_criterion": ["criterion_code", "criterion", "requirement", "department", "communes", "commune_names"],
    "gaps_by_commune": ["commune", "target_level", "met", "missing", "total", "share_met", "model_missing",
                        "done", "missing_codes"],
    "ocop": ["commune", "ocop_status", "products", "target_stars", "ocop_gap", "ocop_due", "ocop_due_source",
             "waiting", "waiting_due", "waiting_effective_due", "conflict"],
    "workload_quarter": ["quarter", "items", "model", "firm", "inferred", "done", "open", "share_done", "overdue"],
    "workload_department": ["department", "quarter", "items", "model", "firm", "inferred", "done", "open",
                            "share_done",
                            "overdue"],
    "projection": ["commune", "plan_section", "target_level", "target_year", "original_target_year",
                   "slip_years", "missing", "model_missing", "undated", "overdue", "finish", "recognition", "status",
                   "unlisted_model"],
    "quality": ["severity", "code", "commune", "criterion_code", "message", "written_as", "sheet", "row"],
    "scenario_comparison": ["commune", "open_baseline", "open_scenario", "finish_baseline", "finish_scenario",
                            "recognition_baseline", "recognition_scenario", "status_baseline",
                            "status_scenario", "changed"],
    "scenario_changes": ["commune", "criterion_code", "criterion", "change", "baseline", "scenario"],
    "units": ["commune", "district", "official", "unit_code", "matched", "lineage", "commune_2025", "code_2025",
              "split", "share_2025", "lineage_inferred", "lineage_source"],
    "units_gaps": ["commune", "commune_code", "former_commune", "criterion_code", "criterion", "due", "former_due",
                   "split"],
    "indicators": ["commune", "group", "criterion_code", "indicator", "value_written", "value", "comparator",
                   "threshold", "measure_unit", "threshold_source", "threshold_note", "indicator_met", "distance",
                   "distance_share", "why_unknown"],
}


@dataclass
class Briefing:
    """Everything the pack shows: the shared analysis, the tables (analysis keys), a
    finding and a title per chart, and the scenario's results when one is given."""

    plan: Plan
    run: Analysis
    lang: str = "vi"
    as_of: pd.Timestamp | None = None
    review_lag: int = DEFAULT_REVIEW_LAG
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    findings: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # an assumption shown beside a chart
    undated_as: object = None  # the quarter items without a deadline are assumed due in
    scenario: dict[str, Any] | None = None

    @property
    def chart_keys(self) -> list[str]:
        units = ["units"] if len(self.tables.get("units_gaps", ())) else []
        ind = self.tables.get("indicators")
        measured = ["indicators"] if ind is not None and ind["indicator_met"].notna().any() else []
        return list(CHARTS) + units + measured + (["scenario"] if self.scenario is not None else [])

    @property
    def propagated(self) -> pd.DataFrame:
        return self.run.propagated


def prepare(plan: Plan, as_of: object = None, lang: str = "vi", scenario: Scenario | None = None,
            review_lag: int = DEFAULT_REVIEW_LAG, undated_as: object = None) -> Briefing:
    """Run every analysis once (one shared :class:`Analysis`) and compute the findings.
    ``undated_as``: the items without a deadline are taken as due in that quarter."""
    check_lang(lang)
    plan = assume_undated(plan, undated_as)
    as_of = parse_date(as_of)
    run = analyse(plan, as_of)
    proj = run.projection(review_lag)
    tables = {
        "matrix": matrix_cells(run),
        "gaps_by_criterion": gaps_by_criterion(run),
        "gaps_by_commune": gaps_by_commune(run),
        "ocop": ocop_summary(run),
        "ocop_totals": ocop_totals(run),
        "workload_quarter": workload(run, by="quarter"),
        "workload_department": workload(run, by="department"),
        "projection": proj,
        "quality": quality(run, review_lag=review_lag, lang=lang),
        **_units(run, lang),
        "indicators": indicator_status(run),
    }
    b = Briefing(plan=plan, run=run, lang=lang, as_of=as_of, review_lag=review_lag, tables=tables,
                 undated_as=undated_as or None)
    if scenario is not None:
        result = run_scenario(plan, scenario, review_lag=review_lag, as_of=as_of, baseline_projection=proj,
                              undated_as=undated_as)
        changes = diff_edits(result["baseline_plan"], result["plan"], result["baseline_params"], result["params"])
        b.scenario = {"name": scenario.name, "note": scenario.note, **result, "changes": changes,
                      "scenario": scenario, "effects": effects(result, lang)}
        tables["scenario_comparison"] = result["comparison"]
        tables["scenario_changes"] = changes
    for key in b.chart_keys:
        b.findings[key] = FINDINGS[key](b)
        b.titles[key] = t(f"chart.{key}_title", lang) + (
            f" ({t('chart.reread', lang, set=plan.catalogue.short_in(lang))})" if plan.meta.get("reread_from") else "")
    b.findings["quality"] = _quality(b)
    b.notes["projection"] = lag_note(run, review_lag, lang)
    if scenario is not None and b.scenario["params"].get("undated_as"):
        b.notes["scenario"] = undated_note(b.scenario["params"]["undated_as"], lang, both=True)
    if undated_as:
        b.notes["projection"] = undated_note(undated_as, lang) + " " + b.notes["projection"]
    return b


def _units(run: Analysis, lang: str) -> dict[str, pd.DataFrame]:
    """The 2025 communes of the plan and what they inherit, when its communes reach 2025
    (none for a plan of no official units)."""
    from ...units import inherited_gaps, units_table

    table = units_table(run.plan, lang=lang)
    if not (table["commune_2025"] != "").any():
        return {}
    return {"units": table, "units_gaps": inherited_gaps(run, table, lang=lang)}


# ------------------------------------------------------------------- findings
def _names(b: Briefing, names: list[str]) -> str:
    return join_names(names, b.lang)


def _date(b: Briefing) -> str:
    return b.as_of.strftime("%d/%m/%Y")


def _matrix(b: Briefing) -> str:
    tot = totals(b.run)
    text = t("finding.matrix", b.lang, n=tot["communes_open"], total=tot["communes"], missing=tot["missing"],
             model=tot["model_missing"], undated=tot["undated"], inferred=tot["inferred"])
    if b.as_of is not None:
        return text + t("finding.matrix_overdue", b.lang, late=tot["overdue"], date=_date(b))
    return text + t("word.period", b.lang)


def _blocking(b: Briefing) -> str:
    df = b.tables["gaps_by_criterion"]
    if df.empty:
        return t("finding.none_blocking", b.lang)
    top = df.loc[df["communes"] == df["communes"].iloc[0]]
    cat = b.plan.catalogue
    names = [f"{c} ({cat.name(c, b.lang) if c in cat.codes else c})" for c in top["criterion_code"]]
    key = "finding.blocking" if len(names) == 1 else "finding.blocking_many"
    return t(key, b.lang, names=_names(b, names), n=int(top["communes"].iloc[0]), total=len(b.plan.communes))


def _communes(b: Briefing) -> str:
    df = b.tables["gaps_by_commune"]
    left = df["missing"] + df["model_missing"]
    ready = df.loc[left == 0, "commune"].tolist()
    text = t("finding.ready", b.lang, n=len(ready)) + (t("finding.ready_names", b.lang, names=_names(b, ready))
                                                        if ready else "")
    if left.max() > 0:
        top = df.loc[left == left.max()]
        splits = set(zip(top["missing"], top["model_missing"]))
        if len(splits) == 1:
            missing, model = splits.pop()
            what = t("finding.left_split" if model else "finding.left_criteria", b.lang, n=int(missing), m=int(model))
        else:
            what = t("finding.left_items", b.lang, n=int(left.max()))
        return text + t("finding.most_missing", b.lang, names=_names(b, top["commune"].tolist()), what=what)
    return text + t("word.period", b.lang)


def _ocop(b: Briefing) -> str:
    tot = b.tables["ocop_totals"].set_index("measure")["value"]
    s = b.tables["ocop"]
    conflicts = s.loc[s["conflict"], "commune"].tolist()
    text = t("finding.ocop", b.lang, n=int(tot["ocop_gaps"]), none=int(tot[f"communes_{OcopStatus.NONE}"]),
             chosen=int(tot[f"communes_{OcopStatus.CHOSEN}"]), waiting=int(tot["gaps_waiting_on_ocop"]),
             communes=int(s["waiting"].map(len).gt(0).sum()))
    return text + (t("finding.ocop_conflict", b.lang, names=_names(b, conflicts)) if conflicts
                   else t("word.period", b.lang))


def _workload(b: Briefing) -> str:
    q = b.tables["workload_quarter"]
    dated = q.loc[q["quarter"].notna()]
    undated = int(q.loc[q["quarter"].isna(), "items"].sum())
    if dated.empty:
        return t("finding.no_deadlines", b.lang, n=undated)
    peak = dated.loc[dated["items"].idxmax()]
    d = b.tables["workload_department"]
    dq = d.loc[d["quarter"] == peak["quarter"]].sort_values(["items", "department"], ascending=[False, True],
                                                           kind="stable")
    lead = dq.iloc[0]
    return t("finding.workload", b.lang, quarter=format_quarter(peak["quarter"], b.lang), n=int(peak["items"]),
             inferred=int(peak["inferred"]), department=lead["department"], m=int(lead["items"]), undated=undated)


def _projection(b: Briefing) -> str:
    p = b.tables["projection"]
    count = p["status"].value_counts()
    years = "/".join(str(y) for y in sorted(set(int(y) for y in p["target_year"].dropna())))
    ok = int(count.get(Status.ON_TRACK, 0)) + int(count.get(Status.READY, 0))
    text = t("finding.projection", b.lang, ok=ok, total=len(p), year=years)
    risk = p.loc[p["status"] == Status.AT_RISK, "commune"].tolist()
    unsched = p.loc[p["status"] == Status.UNSCHEDULED, "commune"].tolist()
    if risk:
        text += t("finding.at_risk", b.lang, n=len(risk), names=_names(b, risk))
    if unsched:
        text += t("finding.unscheduled", b.lang, n=len(unsched), names=_names(b, unsched))
    return text + t("word.period", b.lang)


def _units_finding(b: Briefing) -> str:
    u, g = b.tables["units"], b.tables["units_gaps"]
    new = u.loc[u["commune_2025"] != "", "commune_2025"]
    per = g[g["requirement"] == Requirement.CRITERION].groupby("commune", sort=False).size()
    top = per[per == per.max()].index.tolist()
    formers = u[u["commune_2025"].isin(top)]["commune_id"].nunique()
    province = ", ".join(dict.fromkeys(u.loc[u["commune_2025"] != "", "province_2025"]))
    return t("finding.units", b.lang, n=u["commune_id"].nunique(), m=new.nunique(), province=province,
             names=_names(b, top), k=int(per.max()), formers=formers)


def _indicators_finding(b: Briefing) -> str:
    s = b.tables["indicators"]
    judged = s[s["indicator_met"].notna()]
    near = closest(judged, 1)
    text = ""
    if len(near):
        r = near.iloc[0]
        text = t("finding.indicators_closest", b.lang, commune=r["commune"], indicator=r["indicator"],
                 value=r["value_written"], comparator=r["comparator"], threshold=format_number(r["threshold"], b.lang),
                 unit=r["measure_unit"], distance=format_number(r["distance"], b.lang))
    return t("finding.indicators", b.lang, n=len(judged), short=int(judged["indicator_met"].eq(False).sum()),
             closest=text)


def _scenario(b: Briefing) -> str:
    said = [text for _cid, text in b.scenario["effects"]]
    head = t("finding.scenario", b.lang, name=b.scenario["name"])
    if not said:
        why = [why_unchanged(b.scenario, cid, b.lang) for cid in _edited_communes(b)]
        return head + t("finding.scenario_none", b.lang) + "".join(f" {w}" for w in why if w)
    shown = " ".join(said[:SHOWN_EFFECTS])
    more = len(said) - SHOWN_EFFECTS
    return f"{head} {shown}" + (t("finding.scenario_more", b.lang, n=more) if more > 0 else "")


def _edited_communes(b: Briefing) -> list[str]:
    """Ids of the communes the scenario's edits name one by one (plan order)."""
    from ...core.names import CommuneIndex, is_all

    index = CommuneIndex(b.plan.communes["commune"], b.plan.communes["commune_id"])
    named = {index.find(e["commune"]) for e in b.scenario["scenario"].edits
             if "commune" in e and not is_all(e["commune"])}
    return [cid for cid in b.plan.communes["commune_id"] if cid in named]


def _quality(b: Briefing) -> str:
    q = b.tables["quality"]
    if q.empty:
        return t("report.quality_none", b.lang)
    n = q["severity"].value_counts()
    e = t("report.quality_errors", b.lang, n=int(n[Severity.ERROR])) if n.get(Severity.ERROR, 0) else ""
    return t("report.quality_finding", b.lang, n=len(q), w=int(n.get(Severity.WARNING, 0)),
             i=int(n.get(Severity.INFO, 0)), e=e)


FINDINGS: dict[str, Callable[[Briefing], str]] = {
    "matrix": _matrix, "blocking": _blocking, "communes": _communes, "ocop": _ocop, "workload": _workload,
    "projection": _projection, "units": _units_finding, "indicators": _indicators_finding, "scenario": _scenario,
}


# ------------------------------------------------------------------- summaries
def quality_kinds(b: Briefing) -> pd.DataFrame:
    """Data-quality findings grouped by kind: ``severity, kind, count, communes``
    (errors first, then most frequent), for the slide and the summary."""
    q = b.tables["quality"]
    rows = []
    for code, g in q.groupby("code", sort=False):
        kind = t(f"kind.{code}", b.lang) if has(f"kind.{code}") else code
        communes = list(dict.fromkeys(c for c in g["commune"] if c))
        rows.append({"severity": g["severity"].iloc[0], "kind": kind, "count": len(g),
                     "communes": ", ".join(communes), "_o": Severity(g["severity"].iloc[0]).rank})
    out = pd.DataFrame(rows, columns=["severity", "kind", "count", "communes", "_o"])
    return out.sort_values(["_o", "count"], ascending=[True, False], kind="stable").drop(columns="_o") \
        .reset_index(drop=True)


def headline(b: Briefing) -> list[tuple[str, int]]:
    """A few headline numbers (label, value): :func:`~ntm_analysis.analysis.matrix.totals`."""
    tot = totals(b.run)
    return [
        (t("report.communes", b.lang), tot["communes"]),
        (t("report.open_gaps", b.lang), tot["missing"]),
        (t("report.model_gaps", b.lang), tot["model_missing"]),
        (t("report.undated", b.lang), tot["undated"]),
        (t("report.quality_count", b.lang), len(b.tables["quality"])),
    ]


def meta_rows(b: Briefing, generated: _dt.datetime | None) -> list[tuple[str, Any]]:
    """(label, value) rows describing the plan and the run, for the summary sheet."""
    m, lang = b.plan.meta, b.lang
    rows: list[tuple[str, Any]] = [
        (t("report.district_label", lang), f"{m.get('district', '')}" + (f", {m['province']}" if m.get("province")
                                                                          else "")),
        (t("report.plan", lang), m.get("plan_title", "")),
        (t("report.as_of_label", lang), b.as_of.date() if b.as_of is not None else t("word.none", lang)),
        (t("report.review_lag", lang), b.review_lag),
    ]
    if b.undated_as:
        rows.append((t("report.undated_as", lang), str(b.undated_as)))
    if m.get("skipped_files"):
        rows.append((t("report.skipped_label", lang), ", ".join(m["skipped_files"])))
    if m.get("reread_from"):
        from ...criteria.crosswalk import reread_note

        rows.append((t("report.reread_label", lang), reread_note(b.plan, lang)))
    if b.scenario is not None:
        rows.append((t("report.scenario_label", lang), b.scenario["name"]))
    if generated is not None:
        rows.append((t("report.generated_label", lang), generated.replace(microsecond=0)))
    return rows


def sheet_name(key: str, lang: str = "vi") -> str:
    return t(f"report.sheet.{key}", lang)
