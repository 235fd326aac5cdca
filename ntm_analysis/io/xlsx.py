"""Read the sheets of an .xlsx workbook as rows of cell values.

Workbooks whose styles name a TCVN3 (.Vn…) or VNI font are read with openpyxl (the
cell fonts tell which text to convert); others with calamine, which is many times
faster. Text in a legacy font is converted to Unicode and listed in a warning naming
the cells. A file that is not a readable workbook is a :class:`UserError` naming it.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from ..core.errors import UserError
from ..core.findings import Finding, Word, Words
from .legacy import font_encoding
from .legacy_detect import VIET_LATIN1, fix_legacy, suspect_legacy

SHOWN_CELLS = 12


def check_file(path: Path) -> None:
    """A clear error when ``path`` is not a workbook at all."""
    if not path.exists():
        raise UserError(f"{path}: không tìm thấy tệp", 2)
    if path.is_dir():
        raise UserError(f"{path}: là thư mục, cần một tệp Excel (.xlsx)", 2)
    if path.stat().st_size == 0:
        raise UserError(f"{path}: tệp rỗng (0 byte), không phải sổ Excel", 1)
    if not zipfile.is_zipfile(path):
        raise UserError(f"{path}: không phải sổ Excel .xlsx (có thể là .xls cũ, CSV hoặc tệp hỏng); "
                        "hãy mở bằng Excel và lưu lại dạng .xlsx", 1)


def has_legacy_fonts(path: Path) -> bool:
    """Whether the workbook's style table names a TCVN3 (.Vn…) or VNI font."""
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/styles.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return any(font_encoding(n) for n in re.findall(r'<(?:\w+:)?name val="([^"]+)"', xml))


_LEGACY_CHARS = re.compile("[" + "".join(chr(c) for c in range(0x80, 0x100) if chr(c) not in VIET_LATIN1) + "]")


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


def column_letter(n: int) -> str:
    """The letters of column ``n`` (1-based): 1 → A, 27 → AA."""
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _legacy_warning(converted: list[str], sheet: str, file: str) -> list[Finding]:
    if not converted:
        return []
    shown = ", ".join(converted[:SHOWN_CELLS])
    more = len(converted) - SHOWN_CELLS
    cells = Words((shown, Word("msg.legacy_more", n=more)), sep="") if more > 0 else shown
    return [Finding("warning", "legacy_encoding", params={"n": len(converted), "cells": cells},
                    file=file, sheet=sheet)]


class Workbook:
    """An open workbook: its sheet names and the rows of any sheet."""

    def __init__(self, path: Path):
        self.path = path
        self.legacy = has_legacy_fonts(path)
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
            raise UserError(f"{path}: không đọc được sổ Excel ({type(exc).__name__}: {exc})", 1) from None

    @property
    def may_hold_legacy_text(self) -> bool:
        """Whether any text of the workbook holds characters of a legacy encoding: its shared
        strings are searched once (and the sheets, when they hold inline text)."""
        if not hasattr(self, "_legacy_text"):
            try:
                with zipfile.ZipFile(self.path) as z:
                    names = z.namelist()
                    shared = z.read("xl/sharedStrings.xml").decode("utf-8", "replace") \
                        if "xl/sharedStrings.xml" in names else ""
                    inline = any(b"inlineStr" in z.read(n) for n in names
                                 if n.startswith("xl/worksheets/") and n.endswith(".xml"))
            except (zipfile.BadZipFile, OSError, KeyError):
                shared, inline = "", True
            self._legacy_text = inline or bool(_LEGACY_CHARS.search(shared))
        return self._legacy_text

    def rows(self, name: str, label: str) -> tuple[np.ndarray, list[Finding]]:
        """The rows of sheet ``name`` (``label``: the sheet as findings name it), legacy
        text converted, and the warning listing the converted cells."""
        try:
            if self.legacy:
                return self._openpyxl_rows(self._wb[name], label)
            return self._calamine_rows(self._wb.get_sheet_by_name(name), label)
        except UserError:
            raise
        except Exception as exc:
            raise UserError(f"{self.path}: trang '{name}' không đọc được ({type(exc).__name__}: {exc})", 1) \
                from None

    def _openpyxl_rows(self, ws, label: str) -> tuple[list[tuple], list[Finding]]:
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

    def _calamine_rows(self, ws, label: str) -> tuple[np.ndarray, list[Finding]]:
        """The sheet as a 2-D object array, empty cells ``None``. Legacy text is looked for
        in the whole sheet at once; only cells holding its characters are converted."""
        grid = as_grid(ws.to_python(skip_empty_area=False))
        grid[grid == ""] = None
        converted: list[str] = []
        if self.may_hold_legacy_text:
            for (r, j), v in np.ndenumerate(grid):
                if isinstance(v, str) and suspect_legacy(v):
                    fixed, enc = fix_legacy(v)
                    if enc:
                        converted.append(f"{column_letter(j + 1)}{r + 1} ({enc})")
                        grid[r, j] = fixed
        return grid, _legacy_warning(converted, label, self.path.name)

    def close(self) -> None:
        getattr(self._wb, "close", lambda: None)()


def read_sheets(path: Path | str, find: Callable[[list[str]], Iterable[tuple[str, str, str]]]
                ) -> tuple[dict[str, np.ndarray], list[Finding]]:
    """Rows of the sheets ``find(sheet_names)`` picks, as ``(key, name, label)`` triples:
    ``{key: rows}`` and the findings made while reading."""
    path = Path(path)
    check_file(path)
    wb = Workbook(path)
    out: dict[str, np.ndarray] = {}
    findings: list[Finding] = []
    try:
        for key, name, label in find(wb.names):
            rows, found = wb.rows(name, label)
            out[key] = rows
            findings += found
    finally:
        wb.close()
    return out, findings
