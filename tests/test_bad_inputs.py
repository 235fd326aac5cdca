"""The bad-input suite (issue 7, item 3) and formula-safe outputs (item 5, first half).

Every case runs the real command line in-process (``ntm_analysis.cli.main``) on one
malformed workbook, scenario file or plan document, and checks what the user sees:

- a non-zero exit: 1 for bad data, 2 for a bad command line (missing file, bad option);
- a message naming the file, and the sheet/row/column (workbooks) or the edit and
  line (scenarios) where it applies, with the key words of the message on that line;
- no traceback (an uncaught exception fails the case);
- no output written, nothing half-written and no temporary file left: every output
  path is inside the test's own folder, whose files are hashed before and after;
- ``data/raw/`` unchanged (hashed once per session, checked after every test and at
  the end of the session).

tests/test_malformed.py and tests/test_messy.py check the loader's issues on copies
of the embedded workbook; tests/test_scenario.py and tests/test_extract.py check the
scenario reader and the extractor. This suite is the cross-cutting one: the same
promises for every command and every kind of input. Workbooks are built small and
from scratch (openpyxl), the 100,000-row one with :mod:`zipfile` once per session.
"""
from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook

from ntm_analysis import cli, config
from ntm_analysis.present import report
from ntm_analysis.present.report import build as report_build
from ntm_analysis.criteria.catalogue import load_catalogue
from ntm_analysis.io.pack import record_name
from ntm_analysis.io.processed import PACK

FORMULA_START = ("=", "+", "-", "@")
EVIL = ['=HYPERLINK("http://evil.example/x","Bấm vào đây")', "+1+2", "-3+4", "@SUM(A1:A9)"]


# ----------------------------------------------------------------- guards
def _tree(root: Path) -> dict[str, str]:
    """Every file (content hash) and folder under ``root``."""
    if not root.exists():
        return {}
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        out[rel] = "<dir>" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="session")
def raw_before():
    """Hashes of data/raw/ before the suite; checked again when the session ends."""
    before = _tree(config.RAW_DIR)
    assert before, f"{config.RAW_DIR} is empty: nothing to protect?"
    yield before
    assert _tree(config.RAW_DIR) == before, "data/raw/ changed during the bad-input suite"


