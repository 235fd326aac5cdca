"""Dependencies between gaps, OCOP status, and deadlines after propagation.

Dependencies are data. ``plan.dependencies`` holds rules (``commune_id`` "" = every
commune; ``waiting`` waits on ``on`` when condition ``when`` holds); each gap's
``waits_on`` states more, for that gap only (source ``item``). A rule binds only
where the commune has an open gap on both codes: a prerequisite that is met (or done)
holds nothing up.

Conditions (``when``): ``always``, or one the catalogue defines (its ``conditions``:
a commune attribute and the values for which it holds, e.g. ``no_ocop_product``:
OCOP status "chưa có" or "đã chọn"). Any other condition is not applied (and reported
by :mod:`.quality`).

OCOP status per commune, from ``plan.ocop`` rows: certified if any product is
certified, else chosen if any is chosen, else none. A commune with no OCOP row: none
if it has a gap on the catalogue's OCOP criterion, "criterion met" (taken as having a
product) if not.

>>> from ntm_analysis import load_plan
>>> p = propagate_deadlines(load_plan())
>>> p.loc[(p.commune == "Minh Đức") & (p.criterion_code == "8"), ["due", "effective_due"]].astype(str).values.tolist()
[['2023Q2', '2023Q3']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.quarters import NAT, from_ordinals, to_ordinals
from ..core.vocab import OcopStatus, Reason, RuleSource
from . import kernels as K
from .run import AsOf, Analysis, run_of

RULE_COLUMNS = ["commune_id", "commune", "waiting", "on", "when", "reason", "source"]
ITEM_REASON = "kế hoạch ghi tiêu chí này chờ tiêu chí khác"
_INF = np.iinfo(np.int64).max  # "no date" while taking maxima: later than any quarter
_RANK = {s: i for i, s in enumerate(OcopStatus.ranked())}


# ---------------------------------------------------------------- OCOP status
def ocop_status(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """OCOP status of every commune (plan order): ``commune_id, commune, ocop_status,
    products`` (tuple of the named products), ``target_stars`` (the highest target),
    ``ocop_rows``."""
    return run_of(plan_or_run, as_of).ocop_status


def _ocop_status(run: Analysis) -> pd.DataFrame:
    plan = run.plan
    o, c = plan.ocop, plan.communes
    n = len(c)
    at = K.positions(o["commune_id"], run.commune_index)
    here = at >= 0
    rank = np.array([_RANK.get(s, np.nan) for s in o["status"].tolist()], dtype=float)
    best = np.full(n, np.nan)
    np.fmax.at(best, at[here], rank[here])
    stars = np.full(n, np.nan)
    np.fmax.at(stars, at[here], o["target_stars"].to_numpy(dtype=float, na_value=np.nan)[here])
    named = here & (o["product"].str.strip() != "").to_numpy()
    products = K.lists(np.where(named, at, -1), o["product"].str.strip(), n, unique=True)
    code = run.ocop_criterion
    g = plan.gaps
    with_ocop_gap = np.zeros(n, dtype=bool)
    if code is not None:
        pos = run.gap_commune[(g["criterion_code"] == code).to_numpy()]
        with_ocop_gap[pos[pos >= 0]] = True
    ranked = np.array(OcopStatus.ranked(), dtype=object)
    fallback = np.where(with_ocop_gap, OcopStatus.NONE, OcopStatus.CRITERION_MET).astype(object)
    status = np.where(np.isnan(best), fallback, ranked[np.nan_to_num(best, nan=0).astype(np.int64)])
    return pd.DataFrame({
        "commune_id": c["commune_id"].array, "commune": c["commune"].array,
        "ocop_status": K.text(status), "products": products,
        "target_stars": pd.array(stars, dtype="Int64"),
        "ocop_rows": K.count(at, n),
    })


def condition_holds(run: Analysis, name: str) -> np.ndarray | None:
    """Per commune (plan order): whether condition ``name`` holds (``None`` when the
    catalogue does not define it)."""
    n = len(run.plan.communes)
    if name == "always":
        return np.ones(n, dtype=bool)
    spec = run.catalogue.conditions.get(name)
    if spec is None:
        return None
    holds = np.ones(n, dtype=bool)
    for attribute, values in spec.items():
        if attribute == "ocop_status":
            column = run.ocop_status["ocop_status"]
        elif attribute in run.plan.communes.columns:
            column = run.plan.communes[attribute]
        else:
            return None
        holds &= column.isin(values).to_numpy()
    return holds


# ------------------------------------------------------------------ the rules
def applicable_rules(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """The rules in force per commune: ``commune_id, commune, waiting, on, when, reason,
    source``. Rules for every commune are spelled out for each commune whose condition
    holds; each gap's ``waits_on`` codes become rules with source ``item``. A repeated
    (commune, waiting, on) keeps its first source (plan and catalogue before item)."""
    return run_of(plan_or_run, as_of).rules


def _rules(run: Analysis) -> pd.DataFrame:
    plan = run.plan
    c = plan.communes
    ids, names = c["commune_id"].to_numpy(dtype=object), c["commune"].to_numpy(dtype=object)
    pos = pd.Index(ids)
    d = plan.dependencies
    parts: list[dict[str, np.ndarray]] = []
    own = d.loc[d["commune_id"] != ""]
    if len(own):
        keep = np.zeros(len(own), dtype=bool)
        at = K.positions(own["commune_id"], pos)
        for when in own["when"].unique().tolist():
            holds = condition_holds(run, when or "always")
            if holds is not None:
                sel = (own["when"] == when).to_numpy() & (at >= 0)
                keep[sel] = holds[at[sel]]
        part = {k: own[k].to_numpy(dtype=object)[keep] for k in RULE_COLUMNS}
        part["when"] = np.where(part["when"] == "", "always", part["when"]).astype(object)
        parts.append(part)
    for r in d.loc[d["commune_id"] == ""].to_dict("records"):
        holds = condition_holds(run, r["when"] or "always")
        if holds is None:
            continue
        m = int(holds.sum())
        parts.append({"commune_id": ids[holds], "commune": names[holds],
                      **{k: K.filled(m, r[k]) for k in ("waiting", "on", "when", "reason", "source")}})
    g = plan.gaps
    stated = [(cid, cname, code, on) for cid, cname, code, waits in
              zip(g["commune_id"].tolist(), g["commune"].tolist(), g["criterion_code"].tolist(), g["waits_on"].tolist())
              for on in waits]
    if stated:
        m = len(stated)
        cols = list(zip(*stated))
        parts.append({"commune_id": np.array(cols[0], dtype=object), "commune": np.array(cols[1], dtype=object),
                      "waiting": np.array(cols[2], dtype=object), "on": np.array(cols[3], dtype=object),
                      "when": K.filled(m, "always"), "reason": K.filled(m, ITEM_REASON),
                      "source": K.filled(m, RuleSource.ITEM)})
    data = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, dtype=object) for k in RULE_COLUMNS}
    key = pd.Index(data["commune_id"] + "|" + data["waiting"] + "|" + data["on"]
                   if len(data["commune_id"]) else np.zeros(0, dtype=object))
    keep = ~key.duplicated()
    return pd.DataFrame({k: K.text(v[keep]) for k, v in data.items()})


def _edges(run: Analysis) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Edges between open gaps: positions ``w`` (waiting) and ``p`` (prerequisite) in
    ``run.open_gaps``, and the rules they come from."""
    g = run.open_gaps
    rules = run.rules
    # integer keys: commune position × code position (no text is joined per row)
    codes = pd.Index(run.catalogue.codes)
    width = len(codes) + 1
    gc, gk = run.open_commune, K.positions(g["criterion_code"], codes)
    key = pd.Index(np.where((gc >= 0) & (gk >= 0), gc * width + gk, -2 - np.arange(len(g))))
    rc = K.positions(rules["commune_id"], run.commune_index)
    w = key.get_indexer(np.where(rc >= 0, rc * width + K.positions(rules["waiting"], codes), -1))
    p = key.get_indexer(np.where(rc >= 0, rc * width + K.positions(rules["on"], codes), -1))
    keep = np.flatnonzero((w >= 0) & (p >= 0))
    return w[keep].astype(np.int64), p[keep].astype(np.int64), rules.take(keep).reset_index(drop=True)


