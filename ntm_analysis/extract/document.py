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

SUFFIXES = (".txt", ".md", ".markdown", ".docx")
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
                for cell in row.cells:
                    value = nfc(cell.text)
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
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

    words = {"co quan", "don vi", "nhiem vu", "noi dung", "tieu chi", "xa", "thoi han", "stt", "tt"}
    return bool(cells) and all(fold(c) in words for c in cells)


def read_document(path: Path | str) -> list[Line]:
    """The lines of a plan document; raises :class:`UserError` when it cannot be read."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: không tìm thấy tệp kế hoạch", 1)
    if path.is_dir():
        raise UserError(f"{path}: là thư mục, không phải tệp kế hoạch", 1)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        try:
            return lines_from_docx(path)
        except Exception as exc:  # python-docx raises many kinds for a damaged file
            raise UserError(f"{path}: không đọc được tệp Word (.docx): {type(exc).__name__}: {exc}", 1) from None
    if suffix == ".doc":
        raise UserError(f"{path}: định dạng Word cũ (.doc) chưa hỗ trợ; hãy lưu lại thành .docx", 1)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"{path}: không đọc được tệp: {exc.strerror}", 1) from None
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return lines_from_text(data.decode("utf-16"))
        except UnicodeDecodeError:
            pass
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:2048]:
        raise UserError(f"{path}: không phải tệp văn bản (.txt, .md) hay Word (.docx)", 1)
    try:
        return lines_from_text(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError(f"{path}: không đọc được tệp: không phải văn bản UTF-8", 1) from None
