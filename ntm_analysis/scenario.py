"""What-if scenarios: small YAML files of edits applied to a copy of a plan.

A scenario has a ``name``, a ``note``, a list of ``edits`` applied in order and
``parameters`` (``review_lag``, ``as_of``)::

    name: OCOP slips in Minh Đức
    edits:
      - {commune: Minh Đức, criterion: Tổ chức sản xuất và phát triển kinh tế nông thôn, due: 2023Q4}
      - {commune: Hưng Đạo, criterion: Văn hóa, done: true}
      - {commune: all, criterion: 13, shift: 1}
      - {commune: Minh Đức, criterion: 8, remove_dependency: 13}
    parameters: {review_lag: 1}

Edit kinds (one action per edit; ``commune`` is a name or ``all``; ``criterion`` is a
name, alias or number, or ``all``/omitted for every gap of the commune):

- ``done: true`` marks the gaps done (a completion with no date: done whatever the
  as-of date); ``done: 2023Q3`` done in that quarter; ``done: false`` undoes a
  completion.
- ``due: 2023Q4`` (any form :func:`~ntm_analysis.quarters.parse_deadline` reads:
  ``quý IV/2023``, ``Q4/2023``, ``trong năm 2024``…) sets the deadline.
- ``shift: 2`` / ``shift: -1`` moves dated deadlines by whole quarters (undated gaps
  stay undated). With every criterion (``criterion`` omitted or ``all``) the
  commune's own dossier deadline and milestones move too.
- ``add_dependency: 13`` / ``remove_dependency: 13``: the criterion waits (or no
  longer waits) on criterion 13, in one commune or ``all``.
- ``review_lag: 1`` / ``as_of: 2023-07-01`` as an edit changes a parameter, like the
  ``parameters`` block (later values win).

Applying never changes the baseline plan: :func:`apply_scenario` returns a new
:class:`~ntm_analysis.plan.Plan` and the parameters the scenario sets.

>>> from ntm_analysis.loader import load_plan
>>> plan = load_plan()
>>> s = scenario_from_dict({"name": "x", "edits": [{"commune": "Hưng Đạo", "criterion": "Văn hóa", "done": True}]})
>>> new, params = apply_scenario(plan, s)
>>> len(new.completions), len(plan.completions)
(1, 0)
"""
from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd
import yaml

from .errors import UserError
from .io import write_text
from .plan import Plan
from .quarters import MAX_YEAR, MIN_YEAR, DeadlineError, parse_deadline
from .text import fold, nfc

ACTIONS = ("done", "due", "shift", "add_dependency", "remove_dependency")
PARAMETERS = ("review_lag", "as_of")
EDIT_KEYS = ("commune", "criterion", *ACTIONS, *PARAMETERS, "note")
TOP_KEYS = ("name", "note", "edits", "parameters")
ALL_WORDS = {"all", "*", "tat ca", "toan huyen", "moi xa", "tat ca cac xa", "tat ca tieu chi"}
SCENARIO_SOURCE = "scenario"  # ``source`` of dependency rules a scenario adds
DONE_WRITTEN = "kịch bản"

_NAT = np.iinfo(np.int64).min
QDTYPE = pd.PeriodDtype("Q-DEC")


