"""Assemble a Plan from raw tables: each sheet read by its reader, communes given their
ids, the deadline rule applied, the plan's own counts checked.

The deadline rule: an item's effective deadline is its own; else its commune's (the
latest dossier milestone that applies to items); else none. ``due_source`` keeps which,
or why the quarter is inferred: a year-only phrase means that year's fourth quarter, a
half year ("6 tháng đầu năm 2024") its last quarter.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..core.findings import Criterion, Finding
from ..core.names import CommuneIndex
from ..core.quarters import NAT, from_ordinals
from ..core.vocab import DueSource, ModelStatus, Requirement, RuleSource
from ..criteria.catalogue import Catalogue, CatalogueError, load_catalogue
from ..tables import contract
from ..tables.plan import Plan, commune_id, gap_id, unit_key
from ..tables.schema import INFO_KEYS, SHEETS
from .context import Context
from .readers import (concat_gaps, empty_gaps, read_communes, read_completions, read_departments, read_info,
                      read_items, read_matrix, read_milestones, read_ocop, read_quantities)
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
    plan_year = info.get("plan_year") if isinstance(info.get("plan_year"), int) else None
    ctx = Context(file, cat, plan_year)
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
    gaps, deps, stated = empty_gaps(), [], set()
    if "items" in tables:
        gaps, deps = read_items(ctx, tables["items"], index, level_of, plan_year, names)
    if "matrix" in tables:
        listed = dict(zip(gap_id(gaps["commune_id"], gaps["code"]).tolist(),
                          gaps["row"].tolist())) if len(gaps["code"]) else {}
        from_matrix, stated = read_matrix(ctx, tables["matrix"], index, level_of, listed)
        gaps = concat_gaps(gaps, from_matrix)
    commune_due = _aligned(commune_due, ids)
    gap_frame = _gap_frame(gaps, cat, commune_due, names, ids)
    commune_frame = _commune_frame(communes, ids, {**info, "file": file}, gap_frame, commune_due)
    _count_warnings(ctx, tables["communes"], commune_frame, communes["_row"], cat)
    gap_frame = _with_commune_columns(gap_frame, commune_frame)
    model_requirements = _model_requirements(cat, commune_frame, gap_frame)
    listed_model = set(gap_frame.loc[gap_frame["requirement"] == Requirement.MODEL, "gap_id"])
    _unstated_model(ctx, model_requirements, stated, listed_model, communes["_row"], ids)
    tables_out = {
        "communes": commune_frame,
        "gaps": gap_frame,
        "model_requirements": model_requirements,
        "ocop": contract.frame("ocop", read_ocop(ctx, tables.get("ocop"), index, names)),
        "milestones": contract.frame("milestones", {**milestones, "due": from_ordinals(milestones["due"])}),
        "quantities": contract.frame("quantities", read_quantities(ctx, tables.get("quantities"), index, names)),
        "departments": contract.frame("departments", read_departments(tables.get("departments"))),
        "completions": contract.frame("completions", _completions(read_completions(
            ctx, tables.get("completions"), index, names))),
        "dependencies": _dependencies(cat, deps),
    }
    found = sort_findings(ctx.found)
    if any(f.severity == "error" for f in found):
        return None, found
    plan = Plan(meta={**info, "catalogue": cat.id, "file": file}, catalogue=cat,
                warnings=tuple(f for f in found if f.severity == "warning"), source=file, **tables_out)
    return plan, found


def _completions(cols: dict) -> dict:
    return {**cols, "done": from_ordinals(cols["done"])} if len(cols["done"]) else cols


def _aligned(commune_due: dict[str, tuple[int, str, str]], ids: list[str]) -> dict[str, np.ndarray]:
    """Each commune's own deadline as arrays aligned with ``ids``: ordinal, why it is
    inferred ('' when stated), words."""
    at = pd.Index(ids).get_indexer(list(commune_due)) if commune_due else np.zeros(0, dtype=np.int64)
    due, inferred, words = np.full(len(ids), NAT, dtype=np.int64), np.full(len(ids), "", dtype=object), \
        np.full(len(ids), "", dtype=object)
    values = list(commune_due.values())
    if values:
        due[at] = [v[0] for v in values]
        inferred[at] = [v[1] for v in values]
        words[at] = [v[2] for v in values]
    return {"due": due, "inferred": inferred, "words": words}


def _gap_frame(g: dict[str, np.ndarray], cat: Catalogue, commune_due: dict[str, np.ndarray], names: dict[str, str],
               ids: list[str]) -> pd.DataFrame:
    """Gaps in plan order (commune, then catalogue order), the deadline rule applied."""
    n = len(g["code"])
    pos = pd.Index(ids).get_indexer(g["commune_id"]) if n else np.zeros(0, dtype=np.int64)
    c_due, c_inf, c_w = commune_due["due"][pos], commune_due["inferred"][pos], commune_due["words"][pos]
    own, own_inf = g["due"], g["inferred"]
    has_own, has_c = own != NAT, c_due != NAT
    due = np.where(has_own, own, np.where(has_c, c_due, NAT))
    source = np.where(has_own, np.where(own_inf != "", own_inf, DueSource.ITEM),
                      np.where(has_c, np.where(c_inf != "", c_inf, DueSource.COMMUNE), DueSource.NONE))
    written = np.where(has_own, g["due_written"], np.where(has_c, c_w, ""))
    kc, ku = pd.factorize(g["code"]) if n else (np.zeros(0, np.int64), [])
    info = [(Requirement.MODEL if cat.is_model(c) else Requirement.CRITERION, cat.order(c), cat.name(c),
             cat.name(c, "en"), cat.department(c)) for c in ku]
    get = lambda j: np.array([r[j] for r in info], dtype=object)[kc] if n else []  # noqa: E731
    df = contract.frame("gaps", {
        "gap_id": gap_id(g["commune_id"], g["code"]) if n else [],
        "commune_id": g["commune_id"], "commune": np.array(list(names.values()), dtype=object)[pos] if n else [],
        "requirement": get(0), "criterion_code": g["code"], "criterion_order": get(1), "criterion": get(2),
        "criterion_en": get(3), "written_as": g["written_as"], "match_method": g["match_method"],
        "detail": g["detail"], "due_written": written, "due": from_ordinals(due), "due_source": source,
        "waits_on": g["waits_on"], "department": get(4), "sheet": g["sheet"], "row": g["row"],
    }, n)
    sort = np.lexsort((df["criterion_order"].to_numpy(), pos))
    return df.take(sort).reset_index(drop=True) if n else df


def _commune_frame(c: dict[str, Any], ids: list[str], info: dict, gaps: pd.DataFrame,
                   commune_due: dict[str, np.ndarray]) -> pd.DataFrame:
    crit = gaps.loc[gaps["requirement"] == Requirement.CRITERION, "commune_id"].value_counts()
    return contract.frame("communes", {
        **{k: v for k, v in c.items() if k != "_row"},
        "commune_id": ids, "unit": info.get("district") or info.get("province") or "",
        "province": info.get("province") or "", "district": info.get("district") or "",
        "source_file": info.get("file") or "",
        "listed_missing": crit.reindex(ids, fill_value=0).to_numpy(),
        "commune_due": from_ordinals(commune_due["due"]),
        "commune_due_written": commune_due["words"],
        "commune_due_year_only": commune_due["inferred"] == DueSource.YEAR_ONLY,
    }, len(ids))


def _with_commune_columns(gaps: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    at = pd.Index(communes["commune_id"]).get_indexer(gaps["commune_id"])
    out = gaps.copy()
    for col in ("plan_section", "target_level", "target_year"):
        out[col] = communes[col].array.take(at)
    return out


def _count_warnings(ctx: Context, t: RawTable, c: pd.DataFrame, rows, cat: Catalogue) -> None:
    """The plan's own counts against what it lists ("còn 3 tiêu chí" listing four)."""
    sheet = t.sheet
    total = cat.total or len(cat.criterion_codes)
    listed = c["listed_missing"].to_numpy(dtype=np.int64)
    stated_missing = c["stated_missing"].to_numpy(dtype=float, na_value=np.nan)
    stated_met = c["stated_met"].to_numpy(dtype=float, na_value=np.nan)
    stated_total = c["stated_total"].to_numpy(dtype=float, na_value=np.nan)
    rows = np.asarray(rows)
    names = c["commune"].to_numpy(dtype=object)
    for i in np.flatnonzero(~np.isnan(stated_missing) & (stated_missing != listed)).tolist():
        ctx.add("warning", "count_mismatch", sheet, rows[i], "stated_missing_written",
                c["stated_missing_written"].iat[i], commune=names[i], stated=int(stated_missing[i]), listed=int(listed[i]))
    for i in np.flatnonzero(~np.isnan(stated_met) & ~np.isnan(stated_total) & (stated_total != total)).tolist():
        ctx.add("warning", "count_total", sheet, rows[i], "stated_met_written", c["stated_met_written"].iat[i],
                commune=names[i], stated=int(stated_total[i]), total=total)
    missing = np.where(np.isnan(stated_missing), listed, stated_missing)
    for i in np.flatnonzero(~np.isnan(stated_met) & (stated_met + missing != total)).tolist():
        ctx.add("warning", "count_sum", sheet, rows[i], "stated_met_written", c["stated_met_written"].iat[i],
                commune=names[i], met=int(stated_met[i]), missing=int(missing[i]), total=total)


