"""Charts shared by the notebooks and the briefing pack, one module per chart family.

Every chart is a function ``chart(data..., ax=None, lang="vi") -> Axes``: it takes the
analyses' own results (or the plan), draws on ``ax`` (a new 16:9-friendly figure with
constrained layout when ``ax`` is None) and returns the Axes. Labels are Vietnamese by
default, English with ``lang="en"``; colours come from colour-blind-safe palettes
(Okabe–Ito, Paul Tol "muted", viridis). Firm deadlines are drawn solid, inferred ones
(a year or a half year only) hatched or hollow. The style (:mod:`.style`) applies while a chart is
drawn; importing this package changes no Matplotlib default.
"""
from __future__ import annotations

from .bars import blocking_criteria, communes_by_gaps
from .matrix import status_matrix
from .ocop import ocop_dependencies
from .projection import finish_firmness, projection_timeline
from .scenario import scenario_comparison
from .style import (MET_COLOUR, NA_COLOUR, DONE_COLOUR, UNDATED_COLOUR, STYLE, close, quarter_colours, save,
                    status_label, text_colour)
from .indicators import indicator_distances
from .units import inherited_matrix
from .workload import workload_by_department

__all__ = ["blocking_criteria", "communes_by_gaps", "status_matrix", "ocop_dependencies", "finish_firmness",
           "projection_timeline", "scenario_comparison", "workload_by_department", "close", "save",
           "quarter_colours", "status_label", "text_colour", "STYLE", "MET_COLOUR", "NA_COLOUR", "DONE_COLOUR",
           "UNDATED_COLOUR", "indicator_distances", "inherited_matrix"]
