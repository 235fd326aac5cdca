"""Data-quality findings: what in the plan looks wrong or risky, in the plan's own words.

One row per finding: ``severity`` (``error``, ``warning``, ``info``), ``code`` (a
short machine key), ``commune``, ``criterion_code``, ``message`` (Vietnamese),
``written_as`` (the plan's words), ``sheet``, ``row``. Kinds (``code``):

=========================  ========  ==================================================
code                       severity  finding
=========================  ========  ==================================================
(validation codes)         as given  warnings found when the workbook was loaded
schedule_conflict          warning   a waiting gap is due before its prerequisite
dependency_cycle           warning   gaps that wait on each other (no finish possible)
unknown_condition          warning   a dependency rule with a condition not understood
no_ocop_no_waiting_gap     warning   no OCOP product, but the gap that waits on it
                                     (criterion 8: nothing to promote) is not listed
no_deadline                warning   a commune with gaps but no deadline at all
unlisted_model_requirement warning   a model requirement marked missing, with no gap row
no_slack                   warning   the last gap is due in the target year's last quarter
model_missing_advanced     info      a model-commune target still missing advanced criteria
undated_gap                info      a gap without deadline in a commune that has others
=========================  ========  ==================================================

>>> # quality(plan).query("code == 'schedule_conflict'")[["commune", "criterion_code"]]
"""
from __future__ import annotations

import pandas as pd

from ..plan import Plan
from ..quarters import format_quarter
from .dependencies import CONDITIONS, NO_PRODUCT, ocop_status, propagate_deadlines
from .gaps import AsOf, join_by
from .projection import projection, unlisted_model_requirements

