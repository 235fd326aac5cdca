"""Indicator values against thresholds: which measured indicator is met, and how far.

One row per measured value of the plan (its ``Số liệu`` sheet). The threshold is the
criteria set's, for the commune's group (``Nhóm xã``) or for every commune, when the set
gives one for that indicator; else the plan's own target with its comparator (``≤ 1,0%``);
``threshold_source`` says which. ``indicator_met`` follows the comparator (``≥``, ``≤``, ``=``,
``đạt``); ``distance`` is how far a value not met is from its threshold, in the
indicator's unit (0 when met), ``distance_share`` that distance as a share of the
threshold. Where nothing can be said, ``indicator_met`` is empty and ``why_unknown`` says why: no value
measured, no threshold, or a group threshold for a commune without a group.

>>> from ntm_analysis import load_plan
>>> r = indicator_status(load_plan()).set_index("commune").loc["Nguyên Giáp"]
>>> float(r["value"]), r["comparator"], float(r["threshold"]), bool(r["indicator_met"]), float(r["distance"])
(1.13, '≤', 1.0, False, 0.13)
>>> r["threshold_source"], r["threshold_note"]
('plan', '≤ 1,0%')
"""
from __future__ import annotations

import math

import pandas as pd

from ..core.vocab import Requirement
from ..criteria.indicators import COMPARATORS, passes
from .run import AsOf, run_of

COLUMNS = ["commune_id", "commune", "group", "criterion_code", "criterion", "indicator", "indicator_code",
           "value_written", "value", "comparator", "threshold", "measure_unit", "threshold_source", "threshold_note",
           "indicator_met", "distance", "distance_share", "why_unknown"]


def _compare(value: float, comparator: str, threshold: float) -> tuple[bool, float]:
    """(met, distance) of a number against a threshold."""
    if comparator == "≥":
        short = threshold - value
    elif comparator == "≤":
        short = value - threshold
    else:
        short = abs(value - threshold)
    short = round(short, 9)  # 1.13 - 1.0 is 0.13, not 0.12999999999999989
    return short <= 0, max(short, 0.0)


