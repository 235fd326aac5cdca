"""Analyses on the embedded 2023 Tứ Kỳ plan, against figures read from the plan text
(data/raw/tu_ky_2023_ke_hoach.txt), counted by hand:

- criterion 13 (Tổ chức sản xuất…) is named for 9 communes: Ngọc Kỳ (1.1b), Quang Trung
  (1.1c), Quang Khải (1.1f), Tân Kỳ (1.2), Nguyên Giáp, Minh Đức, Văn Tố, Phương Kỳ (2.1)
  and Quảng Nghiệp (2.2); criterion 8, written five ways, for 7: Ngọc Kỳ, Dân Chủ,
  Quang Khải, Tân Kỳ, Nguyên Giáp, Minh Đức, Quảng Nghiệp.
- 42 criterion gaps (2+3+4+2+6+3+2+4+5+3+4+4, Dân Chủ's "Hành chính công và Tiếp cận
  pháp luật" being two) and 2 model gaps (thôn thông minh: Tân Kỳ, Quảng Nghiệp).
- Deadlines: quý II/2023 for 9 gaps (Ngọc Kỳ 8, 13; Hưng Đạo 6, 15; Nguyên Giáp 13, 14;
  Minh Đức 8, 14; Văn Tố 13); quý III for 6 (Nguyên Giáp 8; Minh Đức 5, 13; Phương Kỳ 5,
  13; Quảng Nghiệp 8); Q4 for 19, of which 4 written as quý IV (Văn Tố 2, 5; Phương Kỳ
  2; Quảng Nghiệp 13) and 15 as "trong/hết năm 2023"; none for 10 (Quang Khải's 6,
  Minh Đức 19, Quảng Nghiệp 17, 18 and thôn thông minh).
- Minh Đức: criterion 8 due quý II, its OCOP item (13) quý III; Quảng Nghiệp: 8 quý III,
  13 quý IV: both schedule conflicts. Nguyên Giáp's 8 (quý III) is after its 13 (quý II).
"""
import pandas as pd

from ntm_analysis.analysis import (gaps_by_commune, gaps_by_criterion, ocop_summary, ocop_totals,
                                   overdue_gaps, projection, propagate_deadlines, quality,
                                   unlocks, workload)

Q = lambda s: pd.Period(s, freq="Q")  # noqa: E731
OCOP_COMMUNES = ["Ngọc Kỳ", "Quang Trung", "Quang Khải", "Tân Kỳ", "Nguyên Giáp", "Minh Đức",
                 "Văn Tố", "Phương Kỳ", "Quảng Nghiệp"]


def test_criterion_13_blocks_nine(embedded_plan):
    df = gaps_by_criterion(embedded_plan).set_index("criterion_code")
    assert df.index[0] == "13"
    assert df.loc["13", "communes"] == 9
    assert list(df.loc["13", "commune_names"]) == OCOP_COMMUNES
    assert df.loc["8", "communes"] == 7
    assert df.loc["5", "communes"] == 5 and df.loc["14", "communes"] == 5
    assert df.loc["KM3", "communes"] == 2
    assert df.loc[df["requirement"] == "criterion", "communes"].sum() == 42


def test_per_commune(embedded_plan):
    df = gaps_by_commune(embedded_plan).set_index("commune")
    assert df.loc["Quang Phục", "missing"] == 0 and df.loc["Quang Phục", "met"] == 19
    assert df.loc["Quang Khải", "missing"] == 6
    assert df.loc["Hưng Đạo", "met"] == 17            # "Đạt 17/19 tiêu chí"
    assert df.loc["Minh Đức", "met"] == 14            # "Đạt 14/19 tiêu chí"
    assert df.loc["Dân Chủ", "missing"] == 4          # "3 tiêu chí", one naming two criteria
    assert df.loc["Quảng Nghiệp", "model_missing"] == 1
    # every commune with gaps has at least two: no single criterion finishes one
    assert unlocks(embedded_plan)["unlocks"].sum() == 0


