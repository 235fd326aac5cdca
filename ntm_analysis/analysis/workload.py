"""Quarterly workload: gaps due per quarter, by lead department and by criterion.

Every listed gap is counted in the quarter it is due (``undated`` when it has no
deadline), split into ``firm`` deadlines (the item's or the commune's own quarter)
and ``inferred`` ones (year only: the year's fourth quarter). ``done`` counts gaps
the completion log closes (by the as-of quarter when one is given), ``open`` the
rest; with an as-of date, ``overdue`` counts open gaps due before the as-of quarter.

>>> # workload(plan)[["quarter", "gaps"]]  ->  2023Q2 …, 2023Q3 …, undated …
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..plan import Plan
from .dependencies import _NAT, propagate_deadlines
from .gaps import (AsOf, _dedup, _department, _department_codes, _first_rows, _first_valid, _text_array,
                   as_of_quarter, completed_mask)
from .ocop import _quarter_text

UNDATED = "undated"
FIRM_SOURCES = ("item", "commune")
BY = {"quarter": [], "department": ["department"], "criterion": ["criterion_code", "criterion"],
      "commune": ["commune"]}


def _ordinal(due: pd.Series) -> np.ndarray:
    """Quarter ordinals as floats (NaN = undated), for sorting and arithmetic."""
    o = np.asarray(due.array.asi8, dtype=float)
    o[due.isna().to_numpy()] = np.nan
    return o


def _frame(plan: Plan, as_of: AsOf, effective: bool, department: bool = True) -> pd.DataFrame:
    g = _dedup(plan.gaps).reset_index(drop=True)
    done = completed_mask(g, plan.completions, as_of)
    due = g["due"]
    if effective:
        eff = propagate_deadlines(plan, as_of).set_index("gap_id")["effective_due"]
        due = g["gap_id"].map(eff).where(~done, g["due"]).astype(g["due"].dtype)
    source = g["due_source"].to_numpy(dtype=object)
    dated = due.notna().to_numpy()
    extra = {"department": _department(plan, g)} if department else {}
    return g.assign(
        **extra,
        _due=due,
        _done=done.to_numpy(),
        _firm=((source == FIRM_SOURCES[0]) | (source == FIRM_SOURCES[1])) & dated,
        _inferred=(source == "year-only") & dated,
    )


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Group codes of a key column (order of first appearance; missing values are a group)
    and the distinct values."""
    codes, uniq = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return codes.astype(np.int64, copy=False), np.asarray(uniq, dtype=object)


