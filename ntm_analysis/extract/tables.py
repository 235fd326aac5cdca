"""Tables of communes (a Word table, or Markdown rows "| … |") read by their header.

The header names the columns: the commune ("Xã", "Tên xã", "Địa phương"), the criteria
and what it says of them ("Tiêu chí chưa đạt", "TC bị giảm", "Điều kiện còn thiếu"; a
column that counts, "Số TC đạt", is not it) and the deadline ("Thời hạn", "Hạn hoàn thành",
"Khôi phục").

>>> t = Table.read(row_cells("| STT | Xã | Số TC đạt | Tiêu chí chưa đạt | Thời hạn |"))
>>> t.commune, t.criteria, t.polarity, t.due
(1, 3, 'missing', 4)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .lexicon import GAP_POLARITIES, polarity_cues
from .patterns import pfold


_COMMUNE_HEADERS = {"xa", "ten xa", "xa, thi tran", "dia phuong"}
_DUE_WORDS = re.compile(r"\b(?:thoi han|thoi gian|han hoan thanh|han|khoi phuc xong)\b")


def row_cells(text: str) -> list[str]:
    """The cells of a table row as the document reader writes it ("a | b | c")."""
    return [c.strip() for c in text.strip().strip("|").split("|")]


def is_table_row(text: str, style: str) -> bool:
    return style == "table" or text.lstrip().startswith("|")


@dataclass
class Table:
    """Which column holds the commune, the criteria (and whether its header says they are
    missing or met, else ``said``), the deadline."""

    commune: int
    criteria: int
    polarity: str
    due: int | None

    @classmethod
    def read(cls, cells: list[str]) -> "Table | None":
        """The table a header row opens, or ``None`` if the row is no header."""
        folded = [pfold(c) for c in cells]
        commune = next((i for i, c in enumerate(folded) if c.strip() in _COMMUNE_HEADERS), None)
        if commune is None or any("nhiem vu" in c or "co quan" in c for c in folded):
            return None  # no commune column, or a table of department tasks
        named = [i for i, c in enumerate(folded) if i != commune and re.search(r"\b(?:tieu chi|tc|dieu kien|noi dung)\b", c)
                 and not re.match(r"\s*so\b", c)]  # not "Số TC đạt", a count
        named = [i for i in named if not _DUE_WORDS.match(folded[i].strip())] or named  # not "Thời gian … tiêu chí"
        if not named:
            return None
        gap_words = [i for i in named if any(p in GAP_POLARITIES for _, _, p in polarity_cues(folded[i]))]
        criteria = (gap_words or named)[0]
        cues = [p for _, _, p in polarity_cues(folded[criteria]) if p in (*GAP_POLARITIES, "met")]
        polarity = cues[0] if cues else "reduced" if re.search(r"\b(?:can\s+)?khoi phuc\b", folded[criteria]) else "said"
        due = next((i for i, c in enumerate(folded) if i not in (commune, criteria)
                    and re.search(r"\b(?:thoi han|thoi gian|han|khoi phuc)\b", c)), None)
        return cls(commune, criteria, polarity, due)