@pytest.fixture(autouse=True)
def _guard(raw_before, tmp_path, monkeypatch):
    """Run in tmp_path (stray relative outputs land there), never draw real charts,
    and check data/raw/ after every test."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(report_build, "write_charts", _fake_charts)
    yield
    assert _tree(config.RAW_DIR) == raw_before, "data/raw/ changed"


def _fake_charts(b, out, dpi=200):
    """Blank PNGs instead of charts (the report's tables and workbook are what is checked)."""
    from PIL import Image

    written = {}
    for key in b.chart_keys:
        png = Path(out) / f"{report.CHART_FILES[key]}.png"
        Image.new("RGB", (60, 30), "white").save(png)
        png.with_suffix(".svg").write_text("<svg/>")
        written[key] = [png, png.with_suffix(".svg")]
    return written


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """``ntm ARGV`` in-process: (exit code, stdout, stderr); an uncaught exception fails."""
    capsys.readouterr()
    try:
        code = cli.main([str(a) for a in argv])
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    except Exception as exc:  # what the user would see as a traceback
        out = capsys.readouterr()
        pytest.fail(f"ntm {' '.join(map(str, argv))}: traceback {type(exc).__name__}: {exc}\n{out.err}")
    out = capsys.readouterr()
    return code, out.out, out.err


# ----------------------------------------------------------------- building inputs
INFO = [("Huyện", "Thử Nghiệm"), ("Năm kế hoạch", 2023)]
COMMUNES_H = ["Xã", "Mục kế hoạch", "Mức phấn đấu", "Năm phấn đấu"]
COMMUNES = [["An Bình", "2.1", "nâng cao", 2024], ["Hòa Lạc", "2.1", "nâng cao", 2024]]
ITEMS_H = ["Xã", "Tiêu chí (nguyên văn)", "Nội dung (nguyên văn)", "Thời hạn (nguyên văn)", "Thời hạn (quý)",
           "Chờ tiêu chí"]
ITEMS = [["An Bình", "Y tế", "Tỷ lệ người dân có sổ khám bệnh điện tử thấp", None, "2024Q2", None],
         ["Hòa Lạc", "Giao thông", "Cứng hóa đường trục thôn", "trong quý III/2024", None, None]]


def workbook(path: Path, communes=COMMUNES, items=ITEMS, info=INFO, communes_h=COMMUNES_H,
             items_h=ITEMS_H, sheets: dict[str, list[list]] | None = None) -> Path:
    """A small plan workbook; ``items=None`` leaves out "Chi tiết"; ``sheets`` adds
    sheets given as rows (header first). Text starting with '=' is stored as text."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Thông tin"
    for row in [["Mục", "Giá trị"], *info]:
        ws.append(list(row))
    all_sheets = {"Xã": [communes_h, *communes]}
    if items is not None:
        all_sheets["Chi tiết"] = [items_h, *items]
    all_sheets.update(sheets or {})
    for name, rows in all_sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    for ws in wb.worksheets:  # a text cell, as typed after an apostrophe in Excel
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
    wb.save(path)
    return path


def items_with(*rows: list) -> list[list]:
    """Item rows (row 2 onwards): ``[commune, criterion, detail, due_written, due, waits_on]``."""
    return [list(r) + [None] * (len(ITEMS_H) - len(r)) for r in rows]


def matrix(*rows: list, headers: list[str] | None = None) -> dict[str, list[list]]:
    cat = load_catalogue()
    headers = headers or [cat.label(c) for c in cat.criterion_codes]
    return {"Ma trận": [["Xã", *headers], *rows]}


def _docx(path: Path, *paragraphs: str) -> Path:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    d.save(str(path))
    return path


def _text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _truncated(path: Path) -> Path:
    full = workbook(path.with_name("full.xlsx"))
    data = full.read_bytes()
    full.unlink()
    return _bytes(path, data[: len(data) // 2])


def _broken_sheet_xml(path: Path) -> Path:
    """A valid zip whose "Xã" sheet XML stops half-way."""
    full = workbook(path.with_name("full.xlsx"))
    with zipfile.ZipFile(full) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                data = data[: len(data) // 2]
            zout.writestr(info, data)
    full.unlink()
    return path


def _zip_of_text(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("ghi_chu.txt", "không phải sổ Excel")
    return path


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the signature of .xls and .doc (Office 97-2003)
SCENARIO_PLAN = "name: Thử\nedits:\n"  # scenarios run on the embedded Tứ Kỳ plan
PLAN_TEXT = """KẾ HOẠCH xây dựng xã NTM nâng cao năm 2024 của huyện An Lão
II. KẾ HOẠCH THỰC HIỆN
1. Các xã phấn đấu về đích NTM nâng cao năm 2024
a) Xã An Tiến: Đạt 18/19 tiêu chí; còn 01 tiêu chí cần hoàn thiện, cụ thể:
+ Tiêu chí Y tế: {detail}. Phấn đấu hoàn thành trong quý III/2024.
"""


# ----------------------------------------------------------------- the cases
@dataclass(frozen=True)
class Case:
    """One bad input: ``setup(tmp)`` writes it and returns the command line; the message
    must name ``file`` (or the option at fault) and, on the same line, ``where`` (after
    the file name) and ``words``."""

    id: str
    setup: Callable[[Path], list]
    code: int
    file: str
    where: str = ""
    words: tuple[str, ...] = ()


def data_argv(cmd: str, path: Path, tmp: Path) -> list:
    """The command line of ``cmd`` reading workbook ``path``, outputs inside ``tmp``."""
    return {
        "validate": ["validate", path],
        "build": ["build", "--data", path, "--out", tmp / "processed"],
        "report": ["report", "--data", path, "--out", tmp / "reports"],
        "gaps": ["gaps", "--data", path, "--format", "csv"],
        "projection": ["projection", "--data", path, "--format", "json"],
        "summary": ["summary", "--data", path],
        "quality": ["quality", "--data", path],
        "workload": ["workload", "--data", path, "--by", "commune"],
    }[cmd]


def wb_case(id: str, cmd: str, code: int, where: str, words: tuple[str, ...], name: str = "ke_hoach.xlsx",
            make: Callable[[Path], Path] | None = None, **kw) -> Case:
    """A workbook case: ``make(path)`` (default :func:`workbook` with ``kw``), then ``cmd``."""
    def setup(tmp: Path) -> list:
        path = tmp / name
        (make or (lambda p: workbook(p, **kw)))(path)
        return data_argv(cmd, path, tmp)
    return Case(id, setup, code, name, where, words)


def scenario_case(id: str, text: str | bytes, code: int, where: str, words: tuple[str, ...],
                  cmd: Callable[[Path, Path], list] | None = None, name: str = "kich_ban.yaml") -> Case:
    """A scenario case on the embedded plan; ``cmd(file, tmp)`` (default ``ntm scenario FILE``)."""
    def setup(tmp: Path) -> list:
        path = tmp / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        elif text is not None:
            path.write_text(text, encoding="utf-8")
        return (cmd or (lambda f, t: ["scenario", f]))(path, tmp)
    return Case(id, setup, code, name, where, words)


def plan_case(id: str, name: str, make: Callable[[Path], object] | None, code: int, words: tuple[str, ...],
              extra: tuple = ()) -> Case:
    """An ``ntm extract`` case: ``make(path)`` writes the document (None: no file)."""
    def setup(tmp: Path) -> list:
        path = tmp / name
        if make is not None:
            make(path)
        return ["extract", path, "--out", tmp / "ket_qua.xlsx", *extra]
    return Case(id, setup, code, name, "", words)


D, ITEM, COMM = "Chi tiết", "Thời hạn (quý)", "Xã"

WORKBOOK_FILE_CASES = [
    wb_case("empty_file", "build", 1, "", ("tệp rỗng", "0 byte"), make=lambda p: _bytes(p, b"")),
    wb_case("text_named_xlsx", "validate", 1, "", ("không phải sổ Excel", "lưu lại dạng .xlsx"),
            make=lambda p: _text(p, "Kế hoạch xây dựng xã NTM nâng cao năm 2023\nXã Hưng Đạo: còn 2 tiêu chí\n")),
    wb_case("csv_renamed_xlsx", "gaps", 1, "", ("không phải sổ Excel", "CSV"),
            make=lambda p: _text(p, "Xã,Tiêu chí (nguyên văn),Thời hạn (quý)\nAn Bình,Y tế,2024Q2\n")),
    wb_case("truncated_zip", "report", 1, "", ("tệp bị cắt ngắn", "lấy lại tệp"), make=_truncated),
    wb_case("old_xls_format", "validate", 1, "", ("Excel 97-2003 (.xls)", "lưu lại dạng .xlsx"), name="ke_hoach.xls",
            make=lambda p: _bytes(p, OLE2 + bytes(4088))),
    wb_case("zip_but_not_workbook", "summary", 1, "", ("là tệp nén nhưng không phải sổ Excel",), make=_zip_of_text),
    wb_case("broken_sheet_xml", "projection", 1, "", ("trang 'Xã' không đọc được",), make=_broken_sheet_xml),
    Case("missing_workbook", lambda t: data_argv("build", t / "khong_co.xlsx", t), 2, "khong_co.xlsx", "",
         ("không tìm thấy tệp",)),
    Case("directory_as_workbook", lambda t: (t / "thu_muc.xlsx").mkdir() or ["validate", t / "thu_muc.xlsx"], 2,
         "thu_muc.xlsx", "", ("là thư mục",)),
]

WORKBOOK_DATA_CASES = [
    # communes: 'an bình' is 'An Bình' once case and diacritics are folded
    wb_case("duplicate_commune", "build", 1, f"{COMM}, dòng 4, cột Xã", ("xã trùng", "dòng 2", "'an bình'"),
            communes=COMMUNES + [["an bình", "2.2", "nâng cao", 2025]]),
    wb_case("unknown_commune_in_detail", "gaps", 1, f"{D}, dòng 3, cột Xã",
            ("không có trong trang Xã", "gần nhất: Hòa Lạc", "'Hoà Lạcc'"),
            items=items_with(ITEMS[0], ["Hoà Lạcc", "Giao thông", "", "", "2024Q3"])),
    wb_case("unknown_commune_in_matrix", "validate", 1, "Ma trận, dòng 3, cột Xã",
            ("không có trong trang Xã", "'Tân Kỳ'"), items=None,
            sheets=matrix(["An Bình"] + ["Đạt"] * 19, ["Tân Kỳ"] + ["Chưa đạt"] + ["Đạt"] * 18)),
    wb_case("deadline_far_future", "build", 1, f"{D}, dòng 2, cột {ITEM}",
            ("ngoài phạm vi hỗ trợ", "2000–2100", "'quý I/2150'"),
            items=items_with(["An Bình", "Y tế", "", None, "quý I/2150"])),
    wb_case("deadline_far_past", "validate", 1, f"{D}, dòng 3, cột {ITEM}",
            ("ngoài phạm vi hỗ trợ", "'1990Q1'"),
            items=items_with(ITEMS[0], ["Hòa Lạc", "Giao thông", "", None, "1990Q1"])),
    wb_case("deadline_number_not_a_year", "quality", 1, f"{D}, dòng 2, cột {ITEM}",
            ("không phải là quý hoặc năm", "'2500'"), items=items_with(["An Bình", "Y tế", "", None, 2500])),
    wb_case("written_deadline_year_3023", "validate", 1, f"{D}, dòng 2, cột Thời hạn (nguyên văn)",
            ("nằm ngoài phạm vi hỗ trợ (2000–2100)", "quý II/3023"),
            items=items_with(["An Bình", "Y tế", "", "Phấn đấu hoàn thành trong quý II/3023", None])),
    wb_case("criterion_matches_nothing", "workload", 1, f"{D}, dòng 3, cột Tiêu chí (nguyên văn)",
            ("không nhận ra tiêu chí", "gần nhất", "'Bảo hiểm thất nghiệp'"),
            items=items_with(ITEMS[0], ["Hòa Lạc", "Bảo hiểm thất nghiệp", "", None, "2024Q3"])),
    wb_case("matrix_header_not_a_criterion", "validate", 1, "Ma trận, dòng 1, cột Tổng điểm",
            ("cột ma trận không phải tiêu chí", "gần nhất"), items=None,
            sheets=matrix(["An Bình", "Chưa đạt", 5], ["Hòa Lạc", "Đạt", 3], headers=["14. Y tế", "Tổng điểm"])),
    wb_case("matrix_same_criterion_twice", "build", 1, "Ma trận, dòng 1, cột Thông tin truyền thông",
            ("cột tiêu chí trùng",), items=None,
            sheets=matrix(["An Bình", "Chưa đạt", "Chưa đạt"], ["Hòa Lạc", "Đạt", "Đạt"],
                          headers=["8. Thông tin và Truyền thông", "Thông tin truyền thông"])),
    wb_case("no_header_row", "validate", 1, f"{COMM}, dòng 1", ("không tìm thấy dòng tiêu đề", "Mức phấn đấu"),
            communes_h=["Tên", "Mục", "Mức", "Năm"]),
    wb_case("missing_required_column", "summary", 1, f"{COMM}, dòng 1, cột Năm phấn đấu",
            ("thiếu cột bắt buộc",), communes_h=COMMUNES_H[:3], communes=[r[:3] for r in COMMUNES]),
    wb_case("unknown_catalogue", "validate", 1, "Thông tin, cột Bộ tiêu chí",
            ("không có bộ tiêu chí", "'nang_cao_2030'", "nang_cao_2021_2025"),
            info=INFO + [("Bộ tiêu chí", "nang_cao_2030")]),
    wb_case("target_year_out_of_range", "gaps", 1, f"{COMM}, dòng 3, cột Năm phấn đấu",
            ("năm không hợp lệ", "'1999'"), communes=[COMMUNES[0], ["Hòa Lạc", "2.1", "nâng cao", 1999]]),
    wb_case("completion_impossible_date", "validate", 1, "Hoàn thành, dòng 2, cột Hoàn thành (ngày hoặc quý)",
            ("ngày không hợp lệ", "31/02/2024"),
            sheets={"Hoàn thành": [["Xã", "Tiêu chí", "Hoàn thành (ngày hoặc quý)"], ["An Bình", "Y tế", "31/02/2024"]]}),
    wb_case("completion_without_date", "report", 1, "Hoàn thành, dòng 2, cột Hoàn thành (ngày hoặc quý)",
            ("thiếu ngày hoặc quý hoàn thành",),
            sheets={"Hoàn thành": [["Xã", "Tiêu chí", "Hoàn thành (ngày hoặc quý)", "Ghi chú"],
                                   ["An Bình", "Y tế", None, "đã xong"]]}),
    wb_case("milestone_bad_yes_no", "validate", 1, "Mốc hồ sơ, dòng 2, cột Áp dụng cho tiêu chí",
            ("cần 'có' hoặc 'không'", "'có lẽ'"),
            sheets={"Mốc hồ sơ": [["Xã", "Mốc", "Thời hạn (quý)", "Áp dụng cho tiêu chí"],
                                  ["An Bình", "Hồ sơ thẩm tra", "2024Q3", "có lẽ"]]}),
    wb_case("quantity_not_a_number", "validate", 1, "Số liệu, dòng 2, cột Hiện trạng",
            ("không đọc được số", "'nhiều'"),
            sheets={"Số liệu": [["Xã", "Tiêu chí", "Chỉ tiêu", "Hiện trạng"], ["An Bình", "Y tế", "Tỷ lệ", "nhiều"]]}),
    wb_case("waits_on_unknown_criterion", "build", 1, f"{D}, dòng 2, cột Chờ tiêu chí",
            ("không nhận ra tiêu chí", "'sản phẩm dưa'"),
            items=items_with(["An Bình", "Y tế", "", None, "2024Q2", "sản phẩm dưa"])),
    wb_case("item_without_criterion", "validate", 1, f"{D}, dòng 2, cột Tiêu chí (nguyên văn)",
            ("thiếu tên tiêu chí",), items=items_with(["An Bình", None, "Làm đường", None, "2024Q2"])),
    wb_case("ocop_unknown_status", "validate", 1, "OCOP, dòng 2, cột Tình trạng", ("tình trạng OCOP", "'sắp có'"),
            sheets={"OCOP": [["Xã", "Sản phẩm", "Tình trạng"], ["An Bình", "Dưa", "sắp có"]]}),
]

SCENARIO_CASES = [
    scenario_case("scenario_not_yaml", SCENARIO_PLAN + "  - {commune: Minh Đức, due: [2023Q4}\n", 1, "dòng 3",
                  ("YAML không hợp lệ",)),
    scenario_case("scenario_not_utf8", "name: Kịch bản thử\n".encode("cp1258", errors="replace") + b"\xe9\xff\n", 1,
                  "", ("UTF-8",)),
    scenario_case("scenario_is_a_list", "- {commune: Minh Đức, criterion: 13, shift: 1}\n", 1, "",
                  ("phải là một bảng", "edits")),
    scenario_case("scenario_python_tag", "name: !!python/object/apply:os.system ['echo hi']\n", 1, "dòng 1",
                  ("YAML không hợp lệ",)),
    scenario_case("scenario_unknown_edit_kind", SCENARIO_PLAN + "- {commune: Minh Đức, criterion: 13, postpone: 1}\n",
                  1, "thay đổi số 1 (dòng 3)", ("khóa không dùng được", "'postpone'")),
    scenario_case("scenario_unknown_commune",
                  SCENARIO_PLAN + "- {commune: Hưng Đạo, criterion: 6, done: true}\n"
                                  "- {commune: Minh Đứk, criterion: 13, shift: 1}\n",
                  1, "thay đổi số 2 (dòng 4)", ("không có xã 'Minh Đứk'", "gần nhất: Minh Đức"),
                  cmd=lambda f, t: ["gaps", "--scenario", f, "--format", "csv"]),
    scenario_case("scenario_unknown_criterion",
                  SCENARIO_PLAN + "- {commune: Minh Đức, criterion: Bảo hiểm thất nghiệp, due: 2023Q4}\n", 1,
                  "thay đổi số 1 (dòng 3)", ("không nhận ra tiêu chí", "'Bảo hiểm thất nghiệp'", "gần nhất")),
    scenario_case("scenario_bad_quarter", SCENARIO_PLAN + "- {commune: Minh Đức, criterion: 13, due: quý V/2023}\n", 1,
                  "thay đổi số 1 (dòng 3)", ("'due'", "không đọc được thời hạn", "quý V/2023")),
    scenario_case("scenario_due_far_future", SCENARIO_PLAN + "- {commune: Minh Đức, criterion: 13, due: quý I/2150}\n",
                  1, "thay đổi số 1 (dòng 3)", ("'due'", "ngoài phạm vi hỗ trợ", "2000–2100")),
    scenario_case("scenario_shift_past_range", SCENARIO_PLAN + "- {commune: all, shift: 400}\n", 1,
                  "thay đổi số 1 (dòng 3)", ("dời +400 quý", "ngoài phạm vi hỗ trợ", "2000–2100"),
                  cmd=lambda f, t: ["report", "--scenario", f, "--out", t / "reports"]),
    scenario_case("scenario_shift_before_range",
                  SCENARIO_PLAN + "- {commune: Minh Đức, criterion: 13, shift: -120}\n", 1,
                  "thay đổi số 1 (dòng 3)", ("dời -120 quý", "ngoài phạm vi hỗ trợ")),
    scenario_case("scenario_negative_review_lag", "name: Thử\nparameters: {review_lag: -1}\n", 1, "parameters",
                  ("review_lag '-1'", "≥ 0"), cmd=lambda f, t: ["projection", "--scenario", f]),
    scenario_case("scenario_negative_review_lag_edit", SCENARIO_PLAN + "- {review_lag: -2}\n", 1,
                  "thay đổi số 1 (dòng 3)", ("review_lag '-2'", "≥ 0")),
    Case("review_lag_option_negative", lambda t: ["scenario", _text(t / "s.yaml", "name: Thử\n"), "--review-lag", "-1"],
         2, "--review-lag -1", "", ("≥ 0",)),
    scenario_case("scenario_bad_as_of", "name: Thử\nparameters: {as_of: 13/45/2023}\n", 1, "parameters",
                  ("as_of '13/45/2023'", "không phải ngày")),
    # YAML reads 2023-02-30 as a date and fails inside the YAML library (ValueError)
    scenario_case("scenario_impossible_yaml_date",
                  SCENARIO_PLAN + "- {commune: Minh Đức, criterion: 13, due: 2023-02-30}\n", 1, "dòng 3",
                  ("2023-02-30",)),
    scenario_case("scenario_waits_on_itself",
                  SCENARIO_PLAN + "- {commune: Minh Đức, criterion: 13, add_dependency: 13}\n", 1,
                  "thay đổi số 1 (dòng 3)", ("không thể chờ chính nó",)),
    scenario_case("scenario_missing_file", None, 2, "", ("không tìm thấy tệp kịch bản",)),
    scenario_case("scenario_missing_file_for_gaps", None, 2, "", ("không tìm thấy tệp kịch bản",),
                  cmd=lambda f, t: ["gaps", "--scenario", f]),
    Case("scenario_is_a_directory", lambda t: (t / "kich_ban").mkdir() or ["scenario", t / "kich_ban"], 2,
         "kich_ban", "", ("là thư mục",)),
]

PLAN_CASES = [
    plan_case("plan_empty", "ke_hoach.txt", lambda p: _bytes(p, b""), 1, ("văn bản trống",)),
    plan_case("plan_binary", "ke_hoach.txt", lambda p: _bytes(p, bytes(range(256)) * 8), 1,
              ("không phải tệp văn bản",)),
    plan_case("plan_not_utf8", "ke_hoach.md",
              lambda p: _bytes(p, "KẾ HOẠCH xã An Tiến".encode("cp1258", errors="replace") + b"\xe9\xff\n"), 1,
              ("không phải văn bản UTF-8",)),
    plan_case("plan_docx_not_a_zip", "ke_hoach.docx", lambda p: _text(p, PLAN_TEXT.format(detail="x")), 1,
              ("là tệp văn bản thường, không phải tệp Word",)),
    plan_case("plan_docx_is_a_workbook", "ke_hoach.docx", lambda p: workbook(p), 1,
              ("là sổ Excel (.xlsx), không phải tệp Word",)),
    plan_case("plan_without_commune", "ke_hoach.md",
              lambda p: _text(p, "# KẾ HOẠCH\n\nNăm 2024 huyện tiếp tục xây dựng nông thôn mới.\n"), 1,
              ("không tìm thấy xã nào", "a) Xã")),
    plan_case("plan_docx_without_commune", "ke_hoach.docx",
              lambda p: _docx(p, "KẾ HOẠCH", "Năm 2024 huyện tiếp tục xây dựng nông thôn mới."), 1,
              ("không tìm thấy xã nào",)),
    plan_case("plan_unsupported_extension", "ke_hoach.pdf", lambda p: _bytes(p, b"%PDF-1.4\n%\xe2\xe3\n"), 2,
              ("cần tệp .txt, .md hoặc .docx",)),
    plan_case("plan_old_word_doc", "ke_hoach.doc", lambda p: _bytes(p, OLE2 + bytes(504)), 1,
              ("Word 97-2003 (.doc)", "lưu lại dạng .docx")),
    plan_case("plan_missing", "khong_co.md", None, 1, ("không tìm thấy tệp kế hoạch",)),
    # a bad option (exit 2), named as such: not "cannot read the plan (CatalogueError: …)"
    Case("plan_unknown_catalogue_option",
         lambda t: ["extract", _text(t / "ke_hoach.md", PLAN_TEXT.format(detail="x")), "--out", t / "ket_qua.xlsx",
                    "--catalogue", "khong_co"],
         2, "'khong_co'", "", ("không có bộ tiêu chí", "nang_cao_2021_2025")),
    Case("plan_out_into_raw_data",
         lambda t: ["extract", _text(t / "ke_hoach.md", PLAN_TEXT.format(detail="x")),
                    "--out", config.RAW_DIR / "ke_hoach.xlsx"],
         2, "ke_hoach.xlsx", "", ("dữ liệu gốc",)),
]


def _out_is_a_file(tmp: Path) -> list:
    workbook(tmp / "ke_hoach.xlsx")
    _text(tmp / "processed", "một tệp, không phải thư mục\n")
    return data_argv("build", tmp / "ke_hoach.xlsx", tmp)


def _out_blocked_half_way(tmp: Path) -> list:
    """The third table's name is taken by a folder: nothing may be written at all."""
    workbook(tmp / "ke_hoach.xlsx")
    (tmp / "processed" / "model_requirements.csv").mkdir(parents=True)
    return data_argv("build", tmp / "ke_hoach.xlsx", tmp)


