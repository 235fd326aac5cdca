"""Hostile and unlucky files given to ``ntm`` (issue 12: reading).

Each hostile file is built small in ``tmp_path`` (a few kilobytes of zip, at most a few
hundred) and given to the real command line in a child process whose address space is
limited (:data:`MEMORY`): the case passes when ``ntm`` refuses it with a message naming
the file (and the sheet, or the part), exit 1, no traceback, well within the timeout,
and writes nothing. A normal run is measured to fit under the same limit, so the limit
is not what stops a case.

The other cases check what is read: UTF-16 and UTF-32 plans, two sheets or two columns
of one kind, formula errors, the 1904 date system, invisible characters in names,
Unicode cells in a legacy font, a plan that does not state its district.
"""
from __future__ import annotations

import datetime
import json
import os
import re
import resource
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Callable

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

import ntm_analysis
from ntm_analysis import cli, config
from ntm_analysis.core.errors import UserError
from ntm_analysis.core.names import nfc
from ntm_analysis.io.xlsx_bounds import MAX_SHEETS, tiny_workbook
from ntm_analysis.load.api import load_plan, validate_workbook

MEMORY = 1536 * 2**20  # the address space of the child: 1.5 GiB
TIMEOUT = 300  # seconds for the child's whole batch: generous (two busy cores)
SECONDS = 10  # the most one case may take, start-up aside (each takes well under one)
MB = 1_000_000
ROOT = Path(ntm_analysis.__file__).resolve().parents[1]
#: runs ``ntm`` once per line of its input (a JSON case), in the case's folder, and prints
#: a JSON line per case: exit code, what was printed (a traceback, if any), seconds
CHILD = """
import contextlib, io, json, os, sys, time, traceback
from ntm_analysis.cli.main import main
for line in sys.stdin:
    case = json.loads(line)
    os.chdir(case["cwd"])
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            code = main(case["argv"])
        except SystemExit as exc:
            code = exc.code
        except BaseException:
            code = "traceback"
            traceback.print_exc(file=out)
    seconds = time.perf_counter() - start
    print(json.dumps({"id": case["id"], "code": code, "text": out.getvalue(), "seconds": seconds}), flush=True)
"""


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def ntm_child(cases: list[dict]) -> dict[str, dict]:
    """Run each case (``id``, ``argv``, ``cwd``) as ``ntm ARGV`` in one child process
    limited to :data:`MEMORY`: its outcome by id (a case the child died on is missing)."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MPLBACKEND="Agg")
    done = subprocess.run([sys.executable, "-c", CHILD], input="".join(json.dumps(c) + "\n" for c in cases),
                          env=env, preexec_fn=_limit, capture_output=True, text=True, timeout=TIMEOUT)
    out = {}
    for line in done.stdout.splitlines():
        result = json.loads(line)
        out[result["id"]] = result
    if len(out) < len(cases):
        out["_died"] = {"code": done.returncode, "text": done.stderr}
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


#: name → (build(folder) -> the file, the command, the words its message must hold)
HOSTILE: dict[str, tuple[Callable[[Path], Path], str, tuple[str, ...]]] = {}


def hostile(cmd: str, *words: str):
    """Register a hostile file: ``ntm CMD`` on it must be refused with ``words``."""
    def register(build: Callable[[Path], Path]) -> Callable[[Path], Path]:
        HOSTILE[build.__name__] = (build, cmd, words)
        return build
    return register


# ----------------------------------------------------------------- building files
SHEET_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def _zip(path: Path, parts: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _with_part(path: Path, name: str, head: bytes, fill: bytes, size: int, tail: bytes) -> Path:
    """A copy of the package at ``path`` whose part ``name`` is ``head``, ``fill`` repeated
    to ``size`` bytes, then ``tail``: written a megabyte at a time (a bomb of a few kB)."""
    parts = _parts(path)
    parts.pop(name, None)
    _zip(path, parts)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open(name, "w", force_zip64=True) as f:
        f.write(head)
        block = fill * (MB // len(fill))
        for _ in range(size // len(block)):
            f.write(block)
        f.write(tail)
    return path


def _state_size(path: Path, name: str, size: int) -> Path:
    """Make the zip state ``size`` bytes for part ``name`` (local header and directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, size)
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        n = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46:at + 46 + n]) == name.encode():
            struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))
    return path


