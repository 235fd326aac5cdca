"""What-if logic for the scenario notebook and the dashboard: plain functions over a list
of scenario edits (dicts, as in a scenario YAML file; see :mod:`ntm_analysis.scenario`).
They return new lists and never change their inputs; the widget
(:mod:`ntm_analysis.present.widget`) only wires its controls to them.

Controls and the edits they own:

- a gap's "done" checkbox: ``{commune: X, criterion: 13, done: true}``;
- a gap's quarter dropdown: ``{commune: X, criterion: 13, due: 2023Q4}`` (the first
  option, "theo kế hoạch", removes it);
- the district-wide OCOP delay: ``{commune: all, criterion: 13, shift: n}`` on the
  catalogue's OCOP criterion, kept after the per-gap edits so it applies on top of them;
- the review lag: the ``review_lag`` parameter.

Communes are matched as everywhere (``Xã Minh Đức`` is Minh Đức; ``all``, ``mọi xã``
mean every commune). Edits loaded from a file that no control owns are kept, in order.

>>> from ntm_analysis import load_plan
>>> plan = load_plan()
>>> edits = set_due([], plan, "Minh Đức", "13", "2023Q4")
>>> edits = set_district_shift(edits, plan, 1)
>>> edits
[{'commune': 'Minh Đức', 'criterion': 13, 'due': '2023Q4'}, {'commune': 'all', 'criterion': 13, 'shift': 1}]
>>> due_override(edits, plan, "Minh Đức", "13"), district_shift(edits, plan)
('2023Q4', 1)
>>> district_shift([{"commune": "mọi xã", "criterion": 13, "shift": 1}], plan)
1
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from ..analysis.run import analyse
from ..core.errors import UserError
from ..core.names import commune_key, is_all
from ..core.quarters import DeadlineError, format_quarter, parse_deadline
from ..i18n import t
from ..scenario.compare import run_scenario
from ..scenario.model import Scenario, scenario_from_dict
from ..tables.plan import Plan
from ..analysis.projection import DEFAULT_REVIEW_LAG


# ----------------------------------------------------------------- edit lists
def _criterion_value(code: str) -> object:
    """How a widget writes a criterion: ``13`` (an int) or ``"KM3"``."""
    return int(code) if str(code).isdigit() else str(code)


def _resolves_to(plan: Plan, written: object, code: str) -> bool:
    return written is not None and plan.catalogue.match(str(written)).codes == (str(code),)


def targets(edit: Mapping, plan: Plan, commune: str, code: str, action: str) -> bool:
    """True when ``edit`` is an ``action`` edit for exactly this commune and criterion."""
    return (action in edit and not is_all(edit.get("commune"))
            and commune_key(edit.get("commune")) == commune_key(commune)
            and _resolves_to(plan, edit.get("criterion"), code))


def _ocop(plan: Plan, code: str | None) -> str | None:
    return code if code is not None else plan.catalogue.ocop_criterion


def _is_district_shift(edit: Mapping, plan: Plan, code: str | None) -> bool:
    return "shift" in edit and is_all(edit.get("commune")) and code is not None \
        and _resolves_to(plan, edit.get("criterion"), code)


def _insert_at(edits: Sequence[Mapping]) -> int:
    """Where a new per-gap edit goes: before the first district-wide shift."""
    return next((i for i, e in enumerate(edits) if "shift" in e and is_all(e.get("commune"))), len(edits))


def _upsert(edits: Sequence[Mapping], plan: Plan, commune: str, code: str, action: str,
            value: object | None) -> list[dict]:
    """Replace the last ``action`` edit for (commune, code) by ``value`` (drop the others);
    ``None`` drops them all; insert a new edit when there was none."""
    hits = [i for i, e in enumerate(edits) if targets(e, plan, commune, code, action)]
    out = [dict(e) for e in edits]
    if value is None:
        return [e for i, e in enumerate(out) if i not in hits]
    if hits:
        keep = hits[-1]
        out[keep] = {**out[keep], action: value}
        return [e for i, e in enumerate(out) if i == keep or i not in hits]
    out.insert(_insert_at(out), {"commune": commune, "criterion": _criterion_value(code), action: value})
    return out


def set_due(edits: Sequence[Mapping], plan: Plan, commune: str, code: str,
            quarter: pd.Period | str | None) -> list[dict]:
    """Edits with the deadline of (commune, code) set to ``quarter`` (``None``: as planned)."""
    if quarter is None or (isinstance(quarter, str) and not quarter.strip()):
        return _upsert(edits, plan, commune, code, "due", None)
    try:
        d = parse_deadline(quarter)
    except DeadlineError as exc:
        raise UserError(str(exc), 1) from None
    return _upsert(edits, plan, commune, code, "due", str(d.quarter))


def set_done(edits: Sequence[Mapping], plan: Plan, commune: str, code: str, done: bool) -> list[dict]:
    """Edits with (commune, code) marked done or not; no edit when that is the baseline."""
    return _upsert(edits, plan, commune, code, "done",
                   None if bool(done) == baseline_done(plan, commune, code) else bool(done))


def set_district_shift(edits: Sequence[Mapping], plan: Plan, n: int, code: str | None = None) -> list[dict]:
    """Edits with the district-wide shift of criterion ``code`` (default: the OCOP
    criterion) set to ``n`` quarters (0 removes it). A new one goes last."""
    code = _ocop(plan, code)
    hits = [i for i, e in enumerate(edits) if _is_district_shift(e, plan, code)]
    out = [dict(e) for e in edits]
    if not n:
        return [e for i, e in enumerate(out) if i not in hits]
    if hits:
        keep = hits[-1]
        out[keep] = {**out[keep], "shift": int(n)}
        return [e for i, e in enumerate(out) if i == keep or i not in hits]
    return out + [{"commune": "all", "criterion": _criterion_value(code), "shift": int(n)}]


def due_override(edits: Sequence[Mapping], plan: Plan, commune: str, code: str) -> str | None:
    """The quarter (``"2023Q4"``) the last due edit of (commune, code) sets, or ``None``."""
    hits = [e for e in edits if targets(e, plan, commune, code, "due")]
    return str(parse_deadline(hits[-1]["due"]).quarter) if hits else None


def done_state(edits: Sequence[Mapping], plan: Plan, commune: str, code: str) -> bool:
    """Whether (commune, code) is done: the last done edit for it, else the baseline."""
    hits = [e for e in edits if targets(e, plan, commune, code, "done")]
    return hits[-1]["done"] is not False if hits else baseline_done(plan, commune, code)


def _gap_rows(plan: Plan, commune: str) -> pd.Series:
    """Which gaps belong to the commune written ``commune`` (any spelling)."""
    key = commune_key(commune)
    ids = plan.communes.loc[plan.communes["commune"].map(commune_key) == key, "commune_id"]
    return plan.gaps["commune_id"].isin(set(ids))


def baseline_done(plan: Plan, commune: str, code: str) -> bool:
    rows = (_gap_rows(plan, commune) & (plan.gaps["criterion_code"] == str(code))).to_numpy()
    return bool(rows.any()) and bool(analyse(plan).done[rows].all())


def district_shift(edits: Sequence[Mapping], plan: Plan, code: str | None = None) -> int:
    """The district-wide shift of criterion ``code`` (default: the OCOP criterion); 0 when none."""
    hits = [e for e in edits if _is_district_shift(e, plan, _ocop(plan, code))]
    return int(hits[-1]["shift"]) if hits else 0


def owned(edit: Mapping, plan: Plan) -> bool:
    """True when a widget control owns the edit (others are listed, kept as they are)."""
    if "review_lag" in edit or _is_district_shift(edit, plan, plan.catalogue.ocop_criterion):
        return True
    if ("done" in edit and isinstance(edit["done"], bool)) or "due" in edit:
        m = plan.catalogue.match(str(edit.get("criterion"))) if edit.get("criterion") is not None else None
        names = {commune_key(c) for c in plan.commune_names}
        return bool(m and len(m.codes) == 1) and not is_all(edit.get("commune")) \
            and commune_key(edit.get("commune")) in names
    return False


# ----------------------------------------------------------------- choices
def commune_gaps(plan: Plan, commune: str, lang: str = "vi") -> pd.DataFrame:
    """The gaps a commune's controls show: ``criterion_code, label, due, due_source, done``.

    >>> from ntm_analysis import load_plan
    >>> commune_gaps(load_plan(), "Hưng Đạo")["criterion_code"].tolist()
    ['6', '15']
    """
    rows = _gap_rows(plan, commune).to_numpy()
    g = plan.gaps.loc[rows]
    cat = plan.catalogue
    return pd.DataFrame({
        "criterion_code": g["criterion_code"].to_numpy(),
        "label": [cat.label(c, lang) if c in cat.codes else c for c in g["criterion_code"]],
        "due": g["due"].to_numpy(),
        "due_source": g["due_source"].to_numpy(),
        "done": analyse(plan).done[rows],
    })


def quarter_choices(plan: Plan, before: int = 4, after: int = 12) -> list[pd.Period]:
    """Quarters a deadline dropdown offers: from ``before`` quarters ahead of the plan
    year to ``after`` quarters after it, widened to every deadline in the plan."""
    start = pd.Period(year=plan.plan_year, quarter=1, freq="Q-DEC") - before
    end = pd.Period(year=plan.plan_year, quarter=4, freq="Q-DEC") + after
    dues = plan.gaps["due"].dropna()
    if len(dues):
        start, end = min(start, dues.min()), max(end, dues.max())
    return list(pd.period_range(start, end, freq="Q-DEC"))


def due_options(plan: Plan, baseline_due: pd.Period | None, lang: str = "vi",
                extra: str | None = None) -> list[tuple[str, str]]:
    """Dropdown options ``(label, value)``: first "as planned" (value ""), then quarters."""
    qs = quarter_choices(plan)
    if extra and pd.Period(extra, freq="Q-DEC") not in qs:
        qs = sorted(set(qs) | {pd.Period(extra, freq="Q-DEC")})
    planned = format_quarter(None if pd.isna(baseline_due) else baseline_due, lang)
    return [(t("widget.as_planned", lang, q=planned), "")] + [(format_quarter(q, lang), str(q)) for q in qs]


# ----------------------------------------------------------------- evaluating
def make_scenario(edits: Sequence[Mapping], parameters: Mapping | None = None, name: str = "",
                  note: str = "") -> Scenario:
    """A checked :class:`~ntm_analysis.scenario.model.Scenario` from widget state."""
    return scenario_from_dict({"name": name, "note": note, "edits": [dict(e) for e in edits],
                               "parameters": dict(parameters or {})})


def evaluate(plan: Plan, scenario: Scenario, baseline_projection: pd.DataFrame | None = None,
             review_lag: int = DEFAULT_REVIEW_LAG, as_of: object = None) -> dict[str, Any]:
    """Apply and project: ``plan, params, baseline, projection, comparison`` (see
    :func:`ntm_analysis.scenario.compare.run_scenario`); the baseline side comes from
    the plan's shared analysis, so only the scenario side is computed again."""
    return run_scenario(plan, scenario, review_lag=review_lag, as_of=as_of, baseline_projection=baseline_projection)