OUTPUT_CASES = [
    Case("build_out_is_a_file", _out_is_a_file, 2, "processed", "", ("thư mục",)),
    Case("build_out_blocked_half_way", _out_blocked_half_way, 1, "model_requirements.csv", "", ()),
    Case("template_unknown_catalogue", lambda t: ["template", t / "mau.xlsx", "--catalogue", "khong_co"], 2,
         "'khong_co'", "", ("không có bộ tiêu chí", "nang_cao_2021_2025")),
]

CASES = WORKBOOK_FILE_CASES + WORKBOOK_DATA_CASES + SCENARIO_CASES + PLAN_CASES + OUTPUT_CASES


def _message_line(text: str, case: Case) -> str:
    """The line of the output that names the file (and the place, when the case has one)."""
    anchor = f"{case.file}, {case.where}" if case.where else case.file
    lines = [ln for ln in text.splitlines() if anchor in ln]
    assert lines, f"no line names {anchor!r}:\n{text}"
    with_words = [ln for ln in lines if all(w in ln for w in case.words)]
    assert with_words, f"the line naming {anchor!r} lacks {case.words}:\n" + "\n".join(lines)
    return with_words[0]


def test_cases_are_many_and_distinct():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gives_a_clear_message_and_no_output(case: Case, tmp_path, capsys):
    argv = case.setup(tmp_path)
    before = _tree(tmp_path)
    code, out, err = run(argv, capsys)
    text = out + err
    assert "Traceback" not in text
    assert code == case.code, f"exit {code}, expected {case.code}:\n{text}"
    line = _message_line(text, case)
    assert line.startswith(("ntm: ", "LỖI: ")), line  # an error, not a warning or a stray print
    assert _tree(tmp_path) == before, "an output (or a temporary file) was written"


