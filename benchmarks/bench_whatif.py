"""Benchmark: one what-if edit, step by step, on the district plan (and a synthetic one).

    .venv/bin/python benchmarks/bench_whatif.py [--repeat 30] [--sizes 13,1000]

Prints a Markdown table of milliseconds (median and best of ``--repeat`` runs) for:
applying a one-edit scenario, projecting a fresh copy of it (a plan keeps its analysis,
so each run projects a new copy, its contract check included), comparing with the cached baseline, the whole recompute the widget does on an edit (``evaluate``), the widget's
refresh from a ``.value`` change without the chart, and with the chart (PNG).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from ntm_analysis.analysis.projection import projection
from ntm_analysis.load.api import load_plan
from ntm_analysis.scenario import apply_scenario, compare
from ntm_analysis.present.whatif import evaluate, make_scenario
from ntm_analysis.present.widget import WhatIf


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ts), min(ts)


def plan_of(size: int):
    if size == 13:
        return load_plan()
    from ntm_analysis.synthetic import synthetic_plan
    return synthetic_plan(size, seed=0)


def bench(size: int, repeat: int) -> dict[str, tuple[float, float]]:
    plan = plan_of(size)
    g = plan.gaps.dropna(subset=["due"]).iloc[0]
    commune, code = g["commune"], str(g["criterion_code"])
    edit = {"commune": commune, "criterion": code, "shift": 1}
    sc = make_scenario([edit])
    base = projection(plan)
    new, params = apply_scenario(plan, sc)
    proj = projection(new, **params)
    out = {
        "apply_scenario": timed(lambda: apply_scenario(plan, sc), repeat),
        "projection": timed(lambda: projection(new.with_tables(), **params), repeat),
        "compare": timed(lambda: compare(base, proj), repeat),
        "evaluate (recompute)": timed(lambda: evaluate(plan, sc, base), repeat),
    }
    for chart in (False, True):
        app = WhatIf(plan, chart=chart, scenario_dir=tempfile.gettempdir())
        app.commune.value = commune
        quarters = [v for _, v in app.due[code].options if v][:2]
        flip = iter(quarters * (repeat + 2))
        label = "widget edit, chart" if chart else "widget edit, no chart"
        out[label] = timed(lambda: setattr(app.due[code], "value", next(flip)), max(3, repeat // (5 if chart else 1)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--sizes", default="13,1000")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = {n: bench(n, args.repeat) for n in sizes}
    steps = list(next(iter(results.values())))
    print("| step (ms, median / best) | " + " | ".join(f"{n:,} communes" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for s in steps:
        print(f"| {s} | " + " | ".join(f"{results[n][s][0]:.1f} / {results[n][s][1]:.1f}" for n in sizes) + " |")


if __name__ == "__main__":
    main()