# ----------------------------------------------------------------- edits in words
def edit_text(edit: Mapping, plan: Plan, lang: str = "vi") -> str:
    """One edit (or parameter) in words, as the panel lists it.

    >>> from ntm_analysis import load_plan
    >>> edit_text({"commune": "Minh Đức", "criterion": 13, "due": "2024Q1"}, load_plan())
    'Minh Đức, tiêu chí 13 (Tổ chức sản xuất và phát triển kinh tế nông thôn): hạn quý I/2024'
    >>> edit_text({"commune": "all", "criterion": 13, "shift": 1}, load_plan(), "en")
    'every commune, criterion 13 (Production organisation and rural economy): moved by +1 quarter(s)'
    """
    from ..scenario.model import PARAMETERS, action_of

    action = action_of(edit)
    value = edit[action]
    if action in PARAMETERS:
        return parameter_text(action, value, lang)
    cat = plan.catalogue
    who = t("widget.every_commune", lang) if is_all(edit.get("commune")) else str(edit.get("commune"))
    codes = None if is_all(edit.get("criterion")) else cat.match(str(edit.get("criterion"))).codes
    what = t("widget.every_criterion", lang) if not codes else ", ".join(
        t("widget.criterion", lang, code=c, name=cat.name(c, lang)) for c in codes)
    if action == "done":
        did = t("widget.edit_done", lang) if value is True else t("widget.edit_undone", lang) if value is False \
            else t("widget.edit_done_in", lang, q=_quarter_words(value, lang))
    elif action == "due":
        did = t("widget.edit_due", lang, q=_quarter_words(value, lang))
    elif action == "shift":
        did = t("widget.edit_shift", lang, n=f"{int(value):+d}")
    else:
        on = ", ".join(cat.match(str(value)).codes) or str(value)
        did = t(f"widget.edit_{action}", lang, on=on)
    return f"{who}, {what}: {did}"


def parameter_text(key: str, value: object, lang: str = "vi") -> str:
    """A scenario parameter in words."""
    if key == "review_lag":
        return t("widget.param_review_lag", lang, n=value)
    if key == "as_of":
        return t("widget.param_as_of", lang, d=pd.Timestamp(value).strftime("%d/%m/%Y"))
    return t("widget.param_undated_as", lang, q=_quarter_words(value, lang))


def _quarter_words(value: object, lang: str) -> str:
    try:
        d = parse_deadline(value)
    except DeadlineError:
        return str(value)
    return format_quarter(d.quarter, lang) if d else str(value)


def first_to_edit(plan: Plan) -> str | None:
    """The commune the panel opens on: the first with something left to edit.

    >>> from ntm_analysis import load_plan
    >>> first_to_edit(load_plan())
    'Ngọc Kỳ'
    """
    left = set(analyse(plan).open_gaps["commune_id"])
    for cid, name in zip(plan.communes["commune_id"], plan.communes["commune"]):
        if cid in left:
            return name
    return plan.commune_names[0] if plan.commune_names else None