def indicator_status(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Each measured indicator against its threshold (see the module); computed once per
    shared analysis (the quality findings and the pack use the same table: never change it)."""
    run = run_of(plan_or_run, as_of)
    return run.memo("indicator_status", lambda: _status(run))


def _status(run) -> pd.DataFrame:
    plan = run.plan
    q = plan.quantities
    cat = plan.catalogue
    ind = cat.indicators
    group = dict(zip(plan.communes["commune_id"], plan.communes["group"]))
    rows = []
    for r in q.itertuples(index=False):
        g = group.get(r.commune_id, "")
        code = ind.find(r.criterion_code, r.indicator) if ind is not None else None
        row = {"commune_id": r.commune_id, "commune": r.commune, "group": g, "criterion_code": r.criterion_code,
               "criterion": cat.name(r.criterion_code) if r.criterion_code in cat.codes else "",
               "indicator": r.indicator, "indicator_code": code or "", "value_written": r.current_written,
               "value": r.current, "measure_unit": r.unit, "indicator_met": pd.NA, "distance": math.nan,
               "distance_share": math.nan, "why_unknown": "", "threshold_note": ""}
        comparator, threshold, source = _threshold(ind, code, g, r)
        row.update(comparator=comparator, threshold=threshold, threshold_source=source[0], threshold_note=source[1])
        row.update(_judge(row, comparator, threshold, ind, code, g))
        rows.append(row)
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["indicator_met"] = out["indicator_met"].astype("boolean")
    return out


def _threshold(ind, code: str | None, group: str, r) -> tuple[str, object, tuple[str, str]]:
    """(comparator, threshold, (where from, its source)) for one measured value."""
    if ind is not None and code:
        spec = ind.table.set_index("code").loc[code]
        found = ind.threshold(code, group)
        if found is not None:
            return spec["comparator"], found[0], ("catalogue", found[1])
        return spec["comparator"], None, ("catalogue", "")
    comparator = COMPARATORS.get(str(r.comparator).strip().lower(), "")
    if comparator and not (isinstance(r.target, float) and math.isnan(r.target)):
        return comparator, float(r.target), ("plan", r.target_written)
    return comparator, None, ("", "")


def _judge(row: dict, comparator: str, threshold: object, ind, code: str | None, group: str) -> dict:
    value = row["value"]
    if threshold is None:
        grouped = ind is not None and code and not group and len(ind.groups)
        return {"why_unknown": "group_unset" if grouped else "no_threshold"}
    if comparator == "đạt":
        ok = passes(row["value_written"])
        return {"why_unknown": "no_value"} if ok is None else {"indicator_met": ok, "distance": 0.0 if ok else math.nan}
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return {"why_unknown": "no_value"}
    met, distance = _compare(float(value), comparator, float(threshold))
    share = distance / abs(float(threshold)) if float(threshold) else math.nan
    return {"indicator_met": met, "distance": distance, "distance_share": round(share, 9)}


def closest(status: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The indicators not met that are closest to their threshold (smallest share first).

    >>> from ntm_analysis import load_plan
    >>> closest(indicator_status(load_plan()))["commune"].tolist()
    ['Nguyên Giáp']
    """
    s = status[status["indicator_met"].eq(False).fillna(False)]
    return s.sort_values(["distance_share", "distance"], kind="stable").head(n).reset_index(drop=True)


def criterion_status(plan_or_run, status: pd.DataFrame | None = None) -> pd.DataFrame:
    """The stated and the computed status of each (commune, criterion) with a measured
    indicator, side by side: ``stated_missing`` (the plan lists the criterion as missing),
    ``computed`` (``met`` when every indicator the set gives for the criterion is measured
    and met, ``not_met`` when one measured indicator is not met, else ``unknown``),
    ``indicators_judged`` (judged / measured) and ``agrees``.

    >>> from ntm_analysis import load_plan
    >>> r = criterion_status(load_plan()).set_index("commune").loc["Nguyên Giáp"]
    >>> bool(r["stated_missing"]), r["computed"], bool(r["agrees"])
    (True, 'not_met', True)
    """
    run = run_of(plan_or_run)
    status = indicator_status(run) if status is None else status
    g = run.open_gaps
    crit = g[g["requirement"] == Requirement.CRITERION]
    missing = set(zip(crit["commune_id"], crit["criterion_code"]))
    ind = run.plan.catalogue.indicators
    rows = []
    for (cid, code), s in status.groupby(["commune_id", "criterion_code"], sort=False):
        met = s["indicator_met"]
        needed = set() if ind is None else set(ind.table.loc[ind.table["criterion_code"] == code, "code"])
        if met.eq(False).fillna(False).any():
            computed = "not_met"
        elif needed and needed <= set(s.loc[met.eq(True).fillna(False), "indicator_code"]):
            computed = "met"
        else:
            computed = "unknown"
        stated = (cid, code) in missing
        rows.append({"commune_id": cid, "commune": s["commune"].iloc[0], "criterion_code": code,
                     "criterion": s["criterion"].iloc[0], "stated_missing": stated, "computed": computed,
                     "indicators_judged": f"{int(met.notna().sum())}/{len(s)}",
                     "agrees": pd.NA if computed == "unknown" else (computed == "not_met") == stated})
    out = pd.DataFrame(rows, columns=["commune_id", "commune", "criterion_code", "criterion", "stated_missing",
                                      "computed", "indicators_judged", "agrees"])
    out["agrees"] = out["agrees"].astype("boolean")
    return out


def criterion_contradictions(plan_or_run, status: pd.DataFrame | None = None) -> pd.DataFrame:
    """Where the values and the plan's own statuses disagree: an indicator not met of a
    criterion the plan does not list as missing (``stated_met``), or every indicator of a
    criterion met by its set's thresholds while the plan lists it missing
    (``stated_missing``). Columns: ``commune_id, commune, criterion_code, kind, indicators``.

    >>> from ntm_analysis import load_plan
    >>> len(criterion_contradictions(load_plan()))
    0
    """
    run = run_of(plan_or_run)
    plan = run.plan
    status = indicator_status(run) if status is None else status
    g = run.open_gaps
    missing = set(zip(g.loc[g["requirement"] == Requirement.CRITERION, "commune_id"],
                      g.loc[g["requirement"] == Requirement.CRITERION, "criterion_code"]))
    ind = plan.catalogue.indicators
    rows = []
    for (cid, code), s in status.groupby(["commune_id", "criterion_code"], sort=False):
        failed = s[s["indicator_met"].eq(False).fillna(False)]
        if len(failed) and (cid, code) not in missing:
            rows.append({"commune_id": cid, "commune": s["commune"].iloc[0], "criterion_code": code,
                         "kind": "stated_met", "indicators": tuple(failed["indicator"])})
        if ind is not None and (cid, code) in missing:
            needed = set(ind.table.loc[ind.table["criterion_code"] == code, "code"])
            met = set(s.loc[s["indicator_met"].eq(True).fillna(False), "indicator_code"])
            if needed and needed <= met:
                rows.append({"commune_id": cid, "commune": s["commune"].iloc[0], "criterion_code": code,
                             "kind": "stated_missing", "indicators": tuple(sorted(needed))})
    return pd.DataFrame(rows, columns=["commune_id", "commune", "criterion_code", "kind", "indicators"])


__all__ = ["COLUMNS", "closest", "criterion_contradictions", "criterion_status", "indicator_status"]