# --------------------------------------------------------------------- the object
@dataclass(frozen=True)
class Scenario:
    """A named list of edits and parameters (see the module docstring).

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


def _fail(where: str, message: str) -> UserError:
    return UserError(f"{where}: {message}", 1)


def _is_all(value: object) -> bool:
    return value is None or fold(value) in ALL_WORDS


def _check_quarter(value: object, where: str, key: str) -> None:
    if isinstance(value, bool):
        raise _fail(where, f"'{key}' phải là một quý (vd. 2023Q4, quý IV/2023), không phải {value}")
    try:
        d = parse_deadline(value)
    except DeadlineError as exc:
        raise _fail(where, f"'{key}': {exc}") from None
    if d is None:
        raise _fail(where, f"'{key}' để trống; cần một quý (vd. 2023Q4)")


def _check_parameter(key: str, value: object, where: str) -> object:
    if key == "review_lag":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _fail(where, f"review_lag '{value}': phải là số quý, số nguyên ≥ 0")
        return value
    if key == "as_of":
        if value is None or value == "":
            return None
        if isinstance(value, (_dt.date, _dt.datetime)):
            return pd.Timestamp(value).strftime("%Y-%m-%d")
        try:
            ts = pd.Timestamp(str(value))
        except (ValueError, TypeError):
            raise _fail(where, f"as_of '{value}': không phải ngày (dạng 2023-07-01)") from None
        if not MIN_YEAR <= ts.year <= MAX_YEAR:
            raise _fail(where, f"as_of '{value}': năm nằm ngoài phạm vi hỗ trợ ({MIN_YEAR}–{MAX_YEAR})")
        return str(value)
    raise _fail(where, f"tham số '{key}' không có; dùng: {', '.join(PARAMETERS)}")


def _check_edit(raw: object, where: str) -> dict:
    if not isinstance(raw, Mapping):
        raise _fail(where, "mỗi thay đổi là một bảng khóa: giá trị, vd. {commune: Minh Đức, criterion: 13, due: 2023Q4}")
    edit = {str(k): v for k, v in raw.items()}
    unknown = [k for k in edit if k not in EDIT_KEYS]
    if unknown:
        near = {k: difflib.get_close_matches(k, EDIT_KEYS, n=1) for k in unknown}
        hint = "; ".join(f"'{k}'" + (f" (ý là '{near[k][0]}'?)" if near[k] else "") for k in unknown)
        raise _fail(where, f"khóa không dùng được: {hint}; các khóa: {', '.join(EDIT_KEYS)}")
    actions = [k for k in edit if k in ACTIONS or k in PARAMETERS]
    if len(actions) != 1:
        raise _fail(where, "mỗi thay đổi cần đúng một việc: " + ", ".join(ACTIONS + PARAMETERS)
                    + (f" (có: {', '.join(actions)})" if actions else ""))
    action = actions[0]
    if action in PARAMETERS:
        if "commune" in edit or "criterion" in edit:
            raise _fail(where, f"'{action}' là tham số chung, không đi kèm xã hay tiêu chí")
        edit[action] = _check_parameter(action, edit[action], where)
        return edit
    if "commune" not in edit or nfc(edit["commune"]) == "":
        raise _fail(where, "thiếu 'commune' (tên xã, hoặc 'all' cho mọi xã)")
    edit["commune"] = nfc(edit["commune"])
    if isinstance(edit.get("criterion"), str):
        edit["criterion"] = nfc(edit["criterion"])
    value = edit[action]
    if action == "done":
        if not isinstance(value, bool):
            _check_quarter(value, where, "done")
    elif action == "due":
        _check_quarter(value, where, "due")
    elif action == "shift":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(where, f"shift '{value}': phải là số quý nguyên, vd. 1 hoặc -2")
    else:  # dependencies
        if _is_all(edit.get("criterion")):
            raise _fail(where, f"'{action}' cần 'criterion' (tiêu chí phải chờ)")
        if value is None or _is_all(value):
            raise _fail(where, f"'{action}' cần một tiêu chí (tiêu chí được chờ), vd. 13")
    return edit


def scenario_from_dict(data: object, source: str = "", lines: tuple[int | None, ...] = ()) -> Scenario:
    """Check a scenario read from YAML (or built in code) and return it.

    >>> scenario_from_dict({"name": "a", "edits": [{"commune": "all", "criterion": 13, "shift": 1}]}).edits
    ({'commune': 'all', 'criterion': 13, 'shift': 1},)
    """
    where = source or "kịch bản"
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise _fail(where, "tệp kịch bản phải là một bảng với các khóa name, note, edits, parameters")
    unknown = [str(k) for k in data if k not in TOP_KEYS]
    if unknown:
        raise _fail(where, f"khóa không dùng được: {', '.join(unknown)}; các khóa: {', '.join(TOP_KEYS)}")
    edits_raw = data.get("edits") or []
    if not isinstance(edits_raw, list):
        raise _fail(where, "'edits' phải là một danh sách (mỗi dòng bắt đầu bằng '- ')")
    stub = Scenario(source=source, lines=tuple(lines))
    edits = tuple(_check_edit(e, stub.where(i)) for i, e in enumerate(edits_raw))
    params_raw = data.get("parameters") or {}
    if not isinstance(params_raw, Mapping):
        raise _fail(where, "'parameters' phải là một bảng, vd. {review_lag: 1}")
    params = {str(k): _check_parameter(str(k), v, f"{where}, parameters") for k, v in params_raw.items()}
    name = nfc(data.get("name")) or (Path(source).stem if source else "")
    return Scenario(name=name, note=nfc(data.get("note")), edits=edits, parameters=params,
                    source=source, lines=tuple(lines))


def _edit_lines(text: str) -> tuple[int | None, ...]:
    """The line (1-based) where each item of ``edits`` starts."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return ()
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "edits" and isinstance(value, yaml.SequenceNode):
            return tuple(item.start_mark.line + 1 for item in value.value)
    return ()


