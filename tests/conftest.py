"""Shared test fixtures.

``make_plan`` builds a small hand-made :class:`~ntm_analysis.plan.Plan` with exactly
the columns and dtypes of the Plan contract (see ``ntm_analysis/plan.py``), so that
analyses can be tested with answers worked out by hand:

    plan = make_plan(
        communes=[{"commune": "A"}, {"commune": "B", "target_level": "kieu_mau"}],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q3"), ("B", "KM3", None)],
        ocop=[("A", "Dưa", "da_chon", 3)],
    )

Gaps are ``(commune, code, due)`` tuples or dicts with any gap column; ``due`` is
``"2023Q2"``-style text or ``None`` (undated). Default ``due_source``: ``item`` when
dated, ``none`` when not. Default dependencies: the catalogue's rules for every commune.
"""
from __future__ import annotations

from typing import Any, Iterable

import pandas as pd
import pytest

from ntm_analysis.catalogue import load_catalogue
from ntm_analysis.plan import Plan

QDTYPE = "period[Q-DEC]"

COMMUNE_COLUMNS = [
    "commune", "plan_section", "section_title", "target_level", "target_year",
    "original_target_year", "original_target_written", "stated_met", "stated_total",
    "stated_met_written", "stated_missing", "stated_missing_written", "listed_missing",
    "commune_due", "commune_due_written", "commune_due_year_only", "source_text", "note",
]
GAP_COLUMNS = [
    "gap_id", "commune", "requirement", "criterion_code", "criterion_order", "criterion",
    "criterion_en", "written_as", "match_method", "detail", "due_written", "due",
    "due_source", "waits_on", "department", "plan_section", "target_level", "target_year",
    "sheet", "row",
]
TABLE_COLUMNS = {
    "model_requirements": ["commune", "criterion_code", "requirement", "status"],
    "ocop": ["commune", "product", "status", "target_stars", "written_as", "note"],
    "milestones": ["commune", "milestone", "written_as", "due_written", "due", "year_only",
                   "applies_to_items"],
    "quantities": ["commune", "criterion_code", "indicator", "written_as", "current_written",
                   "current", "target_written", "target", "unit", "comparator"],
    "departments": ["department", "task", "criteria", "plan_section"],
    "completions": ["commune", "criterion_code", "done", "done_written", "note"],
    "dependencies": ["commune", "waiting", "on", "when", "reason", "source"],
}
INT_COLUMNS = {"target_year", "original_target_year", "stated_met", "stated_total",
               "stated_missing", "listed_missing", "target_stars"}
PERIOD_COLUMNS = {"due", "commune_due", "done"}
BOOL_COLUMNS = {"commune_due_year_only", "year_only", "applies_to_items"}
FLOAT_COLUMNS = {"current", "target"}


def _typed(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    data: dict[str, Any] = {}
    for col in columns:
        values = [r.get(col) for r in rows]
        if col in PERIOD_COLUMNS:
            data[col] = pd.array([None if v is None else pd.Period(v, freq="Q") for v in values],
                                 dtype=QDTYPE)
        elif col in INT_COLUMNS:
            data[col] = pd.array(values, dtype="Int64")
        elif col in BOOL_COLUMNS:
            data[col] = pd.array([bool(v) for v in values], dtype=bool)
        elif col in FLOAT_COLUMNS:
            data[col] = pd.array([float("nan") if v is None else float(v) for v in values], dtype=float)
        elif col in ("criterion_order", "row"):
            data[col] = pd.array([int(v) for v in values], dtype="int64")
        else:
            data[col] = pd.array(["" if v is None else str(v) for v in values], dtype="str")
    return pd.DataFrame(data, columns=columns)


def build_plan(
    communes: Iterable[dict | str],
    gaps: Iterable[tuple | dict] = (),
    ocop: Iterable[tuple | dict] = (),
    completions: Iterable[tuple | dict] = (),
    dependencies: Iterable[tuple | dict] | None = None,
    model_requirements: Iterable[tuple | dict] = (),
    warnings: tuple = (),
) -> Plan:
    """A small Plan from compact rows (see the module docstring)."""
    cat = load_catalogue()
    crow: list[dict] = []
    for c in communes:
        c = {"commune": c} if isinstance(c, str) else dict(c)
        c.setdefault("plan_section", "2.1")
        c.setdefault("target_level", "nang_cao")
        c.setdefault("target_year", 2023)
        crow.append(c)
    by_name = {c["commune"]: c for c in crow}
    grow: list[dict] = []
    for i, g in enumerate(gaps):
        if not isinstance(g, dict):
            g = dict(zip(("commune", "criterion_code", "due", "waits_on"), g))
        g = dict(g)
        code = str(g["criterion_code"])
        com = by_name[g["commune"]]
        g.setdefault("gap_id", f"{g['commune']}|{code}")
        g.setdefault("requirement", "model" if code.startswith("KM") else "criterion")
        g.setdefault("criterion_order", cat.order(code))
        g.setdefault("criterion", cat.name(code))
        g.setdefault("criterion_en", cat.name(code, "en"))
        g.setdefault("written_as", cat.name(code))
        g.setdefault("match_method", "exact")
        g.setdefault("due_source", "none" if g.get("due") is None else "item")
        g.setdefault("waits_on", "")
        g.setdefault("department", cat.department(code))
        g.setdefault("plan_section", com["plan_section"])
        g.setdefault("target_level", com["target_level"])
        g.setdefault("target_year", com["target_year"])
        g.setdefault("sheet", "Chi tiết")
        g.setdefault("row", i + 2)
        g["waits_on"] = g["waits_on"] or ""
        grow.append(g)
    for c in crow:
        c.setdefault("listed_missing", sum(1 for g in grow if g["commune"] == c["commune"]
                                           and g["requirement"] == "criterion"))
    tables: dict[str, pd.DataFrame] = {
        "communes": _typed(crow, COMMUNE_COLUMNS),
        "gaps": _typed(grow, GAP_COLUMNS),
    }
    positional = {
        "ocop": ("commune", "product", "status", "target_stars"),
        "completions": ("commune", "criterion_code", "done"),
        "dependencies": ("commune", "waiting", "on", "when", "reason", "source"),
        "model_requirements": ("commune", "criterion_code", "requirement", "status"),
    }
    if dependencies is None:
        dependencies = [
            {"commune": "", "waiting": r["waiting"], "on": r["on"], "when": r["when"],
             "reason": r["reason"], "source": "catalogue"}
            for r in cat.dependencies.to_dict("records")
        ]
    given = {"ocop": ocop, "completions": completions, "dependencies": dependencies,
             "model_requirements": model_requirements}
    for name, columns in TABLE_COLUMNS.items():
        rows = [r if isinstance(r, dict) else dict(zip(positional[name], r))
                for r in given.get(name, ())]
        tables[name] = _typed(rows, columns)
    return Plan(meta={"district": "Thử", "plan_year": 2023}, catalogue=cat,
                warnings=tuple(warnings), source="test", **tables)


@pytest.fixture(scope="session")
def make_plan():
    """The :func:`build_plan` factory (session-scoped: usable with hypothesis)."""
    return build_plan


@pytest.fixture(scope="session")
def embedded_plan():
    """The embedded 2023 Tứ Kỳ plan, loaded once per session."""
    from ntm_analysis import load_plan

    return load_plan()
