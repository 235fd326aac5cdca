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

from ..i18n import t
from .parser import Parser, VersionAction

GROUPS = ("data", "analyses", "units", "scenario", "report", "extract")


def build_parser() -> argparse.ArgumentParser:
    """The ``ntm`` parser: ``--version`` and one subcommand per command of :data:`GROUPS`.

    >>> sorted(build_parser().parse_args(["gaps", "--by", "commune"]).__dict__)[:3]
    ['as_of', 'by', 'command']
    """
    parser = Parser(prog="ntm", description="Phân tích kế hoạch xây dựng xã NTM nâng cao, NTM kiểu mẫu.",
                    epilog=t("cli.epilog"))
    parser.add_argument("--version", action=VersionAction, help=t("cli.version_help"))
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title=t("cli.commands"), parser_class=Parser)
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