class _Loader(yaml.SafeLoader):
    """Safe YAML whose impossible dates ("2023-02-30") are YAML errors with a line."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(None, None, f"ngày không hợp lệ '{node.value}' ({exc})",
                                                node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def parse_scenario(text: str, source: str = "") -> Scenario:
    """Read a scenario from YAML text; a YAML error names the line.

    >>> parse_scenario("name: a\\nedits: [{commune: all, shift: 1}]").edits[0]["shift"]
    1
    """
    where = source or "kịch bản"
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
        lines = _edit_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", dòng {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UserError(f"{where}{line}: YAML không hợp lệ ({problem})", 1) from None
    return scenario_from_dict(data, source=source, lines=lines)


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file (``data/scenarios/*.yaml``)."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: không tìm thấy tệp kịch bản", 2)
    if path.is_dir():
        raise UserError(f"{path}: là thư mục, cần một tệp kịch bản .yaml", 2)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path}: tệp kịch bản phải là văn bản UTF-8", 1) from None
    return parse_scenario(text, source=str(path))


# --------------------------------------------------------------------- writing
def _yaml_value(value: object) -> object:
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text, one edit per line.

    >>> print(scenario_to_yaml(Scenario("Thử", edits=({"commune": "all", "criterion": 13, "shift": 1},),
    ...       parameters={"review_lag": 1})), end="")
    # Kịch bản ntm-analysis. Chạy: ntm scenario <tệp này>
    name: Thử
    edits:
    - {commune: all, criterion: 13, shift: 1}
    parameters: {review_lag: 1}
    """
    data: dict[str, Any] = {"name": scenario.name}
    if scenario.note:
        data["note"] = scenario.note
    data["edits"] = [{k: _yaml_value(v) for k, v in e.items()} for e in scenario.edits]
    data["parameters"] = {k: _yaml_value(v) for k, v in scenario.parameters.items()}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=200)
    return "# Kịch bản ntm-analysis. Chạy: ntm scenario <tệp này>\n" + body


def save_scenario(scenario: Scenario, path: Path | str) -> Path:
    """Write the scenario as YAML atomically (never under ``data/raw``)."""
    return write_text(path, scenario_to_yaml(scenario))


