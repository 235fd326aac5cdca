"""Names: NFC text, the folded match key, the commune key, "every commune" words,
nearest names. Every place that compares names (loader, scenarios, what-if widget,
extractor) uses these, so a name matches the same way everywhere.

>>> fold("Tiêu chí  Văn Hóa")
'tieu chi van hoa'
>>> commune_key("Xã Đại Hợp") == commune_key("đại hợp"), commune_key("Thị trấn Tứ Kỳ")
(True, 'tu ky')
>>> is_all("mọi xã"), is_all("Toàn huyện"), is_all("Minh Đức")
(True, True, False)
>>> slug("Hải Dương"), nearest("Minh Duc", ["Minh Đức", "Quang Khải"])
('hai-duong', ['Minh Đức'])

Invisible characters (:data:`INVISIBLE`: zero-width joiners, the word joiner, a byte
order mark, bidirectional overrides…) do not count when names are compared: the
folded key leaves them out, the text as written keeps them.

>>> commune_key("An B\u200dình") == commune_key("\u202eAn Bình\ufeff") == commune_key("An Bình")
True
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from typing import Iterable

_PUNCT = re.compile(r"[\-–—_,;:/\\.()\[\]\"'“”‘’&+*]+")
_SPACE = re.compile(r"\s+")
#: The words of a unit's kind that may open its name, as written (lower case): "phường"
#: only with its marks, since "Phương Kỳ" folds to the same letters.
_UNIT_PREFIXES = ("xã ", "thị trấn ", "phường ", "xa ", "thi tran ")

# the blocks holding Unicode's format characters (category Cf), searched once at import
_FORMAT_BLOCKS = ((0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
                  (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E),
                  (0x2060, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110CD), (0x13430, 0x1345F),
                  (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE007F))

#: Characters that show nothing (Unicode's format characters: ZWJ, ZWNJ, U+2060, the
#: byte order mark, RLO/LRO and the other bidirectional controls, the soft hyphen…):
#: two names differing only by them are the same name.
INVISIBLE = frozenset(chr(c) for lo, hi in _FORMAT_BLOCKS for c in range(lo, hi + 1)
                      if unicodedata.category(chr(c)) == "Cf")

#: Words that mean "every commune" (or every criterion) in a scenario or a widget, folded.
ALL_WORDS = frozenset({"all", "*", "tat ca", "toan huyen", "toan tinh", "moi xa", "tat ca cac xa",
                       "tat ca tieu chi", "moi tieu chi"})


def nfc(value: object) -> str:
    """``value`` as a stripped NFC string ('' for None/NaN).

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


