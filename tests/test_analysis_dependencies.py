"""Dependency rules, OCOP status and deadline propagation on hand-made plans."""
import pandas as pd

from ntm_analysis.analysis import applicable_rules, ocop_status, propagate_deadlines

Q = lambda s: pd.Period(s, freq="Q")  # noqa: E731


def _by_code(df, commune):
    return df.loc[df["commune"] == commune].set_index("criterion_code")


def test_ocop_status_rules(make_plan):
    plan = make_plan(
        ["A", "B", "C", "D", "E"],
        gaps=[("A", "13", "2023Q3"), ("B", "13", "2023Q3"), ("C", "13", None), ("E", "8", None)],
        ocop=[("A", "", "chua_co", None), ("B", "Dưa", "da_chon", 3), ("B", "Rau", "da_chon", 4),
              ("D", "Gạo", "da_chung_nhan", 3), ("D", "Nấm", "da_chon", None)],
    )
    st = ocop_status(plan).set_index("commune")
    assert st.loc["A", "ocop_status"] == "chua_co"
    assert st.loc["B", "ocop_status"] == "da_chon"
    assert st.loc["B", "products"] == ("Dưa", "Rau") and st.loc["B", "target_stars"] == 4
    assert st.loc["C", "ocop_status"] == "chua_co"       # no row, but a 13 gap
    assert st.loc["D", "ocop_status"] == "da_chung_nhan"  # a certified product wins
    assert st.loc["E", "ocop_status"] == "co_san_pham"   # no row, no 13 gap


def test_default_rule_only_without_product(make_plan):
    plan = make_plan(
        ["A", "B"],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q3"), ("B", "8", "2023Q2"), ("B", "13", "2023Q3")],
        ocop=[("B", "Gạo", "da_chung_nhan", 3)],
    )
    p = propagate_deadlines(plan)
    a, b = _by_code(p, "A"), _by_code(p, "B")
    assert a.loc["8", "effective_due"] == Q("2023Q3")
    assert a.loc["8", "effective_reason"] == "prerequisite" and a.loc["8", "delayed_by"] == "13"
    assert bool(a.loc["8", "schedule_conflict"]) and a.loc["8", "conflict_with"] == ("13",)
    # B has a certified product: its 8 waits on nothing
    assert b.loc["8", "effective_due"] == Q("2023Q2") and b.loc["8", "prerequisites"] == ()
    assert not b["schedule_conflict"].any()


def test_chain_takes_latest_and_keeps_own_when_later(make_plan):
    # 5 waits on 14, 14 waits on 2 (stated in the plan per item); 2 is due last
    plan = make_plan(["A"], gaps=[("A", "5", "2023Q1", "14"), ("A", "14", "2023Q2", "2"),
                                  ("A", "2", "2023Q4"), ("A", "6", "2024Q2", "2")])
    a = _by_code(propagate_deadlines(plan), "A")
    assert a.loc["14", "effective_due"] == Q("2023Q4")
    assert a.loc["5", "effective_due"] == Q("2023Q4")   # through 14
    assert a.loc["5", "delayed_by"] == "14"
    assert a.loc["6", "effective_due"] == Q("2024Q2") and a.loc["6", "effective_reason"] == "own"
    assert not a.loc["6", "schedule_conflict"]
    assert a.loc["5", "dependency_source"] == ("item",)


def test_undated_prerequisite_makes_waiting_undated(make_plan):
    plan = make_plan(["A"], gaps=[("A", "8", "2023Q2"), ("A", "13", None), ("A", "2", None)])
    a = _by_code(propagate_deadlines(plan), "A")
    assert pd.isna(a.loc["8", "effective_due"])
    assert a.loc["8", "effective_reason"] == "prerequisite_undated"
    assert a.loc["2", "effective_reason"] == "undated"
    assert not a.loc["8", "schedule_conflict"]  # unknown, not a conflict


def test_done_prerequisite_holds_nothing_up(make_plan):
    plan = make_plan(["A"], gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q4")],
                     completions=[("A", "13", "2023Q1")])
    p = propagate_deadlines(plan)
    assert p["criterion_code"].tolist() == ["8"]
    assert p.loc[0, "effective_due"] == Q("2023Q2")


def test_cycle_is_reported_and_ends(make_plan):
    plan = make_plan(["A"], gaps=[("A", "2", "2023Q1", "5"), ("A", "5", "2023Q3", "2"),
                                  ("A", "6", "2023Q2", "5"), ("A", "14", "2023Q1")])
    a = _by_code(propagate_deadlines(plan), "A")
    assert a.loc["2", "in_cycle"] and a.loc["5", "in_cycle"]
    assert not a.loc["6", "in_cycle"] and not a.loc["14", "in_cycle"]
    assert a.loc["2", "effective_due"] == Q("2023Q3")
    assert a.loc["6", "effective_due"] == Q("2023Q3")


def test_commune_specific_and_unknown_rules(make_plan):
    plan = make_plan(
        ["A", "B"],
        gaps=[("A", "2", "2023Q1"), ("A", "5", "2023Q2"), ("B", "2", "2023Q1"), ("B", "5", "2023Q2")],
        dependencies=[("A", "2", "5", "always", "đường chờ trường", "plan"),
                      ("", "5", "2", "khi_troi_mua", "", "plan")],
    )
    rules = applicable_rules(plan)
    assert rules[["commune", "waiting", "on"]].values.tolist() == [["A", "2", "5"]]
    p = propagate_deadlines(plan)
    assert _by_code(p, "A").loc["2", "effective_due"] == Q("2023Q2")
    assert _by_code(p, "B").loc["2", "effective_due"] == Q("2023Q1")


def test_empty_plan(make_plan):
    p = propagate_deadlines(make_plan(["A"]))
    assert p.empty and "effective_due" in p.columns
