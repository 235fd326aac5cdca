"""A plan told in the communes of 2025 (``--units 2025`` on every analysis).

Each 2025 commune is the union of the former units it was made of (a split unit is in
each commune it feeds):

- a gap (criterion or model requirement) held by several former units is one gap of the
  new commune, due when the last of them is (undated when one of them is): the new
  commune meets a criterion when every part does;
- its target year is the latest of its parts'; its level the model level only when every
  part aims at it, else the other level its parts aim at (model requirements are then
  dropped): both are inferred, since no rule for merged communes was found;
- OCOP products, milestones, measures and rules move with their former unit; a gap done
  in the completion log is done in the new commune only when every part has done it.

>>> from ntm_analysis import load_plan
>>> p = plan_in_2025(load_plan())
>>> sorted(p.communes["commune"])
['Chí Minh', 'Lạc Phượng', 'Nguyên Giáp', 'Tân Kỳ', 'Tứ Kỳ', 'Đại Sơn']
>>> sorted(p.gaps.loc[p.gaps["commune"] == "Chí Minh", "criterion_code"], key=int)
['2', '5', '13']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.errors import UserError
from ..core.quarters import to_ordinals
from ..core.vocab import ModelStatus, Requirement
from ..i18n import t
from ..tables import contract
from ..tables.plan import Plan, commune_id, gap_id, unit_key
from .match import units_table

#: the tables whose rows follow their former unit to the new commune(s)
MOVED = ("ocop", "milestones", "quantities")


def _parts(plan: Plan, table: pd.DataFrame) -> pd.DataFrame:
    """Former commune id → new commune id and name (several rows for a split unit)."""
    parts = table.loc[table["commune_2025"] != "", ["commune_id", "commune_2025", "province_2025"]].drop_duplicates()
    missing = [n for i, n in zip(plan.communes["commune_id"], plan.communes["commune"]) if i not in set(parts["commune_id"])]
    if missing:
        raise UserError(t("msg.units_not_placed", "vi", names=", ".join(missing)), 1)
    ids = [commune_id(n, unit_key(p)) for n, p in zip(parts["commune_2025"], parts["province_2025"])]
    return parts.assign(new_id=ids).rename(columns={"commune_2025": "new_name"})


def _moved(df: pd.DataFrame, parts: pd.DataFrame, name: str) -> pd.DataFrame:
    m = df.merge(parts[["commune_id", "new_id", "new_name"]], on="commune_id", how="inner")
    return contract.frame(name, m.assign(commune_id=m["new_id"], commune=m["new_name"]))


def _communes(plan: Plan, parts: pd.DataFrame) -> pd.DataFrame:
    model = plan.catalogue.model_level
    c = plan.communes.merge(parts, on="commune_id")
    rows = []
    for new_id, g in c.groupby("new_id", sort=False):
        levels = list(dict.fromkeys(g["target_level"]))
        level = levels[0] if len(levels) == 1 else next(lv for lv in levels if lv != model)
        due = g["commune_due"].dropna()
        rows.append({
            "commune_id": new_id, "unit": g["province_2025"].iloc[0], "province": g["province_2025"].iloc[0],
            "district": "", "source_file": "; ".join(dict.fromkeys(g["source_file"])),
            "commune": g["new_name"].iloc[0], "plan_section": g["plan_section"].iloc[0],
            "section_title": g["section_title"].iloc[0], "target_level": level,
            "target_year": g["target_year"].max(), "original_target_year": g["original_target_year"].max(),
            "note": t("units.merged_from", "vi", names=", ".join(g["commune"])),
            "commune_due": due.max() if len(due) else None,
            "commune_due_written": "; ".join(w for w in dict.fromkeys(g["commune_due_written"]) if w),
            "commune_due_year_only": bool(g["commune_due_year_only"].any()),
        })
    return pd.DataFrame(rows)


def _gaps(plan: Plan, parts: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    g = plan.gaps.merge(parts[["commune_id", "new_id", "new_name"]], on="commune_id")
    order = to_ordinals(g["due"]).astype("float64")
    order[g["due"].isna().to_numpy()] = np.inf  # an undated part makes the gap undated
    g = g.assign(_order=order).sort_values("_order", kind="stable")
    g = g.drop_duplicates(["new_id", "requirement", "criterion_code"], keep="last")
    new = communes.set_index("commune_id")
    level = new["target_level"].reindex(g["new_id"]).to_numpy()
    keep = (g["requirement"] != Requirement.MODEL).to_numpy() | (level == plan.catalogue.model_level)
    g = g[keep]
    pos = pd.Index(communes["commune_id"]).get_indexer(g["new_id"])
    g = g.assign(commune_id=g["new_id"], commune=g["new_name"], gap_id=gap_id(g["new_id"], g["criterion_code"]),
                 plan_section=new["plan_section"].reindex(g["new_id"]).to_numpy(),
                 target_level=new["target_level"].reindex(g["new_id"]).to_numpy(),
                 target_year=new["target_year"].reindex(g["new_id"]).array, _pos=pos)
    g = g.sort_values(["_pos", "criterion_order"], kind="stable")
    return contract.frame("gaps", g.reset_index(drop=True))


def _model_requirements(plan: Plan, parts: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """A model requirement of a new commune that aims at the model level: missing when one
    of its parts misses it."""
    m = _moved(plan.model_requirements, parts, "model_requirements")
    level = communes.set_index("commune_id")["target_level"].reindex(m["commune_id"]).to_numpy()
    m = m[level == plan.catalogue.model_level]
    missing = m["status"] == ModelStatus.MISSING
    m = m.assign(_missing=missing.to_numpy()).sort_values("_missing", kind="stable")
    return contract.frame("model_requirements", m.drop_duplicates(["commune_id", "criterion_code"], keep="last")
                          .sort_index().reset_index(drop=True))


def _completions(plan: Plan, parts: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """A gap done in the new commune: every former unit holding it has done it (the
    latest of their dates)."""
    held = plan.gaps.merge(parts[["commune_id", "new_id"]], on="commune_id")
    done = plan.completions.merge(parts[["commune_id", "new_id", "new_name"]], on="commune_id")
    if done.empty:
        return contract.empty("completions")
    holders = held.groupby(["new_id", "criterion_code"])["commune_id"].nunique()
    finished = done.groupby(["new_id", "criterion_code"]).agg(n=("commune_id", "nunique"), done=("done", "max"),
                                                              new_name=("new_name", "first"),
                                                              done_written=("done_written", "last"))
    finished = finished[finished["n"] >= holders.reindex(finished.index).fillna(0).to_numpy()].reset_index()
    return contract.frame("completions", finished.rename(columns={"new_id": "commune_id", "new_name": "commune"}))


def _warnings(plan: Plan, parts: pd.DataFrame) -> tuple:
    """The plan's findings, each former commune named with the 2025 commune(s) it is in now."""
    now: dict[str, list[str]] = {}
    for cid, name in zip(parts["commune_id"], parts["new_name"]):
        now.setdefault(cid, []).append(name)
    names = plan.communes["commune"]
    by_name = dict(zip(names, plan.communes["commune_id"])) if names.is_unique else {}
    out = []
    for f in plan.warnings:
        cid = f.commune_id or by_name.get(f.commune, "")
        out.append(f.at(commune=t("units.now_in", "vi", commune=f.commune, new=", ".join(now[cid])))
                   if cid in now else f)
    return tuple(out)


