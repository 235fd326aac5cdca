"""Score an extraction against a reading made by hand (``expected.yaml`` of a corpus).

A gap is a (commune, criterion code) pair. For each document: how many of the expected
gaps were read (recall), how many gaps were read that are not expected (extra, as a share
of the expected), how many deadlines agree, whether every missed gap is in the
uncertainty report (a finding on its line, or naming its words), and whether a criterion
said to be met was ever read as a gap.

>>> from ntm_analysis.extract import extract_text
>>> ex = extract_text("KẾ HOẠCH năm 2024\\nXã An Phú còn thiếu tiêu chí Y tế, phấn đấu hoàn thành trong quý II/2024.")
>>> s = score(ex, {"file": "x", "year": {"value": 2024}, "met": [],
...                "gaps": [{"commune": "An Phú", "criterion_code": "14", "due": "2024Q2", "line": 2, "mention": "Y tế"}]})
>>> s.found, s.expected, s.extra, s.due_agree, s.recall
(1, 1, 0, 1, 1.0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.names import commune_key, fold


@dataclass
class Score:
    """One document's score."""

    file: str
    expected: int
    found: int
    extra: int
    due_agree: int
    missed: list[dict] = field(default_factory=list)
    unreported: list[dict] = field(default_factory=list)  # misses the uncertainty report does not name
    extras: list[tuple[str, str, int]] = field(default_factory=list)
    met_as_gap: list[tuple[str, str]] = field(default_factory=list)
    year_ok: bool = True
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def extra_share(self) -> float:
        return self.extra / self.expected if self.expected else float(self.extra > 0)


def _pairs(rows) -> dict[tuple[str, str], dict]:
    return {(commune_key(r["commune"]), str(r["criterion_code"])): r for r in rows}


def score(extraction, expected: dict) -> Score:
    """The score of ``extraction`` (an :class:`~ntm_analysis.extract.Extraction`) against
    one document's entry of an ``expected.yaml``."""
    want = _pairs(expected.get("gaps") or [])
    got = _pairs(extraction.gaps.to_dict("records"))
    met = set(_pairs(expected.get("met") or []))
    found = set(want) & set(got)
    due_agree = sum(1 for k in found if (got[k]["due"] or None) == (want[k].get("due") or None))
    missed = [want[k] for k in want if k not in got]
    unreported = [g for g in missed if not _reported(extraction.findings, g)]
    extras = [(got[k]["commune"], k[1], int(got[k]["line"])) for k in got if k not in want]
    year = (expected.get("year") or {}).get("value")
    return Score(expected.get("file", extraction.source), len(want), len(found), len(extras), due_agree,
                 missed, unreported, extras, sorted(met & set(got)),
                 year is None or extraction.meta.get("plan_year") == year)


def _reported(findings, gap: dict) -> bool:
    """A missed gap is reported when a finding stands on its line or quotes its words."""
    mention = fold(gap.get("mention", ""))
    for f in findings:
        if f.line == gap["line"]:
            return True
        if mention and mention in fold(f.text) and fold(gap["commune"]) in fold(f.text + " " + f.commune):
            return True
    return False


def score_corpus(folder: Path | str, year_given: bool = False) -> list[Score]:
    """Score every document of a corpus folder (its ``expected.yaml``), each read in the
    set its entry names; the time each reading took is kept."""
    import time

    from ..core.limited_yaml import load_yaml, read_yaml_file
    from . import extract_plan

    folder = Path(folder)
    data = load_yaml(read_yaml_file(folder / "expected.yaml"))
    scores = []
    for doc in data["documents"]:
        start = time.perf_counter()
        extraction = extract_plan(folder / doc["file"], doc.get("catalogue"),
                                  (doc.get("year") or {}).get("value") if year_given else None)
        seconds = time.perf_counter() - start
        s = score(extraction, doc)
        s.seconds = seconds
        scores.append(s)
    return scores
