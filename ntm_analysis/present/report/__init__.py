"""The briefing pack, one module a job: the tables and findings (:mod:`.briefing`), the
charts (:mod:`.charts`), the Excel workbook (:mod:`.xlsx`), the slides (:mod:`.pptx`),
the Markdown summary (:mod:`.markdown`), and writing it all or nothing (:mod:`.build`).
"""
from __future__ import annotations

from .briefing import COLUMNS, Briefing, headline, meta_rows, prepare, quality_kinds, sheet_name
from .build import FILES, build_report
from .charts import CHART_FILES, draw, write_charts
from .markdown import summary_markdown
from .pptx import write_deck
from .xlsx import write_workbook

__all__ = ["COLUMNS", "Briefing", "headline", "meta_rows", "prepare", "quality_kinds", "sheet_name", "FILES",
           "build_report", "CHART_FILES", "draw", "write_charts", "summary_markdown", "write_deck", "write_workbook"]
