"""Malformed workbooks: each gives a clear error naming sheet, row, column and value.

Every case starts from a copy of the embedded workbook and breaks one thing.
"""
import json

import pytest

from ntm_analysis import cli, config
from ntm_analysis.core.errors import PlanError, UserError
from ntm_analysis.load.api import load_plan, validate_workbook
from wbtools import edited_copy, find_row, header_col


def _set(sheet, header, match, value):
    def edit(wb):
        ws = wb[sheet]
        ws.cell(find_row(ws, **match), header_col(ws, header)).value = value
    return edit


def _delete_sheet(name):
    def edit(wb):
        del wb[name]
    return edit


def _delete_column(sheet, header):
    def edit(wb):
        ws = wb[sheet]
        ws.delete_cols(header_col(ws, header))
    return edit


def _duplicate_row(sheet, match):
    def edit(wb):
        ws = wb[sheet]
        row = find_row(ws, **match)
        ws.append([c.value for c in ws[row]])
    return edit


MINH_DUC_Y_TE = {"Xã": "Minh Đức", "Tiêu chí (nguyên văn)": "Y tế"}

# (id, edit, code, sheet, column header, value appearing in the issue, words in the message)
CASES = [
    ("missing_sheet", lambda wb: (_delete_sheet("Chi tiết")(wb), _delete_sheet("Ma trận")(wb)), "missing_sheet",
     "Chi tiết", "", "", "thiếu cả trang"),
    ("missing_communes_sheet", _delete_sheet("Xã"), "missing_sheet", "Xã", "", "", "thiếu trang"),
    ("missing_column", _delete_column("Chi tiết", "Tiêu chí (nguyên văn)"), "missing_column", "Chi tiết",
     "Tiêu chí (nguyên văn)", "", "thiếu cột"),
    ("unknown_criterion",
     lambda wb: (_set("Chi tiết", "Tiêu chí (chuẩn hóa)", MINH_DUC_Y_TE, None)(wb),
                 _set("Chi tiết", "Tiêu chí (nguyên văn)", {"Xã": "Minh Đức", "Tiêu chí (nguyên văn)": "Y tế"},
                      "Môi trường sông nước")(wb)),
     "unknown_criterion", "Chi tiết", "Tiêu chí (nguyên văn)", "Môi trường sông nước", "Môi trường"),
    ("bad_deadline", _set("Chi tiết", "Thời hạn (quý)", MINH_DUC_Y_TE, "quý V/2023"), "bad_deadline",
     "Chi tiết", "Thời hạn (quý)", "quý V/2023", "không đọc được thời hạn"),
    ("bad_written_deadline",
     lambda wb: (_set("Chi tiết", "Thời hạn (quý)", MINH_DUC_Y_TE, None)(wb),
                 _set("Chi tiết", "Thời hạn (nguyên văn)", MINH_DUC_Y_TE, "sớm nhất có thể")(wb)),
     "bad_deadline", "Chi tiết", "Thời hạn (nguyên văn)", "sớm nhất có thể", "không đọc được"),
    ("duplicate_item", _duplicate_row("Chi tiết", MINH_DUC_Y_TE), "duplicate_row", "Chi tiết",
     "Tiêu chí (nguyên văn)", "Y tế", "trùng"),
    ("duplicate_commune", _duplicate_row("Xã", {"Xã": "Văn Tố"}), "duplicate_row", "Xã", "Xã", "Văn Tố", "trùng"),
    ("unknown_commune", _set("Chi tiết", "Xã", MINH_DUC_Y_TE, "Minh Đứk"), "unknown_commune", "Chi tiết", "Xã",
     "Minh Đứk", "Minh Đức"),
    ("unknown_commune_ocop", _set("OCOP", "Xã", {"Xã": "Văn Tố"}, "Văn Tô Mới"), "unknown_commune", "OCOP", "Xã",
     "Văn Tô Mới", "gần nhất"),
    ("bad_level", _set("Xã", "Mức phấn đấu", {"Xã": "Hưng Đạo"}, "xuất sắc"), "bad_value", "Xã", "Mức phấn đấu",
     "xuất sắc", "nâng cao"),
    ("bad_year", _set("Xã", "Năm phấn đấu", {"Xã": "Hưng Đạo"}, "năm sau"), "bad_value", "Xã", "Năm phấn đấu",
     "năm sau", "năm không hợp lệ"),
    ("bad_status", lambda wb: wb["Ma trận"].cell(3, 2, "có lẽ"), "bad_status", "Ma trận", "1. Quy hoạch",
     "có lẽ", "Đạt"),
    ("matrix_contradiction",
     lambda wb: wb["Ma trận"].cell(find_row(wb["Ma trận"], **{"Xã": "Minh Đức"}),
                                  header_col(wb["Ma trận"], "14. Y tế"), "Đạt"),
     "matrix_contradiction", "Ma trận", "14. Y tế", "Đạt", "Chi tiết"),
    ("bad_stars", _set("OCOP", "Số sao mục tiêu", {"Xã": "Văn Tố"}, 7), "bad_value", "OCOP", "Số sao mục tiêu",
     "7", "1 đến 5"),
    ("model_for_advanced", _set("Chi tiết", "Xã", {"Xã": "Tân Kỳ", "Tiêu chí (nguyên văn)": "mô hình Thôn thông minh"},
                                "Hưng Đạo"),
     "model_for_advanced", "Chi tiết", "Tiêu chí (nguyên văn)", "mô hình Thôn thông minh", "kiểu mẫu"),
    ("missing_commune_name", _set("Chi tiết", "Xã", MINH_DUC_Y_TE, None), "missing_value", "Chi tiết", "Xã", "",
     "thiếu tên xã"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_malformed_workbook_gives_clear_error(tmp_path, case, capsys):
    _id, edit, code, sheet, column, value, words = case
    path = edited_copy(tmp_path, edit)
    plan, issues = validate_workbook(path)
    assert plan is None
    errors = [i for i in issues if i.severity == "error"]
    hit = [i for i in errors if i.code == code]
    assert hit, [i.text() for i in errors]
    issue = hit[0]
    assert issue.sheet == sheet and issue.column == column and issue.value == value
    assert words in issue.text()
    if code not in ("missing_sheet",):
        assert issue.row is not None and issue.row >= 1
    assert issue.file == path.name
    # the command line: exit 1, the message on stdout, no traceback
    rc = cli.main(["validate", str(path)])
    out = capsys.readouterr()
    assert rc == 1
    assert "Traceback" not in out.out + out.err and issue.text() in out.out
    with pytest.raises(PlanError):
        load_plan(path)


def test_validate_json_names_every_field(tmp_path, capsys):
    path = edited_copy(tmp_path, _set("Chi tiết", "Thời hạn (quý)", MINH_DUC_Y_TE, "quý V/2023"))
    assert cli.main(["validate", str(path), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    err = next(i for i in report["issues"] if i["severity"] == "error")
    assert {k: err[k] for k in ("sheet", "column", "value", "code")} == {
        "sheet": "Chi tiết", "column": "Thời hạn (quý)", "value": "quý V/2023", "code": "bad_deadline"}
    assert isinstance(err["row"], int) and report["errors"] == 1


@pytest.mark.parametrize("content, words", [
    (b"", "tệp rỗng"),
    (b"xa,tieu chi\nHung Dao,Van hoa\n", "không phải sổ Excel"),
    (b"PK\x03\x04 broken zip", "không"),
])
def test_not_a_workbook(tmp_path, content, words, capsys):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(UserError, match=words):
        validate_workbook(path)
    assert cli.main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_usage_errors_exit_2(tmp_path, capsys):
    assert cli.main(["validate", str(tmp_path / "khong_co.xlsx")]) == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["validate", "--format", "xml"])
    assert exc.value.code == 2
    assert cli.main(["build", "--out", str(config.RAW_DIR)]) == 2
    assert "dữ liệu gốc" in capsys.readouterr().err


def test_warning_for_deadline_written_and_normalised_differently(tmp_path):
    path = edited_copy(tmp_path, _set("Chi tiết", "Thời hạn (quý)", MINH_DUC_Y_TE, "2023Q3"))
    plan, issues = validate_workbook(path)
    assert plan is not None
    w = [i for i in issues if i.code == "deadline_mismatch"]
    assert w and w[0].value == "2023Q3"
    assert str(plan.gaps.set_index(["commune", "criterion_code"]).loc[("Minh Đức", "14"), "due"]) == "2023Q3"


def test_deadline_before_the_plan_year_is_a_warning(tmp_path):
    path = edited_copy(tmp_path, _set("Chi tiết", "Thời hạn (quý)", MINH_DUC_Y_TE, "2022Q2"))
    plan, issues = validate_workbook(path)
    assert plan is not None
    w = [i for i in issues if i.code == "due_before_plan"]
    assert len(w) == 1 and (w[0].sheet, w[0].column, w[0].value) == ("Chi tiết", "Thời hạn (quý)", "2022Q2")
    assert "2023" in w[0].message
