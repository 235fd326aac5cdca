"""What hangs on OCOP products: status per commune, waiting items, schedule conflicts.

See :mod:`.dependencies` for how OCOP status and the dependency rules are read.

>>> # ocop_summary(plan).query("conflict")["commune"].tolist()  -> ['Minh Đức', 'Quảng Nghiệp']
"""
from __future__ import annotations

import re

import pandas as pd

from ..plan import Plan
from .dependencies import NO_PRODUCT, OCOP_CRITERION, ocop_status, propagate_deadlines
from .gaps import AsOf

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
    prop = propagate_deadlines(plan, as_of) if propagated is None else propagated
    st = ocop_status(plan)
    item = prop.loc[prop["criterion_code"] == OCOP_CRITERION,
                    ["commune", "gap_id", "due", "due_source", "effective_due"]].drop_duplicates("commune")
    member = rf"(?:^|;){re.escape(OCOP_CRITERION)}(?:;|$)"
    waiting = prop.loc[prop["prerequisites"].str.contains(member, regex=True)]
    w = waiting.assign(_due=waiting["due"].astype(str).where(waiting["due"].notna(), "undated"),
                       _conflict=waiting["conflict_with"].str.contains(member, regex=True))
    wagg = w.groupby("commune").agg(
        waiting=("criterion_code", ", ".join),
        waiting_due=("_due", "; ".join),
        waiting_effective_due=("effective_due", "max"),
        conflict=("_conflict", "any"),
    )
    out = st.drop(columns="ocop_rows").merge(item, on="commune", how="left")
    out["ocop_gap"] = out["gap_id"].notna()
    out = out.rename(columns={"due": "ocop_due", "due_source": "ocop_due_source"})
    out = out.merge(wagg, left_on="commune", right_index=True, how="left")
    out["waiting"] = out["waiting"].fillna("").astype("str")
    out["waiting_due"] = out["waiting_due"].fillna("").astype("str")
    out["ocop_due_source"] = out["ocop_due_source"].fillna("").astype("str")
    out["conflict"] = out["conflict"].fillna(False).astype(bool)
    return out[COLUMNS].reset_index(drop=True)


def ocop_totals(plan: Plan, as_of: AsOf = None, propagated: pd.DataFrame | None = None) -> pd.DataFrame:
    """District totals as ``measure, value`` rows: communes without a certified
    product (and of them with a product chosen), open OCOP gaps, gaps waiting on
    OCOP (directly), undated OCOP gaps, and schedule conflicts.

    >>> # ocop_totals(plan).set_index("measure").loc["gaps_waiting_on_ocop", "value"]
    """
    s = ocop_summary(plan, as_of, propagated)
    n_wait = s["waiting"].map(lambda x: len([c for c in x.split(", ") if c]))
    rows = [
        ("communes", len(s)),
        ("communes_without_ocop_product", int(s["ocop_status"].isin(NO_PRODUCT).sum())),
        ("communes_ocop_product_chosen", int((s["ocop_status"] == "da_chon").sum())),
        ("communes_ocop_certified", int((s["ocop_status"] == "da_chung_nhan").sum())),
        ("ocop_gaps", int(s["ocop_gap"].sum())),
        ("ocop_gaps_undated", int((s["ocop_gap"] & s["ocop_due"].isna()).sum())),
        ("gaps_waiting_on_ocop", int(n_wait.sum())),
        ("schedule_conflicts", int(s["conflict"].sum())),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "int64"})