# ----------------------------------------------------------------- inputs that must load
def test_deadline_before_the_plan_year_is_warned(tmp_path, capsys):
    """A deadline in 2019 in a 2023 plan is almost surely a typo: load, but warn at the cell."""
    path = workbook(tmp_path / "ke_hoach.xlsx", items=items_with(["An Bình", "Y tế", "", None, "quý I/2019"]))
    code, out, err = run(["validate", path], capsys)
    assert code == 0, out + err
    warnings = [ln for ln in out.splitlines() if ln.startswith("CẢNH BÁO")]
    hit = [ln for ln in warnings if f"ke_hoach.xlsx, {D}, dòng 2, cột {ITEM}" in ln]
    assert hit, "no warning names the cell:\n" + out
    assert "quý I/2019" in hit[0] and "2023" in hit[0]


@pytest.mark.parametrize("in_communes, in_details", [("Xã An Bình", "Xã An Bình"), ("Xã An Bình", "An Bình")],
                         ids=["both_sheets", "communes_sheet_only"])
def test_commune_written_with_xa_prefix_loads(tmp_path, capsys, in_communes, in_details):
    """'Xã An Bình' is how plans name communes; it must match whichever sheet writes it."""
    path = workbook(tmp_path / "ke_hoach.xlsx", communes=[[in_communes, "2.1", "nâng cao", 2024]],
                    items=items_with([in_details, "Y tế", "", None, "2024Q2"]))
    code, out, err = run(["gaps", "--data", path, "--by", "commune", "--format", "csv"], capsys)
    assert code == 0, out + err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["commune"], r["missing"]) for r in rows] == [(in_communes, "1")]


