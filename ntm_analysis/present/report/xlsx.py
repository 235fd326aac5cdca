"""The briefing pack's Excel workbook: a summary sheet, the status matrix coloured as
in the chart, then one sheet per table (translated headers, real dates for quarters,
frozen headers, filters)."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...core.quarters import format_quarter
from ...core.vocab import Cell
from ...i18n import header, label, t
from ...io.files import atomic_path, safe_cell
from .. import plots as P
from ..table import QUARTER_KEYS
from ..table import _join as join_list
from .briefing import COLUMNS, Briefing, headline, meta_rows, sheet_name

#: the workbook's sheets in this order (after the summary)
SHEETS = ["matrix", "gaps_by_criterion", "gaps_by_commune", "ocop", "workload_quarter", "workload_department",
          "projection", "quality", "scenario_comparison", "scenario_changes"]
PERCENT_COLUMNS = {"share_done"}


def _excel_value(column: str, value: Any, lang: str) -> Any:
    """A cell value: quarters as the quarter's last day (a real date), codes as labels,
    booleans as có/không, missing as empty; text made formula-safe."""
    if column in QUARTER_KEYS and (value is pd.NaT or isinstance(value, pd.Period)):
        return format_quarter(value, lang)  # a group of the workload: "quý II/2023", "chưa có hạn"
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Period):
        return value.end_time.date()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, (bool, np.bool_)):
        return t("word.yes" if value else "word.no", lang)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, str):
        return safe_cell(label(column, value, lang))
    if isinstance(value, tuple):
        return safe_cell(join_list(value))
    return value


def matrix_table(b: Briefing) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix as a wide table of cell texts (``commune`` + one column per
    criterion label) and the matching wide table of statuses (for colouring)."""
    cells = b.tables["matrix"]
    lang = b.lang
    cat = b.plan.catalogue

    def text(r) -> str:
        if r.status == Cell.NA:
            return "—"
        if r.status in (Cell.MET, Cell.DONE):
            return t(f"cell.{r.status}", lang)
        if r.status == Cell.UNDATED:
            return t("word.no_deadline", lang)
        when = format_quarter(r.due, lang)
        return when if r.firm else f"{when} ({t('chart.inferred_short', lang)})"

    cells = cells.assign(_text=[text(r) for r in cells.itertuples(index=False)],
                         _col=[cat.label(c, lang) for c in cells["criterion_code"]],
                         _style=[("due_firm" if r.firm else "due_inferred") if r.status == Cell.DUE else r.status
                                 for r in cells.itertuples(index=False)])
    cols = list(dict.fromkeys(cells["_col"]))
    rows = list(dict.fromkeys(cells["commune_id"]))
    names = dict(zip(cells["commune_id"], cells["commune"]))

    def wide(values: str, frame: pd.DataFrame = cells) -> pd.DataFrame:
        return frame.pivot(index="commune_id", columns="_col", values=values).reindex(index=rows, columns=cols)

    text_, style = wide("_text"), wide("_style")
    quarter = wide("_q", cells.assign(_q=cells["due"].astype(str)))
    style = style.where(~style.isin(["due_firm", "due_inferred"]), style + "|" + quarter)
    name = header("commune", lang)
    first = pd.Series([names[i] for i in rows], name=name)
    return (pd.concat([first, text_.reset_index(drop=True)], axis=1),
            pd.concat([first, style.reset_index(drop=True)], axis=1))


def _fill(hex_colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=hex_colour.lstrip("#").upper())


def _style_header(ws, n_cols: int, height: float = 32) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="999999")
    for col in range(1, n_cols + 1):
        c = ws.cell(row=1, column=col)
        c.font = Font(bold=True, name="Arial", size=10)
        c.fill = _fill("#DDEBF7")
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        c.border = Border(bottom=thin)
    ws.row_dimensions[1].height = height


def _widths(ws, headers: list[str], rows: list[list[Any]], max_width: int = 60) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for j, h in enumerate(headers, start=1):
        lengths = [len(str(h)) * 0.6 + 2]
        for r in rows:
            v = r[j - 1]
            if v is None:
                continue
            if isinstance(v, (_dt.date, _dt.datetime)):
                lengths.append(11)
            else:
                lengths.append(len(str(v)) + 2)
        width = min(max(max(lengths), 8), max_width)
        ws.column_dimensions[get_column_letter(j)].width = width
        if any(isinstance(r[j - 1], str) and len(r[j - 1]) > max_width for r in rows):
            for i in range(2, len(rows) + 2):
                ws.cell(row=i, column=j).alignment = Alignment(wrap_text=True, vertical="top")


