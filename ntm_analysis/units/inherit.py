"""What each 2025 commune inherits: the open gaps of the former units it was made of.

One row per (2025 commune, criterion): ``commune`` and ``commune_code`` (the 2025 unit),
``former_commune`` (the former units that hold the gap, earliest deadline first),
``criterion_code``, ``criterion``, ``due`` (the latest of their deadlines: the new commune
meets the criterion when its last part does; empty when one of them has none),
``former_due`` (each former unit's deadline in words) and ``split`` (a holder was split
between new communes: its gap goes to each of them).

>>> from ntm_analysis import load_plan
>>> g = inherited_gaps(load_plan())
>>> g[g["commune"] == "Chí Minh"][["former_commune", "criterion_code"]].values.tolist()
[['Văn Tố', '2'], ['Văn Tố', '5'], ['Văn Tố', '13']]
"""
from __future__ import annotations

import pandas as pd

from ..analysis.gaps import open_gaps
from ..core.quarters import format_quarter
from .match import units_table


def inherited_gaps(plan, table: pd.DataFrame | None = None, as_of=None, lang: str = "vi") -> pd.DataFrame:
    """The gaps each 2025 commune inherits (see the module); ``table`` is the plan's
    :func:`~.match.units_table` (computed when not given)."""
    table = units_table(plan, lang=lang) if table is None else table
    parts = table[table["commune_2025"] != ""][["commune_id", "commune_2025", "code_2025", "split"]]
    g = open_gaps(plan, as_of)
    cols = ["commune_id", "commune", "requirement", "criterion_code", "criterion_order", "criterion", "due"]
    m = g[cols].merge(parts, on="commune_id")
    m = m.sort_values(["code_2025", "criterion_order", "due", "commune"], na_position="last", kind="stable")
    rows = []
    keys = ["code_2025", "commune_2025", "requirement", "criterion_code", "criterion_order", "criterion"]
    for (code, name, requirement, criterion_code, order, criterion), grp in m.groupby(keys, sort=False):
        undated = grp["due"].isna().any()
        rows.append({
            "commune": name, "commune_code": code, "former_commune": ", ".join(grp["commune"]),
            "requirement": requirement, "criterion_code": criterion_code, "criterion_order": order,
            "criterion": criterion,
            "due": pd.NaT if undated else grp["due"].max(),
            "former_due": "; ".join(f"{c}: {format_quarter(d, lang)}"
                                    for c, d in zip(grp["commune"], grp["due"])),
            "split": bool(grp["split"].any()),
        })
    out = pd.DataFrame(rows, columns=["commune", "commune_code", "former_commune", "requirement", "criterion_code",
                                      "criterion_order", "criterion", "due", "former_due", "split"])
    out["due"] = pd.array(out["due"], dtype="period[Q-DEC]") if len(out) else out["due"]
    return out.sort_values(["commune_code", "criterion_order"], kind="stable").drop(columns="criterion_order") \
        .reset_index(drop=True)


__all__ = ["inherited_gaps"]
