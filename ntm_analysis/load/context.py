"""What the sheet readers share: the findings they make, and resolving each distinct cell
value once (communes, criteria, deadlines, flags), its findings placed on every row that
holds it. Work is proportional to the distinct values, plus vectorised work per row.

>>> from ntm_analysis.criteria.catalogue import load_catalogue
>>> from ntm_analysis.tables.schema import SHEETS
>>> ctx = Context("x.xlsx", load_catalogue())
>>> sheet = SHEETS["items"]
>>> d = ctx.deadlines(sheet, ["quý II/2023", "sai"], [None, None], [2, 3])
>>> [str(q) for q in d.quarters], d.year_only.tolist()
(['2023Q2', 'None'], [False, False])
>>> [(f.row, f.code) for f in ctx.found]
[(3, 'bad_deadline')]
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..core.findings import Criterion, Finding, Word, cell_text
from ..core.names import CommuneIndex, fold, nfc
from ..core.quarters import NAT, DeadlineError, parse_deadline
from ..core.vocab import DueSource
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


def is_date(v: Any) -> bool:
    """Whether a cell holds a date (an Excel date cell: ``date`` or ``datetime``)."""
    return isinstance(v, (_dt.date, np.datetime64))


def objects(values: Sequence) -> np.ndarray:
    """Values as an object array (a tuple stays one element)."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        return values
    return np.fromiter(values, dtype=object, count=len(values))


def distinct(values: Sequence) -> tuple[np.ndarray, list]:
    """Codes (row → distinct value) and the distinct values, missing ones included."""
    from .sheets import Missing

    if isinstance(values, Missing):  # a column the sheet lacks
        return np.zeros(len(values), dtype=np.int64), [None] if len(values) else []
    arr = objects(values)
    try:
        codes, uniq = pd.factorize(arr, use_na_sentinel=False)
        return codes.astype(np.int64, copy=False), list(uniq)
    except TypeError:  # an unhashable cell value: compare as text
        codes, uniq = pd.factorize(np.array([repr(v) for v in arr], dtype=object))
        first = {}
        for i, c in enumerate(codes.tolist()):
            first.setdefault(c, arr[i])
        return codes.astype(np.int64, copy=False), [first[c] for c in range(len(uniq))]


def per_value(values: Sequence, fn: Callable[[Any], Any]) -> list:
    """``[fn(v) for v in values]``, computing ``fn`` once per distinct value."""
    codes, uniq = distinct(values)
    results = [fn(u) for u in uniq]
    return [results[c] for c in codes.tolist()]


def take(results: list, codes: np.ndarray) -> np.ndarray:
    """``results[codes]`` as an object array (a tuple stays one element)."""
    arr = np.empty(len(results), dtype=object)
    for i, r in enumerate(results):
        arr[i] = r
    return arr[codes] if len(codes) else np.empty(0, dtype=object)


def pair_codes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of distinct (a, b) pairs of two code arrays, and each pair's first row."""
    codes, _ = pd.factorize(a * (int(b.max(initial=0)) + 1) + b)
    _, first = np.unique(codes, return_index=True)
    return codes.astype(np.int64, copy=False), first.astype(np.int64)


@dataclass
class Deadlines:
    """Each row's deadline: quarters (Period or None), ordinals, why each is inferred
    (a :class:`~ntm_analysis.core.vocab.DueSource` code, '' when stated), words."""

    quarters: np.ndarray
    ordinals: np.ndarray
    inferred: np.ndarray
    words: np.ndarray

    @property
    def year_only(self) -> np.ndarray:
        """Whether only a year was written (the fourth quarter inferred)."""
        return self.inferred == DueSource.YEAR_ONLY


