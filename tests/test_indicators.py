"""Indicators against thresholds by commune group (`ntm indicators`, `ntm catalogues`).

The small set `tests/data/catalogues/nhom_thu.yaml` is made for these tests: two groups,
each comparator, a threshold for every commune and one group threshold left out. Expected
values are worked out here from the numbers written in each case.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ntm_analysis import config
from ntm_analysis.analysis.indicators import criterion_contradictions, indicator_status
from ntm_analysis.analysis.quality import quality
from ntm_analysis.cli import main
from ntm_analysis.criteria.catalogue import CatalogueError, load_catalogue
from ntm_analysis.criteria.indicators import missing_thresholds
from ntm_analysis.load.api import plan_from_tables

DATA = Path(__file__).parent / "data" / "catalogues"


@pytest.fixture
def test_set(monkeypatch):
    monkeypatch.setattr(config, "CATALOGUE_DIRS", [*config.CATALOGUE_DIRS, DATA])
    return load_catalogue("nhom_thu")


def _plan(test_set, quantities, gaps=()):
    communes = pd.DataFrame([{"commune": c, "plan_section": "1", "target_level": "nâng cao", "target_year": 2026,
                              "group": g} for c, g in (("A", "Nhóm 1"), ("B", "2"), ("C", ""))])
    q = pd.DataFrame([dict(zip(("commune", "criterion", "indicator", "current_written", "current", "comparator",
                                "target"), r)) for r in quantities])
    items = pd.DataFrame([{"commune": c, "criterion_written": k, "due": "2026Q4"} for c, k in gaps],
                         columns=["commune", "criterion_written", "due"])
    plan, found = plan_from_tables({"communes": communes, "items": items, "quantities": q}, catalogue_id="nhom_thu")
    assert plan is not None, [f.text() for f in found]
    return plan


CASES = [  # commune, criterion, indicator as written, value written, value → met, distance, share, why
    ("A", "Giảm nghèo", "Tỷ lệ hộ nghèo đa chiều", "1,2%", 1.2, False, 0.2, 0.2, ""),   # ≤ 1 for group 1
    ("B", "Giảm nghèo", "Tỷ lệ hộ nghèo", "1,2%", 1.2, True, 0.0, 0.0, ""),            # ≤ 2 for group 2
    ("C", "Giảm nghèo", "Tỷ lệ hộ nghèo", "0,5%", 0.5, None, None, None, "group_unset"),
    ("A", "Môi trường", "Tỷ lệ hộ phân loại rác", "40%", 40.0, False, 10.0, 0.2, ""),  # ≥ 50, every commune
    ("C", "Môi trường", "Tỷ lệ hộ phân loại rác", "55%", 55.0, True, 0.0, 0.0, ""),    # no group needed
    ("A", "Môi trường", "Có điểm tập kết rác", "Đạt", None, True, 0.0, None, ""),
    ("B", "Môi trường", "Có điểm tập kết rác", "chưa đạt", None, False, None, None, ""),
    ("A", "Văn hóa", "Số nhà văn hóa thôn", "4", 4.0, False, 1.0, 0.2, ""),            # = 5 for group 1
    ("B", "Văn hóa", "Số nhà văn hóa thôn", "5", 5.0, None, None, None, "no_threshold"),  # group 2 not given
    ("A", "Môi trường", "Tỷ lệ hộ phân loại rác lần 2", "", None, None, None, None, "no_threshold"),
]


def test_each_comparator_and_the_group_rule(test_set):
    plan = _plan(test_set, [r[:5] + ("", None) for r in CASES])
    got = indicator_status(plan)
    assert len(got) == len(CASES)
    for (commune, _, written, _, _, met, distance, share, why), r in zip(CASES, got.itertuples(index=False)):
        assert (r.commune, r.indicator) == (commune, written)
        assert (None if pd.isna(r.indicator_met) else bool(r.indicator_met)) == met, r
        if distance is not None:
            assert r.distance == pytest.approx(distance), r
        if share is not None:
            assert r.distance_share == pytest.approx(share), r
        assert r.why_unknown == why, r
        if why == "":
            assert r.threshold_source == "catalogue" and r.threshold_note.startswith("Văn bản thử")


def test_a_commune_group_is_read_as_written(test_set):
    plan = _plan(test_set, [])
    assert plan.communes.set_index("commune")["group"].to_dict() == {"A": "1", "B": "2", "C": ""}


def test_missing_thresholds_are_listed(test_set, capsys):
    assert missing_thresholds(test_set.indicators).values.tolist() == [["3.1", "Số nhà văn hóa thôn", "2"]]
    assert main(["catalogues", "--format", "json"]) == 0
    rows = {r["catalogue"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["nhom_thu"]["thresholds_missing"] == 1 and rows["nhom_thu"]["indicators"] == 4
    assert rows["ntm_2026_2030"]["criteria_count"] == 10 and rows["ntm_2026_2030"]["indicators_expected"] == 47
    assert rows["ntm_2026_2030"]["groups"] == "Nhóm 1, Nhóm 2, Nhóm 3"


def test_values_that_contradict_the_plan_are_findings(test_set):
    quantities = [("B", "Môi trường", "Có điểm tập kết rác", "chưa đạt", None, "", None),   # not met, 2 not missing
                  ("B", "Giảm nghèo", "Tỷ lệ hộ nghèo", "1,5%", 1.5, "", None),            # all of 1 met, 1 missing
                  ("A", "Giảm nghèo", "Tỷ lệ hộ nghèo", "1,5%", 1.5, "", None)]            # not met, 1 missing: fine
    plan = _plan(test_set, quantities, gaps=[("B", "Giảm nghèo"), ("A", "Giảm nghèo")])
    c = criterion_contradictions(plan)
    assert sorted(zip(c["commune"], c["criterion_code"], c["kind"])) == [("B", "1", "stated_missing"),
                                                                       ("B", "2", "stated_met")]
    q = quality(plan)
    found = q[q["code"] == "indicator_contradiction"]
    assert sorted(zip(found["commune"], found["criterion_code"])) == [("B", "1"), ("B", "2")]
    assert any("Có điểm tập kết rác" in m and "tiêu chí 2" in m for m in found["message"])


def test_the_embedded_plans_poverty_rate_is_measured_against_its_own_target(capsys):
    wb = load_workbook(config.DEFAULT_WORKBOOK, read_only=True)
    rows = wb["Số liệu"].iter_rows(values_only=True)
    head = list(next(rows))
    rec = next(dict(zip(head, r)) for r in rows if r[0] == "Nguyên Giáp")
    value = float(str(rec["Hiện trạng (nguyên văn)"]).rstrip("%").replace(",", "."))
    target = float(str(rec["Mục tiêu (nguyên văn)"]).strip("≤ %").replace(",", "."))
    assert main(["indicators", "--closest", "--format", "json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [r["commune"] for r in got] == ["Nguyên Giáp"]
    assert got[0]["indicator_met"] is False and got[0]["threshold_source"] == "plan"
    assert got[0]["distance"] == pytest.approx(value - target) and round(value - target, 2) == 0.13
    assert main(["indicators"]) == 0
    table = capsys.readouterr().out
    assert "0,13" in table and "mục tiêu của" in table and "<NA>" not in table


@pytest.mark.parametrize("body, words", [
    ("criteria:\n  - code: '1'\n    name: A\n    indicators:\n      - {code: '1.1', name: B, comparator: '>>'}\n",
     ["dòng 5", "so sánh"]),
    ("groups: [{code: '1'}]\ncriteria:\n  - code: '1'\n    name: A\n    indicators:\n"
     "      - {code: '1.1', name: B, comparator: '≥', thresholds: {'9': 1}}\n", ["dòng 6", "nhóm '9'"]),
    ("criteria:\n  - code: '1'\n    name: A\n    indicators:\n"
     "      - {code: '1.1', name: B, comparator: '≥', thresholds: {all: nhiều}}\n", ["dòng 5", "không phải một số"]),
    ("criteria:\n  - code: '1'\n    name: A\n    indicators:\n      - {code: '1.1', comparator: '≥'}\n",
     ["dòng 5", "'code' và 'name'"]),
])
def test_a_malformed_indicator_is_named_with_its_file_and_line(tmp_path, monkeypatch, capsys, body, words):
    (tmp_path / "hong.yaml").write_text("id: hong\nkind: criteria\ntitle: Hỏng\n" + body, encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_DIRS", [*config.CATALOGUE_DIRS, tmp_path])
    with pytest.raises(CatalogueError) as caught:
        load_catalogue("hong")
    text = str(caught.value).replace("dòng 8", "dòng 5").replace("dòng 9", "dòng 6")  # the 3 header lines
    assert "hong.yaml" in str(caught.value) and all(w in text for w in words), str(caught.value)
    assert main(["catalogues"]) == 1
    err = capsys.readouterr().err
    assert "hong.yaml" in err and "Traceback" not in err


def test_validate_says_which_thresholds_are_missing(test_set, tmp_path, capsys):
    from ntm_analysis.io.workbook import write_workbook

    communes = pd.DataFrame([{"commune": "A", "plan_section": "1", "target_level": "nâng cao", "target_year": 2026,
                              "group": "1"}])
    items = pd.DataFrame([{"commune": "A", "criterion_written": "Giảm nghèo", "due": "2026Q4"}])
    path = write_workbook(tmp_path / "thu.xlsx", {"communes": communes, "items": items},
                          {"district": "Thử", "province": "Thử", "plan_year": 2026, "catalogue": "nhom_thu"})
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "chưa có 1 ngưỡng" in out and "3.1 (nhóm 2)" in out


def test_the_pack_shows_the_measured_indicators(capsys):
    from ntm_analysis import load_plan
    from ntm_analysis.present.plots import indicator_distances
    from ntm_analysis.present.report.briefing import prepare

    b = prepare(load_plan())
    assert "indicators" in b.chart_keys
    judged = b.tables["indicators"]["indicator_met"].notna().sum()
    assert b.findings["indicators"].startswith(f"{judged} chỉ tiêu")
    assert "Nguyên Giáp" in b.findings["indicators"] and "0,13" in b.findings["indicators"]
    ax = indicator_distances(b.tables["indicators"])
    assert len(ax.patches) == judged
    import matplotlib.pyplot as plt

    plt.close(ax.figure)


# ------------------------------------------------------------------ what-if on values
def _scenario(tmp_path, edit: str) -> Path:
    path = tmp_path / "kb.yaml"
    path.write_text(f"name: thử\nedits:\n  - {edit}\n", encoding="utf-8")
    return path


def test_a_value_that_meets_the_threshold_closes_the_criterion_from_its_quarter(tmp_path, capsys):
    from ntm_analysis import load_plan
    from ntm_analysis.analysis import projection

    path = _scenario(tmp_path, "{commune: Nguyên Giáp, indicator: tỷ lệ hộ nghèo, value: '0,95', from: 2023Q3}")
    assert main(["indicators", "--scenario", str(path), "--format", "json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["commune"] == "Nguyên Giáp")
    assert row["value"] == 0.95 and row["indicator_met"] is True
    plan = load_plan()
    others = plan.gaps[(plan.gaps["commune"] == "Nguyên Giáp") & (plan.gaps["criterion_code"] != "11")]
    expected = max([*others["due"], pd.Period("2023Q3", "Q")])  # criterion 11 now done in quý III
    assert main(["projection", "--scenario", str(path), "--format", "json"]) == 0
    got = next(r for r in json.loads(capsys.readouterr().out) if r["commune"] == "Nguyên Giáp")
    before = projection(plan).set_index("commune").loc["Nguyên Giáp", "finish"]
    assert got["finish"] == str(expected) and str(before) != got["finish"]


def test_a_value_still_short_leaves_the_criterion_missing(tmp_path, capsys):
    path = _scenario(tmp_path, "{commune: Nguyên Giáp, indicator: tỷ lệ hộ nghèo, value: 1.05, from: 2023Q3}")
    assert main(["gaps", "--by", "commune", "--scenario", str(path), "--format", "json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["commune"] == "Nguyên Giáp")
    assert "11" in row["missing_codes"]


@pytest.mark.parametrize("edit, words", [
    ("{commune: Nguyên Giáp, indicator: tỷ lệ trẻ em, value: 1}", ["tỷ lệ trẻ em", "Tỷ lệ hộ nghèo"]),
    ("{commune: Nguyên Giáp, value: 1}", ["indicator"]),
    ("{commune: Nguyên Giáp, indicator: tỷ lệ hộ nghèo, value: [1, 2]}", ["value"]),
])
def test_a_value_edit_that_cannot_apply_is_said(tmp_path, capsys, edit, words):
    assert main(["projection", "--scenario", str(_scenario(tmp_path, edit))]) == 1
    err = capsys.readouterr().err
    assert all(w in err for w in words) and "Traceback" not in err


def test_the_template_of_a_set_with_groups_offers_its_groups_and_indicators(test_set, tmp_path, capsys):
    path = tmp_path / "mau.xlsx"
    assert main(["template", str(path), "--catalogue", "nhom_thu"]) == 0
    wb = load_workbook(path)
    lists = {ws.cell(1, c).value: [ws.cell(r, c).value for r in range(2, ws.max_row + 1) if ws.cell(r, c).value]
             for ws in [wb["Danh mục"]] for c in range(1, ws.max_column + 1)}
    assert lists["Nhóm xã"] == ["Nhóm 1", "Nhóm 2"]
    assert lists["Chỉ tiêu"] == ["Tỷ lệ hộ nghèo", "Tỷ lệ hộ phân loại rác", "Có điểm tập kết rác", "Số nhà văn hóa thôn"]
    sheets = {"Xã": "Nhóm xã", "Số liệu": "Chỉ tiêu"}
    for sheet, header in sheets.items():
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(header) + 1
        letter = ws.cell(1, col).column_letter
        assert any(letter in str(dv.sqref) for dv in ws.data_validations.dataValidation), sheet
    plain = tmp_path / "mau_cu.xlsx"
    assert main(["template", str(plain)]) == 0  # a set without groups: no empty drop-down
    ws = load_workbook(plain)["Xã"]
    col = [c.value for c in ws[1]].index("Nhóm xã") + 1
    letter = ws.cell(1, col).column_letter
    assert not any(str(dv.sqref).startswith(letter) for dv in ws.data_validations.dataValidation)


def test_a_template_for_one_group_lists_that_groups_thresholds(test_set, tmp_path, capsys):
    path = tmp_path / "nhom2.xlsx"
    assert main(["template", str(path), "--catalogue", "nhom_thu", "--group", "Nhóm 2"]) == 0
    ws = load_workbook(path)["Ngưỡng nhóm 2"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["1.1"][4:6] == ("≤", 2.0)       # the group's own threshold
    assert rows["2.1"][4:6] == ("≥", 50.0)      # one for every commune
    assert rows["2.2"][5] == "đạt"
    assert rows["3.1"][5].startswith("chưa có")  # not given for group 2
    assert rows["1.1"][6] == "Văn bản thử, mục 2"
    from ntm_analysis.load.api import validate_workbook

    plan, found = validate_workbook(path)  # the reference sheet is not read as plan data
    assert not [f for f in found if f.severity == "error" and "Ngưỡng" in (f.sheet or "")]
    assert main(["template", str(tmp_path / "x.xlsx"), "--catalogue", "nhom_thu", "--group", "9"]) == 2
    assert "1, 2" in capsys.readouterr().err


def test_stated_and_computed_statuses_side_by_side(test_set):
    from ntm_analysis.analysis.indicators import criterion_status

    quantities = [("B", "Giảm nghèo", "Tỷ lệ hộ nghèo", "1,5%", 1.5, "", None),          # met (≤ 2): 1 is met
                  ("A", "Giảm nghèo", "Tỷ lệ hộ nghèo", "1,5%", 1.5, "", None),          # not met (≤ 1)
                  ("A", "Môi trường", "Tỷ lệ hộ phân loại rác", "60%", 60.0, "", None)]  # 2 needs 2.2 too
    plan = _plan(test_set, quantities, gaps=[("B", "Giảm nghèo"), ("A", "Giảm nghèo")])
    got = {(r.commune, r.criterion_code): (r.stated_missing, r.computed, None if pd.isna(r.agrees) else bool(r.agrees))
           for r in criterion_status(plan).itertuples(index=False)}
    assert got == {("B", "1"): (True, "met", False), ("A", "1"): (True, "not_met", True),
                   ("A", "2"): (False, "unknown", None)}