# --------------------------------------------------------------------- applying
class _Work:
    """Mutable copies of the tables a scenario edits."""

    def __init__(self, plan: Plan, scenario: Scenario):
        self.plan = plan
        self.scenario = scenario
        self.gaps = plan.gaps.copy()
        self.completions = plan.completions.copy()
        self.dependencies = plan.dependencies.copy()
        self.communes = plan.communes.copy()
        self.milestones = plan.milestones.copy()
        self.touched: set[str] = set()
        self._communes = {fold(c): c for c in plan.communes["commune"]}

    # ---------------------------------------------------------------- resolving
    def commune(self, written: object, where: str) -> str | None:
        """The plan's name of a commune (``None`` = every commune)."""
        if _is_all(written):
            return None
        key = fold(written)
        if key in self._communes:
            return self._communes[key]
        near = difflib.get_close_matches(key, list(self._communes), n=3, cutoff=0.5)
        names = ", ".join(self._communes[n] for n in near) or ", ".join(list(self._communes.values())[:5])
        raise _fail(where, f"không có xã '{written}' trong kế hoạch; gần nhất: {names}")

    def criteria(self, written: object, where: str, key: str = "criterion") -> tuple[str, ...] | None:
        """Criterion codes (``None`` = every criterion)."""
        if key == "criterion" and _is_all(written):
            return None
        cat = self.plan.catalogue
        m = cat.match(str(written))
        if not m.ok:
            near = ", ".join(m.suggestions or cat.suggest(written))
            raise _fail(where, f"không nhận ra tiêu chí '{written}' ({key}); gần nhất: {near}")
        return m.codes

    def select(self, commune: str | None, codes: tuple[str, ...] | None) -> np.ndarray:
        g = self.gaps
        mask = np.ones(len(g), dtype=bool)
        if commune is not None:
            mask &= (g["commune"] == commune).to_numpy()
        if codes is not None:
            mask &= g["criterion_code"].astype(str).isin(codes).to_numpy()
        return mask

    def _none_selected(self, commune: str | None, codes: tuple[str, ...] | None, where: str) -> UserError:
        cat = self.plan.catalogue
        what = ", ".join(cat.label(c) for c in codes) if codes else "nào"
        if commune is None:
            return _fail(where, f"không xã nào còn thiếu tiêu chí {what}")
        own = self.gaps.loc[self.gaps["commune"] == commune, "criterion_code"].astype(str)
        listed = ", ".join(cat.label(c) for c in dict.fromkeys(own)) or "không còn tiêu chí nào thiếu"
        return _fail(where, f"xã {commune} không thiếu tiêu chí {what}; tiêu chí còn thiếu của xã: {listed}")

    # ------------------------------------------------------------------ actions
    def done(self, commune, codes, value, where) -> None:
        mask = self.select(commune, codes)
        if not mask.any():
            raise self._none_selected(commune, codes, where)
        keys = self.gaps.loc[mask, ["commune", "criterion_code"]].drop_duplicates()
        c = self.completions
        ck = pd.MultiIndex.from_frame(c[["commune", "criterion_code"]].astype(str))
        kk = pd.MultiIndex.from_frame(keys.astype(str))
        kept = c.loc[~ck.isin(kk)]
        if value is False:
            self.completions = kept.reset_index(drop=True)
            return
        when = pd.NaT if value is True else parse_deadline(value).quarter
        written = DONE_WRITTEN if value is True else nfc(value)
        new = pd.DataFrame({
            "commune": pd.array(keys["commune"].to_numpy(), dtype="str"),
            "criterion_code": pd.array(keys["criterion_code"].astype(str).to_numpy(), dtype="str"),
            "done": pd.array([when] * len(keys), dtype=QDTYPE),
            "done_written": pd.array([written] * len(keys), dtype="str"),
            "note": pd.array([f"{DONE_WRITTEN}: {self.scenario.name}"] * len(keys), dtype="str"),
        })
        self.completions = pd.concat([kept, new[c.columns]], ignore_index=True) if len(kept) else new[c.columns]
        self.touched.add("completions")

    def due(self, commune, codes, value, where) -> None:
        mask = self.select(commune, codes)
        if not mask.any():
            raise self._none_selected(commune, codes, where)
        d = parse_deadline(value)
        g = self.gaps
        ords = _ordinals(g["due"])
        ords[mask] = d.quarter.ordinal
        g["due"] = _periods(ords)
        g["due_written"] = g["due_written"].mask(mask, nfc(value) if not isinstance(value, pd.Period) else str(value))
        g["due_source"] = g["due_source"].mask(mask, "year-only" if d.year_only else "item")
        self.touched.add("gaps")

    def shift(self, commune, codes, n, where) -> None:
        mask = self.select(commune, codes)
        whole = codes is None
        if not mask.any() and not whole:
            raise self._none_selected(commune, codes, where)
        if n == 0:
            return
        g = self.gaps
        g["due"] = _shifted(g["due"], mask, n, where, lambda i: f"xã {g['commune'].iat[i]}, tiêu chí "
                            f"{g['criterion_code'].iat[i]}")
        self.touched.add("gaps")
        if whole:  # the commune's own dossier deadline and milestones move too
            c = self.communes
            cm = np.ones(len(c), dtype=bool) if commune is None else (c["commune"] == commune).to_numpy()
            c["commune_due"] = _shifted(c["commune_due"], cm, n, where,
                                        lambda i: f"hạn hồ sơ của xã {c['commune'].iat[i]}")
            m = self.milestones
            mm = np.ones(len(m), dtype=bool) if commune is None else (m["commune"] == commune).to_numpy()
            m["due"] = _shifted(m["due"], mm, n, where, lambda i: f"mốc hồ sơ của xã {m['commune'].iat[i]}")
            self.touched.update({"communes", "milestones"})

    def add_dependency(self, commune, codes, on, where) -> None:
        rows = []
        for waiting in codes:
            for o in on:
                if waiting == o:
                    raise _fail(where, f"tiêu chí {waiting} không thể chờ chính nó")
                rows.append({"commune": commune or "", "waiting": waiting, "on": o, "when": "always",
                             "reason": f"{DONE_WRITTEN}: {self.scenario.name}", "source": SCENARIO_SOURCE})
        d = self.dependencies
        new = pd.DataFrame(rows).astype({c: "str" for c in ("commune", "waiting", "on", "when", "reason", "source")})
        for col in d.columns:
            if col not in new:
                new[col] = pd.array([""] * len(new), dtype="str")
        self.dependencies = pd.concat([d, new[d.columns]], ignore_index=True) if len(d) else new[d.columns]
        self.touched.add("dependencies")

    def remove_dependency(self, commune, codes, on, where) -> None:
        d = self.dependencies
        hit = (d["waiting"].astype(str).isin(codes) & d["on"].astype(str).isin(on)).to_numpy()
        scope = d["commune"].fillna("").astype(str).to_numpy()
        removed = 0
        if commune is None:
            drop = hit
        else:
            drop = hit & (scope == commune)
            glob = hit & (scope == "")
            if glob.any():  # a rule for every commune: keep it for the others only
                others = [c for c in self.plan.communes["commune"] if c != commune]
                spread = d.loc[glob].drop(columns="commune").merge(
                    pd.DataFrame({"commune": pd.array(others, dtype="str")}), how="cross")[d.columns]
                drop = drop | glob
                removed += int(glob.sum())
                d = pd.concat([d, spread], ignore_index=True)
                drop = np.concatenate([drop, np.zeros(len(spread), dtype=bool)])
        removed += int(drop.sum())
        self.dependencies = d.loc[~drop].reset_index(drop=True)
        g = self.gaps
        gm = self.select(commune, codes)
        w = g["waits_on"].fillna("").astype(str)
        changed = []
        for i in np.flatnonzero(gm):
            parts = [p.strip() for p in w.iat[i].replace(",", ";").split(";") if p.strip()]
            kept = [p for p in parts if p not in on]
            if len(kept) != len(parts):
                changed.append((i, ";".join(kept)))
        if changed:
            vals = w.to_numpy(dtype=object).copy()
            for i, v in changed:
                vals[i] = v
            g["waits_on"] = pd.array(vals, dtype="str")
            self.touched.add("gaps")
        if removed == 0 and not changed:
            who = "mọi xã" if commune is None else f"xã {commune}"
            raise _fail(where, f"không có quan hệ phụ thuộc nào ({who}: tiêu chí {', '.join(codes)} chờ "
                               f"{', '.join(on)}) để bỏ")
        self.touched.add("dependencies")

    def plan_out(self) -> Plan:
        tables: dict[str, Any] = {}
        for name in self.touched:
            tables[name] = getattr(self, name)
        meta = dict(self.plan.meta)
        meta["scenario"] = self.scenario.name
        return self.plan.with_tables(meta=meta, **tables)


