"""The instructions sheet the plan workbook opens on (:data:`~ntm_analysis.tables.schema.GUIDE_SHEET`):
what each sheet is for, the least a plan needs, the words the cells take, the ways of
writing a deadline, the drop-down lists.

Its rows are made from the layout (:mod:`ntm_analysis.tables.schema`: the sheets, the
columns a plan needs, the value words), from the deadline reader (each example is read as
the loader reads it) and from the texts of :mod:`ntm_analysis.i18n`, so that what it says
is what the loader does. The loader never reads it.

>>> rows = guide_rows({}, "mau.xlsx")
>>> rows[0][1][0]
'Hướng dẫn điền sổ kế hoạch xây dựng xã NTM nâng cao, NTM kiểu mẫu'
>>> ("row", ("Xã", "Năm phấn đấu", "năm xã phấn đấu đạt chuẩn, vd. 2024")) in rows
True
>>> ("row", ("trong năm 2023", "quý IV/2023 (hạn suy ra: kế hoạch chỉ ghi năm)")) in rows
True
"""
from __future__ import annotations

from typing import Callable, Mapping

from ..core.quarters import format_quarter, parse_deadline
from ..i18n import t
from ..tables.schema import (GAP_SHEETS, GUIDE_SHEET, LEVEL_TEXT, LISTS_SHEET, MATRIX_TEXT, MINIMUM, OCOP_TEXT,
                             REQUIREMENT_TEXT, SHEETS, YES_NO_TEXT)

#: a row of the sheet: its kind (title, text, section, head, row or blank) and its cells
Row = tuple[str, tuple[str, ...]]
#: sheet → (list, column, hint) of its drop-downs, as the writer makes them
DropDowns = Mapping[str, tuple[tuple[str, str, str], ...]]
#: deadlines as plans write them, each shown with the quarter the loader reads in it
DEADLINE_EXAMPLES = ("quý II/2023", "Q2/2023", "2023Q2", "đầu quý III/2023", "30/6/2023", "trong năm 2023",
                     "hết năm 2023")
#: what the drop-down of a matrix cell holds
STATUS_HINT = " / ".join(MATRIX_TEXT)


def guide_rows(drop_downs: DropDowns, file: str) -> list[Row]:
    """Every row of the instructions sheet of a workbook named ``file`` whose sheets have
    the drop-downs ``drop_downs``."""
    rows: list[Row] = [("title", (t("guide.title"),)), ("text", (t("guide.intro", guide=GUIDE_SHEET),))]
    parts: tuple[Callable[[], list[Row]], ...] = (
        _sheets, _minimum, _values, _deadlines, lambda: _lists(drop_downs),
        lambda: [("section", (t("guide.check"),)), ("text", (t("guide.check_text", file=file),))])
    for part in parts:
        rows += [("blank", ())] + part()
    return rows


def commune_hint() -> str:
    """What the drop-down of a commune column holds.

    >>> commune_hint()
    "các xã của trang 'Xã'"
    """
    return t("guide.list_communes", sheet=SHEETS["communes"].name)


def _head(*keys: str) -> Row:
    return "head", tuple(t(f"guide.col.{k}") for k in keys)


def _need(key: str) -> str:
    """Whether a sheet of the layout must be filled, as the loader asks it.

    >>> _need("communes"), _need("matrix"), _need("ocop")
    ('bắt buộc', "bắt buộc trang này hoặc trang 'Chi tiết', khi có xã còn thiếu tiêu chí", 'không bắt buộc')
    """
    if SHEETS[key].required:
        return t("guide.required")
    if key in GAP_SHEETS:
        return t("guide.one_of", other=SHEETS[next(k for k in GAP_SHEETS if k != key)].name)
    return t("guide.optional")


def _sheets() -> list[Row]:
    """The sheets in the workbook's order, what each is for and whether it must be filled."""
    rows = [("section", (t("guide.sheets"),)), _head("sheet", "purpose", "fill"),
            ("row", (GUIDE_SHEET, t("guide.guide_sheet"), t("guide.nothing")))]
    rows += [("row", (sheet.name, sheet.help, _need(key))) for key, sheet in SHEETS.items()]
    return rows + [("row", (LISTS_SHEET, t("guide.lists_sheet"), t("guide.nothing")))]


def _minimum() -> list[Row]:
    """The columns a plan needs (:data:`~ntm_analysis.tables.schema.MINIMUM`)."""
    rows = [("section", (t("guide.minimum"),)), ("text", (t("guide.minimum_intro"),)),
            _head("sheet", "column", "what")]
    for sheet_key, column_key in MINIMUM:
        sheet = SHEETS[sheet_key]
        column = sheet.column(column_key)
        rows.append(("row", (sheet.name, column.header, column.help)))
    note = t("guide.minimum_matrix", items=SHEETS["items"].name, missing=MATRIX_TEXT[1],
             matrix=SHEETS["matrix"].name)
    return rows + [("text", (note,))]


def _values() -> list[Row]:
    """The words the coded columns take."""
    communes, items, matrix, ocop, milestones = (SHEETS[k] for k in ("communes", "items", "matrix", "ocop",
                                                                     "milestones"))
    met, missing, na = MATRIX_TEXT
    return [
        ("section", (t("guide.values"),)), ("text", (t("guide.values_intro"),)), _head("sheet", "column", "values"),
        ("row", (communes.name, communes.column("target_level").header, ", ".join(LEVEL_TEXT.values()))),
        ("row", (items.name, items.column("requirement").header,
                 t("guide.value.requirement", words=", ".join(REQUIREMENT_TEXT.values())))),
        ("row", (matrix.name, t("guide.matrix_columns"), t("guide.value.matrix", met=met, missing=missing, na=na))),
        ("row", (ocop.name, ocop.column("status").header, ", ".join(OCOP_TEXT.values()))),
        ("row", (ocop.name, ocop.column("target_stars").header, t("guide.value.stars"))),
        ("row", (milestones.name, milestones.column("applies_to_items").header,
                 t("guide.value.yes_no", words=", ".join(YES_NO_TEXT), default=YES_NO_TEXT[0]))),
    ]


def _deadlines() -> list[Row]:
    """The ways of writing a deadline, each with the quarter the loader reads in it."""
    items, done = SHEETS["items"], SHEETS["completions"]
    intro = t("guide.deadlines_intro", written=items.column("due_written").header, due=items.column("due").header,
              example=DEADLINE_EXAMPLES[2], done_sheet=done.name, done=done.column("done").header)
    rows = [("section", (t("guide.deadlines"),)), ("text", (intro,)), _head("written", "read_as")]
    for example in DEADLINE_EXAMPLES:
        deadline = parse_deadline(example)
        quarter = format_quarter(deadline.quarter)
        rows.append(("row", (example, t("guide.inferred", quarter=quarter) if deadline.year_only else quarter)))
    return rows


def _lists(drop_downs: DropDowns) -> list[Row]:
    """The columns with a drop-down list, sheet by sheet, and what each list holds."""
    rows = [("section", (t("guide.lists"),)), ("text", (t("guide.lists_intro"),)), _head("sheet", "column", "list")]
    for key, sheet in SHEETS.items():
        if key != "communes" and "commune" in sheet.keys:
            rows.append(("row", (sheet.name, sheet.column("commune").header, commune_hint())))
        if key == "matrix":
            rows.append(("row", (sheet.name, t("guide.matrix_columns"), STATUS_HINT)))
        rows += [("row", (sheet.name, sheet.column(column).header, hint))
                 for _, column, hint in drop_downs.get(key, ())]
    return rows
