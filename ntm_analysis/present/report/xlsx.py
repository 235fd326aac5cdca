"""The briefing pack's Excel workbook, written with XlsxWriter.

A summary sheet (title, the plan and the run, headline numbers, each chart's title and
finding), the status matrix coloured like the chart, then one sheet per table with
translated headers, frozen headers, filters and widths fitted to the text. Quarters are
real dates (the quarter's last day, DD/MM/YYYY; a workload's quarter in words), shares
are percentages, booleans có/không, lists joined, and text that a spreadsheet would run
as a formula is made safe. The same briefing and timestamp give the same bytes.

>>> _lighten("#D55E00", 0.45)
'#E8A673'
"""
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
from ...io.xlsx_write import Formats, close_workbook, new_workbook, set_width, write_value
from .. import plots
from ..table import QUARTER_KEYS
from ..table import cell_words, localised
from .briefing import COLUMNS, Briefing, headline, meta_rows, sheet_name

HEADER_COLOUR = "#DDEBF7"
FONT = "Arial"
#: the workbook's sheets in this order (after the summary)
SHEETS = ["matrix", "gaps_by_criterion", "gaps_by_commune", "ocop", "workload_quarter", "workload_department",
          "projection", "quality", "units", "units_gaps", "indicators", "scenario_comparison", "scenario_changes"]
PERCENT_COLUMNS = {"share_met", "share_done"}


def _excel_value(column: str, value: Any, lang: str) -> Any:
    """A cell value: quarters as the quarter's last day (a real date; a workload's quarter
    in words), codes as labels, booleans as có/không, lists joined, missing as empty;
    text made formula-safe."""
    if column in QUARTER_KEYS and (value is pd.NaT or isinstance(value, pd.Period)):
        return format_quarter(value, lang)
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
        return safe_cell(cell_words(column, value, lang))
    return value


