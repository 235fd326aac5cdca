"""Options shared by the commands, and what they all do: load the plan they name, read
an as-of date, print a table."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

FORMATS = ("table", "csv", "json")


def add_data_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", metavar="SỔ_EXCEL", type=Path, nargs="+", default=None,
                   help="sổ Excel kế hoạch, hoặc nhiều sổ, hoặc thư mục chứa các sổ (mặc định: kế hoạch 2023 của "
                        "huyện Tứ Kỳ)")
    p.add_argument("--skip-invalid", action="store_true",
                   help="bỏ qua các sổ có lỗi (nêu tên chúng) thay vì dừng")


def add_force_option(p: argparse.ArgumentParser, help_key: str = "cli.force_file") -> None:
    """--force: replace what the command would otherwise refuse to write over."""
    from ..i18n import t

    p.add_argument("--force", action="store_true", help=t(help_key))


def add_analysis_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    """--data, --as-of, --scenario, --format, --lang, --undated-as."""
    add_data_option(p)
    add_as_of_option(p)
    p.add_argument("--scenario", metavar="TỆP", type=Path, default=None,
                   help="tệp kịch bản YAML (data/scenarios/…)")
    p.add_argument("--format", choices=formats, default=formats[0], help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")
    add_undated_option(p)
    add_units_option(p)
    add_catalogue_option(p)


def add_catalogue_option(p: argparse.ArgumentParser) -> None:
    from ..i18n import t

    p.add_argument("--catalogue", metavar="BỘ_TIÊU_CHÍ", default=None, help=t("cli.catalogue_option"))


def reread_for(plan, args: argparse.Namespace):
    """``plan`` re-read in the set ``--catalogue`` names (said on stderr), else itself."""
    target = getattr(args, "catalogue", None)
    if not target or target == plan.catalogue.id:
        return plan
    from ..criteria.catalogue import CatalogueError, catalogue_files
    from ..criteria.crosswalk import reread, reread_note
    from ..core.errors import UserError
    from ..i18n import t

    if target not in catalogue_files():
        raise UserError(t("msg.unknown_catalogue_option", getattr(args, "lang", "vi"), id=target,
                          known=", ".join(sorted(catalogue_files()))), 2)
    try:
        out = reread(plan, target)
    except CatalogueError as exc:
        raise UserError(str(exc), 1) from None
    say(reread_note(out, getattr(args, "lang", "vi")), sys.stderr)
    return out


def add_units_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--units", choices=("2025",), default=None,
                   help="2025: phân tích theo các xã sau sắp xếp năm 2025 (gộp các đơn vị cũ; xem ntm units)")


def in_units(plan, args: argparse.Namespace):
    """``plan`` in the units ``--units`` asks for (the plan's own when not given)."""
    if getattr(args, "units", None) == "2025":
        from ..units.merge import plan_in_2025

        return plan_in_2025(plan)
    return plan


def add_undated_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--undated-as", metavar="QUÝ", default=None, type=quarter_option,
                   help="coi các việc chưa có hạn là hạn quý này (giả định, vd. 2023Q4)")


def quarter_option(value: str) -> str:
    """A quarter given on the command line, checked (kept as written)."""
    from ..core.quarters import DeadlineError, parse_deadline

    try:
        if parse_deadline(value) is None:
            raise DeadlineError("unreadable_deadline", written=value)
    except DeadlineError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def add_as_of_option(p: argparse.ArgumentParser, what: str = "ngày xét") -> None:
    """--as-of DATE, read by :func:`parse_as_of`."""
    p.add_argument("--as-of", metavar="NGÀY", default=None,
                   help=f"{what}, ngày trước tháng (vd. 02/10/2023, ngày 2 tháng 10 năm 2023, 2023-10-02)")


def parse_as_of(value: object, option: str = "--as-of"):
    """``--as-of`` as a timestamp (``None`` when not given), read by the one date
    reader (day first); a date it refuses is a command-line error (exit 2).

    >>> parse_as_of("02/10/2023")
    Timestamp('2023-10-02 00:00:00')
    """
    from ..core.dates import DateError, parse_date
    from ..core.errors import UserError

    try:
        return parse_date(value)
    except DateError as exc:
        raise UserError(exc.text("vi", option=option), 2) from None


def review_lag_option(value: int | None, option: str = "--review-lag") -> int | None:
    """``--review-lag`` checked (``None`` when not given): 0 to
    :data:`~ntm_analysis.analysis.projection.MAX_REVIEW_LAG` quarters, else a
    command-line error (exit 2).

    >>> review_lag_option(1), review_lag_option(None)
    (1, None)
    >>> review_lag_option(100000)
    Traceback (most recent call last):
    ntm_analysis.core.errors.UserError: --review-lag 100000: phải là số quý ≥ 0, tối đa 8
    """
    from ..analysis.projection import MAX_REVIEW_LAG, review_lag_ok
    from ..core.errors import UserError
    from ..i18n import t

    if value is None or review_lag_ok(value):
        return value
    raise UserError(t("msg.option_review_lag_range", option=option, value=value, hi=MAX_REVIEW_LAG), 2)


def load_plan_for(args: argparse.Namespace):
    """The plan ``--data`` names (the embedded plan by default): one workbook, several, or
    folders of them; workbooks left out by ``--skip-invalid`` are named on stderr."""
    from ..i18n import t
    from ..io.files import check_readable
    from ..load.api import load_plan, load_province

    data = getattr(args, "data", None)
    if not data:
        return load_plan()
    for path in data:
        check_readable(path)
    plan = load_province(data, getattr(args, "skip_invalid", False))
    skipped = plan.meta.get("skipped_files") or []
    if skipped:
        print(t("msg.skipped_files", getattr(args, "lang", "vi"), n=len(skipped), files=", ".join(skipped)),
              file=sys.stderr)
    return plan


def say(text: object, stream=None) -> None:
    """Print ``text`` and a line break on standard output (or ``stream``), safe on a
    terminal (:func:`~ntm_analysis.core.text.terminal_text`): every command prints
    through it.

    >>> say("Xã An\x1b[2J")
    Xã An\\u001b[2J
    """
    from ..core.text import terminal_text

    (stream or sys.stdout).write(terminal_text(text) + "\n")


def print_frame(df: Any, args: argparse.Namespace, plan=None, note: str = "") -> int:
    """Print an analysis result in the format and language asked for; ``note`` (an
    assumption the table rests on) heads the table format."""
    from ..present.table import for_people, printable, render

    if args.format == "table":  # for people: words, not codes
        text = render(for_people(df, args.lang, plan), "table", args.lang)
        text = f"{note}\n\n{text}" if note else text
    else:  # csv, json: machine column names and codes
        text = render(printable(df, plan), args.format, args.lang)
    say(text)
    return 0
