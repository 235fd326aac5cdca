"""Compare a scenario with the baseline: per commune (finish, recognition, status), and
what the scenario changed in the plan.

>>> from ntm_analysis import load_plan
>>> from ntm_analysis.scenario.model import scenario_from_dict
>>> s = scenario_from_dict({"name": "x", "edits": [{"commune": "Hưng Đạo", "criterion": 6, "due": "2024Q1"}]})
>>> r = run_scenario(load_plan(), s)
>>> r["comparison"].set_index("commune").loc["Hưng Đạo", ["status_baseline", "status_scenario"]].tolist()
['on_track', 'at_risk']
>>> [str(v) for v in diff_edits(load_plan(), r["plan"]).iloc[0][["commune", "change", "baseline", "scenario"]]]
['Hưng Đạo', 'due', '2023Q2', '2024Q1']
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..analysis.run import analyse
from ..core.dates import parse_date
from ..core.quarters import NAT, to_ordinals
from ..core.vocab import Change, Status
from ..tables.plan import Plan
from .apply import apply_scenario, assume_undated
from .model import PARAMETERS, Scenario, scenario_parameters
from ..analysis.projection import DEFAULT_REVIEW_LAG

COMPARE_FIELDS = ("open", "finish", "recognition", "status")
COMPARE_COLUMNS = ["commune_id", "commune", *[f"{f}_{side}" for f in COMPARE_FIELDS
                                               for side in ("baseline", "scenario")], "changed"]
CHANGE_COLUMNS = ["commune_id", "commune", "criterion_code", "criterion", "change", "baseline", "scenario", "via"]


def compare(baseline_projection: pd.DataFrame, scenario_projection: pd.DataFrame) -> pd.DataFrame:
    """Per commune, baseline beside scenario: ``open`` (items left: criteria and model
    requirements), finish, recognition, status, and ``changed``. Rows follow the
    baseline (communes only in the scenario come last)."""
    cols = ["commune_id", "commune", *COMPARE_FIELDS]
    b, s = (p.assign(open=p["missing"] + p["model_missing"])[cols]
            for p in (baseline_projection, scenario_projection))
    if b["commune_id"].tolist() == s["commune_id"].tolist():  # the usual case: same communes, same order
        data: dict[str, Any] = {"commune_id": b["commune_id"].array, "commune": b["commune"].array}
        for f in COMPARE_FIELDS:
            data[f"{f}_baseline"] = b[f].array
            data[f"{f}_scenario"] = s[f].array
        out = pd.DataFrame(data)
    else:
        out = b.merge(s.drop(columns="commune"), on="commune_id", how="outer", suffixes=("_baseline", "_scenario"),
                      sort=False)
        names = dict(zip(list(s["commune_id"]) + list(b["commune_id"]), list(s["commune"]) + list(b["commune"])))
        out["commune"] = out["commune_id"].map(names).astype("str")
        order = {c: i for i, c in enumerate(list(b["commune_id"]) + list(s["commune_id"]))}
        out = out.sort_values("commune_id", key=lambda x: x.map(order), kind="stable").reset_index(drop=True)
    changed = np.zeros(len(out), dtype=bool)
    for f in COMPARE_FIELDS:
        x, y = out[f"{f}_baseline"], out[f"{f}_scenario"]
        xn, yn = x.isna().to_numpy(), y.isna().to_numpy()
        eq = np.asarray(x.to_numpy(dtype=object) == y.to_numpy(dtype=object), dtype=bool)
        changed |= ~((eq & ~xn & ~yn) | (xn & yn))
    out["changed"] = changed
    for side in ("baseline", "scenario"):
        out[f"open_{side}"] = out[f"open_{side}"].astype("Int64")
    return out[COMPARE_COLUMNS]


def _text(ordinal_: int) -> pd.Period | str:
    """A quarter of a change ("" when there is none)."""
    return "" if ordinal_ == NAT else pd.Period(ordinal=int(ordinal_), freq="Q-DEC")


def _param_text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def diff_edits(baseline: Plan, scenario_plan: Plan, baseline_params: Mapping | None = None,
               scenario_params: Mapping | None = None) -> pd.DataFrame:
    """What a scenario changed, read from the two plans (not from the edits): ``commune_id,
    commune, criterion_code, criterion, change`` (a :class:`~ntm_analysis.core.vocab.Change`),
    ``baseline, scenario`` (a quarter for a deadline change, else text; "" for none) and
    ``via``: for a knock-on move (an item not edited whose effective deadline moved
    because what it waits on moved), the criteria it waits on."""
    cat = baseline.catalogue
    rows: list[tuple] = []

    def add(cid: str, commune: str, code: str, change: str, before: str, after: str, via: str = "") -> None:
        rows.append((cid, commune, code, cat.name(code) if code in cat.codes else code, change, before, after, via))

    bg, sg = baseline.gaps, scenario_plan.gaps
    s_due = dict(zip(sg["gap_id"], to_ordinals(sg["due"]).tolist()))
    edited = set()
    for gid, cid, name, code, due in zip(bg["gap_id"], bg["commune_id"], bg["commune"], bg["criterion_code"],
                                         to_ordinals(bg["due"]).tolist()):
        after = s_due.get(gid, NAT)
        if after != due:
            edited.add(gid)
            add(cid, name, code, Change.DUE, _text(due), _text(after))
    b_run = analyse(baseline, (baseline_params or {}).get("as_of"))
    s_run = analyse(scenario_plan, (scenario_params or {}).get("as_of"))
    _knock_on(b_run, s_run, edited, add)
    s_done = dict(zip(sg["gap_id"], s_run.done.tolist()))
    for gid, cid, name, code, was in zip(bg["gap_id"], bg["commune_id"], bg["commune"], bg["criterion_code"],
                                         b_run.done.tolist()):
        now = s_done.get(gid, was)
        if was != now:
            add(cid, name, code, Change.DONE if now else Change.UNDONE, "", "")
    key = ["commune_id", "commune", "waiting", "on"]
    both = b_run.rules[key].merge(s_run.rules[key], how="outer", indicator="side")
    for cid, name, waiting, on, side in both[key + ["side"]].itertuples(index=False):
        if side == "left_only":
            add(cid, name, waiting, Change.DEPENDENCY_REMOVED, on, "")
        elif side == "right_only":
            add(cid, name, waiting, Change.DEPENDENCY_ADDED, "", on)
    s_commune = dict(zip(scenario_plan.communes["commune_id"], to_ordinals(scenario_plan.communes["commune_due"])))
    for cid, name, due in zip(baseline.communes["commune_id"], baseline.communes["commune"],
                              to_ordinals(baseline.communes["commune_due"]).tolist()):
        if cid in s_commune and s_commune[cid] != due:
            add(cid, name, "", Change.COMMUNE_DUE, _text(due), _text(s_commune[cid]))
    bp, sp = dict(baseline_params or {}), dict(scenario_params or {})
    for k in PARAMETERS:
        before, after = _param_text(bp.get(k)), _param_text(sp.get(k, bp.get(k)))
        if before != after:
            rows.append(("", "", "", k, Change.PARAMETER, before, after, ""))
    out = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    order = {c: i for i, c in enumerate(baseline.communes["commune_id"])}
    out = out.assign(_c=out["commune_id"].map(order).fillna(-1),
                     _k=out["criterion_code"].map(lambda c: cat.order(c) if c in cat.codes else -1))
    out = out.assign(_o=(out["change"] == Change.KNOCK_ON).astype(int))  # an edit before what it moves
    out = out.sort_values(["_c", "_o", "_k"], kind="stable").drop(columns=["_c", "_o", "_k"]).reset_index(drop=True)
    return out.astype({c: "str" for c in CHANGE_COLUMNS if c not in ("baseline", "scenario")})


def _knock_on(b_run, s_run, edited: set, add) -> None:
    """Open items not edited whose effective deadline (after dependencies) moved."""
    bp, sp = b_run.propagated, s_run.propagated
    after = dict(zip(sp["gap_id"], to_ordinals(sp["effective_due"]).tolist()))
    for gid, cid, name, code, eff, by in zip(bp["gap_id"], bp["commune_id"], bp["commune"], bp["criterion_code"],
                                             to_ordinals(bp["effective_due"]).tolist(), bp["delayed_by"]):
        if gid in edited or gid not in after or after[gid] == eff:
            continue
        s_by = sp.loc[sp["gap_id"] == gid, "delayed_by"].iloc[0]
        via = ", ".join(dict.fromkeys(c for c in (_codes(s_by) + _codes(by)) if c))
        add(cid, name, code, Change.KNOCK_ON, _text(eff), _text(after[gid]), via)


def _codes(value: object) -> list[str]:
    if isinstance(value, (tuple, list)):
        return [str(v) for v in value]
    return [p.strip() for p in str(value or "").replace(";", ",").split(",") if p.strip()]


def run_scenario(plan: Plan, scenario: Scenario, review_lag: int = DEFAULT_REVIEW_LAG, as_of: object = None,
                 baseline_projection: pd.DataFrame | None = None, undated_as: object = None) -> dict[str, Any]:
    """Apply a scenario and project both sides.

    Returns ``plan`` (the scenario plan), ``baseline_plan`` (the plan compared with: the
    plan itself, or with undated items assumed), ``params`` (the parameters used for the
    scenario side), ``baseline_params``, ``baseline`` and ``projection`` (projections),
    ``comparison`` (:func:`compare`). The baseline uses ``review_lag`` and ``as_of``; the
    scenario side uses them unless the scenario sets its own. ``undated_as`` (or the
    scenario's parameter of that name; the argument wins) gives undated items a quarter
    on both sides alike.
    """
    base_params = {"review_lag": review_lag, "as_of": parse_date(as_of)}
    undated = undated_as if undated_as not in (None, "") else scenario_parameters(scenario).get("undated_as")
    base_plan = assume_undated(plan, undated)
    if undated:
        base_params["undated_as"] = undated
        baseline_projection = None
    new, params = apply_scenario(base_plan, scenario)
    used = {**base_params, **params, **({"undated_as": undated} if undated else {})}
    base = analyse(base_plan, base_params["as_of"]).projection(review_lag) if baseline_projection is None \
        else baseline_projection
    proj = analyse(new, used["as_of"]).projection(int(used["review_lag"]))
    return {"plan": new, "baseline_plan": base_plan, "params": used, "baseline_params": base_params,
            "baseline": base, "projection": proj, "comparison": compare(base, proj)}


def effects(result: Mapping[str, Any], lang: str = "vi") -> list[tuple[str, str]]:
    """Each changed commune's effect in one sentence, ``(commune_id, sentence)``:
    "Minh Đức: công nhận quý III/2023 → quý IV/2023, vẫn trong năm 2023". Those that
    fall behind (miss their year, or can no longer be projected) come first, then plan
    order.

    ``result`` is :func:`run_scenario`'s.

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.scenario.model import scenario_from_dict
    >>> s = scenario_from_dict({"name": "x", "edits": [{"commune": "Hưng Đạo", "criterion": 6, "due": "2024Q1"}]})
    >>> effects(run_scenario(load_plan(), s))
    [('hai-duong/tu-ky/hung-dao', 'Hưng Đạo: công nhận quý II/2023 → quý I/2024, lỡ năm 2023.')]
    """
    from ..core.quarters import format_quarter
    from ..i18n import t

    b = result["baseline"].set_index("commune_id")
    s = result["projection"].set_index("commune_id")
    comp = result["comparison"]
    out = []
    for cid, name in zip(comp.loc[comp["changed"], "commune_id"], comp.loc[comp["changed"], "commune"]):
        rb = b["recognition"].get(cid, pd.NaT)
        rs = s["recognition"].get(cid, pd.NaT)
        year = s["target_year"].get(cid, b["target_year"].get(cid))
        q = {"before": format_quarter(rb, lang), "after": format_quarter(rs, lang), "year": year}
        behind = s["status"].get(cid) in (Status.AT_RISK, Status.UNSCHEDULED) and \
            b["status"].get(cid) not in (Status.AT_RISK, Status.UNSCHEDULED)
        if pd.isna(rb) and pd.isna(rs):
            text = t("effect.still_unscheduled", lang,
                     left=int(s["missing"].get(cid, 0) + s["model_missing"].get(cid, 0)))
        elif pd.isna(rs):
            text = t("effect.now_unscheduled", lang, **q)
        elif pd.isna(rb):
            text = t("effect.now_scheduled", lang, **q) + _year_clause(None, rs, year, lang)
        elif rb == rs:
            left_b = int(b["missing"].get(cid, 0) + b["model_missing"].get(cid, 0))
            left_s = int(s["missing"].get(cid, 0) + s["model_missing"].get(cid, 0))
            text = t("effect.same_recognition", lang, before=left_b, after=left_s, q=q["after"])
        else:
            text = t("effect.moved", lang, **q) + _year_clause(rb, rs, year, lang)
        out.append((not behind, len(out), cid, f"{name}: {text}."))
    return [(cid, text) for _r, _i, cid, text in sorted(out)]


def _year_clause(before: object, after: pd.Period, year: object, lang: str) -> str:
    """", vẫn trong năm 2023" / ", lỡ năm 2023" / ", nay kịp năm 2023" / ", vẫn sau năm 2023"."""
    from ..i18n import t

    if year is None or pd.isna(year):
        return ""
    year = int(year)
    late_after = after.year > year
    if before is None or pd.isna(before):
        return t("effect.year_late" if late_after else "effect.year_in", lang, year=year)
    late_before = before.year > year
    key = {(False, False): "effect.year_still_in", (False, True): "effect.year_missed",
           (True, False): "effect.year_made", (True, True): "effect.year_still_late"}[(late_before, late_after)]
    return t(key, lang, year=year)


def why_unchanged(result: Mapping[str, Any], commune_id: str, lang: str = "vi") -> str:
    """Why a commune's projection did not move: what still sets its finish, or the
    items that still have no deadline ("" when it did move).

    >>> from ntm_analysis import load_plan
    >>> from ntm_analysis.scenario.model import scenario_from_dict
    >>> s = scenario_from_dict({"name": "x", "edits": [{"commune": "Minh Đức", "criterion": 5, "due": "2023Q2"}]})
    >>> why_unchanged(run_scenario(load_plan(), s), "hai-duong/tu-ky/minh-duc")
    'Minh Đức vẫn chưa dự kiến được: còn Quốc phòng và An ninh chưa có hạn.'
    """
    from ..core.quarters import format_quarter
    from ..i18n import join_names, t

    comp = result["comparison"].set_index("commune_id")
    if commune_id not in comp.index or bool(comp.loc[commune_id, "changed"]):
        return ""
    name = comp.loc[commune_id, "commune"]
    run = analyse(result["plan"], result["params"].get("as_of"))
    p = run.propagated
    mine = p.loc[p["commune_id"] == commune_id]
    cat = result["plan"].catalogue
    names = lambda codes: join_names([cat.name(c, lang) if c in cat.codes else c for c in codes], lang)  # noqa: E731
    undated = mine.loc[mine["effective_due"].isna(), "criterion_code"].tolist()
    if undated:
        return t("effect.why_undated", lang, name=name, what=names(undated))
    if mine.empty:
        return t("effect.why_nothing_left", lang, name=name)
    last = mine["effective_due"].max()
    if run.as_of is not None and last.ordinal <= run.as_of.ordinal:  # open work cannot finish before the as-of
        return t("effect.why_as_of", lang, name=name, q=format_quarter(run.as_of, lang),
                 d=pd.Timestamp(result["params"]["as_of"]).strftime("%d/%m/%Y"))
    holders = mine.loc[mine["effective_due"] == last, "criterion_code"].tolist()
    key = "effect.why_last" if len(holders) == 1 else "effect.why_last_many"
    return t(key, lang, name=name, what=names(holders), q=format_quarter(last, lang))
