"""Errors a user (not the code) caused: shown as a message and an exit code, never a
traceback.

>>> UserError("tệp không có", 2).exit_code
2
"""
from __future__ import annotations


class UserError(Exception):
    """A mistake in the user's input or command. ``exit_code`` is 1 for bad data, 2 for
    a bad command line."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class Terminated(KeyboardInterrupt):
    """The process was asked to end (a termination or hang-up signal): raised like Ctrl-C so
    that every clean-up runs; ``exit_code`` is the shell's (128 + the signal's number).

    >>> Terminated(15).exit_code
    143
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.exit_code = 128 + signum


class PlanError(UserError):
    """A workbook with errors: carries every :class:`~.findings.Finding` found."""

    def __init__(self, findings: list, file: str = ""):
        self.issues = list(findings)
        errors = [i for i in self.issues if i.severity == "error"]
        head = f"{file}: {len(errors)} lỗi" if file else f"{len(errors)} lỗi"
        super().__init__(head + "\n" + "\n".join(i.text() for i in errors[:50]), 1)


class ContractError(TypeError):
    """A Plan table that breaks the column contract: a bug in the code that built it."""
