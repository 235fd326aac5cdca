"""What hangs on OCOP products: status per commune, waiting items, schedule conflicts.

See :mod:`.dependencies` for how OCOP status and the dependency rules are read.

>>> # ocop_summary(plan).query("conflict")["commune"].tolist()  -> ['Minh Đức', 'Quảng Nghiệp']
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from ..plan import Plan
from .dependencies import _NAT, NO_PRODUCT, OCOP_CRITERION, _ocop_status, _propagate
from .gaps import AsOf, _factorize, _first_rows, _group_join, _text_array

COLUMNS = ["commune", "ocop_status", "products", "target_stars", "ocop_gap", "ocop_due",
           "ocop_due_source", "waiting", "waiting_due", "waiting_effective_due", "conflict"]


def ocop_summary(plan: Plan, as_of: AsOf = None, propagated: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per commune, in plan order.

    Columns: ``commune, ocop_status`` (``chua_co``/``da_chon``/``da_chung_nhan``/
    ``co_san_pham``), ``products`` ("; "-joined), ``target_stars``, ``ocop_gap``
    (the commune has an open criterion-13 gap), ``ocop_due`` (its deadline) and
    ``ocop_due_source``, ``waiting`` (codes of the open gaps waiting on it),
    ``waiting_due`` (their own deadlines, "; "-joined as ``2023Q2``), their
    ``waiting_effective_due`` (latest, after propagation) and ``conflict`` (a
    waiting gap is due before the OCOP item).

    ``propagated`` may pass a ready result of :func:`propagate_deadlines`.
    """
    done: dict = {}
    prop = _propagate(plan, as_of, done) if propagated is None else propagated
    st = _ocop_status(plan, done)
    communes = st["commune"].to_numpy(dtype=object)
    pc = prop["commune"].to_numpy(dtype=object)
    code = prop["criterion_code"].to_numpy(dtype=object)
    # the commune's OCOP item: its (first) open criterion-13 gap
    item = np.flatnonzero(code == OCOP_CRITERION)
    item = item[_first_rows(_factorize(pc[item])[0][0])]
    at = _spread(item, pd.Index(pc[item]).get_indexer(communes), -1).astype(np.int64)  # row in prop
    gap_id = prop["gap_id"].array.take(at, allow_fill=True)
    due_source = prop["due_source"].array.take(at, allow_fill=True)
    # the open gaps waiting on it (criterion 13 among their prerequisites), per commune
    pre = prop["prerequisites"].to_numpy(dtype=object)
    cand = np.flatnonzero(pre != "")
    waits = cand[np.array([_member(t) for t in pre[cand].tolist()], dtype=bool)] if len(cand) else cand
    (ids,), uniq = _factorize(pc[waits])
    k = len(uniq)
    due_text = [_QUARTER(o) for o in prop["due"].array.asi8[waits].tolist()]
    latest = np.full(k, _NAT, dtype=np.int64)
    np.maximum.at(latest, ids[ids >= 0], prop["effective_due"].array.asi8[waits][ids >= 0])
    hit = np.array([isinstance(t, str) and _member(t) for t in prop["conflict_with"].to_numpy(dtype=object)[waits]],
                   dtype=bool)
    conflict = np.zeros(k, dtype=bool)
    conflict[ids[(ids >= 0) & hit]] = True
    group = pd.Index(uniq).get_indexer(communes)
    out = st.drop(columns="ocop_rows").assign(
        ocop_gap=pd.notna(np.asarray(gap_id, dtype=object)),
        ocop_due=prop["due"].array.take(at, allow_fill=True),
        ocop_due_source=pd.Series(due_source, dtype="str").fillna("").array,
        waiting=_text_array(_spread(_group_join(ids, code[waits], k, ", ", unique=False), group, "")),
        waiting_due=_text_array(_spread(_group_join(ids, due_text, k, "; ", unique=False), group, "")),
        waiting_effective_due=pd.PeriodIndex.from_ordinals(_spread(latest, group, _NAT).astype(np.int64),
                                                           freq="Q-DEC").array,
        conflict=_spread(conflict, group, False).astype(bool),
    )
    return out[COLUMNS].reset_index(drop=True)


def _spread(values: np.ndarray, at: np.ndarray, empty: object) -> np.ndarray:
    """``values[at]`` (an object array), ``empty`` where ``at`` is -1."""
    out = np.full(len(at), empty, dtype=object)
    out[at >= 0] = np.asarray(values, dtype=object)[at[at >= 0]]
    return out


def _member(text: str) -> bool:
    """Criterion 13 is one of the ";"-separated codes in ``text``."""
    return OCOP_CRITERION in text.split(";")


def _QUARTER(ordinal: int) -> str:
    """A quarter ordinal as ``2023Q2`` (``undated`` for NaT), as ``astype(str)`` writes it."""
    return "undated" if ordinal == _NAT else _quarter_text(ordinal)


@lru_cache(maxsize=4096)
def _quarter_text(ordinal: int) -> str:
    return str(pd.Period(ordinal=ordinal, freq="Q-DEC"))


def ocop_totals(plan: Plan, as_of: AsOf = None, propagated: pd.DataFrame | None = None) -> pd.DataFrame:
    """District totals as ``measure, value`` rows: communes without a certified
    product (and of them with a product chosen), open OCOP gaps, gaps waiting on
    OCOP (directly), undated OCOP gaps, and schedule conflicts.

    >>> # ocop_totals(plan).set_index("measure").loc["gaps_waiting_on_ocop", "value"]
    """
    s = ocop_summary(plan, as_of, propagated)
    n_wait = sum(len([c for c in x.split(", ") if c]) for x in s["waiting"].tolist() if x)
    rows = [
        ("communes", len(s)),
        ("communes_without_ocop_product", int(s["ocop_status"].isin(NO_PRODUCT).sum())),
        ("communes_ocop_product_chosen", int((s["ocop_status"] == "da_chon").sum())),
        ("communes_ocop_certified", int((s["ocop_status"] == "da_chung_nhan").sum())),
        ("ocop_gaps", int(s["ocop_gap"].sum())),
        ("ocop_gaps_undated", int((s["ocop_gap"] & s["ocop_due"].isna()).sum())),
        ("gaps_waiting_on_ocop", n_wait),
        ("schedule_conflicts", int(s["conflict"].sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "int64"})
