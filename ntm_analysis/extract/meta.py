"""What a document says of itself: its title and kind, its date, the year it is for,
its district and province, the commune that wrote it, and the criteria set it uses.

The year is the title's ("… năm 2024"; a period "giai đoạn 2021-2025" is not a year);
else the year a sentence of the opening sets ("đặt mục tiêu năm 2025 có thêm 3 xã …"),
never earlier than the document's date; else the year of the date line ("ngày 10 tháng 01
năm 2024", "12/07/2024"), said to be inferred. "Năm nay" is the date line's year.

>>> from ntm_analysis.extract.document import lines_from_text
>>> m = read_meta(lines_from_text("UBND HUYỆN LÂM XUYÊN\\nLâm Xuyên, ngày 10 tháng 01 năm 2024\\n\\n"
...     "KẾ HOẠCH\\nXây dựng xã nông thôn mới nâng cao\\n\\nNăm 2023, huyện có 02 xã được công nhận "
...     "theo Bộ tiêu chí giai đoạn 2021-2025."))
>>> m.year, m.year_from, m.year_line, m.this_year, m.district, m.catalogue, m.catalogue_from
(2024, 'date line', 2, 2024, 'Lâm Xuyên', 'nang_cao_2021_2025', 'title')
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import DEFAULT_CATALOGUE
from .document import Line
from .flow import OPENS, Para, paragraphs
from .patterns import capitalized_run, pfold, strip_trailing

_TITLE_WORDS = ("ke hoach", "bao cao", "thong bao", "chuong trinh", "de an", "to trinh")
_KIND = {"ke hoach": "plan", "bao cao": "report"}
_YEAR = re.compile(r"\b(?:19|20|21)\d\d\b")
_PERIOD = re.compile(r"\b(?:giai doan\s+)?(?:19|20|21)\d\d\s*[\-–]\s*(?:19|20|21)\d\d\b")
_DATE_LINE = re.compile(r"\bngay\s+(?:\d{1,2}\s+)?thang\s+(?:\d{1,2}\s+)?nam\s+(?P<y>(?:19|20|21)\d\d)\b|"
                        r"(?<![\d/])\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?P<y2>(?:19|20|21)\d\d)\b")
_TARGET_YEAR = re.compile(r"\b(?:muc tieu|phan dau|dang ky|ke hoach)[^.;]{0,40}?\bnam\s+(?P<y>(?:19|20|21)\d\d)\b|"
                          r"\bnam\s+(?P<y2>(?:19|20|21)\d\d)\b[^.;]{0,60}?\b(?:phan dau|dang ky|co them|muc tieu)\b")
#: a target set for "năm nay" (this year): the document is for the year of its date
_THIS_YEAR_TARGET = re.compile(r"\bnam nay\b[^.;]{0,60}?\b(?:phan dau|dang ky|co them|muc tieu|chi tieu|ve dich)\b|"
                               r"\b(?:phan dau|dang ky|muc tieu|chi tieu|ve dich)[^.;]{0,40}?\bnam nay\b")
_AUTHOR = re.compile(r"\b(?:uy ban nhan dan|ubnd)\s+xa\s+")
#: lines above a news item's title: a browser's print header ("22/05/2025, 14:05 …"), the
#: site's path ("Trang chủ > Tin tức"), a posting date
_NOT_A_TITLE = re.compile(r"^\s*\d{1,2}/\d{1,2}/\d{4}|\s>\s|^\s*(?:ngay dang|cap nhat|trang chu)\b")
#: the 2026–2030 set named: "Bộ tiêu chí … giai đoạn 2026-2030", "Quyết định 51/2025"
_NEW_SET = re.compile(r"\bbo tieu chi[^.;]{0,80}?2026\s*[\-–]\s*2030\b|\bquyet dinh (?:so )?51\s*/\s*2025\b")


@dataclass
class DocumentMeta:
    """A document's own facts, each with the line it was read from."""

    title: str = ""
    title_line: int = 0
    kind: str = "news"  # plan | report | news
    year: int | None = None
    year_from: str = ""  # title | text | date line | given
    year_line: int = 0
    dated: int | None = None  # the year of the date line
    date_line: int = 0
    district: str = ""
    province: str = ""
    author: str = ""  # the commune that wrote it ("UBND XÃ HÒA BÌNH")
    catalogue: str = DEFAULT_CATALOGUE
    catalogue_from: str = "default"  # given | title | default
    empty: bool = False  # no words at all (an empty file, page numbers only)

    @property
    def this_year(self) -> int | None:
        """The year "năm nay" means: the date line's, else the year the document is for."""
        return self.dated or self.year


