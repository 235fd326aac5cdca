"""One small reader per sheet: a raw table in, typed columns out, every problem a finding
naming the sheet, row and column. Each works column-wise: distinct values are resolved
once (:mod:`.context`), rows are handled as arrays.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import config
from ..core.findings import Both, Criterion, Finding, Word
from ..core.names import commune_key, fold, nfc
from ..core.numbers import parse_count, parse_number, parse_year
from ..core.quarters import NAT
from ..core.vocab import Level, Requirement, RuleSource
from ..tables.schema import INFO_KEYS, LEVEL_WORDS, OCOP_WORDS, REQUIREMENT_WORDS, SHEETS, status_word
from .context import Context, distinct, is_date, objects, pair_codes, per_value, problem, take
from .sheets import Missing, RawTable

GAP_KEYS = ("commune_id", "code", "written_as", "match_method", "detail", "due", "inferred", "due_written",
            "waits_on", "sheet", "row")


def _text(values) -> np.ndarray:
    """NFC text of each value (once per distinct value)."""
    if isinstance(values, Missing):
        return np.full(len(values), "", dtype=object)
    codes, uniq = distinct(values)
    return take([nfc(u) for u in uniq], codes)


def empty_gaps() -> dict[str, np.ndarray]:
    return {k: np.empty(0, dtype=np.int64 if k in ("due", "row") else object) for k in GAP_KEYS}


def concat_gaps(*parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.concatenate([p[k] for p in parts]) for k in GAP_KEYS}


# ------------------------------------------------------------------------- info
def read_info(t: RawTable | None, file: str) -> tuple[dict[str, Any], list[Finding]]:
    """The ``Thông tin`` sheet as meta data (district, province, plan year, catalogue…)."""
    info: dict[str, Any] = {}
    if t is None:  # say what is assumed instead
        from ..criteria.catalogue import load_catalogue

        cat = load_catalogue(config.DEFAULT_CATALOGUE)
        return info, [Finding("warning", "no_info_sheet", params={"sheet": SHEETS["info"].name,
                                                                  "catalogue": Both(cat.title, cat.title_en)},
                              file=file, sheet=SHEETS["info"].name)]
    labels = {fold(v): k for k, v in INFO_KEYS.items()} | {fold(k): k for k in INFO_KEYS}
    rows = {}
    for item, value, row in zip(t.column("item"), t.column("value"), t.column("_row")):
        key = labels.get(fold(item))
        value = nfc(value) if isinstance(value, str) else value
        if key and value is not None and value != "":  # an item left blank is not stated
            info[key] = value
            rows.setdefault(key, row)
    found = []
    if info.get("plan_year") not in (None, ""):
        year, bad = parse_year(info["plan_year"])
        if bad:
            sheet = SHEETS["info"]
            found.append(Finding("warning", "bad_plan_year", file=file, sheet=sheet.name, row=rows["plan_year"],
                                 column=sheet.column("value").header, value=str(info["plan_year"])))
        info["plan_year"] = year
    return info, found


# ---------------------------------------------------------------------- communes
COMMUNE_TEXT = ("plan_section", "section_title", "original_target_written", "stated_met_written",
                "stated_missing_written", "source_text", "note")


def _years(ctx: Context, t: RawTable, column: str, required: bool, keep: np.ndarray) -> np.ndarray:
    sheet, rows = t.sheet, t.column("_row")

    def read(v: Any):
        year, bad = parse_year(v)
        if bad == "missing":
            return year, [problem("error", "missing_value", column, "", "missing_year")] if required else []
        return year, [problem("error", "bad_value", column, v, "bad_year")] if bad else []

    codes, uniq = distinct(t.column(column))
    out = [read(u) for u in uniq]
    ctx.place_all(sheet, np.where(keep, codes, -1), [p for _, p in out], rows)
    return take([y for y, _ in out], codes)


def group_code(written: object) -> str:
    """A commune group as written ("Nhóm 1", "nhom 2", "3") → its code ("1", "2", "3").

    >>> group_code("Nhóm 1"), group_code(" 3 "), group_code("")
    ('1', '3', '')
    """
    key = fold(written)
    return key[5:].strip() if key.startswith("nhom ") else key


def read_communes(ctx: Context, t: RawTable) -> dict[str, Any]:
    """One row per commune: names, levels, years, the stated counts. Blank and repeated
    names are errors (the row is left out)."""
    sheet, rows = t.sheet, t.column("_row")
    names = _text(t.column("commune"))
    blank = names == ""
    for row in rows[blank].tolist():
        ctx.add("error", "missing_value", sheet, row, "commune", "", "missing_commune")
    keys = np.array([commune_key(n) for n in names.tolist()], dtype=object)
    first = pd.Series(rows).groupby(keys).transform("first").to_numpy() if len(rows) else rows
    repeated = ~blank & (first != rows)
    for row, name, at in zip(rows[repeated].tolist(), names[repeated].tolist(), first[repeated].tolist()):
        ctx.add("error", "duplicate_row", sheet, row, "commune", name, "duplicate_commune", row=at)
    keep = ~blank & ~repeated
    level_raw = t.column("target_level")
    codes, uniq = distinct(level_raw)
    levels = take([LEVEL_WORDS.get(fold(u)) for u in uniq], codes)
    for row, v in zip(rows[keep & (levels == None)].tolist(), level_raw[keep & (levels == None)].tolist()):  # noqa: E711
        ctx.add("error", "bad_value", sheet, row, "target_level", v, "bad_level")
    years = _years(ctx, t, "target_year", True, keep)
    origs = _years(ctx, t, "original_target_year", False, keep)
    met = take(*_counts(t.column("stated_met_written")))
    miss = take(*_counts(t.column("stated_missing_written")))
    return {
        "commune": names[keep], **{k: _text(t.column(k))[keep] for k in COMMUNE_TEXT},
        "group": np.array([group_code(g) for g in _text(t.column("group"))[keep].tolist()], dtype=object),
        "target_level": np.where(levels[keep] == None, "", levels[keep]),  # noqa: E711
        "target_year": years[keep], "original_target_year": origs[keep],
        "stated_met": [m[0] if m else None for m in met[keep]],
        "stated_total": [m[1] if m else None for m in met[keep]],
        "stated_missing": [m[0] if m else None for m in miss[keep]],
        "_row": rows[keep],
    }


def _counts(values) -> tuple[list, np.ndarray]:
    codes, uniq = distinct(values)
    return [parse_count(u) for u in uniq], codes


# ------------------------------------------------------------------------- items
def _item_codes(ctx: Context, canon: str, written: str) -> tuple[tuple[str, ...], str, list]:
    """Codes of an item: the normalised column when filled, else the words as written."""
    if not canon:
        return ctx.codes_of(written, "criterion_written")
    codes, method, problems = ctx.codes_of(canon, "criterion")
    if written and codes:
        wm = ctx.cat.match(written)
        if wm.ok and set(wm.codes) != set(codes):
            problems = problems + [problem("warning", "criterion_mismatch", "criterion_written", written,
                                           written=", ".join(wm.codes), codes=", ".join(codes))]
        elif not wm.ok:  # the plan's words name no criterion: say which one is used
            problems = problems + [problem("warning", "criterion_written_unread", "criterion_written", written,
                                           codes=", ".join(codes))]
        method = wm.method if wm.ok and set(wm.codes) == set(codes) else method
    return codes, method, problems


def _matched(ctx: Context, t: RawTable, canon: np.ndarray, written: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's criterion codes (tuples) and match method, once per (canonical, written) pair."""
    cc, cu = distinct(canon)
    wc, wu = distinct(written)
    codes, first = pair_codes(cc, wc)
    out = [_item_codes(ctx, cu[cc[i]], wu[wc[i]]) for i in first.tolist()]
    ctx.place_all(t.sheet, codes, [r[2] for r in out], t.column("_row"))
    return take([r[0] for r in out], codes), take([r[1] for r in out], codes)


