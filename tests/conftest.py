"""Shared test fixtures.

``make_plan`` builds a small hand-made :class:`~ntm_analysis.tables.plan.Plan` through
the Plan contract (``ntm_analysis/tables/contract.py``), so that analyses can be tested
with answers worked out by hand:

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

from ntm_analysis.criteria.catalogue import load_catalogue
from ntm_analysis.tables import contract
from ntm_analysis.tables.plan import Plan, commune_id


UNIT = "thu"


def _typed(rows: list[dict], table: str) -> pd.DataFrame:
    """A table of the contract from row dicts (``due`` etc. as "2023Q2" text or None)."""
    cols = contract.columns(table)
    return contract.frame(table, {c: [r.get(c) for r in rows] for c in cols if any(c in r for r in rows)},
                          len(rows))


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
    for c in crow:
        c.setdefault("commune_id", commune_id(c["commune"], UNIT))
        c.setdefault("unit", "Thử")
    ids = {c["commune"]: c["commune_id"] for c in crow}
    for g in grow:
        g["commune_id"] = ids[g["commune"]]
        g["gap_id"] = f"{g['commune_id']}|{g['criterion_code']}"
    tables: dict[str, pd.DataFrame] = {"communes": _typed(crow, "communes"), "gaps": _typed(grow, "gaps")}
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
    for name in ("model_requirements", "ocop", "milestones", "quantities", "departments", "completions",
                 "dependencies"):
        rows = [dict(r) if isinstance(r, dict) else dict(zip(positional[name], r)) for r in given.get(name, ())]
        for r in rows:
            if "commune" in r:
                r.setdefault("commune_id", ids.get(r["commune"], commune_id(r["commune"], UNIT)) if r["commune"] else "")
        tables[name] = _typed(rows, name)
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
