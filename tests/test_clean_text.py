"""Clean text on every output (issue 12, item 5): data text holding control or
bidirectional characters, or markup, is shown, never acted on.

A commune's name in the workbook holds ESC sequences that would clear the screen, set
the window title and plant a hyperlink, a C1 CSI, a BEL and a right-to-left override,
written raw in the sheet XML or as Excel stores them (``_x001B_``). Every command runs
as a user runs it (a child process with bounded memory, :mod:`limited_run`) and:

- prints nothing a terminal acts on (tables, CSV, JSON, messages, argument errors):
  the characters are shown by their code (``\\u001b``);
- writes workbooks and slides that open, charts as PNG (``$\\foo$`` in a name is text,
  not a formula) and SVG that is well-formed XML;
- writes a Markdown summary with no tag, image or link from data.
"""
from __future__ import annotations

import html
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from limited_run import TERMINAL_UNSAFE, assert_refused, assert_terminal_safe, run_ntm
from ntm_analysis import config

COMMUNE = "Tân Kỳ"
PLACEHOLDER = "ZZCOMMUNEZZ"
#: the hostile name as it is meant to be read, and as the sheet XML carries it
ESC_NAME = "Tân\x1b]0;pwned\x07 Kỳ\x1b[2J\x1b]8;;http://evil.example/\x1b\\link\x9b31m\u202e"
ESC_RAW_XML = html.escape(ESC_NAME, quote=False)
ESC_X_XML = "Tân_x001B_]0;pwned_x0007_ Kỳ_x001B_[2J_x001B_]8;;http://evil.example/_x001B_\\link_x009B_31m\u202e"
MARKUP_NAME = "Tân <img src=x onerror=alert(1)> [bấm](javascript:alert(1)) $\\foo$ *Kỳ*\x1b[2J\x07"


def hostile_workbook(path: Path, name_xml: str, sheets: tuple[str, ...] | None = None) -> Path:
    """A copy of the embedded workbook with the commune "Tân Kỳ" renamed to ``name_xml``
    as written in the sheet XML (``sheets``: only in those sheets; all by default)."""
    wb = load_workbook(config.DEFAULT_WORKBOOK)
    for ws in wb:
        if sheets and ws.title not in sheets:
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and COMMUNE in cell.value:
                    cell.value = cell.value.replace(COMMUNE, PLACEHOLDER)
    staged = path.with_name("staged_" + path.name)
    wb.save(staged)
    with zipfile.ZipFile(staged) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".xml"):
                data = data.replace(PLACEHOLDER.encode(), name_xml.encode("utf-8"))
            zout.writestr(item, data)
    staged.unlink()
    return path


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    return {"raw": hostile_workbook(folder / "raw.xlsx", ESC_RAW_XML),
            "x001B": hostile_workbook(folder / "x001b.xlsx", ESC_X_XML),
            "markup": hostile_workbook(folder / "markup.xlsx", html.escape(MARKUP_NAME, quote=False)),
            "detail_only": hostile_workbook(folder / "detail.xlsx", ESC_X_XML, sheets=("Chi tiết",))}


