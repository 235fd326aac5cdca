"""``ntm scenario FILE``: baseline beside scenario per commune, and what changed.

    ntm scenario data/scenarios/ocop_cham_minh_duc.yaml
    ntm scenario data/scenarios/ocop_cham_minh_duc.yaml --format json
    ntm scenario FILE --part changes --format csv

``--review-lag`` and ``--as-of`` set the baseline's parameters; the scenario side
uses them too unless the scenario sets its own.
"""
from __future__ import annotations

import argparse
import json
import sys

import pandas as pd

from ..errors import UserError
from ..output import FORMATS, render
from .common import add_data_option, parse_as_of, printable

PARTS = ("all", "communes", "changes")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenario", help="chạy một kịch bản: so sánh kế hoạch gốc với kịch bản theo từng xã")
    p.add_argument("file", metavar="FILE", help="tệp kịch bản YAML (data/scenarios/…)")
    add_data_option(p)
    p.add_argument("--as-of", metavar="DATE", default=None, help="ngày xét của kế hoạch gốc (vd. 2023-07-01)")
    p.add_argument("--review-lag", type=int, default=0, metavar="QUÝ",
                   help="số quý từ khi xong tiêu chí đến khi công nhận, cho kế hoạch gốc (mặc định 0)")
    p.add_argument("--part", choices=PARTS, default="all",
                   help="in bảng nào: all (cả hai; với csv chỉ in bảng xã), communes, changes")
    p.add_argument("--format", choices=FORMATS, default="table", help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")
    p.set_defaults(func=cmd_scenario)


def scenario_tables(args: argparse.Namespace) -> dict:
    """Load the plan and the scenario named by ``args``, return the result of
    :func:`ntm_analysis.scenario.run_scenario` plus ``changes`` and ``scenario``."""
    from ..loader import load_plan
    from ..scenario import diff_edits, load_scenario, run_scenario

    if args.review_lag < 0:
        raise UserError(f"--review-lag {args.review_lag}: phải ≥ 0", 2)
    scenario = load_scenario(args.file)
    plan = load_plan(args.data)
    result = run_scenario(plan, scenario, review_lag=args.review_lag, as_of=parse_as_of(args.as_of))
    result["changes"] = diff_edits(plan, result["plan"], result["baseline_params"], result["params"])
    result["scenario"] = scenario
    return result


def cmd_scenario(args: argparse.Namespace) -> int:
    r = scenario_tables(args)
    communes, changes = printable(r["comparison"]), r["changes"]
    out = sys.stdout
    if args.format == "json":
        payload = {"scenario": r["scenario"].name, "note": r["scenario"].note,
                   "parameters": {k: (None if v is None else str(v) if isinstance(v, pd.Timestamp) else v)
                                  for k, v in r["params"].items()}}
        if args.part in ("all", "communes"):
            payload["communes"] = json.loads(render(communes, "json"))
        if args.part in ("all", "changes"):
            payload["changes"] = json.loads(render(changes, "json"))
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return 0
    if args.format == "csv":
        out.write(render(changes if args.part == "changes" else communes, "csv", args.lang) + "\n")
        return 0
    vi = args.lang != "en"
    if args.part in ("all", "communes"):
        title = "Kịch bản" if vi else "Scenario"
        out.write(f"{title}: {r['scenario'].name}\n")
        if r["scenario"].note:
            out.write(r["scenario"].note + "\n")
        out.write("\n" + render(communes, "table", args.lang) + "\n")
        n = int(r["comparison"]["changed"].sum())
        out.write(("\n{n}/{t} xã thay đổi.\n" if vi else "\n{n}/{t} communes changed.\n").format(
            n=n, t=len(communes)))
    if args.part in ("all", "changes"):
        if args.part == "all":
            out.write("\n" + ("Các thay đổi:" if vi else "Changes:") + "\n")
        if changes.empty:
            out.write(("(không có thay đổi)" if vi else "(no changes)") + "\n")
        else:
            out.write(render(changes, "table", args.lang) + "\n")
    return 0
