"""Options shared by the commands, and what they all do: load the plan they name, read
an as-of date, print a table."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("table", "csv", "json")


def add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="SỔ_EXCEL", type=Path, default=None,
                   help="sổ Excel kế hoạch (mặc định: kế hoạch 2023 của huyện Tứ Kỳ)")


def add_analysis_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    """--data, --as-of, --scenario, --format, --lang."""
    add_data_option(p)
    p.add_argument("--as-of", metavar="NGÀY", default=None, help="ngày xét (vd. 2023-07-01)")
    p.add_argument("--scenario", metavar="TỆP", type=Path, default=None,
                   help="tệp kịch bản YAML (data/scenarios/…)")
    p.add_argument("--format", choices=formats, default=formats[0], help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")


def parse_as_of(text: str | None):
    """``--as-of`` as a timestamp (``None`` when not given)."""
    if not text:
        return None
    import pandas as pd

    from ..core.errors import UserError

    try:
        return pd.Timestamp(text)
    except (ValueError, TypeError):
        raise UserError(f"--as-of '{text}': không phải ngày (dạng 2023-07-01)", 2) from None


def load_plan_for(args: argparse.Namespace):
    """The plan ``--data`` names (the embedded plan by default)."""
    from ..load.api import load_plan

    return load_plan(getattr(args, "data", None))


def print_frame(df: Any, args: argparse.Namespace, plan=None) -> int:
    """Print an analysis result in the format and language asked for."""
    from ..present.table import printable, render

    sys.stdout.write(render(printable(df, plan), args.format, args.lang) + "\n")
    return 0
