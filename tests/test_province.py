"""A province of many workbooks: `--data` takes several workbooks or a folder.

Two copies of the embedded workbook under two district names, loaded as a folder, are
26 communes in every analysis: each count is twice the one-district count, never the
same (two same-named communes merged) and never anything else.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ntm_analysis import config
from ntm_analysis.cli import main


def _copy(path: Path, district: str) -> Path:
    wb = load_workbook(config.DEFAULT_WORKBOOK)
    for row in wb["Thông tin"].iter_rows():
        if row[0].value and "huyện" in str(row[0].value).lower():
            row[1].value = district
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tinh")
    _copy(folder / "tu_ky.xlsx", "Tứ Kỳ")
    _copy(folder / "thanh_ha.xlsx", "Thanh Hà")
    return folder


def _with_broken(province: Path, tmp_path: Path, data: bytes | None = None) -> Path:
    """The two districts' folder copied, with a broken third workbook ``hong.xlsx`` (no Xã
    sheet, or ``data`` as its bytes)."""
    folder = tmp_path / "tinh"
    folder.mkdir()
    for p in province.iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    if data is None:
        wb = load_workbook(config.DEFAULT_WORKBOOK)
        del wb["Xã"]
        wb.save(folder / "hong.xlsx")
    else:
        (folder / "hong.xlsx").write_bytes(data)
    return folder


def run_json(capsys, *argv):
    code = main([str(a) for a in argv] + ["--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


COMMANDS = [["gaps", "--by", "criterion"], ["gaps", "--by", "commune"], ["gaps", "--by", "department"],
            ["gaps", "--by", "section"], ["gaps", "--by", "unlocks"], ["ocop"], ["ocop", "--totals"],
            ["workload"], ["workload", "--by", "commune"], ["projection"], ["quality"], ["units"]]


@pytest.mark.parametrize("cmd", COMMANDS, ids=lambda c: "-".join(c).replace("--", ""))
def test_a_folder_of_two_districts_doubles_every_count(capsys, province, cmd):
    one = run_json(capsys, *cmd)
    both = run_json(capsys, *cmd, "--data", province)
    numbers = lambda rows: [(k, v) for r in rows for k, v in r.items() if isinstance(v, int) and not isinstance(v, bool)
                            and k not in ("target_year", "original_target_year", "row", "total", "met", "missing",
                                          "model_missing", "done", "value_lag")]
    if cmd == ["units"]:
        assert len({(r["commune"], r["district"]) for r in both}) == 26
    elif cmd in (["gaps", "--by", "commune"], ["ocop"], ["projection"], ["workload", "--by", "commune"], ["quality"]):
        assert len(both) == 2 * len(one), cmd  # one row per commune (or finding) of each district
    else:
        assert len(both) == len(one), cmd
        assert [(k, 2 * v) for k, v in numbers(one)] == numbers(both), cmd


def test_every_commune_of_both_districts_is_there_with_its_district(capsys, province):
    rows = run_json(capsys, "gaps", "--by", "commune", "--data", province)
    assert len(rows) == 26 and len({(r["commune"], r["unit"]) for r in rows}) == 26
    assert {r["unit"] for r in rows} == {"Tứ Kỳ", "Thanh Hà"}
    crit = run_json(capsys, "gaps", "--data", province)[0]
    names = crit["commune_names"].split(", ") if isinstance(crit["commune_names"], str) else crit["commune_names"]
    assert "Minh Đức (Tứ Kỳ)" in names and "Minh Đức (Thanh Hà)" in names  # told apart in lists


def test_several_workbooks_can_be_named_one_by_one(capsys, province):
    rows = run_json(capsys, "gaps", "--by", "commune", "--data", province / "tu_ky.xlsx", province / "thanh_ha.xlsx")
    assert len(rows) == 26


def test_a_workbook_with_errors_stops_the_analysis_unless_skipped(capsys, province, tmp_path):
    folder = _with_broken(province, tmp_path)
    code = main(["gaps", "--data", str(folder)])
    err = capsys.readouterr().err
    assert code == 1 and "hong.xlsx" in err and "1/3" in err and "--skip-invalid" in err
    code = main(["gaps", "--by", "commune", "--data", str(folder), "--skip-invalid", "--format", "json"])
    out = capsys.readouterr()
    assert code == 0 and len(json.loads(out.out)) == 26
    assert "hong.xlsx" in out.err  # the skipped workbook is named


@pytest.mark.parametrize("given, words, code", [("khong_co", ["khong_co"], 2), ("empty_dir", ["empty_dir", ".xlsx"], 2)])
def test_a_path_that_holds_no_workbook_is_said(capsys, tmp_path, given, words, code):
    (tmp_path / "empty_dir").mkdir()
    assert main(["gaps", "--data", str(tmp_path / given)]) == code
    err = capsys.readouterr().err
    assert all(w in err for w in words) and "Traceback" not in err


def test_validation_reports_each_workbook(capsys, province, tmp_path):
    folder = _with_broken(province, tmp_path)
    assert main(["validate", str(folder), "--format", "json"]) == 1
    reports = {Path(r["file"]).name: r for r in json.loads(capsys.readouterr().out)}
    assert set(reports) == {"hong.xlsx", "thanh_ha.xlsx", "tu_ky.xlsx"}
    assert reports["hong.xlsx"]["errors"] >= 1 and reports["tu_ky.xlsx"]["errors"] == 0
    assert any("Xã" in i["message"] or i["sheet"] == "Xã" for i in reports["hong.xlsx"]["issues"])
    assert main(["validate", str(folder / "tu_ky.xlsx"), str(folder / "thanh_ha.xlsx")]) == 0
    out = capsys.readouterr().out
    assert "tu_ky.xlsx: 0 lỗi" in out and "thanh_ha.xlsx: 0 lỗi" in out and "2 sổ đã kiểm tra, 0 sổ có lỗi" in out


def test_a_skipped_workbook_is_named_in_the_summary_and_the_pack(capsys, province, tmp_path):
    folder = _with_broken(province, tmp_path, b"not a workbook")
    assert main(["summary", "--data", str(folder), "--skip-invalid"]) == 0
    assert "hong.xlsx" in capsys.readouterr().out
    from ntm_analysis.load.api import load_province
    from ntm_analysis.present.report.briefing import meta_rows, prepare

    rows = dict(meta_rows(prepare(load_province([folder], skip_invalid=True)), None))
    assert any("hong.xlsx" in str(v) for v in rows.values())  # the pack's summary sheet names it
