"""A plan re-read in another criteria set, through a cross-walk (``--catalogue ID``).

A cross-walk is a data file (``ntm_analysis/crosswalks/*.yaml`` or
``data/crosswalks/*.yaml``): the sets it reads from (``from``), the set it reads into
(``to``), and ``map``: each old criterion code → the new code(s) it feeds, with its
``source`` and whether it is ``inferred``. No official 2021–2025 → 2026–2030 table has been
published; the shipped one is inferred from the names, and every output of a re-read plan
says it is a re-reading.

A re-read plan has one gap per (commune, new criterion): the old gaps that feed it, due
when the last of them is (undated when one is); its words as written keep the old criteria
("Giao thông; Điện"). Model requirements are not carried over (the 2026–2030 set has no
central model level); an old criterion the cross-walk does not map is named in a warning.

>>> from ntm_analysis import load_plan
>>> p = reread(load_plan(), "ntm_2026_2030")
>>> p.catalogue.id, sorted(set(p.gaps["criterion_code"]), key=int)
('ntm_2026_2030', ['2', '3', '5', '6', '7', '8', '9', '10'])
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..core.errors import UserError
from ..core.findings import Finding
from ..core.quarters import to_ordinals
from ..core.vocab import Requirement
from ..i18n import t
from ..tables import contract
from ..tables.plan import Plan, gap_id
from .catalogue import load_catalogue

CROSSWALK_DIRS = [config.PACKAGE_DIR / "crosswalks", config.DATA_DIR / "crosswalks"]


@dataclass(frozen=True)
class Crosswalk:
    """Old criterion code → new codes, between two sets."""

    id: str
    sources: tuple[str, ...]
    target: str
    map: dict[str, tuple[str, ...]]
    source: str
    inferred: bool
    path: Path


def crosswalks() -> list[Crosswalk]:
    """Every cross-walk file found (shipped first, then the project's own)."""
    from ..core.limited_yaml import load_yaml, read_yaml_file

    out = []
    for folder in CROSSWALK_DIRS:
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            data = load_yaml(read_yaml_file(path)) or {}
            sources = data.get("from") or []
            out.append(Crosswalk(str(data.get("id", path.stem)), tuple(map(str, sources if isinstance(sources, list)
                                                                             else [sources])),
                                 str(data.get("to", "")), {str(k): tuple(map(str, v if isinstance(v, list) else [v]))
                                                           for k, v in (data.get("map") or {}).items()},
                                 str(data.get("source", "")), bool(data.get("inferred", True)), path))
    return out


def find_crosswalk(source_id: str, target_id: str) -> Crosswalk:
    """The cross-walk from ``source_id`` to ``target_id`` (the last one found); an error
    (exit 2) naming the sets when there is none."""
    found = [c for c in crosswalks() if source_id in c.sources and c.target == target_id]
    if not found:
        raise UserError(t("msg.no_crosswalk", "vi", source=source_id, target=target_id), 2)
    return found[-1]


def reread(plan: Plan, target_id: str) -> Plan:
    """``plan`` re-read in the criteria set ``target_id`` (see the module); the plan itself
    when it already uses that set."""
    if plan.catalogue.id == target_id:
        return plan
    cw = find_crosswalk(plan.catalogue.id, target_id)
    new = load_catalogue(target_id)
    g = plan.gaps[plan.gaps["requirement"] == Requirement.CRITERION]
    unmapped = sorted(set(g["criterion_code"]) - set(cw.map), key=lambda c: (len(c), c))
    pairs = [(i, code) for i, old in enumerate(g["criterion_code"]) for code in cw.map.get(old, ())]
    rows = g.iloc[[i for i, _ in pairs]].assign(criterion_code=[c for _, c in pairs])
    order = to_ordinals(rows["due"]).astype("float64")
    order[rows["due"].isna().to_numpy()] = np.inf  # an undated old gap makes the new one undated
    rows = rows.assign(_order=order, _written=rows["criterion"])
    written = rows.groupby(["commune_id", "criterion_code"], sort=False)["_written"].agg(
        lambda s: "; ".join(dict.fromkeys(s)))
    rows = rows.sort_values("_order", kind="stable").drop_duplicates(["commune_id", "criterion_code"], keep="last")
    key = pd.MultiIndex.from_arrays([rows["commune_id"], rows["criterion_code"]])
    rows = rows.assign(
        gap_id=gap_id(rows["commune_id"], rows["criterion_code"]),
        criterion=[new.name(c) for c in rows["criterion_code"]],
        criterion_en=[new.name(c, "en") for c in rows["criterion_code"]],
        criterion_order=[new.order(c) for c in rows["criterion_code"]],
        written_as=written.reindex(key).to_numpy(), match_method="crosswalk",
        department=[new.department(c) for c in rows["criterion_code"]],
        waits_on=[tuple(x for o in w for x in cw.map.get(o, ())) for w in rows["waits_on"]],
        _pos=pd.Index(plan.communes["commune_id"]).get_indexer(rows["commune_id"]))
    rows = rows.sort_values(["_pos", "criterion_order"], kind="stable")
    gaps = contract.frame("gaps", rows.reset_index(drop=True))
    crit = gaps["commune_id"].value_counts()
    communes = plan.communes.assign(listed_missing=crit.reindex(plan.communes["commune_id"], fill_value=0).to_numpy(),
                                    stated_met=None, stated_total=None, stated_missing=None)
    warnings = list(plan.warnings)
    if unmapped:
        warnings.append(Finding("warning", "crosswalk_unmapped", params={"codes": ", ".join(unmapped),
                                                                          "file": cw.path.name}))
    meta = {**plan.meta, "catalogue": target_id, "reread_from": plan.catalogue.id, "crosswalk": cw.path.name,
            "crosswalk_inferred": cw.inferred}
    return Plan(meta=meta, catalogue=new, communes=contract.frame("communes", communes), gaps=gaps,
                model_requirements=contract.empty("model_requirements"), ocop=plan.ocop, milestones=plan.milestones,
                quantities=_mapped(plan.quantities, cw, "quantities"), departments=plan.departments,
                completions=_mapped(plan.completions, cw, "completions"), dependencies=contract.empty("dependencies"),
                warnings=tuple(warnings), source=plan.source)


def _mapped(df: pd.DataFrame, cw: Crosswalk, name: str) -> pd.DataFrame:
    """Rows keyed by an old criterion code, under the new code(s) it feeds."""
    at = [(i, c) for i, old in enumerate(df["criterion_code"]) for c in cw.map.get(old, ())]
    rows = df.iloc[[i for i, _ in at]].reset_index(drop=True)
    return contract.frame(name, rows.assign(criterion_code=pd.array([c for _, c in at], dtype="str")))


def reread_note(plan, lang: str = "vi") -> str:
    """The line that says a plan is a re-reading ("" when it is not one)."""
    m = plan.meta
    if not m.get("reread_from"):
        return ""
    return t("msg.reread", lang, target=plan.catalogue.title_in(lang), source=m["reread_from"], file=m["crosswalk"],
             inferred=t("msg.reread_inferred", lang) if m.get("crosswalk_inferred") else "")


__all__ = ["CROSSWALK_DIRS", "Crosswalk", "crosswalks", "find_crosswalk", "reread", "reread_note"]
