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
import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from ..core.names import nfc
from ..core.quarters import NO_DATE, code_text, format_quarter
from ..core.text import terminal_text
from ..i18n import header, label, t
from ..io.files import safe_frame

FORMATS = ("table", "csv", "json")
ID_COLUMNS = ("commune_id", "gap_id")
#: quarter columns whose "no date" is a row of its own (a group), printed as a word
QUARTER_KEYS = ("quarter",)
#: list columns of quarters, where a missing one is printed as a word
QUARTER_LIST_KEYS = ("waiting_due",)
LIST_SEP = ", "
#: terminal tables: the width when not printing to a terminal, the least width, and the
#: widest and the narrowest a text column is made (longer text wraps onto more lines)
TABLE_WIDTH, MIN_TABLE_WIDTH = 120, 80
MAX_COLUMN, MIN_COLUMN = 60, 12
#: text of which every character takes one column: Latin letters (Vietnamese's among them),
#: no combining mark, no wide letter
_NARROW = re.compile("[\x20-\x7e\xa0-\xac\xae-\u02ff\u1e00-\u1eff\u2010-\u2027]*")


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
SHARE_COLUMNS = ("share_met", "share_done", "share_2025", "distance_share")


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
    if isinstance(dtype, pd.BooleanDtype):  # a yes/no that may be unknown: unknown is an empty cell
        return pd.Series(["" if pd.isna(v) else t("word.yes" if v else "word.no", lang) for v in s], index=s.index,
                         dtype=object)
    if isinstance(dtype, pd.Int64Dtype):  # an empty count or year stays an empty cell
        return s.astype("int64") if s.notna().all() else \
            pd.Series(["" if pd.isna(v) else int(v) for v in s], index=s.index, dtype=object)
    if col in SHARE_COLUMNS:
        return pd.Series([_percent(v, lang) for v in s], index=s.index, dtype=object)
    if pd.api.types.is_float_dtype(dtype) and s.isna().any():  # an unmeasured value is an empty cell
        return pd.Series(["" if pd.isna(v) else v for v in s], index=s.index, dtype=object)
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


def _cell(v: object, lang: str = "vi") -> str:
    if v is None or v is pd.NaT:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        text = f"{v:.0f}" if v.is_integer() else f"{v:.2f}".rstrip("0")
        return text.replace(".", ",") if lang != "en" else text  # Vietnamese writes a decimal comma
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, bool):
        return t("word.yes" if v else "word.no", lang)
    return str(v)


def _jsonable(v: object) -> object:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Period):
        return str(v)
    if hasattr(v, "item"):
        return v.item()
    return v


def render(df: pd.DataFrame, fmt: str = "table", lang: str = "vi", width: int | None = None) -> str:
    """Render ``df``: machine keys for csv/json, translated headers for tables (at most
    ``width`` columns wide when it can: by default the terminal's width). Every format
    is safe to print: a control or bidirectional character in the data is shown by its
    code (:func:`~ntm_analysis.core.text.terminal_text`; in JSON a ``\\uXXXX`` escape,
    the same text once read).

    >>> print(render(pd.DataFrame({"commune": ["An\x1b[2J"]}), "csv"))
    commune
    An\\u001b[2J
    """
    if fmt == "json":
        records = [{k: _jsonable(v) for k, v in r.items()} for r in df.to_dict("records")]
        return terminal_text(json.dumps(records, ensure_ascii=False, indent=2))
    if fmt == "csv":
        buf = io.StringIO()
        safe_frame(df.astype({c: str for c in df.columns if isinstance(df[c].dtype, pd.PeriodDtype)})).to_csv(
            buf, index=False, lineterminator="\n")
        return terminal_text(buf.getvalue().rstrip("\n"))
    return _table(df, lang, width)


def _table(df: pd.DataFrame, lang: str, width: int | None) -> str:
    """The terminal table of ``df``: translated headers and labels; text too long for its
    column is wrapped onto continuation lines, none of it cut; rows that take several
    lines are set apart by a blank line (when there are several rows).

    >>> print(_table(pd.DataFrame({"commune": ["An Bình"], "detail": ["một hai ba bốn năm sáu bảy tám"]}), "vi", 30))
    Xã      Nội dung
    ------- ----------------------
    An Bình một hai ba bốn năm sáu
            bảy tám
    """
    headers = [_clean(header(c, lang)) for c in df.columns]
    rows = [[_clean(_cell(label(c, v, lang), lang)) for c, v in zip(df.columns, r)] for r in df.itertuples(index=False)]
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
    sizes = [[_text_width(c) for c in r] for r in rows]
    widths = _widths(headers, rows, sizes, numeric, _terminal_width() if width is None else width)
    head = _lines(headers, [_text_width(h) for h in headers], widths, [False] * len(widths))
    body = [_lines(r, s, widths, numeric) for r, s in zip(rows, sizes)]
    gap = [""] if any(len(b) > 1 for b in body) else []
    lines = head + [" ".join("-" * w for w in widths)]
    for i, b in enumerate(body):
        lines += (gap if i else []) + b
    return "\n".join(lines)


def _clean(text: str) -> str:
    """``text`` on one line, in NFC (:func:`~ntm_analysis.core.names.nfc`; plain ASCII as
    it is), safe to print (:func:`~ntm_analysis.core.text.terminal_text`).

    >>> _clean("Tân \u202eKỳ")
    'Tân \\\\u202eKỳ'
    """
    return text if text.isascii() and text.isprintable() else terminal_text(nfc(text))


