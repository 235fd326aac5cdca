"""A pack of output files written all or nothing (``ntm build``, ``ntm report``).

:func:`writing_pack` yields a staging folder inside the output folder; when the pack is
made there, the files of the previous pack are moved out and the new ones in, rolled
back on an error, with Ctrl-C and termination held until the swap is done. A record of
the pack (its file names and their content hashes, :func:`record_name`) tells the
previous pack's files from a user's: those the new pack lacks are removed; a file of a
pack name that the previous run did not write, or that was changed since, is replaced
only with ``force``; files of other names are never touched. A lock
(:func:`~ntm_analysis.io.files.output_lock`) refuses a second run into the same folder.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from .. import config
from ..core.errors import UserError
from ..i18n import t
from .files import (LOCK_NAME, WriteError, check_folder_free, deferred_signals, make_dirs, output_lock,
                    remove_dirs, shown)

#: the hidden names this module gives its own files in an output folder
STAGING_PREFIX = ".ntm-tam-"
RECORD_SUFFIX = ".ntm-ban-ghi.json"
BACKUP_NAME = ".cu"


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes (read in blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def record_name(kind: str) -> str:
    """The hidden file of an output folder recording its last pack of ``kind``.

    >>> record_name("bao-cao")
    '.bao-cao.ntm-ban-ghi.json'
    """
    return f".{kind}{RECORD_SUFFIX}"


def _read_record(path: Path) -> dict[str, str] | None:
    """The record of the previous pack (file name → hash); ``None`` when there is none
    (or it cannot be read: then no file counts as the previous pack's)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        return {}
    return {str(k): str(v) for k, v in files.items() if "/" not in str(k) and not str(k).startswith(".")}


def _own_folder(out: Path) -> bool:
    """``out`` is (inside) one of the project's own output folders (``data/processed``,
    ``reports``), which ``make run`` regenerates."""
    target = out.resolve()
    for own in (config.PROCESSED_DIR, config.REPORTS_DIR):
        own = Path(own).resolve()
        if target == own or own in target.parents:
            return True
    return False


def _pack_state(out: Path, universe: set[str], record: dict[str, str] | None, force: bool,
                lang: str) -> list[str]:
    """The names of ``out`` to move out before the new pack goes in: every existing file of
    a pack name or of the previous record. A file of a pack name that is not the previous
    pack's (not in its record, or changed since) is refused without ``force`` (exit 2);
    without any record, the project's own folders take such files as the previous pack's
    (written before records were kept). A file of the record that is no pack name and was
    changed since is the user's now: left."""
    adopt = record is None and _own_folder(out)
    record = record or {}
    clear, conflicts = [], []
    for name in sorted(universe | set(record)):
        target = out / name
        if not os.path.lexists(target):
            continue
        check_folder_free(target, lang)
        ours = adopt and name in universe
        if not ours and name in record and os.path.isfile(target):
            try:
                ours = file_hash(target) == record[name]
            except OSError:
                ours = False
        if ours or (name in universe and force):
            clear.append(name)
        elif name in universe:
            conflicts.append(name)
    if conflicts:
        names = ", ".join(conflicts[:4]) + (f" (+{len(conflicts) - 4})" if len(conflicts) > 4 else "")
        raise UserError(t("msg.files.pack_conflict", lang, folder=shown(out), names=names), 2)
    return clear


def _swap(staging: Path, out: Path, new: list[str], clear: list[str], record: str) -> None:
    """Move ``clear`` out of ``out`` (into the staging folder) and ``new`` in, then the
    record; on an error, put everything back as it was and raise it."""
    backup = staging / BACKUP_NAME
    os.mkdir(backup)
    moved: list[str] = []
    placed: list[str] = []
    try:
        for name in clear:
            os.rename(out / name, backup / name)
            moved.append(name)
        for name in new:
            os.rename(staging / name, out / name)
            placed.append(name)
        os.replace(staging / record, out / record)
    except OSError:
        for name in reversed(placed):
            with contextlib.suppress(OSError):
                os.rename(out / name, staging / name)
        for name in reversed(moved):
            with contextlib.suppress(OSError):
                os.rename(backup / name, out / name)
        raise


@contextlib.contextmanager
def writing_pack(out: Path | str, kind: str, universe: Iterable[str], force: bool = False,
                 lang: str = "vi") -> Iterator[Path]:
    """Write a pack of files into the folder ``out``, all or nothing.

    Yields a staging folder (inside ``out``) to write the pack's files into, by name;
    ``universe`` holds every name a pack of this ``kind`` may have. When the block ends,
    the swap (see the module) puts them in place at once; if it fails, or the block does
    (an error, a full disk, Ctrl-C, termination), ``out`` is left as it was and the staging
    folder is removed. A second run into ``out`` at the same time is refused.

    >>> import tempfile; out = Path(tempfile.mkdtemp()) / "goi"
    >>> for names in (["a.csv", "b.csv"], ["a.csv"]):
    ...     with writing_pack(out, "thu", ["a.csv", "b.csv"]) as stage:
    ...         for n in names:
    ...             _ = (stage / n).write_text(n)
    >>> sorted(p.name for p in out.iterdir())  # b.csv of the first pack is gone
    ['.thu.ntm-ban-ghi.json', 'a.csv']
    """
    out = Path(out)
    universe = set(universe)
    record = record_name(kind)
    made = make_dirs(out, lang)
    done = False
    try:
        with output_lock(out / LOCK_NAME, out, lang):
            previous = _read_record(out / record)
            _pack_state(out, universe, previous, force, lang)  # refuse before any work
            for left in out.glob(STAGING_PREFIX + "*"):  # of a run killed outright: no run holds it now
                shutil.rmtree(left, ignore_errors=True)
            try:
                staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out))
            except OSError as exc:
                raise WriteError(out, exc, lang) from None
            try:
                yield staging
                new = sorted(p.name for p in staging.iterdir() if not p.name.startswith("."))
                unknown = set(new) - universe
                if unknown:
                    raise ValueError(f"{sorted(unknown)}: not in the names of a {kind} pack")
                (staging / record).write_text(json.dumps(
                    {"files": {n: file_hash(staging / n) for n in new}}, ensure_ascii=False, indent=1),
                    encoding="utf-8")
                clear = _pack_state(out, universe, previous, force, lang)
                with deferred_signals():
                    _swap(staging, out, new, clear, record)
                done = True
            except WriteError as exc:
                if staging in exc.path.parents:
                    raise exc.at(out / exc.path.relative_to(staging).parts[0], lang) from None
                raise
            except OSError as exc:
                raise WriteError(out, exc, lang) from None
            finally:
                with deferred_signals():
                    shutil.rmtree(staging, ignore_errors=True)
    finally:
        if not done:
            with deferred_signals():
                remove_dirs(made)