def read_meta(lines: list[Line], catalogue_id: str | None = None, year: int | None = None) -> DocumentMeta:
    """The meta data of a document's lines (``catalogue_id``/``year``: given by the user)."""
    meta = DocumentMeta()
    paras = paragraphs(lines)
    meta.empty = not paras
    _title(lines, paras, meta)
    _dates(lines, paras, meta, year)
    meta.district = _place(paras, "huyen")
    meta.province = _place(paras, "tinh")
    for line in lines[:4]:
        m = _AUTHOR.search(pfold(line.text))
        if m:
            meta.author = _titled(capitalized_run(line.text[m.end():]))
            break
    if catalogue_id:
        meta.catalogue, meta.catalogue_from = catalogue_id, "given"
    else:
        meta.catalogue, meta.catalogue_from = _catalogue(meta, lines)
    return meta


def _title(lines: list[Line], paras: list[Para], meta: DocumentMeta) -> None:
    for i, line in enumerate(lines[:40]):
        f = pfold(line.text)
        if f.startswith(_TITLE_WORDS):
            title = line.text
            if f.strip(" :") in _TITLE_WORDS and i + 1 < len(lines):
                rest = paragraphs(lines[i + 1:i + 4])
                title = f"{line.text} {rest[0].text}" if rest else title
            meta.title, meta.title_line = strip_trailing(title), line.no
            meta.kind = next((k for w, k in _KIND.items() if f.startswith(w)), "plan")
            return
    if lines:  # a news item or a portal note: its first line of words is its title
        opening = [p for p in paras if p.first_line <= lines[min(11, len(lines) - 1)].no]
        if not opening:  # page numbers only
            return
        first = next((p for p in opening if not _NOT_A_TITLE.search(pfold(p.text)) and not p.text.isupper()
                      and not OPENS.match(pfold(p.text))), opening[0])
        meta.title, meta.title_line, meta.kind = strip_trailing(first.text), first.first_line, "news"


def _years(text: str) -> list[int]:
    folded = _PERIOD.sub(" ", pfold(text))
    return [int(y) for y in _YEAR.findall(folded)]


def _dates(lines: list[Line], paras: list[Para], meta: DocumentMeta, given: int | None) -> None:
    for line in lines[:12]:
        m = _DATE_LINE.search(pfold(line.text))
        if m:
            meta.dated, meta.date_line = int(m.group("y") or m.group("y2")), line.no
            break
    if given:
        meta.year, meta.year_from, meta.year_line = given, "given", 0
        return
    years = _years(meta.title)
    if years:
        meta.year, meta.year_from, meta.year_line = years[-1], "title", meta.title_line
        return
    for para in paras[:15]:
        folded = _PERIOD.sub(" ", pfold(para.text))
        this = _THIS_YEAR_TARGET.search(folded) if meta.dated else None
        for m in _TARGET_YEAR.finditer(folded):
            value = int(m.group("y") or m.group("y2"))
            if this is not None and this.start() < m.start():
                break  # "Năm nay, tỉnh giao chỉ tiêu …" comes first: the year is the date's
            if meta.dated is None or value >= meta.dated:
                meta.year, meta.year_from = value, "text"
                meta.year_line = para.line_at(m.start())
                return
        if this is not None:
            break
    if meta.dated:
        meta.year, meta.year_from, meta.year_line = meta.dated, "date line", meta.date_line


def _place(paras: list[Para], word: str) -> str:
    """The first proper name after "huyện"/"tỉnh" (a name in capitals, as in a
    letterhead, only when no other is written)."""
    names = []
    for line in paras:  # a name broken across lines is read whole
        for m in re.finditer(rf"\b{word}\s+", pfold(line.text)):
            name = _one_case(capitalized_run(line.text[m.end():]))
            if name and not pfold(name).startswith(("uy", "ubnd")):
                names.append(name)
    proper = [n for n in names if not n.isupper()]
    return proper[0] if proper else (_titled(names[0]) if names else "")


def _one_case(name: str) -> str:
    """The words of a name in the case of its first ("HÀ VÂN Độc lập" → "HÀ VÂN": a
    two-column letterhead runs into the other column)."""
    words = name.split()
    if not words or not words[0].isupper():
        return name
    kept = []
    for w in words:
        if not w.isupper():
            break
        kept.append(w)
    return " ".join(kept)


def _titled(name: str) -> str:
    return name.title() if name.isupper() else name


def _catalogue(meta: DocumentMeta, lines: list[Line]) -> tuple[str, str]:
    """The set a document uses, by its title: "nâng cao" the advanced set (with the model
    requirements), "kiểu mẫu" alone the model set, a 2026–2030 period or year the 2026
    set, "nông thôn mới" otherwise the basic set."""
    f = pfold(meta.title)
    opening = " ".join(pfold(ln.text) for ln in lines[:30])
    if (meta.year or 0) >= 2026 or _NEW_SET.search(opening):
        return "ntm_2026_2030", "title"
    if "nang cao" in f:
        return "nang_cao_2021_2025", "title"
    if "kieu mau" in f:
        return "kieu_mau_2021_2025", "title"
    if "nong thon moi" in f or re.search(r"\bntm\b", f):
        return "co_ban_2021_2025", "title"
    return DEFAULT_CATALOGUE, "default"
