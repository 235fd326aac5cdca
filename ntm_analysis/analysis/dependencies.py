"""Dependencies between gaps, OCOP status, and deadlines after propagation.

Dependencies are data. ``plan.dependencies`` holds rules (``commune`` "" = every
commune; ``waiting`` waits on ``on`` when condition ``when`` holds); each gap's
``waits_on`` ("13" or "13;5") states more, for that gap only (source ``item``).
A rule binds only where the commune has an open gap on both codes: a prerequisite
that is met (or done) holds nothing up.

Conditions (``when``):

- ``always``: the rule applies to every commune it names.
- ``no_ocop_product``: the commune's OCOP status (:func:`ocop_status`) is
  ``chua_co`` (no product) or ``da_chon`` (product chosen, not certified).

Any other condition is not applied (and reported by :mod:`.quality`).

OCOP status per commune, from ``plan.ocop`` rows: ``da_chung_nhan`` if any product is
certified, else ``da_chon`` if any is chosen, else ``chua_co``. A commune with no
OCOP row: ``chua_co`` if it has a gap on criterion 13 (the OCOP criterion),
``co_san_pham`` (criterion 13 met: taken as having a product) if not.

>>> from ntm_analysis.analysis.dependencies import OCOP_CRITERION
>>> OCOP_CRITERION
'13'
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..plan import Plan
from .gaps import AsOf, _factorize, _group_join, _per_value, _text_array, open_gaps

OCOP_CRITERION = "13"
NO_PRODUCT = ("chua_co", "da_chon")  # statuses meaning "no certified OCOP product"
OCOP_RANK = {"chua_co": 0, "da_chon": 1, "da_chung_nhan": 2}
CONDITIONS = ("always", "no_ocop_product")

_INF = np.iinfo(np.int64).max
_NAT = np.iinfo(np.int64).min  # pandas' NaT ordinal


def ocop_status(plan: Plan) -> pd.DataFrame:
    """OCOP status of every commune: ``commune, ocop_status, products, target_stars,
    ocop_rows`` (see the module docstring for the rule).

    ``products`` joins the named products with "; "; ``target_stars`` is the highest
    target (``<NA>`` when none is stated).

    >>> # ocop_status(plan).set_index("commune").loc["Minh Đức", "ocop_status"]  -> 'chua_co'
    """
    o = plan.ocop
    communes = plan.communes["commune"]
    g = plan.gaps
    has13 = g["commune"].to_numpy(dtype=object)[g["criterion_code"].to_numpy(dtype=object) == OCOP_CRITERION]
    (cc, oc, hc), uniq = _factorize(communes, o["commune"], has13)
    k = len(uniq)
    cc = np.where(cc < 0, k, cc)  # a missing name: the empty slot k
    here = oc >= 0
    rank = _per_value(o["status"], lambda u: u.map(OCOP_RANK).to_numpy(dtype=float, na_value=np.nan))
    best = np.full(k + 1, np.nan)
    np.fmax.at(best, oc[here], rank[here])
    stars = np.full(k + 1, np.nan)
    np.fmax.at(stars, oc[here], o["target_stars"].to_numpy(dtype=float, na_value=np.nan)[here])
    rows = np.bincount(oc[here], minlength=k + 1)
    prod = _per_value(o["product"], lambda u: u.fillna("").astype(str).str.strip().to_numpy(dtype=object))
    named = prod != ""
    products = _group_join(oc[named], prod[named], k + 1, "; ")
    names = np.array([None, *OCOP_RANK], dtype=object)  # rank + 1 -> status
    b = best[cc]
    with13 = np.zeros(k + 1, dtype=bool)
    with13[hc[hc >= 0]] = True
    fallback = np.array(["co_san_pham", "chua_co"], dtype=object)[with13[cc].astype(np.int64)]
    status = np.where(np.isnan(b), fallback, names[np.nan_to_num(b, nan=-1).astype(np.int64) + 1])
    return pd.DataFrame({
        "commune": communes.to_numpy(),
        "ocop_status": status,
        "products": _text_array(np.asarray(products, dtype=object)[cc]),
        "target_stars": pd.array(stars[cc], dtype="Int64"),
        "ocop_rows": rows[cc].astype("int64"),
    })


RULE_COLUMNS = ["commune", "waiting", "on", "when", "reason", "source"]
ITEM_REASON = "kế hoạch ghi tiêu chí này chờ tiêu chí khác"
_SPLIT = re.compile(r"\s*[;,]\s*")


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def applicable_rules(plan: Plan, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rules in force per commune: ``commune, waiting, on, when, reason, source``.

    Plan rules with ``commune`` "" are expanded to every commune whose condition
    holds; per-gap ``waits_on`` codes become rules with source ``item``.
    Duplicates keep the first source (plan/catalogue rules before item ones).
    """
    return _applicable_rules(plan, plan.gaps if gaps is None else gaps, {})


