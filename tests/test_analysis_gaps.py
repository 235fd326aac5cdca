"""Gaps by criterion, commune, department, section; what unlocks most (hand-made plans)."""
import pandas as pd

from ntm_analysis.analysis import (gaps_by_commune, gaps_by_criterion, gaps_by_department,
                                   gaps_by_section, open_gaps, unlocks)


def _plan(make_plan, **kw):
    return make_plan(
        communes=["A", "B", {"commune": "C", "plan_section": "2.2", "target_level": "kieu_mau"}, "D"],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q3"), ("B", "13", "2023Q2"),
              ("C", "5", None), ("C", "KM3", "2023Q4")],
        **kw,
    )


def test_by_criterion_counts_and_names(make_plan):
    df = gaps_by_criterion(_plan(make_plan))
    # 13 blocks A and B (2 communes) and comes first; then 5, 8, KM3 (1 each) in catalogue order
    assert df["criterion_code"].tolist() == ["13", "5", "8", "KM3"]
    assert df["communes"].tolist() == [2, 1, 1, 1]
    assert df.loc[0, "commune_names"] == ("A", "B")
    assert df.loc[0, "criterion"] == "Tổ chức sản xuất và phát triển kinh tế nông thôn"
    assert df.set_index("criterion_code").loc["KM3", "requirement"] == "model"


def test_by_commune_met_missing(make_plan):
    df = gaps_by_commune(_plan(make_plan)).set_index("commune")
    assert df.loc["A", "missing"] == 2 and df.loc["A", "met"] == 17
    assert df.loc["C", "missing"] == 1 and df.loc["C", "model_missing"] == 1
    assert df.loc["D", "missing"] == 0 and df.loc["D", "share_met"] == 1.0
    assert df.loc["A", "missing_codes"] == ("8", "13")
    assert list(df.index) == ["A", "B", "C", "D"]  # plan order, every commune


def test_completions_close_gaps(make_plan):
    plan = _plan(make_plan, completions=[("A", "8", "2023Q2"), ("B", "13", "2023Q4")])
    # no as-of date: every recorded completion counts
    by = gaps_by_commune(plan).set_index("commune")
    assert by.loc["A", "missing"] == 1 and by.loc["A", "done"] == 1
    assert by.loc["B", "missing"] == 0
    # as of 2023-07-01 (Q3): B's completion in Q4 has not happened yet
    by = gaps_by_commune(plan, "2023-07-01").set_index("commune")
    assert by.loc["B", "missing"] == 1 and by.loc["A", "missing"] == 1
    assert len(open_gaps(plan)) == 3 and len(open_gaps(plan, "2023-07-01")) == 4


def test_by_department(make_plan):
    df = gaps_by_department(_plan(make_plan)).set_index("department")
    assert df.loc["Phòng Nông nghiệp và PTNT", "items"] == 2
    assert df.loc["Phòng Nông nghiệp và PTNT", "communes"] == 2
    assert df["items"].sum() == 5


def test_empty_department_falls_back_to_catalogue(make_plan):
    plan = make_plan(["A"], [{"commune": "A", "criterion_code": "14", "due": None, "department": ""}])
    assert gaps_by_department(plan)["department"].tolist() == ["Trung tâm Y tế"]


def test_by_section(make_plan):
    df = gaps_by_section(_plan(make_plan)).set_index("plan_section")
    assert df.loc["2.1", "communes"] == 3 and df.loc["2.1", "ready"] == 1  # D
    assert df.loc["2.1", "missing"] == 3
    assert df.loc["2.2", "missing"] == 1 and df.loc["2.2", "model_missing"] == 1


def test_unlocks(make_plan):
    df = unlocks(_plan(make_plan)).set_index("criterion_code")
    # B has only 13 left; A has 8 and 13; C has 5 and KM3
    assert df.loc["13", "unlocks"] == 1 and df.loc["13", "unlocked_names"] == ("B",)
    assert df.loc["8", "unlocks"] == 0 and df.loc["KM3", "unlocks"] == 0
    assert unlocks(_plan(make_plan)).iloc[0]["criterion_code"] == "13"


def test_inputs_not_mutated(make_plan):
    plan = _plan(make_plan, completions=[("A", "8", "2023Q2")])
    before = plan.gaps.copy()
    for f in (gaps_by_criterion, gaps_by_commune, gaps_by_department, gaps_by_section, unlocks):
        f(plan, "2023-07-01")
    pd.testing.assert_frame_equal(plan.gaps, before)
