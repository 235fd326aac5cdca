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
from .dependencies import propagate_deadlines
from .gaps import AsOf, as_of_quarter, completed_mask

UNDATED = "undated"
FIRM_SOURCES = ("item", "commune")
BY = {"quarter": [], "department": ["department"], "criterion": ["criterion_code", "criterion"],
      "commune": ["commune"]}


def _ordinal(due: pd.Series) -> np.ndarray:
    """Quarter ordinals as floats (NaN = undated), for sorting and arithmetic."""
    o = np.asarray(due.array.asi8, dtype=float)
    o[due.isna().to_numpy()] = np.nan
    return o


def _frame(plan: Plan, as_of: AsOf, effective: bool) -> pd.DataFrame:
    g = plan.gaps.drop_duplicates(["commune", "criterion_code"]).reset_index(drop=True)
    done = completed_mask(g, plan.completions, as_of)
    due = g["due"]
    if effective:
        eff = propagate_deadlines(plan, as_of).set_index("gap_id")["effective_due"]
        due = g["gap_id"].map(eff).where(~done, g["due"]).astype(g["due"].dtype)
    cat = plan.catalogue
    dep = g["department"].fillna("").astype(str)
    default = g["criterion_code"].map(dict(zip(cat.criteria["code"], cat.criteria["department"]))).fillna("")
    return g.assign(
        department=dep.where(dep.str.strip() != "", default),
        _due=due,
        _done=done.to_numpy(),
        _firm=g["due_source"].isin(FIRM_SOURCES) & due.notna(),
        _inferred=(g["due_source"] == "year-only") & due.notna(),
    )


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
    f = _frame(plan, as_of, effective)
    q = as_of_quarter(as_of)
    f = f.assign(_ord=_ordinal(f["_due"]),
                 quarter=f["_due"].astype(str).where(f["_due"].notna(), UNDATED),
                 _open=~f["_done"])
    if q is not None:
        f = f.assign(_overdue=f["_open"] & f["_due"].notna() & (f["_due"] < q))
    keys = BY[by] + ["_ord", "quarter"]
    agg = dict(gaps=("commune", "size"), firm=("_firm", "sum"), inferred=("_inferred", "sum"),
               done=("_done", "sum"), open=("_open", "sum"))
    if q is not None:
        agg["overdue"] = ("_overdue", "sum")
    out = f.groupby(keys, dropna=False, sort=False).agg(**agg).reset_index()
    if by == "criterion":
        order = f.groupby("criterion_code")["criterion_order"].first()
        out = out.assign(_k=out["criterion_code"].map(order))
        sort = ["_k", "_ord"]
    elif by == "quarter":
        out = out.assign(_k=0)
        sort = ["_ord"]
    else:
        sort = BY[by] + ["_ord"]
    out = out.sort_values(sort, na_position="last", kind="stable").reset_index(drop=True)
    counts = [c for c in ("gaps", "firm", "inferred", "done", "open", "overdue") if c in out]
    out = out.astype({c: "int64" for c in counts})
    out["share_done"] = (out["done"] / out["gaps"]).round(3)
    cols = BY[by] + ["quarter", "gaps", "firm", "inferred", "done", "open", "share_done"]
    return out[cols + (["overdue"] if q is not None else [])]


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
