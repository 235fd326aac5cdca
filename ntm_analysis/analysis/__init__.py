"""Analyses of a plan: pure functions, a Plan (or its shared :class:`Analysis`) in, a new
DataFrame out. Lists are tuples and quarters Periods; the displays format them.

>>> from ntm_analysis import load_plan
>>> plan = load_plan()
>>> top = gaps_by_criterion(plan).iloc[0]
>>> top["criterion_code"], int(top["communes"])
('13', 9)
>>> projection(plan).set_index("commune").loc["Minh Đức", "status"]
'unscheduled'
"""
from __future__ import annotations

from .dependencies import applicable_rules, dependency_edges, ocop_status, propagate_deadlines
from .gaps import (GAP_VIEWS, gaps_by_commune, gaps_by_criterion, gaps_by_department, gaps_by_section,
                   open_gaps, unlocks)
from .matrix import matrix_cells, status_counts, totals, unlisted_model_requirements
from .ocop import ocop_summary, ocop_totals
from .projection import STATUSES, projection
from .quality import quality
from .run import Analysis, analyse
from .workload import BY as WORKLOAD_BY
from .workload import overdue_gaps, workload

__all__ = [
    "Analysis", "analyse", "applicable_rules", "dependency_edges", "ocop_status", "propagate_deadlines",
    "GAP_VIEWS", "gaps_by_commune", "gaps_by_criterion", "gaps_by_department", "gaps_by_section", "open_gaps",
    "unlocks", "matrix_cells", "status_counts", "totals", "ocop_summary", "ocop_totals", "STATUSES", "projection",
    "unlisted_model_requirements", "quality", "WORKLOAD_BY", "overdue_gaps", "workload",
]
