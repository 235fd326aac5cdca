"""The commune × criterion status matrix: the one place that says what a cell is, and
what a commune has left.

A cell is ``na`` where the criterion does not apply (a model requirement for a commune
not aiming at the model level), ``done`` where the completion log closes the gap,
``undated`` for an open gap without a deadline (or a model requirement marked missing
with no gap row), ``due`` for an open gap with one, and ``met`` where the plan lists
no gap. The status chart, the briefing workbook, the per-commune counts and the
template's matrix sheet all read these cells.

>>> from ntm_analysis import load_plan
>>> cells = matrix_cells(load_plan())
>>> cells.query("commune == 'Hưng Đạo' and criterion_code == '6'")["status"].item()
'due'
>>> counts = status_counts(load_plan()).set_index("commune").loc["Hưng Đạo"]
>>> int(counts["total"]), int(counts["met"]), int(counts["missing"])
(19, 17, 2)

What is left is counted one way on every surface: ``missing`` is the number of
*criteria* still open, ``model_missing`` the number of *model requirements* still open
(listed, or marked missing with no item listed), and an *item* is either.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..core.quarters import NAT, from_ordinals, to_ordinals
from ..core.vocab import Cell, DueSource, ModelStatus, Requirement
from ..criteria.catalogue import Catalogue
from ..tables.plan import gap_id
from . import kernels as K
from .run import AsOf, run_of

CELL_COLUMNS = ["commune_id", "commune", "criterion_code", "criterion", "status", "due", "due_source", "firm",
                "overdue"]


def applies(catalogue: Catalogue, levels: pd.Series, code: str) -> np.ndarray:
    """Per commune: whether criterion ``code`` applies (model requirements only to
    communes aiming at the model level)."""
    if catalogue.is_model(code):
        return (levels == catalogue.model_level).to_numpy()
    return np.ones(len(levels), dtype=bool)


def build_cells(catalogue: Catalogue, communes: pd.DataFrame, gaps: pd.DataFrame, codes: Sequence[str],
                done: np.ndarray | None = None, model_missing: set[tuple[str, str]] = frozenset(),
                as_of: pd.Period | None = None) -> pd.DataFrame:
    """Cells for every commune (``commune_id, commune, target_level``) × ``codes``, from
    gaps (``commune_id, criterion_code, due, due_source``) and which of them are done."""
    n, k = len(communes), len(codes)
    cids = communes["commune_id"].to_numpy(dtype=object)
    index = pd.Index(cids)
    col = pd.Index(list(codes))
    gi = K.positions(gaps["commune_id"], index)
    gk = K.positions(gaps["criterion_code"], col)
    ok = (gi >= 0) & (gk >= 0)
    cell = np.full((n, k), -1, dtype=np.int64)  # the gap row of each cell
    cell[gi[ok], gk[ok]] = np.flatnonzero(ok)
    has = cell >= 0
    row = np.where(has, cell, 0)
    due = to_ordinals(gaps["due"]) if len(gaps) else np.zeros(0, dtype=np.int64)
    is_done = (np.zeros(len(gaps), dtype=bool) if done is None else done)
    status = np.full((n, k), Cell.MET, dtype=object)
    if len(gaps):
        status[has] = np.where(is_done[row[has]], Cell.DONE, np.where(due[row[has]] == NAT, Cell.UNDATED, Cell.DUE))
    levels = communes["target_level"]
    for j, code in enumerate(codes):
        if catalogue.is_model(code):
            status[~applies(catalogue, levels, code), j] = Cell.NA
            listed = [i for i, cid in enumerate(cids) if (cid, code) in model_missing and not has[i, j]]
            status[listed, j] = Cell.UNDATED
    due_cell = np.where(has, due[row] if len(gaps) else NAT, NAT).ravel()
    src = gaps["due_source"].to_numpy(dtype=object) if len(gaps) else np.zeros(0, dtype=object)
    source = np.where(has, src[row] if len(gaps) else "", "").ravel()
    status = status.ravel()
    overdue = np.zeros(n * k, dtype=bool) if as_of is None else \
        (status == Cell.DUE) & (due_cell != NAT) & (due_cell < as_of.ordinal)
    names = [catalogue.name(c) for c in codes]
    return pd.DataFrame({
        "commune_id": K.text(np.repeat(cids, k)),
        "commune": K.text(np.repeat(communes["commune"].to_numpy(dtype=object), k)),
        "criterion_code": K.text(np.tile(np.array(list(codes), dtype=object), n)),
        "criterion": K.text(np.tile(np.array(names, dtype=object), n)),
        "status": K.text(status),
        "due": from_ordinals(due_cell),
        "due_source": K.text(source),
        "firm": np.isin(source, list(DueSource.firm())),
        "overdue": overdue,
    }, columns=CELL_COLUMNS)


def shown_codes(plan_or_run) -> list[str]:
    """The columns a status chart shows: every criterion missing somewhere in the plan
    (catalogue order), and the model requirements a plan can list."""
    run = run_of(plan_or_run)
    cat = run.catalogue
    present = set(run.plan.gaps["criterion_code"])
    return [c for c in cat.criterion_codes if c in present] + list(cat.model_codes)


def matrix_cells(plan_or_run, as_of: AsOf = None, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """The status cells (long form) of communes × ``codes`` (default :func:`shown_codes`):
    ``commune_id, commune, criterion_code, criterion, status, due`` (Period),
    ``due_source``, ``firm`` (a stated quarter), ``overdue`` (by the as-of quarter)."""
    run = run_of(plan_or_run, as_of)
    plan = run.plan
    m = plan.model_requirements
    missing = set(zip(m.loc[m["status"] == ModelStatus.MISSING, "commune_id"],
                      m.loc[m["status"] == ModelStatus.MISSING, "criterion_code"]))
    return build_cells(plan.catalogue, plan.communes, plan.gaps, shown_codes(run) if codes is None else codes,
                       run.done, missing, run.as_of)


def unlisted_model_requirements(plan_or_run) -> pd.DataFrame:
    """Model requirements marked missing for which ``plan.gaps`` has no row (derived
    ones, such as "meets the advanced set", are left out: the gaps stand for them):
    ``commune_id, commune, criterion_code, requirement``."""
    plan = run_of(plan_or_run).plan
    m = plan.model_requirements
    model = set(plan.catalogue.model_codes)
    listed = pd.Index(plan.gaps["gap_id"].to_numpy(dtype=object))
    key = pd.Index(gap_id(m["commune_id"], m["criterion_code"]).to_numpy(dtype=object))
    pick = (m["status"] == ModelStatus.MISSING).to_numpy() & m["criterion_code"].isin(model).to_numpy() \
        & ~key.isin(listed)
    return m.loc[pick, ["commune_id", "commune", "criterion_code", "requirement"]].reset_index(drop=True)


def status_counts(plan_or_run, as_of: AsOf = None) -> pd.DataFrame:
    """Per commune (plan order), counted from the cells without drawing them: ``total``
    (criteria that apply), ``met`` (met or done), ``missing`` (open criteria),
    ``model_missing`` (open model requirements, the unlisted ones included), ``done``
    (items the log closes)."""
    run = run_of(plan_or_run, as_of)
    return run.memo("status_counts", lambda: _counts(run))


def _counts(run) -> pd.DataFrame:
    plan = run.plan
    c = plan.communes
    n = len(c)
    g = plan.gaps
    pos = run.gap_commune
    crit = (g["requirement"] == Requirement.CRITERION).to_numpy()
    open_ = ~run.done
    total = sum((applies(run.catalogue, c["target_level"], code).astype(np.int64)
                 for code in run.catalogue.criterion_codes), np.zeros(n, dtype=np.int64))
    missing = K.count(pos, n, open_ & crit)
    unlisted = K.count(K.positions(unlisted_model_requirements(run)["commune_id"], run.commune_index), n)
    return pd.DataFrame({
        "commune_id": c["commune_id"].array, "commune": c["commune"].array,
        "total": total, "met": total - missing, "missing": missing,
        "model_missing": K.count(pos, n, open_ & ~crit) + unlisted, "done": K.count(pos, n, run.done),
    })


def totals(plan_or_run, as_of: AsOf = None) -> dict[str, int]:
    """What the plan has left, counted once for every surface (summary, slides, workbook,
    notebooks): ``communes``, ``communes_open`` (with anything left), ``missing`` (open
    criteria), ``model_missing`` (open model requirements), ``items`` (both), ``undated``
    and ``inferred`` (open items without a deadline, or with a year only), ``overdue``.

    >>> from ntm_analysis import load_plan
    >>> tot = totals(load_plan())
    >>> tot["missing"], tot["model_missing"], tot["items"], tot["communes_open"]
    (42, 2, 44, 12)
    """
    run = run_of(plan_or_run, as_of)
    return run.memo("totals", lambda: _totals(run))


def _totals(run) -> dict[str, int]:
    k = status_counts(run)
    cells = matrix_cells(run)
    open_ = cells["status"].isin([Cell.DUE, Cell.UNDATED])
    left = k["missing"] + k["model_missing"]
    return {
        "communes": len(k),
        "communes_open": int((left > 0).sum()),
        "missing": int(k["missing"].sum()),
        "model_missing": int(k["model_missing"].sum()),
        "items": int(left.sum()),
        "undated": int((cells["status"] == Cell.UNDATED).sum()),
        "inferred": int((open_ & (cells["status"] == Cell.DUE) & ~cells["firm"]).sum()),
        "overdue": int(cells["overdue"].sum()),
    }
