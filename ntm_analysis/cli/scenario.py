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

from .common import FORMATS, add_data_option, load_plan_for, parse_as_of

PARTS = ("all", "communes", "changes")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenario", help="chạy một kịch bản: so sánh kế hoạch gốc với kịch bản theo từng xã")
    p.add_argument("file", metavar="TỆP", help="tệp kịch bản YAML (data/scenarios/…)")
    add_data_option(p)
    p.add_argument("--as-of", metavar="NGÀY", default=None, help="ngày xét của kế hoạch gốc (vd. 2023-07-01)")
    p.add_argument("--review-lag", type=int, default=0, metavar="QUÝ",
                   help="số quý từ khi xong tiêu chí đến khi công nhận, cho kế hoạch gốc (mặc định 0)")
    p.add_argument("--part", choices=PARTS, default="all",
                   help="in bảng nào: all (cả hai; với csv chỉ in bảng xã), communes, changes")
    p.add_argument("--format", choices=FORMATS, default="table", help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")
    p.set_defaults(func=cmd_scenario)


def scenario_tables(args: argparse.Namespace) -> dict:
    """The plan and scenario ``args`` name, run: :func:`ntm_analysis.scenario.run_scenario`'s
    result plus ``changes`` and ``scenario``."""
    from ..core.errors import UserError
    from ..io.scenario_files import load_scenario
    from ..scenario.compare import diff_edits, run_scenario

    if args.review_lag < 0:
        raise UserError(f"--review-lag {args.review_lag}: phải ≥ 0", 2)
    scenario = load_scenario(args.file)
    plan = load_plan_for(args)
    result = run_scenario(plan, scenario, review_lag=args.review_lag, as_of=parse_as_of(args.as_of))
    result["changes"] = diff_edits(plan, result["plan"], result["baseline_params"], result["params"])
    result["scenario"] = scenario
    result["base_plan"] = plan
    return result


def cmd_scenario(args: argparse.Namespace) -> int:
    import pandas as pd

    from ..i18n import t
    from ..present.table import printable, render

    r = scenario_tables(args)
    communes, changes = printable(r["comparison"], r["base_plan"]), printable(r["changes"], r["base_plan"])
    out, lang = sys.stdout, args.lang
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
        out.write(render(changes if args.part == "changes" else communes, "csv", lang) + "\n")
        return 0
    if args.part in ("all", "communes"):
        out.write(f"{t('cli.scenario', lang)}: {r['scenario'].name}\n")
        if r["scenario"].note:
            out.write(r["scenario"].note + "\n")
        out.write("\n" + render(communes, "table", lang) + "\n")
        out.write("\n" + t("cli.changed", lang, n=int(r["comparison"]["changed"].sum()), t=len(communes)) + "\n")
    if args.part in ("all", "changes"):
        if args.part == "all":
            out.write("\n" + t("cli.changes", lang) + "\n")
        out.write((t("cli.no_changes", lang) if changes.empty else render(changes, "table", lang)) + "\n")
    return 0
