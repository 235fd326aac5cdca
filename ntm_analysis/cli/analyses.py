"""``ntm gaps``, ``ntm ocop``, ``ntm workload``, ``ntm projection``, ``ntm quality``.

Each loads the plan (``--data``, default the embedded 2023 plan; ``--scenario``
applies a scenario file), runs one analysis of :mod:`ntm_analysis.analysis` and
prints it (``--format table|csv|json``, ``--lang vi|en``).
"""
from __future__ import annotations

import argparse
from typing import Any

from .common import (add_analysis_options, in_units, load_plan_for, parse_as_of, print_frame, reread_for,
                     review_lag_option)

GAP_VIEWS = ("criterion", "commune", "department", "section", "unlocks")
WORKLOAD_BY = ("quarter", "department", "criterion", "commune")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="tiêu chí còn thiếu: theo tiêu chí, xã, cơ quan, mục kế hoạch")
    add_analysis_options(p)
    p.add_argument("--by", choices=GAP_VIEWS, default="criterion",
                   help="nhóm theo (unlocks: tiêu chí nào hoàn thành thì xã đạt chuẩn)")
    p.set_defaults(func=cmd_gaps)

    p = sub.add_parser("ocop", help="sản phẩm OCOP và các tiêu chí chờ OCOP")
    add_analysis_options(p)
    p.add_argument("--totals", action="store_true", help="chỉ in số tổng của huyện")
    p.set_defaults(func=cmd_ocop)

    p = sub.add_parser("workload", help="khối lượng việc theo quý")
    add_analysis_options(p)
    p.add_argument("--by", choices=WORKLOAD_BY, default="quarter", help="nhóm theo")
    p.add_argument("--effective", action="store_true",
                   help="dùng thời hạn thực tế sau khi tính phụ thuộc (OCOP…)")
    p.add_argument("--overdue", action="store_true", help="liệt kê tiêu chí quá hạn (cần --as-of)")
    p.set_defaults(func=cmd_workload)

    p = sub.add_parser("projection", help="dự báo quý hoàn thành và công nhận của từng xã")
    add_analysis_options(p)
    p.add_argument("--review-lag", type=int, default=None, metavar="QUÝ",
                   help="số quý từ khi xong việc cuối đến khi được công nhận (mặc định 0: cùng quý, "
                        "như kế hoạch ghi)")
    p.set_defaults(func=cmd_projection)

    p = sub.add_parser("quality", help="các điểm cần kiểm tra trong kế hoạch")
    add_analysis_options(p)
    p.add_argument("--review-lag", type=int, default=None, metavar="QUÝ", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_quality)


def load_for_args(args: argparse.Namespace) -> tuple[Any, dict[str, Any]]:
    """The plan the options name (a scenario applied), and the parameters it sets."""
    from ..scenario.apply import apply_scenario, assume_undated

    plan = load_plan_for(args)
    params: dict[str, Any] = {}
    undated = getattr(args, "undated_as", None)
    if undated:
        plan = assume_undated(plan, undated)
        params["undated_as"] = undated
    if getattr(args, "scenario", None):
        from ..io.scenario_files import load_scenario

        plan, scenario_params = apply_scenario(plan, load_scenario(args.scenario))
        params = {**scenario_params, **params}
    return in_units(reread_for(plan, args), args), dict(params)


def _as_of(args: argparse.Namespace, params: dict[str, Any]):
    """``--as-of`` when given, else the scenario's ``as_of`` parameter, else none."""
    if getattr(args, "as_of", None):
        return parse_as_of(args.as_of)
    return parse_as_of(params.get("as_of"), "as_of")


def _review_lag(args: argparse.Namespace, params: dict[str, Any]) -> int:
    """``--review-lag`` when given (checked), else the scenario's (checked when read),
    else the default."""
    from ..analysis.projection import DEFAULT_REVIEW_LAG

    lag = review_lag_option(getattr(args, "review_lag", None))
    return int(params.get("review_lag", DEFAULT_REVIEW_LAG) if lag is None else lag)


def cmd_gaps(args: argparse.Namespace) -> int:
    from ..analysis import GAP_VIEWS as VIEWS

    plan, params = load_for_args(args)
    return print_frame(VIEWS[args.by](plan, _as_of(args, params)), args, plan)


def cmd_ocop(args: argparse.Namespace) -> int:
    from ..analysis import ocop_summary, ocop_totals

    plan, params = load_for_args(args)
    as_of = _as_of(args, params)
    return print_frame(ocop_totals(plan, as_of) if args.totals else ocop_summary(plan, as_of), args, plan)


def cmd_workload(args: argparse.Namespace) -> int:
    from ..analysis import overdue_gaps, workload
    from ..core.errors import UserError

    plan, params = load_for_args(args)
    as_of = _as_of(args, params)
    if args.overdue:
        if as_of is None:
            raise UserError("--overdue cần --as-of NGÀY (vd. --as-of 2023-07-01)", 2)
        return print_frame(overdue_gaps(plan, as_of), args, plan)
    return print_frame(workload(plan, by=args.by, as_of=as_of, effective=args.effective), args, plan)


def cmd_projection(args: argparse.Namespace) -> int:
    from ..analysis import projection
    from ..analysis.run import analyse

    from ..present.summary import lag_note, undated_note

    plan, params = load_for_args(args)
    lag = _review_lag(args, params)
    as_of = _as_of(args, params)
    note = ""
    if args.format == "table":  # the assumptions the projection rests on, in sight
        note = lag_note(analyse(plan, as_of), lag, args.lang)
        if params.get("undated_as"):
            note = undated_note(params["undated_as"], args.lang) + "\n" + note
    return print_frame(projection(plan, review_lag=lag, as_of=as_of), args, plan, note=note)


def cmd_quality(args: argparse.Namespace) -> int:
    from ..analysis import quality

    plan, params = load_for_args(args)
    lag = _review_lag(args, params)
    return print_frame(quality(plan, as_of=_as_of(args, params), review_lag=lag, lang=args.lang), args, plan)
