"""Lineage: the steps by which a commune-level unit became the unit(s) of 2025.

A step takes a unit (``unit``, in its province and district) to the unit it became by a
resolution of ``year`` (``to``): a merger, a rename, or one part of a split (then ``split``,
and ``share`` when known). Steps come from two places:

- the library (:mod:`.library`): every pre-2025 unit to its 2025 unit(s), ``year`` 2025;
- lineage files (YAML or xlsx, template: ``ntm units --template``): the rounds the
  library does not date or spell (2019, 2024), a split's shares, a correction. A file's
  step replaces the library's for the same unit and year; a later file's step replaces
  an earlier file's. The files shipped with the package are in ``units/data``.

:meth:`Lineage.paths` follows the steps from a unit named in a plan of a given year
(only steps of that year or later apply) to 2025, one path per part of every split: nothing is
flattened.

>>> lin = Lineage.load()
>>> [" → ".join(s.text() for s in p) for p in lin.paths("Hải Dương", "Tứ Kỳ", "Phượng Kỳ", 2023)]
['Lạc Phượng (2024) → Lạc Phượng (2025)']
>>> [(p[-1].to, p[-1].split) for p in lin.paths("Hải Dương", "Tứ Kỳ", "Hưng Đạo", 2023)]
[('Đại Sơn', True), ('Tân Kỳ', True)]
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .. import config
from ..core.errors import UserError
from ..core.names import commune_key, nfc, slug, unit_name
from ..i18n import t
from . import library

#: the year of the 2025 arrangement (the units of :func:`.library.units_2025`)
YEAR_2025 = 2025
#: lineage files shipped with the package, then the project's own folder
LINEAGE_DIRS = [Path(__file__).parent / "data", config.DATA_DIR / "units"]
MAX_STEPS = 8


@dataclass(frozen=True)
class Step:
    """One step of a unit's lineage (see the module)."""

    province: str
    district: str
    unit: str
    year: int | None
    to: str
    to_code: str = ""
    share: float = math.nan
    split: bool = False
    source: str = ""
    inferred: bool = False
    origin: str = ""
    source_key: str = ""  # a text of the table that says the source (the library's steps)

    @property
    def final(self) -> bool:
        """Whether ``to`` is a unit of 2025."""
        return self.year is not None and self.year >= YEAR_2025

    def source_in(self, lang: str = "vi") -> str:
        """Where the step is written: the file's words, or the library's in ``lang``."""
        return t(self.source_key, lang, library=self.origin) if self.source_key else self.source

    def text(self, lang: str = "vi") -> str:
        """The step as people read it: "Lạc Phượng (2024)", "Tân Kỳ (2025, tách 40%)"."""
        bits = [str(self.year) if self.year else t("units.year_unknown", lang)]
        if self.split:
            share = "" if math.isnan(self.share) else f" {self.share:.0%}".replace(".", ",")
            bits.append(t("units.split_part", lang) + share)
        return f"{self.to} ({', '.join(bits)})"


def _scope(province: object, district: object, unit: object) -> tuple[str, str, str]:
    return slug(province), slug(district), commune_key(unit)


class Lineage:
    """The lineage files' steps over the library's (see the module)."""

    def __init__(self, steps: Iterable[Step] = ()):
        self.steps: dict[tuple[str, str, str], dict[int | None, list[Step]]] = {}
        for step in steps:
            by_year = self.steps.setdefault(_scope(step.province, step.district, step.unit), {})
            if step.year in by_year and by_year[step.year][0].origin.split(",")[0] != step.origin.split(",")[0]:
                by_year[step.year] = []  # a later file replaces the step of an earlier one
            by_year.setdefault(step.year, []).append(step)

    @classmethod
    def load(cls, files: Iterable[Path | str] = ()) -> "Lineage":
        """The shipped lineage files, then ``files`` (each replacing what it restates)."""
        from .files import read_lineage

        shipped = sorted(p for d in LINEAGE_DIRS if d.is_dir() for p in d.glob("*.yaml"))
        steps: list[Step] = []
        for path in [*shipped, *map(Path, files)]:
            steps += read_lineage(path)
        return cls(steps)

    def former_units(self, province: object, district: object) -> dict[str, Step]:
        """The units the files name in a province and district (by match key), each with
        a step that names it as written there."""
        p, d = slug(province), slug(district)
        out: dict[str, Step] = {}
        for (sp, sd, key), by_year in self.steps.items():
            if (sp, sd) == (p, d):
                out[key] = next(iter(by_year.values()))[0]
        return out

    def _file_steps(self, province: str, district: str, unit: str, after: int | None) -> list[Step]:
        by_year = self.steps.get(_scope(province, district, unit), {})
        years = sorted(y for y in by_year if y is not None and (after is None or y >= after))
        if years:
            return by_year[years[0]]
        return by_year.get(None, []) if after is None else []

    def _library_steps(self, province: str, district: str, unit: str) -> list[Step]:
        units = library.legacy_units(province, district)
        row = units[units["name"].map(commune_key) == commune_key(unit)]
        if row.empty:
            return []
        found = library.successors(row.iloc[0])
        origin = f"{library.LIBRARY} {library.version()}"
        return [Step(province, district, row.iloc[0]["name"], YEAR_2025, s.name, s.code, split=len(found) > 1,
                     source_key="units.library_source", origin=origin) for s in found]

    def paths(self, province: object, district: object, unit: object, after: int | None = None) -> list[list[Step]]:
        """Every path of steps from ``unit`` (of a plan of year ``after``) to 2025; a path
        that stops before 2025 ends at the unit no step leads on from."""
        return self._paths(nfc(province), nfc(district), unit_name(unit), after, 0)

    def _paths(self, province: str, district: str, unit: str, after: int | None, depth: int) -> list[list[Step]]:
        steps = self._file_steps(province, district, unit, after)
        if not steps and (after is None or after <= YEAR_2025):
            steps = self._library_steps(province, district, unit)
        if not steps:
            return [[]]
        if depth >= MAX_STEPS:
            raise UserError(t("units.loop", "vi", origin=steps[0].origin, unit=unit), 1)
        out = []
        for step in steps:
            if step.final:
                out.append([step])
                continue
            for rest in self._paths(step.province, step.district, step.to, step.year, depth + 1):
                out.append([step, *rest])
        return out


def combined_share(path: list[Step]) -> float:
    """The share of the first unit that reaches the end of ``path`` (product of the known
    shares of its split steps; NaN when one is not known; 1 without a split).

    >>> combined_share([Step("a", "b", "X", 2025, "Y", share=0.4, split=True)])
    0.4
    """
    share = 1.0
    for step in path:
        if step.split:
            share = share * step.share if not math.isnan(step.share) else math.nan
    return share


@functools.cache
def default_lineage() -> Lineage:
    """The shipped lineage (cached: the files of the package do not change while it runs)."""
    return Lineage.load()


__all__ = ["LINEAGE_DIRS", "Lineage", "Step", "YEAR_2025", "combined_share", "default_lineage"]
