"""Invariants of the analyses on random small plans (hypothesis)."""
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_analysis.analysis import (STATUSES, gaps_by_commune, gaps_by_criterion, gaps_by_department,
                                   open_gaps, projection, propagate_deadlines, workload)

CODES = ["2", "5", "8", "13", "14", "KM3"]
QUARTERS = [None, "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q2"]
NAMES = ["A", "B", "C", "D"]


@st.composite
def plans(draw):
    communes = NAMES[: draw(st.integers(1, len(NAMES)))]
    gaps, completions, ocop = [], [], []
    for c in communes:
        for code in draw(st.lists(st.sampled_from(CODES), unique=True, max_size=len(CODES))):
            waits = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=2))
            gaps.append((c, code, draw(st.sampled_from(QUARTERS)), ";".join(waits)))
            if draw(st.booleans()) and draw(st.booleans()):
                completions.append((c, code, draw(st.sampled_from(QUARTERS[1:]))))
        status = draw(st.sampled_from([None, "chua_co", "da_chon", "da_chung_nhan"]))
        if status:
            ocop.append((c, "SP", status, 3))
    levels = [{"commune": c, "target_level": draw(st.sampled_from(["nang_cao", "kieu_mau"]))}
              for c in communes]
    as_of = draw(st.sampled_from([None, "2023-05-01", "2024-01-01"]))
    return levels, gaps, completions, ocop, as_of


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(plans())
def test_gap_totals_agree(make_plan, spec):
    levels, gaps, completions, ocop, as_of = spec
    plan = make_plan(levels, gaps, ocop=ocop, completions=completions)
    n = len(open_gaps(plan, as_of))
    by_commune = gaps_by_commune(plan, as_of)
    assert gaps_by_criterion(plan, as_of)["communes"].sum() == n
    assert (by_commune["missing"] + by_commune["model_missing"]).sum() == n
    assert gaps_by_department(plan, as_of)["items"].sum() == n
    w = workload(plan, as_of=as_of)
    assert w["items"].sum() == len(gaps) and (w["done"] + w["open"]).sum() == len(gaps)
    assert w["open"].sum() == n


@SETTINGS
@given(plans())
def test_propagation_never_earlier_and_idempotent(make_plan, spec):
    levels, gaps, completions, ocop, as_of = spec
    plan = make_plan(levels, gaps, ocop=ocop, completions=completions)
    p = propagate_deadlines(plan, as_of)
    own, eff = p["due"], p["effective_due"]
    assert (eff.isna() | (own.notna() & (eff >= own))).all()   # later, equal, or undated
    assert eff[own.isna()].isna().all()
    if p.empty:
        return
    # propagating again from the effective deadlines changes nothing
    again = plan.with_tables(gaps=plan.gaps.assign(
        due=plan.gaps["gap_id"].map(p.set_index("gap_id")["effective_due"]).astype(own.dtype)
        .where(plan.gaps["gap_id"].isin(p["gap_id"]), plan.gaps["due"])))
    p2 = propagate_deadlines(again, as_of)
    pd.testing.assert_series_equal(p2["effective_due"], eff, check_names=False)


@SETTINGS
@given(plans())
def test_projection_status(make_plan, spec):
    levels, gaps, completions, ocop, as_of = spec
    plan = make_plan(levels, gaps, ocop=ocop, completions=completions)
    p = projection(plan, as_of=as_of)
    assert set(p["status"]) <= set(STATUSES)
    assert ((p["status"] == "ready") == ((p["missing"] + p["model_missing"]) == 0)).all()
    assert ((p["status"] == "unscheduled") == (p["undated"] > 0)).all()
    later = projection(plan, review_lag=2, as_of=as_of)
    worse = {"ready": 0, "on_track": 1, "at_risk": 2, "unscheduled": 3}
    assert (later["status"].map(worse) >= p["status"].map(worse)).all()
