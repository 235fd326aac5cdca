"""A what-if scenario: a name, a note, edits applied in order, and parameters.

::

    name: OCOP slips in Minh Đức
    edits:
      - {commune: Minh Đức, criterion: Tổ chức sản xuất và phát triển kinh tế nông thôn, due: 2023Q4}
      - {commune: Hưng Đạo, criterion: Văn hóa, done: true}
      - {commune: all, criterion: 13, shift: 1}
      - {commune: Minh Đức, criterion: 8, remove_dependency: 13}
    parameters: {review_lag: 1}

Edit kinds (one action per edit; ``commune`` is a name, written as people write it,
or a word for every commune such as ``all`` or ``mọi xã``; ``criterion`` is a name,
alias or number, or ``all``/omitted for every gap of the commune):

- ``done: true`` marks the gaps done (a completion with no date: done whatever the
  as-of date); ``done: 2023Q3`` done in that quarter; ``done: false`` undoes a
  completion.
- ``due: 2023Q4`` (any form :func:`~ntm_analysis.core.quarters.parse_deadline` reads)
  sets the deadline.
- ``shift: 2`` / ``shift: -1`` moves dated deadlines by whole quarters (undated gaps
  stay undated). With every criterion the commune's own dossier deadline and
  milestones move too.
- ``add_dependency: 13`` / ``remove_dependency: 13``: the criterion waits (or no
  longer waits) on criterion 13, in one commune or every commune.
- ``indicator: tỷ lệ hộ nghèo, value: 0.95, from: 2026Q3``: the commune's measured value
  of that indicator (its ``Số liệu`` row, found by any part of its name) becomes
  ``value`` from that quarter; when every judged indicator of its criterion is then met,
  the criterion's gap is done in that quarter (without ``from``: done whatever the date).
- ``review_lag: 1`` / ``as_of: 2023-07-01`` (or ``as_of: 02/07/2023``, day first: any
  form :func:`~ntm_analysis.core.dates.parse_date` reads) as an edit changes a
  parameter, like the ``parameters`` block (later values win).

Parameters: ``review_lag`` (quarters from the last item to recognition), ``as_of`` (the
date the plan is read at), ``undated_as: 2023Q4`` (items the plan gives no deadline are
taken as due in that quarter, in the baseline and the scenario alike, marked
*assumed*: communes with undated items can then be compared).

>>> scenario_from_dict({"name": "a", "edits": [{"commune": "all", "criterion": 13, "shift": 1}]}).edits
({'commune': 'all', 'criterion': 13, 'shift': 1},)
>>> scenario_parameters(Scenario(edits=({"review_lag": 2},), parameters={"review_lag": 1}))
{'review_lag': 2}
"""
from __future__ import annotations

import datetime as _dt
import difflib
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..core.dates import MAX_YEAR, MIN_YEAR, DateError, parse_date
from ..core.errors import UserError
from ..core.names import is_all, nfc
from ..core.quarters import DeadlineError, parse_deadline
from ..i18n import t

ACTIONS = ("done", "due", "shift", "add_dependency", "remove_dependency", "value")
PARAMETERS = ("review_lag", "as_of", "undated_as")
EDIT_KEYS = ("commune", "criterion", "indicator", "from", *ACTIONS, *PARAMETERS, "note")
TOP_KEYS = ("name", "note", "edits", "parameters")
DONE_WRITTEN = "kịch bản"  # how a completion a scenario adds is "written"
#: the longest shift, in quarters: the whole range of supported years (a longer one moves
#: every deadline out of it)
MAX_SHIFT = (MAX_YEAR - MIN_YEAR + 1) * 4