def _cells(*cells: str) -> str:
    return "".join(cells)


def _text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


COMMUNES_H = ["Xã", "Mục kế hoạch", "Mức phấn đấu", "Năm phấn đấu"]
ITEMS_H = ["Xã", "Tiêu chí (nguyên văn)", "Thời hạn (quý)"]


def plan_workbook(path: Path, sheets: dict[str, list[list]] | None = None, font: str | None = None,
                  info: list[tuple] = (("Huyện", "Thử"), ("Năm kế hoạch", 2024)), edit=None) -> Path:
    """A small plan: Thông tin, Xã (two communes), Chi tiết, as ``sheets`` replace or add;
    every cell in ``font`` when given; ``edit(workbook)`` last."""
    all_sheets = {"Thông tin": [["Mục", "Giá trị"], *map(list, info)],
                  "Xã": [COMMUNES_H, ["An Bình", "2.1", "nâng cao", 2024], ["Hòa Lạc", "2.1", "nâng cao", 2024]],
                  "Chi tiết": [ITEMS_H, ["An Bình", "Y tế", "2024Q2"], ["Hòa Lạc", "Giao thông", "2024Q3"]]}
    all_sheets.update(sheets or {})
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in all_sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if font:
            for row in ws.iter_rows():
                for cell in row:
                    cell.font = Font(name=font)
    if edit:
        edit(wb)
    wb.save(path)
    return path


# ----------------------------------------------------------------- workbooks: bounded work
@hostile("validate", "trang 'Xã'", "XFD1048576", "quá giới hạn")
def one_cell_at_xfd1048576(d: Path) -> Path:
    path = tiny_workbook(d / "xa_xa.xlsx", _cells(_text_cell("A1", "Xã"), '<c r="XFD1048576"><v>1</v></c>'))
    assert path.stat().st_size < 3000
    return path


@hostile("validate", "trang 'Xã'", "A1:XFD1048576", "tự ghi vùng dữ liệu")
def a_dimension_stating_the_whole_sheet(d: Path) -> Path:
    return tiny_workbook(d / "vung.xlsx", _text_cell("A1", "Xã"), head='<dimension ref="A1:XFD1048576"/>')


@hostile("validate", "trang 'Xã'", "ZZ900000")
def a_cell_far_from_its_row_and_a_small_dimension(d: Path) -> Path:
    """The dimension says A1:B2 and the row says 1, but the cell says ZZ900000."""
    return tiny_workbook(d / "lech.xlsx", _cells(_text_cell("A1", "Xã"), '<c r="ZZ900000"><v>1</v></c>'),
                         head='<dimension ref="A1:B2"/>')


@hostile("validate", "trang 'Xã'", "XFD1000", "1.000.000 ô")
def a_legacy_font_sheet_padded_to_its_dimension(d: Path) -> Path:
    """openpyxl (which reads legacy-font workbooks) pads each of the 1,000 rows to XFD."""
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(2, 1001))
    return tiny_workbook(d / "vntime.xlsx", _text_cell("A1", "Xã") + "</row>" + rows[:-len("</row>")],
                         head='<dimension ref="A1:XFD1"/>', styles='<fonts><font><name val=".VnTime"/></font></fonts>')


@hostile("validate", "trang 'Xã'", "bom nén")
def a_sheet_bomb(d: Path) -> Path:
    path = tiny_workbook(d / "bom.xlsx", _text_cell("A1", "Xã"))
    _with_part(path, "xl/worksheets/sheet1.xml", f"{SHEET_HEAD}<sheetData>".encode(), b"<row/>", 64 * MB,
               b"</sheetData></worksheet>")
    assert path.stat().st_size < 200_000
    return path


@hostile("validate", "xl/worksheets/sheet1.xml", "ghi cỡ 100 byte")
def a_part_stating_a_false_size(d: Path) -> Path:
    """A reader trusting the stated size would inflate more than it made room for."""
    path = tiny_workbook(d / "noi_doi.xlsx", _text_cell("A1", "Xã") * 200)
    return _state_size(path, "xl/worksheets/sheet1.xml", 100)


