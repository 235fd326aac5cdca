"""Numbers as Vietnamese documents write them: decimal comma, thousands dot, counts.

>>> parse_number("1,13%"), parse_number("8.000 m2"), parse_number("1.234,5")
(1.13, 8000.0, 1234.5)
>>> parse_count("Đạt 17/19 tiêu chí"), parse_count("02")
((17, 19), (2, None))
"""
from __future__ import annotations

import re

from .names import nfc

_NUM = re.compile(r"[-+]?\d[\d.,]*")
#: "15/19": tried only where a run of digits starts (a long run is read once)
_COUNT = re.compile(r"(?<!\d)(\d++)\s*+/\s*+(\d++)")


def parse_number(value: object) -> float | None:
    """Read a number written with decimal comma and thousands dot (``None`` if none).

    >>> parse_number("02"), parse_number("3.5"), parse_number("không")
    (2.0, 3.5, None)
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


def parse_count(value: object) -> tuple[int, int | None] | None:
    """Read "Đạt 15/19" as (15, 19) and "còn 04 tiêu chí" as (4, None)."""
    text = nfc(value)
    if not text:
        return None
    m = _COUNT.search(text)
    if m:
        return int(m.group(1)), int(m.group(2))
    n = parse_number(text)
    return (int(n), None) if n is not None else None


def parse_year(value: object, lo: int = 2000, hi: int = 2100) -> tuple[int | None, str]:
    """(year, problem): problem is "" when fine, "missing" when blank, "bad" when not a year.

    >>> parse_year("2023"), parse_year(""), parse_year("hai nghìn")
    ((2023, ''), (None, 'missing'), (None, 'bad'))
    """
    if value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value):
        return None, "missing"
    n = parse_number(value)
    if n is None or not n.is_integer() or not lo <= n <= hi:
        return None, "bad"
    return int(n), ""


def format_number(value: object, lang: str = "vi") -> str:
    """A number as people read it: no trailing zeros, a decimal comma in Vietnamese.

    >>> format_number(0.13), format_number(1.0), format_number(0.13, "en"), format_number(None)
    ('0,13', '1', '0.13', '')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = f"{float(value):g}"
    return text.replace(".", ",") if lang != "en" else text
