"""What the mention reader keeps: the gaps, the criteria said met, the counts stated."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.names import commune_key
from ..criteria.catalogue import Catalogue
from .commune import Finding
from .patterns import FoundDeadline, strip_trailing


@dataclass
class Gap:
    """A criterion a commune is said to miss (or to have lost), as the text says it."""

    commune: str
    district: str
    code: str
    written: str  # the criterion as written
    line: int  # the line where its name begins
    sentence: str  # the sentence as written
    polarity: str  # missing | reduced
    confidence: float
    how: str  # how it was read, in words
    due: FoundDeadline | None = None
    due_line: int = 0
    due_note: str = ""
    no_deadline_said: bool = False
    para: int = 0
    section: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return commune_key(self.commune), self.code


@dataclass
class Met:
    commune: str
    code: str
    written: str
    line: int


@dataclass
class Stated:
    """A count the text states for a commune ("đạt 16/19", "còn 03 tiêu chí")."""

    commune: str
    missing: int
    written: str
    line: int
    met: bool = False  # "đạt 16/19" (else "còn 03 tiêu chí")


def count_findings(stated: list[Stated], gaps: list[Gap], catalogue: Catalogue) -> list[Finding]:
    """A finding for each stated count ("đạt 16/19", "còn 03 tiêu chí") that differs from
    the criteria (not the model requirements) read for its commune."""
    out: list[Finding] = []
    seen: set[tuple[str, int]] = set()
    by_commune: dict[str, list[Gap]] = {}
    for g in gaps:
        if not catalogue.is_model(g.code):
            by_commune.setdefault(commune_key(g.commune), []).append(g)
    for s in stated:
        key = commune_key(s.commune)
        found = by_commune.get(key, [])
        if (key, s.missing) in seen:
            continue
        seen.add((key, s.missing))
        if s.missing != len(found):
            names = ", ".join(catalogue.label(g.code) for g in found) or "không tiêu chí nào"
            out.append(Finding(s.line, "count_mismatch", strip_trailing(s.written),
                               f"Văn bản ghi '{s.written}' ({s.missing} tiêu chí còn thiếu) nhưng đọc được "
                               f"{len(found)}: {names}", s.commune))
    return out