@hostile("validate", "trang 'Xã'", "bom nén")
def a_bomb_stating_a_false_size(d: Path) -> Path:
    path = tiny_workbook(d / "bom_noi_doi.xlsx", _text_cell("A1", "Xã"))
    _with_part(path, "xl/worksheets/sheet1.xml", f"{SHEET_HEAD}<sheetData>".encode(), b" ", 40 * MB,
               b"</sheetData></worksheet>")
    return _state_size(path, "xl/worksheets/sheet1.xml", 100)


@hostile("validate", "bảng chữ dùng chung", "bom nén")
def a_shared_strings_bomb(d: Path) -> Path:
    path = tiny_workbook(d / "chu.xlsx", '<c r="A1" t="s"><v>0</v></c>')
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return _with_part(path, "xl/sharedStrings.xml", f"<sst {ns}><si><t>Xã</t></si>".encode(), b"<si><t>a</t></si>",
                      64 * MB, b"</sst>")


@hostile("validate", "bảng định dạng", "250.000")
def a_style_bomb(d: Path) -> Path:
    path = tiny_workbook(d / "kieu.xlsx", _text_cell("A1", "Xã"),
                         styles="<cellXfs>" + '<xf numFmtId="0"/>' * 250_000 + "</cellXfs>")
    assert path.stat().st_size < 100_000
    return path


@hostile("validate", "1.501 trang", "quá giới hạn")
def thousands_of_sheets(d: Path) -> Path:
    path = tiny_workbook(d / "trang.xlsx", _text_cell("A1", "Xã"))
    parts = _parts(path)
    many = "".join(f'<sheet name="T{i}" sheetId="{i + 2}" r:id="rId1"/>' for i in range(MAX_SHEETS + 500))
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].decode().replace("</sheets>", many + "</sheets>")
    return _zip(path, parts)


@hostile("validate", "20.00", "quá giới hạn")
def tens_of_thousands_of_parts(d: Path) -> Path:
    path = tiny_workbook(d / "phan.xlsx", _text_cell("A1", "Xã"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as z:
        for i in range(20_001):
            z.writestr(f"x/{i}", b"")
    return path


@hostile("validate", "trang 'Xã'", "DOCTYPE")
def a_billion_laughs(d: Path) -> Path:
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 10)) + "]>")
    path = tiny_workbook(d / "cuoi.xlsx", _text_cell("A1", "&lol9;"))
    parts = _parts(path)
    parts["xl/worksheets/sheet1.xml"] = laughs + parts["xl/worksheets/sheet1.xml"].decode()
    return _zip(path, parts)


@hostile("validate", "xl/worksheets/sheet1.xml", "hai lần")
def a_part_twice(d: Path) -> Path:
    path = tiny_workbook(d / "hai_lan.xlsx", _text_cell("A1", "Xã"))
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return path


