"""Behaviour pins: what every analysis command, the briefing tables and the findings print.

The snapshots in ``tests/snapshots/`` were taken from the code before the redesign of
issue 10 and guard every later move: a refactoring must give the same output. When a
change of output is intended (a bug fixed), regenerate with
``.venv/bin/python tests/update_snapshots.py`` and say in the commit which outputs
changed and why.

Cases run on the embedded 2023 plan and on a synthetic plan with completions, stated
dependencies, model communes and every kind of deadline (:func:`rich_tables`).
"""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pandas as pd

SNAPSHOTS = Path(__file__).parent / "snapshots"
SCENARIO = "tests/data/scenarios/nhieu_thay_doi.yaml"
SCENARIO_LAG = "data/scenarios/tinh_them_mot_quy_tham_dinh.yaml"

# (name, argv): each runs as --format json, and as a table in vi and in en
COMMANDS: list[tuple[str, list[str]]] = [
    *[(f"gaps_{by}", ["gaps", "--by", by]) for by in ("criterion", "commune", "department", "section", "unlocks")],
    ("gaps_as_of", ["gaps", "--by", "commune", "--as-of", "2023-07-01"]),
    ("ocop", ["ocop"]),
    ("ocop_totals", ["ocop", "--totals"]),
    *[(f"workload_{by}", ["workload", "--by", by]) for by in ("quarter", "department", "criterion", "commune")],
    ("workload_as_of", ["workload", "--by", "department", "--as-of", "2023-07-01"]),
    ("workload_effective", ["workload", "--effective"]),
    ("workload_overdue", ["workload", "--overdue", "--as-of", "2023-10-01"]),
    ("projection", ["projection"]),
    ("projection_lag", ["projection", "--review-lag", "1"]),
    ("projection_as_of", ["projection", "--as-of", "2024-01-15"]),
    ("quality", ["quality"]),
    ("quality_lag", ["quality", "--review-lag", "1"]),
    ("gaps_scenario", ["gaps", "--by", "commune", "--scenario", SCENARIO]),
    ("projection_scenario", ["projection", "--scenario", SCENARIO]),
    ("ocop_scenario", ["ocop", "--scenario", SCENARIO]),
]
# run once each, as written
PLAIN: list[tuple[str, list[str]]] = [
    ("scenario_json", ["scenario", SCENARIO, "--format", "json"]),
    ("scenario_table", ["scenario", SCENARIO]),
    ("scenario_table_en", ["scenario", SCENARIO, "--lang", "en"]),
    ("scenario_lag_json", ["scenario", SCENARIO_LAG, "--format", "json"]),
    ("summary", ["summary"]),
    ("validate_json", ["validate", "--format", "json"]),
    ("validate_text", ["validate"]),
]
# commands run on the synthetic workbook (json only)
RICH_COMMANDS: list[tuple[str, list[str]]] = [
    *[(f"rich_gaps_{by}", ["gaps", "--by", by, "--as-of", "2023-07-01"])
      for by in ("criterion", "commune", "department", "section", "unlocks")],
    ("rich_ocop", ["ocop", "--as-of", "2023-07-01"]),
    ("rich_ocop_totals", ["ocop", "--totals"]),
    *[(f"rich_workload_{by}", ["workload", "--by", by, "--as-of", "2023-07-01"])
      for by in ("quarter", "department", "criterion", "commune")],
    ("rich_workload_effective", ["workload", "--effective", "--by", "department"]),
    ("rich_workload_overdue", ["workload", "--overdue", "--as-of", "2023-10-01"]),
    ("rich_projection", ["projection", "--review-lag", "1", "--as-of", "2023-07-01"]),
    ("rich_projection_plain", ["projection"]),
    ("rich_quality", ["quality", "--as-of", "2023-07-01"]),
]


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run ``ntm argv`` in this process: (exit code, standard output)."""
    from ntm_analysis.cli import main

    from ntm_analysis import config

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue().replace(str(config.ROOT), "<ROOT>")


def cli_outputs(data: Path | None = None) -> dict[str, str]:
    """Every command's output, keyed ``<case>.<format>``."""
    results: dict[str, str] = {}
    extra = ["--data", str(data)] if data is not None else []
    if data is None:
        for name, argv in COMMANDS:
            for fmt, more in (("json", ["--format", "json"]), ("vi", []), ("en", ["--lang", "en"])):
                code, text = run_cli(argv + more)
                results[f"{name}.{fmt}"] = f"exit {code}\n{text}"
        for name, argv in PLAIN:
            code, text = run_cli(argv)
            results[name] = f"exit {code}\n{text}"
    else:
        for name, argv in RICH_COMMANDS:
            code, text = run_cli(argv + extra + ["--format", "json"])
            results[f"{name}.json"] = f"exit {code}\n{text}"
    return results


