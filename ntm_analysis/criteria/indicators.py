"""Indicators, commune groups and thresholds: the measurable part of a criteria set.

A catalogue file may give, beside its criteria:

- ``groups``: the commune groups its thresholds differ by (code, name, definition, source);
- ``levels``: levels it names besides its own (a pilot level, say);
- per criterion, ``indicators``: each with a ``code``, ``name`` (``name_en``, ``aliases``),
  ``unit``, ``comparator`` (``≥``, ``≤``, ``=`` or ``đạt`` for pass/fail) and
  ``thresholds``: ``{all: …}`` for every commune or one entry per group code, each a
  number (or ``đạt``) or ``{value: …, source: …}``. A threshold no public source gives is
  left out (``null``): the province fills it, and :func:`missing_thresholds` says which;
- ``indicators_expected``: how many indicators the set has by its source, when the file
  does not list them all yet.

Anything malformed is a :class:`~.catalogue.CatalogueError` naming the file and line.

>>> ind = read_indicators(Path("x.yaml"), "groups: [{code: '1', name: Nhóm 1}, {code: '2', name: Nhóm 2}]\\n"
...     "criteria:\\n  - code: '11'\\n    name: Nghèo\\n    indicators:\\n"
...     "      - {code: '11.1', name: Tỷ lệ hộ nghèo, unit: '%', comparator: '≤', thresholds: {'1': 1.0, '2': 2}}\\n")
>>> ind.thresholds[["indicator", "group", "value"]].values.tolist()
[['11.1', '1', 1.0], ['11.1', '2', 2.0]]
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..core.limited_yaml import LineLoader, load_yaml, yaml_problem
from ..core.names import fold, nfc

#: comparators as written → as kept
COMPARATORS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", "=": "=", "==": "=", "đạt": "đạt", "dat": "đạt"}
PASS_WORDS = {"dat", "co", "x", "yes", "true", "1"}
FAIL_WORDS = {"khong dat", "chua dat", "khong", "no", "false", "0"}
EVERY = "all"  # a threshold for every commune, whatever its group
INDICATOR_KEYS = {"code", "name", "name_en", "unit", "comparator", "thresholds", "aliases", "source", "__line__"}


@dataclass(frozen=True)
class Indicators:
    """A set's groups, extra levels, indicators and thresholds (see the module)."""

    groups: pd.DataFrame      # code, name, definition, source
    levels: pd.DataFrame      # code, name, source
    table: pd.DataFrame       # criterion_code, code, name, name_en, unit, comparator, aliases, source
    thresholds: pd.DataFrame  # indicator, group ("all" = every commune), value, source
    expected: int | None = None

    def threshold(self, indicator: str, group: object) -> tuple[object, str] | None:
        """The (value, source) of ``indicator`` for a commune of ``group`` (its group's, else
        the one for every commune); ``None`` when the set gives none."""
        t = self.thresholds[self.thresholds["indicator"] == indicator]
        for key in (nfc(group), EVERY):
            row = t[t["group"] == key]
            if len(row) and row["value"].iloc[0] is not None:
                return row["value"].iloc[0], row["source"].iloc[0]
        return None

    def find(self, criterion: str, written: object) -> str | None:
        """The code of the indicator of ``criterion`` that ``written`` names (by code, name
        or alias, case and marks aside)."""
        key = fold(written)
        for r in self.table[self.table["criterion_code"] == criterion].itertuples(index=False):
            if key in {fold(r.code), fold(r.name), *map(fold, r.aliases)}:
                return r.code
        return None


def _fail(path: Path, line: object, what: str):
    from .catalogue import CatalogueError

    where = f", dòng {line}" if line else ""
    return CatalogueError(f"{path}{where}: {what}")


def read_indicators(path: Path, text: str, codes: set[str] | None = None) -> Indicators:
    """The indicators part of a catalogue file's ``text`` (see the module)."""
    try:
        data = load_yaml(text, LineLoader) or {}
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise _fail(path, line, problem) from None
    groups = [_group(path, g) for g in data.get("groups") or []]
    group_codes = {g["code"] for g in groups}
    levels = [{"code": str(v.get("code", "")), "name": nfc(v.get("name", "")), "source": nfc(v.get("source", ""))}
              for v in data.get("levels") or [] if isinstance(v, dict)]
    table, thresholds = [], []
    for c in data.get("criteria") or []:
        if not isinstance(c, dict):
            continue
        for ind in c.get("indicators") or []:
            row, limits = _indicator(path, str(c.get("code", "")), ind, group_codes)
            if any(r["code"] == row["code"] for r in table):
                raise _fail(path, ind.get("__line__"), f"chỉ tiêu '{row['code']}' khai báo hai lần")
            table.append(row)
            thresholds += limits
    expected = data.get("indicators_expected")
    return Indicators(
        groups=pd.DataFrame(groups, columns=["code", "name", "definition", "source"]),
        levels=pd.DataFrame(levels, columns=["code", "name", "source"]),
        table=pd.DataFrame(table, columns=["criterion_code", "code", "name", "name_en", "unit", "comparator",
                                           "aliases", "source"]),
        thresholds=pd.DataFrame(thresholds, columns=["indicator", "group", "value", "source"]),
        expected=int(expected) if isinstance(expected, int) else None,
    )


