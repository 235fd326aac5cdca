"""Load a plan workbook into a :class:`~ntm_analysis.plan.Plan`, collecting every issue.

Reading (:func:`read_workbook`) and assembling (:func:`assemble`) are apart, so the
extractor, the synthetic generator and tests can assemble plans from tables too.

>>> plan = load_plan()
>>> plan.meta["district"], len(plan.communes)
('Tứ Kỳ', 13)
>>> sorted(plan.gaps["due_source"].unique())
['commune', 'item', 'none', 'year-only']
"""
from __future__ import annotations

import difflib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import config
from .catalogue import Catalogue, CatalogueError, load_catalogue
from .errors import Issue, PlanError, UserError
from .plan import Plan
from .quarters import DeadlineError, parse_count, parse_deadline, parse_number
from .schema import (BOOL_WORDS, INFO_KEYS, LEVEL_WORDS, OCOP_WORDS, REQUIREMENT_WORDS, SHEETS,
                     Sheet, column_key, status_word)
from .text import fold, nfc

HEADER_SCAN_ROWS = 15
QDTYPE = pd.PeriodDtype("Q-DEC")


@dataclass
class RawTable:
    """A sheet read as rows of schema keys, with the Excel row number in ``_row``."""

    sheet: Sheet
    frame: pd.DataFrame
    extra: dict[str, Any]


# --------------------------------------------------------------------- reading
def _check_file(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path}: không tìm thấy tệp", 2)
    if path.is_dir():
        raise UserError(f"{path}: là thư mục, cần một tệp Excel (.xlsx)", 2)
    if path.stat().st_size == 0:
        raise UserError(f"{path}: tệp rỗng (0 byte), không phải sổ Excel", 1)
    if not zipfile.is_zipfile(path):
        raise UserError(f"{path}: không phải sổ Excel .xlsx (có thể là .xls cũ, CSV hoặc tệp hỏng); "
                        "hãy mở bằng Excel và lưu lại dạng .xlsx", 1)


def _has_legacy_fonts(path: Path) -> bool:
    """Whether the workbook's style table names a TCVN3 (.Vn…) or VNI font."""
    from .legacy import font_encoding

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/styles.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return any(font_encoding(n) for n in re.findall(r'<(?:\w+:)?name val="([^"]+)"', xml))