def rich_tables(n: int = 120, seed: int = 7) -> tuple[dict[str, pd.DataFrame], dict]:
    """A synthetic plan's tables with completions, stated dependencies, a commune without
    any deadline, a model commune missing advanced criteria, and a certified OCOP product."""
    from ntm_analysis.synthetic import synthetic_tables

    tables, meta = synthetic_tables(n, seed=seed)
    items = tables["items"].copy()
    # every 9th item waits on criterion 5 of its commune when that commune lists it
    has5 = set(items.loc[items["criterion_written"].isin(["Giáo dục", "Trường học", "Giáo dục và Đào tạo"]),
                         "commune"])
    waits = [("5" if (i % 9 == 0 and c in has5 and w not in ("Giáo dục", "Trường học", "Giáo dục và Đào tạo"))
              else "") for i, (c, w) in enumerate(zip(items["commune"], items["criterion_written"]))]
    items["waits_on"] = waits
    tables["items"] = items
    # completions: every 7th item, dated in 2023Q1 .. 2023Q4 or undated
    picked = items.iloc[::7]
    done = ["2023Q1", "2023Q2", "2023Q3", "", "2023Q4"]
    tables["completions"] = pd.DataFrame({
        "commune": picked["commune"].to_numpy(),
        "criterion": picked["criterion_written"].to_numpy(),
        "done": [done[i % len(done)] or "quý II/2023" for i in range(len(picked))],
    })
    ocop = tables["ocop"].copy()
    if len(ocop):
        ocop.loc[ocop.index[0], "status"] = "đã chứng nhận"
    tables["ocop"] = ocop
    return tables, meta


def rich_plan():
    from ntm_analysis.load.api import plan_from_tables

    tables, meta = rich_tables()
    plan, issues = plan_from_tables(tables, meta)
    assert plan is not None, [i.text() for i in issues if i.severity == "error"]
    return plan


def write_rich_workbook(path: Path) -> Path:
    from ntm_analysis.io.workbook import write_workbook

    tables, meta = rich_tables()
    return write_workbook(path, tables, meta)


def _frame_json(df: pd.DataFrame) -> list:
    from ntm_analysis.present.table import printable
    from ntm_analysis.present.table import render

    return json.loads(render(printable(df), "json"))


def briefing_outputs() -> dict[str, str]:
    """The report's tables (the workbook's columns), findings, quality kinds, headline and
    Markdown summary, for the embedded plan (vi, en, with a scenario, with an as-of date)
    and for the synthetic plan."""
    from ntm_analysis.io.scenario_files import load_scenario
    from ntm_analysis.load.api import load_plan
    from ntm_analysis.present import report

    out: dict[str, str] = {}
    cases = {
        "briefing_vi": dict(plan=load_plan(), lang="vi"),
        "briefing_en": dict(plan=load_plan(), lang="en"),
        "briefing_scenario_vi": dict(plan=load_plan(), lang="vi", scenario=load_scenario(SCENARIO),
                                     as_of="2023-07-01"),
        "briefing_scenario_en": dict(plan=load_plan(), lang="en", scenario=load_scenario(SCENARIO),
                                     as_of="2023-07-01"),
        "briefing_rich": dict(plan=rich_plan(), lang="vi", as_of="2023-07-01", review_lag=1),
    }
    for name, kw in cases.items():
        plan = kw.pop("plan")
        b = report.prepare(plan, **kw)
        data = {
            "findings": b.findings,
            "titles": b.titles,
            "headline": [[label, value] for label, value in report.headline(b)],
            "quality_kinds": _frame_json(report.quality_kinds(b)),
            "tables": {key: _frame_json(b.tables[key][[c for c in report.COLUMNS[key] if c in b.tables[key]]])
                       for key in report.COLUMNS if key in b.tables},
            "matrix": _frame_json(b.tables["matrix"]),
            "summary_md": report.summary_markdown(b).splitlines(),
        }
        out[name] = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return out


def all_outputs(tmp: Path) -> dict[str, str]:
    """Every snapshot, by file name."""
    results = {f"cli/{k}.txt": v for k, v in cli_outputs().items()}
    workbook = write_rich_workbook(tmp / "rich.xlsx")
    results.update({f"cli/{k}.txt": v for k, v in cli_outputs(workbook).items()})
    results.update({f"briefing/{k}.json": v for k, v in briefing_outputs().items()})
    return results
