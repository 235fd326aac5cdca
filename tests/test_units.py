"""Official units and the 2025 communes (`ntm units`).

The expected 2025 communes and codes are the published ones (Nghị quyết 1669/NQ-UBTVQH15:
Xã Tứ Kỳ 11074, Đại Sơn 11086, Tân Kỳ 11113, Chí Minh 11131, Lạc Phượng 11140, Nguyên
Giáp 11146, and the former units of each), written out here; the inherited gaps are
read from the workbook's own "Chi tiết" sheet with openpyxl.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from ntm_analysis import config, load_plan
from ntm_analysis.cli import main
from ntm_analysis.core.names import commune_key
from ntm_analysis.units.lineage import Lineage
from ntm_analysis.units.match import Match, match_unit

CODES_2025 = {"Tứ Kỳ": "11074", "Đại Sơn": "11086", "Tân Kỳ": "11113", "Chí Minh": "11131",
              "Lạc Phượng": "11140", "Nguyên Giáp": "11146"}
#: each commune of the 2023 plan → the 2025 commune(s) it went into
PLAN_TO_2025 = {
    "Minh Đức": {"Tứ Kỳ"}, "Quang Khải": {"Tứ Kỳ"}, "Quang Phục": {"Tứ Kỳ"},
    "Văn Tố": {"Chí Minh"}, "Đại Hợp": {"Tân Kỳ"}, "Tân Kỳ": {"Tân Kỳ"},
    "Ngọc Kỳ": {"Tân Kỳ"}, "Dân Chủ": {"Tân Kỳ"}, "Quảng Nghiệp": {"Tân Kỳ"},  # through Kỳ Sơn, Dân An (2024)
    "Hưng Đạo": {"Đại Sơn", "Tân Kỳ"},  # split
    "Quang Trung": {"Lạc Phượng"}, "Phương Kỳ": {"Lạc Phượng"}, "Nguyên Giáp": {"Nguyên Giáp"},
}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def units_json(capsys, *extra) -> list[dict]:
    code, out, err = run(capsys, "units", "--format", "json", *extra)
    assert code == 0, err
    return json.loads(out)


def test_every_commune_reaches_its_published_2025_commune(capsys):
    rows = units_json(capsys)
    got = defaultdict(set)
    for r in rows:
        got[r["commune"]].add(r["commune_2025"])
        assert r["code_2025"] == CODES_2025[r["commune_2025"]], r
        assert r["province_2025"] == "Hải Phòng"
    assert dict(got) == PLAN_TO_2025
    split = {r["commune"] for r in rows if r["split"]}
    assert split == {"Hưng Đạo"}


def test_a_misspelt_name_is_flagged_with_the_official_one_and_kept_as_written(capsys):
    code, out, err = run(capsys, "units", "--format", "json")
    row = next(r for r in json.loads(out) if r["commune"] == "Phương Kỳ")
    assert row["official"] == "Phượng Kỳ" and row["matched"] == Match.SPELLING
    assert "Phương Kỳ" in err and "Phượng Kỳ" in err and "Traceback" not in err
    assert [line for line in err.splitlines() if line.strip()] == [l for l in err.splitlines() if "Phương Kỳ" in l]


def test_lineage_is_kept_step_by_step(capsys):
    rows = {r["commune"]: r for r in units_json(capsys) if r["commune"] != "Hưng Đạo"}
    assert rows["Ngọc Kỳ"]["lineage"] == "Ngọc Kỳ → Kỳ Sơn (2024) → Tân Kỳ (2025)"
    assert rows["Ngọc Kỳ"]["lineage_inferred"] is True  # the 2024 pairs are inferred from names
    assert rows["Minh Đức"]["lineage"] == "Minh Đức → Tứ Kỳ (2025)" and rows["Minh Đức"]["unit_code"] == "11128"
    assert rows["Minh Đức"]["lineage_inferred"] is False
    assert rows["Minh Đức"]["matched"] == Match.EXACT and rows["Ngọc Kỳ"]["matched"] == Match.FORMER


def _sheet_gaps() -> dict[str, set[str]]:
    """The criteria each commune lacks, from the workbook's Chi tiết sheet."""
    wb = load_workbook(config.DEFAULT_WORKBOOK, read_only=True)
    rows = wb["Chi tiết"].iter_rows(values_only=True)
    head = list(next(rows))
    out = defaultdict(set)
    for r in rows:
        rec = dict(zip(head, r))
        if rec["Xã"] and rec["Loại"] == "tiêu chí":
            out[rec["Xã"]].update(rec["Tiêu chí (chuẩn hóa)"].split("; "))  # a row may name two
    wb.close()
    return out


