"""Every analysis command, the briefing tables and the findings print what the snapshots
in tests/snapshots/ pin (see tests/snapshot_cases.py for why and how to regenerate)."""
from __future__ import annotations

import difflib

import pytest

from snapshot_cases import SNAPSHOTS, briefing_outputs, cli_outputs, write_rich_workbook


def _compare(outputs: dict[str, str], prefix: str, suffix: str) -> None:
    wanted = {p.relative_to(SNAPSHOTS / prefix).as_posix()[: -len(suffix)]
              for p in (SNAPSHOTS / prefix).glob(f"*{suffix}")}
    assert wanted, "no snapshots found"
    bad = []
    for name, text in sorted(outputs.items()):
        path = SNAPSHOTS / prefix / f"{name}{suffix}"
        if not path.exists():
            bad.append(f"{name}: no snapshot")
            continue
        old = path.read_text(encoding="utf-8")
        if old != text:
            diff = "\n".join(list(difflib.unified_diff(old.splitlines(), text.splitlines(), "snapshot", "now",
                                                       lineterm=""))[:40])
            bad.append(f"{name}:\n{diff}")
    assert not bad, "\n\n".join(bad[:8]) + (f"\n… and {len(bad) - 8} more" if len(bad) > 8 else "")


@pytest.fixture(autouse=True)
def _root(monkeypatch):
    from ntm_analysis import config

    monkeypatch.chdir(config.ROOT)


def test_commands_on_the_embedded_plan():
    outputs = cli_outputs()
    _compare({k: v for k, v in outputs.items()}, "cli", ".txt")


def test_commands_on_a_synthetic_workbook(tmp_path):
    outputs = cli_outputs(write_rich_workbook(tmp_path / "rich.xlsx"))
    _compare(outputs, "cli", ".txt")


def test_briefing_tables_and_findings():
    _compare(briefing_outputs(), "briefing", ".json")
