"""The one quarter codec: read deadlines as plans write them, and turn quarters into
ordinals, Periods and text.

A quarter is a pandas ``Period`` of frequency ``Q-DEC``; a column of them has the dtype
:data:`QUARTER`. "No date" is always ``NaT`` (as an ordinal: :data:`NAT`, pandas' own).

>>> parse_deadline("Phấn đấu hoàn thành trong quý III/2023").quarter
Period('2023Q3', 'Q-DEC')
>>> parse_deadline("hết năm 2023").year_only
True
>>> ords = to_ordinals(["2023Q2", None])
>>> code_text(ords[0]), code_text(ords[1]), int(year_of(ords)[0])
('2023Q2', 'undated', 2023)
>>> format_quarter(from_ordinals(ords)[0]), format_quarter(None, "en")
('quý II/2023', 'no deadline')
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

import numpy as np
import pandas as pd

from .names import fold, nfc
from .vocab import NO_DATE

QUARTER = pd.PeriodDtype("Q-DEC")
NAT = np.iinfo(np.int64).min  # the ordinal pandas stores for NaT
MIN_YEAR, MAX_YEAR = 2000, 2100
EXCEL_SERIALS = (36526, 73415)  # 2000-01-01 .. 2100-12-31 as Excel day numbers
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OF = {1: "I", 2: "II", 3: "III", 4: "IV"}

# folded text (no diacritics, lower case): "quy ii/2023", "quy ii nam 2023",
# "quy i-2018" (the fold turns "/" and "-" into spaces)
_Q_VI = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\s*(?:nam\s+)?((?:19|20|21)\d\d)\b")
_Q_EN = re.compile(r"\bq\s*([1-4])\s*(?:nam\s+)?((?:19|20|21)\d\d)\b")
_Q_ISO = re.compile(r"\b((?:19|20|21)\d\d)\s*q\s*([1-4])\b")
_YEAR = re.compile(r"\b(?:nam|year|by|end|het|cuoi|trong)\s+(?:nam\s+)?((?:19|20|21)\d\d)\b")
_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20|21)\d\d)\b")
_BARE_YEAR = re.compile(r"^\s*((?:19|20|21)\d\d)\s*$")


class DeadlineError(ValueError):
    """A deadline text that cannot be read: ``key`` names the message, ``params`` fill it."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        from ..i18n import t

        super().__init__(t(f"msg.{key}", "vi", **params))


@dataclass(frozen=True)
class Deadline:
    """A deadline read from text: the quarter it falls in and how precise it was.

    ``year_only`` is true for "trong năm 2023", "hết năm 2023": the quarter is then
    that year's last quarter, an inferred date.
    """

    quarter: pd.Period
    year_only: bool
    qualifier: str = ""  # "đầu" (early), "cuối" (late) or ""
    written: str = ""

    @property
    def label(self) -> str:
        return str(self.quarter)


def quarter(year: int, q: int) -> pd.Period:
    """The quarter of a year and quarter number, within the supported years.

    >>> quarter(2023, 4)
    Period('2023Q4', 'Q-DEC')
    """
    if not (MIN_YEAR <= year <= MAX_YEAR) or q not in (1, 2, 3, 4):
        raise DeadlineError("quarter_out_of_range", q=q, year=year, lo=MIN_YEAR, hi=MAX_YEAR)
    return pd.Period(year=year, quarter=q, freq="Q")


