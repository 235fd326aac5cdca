"""Data-quality findings: what in the plan looks wrong or risky, in the plan's own words.

One row per finding: ``severity`` (error, warning, info), ``code`` (the kind),
``commune_id``, ``commune``, ``criterion_code``, ``message`` (in the language asked
for), ``written_as`` (the plan's words), ``sheet``, ``row``. Kinds, after the warnings
found when the workbook was loaded:

==========================  ========  ==================================================
code                        severity  finding
==========================  ========  ==================================================
schedule_conflict           warning   a waiting gap is due before its prerequisite
dependency_cycle            warning   gaps that wait on each other (no finish possible)
unknown_condition           warning   a dependency rule with a condition not understood
no_ocop_no_waiting_gap      warning   no OCOP product, but the gap that waits on it
                                      (criterion 8: nothing to promote) is not listed
no_deadline                 warning   a commune with gaps but no deadline at all
unlisted_model_requirement  warning   a model requirement marked missing, with no gap row
no_slack                    warning   the last gap is due in the target year's last quarter
model_missing_advanced      info      a model-commune target still missing advanced criteria
undated_gap                 info      a gap without deadline in a commune that has others
==========================  ========  ==================================================

>>> from ntm_analysis import load_plan
>>> q = quality(load_plan(), lang="en")
>>> q.loc[q["code"] == "schedule_conflict", "commune"].tolist()
['Minh Đức', 'Quảng Nghiệp']
>>> q.loc[q["code"] == "count_mismatch", "message"].item()
'Dân Chủ: the plan says 3 criteria are missing but lists 4'
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from ..core.findings import Both, Criterion, When, render
from ..core.quarters import NAT, from_ordinals, quarter_of_year, to_ordinals, year_of
from ..core.vocab import DueSource, Level, Requirement, Severity, Status
from ..i18n import t
from . import kernels as K
from .ocop import NO_PRODUCT
from .run import AsOf, Analysis, run_of

COLUMNS = ["severity", "code", "commune_id", "commune", "criterion_code", "message", "written_as", "sheet", "row"]
KIND_ORDER = {k: i for i, k in enumerate([
    "schedule_conflict", "dependency_cycle", "unknown_condition", "no_ocop_no_waiting_gap",
    "no_deadline", "unlisted_model_requirement", "no_slack", "model_missing_advanced", "undated_gap"])}


class _Found:
    """Findings gathered as blocks of columns; messages rendered at the end."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, Any]] = []

    def add(self, n: int, severity: str, code: str, params: Sequence[dict], **cols: Any) -> None:
        block = {"severity": severity, "code": code, "params": list(params), "n": n}
        for c in ("commune_id", "commune", "criterion_code", "written_as", "sheet", "row"):
            v = cols.get(c, "" if c != "row" else None)
            block[c] = K.objects(v) if isinstance(v, (list, tuple, np.ndarray)) else K.filled(n, v)
        self.blocks.append(block)

    def frame(self, run: Analysis, lang: str) -> pd.DataFrame:
        """Errors, then warnings, then notes; within each, plan order, then kind."""
        if not self.blocks:
            return pd.DataFrame({c: pd.array([], dtype="Int64" if c == "row" else "str") for c in COLUMNS})
        col = {c: np.concatenate([b[c] if c in ("commune_id", "commune", "criterion_code", "written_as", "sheet",
                                                "row") else K.filled(b["n"], b[c]) for b in self.blocks])
               for c in ("severity", "code", "commune_id", "commune", "criterion_code", "written_as", "sheet", "row")}
        messages = [t(f"msg.{b['code']}" if "key" not in p else f"msg.{p['key']}", lang,
                      **{k: render(v, lang) for k, v in p.items() if k != "key"})
                    for b in self.blocks for p in b["params"]]
        rank = pd.Index(run.commune_index).get_indexer(col["commune_id"])
        sev = np.array([Severity(s).rank for s in col["severity"].tolist()])
        kind = np.array([KIND_ORDER.get(c, -1) for c in col["code"].tolist()])
        order = np.lexsort((kind, rank, sev))
        data = {c: K.text(np.asarray(col[c], dtype=object)[order]) for c in COLUMNS if c not in ("row", "message")}
        data["message"] = K.text(np.asarray(messages, dtype=object)[order])
        data["row"] = pd.array(col["row"][order].tolist(), dtype="Int64")
        return pd.DataFrame(data, columns=COLUMNS)


