"""Clean text for every place data text is shown or written: the terminal, workbooks,
slides, Markdown and charts.

A commune's name, a plan's sentence or a file name comes from outside and may hold
characters that are not text: C0 and C1 control characters (ESC starts the terminal
sequences that clear the screen, set the window title or plant links; a workbook cell
``_x001B_`` is read back as ESC), bidirectional controls (RLO U+202E shows what follows
reversed), line and paragraph separators, lone surrogates and the non-characters
U+FFFE/U+FFFF (illegal in an xlsx). Each writer passes data text through its function
here, so that such a character is shown by its code (``\\u001b``): the name stays
recognisable, the character does nothing. Vietnamese text is left as it is (letters,
combining marks, NFC or not). Charts draw every text through :func:`visible` with
mathtext off (:func:`ntm_analysis.present.plots.style.plain_texts`).

>>> terminal_text("An \\x1b[2JBình\\u202e")
'An \\\\u001b[2JBình\\\\u202e'
>>> markdown_text("<img src=x onerror=alert(1)> [x](javascript:alert(1))")
'\\\\<img src=x onerror=alert(1)\\\\> \\\\[x\\\\](javascript:alert(1))'
>>> terminal_text("Quảng Nghiệp"), sheet_text("Dòng 1\\nDòng 2")
('Quảng Nghiệp', 'Dòng 1\\nDòng 2')
"""
from __future__ import annotations

import re
from functools import lru_cache

#: characters shown by their code: C0 controls but tab and line feed, DEL and the C1
#: controls, the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E,
#: U+200F, U+202A–U+202E, U+2066–U+2069), line and paragraph separators (U+2028, U+2029),
#: surrogates, and the non-characters U+FFFE and U+FFFF
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
                    "\ud800-\udfff\ufffe\uffff]")
#: what Markdown (CommonMark, GitHub's) or HTML could read as markup inside a line
MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>&|~$])")
_SPACES = re.compile(r"[\t\n]+")
#: the most characters (UTF-16 code units) a workbook cell holds
CELL_MAX = 32_767


def _code(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


def visible(text: str) -> str:
    """``text`` with every :data:`UNSAFE` character written as its code ``\\uXXXX``;
    tab and line feed are kept. The one cleaning every writer below builds on.

    >>> visible("Tân \\u202eKỳ\\r"), visible("a\\tb")
    ('Tân \\\\u202eKỳ\\\\u000d', 'a\\tb')
    """
    if text.isprintable():  # the common case: nothing to look for
        return text
    return UNSAFE.sub(_code, text)


def terminal_text(text: object) -> str:
    """Text safe to print on a terminal: no control sequence, no reordering (line
    breaks and tabs kept). JSON stays JSON: its strings only gain ``\\uXXXX`` escapes.

    >>> terminal_text('{"xã": "A\\x9b1m"}')
    '{"xã": "A\\\\u009b1m"}'
    """
    return visible(text if isinstance(text, str) else str(text))


@lru_cache(maxsize=256)
def sheet_text(text: str) -> str:
    """Text for a workbook cell (xlsx): nothing XML forbids, no control read back as a
    control, no reordering; line breaks and tabs kept; at most :data:`CELL_MAX` units
    (a longer text is cut and ends with "…", where Excel would cut it silently). A
    sentence that many rows quote is cleaned once (cached).

    >>> sheet_text("Hòa\\x07Lạc\\uffff")
    'Hòa\\\\u0007Lạc\\\\uffff'
    >>> long = sheet_text("\\x1b" * 40_000)
    >>> len(long), long[-7:]
    (32767, '\\\\u001b…')
    """
    text = visible(text[:CELL_MAX])
    if len(text) <= CELL_MAX // 2 or _units(text) <= CELL_MAX:
        return text
    # the first CELL_MAX - 1 units (a character past U+FFFF is two: a pair cut in half is dropped)
    return text.encode("utf-16-le")[:2 * (CELL_MAX - 1)].decode("utf-16-le", "ignore") + "…"


def _units(text: str) -> int:
    """How many UTF-16 code units ``text`` takes (as Excel counts a cell's length).

    >>> _units("Kỳ"), _units("\U0001f600")
    (2, 2)
    """
    return len(text.encode("utf-16-le")) // 2


def slide_text(text: str) -> str:
    """Text for a slide (pptx): as :func:`sheet_text` (a vertical tab would be a line break).

    >>> slide_text("A\\x0bB")
    'A\\\\u000bB'
    """
    return visible(text)


def markdown_text(text: object) -> str:
    """Data text for a line of Markdown: :func:`visible`, on one line (a table cell or
    a list item stays one), and every character Markdown or HTML could read as markup
    escaped with a backslash, so that no tag, link, image, emphasis, code, table cell
    or formula comes from data.

    >>> markdown_text("Hưng Đạo | *2*\\n`x` & y")
    'Hưng Đạo \\\\| \\\\*2\\\\* \\\\`x\\\\` \\\\& y'
    """
    text = _SPACES.sub(" ", visible(text if isinstance(text, str) else str(text)))
    return MARKDOWN_SPECIALS.sub(r"\\\1", text)
