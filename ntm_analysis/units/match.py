"""Each commune of a plan matched to its official unit and followed to 2025.

How a name is matched (``matched``, :class:`Match`), in this order, within the plan's
province and district:

- ``exact``: the official name of a pre-2025 unit of the library, written alike;
- ``former``: a unit a lineage file names (one merged before 2025), written alike;
- ``spelling``: one of those with other marks ("Phương Kỳ" for the official "Phượng
  Kỳ"): a warning gives the official spelling;
- ``alias``: a former name the library lists for a unit without its spelling
  ("phuongky" in Lạc Phượng): the step to that unit is inferred, its year unknown;
- ``none``: not an official unit; a warning names the nearest ones.

:func:`units_table` gives one row per commune and 2025 unit it feeds (a commune split
between two new communes has two rows, marked ``split``); the plan's words stay in
``commune`` beside ``official``.

>>> from ntm_analysis import load_plan
>>> u = units_table(load_plan())
>>> u.set_index("commune").loc["Phương Kỳ", ["official", "matched", "commune_2025", "code_2025"]].tolist()
['Phượng Kỳ', 'spelling', 'Lạc Phượng', '11140']
>>> u[u["commune"] == "Hưng Đạo"][["commune_2025", "split"]].values.tolist()
[['Đại Sơn', True], ['Tân Kỳ', True]]
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from ..core.findings import Finding
from ..core.names import commune_key, nearest, same_spelling, unit_name
from . import library
from .lineage import Lineage, Step, combined_share, default_lineage


class Match(StrEnum):
    """How a written commune was matched to an official unit (see the module)."""

    EXACT = "exact"
    FORMER = "former"
    SPELLING = "spelling"
    ALIAS = "alias"
    NONE = "none"


@dataclass(frozen=True)
class Matched:
    """A written name's official unit before the steps: its name, kind and code (code
    and kind empty where no source gives them)."""

    official: str
    kind: str
    code: str
    matched: Match
    alias_of: str = ""  # ALIAS: the unit whose former names hold it


def match_unit(written: object, province: object, district: object, lineage: Lineage) -> Matched:
    """The official unit ``written`` names in a province and district (see the module).

    >>> lin = default_lineage()
    >>> match_unit("Xã Minh Đức", "Hải Dương", "Tứ Kỳ", lin)
    Matched(official='Minh Đức', kind='Xã', code='11128', matched=<Match.EXACT: 'exact'>, alias_of='')
    >>> match_unit("Phương Kỳ", "Hải Dương", "Tứ Kỳ", Lineage()).matched, match_unit("X", "Hải Dương", "Tứ Kỳ", lin).matched
    (<Match.ALIAS: 'alias'>, <Match.NONE: 'none'>)
    """
    units = library.legacy_units(province, district)
    former = lineage.former_units(province, district)
    key = commune_key(written)
    for name, kind, code in units[["name", "kind", "code"]].itertuples(index=False):
        if same_spelling(written, name):
            return Matched(name, kind, code, Match.EXACT)
    step = former.get(key)
    if step is not None and same_spelling(written, step.unit):
        return Matched(step.unit, "", "", Match.FORMER)
    for name, kind, code in units[["name", "kind", "code"]].itertuples(index=False):
        if commune_key(name) == key:
            return Matched(name, kind, code, Match.SPELLING)
    if step is not None:
        return Matched(step.unit, "", "", Match.SPELLING)
    lib_key = key.replace(" ", "")
    for name, aliases in units[["name", "aliases"]].itertuples(index=False):
        if lib_key in aliases:
            return Matched("", "", "", Match.ALIAS, name)
    return Matched("", "", "", Match.NONE)


def _scope(plan) -> pd.DataFrame:
    """The province and district of each commune, as its workbook names them."""
    c = plan.communes
    return pd.DataFrame({"commune_id": c["commune_id"], "commune": c["commune"], "province": c["province"],
                         "district": c["district"], "plan_year": plan.meta.get("plan_year")})


def units_table(plan, lineage: Lineage | None = None, lang: str = "vi") -> pd.DataFrame:
    """One row per commune of ``plan`` and 2025 unit it feeds (see the module); columns:
    ``commune`` (as written), ``district``, ``province`` (as the workbook names them),
    ``official``, ``unit_kind``, ``unit_code`` (before the
    steps), ``matched``, ``lineage`` (the steps in words), ``commune_2025``,
    ``code_2025``, ``province_2025``, ``split``, ``share_2025`` (of the commune, when
    known), ``lineage_inferred``, ``lineage_source``."""
    lineage = lineage or default_lineage()
    rows = []
    for r in _scope(plan).itertuples(index=False):
        m = match_unit(r.commune, r.province, r.district, lineage)
        start = m.official or m.alias_of
        year = int(r.plan_year) if isinstance(r.plan_year, (int, float)) and not pd.isna(r.plan_year) else None
        paths = lineage.paths(r.province, r.district, start, year) if start else [[]]
        if m.matched is Match.ALIAS:
            alias = Step(r.province, r.district, unit_name(r.commune), None, m.alias_of, inferred=True,
                         source_key="units.alias_source", origin=library.LIBRARY)
            paths = [[alias, *p] for p in paths]
        for path in paths:
            last = path[-1] if path and path[-1].final else None
            rows.append({
                "commune_id": r.commune_id, "commune": r.commune, "district": r.district, "province": r.province,
                "official": m.official, "unit_kind": m.kind,
                "unit_code": m.code, "matched": str(m.matched),
                "lineage": " → ".join([m.official or unit_name(r.commune), *(s.text(lang) for s in path)]),
                "commune_2025": last.to if last else "", "code_2025": last.to_code if last else "",
                "province_2025": (library.province_2025(r.province) or "") if last else "",
                "split": any(s.split for s in path), "share_2025": combined_share(path) if path else math.nan,
                "lineage_inferred": any(s.inferred for s in path) or m.matched in (Match.SPELLING, Match.ALIAS),
                "lineage_source": "; ".join(dict.fromkeys(s.source_in(lang) for s in path if s.source_in(lang))),
            })
    return pd.DataFrame(rows)


def unit_findings(plan, table: pd.DataFrame) -> list[Finding]:
    """The warnings of a units table: a name not written as the official one, a name that
    is no official unit, a commune no step takes to 2025."""
    out = []
    scope = _scope(plan).set_index("commune_id")
    files = dict(zip(plan.communes["commune_id"], plan.communes["source_file"]))
    for r in table.drop_duplicates("commune_id").itertuples(index=False):
        about = {"commune": r.commune, "commune_id": r.commune_id, "file": files[r.commune_id]}
        said = {"commune": r.commune}
        if r.matched == Match.SPELLING:
            out.append(Finding("warning", "unit_spelling", params={**said, "official": r.official}, **about))
        elif r.matched == Match.ALIAS:
            unit = r.lineage.split(" → ")[1].split(" (")[0]
            out.append(Finding("warning", "unit_alias", params={**said, "unit": unit, "library": library.LIBRARY},
                               **about))
        elif r.matched == Match.NONE:
            province, district = scope.loc[r.commune_id, ["province", "district"]]
            names = library.legacy_units(province, district)["name"].tolist()
            near = ", ".join(nearest(r.commune, names)) or "—"
            out.append(Finding("warning", "unit_none", params={**said, "district": district, "province": province,
                                                               "near": near}, **about))
        if r.matched != Match.NONE and not r.commune_2025:
            out.append(Finding("warning", "unit_no_2025", params=said, **about))
    return out


def unit_warnings(plan, table: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """:func:`unit_findings` as a table (commune, message) for a notebook.

    >>> from ntm_analysis import load_plan
    >>> plan = load_plan()
    >>> unit_warnings(plan, units_table(plan)).values.tolist()
    [['Phương Kỳ', 'Phương Kỳ: tên chính thức là Phượng Kỳ (kế hoạch viết khác dấu)']]
    """
    found = unit_findings(plan, table)
    return pd.DataFrame({"commune": [f.commune for f in found], "message": [f.message_in(lang) for f in found]})


__all__ = ["Match", "Matched", "match_unit", "unit_findings", "unit_warnings", "units_table"]
