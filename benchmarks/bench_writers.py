"""Benchmark: the two workbook writers on synthetic plans.

    .venv/bin/python benchmarks/bench_writers.py [--repeat 3] [--sizes 1000,10000]

Prints a Markdown table of seconds (best of ``--repeat`` runs) for: the empty template
(``ntm template``), a synthetic plan written in the workbook layout
(``write_synthetic_workbook``) and the briefing pack's workbook for that plan
(``report.write_workbook``, after ``report.prepare``, which is not timed).
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from ntm_analysis import report, synthetic  # noqa: E402
from ntm_analysis.workbook import write_workbook  # noqa: E402


def best(fn, repeat: int) -> float:
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sizes", default="1000,10000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        template = best(lambda: write_workbook(out / "mau.xlsx", {}, {"district": "X", "plan_year": 2024}),
                        args.repeat)
        print(f"template: {template:.3f} s\n")
        print("| communes | plan workbook (s) | briefing workbook (s) |")
        print("|---|---|---|")
        for n in sizes:
            plan_wb = best(lambda: synthetic.write_synthetic_workbook(out / f"plan_{n}.xlsx", n), args.repeat)
            b = report.prepare(synthetic.synthetic_plan(n))
            brief = best(lambda: report.write_workbook(b, out / f"report_{n}.xlsx", dt.datetime(2024, 1, 1)),
                         args.repeat)
            print(f"| {n:,} | {plan_wb:.2f} | {brief:.2f} |", flush=True)


if __name__ == "__main__":
    main()
