"""Projected finish and recognition quarter per commune, and whether it makes its year.

- ``finish``: the latest effective deadline (after dependencies) of the commune's
  open gaps, criteria and model requirements alike. With an as-of date, work still
  open cannot finish before the as-of quarter, so ``finish`` is at least that quarter.
- ``recognition`` = ``finish`` + ``review_lag`` quarters.
- ``status``: ``ready`` (nothing open), ``unscheduled`` (some open gap has no
  effective deadline: ``finish`` then shows the latest known quarter, ``recognition``
  stays empty), ``on_track`` (recognised within ``target_year``), ``at_risk`` (later).
- ``slip_years`` = ``target_year`` - ``original_target_year`` (the year first aimed at).

A ``ready`` commune has no ``finish``; its ``recognition`` is its own dossier
deadline (``commune_due``) plus the lag, when the plan gives one.

A model commune whose ``model_requirements`` row is ``missing`` with no gap listed
for it counts that requirement as an open, undated gap (``unlisted_model``).

>>> # projection(plan).query("status == 'at_risk'")
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..plan import Plan
from .dependencies import _NAT, propagate_deadlines
from .gaps import AsOf, _factorize, _group_join, _text_array, as_of_quarter

STATUSES = ("ready", "on_track", "at_risk", "unscheduled")
COLUMNS = ["commune", "plan_section", "target_level", "target_year", "original_target_year",
           "slip_years", "gaps", "undated", "overdue", "finish", "recognition", "status",
           "unlisted_model"]


def unlisted_model_requirements(plan: Plan) -> pd.DataFrame:
    """``model_requirements`` rows marked ``missing`` for which ``plan.gaps`` has no row.

    Derived requirements (KM1, "meets the advanced set") are left out: the
    commune's advanced gaps stand for them.

    >>> # unlisted_model_requirements(plan)[["commune", "criterion_code"]]
    """
    m = plan.model_requirements
    model = set(plan.catalogue.model_codes)
    code = m["criterion_code"].to_numpy(dtype=object)
    pick = np.flatnonzero((m["status"].to_numpy(dtype=object) == "missing")
                          & np.array([c in model for c in code.tolist()], dtype=bool))
    if len(pick):  # leave out those with a gap row (commune and code compared as text)
        mc = m["commune"].astype(str).to_numpy(dtype=object)[pick].tolist()
        mk = m["criterion_code"].astype(str).to_numpy(dtype=object)[pick].tolist()
        gk = plan.gaps["criterion_code"].astype(str).to_numpy(dtype=object)
        sel = np.flatnonzero(pd.Index(gk).isin(set(mk)))
        gc = plan.gaps["commune"].astype(str).to_numpy(dtype=object)[sel]
        listed = set(zip(gc.tolist(), gk[sel].tolist()))
        pick = pick[np.array([key not in listed for key in zip(mc, mk)], dtype=bool)]
    return m[["commune", "criterion_code", "requirement"]].take(pick).reset_index(drop=True)


def projection(plan: Plan, review_lag: int = 0, as_of: AsOf = None,
               propagated: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per commune (plan order) with ``finish``, ``recognition`` and ``status``.

    Columns: ``commune, plan_section, target_level, target_year,
    original_target_year, slip_years, gaps`` (open), ``undated`` (open gaps with no
    effective deadline), ``overdue`` (open, due before the as-of quarter),
    ``finish, recognition, status, unlisted_model``.

    >>> # projection(plan, review_lag=1)[["commune", "finish", "recognition", "status"]]
    """
    if review_lag < 0:
        raise ValueError("review_lag must be >= 0")
    prop = propagate_deadlines(plan, as_of) if propagated is None else propagated
    q = as_of_quarter(as_of)
    extra = unlisted_model_requirements(plan)
    c = plan.communes
    names = c["commune"].to_numpy(dtype=object)
    # per commune name: open gaps (and unlisted model requirements, open and undated)
    (pc, xc, cc), uniq = _factorize(prop["commune"], extra["commune"], names)
    k = len(uniq) + 2  # two more slots: gaps without a commune name (left out), communes without one
    pc, xc = (np.where(a < 0, k - 2, a) for a in (pc, xc))
    cc = np.where(cc < 0, k - 1, cc)
    eff = prop["effective_due"].array.asi8
    undated = eff == _NAT
    gaps = np.bincount(pc, minlength=k) + np.bincount(xc, minlength=k)
    n_undated = np.bincount(pc[undated], minlength=k) + np.bincount(xc, minlength=k)
    if q is not None:
        due = prop["due"].array.asi8
        overdue = np.bincount(pc[(due != _NAT) & (due < q.ordinal)], minlength=k)
    else:
        overdue = np.zeros(k, dtype=np.int64)
    last = np.full(k, -np.inf)
    np.maximum.at(last, pc[~undated], eff[~undated].astype(float))
    last[np.isneginf(last)] = np.nan
    unlisted = np.asarray(_group_join(xc, extra["criterion_code"].astype(str).to_numpy(dtype=object), k, ", ",
                                      unique=False), dtype=object)
    gaps, n_undated, overdue, last = gaps[cc], n_undated[cc], overdue[cc], last[cc]
    has_gaps = gaps > 0
    if q is not None:
        last = np.where(has_gaps & ~np.isnan(last), np.fmax(last, q.ordinal), last)
    unscheduled = n_undated > 0
    rec_ord = np.where(unscheduled, np.nan, last + review_lag)
    commune_due = c["commune_due"]
    if isinstance(commune_due.dtype, pd.PeriodDtype):
        ready_rec = commune_due.array.asi8.astype(float)
        ready_rec[commune_due.isna().to_numpy()] = np.nan
        ready_rec += review_lag
    else:
        ready_rec = np.array([np.nan if pd.isna(p) else p.ordinal + review_lag for p in commune_due], dtype=float)
    rec_ord = np.where(has_gaps, rec_ord, ready_rec)
    rec_year = np.floor(rec_ord / 4) + 1970  # Q-DEC ordinal 0 is 1970Q1; NaN stays NaN
    target = c["target_year"].to_numpy(dtype=float, na_value=np.nan)
    status = np.where(~has_gaps, "ready",
                      np.where(unscheduled, "unscheduled",
                               np.where(rec_year <= target, "on_track", "at_risk"))).astype(object)
    out = pd.DataFrame({
        "commune": c["commune"].array,
        "plan_section": c["plan_section"].array,
        "target_level": c["target_level"].array,
        "target_year": c["target_year"].array,
        "original_target_year": c["original_target_year"].array,
        "slip_years": (c["target_year"] - c["original_target_year"]).astype("Int64").array,
        "gaps": gaps.astype("int64"),
        "undated": n_undated.astype("int64"),
        "overdue": overdue.astype("int64"),
        "finish": _to_periods(last),
        "recognition": _to_periods(rec_ord),
        "status": _text_array(status),
        "unlisted_model": _text_array(unlisted[cc]),
    })
    if out.empty:  # as the merge on an empty table types it
        out = out.astype({"commune": object})
    return out


def _to_periods(ords: np.ndarray) -> pd.arrays.PeriodArray:
    o = np.where(np.isnan(ords), np.iinfo(np.int64).min, ords).astype(np.int64)
    return pd.PeriodIndex.from_ordinals(o, freq="Q-DEC").array
