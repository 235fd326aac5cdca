"""``ntm scenario FILE``: baseline beside scenario per commune, and what changed.

    ntm scenario data/scenarios/ocop_minh_duc_cham_mot_quy.yaml
    ntm scenario data/scenarios/ocop_minh_duc_cham_mot_quy.yaml --format json
    ntm scenario FILE --part changes --format csv

``--review-lag`` and ``--as-of`` set the baseline's parameters; the scenario side
uses them too unless the scenario sets its own. ``--undated-as QUARTER`` gives the
items without a deadline that quarter on both sides (assumed). The table format
states each changed commune's effect in one sentence.
"""
from __future__ import annotations

import argparse
import json

from .common import (FORMATS, add_as_of_option, add_data_option, add_undated_option, load_plan_for,
                     parse_as_of, review_lag_option, say)

PARTS = ("all", "communes", "changes")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scenario", help="chạy một kịch bản: so sánh kế hoạch gốc với kịch bản theo từng xã")
    p.add_argument("file", metavar="TỆP", help="tệp kịch bản YAML (data/scenarios/…)")
    add_data_option(p)
    add_as_of_option(p, "ngày xét của kế hoạch gốc")
    p.add_argument("--review-lag", type=int, default=0, metavar="QUÝ",
                   help="số quý từ khi xong việc cuối đến khi công nhận, cho kế hoạch gốc (mặc định 0)")
    add_undated_option(p)
    p.add_argument("--part", choices=PARTS, default="all",
                   help="in bảng nào: all (cả hai; với csv chỉ in bảng xã), communes, changes")
    p.add_argument("--format", choices=FORMATS, default="table", help="dạng kết quả")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="ngôn ngữ tiêu đề")
    p.set_defaults(func=cmd_scenario)


def scenario_tables(args: argparse.Namespace) -> dict:
    """The plan and scenario ``args`` name, run: :func:`ntm_analysis.scenario.run_scenario`'s
    result plus ``changes`` and ``scenario``."""
    from ..io.scenario_files import load_scenario
    from ..scenario.compare import diff_edits, run_scenario

    review_lag_option(args.review_lag)
    scenario = load_scenario(args.file)
    plan = load_plan_for(args)
    result = run_scenario(plan, scenario, review_lag=args.review_lag, as_of=parse_as_of(args.as_of),
                          undated_as=args.undated_as)
    result["changes"] = diff_edits(result["baseline_plan"], result["plan"], result["baseline_params"],
                                   result["params"])
    result["scenario"] = scenario
    result["base_plan"] = plan
    return result


def cmd_scenario(args: argparse.Namespace) -> int:
    from ..i18n import t
    from ..present.summary import scenario_lines
    from ..present.table import for_people, printable, render

    r = scenario_tables(args)
    lang, plan = args.lang, r["base_plan"]
    if args.format == "json":
        payload = {"scenario": r["scenario"].name, "note": r["scenario"].note,
                   "parameters": {k: _plain(v) for k, v in r["params"].items()}}
        if args.part in ("all", "communes"):
            payload["communes"] = json.loads(render(printable(r["comparison"], plan), "json"))
            payload["effects"] = [text for _cid, text in scenario_effects(r, lang)]
        if args.part in ("all", "changes"):
            payload["changes"] = json.loads(render(printable(r["changes"], plan), "json"))
        say(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if args.format == "csv":
        table = r["changes"] if args.part == "changes" else r["comparison"]
        say(render(printable(table, plan), "csv", lang))
        return 0
    parts = []
    if args.part in ("all", "communes"):
        parts += ["\n".join(scenario_lines(r, lang)), "",
                  render(for_people(r["comparison"], lang, plan), "table", lang)]
    if args.part in ("all", "changes"):
        if args.part == "all":
            parts += ["", t("cli.changes", lang)]
        parts.append(t("cli.no_changes", lang) if r["changes"].empty
                     else render(for_people(r["changes"], lang, plan), "table", lang))
    say("\n".join(parts))
    return 0


def scenario_effects(r: dict, lang: str) -> list[tuple[str, str]]:
    from ..scenario.compare import effects

    return effects(r, lang)


def _plain(v: object) -> object:
    import pandas as pd

    return None if v is None else str(v) if isinstance(v, pd.Timestamp) else v
