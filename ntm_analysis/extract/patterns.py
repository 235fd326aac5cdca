"""Text patterns of Vietnamese plans: folding that keeps positions, deadlines, sentences.

Every pattern runs on :func:`pfold` text (lower case, no diacritics, same length
as the original), so that a match can be cut out of the original words as written
and typos that drop diacritics ("quy II/2023") are still read.

>>> pfold("Quý II/2023")
'quy ii/2023'
>>> [d.written for d in find_deadlines("Phấn đấu hoàn thành trong quý II năm 2023.")]
['quý II năm 2023']
>>> [d.written for d in find_deadlines("Phấn đấu quý II/2023 hoàn thành")]
['quý II/2023']
>>> [d.written for d in find_deadlines("Phấn đấu hết năm 2023 đưa tỷ lệ hộ nghèo")]
['hết năm 2023']
>>> sentences("Hoàn thiện 2 tiêu chí: Y tế, Giáo dục. Phấn đấu trong năm 2023")
[(0, 38), (39, 62)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..core.quarters import DeadlineError, parse_deadline
from ..core.names import strip_diacritics

NUMBER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "sau": 6, "bay": 7,
                "tam": 8, "chin": 9, "muoi": 10}
COUNT = r"(\d{1,2}|mot|hai|ba|bon|sau|bay|tam|chin|muoi)"


class _Folds(dict):
    """Each character's :func:`pfold` (a table for ``str.translate``), worked out once
    the first time a character is met."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        base = strip_diacritics(ch).lower()
        self[code] = folded = base if len(base) == 1 else ch.lower()[:1] or ch
        return folded


_FOLDS = _Folds()


def pfold(text: str) -> str:
    """Lower case without diacritics, one character for one (positions are kept).

    >>> len(pfold("Đường xã")) == len("Đường xã"), pfold("Đường İ")
    (True, 'duong i')
    """
    return text.translate(_FOLDS)


def count_value(word: str) -> int | None:
    """A count written as digits or a small number word.

    >>> count_value("02"), count_value("ba"), count_value("x")
    (2, 3, None)
    """
    word = pfold(word.strip())
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


@dataclass(frozen=True)
class FoundDeadline:
    """A deadline phrase found in a text: positions, the words as written, the quarter."""

    cut: int  # where the phrase starts, its preposition ("trong", "vào") included
    start: int  # where ``written`` starts
    end: int
    written: str
    due: pd.Period
    year_only: bool


_PREP = r"\b(?:(?:trong|vao|truoc|den|toi)\s+)?"
_DEADLINES = [
    re.compile(_PREP + r"(?P<w>(?:(?<!phan )(?:dau|cuoi|giua)\s+)?quy\s+(?:iv|iii|ii|i|[1-4])\s*(?:[/\-]|\s)\s*"
               r"(?:nam\s+)?(?:19|20|21)\d\d)\b"),
    re.compile(_PREP + r"(?P<w>(?:het\s+)?(?:(?:6|06|sau)\s+thang|nua)\s+(?:dau|cuoi)\s+(?:cua\s+)?nam\s+"
               r"(?:19|20|21)\d\d)\b"),
    re.compile(r"\b(?P<w>(?:(?:den|toi)\s+)?(?:het|cuoi|trong|truoc|giua)\s+nam\s+(?:19|20|21)\d\d)\b"),
    re.compile(r"\b(?:(?:trong|vao)\s+)?(?P<w>(?:(?:truoc|den)\s+)?(?:ngay\s+)?"
               r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*(?:19|20|21)\d\d)\b"),
    re.compile(r"\b(?:(?:trong|vao|truoc|den)\s+)?(?P<w>(?:(?:truoc|den|het|cuoi|dau)\s+)?thang\s+"
               r"\d{1,2}\s*(?:[/\-]|\s)\s*(?:nam\s+)?(?:19|20|21)\d\d)\b"),
]


