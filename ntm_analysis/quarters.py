"""Read deadlines and numbers as Vietnamese plans and workbooks write them.

Quarters are pandas ``Period`` values with quarterly frequency (``2023Q2``).

>>> parse_deadline("Phấn đấu hoàn thành trong quý III/2023").quarter
Period('2023Q3', 'Q-DEC')
>>> parse_deadline("hết năm 2023").year_only
True
>>> parse_number("8.000")
8000.0
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .text import fold, nfc

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
MIN_YEAR, MAX_YEAR = 2000, 2100
EXCEL_SERIALS = (36526, 73415)  # 2000-01-01 .. 2100-12-31 as Excel day numbers

# folded text (no diacritics, lower case): "quy ii/2023", "quy ii nam 2023",
# "quy i-2018" (the fold turns "/" and "-" into spaces)
_Q_VI = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\s*(?:nam\s+)?((?:19|20|21)\d\d)\b")
_Q_EN = re.compile(r"\bq\s*([1-4])\s*(?:nam\s+)?((?:19|20|21)\d\d)\b")
_Q_ISO = re.compile(r"\b((?:19|20|21)\d\d)\s*q\s*([1-4])\b")
_YEAR = re.compile(r"\b(?:nam|year|by|end|het|cuoi|trong)\s+(?:nam\s+)?((?:19|20|21)\d\d)\b")
_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-]((?:19|20|21)\d\d)\b")
_BARE_YEAR = re.compile(r"^\s*((?:19|20|21)\d\d)\s*$")


class DeadlineError(ValueError):
    """A deadline text that cannot be read."""


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
    """The quarterly period for a year and quarter number.

    >>> quarter(2023, 4)
    Period('2023Q4', 'Q-DEC')
    """
    if not (MIN_YEAR <= year <= MAX_YEAR) or q not in (1, 2, 3, 4):
        raise DeadlineError(f"quý {q}/{year} nằm ngoài phạm vi hỗ trợ ({MIN_YEAR}–{MAX_YEAR})")
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
    if value is None:
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
        raise DeadlineError(f"'{value}' không phải là quý hoặc năm")
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
    m = _Q_ISO.search(folded) or None
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
            raise DeadlineError(f"'{written}': ngày không hợp lệ ({exc})") from None
        return Deadline(quarter(ts.year, (ts.month - 1) // 3 + 1), False, "", written)
    m = _YEAR.search(folded) or _BARE_YEAR.match(folded)
    if m:
        return Deadline(quarter(int(m.group(1)), 4), True, qualifier, written)
    raise DeadlineError(
        f"không đọc được thời hạn '{written}' (dạng hợp lệ: 'quý II/2023', 'Q2/2023', "
        "'2023Q2', 'trong năm 2023')"
    )


def format_quarter(period: pd.Period | None, lang: str = "vi") -> str:
    """Write a quarter for people: ``quý II/2023`` (vi) or ``Q2 2023`` (en).

    >>> format_quarter(pd.Period("2023Q3", freq="Q"))
    'quý III/2023'
    """
    if period is None or period is pd.NaT or (isinstance(period, float) and period != period):
        return "chưa có hạn" if lang == "vi" else "undated"
    roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[period.quarter]
    return f"quý {roman}/{period.year}" if lang == "vi" else f"Q{period.quarter} {period.year}"


_NUM = re.compile(r"[-+]?\d[\d.,]*")


def parse_number(value: object) -> float | None:
    """Read a number written with decimal comma and thousands dot.

    >>> parse_number("1,13%"), parse_number("8.000 m2"), parse_number("1.234,5")
    (1.13, 8000.0, 1234.5)
    >>> parse_number("02")
    2.0
    """
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None if value != value else float(value)
    text = nfc(value)
    m = _NUM.search(text)
    if not m:
        return None
    token = m.group(0).rstrip(".,")
    if "," in token and "." in token:
        token = token.replace(".", "").replace(",", ".")
    elif "," in token:
        token = token.replace(",", ".") if token.count(",") == 1 else token.replace(",", "")
    elif "." in token:
        parts = token.split(".")
        # "8.000" and "1.234.567" are thousands; "3.5" is a decimal point typed in English
        if all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3:
            token = token.replace(".", "")
    try:
        return float(token)
    except ValueError:
        return None


_COUNT = re.compile(r"(\d+)\s*/\s*(\d+)")


def parse_count(value: object) -> tuple[int, int | None] | None:
    """Read "Đạt 15/19" as (15, 19) and "còn 04 tiêu chí" as (4, None).

    >>> parse_count("Đạt 17/19 tiêu chí"), parse_count("02")
    ((17, 19), (2, None))
    """
    text = nfc(value)
    if not text:
        return None
    m = _COUNT.search(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    n = parse_number(text)
    return (int(n), None) if n is not None else None
