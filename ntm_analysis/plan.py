"""The plan object: typed, tidy DataFrames loaded from a workbook.

Columns (all text NFC; quarters are ``Period[Q-DEC]``, missing = NaT):

communes
    commune, plan_section, section_title, target_level (``nang_cao``|``kieu_mau``),
    target_year (Int64), original_target_year (Int64), original_target_written,
    stated_met (Int64), stated_total (Int64), stated_met_written, stated_missing (Int64),
    stated_missing_written, listed_missing (Int64: criteria gaps as loaded),
    commune_due (Period), commune_due_written, commune_due_year_only (bool),
    source_text, note
gaps  (one row per commune × criterion or model requirement)
    gap_id ("Xã|code"), commune, requirement (``criterion``|``model``), criterion_code
    (str: "1".."19", "KM2".."KM4"), criterion_order (int), criterion (canonical Vietnamese
    name), criterion_en, written_as (the plan's words), match_method, detail,
    due_written, due (Period), due_source (``item``|``commune``|``year-only``|``none``),
    waits_on (str: codes separated by ";" stated in the plan for this item, may be ""),
    department, plan_section, target_level, target_year (Int64), sheet, row (int)
model_requirements
    commune, criterion_code, requirement, status (``met``|``missing``)
ocop
    commune, product, status (``chua_co``|``da_chon``|``da_chung_nhan``), target_stars
    (Int64), written_as, note
milestones
    commune, milestone, written_as, due_written, due (Period), year_only (bool),
    applies_to_items (bool)
quantities
    commune, criterion_code, indicator, written_as, current_written, current (float),
    target_written, target (float), unit, comparator
departments
    department, task, criteria, plan_section
completions
    commune, criterion_code, done (Period), done_written, note
dependencies  (rules in force: catalogue defaults + rules stated in the plan)
    commune ("" = every commune), waiting, on, when, reason, source (``catalogue``|``plan``|``scenario``)
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from .catalogue import Catalogue

TARGET_LEVELS = {"nang_cao": "nâng cao", "kieu_mau": "kiểu mẫu"}
DUE_SOURCES = ("item", "commune", "year-only", "none")
OCOP_STATUSES = {"chua_co": "chưa có", "da_chon": "đã chọn", "da_chung_nhan": "đã chứng nhận"}


@dataclass(frozen=True)
class Plan:
    """A district's plan: meta data, catalogue and tidy tables.

    Build one with :func:`ntm_analysis.load_plan`; derive a changed copy with
    :meth:`with_tables` (never mutate the tables in place).
    """

    meta: dict[str, Any]
    catalogue: Catalogue
    communes: pd.DataFrame
    gaps: pd.DataFrame
    model_requirements: pd.DataFrame
    ocop: pd.DataFrame
    milestones: pd.DataFrame
    quantities: pd.DataFrame
    departments: pd.DataFrame
    completions: pd.DataFrame
    dependencies: pd.DataFrame
    warnings: tuple = field(default=(), repr=False)
    source: str = ""

    def with_tables(self, **tables: Any) -> "Plan":
        """A new plan with some tables (or meta) replaced.

        >>> # plan2 = plan.with_tables(gaps=plan.gaps.iloc[:0])
        """
        return replace(self, **tables)

    @property
    def commune_names(self) -> list[str]:
        return list(self.communes["commune"])

    @property
    def plan_year(self) -> int:
        return int(self.meta.get("plan_year") or int(self.communes["target_year"].max()))

    def summary(self) -> dict[str, Any]:
        """A few headline numbers, for the command line and tests."""
        g = self.gaps
        return {
            "communes": len(self.communes),
            "gaps": int((g["requirement"] == "criterion").sum()),
            "model_gaps": int((g["requirement"] == "model").sum()),
            "undated": int((g["due_source"] == "none").sum()),
            "ocop_products": int(self.ocop["product"].fillna("").ne("").sum()),
        }
