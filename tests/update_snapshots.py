"""Regenerate the behaviour snapshots in tests/snapshots/ (see tests/snapshot_cases.py).

Run only when an output is meant to change, and say in the commit which and why:

    .venv/bin/python tests/update_snapshots.py
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("MPLBACKEND", "Agg")

from snapshot_cases import SNAPSHOTS, all_outputs  # noqa: E402


def main() -> int:
    os.chdir(Path(__file__).resolve().parent.parent)
    with tempfile.TemporaryDirectory() as tmp:
        outputs = all_outputs(Path(tmp))
    changed = 0
    for name, text in sorted(outputs.items()):
        path = SNAPSHOTS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        if old != text:
            path.write_text(text, encoding="utf-8")
            changed += 1
            print(("changed " if old is not None else "new     ") + name)
    stale = {p.relative_to(SNAPSHOTS).as_posix() for p in SNAPSHOTS.rglob("*.*")} - set(outputs)
    for name in sorted(stale):
        (SNAPSHOTS / name).unlink()
        print("removed " + name)
    print(f"{len(outputs)} snapshots, {changed} written, {len(stale)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