def _open(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise UserError(f"{path}: không đọc được sổ Excel ({type(exc).__name__}: {exc})", 1) from None


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        return nfc(value)
    return value


def _find_sheet(names: list[str], sheet: Sheet) -> str | None:
    wanted = fold(sheet.name)
    for name in names:
        if fold(name) in (wanted, fold(sheet.key)):
            return name
    return None


_ROMAN_ROW = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")
# Latin-1 letters that Vietnamese Unicode text uses; others (¬ µ ß ö ø …) hint at TCVN3/VNI
_VIET_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def _suspect_legacy(text: str) -> bool:
    return any(0x80 <= ord(ch) <= 0xFF and ch not in _VIET_LATIN1 for ch in text)


def _read_values(ws, sheet: Sheet, file: str, issues: list[Issue]) -> list[tuple]:
    """All rows as tuples of values, legacy-font text converted to Unicode (with a warning)."""
    from .legacy import fix_legacy, font_encoding

    rows: list[tuple] = []
    converted: list[str] = []
    for r, row in enumerate(ws.iter_rows(), start=1):
        values = []
        for cell in row:
            v = getattr(cell, "value", None)
            if isinstance(v, str) and not v.isascii():
                font = getattr(getattr(cell, "font", None), "name", None)
                if font_encoding(font) or _suspect_legacy(v):
                    fixed, enc = fix_legacy(v, font)
                    if enc:
                        converted.append(f"{getattr(cell, 'coordinate', r)} ({enc})")
                        v = fixed
            values.append(v)
        rows.append(tuple(values))
    _legacy_warning(converted, sheet, file, issues)
    return rows


def _legacy_warning(converted: list[str], sheet: Sheet, file: str, issues: list[Issue]) -> None:
    if converted:
        shown = ", ".join(converted[:12]) + (f" và {len(converted) - 12} ô khác" if len(converted) > 12 else "")
        issues.append(Issue("warning", sheet.name, None, "", "",
                            f"đã chuyển {len(converted)} ô từ phông cũ (TCVN3/VNI) sang Unicode: {shown}",
                            file, "legacy_encoding"))


def _is_header_row(row: tuple, sheet: Sheet) -> bool:
    keys = [column_key(sheet, v) for v in row]
    if "commune" in keys or (sheet.key in ("info", "departments") and any(keys)):
        return True
    return sheet.key == "matrix" and any(fold(v) in ("xa", "ten xa") for v in row)


def _skip_row(row: tuple) -> bool:
    """Blank rows, and section rows ("I", "II", "1.1" with a title and nothing else)."""
    filled = [v for v in row if v is not None and not (isinstance(v, str) and not v.strip())]
    if not filled:
        return True
    first = fold(filled[0])
    return len(filled) <= 2 and bool(_ROMAN_ROW.match(first)) and isinstance(filled[0], str)


def _read_sheet(rows: list[tuple], sheet: Sheet, file: str, issues: list[Issue]) -> RawTable | None:
    header_idx = next((i for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if _is_header_row(row, sheet)), None)
    if header_idx is None:
        need = ", ".join(c.header for c in sheet.columns if c.required)
        issues.append(Issue("error", sheet.name, 1, "", "", f"không tìm thấy dòng tiêu đề (cần các cột: {need})",
                            file, "missing_header"))
        return None
    # two- or three-level merged headers: the rows below the first header row whose first
    # column is empty belong to the header; a column's name is its lowest non-empty cell.
    # A continuation row is empty under every column the first header row already names
    # (those cells are merged downwards) and has text elsewhere (under a merged span).
    keyed = [j for j, v in enumerate(rows[header_idx]) if column_key(sheet, v)]
    last = header_idx
    while last + 1 < len(rows) and last - header_idx < 2:
        nxt = rows[last + 1]
        if not any(isinstance(v, str) and v.strip() for v in nxt) or \
                any(j < len(nxt) and nxt[j] is not None for j in keyed):
            break
        last += 1
    width = max(len(r) for r in rows[header_idx:last + 1])
    header = []
    for j in range(width):
        cells = [rows[i][j] if j < len(rows[i]) else None for i in range(header_idx, last + 1)]
        named = [nfc(c) for c in cells if c is not None and nfc(c)]
        header.append(named[-1] if named else None)
    colmap: dict[int, str] = {}
    extra: dict[int, str] = {}
    for j, h in enumerate(header):
        key = column_key(sheet, h)
        if key and key not in colmap.values():
            colmap[j] = key
        elif h is not None and not (sheet.key == "matrix" and fold(h) in ("stt", "tt", "so tt")):
            extra[j] = h
    missing = [c for c in sheet.columns if c.required and c.key not in colmap.values()]
    for c in missing:
        issues.append(Issue("error", sheet.name, header_idx + 1, c.header, "",
                            f"thiếu cột bắt buộc '{c.header}'", file, "missing_column"))
    if missing:
        return None
    records = []
    for i, row in enumerate(rows[last + 1:], start=last + 2):
        if _skip_row(row):
            continue
        rec = {key: _cell_text(row[j]) if j < len(row) else None for j, key in colmap.items()}
        if sheet.key == "matrix":
            rec.update({extra[j]: _cell_text(row[j]) if j < len(row) else None for j in extra})
            if all(status_word(rec[extra[j]]) == "na" for j in extra) and fold(rec.get("commune")) not in ("",):
                # a title row inside the matrix ("Các xã phấn đấu năm 2023"): no status at all
                if not any(isinstance(row[j], (int, float)) for j in extra if j < len(row)):
                    continue
        rec["_row"] = i
        records.append(rec)
    cols = list(colmap.values()) + (list(extra.values()) if sheet.key == "matrix" else []) + ["_row"]
    frame = pd.DataFrame(records, columns=cols, dtype=object)
    return RawTable(sheet, frame, {"extra_columns": list(extra.values()), "header_row": header_idx + 1})


def _calamine_rows(ws, sheet: Sheet, file: str, issues: list[Issue]) -> list[tuple]:
    """Rows of a sheet read by calamine (fast; values only), legacy text checked by characters."""
    from .legacy import fix_legacy

    rows = []
    converted: list[str] = []
    for r, raw in enumerate(ws.to_python(skip_empty_area=False), start=1):
        row = tuple(None if v == "" else v for v in raw)
        if any(isinstance(v, str) and not v.isascii() and _suspect_legacy(v) for v in row):
            values = list(row)
            for j, v in enumerate(values):
                if isinstance(v, str) and _suspect_legacy(v):
                    fixed, enc = fix_legacy(v)
                    if enc:
                        converted.append(f"{_column_letter(j + 1)}{r} ({enc})")
                        values[j] = fixed
            row = tuple(values)
        rows.append(row)
    _legacy_warning(converted, sheet, file, issues)
    return rows


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


def read_workbook(path: Path | str) -> tuple[dict[str, RawTable], list[Issue]]:
    """Read every sheet of the layout; missing sheets and columns become errors.

    Workbooks whose styles use a TCVN3/VNI font are read with openpyxl (cell fonts
    tell which text to convert); others with calamine, which is many times faster.
    """
    path = Path(path)
    _check_file(path)
    issues: list[Issue] = []
    tables: dict[str, RawTable] = {}
    if _has_legacy_fonts(path):
        wb = _open(path)
        names = wb.sheetnames

        def rows_of(name: str, sheet: Sheet) -> list[tuple]:
            return _read_values(wb[name], sheet, path.name, issues)
        close = wb.close
    else:
        from python_calamine import CalamineWorkbook

        try:
            cwb = CalamineWorkbook.from_path(str(path))
            names = list(cwb.sheet_names)
        except Exception as exc:  # calamine raises its own error types for broken files
            raise UserError(f"{path}: không đọc được sổ Excel ({type(exc).__name__}: {exc})", 1) from None

        def rows_of(name: str, sheet: Sheet) -> list[tuple]:
            try:
                return _calamine_rows(cwb.get_sheet_by_name(name), sheet, path.name, issues)
            except Exception as exc:
                raise UserError(f"{path}: trang '{name}' không đọc được ({type(exc).__name__}: {exc})", 1) from None
        close = getattr(cwb, "close", lambda: None)
    try:
        for key, sheet in SHEETS.items():
            name = _find_sheet(names, sheet)
            if name is None:
                if sheet.required:
                    issues.append(Issue("error", sheet.name, None, "", "",
                                        f"thiếu trang '{sheet.name}'", path.name, "missing_sheet"))
                continue
            table = _read_sheet(rows_of(name, sheet), sheet, path.name, issues)
            if table is not None:
                tables[key] = table
    finally:
        close()
    if "communes" in tables and not ({"items", "matrix"} & set(tables)) and not issues:
        issues.append(Issue("error", SHEETS["items"].name, None, "", "",
                            f"thiếu cả trang '{SHEETS['items'].name}' và trang '{SHEETS['matrix'].name}': "
                            "cần ít nhất một trang liệt kê tiêu chí còn thiếu", path.name, "missing_sheet"))
    return tables, issues


# ------------------------------------------------------------------ assembling
class _Ctx:
    def __init__(self, file: str, catalogue: Catalogue):
        self.file = file
        self.cat = catalogue
        self.issues: list[Issue] = []
        self._memo: dict[str, dict] = {}

    def memo(self, kind: str, key: Any, fn):
        """``fn()``, remembered by ``key`` when it raised no issue (issues need their row)."""
        cache = self._memo.setdefault(kind, {})
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable cell value
            return fn()
        n = len(self.issues)
        out = fn()
        if len(self.issues) == n:
            cache[key] = out
        return out

    def err(self, sheet: Sheet, row: Any, column: str, value: Any, message: str, code: str) -> None:
        self.issues.append(Issue("error", sheet.name, _int(row), sheet.column(column).header if column in
                                 {c.key for c in sheet.columns} else column, _str(value), message, self.file, code))

    def warn(self, sheet: Sheet, row: Any, column: str, value: Any, message: str, code: str) -> None:
        self.issues.append(Issue("warning", sheet.name, _int(row), sheet.column(column).header if column in
                                 {c.key for c in sheet.columns} else column, _str(value), message, self.file, code))


def _records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (faster than ``to_dict('records')``)."""
    cols = list(frame.columns)
    return [dict(zip(cols, vals)) for vals in zip(*(frame[c].tolist() for c in cols))]


def _int(v: Any) -> int | None:
    return None if v is None or (isinstance(v, float) and v != v) else int(v)


def _str(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _deadline(ctx: _Ctx, sheet: Sheet, rec: dict, written_key: str, due_key: str):
    """(quarter or None, year_only, written text) from the written and normalised cells."""
    written = nfc(rec.get(written_key)) if written_key else ""
    norm = rec.get(due_key)
    parsed_written = parsed_norm = None
    if written:
        try:
            parsed_written = parse_deadline(written)
        except DeadlineError as exc:
            if norm in (None, ""):
                ctx.err(sheet, rec["_row"], written_key, written, str(exc), "bad_deadline")
                return None, False, written
    if norm not in (None, "") and not (isinstance(norm, float) and norm != norm):
        try:
            parsed_norm = parse_deadline(norm)
        except DeadlineError as exc:
            ctx.err(sheet, rec["_row"], due_key, norm, str(exc), "bad_deadline")
            return None, False, written
    if parsed_norm and parsed_written and parsed_norm.quarter != parsed_written.quarter:
        ctx.warn(sheet, rec["_row"], due_key, norm,
                 f"thời hạn chuẩn hóa {parsed_norm.quarter} khác nguyên văn '{written}' "
                 f"({parsed_written.quarter}); dùng {parsed_norm.quarter}", "deadline_mismatch")
    chosen = parsed_norm or parsed_written
    if chosen is None:
        return None, False, written
    year_only = parsed_written.year_only if parsed_written and parsed_written.quarter == chosen.quarter else (
        chosen.year_only and not parsed_norm)
    if parsed_norm and not parsed_written and parsed_norm.year_only:
        year_only = True
    return chosen.quarter, bool(year_only), written or str(chosen.quarter)


def _suggest_commune(name: str, known: list[str]) -> str:
    folded = {fold(k): k for k in known}
    near = difflib.get_close_matches(fold(name), list(folded), n=3, cutoff=0.5)
    return ", ".join(folded[n] for n in near) if near else "không có"


def _unique_map(values: list, fn) -> list:
    """``[fn(v) for v in values]``, computing ``fn`` once per distinct value."""
    cache: dict = {}
    out = []
    for v in values:
        try:
            r = cache[v]
        except KeyError:
            r = cache[v] = fn(v)
        except TypeError:  # unhashable cell value
            r = fn(v)
        out.append(r)
    return out


def _read_year(value: Any) -> tuple[int | None, str]:
    """(year, problem): problem is "" when fine, "missing" when blank, else a message."""
    if value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, float) and value != value):
        return None, "missing"
    n = parse_number(value)
    if n is None or not n.is_integer() or not 2000 <= n <= 2100:
        return None, "năm không hợp lệ (cần số như 2023)"
    return int(n), ""


COMMUNE_COLUMNS = ["commune", "plan_section", "section_title", "target_level", "target_year",
                   "original_target_year", "original_target_written", "stated_met", "stated_total",
                   "stated_met_written", "stated_missing", "stated_missing_written", "source_text", "note", "_row"]


def _communes(ctx: _Ctx, t: RawTable) -> pd.DataFrame:
    """One row per commune; blank, duplicate and unreadable cells become errors (column-wise)."""
    sheet, f = t.sheet, t.frame
    n = len(f)

    def col(key: str) -> list:
        return f[key].tolist() if key in f.columns else [None] * n

    rows = col("_row")
    names = _unique_map(col("commune"), nfc)
    level_raw = col("target_level")
    levels = _unique_map(level_raw, lambda v: LEVEL_WORDS.get(fold(v)))
    years = _unique_map(col("target_year"), _read_year)
    origs = _unique_map(col("original_target_year"), _read_year)
    keep, seen = [], {}
    for i, name in enumerate(names):
        if not name:
            ctx.err(sheet, rows[i], "commune", "", "thiếu tên xã", "missing_value")
            continue
        key = _commune_key(name)
        if key in seen:
            ctx.err(sheet, rows[i], "commune", name, f"xã trùng (đã có ở dòng {seen[key]})", "duplicate_row")
            continue
        seen[key] = rows[i]
        keep.append(i)
        if levels[i] is None:
            ctx.err(sheet, rows[i], "target_level", level_raw[i],
                    "mức phấn đấu phải là 'nâng cao' hoặc 'kiểu mẫu'", "bad_value")
        for key_, (value, problem), required in (("target_year", years[i], True),
                                                 ("original_target_year", origs[i], False)):
            if problem == "missing" and required:
                ctx.err(sheet, rows[i], key_, "", "thiếu năm", "missing_value")
            elif problem and problem != "missing":
                ctx.err(sheet, rows[i], key_, col(key_)[i], problem, "bad_value")
    met = _unique_map(col("stated_met_written"), parse_count)
    miss = _unique_map(col("stated_missing_written"), parse_count)
    text = {k: _unique_map(col(k), nfc) for k in ("plan_section", "section_title", "original_target_written",
                                                   "stated_met_written", "stated_missing_written",
                                                   "source_text", "note")}
    pick = lambda values: [values[i] for i in keep]  # noqa: E731
    return pd.DataFrame({
        "commune": pick(names),
        "plan_section": pick(text["plan_section"]),
        "section_title": pick(text["section_title"]),
        "target_level": pick(levels),
        "target_year": [years[i][0] for i in keep],
        "original_target_year": [origs[i][0] for i in keep],
        "original_target_written": pick(text["original_target_written"]),
        "stated_met": [met[i][0] if met[i] else None for i in keep],
        "stated_total": [met[i][1] if met[i] else None for i in keep],
        "stated_met_written": pick(text["stated_met_written"]),
        "stated_missing": [miss[i][0] if miss[i] else None for i in keep],
        "stated_missing_written": pick(text["stated_missing_written"]),
        "source_text": pick(text["source_text"]),
        "note": pick(text["note"]),
        "_row": pick(rows),
    }, columns=COMMUNE_COLUMNS)


def _year(ctx: _Ctx, sheet: Sheet, rec: dict, key: str, required: bool) -> int | None:
    value = rec.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            ctx.err(sheet, rec["_row"], key, "", "thiếu năm", "missing_value")
        return None
    n = parse_number(value)
    if n is None or not n.is_integer() or not 2000 <= n <= 2100:
        ctx.err(sheet, rec["_row"], key, value, "năm không hợp lệ (cần số như 2023)", "bad_value")
        return None
    return int(n)


def _commune_key(name: str) -> str:
    """Match key of a commune name: folded, without a leading "Xã"/"thị trấn".

    >>> _commune_key("Xã Đại Hợp") == _commune_key("đại hợp")
    True
    """
    key = fold(name)
    for prefix in ("xa ", "thi tran "):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def _resolve_commune(ctx: _Ctx, sheet: Sheet, rec: dict, index: dict[str, str]) -> str | None:
    name = nfc(rec.get("commune"))
    if not name:
        ctx.err(sheet, rec["_row"], "commune", "", "thiếu tên xã", "missing_value")
        return None
    key = _commune_key(name)
    if key not in index:
        ctx.err(sheet, rec["_row"], "commune", name,
                f"xã không có trong trang Xã; gần nhất: {_suggest_commune(name, list(index.values()))}",
                "unknown_commune")
        return None
    return index[key]


def _codes(ctx: _Ctx, sheet: Sheet, rec: dict, key: str, value: Any) -> tuple[tuple[str, ...], str]:
    text = nfc(value)
    parts = [p.strip() for p in text.split(";") if p.strip()] if ";" in text else [text]
    codes: list[str] = []
    method = "exact"
    for part in parts:
        m = ctx.cat.match(part)
        if not m.ok:
            ctx.err(sheet, rec["_row"], key, part,
                    f"không nhận ra tiêu chí; gần nhất: {', '.join(m.suggestions)}", "unknown_criterion")
            return (), "unknown"
        if m.method == "fuzzy":
            ctx.warn(sheet, rec["_row"], key, part,
                     f"đoán là '{ctx.cat.label(m.codes[0])}' (giống {m.score:.0%}); hãy sửa cho đúng tên",
                     "fuzzy_criterion")
        codes.extend(m.codes)
        method = m.method if len(parts) == 1 else "split"
    return tuple(dict.fromkeys(codes)), method


def assemble(tables: dict[str, RawTable], catalogue: Catalogue | None = None,
             file: str = "") -> tuple[Plan | None, list[Issue]]:
    """Build a plan from read tables; returns the plan (None on errors) and all issues."""
    info_issues: list[Issue] = []
    info = _info(tables.get("info"), info_issues, file)
    try:
        cat = catalogue or load_catalogue(info.get("catalogue") or config.DEFAULT_CATALOGUE)
    except CatalogueError as exc:
        return None, [Issue("error", SHEETS["info"].name, None, INFO_KEYS["catalogue"],
                            _str(info.get("catalogue")), str(exc), file, "unknown_catalogue")]
    ctx = _Ctx(file, cat)
    ctx.issues.extend(info_issues)
    if "communes" not in tables:
        return None, []
    communes = _communes(ctx, tables["communes"])
    index = {_commune_key(c): c for c in communes["commune"]}
    level = dict(zip(communes["commune"], communes["target_level"]))

    # milestones and the commune deadline
    milestones, commune_due = _milestones(ctx, tables.get("milestones"), index)

    # items -> gaps
    plan_year = info.get("plan_year") if isinstance(info.get("plan_year"), int) else None
    gap_rows: list[tuple] = []
    seen: dict[tuple[str, str], int] = {}
    deps: list[dict] = []
    if "items" in tables:
        sheet = tables["items"].sheet
        f = tables["items"].frame
        n = len(f)
        cols = {k: (f[k].tolist() if k in f.columns else [None] * n) for k in
                ("commune", "criterion", "criterion_written", "due_written", "due", "waits_on", "requirement",
                 "detail", "note", "_row")}
        written_n = _unique_map(cols["criterion_written"], nfc)
        canon_n = _unique_map(cols["criterion"], nfc)
        detail_n = _unique_map(cols["detail"], nfc)
        req_words = _unique_map(cols["requirement"], lambda v: REQUIREMENT_WORDS.get(fold(v)))
        for i in range(n):
            row = cols["_row"][i]

            def rec(i: int = i) -> dict:  # the row as a dict, built only when a reader needs it
                return {k: v[i] for k, v in cols.items()}

            commune = ctx.memo("commune", cols["commune"][i], lambda: _resolve_commune(ctx, sheet, rec(), index))
            written = written_n[i]
            if not written and not canon_n[i]:
                ctx.err(sheet, row, "criterion_written", "", "thiếu tên tiêu chí", "missing_value")
                continue
            codes, method = ctx.memo("codes", (cols["criterion"][i], written),
                                     lambda: _item_codes(ctx, sheet, rec(), written))
            due, year_only, due_written = ctx.memo(
                "due", (cols["due_written"][i], cols["due"][i]),
                lambda: _deadline(ctx, sheet, rec(), "due_written", "due"))
            if due is not None and plan_year and due.year < plan_year:
                norm = cols["due"][i] not in (None, "")
                ctx.warn(sheet, row, "due" if norm else "due_written",
                         cols["due"][i] if norm else cols["due_written"][i],
                         f"thời hạn {due} trước năm kế hoạch {plan_year}: có thể gõ nhầm năm", "due_before_plan")
            waits = _waits(ctx, sheet, rec()) if cols["waits_on"][i] else []
            if commune is None or not codes:
                continue
            req_word = req_words[i]
            for code in codes:
                requirement = "model" if cat.is_model(code) else "criterion"
                if req_word and req_word != requirement:
                    ctx.warn(sheet, row, "requirement", cols["requirement"][i],
                             f"loại ghi '{cols['requirement'][i]}' nhưng {cat.label(code)} là "
                             f"{'yêu cầu kiểu mẫu' if requirement == 'model' else 'tiêu chí'}", "requirement_mismatch")
                if requirement == "model" and level.get(commune) != "kieu_mau":
                    ctx.err(sheet, row, "criterion_written", written,
                            f"yêu cầu kiểu mẫu cho xã {commune} không phấn đấu kiểu mẫu", "model_for_advanced")
                    continue
                if (commune, code) in seen:
                    ctx.err(sheet, row, "criterion_written", written,
                            f"trùng: {commune} đã có {cat.label(code)} ở dòng {seen[(commune, code)]}", "duplicate_row")
                    continue
                seen[(commune, code)] = row
                gap_rows.append((commune, code, written or canon_n[i], method, detail_n[i], due, year_only,
                                 due_written, ";".join(waits), sheet.name, row))
                for on in waits:
                    deps.append({"commune": commune, "waiting": code, "on": on, "when": "always",
                                 "reason": nfc(cols["note"][i]) or "kế hoạch nêu", "source": "plan"})

    # the matrix: extra gaps and contradictions
    if "matrix" in tables:
        gap_rows += _matrix(ctx, tables["matrix"], index, level, seen, commune_due)

    gaps = _gap_frame(gap_rows, cat, commune_due)
    communes = _commune_frame(communes, gaps, commune_due)
    for r in _records(communes):
        _count_warnings(ctx, tables["communes"].sheet, r, cat)

    plan_deps = pd.DataFrame(deps, columns=["commune", "waiting", "on", "when", "reason", "source"])
    cat_deps = cat.dependencies.assign(commune="", source="catalogue")[
        ["commune", "waiting", "on", "when", "reason", "source"]]
    dependencies = pd.concat([cat_deps, plan_deps], ignore_index=True) if len(plan_deps) else cat_deps.reset_index(drop=True)

    plan = Plan(
        meta={**info, "catalogue": cat.id, "file": file},
        catalogue=cat,
        communes=communes.drop(columns="_row"),
        gaps=gaps,
        model_requirements=_model_requirements(cat, communes, gaps),
        ocop=_ocop(ctx, tables.get("ocop"), index),
        milestones=milestones,
        quantities=_quantities(ctx, tables.get("quantities"), index),
        departments=_departments(tables.get("departments")),
        completions=_completions(ctx, tables.get("completions"), index),
        dependencies=dependencies.astype({"commune": "str", "waiting": "str", "on": "str"}),
        warnings=tuple(i for i in ctx.issues if i.severity == "warning"),
        source=file,
    )
    has_errors = any(i.severity == "error" for i in ctx.issues)
    return (None if has_errors else plan), ctx.issues


def _item_codes(ctx: _Ctx, sheet: Sheet, rec: dict, written: str) -> tuple[tuple[str, ...], str]:
    """Criterion codes of an item: the canonical column when filled, else the words as written."""
    source_key = "criterion" if nfc(rec.get("criterion")) else "criterion_written"
    codes, method = _codes(ctx, sheet, rec, source_key, rec.get(source_key))
    if source_key == "criterion" and written:
        wm = ctx.cat.match(written)
        if wm.ok and set(wm.codes) != set(codes):
            ctx.warn(sheet, rec["_row"], "criterion_written", written,
                     f"nguyên văn khớp với {', '.join(wm.codes)} nhưng cột chuẩn hóa ghi "
                     f"{', '.join(codes)}; dùng cột chuẩn hóa", "criterion_mismatch")
        method = wm.method if wm.ok and set(wm.codes) == set(codes) else method
    return codes, method


def _info(t: RawTable | None, issues: list[Issue] | None = None, file: str = "") -> dict[str, Any]:
    issues = issues if issues is not None else []
    info: dict[str, Any] = {}
    if t is None:
        return info
    labels = {fold(v): k for k, v in INFO_KEYS.items()} | {fold(k): k for k in INFO_KEYS}
    for rec in _records(t.frame):
        key = labels.get(fold(rec.get("item")))
        if key:
            value = rec.get("value")
            info[key] = nfc(value) if isinstance(value, str) else value
    if info.get("plan_year") not in (None, ""):
        n = parse_number(info["plan_year"])
        if n is None or not n.is_integer() or not 2000 <= n <= 2100:
            row = next((r["_row"] for r in _records(t.frame) if labels.get(fold(r.get("item"))) == "plan_year"), None)
            issues.append(Issue("warning", SHEETS["info"].name, row, SHEETS["info"].column("value").header,
                                _str(info["plan_year"]), "năm kế hoạch không đọc được (cần số như 2023); "
                                "bỏ qua kiểm tra thời hạn theo năm", file, "bad_plan_year"))
            info["plan_year"] = None
        else:
            info["plan_year"] = int(n)
    return info


GAP_COLUMNS = ["gap_id", "commune", "requirement", "criterion_code", "criterion_order", "criterion",
               "criterion_en", "written_as", "match_method", "detail", "due_written", "due", "due_source",
               "waits_on", "department", "plan_section", "target_level", "target_year", "sheet", "row"]


def _periods(values) -> pd.arrays.PeriodArray:
    """A quarterly PeriodArray from Period-or-None values (fast: through ordinals)."""
    nat = pd.NaT.value
    ords = np.fromiter((nat if v is None or v is pd.NaT else v.ordinal for v in values), dtype="int64")
    return pd.arrays.PeriodArray(ords, dtype=QDTYPE)


GAP_BASE = ["commune", "criterion_code", "written_as", "match_method", "detail", "own_due", "own_year_only",
            "own_due_written", "waits_on", "sheet", "row"]


def _gap_frame(rows: list[tuple], cat: Catalogue, commune_due: dict) -> pd.DataFrame:
    """Gaps from base tuples (:data:`GAP_BASE`): names, department and the deadline rule.

    The effective deadline is the item's own; else its commune's (the dossier milestone
    that applies to items); a year-only phrase means that year's fourth quarter.
    """
    base = dict(zip(GAP_BASE, map(list, zip(*rows)))) if rows else {k: [] for k in GAP_BASE}
    codes = base["criterion_code"]
    info = {c: (("model" if cat.is_model(c) else "criterion"), cat.order(c), cat.name(c), cat.name(c, "en"),
                cat.department(c)) for c in set(codes)}
    due, due_written, source = [], [], []
    for commune, own, own_y, own_w in zip(base["commune"], base["own_due"], base["own_year_only"],
                                          base["own_due_written"]):
        if own is not None:
            due.append(own), due_written.append(own_w), source.append("year-only" if own_y else "item")
        elif commune in commune_due:
            c_due, c_year_only, c_written = commune_due[commune]
            due.append(c_due), due_written.append(c_written), source.append("year-only" if c_year_only else "commune")
        else:
            due.append(None), due_written.append(""), source.append("none")
    df = pd.DataFrame({
        "gap_id": [f"{a}|{b}" for a, b in zip(base["commune"], codes)],
        "commune": base["commune"],
        "requirement": [info[c][0] for c in codes],
        "criterion_code": codes,
        "criterion_order": np.array([info[c][1] for c in codes], dtype="int64"),
        "criterion": [info[c][2] for c in codes],
        "criterion_en": [info[c][3] for c in codes],
        "written_as": base["written_as"],
        "match_method": base["match_method"],
        "detail": base["detail"],
        "due_written": due_written,
        "due": _periods(due),
        "due_source": source,
        "waits_on": base["waits_on"],
        "department": [info[c][4] for c in codes],
        "sheet": base["sheet"],
        "row": np.array(base["row"], dtype="int64"),
    })
    return df


def _commune_frame(communes: pd.DataFrame, gaps: pd.DataFrame, commune_due: dict) -> pd.DataFrame:
    out = communes.copy()
    crit = gaps[gaps["requirement"] == "criterion"].groupby("commune").size()
    out["listed_missing"] = out["commune"].map(crit).fillna(0).astype("Int64")
    out["commune_due"] = _periods([commune_due.get(c, (None,))[0] for c in out["commune"]])
    out["commune_due_written"] = [commune_due.get(c, (None, False, ""))[2] for c in out["commune"]]
    out["commune_due_year_only"] = [bool(commune_due.get(c, (None, False))[1]) for c in out["commune"]]
    for col in ("target_year", "original_target_year", "stated_met", "stated_total", "stated_missing"):
        out[col] = out[col].astype("Int64")
    return out


def _count_warnings(ctx: _Ctx, sheet: Sheet, r: dict, cat: Catalogue) -> None:
    listed = int(r["listed_missing"])
    total = len(cat.criterion_codes)
    if pd.notna(r["stated_missing"]) and int(r["stated_missing"]) != listed:
        ctx.warn(sheet, r["_row"], "stated_missing_written", r["stated_missing_written"],
                 f"{r['commune']}: kế hoạch ghi còn {int(r['stated_missing'])} tiêu chí nhưng liệt kê "
                 f"{listed} tiêu chí", "count_mismatch")
    if pd.notna(r["stated_met"]):
        if pd.notna(r["stated_total"]) and int(r["stated_total"]) != total:
            ctx.warn(sheet, r["_row"], "stated_met_written", r["stated_met_written"],
                     f"{r['commune']}: tổng '{int(r['stated_total'])}' khác số tiêu chí của bộ ({total})", "count_total")
        missing = int(r["stated_missing"]) if pd.notna(r["stated_missing"]) else listed
        if int(r["stated_met"]) + missing != total:
            ctx.warn(sheet, r["_row"], "stated_met_written", r["stated_met_written"],
                     f"{r['commune']}: đạt {int(r['stated_met'])} + còn thiếu {missing} ≠ {total}", "count_sum")


def _milestones(ctx: _Ctx, t: RawTable | None, index: dict[str, str]):
    cols = ["commune", "milestone", "written_as", "due_written", "due", "year_only", "applies_to_items"]
    rows, commune_due = [], {}
    if t is not None:
        for rec in _records(t.frame):
            commune = ctx.memo("commune", rec.get("commune"), lambda: _resolve_commune(ctx, t.sheet, rec, index))
            due, year_only, written = ctx.memo("due", (rec.get("due_written"), rec.get("due")),
                                               lambda: _deadline(ctx, t.sheet, rec, "due_written", "due"))
            applies = _bool(ctx, t.sheet, rec, "applies_to_items", default=True)
            if commune is None:
                continue
            rows.append({"commune": commune, "milestone": nfc(rec.get("milestone")),
                         "written_as": nfc(rec.get("written_as")), "due_written": written, "due": due,
                         "year_only": year_only, "applies_to_items": applies})
            if applies and due is not None:
                prev = commune_due.get(commune)
                if prev is None or due > prev[0]:
                    commune_due[commune] = (due, year_only, written)
    df = pd.DataFrame(rows, columns=cols)
    df["due"] = _periods(df["due"].tolist())
    return df.astype({"year_only": bool, "applies_to_items": bool}), commune_due


def _bool(ctx: _Ctx, sheet: Sheet, rec: dict, key: str, default: bool) -> bool:
    v = rec.get(key)
    if v is None:
        return default
    if isinstance(v, bool):
        return v
    f = fold(v)
    if f not in BOOL_WORDS:
        ctx.err(sheet, rec["_row"], key, v, "cần 'có' hoặc 'không'", "bad_value")
        return default
    return BOOL_WORDS[f] if f else default


def _waits(ctx: _Ctx, sheet: Sheet, rec: dict) -> list[str]:
    text = nfc(rec.get("waits_on"))
    if not text:
        return []
    codes, _ = _codes(ctx, sheet, rec, "waits_on", text.replace(",", ";"))
    return list(codes)


def _matrix(ctx: _Ctx, t: RawTable, index: dict[str, str], level: dict[str, str],
            seen: dict, commune_due: dict) -> list[tuple]:
    cat = ctx.cat
    sheet = t.sheet
    colcodes: dict[str, str] = {}
    for col in t.extra["extra_columns"]:
        m = cat.match(col)
        if not m.ok or len(m.codes) != 1:
            ctx.err(sheet, t.extra["header_row"], col, col,
                    f"cột ma trận không phải tiêu chí; gần nhất: {', '.join(cat.suggest(col))}", "unknown_criterion")
            continue
        if m.codes[0] in colcodes.values():
            ctx.err(sheet, t.extra["header_row"], col, col, "cột tiêu chí trùng", "duplicate_column")
            continue
        colcodes[col] = m.codes[0]
    rows: list[tuple] = []
    done: set[str] = set()
    for rec in _records(t.frame):
        commune = _resolve_commune(ctx, sheet, rec, index)
        if commune is None:
            continue
        if commune in done:
            ctx.err(sheet, rec["_row"], "commune", commune, "xã trùng trong ma trận", "duplicate_row")
            continue
        done.add(commune)
        for col, code in colcodes.items():
            value = rec.get(col)
            status = status_word(value)
            if status is None:
                ctx.err(sheet, rec["_row"], col, value, "cần 'Đạt', 'Chưa đạt' hoặc để trống", "bad_status")
                continue
            listed = (commune, code) in seen
            if status == "met" and listed:
                ctx.err(sheet, rec["_row"], col, value,
                        f"ma trận ghi Đạt nhưng trang Chi tiết dòng {seen[(commune, code)]} ghi còn thiếu",
                        "matrix_contradiction")
            elif status == "missing" and not listed:
                if cat.is_model(code) and level.get(commune) != "kieu_mau":
                    continue
                seen[(commune, code)] = rec["_row"]
                rows.append((commune, code, col, "matrix", "", None, False, "", "", sheet.name, rec["_row"]))
    return rows


def _model_requirements(cat: Catalogue, communes: pd.DataFrame, gaps: pd.DataFrame) -> pd.DataFrame:
    """Each model commune × each model requirement: ``met`` or ``missing`` (KM1: no criterion gap)."""
    model = communes.loc[communes["target_level"] == "kieu_mau", "commune"].tolist()
    model_all = list(cat.criteria.loc[cat.criteria["kind"] == "model", "code"])
    derived = set(cat.derived_codes)
    missing = set(zip(gaps["commune"], gaps["criterion_code"]))
    crit = set(gaps.loc[gaps["requirement"] == "criterion", "commune"])
    pairs = [(m, c) for m in model for c in model_all]
    return pd.DataFrame({
        "commune": [m for m, _ in pairs],
        "criterion_code": [c for _, c in pairs],
        "requirement": [cat.name(c) for _, c in pairs],
        "status": ["missing" if (m in crit if c in derived else (m, c) in missing) else "met" for m, c in pairs],
    }, columns=["commune", "criterion_code", "requirement", "status"])


def _ocop(ctx: _Ctx, t: RawTable | None, index: dict[str, str]) -> pd.DataFrame:
    cols = ["commune", "product", "status", "target_stars", "written_as", "note"]
    rows = []
    if t is not None:
        for rec in _records(t.frame):
            commune = _resolve_commune(ctx, t.sheet, rec, index)
            status = OCOP_WORDS.get(fold(rec.get("status")))
            if status is None:
                ctx.err(t.sheet, rec["_row"], "status", rec.get("status"),
                        "tình trạng OCOP phải là 'chưa có', 'đã chọn' hoặc 'đã chứng nhận'", "bad_value")
            stars = rec.get("target_stars")
            n = parse_number(stars) if stars not in (None, "") else None
            if stars not in (None, "") and (n is None or n not in (1, 2, 3, 4, 5)):
                ctx.err(t.sheet, rec["_row"], "target_stars", stars, "số sao phải từ 1 đến 5", "bad_value")
                n = None
            if commune is None or status is None:
                continue
            rows.append({"commune": commune, "product": nfc(rec.get("product")), "status": status,
                         "target_stars": None if n is None else int(n), "written_as": nfc(rec.get("written_as")),
                         "note": nfc(rec.get("note"))})
    df = pd.DataFrame(rows, columns=cols)
    df["target_stars"] = df["target_stars"].astype("Int64")
    return df


def _quantities(ctx: _Ctx, t: RawTable | None, index: dict[str, str]) -> pd.DataFrame:
    cols = ["commune", "criterion_code", "indicator", "written_as", "current_written", "current",
            "target_written", "target", "unit", "comparator"]
    rows = []
    if t is not None:
        for rec in _records(t.frame):
            commune = _resolve_commune(ctx, t.sheet, rec, index)
            codes, _ = _codes(ctx, t.sheet, rec, "criterion", rec.get("criterion"))
            values = {}
            for key in ("current", "target"):
                raw = rec.get(key)
                if raw in (None, ""):
                    raw = rec.get(f"{key}_written")
                values[key] = parse_number(raw) if raw not in (None, "") else None
                if raw not in (None, "") and values[key] is None:
                    ctx.err(t.sheet, rec["_row"], key, raw, "không đọc được số", "bad_number")
            if commune is None or not codes:
                continue
            rows.append({"commune": commune, "criterion_code": codes[0], "indicator": nfc(rec.get("indicator")),
                         "written_as": nfc(rec.get("written_as")), "current_written": nfc(rec.get("current_written")),
                         "current": values["current"], "target_written": nfc(rec.get("target_written")),
                         "target": values["target"], "unit": nfc(rec.get("unit")),
                         "comparator": nfc(rec.get("comparator"))})
    return pd.DataFrame(rows, columns=cols).astype({"current": "float64", "target": "float64"})


def _departments(t: RawTable | None) -> pd.DataFrame:
    cols = ["department", "task", "criteria", "plan_section"]
    if t is None:
        return pd.DataFrame(columns=cols)
    df = t.frame.reindex(columns=cols)
    return df.apply(lambda s: s.map(nfc)).reset_index(drop=True)


def _completions(ctx: _Ctx, t: RawTable | None, index: dict[str, str]) -> pd.DataFrame:
    cols = ["commune", "criterion_code", "done", "done_written", "note"]
    rows = []
    if t is not None:
        for rec in _records(t.frame):
            commune = _resolve_commune(ctx, t.sheet, rec, index)
            codes, _ = _codes(ctx, t.sheet, rec, "criterion", rec.get("criterion"))
            done, _, written = _deadline(ctx, t.sheet, rec, "", "done")
            if done is None and rec.get("done") in (None, ""):
                ctx.err(t.sheet, rec["_row"], "done", "", "thiếu ngày hoặc quý hoàn thành", "missing_value")
            if commune is None or not codes or done is None:
                continue
            for code in codes:
                rows.append({"commune": commune, "criterion_code": code, "done": done,
                             "done_written": _str(rec.get("done")), "note": nfc(rec.get("note"))})
    df = pd.DataFrame(rows, columns=cols)
    df["done"] = _periods(df["done"].tolist())
    return df


def _finish_gaps(plan: Plan) -> Plan:
    c = plan.communes.set_index("commune")
    g = plan.gaps.copy()
    g["plan_section"] = g["commune"].map(c["plan_section"]).astype("str")
    g["target_level"] = g["commune"].map(c["target_level"]).astype("str")
    g["target_year"] = g["commune"].map(c["target_year"]).astype("Int64")
    g = g[GAP_COLUMNS].sort_values(["commune", "criterion_order"], key=None, kind="stable")
    order = {name: i for i, name in enumerate(plan.communes["commune"])}
    g = g.sort_values(["commune", "criterion_order"], key=lambda s: s.map(order) if s.name == "commune" else s,
                      kind="stable").reset_index(drop=True)
    return plan.with_tables(gaps=g)


# ----------------------------------------------------------------- public API
def validate_workbook(path: Path | str | None = None) -> tuple[Plan | None, list[Issue]]:
    """Read and check a workbook: the plan (None when there are errors) and every issue."""
    path = Path(path) if path is not None else config.DEFAULT_WORKBOOK
    tables, issues = read_workbook(path)
    plan, more = assemble(tables, file=path.name)
    issues = issues + more
    if plan is not None and not any(i.severity == "error" for i in issues):
        plan = _finish_gaps(plan)
        return plan, issues
    return None, issues


def plan_from_tables(tables: dict[str, pd.DataFrame], meta: dict[str, Any] | None = None,
                     catalogue_id: str | None = None, file: str = "") -> tuple[Plan | None, list[Issue]]:
    """Assemble a plan from in-memory tables keyed like the workbook (schema keys as columns).

    >>> t = {"communes": pd.DataFrame([{"commune": "A", "plan_section": "1", "target_level": "nâng cao",
    ...                                 "target_year": 2024}]),
    ...      "items": pd.DataFrame([{"commune": "A", "criterion_written": "Y tế", "due": "2024Q2"}])}
    >>> plan, issues = plan_from_tables(t)
    >>> plan.gaps[["commune", "criterion_code", "due_source"]].values.tolist()
    [['A', '14', 'item']]
    """
    raw: dict[str, RawTable] = {}
    for key, df in tables.items():
        frame = df.astype(object).where(df.notna(), None).copy()
        frame["_row"] = range(2, len(frame) + 2)
        extra = [c for c in df.columns if key == "matrix" and c != "commune"]
        raw[key] = RawTable(SHEETS[key], frame, {"extra_columns": extra, "header_row": 1})
    if meta or catalogue_id:
        info = dict(meta or {})
        if catalogue_id:
            info["catalogue"] = catalogue_id
        raw["info"] = RawTable(SHEETS["info"], pd.DataFrame(
            [{"item": k, "value": v, "_row": i} for i, (k, v) in enumerate(info.items(), start=2)], dtype=object), {})
    plan, issues = assemble(raw, file=file)
    if plan is not None:
        plan = _finish_gaps(plan)
    return plan, issues


def load_plan(path: Path | str | None = None) -> Plan:
    """Load a plan workbook (default: the embedded 2023 Tứ Kỳ plan).

    Raises :class:`~ntm_analysis.errors.PlanError` listing every error found.
    """
    plan, issues = validate_workbook(path)
    if plan is None:
        raise PlanError([i for i in issues if i.severity == "error"],
                        str(path if path is not None else config.DEFAULT_WORKBOOK))
    return plan