@dataclass(frozen=True)
class Scenario:
    """A named list of edits and parameters.

    ``edits`` keep the values as written (``criterion: 13`` stays an int), so a
    scenario saved and loaded again compares equal. ``source`` and ``lines`` (the
    YAML line of each edit) are only for messages.
    """

    name: str = ""
    note: str = ""
    edits: tuple[dict, ...] = ()
    parameters: dict = field(default_factory=dict)
    source: str = field(default="", compare=False)
    lines: tuple[int | None, ...] = field(default=(), compare=False)

    def where(self, i: int) -> str:
        """Where edit ``i`` (0-based) was written, for messages."""
        parts = [self.source] if self.source else []
        line = self.lines[i] if i < len(self.lines) else None
        parts.append(f"thay đổi số {i + 1}" + (f" (dòng {line})" if line else ""))
        return ", ".join(parts)

    def with_edits(self, edits: Iterable[Mapping], parameters: Mapping | None = None) -> "Scenario":
        """A copy with other edits (and parameters), checked."""
        return scenario_from_dict({"name": self.name, "note": self.note, "edits": list(edits),
                                   "parameters": dict(self.parameters if parameters is None else parameters)},
                                  source=self.source)

    @property
    def is_empty(self) -> bool:
        return not self.edits and not self.parameters


def _shown(value: object, most: int = 40) -> str:
    """A value as a message shows it: at most ``most`` characters (a list of a million
    values is not written out whole).

    >>> _shown(list(range(100))), _shown("x" * 50)
    ('[0, 1, 2, 3, 4, 5, ...]', 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…')
    """
    text = reprlib.repr(value) if isinstance(value, (list, dict, tuple, set)) else str(value)
    return text if len(text) <= most else text[:most - 1] + "…"


def _keys_shown(keys: list[str], hint=lambda k: "", most: int = 5) -> str:
    """Keys a message names: the first ``most`` (each :func:`_shown`, with its ``hint``),
    then how many more.

    >>> _keys_shown([f"k{i}" for i in range(7)], most=2)
    "'k0'; 'k1'; … và 5 khóa khác"
    """
    shown = "; ".join(f"'{_shown(k)}'" + hint(k) for k in keys[:most])
    return shown + (f"; {t('msg.more_keys', n=len(keys) - most)}" if len(keys) > most else "")


def fail(where: str, message: str) -> UserError:
    return UserError(f"{where}: {message}", 1)


def action_of(edit: Mapping) -> str:
    """The one action (or parameter) an edit does."""
    return next(k for k in edit if k in ACTIONS or k in PARAMETERS)


def _check_quarter(value: object, where: str, key: str) -> None:
    if isinstance(value, bool):
        raise fail(where, f"'{key}' phải là một quý (vd. 2023Q4, quý IV/2023), không phải {value}")
    try:
        d = parse_deadline(value)
    except DeadlineError as exc:
        raise fail(where, f"'{key}': {exc}") from None
    if d is None:
        raise fail(where, f"'{key}' để trống; cần một quý (vd. 2023Q4)")


def check_parameter(key: str, value: object, where: str) -> object:
    """A parameter's value, checked (``as_of`` kept as text ``2023-07-01``)."""
    if key == "review_lag":
        from ..analysis.projection import MAX_REVIEW_LAG, review_lag_ok

        if not review_lag_ok(value):
            raise fail(where, t("msg.review_lag_range", value=_shown(value), hi=MAX_REVIEW_LAG))
        return value
    if key == "as_of":
        try:
            ts = parse_date(value)
        except DateError as exc:
            raise fail(where, exc.text("vi", option="as_of")) from None
        if ts is None:
            return None
        return ts.strftime("%Y-%m-%d") if isinstance(value, (_dt.date, _dt.datetime)) else nfc(value)
    if key == "undated_as":
        if value is None or value == "":
            return None
        _check_quarter(value, where, "undated_as")
        return nfc(value) if isinstance(value, str) else str(value)
    raise fail(where, f"tham số '{key}' không có; dùng: {', '.join(PARAMETERS)}")


