"""Run ``ntm`` as a user does, in a child process with bounded memory and time.

A hostile input must be refused (or read) quickly and within memory: the child runs
with an address-space limit (:data:`MEMORY`, RLIMIT_AS; a normal ``ntm report`` needs
well under half of it) and a timeout (:data:`TIMEOUT`, generous: a case that used to
take minutes fails it, a slow machine does not).
"""
from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY = 1536 << 20  # 1.5 GiB of address space
TIMEOUT = 60  # seconds
ENTRY = "import sys; from ntm_analysis.cli import main; sys.exit(main())"
#: what a terminal would act on: C0 controls but tab and line feed, DEL, C1 controls,
#: bidirectional embeddings, overrides and isolates
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_ntm(*args: object, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """``ntm ARGS`` run from ``cwd`` with this tree's package, within :data:`MEMORY` and
    ``timeout`` (a timeout fails the test with ``subprocess.TimeoutExpired``). The output
    is decoded as UTF-8 with surrogate escapes, so no byte is hidden from the checks."""
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", **(env or {})}
    done = subprocess.run([sys.executable, "-c", ENTRY, *map(str, args)], cwd=cwd, env=child_env,
                          capture_output=True, timeout=timeout, preexec_fn=_limit_memory)
    return subprocess.CompletedProcess(done.args, done.returncode,
                                       done.stdout.decode("utf-8", "surrogateescape"),
                                       done.stderr.decode("utf-8", "surrogateescape"))


def assert_refused(done: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """``done`` exited with ``code`` and a message (``ntm: …``, or the usage and
    ``ntm COMMAND: lỗi: …`` for a bad option) holding every one of ``words``, without a
    traceback or a memory error; returns the message."""
    assert done.returncode == code, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "MemoryError" not in done.stderr, done.stderr[-2000:]
    assert done.stderr.startswith(("ntm: ", "cách dùng: ntm")), done.stderr[-2000:]
    missing = [w for w in words if w not in done.stderr]
    assert not missing, (missing, done.stderr[-2000:])
    return done.stderr


def assert_terminal_safe(done: subprocess.CompletedProcess) -> None:
    """Nothing ``done`` printed would drive a terminal, and no traceback."""
    for name, text in (("stdout", done.stdout), ("stderr", done.stderr)):
        found = TERMINAL_UNSAFE.search(text)
        assert found is None, (name, repr(text[max(0, found.start() - 60):found.end() + 60]))
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