def _words(detail: np.ndarray, written: np.ndarray) -> list[str]:
    """The plan's words for gaps: the detail, prefixed by the name as written when that adds something."""
    out = []
    for d, w in zip(detail.tolist(), written.tolist()):
        d, w = d.strip(), w.strip()
        out.append(f"{w}: {d}" if d and w and w not in d else (d or w))
    return out


def quality(plan_or_run, as_of: AsOf = None, review_lag: int = 0, lang: str = "vi") -> pd.DataFrame:
    """Every finding (see the module docstring), messages in ``lang``."""
    run = run_of(plan_or_run, as_of)
    found = _Found()
    _loaded(found, run)
    prop = run.propagated
    _conflicts(found, run, prop)
    _cycles(found, prop)
    _conditions(found, run)
    _no_ocop_waiting(found, run)
    _deadlines(found, run, prop)
    proj = run.projection(review_lag)
    _unlisted(found, proj)
    _model_missing_advanced(found, run, prop)
    _no_slack(found, run, prop, proj)
    return found.frame(run, lang)


def _fields(prop: pd.DataFrame, rows: np.ndarray) -> dict[str, Any]:
    return {"commune_id": prop["commune_id"].to_numpy(dtype=object)[rows],
            "commune": prop["commune"].to_numpy(dtype=object)[rows],
            "written_as": _words(prop["detail"].to_numpy(dtype=object)[rows],
                                 prop["written_as"].to_numpy(dtype=object)[rows]),
            "sheet": prop["sheet"].to_numpy(dtype=object)[rows], "row": prop["row"].to_numpy()[rows].tolist()}


def _loaded(found: _Found, run: Analysis) -> None:
    """The warnings found when the workbook was loaded."""
    c = run.plan.communes
    ids = dict(zip(c["commune"].tolist()[::-1], c["commune_id"].tolist()[::-1]))  # a name's first commune
    for w in run.plan.warnings:
        found.add(1, w.severity, w.code, [{"key": w.key or w.code, **w.params}], commune=w.commune,
                  commune_id=w.commune_id or ids.get(w.commune, ""), written_as=w.value, sheet=w.sheet, row=w.row)


def _conflicts(found: _Found, run: Analysis, prop: pd.DataFrame) -> None:
    """A waiting gap due before its prerequisite: one finding per prerequisite."""
    rows = np.flatnonzero(prop["schedule_conflict"].to_numpy(dtype=bool))
    if not len(rows):
        return
    key = pd.Index((prop["commune_id"] + "|" + prop["criterion_code"]).to_numpy(dtype=object))
    eff = prop["effective_due"].array
    at, params = [], []
    cid, code, due = prop["commune_id"].to_numpy(dtype=object), prop["criterion_code"].to_numpy(dtype=object), \
        prop["due"].array
    for i in rows.tolist():
        for other in prop["conflict_with"].iat[i]:
            j = key.get_loc(f"{cid[i]}|{other}")
            at.append(i)
            params.append({"code": code[i], "due": When(due[i]), "other": other, "other_due": When(eff[j]),
                           "effective": When(eff[i])})
    at = np.array(at, dtype=np.int64)
    found.add(len(at), Severity.WARNING, "schedule_conflict", params, criterion_code=code[at], **_fields(prop, at))


def _cycles(found: _Found, prop: pd.DataFrame) -> None:
    rows = np.flatnonzero(prop["in_cycle"].to_numpy(dtype=bool))
    if len(rows):
        code = prop["criterion_code"].to_numpy(dtype=object)[rows]
        found.add(len(rows), Severity.WARNING, "dependency_cycle",
                  [{"code": c, "waits": ", ".join(w)} for c, w in zip(code, prop["prerequisites"].iloc[rows])],
                  criterion_code=code, **_fields(prop, rows))


