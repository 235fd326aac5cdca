"""Write plan workbooks in the package's layout (embedded data, template, extractor).

The same writer makes the empty template (``ntm template``), the workbook the
extractor produces (``ntm extract``) and the embedded 2023 plan, so that all three
have one layout: Vietnamese headers, frozen header row, filters, widths, and
drop-down lists (data validation) for communes, criteria, status and quarters, and
a first sheet of instructions (:mod:`.guide`).
It writes with XlsxWriter in one pass (a 10,000-commune plan in seconds).

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "mau.xlsx"
>>> _ = write_workbook(out, {}, {"district": "Tứ Kỳ", "plan_year": 2024})
>>> from openpyxl import load_workbook
>>> load_workbook(out).sheetnames[:3]
['Hướng dẫn', 'Thông tin', 'Xã']
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from ..core.names import fold, nfc
from ..core.text import sheet_text
from ..core.vocab import Cell
from ..criteria.catalogue import Catalogue, load_catalogue
from ..tables.schema import (THRESHOLD_MISSING, THRESHOLDS_HEADERS, THRESHOLDS_SHEET, GUIDE_SHEET, INFO_KEYS, LEVEL_TEXT, LEVEL_WORDS, LIST_TITLES, LISTS_SHEET, MATRIX_TEXT,
                             OCOP_TEXT, REQUIREMENT_TEXT, SHEETS, YES_NO_TEXT, Sheet)
from .files import atomic_path
from .guide import STATUS_HINT, Row, commune_hint, guide_rows
from .xlsx_write import Formats, close_workbook, new_workbook, set_width, write_value

MET, MISSING, NA = MATRIX_TEXT
HEADER_FILL = "DDEBF7"
MET_FILL = "C6EFCE"
MISSING_FILL = "FFC7CE"
MAX_ROWS = 2000  # rows covered by drop-down lists in the template (more when the data has more)
SPARE_ROWS = 500  # rows with drop-down lists below the data, for what a user adds
QUARTER_YEARS = range(2020, 2031)
GUIDE_WIDTHS = (22, 60, 44)  # the columns of the instructions sheet
LINE_HEIGHT = 15  # points: a line of text in the default font


def matrix_headers(catalogue: Catalogue) -> list[str]:
    """Column headers of the matrix sheet: ``"1. Quy hoạch"`` … ``"KM3 Mô hình thôn thông minh"``."""
    return [catalogue.label(c) for c in catalogue.criterion_codes + catalogue.model_codes]


def _column(df: pd.DataFrame, key: str) -> list:
    return df[key].tolist() if key in df.columns else [None] * len(df)


def _distinct(values: Iterable, fn: Callable[[Any], Any]) -> list:
    """``[fn(v) for v in values]``, calling ``fn`` once per distinct value."""
    memo: dict = {}
    out = []
    for v in values:
        try:
            r = memo[v]
        except KeyError:
            r = memo[v] = fn(v)
        except TypeError:  # unhashable: no memo
            r = fn(v)
        out.append(r)
    return out


def derive_matrix(communes: pd.DataFrame, items: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The commune × criterion matrix implied by the items: 'Chưa đạt' where an item names
    the criterion, 'Đạt' elsewhere, '-' for model requirements of non-model communes. The
    cells come from the one status-matrix builder (:mod:`ntm_analysis.analysis.matrix`);
    each distinct criterion as written is matched once, however many rows repeat it.

    >>> cat = load_catalogue()
    >>> c = pd.DataFrame({"commune": ["A"], "target_level": ["nâng cao"]})
    >>> i = pd.DataFrame({"commune": ["A"], "criterion_written": ["Y tế"]})
    >>> m = derive_matrix(c, i, cat)
    >>> m.loc[0, "14. Y tế"], m.loc[0, "1. Quy hoạch"], m.loc[0, "KM3 Mô hình thôn thông minh"]
    ('Chưa đạt', 'Đạt', '-')
    """
    from ..analysis.matrix import build_cells

    codes = catalogue.criterion_codes + catalogue.model_codes
    headers = matrix_headers(catalogue)
    if not len(communes):
        return pd.DataFrame([], columns=["commune", *headers])

    def codes_of(pair: tuple) -> tuple[str, ...]:
        written = nfc(pair[0]) or nfc(pair[1])
        names = [w for w in written.split(";") if w.strip()] if ";" in written else [written]
        return tuple(code for name in names for code in catalogue.match(name).codes)

    item_communes = _distinct(_column(items, "commune"), nfc)
    item_codes = _distinct(zip(_column(items, "criterion"), _column(items, "criterion_written")), codes_of)
    listed = sorted({(name, code) for name, found in zip(item_communes, item_codes) for code in found})
    names = _distinct(communes["commune"].tolist(), nfc)
    levels = _distinct(_column(communes, "target_level"), lambda v: LEVEL_WORDS.get(fold(v), ""))
    cells = build_cells(
        catalogue,
        pd.DataFrame({"commune_id": names, "commune": names, "target_level": levels}),
        pd.DataFrame({"commune_id": [n for n, _ in listed], "criterion_code": [c for _, c in listed],
                      "due": pd.array([None] * len(listed), dtype="period[Q-DEC]"), "due_source": ""}),
        codes)
    words = {Cell.MET: MET, Cell.NA: NA}
    grid = np.array([words.get(s, MISSING) for s in cells["status"]], dtype=object).reshape(len(names), len(codes))
    data = {"commune": names}
    data.update({h: grid[:, j].tolist() for j, h in enumerate(headers)})
    return pd.DataFrame(data, columns=["commune", *headers])


