"""A workbook checked before calamine or openpyxl opens it, so that what they build fits
in memory and time: each part they read is inflated here first, a piece at a time,
and counted (:mod:`.package`); each sheet to read is measured by the cells it really
holds, whatever its ``<dimension>`` says, since both readers build a sheet as a full
rectangle from A1 to its last cell (one cell at XFD1048576 is 17 billion cells).

The same pass notes what the reading needs later: the font names (a legacy font picks
openpyxl), whether any text may be legacy-encoded, and the cells holding a formula
error (calamine reads ``#REF!`` as an empty cell).

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "xa.xlsx"
>>> _ = tiny_workbook(path, '<c r="A1" t="inlineStr"><is><t>Xã</t></is></c><c r="XFD1048576"><v>1</v></c>')
>>> book = check_book(path)
>>> book.sheets, book.legacy_fonts
({'Xã': 'xl/worksheets/sheet1.xml'}, False)
>>> check_sheet(book, "Xã")
Traceback (most recent call last):
ntm_analysis.core.errors.UserError: ...xa.xlsx: trang 'Xã' trải đến ô XFD1048576 (1.048.576 dòng × 16.384 cột = ...
>>> _ = tiny_workbook(path, '<c r="B2" t="e"><f>A9</f><v>#REF!</v></c>')
>>> facts = check_sheet(check_book(path), "Xã")
>>> facts.rows, facts.cols, list(facts.errors)
(2, 2, [(2, 2, '#REF!')])
"""
from __future__ import annotations

import codecs
import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..core.errors import UserError
from ..i18n import t
from .legacy import font_encoding
from .legacy_detect import VIET_LATIN1
from .package import MB, Package, count_text, open_package

