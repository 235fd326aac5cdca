"""Text normalisation for Vietnamese names: NFC, folding, display.

>>> fold("Tiêu chí  Văn Hóa")
'tieu chi van hoa'
>>> nfc("Văn hóa") == "Văn hóa"
True
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PUNCT = re.compile(r"[\-–—_,;:/\\.()\[\]\"'“”‘’&+*]+")
_SPACE = re.compile(r"\s+")


def nfc(value: object) -> str:
    """Return ``value`` as a stripped NFC string ('' for None/NaN).

    >>> nfc("  Thu\u0309y lơ\u0323i ")
    'Thủy lợi'
    """
    if value is None:
        return ""
    if isinstance(value, float) and value != value:  # NaN
        return ""
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        # non-breaking and zero-width spaces appear in pasted text
        if "\u00a0" in text or "\u200b" in text:
            text = text.replace("\u00a0", " ").replace("\u200b", "")
    if "  " in text or "\n" in text or "\t" in text or "\r" in text:
        text = _SPACE.sub(" ", text)
    return text.strip()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics ('đ' becomes 'd').

    >>> strip_diacritics("Quốc phòng và An ninh")
    'Quoc phong va An ninh'
    """
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return base.replace("đ", "d").replace("Đ", "D")


def fold(value: object) -> str:
    """Case-, diacritic- and punctuation-insensitive key for matching.

    >>> fold("Quốc phòng - An ninh")
    'quoc phong an ninh'
    """
    if isinstance(value, str):
        return _fold_str(value)
    return _fold_str(nfc(value))


@lru_cache(maxsize=200_000)
def _fold_str(value: str) -> str:
    text = strip_diacritics(nfc(value)).lower()
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()
