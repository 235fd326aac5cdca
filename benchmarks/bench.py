"""Benchmark: how fast the package is, as ratios against baselines measured in the same run.

    make bench                                   # everything below
    .venv/bin/python benchmarks/bench.py --sizes 100000   # only the size table, for these sizes

Prints Markdown tables:

1. per size (synthetic plans, ``ntm_analysis.synthetic``): seconds to load a plan from
   in-memory tables (reading, matching, deadline rule, checks), for the analyses (every
   view once, sharing one analysis as the report does), ``load + all``, peak memory;
2. the speed targets of the project, each beside its baseline: ``ntm gaps --data`` on a
   10,000-commune workbook against a bare ``pandas.read_excel(..., sheet_name=None,
   engine="calamine")`` of the same file (in one process, and as whole commands);
   load and every analysis for 100,000 communes against that bare read; ``ntm --help``
   against ``python -c "import pandas"``;
3. writing workbooks: the template, a 10,000-commune plan workbook, the briefing pack's
   workbook for 10,000 communes, the processed CSV tables;
4. a province: 12 district workbooks of 25 communes in one folder, ``ntm gaps --data FOLDER``
   and load + every analysis, against a bare calamine read of the same 12 workbooks;
5. one what-if edit on the district plan.

Timings are the best of ``--repeat`` runs (wall clock, ``time.perf_counter``).
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from ntm_analysis import analysis as A
from ntm_analysis.load.api import load_plan, plan_from_tables
from ntm_analysis.synthetic import synthetic_tables, write_synthetic_workbook

PY = sys.executable
STEPS = {
    "gaps": lambda r: [f(r) for f in A.GAP_VIEWS.values()],
    "ocop": lambda r: (A.ocop_summary(r), A.ocop_totals(r)),
    "workload": lambda r: [A.workload(r, by) for by in A.WORKLOAD_BY],
    "projection": lambda r: A.projection(r),
    "quality": lambda r: A.quality(r),
}


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def analyses(plan) -> dict[str, float]:
    """Seconds per step on a fresh shared analysis (steps in order, as the report runs them)."""
    plan._runs.clear()
    run = A.analyse(plan)
    out = {}
    for name, step in STEPS.items():
        t0 = time.perf_counter()
        step(run)
        out[name] = time.perf_counter() - t0
    return out


def size_row(n: int, repeat: int) -> dict:
    tables, meta = synthetic_tables(n, seed=0)
    r = repeat if n <= 10_000 else max(1, repeat - 1)
    t_load, plan = best(lambda: plan_from_tables(tables, meta)[0], r)
    steps = min((analyses(plan) for _ in range(r)), key=lambda d: sum(d.values()))
    row = {"communes": f"{n:,}", "gap rows": f"{len(plan.gaps):,}", "load": t_load, **steps}
    row["all analyses"] = sum(steps.values())
    row["load + all"] = t_load + row["all analyses"]
    tracemalloc.start()
    p2 = plan_from_tables(tables, meta)[0]
    analyses(p2)
    row["peak MB"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return row


def table(rows: list[dict]) -> str:
    cols = list(rows[0])
    fmt = lambda v: v if isinstance(v, str) else f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}"  # noqa: E731
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(fmt(r[c]) for c in cols) + " |" for r in rows]
    return "\n".join(lines)


def _command(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return min(times)


def _ntm_in_process(argv: list[str]) -> None:
    from ntm_analysis.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(argv) == 0


def targets(workbook: Path, repeat: int) -> tuple[list[dict], dict]:
    """The speed targets, each measured beside its baseline in this run."""
    rows = []
    bare, _ = best(lambda: pd.read_excel(workbook, sheet_name=None, engine="calamine"), repeat)
    gaps, _ = best(lambda: _ntm_in_process(["gaps", "--data", str(workbook)]), repeat)
    rows.append({"what": "`ntm gaps --data` 10,000-commune workbook, in one process", "seconds": gaps,
                 "baseline": "bare `read_excel(sheet_name=None, engine='calamine')`", "baseline s": bare,
                 "ratio": gaps / bare, "target": "≤ 1.3"})
    read_cmd = [PY, "-c", f"import pandas as pd; pd.read_excel({str(workbook)!r}, sheet_name=None, "
                          "engine='calamine')"]
    ntm = str(Path(PY).with_name("ntm"))
    c_bare = _command(read_cmd, repeat)
    c_gaps = _command([ntm, "gaps", "--data", str(workbook)], repeat)
    rows.append({"what": "the same, as whole commands (interpreter and imports included)", "seconds": c_gaps,
                 "baseline": "`python -c \"...read_excel(...)\"`", "baseline s": c_bare, "ratio": c_gaps / c_bare,
                 "target": "≤ 1.3"})
    big = size_row(100_000, 2)
    rows.append({"what": "load + every analysis, 100,000 communes", "seconds": big["load + all"],
                 "baseline": "bare read of the 10,000-commune workbook", "baseline s": bare,
                 "ratio": big["load + all"] / bare, "target": "≤ 1.5"})
    c_pandas = _command([PY, "-c", "import pandas"], repeat + 2)
    c_help = _command([ntm, "--help"], repeat + 2)
    rows.append({"what": "`ntm --help`", "seconds": c_help, "baseline": "`python -c \"import pandas\"`",
                 "baseline s": c_pandas, "ratio": c_help / c_pandas, "target": "≤ 0.33"})
    return rows, big


def writers(tmp: Path, repeat: int) -> list[dict]:
    from ntm_analysis.io.processed import build_processed
    from ntm_analysis.io.workbook import write_workbook
    from ntm_analysis.present.report import prepare, write_workbook as write_report_workbook
    from ntm_analysis.synthetic import synthetic_plan

    plan = synthetic_plan(10_000)
    brief = prepare(plan)
    return [
        {"workbook": "template (`ntm template`)",
         "seconds": best(lambda: write_workbook(tmp / "mau.xlsx", {}, {}), repeat)[0]},
        {"workbook": "plan workbook, 10,000 communes (`write_synthetic_workbook`)",
         "seconds": best(lambda: write_synthetic_workbook(tmp / "w.xlsx", 10_000), 1)[0]},
        {"workbook": "briefing workbook, 10,000 communes (report's Excel)",
         "seconds": best(lambda: write_report_workbook(brief, tmp / "bao_cao.xlsx"), 1)[0]},
        {"workbook": "processed CSV tables, 10,000 communes (`ntm build`)",
         "seconds": best(lambda: build_processed(plan, tmp / "processed"), 1)[0]},
    ]


def province(tmp: Path, repeat: int, districts: int = 12, communes: int = 25) -> list[dict]:
    """A folder of district workbooks, loaded and analysed as one plan, beside a bare read."""
    from ntm_analysis.load.api import load_province

    folder = tmp / "tinh"
    folder.mkdir()
    for i in range(districts):
        write_synthetic_workbook(folder / f"huyen_{i:02d}.xlsx", communes, seed=i, district=f"Huyện {i + 1:02d}")
    files = sorted(folder.glob("*.xlsx"))
    bare, _ = best(lambda: [pd.read_excel(f, sheet_name=None, engine="calamine") for f in files], repeat)
    gaps, _ = best(lambda: _ntm_in_process(["gaps", "--data", str(folder)]), repeat)

    def load_all():
        plan = load_province([folder])
        analyses(plan)
        return plan

    both, plan = best(load_all, repeat)
    assert len(plan.communes) == districts * communes
    what = f"{districts} district workbooks × {communes} communes, one folder"
    base = f"bare `read_excel(sheet_name=None, engine='calamine')` of the {districts} workbooks"
    return [{"what": f"`ntm gaps --data FOLDER`, {what}", "seconds": gaps, "baseline": base, "baseline s": bare,
             "ratio": gaps / bare, "target": "≤ 1.3"},
            {"what": f"load + every analysis, {what}", "seconds": both, "baseline": base, "baseline s": bare,
             "ratio": both / bare, "target": "≤ 1.5"}]


def whatif_ms(repeat: int) -> float:
    from ntm_analysis.scenario import apply_scenario, scenario_from_dict

    plan = load_plan()
    sc = scenario_from_dict({"name": "bench", "edits": [{"commune": "Minh Đức", "criterion": 13, "due": "2023Q4"}]})
    t, _ = best(lambda: A.projection(apply_scenario(plan, sc)[0]), repeat)
    return t * 1000


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default=None, help="only the size table, for these sizes (e.g. 13,1000,100000)")
    p.add_argument("--province", action="store_true", help="only the province of many workbooks")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    head = (f"Python {platform.python_version()}, pandas {pd.__version__}, {platform.machine()}, "
            f"{os.cpu_count()} cores; best of {args.repeat} runs.")
    if args.province:
        with tempfile.TemporaryDirectory() as tmp:
            print(table(province(Path(tmp), args.repeat)) + "\n\n" + head)
        return 0
    if args.sizes:
        rows = [size_row(int(s), args.repeat) for s in args.sizes.split(",")]
        print(table(rows) + "\n\n" + head)
        return 0
    rows = [size_row(n, args.repeat) for n in (13, 1_000, 10_000)]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        t0 = time.perf_counter()
        workbook = write_synthetic_workbook(tmp / "plan_10000.xlsx", 10_000)
        print(f"  wrote the 10,000-commune workbook in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        goals, big = targets(workbook, args.repeat)
        rows.append(big)
        written = writers(tmp, args.repeat)
        many = province(tmp, args.repeat)
    print("### Per size\n\n" + table(rows))
    print("\n### Targets (each beside its baseline, same run)\n\n" + table(goals))
    print("\n### Writing workbooks\n\n" + table(written))
    print("\n### A province of many workbooks (each beside its baseline, same run)\n\n" + table(many))
    print(f"\nWhat-if: one commune's edit on the district plan, applied and projected again: "
          f"{whatif_ms(20):.1f} ms (best of 20).\n\n{head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