def _strip_slow(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    base = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return base.replace("đ", "d").replace("Đ", "D")


def _base_letters() -> dict[int, str]:
    """Latin letters with diacritics (Vietnamese ones included) → their base letter, and
    combining marks → nothing: one table, so that stripping is a single ``translate``."""
    table: dict[int, str] = {c: "" for c in range(0x300, 0x370)}
    for lo, hi in ((0xC0, 0x250), (0x1E00, 0x1F00)):
        for c in range(lo, hi):
            base = _strip_slow(chr(c))
            if base != chr(c):
                table[c] = base
    return table


_BASE = _base_letters()


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese diacritics ('đ' becomes 'd').

    >>> strip_diacritics("Quốc phòng và An ninh"), strip_diacritics("Thủy")
    ('Quoc phong va An ninh', 'Thuy')
    """
    out = text.translate(_BASE)
    return out if out.isascii() else _strip_slow(out)


def fold(value: object) -> str:
    """Case-, diacritic- and punctuation-insensitive key for matching; invisible
    characters (:data:`INVISIBLE`) left out.

    >>> fold("Quốc phòng - An ninh"), fold("Y\u2060 tế\u200c")
    ('quoc phong an ninh', 'y te')
    """
    if isinstance(value, str):
        return _fold_str(value)
    return _fold_str(nfc(value))


_FOLD = {**_BASE, **{ord(c): " " for c in "-–—_,;:/\\.()[]\"'“”‘’&+*"}, **dict.fromkeys(map(ord, INVISIBLE))}


@lru_cache(maxsize=200_000)
def _fold_str(value: str) -> str:
    text = nfc(value).translate(_FOLD)  # diacritics off, punctuation to spaces
    if not text.isascii():
        text = _PUNCT.sub(" ", _strip_slow(text))
    return " ".join(text.lower().split())


def unit_name(name: object) -> str:
    """A unit's name without the word of its kind ("Xã", "Thị trấn", "Phường"), its
    marks kept; "Phương Kỳ" keeps its first word.

    >>> unit_name("Xã Minh Đức"), unit_name("thị trấn Tứ Kỳ"), unit_name("Phương Kỳ")
    ('Minh Đức', 'Tứ Kỳ', 'Phương Kỳ')
    """
    text = nfc(name)
    low = text.lower()
    for prefix in _UNIT_PREFIXES:
        if low.startswith(prefix) and len(low) > len(prefix):
            return text[len(prefix):].strip()
    return text


@lru_cache(maxsize=200_000)
def commune_key(name: object) -> str:
    """The match key of a commune name: :func:`unit_name` folded.

    >>> commune_key("Phường Tứ Minh"), commune_key("Phương Kỳ"), commune_key("xa Minh Duc")
    ('tu minh', 'phuong ky', 'minh duc')
    """
    return fold(unit_name(name))


def same_spelling(a: object, b: object) -> bool:
    """Whether two unit names are written alike, marks included (case and the word of
    the kind aside): "Xã Phượng Kỳ" and "phượng kỳ" are; "Phương Kỳ" and "Phượng Kỳ"
    are not, though they have the same :func:`commune_key`.

    >>> same_spelling("Xã Phượng Kỳ", "phượng kỳ"), same_spelling("Phương Kỳ", "Phượng Kỳ")
    (True, False)
    """
    return unit_name(a).casefold() == unit_name(b).casefold()


def is_all(value: object) -> bool:
    """Whether a written commune (or criterion) means "every one" (``None`` does too)."""
    return value is None or fold(value) in ALL_WORDS


def slug(value: object) -> str:
    """A stable ASCII key: folded, words joined by "-"."""
    return fold(value).replace(" ", "-")


def nearest(written: object, names: Iterable[str], n: int = 3, cutoff: float = 0.5,
            key=commune_key) -> list[str]:
    """The names closest to ``written`` (compared by ``key``), best first."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(key(name), name)
    near = difflib.get_close_matches(key(written), list(by_key), n=n, cutoff=cutoff)
    return [by_key[k] for k in near]


class CommuneIndex:
    """The communes of a plan, found by what people write: "Xã Minh Đức", "minh duc",
    "Minh Đức" all find the same commune. Names are unique within one index (one unit).

    >>> idx = CommuneIndex(["Minh Đức", "Quang Khải"], ["tk/minh-duc", "tk/quang-khai"])
    >>> idx.find("Xã Minh Đức"), idx.find("Tân Kỳ"), idx.name("tk/quang-khai")
    ('tk/minh-duc', None, 'Quang Khải')
    >>> idx.nearest("Quang Khai")
    ['Quang Khải']
    """

    def __init__(self, names: Iterable[str], ids: Iterable[str]):
        self.names = list(names)
        self.ids = list(ids)
        self._by_key: dict[str, str] = {}
        for name, cid in zip(self.names, self.ids):
            self._by_key.setdefault(commune_key(name), cid)
        self._name = dict(zip(self.ids, self.names))

    def exact(self, values) -> "np.ndarray":
        """The id of each value written exactly as a commune's name (``None`` for others)."""
        import numpy as np
        import pandas as pd

        if not hasattr(self, "_exact"):
            self._exact = pd.Index(self.names)
            self._exact_ids = np.array(list(self.ids) + [None], dtype=object)
        at = self._exact.get_indexer(values) if self._exact.is_unique else np.full(len(values), -1)
        return self._exact_ids[at]

    def find(self, written: object) -> str | None:
        """The id of the commune written (``None`` when the plan has none of that name)."""
        return self._by_key.get(commune_key(written))

    def name(self, commune_id: str) -> str:
        return self._name[commune_id]

    def nearest(self, written: object, n: int = 3) -> list[str]:
        return nearest(written, self.names, n=n)

    def __len__(self) -> int:
        return len(self.names)