class Context:
    """Findings of one workbook and the catalogue its criteria are matched against."""

    def __init__(self, file: str, catalogue: Catalogue, plan_year: int | None = None):
        self.file = file
        self.cat = catalogue
        self.plan_year = plan_year  # what "năm nay" (this year) in a deadline means
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

    def place(self, sheet: Sheet, row: Any, problems: Sequence[Problem]) -> None:
        for p in problems:
            self.add(p.severity, p.code, sheet, row, p.column, p.value, p.key, **dict(p.params))

    def place_all(self, sheet: Sheet, codes: np.ndarray, problems: list[list[Problem]], rows: Sequence) -> None:
        """Place each distinct value's problems on every row holding it."""
        rows = np.asarray(rows)
        for k, found in enumerate(problems):
            if found:
                for row in rows[codes == k].tolist():
                    self.place(sheet, row, found)

    def resolve(self, sheet: Sheet, values: Sequence, rows: Sequence,
                fn: Callable[[Any], tuple[Any, list[Problem]]]) -> np.ndarray:
        """``fn(value) -> (result, problems)`` once per distinct value: the results per row."""
        codes, uniq = distinct(values)
        out = [fn(u) for u in uniq]
        self.place_all(sheet, codes, [p for _, p in out], rows)
        return take([r for r, _ in out], codes)

    # ------------------------------------------------------------------ communes
    def communes(self, sheet: Sheet, values: Sequence, rows: Sequence, index: CommuneIndex) -> np.ndarray:
        """The commune id of each row (``None``, with an error, when blank or unknown).
        A name written exactly as in the communes sheet is found at once; others are
        matched by their commune key."""
        values = objects(values)
        exact = index.exact(values)
        rest = np.flatnonzero(exact == None)  # noqa: E711
        if len(rest):
            exact[rest] = self._communes(sheet, values[rest], np.asarray(rows)[rest], index)
        return exact

    def _communes(self, sheet: Sheet, values: Sequence, rows: Sequence, index: CommuneIndex) -> np.ndarray:

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

        return self.resolve(sheet, values, rows, resolve)

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

    def codes(self, sheet: Sheet, values: Sequence, rows: Sequence, column: str) -> np.ndarray:
        """The codes (a tuple) of each row's criterion cell; ``()`` with an error when unknown."""

        def resolve(v: Any) -> tuple[tuple[str, ...], list[Problem]]:
            codes, _, problems = self.codes_of(v, column)
            return codes, problems

        return self.resolve(sheet, values, rows, resolve)

    # ------------------------------------------------------------------ deadlines
    def deadline_of(self, written: Any, norm: Any, written_key: str, due_key: str
                    ) -> tuple[pd.Period | None, str, str, list[Problem]]:
        """(quarter or None, why it is inferred ('' when stated), words) from the written
        and the normalised cells. A date cell in the written column is read as the day
        it holds (its words: ``dd/mm/yyyy``)."""
        if not written_key:
            written = None
        elif not is_date(written):
            written = nfc(written)
        pw = pn = None
        if not _missing(written):
            try:
                pw = parse_deadline(written, self.plan_year)
            except DeadlineError as exc:
                if _missing(norm):
                    return None, "", cell_text(written), [problem("error", "bad_deadline", written_key, written,
                                                                  exc.key, **exc.params)]
        words = pw.written if pw and not isinstance(written, str) else nfc(written) if written_key else ""
        if not _missing(norm):
            try:
                pn = parse_deadline(nfc(norm) if isinstance(norm, str) else norm, self.plan_year)
            except DeadlineError as exc:
                return None, "", words, [problem("error", "bad_deadline", due_key, norm, exc.key, **exc.params)]
        problems = []
        if pn and pw and pn.quarter != pw.quarter:
            problems.append(problem("warning", "deadline_mismatch", due_key, norm, norm=pn.quarter, written=words,
                                    parsed=pw.quarter))
        chosen = pn or pw
        if chosen is None:
            return None, "", words, problems
        # the written words tell how precise the chosen quarter is, when they agree with it
        inferred = pw.inferred if pw and pw.quarter == chosen.quarter else pn.inferred if pn and not pw else None
        if not words:  # no words written: a date cell's day, else the quarter
            words = chosen.written if is_date(norm) else str(chosen.quarter)
        return chosen.quarter, str(inferred or ""), words, problems

    def deadlines(self, sheet: Sheet, written: Sequence, norm: Sequence, rows: Sequence,
                  written_key: str = "due_written", due_key: str = "due") -> Deadlines:
        """Each row's deadline, read once per distinct (words, quarter) pair."""
        wc, wu = distinct(written)
        nc, nu = distinct(norm)
        codes, first = pair_codes(wc, nc)
        out = [self.deadline_of(wu[wc[i]], nu[nc[i]], written_key, due_key) for i in first.tolist()]
        self.place_all(sheet, codes, [r[3] for r in out], rows)
        quarters = take([r[0] for r in out], codes)
        ords = np.array([NAT if r[0] is None else r[0].ordinal for r in out], dtype=np.int64)
        return Deadlines(quarters, ords[codes] if len(out) else np.zeros(0, np.int64),
                         take([r[1] for r in out], codes), take([r[2] for r in out], codes))

    # ------------------------------------------------------------------ flags
    def flags(self, sheet: Sheet, values: Sequence, rows: Sequence, column: str, default: bool) -> np.ndarray:
        """'có' / 'không' cells (an error otherwise)."""

        def read(v: Any) -> tuple[bool, list[Problem]]:
            if v is None or (isinstance(v, float) and v != v):
                return default, []
            if isinstance(v, bool):
                return v, []
            f = fold(v)
            if f not in BOOL_WORDS:
                return default, [problem("error", "bad_value", column, v, "bad_bool")]
            return (BOOL_WORDS[f] if f else default), []

        return self.resolve(sheet, values, rows, read).astype(bool)
