"""``ntm report``: the briefing pack (charts, Excel workbook, slides, summary)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .. import config
from .common import add_data_option, load_plan_for, parse_as_of


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="ghi bộ báo cáo: biểu đồ, sổ Excel, trình chiếu, tóm tắt")
    p.add_argument("--out", type=Path, default=None, metavar="THƯ_MỤC",
                   help=f"thư mục ra (mặc định {config.REPORTS_DIR})")
    add_data_option(p)
    p.add_argument("--scenario", metavar="TỆP", type=Path, default=None,
                   help="tệp kịch bản YAML: thêm biểu đồ và trang so sánh với kịch bản")
    p.add_argument("--as-of", metavar="NGÀY", default=None, help="ngày xét (vd. 2023-07-01)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ của báo cáo")
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # never open a window
    from ..present.report.build import build_report

    as_of = parse_as_of(args.as_of)
    scenario = None
    if args.scenario is not None:
        from ..io.scenario_files import load_scenario

        scenario = load_scenario(args.scenario)
    result = build_report(load_plan_for(args), out_dir=args.out, scenario=scenario, as_of=as_of, lang=args.lang)
    for path in result["files"]:
        print(path)
    return 0
