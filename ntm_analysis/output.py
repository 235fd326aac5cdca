"""Render a DataFrame for the terminal (table), or as CSV or JSON.

>>> import pandas as pd
>>> print(render(pd.DataFrame({"commune": ["Hưng Đạo"], "gaps": [2]}), "table"))
Xã       Số tiêu chí còn thiếu
-------- ---------------------
Hưng Đạo                     2
"""
from __future__ import annotations

import io
import json

import pandas as pd

from .io import safe_frame
from .labels import header, value_label

FORMATS = ("table", "csv", "json")


def _cell(v: object) -> str:
    if v is None or v is pd.NaT:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        return f"{v:.0f}" if v.is_integer() else f"{v:.2f}"
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, bool):
        return "có" if v else "không"
    return str(v)


def _jsonable(v: object) -> object:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Period):
        return str(v)
    if hasattr(v, "item"):
        return v.item()
    return v


def render(df: pd.DataFrame, fmt: str = "table", lang: str = "vi") -> str:
    """Render ``df``: machine keys for csv/json, translated headers for tables."""
    if fmt == "json":
        records = [{k: _jsonable(v) for k, v in r.items()} for r in df.to_dict("records")]
        return json.dumps(records, ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        safe_frame(df.astype({c: str for c in df.columns if isinstance(df[c].dtype, pd.PeriodDtype)})).to_csv(
            buf, index=False, lineterminator="\n"
        )
        return buf.getvalue().rstrip("\n")
    headers = [header(c, lang) for c in df.columns]
    rows = [[_cell(value_label(c, v, lang)) for c, v in zip(df.columns, r)] for r in df.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    widths = [min(w, 60) for w in widths]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            cell = cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…"
            out.append(cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]))
        return " ".join(out).rstrip()

    lines = [line(headers), " ".join("-" * w for w in widths)]
    lines += [line(r) for r in rows]
    return "\n".join(lines)