def test_ocop_conflicts_and_propagation(embedded_plan):
    s = ocop_summary(embedded_plan).set_index("commune")
    assert sorted(s.index[s["conflict"]]) == ["Minh Đức", "Quảng Nghiệp"]
    assert s.loc["Minh Đức", "ocop_due"] == Q("2023Q3") and s.loc["Minh Đức", "waiting"] == ("8",)
    assert s.loc["Minh Đức", "ocop_status"] == "chua_co"      # "chưa lựa chọn được sản phẩm"
    assert s.loc["Văn Tố", "ocop_status"] == "da_chon"        # "đã lựa chọn sản phẩm Dưa chuột"
    assert "Dưa chuột" in s.loc["Văn Tố", "products"]
    assert s.loc["Dân Chủ", "waiting"] == ()                  # no 13 gap: its 8 waits on nothing
    p = propagate_deadlines(embedded_plan).set_index(["commune", "criterion_code"])
    assert p.loc[("Minh Đức", "8"), "effective_due"] == Q("2023Q3")
    assert p.loc[("Quảng Nghiệp", "8"), "effective_due"] == Q("2023Q4")
    assert p.loc[("Nguyên Giáp", "8"), "effective_due"] == Q("2023Q3")
    assert not p.loc[("Nguyên Giáp", "8"), "schedule_conflict"]
    assert p.loc[("Quang Khải", "8"), "effective_reason"] == "undated"
    t = ocop_totals(embedded_plan).set_index("measure")["value"]
    # 8 waits on 13 where both are listed: Ngọc Kỳ, Quang Khải, Tân Kỳ, Nguyên Giáp, Minh Đức, Quảng Nghiệp
    assert t["gaps_waiting_on_ocop"] == 6 and t["ocop_gaps"] == 9 and t["schedule_conflicts"] == 2


def test_workload_by_quarter(embedded_plan):
    df = workload(embedded_plan).assign(quarter=lambda d: d["quarter"].map(str)).set_index("quarter")
    assert df["items"].to_dict() == {"2023Q2": 9, "2023Q3": 6, "2023Q4": 19, "NaT": 10}
    assert df["model"].to_dict() == {"2023Q2": 0, "2023Q3": 0, "2023Q4": 1, "NaT": 1}  # Tân Kỳ, Quảng Nghiệp KM3
    assert df.loc["2023Q4", "firm"] == 4 and df.loc["2023Q4", "inferred"] == 15
    late = overdue_gaps(embedded_plan, "2023-07-01")
    assert len(late) == 9 and set(late["due"].astype(str)) == {"2023Q2"}


def test_projection(embedded_plan):
    p = projection(embedded_plan).set_index("commune")
    assert p.loc["Quang Phục", "status"] == "ready"
    assert sorted(p.index[p["status"] == "unscheduled"]) == ["Minh Đức", "Quang Khải", "Quảng Nghiệp"]
    assert p.loc["Minh Đức", "finish"] == Q("2023Q3")       # latest known; 19 has no deadline
    assert p.loc["Quảng Nghiệp", "finish"] == Q("2023Q4")
    assert p.loc["Ngọc Kỳ", "finish"] == Q("2023Q2") and p.loc["Hưng Đạo", "finish"] == Q("2023Q2")
    assert (p["status"] == "on_track").sum() == 9
    assert (p["target_year"] == 2023).all()
    assert p.loc["Tân Kỳ", "slip_years"] == 1               # aimed at 2022 ("năm 2022")
    assert p.loc["Hưng Đạo", "slip_years"] == 0
    lag = projection(embedded_plan, review_lag=1).set_index("commune")
    # finishing in 2023Q4 and recognised a quarter later falls in 2024
    assert sorted(lag.index[lag["status"] == "at_risk"]) == sorted(
        ["Quang Trung", "Dân Chủ", "Đại Hợp", "Tân Kỳ", "Nguyên Giáp", "Văn Tố", "Phương Kỳ"])


def test_quality(embedded_plan):
    q = quality(embedded_plan)
    by = lambda code: sorted(q.loc[q["code"] == code, "commune"])  # noqa: E731
    assert by("schedule_conflict") == ["Minh Đức", "Quảng Nghiệp"]
    assert by("no_deadline") == ["Quang Khải"]
    # no OCOP product but no criterion 8 listed
    assert by("no_ocop_no_waiting_gap") == ["Phương Kỳ", "Quang Trung", "Văn Tố"]
    assert by("model_missing_advanced") == ["Quảng Nghiệp", "Tân Kỳ"]
    assert "Văn Tố" in by("no_slack") and "Hưng Đạo" not in by("no_slack")
    conflict = q.loc[(q["code"] == "schedule_conflict") & (q["commune"] == "Minh Đức")].iloc[0]
    assert "sản phẩm OCOP" in conflict["written_as"]       # the plan's own words
