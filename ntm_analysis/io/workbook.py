"""Write plan workbooks in the package's layout (embedded data, template, extractor).

The same writer makes the empty template (``ntm template``), the workbook the
extractor produces (``ntm extract``) and the embedded 2023 plan, so that all three
have one layout: Vietnamese headers, frozen header row, filters, widths, and
drop-down lists (data validation) for communes, criteria, status and quarters.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "mau.xlsx"
>>> _ = write_workbook(out, {}, {"district": "Tứ Kỳ", "plan_year": 2024})
>>> from openpyxl import load_workbook
>>> load_workbook(out).sheetnames[:3]
['Thông tin', 'Xã', 'Ma trận']
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.names import fold, nfc
from ..criteria.catalogue import Catalogue, load_catalogue
from ..tables.schema import INFO_KEYS, LEVEL_WORDS, SHEETS, Sheet
from .files import atomic_path

LISTS_SHEET = "Danh mục"
MET, MISSING, NA = "Đạt", "Chưa đạt", "-"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MET_FILL = PatternFill("solid", fgColor="C6EFCE")
MISSING_FILL = PatternFill("solid", fgColor="FFC7CE")
MAX_ROWS = 2000  # rows covered by drop-down lists in the template
QUARTER_YEARS = range(2020, 2031)


def matrix_headers(catalogue: Catalogue) -> list[str]:
    """Column headers of the matrix sheet: ``"1. Quy hoạch"`` … ``"KM3 Mô hình thôn thông minh"``."""
    return [catalogue.label(c) for c in catalogue.criterion_codes + catalogue.model_codes]


def derive_matrix(communes: pd.DataFrame, items: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """The commune × criterion matrix implied by the items: 'Chưa đạt' where an item names
    the criterion, 'Đạt' elsewhere, '-' for model requirements of non-model communes.

    >>> cat = load_catalogue()
    >>> c = pd.DataFrame({"commune": ["A"], "target_level": ["nâng cao"]})
    >>> i = pd.DataFrame({"commune": ["A"], "criterion_written": ["Y tế"]})
    >>> m = derive_matrix(c, i, cat)
    >>> m.loc[0, "14. Y tế"], m.loc[0, "1. Quy hoạch"], m.loc[0, "KM3 Mô hình thôn thông minh"]
    ('Chưa đạt', 'Đạt', '-')
    """
    missing: set[tuple[str, str]] = set()
    for r in items.to_dict("records"):
        written = nfc(r.get("criterion")) or nfc(r.get("criterion_written"))
        names = [w for w in written.split(";") if w.strip()] if ";" in written else [written]
        for name in names:
            for code in catalogue.match(name).codes:
                missing.add((nfc(r["commune"]), code))
    rows = []
    for c in communes.to_dict("records"):
        name = nfc(c["commune"])
        is_model = LEVEL_WORDS.get(fold(c.get("target_level"))) == "kieu_mau"
        row = {"commune": name}
        for code in catalogue.criterion_codes + catalogue.model_codes:
            if catalogue.is_model(code) and not is_model:
                row[catalogue.label(code)] = NA
            else:
                row[catalogue.label(code)] = MISSING if (name, code) in missing else MET
        rows.append(row)
    return pd.DataFrame(rows, columns=["commune", *matrix_headers(catalogue)])


def _write_table(ws, sheet: Sheet, df: pd.DataFrame | None, extra_headers: list[str] | None = None) -> None:
    headers = sheet.headers + (extra_headers or [])
    keys = [c.key for c in sheet.columns] + (extra_headers or [])
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if df is not None:
        for rec in df.to_dict("records"):
            ws.append([_excel_value(rec.get(k)) for k in keys])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula stays text
    widths = [c.width for c in sheet.columns] + [14] * len(extra_headers or [])
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "B2" if sheet.key == "matrix" else "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(ws.max_row, 2)}"


def _excel_value(v: object) -> object:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Period):
        return str(v)
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()
    return v


def _lists_sheet(wb: Workbook, catalogue: Catalogue) -> dict[str, str]:
    ws = wb.create_sheet(LISTS_SHEET)
    lists = {
        "criteria": [catalogue.name(c) for c in catalogue.criterion_codes + catalogue.model_codes],
        "status": [MET, MISSING, NA],
        "quarters": [f"{y}Q{q}" for y in QUARTER_YEARS for q in range(1, 5)],
        "levels": ["nâng cao", "kiểu mẫu"],
        "ocop": ["chưa có", "đã chọn", "đã chứng nhận"],
        "requirement": ["tiêu chí", "kiểu mẫu"],
        "yesno": ["có", "không"],
    }
    refs = {}
    for col, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(col)
        ws.cell(row=1, column=col, value=key)
        for row, value in enumerate(values, start=2):
            ws.cell(row=row, column=col, value=value)
        refs[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return refs


def _validate(ws, formula: str, col: int, title: str, allow_blank: bool = True) -> None:
    dv = DataValidation(type="list", formula1=formula, allow_blank=allow_blank, showErrorMessage=True)
    dv.error = f"Chọn một giá trị trong danh sách ({title})."
    dv.errorTitle = "Giá trị không hợp lệ"
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.add_data_validation(dv)


def write_workbook(
    path: Path | str,
    tables: Mapping[str, pd.DataFrame],
    meta: Mapping[str, object] | None = None,
    catalogue_id: str | None = None,
) -> Path:
    """Write a plan workbook atomically.

    ``tables`` maps sheet keys of :data:`~ntm_analysis.schema.SHEETS` to DataFrames
    whose columns are the schema's column keys; a missing table gives an empty
    sheet. The matrix is derived from ``communes`` and ``items`` unless given.
    """
    meta = dict(meta or {})
    catalogue = load_catalogue(catalogue_id or str(meta.get("catalogue") or "nang_cao_2021_2025"))
    meta.setdefault("catalogue", catalogue.id)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEETS["info"].name
    _write_table(ws, SHEETS["info"], pd.DataFrame(
        [{"item": label, "value": meta.get(key)} for key, label in INFO_KEYS.items()]
    ))
    refs = _lists_sheet(wb, catalogue)
    communes = tables.get("communes", pd.DataFrame(columns=["commune", "target_level"]))
    items = tables.get("items", pd.DataFrame(columns=["commune", "criterion_written"]))
    commune_ref = f"'{SHEETS['communes'].name}'!$A$2:$A${MAX_ROWS}"
    for key, sheet in SHEETS.items():
        if key == "info":
            continue
        ws = wb.create_sheet(sheet.name)
        if key == "matrix":
            matrix = tables.get("matrix")
            if matrix is None:
                matrix = derive_matrix(communes, items, catalogue)
            headers = matrix_headers(catalogue)
            _write_table(ws, sheet, matrix, headers)
            for col in range(2, len(headers) + 2):
                _validate(ws, refs["status"], col, "Đạt / Chưa đạt / -")
                ws.column_dimensions[get_column_letter(col)].width = 12
            ws.row_dimensions[1].height = 60
            for row in ws.iter_rows(min_row=2, min_col=2):
                for cell in row:
                    if cell.value == MET:
                        cell.fill = MET_FILL
                    elif cell.value == MISSING:
                        cell.fill = MISSING_FILL
            _validate(ws, commune_ref, 1, "xã trong trang Xã")
            continue
        _write_table(ws, sheet, tables.get(key))
        cols = {c.key: i for i, c in enumerate(sheet.columns, start=1)}
        if key != "communes" and "commune" in cols:
            _validate(ws, commune_ref, cols["commune"], "xã trong trang Xã")
        if key == "communes":
            _validate(ws, refs["levels"], cols["target_level"], "nâng cao / kiểu mẫu")
        if key == "items":
            _validate(ws, refs["criteria"], cols["criterion"], "tên tiêu chí chuẩn")
            _validate(ws, refs["quarters"], cols["due"], "quý, vd. 2023Q2")
            _validate(ws, refs["requirement"], cols["requirement"], "tiêu chí / kiểu mẫu")
        if key == "milestones":
            _validate(ws, refs["quarters"], cols["due"], "quý, vd. 2023Q2")
            _validate(ws, refs["yesno"], cols["applies_to_items"], "có / không")
        if key == "ocop":
            _validate(ws, refs["ocop"], cols["status"], "chưa có / đã chọn / đã chứng nhận")
        if key == "completions":
            _validate(ws, refs["criteria"], cols["criterion"], "tên tiêu chí chuẩn")
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    path = Path(path)
    with atomic_path(path, ".xlsx") as tmp:
        wb.save(tmp)
    return path
