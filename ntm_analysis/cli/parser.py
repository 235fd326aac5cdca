"""The parser class of ``ntm``: argparse, its own words in Vietnamese.

argparse prints a few words of its own ("usage:", "options", "show this help message
and exit") and its error messages in English. :class:`Parser` and :class:`HelpFormatter`
put the Vietnamese texts of :mod:`ntm_analysis.i18n.texts` in their place for ``ntm``
only: nothing of the ``argparse`` module is changed, so other programs in the same
process keep argparse as it is. An error still exits 2 after the usage line.

>>> p = Parser(prog="ntm")
>>> _ = p.add_argument("--format", choices=("table", "csv"))
>>> print(p.format_help())
cách dùng: ntm [-h] [--format {table,csv}]
<BLANKLINE>
tùy chọn:
  -h, --help            hiện hướng dẫn này rồi thoát
  --format {table,csv}
<BLANKLINE>
>>> translate("argument --format: expected one argument")
'--format: cần một giá trị đi kèm'
"""
from __future__ import annotations

import argparse
import re
import string
import sys
from functools import lru_cache
from typing import NoReturn

from ..i18n import t

#: argparse's messages, as the English side of these texts spells them, most specific first
ARGPARSE_MESSAGES = (
    "cli.argparse.argument", "cli.argparse.invalid_choice", "cli.argparse.required", "cli.argparse.unrecognized",
    "cli.argparse.one", "cli.argparse.at_most_one", "cli.argparse.at_least_one", "cli.argparse.n",
    "cli.argparse.invalid_int", "cli.argparse.invalid_type", "cli.argparse.ambiguous", "cli.argparse.not_allowed",
    "cli.argparse.ignored", "cli.argparse.one_of", "cli.argparse.unknown_parser", "cli.argparse.unexpected",
    "cli.argparse.cannot_open",
)


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout of help, with "cách dùng:" before the usage line."""

    def add_usage(self, usage, actions, groups, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, t("cli.usage") if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose help titles, ``-h`` and errors speak Vietnamese; the
    subcommands' parsers are of this class too (``add_subparsers(parser_class=Parser)``)."""

    def __init__(self, *args, add_help: bool = True, formatter_class=HelpFormatter, **kwargs) -> None:
        super().__init__(*args, add_help=False, formatter_class=formatter_class, **kwargs)
        self._positionals.title = t("cli.positionals")
        self._optionals.title = t("cli.options")
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("cli.help"))

    def error(self, message: str) -> NoReturn:
        """The usage line and the message in Vietnamese on standard error, safe on a
        terminal (an argument echoed may hold any character); exit 2."""
        from ..core.text import terminal_text

        self.print_usage(sys.stderr)
        self.exit(2, terminal_text(t("cli.error", prog=self.prog, message=translate(message))) + "\n")


class VersionAction(argparse.Action):
    """``--version``: print the package's name and version on standard output, exit 0.
    The version is looked up only when asked for (``ntm --help`` stays fast)."""

    def __init__(self, option_strings: list[str], dest: str = argparse.SUPPRESS,
                 default: str = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None) -> NoReturn:
        name, version = package_version()
        sys.stdout.write(t("cli.version", name=name, version=version) + "\n")
        parser.exit(0)


def package_version() -> tuple[str, str]:
    """(distribution name, version): the installed metadata, else (a source checkout that
    was never installed) the package's own ``__version__``.

    >>> from ntm_analysis import DISTRIBUTION, __version__
    >>> package_version() == (DISTRIBUTION, __version__)
    True
    """
    from importlib import metadata

    from .. import DISTRIBUTION, __version__

    try:
        return DISTRIBUTION, metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return DISTRIBUTION, __version__


@lru_cache(maxsize=None)
def _pattern(key: str) -> re.Pattern[str]:
    """The regular expression of a message's English template: ``{field}`` matches any text.

    >>> _pattern("cli.argparse.required").fullmatch("the following arguments are required: OUT").group("args")
    'OUT'
    """
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(t(key, "en")):
        parts.append(re.escape(literal))
        if field:
            parts.append(f"(?P<{field}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


def translate(message: str) -> str:
    """An argparse error message in Vietnamese (as it came when it is not one argparse has).

    >>> translate("argument --format: invalid choice: 'xml' (choose from 'table', 'csv')")
    "--format: không có lựa chọn 'xml' (chọn một trong: 'table', 'csv')"
    >>> translate("the following arguments are required: OUT.xlsx")
    'thiếu tham số bắt buộc: OUT.xlsx'
    >>> translate("something else")
    'something else'
    """
    for key in ARGPARSE_MESSAGES:
        m = _pattern(key).fullmatch(message)
        if m:
            fields = m.groupdict()
            if "message" in fields:
                fields["message"] = translate(fields["message"])
            return t(key, **fields)
    return message
