"""Analyses of a plan: pure functions, a :class:`~ntm_analysis.plan.Plan` in, a new DataFrame out.

>>> from ntm_analysis import load_plan
>>> from ntm_analysis.analysis import gaps_by_criterion, projection
>>> plan = load_plan()
>>> top = gaps_by_criterion(plan).iloc[0]
>>> top["criterion_code"], int(top["communes"])
('13', 9)
>>> projection(plan).set_index("commune").loc["Minh Đức", "status"]
'unscheduled'
"""
from __future__ import annotations

from .dependencies import (OCOP_CRITERION, applicable_rules, dependency_edges, ocop_status,
                           propagate_deadlines)
from .gaps import (GAP_VIEWS, as_of_quarter, completed_mask, gaps_by_commune, gaps_by_criterion,
                   gaps_by_department, gaps_by_section, open_gaps, unlocks)
from .ocop import ocop_summary, ocop_totals
from .projection import STATUSES, projection, unlisted_model_requirements
from .quality import quality
from .workload import BY as WORKLOAD_BY
from .workload import overdue_gaps, workload

__all__ = [
    "OCOP_CRITERION", "applicable_rules", "dependency_edges", "ocop_status", "propagate_deadlines",
    "GAP_VIEWS", "as_of_quarter", "completed_mask", "gaps_by_commune", "gaps_by_criterion",
    "gaps_by_department", "gaps_by_section", "open_gaps", "unlocks",
    "ocop_summary", "ocop_totals", "STATUSES", "projection", "unlisted_model_requirements",
    "quality", "WORKLOAD_BY", "overdue_gaps", "workload",
]
