"""``ntm``: build the parser from the command modules and run the command asked for.

Each module (:data:`GROUPS`) defines ``register(subparsers)``; its parsers set ``func``,
a function taking the parsed arguments and returning an exit code. A
:class:`~ntm_analysis.core.errors.UserError` becomes a message and its exit code (1 for
bad data, 2 for a bad command), never a traceback. Ctrl-C, at any moment from the start,
is a short message and exit 130; a termination signal (``kill``, a closed terminal) the
same, exit 128 + the signal's number: both are raised as exceptions, so every writer
removes its temporary files and leaves what was there as it was
(:mod:`ntm_analysis.io.files`).
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from typing import Iterator

from ..core.errors import Terminated, UserError
from ..i18n import LANGS, t
from .parser import Parser, VersionAction

GROUPS = ("data", "analyses", "indicators", "units", "scenario", "report", "extract")
#: the signals that end ``ntm`` like Ctrl-C does (the clean-up runs)
ENDING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def build_parser() -> argparse.ArgumentParser:
    """The ``ntm`` parser: ``--version`` and one subcommand per command of :data:`GROUPS`.

    >>> sorted(build_parser().parse_args(["gaps", "--by", "commune"]).__dict__)[:3]
    ['as_of', 'by', 'catalogue']
    """
    parser = Parser(prog="ntm", description="Phân tích kế hoạch xây dựng xã NTM nâng cao, NTM kiểu mẫu.",
                    epilog=t("cli.epilog"))
    parser.add_argument("--version", action=VersionAction, help=t("cli.version_help"))
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title=t("cli.commands"), parser_class=Parser)
    for group in GROUPS:
        importlib.import_module(f"{__package__}.{group}").register(sub)
    return parser


def _terminate(signum: int, _frame: object) -> None:
    raise Terminated(signum)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Ctrl-C and the ending signals raise exceptions while the block runs (the handlers
    are put back after, so ``main`` can run inside another program); outside the main
    thread, where handlers cannot be set, nothing changes.

    >>> with interruptible():
    ...     signal.getsignal(signal.SIGTERM) is _terminate
    True
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.getsignal(s) for s in (signal.SIGINT, *ENDING)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for s in ENDING:
        signal.signal(s, _terminate)
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def stopped(exc: KeyboardInterrupt, lang: str = "vi") -> int:
    """Say that ``ntm`` stopped (Ctrl-C or a termination) and give its exit code; a second
    Ctrl-C while saying it is ignored."""
    if threading.current_thread() is threading.main_thread():
        for s in (signal.SIGINT, *ENDING):
            signal.signal(s, signal.SIG_IGN)
    ended = isinstance(exc, Terminated)
    with contextlib.suppress(OSError):
        print(f"\nntm: {t('msg.files.terminated' if ended else 'msg.files.stopped', lang)}", file=sys.stderr)
    return exc.exit_code if ended else 130


def main(argv: list[str] | None = None) -> int:
    """Run ``ntm`` with ``argv`` (default: the command line); returns the exit code."""
    lang = "vi"
    with interruptible():
        try:
            parser = build_parser()
            args = parser.parse_args(argv)
            lang = getattr(args, "lang", lang) if getattr(args, "lang", None) in LANGS else lang
            if not getattr(args, "func", None):
                parser.print_help()
                return 2
            return int(args.func(args) or 0)
        except UserError as exc:
            from ..core.text import terminal_text

            print(f"ntm: {terminal_text(exc)}", file=sys.stderr)
            return exc.exit_code
        except KeyboardInterrupt as exc:
            return stopped(exc, lang)
        except BrokenPipeError:
            return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