def plan_in_2025(plan: Plan, table: pd.DataFrame | None = None) -> Plan:
    """``plan`` with the 2025 communes as its communes (see the module); ``table`` is its
    :func:`~.match.units_table`. A commune no step takes to 2025 is an error (exit 1)."""
    table = units_table(plan) if table is None else table
    parts = _parts(plan, table)
    communes = _communes(plan, parts)
    gaps = _gaps(plan, parts, communes)
    crit = gaps.loc[gaps["requirement"] == Requirement.CRITERION, "commune_id"].value_counts()
    communes = contract.frame("communes", communes.assign(
        listed_missing=crit.reindex(communes["commune_id"], fill_value=0).to_numpy()))
    moved = {name: _moved(getattr(plan, name), parts, name) for name in MOVED}
    moved["model_requirements"] = _model_requirements(plan, parts, communes)
    rules = plan.dependencies
    every = rules[rules["commune_id"] == ""]
    rules = contract.frame("dependencies", pd.concat([every, _moved(rules[rules["commune_id"] != ""], parts,
                                                                     "dependencies")], ignore_index=True))
    meta = {**plan.meta, "units": "2025", "province": "; ".join(dict.fromkeys(communes["province"])),
            "district": ""}
    return Plan(meta=meta, catalogue=plan.catalogue, communes=communes, gaps=gaps, departments=plan.departments,
                completions=_completions(plan, parts, gaps), dependencies=rules, warnings=_warnings(plan, parts),
                source=plan.source, **moved)


__all__ = ["plan_in_2025"]
