"""Helpers for tests that build workbooks: copy the embedded one and change cells."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from openpyxl import load_workbook

from ntm_analysis import config


def edited_copy(tmp_path: Path, edit: Callable, name: str = "plan.xlsx") -> Path:
    """Copy the embedded workbook to tmp_path, apply ``edit(workbook)``, save, return the path."""
    out = tmp_path / name
    shutil.copy(config.DEFAULT_WORKBOOK, out)
    wb = load_workbook(out)
    edit(wb)
    wb.save(out)
    return out


def header_col(ws, header: str) -> int:
    """1-based column index of a header in row 1."""
    for cell in ws[1]:
        if cell.value == header:
            return cell.column
    raise KeyError(header)


def find_row(ws, **match: str) -> int:
    """First row whose cells under the given headers equal the given values."""
    cols = {header_col(ws, h): v for h, v in match.items()}
    for row in range(2, ws.max_row + 1):
        if all(ws.cell(row, c).value == v for c, v in cols.items()):
            return row
    raise KeyError(match)
