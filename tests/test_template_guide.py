"""`ntm template`: the workbook opens on instructions in Vietnamese that say what the loader
truly needs, its lists sheet has Vietnamese titles, and a template filled with only the
minimum the instructions name loads and validates."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from ntm_analysis import cli
from ntm_analysis.core.quarters import format_quarter
from ntm_analysis.io.xlsx import Workbook
from ntm_analysis.load.api import load_plan, validate_workbook

GUIDE = "Hướng dẫn"


@pytest.fixture
def template(tmp_path, capsys) -> Path:
    out = tmp_path / "mau_2024.xlsx"
    assert cli.main(["template", str(out), "--district", "Thử", "--year", "2024"]) == 0
    capsys.readouterr()
    return out


def _rows(ws) -> list[tuple]:
    return [tuple(c for c in r) for r in ws.iter_rows(values_only=True)]


def _table(ws, title: str) -> list[tuple]:
    """The rows of the guide's table under the section ``title`` (after its header row)."""
    rows = _rows(ws)
    at = next(i for i, r in enumerate(rows) if r[0] == title)
    head = next(i for i in range(at, len(rows)) if rows[i][0] in ("Trang", "Cách viết"))
    out = []
    for r in rows[head + 1:]:
        if r[1] is None:
            break
        out.append(r)
    return out


def test_the_template_opens_on_instructions_in_vietnamese(template):
    wb = load_workbook(template)
    assert wb.sheetnames[0] == GUIDE and wb.active.title == GUIDE
    text = "\n".join(str(c) for r in _rows(wb[GUIDE]) for c in r if c is not None)
    for words in ("Hướng dẫn điền sổ kế hoạch", "Tối thiểu phải điền", "bắt buộc", "không bắt buộc",
                  "mức phấn đấu", "nâng cao", "kiểu mẫu", "Tình trạng", "chưa có", "đã chọn", "đã chứng nhận",
                  "có, không", "Đạt", "Chưa đạt", "quý II/2023", "2023Q2", "trong năm 2023", "danh sách chọn",
                  "ntm validate mau_2024.xlsx"):
        assert words.lower() in text.lower(), words
    for english in ("sheet", "column", "required", "optional", "drop-down", "deadline", "instructions"):
        assert english not in text.lower(), english


def test_the_guide_names_every_sheet_of_the_workbook(template):
    wb = load_workbook(template)
    listed = [r[0] for r in _table(wb[GUIDE], "1. Các trang của sổ")]
    assert listed == wb.sheetnames
    need = {r[0]: r[2] for r in _table(wb[GUIDE], "1. Các trang của sổ")}
    assert need["Xã"] == "bắt buộc"
    assert "Chi tiết" in need["Ma trận"] and "Ma trận" in need["Chi tiết"]
    assert {need[s] for s in ("Thông tin", "Mốc hồ sơ", "OCOP", "Số liệu", "Phòng ban", "Hoàn thành")} == \
        {"không bắt buộc"}


def test_the_lists_sheet_has_vietnamese_titles(template):
    wb = load_workbook(template)
    ws = wb["Danh mục"]
    titles = [c.value for c in ws[1]]
    assert not {"criteria", "status", "quarters", "levels", "ocop", "requirement", "yesno"} & set(titles)
    assert all(isinstance(v, str) and not v.isascii() for v in titles), titles
    by_title = {ws.cell(1, j).value: [ws.cell(i, j).value for i in range(2, ws.max_row + 1)
                                      if ws.cell(i, j).value is not None] for j in range(1, ws.max_column + 1)}
    assert by_title["Mức phấn đấu"] == ["nâng cao", "kiểu mẫu", "đạt chuẩn"]
    assert by_title["Tình trạng OCOP"] == ["chưa có", "đã chọn", "đã chứng nhận"]
    assert by_title["Quý"][:2] == ["2020Q1", "2020Q2"]
    assert by_title["Có hoặc không"] == ["có", "không"]


def _fill(path: Path, minimum: list[tuple], leave_out: tuple | None = None) -> Path:
    """Fill only the (sheet, column) cells of ``minimum``: two communes, one gap; the
    cell ``leave_out`` stays empty."""
    values = {("Xã", "Xã"): ["An Bình", "Hòa Lạc"], ("Xã", "Mức phấn đấu"): ["nâng cao", "kiểu mẫu"],
              ("Xã", "Năm phấn đấu"): [2024, 2025], ("Chi tiết", "Xã"): ["An Bình"],
              ("Chi tiết", "Tiêu chí (nguyên văn)"): ["Giao thông"]}
    wb = load_workbook(path)
    for sheet, column, *_ in minimum:
        ws = wb[sheet]
        col = [c.value for c in ws[1]].index(column) + 1
        for i, v in enumerate(values[(sheet, column)], start=2):
            if (sheet, column) != leave_out:
                ws.cell(i, col).value = v
    wb.save(path)
    return path