def _ocop_status(plan: Plan, done: dict) -> pd.DataFrame:
    """:func:`ocop_status`, computed once per ``done`` (a dict shared by one analysis' steps)."""
    if "ocop_status" not in done:
        done["ocop_status"] = ocop_status(plan)
    return done["ocop_status"]


def _applicable_rules(plan: Plan, gaps: pd.DataFrame, done: dict) -> pd.DataFrame:
    dep = plan.dependencies
    if not all(isinstance(t, pd.StringDtype) for t in dep.dtypes[RULE_COLUMNS].tolist()):
        return _applicable_rules_frames(plan, gaps, done)
    communes = plan.communes["commune"].to_numpy(dtype=object)
    n = len(communes)
    # the plan's rules, read as the frame version reads them (text columns, "" = every commune)
    rules = []
    for c, w, o, when, reason, source in dep[RULE_COLUMNS].to_numpy(dtype=object).tolist():
        when = "always" if _missing(when) or when == "" else when
        if when in CONDITIONS:
            rules.append(("" if _missing(c) else c.strip(), w, o, when, reason, source))
    own = [r for r in rules if r[0] != ""]
    every = [r for r in rules if r[0] == ""]
    if any(r[3] == "no_ocop_product" for r in rules):
        st = _ocop_status(plan, done)
        no_product = st["ocop_status"].isin(NO_PRODUCT).to_numpy()
        without = set(st["commune"].to_numpy(dtype=object)[no_product].tolist())
        own = [r for r in own if r[3] != "no_ocop_product" or r[0] in without]
    parts: list[tuple] = [tuple(np.array(v, dtype=object) for v in zip(*own))] if own else []
    for r in every:
        sel = communes if r[3] != "no_ocop_product" else communes[no_product]
        parts.append((sel,) + tuple(np.full(len(sel), v, dtype=object) for v in r[1:]))
    # rules stated per gap ("waits_on")
    # (commune, waiting, on) stay plain objects unless the gaps state some: as pd.concat types them
    texts_kind = object
    stated = gaps["waits_on"].to_numpy(dtype=object)
    has = (stated != "") & ~pd.isna(stated)
    if has.any():
        idx = np.flatnonzero(has)
        texts = pd.Series(stated[idx], dtype=object).astype(str).tolist()
        gc = gaps["commune"].to_numpy(dtype=object)[idx].tolist()
        gk = gaps["criterion_code"].astype(str).to_numpy(dtype=object)[idx].tolist()
        item = [(c, k, on.strip()) for t, c, k in zip(texts, gc, gk) if t.strip()
                for on in _SPLIT.split(t) if on.strip()]
        if item:
            texts_kind = "str"
            ic, iw, io = (np.array(v, dtype=object) for v in zip(*item))
            m = len(ic)
            parts.append((ic, iw, io, np.full(m, "always", dtype=object), np.full(m, ITEM_REASON, dtype=object),
                          np.full(m, "item", dtype=object)))
    if parts:
        cols = [np.concatenate([p[i] for p in parts]) for i in range(6)]
    else:
        cols = [np.zeros(0, dtype=object) for _ in range(6)]
    # drop repeated (commune, waiting, on), keeping the first
    (c_,), _ = _factorize(cols[0])
    (w_, o_), u = _factorize(cols[1], cols[2])
    width = len(u) + 1
    dup = pd.Index(((c_ + 1) * width + (w_ + 1)) * width + (o_ + 1)).duplicated()
    if dup.any():
        cols = [c[~dup] for c in cols]
    return pd.DataFrame({k: pd.Series(v, dtype=texts_kind if k in ("commune", "waiting", "on") else "str",
                                      copy=False)
                         for k, v in zip(RULE_COLUMNS, cols)})


