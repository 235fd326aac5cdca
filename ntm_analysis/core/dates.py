"""The one date reader: a day as Vietnamese documents write it, or as ISO text, or a
date object. Every place that reads a user's date (``--as-of``, a scenario's ``as_of``,
the briefing, the widget, a date inside a deadline) reads it here.

Day first, always: ``02/10/2023`` (also ``2-10-2023``, ``2.10.2023``) is 2 October
2023, as every Vietnamese document writes it; ``ngày 2 tháng 10 năm 2023`` too;
``2023-10-02`` (year first) stays accepted. What cannot be read for sure is refused
with a :class:`DateError` naming the value, never guessed: a two-digit year, a day or
month that does not exist (``10/25/2023`` has no month 25: it is not swapped), a
month or a year where a day is needed.

>>> parse_date("02/10/2023"), parse_date("ngày 2 tháng 10 năm 2023") == parse_date("2023-10-02")
(Timestamp('2023-10-02 00:00:00'), True)
>>> parse_date("2.10.2023") == parse_date(datetime.date(2023, 10, 2)), parse_date(None)
(True, None)
>>> parse_date("10/25/2023")
Traceback (most recent call last):
ntm_analysis.core.dates.DateError: '10/25/2023': không phải ngày (không có tháng 25; ngày viết trước tháng: ...)
>>> DateError("date_two_digit_year", "2/10/23", year="23").text("en")
"'2/10/23': not a date (the year '23' has two digits: write all four, e.g. 02/10/2023)"
"""
from __future__ import annotations

import datetime
import re
from typing import Any

import numpy as np
import pandas as pd

from .names import nfc, strip_diacritics

MIN_YEAR, MAX_YEAR = 2000, 2100  # the years a date or a deadline may fall in

# on lower-case text without diacritics, punctuation kept
_DMY = r"(?P<d>\d{1,2})\s*(?P<s>[/.\-])\s*(?P<m>\d{1,2})\s*(?P=s)\s*(?P<y>\d{4}|\d{2})"
#: "ngày 2 tháng 10(,) năm 2023": the spaces around the comma read once (possessive)
_WORDS = r"ngay\s+(?P<d>\d{1,2})\s+thang\s+(?P<m>\d{1,2})(?:\s*+,)?\s++nam\s+(?P<y>\d{4}|\d{2})"
_YMD = r"(?P<y>\d{4})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<d>\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_WHOLE = [re.compile(_YMD), re.compile(r"(?:ngay\s+)?" + _DMY), re.compile(_WORDS)]
_INSIDE = [re.compile(r"(?<![\d/.\-])" + p + r"(?![\d/.\-])") for p in (_YMD, _DMY)] + \
    [re.compile(r"\b" + _WORDS + r"\b")]
_MONTH_ONLY = [re.compile(r"(?:thang\s+)?(?P<m>\d{1,2})\s*[/.\-]\s*(?P<y>\d{4})"),
               re.compile(r"thang\s+(?P<m>\d{1,2})(?:\s*+,)?\s++nam\s+(?P<y>\d{4})"),
               re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})")]
_YEAR_ONLY = re.compile(r"(?:nam\s+)?(?P<y>\d{4})")


class DateError(ValueError):
    """A date that cannot be read for sure. ``key`` names the problem (the message
    ``msg.<key>``), ``params`` fill it, ``value`` is the value as given."""

    def __init__(self, key: str, value: object, **params: Any):
        self.key = key
        self.value = nfc(value) if isinstance(value, str) else str(value)
        self.params = params
        super().__init__(self.text("vi"))

    def problem(self, lang: str = "vi") -> str:
        """What is wrong, without the value: ``không có tháng 25; …``."""
        from ..i18n import t

        return t(f"msg.{self.key}", lang, **self.params)

    def text(self, lang: str = "vi", option: str = "") -> str:
        """The whole message, naming the value (and the option or key it was given to)."""
        from ..i18n import t

        key = "msg.option_not_a_date" if option else "msg.not_a_date"
        return t(key, lang, option=option, value=self.value, problem=self.problem(lang))


def _plain(text: str) -> str:
    """Lower case without diacritics, punctuation kept: ``ngay 2 thang 10 nam 2023``."""
    return strip_diacritics(nfc(text)).lower()


