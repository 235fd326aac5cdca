"""Deadlines in a sentence, and which of them are deadlines to finish by.

Besides the dated forms of :func:`~ntm_analysis.extract.patterns.find_deadlines`, a
sentence may say "quý IV năm nay", "cuối năm nay", "sang năm 2025" or "trong tháng 12"
(no year): read against ``this_year``, the year of the document's date, and said so. A
deadline counts only after a word of finishing ("hoàn thành", "phấn đấu", "xong",
"khôi phục" …) in its clause, and not when that finish is past ("đã hoàn thành … trong
tháng 6/2024"): the date of a review, a report or an event is no deadline.

>>> [(d.written, str(d.due), ok, note) for d, ok, note in deadlines_in(
...     "Qua rà soát đến ngày 31/12/2024, xã còn thiếu tiêu chí Y tế; phấn đấu xong trong quý II năm nay.", 2025)]
[('đến ngày 31/12/2024', '2024Q4', False, ''), ('quý II năm nay', '2025Q2', True, 'năm nay = 2025')]
"""
from __future__ import annotations

from ..core.quarters import DeadlineError, parse_deadline
from .lexicon import DEADLINE_CUE, MONTH_ALONE, MOVED_TO_YEAR, PAST, THIS_YEAR
from .patterns import FoundDeadline, find_deadlines, pfold

#: how far before a deadline its word of finishing is looked for (a clause, not the text)
CUE_REACH = 200
#: (deadline, is it one to finish by, a note on how it was read)
Dated = tuple[FoundDeadline, bool, str]


def deadlines_in(text: str, this_year: int | None, folded: str | None = None) -> list[Dated]:
    """The deadlines of ``text`` in order (``folded``: its :func:`pfold`, details blanked)."""
    plain = pfold(text)
    f = plain if folded is None else folded
    found = [(d, "") for d in find_deadlines(text)]
    taken = [(d.start, d.end) for d, _ in found]
    for pattern, note in ((THIS_YEAR, f"năm nay = {this_year}"), (MOVED_TO_YEAR, ""),
                          (MONTH_ALONE, f"tháng không ghi năm, suy ra năm {this_year}")):
        for m in pattern.finditer(f):
            s, e = m.start("w"), m.end("w")
            if any(s < te and e > ts for ts, te in taken):
                continue
            written = text[s:e]
            try:
                d = parse_deadline(written if pattern is not MONTH_ALONE else f"{written}/{this_year}",
                                   plan_year=this_year)
            except DeadlineError:
                continue
            if d is not None:
                found.append((FoundDeadline(s, s, e, written, d.quarter, d.year_only), note))
    found.sort(key=lambda x: x[0].start)
    out = []
    for d, note in found:
        g = f
        window_start = max(f.rfind(";", max(0, d.cut - CUE_REACH), d.cut) + 1, d.cut - CUE_REACH)
        if f is not plain and f[d.start:d.end] != plain[d.start:d.end]:  # in a detail in parentheses:
            g, window_start = plain, max(window_start, plain.rfind("(", 0, d.start) + 1)  # its words there
        cues = list(DEADLINE_CUE.finditer(g, window_start, d.cut))
        valid = bool(cues) and not PAST.search(g, max(window_start, cues[-1].start() - 9), cues[-1].end())
        out.append((d, valid, note))
    return out


def take(deadlines: list[Dated], used: set[int], start: int, stop: int) -> tuple[FoundDeadline, str] | None:
    """The first deadline to finish by at or after ``start`` and before ``stop`` not yet
    given to another list (it is marked used)."""
    for i, (d, valid, note) in enumerate(deadlines):
        if i in used or not valid or d.start < start:
            continue
        if d.start >= stop:
            return None
        used.add(i)
        return d, note
    return None
