"""The official administrative units, from the library ``vietnamadminunits``: the one
place that reads it.

Two sets of units, each with its official name, kind, code and province:

- :func:`legacy_units`: the units of the 63-province map (10,040 commune-level units,
  as they stood before 1 July 2025), with their district and the former names the
  library knows were merged into each (``aliases``: folded keys such as ``"ngocky"``,
  without the marks of the official spelling);
- :func:`units_2025`: the 3,321 units of the 34-province map.

:func:`successors` gives, for a pre-2025 unit, the 2025 unit(s) it went into: one for
most, several for a unit split between new communes (the library names one of them its
default; no shares are given). The library's data is read as tables, never through its
address parser, so nothing is guessed from free text and nothing is looked up online.

>>> u = legacy_units("Hải Dương", "Tứ Kỳ")
>>> u.set_index("name").loc["Minh Đức", ["code", "kind"]].tolist()
['11128', 'Xã']
>>> [(s.name, s.code, s.default) for s in successors(u.set_index("name").loc["Hưng Đạo"])]
[('Đại Sơn', '11086', True), ('Tân Kỳ', '11113', False)]
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import metadata

import pandas as pd

from ..core.names import slug

LIBRARY = "vietnamadminunits"


def version() -> str:
    """The version of the library the units come from (named beside every fact it gives).

    >>> version().count(".") >= 1
    True
    """
    return metadata.version(LIBRARY)


def _query(sql: str) -> pd.DataFrame:
    from vietnamadminunits.database import query

    return pd.DataFrame(query(sql))


@functools.cache
def _legacy() -> pd.DataFrame:
    df = _query("SELECT province, provinceShort, provinceCode, provinceKey, district, districtShort, "
                "districtType, districtCode, districtKey, ward, wardShort, wardType, wardCode, wardKey, "
                "wardAlias FROM admin_units_legacy")
    out = pd.DataFrame({
        "province": df["provinceShort"], "province_full": df["province"], "province_code": df["provinceCode"],
        "district": df["districtShort"], "district_full": df["district"], "district_code": df["districtCode"],
        "name": df["wardShort"], "official": df["ward"], "kind": df["wardType"], "code": df["wardCode"],
        "province_key": df["provinceKey"], "district_key": df["districtKey"], "ward_key": df["wardKey"],
        "aliases": [tuple(json.loads(a)) if isinstance(a, str) and a else () for a in df["wardAlias"]],
    })
    out["unit"] = [f"{slug(p)}/{slug(d)}" for p, d in zip(out["province"], out["district"])]
    return out


@functools.cache
def _units_2025() -> pd.DataFrame:
    df = _query("SELECT province, provinceShort, provinceCode, provinceKey, ward, wardShort, wardType, "
                "wardCode, wardKey FROM admin_units")
    return pd.DataFrame({
        "province": df["provinceShort"], "province_full": df["province"], "province_code": df["provinceCode"],
        "name": df["wardShort"], "official": df["ward"], "kind": df["wardType"], "code": df["wardCode"],
        "province_key": df["provinceKey"], "ward_key": df["wardKey"],
    })


def legacy_units(province: object = None, district: object = None) -> pd.DataFrame:
    """The pre-2025 units, of one province and district when named (short names, any
    spelling of their letters: "Hải Dương", "hai duong").

    >>> len(legacy_units()) > 10_000, len(legacy_units("Hải Dương", "Tứ Kỳ"))
    (True, 20)
    """
    return _legacy_of(None if province is None else slug(province), None if district is None else slug(district))


@functools.lru_cache(maxsize=4096)
def _legacy_of(province: str | None, district: str | None) -> pd.DataFrame:
    """The pre-2025 units of a province and district slug (kept: never change the frame)."""
    df = _legacy()
    if province is not None:
        df = df[df["province"].map(slug) == province]
    if district is not None:
        df = df[df["district"].map(slug) == district]
    return df.reset_index(drop=True)


def units_2025(province: object = None) -> pd.DataFrame:
    """The 2025 units, of one province when named.

    >>> u = units_2025("Hải Phòng")
    >>> len(u), u.set_index("name").loc["Chí Minh", "code"]
    (114, '11131')
    """
    df = _units_2025()
    if province is not None:
        df = df[df["province"].map(slug) == slug(province)]
    return df.reset_index(drop=True)


@dataclass(frozen=True)
class Successor:
    """A 2025 unit a pre-2025 unit went into; ``default`` where the library names one
    part of a split its default."""

    name: str
    official: str
    code: str
    province: str
    default: bool


@functools.cache
def _converter() -> tuple[dict, dict, dict]:
    from vietnamadminunits.converter import converter_2025 as c

    new_province = {old: new for new, olds in c.DICT_PROVINCE.items() for old in olds}
    whole = {}
    for new_p, wards in c.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for new_w, olds in wards.items():
            for old in olds:
                whole[old] = (new_p, new_w)
    return new_province, whole, c.DICT_PROVINCE_WARD_DIVIDED


@functools.cache
def _by_key_2025() -> dict[tuple[str, str], Successor]:
    return {(p, w): Successor(n, o, c, pr, False) for p, w, n, o, c, pr in _units_2025()[
        ["province_key", "ward_key", "name", "official", "code", "province"]].itertuples(index=False)}


def successors(unit: pd.Series) -> list[Successor]:
    """The 2025 unit(s) a pre-2025 unit (a row of :func:`legacy_units`) went into; empty
    when the library has none."""
    new_province, whole, divided = _converter()
    old = f"{unit['province_key']}_{unit['district_key']}_{unit['ward_key']}"
    units = _by_key_2025()
    if old in whole:
        found = units.get(whole[old])
        return [Successor(**{**found.__dict__, "default": True})] if found else []
    target = new_province.get(unit["province_key"])
    out = []
    for part in divided.get(target, {}).get(old, []):
        found = units.get((target, part["newWardKey"]))
        if found:
            out.append(Successor(**{**found.__dict__, "default": bool(part["isDefaultNewWard"])}))
    return out


def province_2025(province: object) -> str | None:
    """The 2025 province a pre-2025 province is part of (short name).

    >>> province_2025("Hải Dương"), province_2025("Không có")
    ('Hải Phòng', None)
    """
    old = legacy_units(province)
    if old.empty:
        return None
    new_key = _converter()[0].get(old["province_key"].iloc[0])
    new = _units_2025()
    found = new[new["province_key"] == new_key]
    return None if found.empty else str(found["province"].iloc[0])


def unit_2025_after(province: object, name: object) -> Successor | None:
    """The 2025 unit called ``name`` in the province that ``province`` (pre-2025) joined.

    >>> unit_2025_after("Hải Dương", "Xã Tân Kỳ").code, unit_2025_after("Hải Dương", "Ngọc Kỳ")
    ('11113', None)
    """
    from ..core.names import commune_key

    new_province = province_2025(province)
    if new_province is None:
        return None
    units = units_2025(new_province)
    found = units[units["name"].map(commune_key) == commune_key(name)]
    if found.empty:
        return None
    row = found.iloc[0]
    return Successor(row["name"], row["official"], row["code"], row["province"], False)


__all__ = ["LIBRARY", "Successor", "legacy_units", "province_2025", "successors", "unit_2025_after",
           "units_2025", "version"]