def test_each_2025_commune_inherits_the_gaps_of_its_former_units(capsys):
    code, out, err = run(capsys, "units", "--gaps", "--format", "json")
    assert code == 0, err
    rows = [r for r in json.loads(out) if r["requirement"] == "criterion"]
    sheet = _sheet_gaps()
    expected = defaultdict(set)
    for commune, news in PLAN_TO_2025.items():
        for new in news:
            expected[new] |= sheet.get(commune, set())
    got = defaultdict(set)
    for r in rows:
        got[r["commune"]].add(r["criterion"])
        assert r["commune_code"] == CODES_2025[r["commune"]]
        holders = set(r["former_commune"].split(", "))
        assert all(r["criterion"] in sheet[h] for h in holders), r  # every holder lacks it
        assert r["split"] == ("Hưng Đạo" in holders)
    assert dict(got) == {k: v for k, v in expected.items() if v}
    chi_minh = [(r["former_commune"], r["criterion_code"]) for r in rows if r["commune"] == "Chí Minh"]
    assert chi_minh == [("Văn Tố", "2"), ("Văn Tố", "5"), ("Văn Tố", "13")]


def test_the_latest_deadline_of_the_holders_is_the_new_communes(capsys):
    code, out, _ = run(capsys, "units", "--gaps", "--format", "json")
    rows = json.loads(out)
    plan = load_plan()
    due = {(c, k): d for c, k, d in plan.gaps[["commune", "criterion_code", "due"]].itertuples(index=False)}
    for r in rows:
        holders = r["former_commune"].split(", ")
        dues = [due[(h, r["criterion_code"])] for h in holders]
        if any(d is None or str(d) == "NaT" for d in dues):
            assert r["due"] in (None, ""), r
        else:
            assert r["due"] == str(max(dues)), r


# ------------------------------------------------------------------ the user's lineage files
SHARES = """\
province: Hải Dương
district: Tứ Kỳ
steps:
  - from: Hưng Đạo
    year: 2025
    to:
      - {unit: Đại Sơn, share: 0.7}
      - {unit: Tân Kỳ, share: 30%}
    source: "Tỉ lệ dân số theo tờ trình của tỉnh"
  - {from: Quang Trung, year: 2025, to: Nguyên Giáp, source: "Sửa thử"}
"""


def _shares_xlsx(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["Tỉnh", "Huyện", "Đơn vị cũ", "Năm", "Đơn vị mới", "Tỉ lệ", "Nguồn"])
    ws.append(["Hải Dương", "Tứ Kỳ", "Hưng Đạo", 2025, "Đại Sơn", 0.7, "Tỉ lệ dân số"])
    ws.append(["Hải Dương", "Tứ Kỳ", "Hưng Đạo", 2025, "Tân Kỳ", "30%", "Tỉ lệ dân số"])
    ws.append(["Hải Dương", "Tứ Kỳ", "Quang Trung", 2025, "Nguyên Giáp", None, "Sửa thử"])
    wb.save(path)
    return path


@pytest.mark.parametrize("kind", ["yaml", "xlsx"])
def test_a_lineage_file_gives_shares_and_corrects_a_step(capsys, tmp_path, kind):
    if kind == "yaml":
        path = tmp_path / "buoc.yaml"
        path.write_text(SHARES, encoding="utf-8")
    else:
        path = _shares_xlsx(tmp_path / "buoc.xlsx")
    rows = units_json(capsys, "--lineage", path)
    hung_dao = {r["commune_2025"]: r["share_2025"] for r in rows if r["commune"] == "Hưng Đạo"}
    assert hung_dao == {"Đại Sơn": pytest.approx(0.7), "Tân Kỳ": pytest.approx(0.3)}
    quang_trung = [r for r in rows if r["commune"] == "Quang Trung"]
    assert [(r["commune_2025"], r["code_2025"]) for r in quang_trung] == [("Nguyên Giáp", "11146")]
    assert "Sửa thử" in quang_trung[0]["lineage_source"]
    # the other communes keep the library's steps
    assert {r["commune_2025"] for r in rows if r["commune"] == "Minh Đức"} == {"Tứ Kỳ"}


@pytest.mark.parametrize("body, words", [
    ("province: Hải Dương\ndistrict: Tứ Kỳ\nsteps:\n  - {from: A, year: hai nghìn, to: B}\n", ["dòng 4", "năm"]),
    ("province: Hải Dương\ndistrict: Tứ Kỳ\nsteps:\n  - {from: Minh Đức, year: 2025, to: Kỳ Sơn}\n",
     ["dòng 4", "Kỳ Sơn", "2025"]),
    ("province: Hải Dương\ndistrict: Tứ Kỳ\nsteps:\n  - {from: Hưng Đạo, year: 2025, to: [{unit: Đại Sơn, share: 0.8},"
     " {unit: Tân Kỳ, share: 0.4}]}\n", ["dòng 4", "120%"]),
    ("province: Hải Dương\ndistrict: Tứ Kỳ\nsteps:\n  - {from: A, year: 2024, to: B, tỉ_lệ: 1}\n",
     ["dòng 4", "tỉ_lệ"]),
    ("province: Hải Dương\nsteps:\n  - {from: A, year: 2024, to: B}\n", ["dòng 3", "district"]),
    ("province: [Hải Dương\n", ["YAML"]),
    ("- một\n- hai\n", ["steps"]),
])
def test_a_malformed_lineage_file_is_named_with_its_line(tmp_path, body, words):
    path = tmp_path / "sai.yaml"
    path.write_text(body, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", "import sys; from ntm_analysis.cli import main; sys.exit(main())",
                           "units", "--lineage", str(path)],
                          capture_output=True, text=True, timeout=120, cwd=config.ROOT)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert "sai.yaml" in proc.stderr and all(w in proc.stderr for w in words), proc.stderr


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_the_template_reads_back_and_is_never_written_over(capsys, tmp_path, suffix):
    path = tmp_path / f"mau{suffix}"
    code, out, err = run(capsys, "units", "--template", path)
    assert code == 0 and path.exists() and str(path) in out
    rows = units_json(capsys, "--lineage", path)
    shares = {r["commune_2025"]: r["share_2025"] for r in rows if r["commune"] == "Hưng Đạo"}
    assert shares == {"Đại Sơn": pytest.approx(0.6), "Tân Kỳ": pytest.approx(0.4)}
    before = path.read_bytes()
    code, out, err = run(capsys, "units", "--template", path)
    assert code == 2 and "mau" in err and path.read_bytes() == before


