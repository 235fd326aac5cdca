"""``ntm extract DOCUMENT [--out WORKBOOK] [--format text|json] [--catalogue ID] [--year YYYY]``.

Reads a document written as text, Markdown or Word (.docx) — a district plan, a progress
report, a news item, text copied from a PDF — writes a workbook in the package's layout
(default: ``DOCUMENT`` with the suffix ``.xlsx`` beside it, or in ``data/processed/`` for
one under ``data/raw/``) and prints every gap read with its line and confidence, then
what the rules could not place or were unsure of, with the line of the document. The
criteria set is the one the title names unless ``--catalogue`` says; the year is the
title's, the text's or the date line's unless ``--year`` says (none at all: exit 1).
An existing workbook is never replaced without ``--force`` (checked before reading the
plan); the workbook is written to a temporary file and renamed into place in one step.
Exit 0 when the workbook was written (uncertainties included); 1 when the document
cannot be read, is empty, names no commune with a gap or milestone, or gives no year
(``--year``); 2 for a bad command line (an existing workbook included).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from ..config import PROCESSED_DIR, RAW_DIR
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
    p.add_argument("plan", metavar="VĂN_BẢN", type=Path,
                   help="kế hoạch, báo cáo tiến độ hay bài tin (.txt, .md, .docx; văn bản chép từ PDF cũng được)")
    p.add_argument("--out", metavar="SỔ_EXCEL", type=Path, default=None,
                   help="sổ Excel kết quả (mặc định: cùng tên với VĂN_BẢN, đuôi .xlsx)")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="dạng báo cáo các điểm chưa chắc chắn")
    p.add_argument("--catalogue", metavar="BỘ_TIÊU_CHÍ", default=None,
                   help="bộ tiêu chí mà văn bản dùng (mặc định: theo tiêu đề — 'nâng cao', 'kiểu mẫu', "
                        "hay chỉ 'nông thôn mới' là bộ cơ bản); số tiêu chí được đọc theo bộ này")
    p.add_argument("--year", metavar="NĂM", type=_year, default=None,
                   help="năm của văn bản, khi tiêu đề, dòng ngày tháng và nội dung đều không ghi")
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
        if args.catalogue:
            load_catalogue(args.catalogue)
    except CatalogueError as exc:
        raise UserError(f"--catalogue: {exc}", exc.exit_code) from None
    with writing_file(out, args.force):  # an existing workbook is refused before the plan is read
        try:
            extraction = extract_plan(plan, args.catalogue, args.year)
        except UserError:
            raise
        except Exception as exc:  # keep the promise: a message, never a traceback
            raise UserError(f"{plan}: không đọc được văn bản ({type(exc).__name__}: {exc})", 1) from None
        if extraction.document.empty:
            raise UserError(f"{plan}: văn bản trống (không có chữ nào để đọc)", 1)
        if extraction.tables["communes"].empty:
            raise UserError(f"{plan}: không tìm thấy xã nào có tiêu chí còn thiếu hay mốc hồ sơ (cần câu như "
                            "'Xã An Phú còn thiếu tiêu chí Y tế' hay dòng 'a) Xã …: …')"
                            + _first_findings(extraction), 1)
        if extraction.meta.get("plan_year") is None:
            raise UserError(f"{plan}: không tìm thấy năm của văn bản (tiêu đề, dòng ngày tháng hay nội dung); "
                            "ghi rõ bằng --year NĂM", 1)
        try:
            report = extraction.report_json(str(out)) if args.format == "json" else \
                extraction.report_text() + f"\nĐã ghi {out}"
        except Exception as exc:  # the report is made before the workbook: nothing is written for nothing
            raise UserError(f"{plan}: không lập được báo cáo ({type(exc).__name__}: {exc})", 1) from None
        extraction.write(out, replace=args.force)
    from .common import say

    say(report)
    return 0


def _year(text: str) -> int:
    """``--year``: a year of four digits."""
    from ..core.dates import MAX_YEAR, MIN_YEAR

    if not (text.isdigit() and len(text) == 4 and MIN_YEAR <= int(text) <= MAX_YEAR):
        raise argparse.ArgumentTypeError(f"'{text}' không phải năm (cần 4 chữ số, {MIN_YEAR}–{MAX_YEAR})")
    return int(text)


def _first_findings(extraction, n: int = 5) -> str:
    """The first points the rules could not place, for the error message."""
    shown = [f for f in extraction.findings if f.kind not in ("no_district",)][:n]
    if not shown:
        return ""
    return "; các điểm chưa đọc được: " + "; ".join(f"dòng {f.line}: {f.message}" for f in shown)
