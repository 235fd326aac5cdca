"""A sentence of a paragraph as the mention reader sees it, and a list of criteria in it."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .flow import Para
from .lexicon import MARKER, CriterionMention
from .patterns import pfold

#: a parenthesis that holds a list of criteria: "3 tiêu chí (", "3 tiêu chí xã NTM nâng cao ("
_LIST_PAREN = re.compile(r"\b" + MARKER + r"(?:\s+(?:xa|ntm|nang cao|kieu mau|con thieu|con lai))*\s*$")


@dataclass
class Sentence:
    """A sentence: its paragraph, where it starts there, its words, and its :func:`pfold`
    with the details in parentheses blanked (:func:`mask_details`)."""

    para: Para
    offset: int
    text: str
    folded: str

    @classmethod
    def of(cls, para: Para, start: int, end: int, folded: str | None = None) -> "Sentence":
        f = pfold(para.text) if folded is None else folded
        text = para.text[start:end]
        return cls(para, start, text, _blank_lookalikes(text, mask_details(f[start:end])))

    def line(self, at: int) -> int:
        """The line of the character at ``at`` of the sentence."""
        return self.para.line_at(self.offset + at)


@dataclass
class CriteriaList:
    """Criteria named one after another ("Giao thông, Điện và tiêu chí Y tế")."""

    mentions: list[CriterionMention]
    start: int
    end: int


#: words that fold to a polarity word ("đất" to "đạt", "thiểu" to "thiếu"): blanked so no cue is read
_LOOKALIKES = re.compile(r"(?<!\w)(?:đất|đắt|thiểu)(?!\w)", re.IGNORECASE)


def _blank_lookalikes(text: str, folded: str) -> str:
    """``folded`` with the words of :data:`_LOOKALIKES` in ``text`` turned to "x"s.

    >>> _blank_lookalikes("quy hoạch đất ở", "quy hoach dat o")
    'quy hoach xxx o'
    """
    if not _LOOKALIKES.search(text):
        return folded
    chars = list(folded)
    for m in _LOOKALIKES.finditer(text):
        chars[m.start():m.end()] = "x" * (m.end() - m.start())
    return "".join(chars)


def mask_details(folded: str) -> str:
    """``folded`` with the inside of parentheses blanked, except a list in parentheses
    right after "tiêu chí" ("3 tiêu chí (Y tế, Giáo dục)"): details are not criteria.

    >>> mask_details("con thieu tieu chi y te (ty le 91%) va 2 tieu chi (dien, nha o)")
    'con thieu tieu chi y te (         ) va 2 tieu chi (dien, nha o)'
    """
    if "(" not in folded:
        return folded
    chars = list(folded)
    depth, start = 0, -1
    for i, ch in enumerate(folded):
        if ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                before = folded[max(0, start - 30):start]
                if not _LIST_PAREN.search(before):
                    chars[start + 1:i] = " " * (i - start - 1)
    return "".join(chars)