def _terminal_width() -> int:
    """The terminal's width when standard output is one, else :data:`TABLE_WIDTH`; never
    less than :data:`MIN_TABLE_WIDTH`."""
    import shutil
    import sys

    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        tty = False
    return max(MIN_TABLE_WIDTH, shutil.get_terminal_size((TABLE_WIDTH, 24)).columns if tty else TABLE_WIDTH)


@lru_cache(maxsize=1 << 16)
def _text_width(text: str) -> int:
    """The columns ``text`` takes on a terminal: a combining mark none, a wide (CJK) letter two.

    >>> _text_width("Nguyên Giáp"), _text_width("Nguye\u0302n"), _text_width("北京")
    (11, 6, 4)
    """
    if text.isascii() or _NARROW.fullmatch(text):  # Vietnamese and Latin text: a column a character
        return len(text)
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - _text_width(text))
    return fill + text if right else text + fill


def _split_word(word: str, width: int) -> list[str]:
    """A word too long for ``width`` in pieces of at most ``width`` columns (a combining
    mark stays with its letter).

    >>> _split_word("abcdefg", 3)
    ['abc', 'def', 'g']
    """
    pieces, piece = [], ""
    for ch in word:
        if piece and _text_width(piece + ch) > width and _text_width(ch):
            pieces.append(piece)
            piece = ""
        piece += ch
    return pieces + [piece] if piece else pieces


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words (inside a word
    only when it alone is too long); every character but the spaces broken at is kept.

    >>> _wrap("Xã chưa có sản phẩm OCOP được chứng nhận", 12)
    ['Xã chưa có', 'sản phẩm', 'OCOP được', 'chứng nhận']
    >>> _wrap("", 5), _wrap("KM3", 5), _wrap("a bcdefgh", 3)
    ([''], ['KM3'], ['a', 'bcd', 'efg', 'h'])
    """
    narrow = text.isascii() or _NARROW.fullmatch(text) is not None
    size_of = len if narrow else _text_width  # a column a character: measured once for the whole text
    if size_of(text) <= width:
        return [text]
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in text.split(" "):
        size = size_of(word)
        pieces = [(word, size)] if size <= width else [(p, size_of(p)) for p in _split_word(word, width)]
        for piece, size in pieces:
            if line and used + 1 + size > width:
                lines.append(" ".join(line))
                line, used = [], 0
            used += size + (1 if line else 0)
            line.append(piece)
    return lines + [" ".join(line)]


def _widths(headers: list[str], rows: list[list[str]], sizes: list[list[int]], numeric: list[bool],
            total: int) -> list[int]:
    """Each column's width: as wide as its header and its widest cell (text at most
    :data:`MAX_COLUMN`) when the table fits in ``total`` columns. Else the widest columns
    are narrowed to one common width, down to their widest cell when that is enough (only
    headers wrap), else down to their longest word (cells wrap too; a number never does).

    >>> rows, sizes = [["An Bình", "một hai ba bốn năm sáu", "2"]], [[7, 22, 1]]
    >>> heads, numeric = ["Xã", "Nội dung", "Số tiêu chí còn thiếu"], [False, False, True]
    >>> _widths(heads, rows, sizes, numeric, 80), _widths(heads, rows, sizes, numeric, 30)
    ([7, 22, 21], [7, 12, 9])
    """
    full, body, least = [], [], []
    for j, h in enumerate(headers):
        cells, column = [r[j] for r in rows], [s[j] for s in sizes]
        widest = max(column, default=0)
        longest = max(map(_text_width, h.split(" ")))
        if numeric[j]:  # a number is one word
            longest = max(longest, widest)
        else:
            for c in {c for c, size in zip(cells, column) if size > longest}:  # else no word of it is longer
                longest = max(longest, *map(_text_width, c.split(" ")))
        full.append(max(widest, _text_width(h)) if numeric[j] else min(max(widest, _text_width(h)), MAX_COLUMN))
        body.append(min(max(widest, longest), full[-1]))
        least.append(body[-1] if numeric[j] else min(body[-1], max(MIN_COLUMN, min(longest, MAX_COLUMN))))
    room = total - (len(headers) - 1)
    return _narrowed(full, body if sum(body) <= room else least, room)


def _narrowed(widest: list[int], least: list[int], room: int) -> list[int]:
    """The widths ``max(least, min(widest, cap))`` of the largest common ``cap`` that fits
    in ``room`` (``least`` when none does).

    >>> _narrowed([30, 10, 50], [5, 5, 5], 60), _narrowed([30, 10, 50], [5, 5, 5], 10)
    ([25, 10, 25], [5, 5, 5])
    """
    cap = max(widest, default=0)
    while cap > 0 and sum(max(lo, min(w, cap)) for w, lo in zip(widest, least)) > room:
        cap -= 1
    return [max(lo, min(w, cap)) for w, lo in zip(widest, least)]


def _lines(cells: list[str], sizes: list[int], widths: list[int], right: list[bool]) -> list[str]:
    """The lines of one row (its cells and their :func:`_text_width`): each cell wrapped
    in its column, padded, the line stripped.

    >>> _lines(["An Bình", "một hai ba", "2"], [7, 10, 1], [7, 6, 3], [False, False, True])
    ['An Bình một      2', '        hai ba']
    """
    if all(s <= w for s, w in zip(sizes, widths)):
        return [" ".join(" " * (w - s) + c if r else c + " " * (w - s)
                         for c, s, w, r in zip(cells, sizes, widths, right)).rstrip()]
    wrapped = [_wrap(c, w) for c, w in zip(cells, widths)]
    blanks = [" " * w for w in widths]
    out = []
    for i in range(max(len(w) for w in wrapped)):
        parts = [_pad(w[i], widths[j], right[j]) if i < len(w) else blanks[j] for j, w in enumerate(wrapped)]
        out.append(" ".join(parts).rstrip())
    return out