def test_a_template_filled_with_only_the_minimum_loads_and_validates(template, capsys):
    minimum = _table(load_workbook(template)[GUIDE], "2. Tối thiểu phải điền")
    assert {(r[0], r[1]) for r in minimum} == {("Xã", "Xã"), ("Xã", "Mức phấn đấu"), ("Xã", "Năm phấn đấu"),
                                               ("Chi tiết", "Xã"), ("Chi tiết", "Tiêu chí (nguyên văn)")}
    _fill(template, minimum)
    plan, found = validate_workbook(template)
    assert plan is not None and not [f for f in found if f.severity == "error"], [f.text() for f in found]
    assert plan.communes[["commune", "target_level", "target_year"]].values.tolist() == [
        ["An Bình", "nang_cao", 2024], ["Hòa Lạc", "kieu_mau", 2025]]
    assert plan.gaps[["commune", "criterion_code"]].values.tolist() == [["An Bình", "2"]]
    assert cli.main(["validate", str(template)]) == 0
    assert "0 lỗi" in capsys.readouterr().out


@pytest.mark.parametrize("leave_out", [("Xã", "Xã"), ("Xã", "Mức phấn đấu"), ("Xã", "Năm phấn đấu"),
                                       ("Chi tiết", "Xã"), ("Chi tiết", "Tiêu chí (nguyên văn)")])
def test_each_cell_of_the_minimum_is_needed(template, leave_out):
    minimum = _table(load_workbook(template)[GUIDE], "2. Tối thiểu phải điền")
    _fill(template, minimum, leave_out)
    plan, found = validate_workbook(template)
    errors = [(f.sheet, f.column) for f in found if f.severity == "error"]
    assert plan is None and leave_out in errors, errors


def test_the_deadline_forms_of_the_guide_are_read_as_it_says(template):
    forms = _table(load_workbook(template)[GUIDE], "4. Thời hạn")
    assert {"quý II/2023", "2023Q2", "trong năm 2023"} <= {r[0] for r in forms}
    wb = load_workbook(template)
    wb["Xã"].append(["An Bình", None, None, "nâng cao", 2024])
    names = ["Giao thông", "Thủy lợi", "Điện", "Giáo dục", "Văn hóa", "Y tế", "Môi trường", "Nhà ở", "Lao động"]
    assert len(forms) <= len(names)
    for form, name in zip(forms, names):
        wb["Chi tiết"].append([None, "An Bình", None, name, None, None, form[0]])
    wb.save(template)
    plan = load_plan(template)
    got = dict(zip(plan.gaps["due_written"], zip(plan.gaps["due"], plan.gaps["due_source"])))
    for written, read_as, *_ in forms:
        due, source = got[written]
        assert read_as.startswith(format_quarter(due)), (written, read_as, due)
        assert (source == "year-only") == ("suy ra" in read_as), (written, read_as, source)


def test_the_guide_is_not_read_as_plan_data(template):
    assert Workbook(template).may_hold_legacy_text is False  # its text does not look like an old font's
    plan, found = validate_workbook(template)
    assert plan is not None and found == [] and len(plan.communes) == 0
    assert plan.meta["district"] == "Thử"


def test_workbooks_the_package_writes_still_load(tmp_path):
    from ntm_analysis.io.workbook import write_workbook

    communes = pd.DataFrame([{"commune": "An Bình", "plan_section": "2.1", "target_level": "nâng cao",
                              "target_year": 2024}])
    items = pd.DataFrame([{"commune": "An Bình", "criterion_written": "Y tế", "due_written": "quý III/2024"}])
    path = write_workbook(tmp_path / "ke_hoach.xlsx", {"communes": communes, "items": items}, {"plan_year": 2024})
    assert load_workbook(path).sheetnames[0] == GUIDE
    plan = load_plan(path)
    assert plan.gaps[["criterion_code", "due_source"]].values.tolist() == [["14", "item"]]
    assert str(plan.gaps["due"].iloc[0]) == "2024Q3"
