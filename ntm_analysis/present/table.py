"""Tables for people and programs: an analysis result made printable, then rendered for
the terminal (a table with Vietnamese or English headers), or as CSV or JSON (machine
column names and codes).

:func:`printable` is the last step before printing: ids are dropped (a ``unit``
column is added when the plan spans several districts), quarters become ``2023Q2``,
lists are joined with ", ", nullable integers become plain ones.

>>> import pandas as pd
>>> df = pd.DataFrame({"commune_id": ["x/a"], "commune": ["Hưng Đạo"], "missing": [2], "codes": [("6", "15")]})
>>> print(render(printable(df), "table"))
Xã       Tiêu chí còn thiếu codes
-------- ------------------ -----
Hưng Đạo                  2 6, 15
"""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd

from ..core.quarters import NO_DATE, code_text, format_quarter
from ..i18n import header, label, t
from ..io.files import safe_frame

FORMATS = ("table", "csv", "json")
ID_COLUMNS = ("commune_id", "gap_id")
#: quarter columns whose "no date" is a row of its own (a group), printed as a word
QUARTER_KEYS = ("quarter",)
#: list columns of quarters, where a missing one is printed as a word
QUARTER_LIST_KEYS = ("waiting_due",)
LIST_SEP = ", "


def _join(values: tuple) -> str:
    return LIST_SEP.join(code_text(v) if isinstance(v, pd.Period) or v is pd.NaT else str(v) for v in values)


def _named(df: pd.DataFrame, plan=None) -> pd.DataFrame:
    """A copy of ``df`` without ids; with a ``unit`` column beside the commune when the
    plan spans several districts (the displays keep names, the ids stay in the data)."""
    out = df.copy()
    if plan is not None and "commune_id" in out.columns and len(plan.units) > 1:
        units = dict(zip(plan.communes["commune_id"], plan.communes["unit"]))
        at = list(out.columns).index("commune") + 1 if "commune" in out.columns else 0
        out.insert(at, "unit", out["commune_id"].map(units).astype("str"))
    return out.drop(columns=[c for c in ID_COLUMNS if c in out.columns])


def printable(df: pd.DataFrame, plan=None) -> pd.DataFrame:
    """``df`` ready to print (see the module docstring). With ``plan``, a ``unit`` column
    names each commune's district when the plan has more than one."""
    out = _named(df, plan)
    for col in out.columns:
        s = out[col]
        dtype = s.dtype
        if isinstance(dtype, pd.PeriodDtype):
            empty = NO_DATE if col in QUARTER_KEYS else None
            out[col] = pd.array([empty if pd.isna(v) else str(v) for v in s], dtype=object)
        elif isinstance(dtype, pd.Int64Dtype):
            out[col] = (s.astype("int64") if s.notna().all() else
                        pd.array([None if pd.isna(v) else int(v) for v in s], dtype=object))
        elif dtype == object and len(s):
            out[col] = pd.array([_join(v) if isinstance(v, tuple) else str(v) if isinstance(v, pd.Period) else v
                                 for v in s], dtype=object)
    return out


#: columns holding a share (0–1), shown as a percentage
SHARE_COLUMNS = ("share_met", "share_done")


def for_people(df: pd.DataFrame, lang: str = "vi", plan=None) -> pd.DataFrame:
    """``df`` in words, for every surface people read (terminal tables, notebooks, the
    dashboard): headers and coded values in ``lang``, quarters as "quý II/2023", no
    deadline as "chưa có hạn", flags as có/không, shares as percentages, empty cells
    empty; in English the criterion names are the catalogue's English names. The
    machine formats (CSV, JSON) keep codes: see :func:`printable`.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"commune": ["Minh Đức"], "status": ["unscheduled"], "conflict": [True],
    ...                    "finish": pd.array([pd.NaT], dtype="period[Q-DEC]"), "share_done": [0.735]})
    >>> for_people(df).iloc[0].tolist()
    ['Minh Đức', 'còn mục chưa có hạn', 'có', '', '73,5%']
    >>> list(for_people(df, "en").columns)
    ['Commune', 'Status', 'Schedule conflict', 'Finish quarter', 'Share done']
    """
    out = localised(_named(df, plan), lang, plan.catalogue if plan is not None else None)
    for col in out.columns:
        out[col] = _words(col, out[col], lang)
    return out.rename(columns=lambda c: header(c, lang))


