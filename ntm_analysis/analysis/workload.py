"""Quarterly workload: items due per quarter, by lead department, criterion or commune.

Every listed item (a criterion or a model requirement still to meet) is counted in the
quarter it is due (no quarter when it has no deadline): ``items``, of which ``model``
are model requirements; split into ``firm`` deadlines (the item's or the commune's own
quarter) and ``inferred`` ones (year only: the year's fourth quarter). ``done`` counts
items the completion log closes (by the as-of quarter when one is given), ``open`` the
rest; with an as-of date, ``overdue`` counts open items due before the as-of quarter.

>>> from ntm_analysis import load_plan
>>> w = workload(load_plan())
>>> [str(q) for q in w["quarter"]], int(w["items"].sum()), int(w["model"].sum())  # 42 criteria + 2 model
(['2023Q2', '2023Q3', '2023Q4', 'NaT'], 44, 2)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.quarters import NAT, from_ordinals, to_ordinals
from ..core.vocab import DueSource, Requirement
from . import kernels as K
from .gaps import departments
from .run import AsOf, run_of

BY = {"quarter": [], "department": ["department"], "criterion": ["criterion_code", "criterion"],
      "commune": ["commune_id", "commune"]}


def _due(run, effective: bool) -> np.ndarray:
    """Each gap's quarter ordinal: its own, or (``effective``) for open gaps the quarter
    their dependencies allow."""
    due = to_ordinals(run.plan.gaps["due"])
    if effective and (~run.done).any():
        due[~run.done] = to_ordinals(run.propagated["effective_due"])
    return due


def workload(plan_or_run, by: str = "quarter", as_of: AsOf = None, effective: bool = False) -> pd.DataFrame:
    """Gaps due per quarter, optionally per ``department``, ``criterion`` or ``commune``.

    Columns: the ``by`` keys (none for ``quarter``), ``quarter`` (a quarter; no date
    last), ``items, model, firm, inferred, done, open, share_done`` and, with an as-of date,
    ``overdue``. ``effective=True`` counts open gaps in the quarter their
    dependencies allow instead of the plan's quarter.
    """
    if by not in BY:
        raise ValueError(f"by must be one of {sorted(BY)}")
    run = run_of(plan_or_run, as_of)
    g = run.plan.gaps
    ords = _due(run, effective)
    dated = ords != NAT
    source = g["due_source"].to_numpy(dtype=object)
    keys: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    ids = K.codes(ords)[0]
    for col in BY[by]:
        values = departments(run) if col == "department" else g[col]
        c, u = K.codes(values)
        keys[col] = (c, u)
        ids = ids * max(len(u), 1) + c
    ids, _ = K.codes(ids)
    k = int(ids.max()) + 1 if len(ids) else 0
    first = K.first_rows(ids)
    done = run.done
    firm = np.isin(source, list(DueSource.firm())) & dated
    inferred = np.isin(source, list(DueSource.inferred())) & dated
    model = (g["requirement"] == Requirement.MODEL).to_numpy()
    counts = {"items": K.count(ids, k), "model": K.count(ids, k, model), "firm": K.count(ids, k, firm),
              "inferred": K.count(ids, k, inferred),
              "done": K.count(ids, k, done), "open": K.count(ids, k, ~done)}
    if run.as_of is not None:
        counts["overdue"] = K.count(ids, k, ~done & dated & (ords < run.as_of.ordinal))
    o = ords[first]
    out = pd.DataFrame({
        **{col: K.text(u[c[first]]) for col, (c, u) in keys.items()},
        "quarter": from_ordinals(o),
        **counts,
    })
    last = np.where(o == NAT, np.inf, o.astype(float))
    if by == "criterion":
        order = np.lexsort((last, g["criterion_order"].to_numpy()[first]))
    elif by == "quarter":
        order = np.argsort(last, kind="stable")
    else:
        name = "department" if by == "department" else "commune"
        order = np.lexsort((last, K.rank_of(out[name])))
    out = out.take(order).reset_index(drop=True)
    out["share_done"] = (out["done"] / out["items"]).round(3)
    cols = BY[by] + ["quarter", "items", "model", "firm", "inferred", "done", "open", "share_done"]
    return out[cols + (["overdue"] if run.as_of is not None else [])]


def overdue_gaps(plan_or_run, as_of: AsOf) -> pd.DataFrame:
    """Open gaps due before the as-of quarter: ``commune_id, commune, criterion_code,
    criterion, department, due, due_source, quarters_late`` (in plan order)."""
    run = run_of(plan_or_run, as_of)
    if run.as_of is None:
        raise ValueError("overdue_gaps needs an as-of date")
    g = run.plan.gaps
    due = to_ordinals(g["due"])
    late = ~run.done & (due != NAT) & (due < run.as_of.ordinal)
    out = g.loc[late, ["commune_id", "commune", "criterion_code", "criterion"]].assign(
        department=K.text(departments(run)[late]), due=g["due"].array[late],
        due_source=g["due_source"].array[late], quarters_late=(run.as_of.ordinal - due[late]).astype(np.int64))
    return out.reset_index(drop=True)
