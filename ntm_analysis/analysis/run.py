"""One shared analysis of a plan: the open gaps, OCOP status, the rules in force, the
deadlines after dependencies and the projection are each computed once, when first
asked for, and handed to every view, the briefing pack and the what-if widget.

>>> from ntm_analysis import load_plan
>>> run = analyse(load_plan())
>>> run is analyse(run.plan), len(run.open_gaps), run.ocop_criterion
(True, 44, '13')
"""
from __future__ import annotations

from functools import cached_property
from typing import Any, Union

import numpy as np
import pandas as pd

from ..core.quarters import NAT, as_of_quarter, to_ordinals
from ..tables.plan import Plan
from . import kernels as K

AsOf = Union[pd.Timestamp, str, pd.Period, None]


def analyse(plan: "Plan | Analysis", as_of: AsOf = None) -> "Analysis":
    """The shared analysis of ``plan`` at ``as_of`` (kept with the plan: asking twice
    computes nothing twice). An :class:`Analysis` passes through."""
    if isinstance(plan, Analysis):
        q = as_of_quarter(as_of)
        return plan if q is None or q == plan.as_of else analyse(plan.plan, q)
    q = as_of_quarter(as_of)
    key = None if q is None else q.ordinal
    run = plan._runs.get(key)
    if run is None:
        run = plan._runs[key] = Analysis(plan, q)
    return run


class Analysis:
    """What every view of one plan at one as-of quarter shares. Build it with
    :func:`analyse`."""

    def __init__(self, plan: Plan, as_of: pd.Period | None = None):
        self.plan = plan
        self.as_of = as_of
        self._projections: dict[int, pd.DataFrame] = {}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute):
        """``compute()`` once for this run (a view shared by several others; never change it)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # ------------------------------------------------------------ the plan
    @property
    def catalogue(self):
        return self.plan.catalogue

    @property
    def ocop_criterion(self) -> str | None:
        return self.plan.catalogue.ocop_criterion

    @cached_property
    def commune_index(self) -> pd.Index:
        """The communes' ids in plan order."""
        return pd.Index(self.plan.communes["commune_id"].to_numpy(dtype=object))

    @cached_property
    def gap_commune(self) -> np.ndarray:
        """Each gap's commune position (-1 for a commune the plan does not have)."""
        return K.positions(self.plan.gaps["commune_id"], self.commune_index)

    # ------------------------------------------------------------ done and open
    @cached_property
    def done(self) -> np.ndarray:
        """Per row of ``plan.gaps``: recorded done (by the as-of quarter when there is one).
        A completion without a readable date counts as done."""
        c = self.plan.completions
        g = self.plan.gaps
        if c.empty or g.empty:
            return np.zeros(len(g), dtype=bool)
        if self.as_of is not None:
            when = to_ordinals(c["done"])
            c = c.loc[(when == NAT) | (when <= self.as_of.ordinal)]
        keys = pd.Index(c["commune_id"].astype(object) + "|" + c["criterion_code"].astype(object))
        return keys.unique().get_indexer(g["gap_id"].to_numpy(dtype=object)) >= 0

    @cached_property
    def open_gaps(self) -> pd.DataFrame:
        """``plan.gaps`` without the gaps done, in the plan's order."""
        g = self.plan.gaps
        return g.loc[~self.done].reset_index(drop=True) if self.done.any() else g

    @cached_property
    def open_commune(self) -> np.ndarray:
        return K.positions(self.open_gaps["commune_id"], self.commune_index)

    @cached_property
    def departments(self) -> np.ndarray:
        """Each gap's lead department (object array); a blank one falls back to the
        catalogue's default."""
        g = self.plan.gaps
        default = dict(zip(self.catalogue.criteria["code"], self.catalogue.criteria["department"]))
        dc, du = K.codes(g["department"])
        kc, ku = K.codes(g["criterion_code"])
        uniq, at, pair = np.unique(dc * (len(ku) + 1) + kc, return_index=True, return_inverse=True)
        names = [du[dc[i]] if str(du[dc[i]]).strip() else default.get(ku[kc[i]], "") for i in at.tolist()]
        return np.array(names, dtype=object)[pair] if len(names) else np.zeros(0, dtype=object)

    # ------------------------------------------------------------ dependencies
    @cached_property
    def ocop_status(self) -> pd.DataFrame:
        from .dependencies import _ocop_status

        return _ocop_status(self)

    @cached_property
    def rules(self) -> pd.DataFrame:
        from .dependencies import _rules

        return _rules(self)

    @cached_property
    def propagated(self) -> pd.DataFrame:
        from .dependencies import propagate

        return propagate(self)

    # ------------------------------------------------------------ projection
    def projection(self, review_lag: int = 0) -> pd.DataFrame:
        """:func:`~ntm_analysis.analysis.projection.projection` for this run, once per lag."""
        if review_lag not in self._projections:
            from .projection import project

            self._projections[review_lag] = project(self, review_lag)
        return self._projections[review_lag]


def run_of(plan: Any, as_of: AsOf = None) -> Analysis:
    """The analysis a view works on: ``plan`` is a Plan or an :class:`Analysis`."""
    return analyse(plan, as_of)
