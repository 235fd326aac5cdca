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
from .dependencies import propagate_deadlines
from .gaps import AsOf, as_of_quarter

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
    m = m.loc[(m["status"] == "missing") & m["criterion_code"].isin(plan.catalogue.model_codes),
              ["commune", "criterion_code", "requirement"]]
    listed = pd.MultiIndex.from_frame(plan.gaps[["commune", "criterion_code"]].astype(str))
    key = pd.MultiIndex.from_frame(m[["commune", "criterion_code"]].astype(str))
    return m.loc[~key.isin(listed)].reset_index(drop=True)


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
    eff = prop["effective_due"]
    ords = np.asarray(eff.array.asi8, dtype=float)
    ords[eff.isna().to_numpy()] = np.nan
    f = pd.DataFrame({
        "commune": prop["commune"].to_numpy(),
        "_ord": ords,
        "_undated": eff.isna().to_numpy(),
        "_overdue": (prop["due"].notna() & (prop["due"] < q)).to_numpy() if q is not None
        else np.zeros(len(prop), dtype=bool),
    })
    f = pd.concat([f, pd.DataFrame({"commune": extra["commune"].to_numpy(), "_ord": np.nan,
                                    "_undated": True, "_overdue": False})], ignore_index=True)
    agg = f.groupby("commune").agg(gaps=("_ord", "size"), undated=("_undated", "sum"),
                                   overdue=("_overdue", "sum"), _last=("_ord", "max"))
    c = plan.communes
    out = c[["commune", "plan_section", "target_level", "target_year", "original_target_year"]].copy()
    out = out.merge(agg, left_on="commune", right_index=True, how="left")
    for col in ("gaps", "undated", "overdue"):
        out[col] = out[col].fillna(0).astype("int64")
    unlisted = extra.groupby("commune")["criterion_code"].agg(", ".join).to_dict()
    out["unlisted_model"] = pd.array([unlisted.get(c, "") for c in out["commune"]], dtype="str")
    last = out["_last"].to_numpy(dtype=float)
    has_gaps = out["gaps"].to_numpy() > 0
    if q is not None:
        last = np.where(has_gaps & ~np.isnan(last), np.fmax(last, q.ordinal), last)
    finish = _to_periods(last)
    unscheduled = out["undated"].to_numpy() > 0
    rec_ord = np.where(unscheduled, np.nan, last + review_lag)
    commune_due = c["commune_due"].to_numpy()
    ready_rec = np.array([np.nan if pd.isna(p) else p.ordinal + review_lag for p in commune_due], dtype=float)
    rec_ord = np.where(has_gaps, rec_ord, ready_rec)
    out["finish"] = finish
    out["recognition"] = _to_periods(rec_ord)
    rec_year = pd.Series(out["recognition"]).dt.year.to_numpy()
    target = out["target_year"].to_numpy(dtype=float, na_value=np.nan)
    status = np.where(~has_gaps, "ready",
                      np.where(unscheduled, "unscheduled",
                               np.where(rec_year <= target, "on_track", "at_risk")))
    out["status"] = pd.array(status, dtype="str")
    out["slip_years"] = (out["target_year"] - out["original_target_year"]).astype("Int64")
    return out[COLUMNS].reset_index(drop=True)


def _to_periods(ords: np.ndarray) -> pd.arrays.PeriodArray:
    o = np.where(np.isnan(ords), np.iinfo(np.int64).min, ords).astype(np.int64)
    return pd.PeriodIndex.from_ordinals(o, freq="Q-DEC").array
