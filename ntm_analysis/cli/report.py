"""``ntm report``: the briefing pack (charts, Excel workbook, slides, summary)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import config
from ..i18n import t
from .common import (add_as_of_option, add_data_option, add_force_option, add_undated_option, add_units_option,
                     add_catalogue_option, in_units, load_plan_for, parse_as_of, reread_for, review_lag_option,
                     say)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="ghi bộ báo cáo: biểu đồ, sổ Excel, trình chiếu, tóm tắt",
                       epilog=t("cli.pack_rule"))
    p.add_argument("--out", type=Path, default=None, metavar="THƯ_MỤC",
                   help=f"thư mục ra (mặc định {config.REPORTS_DIR})")
    add_force_option(p, "cli.force_pack")
    add_data_option(p)
    p.add_argument("--scenario", metavar="TỆP", type=Path, default=None,
                   help="tệp kịch bản YAML: thêm biểu đồ và trang so sánh với kịch bản")
    add_as_of_option(p)
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ của báo cáo")
    p.add_argument("--review-lag", type=int, default=None, metavar="QUÝ",
                   help="số quý từ khi xong việc cuối đến khi công nhận (mặc định 0: cùng quý, như kế hoạch ghi)")
    add_undated_option(p)
    add_units_option(p)
    add_catalogue_option(p)
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # never open a window
    from ..present.report.build import build_report

    as_of = parse_as_of(args.as_of)
    if (args.units or args.catalogue) and args.scenario is not None:
        from ..core.errors import UserError

        raise UserError(t("msg.units_with_scenario", args.lang), 2)
    scenario = None
    if args.scenario is not None:
        from ..io.scenario_files import load_scenario

        scenario = load_scenario(args.scenario)
    from ..analysis.projection import DEFAULT_REVIEW_LAG

    lag = review_lag_option(args.review_lag)
    lag = DEFAULT_REVIEW_LAG if lag is None else lag
    result = build_report(in_units(reread_for(load_plan_for(args), args), args), out_dir=args.out, scenario=scenario, as_of=as_of,
                          lang=args.lang,
                          review_lag=lag, undated_as=args.undated_as, force=args.force)
    for path in result["files"]:
        say(path)
    return 0
