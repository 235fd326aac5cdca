"""Load plans: from a workbook, from in-memory tables, or several workbooks at once.

>>> plan = load_plan()
>>> plan.meta["district"], len(plan.communes)
('Tứ Kỳ', 13)
>>> sorted(plan.gaps["due_source"].unique())
['commune', 'item', 'none', 'year-only']
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from .. import config
from ..core.errors import PlanError, UserError
from ..core.findings import Finding
from ..io.xlsx import read_sheets
from ..tables.plan import Plan, concat_plans
from ..tables.schema import GAP_SHEETS, SHEETS
from .assemble import assemble, sort_findings
from .sheets import RawTable, find_sheets, raw_table


def read_workbook(path: Path | str) -> tuple[dict[str, RawTable], list[Finding]]:
    """Every sheet of the layout as a raw table; missing sheets and columns are errors."""
    path = Path(path)
    found: list[Finding] = []

    def wanted(names: list[str]):
        for key, sheet in SHEETS.items():
            matches = find_sheets(names, sheet)
            if not matches:
                if sheet.required:
                    found.append(Finding("error", "missing_sheet", params={"sheet": sheet.name}, file=path.name,
                                         sheet=sheet.name))
                continue
            for other in matches[1:]:
                found.append(Finding("error", "duplicate_sheet", params={"sheet": sheet.name, "first": matches[0],
                                                                         "second": other}, file=path.name, sheet=other))
            yield key, matches[0], sheet.name

    rows, read_found = read_sheets(path, wanted)
    found += read_found
    tables: dict[str, RawTable] = {}
    for key, sheet_rows in rows.items():
        table, problems = raw_table(sheet_rows, SHEETS[key], path.name)
        found += problems
        if table is not None:
            tables[key] = table
    if "communes" in tables and not (set(GAP_SHEETS) & set(tables)) and not found:
        found.append(Finding("error", "missing_sheet", "missing_gap_sheets",
                             {"items": SHEETS["items"].name, "matrix": SHEETS["matrix"].name},
                             file=path.name, sheet=SHEETS["items"].name))
    return tables, found


def validate_workbook(path: Path | str | None = None) -> tuple[Plan | None, list[Finding]]:
    """Read and check a workbook: the plan (``None`` when there are errors) and every finding."""
    path = Path(path) if path is not None else config.DEFAULT_WORKBOOK
    tables, found = read_workbook(path)
    plan, more = assemble(tables, file=path.name)
    found = found + more
    if any(f.severity == "error" for f in found):
        return None, found
    return plan, found


def load_plan(path: Path | str | None = None) -> Plan:
    """Load a plan workbook (default: the embedded 2023 Tứ Kỳ plan).

    Raises :class:`~ntm_analysis.core.errors.PlanError` listing every error found.
    """
    plan, found = validate_workbook(path)
    if plan is None:
        raise PlanError([f for f in found if f.severity == "error"],
                        str(path if path is not None else config.DEFAULT_WORKBOOK))
    return plan


def load_plans(paths: Iterable[Path | str]) -> Plan:
    """Several workbooks (a province's districts) as one plan; communes of the same name
    in two districts stay two communes."""
    return concat_plans([load_plan(p) for p in paths])


def workbook_paths(items: Iterable[Path | str]) -> list[Path]:
    """The workbooks ``items`` name: files as given, a folder's ``.xlsx`` files (sorted;
    Excel's lock files ``~$…`` and hidden files left out). A path that does not exist, or a
    folder without a workbook, is an error (exit 2).

    >>> [p.name for p in workbook_paths([config.RAW_DIR])]
    ['tu_ky_2023_ke_hoach_ntm_nang_cao_kieu_mau.xlsx']
    """
    from ..i18n import t

    out: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            found = sorted(p for p in item.glob("*.xlsx") if not p.name.startswith(("~$", ".")))
            if not found:
                raise UserError(t("msg.no_workbook_in_folder", "vi", path=item), 2)
            out += found
        elif item.exists():
            out.append(item)
        else:
            raise UserError(t("msg.no_such_workbook", "vi", path=item), 2)
    return list(dict.fromkeys(out))


def load_province(items: Iterable[Path | str], skip_invalid: bool = False) -> Plan:
    """The workbooks ``items`` name (files or folders, :func:`workbook_paths`) as one plan.

    Each workbook is validated on its own. While any has errors nothing is analysed: the
    error names each such file and its count of errors (exit 1), unless ``skip_invalid``,
    which leaves those files out and names them in ``meta["skipped_files"]``. One workbook
    loads as :func:`load_plan` does.
    """
    from ..i18n import t

    paths = workbook_paths(items)
    if len(paths) == 1 and not skip_invalid:
        return load_plan(paths[0])
    plans, bad = [], []
    for path in paths:
        try:
            plan, found = validate_workbook(path)
        except PlanError:
            raise
        except UserError:  # not a workbook at all (said by validate_workbook's reader)
            bad.append((path, 1))
            continue
        if plan is None:
            bad.append((path, sum(f.severity == "error" for f in found)))
        else:
            plans.append(plan)
    if bad and not skip_invalid:
        files = "; ".join(t("msg.file_errors", "vi", file=p, n=n) for p, n in bad)
        raise UserError(t("msg.workbooks_with_errors", "vi", n=len(bad), total=len(paths), files=files), 1)
    if not plans:
        raise UserError(t("msg.no_valid_workbook", "vi", n=len(paths)), 1)
    plan = concat_plans(plans)
    if bad:
        from dataclasses import replace

        plan = replace(plan, meta={**plan.meta, "skipped_files": [str(p) for p, _ in bad]})
    return plan


def plan_from_tables(tables: dict[str, pd.DataFrame], meta: dict[str, Any] | None = None,
                     catalogue_id: str | None = None, file: str = "") -> tuple[Plan | None, list[Finding]]:
    """Assemble a plan from in-memory tables keyed like the workbook (schema keys as columns).

    >>> t = {"communes": pd.DataFrame([{"commune": "A", "plan_section": "1", "target_level": "nâng cao",
    ...                                 "target_year": 2024}]),
    ...      "items": pd.DataFrame([{"commune": "A", "criterion_written": "Y tế", "due": "2024Q2"}])}
    >>> plan, issues = plan_from_tables(t)
    >>> plan.gaps[["commune", "criterion_code", "due_source"]].values.tolist()
    [['A', '14', 'item']]
    >>> [f.code for f in plan_from_tables({"items": t["items"]})[1]]  # no meta: what is assumed is said
    ['no_info_sheet', 'missing_sheet']
    """
    raw: dict[str, RawTable] = {}
    for key, df in tables.items():
        frame = df.astype(object).where(df.notna(), None)
        frame["_row"] = range(2, len(frame) + 2)
        extra = [c for c in df.columns if key == "matrix" and c != "commune"]
        raw[key] = RawTable(SHEETS[key], frame.reset_index(drop=True), extra, 1)
    if meta or catalogue_id:
        info = dict(meta or {})
        if catalogue_id:
            info["catalogue"] = catalogue_id
        raw["info"] = RawTable(SHEETS["info"], pd.DataFrame(
            [{"item": k, "value": v, "_row": i} for i, (k, v) in enumerate(info.items(), start=2)], dtype=object))
    plan, found = assemble(raw, file=file)
    return plan, sort_findings(found)