def _group(path: Path, g: Any) -> dict:
    if not isinstance(g, dict) or g.get("code") in (None, ""):
        raise _fail(path, g.get("__line__") if isinstance(g, dict) else None, "mỗi nhóm xã cần 'code'")
    return {"code": str(g["code"]), "name": nfc(g.get("name", "")), "definition": nfc(g.get("definition", "")),
            "source": nfc(g.get("source", ""))}


def _indicator(path: Path, criterion: str, ind: Any, groups: set[str]) -> tuple[dict, list[dict]]:
    line = ind.get("__line__") if isinstance(ind, dict) else None
    if not isinstance(ind, dict) or not ind.get("code") or not ind.get("name"):
        raise _fail(path, line, f"chỉ tiêu của tiêu chí {criterion} cần 'code' và 'name'")
    unknown = sorted(set(map(str, ind)) - INDICATOR_KEYS)
    if unknown:
        raise _fail(path, line, f"khóa không hiểu được: {', '.join(unknown)}")
    comparator = COMPARATORS.get(str(ind.get("comparator", "")).strip().lower())
    if comparator is None:
        raise _fail(path, line, f"so sánh '{ind.get('comparator')}' phải là ≥, ≤, = hoặc đạt")
    code = str(ind["code"])
    row = {"criterion_code": criterion, "code": code, "name": nfc(ind["name"]),
           "name_en": nfc(ind.get("name_en", ind["name"])), "unit": nfc(ind.get("unit", "")),
           "comparator": comparator, "aliases": tuple(nfc(a) for a in ind.get("aliases") or []),
           "source": nfc(ind.get("source", ""))}
    limits = []
    spec = ind.get("thresholds") or {}
    if not isinstance(spec, dict):
        raise _fail(path, line, "thresholds phải là bảng: all hoặc mã nhóm → ngưỡng")
    for group, value in spec.items():
        group = str(group)
        if group == "__line__":
            continue
        if group != EVERY and group not in groups:
            raise _fail(path, line, f"nhóm '{group}' không có trong groups ({', '.join(sorted(groups)) or 'trống'})")
        source = nfc(ind.get("source", ""))
        if isinstance(value, dict):
            source, value = nfc(value.get("source", source)), value.get("value")
        limits.append({"indicator": code, "group": group, "value": _value(path, line, comparator, value),
                       "source": source})
    return row, limits


def _value(path: Path, line: object, comparator: str, value: Any) -> object:
    """A threshold: a number for ≥ ≤ =, ``True`` (must pass) for đạt; ``None`` when not given."""
    if value is None:
        return None
    if comparator == "đạt":
        return True
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        raise _fail(path, line, f"ngưỡng '{value}' không phải một số") from None


def missing_thresholds(ind: Indicators) -> pd.DataFrame:
    """Each (indicator, group) the set gives no threshold for: ``indicator, name, group``.

    >>> ind = read_indicators(Path("x.yaml"), "groups: [{code: '1'}, {code: '2'}]\\ncriteria:\\n  - code: '1'\\n"
    ...     "    indicators: [{code: '1.1', name: A, comparator: '≥', thresholds: {'1': 5}}]\\n")
    >>> missing_thresholds(ind).values.tolist()
    [['1.1', 'A', '2']]
    """
    groups = list(ind.groups["code"]) or [EVERY]
    out = []
    for r in ind.table.itertuples(index=False):
        given = ind.thresholds[(ind.thresholds["indicator"] == r.code) & ind.thresholds["value"].notna()]
        if EVERY in set(given["group"]):
            continue
        out += [{"indicator": r.code, "name": r.name, "group": g} for g in groups if g not in set(given["group"])]
    return pd.DataFrame(out, columns=["indicator", "name", "group"])


def passes(value: object) -> bool | None:
    """A pass/fail value as written: "đạt", "có", "x" → True; "không đạt", "chưa đạt" → False.

    >>> passes("Đạt"), passes("chưa đạt"), passes(None)
    (True, False, None)
    """
    key = fold(value)
    if key in PASS_WORDS:
        return True
    if key in FAIL_WORDS:
        return False
    return None


def catalogue_table() -> pd.DataFrame:
    """One row per criteria set found: criteria, indicators (in the file, and by its
    source), commune groups, thresholds still missing, other levels, source.

    >>> c = catalogue_table().set_index("catalogue")
    >>> int(c.loc["ntm_2026_2030", "criteria_count"]), int(c.loc["ntm_2026_2030", "indicators_expected"])
    (10, 47)
    """
    from .catalogue import catalogue_files, load_catalogue

    rows = []
    for cid in catalogue_files():
        cat = load_catalogue(cid)
        ind = cat.indicators
        rows.append({
            "catalogue": cid, "title": cat.title, "criteria_count": len(cat.criterion_codes) or len(cat.codes),
            "indicators": 0 if ind is None else len(ind.table),
            "indicators_expected": pd.NA if ind is None or ind.expected is None else ind.expected,
            "groups": "" if ind is None else ", ".join(ind.groups["name"]),
            "thresholds_missing": 0 if ind is None else len(missing_thresholds(ind)),
            "levels": "" if ind is None else ", ".join(ind.levels["name"]),
            "catalogue_source": cat.source,
        })
    out = pd.DataFrame(rows)
    out["indicators_expected"] = out["indicators_expected"].astype("Int64")
    return out


__all__ = ["COMPARATORS", "EVERY", "Indicators", "catalogue_table", "missing_thresholds", "passes", "read_indicators"]
