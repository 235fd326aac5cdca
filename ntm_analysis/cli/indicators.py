"""``ntm indicators``: measured indicators against their thresholds; ``ntm catalogues``:
the criteria sets there are."""
from __future__ import annotations

import argparse

from ..i18n import t
from .common import add_analysis_options, print_frame

#: the columns a person reads in the terminal (CSV and JSON have every column)
TABLE_COLUMNS = ["commune", "group", "criterion_code", "indicator", "value_written", "comparator", "threshold",
                 "measure_unit", "threshold_source", "indicator_met", "distance", "distance_share", "why_unknown"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("indicators", help=t("cli.indicators_help"))
    add_analysis_options(p)
    p.add_argument("--closest", action="store_true",
                   help="chỉ các chỉ tiêu chưa đạt, gần ngưỡng nhất trước")
    p.add_argument("--criteria", action="store_true",
                   help="theo tiêu chí: tình trạng kế hoạch ghi bên cạnh tình trạng tính từ số liệu")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("catalogues", help=t("cli.catalogues_help"))
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")
    p.set_defaults(func=cmd_catalogues)


def cmd_indicators(args: argparse.Namespace) -> int:
    from ..analysis.indicators import closest, criterion_status, indicator_status
    from .analyses import load_for_args

    plan, _params = load_for_args(args)
    status = indicator_status(plan)
    if args.criteria:
        return print_frame(criterion_status(plan, status), args, plan)
    if args.closest:
        status = closest(status)
    if args.format == "table":
        status = status[TABLE_COLUMNS]
    return print_frame(status, args, plan)


def cmd_catalogues(args: argparse.Namespace) -> int:
    from ..core.errors import UserError
    from ..criteria.catalogue import CatalogueError
    from ..criteria.indicators import catalogue_table

    try:
        table = catalogue_table()
    except CatalogueError as exc:  # a broken catalogue file: bad data, named with its line
        raise UserError(str(exc), 1) from None
    return print_frame(table, args)
