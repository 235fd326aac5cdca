"""One small reader per sheet: a raw table in, typed columns out, every problem a finding
naming the sheet, row and column. Each works column-wise and resolves each distinct
value once (:mod:`.context`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.findings import Criterion, Finding, Word, cell_text
from ..core.names import commune_key, fold, nfc
from ..core.numbers import parse_count, parse_number, parse_year
from ..core.quarters import NAT
from ..core.vocab import Level, Requirement, RuleSource
from ..tables.schema import INFO_KEYS, LEVEL_WORDS, OCOP_WORDS, REQUIREMENT_WORDS, SHEETS, status_word
from .context import Context, ordinals, per_value, problem
from .sheets import RawTable


# ------------------------------------------------------------------------- info
def read_info(t: RawTable | None, file: str) -> tuple[dict[str, Any], list[Finding]]:
    """The ``Thông tin`` sheet as meta data (district, province, plan year, catalogue…)."""
    info: dict[str, Any] = {}
    if t is None:
        return info, []
    labels = {fold(v): k for k, v in INFO_KEYS.items()} | {fold(k): k for k in INFO_KEYS}
    rows = {}
    for item, value, row in zip(t.column("item"), t.column("value"), t.column("_row")):
        key = labels.get(fold(item))
        if key:
            info[key] = nfc(value) if isinstance(value, str) else value
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


def read_communes(ctx: Context, t: RawTable) -> dict[str, Any]:
    """One row per commune: names, levels, years, the stated counts. Blank and repeated
    names are errors (the row is left out)."""
    sheet, rows = t.sheet, t.column("_row")
    names = per_value(t.column("commune"), nfc)
    level_raw = t.column("target_level")
    levels = per_value(level_raw, lambda v: LEVEL_WORDS.get(fold(v)))
    years = per_value(t.column("target_year"), parse_year)
    origs = per_value(t.column("original_target_year"), parse_year)
    keep, seen = [], {}
    for i, name in enumerate(names):
        if not name:
            ctx.add("error", "missing_value", sheet, rows[i], "commune", "", "missing_commune")
            continue
        key = commune_key(name)
        if key in seen:
            ctx.add("error", "duplicate_row", sheet, rows[i], "commune", name, "duplicate_commune", row=seen[key])
            continue
        seen[key] = rows[i]
        keep.append(i)
        if levels[i] is None:
            ctx.add("error", "bad_value", sheet, rows[i], "target_level", level_raw[i], "bad_level")
        for col, (_, bad), required in (("target_year", years[i], True), ("original_target_year", origs[i], False)):
            if bad == "missing" and required:
                ctx.add("error", "missing_value", sheet, rows[i], col, "", "missing_year")
            elif bad == "bad":
                ctx.add("error", "bad_value", sheet, rows[i], col, t.column(col)[i], "bad_year")
    met = per_value(t.column("stated_met_written"), parse_count)
    miss = per_value(t.column("stated_missing_written"), parse_count)
    text = {k: per_value(t.column(k), nfc) for k in COMMUNE_TEXT}
    pick = lambda values: [values[i] for i in keep]  # noqa: E731
    return {
        "commune": pick(names), **{k: pick(v) for k, v in text.items()},
        "target_level": [levels[i] or "" for i in keep],
        "target_year": [years[i][0] for i in keep],
        "original_target_year": [origs[i][0] for i in keep],
        "stated_met": [met[i][0] if met[i] else None for i in keep],
        "stated_total": [met[i][1] if met[i] else None for i in keep],
        "stated_missing": [miss[i][0] if miss[i] else None for i in keep],
        "_row": pick(rows),
    }


# ------------------------------------------------------------------------- items
@dataclass
class GapRows:
    """Gap rows as columns (one per commune × code), before the deadline rule."""

    commune_id: list = field(default_factory=list)
    code: list = field(default_factory=list)
    written_as: list = field(default_factory=list)
    match_method: list = field(default_factory=list)
    detail: list = field(default_factory=list)
    due: list = field(default_factory=list)         # own quarter ordinal (NAT: none)
    year_only: list = field(default_factory=list)
    due_written: list = field(default_factory=list)
    waits_on: list = field(default_factory=list)    # tuples of codes
    sheet: list = field(default_factory=list)
    row: list = field(default_factory=list)

    def add(self, **values: Any) -> None:
        for k, v in values.items():
            getattr(self, k).append(v)

    def extend(self, other: "GapRows") -> None:
        for k in self.__dataclass_fields__:
            getattr(self, k).extend(getattr(other, k))

    def __len__(self) -> int:
        return len(self.code)


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
        method = wm.method if wm.ok and set(wm.codes) == set(codes) else method
    return codes, method, problems


def read_items(ctx: Context, t: RawTable, index, level_of: dict[str, str], plan_year: int | None,
               names: dict[str, str]) -> tuple[GapRows, list[dict]]:
    """The gaps the detail sheet lists, and the dependency rules its ``Chờ tiêu chí`` states."""
    sheet, cat = t.sheet, ctx.cat
    rows = t.column("_row")
    n = len(rows)
    communes = ctx.communes(sheet, t.column("commune"), rows, index)
    written = per_value(t.column("criterion_written"), nfc)
    canon = per_value(t.column("criterion"), nfc)
    detail = per_value(t.column("detail"), nfc)
    notes = t.column("note")
    req_raw = t.column("requirement")
    req_words = per_value(req_raw, lambda v: REQUIREMENT_WORDS.get(fold(v)))
    matched = per_value(list(zip(canon, written)), lambda p: _item_codes(ctx, p[0], p[1]))
    norm = t.column("due")
    due, year_only, due_words = ctx.deadlines(sheet, t.column("due_written"), norm, rows)
    waits_raw = t.column("waits_on")
    out, deps = GapRows(), []
    seen: dict[tuple[str, str], int] = {}
    model_level = cat.model_level or Level.MODEL
    for i in range(n):
        row = rows[i]
        if not written[i] and not canon[i]:
            ctx.add("error", "missing_value", sheet, row, "criterion_written", "", "missing_criterion")
            continue
        codes, method, problems = matched[i]
        ctx.place(sheet, row, problems)
        q = due[i]
        if q is not None and plan_year and q.year < plan_year:
            has_norm = norm[i] not in (None, "")
            ctx.add("warning", "due_before_plan", sheet, row, "due" if has_norm else "due_written",
                    norm[i] if has_norm else t.column("due_written")[i], due=q, year=plan_year)
        waits = ctx.codes(sheet, [nfc(waits_raw[i]).replace(",", ";")], [row], "waits_on")[0] \
            if nfc(waits_raw[i]) else ()
        cid = communes[i]
        if cid is None or not codes:
            continue
        for code in codes:
            requirement = Requirement.MODEL if cat.is_model(code) else Requirement.CRITERION
            if req_words[i] and req_words[i] != requirement:
                ctx.add("warning", "requirement_mismatch", sheet, row, "requirement", req_raw[i],
                        written=nfc(req_raw[i]), label=Criterion(cat, code),
                        what=Word("msg.what_model" if requirement == Requirement.MODEL else "msg.what_criterion"))
            if requirement == Requirement.MODEL and level_of.get(cid) != model_level:
                ctx.add("error", "model_for_advanced", sheet, row, "criterion_written", written[i],
                        commune=names[cid])
                continue
            if (cid, code) in seen:
                ctx.add("error", "duplicate_row", sheet, row, "criterion_written", written[i], "duplicate_gap",
                        commune=names[cid], label=Criterion(cat, code), row=seen[(cid, code)])
                continue
            seen[(cid, code)] = row
            out.add(commune_id=cid, code=code, written_as=written[i] or canon[i], match_method=method,
                    detail=detail[i], due=NAT if q is None else q.ordinal, year_only=bool(year_only[i]),
                    due_written=due_words[i], waits_on=tuple(waits), sheet=sheet.name, row=row)
            for on in waits:
                deps.append({"commune_id": cid, "commune": names[cid], "waiting": code, "on": on, "when": "always",
                             "reason": nfc(notes[i]) or "kế hoạch nêu", "source": RuleSource.PLAN})
    return out, deps


# ------------------------------------------------------------------------ matrix
def read_matrix(ctx: Context, t: RawTable, index, level_of: dict[str, str], seen: set[tuple[str, str]],
                listed_row: dict[tuple[str, str], int]) -> GapRows:
    """Gaps the matrix marks 'Chưa đạt' that the detail sheet does not list; a cell marked
    'Đạt' that the detail sheet lists as missing is an error."""
    cat, sheet = ctx.cat, t.sheet
    colcodes: dict[str, str] = {}
    for col in t.extra_columns:
        m = cat.match(col)
        if not m.ok or len(m.codes) != 1:
            ctx.add("error", "unknown_criterion", sheet, t.header_row, col, col, "unknown_matrix_column",
                    near=", ".join(cat.suggest(col)))
            continue
        if m.codes[0] in colcodes.values():
            ctx.add("error", "duplicate_column", sheet, t.header_row, col, col)
            continue
        colcodes[col] = m.codes[0]
    rows = t.column("_row")
    communes = ctx.communes(sheet, t.column("commune"), rows, index)
    statuses = {col: per_value(t.column(col), status_word) for col in colcodes}
    values = {col: t.column(col) for col in colcodes}
    out = GapRows()
    done: set[str] = set()
    model_level = cat.model_level or Level.MODEL
    for i, cid in enumerate(communes):
        if cid is None:
            continue
        if cid in done:
            ctx.add("error", "duplicate_row", sheet, rows[i], "commune", index.name(cid), "duplicate_matrix_commune")
            continue
        done.add(cid)
        for col, code in colcodes.items():
            status = statuses[col][i]
            if status is None:
                ctx.add("error", "bad_status", sheet, rows[i], col, values[col][i])
                continue
            listed = (cid, code) in seen
            if status == "met" and listed:
                ctx.add("error", "matrix_contradiction", sheet, rows[i], col, values[col][i],
                        row=listed_row[(cid, code)])
            elif status == "missing" and not listed:
                if cat.is_model(code) and level_of.get(cid) != model_level:
                    continue
                seen.add((cid, code))
                listed_row[(cid, code)] = rows[i]
                out.add(commune_id=cid, code=code, written_as=col, match_method="matrix", detail="", due=NAT,
                        year_only=False, due_written="", waits_on=(), sheet=sheet.name, row=rows[i])
    return out


# -------------------------------------------------------------------- milestones
def read_milestones(ctx: Context, t: RawTable | None, index, names: dict[str, str]
                    ) -> tuple[dict[str, Any], dict[str, tuple[int, bool, str]]]:
    """Dossier milestones, and each commune's deadline: the latest milestone that applies
    to its items, as (ordinal, year only, words)."""
    cols: dict[str, list] = {k: [] for k in ("commune_id", "commune", "milestone", "written_as", "due_written",
                                             "due", "year_only", "applies_to_items")}
    commune_due: dict[str, tuple[int, bool, str]] = {}
    if t is None:
        return cols, commune_due
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    due, year_only, words = ctx.deadlines(sheet, t.column("due_written"), t.column("due"), rows)
    applies = ctx.flags(sheet, t.column("applies_to_items"), rows, "applies_to_items", True)
    milestone, written = per_value(t.column("milestone"), nfc), per_value(t.column("written_as"), nfc)
    ords = ordinals(due)
    for i, cid in enumerate(ids):
        if cid is None:
            continue
        for k, v in (("commune_id", cid), ("commune", names[cid]), ("milestone", milestone[i]),
                     ("written_as", written[i]), ("due_written", words[i]), ("due", ords[i]),
                     ("year_only", bool(year_only[i])), ("applies_to_items", bool(applies[i]))):
            cols[k].append(v)
        if applies[i] and ords[i] != NAT:
            prev = commune_due.get(cid)
            if prev is None or ords[i] > prev[0]:
                commune_due[cid] = (int(ords[i]), bool(year_only[i]), words[i])
    return cols, commune_due


# -------------------------------------------------------------------------- ocop
def read_ocop(ctx: Context, t: RawTable | None, index, names: dict[str, str]) -> dict[str, list]:
    """Candidate OCOP products, their status and target stars."""
    cols: dict[str, list] = {k: [] for k in ("commune_id", "commune", "product", "status", "target_stars",
                                             "written_as", "note")}
    if t is None:
        return cols
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    status_raw, stars_raw = t.column("status"), t.column("target_stars")
    statuses = per_value(status_raw, lambda v: OCOP_WORDS.get(fold(v)))
    product, written, note = (per_value(t.column(k), nfc) for k in ("product", "written_as", "note"))
    for i, cid in enumerate(ids):
        if statuses[i] is None:
            ctx.add("error", "bad_value", sheet, rows[i], "status", status_raw[i], "bad_ocop_status")
        stars = stars_raw[i]
        n = parse_number(stars) if stars not in (None, "") else None
        if stars not in (None, "") and (n is None or n not in (1, 2, 3, 4, 5)):
            ctx.add("error", "bad_value", sheet, rows[i], "target_stars", stars, "bad_stars")
            n = None
        if cid is None or statuses[i] is None:
            continue
        for k, v in (("commune_id", cid), ("commune", names[cid]), ("product", product[i]),
                     ("status", statuses[i]), ("target_stars", None if n is None else int(n)),
                     ("written_as", written[i]), ("note", note[i])):
            cols[k].append(v)
    return cols


# -------------------------------------------------------------------- quantities
def read_quantities(ctx: Context, t: RawTable | None, index, names: dict[str, str]) -> dict[str, list]:
    """Measured values with their targets (numbers with a decimal comma read)."""
    keys = ("commune_id", "commune", "criterion_code", "indicator", "written_as", "current_written", "current",
            "target_written", "target", "unit", "comparator")
    cols: dict[str, list] = {k: [] for k in keys}
    if t is None:
        return cols
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    codes = ctx.codes(sheet, t.column("criterion"), rows, "criterion")
    text = {k: per_value(t.column(k), nfc) for k in ("indicator", "written_as", "current_written",
                                                      "target_written", "unit", "comparator")}
    numbers = {}
    for key in ("current", "target"):
        raw = [v if v not in (None, "") else w for v, w in zip(t.column(key), t.column(f"{key}_written"))]
        values = per_value(raw, lambda v: parse_number(v) if v not in (None, "") else None)
        for r, v, row in zip(raw, values, rows):
            if r not in (None, "") and v is None:
                ctx.add("error", "bad_number", sheet, row, key, r)
        numbers[key] = values
    for i, cid in enumerate(ids):
        if cid is None or not codes[i]:
            continue
        cols["commune_id"].append(cid)
        cols["commune"].append(names[cid])
        cols["criterion_code"].append(codes[i][0])
        for k in ("indicator", "written_as", "current_written", "target_written", "unit", "comparator"):
            cols[k].append(text[k][i])
        cols["current"].append(numbers["current"][i])
        cols["target"].append(numbers["target"][i])
    return cols


# ------------------------------------------------------------------- departments
def read_departments(t: RawTable | None) -> dict[str, list]:
    keys = ("department", "task", "criteria", "plan_section")
    if t is None:
        return {k: [] for k in keys}
    return {k: per_value(t.column(k), nfc) for k in keys}


# ------------------------------------------------------------------- completions
def read_completions(ctx: Context, t: RawTable | None, index, names: dict[str, str]) -> dict[str, list]:
    """The completion log: which criterion of which commune was done, and when."""
    cols: dict[str, list] = {k: [] for k in ("commune_id", "commune", "criterion_code", "done", "done_written",
                                             "note")}
    if t is None:
        return cols
    sheet, rows = t.sheet, t.column("_row")
    ids = ctx.communes(sheet, t.column("commune"), rows, index)
    codes = ctx.codes(sheet, t.column("criterion"), rows, "criterion")
    raw = t.column("done")
    done, _, _ = ctx.deadlines(sheet, [None] * len(rows), raw, rows, written_key="", due_key="done")
    note = per_value(t.column("note"), nfc)
    for i, cid in enumerate(ids):
        if done[i] is None and raw[i] in (None, ""):
            ctx.add("error", "missing_value", sheet, rows[i], "done", "", "missing_done")
        if cid is None or not codes[i] or done[i] is None:
            continue
        for code in codes[i]:
            for k, v in (("commune_id", cid), ("commune", names[cid]), ("criterion_code", code), ("done", done[i]),
                         ("done_written", cell_text(raw[i])), ("note", note[i])):
                cols[k].append(v)
    return cols