def _model_requirements(cat: Catalogue, communes: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Each model commune × each model requirement: met or missing (a derived one, such as
    "meets the advanced set", is missing while the commune has a criterion gap)."""
    model = (communes["target_level"] == cat.model_level).to_numpy()
    ids = communes["commune_id"].to_numpy(dtype=object)[model]
    names = communes["commune"].to_numpy(dtype=object)[model]
    codes = list(cat.criteria.loc[cat.criteria["kind"] == "model", "code"])
    k = len(codes)
    cid, code = np.repeat(ids, k), np.tile(np.array(codes, dtype=object), len(ids))
    listed = pd.Index(gaps["gap_id"].to_numpy(dtype=object))
    has_gap = pd.Index(gap_id(cid, code) if len(cid) else []).isin(listed)
    with_criteria = pd.Index(cid).isin(gaps.loc[gaps["requirement"] == Requirement.CRITERION, "commune_id"].unique())
    derived = np.isin(code, list(cat.derived_codes))
    missing = np.where(derived, with_criteria, has_gap)
    return contract.frame("model_requirements", {
        "commune_id": cid, "commune": np.repeat(names, k), "criterion_code": code,
        "requirement": np.tile(np.array([cat.name(c) for c in codes], dtype=object), len(ids)),
        "status": np.where(missing, ModelStatus.MISSING, ModelStatus.MET),
    }, len(cid))


def _unstated_model(ctx: Context, m: pd.DataFrame, stated: set[str], listed: set[str], rows: np.ndarray,
                    ids: list[str]) -> None:
    """A model commune's requirement the plan never mentions (no item, no matrix status)
    is taken as met: a warning says so."""
    keys = gap_id(m["commune_id"], m["criterion_code"]).to_numpy(dtype=object) if len(m) else np.zeros(0, object)
    said = pd.Index(list(stated | listed)) if stated or listed else pd.Index([])
    silent = ~pd.Index(keys).isin(said) & ~m["criterion_code"].isin(list(ctx.cat.derived_codes)).to_numpy()
    if not silent.any():
        return
    row_of = dict(zip(ids, rows.tolist()))
    for cid, name, code in zip(m["commune_id"].to_numpy(dtype=object)[silent],
                               m["commune"].to_numpy(dtype=object)[silent],
                               m["criterion_code"].to_numpy(dtype=object)[silent]):
        ctx.found.append(Finding("warning", "model_requirement_unstated",
                                 params={"commune": name, "requirement": Criterion(ctx.cat, code)},
                                 file=ctx.file, sheet=SHEETS["communes"].name, row=row_of.get(cid),
                                 commune=name, commune_id=cid, criterion=code))


def _dependencies(cat: Catalogue, plan_rules: list[dict]) -> pd.DataFrame:
    rules = [{"commune_id": "", "commune": "", "waiting": r["waiting"], "on": r["on"], "when": r["when"],
              "reason": r["reason"], "source": RuleSource.CATALOGUE} for r in cat.dependencies.to_dict("records")]
    rows = rules + plan_rules
    return contract.frame("dependencies", {k: [r[k] for r in rows] for k in contract.columns("dependencies")},
                          len(rows))