def find_deadlines(text: str) -> list[FoundDeadline]:
    """Deadline phrases in ``text`` in order (quarters, half years, year-only, dates,
    months); each read by :func:`~ntm_analysis.core.quarters.parse_deadline`.

    >>> d = find_deadlines("Hoàn thiện hồ sơ trong đầu quý II/2023.")[0]
    >>> d.written, str(d.due), d.year_only, d.cut < d.start
    ('đầu quý II/2023', '2023Q2', False, True)
    >>> find_deadlines("trong năm 2023")[0].year_only
    True
    >>> d = find_deadlines("đạt 35% trước ngày 30/9/2024")[0]
    >>> d.written, str(d.due)
    ('trước ngày 30/9/2024', '2024Q3')
    >>> [(d.written, str(d.due)) for d in find_deadlines("Phấn đấu trong 6 tháng đầu năm 2024 hoàn thành")]
    [('6 tháng đầu năm 2024', '2024Q2')]
    >>> find_deadlines("giai đoạn 2021-2025")
    []
    """
    folded = pfold(text)
    found: list[FoundDeadline] = []
    taken = bytearray(len(folded))  # 1 where a phrase found is (a text of many phrases is not re-read)
    for pattern in _DEADLINES:
        for m in pattern.finditer(folded):
            start, end = m.start("w"), m.end("w")
            if taken.find(1, start, end) >= 0:
                continue
            written = text[start:end]
            try:
                d = parse_deadline(written)
            except DeadlineError:
                continue
            if d is None:
                continue
            due, year_only = d.quarter, d.year_only
            taken[m.start():end] = b"\x01" * (end - m.start())
            found.append(FoundDeadline(m.start(), start, end, written, due, year_only))
    return sorted(found, key=lambda d: d.start)


#: the end of a sentence: a run of marks (tried only where the run starts) and spaces
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++\s+")


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of a line: a full stop (or ! ?) then a capital letter.

    Decimal and thousands marks ("1,13", "8.000") never end a sentence.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        nxt = text[m.end():m.end() + 1]
        if nxt and (nxt.isupper() or nxt in "+-•"):
            spans.append((start, m.start() + 1))
            start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [(s, e) for s, e in spans if text[s:e].strip()]


#: a word and the spaces before it (a run of spaces tried from where it starts only)
_WORD = re.compile(r"(?:(?<!\s)\s++|)(\S++)")


def capitalized_run(text: str, max_words: int = 4) -> str:
    """The leading words of ``text`` that start with a capital letter (a proper name);
    only those words are read (not the rest of a long text).

    >>> capitalized_run("Tân Kỳ phấn đấu đạt chuẩn"), capitalized_run("Hồng  Phong: Đạt")
    ('Tân Kỳ', 'Hồng Phong')
    """
    words = []
    for m in _WORD.finditer(text):
        word = m.group(1)
        clean = word.strip(":;,.-–*()")
        if not clean or not clean[0].isupper() or len(words) == max_words:
            break
        words.append(clean)
        if clean != word.rstrip("*"):  # punctuation ends the name ("Hồng Phong:")
            break
    return " ".join(words)


def strip_trailing(text: str) -> str:
    """Trim spaces and the punctuation that ends a clause.

    >>> strip_trailing(" Y tế. "), strip_trailing("Giáo dục,")
    ('Y tế', 'Giáo dục')
    """
    return text.strip().strip(" ,;:.").strip()


def split_top_level(text: str, seps: str = ",;") -> list[tuple[int, int]]:
    """Spans of ``text`` split on ``seps`` outside parentheses.

    >>> t = "A (x, y), B"
    >>> [t[s:e] for s, e in split_top_level(t)]
    ['A (x, y)', ' B']
    """
    spans, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def matching_paren(text: str, open_at: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``open_at`` (end of text if unclosed).

    >>> matching_paren("a (b (c)) d", 2)
    8
    """
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)
