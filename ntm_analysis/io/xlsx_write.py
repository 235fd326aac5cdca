"""Writing workbooks with XlsxWriter (the plan layout and the briefing pack): the helpers both writers share.

XlsxWriter writes a workbook in one pass, much faster than building it cell by cell
in openpyxl. These helpers keep the two writers' cells and styles as they were:

* :func:`new_workbook`: text is never turned into a formula, a number or a link;
* :class:`Formats`: one cached XlsxWriter format per set of properties;
* :func:`write_value`: one cell by its Python type (text stays text, dates are dates;
  a control or bidirectional character is written by its code:
  :func:`~ntm_analysis.core.text.sheet_text`);
* :func:`set_width`: a column width in Excel's stored unit (characters of the default
  font), as openpyxl's ``column_dimensions[...].width`` wrote it.

>>> import tempfile, pathlib
>>> from openpyxl import load_workbook
>>> out = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
>>> wb = new_workbook(out)
>>> ws = wb.add_worksheet("A")
>>> fmt = Formats(wb)
>>> for col, v in enumerate(["=1+1", "http://x.vn", "007", 3, True, "An\x1bB"]):
...     write_value(ws, 0, col, v, fmt)
>>> set_width(ws, 0, 18)
>>> close_workbook(wb)
>>> ws = load_workbook(out)["A"]
>>> [c.value for c in ws[1]], [c.data_type for c in ws[1]]
(['=1+1', 'http://x.vn', '007', 3, True, 'An\\\\u001bB'], ['s', 's', 's', 'n', 'b', 's'])
>>> ws.column_dimensions["A"].width
18.0
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import numbers
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.exceptions

from ..core.text import sheet_text

#: number formats openpyxl gave date and time cells by default
DEFAULT_DATE_FORMATS = {_dt.datetime: "yyyy-mm-dd h:mm:ss", _dt.date: "yyyy-mm-dd", _dt.time: "h:mm:ss"}
MAX_DIGIT_WIDTH = 7  # pixels of a digit in the default font (Calibri 11), as Excel and XlsxWriter count


def new_workbook(path: Path | str) -> xlsxwriter.Workbook:
    """A workbook that writes text as text: no formulas, numbers or links guessed from strings."""
    return xlsxwriter.Workbook(str(path), {
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
        "nan_inf_to_errors": True,
        "in_memory": True,
    })


def close_workbook(workbook: xlsxwriter.Workbook) -> None:
    """Write the workbook's file. An operating-system error (a full disk, a size limit)
    comes out as that :class:`OSError`, which XlsxWriter would wrap in its own error.

    >>> import tempfile, pathlib
    >>> wb = new_workbook(pathlib.Path(tempfile.mkdtemp()) / "khong_co" / "x.xlsx")
    >>> try:
    ...     close_workbook(wb)
    ... except FileNotFoundError as e:
    ...     print("FileNotFoundError")
    FileNotFoundError
    """
    try:
        workbook.close()
    except xlsxwriter.exceptions.FileCreateError as exc:
        error = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
        _close_zip_files(error)
        raise error from None


def _close_zip_files(error: BaseException) -> None:
    """Close the zip file XlsxWriter left open when writing it failed: else, when it is
    collected, its finaliser would meet the same error again and print it with a traceback."""
    tb = error.__traceback__
    while tb is not None:
        for value in list(tb.tb_frame.f_locals.values()):
            if isinstance(value, zipfile.ZipFile):
                with contextlib.suppress(Exception):
                    value.close()
        tb = tb.tb_next


class Formats:
    """``Formats(wb)(bold=True, bg_color="#DDEBF7")``: the same format object for the same
    properties (XlsxWriter would otherwise make one per call)."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.workbook = workbook
        self._cache: dict[tuple, Any] = {}
        self._props: dict[int, dict[str, Any]] = {}

    def __call__(self, **props: Any):
        if not props:
            return None
        key = tuple(sorted(props.items()))
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self.workbook.add_format(props)
            self._props[id(fmt)] = props
        return fmt

    def props(self, fmt: Any) -> dict[str, Any]:
        """The properties a format of this cache was made with (``{}`` for ``None``)."""
        return {} if fmt is None else dict(self._props[id(fmt)])

    def fill(self, hex_colour: str, **props: Any):
        """A solid fill (``#RRGGBB`` or ``RRGGBB``) with other properties."""
        return self(pattern=1, bg_color="#" + hex_colour.lstrip("#").upper(), **props)


def write_value(ws, row: int, col: int, value: Any, formats: Formats, fmt: Any = None) -> None:
    """Write one cell (0-based ``row``, ``col``) by the value's type, with ``fmt`` (a format
    of ``formats``). ``None`` and ``""`` write no value (a styled blank when a format is
    given), as openpyxl stored them. Dates and times whose format has no number format
    get openpyxl's default one."""
    if value is None or (isinstance(value, str) and not value):
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, str):
        ws.write_string(row, col, sheet_text(value), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (numbers.Real, Decimal)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        props = formats.props(fmt)
        if "num_format" not in props:
            kind = next(t for t in DEFAULT_DATE_FORMATS if isinstance(value, t))
            fmt = formats(**props, num_format=DEFAULT_DATE_FORMATS[kind])
        ws.write_datetime(row, col, value, fmt)
    else:
        raise TypeError(f"không ghi được giá trị kiểu {type(value).__name__} vào ô Excel: {value!r}")


def set_width(ws, col: int, width: float, last_col: int | None = None) -> None:
    """Set columns ``col``…``last_col`` (0-based) to ``width`` as Excel stores it.

    XlsxWriter's ``set_column`` takes the width Excel's dialog shows (it adds the cell
    padding); openpyxl wrote the stored value. Whole pixels are the unit Excel draws
    in, so integer widths are stored exactly and others to the nearest pixel.
    """
    ws.set_column_pixels(col, col if last_col is None else last_col, int(width * MAX_DIGIT_WIDTH + 0.5))
