"""Atomic, spreadsheet-safe file output.

Outputs are written to a temporary file beside the target and renamed into place,
so a crash never leaves half a file; text cells that a spreadsheet would run as a
formula (``= + - @``) are prefixed with an apostrophe.

>>> safe_cell("=1+1"), safe_cell("-3"), safe_cell(-3), safe_cell("Văn hóa")
("'=1+1", "'-3", -3, 'Văn hóa')
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

import pandas as pd

from .. import config
from ..core.errors import UserError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as formulas."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


def check_not_raw(path: Path) -> None:
    """Refuse to write into ``data/raw/`` (raw data is never modified by code)."""
    target = Path(path).resolve()
    raw = config.RAW_DIR.resolve()
    if target == raw or raw in target.parents:
        raise UserError(f"{path}: không ghi vào {config.RAW_DIR} (dữ liệu gốc chỉ được đọc)", 2)


@contextlib.contextmanager
def atomic_path(path: Path | str, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path`` in one rename."""
    path = Path(path)
    check_not_raw(path)
    prepare_dir(path.parent)
    if path.is_dir():
        raise UserError(f"{path}: đã có một thư mục trùng tên, không ghi đè được", 1)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix or path.suffix, dir=path.parent)
    except OSError as exc:
        raise UserError(f"{path.parent}: không ghi được ({exc.strerror})", 1) from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        try:
            os.replace(tmp_path, path)
        except OSError as exc:
            raise UserError(f"{path}: không ghi được ({exc.strerror})", 1) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def prepare_dir(folder: Path | str) -> Path:
    """Create an output folder, or say clearly why it cannot be one."""
    folder = Path(folder)
    check_not_raw(folder / "_")
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: đã có một tệp trùng tên, cần một thư mục", 2)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{folder}: không tạo được thư mục ({exc.strerror})", 2) from None
    return folder


def check_targets(paths: list[Path]) -> None:
    """Before writing a set of files: fail early (nothing written) if one cannot be written."""
    for p in paths:
        check_not_raw(p)
        if p.is_dir():
            raise UserError(f"{p}: đã có một thư mục trùng tên, không ghi đè được", 1)


def write_text(path: Path | str, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_csv(df: pd.DataFrame, path: Path | str) -> Path:
    """Write a CSV (UTF-8 with BOM so Excel shows Vietnamese) atomically."""
    with atomic_path(path) as tmp:
        safe_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return Path(path)