def workload(plan: Plan, by: str = "quarter", as_of: AsOf = None, effective: bool = False) -> pd.DataFrame:
    """Gaps due per quarter, optionally per ``department``, ``criterion`` or ``commune``.

    Columns: the ``by`` keys (none for ``quarter``), ``quarter`` (``"2023Q2"`` …,
    ``"undated"`` last), ``gaps, firm, inferred, done, open, share_done`` and, with
    ``as_of``, ``overdue``. ``effective=True`` counts open gaps in the quarter their
    dependencies allow (:func:`propagate_deadlines`) instead of the plan's quarter.

    >>> # workload(plan, by="department", as_of="2023-07-01")
    """
    if by not in BY:
        raise ValueError(f"by must be one of {sorted(BY)}")
    f = _frame(plan, as_of, effective, department=False)
    q = as_of_quarter(as_of)
    ords = np.asarray(f["_due"].array.asi8)
    dated = ords != _NAT
    # groups: the by keys and the quarter, in order of first appearance (groupby sort=False)
    ids = pd.factorize(ords)[0].astype(np.int64)
    keys = {"department": _department_codes(plan, f)} if by == "department" else {}
    for col in BY[by]:
        c, u = keys.get(col) or _codes(f[col])
        keys[col] = (c, u)
        ids = ids * max(len(u), 1) + c
    ids, uniq = pd.factorize(ids)
    ids = ids.astype(np.int64, copy=False)
    k = len(uniq)
    first = _first_rows(ids)
    done = f["_done"].to_numpy(dtype=bool)
    counts = {
        "gaps": np.bincount(ids, minlength=k),
        "firm": np.bincount(ids[f["_firm"].to_numpy(dtype=bool)], minlength=k),
        "inferred": np.bincount(ids[f["_inferred"].to_numpy(dtype=bool)], minlength=k),
        "done": np.bincount(ids[done], minlength=k),
        "open": np.bincount(ids[~done], minlength=k),
    }
    if q is not None:
        counts["overdue"] = np.bincount(ids[~done & dated & (ords < q.ordinal)], minlength=k)
    o = ords[first]
    # the department is derived (not a column of f): its names; other keys as in the gaps table
    out = pd.DataFrame({
        **{col: _text_array(u[c[first]]) if col == "department" else f[col].array.take(first)
           for col, (c, u) in keys.items()},
        "_ord": np.where(o == _NAT, np.nan, o.astype(float)),
        "quarter": _quarters(o),
        **{name: v.astype("int64") for name, v in counts.items()},
    })
    # order: the key (text in code-point order, as pandas sorts it; criteria in catalogue order), then the
    # quarter; missing values last, ties kept in group order
    last = np.where(o == _NAT, np.inf, o.astype(float))
    if by == "criterion":
        kc, ku = pd.factorize(f["criterion_code"].to_numpy(dtype=object))
        kc = kc.astype(np.int64, copy=False)
        order = pd.Series(_first_valid(f["criterion_order"], kc, _first_rows(kc), len(ku)), index=ku)
        k_ = out["criterion_code"].map(order).to_numpy(dtype=float, na_value=np.nan)
        out = out.take(np.lexsort((last, np.where(np.isnan(k_), np.inf, k_))))
    elif by == "quarter":
        out = out.take(np.argsort(last, kind="stable"))
    else:
        c, u = keys[BY[by][0]]
        if all(type(v) is str for v in u.tolist()):
            rank = np.empty(len(u), dtype=np.int64)
            rank[np.argsort(u, kind="stable")] = np.arange(len(u))
            out = out.take(np.lexsort((last, rank[c[first]])))
        else:  # missing or non-text keys: as pandas sorts them
            out = out.sort_values(BY[by] + ["_ord"], na_position="last", kind="stable")
    out = out.reset_index(drop=True)
    out["share_done"] = (out["done"] / out["gaps"]).round(3)
    cols = BY[by] + ["quarter", "gaps", "firm", "inferred", "done", "open", "share_done"]
    return out[cols + (["overdue"] if q is not None else [])]


def _quarters(ords: np.ndarray) -> pd.arrays.StringArray:
    """Quarter ordinals as ``2023Q2`` text (``undated`` for NaT)."""
    codes, uniq = pd.factorize(ords)
    text = np.array([UNDATED if v == _NAT else _quarter_text(v) for v in uniq.tolist()], dtype=object)
    return _text_array(text[codes] if len(text) else np.zeros(0, dtype=object))


def overdue_gaps(plan: Plan, as_of: AsOf) -> pd.DataFrame:
    """Open gaps due before the as-of quarter: ``commune, criterion_code, criterion,
    department, due, due_source, quarters_late`` (latest first within commune order).

    >>> # overdue_gaps(plan, "2023-07-01")
    """
    q = as_of_quarter(as_of)
    if q is None:
        raise ValueError("overdue_gaps needs an as-of date")
    f = _frame(plan, as_of, False)
    late = f.loc[~f["_done"] & f["_due"].notna() & (f["_due"] < q)]
    late = late.assign(quarters_late=(q.ordinal - _ordinal(late["_due"])).astype("int64"))
    cols = ["commune", "criterion_code", "criterion", "department", "due", "due_source", "quarters_late"]
    return late[cols].reset_index(drop=True)
