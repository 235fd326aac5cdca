"""Options shared by the analysis commands, and loading the plan they name."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from ..errors import UserError
from ..output import FORMATS, render


def add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="WORKBOOK", type=Path, default=None,
                   help="sổ Excel kế hoạch (mặc định: kế hoạch 2023 của huyện Tứ Kỳ)")


def add_analysis_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    """--data, --as-of, --scenario, --format, --lang."""
    add_data_option(p)
    p.add_argument("--as-of", metavar="DATE", default=None, help="ngày xét (vd. 2023-07-01)")
    p.add_argument("--scenario", metavar="FILE", type=Path, default=None,
                   help="tệp kịch bản YAML (data/scenarios/…)")
    p.add_argument("--format", choices=formats, default=formats[0], help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")


def parse_as_of(text: str | None) -> pd.Timestamp | None:
    if not text:
        return None
    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        raise UserError(f"--as-of '{text}': không phải ngày (dạng 2023-07-01)", 2) from None


def print_frame(df: pd.DataFrame, args: argparse.Namespace) -> None:
    sys.stdout.write(render(df, args.format, args.lang) + "\n")


def printable(df: pd.DataFrame) -> pd.DataFrame:
    """Periods as ``2023Q2`` text, nullable integers as plain ints (None where missing)."""
    out = df.copy()
    for col in out.columns:
        dtype = out[col].dtype
        if isinstance(dtype, pd.PeriodDtype):
            out[col] = pd.array([None if pd.isna(v) else str(v) for v in out[col]], dtype=object)
        elif isinstance(dtype, pd.Int64Dtype):
            out[col] = (out[col].astype("int64") if out[col].notna().all() else
                        pd.array([None if pd.isna(v) else int(v) for v in out[col]], dtype=object))
    return out
