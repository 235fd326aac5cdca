"""One record for every finding: what a check found, where, about whom, in words made
from a template of :mod:`ntm_analysis.i18n` (so every finding reads in Vietnamese and
English).

>>> f = Finding("error", "unknown_criterion", "unknown_criterion", {"near": "2. Giao thông"},
...             sheet="Chi tiết", row=5, column="Tiêu chí (nguyên văn)", value="Giao thong x")
>>> f.location()
'Chi tiết, dòng 5, cột Tiêu chí (nguyên văn)'
>>> f.text("en")
"ERROR: Chi tiết, row 5, column Tiêu chí (nguyên văn): criterion not recognised; nearest: 2. Giao thông (value: 'Giao thong x')"
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ..i18n import t


class Phrase:
    """A part of a message that reads differently in each language (a word of the text
    table, a criterion's name): rendered when the message is."""

    def render(self, lang: str) -> str:  # pragma: no cover - an interface
        raise NotImplementedError


@dataclass(frozen=True)
class Word(Phrase):
    """A text of the table: ``Word("msg.none_near")``, ``Word("msg.legacy_more", n=3)``."""

    key: str
    params: tuple = ()

    def __init__(self, key: str, **params: Any):
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", tuple(sorted(params.items())))

    def render(self, lang: str) -> str:
        return t(self.key, lang, **dict(self.params))


@dataclass(frozen=True)
class Criterion(Phrase):
    """A criterion of a catalogue, as its label ("8. Thông tin và Truyền thông") or name."""

    catalogue: Any
    code: str
    style: str = "label"

    def render(self, lang: str) -> str:
        cat = self.catalogue
        if self.code not in cat.codes:
            return self.code
        return cat.label(self.code, lang) if self.style == "label" else cat.name(self.code, lang)


@dataclass(frozen=True)
class Words(Phrase):
    """Phrases (or plain texts) joined by ``sep``."""

    parts: tuple
    sep: str = ", "

    def render(self, lang: str) -> str:
        return self.sep.join(p.render(lang) if isinstance(p, Phrase) else str(p) for p in self.parts)


@dataclass(frozen=True)
class When(Phrase):
    """A quarter for people ("quý II/2023", "Q2 2023"; no date: "chưa có hạn")."""

    period: Any

    def render(self, lang: str) -> str:
        from .quarters import format_quarter

        return format_quarter(self.period, lang)


@dataclass(frozen=True)
class Both(Phrase):
    """A text given in both languages (a catalogue's reason)."""

    vi: str
    en: str = ""

    def render(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi


def render(value: object, lang: str) -> object:
    return value.render(lang) if isinstance(value, Phrase) else value


@dataclass(frozen=True)
class Finding:
    """``severity`` (error, warning, info), ``code`` (the machine kind), ``key`` (the
    message template, ``msg.<key>``) and its ``params``; where: ``file``, ``sheet``,
    ``row``, ``column``; about: ``commune`` (its name), ``commune_id``, ``criterion``
    (a code); ``value``: the cell or words as written."""

    severity: str
    code: str
    key: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    value: str = ""
    commune: str = ""
    commune_id: str = ""
    criterion: str = ""

    @property
    def message(self) -> str:
        """The message in Vietnamese (:meth:`message_in` for another language)."""
        return self.message_in("vi")

    def message_in(self, lang: str = "vi") -> str:
        params = {k: render(v, lang) for k, v in self.params.items()}
        return t(f"msg.{self.key or self.code}", lang, **params)

    def location(self, lang: str = "vi") -> str:
        parts = [self.file, self.sheet,
                 t("word.row", lang, row=self.row) if self.row else "",
                 t("word.column", lang, column=self.column) if self.column else ""]
        return ", ".join(p for p in parts if p)

    def text(self, lang: str = "vi") -> str:
        word = t("word.error" if self.severity == "error" else "word.warning", lang)
        value = t("word.value", lang, value=self.value) if self.value != "" else ""
        return f"{word}: {self.location(lang)}: {self.message_in(lang)}{value}"

    def to_dict(self, lang: str = "vi") -> dict:
        """The record as ``ntm validate --format json`` prints it."""
        return {"severity": self.severity, "sheet": self.sheet, "row": self.row, "column": self.column,
                "value": self.value, "message": self.message_in(lang), "file": self.file, "code": self.code}

    def at(self, **where: Any) -> "Finding":
        """A copy placed elsewhere (another row, file…)."""
        return replace(self, **where)


def cell_text(v: object) -> str:
    """A cell value as a finding's ``value``: '' for missing, integers without '.0'."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