def test_plan_year_that_is_not_a_year_is_reported(tmp_path, capsys):
    """'Năm kế hoạch: năm nay' is dropped silently today; deadline checks need the year."""
    path = workbook(tmp_path / "ke_hoach.xlsx", info=[("Huyện", "Thử"), ("Năm kế hoạch", "năm nay")])
    code, out, err = run(["validate", path], capsys)
    hit = [ln for ln in (out + err).splitlines() if "ke_hoach.xlsx, Thông tin" in ln and "'năm nay'" in ln]
    assert hit, out + err


def test_empty_scenario_file_is_the_baseline(tmp_path, capsys):
    """An empty scenario is no edit at all: the command runs and says nothing changed."""
    path = _bytes(tmp_path / "rong.yaml", b"")
    before = _tree(tmp_path)
    code, out, err = run(["scenario", path], capsys)
    assert code == 0, err
    assert "Kịch bản: rong" in out and "(không có thay đổi)" in out and "\n0/13 xã thay đổi dự kiến:" in out
    assert _tree(tmp_path) == before


# ----------------------------------------------------------------- 100,000 item rows
def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_xml(rows: list[list]) -> str:
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for i, row in enumerate(rows, 1):
        cells = []
        for j, v in enumerate(row, 1):
            if isinstance(v, (int, float)):
                cells.append(f'<c r="{_col(j)}{i}"><v>{v}</v></c>')
            elif v is not None:
                cells.append(f'<c r="{_col(j)}{i}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
        parts.append(f'<row r="{i}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts)


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A minimal .xlsx (inline strings, no styles) written with zipfile: fast for big sheets."""
    n = len(sheets)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", head + f'<Types xmlns="{pkg}/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
                             for i in range(1, n + 1)) + "</Types>")
        z.writestr("_rels/.rels", head + f'<Relationships xmlns="{pkg}/relationships"><Relationship Id="rId1" '
                   f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", head + f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                   + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                             for i, name in enumerate(sheets, 1)) + "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", head + f'<Relationships xmlns="{pkg}/relationships">'
                   + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                             for i in range(1, n + 1)) + "</Relationships>")
        for i, rows in enumerate(sheets.values(), 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(rows))
    return path


BIG_ITEMS = 4_000  # the scale itself is measured by benchmarks/bench.py, not here


@pytest.fixture(scope="session")
def big_workbook(tmp_path_factory):
    """4,000 item rows: every criterion of 211 communes, deadlines over 2025 (once per session)."""
    cat = load_catalogue()
    names = [cat.name(c) for c in cat.criterion_codes]
    n_communes = -(-BIG_ITEMS // len(names))
    communes = [COMMUNES_H] + [[f"Phú {i:05d}", "2.1", "nâng cao", 2025] for i in range(n_communes)]
    items = [["Xã", "Tiêu chí (nguyên văn)", "Thời hạn (quý)"]] + [
        [f"Phú {k // len(names):05d}", names[k % len(names)], f"2025Q{k % 4 + 1}"] for k in range(BIG_ITEMS)]
    path = tmp_path_factory.mktemp("big") / "ca_nuoc.xlsx"
    write_xlsx(path, {"Thông tin": [["Mục", "Giá trị"], ["Năm kế hoạch", 2025]], "Xã": communes,
                      "Chi tiết": items})
    return path, n_communes


def test_a_workbook_of_thousands_of_item_rows_builds(big_workbook, tmp_path, capsys):
    path, n_communes = big_workbook
    out_dir = tmp_path / "processed"
    code, out, err = run(["build", "--data", path, "--out", out_dir], capsys)
    assert code == 0, err
    with open(out_dir / "gaps.csv", encoding="utf-8-sig", newline="") as f:
        gaps = list(csv.DictReader(f))
    assert len(gaps) == BIG_ITEMS
    assert {g["due"] for g in gaps} == {"2025Q1", "2025Q2", "2025Q3", "2025Q4"}
    with open(out_dir / "communes.csv", encoding="utf-8-sig", newline="") as f:
        communes = list(csv.DictReader(f))
    assert len(communes) == n_communes
    assert [c["listed_missing"] for c in communes[:2]] == ["19", "19"]  # 4,000 = 210 × 19 + 10
    assert communes[-1]["listed_missing"] == str(BIG_ITEMS - (n_communes - 1) * 19)
    assert [p.name for p in out_dir.iterdir() if p.name.startswith(".")] == [record_name(PACK)]  # no temporary file


# ----------------------------------------------------------------- formula-safe outputs
@pytest.fixture
def evil_workbook(tmp_path) -> Path:
    """Communes and details that a spreadsheet would run as formulas."""
    levels = ["nâng cao", "nâng cao", "kiểu mẫu", "nâng cao"]
    communes = [[name, "2.1", level, 2024] for name, level in zip(EVIL, levels)]
    crits = ["Y tế", "Giao thông", "Điện", "Văn hóa"]
    details = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"]
    items = items_with(*[[n, c, d, None, "2024Q3"] for n, c, d in zip(EVIL, crits, details)])
    return workbook(tmp_path / "ke_hoach.xlsx", communes=communes, items=items)


def _unsafe_csv_cells(text: str) -> list[str]:
    """CSV cells a spreadsheet would run as formulas (a leading apostrophe makes them text)."""
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA_START):
                try:
                    float(cell)  # "-3" is a number, not a formula
                except ValueError:
                    bad.append(cell)
    return bad


def test_build_csvs_are_formula_safe(evil_workbook, tmp_path, capsys):
    code, out, err = run(["build", "--data", evil_workbook, "--out", tmp_path / "processed"], capsys)
    assert code == 0, err
    texts = {p.name: p.read_text(encoding="utf-8-sig") for p in (tmp_path / "processed").glob("*.csv")}
    assert {n: _unsafe_csv_cells(t) for n, t in texts.items() if _unsafe_csv_cells(t)} == {}
    communes = list(csv.DictReader(io.StringIO(texts["communes.csv"])))
    assert [c["commune"] for c in communes] == ["'" + n for n in EVIL]  # kept, as text
    gaps = list(csv.DictReader(io.StringIO(texts["gaps.csv"])))
    assert sorted(g["detail"] for g in gaps) == sorted(["'=1+1", "'+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1,2)"])


@pytest.mark.parametrize("by", ["commune", "criterion"])
def test_gaps_csv_is_formula_safe(evil_workbook, capsys, by):
    code, out, err = run(["gaps", "--data", evil_workbook, "--format", "csv", "--by", by], capsys)
    assert code == 0, err
    assert _unsafe_csv_cells(out) == []
    cells = {c for row in csv.reader(io.StringIO(out)) for c in row}
    assert {"'" + n for n in EVIL} <= cells  # every commune is there, as text


def test_scenario_csv_is_formula_safe(evil_workbook, tmp_path, capsys):
    s = _text(tmp_path / "s.yaml", "edits:\n- {commune: all, shift: 1}\n")
    code, out, err = run(["scenario", s, "--data", evil_workbook, "--format", "csv"], capsys)
    assert code == 0, err
    assert _unsafe_csv_cells(out) == []
    assert {"'" + n for n in EVIL} <= {c for row in csv.reader(io.StringIO(out)) for c in row}


def _formula_cells(path: Path) -> list[str]:
    wb = load_workbook(path)  # not read-only: data_type as stored
    return [f"{ws.title}!{c.coordinate}={c.value}" for ws in wb for row in ws.iter_rows() for c in row
            if c.data_type == "f"]


def test_report_workbook_is_formula_safe(evil_workbook, tmp_path, capsys):
    code, out, err = run(["report", "--data", evil_workbook, "--out", tmp_path / "reports"], capsys)
    assert code == 0, err
    path = tmp_path / "reports" / report.FILES["workbook"]
    assert _formula_cells(path) == []
    wb = load_workbook(path)
    texts = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for name in EVIL:  # each commune is in the workbook, as a text cell
        hits = [c for c in texts if c.value.lstrip("'") == name]
        assert hits and {c.data_type for c in hits} == {"s"}, name


def test_report_workbook_plan_and_scenario_names_are_formula_safe(tmp_path, capsys):
    """The district, the plan's title and the scenario's name are shown on the summary sheet."""
    path = workbook(tmp_path / "ke_hoach.xlsx", info=[("Huyện", EVIL[0]), ("Kế hoạch", "=2+2"),
                                                      ("Năm kế hoạch", 2023)])
    s = _text(tmp_path / "s.yaml", 'name: "=HYPERLINK(\\"http://evil.example\\",\\"x\\")"\n'
                                   "edits:\n- {commune: An Bình, criterion: Y tế, shift: 1}\n")
    code, out, err = run(["report", "--data", path, "--scenario", s, "--out", tmp_path / "reports"], capsys)
    assert code == 0, err
    assert _formula_cells(tmp_path / "reports" / report.FILES["workbook"]) == []


@pytest.mark.parametrize("command", ["extract", "template"])
def test_written_plan_workbooks_are_formula_safe(tmp_path, capsys, command):
    """Workbooks written in the plan layout (``ntm extract``, ``ntm template``) keep
    formula-like text as text, so that loading them back gives the same words."""
    out_path = tmp_path / "so.xlsx"
    if command == "extract":
        plan = _text(tmp_path / "ke_hoach.md", PLAN_TEXT.format(detail='=HYPERLINK("http://evil.example","5%")'))
        argv = ["extract", plan, "--out", out_path]
    else:
        argv = ["template", out_path, "--district", EVIL[0]]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert _formula_cells(out_path) == []
