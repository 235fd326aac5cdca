"""Assemble a Plan from raw tables: each sheet read by its reader, communes given their
ids, the deadline rule applied, the plan's own counts checked.

The deadline rule: an item's effective deadline is its own; else its commune's (the
latest dossier milestone that applies to items); a year-only phrase means that year's
fourth quarter; else none. ``due_source`` keeps which.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..core.findings import Finding
from ..core.names import CommuneIndex
from ..core.quarters import NAT, from_ordinals
from ..core.vocab import DueSource, ModelStatus, Requirement, RuleSource
from ..criteria.catalogue import Catalogue, CatalogueError, load_catalogue
from ..tables import contract
from ..tables.plan import Plan, commune_id, unit_key
from ..tables.schema import INFO_KEYS, SHEETS
from .context import Context
from .readers import (GapRows, read_communes, read_completions, read_departments, read_info, read_items,
                      read_matrix, read_milestones, read_ocop, read_quantities)
from .sheets import RawTable

SHEET_ORDER = {s.name: i for i, s in enumerate(SHEETS.values())}


def sort_findings(found: list[Finding]) -> list[Finding]:
    """Findings in the order of the workbook: sheet by sheet, row by row."""
    return sorted(found, key=lambda f: (SHEET_ORDER.get(f.sheet, -1), f.row or 0))


def _catalogue(info: dict, file: str, catalogue: Catalogue | None) -> tuple[Catalogue | None, list[Finding]]:
    if catalogue is not None:
        return catalogue, []
    try:
        return load_catalogue(info.get("catalogue") or config.DEFAULT_CATALOGUE), []
    except CatalogueError as exc:
        return None, [Finding("error", "unknown_catalogue", params={"problem": str(exc)}, file=file,
                              sheet=SHEETS["info"].name, column=INFO_KEYS["catalogue"],
                              value=str(info.get("catalogue") or ""))]


def assemble(tables: dict[str, RawTable], file: str = "", catalogue: Catalogue | None = None
             ) -> tuple[Plan | None, list[Finding]]:
    """The plan of the raw tables (``None`` when there are errors) and every finding."""
    info, found = read_info(tables.get("info"), file)
    cat, problems = _catalogue(info, file, catalogue)
    if cat is None:
        return None, found + problems
    ctx = Context(file, cat)
    ctx.found += found
    if "communes" not in tables:
        ctx.found.append(Finding("error", "missing_sheet", params={"sheet": SHEETS["communes"].name}, file=file,
                                 sheet=SHEETS["communes"].name))
        return None, ctx.found
    communes = read_communes(ctx, tables["communes"])
    unit = unit_key(info.get("province"), info.get("district"))
    ids = [commune_id(name, unit) for name in communes["commune"]]
    names = dict(zip(ids, communes["commune"]))
    index = CommuneIndex(communes["commune"], ids)
    level_of = dict(zip(ids, communes["target_level"]))
    milestones, commune_due = read_milestones(ctx, tables.get("milestones"), index, names)
    plan_year = info.get("plan_year") if isinstance(info.get("plan_year"), int) else None
    gaps, deps = GapRows(), []
    if "items" in tables:
        gaps, deps = read_items(ctx, tables["items"], index, level_of, plan_year, names)
    if "matrix" in tables:
        listed_row = dict(zip(zip(gaps.commune_id, gaps.code), gaps.row))
        gaps.extend(read_matrix(ctx, tables["matrix"], index, level_of, set(listed_row), listed_row))
    order = {cid: i for i, cid in enumerate(ids)}
    gap_frame = _gap_frame(gaps, cat, commune_due, names, order)
    commune_frame = _commune_frame(communes, ids, info, gap_frame, commune_due)
    _count_warnings(ctx, tables["communes"], commune_frame, communes["_row"], cat)
    gap_frame = _with_commune_columns(gap_frame, commune_frame)
    tables_out = {
        "communes": commune_frame,
        "gaps": gap_frame,
        "model_requirements": _model_requirements(cat, commune_frame, gap_frame),
        "ocop": contract.frame("ocop", read_ocop(ctx, tables.get("ocop"), index, names)),
        "milestones": contract.frame("milestones", {**milestones, "due": from_ordinals(milestones["due"])}),
        "quantities": contract.frame("quantities", read_quantities(ctx, tables.get("quantities"), index, names)),
        "departments": contract.frame("departments", read_departments(tables.get("departments"))),
        "completions": contract.frame("completions", read_completions(ctx, tables.get("completions"), index,
                                                                      names)),
        "dependencies": _dependencies(cat, deps),
    }
    found = sort_findings(ctx.found)
    if any(f.severity == "error" for f in found):
        return None, found
    plan = Plan(meta={**info, "catalogue": cat.id, "file": file}, catalogue=cat,
                warnings=tuple(f for f in found if f.severity == "warning"), source=file, **tables_out)
    return plan, found


def _gap_frame(g: GapRows, cat: Catalogue, commune_due: dict, names: dict[str, str],
               order: dict[str, int]) -> pd.DataFrame:
    """Gaps in plan order (commune, then catalogue order), the deadline rule applied."""
    n = len(g)
    own = np.asarray(g.due, dtype=np.int64)
    own_y = np.asarray(g.year_only, dtype=bool)
    cids = np.asarray(g.commune_id, dtype=object)
    c_due = np.array([commune_due.get(c, (NAT, False, ""))[0] for c in cids.tolist()], dtype=np.int64)
    c_y = np.array([commune_due.get(c, (NAT, False, ""))[1] for c in cids.tolist()], dtype=bool)
    c_w = [commune_due.get(c, (NAT, False, ""))[2] for c in cids.tolist()]
    has_own, has_c = own != NAT, c_due != NAT
    due = np.where(has_own, own, np.where(has_c, c_due, NAT))
    source = np.where(has_own, np.where(own_y, DueSource.YEAR_ONLY, DueSource.ITEM),
                      np.where(has_c, np.where(c_y, DueSource.YEAR_ONLY, DueSource.COMMUNE), DueSource.NONE))
    written = [w if o else (cw if c else "") for w, o, cw, c in zip(g.due_written, has_own.tolist(), c_w,
                                                                    has_c.tolist())]
    codes = list(g.code)
    info = {c: (Requirement.MODEL if cat.is_model(c) else Requirement.CRITERION, cat.order(c), cat.name(c),
                cat.name(c, "en"), cat.department(c)) for c in set(codes)}
    get = lambda j: [info[c][j] for c in codes]  # noqa: E731
    df = contract.frame("gaps", {
        "gap_id": [f"{a}|{b}" for a, b in zip(g.commune_id, codes)],
        "commune_id": g.commune_id, "commune": [names[c] for c in g.commune_id],
        "requirement": get(0), "criterion_code": codes, "criterion_order": get(1), "criterion": get(2),
        "criterion_en": get(3), "written_as": g.written_as, "match_method": g.match_method, "detail": g.detail,
        "due_written": written, "due": from_ordinals(due), "due_source": source, "waits_on": g.waits_on,
        "department": get(4), "sheet": g.sheet, "row": g.row,
    }, n)
    rank = np.array([order.get(c, len(order)) for c in cids.tolist()], dtype=np.int64)
    sort = np.lexsort((df["criterion_order"].to_numpy(), rank))
    return df.take(sort).reset_index(drop=True)


def _commune_frame(c: dict[str, Any], ids: list[str], info: dict, gaps: pd.DataFrame,
                   commune_due: dict) -> pd.DataFrame:
    crit = gaps.loc[gaps["requirement"] == Requirement.CRITERION, "commune_id"].value_counts()
    none = (NAT, False, "")
    return contract.frame("communes", {
        **{k: v for k, v in c.items() if k != "_row"},
        "commune_id": ids, "unit": info.get("district") or info.get("province") or "",
        "listed_missing": [int(crit.get(i, 0)) for i in ids],
        "commune_due": from_ordinals([commune_due.get(i, none)[0] for i in ids]),
        "commune_due_written": [commune_due.get(i, none)[2] for i in ids],
        "commune_due_year_only": [commune_due.get(i, none)[1] for i in ids],
    }, len(ids))


def _with_commune_columns(gaps: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    at = pd.Index(communes["commune_id"]).get_indexer(gaps["commune_id"])
    out = gaps.copy()
    for col in ("plan_section", "target_level", "target_year"):
        out[col] = communes[col].array.take(at)
    return out


def _count_warnings(ctx: Context, t: RawTable, c: pd.DataFrame, rows: list, cat: Catalogue) -> None:
    """The plan's own counts against what it lists ("còn 3 tiêu chí" listing four)."""
    sheet = t.sheet
    total = cat.total or len(cat.criterion_codes)
    for r, row in zip(c.itertuples(index=False), rows):
        listed = int(r.listed_missing)
        if pd.notna(r.stated_missing) and int(r.stated_missing) != listed:
            ctx.add("warning", "count_mismatch", sheet, row, "stated_missing_written", r.stated_missing_written,
                    commune=r.commune, stated=int(r.stated_missing), listed=listed)
        if pd.notna(r.stated_met):
            if pd.notna(r.stated_total) and int(r.stated_total) != total:
                ctx.add("warning", "count_total", sheet, row, "stated_met_written", r.stated_met_written,
                        commune=r.commune, stated=int(r.stated_total), total=total)
            missing = int(r.stated_missing) if pd.notna(r.stated_missing) else listed
            if int(r.stated_met) + missing != total:
                ctx.add("warning", "count_sum", sheet, row, "stated_met_written", r.stated_met_written,
                        commune=r.commune, met=int(r.stated_met), missing=missing, total=total)