MAX_SHEETS = 1_000
#: cells of one sheet's rectangle (calamine keeps 32 bytes a cell, and the grid read 16 more)
MAX_CELLS = 10_000_000
#: the same when openpyxl reads it (a workbook in a legacy font): about 400,000 cells a second
MAX_SLOW_CELLS = 1_000_000
#: cells of all the sheets read
MAX_TOTAL_CELLS = 20_000_000
MAX_STRINGS = 3_000_000  # entries of the shared text table
MAX_STYLES = 200_000  # cell styles, fonts, fills and borders (Excel itself stops at 64,000 styles)
#: the most one part may inflate to: a sheet of 100 MB holds about 250,000 communes' items
LIMITS = {"book": 20 * MB, "links": 10 * MB, "strings": 200 * MB, "styles": 20 * MB, "sheet": 100 * MB}
#: the most any XML part may state (parts openpyxl reads through zipfile, which keeps to what they state)
MAX_PART = 200 * MB
OVERLAP = 65_536  # bytes of a piece looked at again with the next one (longer than a cell)
MAX_ERRORS = 1_000  # formula-error cells noted (each is an error of the file)

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)>")
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_CELL_REF = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
_STYLE_ITEM = re.compile(rb"<(?:\w+:)?(?:xf|font|fill|border|dxf|numFmt)[\s>/]")
_FONT_NAME = re.compile(r'<(?:\w+:)?name\s+val="([^"]+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]{0,32})</")
_LEGACY_CHARS = re.compile("[" + "".join(chr(c) for c in range(0x80, 0x100) if chr(c) not in VIET_LATIN1) + "]")


@dataclass
class Book:
    """A workbook that passed the checks: its package, the part of each sheet by name
    (in the workbook's order), whether its styles name a legacy font, whether its shared
    text holds characters of a legacy encoding."""

    pkg: Package
    sheets: dict[str, str]
    legacy_fonts: bool = False
    legacy_strings: bool = False

    @property
    def path(self) -> Path:
        return self.pkg.path

    def close(self) -> None:
        self.pkg.close()


@dataclass
class SheetFacts:
    """What a sheet holds: ``rows`` and ``cols`` of its rectangle from A1 (the larger of
    the one it states and the one its cells make), whether it
    keeps text inline (legacy text may hide there), and its formula-error cells as
    ``(row, column, code)`` (1-based; row 0 when the cell gives no reference)."""

    rows: int = 0
    cols: int = 0
    inline: bool = False
    errors: dict[tuple[int, int, str], None] = field(default_factory=dict)

    @property
    def cells(self) -> int:
        return self.rows * self.cols


def column_number(letters: str) -> int:
    """``A`` → 1, ``XFD`` → 16384.

    >>> column_number("A"), column_number("AA"), column_number("XFD")
    (1, 27, 16384)
    """
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letter(n: int) -> str:
    """The letters of column ``n`` (1-based).

    >>> column_letter(1), column_letter(27), column_letter(16384)
    ('A', 'AA', 'XFD')
    """
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _attrs(raw: bytes) -> dict[str, str]:
    """The attributes of a tag by local name, entities decoded."""
    out = {}
    for name, dq, sq in _ATTR.findall(raw):
        out[name.decode("utf-8", "replace").rsplit(":", 1)[-1]] = html.unescape((dq or sq).decode("utf-8", "replace"))
    return out


def check_book(path: Path) -> Book:
    """Open the package of an .xlsx and check what both readers read on opening: its parts'
    stated sizes, the list of sheets, the shared text and the styles."""
    pkg = open_package(path, "xlsx")
    try:
        book = Book(pkg, _sheet_parts(pkg))
        whats = {"xl/sharedstrings.xml": t("msg.pkg_what_strings"), "xl/styles.xml": t("msg.pkg_what_styles")}
        whats.update({part.lower(): t("msg.pkg_what_sheet", sheet=name) for name, part in book.sheets.items()})
        pkg.check_declared(MAX_PART, only=(".xml", ".rels"), whats=whats)
        book.legacy_fonts = _styles(pkg)
        book.legacy_strings = _strings(pkg)
    except BaseException:
        pkg.close()
        raise
    return book


def _sheet_parts(pkg: Package) -> dict[str, str]:
    xml = pkg.read("xl/workbook.xml", LIMITS["book"], t("msg.pkg_what_book"))
    sheets = [_attrs(m) for m in _SHEET.findall(xml)]
    if len(sheets) > MAX_SHEETS:
        raise pkg.fail("msg.book_sheets", n=count_text(len(sheets)), most=count_text(MAX_SHEETS))
    targets: dict[str, str] = {}
    if pkg.find("xl/_rels/workbook.xml.rels") is not None:
        rels = pkg.read("xl/_rels/workbook.xml.rels", LIMITS["links"], t("msg.pkg_what_links"))
        for m in _REL.findall(rels):
            a = _attrs(m)
            target = a.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            targets[a.get("Id", "")] = part
    return {s.get("name", ""): targets.get(s.get("id", ""), "") for s in sheets}


def _styles(pkg: Package) -> bool:
    """Check the styles' count; whether they name a TCVN3 (.Vn…) or VNI font."""
    if pkg.find("xl/styles.xml") is None:
        return False
    xml = pkg.read("xl/styles.xml", LIMITS["styles"], t("msg.pkg_what_styles"))
    n = len(_STYLE_ITEM.findall(xml))
    if n > MAX_STYLES:
        raise pkg.fail("msg.book_styles", n=count_text(n), most=count_text(MAX_STYLES))
    return any(font_encoding(name) for name in _FONT_NAME.findall(xml.decode("utf-8", "replace")))


def _strings(pkg: Package) -> bool:
    """Check the shared text table's size and count; whether it holds legacy characters."""
    if pkg.find("xl/sharedStrings.xml") is None:
        return False
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode
    n, legacy = 0, False
    for piece in pkg.xml_pieces("xl/sharedStrings.xml", LIMITS["strings"], t("msg.pkg_what_strings")):
        n += len(_STRING_ITEM.findall(piece))
        if n > MAX_STRINGS:
            raise pkg.fail("msg.book_strings", n=count_text(n) + "+", most=count_text(MAX_STRINGS))
        legacy = legacy or bool(_LEGACY_CHARS.search(decode(piece)))
    return legacy


def check_sheet(book: Book, name: str, label: str | None = None, most: int = MAX_CELLS) -> SheetFacts:
    """Inflate sheet ``name`` once and measure it: refused (a :class:`UserError` naming the
    file and ``label``, the sheet as people call it) when its stated rectangle, or the
    one its cells and the statement make together, is more than ``most`` cells, or its
    part is too big."""
    pkg, label = book.pkg, label or name
    part = book.sheets.get(name, "")
    if not part or pkg.find(part) is None:
        raise pkg.fail("msg.book_sheet_part", sheet=label)
    facts = SheetFacts()
    buf = b""
    for k, piece in enumerate(pkg.xml_pieces(part, LIMITS["sheet"], t("msg.pkg_what_sheet", sheet=label))):
        if k == 0:
            facts.rows, facts.cols = _check_dimension(pkg, piece, label, most)
        buf = buf[-OVERLAP:] + piece  # the tail of the piece before: a reference cut in two is whole here
        rows, cols, inline, errors = _scan(buf)
        facts.rows, facts.cols, facts.inline = max(facts.rows, rows), max(facts.cols, cols), facts.inline or inline
        if facts.cells > most:
            raise _too_wide(pkg, label, facts.rows, facts.cols, most)
        for at in errors:  # those in the tail were noted with the piece before: noted once
            _note_error(buf, at, facts.errors)
    return facts


def _check_dimension(pkg: Package, head: bytes, label: str, most: int) -> tuple[int, int]:
    """The rectangle the sheet states, as (rows, columns): openpyxl pads every row to its
    columns, calamine makes room for it."""
    m = _DIMENSION.search(head, 0, 65_536)
    last = _CELL_REF.match(m.group(1).decode("ascii", "replace").upper().split(":")[-1].strip()) if m else None
    if last is None:
        return 0, 0
    rows, cols = int(last.group(2)), column_number(last.group(1))
    if rows * cols > most:
        raise pkg.fail("msg.sheet_dimension", sheet=label, ref=m.group(1).decode("ascii", "replace"),
                       cells=count_text(rows * cols), most=count_text(most))
    return rows, cols


def _too_wide(pkg: Package, label: str, rows: int, cols: int, most: int) -> UserError:
    cell = f"{column_letter(cols)}{rows}" if cols <= 16_384 and rows <= 1_048_576 else "?"
    return pkg.fail("msg.sheet_area", sheet=label, cell=cell, rows=count_text(rows), cols=count_text(cols),
                    cells=count_text(rows * cols), most=count_text(most))


def _scan(piece: bytes) -> tuple[int, int, bool, list[int]]:
    """The last row and column any ``r="…"`` reference of ``piece`` names (a row's
    ``r="12"``, a cell's ``r="AB12"``), whether a ``t="inlineStr"`` cell is there, and
    where each ``t="e"`` (formula error) cell's mark is. All attributes are found at once
    from the ``=`` signs, then the few bytes after each are looked at; a reference past
    XFD or past seven digits counts as too big.

    >>> _scan(b'<row r="9"><c r="AB12" s="1" t="e"><v>#N/A</v></c>' + b"<c r='C3'/></row>")
    (12, 28, False, [28])
    """
    big = 1 << 40
    a = np.frombuffer(piece + bytes(16), dtype=np.uint8)
    e = np.flatnonzero(a[2:len(piece)] == 61) + 2
    q = a[e + 1]
    e = e[(a[e - 2] <= 32) & ((q == 34) | (q == 39))]  # an attribute: ' name="' or " name='"
    name = a[e - 1]
    tv = e[name == 116] + 2  # where each t="…" value starts
    inline = bool((a[tv] == 105).any())
    errors = (tv[(a[tv] == 101) & ((a[tv + 1] == 34) | (a[tv + 1] == 39))] - 4).tolist()
    p = e[name == 114] + 2  # where each r="…" value starts
    if not len(p):
        return 0, 0, inline, errors
    c = [a[p + k] for k in range(4)]
    letter = [(x >= 65) & (x <= 90) for x in c]
    l1 = letter[0]
    l2 = l1 & letter[1]
    l3 = l2 & letter[2]
    if (l3 & letter[3]).any():
        return big, big, inline, errors
    col = 0
    for sel, n in ((l3, 3), (l2, 2), (l1, 1)):
        if sel.any():
            value = np.zeros(int(sel.sum()), dtype=np.int64)
            for j in range(n):
                value = value * 26 + (c[j][sel].astype(np.int64) - 64)
            col = int(value.max())
            break
    start = p + l1 + l2 + l3
    digits = np.zeros(len(p), dtype=np.int8)
    run = np.ones(len(p), dtype=bool)
    for j in range(8):
        x = a[start + j]
        run &= (x >= 48) & (x <= 57)
        if not run.any():
            break
        digits += run
    most = int(digits.max())
    if most > 7:
        return big, col, inline, errors
    at = start[digits == most]
    value = np.zeros(len(at), dtype=np.int64)
    for j in range(most):
        value = value * 10 + (a[at + j].astype(np.int64) - 48)
    return (int(value.max()) if most else 0), col, inline, errors


def _note_error(buf: bytes, at: int, out: dict[tuple[int, int, str], None]) -> None:
    """Note the formula-error cell whose ``t="e"`` is at ``at``: its reference and code
    (``#?`` when it holds none); a cell cut off by the end of ``buf`` is left for the
    next piece, which holds it whole."""
    start, end = buf.rfind(b"<", 0, at), buf.find(b">", at)
    if start < 0 or end < 0 or len(out) >= MAX_ERRORS:
        return
    tag = buf[start + 1:end]
    code = "#?"
    if not tag.endswith(b"/"):
        close = buf.find(b"</" + tag.split(None, 1)[0] + b">", end)
        if close < 0:
            return
        value = _VALUE.search(buf, end, close)
        code = value.group(1).decode("ascii", "replace").strip() if value else code
    ref = _CELL_REF.match(_attrs(tag).get("r", "").upper())
    out[(int(ref.group(2)), column_number(ref.group(1)), code) if ref else (0, 0, code)] = None


def tiny_workbook(path: Path, cells: str, sheet: str = "Xã", styles: str = "", head: str = "") -> Path:
    """A workbook of one sheet whose one row holds ``cells`` (raw XML), ``head`` before its
    data (a ``<dimension>``), written with :mod:`zipfile` in a few hundred bytes (for
    examples and tests)."""
    import zipfile
    from xml.sax.saxutils import quoteattr

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        z.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="xml" ContentType="application/xml"/>'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
                   f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
                   + (f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>' if styles else "")
                   + "</Types>")
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name={quoteattr(sheet)}'
                   ' sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                   f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
                   'Target="worksheets/sheet1.xml"/></Relationships>')
        if styles:
            z.writestr("xl/styles.xml", f'<styleSheet xmlns="{main}">{styles}</styleSheet>')
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}">{head}<sheetData><row r="1">{cells}</row>'
                   '</sheetData></worksheet>')
    return path
