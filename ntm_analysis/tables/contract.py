"""The column contract of a Plan: every table's columns, in order, with their dtypes.

A :class:`~ntm_analysis.tables.plan.Plan` is checked against it when it is built, so
the analyses can rely on it: text columns are pandas' ``str`` dtype, quarters are
``period[Q-DEC]`` (no date = NaT), counts and years ``Int64``, flags ``bool``, lists
(a gap's stated prerequisites) tuples. :func:`frame` builds a conforming table from
column data; :func:`check` says what breaks it.

>>> df = frame("completions", {"commune_id": ["x/a"], "commune": ["A"], "criterion_code": ["8"],
...                            "done": ["2023Q2"], "done_written": ["quý II/2023"], "note": [""]})
>>> list(df.dtypes.astype(str))
['str', 'str', 'str', 'period[Q-DEC]', 'str', 'str']
>>> check("completions", df.assign(done="2023Q2"))
['completions.done: dtype str, expected period[Q-DEC]']
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..core.errors import ContractError
from ..core.quarters import QUARTER, as_quarters

TEXT, INT, NINT, FLOAT, BOOL, PERIOD, LIST = "str", "int64", "Int64", "float64", "bool", "period[Q-DEC]", "list"

_COMMUNE = {"commune_id": TEXT, "commune": TEXT}

CONTRACT: dict[str, dict[str, str]] = {
    "communes": {
        "commune_id": TEXT, "unit": TEXT, "province": TEXT, "district": TEXT, "source_file": TEXT, "commune": TEXT,
        "plan_section": TEXT, "section_title": TEXT,
        "target_level": TEXT, "target_year": NINT, "original_target_year": NINT,
        "original_target_written": TEXT, "stated_met": NINT, "stated_total": NINT, "stated_met_written": TEXT,
        "stated_missing": NINT, "stated_missing_written": TEXT, "source_text": TEXT, "group": TEXT, "note": TEXT,
        "listed_missing": NINT, "commune_due": PERIOD, "commune_due_written": TEXT, "commune_due_year_only": BOOL,
    },
    "gaps": {
        "gap_id": TEXT, **_COMMUNE, "requirement": TEXT, "criterion_code": TEXT, "criterion_order": INT,
        "criterion": TEXT, "criterion_en": TEXT, "written_as": TEXT, "match_method": TEXT, "detail": TEXT,
        "due_written": TEXT, "due": PERIOD, "due_source": TEXT, "waits_on": LIST, "department": TEXT,
        "plan_section": TEXT, "target_level": TEXT, "target_year": NINT, "sheet": TEXT, "row": INT,
    },
    "model_requirements": {**_COMMUNE, "criterion_code": TEXT, "requirement": TEXT, "status": TEXT},
    "ocop": {**_COMMUNE, "product": TEXT, "status": TEXT, "target_stars": NINT, "written_as": TEXT, "note": TEXT},
    "milestones": {**_COMMUNE, "milestone": TEXT, "written_as": TEXT, "due_written": TEXT, "due": PERIOD,
                   "year_only": BOOL, "applies_to_items": BOOL},
    "quantities": {**_COMMUNE, "criterion_code": TEXT, "indicator": TEXT, "written_as": TEXT,
                   "current_written": TEXT, "current": FLOAT, "target_written": TEXT, "target": FLOAT,
                   "unit": TEXT, "comparator": TEXT},
    "departments": {"department": TEXT, "task": TEXT, "criteria": TEXT, "plan_section": TEXT},
    "completions": {**_COMMUNE, "criterion_code": TEXT, "done": PERIOD, "done_written": TEXT, "note": TEXT},
    # commune_id "" = a rule for every commune of the plan
    "dependencies": {**_COMMUNE, "waiting": TEXT, "on": TEXT, "when": TEXT, "reason": TEXT, "source": TEXT},
}
TABLES = tuple(CONTRACT)
#: Tables whose rows are unique on these columns.
UNIQUE = {"communes": ("commune_id",), "gaps": ("gap_id",)}


def columns(table: str) -> list[str]:
    return list(CONTRACT[table])


def column(kind: str, values: Any, n: int) -> Any:
    """``values`` (a sequence, an array, a Series or a scalar) as a column of ``kind``."""
    if isinstance(values, pd.Series):
        values = values.array
    if _scalar(values):
        values = [values] * n
    if kind == TEXT:
        if isinstance(values, pd.arrays.StringArray) or (
                isinstance(getattr(values, "dtype", None), pd.StringDtype) and values.dtype == "str"):
            return values
        out = pd.array(np.asarray(values, dtype=object), dtype="str")
        missing = out.isna()
        return out.fillna("") if missing.any() else out
    if kind == PERIOD:
        return values if getattr(values, "dtype", None) == QUARTER else as_quarters(values)
    if kind == NINT:
        return pd.array(values, dtype="Int64")
    if kind == INT:
        return np.asarray(values, dtype=np.int64)
    if kind == FLOAT:
        return np.asarray(pd.array(values, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    if kind == BOOL:
        return np.asarray(values, dtype=bool)
    if kind == LIST:
        return np.fromiter((tuple(v) if isinstance(v, (list, tuple)) else _split(v) for v in values),
                           dtype=object, count=n)
    raise ValueError(kind)


def _scalar(v: object) -> bool:
    return not isinstance(v, (list, tuple, range, np.ndarray, pd.api.extensions.ExtensionArray, pd.Index))


def _split(v: object) -> tuple[str, ...]:
    if v is None or (isinstance(v, float) and v != v):
        return ()
    return tuple(p.strip() for p in str(v).replace(",", ";").split(";") if p.strip())


def frame(table: str, data: Mapping[str, Any] | pd.DataFrame, n: int | None = None) -> pd.DataFrame:
    """A table of the contract from column data (missing columns are empty)."""
    spec = CONTRACT[table]
    if isinstance(data, pd.DataFrame):
        n = len(data) if n is None else n
        data = {c: data[c] for c in data.columns}
    if n is None:
        sizes = [len(v) for v in data.values() if not _scalar(v)]
        n = sizes[0] if sizes else 0
    default = {TEXT: "", NINT: None, INT: 0, FLOAT: np.nan, BOOL: False, PERIOD: None, LIST: ()}
    cols = {}
    for name, kind in spec.items():
        values = data.get(name)
        if values is None:
            values = [default[kind]] * n
        cols[name] = column(kind, values, n)
    return pd.DataFrame(cols, columns=list(spec), index=pd.RangeIndex(n))


def empty(table: str) -> pd.DataFrame:
    return frame(table, {}, 0)


def _kind_of(s: pd.Series) -> str:
    dtype = s.dtype
    if dtype == "str":
        return TEXT
    if dtype == QUARTER:
        return PERIOD
    if dtype == object:
        return LIST
    return str(dtype)


def check(table: str, df: pd.DataFrame) -> list[str]:
    """What in ``df`` breaks the contract of ``table`` (empty when nothing)."""
    spec = CONTRACT[table]
    problems = []
    if list(df.columns) != list(spec):
        missing = [c for c in spec if c not in df.columns]
        extra = [c for c in df.columns if c not in spec]
        problems.append(f"{table}: columns differ (missing {missing}, extra {extra})")
        return problems
    for name, kind in spec.items():
        got = _kind_of(df[name])
        if got != kind:
            problems.append(f"{table}.{name}: dtype {df[name].dtype}, expected {kind}")
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        problems.append(f"{table}: index must be 0..n-1")
    for cols in [UNIQUE.get(table)] if table in UNIQUE else []:
        if not pd.Index(df[cols[0]]).is_unique:
            problems.append(f"{table}: {cols[0]} repeats")
    return problems


def enforce(tables: Mapping[str, pd.DataFrame]) -> None:
    """Raise :class:`ContractError` when any table breaks the contract."""
    problems = [p for name in TABLES for p in check(name, tables[name])]
    if problems:
        raise ContractError("; ".join(problems))