def _explode(codes: np.ndarray, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows (positions) and codes, one per code of each kept row ("A và B" names two)."""
    n = np.fromiter((len(c) for c in codes), dtype=np.int64, count=len(codes)) * keep
    at = np.repeat(np.arange(len(codes)), n)
    flat = np.fromiter((c for tup, k in zip(codes.tolist(), n.tolist()) if k for c in tup), dtype=object,
                       count=int(n.sum()))
    return at, flat


def _waits(ctx: Context, t: RawTable, keep: np.ndarray) -> np.ndarray:
    """Each row's stated prerequisites (``Chờ tiêu chí``): tuples of codes."""
    raw = _text(t.column("waits_on"))
    out = objects([()] * len(raw))
    has = np.flatnonzero(keep & (raw != ""))
    if len(has):
        got = ctx.codes(t.sheet, [raw[i].replace(",", ";") for i in has], t.column("_row")[has], "waits_on")
        for i, codes in zip(has.tolist(), got):
            out[i] = codes
    return out


def read_items(ctx: Context, t: RawTable, index, level_of: dict[str, str], plan_year: int | None,
               names: dict[str, str]) -> tuple[dict[str, np.ndarray], list[dict]]:
    """The gaps the detail sheet lists, and the dependency rules its ``Chờ tiêu chí`` states."""
    sheet, cat, rows = t.sheet, ctx.cat, t.column("_row")
    cids = ctx.communes(sheet, t.column("commune"), rows, index)
    written, canon = _text(t.column("criterion_written")), _text(t.column("criterion"))
    blank = (written == "") & (canon == "")
    for row in rows[blank].tolist():
        ctx.add("error", "missing_value", sheet, row, "criterion_written", "", "missing_criterion")
    codes, methods = _matched(ctx, t, np.where(blank, "", canon), np.where(blank, "", written))
    due = ctx.deadlines(sheet, np.where(blank, None, t.column("due_written")), np.where(blank, None, t.column("due")),
                        rows)
    _due_before_plan(ctx, t, due, plan_year, ~blank)
    waits = _waits(ctx, t, ~blank)
    keep = ~blank & (cids != None)  # noqa: E711
    at, code = _explode(codes, keep)
    requirement = _requirement_checks(ctx, t, at, code)
    model_level = cat.model_level or Level.MODEL
    cid = cids[at]
    wrong = (requirement == Requirement.MODEL) & np.array([level_of.get(c) != model_level for c in cid.tolist()],
                                                           dtype=bool)
    for i in np.flatnonzero(wrong).tolist():
        ctx.add("error", "model_for_advanced", sheet, rows[at[i]], "criterion_written", written[at[i]],
                commune=names[cid[i]])
    at, code, cid = at[~wrong], code[~wrong], cid[~wrong]
    at, code, cid = _unique_gaps(ctx, t, at, code, cid, written, names)
    detail = _text(t.column("detail"))
    gaps = {"commune_id": cid, "code": code, "written_as": np.where(written[at] != "", written[at], canon[at]),
            "match_method": methods[at], "detail": detail[at], "due": due.ordinals[at],
            "inferred": due.inferred[at], "due_written": due.words[at], "waits_on": waits[at],
            "sheet": np.full(len(at), sheet.name, dtype=object), "row": rows[at].astype(np.int64)}
    notes = _text(t.column("note"))
    deps = [{"commune_id": c, "commune": names[c], "waiting": k, "on": on, "when": "always",
             "reason": notes[i] or "kế hoạch nêu", "source": RuleSource.PLAN}
            for i, c, k, w in zip(at.tolist(), cid.tolist(), code.tolist(), waits[at].tolist()) for on in w]
    return gaps, deps


def _due_before_plan(ctx: Context, t: RawTable, due, plan_year: int | None, keep: np.ndarray) -> None:
    """A deadline before the plan's year is likely a slip of the year."""
    if not plan_year:
        return
    early = keep & (due.ordinals != NAT) & (due.ordinals < (plan_year - 1970) * 4)
    norm, words, rows = t.column("due"), t.column("due_written"), t.column("_row")
    for i in np.flatnonzero(early).tolist():
        has_norm = norm[i] not in (None, "")
        ctx.add("warning", "due_before_plan", t.sheet, rows[i], "due" if has_norm else "due_written",
                norm[i] if has_norm else words[i], due=due.quarters[i], year=plan_year)


def _requirement_checks(ctx: Context, t: RawTable, at: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Each gap's requirement (criterion or model); a written kind that says otherwise is a warning."""
    cat = ctx.cat
    kinds = {c: Requirement.MODEL if cat.is_model(c) else Requirement.CRITERION for c in set(code.tolist())}
    requirement = np.array([kinds[c] for c in code.tolist()], dtype=object)
    raw = t.column("requirement")
    rc, ru = distinct(raw)
    words = take([REQUIREMENT_WORDS.get(fold(u)) for u in ru], rc)[at]
    odd = np.flatnonzero((words != None) & (words != requirement))  # noqa: E711
    rows = t.column("_row")
    for i in odd.tolist():
        ctx.add("warning", "requirement_mismatch", t.sheet, rows[at[i]], "requirement", raw[at[i]],
                written=nfc(raw[at[i]]), label=Criterion(cat, code[i]),
                what=Word("msg.what_model" if requirement[i] == Requirement.MODEL else "msg.what_criterion"))
    return requirement


def _unique_gaps(ctx: Context, t: RawTable, at, code, cid, written, names):
    """A commune × criterion listed twice: the later rows are errors naming the first."""
    rows = t.column("_row")
    cc, _ = pd.factorize(cid)
    kc, ku = pd.factorize(code)
    key = pd.Index(cc.astype(np.int64) * (len(ku) + 1) + kc)  # one integer per commune × code
    dup = key.duplicated()
    if dup.any():
        first = dict(zip(key[~dup].tolist(), rows[at[~dup]].tolist()))
        for i in np.flatnonzero(dup).tolist():
            ctx.add("error", "duplicate_row", t.sheet, rows[at[i]], "criterion_written", written[at[i]],
                    "duplicate_gap", commune=names[cid[i]], label=Criterion(ctx.cat, code[i]), row=first[key[i]])
    return at[~dup], code[~dup], cid[~dup]


# ------------------------------------------------------------------------ matrix
def _matrix_columns(ctx: Context, t: RawTable) -> dict[str, str]:
    cat, sheet = ctx.cat, t.sheet
    colcodes: dict[str, str] = {}
    for col in t.extra_columns:
        m = cat.match(col)
        if not m.ok or len(m.codes) != 1:
            ctx.add("error", "unknown_criterion", sheet, t.header_row, col, col, "unknown_matrix_column",
                    near=", ".join(cat.suggest(col)))
        elif m.codes[0] in colcodes.values():
            ctx.add("error", "duplicate_column", sheet, t.header_row, col, col)
        else:
            colcodes[col] = m.codes[0]
    return colcodes


def read_matrix(ctx: Context, t: RawTable, index, level_of: dict[str, str],
                listed: dict[str, int]) -> tuple[dict[str, np.ndarray], set[str]]:
    """Gaps the matrix marks 'Chưa đạt' that the detail sheet does not list; a cell marked
    'Đạt' that the detail sheet lists as missing is an error. ``listed``: the detail
    sheet's gaps (``commune_id|code`` → row). All cells are read at once. Also returns
    the ``commune_id|code`` keys of the model-requirement cells that state a status."""
    sheet, rows = t.sheet, t.column("_row")
    colcodes = _matrix_columns(ctx, t)
    cids = ctx.communes(sheet, t.column("commune"), rows, index)
    seen = pd.Series(cids).duplicated().to_numpy() & (cids != None)  # noqa: E711
    for row, cid in zip(rows[seen].tolist(), cids[seen].tolist()):
        ctx.add("error", "duplicate_row", sheet, row, "commune", index.name(cid), "duplicate_matrix_commune")
    ok = (cids != None) & ~seen  # noqa: E711
    if not colcodes or not ok.any():
        return empty_gaps(), set()
    cols, codes = list(colcodes), list(colcodes.values())
    cells = np.column_stack([t.column(c) for c in cols])  # rows × criteria
    vc, vu = distinct(cells.ravel())
    status = take([status_word(u) for u in vu], vc).reshape(cells.shape)
    bad = ok[:, None] & (status == None)  # noqa: E711
    for i, j in zip(*np.nonzero(bad)):
        ctx.add("error", "bad_status", sheet, rows[i], cols[j], cells[i, j])
    ids = np.where(ok, cids, "")
    keys = np.add.outer(ids + "|", np.array(codes, dtype=object))  # commune_id|code of every cell
    has = pd.Index(keys.ravel()).isin(pd.Index(list(listed))).reshape(keys.shape)
    for i, j in zip(*np.nonzero(ok[:, None] & (status == "met") & has)):
        ctx.add("error", "matrix_contradiction", sheet, rows[i], cols[j], cells[i, j], row=listed[keys[i, j]])
    model_level = ctx.cat.model_level or Level.MODEL
    applies = ~np.array([ctx.cat.is_model(c) for c in codes], dtype=bool)[None, :] \
        | np.array([level_of.get(c) == model_level for c in ids.tolist()], dtype=bool)[:, None]
    model_cols = np.array([ctx.cat.is_model(c) for c in codes], dtype=bool)  # what a model commune states
    stated = set(keys[:, model_cols][ok[:, None] & np.isin(status[:, model_cols], ["met", "missing"])].tolist())
    i, j = np.nonzero(ok[:, None] & (status == "missing") & ~has & applies)  # row-major: row, then column
    n = len(i)
    return {"commune_id": cids[i], "code": np.array(codes, dtype=object)[j],
            "written_as": np.array(cols, dtype=object)[j], "match_method": np.full(n, "matrix", dtype=object),
            "detail": np.full(n, "", dtype=object), "due": np.full(n, NAT, dtype=np.int64),
            "inferred": np.full(n, "", dtype=object), "due_written": np.full(n, "", dtype=object),
            "waits_on": objects([()] * n) if n else np.empty(0, dtype=object),
            "sheet": np.full(n, sheet.name, dtype=object), "row": rows[i].astype(np.int64)}, stated


# -------------------------------------------------------------------- milestones
def read_milestones(ctx: Context, t: RawTable | None, index, names: dict[str, str]
                    ) -> tuple[dict[str, Any], dict[str, tuple[int, str, str]]]:
    """Dossier milestones, and each commune's deadline: the latest milestone that applies
    to its items, as (ordinal, why it is inferred ('' when stated), words)."""
    keys = ("commune_id", "commune", "milestone", "written_as", "due_written", "due", "year_only",
            "applies_to_items")
    if t is None:
        return {k: [] for k in keys}, {}
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    due = ctx.deadlines(sheet, t.column("due_written"), t.column("due"), rows)
    applies = ctx.flags(sheet, t.column("applies_to_items"), rows, "applies_to_items", True)
    ok = ids != None  # noqa: E711
    cols = {"commune_id": ids[ok], "commune": [names[c] for c in ids[ok]],
            "milestone": _text(t.column("milestone"))[ok], "written_as": _text(t.column("written_as"))[ok],
            "due_written": due.words[ok], "due": due.ordinals[ok], "year_only": due.year_only[ok],
            "applies_to_items": applies[ok]}
    sel = np.flatnonzero(ok & applies & (due.ordinals != NAT))
    latest = pd.DataFrame({"c": ids[sel], "o": due.ordinals[sel], "i": sel})
    latest = latest.sort_values(["c", "o", "i"], ascending=[True, False, True], kind="stable")
    latest = latest.drop_duplicates("c")
    commune_due = {c: (int(o), str(due.inferred[i]), due.words[i])
                   for c, o, i in zip(latest["c"].tolist(), latest["o"].tolist(), latest["i"].tolist())}
    return cols, commune_due


# -------------------------------------------------------------------------- ocop
def read_ocop(ctx: Context, t: RawTable | None, index, names: dict[str, str]) -> dict[str, Any]:
    """Candidate OCOP products, their status and target stars."""
    keys = ("commune_id", "commune", "product", "status", "target_stars", "written_as", "note")
    if t is None:
        return {k: [] for k in keys}
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    status = ctx.resolve(sheet, t.column("status"), rows, lambda v: (OCOP_WORDS.get(fold(v)), [] if OCOP_WORDS.get(
        fold(v)) else [problem("error", "bad_value", "status", v, "bad_ocop_status")]))

    def stars_of(v: Any):
        if v in (None, "") or (isinstance(v, float) and v != v):
            return None, []
        n = parse_number(v)
        if n is None or n not in (1, 2, 3, 4, 5):
            return None, [problem("error", "bad_value", "target_stars", v, "bad_stars")]
        return int(n), []

    stars = ctx.resolve(sheet, t.column("target_stars"), rows, stars_of)
    ok = (ids != None) & (status != None)  # noqa: E711
    return {"commune_id": ids[ok], "commune": [names[c] for c in ids[ok]], "product": _text(t.column("product"))[ok],
            "status": status[ok], "target_stars": list(stars[ok]), "written_as": _text(t.column("written_as"))[ok],
            "note": _text(t.column("note"))[ok]}


# -------------------------------------------------------------------- quantities
def _number(ctx: Context, t: RawTable, key: str) -> np.ndarray:
    from ..criteria.indicators import passes

    raw = [v if v not in (None, "") else w for v, w in zip(t.column(key), t.column(f"{key}_written"))]

    def read(v: Any):
        if v in (None, "") or (isinstance(v, float) and v != v):
            return None, []
        n = parse_number(v)
        if n is None and passes(v) is not None:  # "Đạt", "chưa đạt": a pass/fail value, kept as written
            return None, []
        return n, [] if n is not None else [problem("error", "bad_number", key, v)]

    return ctx.resolve(t.sheet, raw, t.column("_row"), read)


def read_quantities(ctx: Context, t: RawTable | None, index, names: dict[str, str]) -> dict[str, Any]:
    """Measured values with their targets (numbers with a decimal comma read)."""
    text = ("indicator", "written_as", "current_written", "target_written", "unit", "comparator")
    if t is None:
        return {k: [] for k in ("commune_id", "commune", "criterion_code", "current", "target", *text)}
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    codes = ctx.codes(sheet, t.column("criterion"), rows, "criterion")
    current, target = _number(ctx, t, "current"), _number(ctx, t, "target")
    ok = (ids != None) & np.array([bool(c) for c in codes], dtype=bool)  # noqa: E711
    return {"commune_id": ids[ok], "commune": [names[c] for c in ids[ok]],
            "criterion_code": [c[0] for c in codes[ok]], "current": list(current[ok]), "target": list(target[ok]),
            **{k: _text(t.column(k))[ok] for k in text}}


# ------------------------------------------------------------------- departments
def read_departments(t: RawTable | None) -> dict[str, Any]:
    keys = ("department", "task", "criteria", "plan_section")
    if t is None:
        return {k: [] for k in keys}
    return {k: _text(t.column(k)) for k in keys}


# ------------------------------------------------------------------- completions
def read_completions(ctx: Context, t: RawTable | None, index, names: dict[str, str]) -> dict[str, Any]:
    """The completion log: which criterion of which commune was done, and when."""
    keys = ("commune_id", "commune", "criterion_code", "done", "done_written", "note")
    if t is None:
        return {k: [] for k in keys}
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    codes = ctx.codes(sheet, t.column("criterion"), rows, "criterion")
    raw = t.column("done")
    done = ctx.deadlines(sheet, [None] * len(rows), raw, rows, written_key="", due_key="done")
    for i in np.flatnonzero((done.ordinals == NAT) & np.array([v in (None, "") for v in raw], dtype=bool)).tolist():
        ctx.add("error", "missing_value", sheet, rows[i], "done", "", "missing_done")
    ok = (ids != None) & (done.ordinals != NAT) & np.array([bool(c) for c in codes], dtype=bool)  # noqa: E711
    at, code = _explode(codes, ok)
    from ..core.findings import cell_text

    written = [w if is_date(v) else cell_text(v) for v, w in zip(raw[at], done.words[at])]  # a date cell: dd/mm/yyyy
    return {"commune_id": ids[at], "commune": [names[c] for c in ids[at]], "criterion_code": code,
            "done": done.ordinals[at], "done_written": written,
            "note": _text(t.column("note"))[at]}
