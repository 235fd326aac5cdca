"""Findings about input files, and the errors a user (not the code) caused.

>>> Issue("error", "Chi tiết", 5, "Tiêu chí (nguyên văn)", "Giao thong x", "không nhận ra").location()
'Chi tiết, dòng 5, cột Tiêu chí (nguyên văn)'
"""
from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Issue:
    """One finding: severity ``error`` or ``warning``, where, what value, what is wrong."""

    severity: str
    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    file: str = ""
    code: str = ""  # a short machine-readable kind, e.g. "unknown_criterion"

    def location(self) -> str:
        parts = [p for p in (
            self.file,
            self.sheet,
            f"dòng {self.row}" if self.row else "",
            f"cột {self.column}" if self.column else "",
        ) if p]
        return ", ".join(parts)

    def text(self) -> str:
        label = "LỖI" if self.severity == "error" else "CẢNH BÁO"
        value = f" (giá trị: '{self.value}')" if self.value != "" else ""
        return f"{label}: {self.location()}: {self.message}{value}"

    def to_dict(self) -> dict:
        return asdict(self)


class UserError(Exception):
    """A mistake in the user's input or command: shown as a message, never a traceback.

    ``exit_code`` is 1 for bad data, 2 for a bad command line.
    """

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class PlanError(UserError):
    """A workbook with errors: carries every :class:`Issue` found."""

    def __init__(self, issues: list[Issue], file: str = ""):
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        head = f"{file}: {len(errors)} lỗi" if file else f"{len(errors)} lỗi"
        super().__init__(head + "\n" + "\n".join(i.text() for i in errors[:50]), 1)
