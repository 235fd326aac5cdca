"""The vocabulary of codes: every coded value the package stores or prints, in one place.

Each is a :class:`enum.StrEnum`, so a member compares equal to its string and CSV and
JSON outputs keep the plain codes. People never see a code: :mod:`ntm_analysis.i18n`
labels each member in Vietnamese and English.

>>> Level.MODEL == "kieu_mau", str(DueSource.YEAR_ONLY)
(True, 'year-only')
>>> DueSource.YEAR_ONLY in DueSource.firm(), DueSource.HALF_YEAR in DueSource.inferred()
(False, True)
"""
from __future__ import annotations

from enum import StrEnum


class Lang(StrEnum):
    VI = "vi"
    EN = "en"


class Level(StrEnum):
    """The level a commune aims at (2021–2025 sets)."""

    ADVANCED = "nang_cao"
    MODEL = "kieu_mau"
    BASIC = "co_ban"  # the basic standard ("đạt chuẩn NTM")


class Requirement(StrEnum):
    """What a gap is: a criterion of the set, or a model-commune requirement."""

    CRITERION = "criterion"
    MODEL = "model"


class DueSource(StrEnum):
    """Where a gap's deadline comes from (the deadline rule)."""

    ITEM = "item"            # the item's own quarter
    COMMUNE = "commune"      # the commune's dossier deadline
    YEAR_ONLY = "year-only"  # "trong năm 2023": the fourth quarter, inferred
    ASSUMED = "assumed"      # no deadline in the plan; a what-if assumes one (undated_as)
    HALF_YEAR = "half-year"  # "6 tháng đầu năm 2024": the half's last quarter (II or IV), inferred
    NONE = "none"            # no deadline

    @classmethod
    def firm(cls) -> tuple["DueSource", ...]:
        """Sources that state a quarter (not inferred)."""
        return (cls.ITEM, cls.COMMUNE)

    @classmethod
    def inferred(cls) -> tuple["DueSource", ...]:
        """Sources whose quarter is not the plan's own: inferred from vaguer words (a year,
        a half year), or assumed by a what-if for an item the plan gives none."""
        return (cls.YEAR_ONLY, cls.HALF_YEAR, cls.ASSUMED)


class OcopStatus(StrEnum):
    """A commune's OCOP status (from the plan's OCOP rows, else from criterion 13)."""

    NONE = "chua_co"
    CHOSEN = "da_chon"
    CERTIFIED = "da_chung_nhan"
    CRITERION_MET = "co_san_pham"  # no OCOP row, criterion 13 met: taken as having a product

    @classmethod
    def ranked(cls) -> tuple["OcopStatus", ...]:
        """The statuses an OCOP row can state, weakest first."""
        return (cls.NONE, cls.CHOSEN, cls.CERTIFIED)


class ModelStatus(StrEnum):
    MET = "met"
    MISSING = "missing"


class Status(StrEnum):
    """A commune's projection status."""

    READY = "ready"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    UNSCHEDULED = "unscheduled"


class Cell(StrEnum):
    """A cell of the commune × criterion status matrix."""

    MET = "met"
    DONE = "done"
    DUE = "due"
    UNDATED = "undated"
    NA = "na"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)


class Reason(StrEnum):
    """Why a gap has its effective deadline (after dependencies)."""

    OWN = "own"
    PREREQUISITE = "prerequisite"
    UNDATED = "undated"
    PREREQUISITE_UNDATED = "prerequisite_undated"


class RuleSource(StrEnum):
    """Where a dependency rule comes from."""

    CATALOGUE = "catalogue"
    PLAN = "plan"
    ITEM = "item"
    SCENARIO = "scenario"


class Change(StrEnum):
    """A kind of change a scenario makes to a plan."""

    DONE = "done"
    UNDONE = "undone"
    DUE = "due"
    DEPENDENCY_ADDED = "dependency_added"
    DEPENDENCY_REMOVED = "dependency_removed"
    COMMUNE_DUE = "commune_due"
    KNOCK_ON = "knock_on"    # not edited, moved by what it waits on
    PARAMETER = "parameter"


#: The text that stands for "no deadline" where a quarter is printed as a code (the
#: workload's quarter column, a list of quarters): one word, one meaning.
NO_DATE = "undated"
