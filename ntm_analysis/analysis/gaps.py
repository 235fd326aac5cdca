"""Which criteria block which communes: gaps by criterion, commune, department, section.

A *gap* is one row of ``plan.gaps`` (a commune × criterion, or a commune × model
requirement). Gaps recorded as done in ``plan.completions`` are left out: all of
them when no as-of date is given, else those done in or before the as-of quarter.

The analyses work on integer codes (plan-order positions of communes, factorized
texts) and numpy counts rather than per-row Python or pandas group objects, so
their cost grows linearly with the plan (``benchmarks/bench.py``).

>>> from ntm_analysis.catalogue import load_catalogue
>>> import pandas as pd
>>> g = pd.DataFrame({"commune": ["A", "A", "B"], "criterion_code": ["8", "13", "13"]})
>>> sorted(g.loc[completed_mask(g, pd.DataFrame({"commune": ["A"], "criterion_code": ["8"],
...     "done": pd.array(["2023Q2"], dtype="period[Q-DEC]")}))].criterion_code)
['8']
"""
from __future__ import annotations

import datetime as _dt
from typing import Sequence, Union

import numpy as np
import pandas as pd

from ..plan import Plan

AsOf = Union[pd.Timestamp, _dt.date, str, None]
"""An as-of date: a timestamp, a date or ISO text (``"2023-07-01"``); ``None`` = no date."""


def as_of_quarter(as_of: pd.Timestamp | _dt.date | str | pd.Period | None) -> pd.Period | None:
    """The quarter an as-of date falls in (``None`` stays ``None``).

    >>> as_of_quarter("2023-07-01")
    Period('2023Q3', 'Q-DEC')
    """
    if as_of is None:
        return None
    if isinstance(as_of, pd.Period):
        return as_of.asfreq("Q")
    return pd.Timestamp(as_of).to_period("Q")


# ------------------------------------------------------------------ fast helpers
def _objects(values: pd.Series | np.ndarray | Sequence) -> np.ndarray:
    """Values as an object ndarray (no copy for text columns)."""
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object)
    return np.asarray(values, dtype=object)