# ------------------------------------------------------------------ matching
def test_names_are_matched_by_their_marks_first():
    bare = Lineage()  # no lineage file: only the library
    m = match_unit("Phương Kỳ", "Hải Dương", "Tứ Kỳ", bare)
    assert m.matched is Match.ALIAS and m.alias_of == "Lạc Phượng"  # a former name the library lists
    assert match_unit("xã quang khai", "Hải Dương", "Tứ Kỳ", bare).matched is Match.SPELLING
    assert match_unit("Thị trấn Tứ Kỳ", "Hải Dương", "Tứ Kỳ", bare).code == "11074"
    assert match_unit("Minh Đức", "Hải Dương", "Thanh Hà", bare).matched is Match.NONE  # not in that district


def test_phuong_is_not_taken_for_the_word_phuong():
    assert commune_key("Phương Kỳ") == "phuong ky" and commune_key("Phường Tứ Minh") == "tu minh"
    ids = set(load_plan().communes["commune_id"])
    assert "hai-duong/tu-ky/phuong-ky" in ids and "hai-duong/tu-ky/ky" not in ids


def test_a_name_that_is_no_unit_is_said_with_the_nearest(capsys, tmp_path):
    wb = load_workbook(config.DEFAULT_WORKBOOK)
    _rename(wb, "Quang Khải", "Quang Khai Moi")
    path = tmp_path / "ten_khac.xlsx"
    wb.save(path)
    code, out, err = run(capsys, "units", "--data", path, "--format", "csv")
    assert code == 0
    assert "Quang Khai Moi" in err and "Quang Khải" in err and "Traceback" not in err


def _rename(wb, old: str, new: str) -> None:
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == old:
                    cell.value = new


# ------------------------------------------------------------------ --units 2025 on every analysis
@pytest.mark.parametrize("cmd", [["gaps"], ["gaps", "--by", "commune"], ["gaps", "--by", "unlocks"], ["ocop"],
                                 ["workload"], ["projection"], ["quality"]], ids=lambda c: "-".join(c))
def test_every_analysis_runs_on_the_2025_communes(capsys, cmd):
    code, out, err = run(capsys, *cmd, "--units", "2025", "--format", "json")
    assert code == 0 and "Traceback" not in err
    rows = json.loads(out)
    names = {r["commune"] for r in rows if "commune" in r}
    if cmd == ["quality"]:  # the plan's own findings name the former commune and where it is now
        names = {n.split(" (nay thuộc ")[0] if " (nay thuộc " not in n else n.split(" (nay thuộc ")[1][:-1]
                 for n in names if n}
    assert names <= set(CODES_2025)
    if "commune" in (rows[0] if rows else {}) and cmd != ["quality"]:
        assert names == set(CODES_2025) or cmd == ["ocop"]


def test_a_2025_commune_lacks_what_any_of_its_parts_lacks(capsys):
    code, out, _ = run(capsys, "gaps", "--by", "commune", "--units", "2025", "--format", "json")
    rows = {r["commune"]: r for r in json.loads(out)}
    sheet = _sheet_gaps()
    for new in CODES_2025:
        parts = [c for c, news in PLAN_TO_2025.items() if new in news]
        expected = set().union(*(sheet.get(c, set()) for c in parts))
        assert rows[new]["missing"] == len(expected), (new, expected)
    assert rows["Chí Minh"]["missing_codes"] == "2, 5, 13"


def test_a_2025_commune_finishes_when_its_last_part_does(capsys):
    code, out, _ = run(capsys, "projection", "--units", "2025", "--format", "json")
    rows = {r["commune"]: r for r in json.loads(out)}
    one = {r["commune"]: r for r in json.loads(run(capsys, "projection", "--format", "json")[1])}
    assert rows["Đại Sơn"]["finish"] == one["Hưng Đạo"]["finish"]  # its only part in the plan
    assert rows["Nguyên Giáp"]["finish"] == one["Nguyên Giáp"]["finish"]
    lac_phuong = max(one["Phương Kỳ"]["finish"], one["Quang Trung"]["finish"])
    assert rows["Lạc Phượng"]["finish"] == lac_phuong
    assert rows["Tứ Kỳ"]["status"] == "unscheduled"  # Quang Khải's gaps have no deadline
