"""Lines into running text: paragraphs whose every character knows its line.

Text copied from a PDF breaks sentences across lines, hyphenates words ("Giao thô-" /
"ng nông thôn") and carries page numbers alone on a line. A :class:`Para` joins the
lines that continue one another and keeps, for each character, the line it came from,
so that whatever is found in the running text is reported at the line where it stands.

A line continues the one before it (no empty line between) when it does not open an
item of its own ("1.", "a)", "II.", a list marker) and either starts in lower case, or
the line before ends with a hyphen, with a word that cannot end a sentence ("quý",
"tiêu", "và" …), or in the middle of a name ("Hoàng" / "Văn Thụ"). A line in capitals
(a heading) is never continued.

>>> from ntm_analysis.extract.document import lines_from_text
>>> paras = paragraphs(lines_from_text("1. Xã A: còn tiêu chí Giao thô-\\nng nông thôn, tiêu\\nchí Điện.\\n  2\\nII. MỤC"))
>>> [(p.text, p.first_line) for p in paras]
[('1. Xã A: còn tiêu chí Giao thông nông thôn, tiêu chí Điện.', 1), ('II. MỤC', 5)]
>>> p = paras[0]; p.line_at(p.text.index("Điện"))
3
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .document import Line
from .patterns import pfold

#: a line holding only a page number ("2", "- 2 -", "Trang 2", "2/5")
_PAGE = re.compile(r"^[\s\-–—]*(?:trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?[\s\-–—]*$")
#: a line that opens an item of its own: "1.", "1.2.", "a)", "II.", "(3)"
OPENS = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]|[a-zđ]\s*\)|\(\s*[a-z\d]{1,2}\s*\)|"
                    r"(?:x|ix|iv|vi{0,3}|i{1,3})\s*[.)])(?:\s|$)")
#: words after which a sentence cannot end (a line ending with one goes on)
_DANGLING = frozenset("quy thang nam ngay so tieu va cua cac xa huyen tinh la tai voi cho "
                      "trong den tu theo ve dat chuan chi hoan thien thanh".split())
_PLACE_WORDS = frozenset({"xa", "huyen", "tinh", "thon", "phuong", "thi"})
_ROMAN_QUARTER = re.compile(r"^(?:iv|iii|ii|i)\s*[/\-]\s*\d{4}")


@dataclass
class Para:
    """A paragraph of running text and the line of each of its characters."""

    text: str
    starts: list[int] = field(default_factory=list)  # offset in ``text`` where each piece starts
    lines: list[int] = field(default_factory=list)  # the line of each piece
    bullet: str = ""  # the list marker of its first line
    style: str = ""

    @property
    def first_line(self) -> int:
        return self.lines[0]

    @property
    def last_line(self) -> int:
        return self.lines[-1]

    def line_at(self, offset: int) -> int:
        """The line of the character at ``offset``."""
        return self.lines[max(0, bisect.bisect_right(self.starts, offset) - 1)]


def is_page_number(text: str) -> bool:
    """A line that holds a page number only.

    >>> is_page_number("- 3 -"), is_page_number("Trang 2"), is_page_number("2024")
    (True, True, False)
    """
    return bool(_PAGE.match(pfold(text)))


def continues(before: Line, line: Line) -> str | None:
    """How ``line`` joins ``before`` ("-" for a hyphenated word, " " for a space), or
    ``None`` when it starts a paragraph of its own.

    >>> continues(Line(1, "tiêu chí Giao thô-"), Line(2, "ng nông thôn"))
    '-'
    >>> continues(Line(1, "trong quý"), Line(2, "III/2024."))
    ' '
    >>> continues(Line(1, "KẾ HOẠCH"), Line(2, "Xây dựng xã")) is None
    True
    """
    if line.no != before.no + 1 or line.bullet or line.style == "table" or before.style == "table":
        return None
    text, prev = line.text, before.text.rstrip()
    if text.lstrip().startswith("|") or prev.lstrip().startswith("|"):
        return None  # a row of a Markdown table
    folded, prev_folded = pfold(text), pfold(prev)
    if OPENS.match(folded) or not prev:
        return None
    first = text[:1]
    if prev.endswith("-") and len(prev) > 1 and prev[-2].isalpha() and first.islower():
        return "-"
    if prev[-1] == ":" and first.islower():  # "còn thiếu 03 tiêu chí gồm:" / "tiêu chí …"
        return " "
    if prev[-1] in ".;:!?" or prev.isupper():  # a sentence ended, or a heading in capitals
        return None
    if first.islower() or prev.endswith((" -", " –")):
        return " "
    if OPENS.match(prev_folded) and len(prev) < 120 and first.isupper():
        return None  # a numbered heading ("II. Tình hình tại các xã") and a new sentence
    last_word = prev_folded.rsplit(None, 1)[-1] if prev_folded.split() else ""
    if last_word in _DANGLING or _ROMAN_QUARTER.match(folded):
        return " "
    last, words = prev.rsplit(None, 1)[-1], text.split(None, 2)
    if OPENS.match(prev_folded) and len(prev) < 80:
        return None  # a numbered heading: "1. Xã Nam Sơn"
    place = len(prev_folded.split()) > 1 and prev_folded.split()[-2] in _PLACE_WORDS
    if _name_word(last) and _name_word(words[0]) and (
            place or (len(words) > 1 and _name_word(words[1].rstrip(",.;:")))):
        return " "  # a name broken across lines: "Hoàng" / "Văn Thụ thực hiện", "huyện Vân" / "Thạch năm"
    return None


def _name_word(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() and word.isalpha()


def paragraphs(lines: list[Line]) -> list[Para]:
    """The document's paragraphs: continued lines joined, page-number lines left out."""
    groups: list[tuple[Line, list[str], list[int], list[int]]] = []  # first line, pieces, starts, lines
    size = 0
    prev: Line | None = None
    for line in lines:
        if is_page_number(line.text):
            if prev is not None and prev.no + 1 == line.no:  # the lines around it still continue
                prev = Line(line.no, prev.text, prev.bullet, prev.style)
            continue
        joiner = continues(prev, line) if prev is not None and groups else None
        if joiner is None:
            groups.append((line, [line.text], [0], [line.no]))
            size = len(line.text)
        else:
            _, pieces, starts, nos = groups[-1]
            if joiner == "-":  # a hyphenated word: the hyphen goes, nothing between
                pieces[-1], size, joiner = pieces[-1][:-1], size - 1, ""
            pieces.append(joiner + line.text)
            starts.append(size + len(joiner))
            nos.append(line.no)
            size += len(joiner) + len(line.text)
        prev = Line(line.no, line.text, line.bullet, line.style)
    return [Para("".join(pieces), starts, nos, first.bullet, first.style) for first, pieces, starts, nos in groups]