def _applicable_rules_frames(plan: Plan, gaps: pd.DataFrame, done: dict) -> pd.DataFrame:
    """:func:`applicable_rules` for rule tables whose columns are not text (pandas frames)."""
    cols = RULE_COLUMNS
    rules = plan.dependencies.astype({"commune": str, "waiting": str, "on": str})
    rules = rules.assign(commune=rules["commune"].fillna("").str.strip(),
                         when=rules["when"].fillna("always").replace("", "always"))
    rules = rules.loc[rules["when"].isin(CONDITIONS)]
    communes = plan.communes[["commune"]]
    every = rules.loc[rules["commune"] == ""].drop(columns="commune").merge(communes, how="cross")
    own = rules.loc[rules["commune"] != ""]
    rules = pd.concat([own[cols], every[cols]], ignore_index=True)
    if (rules["when"] == "no_ocop_product").any():
        st = _ocop_status(plan, done)
        without = set(st.loc[st["ocop_status"].isin(NO_PRODUCT), "commune"])
        rules = rules.loc[(rules["when"] != "no_ocop_product") | rules["commune"].isin(without)]
    w = gaps["waits_on"].fillna("").astype(str)
    stated = gaps.loc[w.str.strip() != "", ["commune", "criterion_code"]].assign(
        on=w[w.str.strip() != ""].str.split(r"\s*[;,]\s*", regex=True))
    stated = stated.explode("on")
    stated = stated.loc[stated["on"].fillna("").str.strip() != ""]
    item = pd.DataFrame({
        "commune": stated["commune"].to_numpy(), "waiting": stated["criterion_code"].astype(str).to_numpy(),
        "on": stated["on"].astype(str).str.strip().to_numpy(), "when": "always",
        "reason": ITEM_REASON, "source": "item",
    })
    out = pd.concat([rules, item], ignore_index=True)
    return out.drop_duplicates(["commune", "waiting", "on"]).reset_index(drop=True)[cols]


EDGE_COLUMNS = ["w", "p", "commune", "waiting", "on", "reason", "source"]


def dependency_edges(plan: Plan, gaps: pd.DataFrame) -> pd.DataFrame:
    """Edges between open gaps: ``w`` (row position of the waiting gap in ``gaps``),
    ``p`` (row position of its prerequisite), ``commune, waiting, on, reason, source``.
    """
    return _dependency_edges(plan, gaps, {})


def _dependency_edges(plan: Plan, gaps: pd.DataFrame, done: dict) -> pd.DataFrame:
    rules = _applicable_rules(plan, gaps, done)
    gc = gaps["commune"].to_numpy(dtype=object)
    gk = gaps["criterion_code"].astype(str).to_numpy(dtype=object)
    (c_g, c_r), _ = _factorize(gc, rules["commune"])
    (k_g, k_w, k_o), u = _factorize(gk, rules["waiting"], rules["on"])
    width = len(u) + 1
    key = pd.Index((c_g + 1) * width + (k_g + 1))
    if key.is_unique:  # one gap per commune × code: a lookup, in rule order (as the merges give)
        w = key.get_indexer((c_r + 1) * width + (k_w + 1))
        p = key.get_indexer((c_r + 1) * width + (k_o + 1))
        keep = np.flatnonzero((w >= 0) & (p >= 0))
        e = rules[EDGE_COLUMNS[2:]].take(keep).reset_index(drop=True)
        e.insert(0, "w", w[keep].astype(np.int64))
        e.insert(1, "p", p[keep].astype(np.int64))
        return e
    key = pd.DataFrame({"commune": gc, "code": gk, "pos": np.arange(len(gaps))})
    e = rules.merge(key.rename(columns={"code": "waiting", "pos": "w"}), on=["commune", "waiting"])
    e = e.merge(key.rename(columns={"code": "on", "pos": "p"}), on=["commune", "on"])
    return e[EDGE_COLUMNS].reset_index(drop=True)


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