def _factorize(*columns: pd.Series | np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Shared integer codes (order of first appearance, -1 = missing) for several
    text columns, and the distinct values.

    >>> (a, b), uniq = _factorize(pd.Series(["x", "y"]), pd.Series(["y", "z", None]))
    >>> a.tolist(), b.tolist(), list(uniq)
    ([0, 1], [1, 2, -1], ['x', 'y', 'z'])
    """
    arrays = [_objects(c) for c in columns]
    codes, uniq = pd.factorize(np.concatenate(arrays) if len(arrays) > 1 else arrays[0])
    bounds = np.cumsum([len(a) for a in arrays])[:-1]
    return list(np.split(codes.astype(np.int64, copy=False), bounds)), np.asarray(uniq, dtype=object)


def _first_rows(ids: np.ndarray) -> np.ndarray:
    """Position of the first row of each group, for ``ids`` numbered in order of first
    appearance (as :func:`pandas.factorize` numbers them; -1 = no group).

    >>> _first_rows(np.array([-1, 0, 0, 1, -1, 2, 1])).tolist()
    [1, 3, 5]
    """
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    m = np.maximum.accumulate(np.concatenate([[-1], ids]))
    return np.flatnonzero(m[1:] > m[:-1])


def _group_join(ids: np.ndarray, values: Sequence | np.ndarray, k: int, sep: str,
                unique: bool = True) -> np.ndarray:
    """For groups ``0..k-1``, the ``values`` of each group's rows joined by ``sep``, in
    row order ("" for a group with no row; rows with id -1 are left out): an object
    array. The same result as :func:`join_by`, keyed by position instead of by name.

    >>> _group_join(np.array([1, 0, 1, -1, 1]), ["8", "13", "13", "x", "8"], 3, ", ").tolist()
    ['13', '8, 13', '']
    """
    ids = np.asarray(ids, dtype=np.int64)
    vals = _objects(values)
    keep = ids >= 0
    if not keep.all():
        ids, vals = ids[keep], vals[keep]
    out = np.full(k, "", dtype=object)
    if not len(ids):
        return out
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    vals = vals[order].tolist()
    starts = np.flatnonzero(np.concatenate([[True], ids[1:] != ids[:-1]]))
    bounds = starts.tolist() + [len(ids)]
    if unique:
        out[ids[starts]] = [sep.join(dict.fromkeys(vals[a:b])) if b - a > 1 else sep.join(vals[a:b])
                            for a, b in zip(bounds[:-1], bounds[1:])]
    else:
        out[ids[starts]] = [sep.join(vals[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    return out


def _per_value(values: pd.Series, fn) -> np.ndarray:
    """``fn`` applied to the distinct values only (a Series of them, missing included),
    spread back to every row: for low-cardinality text columns.

    >>> _per_value(pd.Series(["a ", "b", "a "]), lambda u: u.str.strip().to_numpy()).tolist()
    ['a', 'b', 'a']
    """
    codes, uniq = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=False)
    return np.asarray(fn(pd.Series(uniq, dtype=values.dtype)))[codes]


def _text_array(values: Sequence | np.ndarray) -> pd.arrays.StringArray:
    """Python strings (and NaN) as a ``str`` column."""
    return pd.array(values if isinstance(values, np.ndarray) else np.array(values, dtype=object), dtype="str")


def _commune_rank_of(plan: Plan, values: pd.Series | np.ndarray) -> tuple[np.ndarray, int]:
    """Plan-order rank of each commune name in ``values`` (the last row for a name the
    communes table repeats; -1 when not in the plan) and the number of distinct names:
    :func:`_commune_rank` for many names at once."""
    names = plan.communes["commune"]
    idx = pd.Index(_objects(names))
    if idx.is_unique:
        return idx.get_indexer(_objects(values)).astype(np.int64, copy=False), len(idx)
    rank = _commune_rank(plan)
    return np.fromiter((rank.get(v, -1) for v in _objects(values).tolist()), dtype=np.int64,
                       count=len(values)), len(rank)


def _dedup(gaps: pd.DataFrame) -> pd.DataFrame:
    """``gaps.drop_duplicates(["commune", "criterion_code"])`` (no copy when nothing repeats)."""
    (c,), _ = _factorize(gaps["commune"])
    (k,), ku = _factorize(gaps["criterion_code"])
    # missing values are one value each, as drop_duplicates counts them
    c = np.where(c < 0, c.max(initial=-1) + 1, c)
    k = np.where(k < 0, len(ku), k)
    dup = pd.Index(c * (len(ku) + 1) + k).duplicated()
    return gaps.loc[~dup] if dup.any() else gaps


def _department_codes(plan: Plan, gaps: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each gap's lead department (a blank one falls back to the catalogue's default) as
    codes into distinct names (numbered in order of first appearance)."""
    cat = plan.catalogue
    default = dict(zip(cat.criteria["code"], cat.criteria["department"]))
    dc, du = pd.factorize(gaps["department"].to_numpy(dtype=object), use_na_sentinel=False)
    kc, ku = pd.factorize(gaps["criterion_code"].to_numpy(dtype=object), use_na_sentinel=False)
    dep = pd.Series(du, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
    dflt = pd.Series(ku, dtype=object).map(default).fillna("").to_numpy(dtype=object)
    # the name depends on (department as written, code) only: settle each pair once
    pc, pu = pd.factorize(dc.astype(np.int64) * max(len(ku), 1) + kc)
    pd_, pk = np.divmod(pu, max(len(ku), 1))
    names = np.array([d if d.strip() != "" else f for d, f in zip(dep[pd_].tolist(), dflt[pk].tolist())]
                     if len(pu) else [], dtype=object)
    nc, nu = pd.factorize(names)
    return nc[pc].astype(np.int64, copy=False) if len(pc) else np.zeros(0, dtype=np.int64), \
        np.asarray(nu, dtype=object)


def _department(plan: Plan, gaps: pd.DataFrame) -> pd.arrays.StringArray:
    """Each gap's lead department; a blank one falls back to the catalogue's default."""
    codes, names = _department_codes(plan, gaps)
    return _text_array(names[codes] if len(names) else np.zeros(0, dtype=object))


# ------------------------------------------------------------------ public API
def completed_mask(gaps: pd.DataFrame, completions: pd.DataFrame,
                   as_of: AsOf = None) -> pd.Series:
    """True for each gap recorded as done (by the as-of quarter, when one is given).

    A completion without a readable date counts as done.
    """
    if completions is None or completions.empty or gaps.empty:
        return pd.Series(False, index=gaps.index)
    done = completions
    q = as_of_quarter(as_of)
    if q is not None:
        when = done["done"]
        done = done[when.isna() | (when <= q)]
    if done.empty:
        return pd.Series(False, index=gaps.index)
    d = done[["commune", "criterion_code"]].astype(str)
    g = gaps[["commune", "criterion_code"]].astype(str)
    (gc, dc), _ = _factorize(g["commune"], d["commune"])
    (gk, dk), ku = _factorize(g["criterion_code"], d["criterion_code"])
    width = len(ku) + 1
    keys = pd.Index((dc + 1) * width + (dk + 1))
    return pd.Series(keys.get_indexer((gc + 1) * width + (gk + 1)) >= 0 if keys.is_unique else
                     np.isin((gc + 1) * width + (gk + 1), keys.to_numpy()), index=gaps.index)


def open_gaps(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """``plan.gaps`` without the gaps done (by ``as_of``), one row per commune × code.

    >>> # open_gaps(plan, "2023-07-01")
    """
    g = _dedup(plan.gaps)
    c = plan.completions
    if c is None or c.empty or g.empty:
        return g.reset_index(drop=True)
    return g.loc[~completed_mask(g, c, as_of).to_numpy()].reset_index(drop=True)


def join_by(keys: pd.Series, values: pd.Series, sep: str = ", ", unique: bool = True) -> dict[str, str]:
    """Join ``values`` per key, in order of appearance (fast: no pandas group objects).

    >>> join_by(pd.Series(["A", "B", "A"]), pd.Series(["8", "13", "13"]))
    {'A': '8, 13', 'B': '13'}
    """
    groups: dict[str, list] = {}
    for k, v in zip(keys.tolist(), values.tolist()):
        groups.setdefault(k, []).append(v)
    if unique:
        return {k: sep.join(dict.fromkeys(v)) for k, v in groups.items()}
    return {k: sep.join(v) for k, v in groups.items()}


def _commune_rank(plan: Plan) -> dict[str, int]:
    return {c: i for i, c in enumerate(plan.communes["commune"].tolist())}


def _first_valid(values: pd.Series, ids: np.ndarray, first: np.ndarray, k: int) -> pd.api.extensions.ExtensionArray:
    """The first non-missing value of each group (pandas' ``first``), as an array."""
    arr = values.array
    out = arr.take(first)
    if not out.isna().any():
        return out
    ok = ~values.isna().to_numpy() & (ids >= 0)
    pos = np.full(k, -1, dtype=np.int64)
    u, i = np.unique(ids[ok], return_index=True)
    pos[u] = np.flatnonzero(ok)[i]
    return arr.take(pos, allow_fill=True)


def _by_criterion(plan: Plan, g: pd.DataFrame) -> pd.DataFrame:
    """:func:`gaps_by_criterion` of open gaps ``g`` (as :func:`open_gaps` returns them)."""
    r, n = _commune_rank_of(plan, g["commune"])
    order = np.argsort(np.where(r < 0, n, r), kind="stable")
    s = g[["commune", "criterion_code", "criterion", "requirement", "department", "criterion_order"]].take(order)
    ids, uniq = pd.factorize(s["criterion_code"].to_numpy(dtype=object))
    ids = ids.astype(np.int64, copy=False)
    k = len(uniq)
    first = _first_rows(ids)
    counts = np.bincount(ids[ids >= 0], minlength=k).astype(np.int64)
    crit_order = np.asarray(_first_valid(s["criterion_order"], ids, first, k), dtype=float)
    names = _group_join(ids, s["commune"], k, ", ", unique=False)  # one row per commune × code
    out = pd.DataFrame({
        "criterion_code": s["criterion_code"].array.take(first),
        "criterion": _first_valid(s["criterion"], ids, first, k),
        "requirement": _first_valid(s["requirement"], ids, first, k),
        "department": _first_valid(s["department"], ids, first, k),
        "communes": counts,
        "commune_names": _text_array(names),
    })
    return out.take(np.lexsort((crit_order, -counts))).reset_index(drop=True)


def gaps_by_criterion(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """How many communes each criterion (or model requirement) blocks, and which.

    Columns: ``criterion_code, criterion, requirement, department, communes,
    commune_names``; most-blocking first, then catalogue order. Only criteria that
    block at least one commune appear.

    >>> # gaps_by_criterion(plan).head(1)  ->  13 | Tổ chức sản xuất… | 9 | Ngọc Kỳ, …
    """
    return _by_criterion(plan, open_gaps(plan, as_of))


def _commune_counts(plan: Plan, as_of: AsOf, with_codes: bool = True) -> dict[str, np.ndarray]:
    """Per row of ``plan.communes``: open criteria (``missing``), open model requirements
    (``model``), gaps done (``done``) and, with ``with_codes``, the open codes in
    catalogue order (``codes``)."""
    allg = _dedup(plan.gaps)
    done = completed_mask(allg, plan.completions, as_of).to_numpy()
    n = len(plan.communes)
    pos, _ = _commune_rank_of(plan, allg["commune"])
    here = pos >= 0
    crit = allg["requirement"].to_numpy(dtype=object) == "criterion"
    open_ = ~done & here
    names = plan.communes["commune"]
    # a repeated name counts on its last row
    row = np.arange(n) if names.is_unique else _commune_rank_of(plan, names)[0]
    out = {
        "missing": np.bincount(pos[open_ & crit], minlength=n)[row],
        "model": np.bincount(pos[open_ & ~crit], minlength=n)[row],
        "done": np.bincount(pos[done & here], minlength=n)[row],
    }
    if with_codes:
        order = np.argsort(allg["criterion_order"].to_numpy(), kind="stable")
        o = order[open_[order]]
        # one row per commune × code: a commune's codes never repeat
        out["codes"] = _group_join(pos[o], allg["criterion_code"].to_numpy(dtype=object)[o], n, ", ",
                                   unique=False)[row]
    return out


def gaps_by_commune(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Per commune: criteria met and missing, share done, model requirements missing.

    ``total`` is the size of the criteria set (19); ``met = total - missing``;
    ``share_done = met / total``; ``done`` counts gaps closed by completions;
    ``missing_codes`` lists the open criteria and model requirements. Every commune
    of the plan appears, in plan order.

    >>> # gaps_by_commune(plan)[["commune", "met", "missing"]]
    """
    total = len(plan.catalogue.criterion_codes)
    c = plan.communes
    k = _commune_counts(plan, as_of)
    missing = k["missing"].astype("int64")
    met = (total - missing).astype("int64")
    return pd.DataFrame({
        "commune": c["commune"].to_numpy(),
        "target_level": c["target_level"].to_numpy(),
        "met": met,
        "missing": missing,
        "total": np.full(len(c), total, dtype="int64"),
        "share_done": pd.Series(met / total).round(3).to_numpy(),
        "model_missing": k["model"].astype("int64"),
        "done": k["done"].astype("int64"),
        "missing_codes": _text_array(k["codes"]),
    })


def gaps_by_department(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Open gaps per lead department: ``department, gaps, communes, criteria``.

    A gap without a department gets the catalogue's default lead department.

    >>> # gaps_by_department(plan).iloc[0].department
    """
    g = open_gaps(plan, as_of)
    dep, names = _department_codes(plan, g)
    order = np.argsort(g["criterion_order"].to_numpy(), kind="stable")
    ids, uniq = pd.factorize(dep[order])  # departments in order of their first gap, catalogue order
    ids = ids.astype(np.int64, copy=False)
    k = len(uniq)
    (cc,), _ = _factorize(g["commune"])
    cc = cc[order]
    ok = (ids >= 0) & (cc >= 0)
    width = cc.max(initial=0) + 1
    pairs = pd.unique(ids[ok] * width + cc[ok])  # department × commune
    out = pd.DataFrame({
        "department": _text_array(names[uniq] if k else np.zeros(0, dtype=object)),
        "gaps": np.bincount(ids[ids >= 0], minlength=k).astype("int64"),
        "communes": np.bincount(pairs // width, minlength=k).astype("int64"),
        "criteria": _text_array(_group_join(ids, g["criterion_code"].to_numpy(dtype=object)[order], k, ", ")),
    })
    return out.sort_values(["gaps", "department"], ascending=[False, True], kind="stable").reset_index(drop=True)


def gaps_by_section(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Per plan section and target level: communes, communes ready, open gaps.

    Columns: ``plan_section, section_title, target_level, communes, ready, gaps,
    model_gaps, commune_names``, in plan order.
    """
    c = plan.communes
    if not c["commune"].is_unique:
        return _by_section_merged(plan, as_of)
    k = _commune_counts(plan, as_of, with_codes=False)
    # groups: section × level in order of first appearance (missing values are a group)
    ids = np.zeros(len(c), dtype=np.int64)
    for col in ("plan_section", "target_level"):
        codes, uniq = pd.factorize(c[col].to_numpy(dtype=object), use_na_sentinel=False)
        ids = ids * len(uniq) + codes
    ids, uniq = pd.factorize(ids)
    ids = ids.astype(np.int64, copy=False)
    m = len(uniq)
    first = _first_rows(ids)
    ready = (k["missing"] + k["model"]) == 0
    return pd.DataFrame({
        "plan_section": c["plan_section"].array.take(first),
        "section_title": _first_valid(c["section_title"], ids, first, m),
        "target_level": c["target_level"].array.take(first),
        "communes": np.bincount(ids, minlength=m).astype("int64"),
        "ready": np.bincount(ids[ready], minlength=m).astype("int64"),
        "gaps": np.bincount(ids, weights=k["missing"], minlength=m).astype("int64"),
        "model_gaps": np.bincount(ids, weights=k["model"], minlength=m).astype("int64"),
        "commune_names": _text_array(_group_join(ids, c["commune"], m, ", ")),
    })


def _by_section_merged(plan: Plan, as_of: AsOf) -> pd.DataFrame:
    """:func:`gaps_by_section` when the communes table repeats a name (merged by name)."""
    per = gaps_by_commune(plan, as_of)
    c = plan.communes[["commune", "plan_section", "section_title", "target_level"]]
    per = per.drop(columns="target_level").merge(c, on="commune", how="left")
    per["ready"] = (per["missing"] + per["model_missing"]) == 0
    out = (
        per.groupby(["plan_section", "target_level"], sort=False, dropna=False)
        .agg(section_title=("section_title", "first"), communes=("commune", "size"),
             ready=("ready", "sum"), gaps=("missing", "sum"), model_gaps=("model_missing", "sum"))
        .reset_index()
    )
    key = per["plan_section"].astype(str) + "|" + per["target_level"].astype(str)
    names = join_by(key, per["commune"])
    out["commune_names"] = pd.array(
        [names.get(f"{a}|{b}", "") for a, b in zip(out["plan_section"], out["target_level"])], dtype="str")
    out = out.astype({"communes": "int64", "ready": "int64", "gaps": "int64", "model_gaps": "int64"})
    return out[["plan_section", "section_title", "target_level", "communes", "ready", "gaps",
                "model_gaps", "commune_names"]]


def unlocks(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """What unlocks most: for each blocking criterion, the communes that would have
    nothing left (criteria and model requirements) if it alone were done.

    Columns: ``criterion_code, criterion, communes`` (communes it blocks),
    ``unlocks``, ``unlocked_names``; most unlocks first.
    """
    g = open_gaps(plan, as_of)
    (cc,), _ = _factorize(g["commune"])
    per = np.bincount(cc[cc >= 0], minlength=max(cc.max(initial=-1) + 1, 1))
    single = np.flatnonzero((cc >= 0) & (per[np.maximum(cc, 0)] == 1) if len(cc) else np.zeros(0, bool))
    r, _ = _commune_rank_of(plan, g["commune"].to_numpy(dtype=object)[single])
    single = single[np.argsort(np.where(r < 0, np.iinfo(np.int64).max, r), kind="stable")]
    base = _by_criterion(plan, g)[["criterion_code", "criterion", "communes"]]
    k = len(base)
    ids = pd.Index(base["criterion_code"].to_numpy(dtype=object)).get_indexer(
        g["criterion_code"].to_numpy(dtype=object)[single]).astype(np.int64)
    out = base.assign(
        unlocks=np.bincount(ids[ids >= 0], minlength=k).astype("int64"),
        unlocked_names=_text_array(_group_join(ids, g["commune"].to_numpy(dtype=object)[single], k, ", ",
                                               unique=False)),
    )
    return out.sort_values(["unlocks", "communes"], ascending=False, kind="stable").reset_index(drop=True)


GAP_VIEWS = {
    "criterion": gaps_by_criterion,
    "commune": gaps_by_commune,
    "department": gaps_by_department,
    "section": gaps_by_section,
    "unlocks": unlocks,
}