def _ordinals(s: pd.Series) -> np.ndarray:
    return np.asarray(pd.array(s, dtype=QDTYPE).asi8, dtype=np.int64).copy()


def _periods(ords: np.ndarray) -> pd.arrays.PeriodArray:
    return pd.PeriodIndex.from_ordinals(ords, freq="Q-DEC").array


_LOW = pd.Period(year=MIN_YEAR, quarter=1, freq="Q").ordinal
_HIGH = pd.Period(year=MAX_YEAR, quarter=4, freq="Q").ordinal


def _shifted(s: pd.Series, mask: np.ndarray, n: int, where: str, what) -> pd.arrays.PeriodArray:
    ords = _ordinals(s)
    sel = mask & (ords != _NAT)
    new = ords[sel] + n
    bad = (new < _LOW) | (new > _HIGH)
    if bad.any():
        i = int(np.flatnonzero(sel)[np.argmax(bad)])
        target = pd.Period(ordinal=int(ords[i] + n), freq="Q-DEC")
        raise _fail(where, f"dời {n:+d} quý đưa {what(i)} từ {_ord_label(ords[i])} sang {target}, ngoài phạm vi "
                           f"hỗ trợ ({MIN_YEAR}–{MAX_YEAR})")
    ords[sel] = new
    return _periods(ords)