@hostile("validate", "bị cắt ngắn", "lấy lại tệp")
def a_workbook_cut_short(d: Path) -> Path:
    full = plan_workbook(d / "day_du.xlsx")
    data = full.read_bytes()
    full.unlink()
    path = d / "tai_do.xlsx"
    path.write_bytes(data[: len(data) * 2 // 3])
    return path


@hostile("validate", "không đọc được", "hỏng")
def a_broken_sheet_in_a_legacy_font_workbook(d: Path) -> Path:
    full = plan_workbook(d / "full.xlsx", font=".VnTime")
    parts = _parts(full)
    full.unlink()
    sheet = next(n for n in parts if n.startswith("xl/worksheets/"))
    parts[sheet] = parts[sheet][: len(parts[sheet]) // 2]
    return _zip(d / "vntime.xlsx", parts)


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    def build(d: Path) -> Path:
        (d / name).write_bytes(data)
        return d / name
    return build


def _ole2(stream: str) -> bytes:
    """An Office 97-2003 container naming ``stream`` in its directory."""
    return OLE2 + bytes(504) + stream.encode("utf-16-le") + bytes(1000)


for _name, _data, _cmd, _words in [  # what the file is, in words
        ("mat_khau.xlsx", _ole2("EncryptedPackage"), "validate", ("đặt mật khẩu", "bỏ mật khẩu")),
        ("cu.xlsx", _ole2("Workbook"), "validate", ("Excel 97-2003 (.xls)", "lưu lại dạng .xlsx")),
        ("ban_in.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "validate", ("là tệp PDF",)),
        ("web.xlsx", "<html><body><table><tr><td>Xã</td></tr></table></body></html>".encode(), "validate",
         ("trang web (HTML)",)),
        ("bang.xlsx", "Xã;Tiêu chí\nAn Bình;Y tế\n".encode(), "validate", ("bảng CSV",)),
        ("ke_hoach.docx", _ole2("WordDocument"), "extract", ("Word 97-2003 (.doc)",)),
        ("mat_khau.doc", _ole2("EncryptedPackage"), "extract", ("đặt mật khẩu",)),
        ("van_ban.docx", "KẾ HOẠCH xây dựng xã NTM".encode(), "extract", ("là tệp văn bản thường",))]:
    HOSTILE[f"not_what_it_says_{_name}"] = (_file(_name, _data), _cmd, _words)


# ----------------------------------------------------------------- Word and text plans
PLAN_TEXT = """KẾ HOẠCH xây dựng xã NTM nâng cao năm 2024 của huyện An Lão
II. KẾ HOẠCH THỰC HIỆN
1. Các xã phấn đấu về đích NTM nâng cao năm 2024
a) Xã An Tiến: Đạt 18/19 tiêu chí; còn 01 tiêu chí cần hoàn thiện, cụ thể:
+ Tiêu chí Y tế: nâng tỷ lệ người dân có thẻ bảo hiểm y tế. Phấn đấu hoàn thành trong quý III/2024.
"""


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for line in PLAN_TEXT.splitlines():
        d.add_paragraph(line)
    d.save(str(path))
    return path


@hostile("extract", "nội dung văn bản", "bom nén")
def a_docx_bomb(d: Path) -> Path:
    path = _docx(d / "ke_hoach.docx")
    body = _parts(path)["word/document.xml"]
    cut = body.index(b"<w:body>") + len(b"<w:body>")
    _with_part(path, "word/document.xml", body[:cut], b"<w:p/>", 64 * MB, body[cut:])
    assert path.stat().st_size < 300_000
    return path


@hostile("extract", "word/document.xml", "ghi cỡ 100 byte")
def a_docx_stating_a_false_size(d: Path) -> Path:
    return _state_size(_docx(d / "ke_hoach.docx"), "word/document.xml", 100)


@hostile("extract", "quá giới hạn 10 MB")
def a_text_plan_over_the_size_limit(d: Path) -> Path:
    path = d / "ke_hoach.md"
    with open(path, "w", encoding="utf-8") as fh:
        for _ in range(110):
            fh.write(PLAN_TEXT * (100_000 // len(PLAN_TEXT.encode())))
    return path


@hostile("extract", "là văn bản UTF-16", "lưu lại dạng UTF-8")
def a_broken_utf16_plan(d: Path) -> Path:
    path = d / "ke_hoach.txt"
    path.write_bytes(PLAN_TEXT.encode("utf-16") + b"\x00\xd8A\x00")  # a lone surrogate
    return path


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, dict]:
    """Every hostile file built in its own folder, then given to ``ntm`` in one child:
    the outcome by name, with the folder's files before and after."""
    root = tmp_path_factory.mktemp("hostile")
    cases, folders = [], {}
    for name, (build, cmd, _) in HOSTILE.items():
        folder = root / name
        folder.mkdir()
        path = build(folder)
        argv = ["extract", path, "--out", folder / "ra.xlsx"] if cmd == "extract" else [cmd, path]
        cases.append({"id": name, "argv": [str(a) for a in argv], "cwd": str(folder)})
        folders[name] = (folder, path, _files(folder))
    results = ntm_child(cases)
    for name, (folder, path, before) in folders.items():
        if name in results:
            results[name].update(path=path, before=before, after=_files(folder))
    return results


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused(outcomes, name):
    """Exit 1, one message naming the file and holding the case's words, no traceback,
    within :data:`SECONDS`, nothing written, the file itself unchanged."""
    assert name in outcomes, f"the child died before this case: {outcomes.get('_died')}"
    result = outcomes[name]
    text, words = result["text"], HOSTILE[name][2]
    assert "Traceback" not in text and "MemoryError" not in text, text
    assert result["code"] == 1, f"exit {result['code']}:\n{text}"
    lines = [ln for ln in text.splitlines() if result["path"].name in ln]
    assert lines and any(all(w in ln for w in words) for ln in lines), (words, text)
    assert "không đọc được sổ Excel" not in text, text  # the misleading message of old
    assert result["seconds"] < SECONDS, result["seconds"]
    assert result["after"] == result["before"], "a file was written or changed"


def test_a_normal_run_fits_under_the_memory_limit(tmp_path):
    """The same child, limit and runner on the embedded plan: a normal run passes."""
    cases = [{"id": "validate", "argv": ["validate"], "cwd": str(tmp_path)},
             {"id": "build", "argv": ["build", "--out", str(tmp_path / "processed")], "cwd": str(tmp_path)}]
    results = ntm_child(cases)
    assert [results[c["id"]]["code"] for c in cases] == [0, 0], results
    assert (tmp_path / "processed").is_dir()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be",
                                   "utf-8-sig"])
def test_a_plan_saved_as_utf16_or_utf32_is_read_right(tmp_path, capsys, codec):
    path = tmp_path / "ke_hoach.txt"
    path.write_bytes(PLAN_TEXT.encode(codec))
    out = tmp_path / "ra.xlsx"
    assert cli.main(["extract", str(path), "--out", str(out), "--format", "json"]) == 0, capsys.readouterr().err
    plan = load_plan(out)
    assert list(plan.communes["commune"]) == ["An Tiến"]
    assert plan.meta["district"] == "An Lão"


# ----------------------------------------------------------------- nothing silently ignored
def _errors(path: Path) -> list[str]:
    plan, found = validate_workbook(path)
    assert plan is None, "the workbook should not load"
    return [f.text() for f in found if f.severity == "error"]


def test_a_second_sheet_of_one_kind_is_an_error_naming_both(tmp_path, capsys):
    path = plan_workbook(tmp_path / "hai_trang.xlsx", {"chi tiet": [ITEMS_H, ["Hòa Lạc", "Điện", "2024Q4"]]})
    assert any("'Chi tiết' và 'chi tiet'" in e for e in _errors(path))
    assert cli.main(["validate", str(path)]) == 1
    assert "hai trang cùng là trang 'Chi tiết'" in capsys.readouterr().out


def test_a_column_twice_is_an_error_naming_both(tmp_path):
    items = [ITEMS_H + ["Thời hạn (quý)"], ["An Bình", "Y tế", "2024Q2", "2024Q4"]]
    errors = _errors(plan_workbook(tmp_path / "hai_cot.xlsx", {"Chi tiết": items}))
    assert any("Chi tiết, dòng 1" in e and "cột 'Thời hạn (quý)' có hai lần: cột C" in e and "cột D" in e
               for e in errors), errors


@pytest.mark.parametrize("font", [None, ".VnTime"])  # read by calamine, by openpyxl
@pytest.mark.parametrize("code, meaning", [("#REF!", "tham chiếu tới ô đã bị xóa"), ("#N/A", "không tìm thấy"),
                                           ("#VALUE!", "sai kiểu giá trị")])
def test_a_formula_error_cell_is_an_error_naming_the_cell(tmp_path, font, code, meaning):
    def edit(wb):
        cell = wb["Chi tiết"]["C3"]
        cell.value, cell.data_type = code, "e"

    errors = _errors(plan_workbook(tmp_path / "loi.xlsx", font=font, edit=edit))
    assert any(e.startswith("LỖI: loi.xlsx, Chi tiết, dòng 3, cột Thời hạn (quý): ô có lỗi công thức " + code)
               and meaning in e for e in errors), errors


@pytest.mark.parametrize("font", [None, ".VnTime"])
def test_a_1904_workbook_reads_its_dates_right(tmp_path, font):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    done = {"Hoàn thành": [["Xã", "Tiêu chí", "Hoàn thành (ngày hoặc quý)"], ["An Bình", "Y tế",
                                                                              datetime.date(2024, 5, 20)]]}
    plans = {}
    for epoch in ("1900", "1904"):
        def edit(wb, epoch=epoch):
            if epoch == "1904":
                wb.epoch = CALENDAR_MAC_1904
        path = plan_workbook(tmp_path / f"ngay_{epoch}.xlsx", done, font=font, edit=edit)
        plans[epoch] = load_plan(path)
    assert b'date1904="1"' in _parts(tmp_path / "ngay_1904.xlsx")["xl/workbook.xml"]
    one, other = (plans[e].completions.reset_index(drop=True) for e in ("1900", "1904"))
    assert len(one) == 1 and one.equals(other), (one, other)
    assert str(other.iloc[0]["done"]).startswith("2024")


@pytest.mark.parametrize("mark", ["\u200d", "\u200c", "\u2060", "\ufeff", "\u202e", "\u200b"])
def test_communes_differing_by_an_invisible_character_are_one(tmp_path, mark):
    communes = [COMMUNES_H, ["An Bình", "2.1", "nâng cao", 2024], [f"An B{mark}ình", "2.1", "nâng cao", 2024]]
    errors = _errors(plan_workbook(tmp_path / "an.xlsx", {"Xã": communes}))
    assert any("Xã, dòng 3, cột Xã: xã trùng (đã có ở dòng 2)" in e for e in errors), errors
    # a detail row naming the commune with the mark matches it; the name stays as written
    communes = [COMMUNES_H, [f"An Bình{mark}", "2.1", "nâng cao", 2024]]
    plan = load_plan(plan_workbook(tmp_path / "mot.xlsx", {"Xã": communes, "Chi tiết": [
        ITEMS_H, ["An Bình", "Y tế", "2024Q2"], [f"{mark}An Bình", "Giao thông", "2024Q3"]]}))
    assert list(plan.communes["commune"]) == [nfc(f"An Bình{mark}")]  # (a zero-width space was always dropped)
    assert len(plan.gaps) == 2


def test_unicode_in_a_legacy_font_cell_is_left_as_typed(tmp_path):
    from ntm_analysis.io.legacy import unicode_to_tcvn3

    communes = [COMMUNES_H, ["An Bình", "2.1", "nâng cao", 2024], [unicode_to_tcvn3("Hòa Lạc"), "2.1", "nâng cao", 2024]]
    items = [ITEMS_H, ["An Bình", "Y tế", "2024Q2"], ["Hòa Lạc", "Giao thông", "2024Q3"]]
    plan = load_plan(plan_workbook(tmp_path / "vntime.xlsx", {"Xã": communes, "Chi tiết": items}, font=".VnTime"))
    assert list(plan.communes["commune"]) == ["An Bình", "Hòa Lạc"]
    assert not any("An Bỡnh" in w.text() for w in plan.warnings)


@pytest.mark.parametrize("info", [[("Năm kế hoạch", 2024)], [("Huyện", None), ("Tỉnh", " "), ("Năm kế hoạch", 2024)]])
def test_a_plan_without_its_district_says_so(tmp_path, capsys, info):
    path = plan_workbook(tmp_path / "khong_huyen.xlsx", info=info)
    assert cli.main(["summary", "--data", str(path)]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "Huyện ," not in out
    assert "chưa rõ huyện, tỉnh" in out.splitlines()[1]


def test_messages_hold_no_code_words():
    """The reading messages are words for people: no Python names in either language."""
    from code_words import code_words
    from ntm_analysis.i18n.texts import TEXTS

    mine = [k for k in TEXTS if k.split(".")[-1].startswith(("pkg_", "book_", "sheet_", "doc_", "formula_",
                                                              "duplicate_sheet", "duplicate_header", "unit_"))]
    assert len(mine) > 40
    for key in mine:
        for lang, text in zip(("vi", "en"), TEXTS[key]):
            assert not code_words(re.sub(r"\{[^}]*\}", " ", text), lang), (key, lang, text)


def test_user_error_is_what_a_library_caller_gets(tmp_path):
    path = tiny_workbook(tmp_path / "xa.xlsx", '<c r="XFD1048576"><v>1</v></c>')
    with pytest.raises(UserError, match="XFD1048576"):
        validate_workbook(path)