def day_of(value: object, day: int, month: int, year: str | int) -> datetime.date:
    """The day ``day/month/year`` of ``value``, or a :class:`DateError` saying which
    part does not exist (a two-digit ``year`` is refused, never completed).

    >>> day_of("30/9/2024", 30, 9, "2024")
    datetime.date(2024, 9, 30)
    >>> day_of("31/02/2023", 31, 2, 2023)
    Traceback (most recent call last):
    ntm_analysis.core.dates.DateError: '31/02/2023': không phải ngày (tháng 2/2023 không có ngày 31)
    """
    if isinstance(year, str) and len(year) == 2:
        raise DateError("date_two_digit_year", value, year=year)
    year = int(year)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DateError("date_year_range", value, year=year, lo=MIN_YEAR, hi=MAX_YEAR)
    if not 1 <= month <= 12:
        raise DateError("date_no_month", value, month=month)
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise DateError("date_no_day", value, day=day, month=month, year=year) from None


def _of_match(value: object, m: re.Match) -> datetime.date:
    return day_of(value, int(m.group("d")), int(m.group("m")), m.group("y"))


def date_in(text: str) -> tuple[datetime.date, tuple[int, int]] | None:
    """The first day written inside ``text`` (day first) and where it stands, or
    ``None``; a written day that does not exist is a :class:`DateError`.

    >>> date_in("trước ngày 30/9/2024")
    (datetime.date(2024, 9, 30), (11, 20))
    >>> date_in("quý II/2024") is None, date_in("2024-09-30")[0]
    (True, datetime.date(2024, 9, 30))
    """
    plain = _plain(text)
    found = [m for m in (p.search(plain) for p in _INSIDE) if m]
    if not found:
        return None
    m = min(found, key=lambda m: m.start())
    return _of_match(text, m), m.span()


def parse_date(value: object) -> pd.Timestamp | None:
    """A user's date as a :class:`pandas.Timestamp` (``None`` for no value).

    Text: ``dd/mm/yyyy`` (or ``-``, ``.``; day first), ``ngày d tháng m năm yyyy``,
    ISO ``yyyy-mm-dd``. ``date``, ``datetime``, ``Timestamp`` and ``datetime64``
    values pass through. Anything else is a :class:`DateError` naming the value.

    >>> parse_date("ngày 02/10/2023"), parse_date(pd.Timestamp("2023-10-02 08:30"))
    (Timestamp('2023-10-02 00:00:00'), Timestamp('2023-10-02 08:30:00'))
    >>> parse_date("10/2023")
    Traceback (most recent call last):
    ntm_analysis.core.dates.DateError: '10/2023': không phải ngày (chỉ có tháng 10/2023, cần cả ngày, vd. 01/10/2023)
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (datetime.date, np.datetime64)):  # datetime and Timestamp are dates too
        ts = pd.Timestamp(value)
        if ts is pd.NaT:
            return None
        if not MIN_YEAR <= ts.year <= MAX_YEAR:
            raise DateError("date_year_range", value, year=ts.year, lo=MIN_YEAR, hi=MAX_YEAR)
        return ts
    if not isinstance(value, str):
        if isinstance(value, int) and not isinstance(value, bool):
            raise DateError("date_year_only", value, year=value)
        raise DateError("date_forms", value)
    text = nfc(value)
    if not text:
        return None
    return pd.Timestamp(_text_date(text))


def _text_date(text: str) -> datetime.date:
    plain = _plain(text)
    for pattern in _WHOLE:
        m = pattern.fullmatch(plain)
        if m:
            return _of_match(text, m)
    for pattern in _MONTH_ONLY:
        m = pattern.fullmatch(plain)
        if m:
            month, year = int(m.group("m")), int(m.group("y"))
            if not 1 <= month <= 12:
                raise DateError("date_no_month", text, month=month)
            raise DateError("date_month_only", text, month=month, mm=f"{month:02d}", year=year)
    m = _YEAR_ONLY.fullmatch(plain)
    if m:
        raise DateError("date_year_only", text, year=m.group("y"))
    if re.fullmatch(r"(?:ngay\s+)?\d{1,2}\s*[/.\-]\s*\d{1,2}", plain):
        raise DateError("date_no_year", text)
    raise DateError("date_forms", text)
