"""Text normalisation for Vietnamese names: NFC, folding, display.

>>> fold("Tiêu chí  Văn Hóa")
'tieu chi van hoa'
>>> nfc("Văn hóa") == "Văn hóa"
True
"""
from __future__ import annotations

import re
import unicodedata

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
    text = str(value)
    text = unicodedata.normalize("NFC", text)
    # non-breaking and zero-width spaces appear in pasted text
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    return _SPACE.sub(" ", text).strip()


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
    text = strip_diacritics(nfc(value)).lower()
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()
