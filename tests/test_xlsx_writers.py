"""The two XlsxWriter writers: the plan layout (``ntm_analysis.io.workbook``) and the briefing
pack's workbook (``ntm_analysis.present.report.xlsx``).

A plan written and read back is the plan the tables make; text stays text even when it
looks like a formula; the drop-down lists point at the right values; the matrix and the
report keep their colours, dates and formats; the writers stay fast on a big plan.
"""
from __future__ import annotations

import datetime as dt
import re
import time

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from ntm_analysis import synthetic  # noqa: E402
from ntm_analysis.criteria.catalogue import Catalogue, load_catalogue  # noqa: E402
from ntm_analysis.i18n import header, t  # noqa: E402
from ntm_analysis.io.workbook import derive_matrix, write_workbook  # noqa: E402
from ntm_analysis.load.api import load_plan, plan_from_tables  # noqa: E402
from ntm_analysis.present import plots, report  # noqa: E402
from ntm_analysis.tables.schema import SHEETS  # noqa: E402

FORMULA_LIKE = ["=SUM(A1:A3)", "+84 Hòa Bình", "-Tân Lập", "@Đông Hưng", "=HYPERLINK(\"http://x.vn\")"]
T1 = dt.datetime(2024, 3, 1, 8, 30, 0)


def _tables(n: int = 40, seed: int = 3):
    """Synthetic tables plus communes whose names look like formulas, each with one gap."""
    tables, meta = synthetic.synthetic_tables(n, seed=seed)
    tables.pop("matrix")  # the writer derives the matrix from the items (what this test checks)
    extra = tables["communes"].iloc[: len(FORMULA_LIKE)].copy()
    extra["commune"] = FORMULA_LIKE
    tables["communes"] = pd.concat([tables["communes"], extra], ignore_index=True)
    tables["items"] = pd.concat([tables["items"], pd.DataFrame({
        "commune": FORMULA_LIKE, "criterion_written": ["Y tế", "Văn hóa", "13", "Giao thông", "Môi trường"],
        "due_written": "quý III/2023", "due": "2023Q3"})], ignore_index=True)
    return tables, meta


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    tables, meta = _tables()
    path = write_workbook(tmp_path_factory.mktemp("wb") / "plan.xlsx", tables, meta)
    return tables, meta, path


@pytest.fixture(scope="module")
def wb(written):
    return load_workbook(written[2])


def _widths(ws) -> dict[str, float]:
    """Column widths by letter (a <col> element may cover several columns)."""
    out = {}
    for dim in ws.column_dimensions.values():
        if dim.customWidth:
            for i in range(dim.min, dim.max + 1):
                out[get_column_letter(i)] = dim.width
    return out


