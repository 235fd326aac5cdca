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

from functools import lru_cache

import numpy as np
import pandas as pd

from ..plan import Plan
from ..quarters import format_quarter
from .dependencies import _NAT, CONDITIONS, NO_PRODUCT, _ocop_status, _propagate
from .gaps import AsOf, _commune_rank, _factorize, _first_rows, _group_join
from .projection import projection

COLUMNS = ["severity", "code", "commune", "criterion_code", "message", "written_as", "sheet", "row"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _words_of(detail: object, written: object) -> str:
    """The plan's words for a gap: its detail, prefixed by the name as written when that adds something."""
    detail = str(detail or "").strip()
    written = str(written or "").strip()
    if detail and written and written not in detail:
        return f"{written}: {detail}"
    return detail or written


def _words(g: dict) -> str:
    return _words_of(g.get("detail"), g.get("written_as"))


def _row(row: object) -> int | None:
    return None if row is None or pd.isna(row) else int(row)


def _finding(severity: str, code: str, commune: str = "", criterion_code: str = "", message: str = "",
             written_as: str = "", sheet: str = "", row: object = None) -> dict:
    return {"severity": severity, "code": code, "commune": commune, "criterion_code": criterion_code,
            "message": message, "written_as": written_as, "sheet": sheet, "row": _row(row)}


def _validation(plan: Plan) -> list[dict]:
    out = []
    for w in plan.warnings or ():
        d = w.to_dict() if hasattr(w, "to_dict") else dict(w)
        out.append(_finding(d.get("severity", "warning"), d.get("code") or "validation", "", "",
                            d.get("message", ""), str(d.get("value", "")), d.get("sheet", ""),
                            d.get("row")))
    return out


@lru_cache(maxsize=4096)
def _quarter_words(ordinal: int | None) -> str:
    """:func:`format_quarter` of a quarter ordinal (``None`` or NaT: no deadline)."""
    if ordinal is None or ordinal == _NAT:
        return format_quarter(None)
    return format_quarter(pd.Period(ordinal=ordinal, freq="Q-DEC"))


class _Gaps:
    """A gap table's columns read once as object arrays (periods as ordinals), and the
    finding fields taken from its rows."""

    def __init__(self, df: pd.DataFrame) -> None:
        self.df = df
        self._cache: dict[str, np.ndarray] = {}

    def __getitem__(self, col: str) -> np.ndarray:
        if col not in self._cache:
            s = self.df[col]
            self._cache[col] = (np.asarray(s.array.asi8) if isinstance(s.dtype, pd.PeriodDtype)
                                else s.to_numpy(dtype=object))
        return self._cache[col]

    def words(self, idx: np.ndarray) -> list[str]:
        cols = self.df.columns
        d = self["detail"][idx].tolist() if "detail" in cols else [None] * len(idx)
        w = self["written_as"][idx].tolist() if "written_as" in cols else [None] * len(idx)
        # no detail (the usual case): the name as written
        return [b.strip() if a == "" and type(b) is str else _words_of(a, b) for a, b in zip(d, w)]

    def sheets(self, idx: np.ndarray) -> list[str]:
        return [v if type(v) is str else str(v or "") for v in self["sheet"][idx].tolist()]

    def rows(self, idx: np.ndarray) -> list[int | None]:
        if self.df["row"].dtype == np.int64:
            return self.df["row"].to_numpy()[idx].tolist()
        return [_row(v) for v in self["row"][idx].tolist()]

    def fields(self, idx: np.ndarray) -> dict[str, list]:
        """``written_as, sheet, row`` of the gaps at ``idx``."""
        return {"written_as": self.words(idx), "sheet": self.sheets(idx), "row": self.rows(idx)}


class _Findings:
    """Findings gathered as blocks of columns, in the order found."""

    def __init__(self) -> None:
        self.blocks: list[dict[str, np.ndarray]] = []

    def add(self, **block: object) -> None:
        """One block: ``COLUMNS`` as sequences of equal length, or scalars repeated."""
        n = max(len(v) for v in block.values() if not isinstance(v, (str, type(None))))
        out = {}
        for c in COLUMNS:
            v = block.get(c, "" if c != "row" else None)
            if isinstance(v, (str, type(None))):
                out[c] = np.full(n, v, dtype=object)
            else:
                out[c] = np.empty(n, dtype=object)
                out[c][:] = v
        self.blocks.append(out)

    def extend(self, found: list[dict]) -> None:
        if found:
            self.add(**{c: [f[c] for f in found] for c in COLUMNS})

    def frame(self, plan: Plan) -> pd.DataFrame:
        """Errors first, then warnings, then notes; within each, plan order, then kind."""
        cols = {c: np.concatenate([b[c] for b in self.blocks]) if self.blocks else np.zeros(0, dtype=object)
                for c in COLUMNS}
        rank = _commune_rank(plan)
        order = np.lexsort((
            _lookup(cols["code"], KIND_ORDER, -1),
            _lookup(cols["commune"], rank, -1),
            _lookup(cols["severity"], SEVERITY_ORDER, 3),
        ))
        data = {c: pd.array(cols[c][order], dtype="str").fillna("") for c in COLUMNS if c != "row"}
        data["row"] = pd.array(cols["row"][order].tolist(), dtype="Int64")
        return pd.DataFrame(data, columns=COLUMNS)


def _lookup(values: np.ndarray, table: dict, default: int) -> np.ndarray:
    """``table[v]`` for each value (``default`` when missing), looked up once per distinct value."""
    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    return np.array([table.get(u, default) for u in uniq.tolist()], dtype=np.int64)[codes] if len(uniq) \
        else np.zeros(len(values), dtype=np.int64)


def quality(plan: Plan, as_of: AsOf = None, review_lag: int = 0) -> pd.DataFrame:
    """All findings, errors first, then warnings, then notes, in plan order.

    >>> # quality(plan)["code"].value_counts()
    """
    found = _Findings()
    found.extend(_validation(plan))
    done: dict = {}
    prop = _propagate(plan, as_of, done)
    P = _Gaps(prop)
    commune = P["commune"]
    code = prop["criterion_code"].astype(str).to_numpy(dtype=object)
    _conflicts(found, prop, P, code)
    rows = np.flatnonzero(prop["in_cycle"].to_numpy(dtype=bool))
    if len(rows):
        found.add(severity="warning", code="dependency_cycle", commune=commune[rows],
                  criterion_code=P["criterion_code"][rows],
                  message=[f"Tiêu chí {k} nằm trong vòng phụ thuộc (chờ {w}), không thể xác định thời hạn"
                           for k, w in zip(P["criterion_code"][rows].tolist(), P["prerequisites"][rows].tolist())],
                  **P.fields(rows))

    rules = plan.dependencies
    when = rules["when"].fillna("always").replace("", "always")
    unknown = []
    for r in rules.loc[~when.isin(CONDITIONS)].to_dict("records"):
        unknown.append(_finding(
            "warning", "unknown_condition", r.get("commune") or "", str(r["waiting"]),
            f"Quy tắc phụ thuộc '{r['waiting']} chờ {r['on']}' có điều kiện '{r['when']}' không "
            f"hiểu được (điều kiện hợp lệ: {', '.join(CONDITIONS)}); quy tắc không được áp dụng",
            str(r.get("reason") or ""), "", None))
    found.extend(unknown)
    ocop_rules = rules.loc[when == "no_ocop_product"]
    if len(ocop_rules):
        _no_ocop_waiting(found, plan, ocop_rules, _ocop_status(plan, done))

    # per commune: no deadline at all, undated gaps among dated ones
    (pc,), uniq = _factorize(commune)
    k = len(uniq)
    undated = P["due"] == _NAT
    n_all = np.bincount(pc[pc >= 0], minlength=k)
    none_group = np.bincount(pc[(pc >= 0) & undated], minlength=k) == n_all
    in_none = (pc >= 0) & none_group[np.maximum(pc, 0)] if k else np.zeros(len(pc), dtype=bool)
    first = _first_rows(pc)
    first = first[none_group[pc[first]]] if len(first) else first
    if len(first):
        words = _group_join(np.where(in_none, pc, -1), P["written_as"], k, "; ")
        groups = pc[first]
        found.add(severity="warning", code="no_deadline", commune=commune[first],
                  message=[f"Xã còn {n} tiêu chí nhưng kế hoạch không ghi thời hạn nào"
                           for n in n_all[groups].tolist()],
                  written_as=words[groups], sheet=P.sheets(first), row=P.rows(first))
    rows = np.flatnonzero(undated & ~in_none)
    if len(rows):
        found.add(severity="info", code="undated_gap", commune=commune[rows],
                  criterion_code=P["criterion_code"][rows],
                  message=[f"Tiêu chí {c} không có thời hạn (các tiêu chí khác của xã có)"
                           for c in P["criterion_code"][rows].tolist()],
                  **P.fields(rows))

    proj = projection(plan, review_lag=review_lag, as_of=as_of, propagated=prop)
    unlisted = proj["unlisted_model"].to_numpy(dtype=object)
    rows = np.flatnonzero(unlisted != "")
    if len(rows):
        found.add(severity="warning", code="unlisted_model_requirement",
                  commune=proj["commune"].to_numpy(dtype=object)[rows], criterion_code=unlisted[rows],
                  message=[f"Điều kiện kiểu mẫu {u} chưa đạt nhưng không có dòng trong Chi tiết"
                           for u in unlisted[rows].tolist()])

    c = plan.communes
    model = c["commune"].to_numpy(dtype=object)[c["target_level"].to_numpy(dtype=object) == "kieu_mau"]
    adv = np.flatnonzero(prop["commune"].isin(set(model.tolist())).to_numpy()
                         & (P["requirement"] == "criterion") & (pc >= 0))
    if len(adv):
        ids = np.full(len(pc), -1, dtype=np.int64)
        ids[adv] = pc[adv]
        codes = _group_join(ids, code, k, ", ")
        words = _group_join(ids, P["written_as"], k, "; ")
        n_adv = np.bincount(pc[adv], minlength=k)
        first = adv[_first_rows(_factorize(commune[adv])[0][0])]  # each commune's first such gap
        groups = pc[first]
        found.add(severity="info", code="model_missing_advanced", commune=commune[first],
                  criterion_code=codes[groups],
                  message=[f"Xã phấn đấu kiểu mẫu còn thiếu {n} tiêu chí xã NTM nâng cao"
                           for n in n_adv[groups].tolist()],
                  written_as=words[groups], sheet=P.sheets(first), row=P.rows(first))
    _no_slack(found, proj, P, pc, uniq, code)
    return found.frame(plan)


def _conflicts(found: _Findings, prop: pd.DataFrame, P: _Gaps, code: np.ndarray) -> None:
    """A waiting gap due before its prerequisite: one finding per prerequisite."""
    rows = np.flatnonzero(prop["schedule_conflict"].to_numpy(dtype=bool))
    if not len(rows):
        return
    commune = P["commune"]
    mine = np.flatnonzero(prop["commune"].isin(set(commune[rows].tolist())).to_numpy())
    eff_by_gap = dict(zip(zip(commune[mine].tolist(), code[mine].tolist()), P["effective_due"][mine].tolist()))
    idx, msgs = [], []
    for i, c, k, due, eff, conflict in zip(rows.tolist(), commune[rows].tolist(), P["criterion_code"][rows].tolist(),
                                           P["due"][rows].tolist(), P["effective_due"][rows].tolist(),
                                           P["conflict_with"][rows].tolist()):
        for other in conflict.split(";"):
            idx.append(i)
            msgs.append(f"Tiêu chí {k} hạn {_quarter_words(due)} nhưng phải chờ tiêu chí {other} (hạn "
                        f"{_quarter_words(eff_by_gap.get((c, other)))}): hạn thực tế lùi đến "
                        f"{_quarter_words(eff)}")
    at = np.array(idx, dtype=np.int64)
    found.add(severity="warning", code="schedule_conflict", commune=commune[at],
              criterion_code=P["criterion_code"][at], message=msgs, **P.fields(at))


def _no_ocop_waiting(found: _Findings, plan: Plan, ocop_rules: pd.DataFrame, st: pd.DataFrame) -> None:
    """No OCOP product, but the gap waiting on it (criterion 8) is not listed at all."""
    without = st.loc[st["ocop_status"].isin(NO_PRODUCT), "commune"].tolist()
    G = _Gaps(plan.gaps)
    gcode = plan.gaps["criterion_code"].astype(str).to_numpy(dtype=object)
    recs = ocop_rules.to_dict("records")
    sel = np.flatnonzero(pd.Index(gcode).isin({str(r["waiting"]) for r in recs}))
    listed = set(zip(G["commune"][sel].tolist(), gcode[sel].tolist()))
    first_gap: dict[tuple[str, str], int] = {}
    sel = np.flatnonzero(pd.Index(gcode).isin(set(ocop_rules["on"].astype(str))))
    for key, i in zip(zip(G["commune"][sel].tolist(), gcode[sel].tolist()), sel.tolist()):
        first_gap.setdefault(key, i)
    for r in recs:
        scope = [c for c in without if not (r.get("commune") or "") or c == r["commune"]]
        waiting, on = str(r["waiting"]), str(r["on"])
        hits = [c for c in scope if (c, waiting) not in listed]
        if not hits:
            continue
        pre = np.array([first_gap.get((c, on), -1) for c in hits], dtype=np.int64)
        has = pre >= 0
        fields = {"written_as": np.full(len(hits), "", dtype=object), "sheet": np.full(len(hits), "", dtype=object),
                  "row": np.full(len(hits), None, dtype=object)}
        if has.any():
            for name, values in G.fields(pre[has]).items():
                fields[name][has] = values
        found.add(severity="warning", code="no_ocop_no_waiting_gap", commune=hits, criterion_code=waiting,
                  message=(f"Xã chưa có sản phẩm OCOP được chứng nhận nhưng kế hoạch không nêu tiêu chí "
                           f"{r['waiting']} ({plan.catalogue.name(waiting)}) còn thiếu: {r['reason']}").strip(),
                  **fields)


def _no_slack(found: _Findings, proj: pd.DataFrame, P: _Gaps, pc: np.ndarray, uniq: np.ndarray,
              code: np.ndarray) -> None:
    """On track, but the last gap is due in the target year's last quarter."""
    fin = np.asarray(proj["finish"].array.asi8)
    target = proj["target_year"].to_numpy(dtype=float, na_value=np.nan)
    tight = np.flatnonzero((proj["status"].to_numpy(dtype=object) == "on_track") & (fin != _NAT) & (fin % 4 == 3)
                           & (fin // 4 + 1970 == target))
    if not len(tight):
        return
    k = len(uniq)
    tc = proj["commune"].to_numpy(dtype=object)[tight]
    finish_of = dict(zip(tc.tolist(), fin[tight].tolist()))
    fo = np.array([finish_of.get(u, _NAT) for u in uniq.tolist()], dtype=np.int64)
    at = fo[np.maximum(pc, 0)] if k else np.full(len(pc), _NAT, dtype=np.int64)
    last = np.flatnonzero((pc >= 0) & (at != _NAT) & (P["effective_due"] == at))
    ids = np.full(len(pc), -1, dtype=np.int64)
    ids[last] = pc[last]
    n_last = np.bincount(pc[last], minlength=k)
    inferred = (n_last > 0) & (np.bincount(pc[last][P["due_source"][last] != "year-only"], minlength=k) == 0)
    # the first three gaps' words, and the first gap's sheet and row
    nth = np.zeros(len(last), dtype=np.int64)
    if len(last):
        order = np.argsort(pc[last], kind="stable")
        g = pc[last][order]
        start = np.searchsorted(g, g)
        nth[order] = np.arange(len(last)) - start
    top = last[nth < 3]
    ids_top = np.full(len(pc), -1, dtype=np.int64)
    ids_top[top] = pc[top]
    words = np.full(len(pc), "", dtype=object)
    words[top] = P.words(top)
    words = _group_join(ids_top, words, k, "; ", unique=False)  # the same words may repeat: all kept
    first_row = last[nth == 0]
    sheet = np.full(k, "", dtype=object)
    row = np.full(k, None, dtype=object)
    sheet[pc[first_row]] = P.sheets(first_row)
    row[pc[first_row]] = P.rows(first_row)
    group = pd.Index(uniq).get_indexer(tc) if k else np.full(len(tc), -1)
    g = np.where(group >= 0, group, k)  # k: no gap found, nothing to name
    pad = lambda a, v: np.concatenate([a, np.array([v], dtype=a.dtype)])  # noqa: E731
    codes = pad(_group_join(ids, code, k, ", ", unique=False), "")[g]
    inferred = pad(inferred, False)[g]
    years = proj["target_year"].array[tight].tolist()
    found.add(severity="warning", code="no_slack", commune=tc, criterion_code=codes,
              message=[f"Tiêu chí cuối cùng hạn {_quarter_words(f)}, quý cuối của năm phấn đấu {y}: không còn "
                       f"thời gian dự phòng" + (" (hạn suy ra từ 'trong năm')" if i else "")
                       for f, y, i in zip(fin[tight].tolist(), years, inferred.tolist())],
              written_as=pad(words, "")[g], sheet=pad(sheet, "")[g], row=pad(row, None)[g])


KIND_ORDER = {k: i for i, k in enumerate([
    "schedule_conflict", "dependency_cycle", "unknown_condition", "no_ocop_no_waiting_gap",
    "no_deadline", "unlisted_model_requirement", "no_slack", "model_missing_advanced", "undated_gap"])}