def _ord_label(ordinal: int) -> str:
    return str(pd.Period(ordinal=int(ordinal), freq="Q-DEC"))


def scenario_parameters(scenario: Scenario) -> dict[str, Any]:
    """The parameters a scenario sets (block first, then parameter edits in order).

    ``as_of`` is returned as a :class:`pandas.Timestamp` (or ``None``).

    >>> scenario_parameters(Scenario(edits=({"review_lag": 2},), parameters={"review_lag": 1}))
    {'review_lag': 2}
    """
    params = dict(scenario.parameters)
    for e in scenario.edits:
        for k in PARAMETERS:
            if k in e:
                params[k] = e[k]
    if "as_of" in params:
        params["as_of"] = None if params["as_of"] in (None, "") else pd.Timestamp(params["as_of"])
    return params


def apply_scenario(plan: Plan, scenario: Scenario) -> tuple[Plan, dict[str, Any]]:
    """A new plan with the scenario's edits applied in order, and its parameters.

    The baseline ``plan`` is never changed. The parameters dict holds only what the
    scenario sets (``review_lag``, ``as_of``); merge it over your defaults.
    Unknown communes or criteria, edits that select nothing and shifts past the
    supported years raise :class:`~ntm_analysis.errors.UserError` naming the edit.
    """
    work = _Work(plan, scenario)
    for i, edit in enumerate(scenario.edits):
        where = scenario.where(i)
        action = next(k for k in edit if k in ACTIONS or k in PARAMETERS)
        if action in PARAMETERS:
            continue
        commune = work.commune(edit["commune"], where)
        codes = work.criteria(edit.get("criterion"), where)
        value = edit[action]
        if action in ("add_dependency", "remove_dependency"):
            on = work.criteria(value, where, key=action)
            getattr(work, action)(commune, codes, on, where)
        else:
            getattr(work, action)(commune, codes, value, where)
    return work.plan_out(), scenario_parameters(scenario)


