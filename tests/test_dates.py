"""Dates and deadlines as Vietnamese analysts write them.

Dates are day first ("02/10/2023" is 2 October 2023, as every Vietnamese document
writes it); what cannot be read for sure is refused with a message naming the value.
Deadlines: half years ("6 tháng đầu năm 2024" → quý II, inferred), months ("tháng
6/2024" → quý II, stated), Excel date cells in any deadline column, and "năm nay"
(the plan's year).

Expected values are worked out from the meaning of the words: the embedded plan's
overdue gaps on 2 October 2023 are counted from its own sheets (read with openpyxl),
not from the code under test.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from ntm_analysis import config, load_plan
from ntm_analysis.analysis import matrix_cells, quality, workload
from ntm_analysis.analysis.run import analyse
from ntm_analysis.cli import main
from ntm_analysis.core.dates import DateError, parse_date
from ntm_analysis.core.quarters import DeadlineError, as_of_quarter, parse_deadline
from ntm_analysis.core.vocab import DueSource
from ntm_analysis.extract.patterns import find_deadlines
from ntm_analysis.load.api import validate_workbook
from ntm_analysis.scenario.model import scenario_from_dict, scenario_parameters
from wbtools import edited_copy, find_row, header_col

OCT_2 = pd.Timestamp(2023, 10, 2)
ITEMS, MILESTONES, COMPLETIONS, INFO, COMMUNES = "Chi tiết", "Mốc hồ sơ", "Hoàn thành", "Thông tin", "Xã"
WRITTEN, NORM = "Thời hạn (nguyên văn)", "Thời hạn (quý)"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def plan():
    return load_plan()


# ------------------------------------------------------------------ the date reader
@pytest.mark.parametrize("text", [
    "02/10/2023", "2/10/2023", "02-10-2023", "2.10.2023", " 02/10/2023 ", "ngày 02/10/2023",
    "ngày 2 tháng 10 năm 2023", "Ngày 02 tháng 10 năm 2023", "ngày 2 tháng 10, năm 2023", "2023-10-02",
])
def test_dates_are_read_day_first(text):
    assert parse_date(text) == OCT_2


def test_a_day_past_twelve_is_still_the_day():
    assert parse_date("25/10/2023") == pd.Timestamp(2023, 10, 25)
    assert parse_date("29/02/2024") == pd.Timestamp(2024, 2, 29)  # a leap year


@pytest.mark.parametrize("value", [dt.date(2023, 10, 2), dt.datetime(2023, 10, 2), pd.Timestamp("2023-10-02"),
                                   np.datetime64("2023-10-02")])
def test_date_objects_pass_through(value):
    assert parse_date(value) == OCT_2


@pytest.mark.parametrize("value", [None, "", "   ", pd.NaT])
def test_no_value_is_no_date(value):
    assert parse_date(value) is None


@pytest.mark.parametrize("text, key, vi, en", [
    ("2/10/23", "date_two_digit_year", "hai chữ số", "two digits"),
    ("02.10.23", "date_two_digit_year", "hai chữ số", "two digits"),
    ("31/02/2023", "date_no_day", "không có ngày 31", "has no day 31"),
    ("29/02/2023", "date_no_day", "không có ngày 29", "has no day 29"),
    ("10/25/2023", "date_no_month", "không có tháng 25", "no month 25"),  # refused, never swapped
    ("10/2023", "date_month_only", "cần cả ngày", "a day is needed"),
    ("tháng 10/2023", "date_month_only", "cần cả ngày", "a day is needed"),
    ("tháng 10 năm 2023", "date_month_only", "cần cả ngày", "a day is needed"),
    ("2023", "date_year_only", "chỉ có năm", "only a year"),
    ("2/10", "date_no_year", "thiếu năm", "year is missing"),
    ("02/10/1999", "date_year_range", "ngoài phạm vi", "outside the supported years"),
    ("hôm qua", "date_forms", "ngày viết trước tháng", "the day comes before the month"),
    ("2023Q4", "date_forms", "dạng đọc được", "forms read"),
])
def test_what_cannot_be_read_for_sure_is_refused(text, key, vi, en):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    exc = caught.value
    assert exc.key == key
    assert f"'{text.strip()}'" in str(exc) and vi in str(exc)
    assert f"'{text.strip()}'" in exc.text("en") and en in exc.text("en")


def test_as_of_quarter_reads_day_first(plan):
    assert as_of_quarter("02/10/2023") == pd.Period("2023Q4", "Q")  # 2 October, not 10 February
    assert as_of_quarter("10/02/2023") == pd.Period("2023Q1", "Q")
    assert as_of_quarter(pd.Period("2023Q3", "Q")) == pd.Period("2023Q3", "Q")
    assert analyse(plan, "ngày 2 tháng 10 năm 2023").as_of == pd.Period("2023Q4", "Q")
    with pytest.raises(DateError):
        as_of_quarter("10/25/2023")


# ------------------------------------------------------------------ the embedded plan, 2 October 2023
def _plan_overdue(before: str) -> set[tuple[str, str]]:
    """(commune, criterion) of the embedded plan's gaps due before the quarter ``before``
    and not completed, read from the workbook's sheets with openpyxl: an item's own
    quarter, else the latest milestone of its commune that applies to items; the matrix's
    'Chưa đạt' cells that the detail sheet does not list have no quarter of their own."""
    wb = load_workbook(config.DEFAULT_WORKBOOK, read_only=True)

    def rows(sheet: str) -> list[dict]:
        header, *body = wb[sheet].iter_rows(values_only=True)
        return [dict(zip(header, r)) for r in body if any(v is not None for v in r)]

    commune_due: dict[str, str] = {}
    for m in rows(MILESTONES):
        if m["Thời hạn (quý)"] and m["Áp dụng cho tiêu chí"] == "có":
            commune_due[m["Xã"]] = max(commune_due.get(m["Xã"], ""), m["Thời hạn (quý)"])
    due: dict[tuple[str, str], str] = {}
    for item in rows(ITEMS):
        for name in item["Tiêu chí (chuẩn hóa)"].split(";"):
            due[(item["Xã"], name.strip())] = item["Thời hạn (quý)"] or commune_due.get(item["Xã"], "")
    for line in rows("Ma trận"):
        for header, status in line.items():
            name = header.split(" ", 1)[1] if header != "Xã" else ""
            if status == "Chưa đạt":
                due.setdefault((line["Xã"], name), commune_due.get(line["Xã"], ""))
    done = {(c["Xã"], c["Tiêu chí"]) for c in rows(COMPLETIONS)}
    return {gap for gap, q in due.items() if q and q < before and gap not in done}


def _overdue_rows(capsys, *argv) -> set[tuple[str, str]]:
    code, out, err = run(capsys, "workload", "--overdue", "--format", "json", *argv)
    assert code == 0, err
    return {(r["commune"], r["criterion"]) for r in json.loads(out)}


def test_overdue_on_2_october_2023_written_day_first(capsys):
    expected = _plan_overdue("2023Q4")
    assert len(expected) == 15  # as the author counted
    assert _overdue_rows(capsys, "--as-of", "02/10/2023") == expected
    assert _overdue_rows(capsys, "--as-of", "ngày 2 tháng 10 năm 2023") == expected
    assert _overdue_rows(capsys, "--as-of", "2023-10-02") == expected
    # 10 February 2023 (quý I): nothing is due before it
    assert _plan_overdue("2023Q1") == set() and _overdue_rows(capsys, "--as-of", "10/02/2023") == set()


@pytest.mark.parametrize("argv", [["gaps", "--by", "commune"], ["projection"], ["quality"], ["ocop"],
                                  ["workload", "--by", "department"]])
def test_every_command_reads_the_same_day_in_every_form(capsys, argv):
    outputs = {text: run(capsys, *argv, "--format", "json", "--as-of", text)
               for text in ("02/10/2023", "2.10.2023", "ngày 2 tháng 10 năm 2023", "2023-10-02")}
    assert {code for code, _, _ in outputs.values()} == {0}
    assert len({out for _, out, _ in outputs.values()}) == 1


def _cli_commands(tmp: Path) -> list[list]:
    scenario = config.SCENARIOS_DIR / "ocop_minh_duc_cham_mot_quy.yaml"
    return [["workload", "--overdue"], ["gaps"], ["ocop"], ["projection"], ["quality"],
            ["scenario", scenario], ["report", "--out", tmp / "reports"]]


@pytest.mark.parametrize("text, words", [
    ("2/10/23", "hai chữ số"), ("31/02/2023", "không có ngày 31"), ("10/25/2023", "không có tháng 25"),
    ("10/2023", "cần cả ngày"), ("hôm qua", "dạng đọc được"),
])
def test_the_command_line_refuses_dates_it_cannot_read_for_sure(capsys, tmp_path, text, words):
    for argv in _cli_commands(tmp_path):
        code, out, err = run(capsys, *argv, "--as-of", text)
        assert code == 2, (argv, err)
        assert f"--as-of '{text}'" in err and words in err, (argv, err)
        assert "Traceback" not in err and out == ""
    assert not (tmp_path / "reports").exists()


def test_the_command_refuses_a_two_digit_year_as_a_process():
    """As a user runs it: a message and exit 2, no traceback."""
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", "import sys; from ntm_analysis.cli import main; sys.exit(main())",
                           "workload", "--overdue", "--as-of", "2/10/23"], capture_output=True, text=True,
                          cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--as-of '2/10/23': không phải ngày" in done.stderr and "hai chữ số" in done.stderr


# ------------------------------------------------------------------ scenario files
def test_a_scenario_as_of_is_read_day_first(capsys, tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("name: Thử\nparameters: {as_of: 02/10/2023}\n", encoding="utf-8")
    assert _overdue_rows(capsys, "--scenario", f) == _plan_overdue("2023Q4")
    params = scenario_parameters(scenario_from_dict({"edits": [{"as_of": "ngày 2 tháng 10 năm 2023"}]}))
    assert params["as_of"] == OCT_2


@pytest.mark.parametrize("text, where", [
    ("name: Thử\nparameters: {as_of: 2/10/23}\n", "parameters"),
    ("name: Thử\nedits:\n- {as_of: 10/25/2023}\n", "thay đổi số 1 (dòng 3)"),
])
def test_a_scenario_date_it_cannot_read_is_a_data_error(capsys, tmp_path, text, where):
    f = tmp_path / "kich_ban.yaml"
    f.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "projection", "--scenario", f)
    assert code == 1 and "kich_ban.yaml" in err and where in err and "as_of '" in err
    assert "không phải ngày" in err and "Traceback" not in err


# ------------------------------------------------------------------ briefing, widget, compare
def test_the_briefing_widget_and_comparison_read_day_first(plan):
    from ntm_analysis.analysis import projection
    from ntm_analysis.present.report.briefing import prepare
    from ntm_analysis.present.widget import WhatIf
    from ntm_analysis.scenario.compare import run_scenario

    assert prepare(plan, as_of="02/10/2023").as_of == OCT_2
    result = run_scenario(plan, scenario_from_dict({"name": "x"}), as_of="02/10/2023")
    assert result["baseline_params"]["as_of"] == OCT_2
    app = WhatIf(plan, chart=False, as_of="02/10/2023")
    pd.testing.assert_frame_equal(app.baseline, projection(plan, as_of="2023-10-02"))
    for call in (lambda: prepare(plan, as_of="2/10/23"), lambda: run_scenario(plan, scenario_from_dict({}),
                                                                              as_of="10/25/2023")):
        with pytest.raises(DateError):
            call()


# ------------------------------------------------------------------ deadline forms
@pytest.mark.parametrize("text, quarter, inferred", [
    ("6 tháng đầu năm 2024", "2024Q2", DueSource.HALF_YEAR),
    ("Phấn đấu hoàn thành trong 6 tháng đầu năm 2024", "2024Q2", DueSource.HALF_YEAR),
    ("sáu tháng đầu năm 2024", "2024Q2", DueSource.HALF_YEAR),
    ("6 tháng cuối năm 2024", "2024Q4", DueSource.HALF_YEAR),
    ("tháng 6/2024", "2024Q2", None),
    ("tháng 6 năm 2024", "2024Q2", None),
    ("6/2024", "2024Q2", None),
    ("06/2024", "2024Q2", None),
    ("cuối tháng 06-2024", "2024Q2", None),
    ("tháng 7/2024", "2024Q3", None),
    ("1/2024", "2024Q1", None),
    ("tháng 12/2024", "2024Q4", None),
    ("30/09/2024", "2024Q3", None),
    ("2024-09-30", "2024Q3", None),  # the date of a cell typed as ISO text
    ("trước ngày 1/10/2024", "2024Q4", None),
    ("ngày 30 tháng 9 năm 2024", "2024Q3", None),
    ("trong năm 2024", "2024Q4", DueSource.YEAR_ONLY),
])
def test_deadline_forms(text, quarter, inferred):
    d = parse_deadline(text)
    assert (str(d.quarter), d.inferred, d.written) == (quarter, inferred, text)
    assert d.year_only is (inferred == DueSource.YEAR_ONLY)


def test_an_inferred_deadline_says_why():
    first, last = parse_deadline("6 tháng đầu năm 2024"), parse_deadline("6 tháng cuối năm 2024")
    assert "6 tháng" in first.reason() and "Q2 or Q4" in last.reason("en")
    assert parse_deadline("tháng 6/2024").reason() == "" and "năm" in parse_deadline("trong năm 2024").reason()
    assert DueSource.HALF_YEAR not in DueSource.firm() and DueSource.HALF_YEAR in DueSource.inferred()


@pytest.mark.parametrize("value", [dt.date(2024, 9, 30), dt.datetime(2024, 9, 30, 0, 0), pd.Timestamp("2024-09-30")])
def test_a_date_cell_is_the_quarter_of_its_day(value):
    d = parse_deadline(value)
    assert (str(d.quarter), d.inferred, d.written) == ("2024Q3", None, "30/09/2024")


@pytest.mark.parametrize("text, quarter, inferred", [
    ("năm nay", "2023Q4", DueSource.YEAR_ONLY),
    ("cuối năm nay", "2023Q4", DueSource.YEAR_ONLY),
    ("trong năm nay", "2023Q4", DueSource.YEAR_ONLY),
    ("quý III năm nay", "2023Q3", None),
    ("6 tháng đầu năm nay", "2023Q2", DueSource.HALF_YEAR),
    ("tháng 5 năm nay", "2023Q2", None),
])
def test_this_year_is_the_plan_year(text, quarter, inferred):
    d = parse_deadline(text, plan_year=2023)
    assert (str(d.quarter), d.inferred, d.written) == (quarter, inferred, text)
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(text)
    assert caught.value.key == "deadline_needs_plan_year" and "năm kế hoạch" in str(caught.value)


@pytest.mark.parametrize("text, words", [
    ("tháng 13/2024", "không có tháng 13"), ("31/02/2024", "không có ngày 31"), ("30/9/24", "hai chữ số"),
])
def test_deadlines_that_do_not_exist_are_refused(text, words):
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(text)
    assert text in str(caught.value) and words in str(caught.value)


def test_the_extractor_finds_half_years():
    found = find_deadlines("Hoàn thiện hồ sơ trong 6 tháng cuối năm 2024; đường xã trong tháng 6/2024.")
    assert [(d.written, str(d.due)) for d in found] == [("6 tháng cuối năm 2024", "2024Q4"),
                                                        ("tháng 6/2024", "2024Q2")]


# ------------------------------------------------------------------ workbooks
def _set(ws, row: int, header: str, value) -> None:
    ws.cell(row, header_col(ws, header)).value = value


def _gap(p, commune: str, code: str) -> dict:
    g = p.gaps
    return g.loc[(g["commune"] == commune) & (g["criterion_code"] == code)].iloc[0].to_dict()


def test_excel_date_cells_in_every_deadline_column(tmp_path, capsys):
    def edit(wb):
        items = wb[ITEMS]
        # Ngọc Kỳ: criterion 13 has a date in the written column, 8 a date-time in the quarter column
        ocop = "Tổ chức sản xuất và phát triển kinh tế nông thôn"
        r13 = find_row(items, **{"Xã": "Ngọc Kỳ", "Tiêu chí (chuẩn hóa)": ocop})
        _set(items, r13, WRITTEN, dt.date(2024, 9, 30))
        r8 = find_row(items, **{"Xã": "Ngọc Kỳ", "Tiêu chí (chuẩn hóa)": "Thông tin và Truyền thông"})
        _set(items, r8, NORM, dt.datetime(2024, 3, 15, 0, 0))
        # Quang Trung's dossier milestone (its items have no deadline of their own): a date cell
        ms = wb[MILESTONES]
        r = find_row(ms, **{"Xã": "Quang Trung"})
        _set(ms, r, WRITTEN, dt.date(2024, 6, 30))
        _set(ms, r, NORM, None)
        # the completion log: Hưng Đạo's culture done on 15 August 2023
        done = wb[COMPLETIONS]
        done.append(["Hưng Đạo", "Văn hóa", dt.date(2023, 8, 15), None])

    path = edited_copy(tmp_path, edit)
    p, found = validate_workbook(path)
    assert [f.text() for f in found if f.severity == "error"] == []
    assert {k: _gap(p, "Ngọc Kỳ", "13")[k] for k in ("due", "due_written", "due_source")} == {
        "due": pd.Period("2024Q3", "Q"), "due_written": "30/09/2024", "due_source": "item"}
    assert {k: _gap(p, "Ngọc Kỳ", "8")[k] for k in ("due", "due_written", "due_source")} == {
        "due": pd.Period("2024Q1", "Q"), "due_written": "15/03/2024", "due_source": "item"}
    for code in ("5", "13", "14"):  # Quang Trung's three criteria take the commune's deadline
        g = _gap(p, "Quang Trung", code)
        assert (g["due"], g["due_written"], g["due_source"]) == (pd.Period("2024Q2", "Q"), "30/06/2024", "commune")
    c = p.communes.set_index("commune").loc["Quang Trung"]
    assert (c["commune_due"], c["commune_due_written"], c["commune_due_year_only"]) == (
        pd.Period("2024Q2", "Q"), "30/06/2024", False)
    log = p.completions.set_index(["commune", "criterion_code"]).loc[("Hưng Đạo", "6")]
    assert (log["done"], log["done_written"]) == (pd.Period("2023Q3", "Q"), "15/08/2023")
    # on 2 October 2023 Hưng Đạo's culture is done, so no longer overdue; Ngọc Kỳ's 8 and 13 are not yet due
    late = _overdue_rows(capsys, "--data", path, "--as-of", "02/10/2023")
    assert late == _plan_overdue("2023Q4") - {("Hưng Đạo", "Văn hóa"), ("Ngọc Kỳ", "Thông tin và Truyền thông"),
                                              ("Ngọc Kỳ", "Tổ chức sản xuất và phát triển kinh tế nông thôn")}


def test_written_forms_in_a_workbook(tmp_path):
    forms = {"Văn hóa": ("6 tháng đầu năm 2024", "2024Q2"), "Hành chính công": ("tháng 6/2024", None)}

    def edit(wb):
        items = wb[ITEMS]
        for name, (written, norm) in forms.items():
            r = find_row(items, **{"Xã": "Hưng Đạo", "Tiêu chí (chuẩn hóa)": name})
            _set(items, r, WRITTEN, written)
            _set(items, r, NORM, norm)
        r = find_row(items, **{"Xã": "Văn Tố", "Tiêu chí (chuẩn hóa)": "Giao thông"})
        _set(items, r, WRITTEN, "quý III năm nay")
        _set(items, r, NORM, None)
        ms = wb[MILESTONES]
        r = find_row(ms, **{"Xã": "Đại Hợp"})
        _set(ms, r, WRITTEN, "6 tháng cuối năm 2024")
        _set(ms, r, NORM, None)

    p, found = validate_workbook(edited_copy(tmp_path, edit))
    assert [f.text() for f in found if f.severity == "error"] == []
    # the written half year and the quarter column agree: no "differs from the words" warning
    assert not [f for f in found if f.code == "deadline_mismatch"]
    got = {(c, k): (str(_gap(p, c, k)["due"]), _gap(p, c, k)["due_source"], _gap(p, c, k)["due_written"])
           for c, k in [("Hưng Đạo", "6"), ("Hưng Đạo", "15"), ("Văn Tố", "2"), ("Đại Hợp", "6"), ("Đại Hợp", "14")]}
    assert got == {
        ("Hưng Đạo", "6"): ("2024Q2", "half-year", "6 tháng đầu năm 2024"),
        ("Hưng Đạo", "15"): ("2024Q2", "item", "tháng 6/2024"),
        ("Văn Tố", "2"): ("2023Q3", "item", "quý III năm nay"),  # the plan year, 2023
        ("Đại Hợp", "6"): ("2024Q4", "half-year", "6 tháng cuối năm 2024"),
        ("Đại Hợp", "14"): ("2024Q4", "half-year", "6 tháng cuối năm 2024"),
    }


def test_this_year_without_a_plan_year_is_an_error_naming_the_cell(tmp_path, capsys):
    def edit(wb):
        info = wb[INFO]
        _set(info, find_row(info, **{"Mục": "Năm kế hoạch"}), "Giá trị", None)
        items = wb[ITEMS]
        r = find_row(items, **{"Xã": "Văn Tố", "Tiêu chí (chuẩn hóa)": "Giao thông"})
        _set(items, r, WRITTEN, "cuối năm nay")
        _set(items, r, NORM, None)

    path = edited_copy(tmp_path, edit, "khong_nam.xlsx")
    row = find_row(load_workbook(path)[ITEMS], **{"Xã": "Văn Tố", "Tiêu chí (chuẩn hóa)": "Giao thông"})
    code, _, err = run(capsys, "workload", "--data", path)
    assert code == 1 and "Traceback" not in err
    assert f"khong_nam.xlsx, {ITEMS}, dòng {row}, cột {WRITTEN}" in err
    assert "'cuối năm nay'" in err and "Năm kế hoạch" in err


@pytest.mark.parametrize("value, words", [
    ("31/02/2024", "tháng 2/2024 không có ngày 31"), ("30/9/24", "hai chữ số"), ("tháng 13/2024", "không có tháng 13"),
    (dt.date(1999, 12, 31), "ngoài phạm vi hỗ trợ"),
])
def test_a_deadline_that_does_not_exist_is_an_error_naming_the_cell(tmp_path, capsys, value, words):
    def edit(wb):
        items = wb[ITEMS]
        r = find_row(items, **{"Xã": "Văn Tố", "Tiêu chí (chuẩn hóa)": "Giao thông"})
        _set(items, r, WRITTEN, value)
        _set(items, r, NORM, None)

    path = edited_copy(tmp_path, edit, "sai_ngay.xlsx")
    row = find_row(load_workbook(path)[ITEMS], **{"Xã": "Văn Tố", "Tiêu chí (chuẩn hóa)": "Giao thông"})
    code, out, _ = run(capsys, "validate", path)
    assert code == 1
    line = next(x for x in out.splitlines() if x.startswith("LỖI"))
    assert f"sai_ngay.xlsx, {ITEMS}, dòng {row}, cột {WRITTEN}" in line and words in line, line
    code, _, err = run(capsys, "projection", "--data", path)
    assert code == 1 and words in err and "Traceback" not in err


# ------------------------------------------------------------------ firm and inferred
def _half_year_plan(make_plan, due: str):
    """Commune A aims at 2024; its last gap is due ``due`` by "6 tháng … năm 2024"."""
    return make_plan(communes=[{"commune": "A", "target_year": 2024}, {"commune": "B", "target_year": 2024}],
                     gaps=[{"commune": "A", "criterion_code": "8", "due": "2024Q1"},
                           {"commune": "A", "criterion_code": "5", "due": due, "due_source": "half-year"},
                           {"commune": "B", "criterion_code": "5", "due": "2024Q4", "due_source": "year-only"}])


def test_half_years_count_as_inferred_in_the_workload_and_the_charts(make_plan):
    p = _half_year_plan(make_plan, "2024Q4")
    w = workload(p, by="quarter").set_index("quarter")
    q1, q4 = pd.Period("2024Q1", "Q"), pd.Period("2024Q4", "Q")
    assert (w.loc[q1, "firm"], w.loc[q1, "inferred"]) == (1, 0)
    assert (w.loc[q4, "items"], w.loc[q4, "firm"], w.loc[q4, "inferred"]) == (2, 0, 2)
    cells = matrix_cells(p).set_index(["commune", "criterion_code"])["firm"]
    assert (cells[("A", "8")], cells[("A", "5")], cells[("B", "5")]) == (True, False, False)

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.patches import Rectangle

    from ntm_analysis.present import plots

    ax = plots.status_matrix(p)
    hatched = [r for r in ax.patches if isinstance(r, Rectangle) and r.get_hatch()]
    assert len(hatched) == 2  # A's half year and B's year only; A's quý I is solid
    plots.close(ax)


def test_no_slack_with_a_half_year(make_plan):
    late = quality(_half_year_plan(make_plan, "2024Q4"), lang="en")
    a = late.loc[(late["code"] == "no_slack") & (late["commune"] == "A"), "message"].item()
    assert "last 6 months" in a
    early = quality(_half_year_plan(make_plan, "2024Q2"))
    assert early.loc[early["code"] == "no_slack", "commune"].tolist() == ["B"]


@pytest.mark.parametrize("half, slack_warning", [("đầu", False), ("cuối", True)])
def test_the_first_half_of_the_target_year_leaves_slack(tmp_path, half, slack_warning):
    def edit(wb):
        ws = wb[COMMUNES]
        _set(ws, find_row(ws, **{"Xã": "Hưng Đạo"}), "Năm phấn đấu", 2024)
        items = wb[ITEMS]
        for name in ("Văn hóa", "Hành chính công"):
            r = find_row(items, **{"Xã": "Hưng Đạo", "Tiêu chí (chuẩn hóa)": name})
            _set(items, r, WRITTEN, f"6 tháng {half} năm 2024")
            _set(items, r, NORM, None)

    p = load_plan(edited_copy(tmp_path, edit))
    q = quality(p)
    found = q.loc[(q["code"] == "no_slack") & (q["commune"] == "Hưng Đạo")]
    assert len(found) == int(slack_warning)
    if slack_warning:
        assert "6 tháng cuối năm" in found["message"].item()
