"""Compare a scenario with the baseline: per commune (finish, recognition, status), and
what the scenario changed in the plan.

>>> from ntm_analysis import load_plan
>>> from ntm_analysis.scenario.model import scenario_from_dict
>>> s = scenario_from_dict({"name": "x", "edits": [{"commune": "Hưng Đạo", "criterion": 6, "due": "2024Q1"}]})
>>> r = run_scenario(load_plan(), s)
>>> r["comparison"].set_index("commune").loc["Hưng Đạo", ["status_baseline", "status_scenario"]].tolist()
['on_track', 'at_risk']
>>> [str(v) for v in diff_edits(load_plan(), r["plan"]).iloc[0][["commune", "change", "baseline", "scenario"]]]
['Hưng Đạo', 'due', '2023Q2', '2024Q1']
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..analysis.run import analyse
from ..core.dates import parse_date
from ..core.quarters import NAT, to_ordinals
from ..core.vocab import Change
from ..tables.plan import Plan
from .apply import apply_scenario
from .model import PARAMETERS, Scenario

COMPARE_FIELDS = ("gaps", "finish", "recognition", "status")
COMPARE_COLUMNS = ["commune_id", "commune", *[f"{f}_{side}" for f in COMPARE_FIELDS
                                               for side in ("baseline", "scenario")], "changed"]
CHANGE_COLUMNS = ["commune_id", "commune", "criterion_code", "criterion", "change", "baseline", "scenario"]


def compare(baseline_projection: pd.DataFrame, scenario_projection: pd.DataFrame) -> pd.DataFrame:
    """Per commune, baseline beside scenario: gaps, finish, recognition, status, and
    ``changed``. Rows follow the baseline (communes only in the scenario come last)."""
    cols = ["commune_id", "commune", *COMPARE_FIELDS]
    b, s = baseline_projection[cols], scenario_projection[cols]
    if b["commune_id"].tolist() == s["commune_id"].tolist():  # the usual case: same communes, same order
        data: dict[str, Any] = {"commune_id": b["commune_id"].array, "commune": b["commune"].array}
        for f in COMPARE_FIELDS:
            data[f"{f}_baseline"] = b[f].array
            data[f"{f}_scenario"] = s[f].array
        out = pd.DataFrame(data)
    else:
        out = b.merge(s.drop(columns="commune"), on="commune_id", how="outer", suffixes=("_baseline", "_scenario"),
                      sort=False)
        names = dict(zip(list(s["commune_id"]) + list(b["commune_id"]), list(s["commune"]) + list(b["commune"])))
        out["commune"] = out["commune_id"].map(names).astype("str")
        order = {c: i for i, c in enumerate(list(b["commune_id"]) + list(s["commune_id"]))}
        out = out.sort_values("commune_id", key=lambda x: x.map(order), kind="stable").reset_index(drop=True)
    changed = np.zeros(len(out), dtype=bool)
    for f in COMPARE_FIELDS:
        x, y = out[f"{f}_baseline"], out[f"{f}_scenario"]
        xn, yn = x.isna().to_numpy(), y.isna().to_numpy()
        eq = np.asarray(x.to_numpy(dtype=object) == y.to_numpy(dtype=object), dtype=bool)
        changed |= ~((eq & ~xn & ~yn) | (xn & yn))
    out["changed"] = changed
    for side in ("baseline", "scenario"):
        out[f"gaps_{side}"] = out[f"gaps_{side}"].astype("Int64")
    return out[COMPARE_COLUMNS]


def _text(ordinal_: int) -> pd.Period | str:
    """A quarter of a change ("" when there is none)."""
    return "" if ordinal_ == NAT else pd.Period(ordinal=int(ordinal_), freq="Q-DEC")


def _param_text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def diff_edits(baseline: Plan, scenario_plan: Plan, baseline_params: Mapping | None = None,
               scenario_params: Mapping | None = None) -> pd.DataFrame:
    """What a scenario changed, read from the two plans (not from the edits): ``commune_id,
    commune, criterion_code, criterion, change`` (a :class:`~ntm_analysis.core.vocab.Change`),
    ``baseline, scenario`` (a quarter for a deadline change, else text; "" for none)."""
    cat = baseline.catalogue
    rows: list[tuple] = []

    def add(cid: str, commune: str, code: str, change: str, before: str, after: str) -> None:
        rows.append((cid, commune, code, cat.name(code) if code in cat.codes else code, change, before, after))

    bg, sg = baseline.gaps, scenario_plan.gaps
    s_due = dict(zip(sg["gap_id"], to_ordinals(sg["due"]).tolist()))
    for gid, cid, name, code, due in zip(bg["gap_id"], bg["commune_id"], bg["commune"], bg["criterion_code"],
                                         to_ordinals(bg["due"]).tolist()):
        after = s_due.get(gid, NAT)
        if after != due:
            add(cid, name, code, Change.DUE, _text(due), _text(after))
    b_run = analyse(baseline, (baseline_params or {}).get("as_of"))
    s_run = analyse(scenario_plan, (scenario_params or {}).get("as_of"))
    s_done = dict(zip(sg["gap_id"], s_run.done.tolist()))
    for gid, cid, name, code, was in zip(bg["gap_id"], bg["commune_id"], bg["commune"], bg["criterion_code"],
                                         b_run.done.tolist()):
        now = s_done.get(gid, was)
        if was != now:
            add(cid, name, code, Change.DONE if now else Change.UNDONE, "", "")
    key = ["commune_id", "commune", "waiting", "on"]
    both = b_run.rules[key].merge(s_run.rules[key], how="outer", indicator="side")
    for cid, name, waiting, on, side in both[key + ["side"]].itertuples(index=False):
        if side == "left_only":
            add(cid, name, waiting, Change.DEPENDENCY_REMOVED, on, "")
        elif side == "right_only":
            add(cid, name, waiting, Change.DEPENDENCY_ADDED, "", on)
    s_commune = dict(zip(scenario_plan.communes["commune_id"], to_ordinals(scenario_plan.communes["commune_due"])))
    for cid, name, due in zip(baseline.communes["commune_id"], baseline.communes["commune"],
                              to_ordinals(baseline.communes["commune_due"]).tolist()):
        if cid in s_commune and s_commune[cid] != due:
            add(cid, name, "", Change.COMMUNE_DUE, _text(due), _text(s_commune[cid]))
    bp, sp = dict(baseline_params or {}), dict(scenario_params or {})
    for k in PARAMETERS:
        before, after = _param_text(bp.get(k)), _param_text(sp.get(k, bp.get(k)))
        if before != after:
            rows.append(("", "", "", k, Change.PARAMETER, before, after))
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    order = {c: i for i, c in enumerate(baseline.communes["commune_id"])}
    out = out.assign(_c=out["commune_id"].map(order).fillna(-1),
                     _k=out["criterion_code"].map(lambda c: cat.order(c) if c in cat.codes else -1))
    out = out.sort_values(["_c", "_k"], kind="stable").drop(columns=["_c", "_k"]).reset_index(drop=True)
    return out.astype({c: "str" for c in CHANGE_COLUMNS if c not in ("baseline", "scenario")})


def run_scenario(plan: Plan, scenario: Scenario, review_lag: int = 0, as_of: object = None,
                 baseline_projection: pd.DataFrame | None = None) -> dict[str, Any]:
    """Apply a scenario and project both sides.

    Returns ``plan`` (the scenario plan), ``params`` (the parameters used for the
    scenario side), ``baseline_params``, ``baseline`` and ``projection``
    (projections), ``comparison`` (:func:`compare`). The baseline uses ``review_lag``
    and ``as_of``; the scenario side uses them unless the scenario sets its own.
    """
    base_params = {"review_lag": review_lag, "as_of": parse_date(as_of)}
    new, params = apply_scenario(plan, scenario)
    used = {**base_params, **params}
    base = analyse(plan, base_params["as_of"]).projection(review_lag) if baseline_projection is None \
        else baseline_projection
    proj = analyse(new, used["as_of"]).projection(int(used["review_lag"]))
    return {"plan": new, "params": used, "baseline_params": base_params, "baseline": base,
            "projection": proj, "comparison": compare(base, proj)}
