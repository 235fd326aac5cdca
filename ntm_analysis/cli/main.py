"""``ntm``: build the parser from the command modules and run the command asked for.

Each module (:data:`GROUPS`) defines ``register(subparsers)``; its parsers set ``func``,
a function taking the parsed arguments and returning an exit code. A
:class:`~ntm_analysis.core.errors.UserError` becomes a message and its exit code (1 for
bad data, 2 for a bad command), never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import sys

GROUPS = ("data", "analyses", "scenario", "report", "extract")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 for usage errors
        self.print_usage(sys.stderr)
        self.exit(2, f"ntm: lỗi cú pháp lệnh: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ntm", description="Phân tích kế hoạch xây dựng xã NTM nâng cao, NTM kiểu mẫu.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    for group in GROUPS:
        importlib.import_module(f"{__package__}.{group}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from ..core.errors import UserError

    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"ntm: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