def apply_scenario_file(plan: Plan, path: Path | str) -> tuple[Plan, dict[str, Any]]:
    """:func:`load_scenario` then :func:`apply_scenario`: ``(new plan, parameters)``."""
    return apply_scenario(plan, load_scenario(path))


# --------------------------------------------------------------------- comparing
COMPARE_FIELDS = ("gaps", "finish", "recognition", "status")
COMPARE_COLUMNS = ["commune", *[f"{f}_{side}" for f in COMPARE_FIELDS for side in ("baseline", "scenario")],
                   "changed"]


def compare(baseline_projection: pd.DataFrame, scenario_projection: pd.DataFrame) -> pd.DataFrame:
    """Per commune, baseline beside scenario: gaps, finish, recognition, status, and ``changed``.

    Both frames are :func:`~ntm_analysis.analysis.projection.projection` results;
    rows follow the baseline's order (communes only in one side come last).

    >>> b = pd.DataFrame({"commune": ["A"], "gaps": [1], "finish": pd.array(["2023Q2"], dtype="period[Q-DEC]"),
    ...     "recognition": pd.array(["2023Q3"], dtype="period[Q-DEC]"), "status": ["on_track"]})
    >>> s = b.assign(recognition=pd.array(["2024Q1"], dtype="period[Q-DEC]"), status="at_risk")
    >>> row = compare(b, s).iloc[0]
    >>> row["status_baseline"], row["status_scenario"], bool(row["changed"])
    ('on_track', 'at_risk', True)
    """
    cols = ["commune", *COMPARE_FIELDS]
    b = baseline_projection[cols]
    s = scenario_projection[cols]
    if b["commune"].tolist() == s["commune"].tolist():  # the usual case: same communes, same order
        data: dict[str, Any] = {"commune": b["commune"].to_numpy()}
        for f in COMPARE_FIELDS:
            data[f"{f}_baseline"] = b[f].array
            data[f"{f}_scenario"] = s[f].array
        out = pd.DataFrame(data)
    else:
        out = b.merge(s, on="commune", how="outer", suffixes=("_baseline", "_scenario"), sort=False)
        order = {c: i for i, c in enumerate(list(b["commune"]) + list(s["commune"]))}
        out = out.sort_values("commune", key=lambda x: x.map(order), kind="stable").reset_index(drop=True)
    changed = np.zeros(len(out), dtype=bool)
    for f in COMPARE_FIELDS:
        x, y = out[f"{f}_baseline"], out[f"{f}_scenario"]
        xn, yn = x.isna().to_numpy(), y.isna().to_numpy()
        eq = np.asarray((x.to_numpy(dtype=object) == y.to_numpy(dtype=object)), dtype=bool)
        changed |= ~((eq & ~xn & ~yn) | (xn & yn))
    out["changed"] = changed
    out["commune"] = out["commune"].astype("str")
    for side in ("baseline", "scenario"):
        out[f"gaps_{side}"] = out[f"gaps_{side}"].astype("Int64")
    return out[COMPARE_COLUMNS]


CHANGE_KINDS = ("done", "undone", "due", "dependency_added", "dependency_removed", "commune_due", "parameter")