def _model_requirements(cat: Catalogue, communes: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Each model commune × each model requirement: met or missing (a derived one, such as
    "meets the advanced set", is missing while the commune has a criterion gap)."""
    model = communes.loc[communes["target_level"] == cat.model_level, ["commune_id", "commune"]]
    codes = list(cat.criteria.loc[cat.criteria["kind"] == "model", "code"])
    derived = set(cat.derived_codes)
    missing = set(zip(gaps["commune_id"], gaps["criterion_code"]))
    crit = set(gaps.loc[gaps["requirement"] == Requirement.CRITERION, "commune_id"])
    pairs = [(i, name, c) for i, name in zip(model["commune_id"], model["commune"]) for c in codes]
    return contract.frame("model_requirements", {
        "commune_id": [p[0] for p in pairs], "commune": [p[1] for p in pairs],
        "criterion_code": [p[2] for p in pairs], "requirement": [cat.name(p[2]) for p in pairs],
        "status": [ModelStatus.MISSING if (i in crit if c in derived else (i, c) in missing) else ModelStatus.MET
                   for i, _, c in pairs],
    }, len(pairs))


def _dependencies(cat: Catalogue, plan_rules: list[dict]) -> pd.DataFrame:
    rules = [{"commune_id": "", "commune": "", "waiting": r["waiting"], "on": r["on"], "when": r["when"],
              "reason": r["reason"], "source": RuleSource.CATALOGUE} for r in cat.dependencies.to_dict("records")]
    rows = rules + plan_rules
    return contract.frame("dependencies", {k: [r[k] for r in rows] for k in contract.columns("dependencies")},
                          len(rows))
