"""Workbooks as analysts receive them: merged headers, section rows, status words,
numbers as text, date serials, formulas, trailing spaces, NFD and legacy fonts."""
import datetime as dt
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from ntm_analysis.io.legacy import unicode_to_tcvn3, unicode_to_vni
from ntm_analysis.load.api import load_plan, validate_workbook

DATA = Path(__file__).parent / "data"


def _messy(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    ws.append(["Mục", "Giá trị"])
    ws.append(["Huyện", "Thử Nghiệm "])
    ws.append(["Năm kế hoạch", "2024"])                       # a number typed as text

    ws = wb.create_sheet("Xã")
    ws.append(["BẢNG TỔNG HỢP CÁC XÃ"])                       # a title above the header
    ws.append([])
    ws.append(["STT", "Tên xã", "Mục kế hoạch", "Mức phấn đấu", "Năm phấn đấu"])
    ws.append(["I", "XÃ PHẤN ĐẤU NÂNG CAO"])                 # a section row
    ws.append([1, "  An Bình  ", "2.1", "Nâng cao", "2024"])
    ws.append([2, unicodedata.normalize("NFD", "Hòa Lạc"), "2.1", "nâng cao", 2024.0])
    ws.append(["II", "XÃ PHẤN ĐẤU KIỂU MẪU"])
    legacy = [3, unicode_to_tcvn3("Mường Khương"), "2.2", unicode_to_tcvn3("kiểu mẫu"), 2024]
    ws.append(legacy)
    for col in (2, 4):
        ws.cell(ws.max_row, col).font = Font(name=".VnTime")
    ws.append([4, unicode_to_vni("Đồng Tâm"), "2.1", unicode_to_vni("nâng cao"), 2024])
    for col in (2, 4):
        ws.cell(ws.max_row, col).font = Font(name="VNI-Times")

    ws = wb.create_sheet("Ma trận")
    # a two-level merged header: "Tiêu chí" over the 19 criteria, "Tên xã" merged down
    ws.append(["STT", "Tên xã", "Tiêu chí NTM nâng cao"] + [None] * 18)
    ws.append([None, None] + [f"{i}. {n}" for i, n in enumerate(
        ["Quy hoạch", "Giao thông", "Thủy lợi và phòng, chống thiên tai", "Điện", "Giáo dục", "Văn hóa",
         "Cơ sở hạ tầng thương mại nông thôn", "Thông tin và Truyền thông", "Nhà ở dân cư", "Thu nhập",
         "Nghèo đa chiều", "Lao động", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Y tế",
         "Hành chính công", "Tiếp cận pháp luật", "Môi trường", "Chất lượng môi trường sống",
         "Quốc phòng và An ninh"], start=1)])
    ws.merge_cells("B1:B2")
    ws.merge_cells("C1:U1")
    ws.append(["I", "Các xã nâng cao"])
    ws.append([1, "An Bình"] + ["x"] * 1 + ["Chưa đạt"] + ["✓"] * 17)
    ws.append([])
    ws.append([2, "Hòa Lạc "] + ["Đạt"] * 12 + ["chưa đạt", "Chưa đạt"] + ["Đạt"] * 5)
    ws.append([3, "Đồng Tâm"] + ["Đạt"] * 19)

    ws = wb.create_sheet("Chi tiết")
    ws.append(["Xã", "Tiêu chí (nguyên văn)", "Thời hạn (nguyên văn)", "Thời hạn (quý)"])
    ws.append(["An Bình", "Giao thông ", None, 45199])                  # 30/09/2023 lost its date format
    ws.append(["Hòa Lạc", "Y tế", "30/06/2024", None])
    ws.append(["Hòa Lạc", "Tổ chức sản xuất", None, dt.datetime(2024, 11, 15)])
    ws.append(["Mường Khương", "Môi trường", "hết năm 2024", None])
    out = path / "messy.xlsx"
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return validate_workbook(_messy(tmp_path_factory.mktemp("messy")))


def test_messy_workbook_loads(messy):
    plan, issues = messy
    assert plan is not None, [i.text() for i in issues if i.severity == "error"]
    assert list(plan.communes["commune"]) == ["An Bình", "Hòa Lạc", "Mường Khương", "Đồng Tâm"]
    assert plan.meta["district"] == "Thử Nghiệm" and plan.meta["plan_year"] == 2024
    levels = dict(zip(plan.communes["commune"], plan.communes["target_level"]))
    assert levels == {"An Bình": "nang_cao", "Hòa Lạc": "nang_cao", "Mường Khương": "kieu_mau",
                      "Đồng Tâm": "nang_cao"}


def test_messy_gaps(messy):
    plan, _ = messy
    got = {(r.commune, r.criterion_code): str(r.due) if pd.notna(r.due) else None for r in plan.gaps.itertuples()}
    assert got == {
        ("An Bình", "2"): "2023Q3",      # Excel serial 45199 = 30/09/2023
        ("Hòa Lạc", "14"): "2024Q2",     # 30/06/2024 written as text
        ("Hòa Lạc", "13"): "2024Q4",     # a real date cell; also "chưa đạt" in the matrix
        ("Mường Khương", "17"): "2024Q4",
    }
    assert all(unicodedata.is_normalized("NFC", c) for c in plan.gaps["commune"])


def test_legacy_cells_are_converted_with_a_warning(messy):
    _, issues = messy
    w = [i for i in issues if i.code == "legacy_encoding"]
    assert w and w[0].sheet == "Xã" and "tcvn3" in w[0].message and "vni" in w[0].message
    assert "B8" in w[0].message


def test_formulas_read_their_cached_values():
    plan = load_plan(DATA / "formulas_cached.xlsx")
    assert plan.meta["plan_year"] == 2024
    assert plan.communes.iloc[0]["target_year"] == 2024
    g = plan.gaps.iloc[0]
    assert (g["criterion_code"], str(g["due"])) == ("2", "2024Q3")


def test_formula_without_cached_value_names_the_cell(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Xã"
    ws.append(["Xã", "Mục kế hoạch", "Mức phấn đấu", "Năm phấn đấu"])
    ws.append(["An Bình", "2.1", "nâng cao", "=2020+4"])  # never calculated: no cached value
    wb.create_sheet("Chi tiết").append(["Xã", "Tiêu chí (nguyên văn)"])
    wb.save(tmp_path / "f.xlsx")
    plan, issues = validate_workbook(tmp_path / "f.xlsx")
    assert plan is None
    e = [i for i in issues if i.severity == "error"][0]
    assert (e.sheet, e.row, e.column) == ("Xã", 2, "Năm phấn đấu")