# ----------------------------------------------------------------- the terminal
@pytest.mark.parametrize("kind", ["raw", "x001B"])
@pytest.mark.parametrize("command", [
    ("projection",),
    ("gaps", "--by", "commune"),
    ("gaps", "--format", "csv"),
    ("projection", "--format", "json"),
    ("quality",),
])
def test_a_name_with_escapes_is_shown_not_run(books, kind, command, tmp_path):
    done = run_ntm(*command, "--data", books[kind], cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_terminal_safe(done)
    assert "\\u001b" in done.stdout  # the name is there, its escapes shown by their code
    assert "Tân" in done.stdout


def test_json_output_keeps_the_name_once_read(books, tmp_path):
    """JSON stays JSON: its strings carry the escapes, read back they are the name."""
    import json

    done = run_ntm("projection", "--format", "json", "--data", books["raw"], cwd=tmp_path)
    assert_terminal_safe(done)
    names = {row["commune"] for row in json.loads(done.stdout)}
    assert ESC_NAME in names


def test_a_message_naming_the_value_is_safe(books, tmp_path):
    """A finding that quotes the hostile name (a detail row of a commune the "Xã" sheet
    does not have) prints it by its codes."""
    done = run_ntm("validate", books["detail_only"], cwd=tmp_path)
    assert_terminal_safe(done)
    assert done.returncode == 1
    assert "xã không có trong trang Xã" in done.stdout and "Tân\\u001b]0;pwned\\u0007 Kỳ" in done.stdout


def test_an_error_message_is_safe(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text('name: "\\e[2J"\nedits:\n- {commune: "An\\e]0;title\\a\\u202e", criterion: 13, shift: 1}\n',
                        encoding="utf-8")
    done = run_ntm("scenario", scenario, cwd=tmp_path)
    assert_refused(done, 1, str(scenario), "không có xã 'An\\u001b]0;title\\u0007\\u202e'")
    assert_terminal_safe(done)


def test_an_argument_echoed_by_the_parser_is_safe(tmp_path):
    done = run_ntm("gaps", "--by", "\x1b[2J\x1b]0;x\x07", cwd=tmp_path)
    assert done.returncode == 2
    assert_terminal_safe(done)
    assert "--by: không có lựa chọn '\\x1b[2J" in done.stderr  # the value, quoted by its codes


# ----------------------------------------------------------------- files written
def _texts_of_workbook(path: Path) -> list[str]:
    wb = load_workbook(path)  # opens: nothing XML forbids was written
    return [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.fixture(scope="module")
def pack(books, tmp_path_factory) -> Path:
    """The briefing pack of the workbook whose commune name holds markup, a formula and
    escapes."""
    out = tmp_path_factory.mktemp("pack") / "pack"
    done = run_ntm("report", "--out", out, "--data", books["markup"], cwd=out.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    assert_terminal_safe(done)
    return out


def test_pack_workbook_and_slides_open_with_the_name_shown(pack):
    from pptx import Presentation

    cells = _texts_of_workbook(pack / "bao_cao_ntm.xlsx")
    assert any("$\\foo$ *Kỳ*\\u001b[2J\\u0007" in c for c in cells)
    assert not [c for c in cells if TERMINAL_UNSAFE.search(c)]
    deck = Presentation(pack / "trinh_chieu_ntm.pptx")
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    texts += [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
              for row in shape.table.rows for cell in row.cells]
    assert not [t for t in texts if TERMINAL_UNSAFE.search(t)]


def test_pack_charts_draw_the_name_as_text(pack):
    """``$\\foo$`` would be a mathtext error; the charts are written, the SVGs parse and
    carry the name's dollar signs as text."""
    pngs = sorted(pack.glob("*.png"))
    assert len(pngs) == 6
    for png in pngs:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svgs = sorted(pack.glob("*.svg"))
    assert len(svgs) == 6
    for svg in svgs:
        ElementTree.parse(svg)  # well-formed: no control character in it
    assert any("$\\foo$" in svg.read_text(encoding="utf-8") for svg in svgs)


def test_pack_markdown_carries_no_markup_from_data(pack):
    mistune = pytest.importorskip("mistune")
    text = (pack / "tom_tat.md").read_text(encoding="utf-8")
    assert not TERMINAL_UNSAFE.search(text)
    assert "onerror" in text  # the name is there, as text
    rendered = mistune.html(text)
    tags = re.findall(r"<[^>]*>", rendered)
    assert not [tag for tag in tags if "onerror" in tag or "javascript:" in tag], tags
    assert {re.sub(r"\s.*", "", tag.strip("</>")) for tag in tags} <= {
        "h1", "h2", "p", "ul", "li", "strong", "em", "table", "thead", "tbody", "tr", "th", "td", "img"}
    images = re.findall(r'<img src="([^"]*)"', rendered)
    assert sorted(images) == sorted(p.name for p in pack.glob("*.png"))  # the pack's charts, no other
    assert "<em>Kỳ</em>" not in rendered  # the name's stars are not emphasis


def test_extract_writes_a_workbook_from_a_plan_with_controls(tmp_path):
    """Control characters in a plan's commune, product and department names: the
    workbook is written (no illegal character) and opens, the report is safe."""
    evil = "\x1b]0;x\x07\x1b[2J\x7f\x9b\ufffe\u202e"  # no line break (NEL would be one)
    plan = (Path(__file__).parent / "data" / "plans" / "an_lao_2024.md").read_text(encoding="utf-8")
    for word in ("Quốc Tuấn", "Gạo nếp", "Phòng Kinh tế", "đường trục thôn"):
        assert word in plan
        plan = plan.replace(word, word.replace(" ", evil + " ", 1))
    source = tmp_path / "ke_hoach.md"
    source.write_text(plan, encoding="utf-8")
    out = tmp_path / "ke_hoach.xlsx"
    done = run_ntm("extract", source, "--out", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_terminal_safe(done)
    cells = _texts_of_workbook(out)
    assert any("Quốc\\u001b]0;x\\u0007\\u001b[2J\\u007f\\u009b\\ufffe\\u202e Tuấn" in c for c in cells)
    assert not [c for c in cells if TERMINAL_UNSAFE.search(c)]


def test_template_with_a_district_holding_controls(tmp_path):
    out = tmp_path / "mau.xlsx"
    done = run_ntm("template", out, "--district", "An\x1b[2J\x07 Lão\x0c", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert_terminal_safe(done)
    assert "An\\u001b[2J\\u0007 Lão\\u000c" in _texts_of_workbook(out)


def test_nothing_left_beside_the_outputs(tmp_path, books):
    """The hostile workbook stays as it was (nothing is written over the input)."""
    copy = tmp_path / "raw.xlsx"
    shutil.copy(books["raw"], copy)
    before = copy.read_bytes()
    done = run_ntm("summary", "--data", copy, cwd=tmp_path)
    assert done.returncode == 0 and copy.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw.xlsx"]
    assert_terminal_safe(done)