def _q(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def diff_edits(baseline: Plan, scenario_plan: Plan, baseline_params: Mapping | None = None,
               scenario_params: Mapping | None = None) -> pd.DataFrame:
    """What a scenario changed, read from the two plans (not from the edits).

    Columns ``commune, criterion_code, criterion, change`` (one of
    :data:`CHANGE_KINDS`), ``baseline, scenario`` (values as text: quarters like
    ``2023Q3``, "" for none).

    >>> # diff_edits(plan, apply_scenario(plan, s)[0])
    """
    from .analysis.dependencies import applicable_rules
    from .analysis.gaps import completed_mask

    cat = baseline.catalogue
    rows: list[dict] = []

    def add(commune: str, code: str, change: str, before: str, after: str) -> None:
        name = cat.name(code) if code in cat.codes else code
        rows.append({"commune": commune, "criterion_code": code, "criterion": name, "change": change,
                     "baseline": before, "scenario": after})

    bg, sg = baseline.gaps, scenario_plan.gaps
    key = ["commune", "criterion_code"]
    m = bg[key + ["due"]].merge(sg[key + ["due"]], on=key, how="outer", suffixes=("_b", "_s"))
    for r in m.itertuples(index=False):
        if _q(r.due_b) != _q(r.due_s):
            add(r.commune, str(r.criterion_code), "due", _q(r.due_b), _q(r.due_s))
    as_of_b = (baseline_params or {}).get("as_of")
    as_of_s = (scenario_params or {}).get("as_of")
    db = completed_mask(bg, baseline.completions, as_of_b).to_numpy()
    ds = completed_mask(sg, scenario_plan.completions, as_of_s).to_numpy()
    sd = dict(zip(zip(sg["commune"], sg["criterion_code"].astype(str)), ds))
    for (c, code), was in zip(zip(bg["commune"], bg["criterion_code"].astype(str)), db):
        now = sd.get((c, code), was)
        if was != now:
            add(c, code, "done" if now else "undone", "", "")
    rb = applicable_rules(baseline)[["commune", "waiting", "on"]]
    rs = applicable_rules(scenario_plan)[["commune", "waiting", "on"]]
    both = rb.merge(rs, how="outer", indicator="side")
    for c, waiting, on, side in zip(both["commune"], both["waiting"], both["on"], both["side"]):
        if side == "left_only":
            add(c, waiting, "dependency_removed", on, "")
        elif side == "right_only":
            add(c, waiting, "dependency_added", "", on)
    cb = baseline.communes.set_index("commune")["commune_due"]
    cs = scenario_plan.communes.set_index("commune")["commune_due"]
    for c in cb.index:
        if c in cs.index and _q(cb[c]) != _q(cs[c]):
            add(c, "", "commune_due", _q(cb[c]), _q(cs[c]))
    bp, sp = dict(baseline_params or {}), dict(scenario_params or {})
    for k in PARAMETERS:
        before, after = bp.get(k), sp.get(k, bp.get(k))
        if _param_text(before) != _param_text(after):
            rows.append({"commune": "", "criterion_code": "", "criterion": k, "change": "parameter",
                         "baseline": _param_text(before), "scenario": _param_text(after)})
    cols = ["commune", "criterion_code", "criterion", "change", "baseline", "scenario"]
    out = pd.DataFrame(rows, columns=cols)
    order = {c: i for i, c in enumerate(baseline.communes["commune"])}
    out = out.assign(_c=out["commune"].map(order).fillna(-1),
                     _k=out["criterion_code"].map(lambda c: cat.order(c) if c in cat.codes else -1))
    return out.sort_values(["_c", "_k"], kind="stable").drop(columns=["_c", "_k"]).reset_index(drop=True).astype(
        {c: "str" for c in cols})


def _param_text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    return str(v)


def run_scenario(plan: Plan, scenario: Scenario, review_lag: int = 0, as_of: object = None,
                 baseline_projection: pd.DataFrame | None = None) -> dict[str, Any]:
    """Apply a scenario and project both sides.

    Returns ``plan`` (the scenario plan), ``params`` (the parameters used for the
    scenario side), ``baseline`` and ``projection`` (projections), ``comparison``
    (:func:`compare`). The baseline uses ``review_lag`` and ``as_of``; the scenario
    side uses them unless the scenario sets its own.
    """
    from .analysis.projection import projection

    base_params = {"review_lag": review_lag, "as_of": None if as_of is None else pd.Timestamp(as_of)}
    new, params = apply_scenario(plan, scenario)
    used = {**base_params, **params}
    base = projection(plan, **base_params) if baseline_projection is None else baseline_projection
    proj = projection(new, review_lag=int(used["review_lag"]), as_of=used["as_of"])
    return {"plan": new, "params": used, "baseline_params": base_params, "baseline": base,
            "projection": proj, "comparison": compare(base, proj)}