def _ordinals(s: pd.Series) -> np.ndarray:
    ords = np.asarray(s.array.asi8 if isinstance(s.dtype, pd.PeriodDtype) else
                      pd.array(s, dtype="period[Q-DEC]").asi8, dtype=np.int64).copy()
    ords[ords == _NAT] = _INF
    return ords


def _periods(ords: np.ndarray) -> pd.arrays.PeriodArray:
    o = ords.copy()
    o[o == _INF] = _NAT
    return pd.PeriodIndex.from_ordinals(o, freq="Q-DEC").array


def propagate_deadlines(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Open gaps with their deadline after dependencies.

    ``effective_due`` = the later of the gap's own ``due`` and the effective due of
    every gap it waits on (iterated to a fixed point; cycles end too, as a maximum
    cannot grow for ever). An undated gap, or one waiting on an undated gap, is
    undated. Added columns:

    - ``prerequisites``: codes this gap waits on (``";"``-joined), ``dependency_source``
    - ``effective_due`` (Period or NaT) and ``effective_reason``: ``own`` (own
      deadline), ``prerequisite`` (pushed later by ``delayed_by``), ``undated`` (no
      deadline of its own), ``prerequisite_undated`` (waits on an undated gap)
    - ``delayed_by``: the prerequisite code that set the effective deadline
    - ``schedule_conflict``: due before a prerequisite's (effective) deadline;
      ``conflict_with``: those prerequisite codes
    - ``in_cycle``: part of a dependency cycle

    Propagation never moves a deadline earlier.

    >>> # p = propagate_deadlines(plan); p.loc[p.commune == "Minh Đức", ["criterion_code", "due", "effective_due"]]
    """
    return _propagate(plan, as_of, {})


def _propagate(plan: Plan, as_of: AsOf, done: dict) -> pd.DataFrame:
    """:func:`propagate_deadlines`, keeping what it computes on the way (the OCOP
    status) in ``done`` for the caller's next steps."""
    g = open_gaps(plan, as_of)
    n = len(g)
    e = _dependency_edges(plan, g, done)
    w, p = e["w"].to_numpy(np.int64), e["p"].to_numpy(np.int64)
    own = _ordinals(g["due"])
    eff = own.copy()
    for _ in range(n + 1):
        cand = eff.copy()
        np.maximum.at(cand, w, eff[p])
        if np.array_equal(cand, eff):
            break
        eff = cand
    codes = g["criterion_code"].astype(str).to_numpy(dtype=object)
    reason = np.where(own == _INF, "undated",
                      np.where(eff == _INF, "prerequisite_undated",
                               np.where(eff > own, "prerequisite", "own"))).astype(object)
    # the prerequisite that set the deadline (the first such edge)
    setter = np.flatnonzero((eff[p] == eff[w]) & (eff[w] > own[w]))
    delayed = np.full(n, "", dtype=object)
    if len(setter):
        ws, first = np.unique(w[setter], return_index=True)
        delayed[ws] = codes[p[setter[first]]]
    conflict = (own[w] != _INF) & (eff[p] != _INF) & (own[w] < eff[p])
    in_conflict = np.zeros(n, dtype=bool)
    in_conflict[w[conflict]] = True
    out = g.assign(
        prerequisites=_text_array(_group_join(w, codes[p], n, ";")),
        dependency_source=_text_array(_group_join(w, e["source"].to_numpy(dtype=object), n, ";")),
        effective_due=_periods(eff),
        effective_reason=_text_array(reason),
        delayed_by=_text_array(delayed),
        schedule_conflict=in_conflict,
        conflict_with=_text_array(_group_join(w[conflict], codes[p[conflict]], n, ";")),
        in_cycle=_cycle_nodes(n, w, p),
    )
    return out
