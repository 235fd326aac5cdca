"""Write the plan's tidy tables as CSV files in ``data/processed/``, all or nothing (a
pack of :func:`~ntm_analysis.io.pack.writing_pack`: the previous tables are replaced at
once, other files of the folder are never touched).

>>> import tempfile; from ntm_analysis import load_plan
>>> paths = build_processed(load_plan(), tempfile.mkdtemp())
>>> sorted(p.name for p in paths)[:2]
['communes.csv', 'completions.csv']
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..tables.plan import Plan
from .files import write_csv
from .pack import writing_pack

PACK = "bang"  # the kind of pack (its record in the folder: :func:`~ntm_analysis.io.pack.record_name`)
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


def build_processed(plan: Plan, out_dir: Path | str, force: bool = False) -> list[Path]:
    """Write every processed table as ``<name>.csv`` in ``out_dir``; returns the paths.
    ``force`` also replaces files of those names that the last build did not write."""
    out = Path(out_dir)
    tables = processed_tables(plan)
    names = [f"{name}.csv" for name in tables]
    with writing_pack(out, PACK, names, force=force) as stage:
        for name, df in zip(names, tables.values()):
            write_csv(df, stage / name)
    return [out / name for name in names]
