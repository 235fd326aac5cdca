"""Read the sheets of an .xlsx workbook as rows of cell values.

Before either reader opens it, a workbook is checked within limits (:mod:`.xlsx_bounds`):
a file that is not a workbook is named for what it is, a zip bomb or a sheet reaching
far beyond its table is refused with a message naming the sheet. Workbooks whose styles
name a TCVN3 (.Vn…) or VNI font are then read with openpyxl (the cell fonts tell which
text to convert); others with calamine, which is many times faster. Text in a legacy
font is converted to Unicode and listed in a warning naming the cells. A cell holding a
formula error (``#REF!``) is left empty in the grid and noted in :attr:`Grid.errors`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..core.errors import UserError
from ..core.findings import Finding, Word, Words
from ..i18n import t
from .legacy import font_encoding
from .legacy_detect import fix_legacy, suspect_legacy
from .package import count_text, problem_text
from .xlsx_bounds import MAX_CELLS, MAX_SLOW_CELLS, MAX_TOTAL_CELLS, check_book, check_sheet, column_letter

SHOWN_CELLS = 12


def check_file(path: Path) -> None:
    """A clear error when ``path`` is not a file to read at all."""
    if not path.exists():
        raise UserError(t("msg.file_missing", file=str(path)), 2)
    if path.is_dir():
        raise UserError(t("msg.file_is_dir", file=str(path)), 2)
    if path.stat().st_size == 0:
        raise UserError(t("msg.file_empty", file=str(path)), 1)


class Grid(np.ndarray):
    """A sheet's cells from A1 (a 2-D object array, empty cells ``None``) and ``errors``:
    its formula-error cells as ``{(row, column): code}``, 0-based (``(-1, -1)`` for a cell
    that gives no place)."""

    errors: dict[tuple[int, int], str]

    def __array_finalize__(self, obj: object) -> None:
        self.errors = {}


def as_grid(rows) -> np.ndarray:
    """Rows of cells (lists or tuples, of any lengths) as a rectangular 2-D object array."""
    rows = list(rows)
    width = max((len(r) for r in rows), default=0)
    grid = np.full((len(rows), width), None, dtype=object)
    if rows and all(len(r) == width for r in rows):
        grid[:, :] = np.array(rows, dtype=object).reshape(len(rows), width) if width else grid
    else:
        for i, r in enumerate(rows):
            grid[i, :len(r)] = r
    return grid


def _legacy_warning(converted: list[str], sheet: str, file: str) -> list[Finding]:
    if not converted:
        return []
    shown = ", ".join(converted[:SHOWN_CELLS])
    more = len(converted) - SHOWN_CELLS
    cells = Words((shown, Word("msg.legacy_more", n=more)), sep="") if more > 0 else shown
    return [Finding("warning", "legacy_encoding", params={"n": len(converted), "cells": cells},
                    file=file, sheet=sheet)]


class Workbook:
    """An open workbook: its sheet names and the rows of any sheet, each sheet checked
    before it is read; at most :data:`~.xlsx_bounds.MAX_TOTAL_CELLS` cells in all."""

    def __init__(self, path: Path):
        self.path = path
        self.book = check_book(path)
        self.legacy = self.book.legacy_fonts
        self.cells = 0
        try:
            if self.legacy:
                from openpyxl import load_workbook

                self._wb = load_workbook(path, read_only=True, data_only=True)
                self.names = list(self._wb.sheetnames)
            else:
                from python_calamine import CalamineWorkbook

                self._wb = CalamineWorkbook.from_path(str(path))
                self.names = list(self._wb.sheet_names)
        except Exception as exc:  # both libraries raise many kinds for a broken file
            self.book.close()
            raise UserError(t("msg.book_unreadable", file=str(path), problem=problem_text(exc)), 1) from None

    @property
    def may_hold_legacy_text(self) -> bool:
        """Whether the workbook's shared text holds characters of a legacy encoding (a sheet
        keeping its text inline is looked at when it is read)."""
        return self.book.legacy_strings

    def _part_name(self, name: str) -> str:
        """The name the checks know a sheet by (the reader's, or the one at its place)."""
        if name in self.book.sheets or name not in self.names:
            return name
        known = list(self.book.sheets)
        i = self.names.index(name)
        return known[i] if i < len(known) else name

    def rows(self, name: str, label: str) -> tuple[Grid, list[Finding]]:
        """The rows of sheet ``name`` (``label``: the sheet as findings name it), legacy
        text converted, and the warning listing the converted cells."""
        facts = check_sheet(self.book, self._part_name(name), label, MAX_SLOW_CELLS if self.legacy else MAX_CELLS)
        self.cells += facts.cells
        if self.cells > MAX_TOTAL_CELLS:
            raise UserError(t("msg.sheet_total", file=str(self.path), cells=count_text(self.cells),
                              most=count_text(MAX_TOTAL_CELLS)), 1)
        legacy_text = self.book.legacy_strings or facts.inline
        try:
            if self.legacy:
                grid, found = self._openpyxl_rows(self._wb[name], label)
            else:
                grid, found = self._calamine_rows(self._wb.get_sheet_by_name(name), label, legacy_text)
        except UserError:
            raise
        except Exception as exc:
            raise UserError(t("msg.sheet_unreadable", file=str(self.path), sheet=label, problem=problem_text(exc)), 1) \
                from None
        grid = grid.view(Grid)
        for r, c, code in facts.errors:
            at = (r - 1, c - 1) if r and c else (-1, -1)
            if at == (-1, -1) or (at[0] < grid.shape[0] and at[1] < grid.shape[1]):
                grid.errors[at] = code
                if at != (-1, -1):
                    grid[at] = None
        return grid, found

    def _openpyxl_rows(self, ws, label: str) -> tuple[np.ndarray, list[Finding]]:
        rows: list[tuple] = []
        converted: list[str] = []
        for r, row in enumerate(ws.iter_rows(), start=1):
            values = []
            for cell in row:
                v = getattr(cell, "value", None)
                if isinstance(v, str) and not v.isascii():
                    font = getattr(getattr(cell, "font", None), "name", None)
                    if font_encoding(font) or suspect_legacy(v):
                        fixed, enc = fix_legacy(v, font)
                        if enc:
                            converted.append(f"{getattr(cell, 'coordinate', r)} ({enc})")
                            v = fixed
                values.append(v)
            rows.append(tuple(values))
        return as_grid(rows), _legacy_warning(converted, label, self.path.name)

    def _calamine_rows(self, ws, label: str, legacy_text: bool) -> tuple[np.ndarray, list[Finding]]:
        """The sheet as a 2-D object array, empty cells ``None``. Legacy text is looked for
        in the whole sheet at once; only cells holding its characters are converted."""
        grid = as_grid(ws.to_python(skip_empty_area=False))
        grid[grid == ""] = None
        converted: list[str] = []
        if legacy_text:
            for (r, j), v in np.ndenumerate(grid):
                if isinstance(v, str) and suspect_legacy(v):
                    fixed, enc = fix_legacy(v)
                    if enc:
                        converted.append(f"{column_letter(j + 1)}{r + 1} ({enc})")
                        grid[r, j] = fixed
        return grid, _legacy_warning(converted, label, self.path.name)

    def close(self) -> None:
        getattr(self._wb, "close", lambda: None)()
        self.book.close()


def read_sheets(path: Path | str, find: Callable[[list[str]], Iterable[tuple[str, str, str]]]
                ) -> tuple[dict[str, Grid], list[Finding]]:
    """Rows of the sheets ``find(sheet_names)`` picks, as ``(key, name, label)`` triples:
    ``{key: rows}`` and the findings made while reading."""
    path = Path(path)
    check_file(path)
    wb = Workbook(path)
    out: dict[str, Grid] = {}
    findings: list[Finding] = []
    try:
        for key, name, label in find(wb.names):
            rows, found = wb.rows(name, label)
            out[key] = rows
            findings += found
    finally:
        wb.close()
    return out, findings
