"""What-if scenarios: the model (:mod:`.model`), applying one to a copy of a plan
(:mod:`.apply`), comparing it with the baseline (:mod:`.compare`). Scenario files are
read and written by :mod:`ntm_analysis.io.scenario_files`.
"""
from __future__ import annotations

from .apply import apply_scenario
from .compare import compare, diff_edits, run_scenario
from .model import Scenario, scenario_from_dict, scenario_parameters

__all__ = ["Scenario", "apply_scenario", "compare", "diff_edits", "run_scenario", "scenario_from_dict",
           "scenario_parameters"]
