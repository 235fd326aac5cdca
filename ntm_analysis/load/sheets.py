"""A sheet's cells as a raw table: its header row found (below titles, over two or three
merged levels), its columns keyed by the layout (:mod:`ntm_analysis.tables.schema`),
blank and section rows skipped. Values stay as the cells hold them; the readers of
:mod:`.readers` normalise them. The rows are handled as arrays, not one by one.

>>> from ntm_analysis.tables.schema import SHEETS
>>> rows = [("Kế hoạch 2024",), ("Xã", "Mục kế hoạch", "Mức phấn đấu", "Năm phấn đấu"), ("I",),
...         ("An Bình", "2.1", "nâng cao", 2024), (None, None)]
>>> t, found = raw_table(rows, SHEETS["communes"], "x.xlsx")
>>> t.frame[["commune", "target_year", "_row"]].values.tolist(), found
([['An Bình', 2024, 4]], [])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..core.findings import Finding, Word
from ..core.names import fold, nfc
from ..io.xlsx import as_grid, column_letter
from ..tables.schema import Sheet, column_key, status_word

HEADER_SCAN_ROWS = 15
_ROMAN_ROW = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")


class Missing(np.ndarray):
    """The column of a sheet that lacks it: ``None`` in every row (readers skip its work)."""


def missing_column(n: int) -> "Missing":
    return np.full(n, None, dtype=object).view(Missing)


@dataclass
class RawTable:
    """A sheet read as columns of schema keys (values as the cells hold them), with the
    Excel row number of each row in ``_row``. ``extra_columns``: headers the layout does
    not know (the matrix's criteria); ``header_row``: where the header is."""

    sheet: Sheet
    frame: pd.DataFrame
    extra_columns: list[str] = field(default_factory=list)
    header_row: int = 1

    def column(self, key: str) -> np.ndarray:
        """A column's values as an object array (``None`` for every row when the sheet lacks it)."""
        f = self.frame
        if key in f.columns:
            return f[key].to_numpy(dtype=object)
        return missing_column(len(f))


def find_sheets(names: list[str], sheet: Sheet) -> list[str]:
    """The workbook's names for a sheet of the layout (any case, diacritics or its key):
    more than one is an error the caller reports.

    >>> from ntm_analysis.tables.schema import SHEETS
    >>> find_sheets(["Thông tin", "Chi tiết", "chi tiet", "Xã"], SHEETS["items"])
    ['Chi tiết', 'chi tiet']
    """
    wanted = (fold(sheet.name), fold(sheet.key))
    return [name for name in names if fold(name) in wanted]


def _is_header_row(row, sheet: Sheet) -> bool:
    keys = [column_key(sheet, v) for v in row]
    if "commune" in keys or (sheet.key in ("info", "departments") and any(keys)):
        return True
    return sheet.key == "matrix" and any(fold(v) in ("xa", "ten xa") for v in row)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _skip(row) -> bool:
    """Blank rows, and section rows ("I", "II" with a title and nothing else)."""
    filled = [v for v in row if not _blank(v)]
    if not filled:
        return True
    return len(filled) <= 2 and isinstance(filled[0], str) and bool(_ROMAN_ROW.match(fold(filled[0])))


def _header(grid: np.ndarray, at: int, sheet: Sheet) -> tuple[list[str | None], int]:
    """Column names (a column's lowest non-empty header cell) and the last header row.

    Two- or three-level merged headers: a row below the first header row belongs to the
    header when it is empty under every column that row already names (those cells are
    merged downwards) and has text elsewhere (under a merged span)."""
    keyed = [j for j, v in enumerate(grid[at]) if column_key(sheet, v)]
    last = at
    while last + 1 < len(grid) and last - at < 2:
        nxt = grid[last + 1]
        if not any(isinstance(v, str) and v.strip() for v in nxt) or any(nxt[j] is not None for j in keyed):
            break
        last += 1
    header = []
    for j in range(grid.shape[1]):
        named = [nfc(c) for c in grid[at:last + 1, j] if c is not None and nfc(c)]
        header.append(named[-1] if named else None)
    return header, last


def _kept(body: np.ndarray) -> np.ndarray:
    """The rows of the body that hold data: not blank, not a section row ("I", "II" with a
    title and nothing else). Rows with three cells or more are kept at once; the others
    are told apart by their first cell, looked at once per distinct value."""
    filled = (body != None) & (body != "")  # noqa: E711
    count = filled.sum(axis=1) if body.size else np.zeros(len(body), dtype=np.int64)
    keep = count > 2
    few = np.flatnonzero((count > 0) & (count <= 2))
    if len(few):
        first = body[few, filled[few].argmax(axis=1)]
        codes, uniq = pd.factorize(first, use_na_sentinel=False)
        roman = np.array([isinstance(u, str) and bool(_ROMAN_ROW.match(fold(u))) for u in uniq], dtype=bool)
        blank = np.array([isinstance(u, str) and not u.strip() for u in uniq], dtype=bool)
        keep[few] = ~roman[codes]
        for i in few[blank[codes]].tolist():  # a whitespace cell first: look at the whole row
            keep[i] = not _skip(body[i])
    return keep


def raw_table(rows, sheet: Sheet, file: str) -> tuple[RawTable | None, list[Finding]]:
    """The raw table of a sheet's rows (a 2-D array, or rows of cells); ``None`` (and an
    error) without a usable header."""
    grid = rows if isinstance(rows, np.ndarray) and rows.ndim == 2 else as_grid(rows)
    at = next((i for i in range(min(HEADER_SCAN_ROWS, len(grid))) if _is_header_row(grid[i], sheet)), None)
    if at is None:
        need = ", ".join(c.header for c in sheet.columns if c.required)
        return None, [Finding("error", "missing_header", params={"need": need}, file=file, sheet=sheet.name, row=1)]
    header, last = _header(grid, at, sheet)
    colmap: dict[int, str] = {}
    extra: dict[int, str] = {}
    found: list[Finding] = []
    for j, h in enumerate(header):
        key = column_key(sheet, h)
        if key and key not in colmap.values():
            colmap[j] = key
        elif key:  # a second column of the same kind: which one is meant cannot be told
            first = next(i for i, k in colmap.items() if k == key)
            found.append(Finding("error", "duplicate_header", params={
                "header": sheet.column(key).header, "first": column_letter(first + 1), "first_name": header[first],
                "second": column_letter(j + 1), "second_name": h}, file=file, sheet=sheet.name, row=at + 1,
                column=h))
        elif h is not None and not (sheet.key == "matrix" and fold(h) in ("stt", "tt", "so tt")):
            extra[j] = h
    missing = [c for c in sheet.columns if c.required and c.key not in colmap.values()]
    if missing:
        return None, found + [Finding("error", "missing_column", params={"header": c.header}, file=file,
                                      sheet=sheet.name, row=at + 1, column=c.header) for c in missing]
    found += formula_errors(getattr(rows, "errors", {}), header, set(colmap) | set(extra), (at, last), file,
                            sheet.name)
    body = grid[last + 1:]
    numbers = np.arange(last + 2, last + 2 + len(body))
    keep = _kept(body)
    if sheet.key == "matrix" and extra:
        keep &= ~_matrix_titles(body, list(extra), next(j for j, k in colmap.items() if k == "commune"))
    body, numbers = body[keep], numbers[keep]
    data = {key: body[:, j] for j, key in colmap.items()}
    if sheet.key == "matrix":
        data.update({name: body[:, j] for j, name in extra.items()})
    data["_row"] = numbers.astype(object)
    frame = pd.DataFrame(data, dtype=object) if len(body) else pd.DataFrame(columns=list(data), dtype=object)
    return RawTable(sheet, frame, list(extra.values()), at + 1), found


#: what each Excel formula error means (the message's words), by its code
FORMULA_ERRORS = {"#REF!": "msg.formula_ref", "#N/A": "msg.formula_na", "#VALUE!": "msg.formula_value",
                  "#DIV/0!": "msg.formula_div0", "#NAME?": "msg.formula_name", "#NUM!": "msg.formula_num",
                  "#NULL!": "msg.formula_null"}


def formula_errors(errors: dict[tuple[int, int], str], header: list[str | None], read: set[int],
                   header_rows: tuple[int, int], file: str, sheet: str) -> list[Finding]:
    """An error for each formula-error cell (``{(row, column): "#REF!"}``, 0-based) in the
    header (``header_rows``: its first and last row; the cell's column has no name then)
    or below it in a column the sheet reads; ``(-1, -1)``: a cell that gives no place.

    >>> [f.location() for f in formula_errors({(4, 1): "#REF!", (4, 7): "#N/A"}, ["Xã", "Thời hạn (quý)"], {0, 1},
    ...                                       (0, 0), "x.xlsx", "Chi tiết")]
    ['x.xlsx, Chi tiết, dòng 5, cột Thời hạn (quý)']
    """
    found = []
    for (r, c), code in sorted(errors.items()):
        meaning = Word(FORMULA_ERRORS.get(code.upper(), "msg.formula_other"))
        if (r, c) == (-1, -1):
            found.append(Finding("error", "formula_error", "formula_error_somewhere",
                                 {"value": code, "meaning": meaning}, file=file, sheet=sheet, value=code))
        elif header_rows[0] <= r <= header_rows[1] or (r > header_rows[1] and c in read):
            found.append(Finding("error", "formula_error", params={"value": code, "meaning": meaning}, file=file,
                                 sheet=sheet, row=r + 1, column=header[c] or column_letter(c + 1), value=code))
    return found


def _matrix_titles(body: np.ndarray, extra: list[int], commune: int) -> np.ndarray:
    """Title rows inside the matrix ("Các xã phấn đấu năm 2023"): a name, no status at all."""
    cells = body[:, extra]
    flat = cells.ravel()
    codes, uniq = pd.factorize(flat, use_na_sentinel=False)
    na = np.array([u is None or (isinstance(u, float) and u != u)
                   or (isinstance(u, str) and status_word(nfc(u)) == "na") for u in uniq], dtype=bool)
    none = na[codes].reshape(cells.shape).all(axis=1) if len(flat) else np.ones(len(body), dtype=bool)
    named = np.array([fold(v) != "" for v in body[:, commune].tolist()], dtype=bool)
    return none & named
