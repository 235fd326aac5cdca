"""Which criteria block which communes: gaps by criterion, commune, department, section.

A *gap* is one row of ``plan.gaps`` (a commune × criterion, or a commune × model
requirement). Gaps recorded as done in ``plan.completions`` are left out: all of
them when no as-of date is given, else those done in or before the as-of quarter.

>>> from ntm_analysis.catalogue import load_catalogue
>>> import pandas as pd
>>> g = pd.DataFrame({"commune": ["A", "A", "B"], "criterion_code": ["8", "13", "13"]})
>>> sorted(g.loc[completed_mask(g, pd.DataFrame({"commune": ["A"], "criterion_code": ["8"],
...     "done": pd.array(["2023Q2"], dtype="period[Q-DEC]")}))].criterion_code)
['8']
"""
from __future__ import annotations

import datetime as _dt
from typing import Union

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
    keys = pd.MultiIndex.from_frame(done[["commune", "criterion_code"]].astype(str))
    mine = pd.MultiIndex.from_frame(gaps[["commune", "criterion_code"]].astype(str))
    return pd.Series(mine.isin(keys), index=gaps.index)


def open_gaps(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """``plan.gaps`` without the gaps done (by ``as_of``), one row per commune × code.

    >>> # open_gaps(plan, "2023-07-01")
    """
    g = plan.gaps.drop_duplicates(["commune", "criterion_code"])
    return g.loc[~completed_mask(g, plan.completions, as_of)].reset_index(drop=True)


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
    return {c: i for i, c in enumerate(plan.communes["commune"])}


def gaps_by_criterion(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """How many communes each criterion (or model requirement) blocks, and which.

    Columns: ``criterion_code, criterion, requirement, department, communes,
    commune_names``; most-blocking first, then catalogue order. Only criteria that
    block at least one commune appear.

    >>> # gaps_by_criterion(plan).head(1)  ->  13 | Tổ chức sản xuất… | 9 | Ngọc Kỳ, …
    """
    g = open_gaps(plan, as_of)
    rank = _commune_rank(plan)
    g = g.assign(_r=g["commune"].map(rank).fillna(len(rank))).sort_values(["_r"], kind="stable")
    out = (
        g.groupby("criterion_code", sort=False)
        .agg(criterion=("criterion", "first"), requirement=("requirement", "first"),
             department=("department", "first"), order=("criterion_order", "first"),
             communes=("commune", "size"))
        .reset_index()
    )
    names = join_by(g["criterion_code"], g["commune"])
    out["commune_names"] = pd.array([names[c] for c in out["criterion_code"]], dtype="str")
    out = out.sort_values(["communes", "order"], ascending=[False, True], kind="stable")
    out["communes"] = out["communes"].astype("int64")
    return out.drop(columns="order").reset_index(drop=True)[
        ["criterion_code", "criterion", "requirement", "department", "communes", "commune_names"]
    ]


def gaps_by_commune(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Per commune: criteria met and missing, share done, model requirements missing.

    ``total`` is the size of the criteria set (19); ``met = total - missing``;
    ``share_done = met / total``; ``done`` counts gaps closed by completions;
    ``missing_codes`` lists the open criteria and model requirements. Every commune
    of the plan appears, in plan order.

    >>> # gaps_by_commune(plan)[["commune", "met", "missing"]]
    """
    total = len(plan.catalogue.criterion_codes)
    allg = plan.gaps.drop_duplicates(["commune", "criterion_code"])
    done = completed_mask(allg, plan.completions, as_of)
    g = allg.loc[~done].sort_values("criterion_order", kind="stable")
    crit = g["requirement"] == "criterion"
    missing = g.loc[crit].groupby("commune").size()
    model = g.loc[~crit].groupby("commune").size()
    codes = join_by(g["commune"], g["criterion_code"])
    ndone = allg.loc[done].groupby("commune").size()
    c = plan.communes
    out = pd.DataFrame({
        "commune": c["commune"].to_numpy(),
        "target_level": c["target_level"].to_numpy(),
    })
    out["total"] = total
    out["missing"] = out["commune"].map(missing).fillna(0).astype("int64")
    out["met"] = (total - out["missing"]).astype("int64")
    out["share_done"] = (out["met"] / total).round(3)
    out["model_missing"] = out["commune"].map(model).fillna(0).astype("int64")
    out["done"] = out["commune"].map(ndone).fillna(0).astype("int64")
    out["missing_codes"] = pd.array([codes.get(c, "") for c in out["commune"]], dtype="str")
    return out[["commune", "target_level", "met", "missing", "total", "share_done",
                "model_missing", "done", "missing_codes"]]


def gaps_by_department(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Open gaps per lead department: ``department, gaps, communes, criteria``.

    A gap without a department gets the catalogue's default lead department.

    >>> # gaps_by_department(plan).iloc[0].department
    """
    g = open_gaps(plan, as_of)
    cat = plan.catalogue
    dep = g["department"].fillna("").astype(str)
    default = g["criterion_code"].map(dict(zip(cat.criteria["code"], cat.criteria["department"]))).fillna("")
    g = g.assign(department=dep.where(dep.str.strip() != "", default))
    g = g.sort_values("criterion_order", kind="stable")
    out = (
        g.groupby("department", sort=False)
        .agg(gaps=("commune", "size"), communes=("commune", "nunique"),
             )
        .reset_index()
        .sort_values(["gaps", "department"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )
    crit = join_by(g["department"], g["criterion_code"])
    out["criteria"] = pd.array([crit[d] for d in out["department"]], dtype="str")
    return out.astype({"gaps": "int64", "communes": "int64"})


def gaps_by_section(plan: Plan, as_of: AsOf = None) -> pd.DataFrame:
    """Per plan section and target level: communes, communes ready, open gaps.

    Columns: ``plan_section, section_title, target_level, communes, ready, gaps,
    model_gaps, commune_names``, in plan order.
    """
    per = gaps_by_commune(plan, as_of)
    c = plan.communes[["commune", "plan_section", "section_title", "target_level"]]
    per = per.drop(columns="target_level").merge(c, on="commune", how="left")
    per["ready"] = (per["missing"] + per["model_missing"]) == 0
    per["gaps"] = per["missing"] + per["model_missing"]
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
    per = g.groupby("commune")["criterion_code"].transform("size")
    single = g.loc[per == 1]
    rank = _commune_rank(plan)
    single = single.assign(_r=single["commune"].map(rank)).sort_values("_r", kind="stable")
    base = gaps_by_criterion(plan, as_of)[["criterion_code", "criterion", "communes"]]
    got = single.groupby("criterion_code").agg(unlocks=("commune", "size"))
    got["unlocked_names"] = pd.Series(join_by(single["criterion_code"], single["commune"]))
    out = base.merge(got, left_on="criterion_code", right_index=True, how="left")
    out["unlocks"] = out["unlocks"].fillna(0).astype("int64")
    out["unlocked_names"] = out["unlocked_names"].fillna("").astype("str")
    return out.sort_values(["unlocks", "communes"], ascending=False, kind="stable").reset_index(drop=True)


GAP_VIEWS = {
    "criterion": gaps_by_criterion,
    "commune": gaps_by_commune,
    "department": gaps_by_department,
    "section": gaps_by_section,
    "unlocks": unlocks,
}
