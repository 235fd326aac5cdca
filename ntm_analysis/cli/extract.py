"""``ntm extract PLAN [--out WORKBOOK] [--format text|json]``: read a narrative plan.

Reads a plan written as text, Markdown or Word (.docx), writes a workbook in the
package's layout (default: ``PLAN`` with the suffix ``.xlsx`` beside it, or in
``data/processed/`` for a plan under ``data/raw/``) and prints
what the rules could not place or were unsure of, with the line of the document.
An existing workbook is never replaced without ``--force`` (checked before reading the
plan); the workbook is written to a temporary file and renamed into place in one step.
Exit 0 when the workbook was written (uncertainties included), 1 when the document
cannot be read, 2 for a bad command line (an existing workbook included).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..config import DEFAULT_CATALOGUE, PROCESSED_DIR, RAW_DIR
from ..i18n import t
from .common import add_force_option


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "extract",
        help="đọc kế hoạch dạng văn bản (.txt, .md, .docx) thành sổ Excel",
        description="Đọc kế hoạch dạng văn bản (.txt, .md, .docx) thành sổ Excel theo mẫu của "
                    "gói, kèm danh sách các điểm cần kiểm tra lại (theo dòng của văn bản).",
        epilog=t("cli.file_rule"),
    )
    p.add_argument("plan", metavar="KẾ_HOẠCH", type=Path, help="tệp kế hoạch (.txt, .md, .docx)")
    p.add_argument("--out", metavar="SỔ_EXCEL", type=Path, default=None,
                   help="sổ Excel kết quả (mặc định: cùng tên với KẾ_HOẠCH, đuôi .xlsx)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="dạng báo cáo các điểm chưa chắc chắn")
    p.add_argument("--catalogue", metavar="BỘ_TIÊU_CHÍ", default=DEFAULT_CATALOGUE,
                   help=f"bộ tiêu chí (mặc định: {DEFAULT_CATALOGUE})")
    add_force_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..core.errors import UserError
    from ..criteria.catalogue import CatalogueError, load_catalogue
    from ..extract import extract_plan
    from ..extract.document import SUFFIXES
    from ..io.files import check_readable, resolved, writing_file

    plan: Path = args.plan
    if plan.suffix.lower() not in SUFFIXES + (".doc",):
        raise UserError(f"{plan}: cần tệp .txt, .md hoặc .docx", 2)
    check_readable(plan)
    out: Path = args.out or plan.with_suffix(".xlsx")
    if args.out is None and RAW_DIR.resolve() in resolved(out).parents:
        out = PROCESSED_DIR / out.name  # raw data is read-only
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"--out {out}: sổ kết quả phải có đuôi .xlsx", 2)
    if resolved(out) == resolved(plan):
        raise UserError(f"--out {out}: trùng với tệp kế hoạch", 2)
    try:
        load_catalogue(args.catalogue)
    except CatalogueError as exc:
        raise UserError(f"--catalogue: {exc}", exc.exit_code) from None
    with writing_file(out, args.force):  # an existing workbook is refused before the plan is read
        try:
            extraction = extract_plan(plan, args.catalogue)
        except UserError:
            raise
        except Exception as exc:  # keep the promise: a message, never a traceback
            raise UserError(f"{plan}: không đọc được kế hoạch ({type(exc).__name__}: {exc})", 1) from None
        if extraction.tables["communes"].empty:
            raise UserError(f"{plan}: không tìm thấy xã nào trong kế hoạch (cần mục như "
                            "'2.1. Các xã phấn đấu về đích NTM nâng cao năm 2024' và dòng 'a) Xã …:')", 1)
        extraction.write(out, replace=args.force)
    from .common import say

    if args.format == "json":
        say(extraction.report_json(str(out)))
    else:
        say(extraction.report_text() + f"\nĐã ghi {out}")
    return 0
