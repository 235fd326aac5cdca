"""Apply a scenario's edits to a copy of a plan (the baseline never changes).

Communes are found as everywhere else (``Xã Minh Đức`` is Minh Đức; ``all``, ``mọi
xã``, ``toàn huyện`` mean every commune), criteria through the catalogue (names,
aliases, numbers). An unknown name, an edit that selects nothing and a shift past the
supported years are a :class:`~ntm_analysis.core.errors.UserError` naming the edit.

>>> from ntm_analysis import load_plan
>>> from ntm_analysis.scenario.model import scenario_from_dict
>>> plan = load_plan()
>>> s = scenario_from_dict({"name": "x", "edits": [{"commune": "Xã Hưng Đạo", "criterion": "Văn hóa", "done": True}]})
>>> new, params = apply_scenario(plan, s)
>>> len(new.completions), len(plan.completions)
(1, 0)
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..core.names import CommuneIndex, is_all, nfc
from ..core.quarters import MAX_YEAR, MIN_YEAR, NAT, code_text, from_ordinals, ordinal, parse_deadline, to_ordinals
from ..core.vocab import DueSource, RuleSource
from ..i18n import t
from ..tables import contract
from ..tables.plan import Plan, gap_id
from .model import ACTIONS, DONE_WRITTEN, PARAMETERS, Scenario, action_of, fail, scenario_parameters

_LOW, _HIGH = ordinal(MIN_YEAR, 1), ordinal(MAX_YEAR, 4)


class _Work:
    """Copies of the tables a scenario edits, and how it finds communes and criteria."""

    def __init__(self, plan: Plan, scenario: Scenario):
        self.plan, self.scenario = plan, scenario
        self.gaps = plan.gaps.copy()
        self.completions = plan.completions
        self.dependencies = plan.dependencies
        self.communes = plan.communes.copy()
        self.milestones = plan.milestones.copy()
        self.touched: set[str] = set()
        self.index = CommuneIndex(plan.communes["commune"], plan.communes["commune_id"])

    # ---------------------------------------------------------------- resolving
    def commune(self, written: object, where: str) -> str | None:
        """The commune's id (``None`` = every commune)."""
        if is_all(written):
            return None
        cid = self.index.find(written)
        if cid is None:
            names = ", ".join(self.index.nearest(written)) or ", ".join(self.index.names[:5])
            raise fail(where, f"không có xã '{written}' trong kế hoạch; gần nhất: {names}")
        return cid

    def criteria(self, written: object, where: str, key: str = "criterion") -> tuple[str, ...] | None:
        """Criterion codes (``None`` = every criterion)."""
        if key == "criterion" and is_all(written):
            return None
        cat = self.plan.catalogue
        m = cat.match(str(written))
        if not m.ok:
            near = ", ".join(m.suggestions or cat.suggest(written))
            raise fail(where, f"không nhận ra tiêu chí '{written}' ({key}); gần nhất: {near}")
        return m.codes

    def select(self, commune: str | None, codes: tuple[str, ...] | None) -> np.ndarray:
        g = self.gaps
        mask = np.ones(len(g), dtype=bool)
        if commune is not None:
            mask &= (g["commune_id"] == commune).to_numpy()
        if codes is not None:
            mask &= g["criterion_code"].isin(codes).to_numpy()
        return mask

    def _none_selected(self, commune: str | None, codes: tuple[str, ...] | None, where: str):
        cat = self.plan.catalogue
        what = ", ".join(cat.label(c) for c in codes) if codes else "nào"
        if commune is None:
            return fail(where, f"không xã nào còn thiếu tiêu chí {what}")
        own = self.gaps.loc[self.gaps["commune_id"] == commune, "criterion_code"]
        listed = ", ".join(cat.label(c) for c in dict.fromkeys(own)) or "không còn tiêu chí nào thiếu"
        return fail(where, f"xã {self.index.name(commune)} không thiếu tiêu chí {what}; tiêu chí còn thiếu của xã: "
                           f"{listed}")

    def _selected(self, commune, codes, where) -> np.ndarray:
        mask = self.select(commune, codes)
        if not mask.any():
            raise self._none_selected(commune, codes, where)
        return mask

    # ------------------------------------------------------------------ actions
    def done(self, commune, codes, value, where) -> None:
        g = self.gaps.loc[self._selected(commune, codes, where)]
        c = self.completions
        kept = c.loc[~gap_id(c["commune_id"], c["criterion_code"]).isin(set(g["gap_id"]))]
        self.touched.add("completions")
        if value is False:
            self.completions = kept.reset_index(drop=True)
            return
        new = contract.frame("completions", {
            "commune_id": g["commune_id"].array, "commune": g["commune"].array,
            "criterion_code": g["criterion_code"].array,
            "done": [None if value is True else parse_deadline(value).quarter] * len(g),
            "done_written": DONE_WRITTEN if value is True else nfc(value),
            "note": f"{DONE_WRITTEN}: {self.scenario.name}",
        }, len(g))
        self.completions = pd.concat([kept, new], ignore_index=True) if len(kept) else new

    def due(self, commune, codes, value, where) -> None:
        mask = self._selected(commune, codes, where)
        d = parse_deadline(value)
        g = self.gaps
        ords = to_ordinals(g["due"])
        ords[mask] = d.quarter.ordinal
        g["due"] = from_ordinals(ords)
        g["due_written"] = g["due_written"].mask(mask, str(value) if isinstance(value, pd.Period) else nfc(value))
        g["due_source"] = g["due_source"].mask(mask, str(d.inferred or DueSource.ITEM))
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
            for name, column, what in (("communes", "commune_due", "hạn hồ sơ của xã"),
                                       ("milestones", "due", "mốc hồ sơ của xã")):
                t = getattr(self, name)
                sel = np.ones(len(t), dtype=bool) if commune is None else (t["commune_id"] == commune).to_numpy()
                t[column] = _shifted(t[column], sel, n, where, lambda i, t=t, what=what: f"{what} {t['commune'].iat[i]}")
                self.touched.add(name)

    def add_dependency(self, commune, codes, on, where) -> None:
        rows = []
        for waiting in codes:
            for o in on:
                if waiting == o:
                    raise fail(where, f"tiêu chí {waiting} không thể chờ chính nó")
                rows.append((waiting, o))
        new = contract.frame("dependencies", {
            "commune_id": commune or "", "commune": self.index.name(commune) if commune else "",
            "waiting": [r[0] for r in rows], "on": [r[1] for r in rows], "when": "always",
            "reason": f"{DONE_WRITTEN}: {self.scenario.name}", "source": RuleSource.SCENARIO}, len(rows))
        self.dependencies = pd.concat([self.dependencies, new], ignore_index=True)
        self.touched.add("dependencies")

    def remove_dependency(self, commune, codes, on, where) -> None:
        d = self.dependencies
        hit = (d["waiting"].isin(codes) & d["on"].isin(on)).to_numpy()
        scope = d["commune_id"].to_numpy(dtype=object)
        removed = 0
        if commune is None:
            drop = hit
        else:
            drop = hit & (scope == commune)
            every = hit & (scope == "")
            if every.any():  # a rule for every commune: keep it for the others only
                c = self.plan.communes
                others = c.loc[c["commune_id"] != commune, ["commune_id", "commune"]]
                spread = d.loc[every].drop(columns=["commune_id", "commune"]).merge(others, how="cross")[d.columns]
                removed += int(every.sum())
                drop = np.concatenate([drop | every, np.zeros(len(spread), dtype=bool)])
                d = pd.concat([d, spread], ignore_index=True)
        removed += int(drop.sum())
        self.dependencies = d.loc[~drop].reset_index(drop=True)
        g = self.gaps
        waits = g["waits_on"].to_numpy(dtype=object).copy()
        changed = 0
        for i in np.flatnonzero(self.select(commune, codes)):
            kept = tuple(p for p in waits[i] if p not in on)
            if kept != waits[i]:
                waits[i] = kept
                changed += 1
        if changed:
            g["waits_on"] = waits
            self.touched.add("gaps")
        if removed == 0 and not changed:
            who = "mọi xã" if commune is None else f"xã {self.index.name(commune)}"
            raise fail(where, f"không có quan hệ phụ thuộc nào ({who}: tiêu chí {', '.join(codes)} chờ "
                              f"{', '.join(on)}) để bỏ")
        self.touched.add("dependencies")

    def value(self, commune, codes, edit, where) -> None:
        """A measured value set (see the module); the criterion's gap done when every
        judged indicator of it is then met."""
        from ..analysis.indicators import indicator_status
        from ..core.names import fold
        from ..core.numbers import format_number, parse_number

        q = getattr(self, "quantities", self.plan.quantities).copy()
        wanted = fold(edit["indicator"])
        sel = np.array([wanted in fold(n) for n in q["indicator"]], dtype=bool)
        if commune is not None:
            sel &= (q["commune_id"] == commune).to_numpy()
        if codes is not None:
            sel &= q["criterion_code"].isin(codes).to_numpy()
        if not sel.any():
            own = q.loc[q["commune_id"] == commune, "indicator"] if commune is not None else q["indicator"]
            raise fail(where, t("msg.value_no_indicator", indicator=edit["indicator"],
                                known="; ".join(dict.fromkeys(own)) or "—"))
        number = parse_number(edit["value"])
        q["current"] = q["current"].mask(sel, number if number is not None else float("nan"))
        q["current_written"] = q["current_written"].mask(
            sel, (format_number(number) + (q["unit"] if number is not None else "")) if number is not None
            else nfc(edit["value"]))
        self.quantities = q
        self.touched.add("quantities")
        status = indicator_status(self.plan.with_tables(quantities=q))
        hit = q.loc[sel, ["commune_id", "criterion_code"]].drop_duplicates()
        for cid, code in hit.itertuples(index=False):
            s = status[(status["commune_id"] == cid) & (status["criterion_code"] == code)]
            judged = s["indicator_met"].dropna()
            if len(judged) and judged.all() and self.select(cid, (code,)).any():
                self.done(cid, (code,), edit.get("from", True), where)

    def plan_out(self) -> Plan:
        tables: dict[str, Any] = {name: getattr(self, name) for name in self.touched}
        meta = dict(self.plan.meta)
        meta["scenario"] = self.scenario.name
        return self.plan.with_tables(meta=meta, **tables)