def parse_deadline(value: object) -> Deadline | None:
    """Read a deadline in any of the forms Vietnamese plans use.

    Returns ``None`` for empty input; raises :class:`DeadlineError` when text is
    present but holds no readable quarter or year.

    >>> parse_deadline("đầu quý II/2023").qualifier
    'đầu'
    >>> str(parse_deadline("quý I-2018").quarter)
    '2018Q1'
    >>> str(parse_deadline("2023Q2").quarter), str(parse_deadline("Q2/2023").quarter)
    ('2023Q2', '2023Q2')
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Period):
        return Deadline(value.asfreq("Q"), False, "", str(value))
    if isinstance(value, (_dt.date, _dt.datetime, pd.Timestamp)):
        ts = pd.Timestamp(value)
        return Deadline(quarter(ts.year, ts.quarter), False, "", ts.strftime("%d/%m/%Y"))
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and MIN_YEAR <= int(value) <= MAX_YEAR:
            return Deadline(quarter(int(value), 4), True, "", str(int(value)))
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:  # a date cell that lost its format
            ts = pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(value))
            return Deadline(quarter(ts.year, ts.quarter), False, "", ts.strftime("%d/%m/%Y"))
        raise DeadlineError("not_a_quarter", value=value)
    written = nfc(value)
    if not written:
        return None
    return _parse_text(written)


@lru_cache(maxsize=50_000)
def _parse_text(written: str) -> Deadline:
    folded = fold(written)
    qualifier = ""
    lower = written.lower()  # diacritics matter: "phấn đấu quý" is not "đầu quý"
    if re.search(r"\bđầu\s+quý\b", lower):
        qualifier = "đầu"
    elif re.search(r"\bcuối\s+quý\b", lower):
        qualifier = "cuối"
    m = _Q_VI.search(folded)
    if m:
        q = ROMAN.get(m.group(1)) or int(m.group(1))
        return Deadline(quarter(int(m.group(2)), q), False, qualifier, written)
    m = _Q_ISO.search(folded)
    if m:
        return Deadline(quarter(int(m.group(1)), int(m.group(2))), False, qualifier, written)
    m = _Q_EN.search(folded)
    if m:
        return Deadline(quarter(int(m.group(2)), int(m.group(1))), False, qualifier, written)
    m = _DATE.search(written)
    if m:
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        try:
            ts = _dt.date(year, month, day)
        except ValueError as exc:
            raise DeadlineError("bad_date", written=written, problem=str(exc)) from None
        return Deadline(quarter(ts.year, (ts.month - 1) // 3 + 1), False, "", written)
    m = _YEAR.search(folded) or _BARE_YEAR.match(folded)
    if m:
        return Deadline(quarter(int(m.group(1)), 4), True, qualifier, written)
    raise DeadlineError("unreadable_deadline", written=written)


def as_of_quarter(as_of: object) -> pd.Period | None:
    """The quarter an as-of date (a timestamp, a date, ISO text or a quarter) falls in;
    ``None`` stays ``None``.

    >>> as_of_quarter("2023-07-01")
    Period('2023Q3', 'Q-DEC')
    """
    if as_of is None or as_of is pd.NaT:
        return None
    if isinstance(as_of, pd.Period):
        return as_of.asfreq("Q")
    return pd.Timestamp(as_of).to_period("Q")


# ------------------------------------------------------------- Period ⇄ ordinal
def to_ordinals(values: Any) -> np.ndarray:
    """Quarter ordinals (int64, :data:`NAT` for no date) of a Period column, a
    PeriodArray, or any iterable of Periods, quarter texts and missing values.

    >>> to_ordinals(pd.array(["2023Q1", None], dtype="period[Q-DEC]")).tolist()[0]
    212
    """
    if isinstance(values, pd.Series):
        values = values.array
    if isinstance(values, pd.arrays.PeriodArray):
        if values.dtype != QUARTER:
            values = values.asfreq("Q-DEC")
        return np.asarray(values.asi8, dtype=np.int64).copy()
    if isinstance(values, pd.PeriodIndex):
        return np.asarray(values.asfreq("Q-DEC").asi8, dtype=np.int64).copy()
    return np.fromiter((_ordinal(v) for v in values), dtype=np.int64)


def _ordinal(v: object) -> int:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v == "":
        return NAT
    if isinstance(v, pd.Period):
        return v.asfreq("Q-DEC").ordinal
    return pd.Period(v, freq="Q-DEC").ordinal


def from_ordinals(ordinals: np.ndarray | Iterable[int]) -> pd.arrays.PeriodArray:
    """A quarter column from ordinals (:data:`NAT` = no date)."""
    return pd.arrays.PeriodArray(np.asarray(ordinals, dtype=np.int64), dtype=QUARTER)


def as_quarters(values: Any) -> pd.arrays.PeriodArray:
    """A quarter column from Periods, quarter texts or missing values."""
    return from_ordinals(to_ordinals(values))


def year_of(ordinals: np.ndarray) -> np.ndarray:
    """The calendar year of quarter ordinals (float, NaN for no date).

    >>> year_of(to_ordinals(["2023Q4", "2024Q1"])).tolist()
    [2023.0, 2024.0]
    """
    o = np.asarray(ordinals, dtype=np.int64)
    return np.where(o == NAT, np.nan, np.floor_divide(o, 4) + 1970.0)


def quarter_of_year(ordinals: np.ndarray) -> np.ndarray:
    """The quarter number 1..4 of quarter ordinals (0 for no date)."""
    o = np.asarray(ordinals, dtype=np.int64)
    return np.where(o == NAT, 0, np.mod(o, 4) + 1)


def ordinal(year: int, q: int = 1) -> int:
    """The ordinal of a year's quarter (no range check).

    >>> ordinal(2023, 4) - ordinal(2023, 1)
    3
    """
    return (year - 1970) * 4 + q - 1


# --------------------------------------------------------------------- text
@lru_cache(maxsize=4096)
def _code(o: int) -> str:
    return NO_DATE if o == NAT else str(pd.Period(ordinal=o, freq="Q-DEC"))


def code_text(value: object) -> str:
    """A quarter as its code, ``2023Q2`` (``undated`` for no date): for keys and lists."""
    if isinstance(value, (int, np.integer)):
        return _code(int(value))
    return _code(_ordinal(value))


def format_quarter(period: pd.Period | None, lang: str = "vi", short: bool = False,
                   with_year: bool = True) -> str:
    """A quarter for people: ``quý II/2023`` (vi) or ``Q2 2023`` (en); ``short``:
    ``II/23`` or ``Q2/23`` (``II`` / ``Q2`` without the year); no date: "chưa có hạn".

    >>> q = pd.Period("2023Q3", freq="Q")
    >>> format_quarter(q), format_quarter(q, "en"), format_quarter(q, short=True)
    ('quý III/2023', 'Q3 2023', 'III/23')
    """
    if period is None or period is pd.NaT or (isinstance(period, float) and period != period):
        from ..i18n import t

        return t("word.no_deadline", lang)
    q = ROMAN_OF[period.quarter] if lang != "en" else f"Q{period.quarter}"
    if short:
        return f"{q}/{period.year % 100:02d}" if with_year else q
    return f"quý {q}/{period.year}" if lang != "en" else f"{q} {period.year}"
