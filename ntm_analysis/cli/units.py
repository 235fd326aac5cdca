"""``ntm units``: each commune of the plan matched to its official unit and followed to
the 2025 communes; ``--gaps``: what each 2025 commune inherits; ``--template``: a lineage
file to fill."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..i18n import t
from .common import (FORMATS, add_as_of_option, add_data_option, add_force_option, load_plan_for, parse_as_of,
                     print_frame, say)


#: the columns a person reads in the terminal (CSV and JSON have every column)
TABLE_COLUMNS = ["commune", "official", "unit_code", "matched", "lineage", "commune_2025", "code_2025", "split"]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("units", help=t("cli.units_help"))
    add_data_option(p)
    p.add_argument("--gaps", action="store_true",
                   help="tiêu chí còn thiếu mà mỗi xã năm 2025 nhận từ các đơn vị cũ")
    p.add_argument("--lineage", metavar="TỆP", type=Path, action="append", default=[],
                   help="tệp các bước sắp xếp (YAML hoặc Excel) bổ sung hoặc sửa dữ liệu của thư viện; "
                        "dùng được nhiều lần")
    p.add_argument("--template", metavar="TỆP", type=Path, default=None,
                   help="ghi tệp mẫu các bước sắp xếp (.yaml hoặc .xlsx) rồi dừng")
    add_force_option(p)
    add_as_of_option(p)
    p.add_argument("--format", choices=FORMATS, default=FORMATS[0], help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")
    p.set_defaults(func=cmd_units)


def cmd_units(args: argparse.Namespace) -> int:
    if args.template is not None:
        from ..units.files import write_template

        path = write_template(args.template, args.force)
        say(t("units.template_written", args.lang, path=path))
        return 0
    from ..units.inherit import inherited_gaps
    from ..units.lineage import Lineage, default_lineage
    from ..units.match import unit_findings, units_table

    plan = load_plan_for(args)
    lineage = Lineage.load(args.lineage) if args.lineage else default_lineage()
    table = units_table(plan, lineage, args.lang)
    for finding in unit_findings(plan, table):
        say(finding.text(args.lang), sys.stderr)
    if args.gaps:
        gaps = inherited_gaps(plan, table, parse_as_of(args.as_of), args.lang)
        if args.format == "table":
            gaps = gaps.drop(columns=["requirement"])
        return print_frame(gaps, args, plan)
    if args.format != "table":
        return print_frame(table.drop(columns=["commune_id"]), args, plan)
    sources = [s for s in dict.fromkeys("; ".join(table["lineage_source"]).split("; ")) if s]
    note = "\n".join(f"{t('col.lineage_source', args.lang)}: {s}" for s in sources)
    cols = TABLE_COLUMNS if table["district"].nunique() <= 1 else ["commune", "district", *TABLE_COLUMNS[1:]]
    print_frame(table[cols], args, plan)
    say(f"\n{note}")
    return 0
