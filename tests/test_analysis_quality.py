"""Data-quality findings on a hand-made plan."""
from ntm_analysis.analysis import quality
from ntm_analysis.core.findings import Finding


def _plan(make_plan):
    return make_plan(
        ["A", "B", "C", {"commune": "E", "target_level": "kieu_mau"}],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q4"),
              ("B", "13", "2023Q2"),
              ("C", "5", None), ("C", "14", None),
              ("E", "2", "2023Q2"), ("E", "3", None), ("E", "KM3", "2023Q3")],
        dependencies=[("", "8", "13", "no_ocop_product", "không có gì để quảng bá", "catalogue"),
                      ("", "2", "5", "bogus", "", "plan")],
        warnings=(Finding("warning", "count_mismatch", params={"commune": "C", "stated": 3, "listed": 2},
                          sheet="Xã", row=3, column="Số tiêu chí", value="3", commune="C"),),
    )


def test_findings(make_plan):
    q = quality(_plan(make_plan))
    got = {(r["code"], r["commune"], r["criterion_code"]) for r in q.to_dict("records")}
    assert ("schedule_conflict", "A", "8") in got
    assert ("no_slack", "A", "8, 13") in got            # last gap due 2023Q4, target 2023
    assert ("no_ocop_no_waiting_gap", "B", "8") in got
    assert ("no_deadline", "C", "") in got
    assert ("model_missing_advanced", "E", "2, 3") in got
    assert ("undated_gap", "E", "3") in got
    assert ("unknown_condition", "", "2") in got
    assert ("count_mismatch", "C", "") in got            # the loader's warning, about commune C
    assert not any(c == "no_slack" and m == "E" for c, m, _ in got)  # unscheduled
    assert q["severity"].tolist() == sorted(q["severity"], key=["error", "warning", "info"].index)
    conflict = q.loc[q["code"] == "schedule_conflict"].iloc[0]
    assert "quý II/2023" in conflict["message"] and conflict["sheet"] == "Chi tiết"


def test_clean_plan_has_no_findings(make_plan):
    plan = make_plan(["A"], gaps=[("A", "5", "2023Q2"), ("A", "14", "2023Q3")])
    assert quality(plan).empty