def dependency_edges(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Edges between open gaps: ``w`` and ``p`` (row positions of the waiting gap and of
    its prerequisite among the open gaps) and the rule's columns."""
    w, p, rules = _edges(run_of(plan_or_run, as_of))
    return rules.assign(w=w, p=p)[["w", "p", *RULE_COLUMNS]]


def _cycle_nodes(n: int, w: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Nodes left after peeling off, again and again, nodes with no incoming or no
    outgoing edge: those on a dependency cycle (or between two cycles)."""
    alive = np.ones(n, dtype=bool)
    edge = np.ones(len(w), dtype=bool)
    while True:
        outdeg = np.bincount(w[edge], minlength=n)
        indeg = np.bincount(p[edge], minlength=n)
        drop = alive & ((outdeg == 0) | (indeg == 0))
        if not drop.any():
            return alive
        alive &= ~drop
        edge &= alive[w] & alive[p]


def propagate(run: Analysis) -> pd.DataFrame:
    """The open gaps with their deadlines after dependencies (see
    :func:`propagate_deadlines`)."""
    g = run.open_gaps
    n = len(g)
    w, p, rules = _edges(run)
    own = to_ordinals(g["due"])
    own[own == NAT] = _INF
    eff = own.copy()
    for _ in range(n + 1):  # a maximum cannot grow for ever: cycles end too
        cand = eff.copy()
        np.maximum.at(cand, w, eff[p])
        if np.array_equal(cand, eff):
            break
        eff = cand
    codes = g["criterion_code"].to_numpy(dtype=object)
    reason = np.where(own == _INF, Reason.UNDATED,
                      np.where(eff == _INF, Reason.PREREQUISITE_UNDATED,
                               np.where(eff > own, Reason.PREREQUISITE, Reason.OWN))).astype(object)
    setter = np.flatnonzero((eff[p] == eff[w]) & (eff[w] > own[w]))
    delayed = np.full(n, "", dtype=object)
    if len(setter):
        ws, first = np.unique(w[setter], return_index=True)
        delayed[ws] = codes[p[setter[first]]]
    conflict = (own[w] != _INF) & (eff[p] != _INF) & (own[w] < eff[p])
    in_conflict = np.zeros(n, dtype=bool)
    in_conflict[w[conflict]] = True
    eff_out = np.where(eff == _INF, NAT, eff)
    return g.assign(
        prerequisites=K.lists(w, codes[p], n, unique=True),
        dependency_source=K.lists(w, rules["source"], n, unique=True),
        effective_due=from_ordinals(eff_out),
        effective_reason=K.text(reason),
        delayed_by=K.text(delayed),
        schedule_conflict=in_conflict,
        conflict_with=K.lists(w[conflict], codes[p[conflict]], n, unique=True),
        in_cycle=_cycle_nodes(n, w, p),
    )


def propagate_deadlines(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Open gaps with their deadline after dependencies.

    ``effective_due`` = the later of the gap's own ``due`` and the effective due of
    every gap it waits on (to a fixed point). An undated gap, or one waiting on an
    undated gap, is undated. Added columns: ``prerequisites`` (codes it waits on, a
    tuple), ``dependency_source``, ``effective_due``, ``effective_reason`` (own,
    prerequisite: pushed later by ``delayed_by``, undated, prerequisite_undated),
    ``delayed_by``, ``schedule_conflict`` (due before a prerequisite's effective
    deadline) and ``conflict_with`` (those codes), ``in_cycle``. Propagation never
    moves a deadline earlier.
    """
    return run_of(plan_or_run, as_of).propagated