def _shifted(s: pd.Series, mask: np.ndarray, n: int, where: str, what) -> pd.arrays.PeriodArray:
    """Quarters moved by ``n`` where ``mask`` (no date stays no date), within the years
    supported."""
    ords = to_ordinals(s)
    sel = mask & (ords != NAT)
    new = ords[sel] + n
    bad = (new < _LOW) | (new > _HIGH)
    if bad.any():
        i = int(np.flatnonzero(sel)[np.argmax(bad)])
        raise fail(where, f"dời {n:+d} quý đưa {what(i)} từ {code_text(int(ords[i]))} sang "
                          f"{code_text(int(ords[i] + n)) if abs(n) < 10**6 else n}, ngoài phạm vi "
                          f"hỗ trợ ({MIN_YEAR}–{MAX_YEAR})")
    ords[sel] = new
    return from_ordinals(ords)


def assume_undated(plan: Plan, quarter: object) -> Plan:
    """A copy of the plan where every item without a deadline is due in ``quarter``
    (any form :func:`~ntm_analysis.core.quarters.parse_deadline` reads), its deadline
    source ``assumed``; the plan's own words stay as written. ``None`` or "" changes nothing.

    >>> from ntm_analysis import load_plan
    >>> g = assume_undated(load_plan(), "quý III/2023").gaps.set_index("commune")
    >>> row = g.loc[(g.index == "Minh Đức") & (g["criterion_code"] == "19")].iloc[0]
    >>> str(row["due"]), row["due_source"], row["due_written"]
    ('2023Q3', 'assumed', '')
    """
    if quarter is None or quarter == "":
        return plan
    d = parse_deadline(quarter)
    g = plan.gaps.copy()
    undated = g["due"].isna().to_numpy()
    if not undated.any():
        return plan
    ords = to_ordinals(g["due"])
    ords[undated] = d.quarter.ordinal
    g["due"] = from_ordinals(ords)
    g["due_source"] = g["due_source"].mask(undated, str(DueSource.ASSUMED))
    return plan.with_tables(gaps=g)


def apply_scenario(plan: Plan, scenario: Scenario) -> tuple[Plan, dict[str, Any]]:
    """A new plan with the scenario's edits applied in order, and the parameters it sets
    (``review_lag``, ``as_of``, ``undated_as``: merge them over your defaults). With
    ``undated_as`` the undated items are first given that quarter (:func:`assume_undated`)."""
    plan = assume_undated(plan, scenario_parameters(scenario).get("undated_as"))
    work = _Work(plan, scenario)
    for i, edit in enumerate(scenario.edits):
        where = scenario.where(i)
        action = action_of(edit)
        if action in PARAMETERS:
            continue
        commune = work.commune(edit["commune"], where)
        codes = work.criteria(edit.get("criterion"), where)
        value = edit[action]
        if action in ("add_dependency", "remove_dependency"):
            getattr(work, action)(commune, codes, work.criteria(value, where, key=action), where)
        elif action == "value":
            work.value(commune, codes, edit, where)
        else:
            getattr(work, action)(commune, codes, value, where)
    return work.plan_out(), scenario_parameters(scenario)


__all__ = ["ACTIONS", "apply_scenario", "assume_undated"]
