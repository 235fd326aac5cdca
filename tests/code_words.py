"""Machine codes that must never reach people: every stored code of the vocabulary, the
column keys, the message and measure keys, and Python's own words for nothing."""
from __future__ import annotations

import re
from enum import StrEnum

import ntm_analysis.core.vocab as vocab
from ntm_analysis.i18n.texts import TEXTS
from ntm_analysis.tables.contract import CONTRACT

PYTHON_WORDS = {"True", "False", "NaT", "<NA>", "nan", "None"}
_TOKEN = re.compile(r"<NA>|[A-Za-z0-9_\-]+")


def _codes() -> set[str]:
    out = set()
    for obj in vars(vocab).values():
        if isinstance(obj, type) and issubclass(obj, StrEnum) and obj not in (StrEnum, vocab.Lang):
            out |= {str(m) for m in obj}
    return out


def forbidden(lang: str) -> set[str]:
    """In Vietnamese, every code (English words included: ``met``, ``undated``); in English,
    the codes no English text holds (``on_track``, ``chua_co``, ``year-only``)."""
    codes = _codes() | {c for table in CONTRACT.values() for c in table if "_" in c}
    codes |= {k.split(".", 1)[1] for k in TEXTS if k.startswith(("kind.", "measure.", "msg."))}
    if lang == "vi":
        return codes | PYTHON_WORDS | {"undated"}
    return {c for c in codes if "_" in c or "-" in c} | PYTHON_WORDS


def code_words(text: str, lang: str) -> list[str]:
    """The codes found in ``text`` as whole words.

    >>> code_words("Minh Đức: on_track, chưa có hạn", "vi"), code_words("on track", "en")
    (['on_track'], [])
    """
    bad = forbidden(lang)
    return sorted({m.group(0) for m in _TOKEN.finditer(text) if m.group(0) in bad})