def _conditions(found: _Found, run: Analysis) -> None:
    """Rules whose condition the catalogue does not define are not applied: say so."""
    valid = run.catalogue.condition_names()
    d = run.plan.dependencies
    for r in d.loc[~d["when"].replace("", "always").isin(valid)].to_dict("records"):
        found.add(1, Severity.WARNING, "unknown_condition",
                  [{"waiting": r["waiting"], "on": r["on"], "when": r["when"], "valid": ", ".join(valid)}],
                  commune_id=r["commune_id"], commune=r["commune"], criterion_code=r["waiting"],
                  written_as=r["reason"])


def _no_ocop_waiting(found: _Found, run: Analysis) -> None:
    """No certified OCOP product, but the gap a rule makes wait on it is not listed."""
    cat, plan = run.catalogue, run.plan
    ocop_conditions = {name for name, spec in cat.conditions.items() if "ocop_status" in spec}
    d = plan.dependencies
    rules = d.loc[d["when"].isin(ocop_conditions)]
    if rules.empty:
        return
    st = run.ocop_status
    without = st.loc[st["ocop_status"].isin(NO_PRODUCT), ["commune_id", "commune"]]
    g = plan.gaps
    listed = set(g["gap_id"])
    first = {}
    for i, gid in enumerate(g["gap_id"].tolist()):
        first.setdefault(gid, i)
    reasons = dict(zip(zip(cat.dependencies["waiting"], cat.dependencies["on"]), cat.dependencies["reason_en"]))
    for r in rules.to_dict("records"):
        scope = without if not r["commune_id"] else without.loc[without["commune_id"] == r["commune_id"]]
        hits = [(cid, name) for cid, name in zip(scope["commune_id"], scope["commune"])
                if f"{cid}|{r['waiting']}" not in listed]
        if not hits:
            continue
        pre = np.array([first.get(f"{cid}|{r['on']}", -1) for cid, _ in hits], dtype=np.int64)
        words = _words(g["detail"].to_numpy(dtype=object)[np.maximum(pre, 0)],
                       g["written_as"].to_numpy(dtype=object)[np.maximum(pre, 0)]) if len(g) else [""] * len(pre)
        reason = Both(r["reason"], reasons.get((r["waiting"], r["on"]), "") if r["source"] == "catalogue" else "")
        found.add(len(hits), Severity.WARNING, "no_ocop_no_waiting_gap",
                  [{"waiting": r["waiting"], "name": Criterion(cat, r["waiting"], "name"), "reason": reason}] * len(hits),
                  commune_id=[h[0] for h in hits], commune=[h[1] for h in hits], criterion_code=r["waiting"],
                  written_as=[w if p >= 0 else "" for w, p in zip(words, pre)],
                  sheet=[g["sheet"].iat[p] if p >= 0 else "" for p in pre],
                  row=[int(g["row"].iat[p]) if p >= 0 else None for p in pre])


def _deadlines(found: _Found, run: Analysis, prop: pd.DataFrame) -> None:
    """Communes with no deadline at all; undated gaps among dated ones."""
    n = len(run.commune_index)
    pc = K.positions(prop["commune_id"], run.commune_index)
    undated = to_ordinals(prop["due"]) == NAT
    n_all = K.count(pc, n)
    none = (n_all > 0) & (K.count(pc, n, undated) == n_all)
    in_none = (pc >= 0) & none[np.maximum(pc, 0)]
    firsts = K.first_rows(np.where(pc >= 0, K.codes(pc)[0], -1)) if len(pc) else np.zeros(0, np.int64)
    firsts = firsts[none[pc[firsts]]] if len(firsts) else firsts
    if len(firsts):
        written = K.lists(np.where(in_none, pc, -1), prop["written_as"], n, unique=True)
        groups = pc[firsts]
        fields = _fields(prop, firsts)
        fields["written_as"] = ["; ".join(w) for w in written[groups]]
        found.add(len(firsts), Severity.WARNING, "no_deadline", [{"n": int(k)} for k in n_all[groups]], **fields)
    rows = np.flatnonzero(undated & ~in_none)
    if len(rows):
        code = prop["criterion_code"].to_numpy(dtype=object)[rows]
        found.add(len(rows), Severity.INFO, "undated_gap", [{"code": c} for c in code], criterion_code=code,
                  **_fields(prop, rows))