def _check_edit(raw: object, where: str) -> dict:
    if not isinstance(raw, Mapping):
        raise fail(where, "mỗi thay đổi là một bảng khóa: giá trị, vd. {commune: Minh Đức, criterion: 13, due: 2023Q4}")
    edit = {str(k): v for k, v in raw.items()}
    unknown = [k for k in edit if k not in EDIT_KEYS]
    if unknown:
        def near(k: str) -> str:
            close = difflib.get_close_matches(k[:40], EDIT_KEYS, n=1)
            return f" (ý là '{close[0]}'?)" if close else ""

        raise fail(where, f"khóa không dùng được: {_keys_shown(unknown, near)}; các khóa: {', '.join(EDIT_KEYS)}")
    actions = [k for k in edit if k in ACTIONS or k in PARAMETERS]
    if len(actions) != 1:
        raise fail(where, "mỗi thay đổi cần đúng một việc: " + ", ".join(ACTIONS + PARAMETERS)
                   + (f" (có: {', '.join(actions)})" if actions else ""))
    action = actions[0]
    if action in PARAMETERS:
        if "commune" in edit or "criterion" in edit:
            raise fail(where, f"'{action}' là tham số chung, không đi kèm xã hay tiêu chí")
        edit[action] = check_parameter(action, edit[action], where)
        return edit
    if "commune" not in edit or nfc(edit["commune"]) == "":
        raise fail(where, "thiếu 'commune' (tên xã, hoặc 'all' cho mọi xã)")
    edit["commune"] = nfc(edit["commune"])
    if isinstance(edit.get("criterion"), str):
        edit["criterion"] = nfc(edit["criterion"])
    value = edit[action]
    if action == "done":
        if not isinstance(value, bool):
            _check_quarter(value, where, "done")
    elif action == "due":
        _check_quarter(value, where, "due")
    elif action == "value":
        if not nfc(edit.get("indicator")):
            raise fail(where, t("msg.value_needs_indicator"))
        if "from" in edit:
            _check_quarter(edit["from"], where, "from")
        if isinstance(value, bool) or not isinstance(value, (int, float, str)) or nfc(value) == "":
            raise fail(where, t("msg.value_not_a_value", value=_shown(value)))
    elif action == "shift":
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(where, t("msg.shift_not_whole", value=_shown(value)))
        if abs(value) > MAX_SHIFT:
            raise fail(where, t("msg.shift_range", value=value, hi=MAX_SHIFT, lo_year=MIN_YEAR, hi_year=MAX_YEAR))
    else:  # dependencies
        if is_all(edit.get("criterion")):
            raise fail(where, f"'{action}' cần 'criterion' (tiêu chí phải chờ)")
        if value is None or is_all(value):
            raise fail(where, f"'{action}' cần một tiêu chí (tiêu chí được chờ), vd. 13")
    return edit


def scenario_from_dict(data: object, source: str = "", lines: tuple[int | None, ...] = ()) -> Scenario:
    """Check a scenario read from YAML (or built in code) and return it."""
    where = source or "kịch bản"
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise fail(where, "tệp kịch bản phải là một bảng với các khóa name, note, edits, parameters")
    unknown = [str(k) for k in data if k not in TOP_KEYS]
    if unknown:
        raise fail(where, f"khóa không dùng được: {_keys_shown(unknown)}; các khóa: {', '.join(TOP_KEYS)}")
    edits_raw = data.get("edits") or []
    if not isinstance(edits_raw, list):
        raise fail(where, "'edits' phải là một danh sách (mỗi dòng bắt đầu bằng '- ')")
    stub = Scenario(source=source, lines=tuple(lines))
    edits = tuple(_check_edit(e, stub.where(i)) for i, e in enumerate(edits_raw))
    params_raw = data.get("parameters") or {}
    if not isinstance(params_raw, Mapping):
        raise fail(where, "'parameters' phải là một bảng, vd. {review_lag: 1}")
    params = {str(k): check_parameter(str(k), v, f"{where}, parameters") for k, v in params_raw.items()}
    name = nfc(data.get("name")) or (Path(source).stem if source else "")
    return Scenario(name=name, note=nfc(data.get("note")), edits=edits, parameters=params,
                    source=source, lines=tuple(lines))


def scenario_parameters(scenario: Scenario) -> dict[str, Any]:
    """The parameters a scenario sets (block first, then parameter edits in order);
    ``as_of`` as a :class:`pandas.Timestamp` (or ``None``)."""
    params = dict(scenario.parameters)
    for e in scenario.edits:
        for k in PARAMETERS:
            if k in e:
                params[k] = e[k]
    if "as_of" in params:
        params["as_of"] = parse_date(params["as_of"])
    return params
