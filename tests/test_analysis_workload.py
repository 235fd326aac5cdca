"""Quarterly workload, overdue gaps and progress on a hand-made plan."""
import pytest

from ntm_analysis.analysis import overdue_gaps, workload


def _plan(make_plan, **kw):
    return make_plan(
        ["A", "B"],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q3"),
              {"commune": "A", "criterion_code": "2", "due": "2023Q4", "due_source": "year-only"},
              {"commune": "B", "criterion_code": "14", "due": "2023Q2", "due_source": "commune"},
              ("B", "5", None)],
        **kw,
    )


def test_by_quarter(make_plan):
    df = workload(_plan(make_plan))
    assert [str(q) for q in df["quarter"]] == ["2023Q2", "2023Q3", "2023Q4", "NaT"]  # no date last
    assert df["items"].tolist() == [2, 1, 1, 1]
    assert df["firm"].tolist() == [2, 1, 0, 0]
    assert df["inferred"].tolist() == [0, 0, 1, 0]
    assert "overdue" not in df


def test_effective_moves_waiting_gap(make_plan):
    df = workload(_plan(make_plan), effective=True).set_index("quarter")
    # A's 8 (Q2) waits on A's 13 (Q3)
    assert df.loc["2023Q2", "items"] == 1 and df.loc["2023Q3", "items"] == 2


def test_as_of_overdue_and_progress(make_plan):
    plan = _plan(make_plan, completions=[("B", "14", "2023Q2"), ("A", "13", "2023Q4")])
    df = workload(plan, as_of="2023-07-01").set_index("quarter")
    assert df.loc["2023Q2", "done"] == 1 and df.loc["2023Q2", "open"] == 1
    assert df.loc["2023Q2", "overdue"] == 1          # A's 8
    assert df.loc["2023Q3", "done"] == 0              # A's 13 is done only in Q4
    assert df.loc["2023Q2", "share_done"] == 0.5
    late = overdue_gaps(plan, "2023-07-01")
    assert late[["commune", "criterion_code", "quarters_late"]].values.tolist() == [["A", "8", 1]]
    # as of 2024Q1: 13 was done in Q4; 8 (Q2) and 2 (year-only, Q4) are late
    assert overdue_gaps(plan, "2024-01-15")["criterion_code"].tolist() == ["8", "2"]


def test_by_department_and_criterion(make_plan):
    plan = _plan(make_plan)
    dep = workload(plan, by="department")
    assert dep["items"].sum() == 5
    assert set(dep.columns[:2]) == {"department", "quarter"}
    crit = workload(plan, by="criterion")
    assert crit["criterion_code"].tolist() == ["2", "5", "8", "13", "14"]
    with pytest.raises(ValueError):
        workload(plan, by="planet")
