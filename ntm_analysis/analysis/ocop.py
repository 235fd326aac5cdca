"""What hangs on OCOP products: status per commune, waiting items, schedule conflicts.

The OCOP criterion is the catalogue's (``roles: {ocop: …}``); see :mod:`.dependencies`
for how OCOP status and the dependency rules are read.

>>> from ntm_analysis import load_plan
>>> s = ocop_summary(load_plan())
>>> s.loc[s["conflict"], "commune"].tolist()
['Minh Đức', 'Quảng Nghiệp']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.quarters import NAT, from_ordinals, to_ordinals
from ..core.vocab import OcopStatus
from . import kernels as K
from .run import AsOf, run_of

COLUMNS = ["commune_id", "commune", "ocop_status", "products", "target_stars", "ocop_gap", "ocop_due",
           "ocop_due_source", "waiting", "waiting_due", "waiting_effective_due", "conflict"]
NO_PRODUCT = (OcopStatus.NONE, OcopStatus.CHOSEN)  # statuses meaning "no certified OCOP product"


def ocop_summary(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """One row per commune, in plan order.

    Columns: ``commune_id, commune, ocop_status, products, target_stars, ocop_gap``
    (the commune has an open gap on the OCOP criterion), ``ocop_due`` (its deadline)
    and ``ocop_due_source``, ``waiting`` (codes of the open gaps waiting on it),
    ``waiting_due`` (their own deadlines, quarters), ``waiting_effective_due`` (the
    latest after propagation) and ``conflict`` (a waiting gap is due before it).
    """
    run = run_of(plan_or_run, as_of)
    return run.memo("ocop_summary", lambda: _summary(run))


def _summary(run) -> pd.DataFrame:
    st = run.ocop_status
    n = len(st)
    prop = run.propagated
    pc = run.open_commune  # the propagated gaps are the open gaps, in order
    code = prop["criterion_code"].to_numpy(dtype=object)
    ocop = run.ocop_criterion
    item = np.flatnonzero((code == ocop) & (pc >= 0)) if ocop is not None else np.zeros(0, np.int64)
    at = np.full(n, -1, dtype=np.int64)
    first_of, first = np.unique(pc[item], return_index=True)
    at[first_of] = item[first]  # each commune's first open gap on the OCOP criterion
    waits = np.flatnonzero(np.fromiter((ocop in p for p in prop["prerequisites"].tolist()), dtype=bool,
                                       count=len(prop)) & (pc >= 0)) if ocop is not None else np.zeros(0, np.int64)
    wc = pc[waits]
    due = to_ordinals(prop["due"])
    eff = to_ordinals(prop["effective_due"])
    latest = np.full(n, NAT, dtype=np.int64)
    np.maximum.at(latest, wc, eff[waits])
    hit = np.fromiter((ocop in c for c in prop["conflict_with"].to_numpy(dtype=object)[waits]), dtype=bool,
                      count=len(waits))
    conflict = np.zeros(n, dtype=bool)
    conflict[wc[hit]] = True
    has = at >= 0
    return pd.DataFrame({
        "commune_id": st["commune_id"].array, "commune": st["commune"].array,
        "ocop_status": st["ocop_status"].array, "products": st["products"].to_numpy(),
        "target_stars": st["target_stars"].array,
        "ocop_gap": has,
        "ocop_due": from_ordinals(np.where(has, due[np.maximum(at, 0)] if len(due) else NAT, NAT)),
        "ocop_due_source": K.text(K.spread(prop["due_source"].to_numpy(dtype=object), at, "")),
        "waiting": K.lists(wc, code[waits], n),
        "waiting_due": K.lists(wc, list(from_ordinals(due[waits])), n),
        "waiting_effective_due": from_ordinals(latest),
        "conflict": conflict,
    }, columns=COLUMNS)


def ocop_totals(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Totals as ``measure, value`` rows: the communes, then the communes of each OCOP
    status of the table (``communes_<status>``, in :class:`~ntm_analysis.core.vocab.OcopStatus`
    order: they add up to the communes), the communes missing the OCOP criterion, of them
    without a deadline, the items waiting on OCOP (directly) and the schedule conflicts.

    >>> from ntm_analysis import load_plan
    >>> tot = ocop_totals(load_plan()).set_index("measure")["value"]
    >>> [int(tot[f"communes_{s}"]) for s in OcopStatus], int(tot["ocop_gaps"])
    ([5, 4, 0, 4], 9)
    """
    s = ocop_summary(plan_or_run, as_of)
    rows = [("communes", len(s))]
    rows += [(f"communes_{status}", int((s["ocop_status"] == status).sum())) for status in OcopStatus]
    rows += [
        ("ocop_gaps", int(s["ocop_gap"].sum())),
        ("ocop_gaps_undated", int((s["ocop_gap"] & s["ocop_due"].isna()).sum())),
        ("gaps_waiting_on_ocop", int(sum(len(w) for w in s["waiting"]))),
        ("schedule_conflicts", int(s["conflict"].sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "int64"})
