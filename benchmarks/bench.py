"""Benchmark: load and every analysis at 13, 1,000, 10,000 and 100,000 communes.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/bench.py [--sizes 13,1000]``).
Prints a Markdown table: seconds for each step (best of ``--repeat`` runs), the
peak memory of the assembled plan and its analyses (tracemalloc), and the time
for one what-if edit on the district plan. "load" assembles the plan from
in-memory tables (reading, matching, deadline rule, validation); "xlsx" also reads
a workbook of that size with openpyxl (only up to 10,000 communes: openpyxl, not
our code, dominates there).
"""
from __future__ import annotations

import argparse
import gc
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import pandas as pd

from ntm_analysis import analysis as A
from ntm_analysis.loader import load_plan, plan_from_tables
from ntm_analysis.synthetic import synthetic_tables, write_synthetic_workbook

# Each step gets the plan and a dict shared by the steps of one run: like the report
# (ntm_analysis/report.py ``prepare``), deadlines are propagated once and handed to the
# analyses that accept them; ``quality`` propagates on its own (its signature has no
# ``propagated``), as it does in the report.
STEPS = {
    "propagate": lambda p, s: s.update(prop=A.propagate_deadlines(p)),
    "gaps": lambda p, s: (A.gaps_by_criterion(p), A.gaps_by_commune(p), A.gaps_by_department(p),
                          A.gaps_by_section(p), A.unlocks(p)),
    "ocop": lambda p, s: (A.ocop_summary(p, propagated=s["prop"]), A.ocop_totals(p, propagated=s["prop"])),
    "workload": lambda p, s: tuple(A.workload(p, by) for by in A.WORKLOAD_BY),
    "projection": lambda p, s: A.projection(p, propagated=s["prop"]),
    "quality": lambda p, s: A.quality(p),
}


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def whatif_ms(repeat: int) -> float | None:
    """One commune's edit on the district plan, recomputed (scenario + projection)."""
    try:
        from ntm_analysis import scenario as S
    except ImportError:
        return None
    plan = load_plan()
    from_dict = getattr(S, "scenario_from_dict", None) or S.Scenario.from_dict
    sc = from_dict({"name": "bench", "edits": [
        {"commune": "Minh Đức", "criterion": 13, "due": "2023Q4"}]})
    t, _ = best(lambda: A.projection(S.apply_scenario(plan, sc)[0]), repeat)
    return t * 1000


def run(sizes: list[int], repeat: int) -> str:
    rows = []
    for n in sizes:
        tables, meta = synthetic_tables(n, seed=0)
        r = repeat if n <= 10_000 else 1
        t_load, plan = best(lambda: plan_from_tables(tables, meta)[0], r)
        row = {"communes": f"{n:,}", "gap rows": f"{len(plan.gaps):,}", "load": t_load}
        shared: dict = {}
        for name, step in STEPS.items():
            row[name], _ = best(lambda: step(plan, shared), r)
        row["all analyses"] = sum(row[k] for k in STEPS)
        row["load + all"] = t_load + row["all analyses"]
        tracemalloc.start()
        plan2 = plan_from_tables(tables, meta)[0]
        shared = {}
        for step in STEPS.values():
            step(plan2, shared)
        row["peak MB"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        del plan2
        if n <= 10_000:
            with tempfile.TemporaryDirectory() as tmp:
                path = write_synthetic_workbook(Path(tmp) / "plan.xlsx", n)
                row["xlsx read + load"], _ = best(lambda: load_plan(path), 1)
        else:
            row["xlsx read + load"] = None
        rows.append(row)
        print(f"  {n:>7,} communes done", file=sys.stderr)
    df = pd.DataFrame(rows)
    fmt = {c: (lambda v: "" if v is None or v != v else f"{v:.3f}") for c in df.columns
           if c not in ("communes", "gap rows", "peak MB")}
    fmt["peak MB"] = lambda v: f"{v:.0f}"
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    for r in df.to_dict("records"):
        lines.append("| " + " | ".join(fmt.get(c, str)(v) for c, v in r.items()) + " |")
    try:
        w = whatif_ms(20)
    except AttributeError:  # scenario API not there
        w = None
    foot = [f"Seconds, best of {repeat} (1 at 100,000). Python {platform.python_version()}, pandas "
            f"{pd.__version__}, {platform.machine()}, {__import__('os').cpu_count()} cores."]
    if w is not None:
        foot.append(f"What-if: one commune's edit on the district plan, scenario applied and projection "
                    f"recomputed: {w:.1f} ms (best of 20).")
    return "\n".join(lines + [""] + foot)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="13,1000,10000,100000")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    print(run([int(s) for s in args.sizes.split(",")], args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
