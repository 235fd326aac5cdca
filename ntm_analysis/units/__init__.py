"""Official administrative units and the 2025 communes: each commune of a plan matched
to its official unit (:mod:`.match`, from the library :mod:`.library`), followed through
its lineage steps (:mod:`.lineage`, user files in :mod:`.files`) to the commune(s) of
2025, and what each 2025 commune inherits (:mod:`.inherit`).

>>> from ntm_analysis import load_plan
>>> units = units_table(load_plan())
>>> sorted(set(units["commune_2025"]))
['Chí Minh', 'Lạc Phượng', 'Nguyên Giáp', 'Tân Kỳ', 'Tứ Kỳ', 'Đại Sơn']
"""
from __future__ import annotations

from .inherit import inherited_gaps
from .lineage import Lineage, default_lineage
from .match import Match, match_unit, unit_findings, unit_warnings, units_table

__all__ = ["Lineage", "Match", "default_lineage", "inherited_gaps", "match_unit", "unit_findings", "unit_warnings",
           "units_table"]
