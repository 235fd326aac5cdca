"""The Plan: a plan's meta data, its criteria catalogue and its tidy tables.

Every table holds the columns and dtypes of :mod:`.contract` (checked when a Plan is
built). Every commune has a stable ``commune_id`` made of its administrative unit
(province and district as the plan names them) and its name, so that communes of the
same name in two districts never merge when plans are put together
(:func:`concat_plans`); displays keep the name.

>>> commune_id("Xã Minh Đức", unit_key("Hải Dương", "Tứ Kỳ"))
'hai-duong/tu-ky/minh-duc'
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ..core.errors import UserError
from ..core.names import commune_key, slug
from ..criteria.catalogue import Catalogue
from . import contract


def unit_key(province: object = "", district: object = "") -> str:
    """The key of an administrative unit: ``province/district`` slugs ("" when unnamed)."""
    return "/".join(s for s in (slug(province), slug(district)) if s)


def commune_id(name: object, unit: str = "") -> str:
    """The id of a commune in a unit (see :func:`unit_key`)."""
    key = commune_key(name).replace(" ", "-")  # already folded: the slug of the key
    return f"{unit}/{key}" if unit else key


def gap_id(commune: Any, code: Any) -> Any:
    """The id of a commune's gap on a criterion; scalars, or Series element-wise.

    >>> gap_id("hai-duong/tu-ky/minh-duc", "13")
    'hai-duong/tu-ky/minh-duc|13'
    """
    return commune + "|" + code


@dataclass(frozen=True, eq=False)
class Plan:
    """A plan: meta data, catalogue and the tables of :data:`.contract.CONTRACT`.

    Build one with :func:`ntm_analysis.load_plan` (or ``plan_from_tables``); derive a
    changed copy with :meth:`with_tables`; never change a table in place.
    """

    meta: dict[str, Any]
    catalogue: Catalogue
    communes: pd.DataFrame
    gaps: pd.DataFrame
    model_requirements: pd.DataFrame
    ocop: pd.DataFrame
    milestones: pd.DataFrame
    quantities: pd.DataFrame
    departments: pd.DataFrame
    completions: pd.DataFrame
    dependencies: pd.DataFrame
    warnings: tuple = field(default=(), repr=False)
    source: str = ""
    _runs: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        contract.enforce({name: getattr(self, name) for name in contract.TABLES})

    def with_tables(self, **tables: Any) -> "Plan":
        """A new plan with some tables (or ``meta``) replaced.

        >>> from ntm_analysis import load_plan
        >>> plan = load_plan()
        >>> len(plan.with_tables(completions=plan.completions.iloc[:0]).completions)
        0
        """
        return replace(self, _runs={}, **tables)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in contract.TABLES}

    @property
    def commune_names(self) -> list[str]:
        return list(self.communes["commune"])

    @property
    def commune_labels(self) -> pd.Series:
        """Each commune's name as lists people read show it, by ``commune_id``: the name
        alone when the plan has one unit (district), else "Name (District)", so that two
        communes of one name in two districts are told apart.

        >>> from ntm_analysis import load_plan
        >>> load_plan().commune_labels["hai-duong/tu-ky/minh-duc"]
        'Minh Đức'
        """
        c = self.communes
        labels = c["commune"].astype(object)
        if len(self.units) > 1:
            labels = labels + " (" + c["unit"].astype(object) + ")"
        return pd.Series(labels.to_numpy(), index=c["commune_id"].to_numpy())

    @property
    def units(self) -> list[str]:
        """The administrative units (districts) of the plan's communes, in order."""
        return list(dict.fromkeys(self.communes["unit"]))

    @property
    def plan_year(self) -> int:
        year = self.meta.get("plan_year")
        if year:
            return int(year)
        years = self.communes["target_year"].dropna()
        return int(years.max()) if len(years) else pd.Timestamp.today().year


def concat_plans(plans: Iterable[Plan]) -> Plan:
    """One plan of several (a province of district workbooks): tables put together,
    communes kept apart by ``commune_id``. Every plan must use the same criteria set.

    >>> from ntm_analysis import load_plan
    >>> p = load_plan()
    >>> len(concat_plans([p]).communes)
    13
    """
    plans = list(plans)
    if not plans:
        raise UserError("cần ít nhất một kế hoạch", 2)
    cat = plans[0].catalogue
    other = [p for p in plans if p.catalogue.id != cat.id]
    if other:
        raise UserError(f"các kế hoạch dùng bộ tiêu chí khác nhau: {cat.id}, {other[0].catalogue.id}", 1)
    ids = pd.concat([p.communes["commune_id"] for p in plans], ignore_index=True)
    if not ids.is_unique:
        dup = ids[ids.duplicated()].iloc[0]
        raise UserError(f"xã '{dup}' có trong hai kế hoạch của cùng một đơn vị", 1)
    tables = {}
    for name in contract.TABLES:
        frames = [getattr(p, name) for p in plans]
        if name == "dependencies":  # a rule for every commune of one plan stays in that plan
            frames = [_scoped_rules(p) if len(plans) > 1 else p.dependencies for p in plans]
        tables[name] = contract.frame(name, pd.concat(frames, ignore_index=True)) if len(frames) > 1 \
            else frames[0]
    meta = dict(plans[0].meta) if len(plans) == 1 else {
        "plan_title": "; ".join(dict.fromkeys(str(p.meta.get("plan_title", "")) for p in plans)),
        "province": "; ".join(dict.fromkeys(str(p.meta.get("province", "")) for p in plans)),
        "district": "; ".join(dict.fromkeys(str(p.meta.get("district", "")) for p in plans)),
        "plan_year": max(p.plan_year for p in plans), "catalogue": cat.id,
    }
    return Plan(meta=meta, catalogue=cat, warnings=tuple(w for p in plans for w in p.warnings),
                source="; ".join(p.source for p in plans), **tables)


def _scoped_rules(plan: Plan) -> pd.DataFrame:
    """The plan's rules with "every commune" spelled out as its own communes."""
    d = plan.dependencies
    every = d["commune_id"].to_numpy(dtype=object) == ""
    if not every.any():
        return d
    c = plan.communes
    spread = d.loc[every].drop(columns=["commune_id", "commune"]).merge(
        c[["commune_id", "commune"]], how="cross")
    return pd.concat([d.loc[~every], spread[d.columns]], ignore_index=True)


def table_names() -> list[str]:
    return [f.name for f in fields(Plan) if f.name in contract.TABLES]


__all__ = ["Plan", "concat_plans", "commune_id", "unit_key", "table_names", "np"]
