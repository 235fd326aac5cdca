"""Private numpy helpers of the analyses: group codes, counts, first rows and lists per
group, so that every analysis costs time in proportion to the plan.

>>> ids, uniq = codes(["b", "a", "b"])
>>> ids.tolist(), uniq.tolist(), first_rows(ids).tolist()
([0, 1, 0], ['b', 'a'], [0, 1])
>>> lists(np.array([1, 0, 1, -1]), ["8", "13", "5", "x"], 3).tolist()
[('13',), ('8', '5'), ()]
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd


def objects(values: Any) -> np.ndarray:
    """Values as an object ndarray."""
    if isinstance(values, (pd.Series, pd.Index)):
        return values.to_numpy(dtype=object)
    if isinstance(values, pd.api.extensions.ExtensionArray):
        return np.asarray(values, dtype=object)
    if isinstance(values, np.ndarray):
        return values.astype(object, copy=False)
    return np.fromiter(values, dtype=object, count=len(values))  # a tuple stays one element


def codes(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """Group codes in order of first appearance (missing values are a group of their own)
    and the distinct values."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "iub":
        c, u = pd.factorize(values)
        return c.astype(np.int64, copy=False), u
    c, u = pd.factorize(objects(values), use_na_sentinel=False)
    return c.astype(np.int64, copy=False), np.asarray(u, dtype=object)


def positions(values: Any, index: pd.Index) -> np.ndarray:
    """Position of each value in ``index`` (-1 when absent)."""
    return index.get_indexer(objects(values)).astype(np.int64, copy=False)


def count(ids: np.ndarray, k: int, mask: np.ndarray | None = None) -> np.ndarray:
    """How many rows each group 0..k-1 has (rows with id -1 are left out)."""
    sel = ids >= 0 if mask is None else (ids >= 0) & mask
    return np.bincount(ids[sel], minlength=k).astype(np.int64)


def first_rows(ids: np.ndarray) -> np.ndarray:
    """Position of the first row of each group, for ``ids`` numbered in order of first
    appearance (-1 = no group)."""
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    m = np.maximum.accumulate(np.concatenate([[-1], ids]))
    return np.flatnonzero(m[1:] > m[:-1])


def lists(ids: np.ndarray, values: Sequence | np.ndarray, k: int, unique: bool = False) -> np.ndarray:
    """For groups 0..k-1, the ``values`` of each group's rows in row order, as tuples (an
    object array; ``()`` for a group with no row; rows with id -1 are left out)."""
    ids = np.asarray(ids, dtype=np.int64)
    vals = objects(values)
    keep = ids >= 0
    ids, vals = ids[keep], vals[keep]
    out = filled(k, ())
    if not len(ids):
        return out
    order = np.argsort(ids, kind="stable")
    ids, vals = ids[order], vals[order].tolist()
    starts = np.flatnonzero(np.concatenate([[True], ids[1:] != ids[:-1]]))
    bounds = starts.tolist() + [len(ids)]
    groups = [tuple(vals[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    if unique:
        groups = [tuple(dict.fromkeys(g)) if len(g) > 1 else g for g in groups]
    target = ids[starts]
    for i, g in zip(target.tolist(), groups):
        out[i] = g
    return out


def filled(n: int, value: object) -> np.ndarray:
    """An object array of ``n`` times ``value`` (a tuple stays one element)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def text(values: Any) -> pd.arrays.StringArray:
    """Python strings as a ``str`` column."""
    return pd.array(objects(values), dtype="str")


def spread(values: np.ndarray, at: np.ndarray, empty: object) -> np.ndarray:
    """``values[at]`` as an object array, ``empty`` where ``at`` is -1."""
    out = filled(len(at), empty)
    ok = at >= 0
    out[ok] = np.asarray(values, dtype=object)[at[ok]]
    return out


def rank_of(values: Any) -> np.ndarray:
    """The code-point sort rank of each distinct text (as pandas sorts text)."""
    c, u = codes(values)
    rank = np.empty(len(u), dtype=np.int64)
    rank[np.argsort(np.array([str(v) for v in u], dtype=object), kind="stable")] = np.arange(len(u))
    return rank[c]
