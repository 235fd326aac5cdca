"""Which criteria block which communes: gaps by criterion, commune, department, section.

A *gap* is one row of ``plan.gaps`` (a commune × criterion, or a commune × model
requirement). Gaps recorded as done in ``plan.completions`` are left out: all of
them when no as-of date is given, else those done in or before the as-of quarter.
Lists of names or codes are tuples; the displays join them.

>>> from ntm_analysis import load_plan
>>> top = gaps_by_criterion(load_plan()).iloc[0]
>>> top["criterion_code"], int(top["communes"]), top["commune_names"][:2]
('13', 9, ('Ngọc Kỳ', 'Quang Trung'))
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..core.vocab import Requirement
from . import kernels as K
from .matrix import status_counts
from .run import AsOf, run_of


def open_gaps(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """``plan.gaps`` without the gaps done (by ``as_of``)."""
    return run_of(plan_or_run, as_of).open_gaps


def _labels(run, ids: pd.Series) -> np.ndarray:
    """The names of communes ``ids`` for lists (qualified by district when several)."""
    return run.plan.commune_labels.reindex(ids).to_numpy(dtype=object)


def _by_criterion(run, g: pd.DataFrame, commune: np.ndarray) -> pd.DataFrame:
    """Open gaps ``g`` (their commune positions ``commune``) counted per criterion."""
    n = len(run.commune_index)
    order = np.argsort(np.where(commune < 0, n, commune), kind="stable")
    s = g.take(order)
    ids, _ = K.codes(s["criterion_code"])
    k = int(ids.max()) + 1 if len(ids) else 0
    first = K.first_rows(ids)
    counts = K.count(ids, k)
    crit_order = s["criterion_order"].to_numpy()[first]
    out = pd.DataFrame({
        "criterion_code": s["criterion_code"].array.take(first),
        "criterion": s["criterion"].array.take(first),
        "requirement": s["requirement"].array.take(first),
        "department": s["department"].array.take(first),
        "communes": counts,
        "commune_names": K.lists(ids, _labels(run, s["commune_id"]), k),
    })
    return out.take(np.lexsort((crit_order, -counts))).reset_index(drop=True)


def gaps_by_criterion(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """How many communes each criterion (or model requirement) blocks, and which.

    Columns: ``criterion_code, criterion, requirement, department, communes,
    commune_names``; most-blocking first, then catalogue order. Only criteria that
    block at least one commune appear.
    """
    run = run_of(plan_or_run, as_of)
    return _by_criterion(run, run.open_gaps, run.open_commune)


def gaps_by_commune(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Per commune (plan order): criteria that apply (``total``), ``met``, ``missing``,
    ``share_met = met / total``, ``model_missing``, ``done`` (gaps the completion log
    closes) and ``missing_codes`` (open criteria and model requirements, catalogue
    order)."""
    run = run_of(plan_or_run, as_of)
    c = run.plan.communes
    k = status_counts(run)
    g = run.open_gaps
    order = np.argsort(g["criterion_order"].to_numpy(), kind="stable")
    codes = K.lists(run.open_commune[order], g["criterion_code"].to_numpy(dtype=object)[order], len(c))
    total = k["total"].to_numpy()
    met = k["met"].to_numpy()
    return pd.DataFrame({
        "commune_id": c["commune_id"].array, "commune": c["commune"].array,
        "target_level": c["target_level"].array,
        "met": met, "missing": k["missing"].to_numpy(), "total": total,
        "share_met": np.round(np.divide(met, total, out=np.zeros(len(c)), where=total > 0), 3),
        "model_missing": k["model_missing"].to_numpy(), "done": k["done"].to_numpy(),
        "missing_codes": codes,
    })


def departments(run, open_only: bool = False) -> np.ndarray:
    """Each gap's lead department (of the open gaps with ``open_only``)."""
    return run.departments[~run.done] if open_only else run.departments


def gaps_by_department(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Open items per lead department: ``department, items, communes, criteria``, most
    items first."""
    run = run_of(plan_or_run, as_of)
    g = run.open_gaps
    order = np.argsort(g["criterion_order"].to_numpy(), kind="stable")
    dep = departments(run, open_only=True)[order]
    ids, names = K.codes(dep)
    k = len(names)
    cc = run.open_commune[order]
    width = len(run.commune_index) + 1
    pairs = pd.unique(ids * width + (cc + 1))
    out = pd.DataFrame({
        "department": K.text(names),
        "items": K.count(ids, k),
        "communes": np.bincount(pairs // width, minlength=k).astype(np.int64),
        "criteria": K.lists(ids, g["criterion_code"].to_numpy(dtype=object)[order], k, unique=True),
    })
    return out.sort_values(["items", "department"], ascending=[False, True], kind="stable").reset_index(drop=True)


def gaps_by_section(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Per plan section and target level (plan order): ``plan_section, section_title,
    target_level, communes, ready, missing`` (open criteria), ``model_missing`` (open model
    requirements), ``commune_names``."""
    run = run_of(plan_or_run, as_of)
    c = run.plan.communes
    k = status_counts(run)
    ids, _ = K.codes(c["plan_section"].astype(object) + "\x1f" + c["target_level"].astype(object))
    m = int(ids.max()) + 1 if len(ids) else 0
    first = K.first_rows(ids)
    missing, model = k["missing"].to_numpy(), k["model_missing"].to_numpy()
    return pd.DataFrame({
        "plan_section": c["plan_section"].array.take(first),
        "section_title": c["section_title"].array.take(first),
        "target_level": c["target_level"].array.take(first),
        "communes": K.count(ids, m),
        "ready": K.count(ids, m, (missing + model) == 0),
        "missing": np.bincount(ids, weights=missing, minlength=m).astype(np.int64),
        "model_missing": np.bincount(ids, weights=model, minlength=m).astype(np.int64),
        "commune_names": K.lists(ids, _labels(run, c["commune_id"]), m, unique=True),
    })


def unlocks(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """What unlocks most: for each blocking criterion, the communes that would have
    nothing left (criteria and model requirements) if it alone were done: ``criterion_code,
    criterion, communes`` (communes it blocks), ``unlocks``, ``unlocked_names``."""
    run = run_of(plan_or_run, as_of)
    g, cc = run.open_gaps, run.open_commune
    n = len(run.commune_index)
    per = K.count(cc, n)
    single = np.flatnonzero((cc >= 0) & (per[np.maximum(cc, 0)] == 1)) if len(cc) else np.zeros(0, np.int64)
    single = single[np.argsort(cc[single], kind="stable")]
    base = _by_criterion(run, g, cc)[["criterion_code", "criterion", "communes"]]
    k = len(base)
    ids = K.positions(g["criterion_code"].to_numpy(dtype=object)[single], pd.Index(base["criterion_code"]))
    out = base.assign(
        unlocks=K.count(ids, k),
        unlocked_names=K.lists(ids, _labels(run, g["commune_id"])[single], k),
    )
    return out.sort_values(["unlocks", "communes"], ascending=False, kind="stable").reset_index(drop=True)


GAP_VIEWS = {
    "criterion": gaps_by_criterion,
    "commune": gaps_by_commune,
    "department": gaps_by_department,
    "section": gaps_by_section,
    "unlocks": unlocks,
}

__all__ = ["GAP_VIEWS", "departments", "gaps_by_commune", "gaps_by_criterion", "gaps_by_department",
           "gaps_by_section", "open_gaps", "unlocks", "Requirement"]
