"""ntm-analysis: plan a district's communes to the NTM nâng cao and kiểu mẫu standards.

>>> from ntm_analysis import load_plan
>>> plan = load_plan()           # the embedded 2023 Tứ Kỳ plan
>>> len(plan.communes)
13
"""
from __future__ import annotations

#: the distribution this package is installed as (``pip install ntm-analysis``), and its version
DISTRIBUTION = "ntm-analysis"
__version__ = "0.1.0"


def load_plan(path=None, **kwargs):
    """Load a plan workbook (default: the embedded 2023 Tứ Kỳ plan). See :mod:`.load.api`."""
    from .load.api import load_plan as _load

    return _load(path, **kwargs)


__all__ = ["load_plan", "DISTRIBUTION", "__version__"]
