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

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..core.findings import Both, Criterion, Phrase, When
from ..core.quarters import NAT, from_ordinals, quarter_of_year, to_ordinals, year_of
from ..core.vocab import DueSource, Level, Requirement, Severity, Status
from ..i18n import t
from ..tables.plan import gap_id
from . import kernels as K
from .ocop import NO_PRODUCT
from .run import AsOf, Analysis, run_of
from .projection import DEFAULT_REVIEW_LAG

COLUMNS = ["severity", "code", "commune_id", "commune", "criterion_code", "message", "written_as", "sheet", "row"]
KIND_ORDER = {k: i for i, k in enumerate([
    "schedule_conflict", "dependency_cycle", "unknown_condition", "no_ocop_no_waiting_gap",
    "no_deadline", "unlisted_model_requirement", "no_slack", "model_missing_advanced", "undated_gap"])}
FIELDS = ("commune_id", "commune", "criterion_code", "written_as", "sheet", "row")


class _Found:
    """Findings gathered as blocks of columns: one message template a block, its fields
    as columns (an array, or one value for every row)."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, Any]] = []

    def add(self, n: int, severity: str, code: str, params: Mapping[str, Any], key: str | np.ndarray = "",
            **fields: Any) -> None:
        if n:
            key = code if isinstance(key, str) and not key else key
            self.blocks.append({"n": n, "severity": severity, "code": code, "key": key, "params": params,
                                **{f: fields.get(f, None if f == "row" else "") for f in FIELDS}})

    @staticmethod
    def _column(value: Any, n: int) -> np.ndarray:
        if isinstance(value, (list, tuple, np.ndarray, pd.Series, pd.api.extensions.ExtensionArray)):
            return K.objects(value)
        return K.filled(n, value)

    def _messages(self, b: dict[str, Any], lang: str) -> list[str]:
        n = b["n"]
        keys = self._column(b["key"], n)
        params = {k: self._column(v, n) for k, v in b["params"].items()}
        for k, v in params.items():  # phrases (quarters, names) rendered once per distinct phrase
            values = v.tolist()
            if any(isinstance(x, Phrase) for x in values):
                memo: dict = {}  # by object: phrases are made once per distinct value (see _when)
                values = [(memo[id(x)] if id(x) in memo else memo.setdefault(id(x), x.render(lang)))
                          if isinstance(x, Phrase) else x for x in values]
            params[k] = values
        templates = {k: t(f"msg.{k}", lang) for k in set(keys.tolist())}
        names = list(params)
        rows = zip(*params.values()) if names else ([()] * n)
        memo: dict = {}  # most findings of a kind share their words: format each distinct one once
        out = []
        for k, r in zip(keys.tolist(), rows):
            try:
                text = memo[(k, r)]
            except KeyError:
                text = memo[(k, r)] = templates[k].format(**dict(zip(names, r)))
            except TypeError:  # an unhashable parameter
                text = templates[k].format(**dict(zip(names, r)))
            out.append(text)
        return out

    def frame(self, run: Analysis, lang: str) -> pd.DataFrame:
        """Errors, then warnings, then notes; within each, plan order, then kind."""
        if not self.blocks:
            return pd.DataFrame({c: pd.array([], dtype="Int64" if c == "row" else "str") for c in COLUMNS})
        col = {f: np.concatenate([self._column(b[f], b["n"]) for b in self.blocks])
               for f in ("severity", "code", *FIELDS)}
        messages = np.array([m for b in self.blocks for m in self._messages(b, lang)], dtype=object)
        rank = run.commune_index.get_indexer(col["commune_id"])
        sev = np.concatenate([np.full(b["n"], Severity(b["severity"]).rank) for b in self.blocks])
        kind = np.concatenate([np.full(b["n"], KIND_ORDER.get(b["code"], -1)) for b in self.blocks])
        order = np.lexsort((kind, rank, sev))
        data = {c: K.text(col[c][order]) for c in ("severity", "code", *FIELDS) if c != "row"}
        data["message"] = K.text(messages[order])
        data["row"] = pd.array(col["row"][order].tolist(), dtype="Int64")
        return pd.DataFrame(data, columns=COLUMNS)


def _words(detail: np.ndarray, written: np.ndarray) -> np.ndarray:
    """The plan's words for gaps: the detail, prefixed by the name as written when that adds
    something (worked out once per distinct pair)."""
    dc, du = K.codes(detail)
    wc, wu = K.codes(written)
    uniq, at, pair = np.unique(dc * (len(wu) + 1) + wc, return_index=True, return_inverse=True)
    words = []
    for i in at.tolist():
        d, w = str(du[dc[i]]).strip(), str(wu[wc[i]]).strip()
        words.append(f"{w}: {d}" if d and w and w not in d else (d or w))
    return np.array(words, dtype=object)[pair] if len(words) else np.zeros(0, dtype=object)


def _when(ordinals: np.ndarray) -> np.ndarray:
    """Quarters as phrases, one object per distinct quarter (rendered once)."""
    codes, uniq = pd.factorize(ordinals)
    phrases = np.empty(len(uniq), dtype=object)
    phrases[:] = [When(q) for q in from_ordinals(uniq)]
    return phrases[codes] if len(codes) else phrases


class _Gaps:
    """Columns of the propagated gaps as arrays, read once."""

    def __init__(self, run: Analysis):
        p = self.frame = run.propagated
        self.commune = run.open_commune
        self.code = p["criterion_code"].to_numpy(dtype=object)
        self.due = to_ordinals(p["due"])
        self.eff = to_ordinals(p["effective_due"])
        self.words = _words(p["detail"].to_numpy(dtype=object), p["written_as"].to_numpy(dtype=object))
        self.written = p["written_as"].to_numpy(dtype=object)
        self.source = p["due_source"].to_numpy(dtype=object)

    def fields(self, rows: np.ndarray) -> dict[str, Any]:
        p = self.frame
        return {"commune_id": p["commune_id"].to_numpy(dtype=object)[rows],
                "commune": p["commune"].to_numpy(dtype=object)[rows], "written_as": self.words[rows],
                "sheet": p["sheet"].to_numpy(dtype=object)[rows], "row": p["row"].to_numpy()[rows]}


def quality(plan_or_run, as_of: AsOf = None, review_lag: int = DEFAULT_REVIEW_LAG, lang: str = "vi") -> pd.DataFrame:
    """Every finding (see the module docstring), messages in ``lang``."""
    run = run_of(plan_or_run, as_of)
    found = _Found()
    _loaded(found, run)
    g = _Gaps(run)
    _conflicts(found, g)
    _cycles(found, g)
    _conditions(found, run)
    _no_ocop_waiting(found, run)
    _deadlines(found, run, g)
    proj = run.projection(review_lag)
    _unlisted(found, proj)
    _model_missing_advanced(found, run, g)
    _no_slack(found, run, g, proj)
    _indicator_contradictions(found, run)
    return found.frame(run, lang)


def _indicator_contradictions(found: _Found, run: Analysis) -> None:
    """Measured values that contradict the plan's own statuses (see
    :func:`~.indicators.criterion_contradictions`)."""
    from .indicators import criterion_contradictions

    if run.plan.quantities.empty:
        return
    for r in criterion_contradictions(run).itertuples(index=False):
        key = "indicator_not_met_criterion_met" if r.kind == "stated_met" else "indicators_met_criterion_missing"
        found.add(1, Severity.WARNING, "indicator_contradiction", {"code": r.criterion_code,
                                                                   "indicators": "; ".join(r.indicators)},
                  key=key, commune=r.commune, commune_id=r.commune_id, criterion_code=r.criterion_code,
                  written_as="; ".join(r.indicators), sheet="Số liệu")


def _loaded(found: _Found, run: Analysis) -> None:
    """The warnings found when the workbook was loaded."""
    c = run.plan.communes
    ids = dict(zip(c["commune"].tolist()[::-1], c["commune_id"].tolist()[::-1]))  # a name's first commune
    for w in run.plan.warnings:
        found.add(1, w.severity, w.code, w.params, key=w.key or w.code, commune=w.commune,
                  commune_id=w.commune_id or ids.get(w.commune, ""), written_as=w.value, sheet=w.sheet, row=w.row)


def _conflicts(found: _Found, g: _Gaps) -> None:
    """A waiting gap due before its prerequisite: one finding per prerequisite."""
    p = g.frame
    rows = np.flatnonzero(p["schedule_conflict"].to_numpy(dtype=bool))
    if not len(rows):
        return
    key = pd.Index(p["gap_id"].to_numpy(dtype=object))
    cid = p["commune_id"].to_numpy(dtype=object)
    at, other = [], []
    for i, codes in zip(rows.tolist(), p["conflict_with"].to_numpy(dtype=object)[rows].tolist()):
        at += [i] * len(codes)
        other += list(codes)
    at = np.array(at, dtype=np.int64)
    j = key.get_indexer([gap_id(c, o) for c, o in zip(cid[at].tolist(), other)])
    quarter = _when
    found.add(len(at), Severity.WARNING, "schedule_conflict",
              {"code": g.code[at], "due": quarter(g.due[at]), "other": other, "other_due": quarter(g.eff[j]),
               "effective": quarter(g.eff[at])}, criterion_code=g.code[at], **g.fields(at))


def _cycles(found: _Found, g: _Gaps) -> None:
    rows = np.flatnonzero(g.frame["in_cycle"].to_numpy(dtype=bool))
    waits = [", ".join(w) for w in g.frame["prerequisites"].to_numpy(dtype=object)[rows]]
    found.add(len(rows), Severity.WARNING, "dependency_cycle", {"code": g.code[rows], "waits": waits},
              criterion_code=g.code[rows], **g.fields(rows))


def _conditions(found: _Found, run: Analysis) -> None:
    """Rules whose condition the catalogue does not define are not applied: say so."""
    valid = run.catalogue.condition_names()
    d = run.plan.dependencies
    bad = d.loc[~d["when"].replace("", "always").isin(valid)]
    found.add(len(bad), Severity.WARNING, "unknown_condition",
              {"waiting": bad["waiting"].array, "on": bad["on"].array, "when": bad["when"].array,
               "valid": ", ".join(valid)},
              commune_id=bad["commune_id"].array, commune=bad["commune"].array, criterion_code=bad["waiting"].array,
              written_as=bad["reason"].array)


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
    gap_index = pd.Index(g["gap_id"].to_numpy(dtype=object))
    words = _words(g["detail"].to_numpy(dtype=object), g["written_as"].to_numpy(dtype=object))
    reasons = dict(zip(zip(cat.dependencies["waiting"], cat.dependencies["on"]), cat.dependencies["reason_en"]))
    for r in rules.to_dict("records"):
        scope = without if not r["commune_id"] else without.loc[without["commune_id"] == r["commune_id"]]
        ids = scope["commune_id"].to_numpy(dtype=object)
        hit = ~pd.Index(ids + f"|{r['waiting']}" if len(ids) else []).isin(gap_index)
        ids, names = ids[hit], scope["commune"].to_numpy(dtype=object)[hit]
        pre = gap_index.get_indexer(ids + f"|{r['on']}") if len(ids) else np.zeros(0, np.int64)
        has = pre >= 0
        reason = Both(r["reason"], reasons.get((r["waiting"], r["on"]), "") if r["source"] == "catalogue" else "")
        found.add(len(ids), Severity.WARNING, "no_ocop_no_waiting_gap",
                  {"waiting": r["waiting"], "name": Criterion(cat, r["waiting"], "name"), "reason": reason},
                  commune_id=ids, commune=names, criterion_code=r["waiting"],
                  written_as=np.where(has, words[np.maximum(pre, 0)] if len(words) else "", ""),
                  sheet=np.where(has, g["sheet"].to_numpy(dtype=object)[np.maximum(pre, 0)] if len(g) else "", ""),
                  row=np.where(has, g["row"].to_numpy(dtype=object)[np.maximum(pre, 0)] if len(g) else None, None))


def _deadlines(found: _Found, run: Analysis, g: _Gaps) -> None:
    """Communes with no deadline at all; undated gaps among dated ones."""
    n = len(run.commune_index)
    pc, undated = g.commune, g.due == NAT
    n_all = K.count(pc, n)
    none = (n_all > 0) & (K.count(pc, n, undated) == n_all)
    in_none = (pc >= 0) & none[np.maximum(pc, 0)]
    first = np.full(n, -1, dtype=np.int64)
    u, i = np.unique(pc[pc >= 0], return_index=True)
    first[u] = np.flatnonzero(pc >= 0)[i]
    groups = np.flatnonzero(none)
    rows = first[groups]
    written = K.lists(np.where(in_none, pc, -1), g.written, n, unique=True)
    fields = g.fields(rows)
    fields["written_as"] = ["; ".join(w) for w in written[groups]]
    found.add(len(rows), Severity.WARNING, "no_deadline", {"n": n_all[groups]}, **fields)
    rows = np.flatnonzero(undated & ~in_none)
    found.add(len(rows), Severity.INFO, "undated_gap", {"code": g.code[rows]}, criterion_code=g.code[rows],
              **g.fields(rows))


def _unlisted(found: _Found, proj: pd.DataFrame) -> None:
    lists = proj["unlisted_model"].to_numpy(dtype=object)
    rows = np.flatnonzero(np.fromiter((len(u) > 0 for u in lists), dtype=bool, count=len(lists)))
    codes = [", ".join(u) for u in lists[rows]]
    found.add(len(rows), Severity.WARNING, "unlisted_model_requirement", {"codes": codes},
              commune_id=proj["commune_id"].to_numpy(dtype=object)[rows],
              commune=proj["commune"].to_numpy(dtype=object)[rows], criterion_code=codes)


def _model_missing_advanced(found: _Found, run: Analysis, g: _Gaps) -> None:
    """A commune aiming at the model level that still misses criteria of the set."""
    n = len(run.commune_index)
    c = run.plan.communes
    pc = g.commune
    model = (c["target_level"] == (run.catalogue.model_level or Level.MODEL)).to_numpy()
    adv = (pc >= 0) & model[np.maximum(pc, 0)] & (g.frame["requirement"] == Requirement.CRITERION).to_numpy() \
        if len(pc) else np.zeros(0, dtype=bool)
    ids = np.where(adv, pc, -1)
    codes = K.lists(ids, g.code, n, unique=True)
    written = K.lists(ids, g.written, n, unique=True)
    first = np.full(n, -1, dtype=np.int64)
    u, i = np.unique(pc[adv], return_index=True)
    first[u] = np.flatnonzero(adv)[i]
    groups = np.flatnonzero(first >= 0)
    fields = g.fields(first[groups])
    fields["written_as"] = ["; ".join(w) for w in written[groups]]
    found.add(len(groups), Severity.INFO, "model_missing_advanced", {"n": [len(codes[k]) for k in groups]},
              criterion_code=[", ".join(codes[k]) for k in groups], **fields)


def _no_slack(found: _Found, run: Analysis, g: _Gaps, proj: pd.DataFrame) -> None:
    """On track, but the last gap is due in the target year's last quarter."""
    fin = to_ordinals(proj["finish"])
    target = proj["target_year"].to_numpy(dtype=float, na_value=np.nan)
    tight = np.flatnonzero((proj["status"] == Status.ON_TRACK).to_numpy() & (fin != NAT)
                           & (quarter_of_year(fin) == 4) & (year_of(fin) == target))
    if not len(tight):
        return
    n = len(run.commune_index)
    pc = g.commune
    at = np.full(n, NAT, dtype=np.int64)
    at[tight] = fin[tight]
    last = (pc >= 0) & (g.eff != NAT) & (g.eff == at[np.maximum(pc, 0)])
    ids = np.where(last, pc, -1)
    codes = K.lists(ids, g.code, n)
    words = K.lists(ids, g.words, n)
    inferred = (K.count(ids, n) > 0) & (K.count(ids, n, ~np.isin(g.source, list(DueSource.inferred()))) == 0)
    half = K.count(ids, n, g.source == DueSource.HALF_YEAR) > 0  # inferred from "6 tháng cuối năm"
    first = np.full(n, -1, dtype=np.int64)
    u, i = np.unique(pc[last], return_index=True)
    first[u] = np.flatnonzero(last)[i]
    f = first[tight]
    p = g.frame
    found.add(len(tight), Severity.WARNING, "no_slack",
              {"due": _when(fin[tight]), "year": target[tight].astype(np.int64)},
              key=np.where(inferred[tight], np.where(half[tight], "no_slack_half_year", "no_slack_inferred"),
                           "no_slack"),
              commune_id=proj["commune_id"].to_numpy(dtype=object)[tight],
              commune=proj["commune"].to_numpy(dtype=object)[tight],
              criterion_code=[", ".join(codes[k]) for k in tight],
              written_as=["; ".join(words[k][:3]) for k in tight],
              sheet=np.where(f >= 0, p["sheet"].to_numpy(dtype=object)[np.maximum(f, 0)] if len(p) else "", ""),
              row=np.where(f >= 0, p["row"].to_numpy(dtype=object)[np.maximum(f, 0)] if len(p) else None, None))