def matrix_table(b: Briefing) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The matrix as a wide table of cell texts (``commune`` + one column per
    criterion label) and the matching wide table of statuses (for colouring)."""
    cells = b.tables["matrix"]
    lang = b.lang
    cat = b.plan.catalogue
    fixed = {Cell.MET: t("cell.met", lang), Cell.NA: "—", Cell.DONE: t("cell.done", lang),
             Cell.UNDATED: t("word.no_deadline", lang)}
    inferred = t("chart.inferred_short", lang)
    due_codes, quarters = pd.factorize(cells["due"])  # NaT: -1
    due_texts: dict[tuple[int, bool], str] = {}

    def due_text(code: int, firm: bool) -> str:  # once per quarter and firmness, not per cell
        if (code, firm) not in due_texts:
            label = format_quarter(quarters[code] if code >= 0 else pd.NaT, lang)
            due_texts[code, firm] = label if firm else f"{label} ({inferred})"
        return due_texts[code, firm]

    status = cells["status"].tolist()
    firm = cells["firm"].astype(bool).tolist()
    due = due_codes.tolist()
    texts = [fixed[st] if st in fixed else due_text(q, f) for st, f, q in zip(status, firm, due)]
    styles = [("due_firm" if f else "due_inferred") if st == Cell.DUE else st for st, f in zip(status, firm)]
    labels = {c: cat.label(c, lang) for c in dict.fromkeys(cells["criterion_code"].tolist())}
    cells = cells.assign(_text=texts, _col=cells["criterion_code"].map(labels), _style=styles)
    cols = list(dict.fromkeys(cells["_col"].tolist()))
    rows = list(dict.fromkeys(cells["commune_id"].tolist()))
    names = dict(zip(cells["commune_id"], cells["commune"]))

    def wide(values: str, frame: pd.DataFrame = cells) -> pd.DataFrame:
        return frame.pivot(index="commune_id", columns="_col", values=values).reindex(index=rows, columns=cols)

    text_, style = wide("_text"), wide("_style")
    quarter = wide("_q", cells.assign(_q=cells["due"].astype(str)))
    style = style.where(~style.isin(["due_firm", "due_inferred"]), style + "|" + quarter)
    first = pd.Series([names[i] for i in rows], name=header("commune", lang))
    return (pd.concat([first, text_.reset_index(drop=True)], axis=1),
            pd.concat([first, style.reset_index(drop=True)], axis=1))


def _fill(hex_colour: str) -> dict[str, Any]:
    """Format properties of a solid fill."""
    return {"pattern": 1, "bg_color": "#" + hex_colour.lstrip("#").upper()}


def _style_header(ws, fmt: Formats, headers: list[str], height: float = 32) -> None:
    """The header row: bold Arial 10 on pale blue, wrapped and centred, a thin grey rule below."""
    style = fmt(bold=True, font_name=FONT, font_size=10, **_fill(HEADER_COLOUR), text_wrap=True,
                valign="vcenter", align="center", bottom=1, bottom_color="#999999")
    for j, h in enumerate(headers):
        write_value(ws, 0, j, h, fmt, style)
    ws.set_row(0, height)


def _widths(headers: list[str], columns: list[list[Any]], max_width: int = 60) -> tuple[list[float], list[bool]]:
    """Each column's width (header and longest value, 8 to ``max_width``) and whether its
    cells wrap (some text longer than ``max_width``)."""
    widths, wrap = [], []
    for h, values in zip(headers, columns):
        lengths = [len(str(h)) * 0.6 + 2]
        long_text = False
        for v in values:
            if v is None:
                continue
            if isinstance(v, (_dt.date, _dt.datetime)):
                lengths.append(11)
            else:
                lengths.append(len(str(v)) + 2)
                long_text = long_text or (isinstance(v, str) and len(v) > max_width)
        widths.append(min(max(max(lengths), 8), max_width))
        wrap.append(long_text)
    return widths, wrap


def _column_values(df: pd.DataFrame, column: str, lang: str) -> list[Any]:
    """The cell values of one column (:func:`_excel_value`, computed once per distinct value)."""
    series = df[column]
    if isinstance(series.dtype, pd.PeriodDtype) and column not in QUARTER_KEYS:  # boxing every Period is slow: factorize first
        codes, uniques = pd.factorize(series)
        converted = [_excel_value(column, u, lang) for u in uniques]
        return [converted[k] if k >= 0 else None for k in codes.tolist()]
    memo: dict[tuple[type, Any], Any] = {}
    out = []
    for v in series.tolist():
        key = (type(v), v)  # 1, 1.0 and True are equal keys otherwise
        try:
            r = memo[key]
        except KeyError:
            r = memo[key] = _excel_value(column, v, lang)
        except TypeError:  # unhashable
            r = _excel_value(column, v, lang)
        out.append(r)
    return out


def _write_sheet(wb, fmt: Formats, title: str, df: pd.DataFrame, columns: list[str], lang: str,
                 catalogue=None) -> Any:
    ws = wb.add_worksheet(title)
    df = localised(df, lang, catalogue)
    cols = [c for c in columns if c in df.columns]
    headers = [header(c, lang) for c in cols]
    values = [_column_values(df, c, lang) for c in cols]
    widths, wrap = _widths(headers, values)
    for j, c in enumerate(cols):
        props: dict[str, Any] = {}
        if c in PERCENT_COLUMNS:
            props["num_format"] = "0%"
        elif isinstance(df[c].dtype, pd.PeriodDtype) and c not in QUARTER_KEYS:
            props["num_format"] = "DD/MM/YYYY"
        if wrap[j]:
            props.update(text_wrap=True, valign="top")
        style = fmt(**props)
        for i, v in enumerate(values[j], start=1):
            write_value(ws, i, j, v, fmt, style)
    _style_header(ws, fmt, headers)
    for j, w in enumerate(widths):
        set_width(ws, j, w)
    ws.freeze_panes(1, 1 if cols and cols[0] in ("commune", "criterion_code", "department") else 0)
    if cols:
        ws.autofilter(0, 0, len(df), len(cols) - 1)
    return ws


def _write_matrix(wb, fmt: Formats, b: Briefing) -> Any:
    wide, style = matrix_table(b)
    ws = wb.add_worksheet(sheet_name("matrix", b.lang))
    qcol = plots.quarter_colours(b.tables["matrix"].loc[b.tables["matrix"]["status"] == Cell.DUE, "due"])
    colours = {Cell.MET: plots.MET_COLOUR, Cell.NA: plots.NA_COLOUR, Cell.DONE: plots.DONE_COLOUR,
               Cell.UNDATED: plots.UNDATED_COLOUR}
    cell_styles: dict[str, Any] = {}

    def cell_style(st: object) -> Any:
        key = str(st)
        if key not in cell_styles:
            kind, _, q = key.partition("|")
            colour = qcol.get(pd.Period(q, freq="Q-DEC")) if q else colours.get(kind)
            if not colour:
                cell_styles[key] = None
            else:
                if kind == "due_inferred":  # inferred deadlines: a lighter shade of the quarter colour
                    colour = _lighten(colour, 0.45)
                cell_styles[key] = fmt(**_fill(colour), font_name=FONT, font_size=10,
                                       font_color="#FFFFFF" if plots.text_colour(colour) == "white" else "#000000",
                                       italic=kind == "due_inferred", align="center", valign="vcenter",
                                       text_wrap=True)
        return cell_styles[key]

    for j in range(wide.shape[1]):
        texts, kinds = wide.iloc[:, j].tolist(), style.iloc[:, j].tolist()
        for i, (v, st) in enumerate(zip(texts, kinds), start=1):
            v = safe_cell(v)
            write_value(ws, i, j, None if isinstance(v, float) and v != v else v, fmt,
                        cell_style(st) if j else None)
    _style_header(ws, fmt, list(wide.columns), height=90)
    set_width(ws, 0, 16)
    if len(wide.columns) > 1:
        set_width(ws, 1, 14, len(wide.columns) - 1)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, len(wide), len(wide.columns) - 1)
    return ws


def _lighten(hex_colour: str, amount: float) -> str:
    r, g, b_ = (int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    mix = [round(v + (255 - v) * amount) for v in (r, g, b_)]
    return "#" + "".join(f"{v:02X}" for v in mix)


def _write_summary(wb, fmt: Formats, b: Briefing, generated: _dt.datetime | None) -> Any:
    lang = b.lang
    ws = wb.add_worksheet(sheet_name("summary", lang))
    bold = fmt(bold=True, font_name=FONT, font_size=11)
    left = fmt(align="left")
    wrap = fmt(text_wrap=True, valign="top")
    row = 0
    write_value(ws, row, 0, t("report.summary_title", lang), fmt, fmt(bold=True, font_name=FONT, font_size=14))
    row += 2  # a blank row
    for name, value in meta_rows(b, generated):
        write_value(ws, row, 0, name, fmt, bold)
        if isinstance(value, _dt.datetime):
            style = fmt(num_format="DD/MM/YYYY HH:MM:SS", align="left")
        elif isinstance(value, _dt.date):
            style = fmt(num_format="DD/MM/YYYY", align="left")
        else:
            style = left
        write_value(ws, row, 1, safe_cell(value), fmt, style)
        row += 1
    row += 1
    write_value(ws, row, 0, t("report.headline", lang), fmt, bold)
    row += 1
    for name, value in headline(b):
        write_value(ws, row, 0, name, fmt)
        write_value(ws, row, 1, safe_cell(value), fmt, left)
        row += 1
    row += 1
    write_value(ws, row, 0, t("report.chart", lang), fmt, bold)
    write_value(ws, row, 1, t("report.finding", lang), fmt, bold)
    row += 1
    for key in b.chart_keys + ["quality"]:
        title = b.titles.get(key, t("report.quality_title", lang))
        write_value(ws, row, 0, safe_cell(title), fmt, wrap)
        text = b.findings[key] + (f"\n{b.notes[key]}" if key in b.notes else "")
        write_value(ws, row, 1, safe_cell(text), fmt, wrap)
        row += 1
    set_width(ws, 0, 42)
    set_width(ws, 1, 100)
    return ws


def write_workbook(b: Briefing, path: Path, generated: _dt.datetime | None = None) -> Path:
    """The Excel workbook: a summary sheet, then one sheet per table."""
    stamp = (generated or _dt.datetime(2000, 1, 1)).replace(microsecond=0)
    with atomic_path(path) as tmp:
        wb = new_workbook(tmp)
        fmt = Formats(wb)
        _write_summary(wb, fmt, b, generated)
        _write_matrix(wb, fmt, b)
        for key in SHEETS:
            if key == "matrix" or key not in b.tables:
                continue
            _write_sheet(wb, fmt, sheet_name(key, b.lang), b.tables[key], COLUMNS[key], b.lang, b.plan.catalogue)
        wb.set_properties({"title": t("report.deck_title", b.lang), "author": "ntm-analysis", "created": stamp})
        close_workbook(wb)
    return Path(path)

