"""The ntm gaps|ocop|workload|projection|quality commands."""
import json

import pandas as pd
import pytest

from ntm_analysis.cli import main
from ntm_analysis.io.workbook import write_workbook
from tabletools import read_table


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def as_json(capsys, *argv):
    code, out, err = run(capsys, *argv, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def test_gaps_columns(capsys):
    rows = as_json(capsys, "gaps", "--by", "criterion")
    assert {"criterion_code", "criterion", "communes", "commune_names"} <= set(rows[0])
    assert rows[0]["criterion_code"] == "13" and rows[0]["communes"] == 9
    rows = as_json(capsys, "gaps", "--by", "commune")
    assert {"commune", "met", "missing"} <= set(rows[0])
    for by in ("department", "section", "unlocks"):
        assert as_json(capsys, "gaps", "--by", by)


def test_ocop_projection_workload_columns(capsys):
    rows = as_json(capsys, "ocop")
    assert {"commune", "ocop_status", "products", "ocop_due", "waiting", "conflict"} <= set(rows[0])
    assert {r["commune"] for r in rows if r["conflict"] is True} == {"Minh Đức", "Quảng Nghiệp"}
    rows = as_json(capsys, "workload", "--by", "quarter")
    assert [r["quarter"] for r in rows] == ["2023Q2", "2023Q3", "2023Q4", "undated"]
    rows = as_json(capsys, "projection")
    assert {"commune", "target_level", "target_year", "finish", "recognition", "status"} <= set(rows[0])
    assert rows[1]["finish"] == "2023Q2"  # Ngọc Kỳ
    rows = as_json(capsys, "projection", "--review-lag", "1")
    assert rows[1]["recognition"] == "2023Q3"
    rows = as_json(capsys, "workload", "--overdue", "--as-of", "2023-07-01")
    assert len(rows) == 9


def test_table_and_csv(capsys):
    code, out, _ = run(capsys, "gaps")
    assert code == 0 and out.splitlines()[0].startswith("Mã tiêu chí")
    code, out, _ = run(capsys, "projection", "--lang", "en")
    lines = out.splitlines()
    assert lines[0].startswith("Assumed: recognition in the quarter")
    assert "Recognition quarter" in read_table(out)[0] and "on track" in out  # headers may wrap
    code, out, _ = run(capsys, "quality", "--format", "csv")
    assert out.splitlines()[0].startswith("severity,code,commune")
    code, out, _ = run(capsys, "ocop", "--totals")
    assert code == 0 and "Việc phải chờ OCOP" in out and "gaps_waiting_on_ocop" not in out


def test_errors(capsys, tmp_path):
    code, _, err = run(capsys, "gaps", "--data", str(tmp_path / "missing.xlsx"))
    assert code != 0 and "missing.xlsx" in err and "Traceback" not in err
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    code, _, err = run(capsys, "projection", "--data", str(bad))
    assert code == 1 and "bad.xlsx" in err
    code, _, err = run(capsys, "workload", "--as-of", "hôm qua")
    assert code == 2 and "--as-of" in err
    code, _, err = run(capsys, "workload", "--overdue")
    assert code == 2 and "--as-of" in err
    code, _, err = run(capsys, "projection", "--review-lag", "-1")
    assert code == 2


def test_scenario_edits_and_parameters(capsys, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: Hưng Đạo chậm\n"
                 "edits:\n  - {commune: Hưng Đạo, criterion: Văn hóa, due: 2024Q1}\n"
                 "parameters: {review_lag: 1}\n", encoding="utf-8")
    rows = {r["commune"]: r for r in as_json(capsys, "projection", "--scenario", str(f))}
    assert rows["Hưng Đạo"]["finish"] == "2024Q1" and rows["Hưng Đạo"]["status"] == "at_risk"
    assert rows["Ngọc Kỳ"]["recognition"] == "2023Q3"      # review_lag 1 from the scenario
    rows = {r["commune"]: r for r in as_json(capsys, "projection", "--scenario", str(f),
                                              "--review-lag", "0")}
    assert rows["Ngọc Kỳ"]["recognition"] == "2023Q2"      # the option wins


def test_on_template_workbooks(capsys, tmp_path):
    empty = tmp_path / "empty.xlsx"
    assert run(capsys, "template", str(empty))[0] == 0
    for cmd in ("gaps", "ocop", "workload", "projection", "quality"):
        assert run(capsys, cmd, "--data", str(empty), "--as-of", "2024-01-01")[0] == 0
    filled = tmp_path / "filled.xlsx"
    communes = pd.DataFrame({"commune": ["An", "Bình"], "plan_section": ["2.1", "2.2"],
                             "target_level": ["nâng cao", "kiểu mẫu"], "target_year": [2024, 2024]})
    items = pd.DataFrame({"commune": ["An", "An", "Bình"],
                          "criterion_written": ["Thông tin truyền thông", "Tổ chức sản xuất", "Giao thông"],
                          "due_written": ["quý I/2024", "quý III/2024", "trong năm 2024"]})
    write_workbook(filled, {"communes": communes, "items": items}, {"district": "X", "plan_year": 2024})
    rows = as_json(capsys, "ocop", "--data", str(filled))
    assert rows[0]["commune"] == "An" and rows[0]["conflict"] is True
    rows = as_json(capsys, "projection", "--data", str(filled))
    # An: 8 waits on 13 (quý III/2024); Bình: Giao thông "trong năm 2024" (2024Q4)
    assert [(r["finish"], r["status"]) for r in rows] == [("2024Q3", "on_track"), ("2024Q4", "on_track")]