def localised(df: pd.DataFrame, lang: str, catalogue=None) -> pd.DataFrame:
    """``df`` with its criterion names in ``lang`` (the catalogue's English names in
    English); other values unchanged. Every surface that shows criterion names calls it.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"criterion_code": ["8"], "criterion": ["Thông tin và Truyền thông"]})
    >>> localised(df, "en")["criterion"].tolist()
    ['Information and communications']
    """
    if lang != "en" or "criterion" not in df.columns or "criterion_code" not in df.columns:
        return df
    if catalogue is None:
        from ..criteria.catalogue import load_catalogue

        catalogue = load_catalogue()
    return df.assign(criterion=[catalogue.name(c, "en") if c in catalogue.codes else n
                                for c, n in zip(df["criterion_code"], df["criterion"])])


def cell_words(col: str, v: object, lang: str = "vi") -> object:
    """One value of column ``col`` in words (codes as labels, quarters as "quý II/2023",
    lists joined, flags as có/không, missing as ""): what every surface prints.

    >>> cell_words("waiting_due", (pd.Period("2023Q2", freq="Q"), pd.NaT)), cell_words("status", "at_risk", "en")
    ('quý II/2023, chưa có hạn', 'at risk')
    """
    return _word(col, v, lang)


def _words(col: str, s: pd.Series, lang: str) -> pd.Series:
    """One column in words (see :func:`for_people`)."""
    dtype = s.dtype
    if isinstance(dtype, pd.PeriodDtype):
        empty = t("word.no_deadline", lang) if col in QUARTER_KEYS else ""
        return pd.Series([empty if pd.isna(v) else format_quarter(v, lang) for v in s], index=s.index, dtype=object)
    if dtype == bool:
        return s.map(lambda v: t("word.yes" if v else "word.no", lang))
    if isinstance(dtype, pd.Int64Dtype):  # an empty count or year stays an empty cell
        return s.astype("int64") if s.notna().all() else \
            pd.Series(["" if pd.isna(v) else int(v) for v in s], index=s.index, dtype=object)
    if col in SHARE_COLUMNS:
        return pd.Series([_percent(v, lang) for v in s], index=s.index, dtype=object)
    if dtype == "str" or dtype == object:
        return pd.Series([_word(col, v, lang) for v in s], index=s.index, dtype=object)
    return s


def _word(col: str, v: object, lang: str) -> object:
    if isinstance(v, tuple):
        return LIST_SEP.join(str(_word(col, x, lang)) for x in v)
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
        return t("word.no_deadline", lang) if col in QUARTER_LIST_KEYS else ""
    if isinstance(v, pd.Period):
        return format_quarter(v, lang)
    if isinstance(v, bool):
        return t("word.yes" if v else "word.no", lang)
    return label(col, v, lang)


def _percent(v: object, lang: str) -> str:
    if v is None or pd.isna(v):
        return ""
    text = f"{float(v) * 100:.1f}".rstrip("0").rstrip(".") + "%"
    return text.replace(".", ",") if lang != "en" else text


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
            buf, index=False, lineterminator="\n")
        return buf.getvalue().rstrip("\n")
    headers = [header(c, lang) for c in df.columns]
    rows = [[_cell(label(c, v, lang)) for c, v in zip(df.columns, r)] for r in df.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    widths = [min(max([len(h)] + [len(r[i]) for r in rows]), 60) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            cell = cell if len(cell) <= widths[i] else cell[: widths[i] - 1] + "…"
            out.append(cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i]))
        return " ".join(out).rstrip()

    lines = [line(headers), " ".join("-" * w for w in widths)]
    lines += [line(r) for r in rows]
    return "\n".join(lines)
