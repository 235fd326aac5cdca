"""Projected finish, recognition and status on a hand-made plan."""
import pandas as pd
import pytest

from ntm_analysis.analysis import projection

Q = lambda s: pd.Period(s, freq="Q")  # noqa: E731


def _plan(make_plan, **kw):
    return make_plan(
        [{"commune": "A", "original_target_year": 2021},
         "B", "C", {"commune": "D", "commune_due": "2023Q2"},
         {"commune": "E", "target_level": "kieu_mau"}, {"commune": "F", "target_level": "kieu_mau"}],
        gaps=[("A", "2", "2023Q2"), ("A", "14", "2024Q1"),
              ("B", "8", "2023Q2"), ("B", "13", "2023Q4"),     # 8 pushed to Q4 by OCOP
              ("C", "5", "2023Q3"), ("C", "14", None),
              ("E", "2", "2023Q2"), ("E", "KM3", "2023Q3"),
              ("F", "2", "2023Q2")],
        model_requirements=[("F", "KM1", "", "missing"), ("F", "KM3", "", "missing"),
                            ("E", "KM1", "", "missing"), ("E", "KM3", "", "missing")],
        **kw,
    )


def test_statuses(make_plan):
    p = projection(_plan(make_plan)).set_index("commune")
    assert p.loc["A", "finish"] == Q("2024Q1") and p.loc["A", "status"] == "at_risk"
    assert p.loc["A", "slip_years"] == 2
    assert p.loc["B", "finish"] == Q("2023Q4") and p.loc["B", "status"] == "on_track"
    assert p.loc["C", "status"] == "unscheduled" and p.loc["C", "finish"] == Q("2023Q3")
    assert pd.isna(p.loc["C", "recognition"]) and p.loc["C", "undated"] == 1
    assert p.loc["D", "status"] == "ready" and p.loc["D", "recognition"] == Q("2023Q2")
    assert p.loc["E", "finish"] == Q("2023Q3") and p.loc["E", "status"] == "on_track"  # model gap counts
    # F lists no gap for KM3 although it is missing: an unlisted, undated requirement
    assert p.loc["F", "unlisted_model"] == ("KM3",) and p.loc["F", "status"] == "unscheduled"
    assert p.loc["F", "missing"] == 1 and p.loc["F", "model_missing"] == 1  # one criterion; KM3


def test_review_lag(make_plan):
    p = projection(_plan(make_plan), review_lag=1).set_index("commune")
    assert p.loc["B", "recognition"] == Q("2024Q1") and p.loc["B", "status"] == "at_risk"
    assert p.loc["E", "recognition"] == Q("2023Q4") and p.loc["E", "status"] == "on_track"
    with pytest.raises(ValueError):
        projection(_plan(make_plan), review_lag=-1)


def test_as_of_pushes_open_work(make_plan):
    plan = _plan(make_plan, completions=[("E", "2", "2023Q2"), ("E", "KM3", "2023Q3")])
    p = projection(plan, as_of="2023-10-05").set_index("commune")
    assert p.loc["E", "status"] == "ready"
    assert p.loc["B", "overdue"] == 1                              # 8 due Q2, open in Q4
    assert p.loc["E", "missing"] == 0 and p.loc["E", "model_missing"] == 0
    p = projection(plan, as_of="2024-04-01").set_index("commune")
    assert p.loc["B", "finish"] == Q("2024Q2") and p.loc["B", "status"] == "at_risk"