def _unlisted(found: _Found, proj: pd.DataFrame) -> None:
    rows = np.flatnonzero(np.fromiter((len(u) > 0 for u in proj["unlisted_model"]), dtype=bool, count=len(proj)))
    if len(rows):
        codes = [", ".join(u) for u in proj["unlisted_model"].iloc[rows]]
        found.add(len(rows), Severity.WARNING, "unlisted_model_requirement", [{"codes": c} for c in codes],
                  commune_id=proj["commune_id"].to_numpy(dtype=object)[rows],
                  commune=proj["commune"].to_numpy(dtype=object)[rows], criterion_code=codes)


def _model_missing_advanced(found: _Found, run: Analysis, prop: pd.DataFrame) -> None:
    """A commune aiming at the model level that still misses criteria of the set."""
    n = len(run.commune_index)
    c = run.plan.communes
    pc = K.positions(prop["commune_id"], run.commune_index)
    model = (c["target_level"] == (run.catalogue.model_level or Level.MODEL)).to_numpy()
    adv = (pc >= 0) & model[np.maximum(pc, 0)] & (prop["requirement"] == Requirement.CRITERION).to_numpy() \
        if len(pc) else np.zeros(0, dtype=bool)
    rows = np.flatnonzero(adv)
    if not len(rows):
        return
    ids = np.where(adv, pc, -1)
    codes = K.lists(ids, prop["criterion_code"], n, unique=True)
    written = K.lists(ids, prop["written_as"], n, unique=True)
    first = rows[K.first_rows(K.codes(pc[rows])[0])]
    groups = pc[first]
    fields = _fields(prop, first)
    fields["written_as"] = ["; ".join(w) for w in written[groups]]
    found.add(len(first), Severity.INFO, "model_missing_advanced", [{"n": len(codes[g])} for g in groups],
              criterion_code=[", ".join(codes[g]) for g in groups], **fields)


def _no_slack(found: _Found, run: Analysis, prop: pd.DataFrame, proj: pd.DataFrame) -> None:
    """On track, but the last gap is due in the target year's last quarter."""
    fin = to_ordinals(proj["finish"])
    target = proj["target_year"].to_numpy(dtype=float, na_value=np.nan)
    tight = np.flatnonzero((proj["status"] == Status.ON_TRACK).to_numpy() & (fin != NAT)
                           & (quarter_of_year(fin) == 4) & (year_of(fin) == target))
    if not len(tight):
        return
    n = len(run.commune_index)
    pc = K.positions(prop["commune_id"], run.commune_index)
    at = np.full(n, NAT, dtype=np.int64)
    at[tight] = fin[tight]
    eff = to_ordinals(prop["effective_due"])
    last = np.flatnonzero((pc >= 0) & (eff != NAT) & (eff == at[np.maximum(pc, 0)]))
    ids = np.full(len(pc), -1, dtype=np.int64)
    ids[last] = pc[last]
    codes = K.lists(ids, prop["criterion_code"], n)
    source = prop["due_source"].to_numpy(dtype=object)
    inferred = (K.count(ids, n) > 0) & (K.count(ids, n, source != DueSource.YEAR_ONLY) == 0)
    words = K.lists(ids, _words(prop["detail"].to_numpy(dtype=object), prop["written_as"].to_numpy(dtype=object)),
                    n)
    first = np.full(n, -1, dtype=np.int64)
    u, i = np.unique(pc[last], return_index=True)
    first[u] = last[i]
    params = [{"due": When(from_ordinals(fin[[j]])[0]), "year": int(target[j]),
               **({"key": "no_slack_inferred"} if inferred[j] else {})} for j in tight.tolist()]
    f = first[tight]
    found.add(len(tight), Severity.WARNING, "no_slack", params,
              commune_id=proj["commune_id"].to_numpy(dtype=object)[tight],
              commune=proj["commune"].to_numpy(dtype=object)[tight],
              criterion_code=[", ".join(codes[j]) for j in tight.tolist()],
              written_as=["; ".join(words[j][:3]) for j in tight.tolist()],
              sheet=[prop["sheet"].iat[k] if k >= 0 else "" for k in f.tolist()],
              row=[int(prop["row"].iat[k]) if k >= 0 else None for k in f.tolist()])
