"""The one quarter codec: read deadlines as plans write them, and turn quarters into
ordinals, Periods and text.

A quarter is a pandas ``Period`` of frequency ``Q-DEC``; a column of them has the dtype
:data:`QUARTER`. "No date" is always ``NaT`` (as an ordinal: :data:`NAT`, pandas' own).

>>> parse_deadline("Phấn đấu hoàn thành trong quý III/2023").quarter
Period('2023Q3', 'Q-DEC')
>>> parse_deadline("hết năm 2023").year_only
True
>>> d = parse_deadline("6 tháng đầu năm 2024")
>>> str(d.quarter), str(d.inferred), d.reason("en")
('2024Q2', 'half-year', 'half year (its last quarter inferred: Q2 or Q4)')
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

from .dates import MAX_YEAR, MIN_YEAR, DateError, date_in, parse_date
from .names import fold, nfc, strip_diacritics
from .vocab import NO_DATE, DueSource

QUARTER = pd.PeriodDtype("Q-DEC")
NAT = np.iinfo(np.int64).min  # the ordinal pandas stores for NaT
EXCEL_SERIALS = (36526, 73415)  # 2000-01-01 .. 2100-12-31 as Excel day numbers
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
ROMAN_OF = {1: "I", 2: "II", 3: "III", 4: "IV"}

# folded text (no diacritics, lower case): "quy ii/2023", "quy ii nam 2023",
# "quy i-2018" (the fold turns "/" and "-" into spaces)
_YYYY = r"(\d{4})"  # any four digits: a year outside the supported ones is named as such
_Q_VI = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\s*(?:nam\s+)?" + _YYYY + r"\b")
_Q_EN = re.compile(r"\bq\s*([1-4])\s*(?:nam\s+)?" + _YYYY + r"\b")
_Q_ISO = re.compile(r"\b" + _YYYY + r"\s*q\s*([1-4])\b")
_YEAR = re.compile(r"\b(?:nam|year|by|end|het|cuoi|trong)\s+(?:nam\s+)?" + _YYYY + r"\b")
_BARE_YEAR = re.compile(r"^\s*" + _YYYY + r"\s*$")
# "6 tháng đầu năm 2024", "sáu tháng cuối năm 2024", "nửa đầu năm 2024"
_HALF = re.compile(r"\b(?:(?:6|06|sau)\s+thang|nua)\s+(dau|cuoi)\s+(?:cua\s+)?nam\s+" + _YYYY + r"\b")
HALF_QUARTER = {"dau": 2, "cuoi": 4}  # a half year's last quarter
# "tháng 6/2024", "tháng 6 năm 2024" (folded); "6/2024", "06-2024" (punctuation kept)
_MONTH_WORD = re.compile(r"\bthang\s+(\d{1,2})\s+(?:nam\s+)?" + _YYYY + r"\b")
_MONTH_BARE = re.compile(r"(?<![\d/.\-])(\d{1,2})\s*[/.\-]\s*" + _YYYY + r"(?![\d/.\-])")
# "năm nay" (this year): the plan's year
_THIS_YEAR = re.compile(r"\bnam\s+nay\b")


class DeadlineError(ValueError):
    """A deadline text that cannot be read: ``key`` names the message, ``params`` fill it
    (a :class:`~.findings.Phrase` among them is rendered in the message's language)."""

    def __init__(self, key: str, **params: Any):
        self.key = key
        self.params = params
        from ..i18n import t
        from .findings import render

        super().__init__(t(f"msg.{key}", "vi", **{k: render(v, "vi") for k, v in params.items()}))


@dataclass(frozen=True)
class Deadline:
    """A deadline read from text: the quarter it falls in and how precise it was.

    ``inferred`` says why the quarter is inferred rather than stated (a
    :class:`~.vocab.DueSource`): ``year-only`` for "trong năm 2023", "hết năm 2023"
    (that year's last quarter), ``half-year`` for "6 tháng đầu năm 2024" (the half's
    last quarter: II, or IV for "6 tháng cuối"); ``None`` when the words state the
    quarter (a quarter, a month, a day).
    """

    quarter: pd.Period
    inferred: DueSource | None = None
    qualifier: str = ""  # "đầu" (early), "cuối" (late) or ""
    written: str = ""

    @property
    def label(self) -> str:
        return str(self.quarter)

    @property
    def year_only(self) -> bool:
        """Whether only a year was written (the fourth quarter inferred)."""
        return self.inferred == DueSource.YEAR_ONLY

    def reason(self, lang: str = "vi") -> str:
        """Why the quarter is inferred, for people ('' when it is stated).

        >>> parse_deadline("trong năm 2023").reason()
        'chỉ ghi năm (suy ra quý IV)'
        """
        from ..i18n import label

        return str(label("due_source", str(self.inferred), lang)) if self.inferred else ""


def quarter(year: int, q: int) -> pd.Period:
    """The quarter of a year and quarter number, within the supported years.

    >>> quarter(2023, 4)
    Period('2023Q4', 'Q-DEC')
    """
    if not (MIN_YEAR <= year <= MAX_YEAR) or q not in (1, 2, 3, 4):
        raise DeadlineError("quarter_out_of_range", q=q, year=year, lo=MIN_YEAR, hi=MAX_YEAR)
    return pd.Period(year=year, quarter=q, freq="Q")


def parse_deadline(value: object, plan_year: int | None = None) -> Deadline | None:
    """Read a deadline in any of the forms Vietnamese plans use.

    Quarters ("quý II/2023", "Q2/2023", "2023Q2") and months ("tháng 6/2024",
    "6/2024") are stated; days ("30/9/2024", day first; a date cell) fall in their
    quarter; half years ("6 tháng đầu năm 2024") and years ("trong năm 2023") are
    inferred (see :class:`Deadline`). "năm nay" (this year) is ``plan_year``.

    Returns ``None`` for empty input; raises :class:`DeadlineError` when text is
    present but holds no readable quarter or year.

    >>> parse_deadline("đầu quý II/2023").qualifier
    'đầu'
    >>> str(parse_deadline("quý I-2018").quarter)
    '2018Q1'
    >>> str(parse_deadline("2023Q2").quarter), str(parse_deadline("Q2/2023").quarter)
    ('2023Q2', '2023Q2')
    >>> d = parse_deadline("tháng 6/2024")
    >>> str(d.quarter), d.inferred, d.written
    ('2024Q2', None, 'tháng 6/2024')
    >>> d = parse_deadline(pd.Timestamp("2024-09-30").date())
    >>> str(d.quarter), d.written
    ('2024Q3', '30/09/2024')
    >>> str(parse_deadline("quý III năm nay", plan_year=2023).quarter)
    '2023Q3'
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Period):
        return Deadline(value.asfreq("Q"), None, "", str(value))
    if isinstance(value, (_dt.date, np.datetime64)):  # a date cell (datetime, Timestamp included)
        try:
            return _day(parse_date(value))
        except DateError as exc:
            raise _date_error(exc, str(value)) from None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and MIN_YEAR <= int(value) <= MAX_YEAR:
            return Deadline(quarter(int(value), 4), DueSource.YEAR_ONLY, "", str(int(value)))
        if EXCEL_SERIALS[0] <= value <= EXCEL_SERIALS[1]:  # a date cell that lost its format
            return _day(pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(value)))
        raise DeadlineError("not_a_quarter", value=value)
    written = nfc(value)
    if not written:
        return None
    return _parse_text(written, plan_year)


def _of_month(year: int, month: int) -> pd.Period:
    """The quarter a month lies in."""
    return quarter(year, (month - 1) // 3 + 1)


def _day(ts: pd.Timestamp | None) -> Deadline | None:
    """The deadline of a day: its quarter, stated; written ``dd/mm/yyyy``."""
    if ts is None:
        return None
    return Deadline(_of_month(ts.year, ts.month), None, "", ts.strftime("%d/%m/%Y"))


def _date_error(exc: DateError, written: str) -> DeadlineError:
    """A deadline whose day does not exist ("31/02/2024"): the date reader's reason."""
    from .findings import Word

    return DeadlineError("bad_date", written=written, problem=Word(f"msg.{exc.key}", **exc.params))


@lru_cache(maxsize=50_000)
def _parse_text(written: str, plan_year: int | None = None) -> Deadline:
    folded = fold(written)
    if _THIS_YEAR.search(folded):
        if plan_year is None:
            raise DeadlineError("deadline_needs_plan_year", written=written)
        folded = _THIS_YEAR.sub(f"nam {plan_year}", folded)
    qualifier = ""
    lower = written.lower()  # diacritics matter: "phấn đấu quý" is not "đầu quý"
    if re.search(r"\bđầu\s+quý\b", lower):
        qualifier = "đầu"
    elif re.search(r"\bcuối\s+quý\b", lower):
        qualifier = "cuối"
    m = _Q_VI.search(folded)
    if m:
        q = ROMAN.get(m.group(1)) or int(m.group(1))
        return Deadline(quarter(int(m.group(2)), q), None, qualifier, written)
    m = _Q_ISO.search(folded)
    if m:
        return Deadline(quarter(int(m.group(1)), int(m.group(2))), None, qualifier, written)
    m = _Q_EN.search(folded)
    if m:
        return Deadline(quarter(int(m.group(2)), int(m.group(1))), None, qualifier, written)
    try:
        day = date_in(written)
    except DateError as exc:
        raise _date_error(exc, written) from None
    if day:
        return Deadline(_of_month(day[0].year, day[0].month), None, "", written)
    m = _HALF.search(folded)
    if m:
        return Deadline(quarter(int(m.group(2)), HALF_QUARTER[m.group(1)]), DueSource.HALF_YEAR, "", written)
    m = _MONTH_WORD.search(folded) or _MONTH_BARE.search(strip_diacritics(written).lower())
    if m:
        month = int(m.group(1))
        if not 1 <= month <= 12:
            raise DeadlineError("bad_month", written=written, month=month)
        return Deadline(_of_month(int(m.group(2)), month), None, "", written)
    m = _YEAR.search(folded) or _BARE_YEAR.match(folded)
    if m:
        return Deadline(quarter(int(m.group(1)), 4), DueSource.YEAR_ONLY, qualifier, written)
    raise DeadlineError("unreadable_deadline", written=written)


def as_of_quarter(as_of: object) -> pd.Period | None:
    """The quarter an as-of date falls in: a quarter passes, anything else is read by
    :func:`~.dates.parse_date` (day first); ``None`` stays ``None``.

    >>> as_of_quarter("2023-07-01"), as_of_quarter("02/10/2023")
    (Period('2023Q3', 'Q-DEC'), Period('2023Q4', 'Q-DEC'))
    """
    if isinstance(as_of, pd.Period):
        return as_of.asfreq("Q")
    ts = parse_date(as_of)
    return None if ts is None else ts.to_period("Q")


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
