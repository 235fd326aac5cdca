"""A sheet's rows as a raw table: its header row found (below titles, over two or three
merged levels), its columns keyed by the layout (:mod:`ntm_analysis.tables.schema`),
blank and section rows skipped. Values stay as the cells hold them; the readers of
:mod:`.readers` normalise them.

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

from ..core.findings import Finding
from ..core.names import fold, nfc
from ..tables.schema import Sheet, column_key, status_word

HEADER_SCAN_ROWS = 15
_ROMAN_ROW = re.compile(r"^(?=[ivxlc]+$)m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})$")


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
        return np.full(len(f), None, dtype=object)


def find_sheet(names: list[str], sheet: Sheet) -> str | None:
    """The workbook's name for a sheet of the layout (any case, diacritics or its key)."""
    wanted = (fold(sheet.name), fold(sheet.key))
    return next((name for name in names if fold(name) in wanted), None)


def _is_header_row(row: tuple, sheet: Sheet) -> bool:
    keys = [column_key(sheet, v) for v in row]
    if "commune" in keys or (sheet.key in ("info", "departments") and any(keys)):
        return True
    return sheet.key == "matrix" and any(fold(v) in ("xa", "ten xa") for v in row)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _skip(row: tuple) -> bool:
    """Blank rows, and section rows ("I", "II" with a title and nothing else)."""
    filled = [v for v in row if not _blank(v)]
    if not filled:
        return True
    return len(filled) <= 2 and isinstance(filled[0], str) and bool(_ROMAN_ROW.match(fold(filled[0])))


def _header(rows: list[tuple], at: int, sheet: Sheet) -> tuple[list[str | None], int]:
    """Column names (a column's lowest non-empty header cell) and the last header row.

    Two- or three-level merged headers: a row below the first header row belongs to the
    header when it is empty under every column that row already names (those cells are
    merged downwards) and has text elsewhere (under a merged span)."""
    keyed = [j for j, v in enumerate(rows[at]) if column_key(sheet, v)]
    last = at
    while last + 1 < len(rows) and last - at < 2:
        nxt = rows[last + 1]
        if not any(isinstance(v, str) and v.strip() for v in nxt) or \
                any(j < len(nxt) and nxt[j] is not None for j in keyed):
            break
        last += 1
    width = max(len(r) for r in rows[at:last + 1])
    header = []
    for j in range(width):
        cells = [rows[i][j] if j < len(rows[i]) else None for i in range(at, last + 1)]
        named = [nfc(c) for c in cells if c is not None and nfc(c)]
        header.append(named[-1] if named else None)
    return header, last


def raw_table(rows: list[tuple], sheet: Sheet, file: str) -> tuple[RawTable | None, list[Finding]]:
    """The raw table of a sheet's rows; ``None`` (and an error) without a usable header."""
    at = next((i for i, row in enumerate(rows[:HEADER_SCAN_ROWS]) if _is_header_row(row, sheet)), None)
    if at is None:
        need = ", ".join(c.header for c in sheet.columns if c.required)
        return None, [Finding("error", "missing_header", params={"need": need}, file=file, sheet=sheet.name, row=1)]
    header, last = _header(rows, at, sheet)
    colmap: dict[int, str] = {}
    extra: dict[int, str] = {}
    for j, h in enumerate(header):
        key = column_key(sheet, h)
        if key and key not in colmap.values():
            colmap[j] = key
        elif h is not None and not (sheet.key == "matrix" and fold(h) in ("stt", "tt", "so tt")):
            extra[j] = h
    missing = [c for c in sheet.columns if c.required and c.key not in colmap.values()]
    if missing:
        return None, [Finding("error", "missing_column", params={"header": c.header}, file=file, sheet=sheet.name,
                              row=at + 1, column=c.header) for c in missing]
    body = [(i, row) for i, row in enumerate(rows[last + 1:], start=last + 2) if not _skip(row)]
    if sheet.key == "matrix":
        cj = next(j for j, key in colmap.items() if key == "commune")
        body = [(i, row) for i, row in body if not _matrix_title(row, extra, cj)]
    data = {key: [row[j] if j < len(row) else None for _, row in body] for j, key in colmap.items()}
    if sheet.key == "matrix":
        data.update({name: [row[j] if j < len(row) else None for _, row in body] for j, name in extra.items()})
    data["_row"] = [i for i, _ in body]
    frame = pd.DataFrame(data, dtype=object) if body else pd.DataFrame(columns=list(data), dtype=object)
    return RawTable(sheet, frame, list(extra.values()), at + 1), []


def _matrix_title(row: tuple, extra: dict[int, str], commune: int) -> bool:
    """A title row inside the matrix ("Các xã phấn đấu năm 2023"): a name, no status at all."""
    if commune >= len(row) or fold(row[commune]) == "":
        return False
    cells = [row[j] if j < len(row) else None for j in extra]
    if not all(status_word(nfc(v) if isinstance(v, str) else v) == "na" for v in cells):
        return False
    return not any(isinstance(v, (int, float)) for v in cells)
