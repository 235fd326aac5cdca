"""Projected finish and recognition quarter per commune, and whether it makes its year.

- ``finish``: the latest effective deadline (after dependencies) of the commune's
  open gaps, criteria and model requirements alike. With an as-of date, work still
  open cannot finish before the as-of quarter.
- ``recognition`` = ``finish`` + ``review_lag`` quarters.
- ``status``: ``ready`` (nothing open), ``unscheduled`` (some open gap has no
  effective deadline: ``finish`` shows the latest known quarter, ``recognition``
  stays empty), ``on_track`` (recognised within ``target_year``), ``at_risk`` (later).
- ``slip_years`` = ``target_year`` - ``original_target_year``.

A ``ready`` commune has no ``finish``; its ``recognition`` is its own dossier deadline
(``commune_due``) plus the lag, when the plan gives one. A model commune whose model
requirement is marked missing with no gap listed for it counts that requirement as
an open, undated gap (``unlisted_model``).

>>> from ntm_analysis import load_plan
>>> p = projection(load_plan(), review_lag=1).set_index("commune")
>>> str(p.loc["Ngọc Kỳ", "recognition"]), p.loc["Minh Đức", "status"]
('2023Q3', 'unscheduled')
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.quarters import NAT, from_ordinals, to_ordinals, year_of
from ..core.vocab import ModelStatus, Status
from . import kernels as K
from .matrix import status_counts, unlisted_model_requirements
from .run import AsOf, Analysis, run_of

STATUSES = tuple(Status)
COLUMNS = ["commune_id", "commune", "plan_section", "target_level", "target_year", "original_target_year",
           "slip_years", "missing", "model_missing", "undated", "overdue", "finish", "recognition", "status",
           "unlisted_model"]


def projection(plan_or_run, review_lag: int | None = None, as_of: AsOf = None) -> pd.DataFrame:
    """One row per commune (plan order) with ``finish``, ``recognition`` and ``status``.

    Columns: ``commune_id, commune, plan_section, target_level, target_year,
    original_target_year, slip_years, missing`` (open criteria), ``model_missing`` (open
    model requirements; both as :func:`~.matrix.status_counts` counts them), ``undated``
    (open items with no effective deadline), ``overdue`` (open, due before the as-of quarter),
    ``finish, recognition, status, unlisted_model``.
    """
    review_lag = DEFAULT_REVIEW_LAG if review_lag is None else review_lag
    if not review_lag_ok(review_lag):
        raise ValueError(f"review_lag must be a whole number from 0 to {MAX_REVIEW_LAG}, not {review_lag!r}")
    return run_of(plan_or_run, as_of).projection(int(review_lag))


def project(run: Analysis, review_lag: int) -> pd.DataFrame:
    c = run.plan.communes
    n = len(c)
    prop = run.propagated
    extra = unlisted_model_requirements(run)
    pc = run.open_commune  # the propagated gaps are the open gaps, in order
    xc = K.positions(extra["commune_id"], run.commune_index)
    eff = to_ordinals(prop["effective_due"])
    undated = eff == NAT
    gaps = K.count(pc, n) + K.count(xc, n)
    counts = status_counts(run)
    n_undated = K.count(pc, n, undated) + K.count(xc, n)
    if run.as_of is not None:
        due = to_ordinals(prop["due"])
        overdue = K.count(pc, n, (due != NAT) & (due < run.as_of.ordinal))
    else:
        overdue = np.zeros(n, dtype=np.int64)
    last = np.full(n, NAT, dtype=np.int64)
    sel = ~undated & (pc >= 0)
    np.maximum.at(last, pc[sel], eff[sel])
    has_gaps = gaps > 0
    if run.as_of is not None:
        last = np.where(has_gaps & (last != NAT), np.maximum(last, run.as_of.ordinal), last)
    unscheduled = n_undated > 0
    rec = np.where(unscheduled | (last == NAT), NAT, last + review_lag)
    own = to_ordinals(c["commune_due"])
    rec = np.where(has_gaps, rec, np.where(own == NAT, NAT, own + review_lag))
    target = c["target_year"].to_numpy(dtype=float, na_value=np.nan)
    status = np.where(~has_gaps, Status.READY,
                      np.where(unscheduled, Status.UNSCHEDULED,
                               np.where(year_of(rec) <= target, Status.ON_TRACK, Status.AT_RISK))).astype(object)
    return pd.DataFrame({
        "commune_id": c["commune_id"].array, "commune": c["commune"].array,
        "plan_section": c["plan_section"].array, "target_level": c["target_level"].array,
        "target_year": c["target_year"].array, "original_target_year": c["original_target_year"].array,
        "slip_years": (c["target_year"] - c["original_target_year"]).astype("Int64").array,
        "missing": counts["missing"].to_numpy(), "model_missing": counts["model_missing"].to_numpy(),
        "undated": n_undated, "overdue": overdue,
        "finish": from_ordinals(last), "recognition": from_ordinals(rec),
        "status": K.text(status),
        "unlisted_model": K.lists(xc, extra["criterion_code"].to_numpy(dtype=object), n),
    }, columns=COLUMNS)


#: The default review lag, in quarters: recognition in the quarter the last item is done.
#: The plan schedules the dossier, the district's verification and the province's
#: appraisal in the same quarter as the last criteria (Ngọc Kỳ: "… và hoàn thiện hồ sơ
#: đề nghị huyện thẩm tra, tỉnh thẩm định trong quý II/2023"), no statutory duration is
#: known, and Hải Dương signs its recognitions at the end of the year (29/12/2022). The
#: assumption is printed on every projection, with what one more quarter would change.
DEFAULT_REVIEW_LAG = 0
#: The longest review lag accepted, in quarters (two years from the last item to the
#: recognition): a longer one is a typing mistake, and would carry quarters past the
#: years a quarter may fall in.
MAX_REVIEW_LAG = 8


def review_lag_ok(value: object) -> bool:
    """Whether ``value`` is a review lag: a whole number of quarters (not a flag, not a
    float) from 0 to :data:`MAX_REVIEW_LAG`.

    >>> review_lag_ok(1), review_lag_ok(-1), review_lag_ok(100000), review_lag_ok(1.0), review_lag_ok(True)
    (True, False, False, False, False)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) \
        and 0 <= value <= MAX_REVIEW_LAG


def lag_effect(plan_or_run, review_lag: int = DEFAULT_REVIEW_LAG, as_of: AsOf = None) -> dict[str, int]:
    """How much rests on the review lag: ``lag``, ``on_track`` (communes recognised within
    their target year with it) and ``at_risk_next`` (of them, those at risk with one
    more quarter).

    >>> from ntm_analysis import load_plan
    >>> lag_effect(load_plan())
    {'lag': 0, 'on_track': 9, 'at_risk_next': 7}
    """
    run = run_of(plan_or_run, as_of)
    now = run.projection(int(review_lag))["status"].to_numpy(dtype=object)
    nxt = run.projection(int(review_lag) + 1)["status"].to_numpy(dtype=object)
    on = now == Status.ON_TRACK
    return {"lag": int(review_lag), "on_track": int(on.sum()), "at_risk_next": int((on & (nxt == Status.AT_RISK)).sum())}