COLUMNS = ["severity", "code", "commune", "criterion_code", "message", "written_as", "sheet", "row"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _words(g: dict) -> str:
    detail = str(g.get("detail") or "").strip()
    written = str(g.get("written_as") or "").strip()
    if detail and written and written not in detail:
        return f"{written}: {detail}"
    return detail or written


def _finding(severity: str, code: str, commune: str = "", criterion_code: str = "", message: str = "",
             written_as: str = "", sheet: str = "", row: object = None) -> dict:
    return {"severity": severity, "code": code, "commune": commune, "criterion_code": criterion_code,
            "message": message, "written_as": written_as, "sheet": sheet,
            "row": None if row is None or pd.isna(row) else int(row)}


def _validation(plan: Plan) -> list[dict]:
    out = []
    for w in plan.warnings or ():
        d = w.to_dict() if hasattr(w, "to_dict") else dict(w)
        out.append(_finding(d.get("severity", "warning"), d.get("code") or "validation", "", "",
                            d.get("message", ""), str(d.get("value", "")), d.get("sheet", ""),
                            d.get("row")))
    return out


def _records(df: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Selected columns of (usually few) rows as dicts; Periods stay Periods."""
    cols = [c for c in columns if c in df.columns]
    return [dict(zip(cols, vals)) for vals in zip(*(df[c].tolist() for c in cols))] if len(df) else []


GAP_FIELDS = ["commune", "criterion_code", "requirement", "written_as", "detail", "due", "due_source",
              "effective_due", "sheet", "row", "conflict_with", "prerequisites"]


def quality(plan: Plan, as_of: AsOf = None, review_lag: int = 0) -> pd.DataFrame:
    """All findings, errors first, then warnings, then notes, in plan order.

    >>> # quality(plan)["code"].value_counts()
    """
    found: list[dict] = _validation(plan)
    prop = propagate_deadlines(plan, as_of)
    sheet = lambda g: str(g.get("sheet") or "")  # noqa: E731
    eff_by_gap = dict(zip(zip(prop["commune"].tolist(), prop["criterion_code"].astype(str).tolist()),
                          prop["effective_due"].tolist()))

    for g in _records(prop.loc[prop["schedule_conflict"]], GAP_FIELDS):
        for code in g["conflict_with"].split(";"):
            found.append(_finding(
                "warning", "schedule_conflict", g["commune"], g["criterion_code"],
                f"Tiêu chí {g['criterion_code']} hạn {format_quarter(g['due'])} nhưng phải chờ tiêu chí "
                f"{code} (hạn {format_quarter(eff_by_gap.get((g['commune'], code)))}): hạn thực tế lùi đến "
                f"{format_quarter(g['effective_due'])}",
                _words(g), sheet(g), g.get("row")))
    for g in _records(prop.loc[prop["in_cycle"]], GAP_FIELDS):
        found.append(_finding(
            "warning", "dependency_cycle", g["commune"], g["criterion_code"],
            f"Tiêu chí {g['criterion_code']} nằm trong vòng phụ thuộc (chờ {g['prerequisites']}), "
            "không thể xác định thời hạn", _words(g), sheet(g), g.get("row")))

    rules = plan.dependencies
    when = rules["when"].fillna("always").replace("", "always")
    for r in rules.loc[~when.isin(CONDITIONS)].to_dict("records"):
        found.append(_finding(
            "warning", "unknown_condition", r.get("commune") or "", str(r["waiting"]),
            f"Quy tắc phụ thuộc '{r['waiting']} chờ {r['on']}' có điều kiện '{r['when']}' không "
            f"hiểu được (điều kiện hợp lệ: {', '.join(CONDITIONS)}); quy tắc không được áp dụng",
            str(r.get("reason") or ""), "", None))

    # no OCOP product, but the gap waiting on it (criterion 8) is not listed at all
    ocop_rules = rules.loc[when == "no_ocop_product"]
    if len(ocop_rules):
        st = ocop_status(plan)
        without = st.loc[st["ocop_status"].isin(NO_PRODUCT), "commune"].tolist()
        listed = set(zip(plan.gaps["commune"].tolist(), plan.gaps["criterion_code"].astype(str).tolist()))
        on_codes = set(ocop_rules["on"].astype(str))
        first_gap: dict[tuple[str, str], dict] = {}
        for g in _records(plan.gaps.loc[plan.gaps["criterion_code"].astype(str).isin(on_codes)], GAP_FIELDS):
            first_gap.setdefault((g["commune"], str(g["criterion_code"])), g)
        for r in ocop_rules.to_dict("records"):
            scope = [c for c in without if not (r.get("commune") or "") or c == r["commune"]]
            for commune in scope:
                if (commune, str(r["waiting"])) in listed:
                    continue
                pre = first_gap.get((commune, str(r["on"])), {})
                found.append(_finding(
                    "warning", "no_ocop_no_waiting_gap", commune, str(r["waiting"]),
                    f"Xã chưa có sản phẩm OCOP được chứng nhận nhưng kế hoạch không nêu tiêu chí "
                    f"{r['waiting']} ({plan.catalogue.name(str(r['waiting']))}) còn thiếu: {r['reason']}".strip(),
                    _words(pre), str(pre.get("sheet") or ""), pre.get("row")))

    # per commune: no deadline at all, undated gaps among dated ones
    undated = prop["due"].isna()
    n_all = prop.groupby("commune").size()
    n_undated = undated.groupby(prop["commune"]).sum()
    all_undated = set(n_all.index[(n_undated.reindex(n_all.index) == n_all).to_numpy()])
    none_rows = prop.loc[prop["commune"].isin(all_undated)]
    words = join_by(none_rows["commune"], none_rows["written_as"], "; ")
    first = none_rows.drop_duplicates("commune")
    for g in _records(first, GAP_FIELDS):
        c = g["commune"]
        found.append(_finding(
            "warning", "no_deadline", c, "",
            f"Xã còn {int(n_all[c])} tiêu chí nhưng kế hoạch không ghi thời hạn nào",
            words.get(c, ""), sheet(g), g.get("row")))
    for g in _records(prop.loc[undated & ~prop["commune"].isin(all_undated)], GAP_FIELDS):
        found.append(_finding(
            "info", "undated_gap", g["commune"], g["criterion_code"],
            f"Tiêu chí {g['criterion_code']} không có thời hạn (các tiêu chí khác của xã có)",
            _words(g), sheet(g), g.get("row")))

    proj = projection(plan, review_lag=review_lag, as_of=as_of, propagated=prop)
    for p in _records(proj.loc[proj["unlisted_model"] != ""], ["commune", "unlisted_model"]):
        found.append(_finding(
            "warning", "unlisted_model_requirement", p["commune"], p["unlisted_model"],
            f"Điều kiện kiểu mẫu {p['unlisted_model']} chưa đạt nhưng không có dòng trong Chi tiết",
            "", "", None))

    model = set(plan.communes.loc[plan.communes["target_level"] == "kieu_mau", "commune"])
    adv = prop.loc[prop["commune"].isin(model) & (prop["requirement"] == "criterion")]
    adv_codes = join_by(adv["commune"], adv["criterion_code"].astype(str))
    adv_words = join_by(adv["commune"], adv["written_as"], "; ")
    adv_n = adv.groupby("commune").size()
    for g in _records(adv.drop_duplicates("commune"), GAP_FIELDS):
        c = g["commune"]
        found.append(_finding(
            "info", "model_missing_advanced", c, adv_codes[c],
            f"Xã phấn đấu kiểu mẫu còn thiếu {int(adv_n[c])} tiêu chí xã NTM nâng cao",
            adv_words[c], sheet(g), g.get("row")))

    fin = proj["finish"]
    tight = proj.loc[(proj["status"] == "on_track") & fin.notna()]
    tight = tight.loc[(tight["finish"].dt.quarter == 4) & (tight["finish"].dt.year == tight["target_year"])]
    if len(tight):
        finish_of = dict(zip(tight["commune"], tight["finish"]))
        last = prop.loc[prop["commune"].isin(finish_of)]
        last = last.loc[last["effective_due"] == last["commune"].map(finish_of).astype(last["effective_due"].dtype)]
        recs = _records(last, GAP_FIELDS)
        by_c: dict[str, list[dict]] = {}
        for g in recs:
            by_c.setdefault(g["commune"], []).append(g)
        for t in _records(tight, ["commune", "finish", "target_year"]):
            gs = by_c.get(t["commune"], [])
            inferred = bool(gs) and all(g["due_source"] == "year-only" for g in gs)
            found.append(_finding(
                "warning", "no_slack", t["commune"], ", ".join(str(g["criterion_code"]) for g in gs),
                f"Tiêu chí cuối cùng hạn {format_quarter(t['finish'])}, quý cuối của năm phấn đấu "
                f"{t['target_year']}: không còn thời gian dự phòng"
                + (" (hạn suy ra từ 'trong năm')" if inferred else ""),
                "; ".join(_words(g) for g in gs[:3]), sheet(gs[0]) if gs else "",
                gs[0].get("row") if gs else None))

    out = pd.DataFrame(found, columns=COLUMNS)
    rank = {c: i for i, c in enumerate(plan.communes["commune"])}
    out = out.assign(_s=out["severity"].map(SEVERITY_ORDER).fillna(3),
                     _c=out["commune"].map(rank).fillna(-1),
                     _k=out["code"].map(KIND_ORDER).fillna(-1))
    out = out.sort_values(["_s", "_c", "_k"], kind="stable").drop(columns=["_s", "_c", "_k"])
    out = out.reset_index(drop=True)
    out["row"] = pd.array(out["row"].tolist(), dtype="Int64")
    for col in COLUMNS:
        if col != "row":
            out[col] = out[col].fillna("").astype("str")
    return out


KIND_ORDER = {k: i for i, k in enumerate([
    "schedule_conflict", "dependency_cycle", "unknown_condition", "no_ocop_no_waiting_gap",
    "no_deadline", "unlisted_model_requirement", "no_slack", "model_missing_advanced", "undated_gap"])}
