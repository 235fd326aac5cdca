"""Synthetic plans of any size, for benchmarks and scale tests.

The mix follows the 2023 Tứ Kỳ plan: most communes aim at the advanced set, some at
the model set; 0–6 gaps each with criterion 13 (OCOP) and 8 most common; about half
the deadlines are the item's own quarter, some year-only, some the commune's, some
none; criteria written with the aliases and typos plans use; OCOP candidates for
communes missing criterion 13. Deterministic for a given seed.

>>> tables, meta = synthetic_tables(50, seed=1)
>>> len(tables["communes"]), bool(tables["items"]["commune"].isin(tables["communes"]["commune"]).all())
(50, True)
>>> plan = synthetic_plan(50, seed=1)
>>> len(plan.communes)
50
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .core.errors import PlanError
from .criteria.catalogue import load_catalogue
from .tables.plan import Plan

SYLLABLES = ["An", "Bình", "Hưng", "Đạo", "Tân", "Kỳ", "Minh", "Đức", "Quang", "Phục", "Ngọc", "Văn", "Tố",
             "Phương", "Nguyên", "Giáp", "Dân", "Chủ", "Đại", "Hợp", "Khải", "Trung", "Quảng", "Nghiệp",
             "Hà", "Thanh", "Sơn", "Lạc", "Hòa", "Phú", "Thịnh", "Long", "Mỹ", "Lộc", "Vĩnh", "Xuân"]
# how often each criterion is missing (criterion 13 and 8 most, like the 2023 plan)
WEIGHTS = {"1": 1, "2": 6, "3": 1, "4": 1, "5": 9, "6": 6, "7": 1, "8": 9, "9": 1, "10": 2, "11": 2,
           "12": 1, "13": 13, "14": 9, "15": 3, "16": 2, "17": 3, "18": 2, "19": 3}
PRODUCTS = ["Dưa chuột", "Nấm", "Chuối tiêu", "Bánh chưng", "Gạo nếp", "Mật ong", "Vải thiều", "Rau an toàn"]


def _names(n: int, rng: np.random.Generator) -> list[str]:
    first = rng.choice(SYLLABLES, n)
    second = rng.choice(SYLLABLES, n)
    return [f"{a} {b} {i + 1}" for i, (a, b) in enumerate(zip(first, second))]


def synthetic_tables(n_communes: int, seed: int = 0, year: int = 2023) -> tuple[dict[str, pd.DataFrame], dict]:
    """Workbook-shaped tables (schema keys) for ``n_communes`` communes.

    >>> tables, meta = synthetic_tables(20, seed=1)
    >>> len(tables["communes"]), sorted(tables)
    (20, ['communes', 'items', 'matrix', 'milestones', 'ocop'])
    """
    rng = np.random.default_rng(seed)  # one stream, drawn in a fixed order: same seed, same plan
    cat = load_catalogue()
    communes, model = _communes(n_communes, rng, year)
    names = np.array(communes["commune"], dtype=object)
    items = _items(names, model, rng, year, cat)
    milestones = _milestones(names, rng, year)
    ocop = _ocop(items, rng, cat)
    matrix = _model_matrix(names, model, items, cat)
    meta = {"district": f"Huyện tổng hợp ({n_communes} xã)", "province": "Tổng hợp", "plan_year": year,
            "catalogue": cat.id, "plan_title": f"Kế hoạch tổng hợp {n_communes} xã (seed {seed})"}
    return {"communes": communes, "items": items, "milestones": milestones, "ocop": ocop, "matrix": matrix}, meta


def _communes(n: int, rng: np.random.Generator, year: int) -> tuple[pd.DataFrame, np.ndarray]:
    names = _names(n, rng)
    model = rng.random(n) < 0.15
    communes = pd.DataFrame({
        "commune": names,
        "plan_section": np.where(model, "2.2", "2.1"),
        "target_level": np.where(model, "kiểu mẫu", "nâng cao"),
        "target_year": year,
        "original_target_year": np.where(rng.random(n) < 0.3, year - 1, year),
    })
    return communes, model


def _items(names: np.ndarray, model: np.ndarray, rng: np.random.Generator, year: int, cat) -> pd.DataFrame:
    """0–6 distinct criteria per commune (weighted), in the plan's spellings, 55 % with a
    quarter, 15 % with a year only; a model requirement for most model communes."""
    n_communes = len(names)
    codes = np.array(list(WEIGHTS))
    p = np.array(list(WEIGHTS.values()), dtype=float)
    p /= p.sum()
    n_gaps = rng.integers(0, 7, n_communes)
    picks = rng.choice(len(codes), size=(n_communes, 6), p=p)
    chosen = []  # distinct criteria per commune: the first occurrence of each pick
    for i, k in enumerate(n_gaps):
        seen = list(dict.fromkeys(picks[i]))[:k]
        chosen.extend((i, codes[j]) for j in seen)
    idx = np.array([c[0] for c in chosen], dtype=int)
    crit = np.array([c[1] for c in chosen])
    spellings = {c: [cat.name(c)] + [a for a, code in cat.aliases.items() if code == c][:3] for c in codes}
    written = [spellings[c][rng.integers(0, len(spellings[c]))] for c in crit]
    kind = rng.random(len(crit))
    quarter = rng.integers(1, 5, len(crit))
    due = np.where(kind < 0.55, [f"{year}Q{q}" for q in quarter], "")
    due_written = np.where(kind < 0.55, [f"quý {'I' * q if q < 4 else 'IV'}/{year}" for q in quarter],
                           np.where(kind < 0.7, f"trong năm {year}", ""))
    items = pd.DataFrame({"commune": names[idx], "criterion_written": written,
                          "due_written": due_written, "due": due})
    km = np.flatnonzero(model & (rng.random(n_communes) < 0.7))
    return pd.concat([items, pd.DataFrame({
        "commune": names[km], "criterion_written": "Mô hình thôn thông minh",
        "due_written": "", "due": "", "requirement": "kiểu mẫu"})], ignore_index=True)


def _model_matrix(names: np.ndarray, model: np.ndarray, items: pd.DataFrame, cat) -> pd.DataFrame:
    """The model communes' rows of the matrix, as plans state them: each model requirement
    'Chưa đạt' where an item lists it, else 'Đạt' (derived ones are left to the criteria)."""
    codes = [c for c in cat.model_codes if c not in set(cat.derived_codes)]
    listed = set(zip(items["commune"], items["criterion_written"].map(lambda w: cat.match(w).codes)))
    rows = names[model]
    data = {"commune": rows}
    for code in codes:
        data[cat.label(code)] = ["Chưa đạt" if (n, (code,)) in listed else "Đạt" for n in rows]
    return pd.DataFrame(data)


def _milestones(names: np.ndarray, rng: np.random.Generator, year: int) -> pd.DataFrame:
    has_milestone = rng.random(len(names)) < 0.5
    mq = rng.integers(2, 5, len(names))
    return pd.DataFrame({
        "commune": names[has_milestone],
        "milestone": "Hoàn thiện hồ sơ đề nghị thẩm tra, thẩm định",
        "due_written": [f"quý {'I' * q if q < 4 else 'IV'}/{year}" for q in mq[has_milestone]],
        "due": [f"{year}Q{q}" for q in mq[has_milestone]],
        "applies_to_items": "có",
    })


def _ocop(items: pd.DataFrame, rng: np.random.Generator, cat) -> pd.DataFrame:
    """A product chosen (60 %) or none for every commune missing the OCOP criterion."""
    ocop_code = (cat.ocop_criterion,)
    ocop_communes = items.loc[items["criterion_written"].map(lambda w: cat.match(w).codes == ocop_code), "commune"]
    ocop_communes = ocop_communes.drop_duplicates().to_numpy()
    chosen_product = rng.random(len(ocop_communes)) < 0.6
    return pd.DataFrame({
        "commune": ocop_communes,
        "product": np.where(chosen_product, rng.choice(PRODUCTS, len(ocop_communes)), ""),
        "status": np.where(chosen_product, "đã chọn", "chưa có"),
        "target_stars": np.where(chosen_product, 3, None),
    })


def synthetic_plan(n_communes: int, seed: int = 0, year: int = 2023) -> Plan:
    """A loaded :class:`Plan` built from :func:`synthetic_tables`."""
    from .load.api import plan_from_tables

    tables, meta = synthetic_tables(n_communes, seed, year)
    plan, issues = plan_from_tables(tables, meta)
    if plan is None:
        raise PlanError([i for i in issues if i.severity == "error"], "synthetic")
    return plan


def write_synthetic_workbook(path: Path | str, n_communes: int, seed: int = 0, district: str | None = None) -> Path:
    """Write a synthetic plan as a workbook in the package layout (of ``district`` when
    named: a province's workbooks each name their own)."""
    from .io.workbook import write_workbook

    tables, meta = synthetic_tables(n_communes, seed)
    if district:
        meta = {**meta, "district": district}
    tables.pop("matrix")  # the writer derives the whole matrix from the items, model rows included
    return write_workbook(path, tables, meta)
