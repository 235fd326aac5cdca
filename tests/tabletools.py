"""Read back a terminal table that ``ntm`` printed: its columns are where the dashes under
the header are, a cell's wrapped lines are joined, rows taking several lines are set apart
by a blank line (in a table of one row, its continuation lines have an empty first
column). Each character is taken as one column, as NFC Vietnamese text is."""
from __future__ import annotations

import re


def _spans(rule: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]


def _joined(lines: list[str], spans: list[tuple[int, int]]) -> list[str]:
    return [" ".join(w for line in lines for w in line[a:b].split()) for a, b in spans]


def read_table(text: str) -> tuple[list[str], list[list[str]]]:
    """(headers, rows) of the first table in ``text``: each cell's lines joined by a space.

    >>> read_table("Xã  Nội\\n    dung\\n--- ----\\nA   một\\n    hai\\n\\nB   ba")
    (['Xã', 'Nội dung'], [['A', 'một hai'], ['B', 'ba']])
    """
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip() and set(line) <= {"-", " "})
    spans = _spans(lines[at])
    top = at
    while top > 0 and lines[top - 1].strip():
        top -= 1
    body = lines[at + 1:]
    if "" in body:  # rows of several lines: blocks between blank lines
        blocks, block = [], []
        for line in body + [""]:
            if line.strip():
                block.append(line)
            elif block:
                blocks.append(block)
                block = []
    else:  # one line a row, but for a single row's continuation lines (first column blank)
        blocks = []
        for line in (line for line in body if line.strip()):
            if blocks and not line[spans[0][0]:spans[0][1]].strip():
                blocks[-1].append(line)
            else:
                blocks.append([line])
    return _joined(lines[top:at], spans), [_joined(b, spans) for b in blocks]