def _list_values(wb, formula: str) -> list:
    """The cells a list validation's range points at."""
    m = re.fullmatch(r"'?(.+?)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula)
    assert m, formula
    sheet, col, first, col2, last = m.groups()
    assert col == col2
    ws = wb[sheet]
    return [ws[f"{col}{r}"].value for r in range(int(first), int(last) + 1)]


def _validations(ws) -> dict[str, object]:
    """Data validations by the header of the column they cover."""
    head = {c.column_letter: c.value for c in ws[1]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        ref = str(dv.sqref)
        m = re.fullmatch(r"([A-Z]+)2:([A-Z]+)(\d+)", ref)
        assert m and m.group(1) == m.group(2), ref
        out[head[m.group(1)]] = dv
    return out


# ------------------------------------------------------------ plan layout: content
def test_written_workbook_reads_back_as_the_tables_plan(written):
    tables, meta, path = written
    from_file = load_plan(path)
    direct, issues = plan_from_tables(tables, meta)
    assert direct is not None, [i.text() for i in issues if i.severity == "error"]
    assert from_file.commune_names == direct.commune_names
    cols = ["commune", "criterion_code", "requirement", "written_as", "due_written", "due", "due_source"]
    a = from_file.gaps[cols].sort_values(["commune", "criterion_code"]).reset_index(drop=True)
    b = direct.gaps[cols].sort_values(["commune", "criterion_code"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b, check_dtype=False)
    for name in ("communes", "milestones", "ocop"):
        x = getattr(from_file, name)
        y = getattr(direct, name)
        shared = [c for c in y.columns if c in x.columns and c not in ("sheet", "row", "source_file")]
        pd.testing.assert_frame_equal(x[shared].reset_index(drop=True), y[shared].reset_index(drop=True),
                                      check_dtype=False, obj=name)
    assert from_file.meta["district"] == meta["district"] and from_file.meta["plan_year"] == meta["plan_year"]


def test_formula_looking_text_stays_text(written, wb):
    tables, _, path = written
    ws = wb["Xã"]
    cells = {c.value: c for c in ws["A"][1:]}
    for name in FORMULA_LIKE:
        assert cells[name].data_type == "s", name
    assert not ws._hyperlinks
    plan = load_plan(path)
    assert set(FORMULA_LIKE) <= set(plan.commune_names)
    got = plan.gaps.loc[plan.gaps["commune"] == "=SUM(A1:A3)", ["criterion_code", "due"]]
    assert got.values.tolist() == [["14", pd.Period("2023Q3", freq="Q-DEC")]]
    details = [c for c in wb["Chi tiết"]["B"][1:] if c.value in FORMULA_LIKE]
    assert len(details) == len(FORMULA_LIKE) and all(c.data_type == "s" for c in details)


def test_periods_are_written_as_quarter_text(tmp_path):
    tables, meta = _tables(5)
    tables["items"]["due"] = [pd.Period("2023Q2", freq="Q-DEC")] * len(tables["items"])
    wb = load_workbook(write_workbook(tmp_path / "p.xlsx", tables, meta))
    ws = wb["Chi tiết"]
    col = [c.value for c in ws[1]].index("Thời hạn (quý)") + 1
    assert {ws.cell(r, col).value for r in range(2, ws.max_row + 1)} == {"2023Q2"}
    assert ws.cell(2, col).data_type == "s"


# ------------------------------------------------------------ plan layout: sheets and styles
def test_sheets_headers_and_hidden_lists(wb):
    assert wb.sheetnames == ["Hướng dẫn"] + [s.name for s in SHEETS.values()] + ["Danh mục"]
    assert wb["Danh mục"].sheet_state == "hidden"
    assert wb.active.title == "Hướng dẫn"  # the workbook opens on its instructions
    for key, sheet in SHEETS.items():
        ws = wb[sheet.name]
        head = [c.value for c in ws[1]]
        assert head[: len(sheet.headers)] == sheet.headers
        for c in ws[1]:
            assert c.font.b and c.fill.fill_type == "solid" and c.fill.fgColor.rgb.endswith("DDEBF7")
            assert c.alignment.wrap_text
        assert ws.freeze_panes == ("B2" if key == "matrix" else "A2")
        last = get_column_letter(len(head))
        assert ws.auto_filter.ref == f"A1:{last}{max(ws.max_row, 2)}"
        widths = _widths(ws)
        for i, column in enumerate(sheet.columns, start=1):
            assert widths[get_column_letter(i)] == column.width, (sheet.name, column.key)


def test_matrix_values_fills_and_widths(written, wb):
    tables, _, _ = written
    ws = wb["Ma trận"]
    cat = load_catalogue()
    head = [c.value for c in ws[1]]
    assert head == ["Xã"] + [cat.label(c) for c in cat.criterion_codes + cat.model_codes]
    assert ws.row_dimensions[1].height == 60
    widths = _widths(ws)
    assert all(widths[get_column_letter(j)] == 12 for j in range(2, len(head) + 1))
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    # "=SUM(A1:A3)" has one item, Y tế (criterion 14); a non-model commune
    row = rows["=SUM(A1:A3)"]
    j14 = head.index("14. Y tế")
    assert row[j14].value == "Chưa đạt" and row[j14].fill.fgColor.rgb.endswith("FFC7CE")
    assert row[1].value == "Đạt" and row[1].fill.fgColor.rgb.endswith("C6EFCE")
    km = head.index("KM3 Mô hình thôn thông minh")
    level = tables["communes"].set_index("commune").loc["=SUM(A1:A3)", "target_level"]
    if level == "nâng cao":
        assert row[km].value == "-" and row[km].fill.fill_type is None
    seen = {c.value for r in rows.values() for c in r[1:]}
    assert seen <= {"Đạt", "Chưa đạt", "-"}
    for r in rows.values():
        for c in r[1:]:
            want = {"Đạt": "C6EFCE", "Chưa đạt": "FFC7CE"}.get(c.value)
            assert (c.fill.fgColor.rgb[-6:] if c.fill.fill_type else None) == want


def test_drop_down_lists(wb):
    cat = load_catalogue()
    criteria = [cat.name(c) for c in cat.criterion_codes + cat.model_codes]
    communes = [c.value for c in wb["Xã"]["A"][1:]]
    expected = {
        "Xã": {"Mức phấn đấu": ["nâng cao", "kiểu mẫu", "đạt chuẩn"]},  # the basic standard too
        "Chi tiết": {"Xã": "communes", "Tiêu chí (chuẩn hóa)": criteria, "Loại": ["tiêu chí", "kiểu mẫu"]},
        "Mốc hồ sơ": {"Xã": "communes", "Áp dụng cho tiêu chí": ["có", "không"]},
        "OCOP": {"Xã": "communes", "Tình trạng": ["chưa có", "đã chọn", "đã chứng nhận"]},
        "Số liệu": {"Xã": "communes", "Tiêu chí": criteria, "So sánh": ["≥", "≤", "=", "đạt"]},  # no indicators here
        "Hoàn thành": {"Xã": "communes", "Tiêu chí": criteria},
        "Ma trận": {"Xã": "communes", **{h: ["Đạt", "Chưa đạt", "-"] for h in [c.value for c in wb["Ma trận"][1]][1:]}},
    }
    quarters = {"Chi tiết": "Thời hạn (quý)", "Mốc hồ sơ": "Thời hạn (quý)"}
    for sheet, wanted in expected.items():
        dvs = _validations(wb[sheet])
        assert set(dvs) == set(wanted) | ({quarters[sheet]} if sheet in quarters else set()), sheet
        for column, values in wanted.items():
            dv = dvs[column]
            assert dv.type == "list" and dv.allow_blank and dv.showErrorMessage
            assert dv.errorTitle == "Giá trị không hợp lệ" and dv.error.startswith("Chọn một giá trị trong danh sách")
            assert str(dv.sqref).endswith("2000")  # template rows covered
            got = _list_values(wb, dv.formula1)
            if values == "communes":
                assert dv.formula1 == "'Xã'!$A$2:$A$2000"
                assert [v for v in got if v is not None] == communes
            else:
                assert got == values, (sheet, column)
        if sheet in quarters:
            got = _list_values(wb, dvs[quarters[sheet]].formula1)
            assert got[0] == "2020Q1" and got[-1] == "2030Q4" and "2023Q2" in got and len(got) == 44
    assert not wb["Thông tin"].data_validations.dataValidation


def test_template_is_empty_but_has_every_list(tmp_path):
    wb = load_workbook(write_workbook(tmp_path / "mau.xlsx", {}, {"district": "Thử", "plan_year": 2024}))
    info = {r[0]: r[1] for r in wb["Thông tin"].iter_rows(min_row=2, values_only=True)}
    assert info["Huyện"] == "Thử" and info["Năm kế hoạch"] == 2024 and info["Bộ tiêu chí"] == "nang_cao_2021_2025"
    for name in ("Xã", "Ma trận", "Chi tiết", "OCOP"):
        ws = wb[name]
        assert ws.max_row == 1
        assert ws.auto_filter.ref.endswith("2")
    assert len(_validations(wb["Ma trận"])) == 1 + 22


def test_template_refuses_raw_data(tmp_path):
    from ntm_analysis import config
    from ntm_analysis.core.errors import UserError

    with pytest.raises(UserError):
        write_workbook(config.RAW_DIR / "mau.xlsx", {}, {})
    assert not (config.RAW_DIR / "mau.xlsx").exists()


# ------------------------------------------------------------ derive_matrix
def test_derive_matrix_matches_each_distinct_name_once(monkeypatch):
    cat = load_catalogue()
    calls = []
    original = Catalogue.match

    def counting(self, written):
        calls.append(written)
        return original(self, written)

    monkeypatch.setattr(Catalogue, "match", counting)
    communes = pd.DataFrame({"commune": [f"X{i}" for i in range(200)] + ["M"],
                             "target_level": ["nâng cao"] * 200 + ["kiểu mẫu"]})
    items = pd.DataFrame({
        "commune": [f"X{i}" for i in range(200) for _ in range(3)] + ["M"],
        "criterion_written": ["Y tế", "tiêu chí 13", "Hành chính công và Tiếp cận pháp luật"] * 200
        + ["Mô hình thôn thông minh"],
        "criterion": [None, None, "Hành chính công;Tiếp cận pháp luật"] * 200 + [None],
    })
    m = derive_matrix(communes, items, cat).set_index("commune")
    assert len(calls) <= 5  # Y tế, 13, the two names of the split row, the model requirement
    label = {c: cat.label(c) for c in cat.codes}
    x = m.loc["X7"]
    assert x[label["14"]] == x[label["13"]] == "Chưa đạt"
    assert x[label[cat.match("Hành chính công").codes[0]]] == "Chưa đạt"
    assert x[label[cat.match("Tiếp cận pháp luật").codes[0]]] == "Chưa đạt"
    assert (x == "Chưa đạt").sum() == 4 and x[label["1"]] == "Đạt"
    assert x[label["KM3"]] == "-"
    assert m.loc["M", label["KM3"]] == "Chưa đạt" and m.loc["M", label["KM2"]] == "Đạt"


# ------------------------------------------------------------ speed
def test_big_plan_writes_in_seconds(tmp_path):
    # cell by cell in openpyxl this grew quadratically (2,000 communes: 31 s); now about 1 s
    start = time.perf_counter()
    synthetic.write_synthetic_workbook(tmp_path / "big.xlsx", 3000)
    assert time.perf_counter() - start < 30


# ------------------------------------------------------------ the briefing workbook
@pytest.fixture(scope="module")
def briefing():
    from snapshot_cases import rich_plan  # a synthetic plan with every status, completions included

    return report.prepare(rich_plan(), as_of="2023-07-01")


@pytest.fixture(scope="module")
def report_wb(tmp_path_factory, briefing):
    path = report.write_workbook(briefing, tmp_path_factory.mktemp("rep") / "bao_cao.xlsx", T1)
    return path, load_workbook(path)


def _mix_with_white(hex_colour: str, amount: float) -> str:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    return "".join(f"{round(v + (255 - v) * amount):02X}" for v in rgb)


def test_report_matrix_colours(report_wb, briefing):
    _, wb = report_wb
    ws = wb["Ma trận"]
    head = [c.value for c in ws[1]]
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    cells = briefing.tables["matrix"]
    qcol = plots.quarter_colours(cells.loc[cells["status"] == "due", "due"])
    plain = {"met": plots.MET_COLOUR, "na": plots.NA_COLOUR, "done": plots.DONE_COLOUR,
             "undated": plots.UNDATED_COLOUR}
    cat = briefing.plan.catalogue
    checked = set()
    for r in cells.itertuples(index=False):
        cell = rows[r.commune][head.index(cat.label(r.criterion_code))]
        if r.status == "due":
            base = qcol[r.due]
            colour = base.lstrip("#").upper() if r.firm else _mix_with_white(base, 0.45)
            checked.add("firm" if r.firm else "inferred")
        else:
            colour = plain[r.status].lstrip("#").upper()
            checked.add(r.status)
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb[-6:] == colour, (r.commune, r.criterion_code)
        assert cell.font.i == (r.status == "due" and not r.firm)
        white = plots.text_colour("#" + colour) == "white"
        assert cell.font.color.rgb[-6:] == ("FFFFFF" if white else "000000")
        assert cell.font.name == "Arial" and cell.font.sz == 10
        assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
    assert {"firm", "inferred", "met", "na", "undated", "done"} <= checked
    for c in ws[1]:
        assert c.font.b and c.fill.fgColor.rgb.endswith("DDEBF7") and c.border.bottom.style == "thin"
    assert ws.row_dimensions[1].height == 90
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(head))}{len(rows) + 1}"


def test_report_dates_percentages_and_booleans(report_wb, briefing):
    _, wb = report_wb
    ws = wb["Dự kiến hoàn thành"]
    head = [c.value for c in ws[1]]
    proj = briefing.tables["projection"]
    for name in ("finish", "recognition"):
        j = head.index(header(name)) + 1
        for i, p in enumerate(proj[name], start=2):
            cell = ws.cell(i, j)
            assert cell.number_format == "DD/MM/YYYY"
            if pd.isna(p):
                assert cell.value is None
            else:  # the quarter's last day
                q_end = {1: (3, 31), 2: (6, 30), 3: (9, 30), 4: (12, 31)}[p.quarter]
                assert cell.value == dt.datetime(p.year, *q_end)
    ws = wb["Theo xã"]
    head = [c.value for c in ws[1]]
    j = head.index(header("share_met")) + 1
    shares = briefing.tables["gaps_by_commune"]["share_met"]
    for i, s in enumerate(shares, start=2):
        assert ws.cell(i, j).number_format == "0%" and ws.cell(i, j).value == pytest.approx(s)
    ws = wb["OCOP"]
    head = [c.value for c in ws[1]]
    j = head.index(header("conflict")) + 1
    assert {ws.cell(i, j).value for i in range(2, ws.max_row + 1)} == {"có", "không"}
    summary = {r[0].value: r[1] for r in wb["Tóm tắt"].iter_rows() if r[0].value}
    as_of = summary[t("report.as_of_label")]
    assert as_of.value == dt.datetime(2023, 7, 1) and as_of.number_format == "DD/MM/YYYY"
    gen = summary[t("report.generated_label")]
    assert gen.value == T1 and gen.number_format == "DD/MM/YYYY HH:MM:SS"


def test_report_properties_and_reproducible_bytes(report_wb, briefing, tmp_path):
    path, wb = report_wb
    p = wb.properties
    assert (p.created, p.modified, p.creator) == (T1, T1, "ntm-analysis")
    assert p.title == t("report.deck_title")
    again = report.write_workbook(briefing, tmp_path / "again.xlsx", T1)
    assert again.read_bytes() == path.read_bytes()


def test_report_text_is_formula_safe(tmp_path):
    tables, meta = _tables(5)
    plan, _ = plan_from_tables(tables, meta)
    b = report.prepare(plan)
    wb = load_workbook(report.write_workbook(b, tmp_path / "r.xlsx", T1))
    for sheet in ("Ma trận", "Theo xã", "Dự kiến hoàn thành"):
        names = [c for c in wb[sheet]["A"][1:] if c.value and c.value.lstrip("'") in FORMULA_LIKE]
        assert len(names) == len(FORMULA_LIKE), sheet
        for c in names:
            assert c.data_type == "s" and c.value.startswith("'"), (sheet, c.value)