def _write_sheet(wb, title: str, df: pd.DataFrame, columns: list[str], lang: str) -> Any:
    ws = wb.create_sheet(title)
    cols = [c for c in columns if c in df.columns]
    headers = [header(c, lang) for c in cols]
    ws.append(headers)
    rows = []
    for rec in df[cols].itertuples(index=False):
        row = [_excel_value(c, v, lang) for c, v in zip(cols, rec)]
        rows.append(row)
        ws.append(row)
    for j, c in enumerate(cols, start=1):
        fmt = None
        if c in PERCENT_COLUMNS:
            fmt = "0%"
        elif isinstance(df[c].dtype, pd.PeriodDtype) and c not in QUARTER_KEYS:
            fmt = "DD/MM/YYYY"
        if fmt:
            for i in range(2, len(rows) + 2):
                ws.cell(row=i, column=j).number_format = fmt
    _style_header(ws, len(cols))
    _widths(ws, headers, rows)
    ws.freeze_panes = "B2" if cols and cols[0] in ("commune", "criterion_code", "department") else "A2"
    if cols:
        ws.auto_filter.ref = ws.dimensions
    return ws


def _write_matrix(wb, b: Briefing) -> Any:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wide, style = matrix_table(b)
    ws = wb.create_sheet(sheet_name("matrix", b.lang))
    ws.append(list(wide.columns))
    qcol = P.quarter_colours(b.tables["matrix"].loc[b.tables["matrix"]["status"] == Cell.DUE, "due"])
    colours = {Cell.MET: P.MET_COLOUR, Cell.NA: P.NA_COLOUR, Cell.DONE: P.DONE_COLOUR,
               Cell.UNDATED: P.UNDATED_COLOUR}
    for i, (vals, sts) in enumerate(zip(wide.itertuples(index=False), style.itertuples(index=False)), start=2):
        ws.append([safe_cell(v) for v in vals])
        for j, st in enumerate(sts[1:], start=2):
            kind, _, q = str(st).partition("|")
            colour = qcol.get(pd.Period(q, freq="Q-DEC")) if q else colours.get(kind)
            if not colour:
                continue
            cell = ws.cell(row=i, column=j)
            if kind == "due_inferred":  # inferred deadlines: a lighter shade of the quarter colour
                colour = _lighten(colour, 0.45)
            cell.fill = _fill(colour)
            cell.font = Font(name="Arial", size=10, color="FFFFFF" if P.text_colour(colour) == "white"
                             else "000000", italic=kind == "due_inferred")
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _style_header(ws, len(wide.columns), height=90)
    ws.column_dimensions["A"].width = 16
    for j in range(2, len(wide.columns) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 14
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = ws.dimensions
    return ws


def _lighten(hex_colour: str, amount: float) -> str:
    r, g, b_ = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(v + (255 - v) * amount) for v in (r, g, b_)]
    return "#" + "".join(f"{v:02X}" for v in mix)


def write_workbook(b: Briefing, path: Path, generated: _dt.datetime | None = None) -> Path:
    """The Excel workbook: a summary sheet, then one sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    lang = b.lang
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name("summary", lang)
    bold = Font(bold=True, name="Arial", size=11)
    ws.append([t("report.summary_title", lang)])
    ws["A1"].font = Font(bold=True, name="Arial", size=14)
    ws.append([])
    for label, value in meta_rows(b, generated):
        ws.append([label, safe_cell(value)])
        cell = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, _dt.datetime):
            cell.number_format = "DD/MM/YYYY HH:MM:SS"
        elif isinstance(value, _dt.date):
            cell.number_format = "DD/MM/YYYY"
        cell.alignment = Alignment(horizontal="left")
        ws.cell(row=ws.max_row, column=1).font = bold
    ws.append([])
    ws.append([t("report.headline", lang)])
    ws.cell(row=ws.max_row, column=1).font = bold
    for label, value in headline(b):
        ws.append([label, safe_cell(value)])
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(horizontal="left")
    ws.append([])
    ws.append([t("report.chart", lang), t("report.finding", lang)])
    ws.cell(row=ws.max_row, column=1).font = bold
    ws.cell(row=ws.max_row, column=2).font = bold
    for key in b.chart_keys + ["quality"]:
        title = b.titles.get(key, t("report.quality_title", lang))
        ws.append([safe_cell(title), safe_cell(b.findings[key])])
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=ws.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 100
    _write_matrix(wb, b)
    for key in SHEETS:
        if key == "matrix" or key not in b.tables:
            continue
        _write_sheet(wb, sheet_name(key, lang), b.tables[key], COLUMNS[key], lang)
    stamp = (generated or _dt.datetime(2000, 1, 1)).replace(microsecond=0)
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.creator = "ntm-analysis"
    wb.properties.title = t("report.deck_title", lang)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


# -------------------------------------------------------------------- the deck
