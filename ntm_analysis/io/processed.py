"""Write the plan's tidy tables as CSV files in ``data/processed/`` (atomically).

>>> import tempfile; from ntm_analysis import load_plan
>>> paths = build_processed(load_plan(), tempfile.mkdtemp())
>>> sorted(p.name for p in paths)[:2]
['communes.csv', 'completions.csv']
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..tables.plan import Plan
from .files import check_targets, prepare_dir, write_csv

GAPS_CSV = ["commune_id", "commune", "criterion_code", "criterion", "requirement", "written_as", "due_written", "due",
            "due_source", "plan_section", "target_level", "target_year", "department", "match_method",
            "waits_on", "detail", "sheet", "row"]
COMMUNES_CSV = ["commune_id", "unit", "province", "district", "source_file", "commune", "plan_section", "target_level", "target_year", "original_target_year",
                "stated_met", "stated_missing", "listed_missing", "stated_met_written", "stated_missing_written",
                "commune_due", "commune_due_written", "section_title", "note"]


def _text(df: pd.DataFrame) -> pd.DataFrame:
    """Quarters as ``2023Q2`` ("" for none), lists joined with ";"."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.PeriodDtype):
            out[col] = out[col].astype(str).replace("NaT", "")
        elif out[col].dtype == object:
            out[col] = [";".join(v) if isinstance(v, tuple) else v for v in out[col]]
    return out


def processed_tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """The tables written by :func:`build_processed`, by file stem."""
    return {
        "gaps": _text(plan.gaps[GAPS_CSV]),
        "communes": _text(plan.communes[COMMUNES_CSV]),
        "model_requirements": plan.model_requirements,
        "ocop": plan.ocop,
        "milestones": _text(plan.milestones),
        "quantities": plan.quantities,
        "departments": plan.departments,
        "completions": _text(plan.completions),
        "dependencies": plan.dependencies,
    }


def build_processed(plan: Plan, out_dir: Path | str) -> list[Path]:
    """Write every processed table as ``<name>.csv`` in ``out_dir``; returns the paths."""
    out = prepare_dir(out_dir)
    tables = processed_tables(plan)
    check_targets([out / f"{name}.csv" for name in tables])
    return [write_csv(df, out / f"{name}.csv") for name, df in tables.items()]
