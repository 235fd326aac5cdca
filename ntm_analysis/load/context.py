"""What the sheet readers share: the findings they make, and resolving each distinct cell
value once (communes, criteria, deadlines, flags), its findings repeated on every row
that holds it.

>>> from ntm_analysis.criteria.catalogue import load_catalogue
>>> from ntm_analysis.tables.schema import SHEETS
>>> ctx = Context("x.xlsx", load_catalogue())
>>> sheet = SHEETS["items"]
>>> ctx.deadlines(sheet, ["quý II/2023", "sai"], [None, None], [2, 3])[0].tolist()[:1]
[Period('2023Q2', 'Q-DEC')]
>>> [(f.row, f.code) for f in ctx.found]
[(3, 'bad_deadline')]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from ..core.findings import Criterion, Finding, Word, cell_text
from ..core.names import CommuneIndex, fold, nfc
from ..core.quarters import NAT, DeadlineError, parse_deadline
from ..criteria.catalogue import Catalogue
from ..tables.schema import BOOL_WORDS, Sheet


@dataclass(frozen=True)
class Problem:
    """A finding about a value, before it is placed on the rows that hold the value."""

    severity: str
    code: str
    column: str
    value: Any
    key: str = ""
    params: tuple = ()


def problem(severity: str, code: str, column: str, cell: Any, key: str = "", **params: Any) -> Problem:
    return Problem(severity, code, column, cell, key or code, tuple(params.items()))


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def per_value(values: Sequence, fn: Callable[[Any], Any]) -> list:
    """``[fn(v) for v in values]``, computing ``fn`` once per distinct value."""
    cache: dict = {}
    out = []
    for v in values:
        try:
            r = cache[v]
        except KeyError:
            r = cache[v] = fn(v)
        except TypeError:  # an unhashable cell value
            r = fn(v)
        out.append(r)
    return out


class Context:
    """Findings of one workbook and the catalogue its criteria are matched against."""

    def __init__(self, file: str, catalogue: Catalogue):
        self.file = file
        self.cat = catalogue
        self.found: list[Finding] = []

    # ------------------------------------------------------------------ findings
    def add(self, severity: str, code: str, sheet: Sheet, at_row: Any, column: str, cell: Any,
            key: str = "", about: str = "", **params: Any) -> None:
        """A finding at (sheet, row, column); ``about``: the commune it concerns (default:
        the ``commune`` parameter of the message)."""
        header = sheet.column(column).header if column in sheet.keys else column
        self.found.append(Finding(severity, code, key or code, params, self.file, sheet.name,
                                  None if at_row is None else int(at_row), header, cell_text(cell),
                                  about or str(params.get("commune", ""))))

    def place(self, sheet: Sheet, row: Any, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p.severity, p.code, sheet, row, p.column, p.value, p.key, **dict(p.params))

    @property
    def has_errors(self) -> bool:
        return any(f.severity == "error" for f in self.found)

    # ------------------------------------------------------------------ communes
    def communes(self, sheet: Sheet, values: Sequence, rows: Sequence, index: CommuneIndex) -> list[str | None]:
        """The commune id of each row (``None``, with an error, when blank or unknown)."""

        def resolve(v: Any) -> tuple[str | None, list[Problem]]:
            name = nfc(v)
            if not name:
                return None, [problem("error", "missing_value", "commune", "", "missing_commune")]
            cid = index.find(name)
            if cid is None:
                near = index.nearest(name)
                return None, [problem("error", "unknown_commune", "commune", name,
                                      near=", ".join(near) if near else Word("msg.none_near"))]
            return cid, []

        out = []
        for (cid, problems), row in zip(per_value(values, resolve), rows):
            self.place(sheet, row, problems)
            out.append(cid)
        return out

    # ------------------------------------------------------------------ criteria
    def codes_of(self, text: Any, column: str) -> tuple[tuple[str, ...], str, list[Problem]]:
        """Criterion codes of a cell ("A; B" names several), the match method, problems."""
        text = nfc(text)
        parts = [p.strip() for p in text.split(";") if p.strip()] if ";" in text else [text]
        codes: list[str] = []
        method = "exact"
        problems: list[Problem] = []
        for part in parts:
            m = self.cat.match(part)
            if not m.ok:
                problems.append(problem("error", "unknown_criterion", column, part, near=", ".join(m.suggestions)))
                return (), "unknown", problems
            if m.method == "fuzzy":
                problems.append(problem("warning", "fuzzy_criterion", column, part,
                                        label=Criterion(self.cat, m.codes[0]), score=f"{m.score:.0%}"))
            codes.extend(m.codes)
            method = m.method if len(parts) == 1 else "split"
        return tuple(dict.fromkeys(codes)), method, problems

    def codes(self, sheet: Sheet, values: Sequence, rows: Sequence, column: str) -> list[tuple[str, ...]]:
        """The codes of each row's criterion cell (``()`` with an error when unknown)."""
        out = []
        for (codes, _, problems), row in zip(per_value(values, lambda v: self.codes_of(v, column)), rows):
            self.place(sheet, row, problems)
            out.append(codes)
        return out

    # ------------------------------------------------------------------ deadlines
    def deadline_of(self, written: Any, norm: Any, written_key: str, due_key: str
                    ) -> tuple[pd.Period | None, bool, str, list[Problem]]:
        """(quarter or None, year only, words) from the written and the normalised cells."""
        written = nfc(written) if written_key else ""
        pw = pn = None
        if written:
            try:
                pw = parse_deadline(written)
            except DeadlineError as exc:
                if _missing(norm):
                    return None, False, written, [problem("error", "bad_deadline", written_key, written, exc.key,
                                                          **exc.params)]
        if not _missing(norm):
            try:
                pn = parse_deadline(nfc(norm) if isinstance(norm, str) else norm)
            except DeadlineError as exc:
                return None, False, written, [problem("error", "bad_deadline", due_key, norm, exc.key, **exc.params)]
        problems = []
        if pn and pw and pn.quarter != pw.quarter:
            problems.append(problem("warning", "deadline_mismatch", due_key, norm, norm=pn.quarter, written=written,
                                    parsed=pw.quarter))
        chosen = pn or pw
        if chosen is None:
            return None, False, written, problems
        year_only = pw.year_only if pw and pw.quarter == chosen.quarter else (chosen.year_only and not pn)
        if pn and not pw and pn.year_only:
            year_only = True
        return chosen.quarter, bool(year_only), written or str(chosen.quarter), problems

    def deadlines(self, sheet: Sheet, written: Sequence, norm: Sequence, rows: Sequence,
                  written_key: str = "due_written", due_key: str = "due"
                  ) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """Each row's deadline: quarters (object array of Period or None), year-only flags
        and words as written."""
        results = per_value(list(zip(written, norm)),
                            lambda pair: self.deadline_of(pair[0], pair[1], written_key, due_key))
        quarters = np.empty(len(results), dtype=object)
        flags = np.zeros(len(results), dtype=bool)
        words = []
        for i, ((q, y, w, problems), row) in enumerate(zip(results, rows)):
            self.place(sheet, row, problems)
            quarters[i], flags[i] = q, y
            words.append(w)
        return quarters, flags, words

    # ------------------------------------------------------------------ flags
    def flags(self, sheet: Sheet, values: Sequence, rows: Sequence, column: str, default: bool) -> np.ndarray:
        """'có' / 'không' cells (an error otherwise)."""

        def read(v: Any) -> tuple[bool, list[Problem]]:
            if v is None:
                return default, []
            if isinstance(v, bool):
                return v, []
            f = fold(v)
            if f not in BOOL_WORDS:
                return default, [problem("error", "bad_value", column, v, "bad_bool")]
            return (BOOL_WORDS[f] if f else default), []

        out = np.zeros(len(values), dtype=bool)
        for i, ((flag, problems), row) in enumerate(zip(per_value(values, read), rows)):
            self.place(sheet, row, problems)
            out[i] = flag
        return out


def ordinals(quarters: np.ndarray) -> np.ndarray:
    """Ordinals of an object array of Period-or-None (:data:`NAT` for None)."""
    return np.fromiter((NAT if q is None else q.ordinal for q in quarters), dtype=np.int64, count=len(quarters))


