"""``ntm validate``, ``ntm build``, ``ntm template``, ``ntm summary``."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import config
from ..i18n import t
from .common import add_data_option, add_force_option, add_units_option, in_units, load_plan_for, say


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="kiểm tra sổ Excel kế hoạch")
    p.add_argument("workbook", nargs="*", type=Path, default=None, metavar="SỔ_EXCEL",
                   help="sổ Excel kế hoạch, nhiều sổ hay thư mục chứa các sổ (mặc định: kế hoạch 2023 của huyện "
                        "Tứ Kỳ); mỗi sổ được kiểm tra riêng")
    p.add_argument("--format", choices=("text", "json"), default="text", help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ của các thông báo")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("build", help="ghi các bảng CSV gọn vào data/processed/", epilog=t("cli.pack_rule"))
    add_data_option(p)
    p.add_argument("--out", type=Path, default=None, metavar="THƯ_MỤC",
                   help=f"thư mục ra (mặc định {config.PROCESSED_DIR})")
    add_force_option(p, "cli.force_pack")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("template", help="ghi sổ Excel mẫu trống, có trang hướng dẫn và danh sách chọn",
                       epilog=t("cli.file_rule"))
    p.add_argument("out", type=Path, metavar="TỆP.xlsx", help="sổ mẫu sẽ ghi (đuôi .xlsx)")
    add_force_option(p)
    p.add_argument("--district", default="", metavar="HUYỆN", help="tên huyện")
    p.add_argument("--year", type=int, default=None, metavar="NĂM", help="năm kế hoạch")
    p.add_argument("--catalogue", default=config.DEFAULT_CATALOGUE, metavar="BỘ_TIÊU_CHÍ",
                   help=f"bộ tiêu chí (mặc định: {config.DEFAULT_CATALOGUE})")
    p.add_argument("--group", default=None, metavar="NHÓM",
                   help="nhóm xã (1, 2, 3): thêm trang ngưỡng của nhóm này, theo bộ tiêu chí")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("summary", help="tóm tắt kế hoạch")
    add_data_option(p)
    add_units_option(p)
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ")
    p.set_defaults(func=cmd_summary)


def cmd_validate(args: argparse.Namespace) -> int:
    from ..core.errors import UserError
    from ..io.files import check_readable
    from ..load.api import validate_workbook, workbook_paths

    for given in args.workbook or ():
        check_readable(given)
    paths = workbook_paths(args.workbook) if args.workbook else [config.DEFAULT_WORKBOOK]
    reports, failed = [], 0
    for path in paths:
        try:
            _plan, found = validate_workbook(path)
        except UserError as exc:  # not a workbook at all: said, and the others still checked
            if len(paths) == 1:
                raise
            failed += 1
            reports.append({"file": str(path), "errors": 1, "warnings": 0, "issues": [{"message": str(exc)}]})
            if args.format != "json":
                say(f"{path}: {exc}")
            continue
        errors = [f for f in found if f.severity == "error"]
        warnings = [f for f in found if f.severity == "warning"]
        failed += bool(errors)
        if args.format == "json":
            reports.append({"file": str(path), "errors": len(errors), "warnings": len(warnings),
                            "issues": [f.to_dict(args.lang) for f in found]})
            continue
        for f in found:
            say(f.text(args.lang))
        for line in _threshold_lines(_plan, args.lang):
            say(line)
        say(t("cli.validate_count", args.lang, path=path, e=len(errors), w=len(warnings)))
    if args.format == "json":
        say(json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2))
    elif len(paths) > 1:
        say(t("cli.validate_files", args.lang, n=len(paths), bad=failed))
    return 1 if failed else 0


def _threshold_lines(plan, lang: str) -> list[str]:
    """What the plan's criteria set still lacks to judge values: thresholds not given for a
    group, indicators its source has that the file does not list."""
    ind = plan.catalogue.indicators if plan is not None else None
    if ind is None:
        return []
    from ..criteria.indicators import missing_thresholds

    lines = []
    missing = missing_thresholds(ind)
    if len(missing):
        which = ", ".join(f"{r.indicator} ({t('word.group', lang, group=r.group)})" for r in missing.itertuples())
        lines.append(t("cli.thresholds_missing", lang, n=len(missing), which=which))
    if ind.expected and ind.expected > len(ind.table):
        lines.append(t("cli.indicators_not_listed", lang, n=ind.expected - len(ind.table), total=ind.expected,
                       name=plan.catalogue.title_in(lang)))
    return lines


def cmd_build(args: argparse.Namespace) -> int:
    from ..io.processed import build_processed

    written = build_processed(load_plan_for(args), args.out or config.PROCESSED_DIR, force=args.force)
    for path in written:
        say(f"đã ghi {path}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from ..core.errors import UserError
    from ..criteria.catalogue import CatalogueError, load_catalogue
    from ..io.files import writing_file
    from ..io.workbook import write_workbook

    from ..core.dates import MAX_YEAR, MIN_YEAR

    out: Path = args.out
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"{out}: tệp mẫu phải có đuôi .xlsx", 2)
    if args.year is not None and not MIN_YEAR <= args.year <= MAX_YEAR:
        raise UserError(t("msg.option_year_range", option="--year", value=args.year, lo=MIN_YEAR, hi=MAX_YEAR), 2)
    try:
        cat = load_catalogue(args.catalogue)
    except CatalogueError as exc:
        raise UserError(f"--catalogue: {exc}", exc.exit_code) from None
    group = None
    if args.group is not None:
        from ..load.readers import group_code

        group = group_code(args.group)
        known = [] if cat.indicators is None else list(cat.indicators.groups["code"])
        if group not in known:
            raise UserError(t("msg.template_group", group=args.group, catalogue=cat.id,
                              known=", ".join(known) or "—"), 2)
    with writing_file(out, args.force):
        write_workbook(out, {}, {"district": args.district, "plan_year": args.year, "catalogue": args.catalogue},
                       args.catalogue, replace=args.force, group=group)
    say(f"đã ghi sổ mẫu {out}")
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from ..present.summary import summary_text

    say(summary_text(in_units(load_plan_for(args), args), args.lang))
    return 0
