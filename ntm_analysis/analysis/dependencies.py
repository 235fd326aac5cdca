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

import numpy as np
import pandas as pd

from ..plan import Plan
from .gaps import AsOf, join_by, open_gaps

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
    rank = o["status"].map(OCOP_RANK)
    best = rank.groupby(o["commune"]).max()
    names = {v: k for k, v in OCOP_RANK.items()}
    prod = o["product"].fillna("").astype(str).str.strip()
    products = join_by(o.loc[prod != "", "commune"], prod[prod != ""], "; ")
    stars = o["target_stars"].groupby(o["commune"]).max()
    has13 = set(plan.gaps.loc[plan.gaps["criterion_code"] == OCOP_CRITERION, "commune"])
    status = communes.map(best).map(names)
    fallback = pd.Series(np.where(communes.isin(has13), "chua_co", "co_san_pham"), index=communes.index)
    out = pd.DataFrame({
        "commune": communes.to_numpy(),
        "ocop_status": status.fillna(fallback).astype("str").to_numpy(),
        "products": pd.array([products.get(c, "") for c in communes], dtype="str"),
        "target_stars": pd.array(communes.map(stars).to_numpy(), dtype="Int64"),
        "ocop_rows": communes.map(o.groupby("commune").size()).fillna(0).astype("int64").to_numpy(),
    })
    return out


def applicable_rules(plan: Plan, gaps: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rules in force per commune: ``commune, waiting, on, when, reason, source``.

    Plan rules with ``commune`` "" are expanded to every commune whose condition
    holds; per-gap ``waits_on`` codes become rules with source ``item``.
    Duplicates keep the first source (plan/catalogue rules before item ones).
    """
    gaps = plan.gaps if gaps is None else gaps
    cols = ["commune", "waiting", "on", "when", "reason", "source"]
    rules = plan.dependencies.astype({"commune": str, "waiting": str, "on": str})
    rules = rules.assign(commune=rules["commune"].fillna("").str.strip(),
                         when=rules["when"].fillna("always").replace("", "always"))
    rules = rules.loc[rules["when"].isin(CONDITIONS)]
    communes = plan.communes[["commune"]]
    every = rules.loc[rules["commune"] == ""].drop(columns="commune").merge(communes, how="cross")
    own = rules.loc[rules["commune"] != ""]
    rules = pd.concat([own[cols], every[cols]], ignore_index=True)
    if (rules["when"] == "no_ocop_product").any():
        st = ocop_status(plan)
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
        "reason": "kế hoạch ghi tiêu chí này chờ tiêu chí khác", "source": "item",
    })
    out = pd.concat([rules, item], ignore_index=True)
    return out.drop_duplicates(["commune", "waiting", "on"]).reset_index(drop=True)[cols]


def dependency_edges(plan: Plan, gaps: pd.DataFrame) -> pd.DataFrame:
    """Edges between open gaps: ``w`` (row position of the waiting gap in ``gaps``),
    ``p`` (row position of its prerequisite), ``commune, waiting, on, reason, source``.
    """
    key = pd.DataFrame({"commune": gaps["commune"].to_numpy(),
                        "code": gaps["criterion_code"].astype(str).to_numpy(),
                        "pos": np.arange(len(gaps))})
    rules = applicable_rules(plan, gaps)
    e = rules.merge(key.rename(columns={"code": "waiting", "pos": "w"}), on=["commune", "waiting"])
    e = e.merge(key.rename(columns={"code": "on", "pos": "p"}), on=["commune", "on"])
    return e[["w", "p", "commune", "waiting", "on", "reason", "source"]].reset_index(drop=True)


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


def _text_at(values: pd.Series, n: int) -> pd.api.extensions.ExtensionArray:
    """A text column of length ``n``: ``values`` at their (positional) index, "" elsewhere."""
    col = np.full(n, "", dtype=object)
    col[values.index.to_numpy(dtype=np.int64)] = values.to_numpy(dtype=object)
    return pd.array(col, dtype="str")


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
    g = open_gaps(plan, as_of)
    n = len(g)
    e = dependency_edges(plan, g)
    w, p = e["w"].to_numpy(np.int64), e["p"].to_numpy(np.int64)
    own = _ordinals(g["due"])
    eff = own.copy()
    for _ in range(n + 1):
        cand = eff.copy()
        np.maximum.at(cand, w, eff[p])
        if np.array_equal(cand, eff):
            break
        eff = cand
    codes = g["criterion_code"].astype(str).to_numpy()
    reason = np.where(own == _INF, "undated",
                      np.where(eff == _INF, "prerequisite_undated",
                               np.where(eff > own, "prerequisite", "own")))
    # the prerequisite that set the deadline
    setter = (eff[p] == eff[w]) & (eff[w] > own[w])
    delayed = pd.Series(codes[p[setter]]).groupby(w[setter]).first()
    conflict = (own[w] != _INF) & (eff[p] != _INF) & (own[w] < eff[p])
    conflict_with = pd.Series(join_by(pd.Series(w[conflict]), pd.Series(codes[p[conflict]]), ";"), dtype=object)
    prereq = pd.Series(join_by(pd.Series(w), pd.Series(codes[p]), ";"), dtype=object)
    source = pd.Series(join_by(pd.Series(w), e["source"], ";"), dtype=object)
    source.index = source.index.astype(np.int64)
    out = g.copy()
    out["prerequisites"] = _text_at(prereq, n)
    out["dependency_source"] = _text_at(source, n)
    out["effective_due"] = _periods(eff)
    out["effective_reason"] = pd.array(reason, dtype="str")
    out["delayed_by"] = _text_at(delayed, n)
    out["schedule_conflict"] = np.isin(np.arange(n), conflict_with.index.to_numpy())
    out["conflict_with"] = _text_at(conflict_with, n)
    out["in_cycle"] = _cycle_nodes(n, w, p)
    return out
