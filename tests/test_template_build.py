"""`ntm template` round trip, `ntm build` outputs, and the packaging files agree."""
import re
import tomllib

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

from ntm_analysis import cli, config, load_plan
from ntm_analysis.io.pack import record_name
from ntm_analysis.io.processed import GAPS_CSV, PACK
from wbtools import header_col


def _fill_template(path):
    wb = load_workbook(path)
    ws = wb["Xã"]
    for row in (["An Bình", "2.1", "Xã NTM nâng cao 2024", "nâng cao", 2024],
                ["Hòa Lạc", "2.2", "Xã NTM kiểu mẫu 2024", "kiểu mẫu", 2024, 2023]):
        ws.append(row)
    ws = wb["Chi tiết"]
    ws.append([1, "An Bình", "tiêu chí", "Giao thông", "Giao thông", "Còn 2 km đường trục xã", "quý III/2024", "2024Q3"])
    ws.append([2, "An Bình", "tiêu chí", "Thông tin và Truyền thông", "Thông tin và Truyền thông", "", "", "", "13"])
    ws.append([3, "An Bình", "tiêu chí", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "", "",
               "quý II/2024", "2024Q2"])
    ws.append([4, "Hòa Lạc", "kiểu mẫu", "Mô hình thôn thông minh", "Mô hình thôn thông minh", "", "", ""])
    ws = wb["Mốc hồ sơ"]
    ws.append(["An Bình", "Hoàn thiện hồ sơ", "Hoàn thiện hồ sơ trong năm 2024", "trong năm 2024", "2024Q4", "có"])
    ws = wb["Ma trận"]
    ws.append(["An Bình"] + ["Đạt"] * 19 + ["-"] * 3)
    m = ["Đạt"] * 19 + ["Đạt", "Chưa đạt", "Đạt"]
    m[header_col(ws, "17. Môi trường") - 2] = "Chưa đạt"  # a gap given only in the matrix
    ws.append(["Hòa Lạc"] + m)
    for col in ("2. Giao thông", "8. Thông tin và Truyền thông",
                "13. Tổ chức sản xuất và phát triển kinh tế nông thôn"):
        ws.cell(2, header_col(ws, col)).value = "Chưa đạt"
    ws = wb["OCOP"]
    ws.append(["An Bình", "Gạo nếp cái hoa vàng", "đã chọn", 3, "chọn gạo nếp làm OCOP 3 sao"])
    wb.save(path)


def test_template_round_trip(tmp_path, capsys):
    out = tmp_path / "mau_2024.xlsx"
    assert cli.main(["template", str(out), "--district", "Thử", "--year", "2024"]) == 0
    wb = load_workbook(out)
    assert wb.sheetnames[:5] == ["Hướng dẫn", "Thông tin", "Xã", "Ma trận", "Chi tiết"]
    assert wb["Danh mục"].sheet_state == "hidden"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["Chi tiết"].data_validations.dataValidation}
    assert any("Xã" in f for f in lists.values())          # communes
    assert any("Danh mục" in f for f in lists.values())    # criteria, quarters
    assert wb["Ma trận"].data_validations.dataValidation    # status
    assert wb["Ma trận"].cell(1, 20).value == "19. Quốc phòng và An ninh"

    _fill_template(out)
    plan = load_plan(out)
    assert plan.meta["district"] == "Thử" and plan.meta["plan_year"] == 2024
    got = {(r.commune, r.criterion_code): (str(r.due) if pd.notna(r.due) else None, r.due_source)
           for r in plan.gaps.itertuples()}
    assert got == {
        ("An Bình", "2"): ("2024Q3", "item"),
        ("An Bình", "8"): ("2024Q4", "year-only"),    # no own deadline: the dossier's "trong năm 2024"
        ("An Bình", "13"): ("2024Q2", "item"),
        ("Hòa Lạc", "17"): (None, "none"),            # from the matrix only
        ("Hòa Lạc", "KM3"): (None, "none"),
    }
    deps = plan.dependencies[plan.dependencies["source"] == "plan"]
    assert deps[["commune", "waiting", "on"]].values.tolist() == [["An Bình", "8", "13"]]
    assert plan.ocop.iloc[0]["target_stars"] == 3


def test_template_refuses_other_suffix(tmp_path, capsys):
    assert cli.main(["template", str(tmp_path / "mau.csv")]) == 2
    assert "xlsx" in capsys.readouterr().err


def test_build_writes_tidy_tables(tmp_path, capsys):
    assert cli.main(["build", "--out", str(tmp_path)]) == 0
    gaps = pd.read_csv(tmp_path / "gaps.csv", dtype=str, keep_default_na=False)
    assert list(gaps.columns) == GAPS_CSV
    plan = load_plan()
    assert len(gaps) == len(plan.gaps)
    row = gaps[(gaps["commune"] == "Nguyên Giáp") & (gaps["criterion_code"] == "11")].iloc[0]
    assert (row["due_written"], row["due"], row["due_source"]) == ("hết năm 2023", "2023Q4", "year-only")
    assert set(gaps["due"]) >= {"", "2023Q2"}
    communes = pd.read_csv(tmp_path / "communes.csv", dtype=str, keep_default_na=False)
    assert {"commune", "plan_section", "target_level", "target_year", "stated_met", "stated_missing",
            "listed_missing"} <= set(communes.columns)
    dc = communes.set_index("commune").loc["Dân Chủ"]
    assert (dc["stated_missing"], dc["listed_missing"]) == ("3", "4")
    assert [p.name for p in tmp_path.glob(".*")] == [record_name(PACK)]  # the pack's record, no temporary file


def _names(reqs):
    return {re.split(r"[<>=!~\[ ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


def test_environment_yml_agrees_with_pyproject():
    py = tomllib.loads((config.ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(py["dependencies"]) | _names(py["optional-dependencies"]["test"])
    env = yaml.safe_load((config.ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip |= _names(dep["pip"])
        else:
            conda |= _names([dep])
    assert wanted == (conda | pip) - {"python", "pip"}


def test_readme_commands_are_the_makefile_and_ci_ones():
    readme = (config.ROOT / "README.md").read_text()
    ci = (config.ROOT / ".ci" / "run").read_text()
    assert "make run" in readme and "make test" in readme and "make test" in ci