def _lines(text: str, width: int) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (a
    letter of text is taken a little wider than a digit, Excel's unit of width).

    >>> _lines("một hai", 20), _lines("x" * 50, 20)
    (1, 3)
    """
    per_line = max(1, int(width * 0.9))
    return max(1, -(-len(text) // per_line))


def _excel_value(v: object) -> object:
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Period):
        return str(v)
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


class _Writer:
    """One workbook being written: its formats and the list ranges of the 'Danh mục' sheet."""

    def __init__(self, path: Path, rows: int = MAX_ROWS):
        self.rows = rows  # the last row with drop-down lists
        self.wb = new_workbook(path)
        self.fmt = Formats(self.wb)
        self.header = self.fmt.fill(HEADER_FILL, bold=True, text_wrap=True, valign="top")

    def table(self, ws, sheet: Sheet, df: pd.DataFrame | None, extra_headers: list[str] | None = None,
              cell_format: Callable[[object], Any] | None = None) -> None:
        """Header row, rows of ``df`` (columns = schema keys), widths, frozen pane, filter.
        ``cell_format(value)`` gives a format for the cells after the first column."""
        headers = sheet.headers + (extra_headers or [])
        keys = [c.key for c in sheet.columns] + (extra_headers or [])
        for j, h in enumerate(headers):
            ws.write_string(0, j, sheet_text(h), self.header)
        n = 0 if df is None else len(df)
        if n:
            columns = [[_excel_value(v) for v in _column(df, k)] for k in keys]
            fmt = self.fmt
            for i, row in enumerate(zip(*columns), start=1):
                for j, v in enumerate(row):
                    if v is not None:
                        write_value(ws, i, j, v, fmt, cell_format(v) if cell_format is not None and j else None)
        widths = [c.width for c in sheet.columns] + [14] * len(extra_headers or [])
        for j, w in enumerate(widths):
            set_width(ws, j, w)
        ws.freeze_panes(1, 1 if sheet.key == "matrix" else 0)
        ws.autofilter(0, 0, max(n, 1), len(headers) - 1)  # as far as the last row, blank or not

    def validate(self, ws, formula: str, col: int, title: str, allow_blank: bool = True) -> None:
        """A drop-down list on rows 2…``self.rows`` of column ``col`` (1-based, as in Excel)."""
        ws.data_validation(1, col - 1, self.rows - 1, col - 1, {
            "validate": "list",
            "source": "=" + formula,
            "ignore_blank": allow_blank,
            "show_input": False,
            "show_error": True,
            "error_title": "Giá trị không hợp lệ",
            "error_message": f"Chọn một giá trị trong danh sách ({title}).",
        })

    def guide(self, rows: list[Row]) -> None:
        """The instructions sheet, first: texts across its columns, tables under a header
        row, each row as tall as its wrapped text; no grid lines."""
        ws = self.wb.add_worksheet(GUIDE_SHEET)
        wrap = self.fmt(text_wrap=True, valign="top")
        styles = {"title": self.fmt(bold=True, font_size=14), "section": self.fmt(bold=True, font_size=12),
                  "head": self.header, "row": wrap, "text": wrap}
        for i, (kind, cells) in enumerate(rows):
            if kind == "text":
                ws.merge_range(i, 0, i, len(GUIDE_WIDTHS) - 1, sheet_text(cells[0]), wrap)
                lines = _lines(cells[0], sum(GUIDE_WIDTHS))
            else:
                for j, cell in enumerate(cells):
                    ws.write_string(i, j, sheet_text(cell), styles[kind])
                lines = max([_lines(c, w) for c, w in zip(cells, GUIDE_WIDTHS)], default=1)
            if lines > 1:
                ws.set_row(i, LINE_HEIGHT * lines)
        for j, width in enumerate(GUIDE_WIDTHS):
            set_width(ws, j, width)
        ws.hide_gridlines(2)

    @staticmethod
    def lists(catalogue: Catalogue) -> dict[str, list[str]]:
        ind = catalogue.indicators
        return {
            "criteria": [catalogue.name(c) for c in catalogue.criterion_codes + catalogue.model_codes],
            "status": list(MATRIX_TEXT),
            "quarters": [f"{y}Q{q}" for y in QUARTER_YEARS for q in range(1, 5)],
            "levels": list(LEVEL_TEXT.values()),
            "ocop": list(OCOP_TEXT.values()),
            "requirement": list(REQUIREMENT_TEXT.values()),
            "yesno": list(YES_NO_TEXT),
            "groups": [] if ind is None else [n or f"Nhóm {c}" for c, n in zip(ind.groups["code"], ind.groups["name"])],
            "indicators": [] if ind is None else list(ind.table["name"]),
            "comparators": ["≥", "≤", "=", "đạt"],
        }

    @staticmethod
    def list_refs(lists: dict[str, list[str]]) -> dict[str, str]:
        refs = {}
        for col, (key, values) in enumerate(lists.items()):
            letter = xl_col_to_name(col)
            refs[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
        return refs

    def lists_sheet(self, lists: dict[str, list[str]]) -> None:
        ws = self.wb.add_worksheet(LISTS_SHEET)
        for col, (key, values) in enumerate(lists.items()):
            ws.write_string(0, col, sheet_text(LIST_TITLES[key]), self.header)
            for row, value in enumerate(values, start=1):
                ws.write_string(row, col, sheet_text(value))
        ws.hide()


# sheet → (list, column, hint) of the drop-downs that guide typing
_DROP_DOWNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "communes": (("levels", "target_level", "nâng cao / kiểu mẫu"), ("groups", "group", "nhóm xã của bộ tiêu chí")),
    "quantities": (("criteria", "criterion", "tên tiêu chí chuẩn"), ("indicators", "indicator", "chỉ tiêu của bộ tiêu chí"),
                   ("comparators", "comparator", "≥ / ≤ / = / đạt")),
    "items": (("criteria", "criterion", "tên tiêu chí chuẩn"), ("quarters", "due", "quý, vd. 2023Q2"),
              ("requirement", "requirement", "tiêu chí / kiểu mẫu")),
    "milestones": (("quarters", "due", "quý, vd. 2023Q2"), ("yesno", "applies_to_items", "có / không")),
    "ocop": (("ocop", "status", "chưa có / đã chọn / đã chứng nhận"),),
    "completions": (("criteria", "criterion", "tên tiêu chí chuẩn"),),
}


def _matrix_sheet(w: "_Writer", ws, sheet, matrix: pd.DataFrame, catalogue, refs: dict[str, str],
                  commune_ref: str) -> None:
    headers = matrix_headers(catalogue)
    fills = {MET: w.fmt.fill(MET_FILL), MISSING: w.fmt.fill(MISSING_FILL)}
    w.table(ws, sheet, matrix, headers, cell_format=fills.get)
    for col in range(2, len(headers) + 2):
        w.validate(ws, refs["status"], col, STATUS_HINT)
    set_width(ws, 1, 12, len(headers))
    ws.set_row(0, 60)
    w.validate(ws, commune_ref, 1, commune_hint())


def write_workbook(
    path: Path | str,
    tables: Mapping[str, pd.DataFrame],
    meta: Mapping[str, object] | None = None,
    catalogue_id: str | None = None,
    replace: bool = True,
    group: str | None = None,
) -> Path:
    """Write a plan workbook atomically.

    ``tables`` maps sheet keys of :data:`~ntm_analysis.tables.schema.SHEETS` to DataFrames
    whose columns are the schema's column keys; a missing table gives an empty
    sheet. The matrix is derived from ``communes`` and ``items`` unless given.
    Text is always written as text, also when it looks like a formula.
    ``replace=False`` refuses to write over an existing file (``ntm template`` and
    ``ntm extract`` without ``--force``). ``group``: a commune group of the set, whose
    thresholds a reference sheet lists (``Ngưỡng nhóm …``).
    """
    meta = dict(meta or {})
    catalogue = load_catalogue(catalogue_id or str(meta.get("catalogue") or "nang_cao_2021_2025"))
    meta.setdefault("catalogue", catalogue.id)
    communes = tables.get("communes", pd.DataFrame(columns=["commune", "target_level"]))
    items = tables.get("items", pd.DataFrame(columns=["commune", "criterion_written"]))
    matrix = tables.get("matrix")
    if matrix is None:
        matrix = derive_matrix(communes, items, catalogue)
    lists = _Writer.lists(catalogue)
    refs = _Writer.list_refs(lists)
    rows = max([MAX_ROWS] + [len(df) + 1 + SPARE_ROWS for df in tables.values() if df is not None])
    commune_ref = f"'{SHEETS['communes'].name}'!$A$2:$A${rows}"
    path = Path(path)
    with atomic_path(path, ".xlsx", replace=replace) as tmp:
        w = _Writer(tmp, rows)
        drops = {k: tuple(d for d in v if lists[d[0]]) for k, v in _DROP_DOWNS.items()}
        w.guide(guide_rows(drops, path.name))
        for key, sheet in SHEETS.items():
            ws = w.wb.add_worksheet(sheet.name)
            if key == "info":
                w.table(ws, sheet, pd.DataFrame(
                    {"item": list(INFO_KEYS.values()), "value": [meta.get(k) for k in INFO_KEYS]}, dtype=object))
            elif key == "matrix":
                _matrix_sheet(w, ws, sheet, matrix, catalogue, refs, commune_ref)
            else:
                w.table(ws, sheet, tables.get(key))
                cols = {c.key: i for i, c in enumerate(sheet.columns, start=1)}
                if key != "communes" and "commune" in cols:
                    w.validate(ws, commune_ref, cols["commune"], commune_hint())
                for list_key, column, hint in drops.get(key, ()):  # a set without groups has no such list
                    w.validate(ws, refs[list_key], cols[column], hint)
        if group is not None and catalogue.indicators is not None:
            _thresholds_sheet(w, catalogue, group)
        w.lists_sheet(lists)
        close_workbook(w.wb)
    return path


def _thresholds_sheet(w: "_Writer", catalogue: Catalogue, group: str) -> None:
    """One row per indicator of the set: its threshold for ``group`` (or for every
    commune), with its source; one not given is said to be missing."""
    ind = catalogue.indicators
    ws = w.wb.add_worksheet(THRESHOLDS_SHEET.format(group=group))
    for j, head in enumerate(THRESHOLDS_HEADERS):
        ws.write_string(0, j, head, w.header)
    for i, r in enumerate(ind.table.itertuples(index=False), start=1):
        found = ind.threshold(r.code, group)
        value = THRESHOLD_MISSING if found is None else ("đạt" if found[0] is True else found[0])
        cells = [catalogue.label(r.criterion_code), r.code, r.name, r.unit, r.comparator, value,
                 "" if found is None else found[1]]
        for j, cell in enumerate(cells):
            if isinstance(cell, float):
                ws.write_number(i, j, cell)
            else:
                ws.write_string(i, j, sheet_text(str(cell)))
    for j, width in enumerate((28, 12, 40, 10, 10, 22, 40)):
        set_width(ws, j, width)
    ws.freeze_panes(1, 0)
