"""Read a plan document (.txt, .md, .docx) into numbered, cleaned lines.

A line keeps its number in the document (the line of a text file; for Word, the
paragraph or table row counted from 1 in reading order), its list marker
("-", "+", "•") and its text without Markdown decoration.

>>> [(l.no, l.bullet, l.text) for l in lines_from_text("## **1.1. Xã *An Lâm***\\n\\n+ Tiêu chí Y tế: x")]
[(1, '', '1.1. Xã An Lâm'), (3, '+', 'Tiêu chí Y tế: x')]
>>> clean_markdown("diện tích 8.000 m<sup>2</sup>, tỷ lệ  $\\\\leq 1,0\\\\%$ .")
'diện tích 8.000 m², tỷ lệ ≤ 1,0%.'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import UserError
from ..core.names import nfc
from ..i18n import t
from ..io.package import MB, open_package, problem_text
from ..io.text import read_text

SUFFIXES = (".txt", ".md", ".markdown", ".docx")
EMPTY_CELL = "(trống)"  # an empty cell of a Word table, so that the columns after it stay in place
DOCX_TEXT = 20 * MB  # the document's own XML: python-docx holds it as a tree many times its size
DOCX_PART = 100 * MB  # any part (a picture)
DOCX_TOTAL = 300 * MB  # every part: python-docx reads them all
_BULLET = re.compile(r"^\s*([-+•–—*·▪●○])\s+")
_SUP = {"2": "²", "3": "³"}
_LATEX = [(r"\leq", "≤"), (r"\geq", "≥"), (r"\le", "≤"), (r"\ge", "≥"), (r"\%", "%"),
          (r"\times", "×"), (r"\,", " "), (r"\;", " "), ("\\ ", " ")]


@dataclass(frozen=True)
class Line:
    """One line (text) or paragraph / table row (Word) of the document."""

    no: int
    text: str
    bullet: str = ""
    style: str = ""


def clean_markdown(text: str) -> str:
    """Remove Markdown/HTML/LaTeX decoration, keep the words (NFC, single spaces)."""
    text = re.sub(r"<sup>\s*(\d)\s*</sup>", lambda m: _SUP.get(m.group(1), m.group(1)), text)
    last = text.rfind(">") + 1  # no "<" after it is looked at (each would be read to the end)
    text = re.sub(r"<[^>]+>", "", text[:last]) + text[last:]
    if "$" in text:
        for src, dst in _LATEX:
            text = text.replace(src, dst)
        text = text.replace("$", "")
    text = re.sub(r"^\s*#{1,6}\s*", "", text)
    text = text.replace("*", "").replace("\\", "")
    text = nfc(text)
    text = re.sub(r"(?<!\s)\s++([.,;:%)])", r"\1", text)  # "1,0 %" "ninh ." -> "1,0%" "ninh."
    text = re.sub(r"(\d) %", r"\1%", text)
    return text


def _line(no: int, raw: str, style: str = "") -> Line | None:
    bullet = ""
    m = _BULLET.match(raw)
    if m and not raw.lstrip().startswith("**"):
        bullet = m.group(1)
        raw = raw[m.end():]
    text = clean_markdown(raw)
    m = _BULLET.match(text)  # a bullet inside emphasis: "*- text*"
    if m and not bullet:
        bullet, text = m.group(1), text[m.end():].strip()
    if not text:
        return None
    if not bullet and "list" in style.lower():
        bullet = "-"
    return Line(no, text, bullet, style)


def lines_from_text(text: str) -> list[Line]:
    """Lines of a plain-text or Markdown document, empty lines dropped."""
    out = []
    for no, raw in enumerate(text.splitlines(), start=1):
        line = _line(no, raw)
        if line:
            out.append(line)
    return out


def lines_from_docx(path: Path) -> list[Line]:
    """Paragraphs and table rows of a Word document in reading order."""
    import docx  # python-docx
    from docx.table import Table

    document = docx.Document(str(path))
    out: list[Line] = []
    no = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for r, row in enumerate(block.rows):
                no += 1
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:  # a merged cell is listed once for each column it spans
                        continue
                    seen.add(id(cell._tc))
                    cells.append(nfc(cell.text) or EMPTY_CELL)  # an empty cell too: the columns stay in place
                while cells and cells[-1] == EMPTY_CELL:
                    cells.pop()
                if r == 0 and _is_header_row(cells):
                    continue
                line = _line(no, " | ".join(cells), "table")
                if line:
                    out.append(line)
            continue
        no += 1
        style = block.style.name if block.style is not None else ""
        line = _line(no, block.text, style)
        if line:
            out.append(line)
    return out


def _is_header_row(cells: list[str]) -> bool:
    from ..core.names import fold

    words = {"co quan", "don vi", "nhiem vu", "noi dung", "tieu chi", "thoi han", "stt", "tt"}
    # a table of communes keeps its header: the columns are read by it
    return bool(cells) and all(fold(c) in words for c in cells)


def read_document(path: Path | str) -> list[Line]:
    """The lines of a plan document; raises :class:`UserError` when it cannot be read: a
    Word document is checked within limits first (:func:`check_docx`), a text file read
    in its Unicode form within :data:`~ntm_analysis.io.text.MAX_TEXT` bytes."""
    path = Path(path)
    if not path.exists():
        raise UserError(t("msg.doc_missing", file=str(path)), 1)
    if path.is_dir():
        raise UserError(t("msg.doc_is_dir", file=str(path)), 1)
    if path.suffix.lower() in (".docx", ".doc"):
        check_docx(path)
        try:
            return lines_from_docx(path)
        except Exception as exc:  # python-docx raises many kinds for a damaged file
            raise UserError(t("msg.doc_damaged", file=str(path), problem=problem_text(exc)), 1) from None
    return lines_from_text(read_text(path))


def check_docx(path: Path) -> None:
    """Refuse a file that is not a Word document (saying what it is), or one whose parts
    state more than python-docx may hold (each part, all together, the text's own part
    inflated and counted: a few kilobytes must not become gigabytes)."""
    with open_package(path, "docx") as pkg:
        for _ in pkg.xml_pieces("word/document.xml", DOCX_TEXT, t("msg.pkg_what_document")):
            pass
        pkg.check_declared(DOCX_PART, total=DOCX_TOTAL)
