"""Texts for people, Vietnamese by default and English on request, from one table
(:mod:`.texts`).

>>> t("col.commune"), t("col.commune", "en")
('Xã', 'Commune')
>>> t("report.scenario_line", "en", name="X")
'Scenario: X'
>>> header("commune", "en"), label("status", "on_track"), label("status", "on_track", "en")
('Commune', 'kịp năm phấn đấu', 'on track')
>>> join_names(["A", "B", "C"]), join_names(list("ABCDEF"), "en")
('A, B và C', 'A, B, C, D and 2 others')
"""
from __future__ import annotations

from .texts import TEXTS

LANGS = ("vi", "en")

#: Which vocabulary labels the values of a column (see :mod:`ntm_analysis.core.vocab`).
COLUMN_VOCAB = {
    "target_level": "level", "due_source": "due_source", "ocop_due_source": "due_source",
    "requirement": "requirement", "severity": "severity", "ocop_status": "ocop_status",
    "status": "status", "status_baseline": "status", "status_scenario": "status",
    "effective_reason": "reason", "change": "change", "code": "kind", "measure": "measure",
    "matched": "matched", "threshold_source": "threshold_source", "why_unknown": "why_unknown",
    "computed": "computed",
}


def t(key: str, lang: str = "vi", **fmt: object) -> str:
    """The text of ``key`` in ``lang`` (``vi`` or ``en``), formatted with ``fmt``."""
    vi, en = TEXTS[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


def has(key: str) -> bool:
    return key in TEXTS


def header(column: str, lang: str = "vi") -> str:
    """The header of a column key (the key itself when none is known)."""
    key = f"col.{column}"
    return t(key, lang) if key in TEXTS else column


#: Vocabularies a coded column may hold when its own has no such code (a plan's OCOP
#: rows and model requirements have a ``status`` column of their own vocabulary).
FALLBACK_VOCAB = ("ocop_status", "model_status")


def label(column: str, value: object, lang: str = "vi") -> object:
    """The label of a coded value of ``column`` (``value`` itself when it is not a code).

    >>> label("status", "chua_co"), label("status", "missing", "en")
    ('chưa có', 'missing')
    """
    vocab = COLUMN_VOCAB.get(column)
    if vocab is None or not isinstance(value, str):
        return value
    for family in (vocab, *FALLBACK_VOCAB):
        key = f"{family}.{value}"
        if key in TEXTS:
            return t(key, lang)
    return value


def join_names(names: list[str], lang: str = "vi", most: int = 4) -> str:
    """``A, B và C``; past ``most`` names: ``A, B, C, D và 3 xã khác``."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    if len(names) > most + 1:
        tail = t("word.others", lang, n=len(names) - most)
        return ", ".join(names[:most]) + f" {t('word.and', lang)} " + tail
    return ", ".join(names[:-1]) + f" {t('word.and', lang)} " + names[-1]


def check_lang(lang: str) -> str:
    """``lang`` when it is one of :data:`LANGS`, else a :class:`UserError` (exit 2)."""
    if lang not in LANGS:
        from ..core.errors import UserError

        raise UserError(f"--lang '{lang}': chỉ nhận vi hoặc en", 2)
    return lang
