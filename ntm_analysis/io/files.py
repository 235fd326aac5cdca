"""Outputs that are never lost and never half-written; spreadsheet-safe cells.

Every writer of the package goes through this module:

* :func:`atomic_path`: one file, written to a temporary file beside the target and
  renamed into place in one step; with ``replace=False`` an existing file is never
  replaced (the workbook of ``ntm extract``, the template of ``ntm template``).
* :func:`writing_file`: around the making of one file on a user's command: an existing
  file refused before any work unless ``--force``, a second run refused.
* :func:`~ntm_analysis.io.pack.writing_pack` (in :mod:`.pack`): a set of files in an
  output folder (``ntm build``, ``ntm report``), swapped in at once.
* :func:`output_lock`: an exclusive lock, so a second run into the same place is refused.
* :class:`WriteError`: an operating-system error as a message naming the path and what
  is wrong, in words (:func:`reason`).

A failure, a full disk, Ctrl-C or termination leave what was there as it was, and no
temporary file behind.

Text cells that a spreadsheet would run as a formula (``= + - @``) are prefixed with an
apostrophe:

>>> safe_cell("=1+1"), safe_cell("-3"), safe_cell(-3), safe_cell("Văn hóa")
("'=1+1", "'-3", -3, 'Văn hóa')
"""
from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from pathlib import Path
from typing import Iterator

import pandas as pd

from .. import config
from ..core.errors import UserError
from ..i18n import t

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: the hidden name of the lock of an output folder (:func:`output_lock`)
LOCK_NAME = ".ntm-khoa"
#: how an operating-system error is said (``msg.files.why.*``)
REASONS = {
    errno.EACCES: "denied", errno.EPERM: "denied", errno.EROFS: "read_only", errno.ENOSPC: "full",
    errno.EDQUOT: "quota", errno.EFBIG: "too_big", errno.ENAMETOOLONG: "too_long", errno.ELOOP: "loop",
    errno.ENOTDIR: "not_dir", errno.EISDIR: "is_dir", errno.ENOENT: "missing", errno.EIO: "io",
    errno.EBUSY: "busy", errno.ETXTBSY: "busy", errno.EMFILE: "too_many", errno.ENFILE: "too_many",
}
#: errors of the path the user gave (exit 2: change the command), the others are the machine's (exit 1)
PATH_ERRORS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG, errno.ELOOP, errno.ENOTDIR,
               errno.EISDIR, errno.ENOENT, errno.EEXIST}
#: link() errors of file systems without hard links: fall back to check-then-rename
NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}
SHOWN_MAX = 160  # characters of a path shown in a message


# ----------------------------------------------------------------- cells
def safe_cell(value: object) -> object:
    """Neutralise a text cell that a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as formulas."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


# ----------------------------------------------------------------- errors in words
def shown(path: Path | str) -> str:
    """A path as a message shows it: a very long one cut in the middle.

    >>> shown("bao_cao/tom_tat.md")
    'bao_cao/tom_tat.md'
    >>> len(shown("x" * 5000)) <= SHOWN_MAX
    True
    """
    text = str(path)
    if len(text) <= SHOWN_MAX:
        return text
    half = (SHOWN_MAX - 1) // 2
    return text[:half] + "…" + text[-half:]


def reason(error: OSError, lang: str = "vi", reading: bool = False) -> str:
    """What an operating-system error means, in words.

    >>> reason(OSError(errno.ENOSPC, "No space left on device"))
    'ổ đĩa đầy'
    >>> reason(OSError(errno.ELOOP, "Too many levels of symbolic links"), "en")
    'a symbolic link loop: the links point at each other'
    >>> reason(PermissionError(errno.EACCES, "Permission denied")), reason(OSError(errno.EACCES, ""), reading=True)
    ('không có quyền ghi vào đây', 'không có quyền đọc')
    """
    why = REASONS.get(error.errno or 0)
    if why == "denied":
        why = "denied_read" if reading else "denied_write"
    if why is None:
        return t("msg.files.why.other", lang, error=error.strerror or error)
    return t(f"msg.files.why.{why}", lang)


def os_error(code: int, path: Path | str) -> OSError:
    """An :class:`OSError` of ``code`` about ``path``, with the system's words for it."""
    return OSError(code, os.strerror(code), str(path))


class WriteError(UserError):
    """An output that could not be written: the path and why, in words. ``error`` is the
    operating system's error; exit 2 when the path given is the problem, else 1.

    >>> e = WriteError("bao_cao", os_error(errno.ENOSPC, "bao_cao"))
    >>> str(e), e.exit_code
    ('bao_cao: không ghi được (ổ đĩa đầy)', 1)
    >>> e.at("khac").exit_code, WriteError("x" * 300, os_error(errno.ENAMETOOLONG, "x")).exit_code
    (1, 2)
    """

    def __init__(self, path: Path | str, error: OSError, lang: str = "vi"):
        self.path, self.error, self.lang = Path(path), error, lang
        code = 2 if error.errno in PATH_ERRORS else 1
        super().__init__(t("msg.files.cannot_write", lang, path=shown(path), why=reason(error, lang)), code)

    def at(self, path: Path | str, lang: str | None = None) -> "WriteError":
        """The same error, said of another path (the target instead of its staging copy)."""
        return WriteError(path, self.error, lang or self.lang)


def _stat(path: Path, lang: str = "vi") -> os.stat_result | None:
    """``os.stat`` of ``path``; ``None`` when there is nothing there; an unusable path
    (a link loop, a name too long…) is a :class:`WriteError`."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise WriteError(path, exc, lang) from None


def _is_dir(path: Path, lang: str = "vi") -> bool:
    st = _stat(path, lang)
    return st is not None and stat.S_ISDIR(st.st_mode)


def _exists(path: Path, lang: str = "vi") -> bool:
    return os.path.lexists(path) or _stat(path, lang) is not None


def resolved(path: Path | str, lang: str = "vi") -> Path:
    """``path`` absolute, its links followed; a link loop or an over-long path is a
    :class:`WriteError` (never Python's own error)."""
    try:
        return Path(path).resolve()
    except RuntimeError:  # Python before 3.13 reports a symbolic-link loop this way
        raise WriteError(path, os_error(errno.ELOOP, path), lang) from None
    except OSError as exc:
        raise WriteError(path, exc, lang) from None


def check_readable(path: Path | str | None, lang: str = "vi") -> None:
    """Before reading a file given on the command line: a path that cannot be opened for
    reading (a link loop, a name too long, no permission) is a message, exit 2. A missing
    file or a folder is left to the reader, which says so in its own words.

    >>> check_readable(None); check_readable("khong_co.xlsx"); check_readable(".")
    """
    if path is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a named pipe never blocks here
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return
    except OSError as exc:
        raise UserError(t("msg.files.cannot_read", lang, path=shown(path), why=reason(exc, lang, reading=True)),
                        2) from None
    os.close(fd)


def check_not_raw(path: Path | str, lang: str = "vi") -> None:
    """Refuse to write into ``data/raw/`` (raw data is never modified by code)."""
    target = resolved(path, lang)
    raw = config.RAW_DIR.resolve()
    if target == raw or raw in target.parents:
        raise UserError(t("msg.files.raw", lang, path=shown(path), raw=config.RAW_DIR), 2)


def check_folder_free(path: Path, lang: str = "vi") -> None:
    """A folder where a file is to go is an error (exit 1: what is on the disk is in the
    way), with or without ``--force``."""
    if os.path.isdir(path) and not os.path.islink(path):
        raise UserError(t("msg.files.folder_in_way", lang, path=shown(path)), 1)


def refuse_existing(path: Path | str, lang: str = "vi") -> None:
    """An existing file at ``path`` is an error (exit 2) saying how to go on.

    >>> refuse_existing("khong_co.xlsx")
    """
    if _exists(Path(path), lang):
        raise UserError(t("msg.files.exists", lang, path=shown(path)), 2)


# ----------------------------------------------------------------- folders
def make_dirs(folder: Path | str, lang: str = "vi") -> list[Path]:
    """Create ``folder`` and its missing parents; returns the folders created (outermost
    first) so that a failed run can remove them again (:func:`remove_dirs`).

    >>> import tempfile; root = Path(tempfile.mkdtemp())
    >>> [p.relative_to(root).as_posix() for p in make_dirs(root / "a" / "b")], make_dirs(root / "a")
    (['a', 'a/b'], [])
    """
    folder = Path(folder)
    check_not_raw(folder, lang)
    missing, p = [], folder
    while _stat(p, lang) is None and not os.path.lexists(p) and p.parent != p:
        missing.append(p)
        p = p.parent
    if not _is_dir(p, lang):
        raise UserError(t("msg.files.file_in_way", lang, path=shown(p)), 2)
    made: list[Path] = []
    for d in reversed(missing):
        try:
            os.mkdir(d)
        except FileExistsError:
            if not _is_dir(d, lang):
                remove_dirs(made)
                raise UserError(t("msg.files.file_in_way", lang, path=shown(d)), 2) from None
            continue
        except OSError as exc:
            remove_dirs(made)
            raise WriteError(d, exc, lang) from None
        made.append(d)
    return made


def remove_dirs(made: list[Path]) -> None:
    """Remove the folders :func:`make_dirs` created, innermost first, if still empty."""
    for d in reversed(made):
        with contextlib.suppress(OSError):
            os.rmdir(d)


def prepare_dir(folder: Path | str, lang: str = "vi") -> Path:
    """Create an output folder, or say clearly why it cannot be one."""
    make_dirs(folder, lang)
    return Path(folder)


# ----------------------------------------------------------------- signals and locks
#: the signals held while a swap or a clean-up runs (Ctrl-C, termination, hang-up)
HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Ctrl-C and termination wait until the block is done (a swap or a clean-up is
    never cut half way); they act as soon as it ends, as they would have.

    The signals' handlers are swapped for one that only notes the signal, and the noted
    signals are raised again after: blocking them would not do, since the operating
    system may hand a signal to any thread of the process (those of the numeric
    libraries too), and Python runs its handler in the main thread all the same. Outside
    the main thread no handler runs, so nothing needs holding.

    >>> old = signal.signal(signal.SIGTERM, lambda _signum, _frame: print("ended"))
    >>> with deferred_signals():
    ...     signal.raise_signal(signal.SIGTERM)
    ...     print("the swap is done")
    the swap is done
    ended
    >>> _ = signal.signal(signal.SIGTERM, old)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted: list[int] = []
    old = {s: signal.signal(s, lambda signum, _frame: noted.append(signum)) for s in HELD_SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        for s in dict.fromkeys(noted):
            signal.raise_signal(s)


@contextlib.contextmanager
def output_lock(lock: Path, place: Path | str, lang: str = "vi") -> Iterator[None]:
    """Hold an exclusive lock on the file ``lock`` (created, removed after); if another
    run holds it, refuse (exit 1) naming ``place``, where that run is writing.

    >>> import tempfile; lock = Path(tempfile.mkdtemp()) / ".ntm-khoa"
    >>> with output_lock(lock, "bao_cao"):
    ...     try:
    ...         with output_lock(lock, "bao_cao"):
    ...             pass
    ...     except UserError as e:
    ...         print(e.exit_code, e)
    1 bao_cao: một lệnh ntm khác đang ghi vào đây; chờ lệnh đó xong rồi chạy lại
    >>> lock.exists()
    False
    """
    import fcntl

    while True:
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WriteError(place, exc, lang) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise UserError(t("msg.files.busy", lang, path=shown(place)), 1) from None
        # the run before may have removed the file between our open and our lock: lock the one there now
        mine, there = os.fstat(fd), _stat(lock, lang)
        if there is not None and (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino):
            break
        os.close(fd)
    try:
        yield
    finally:
        with deferred_signals():
            with contextlib.suppress(OSError):
                os.unlink(lock)
            os.close(fd)


# ----------------------------------------------------------------- one file
def _place(tmp: Path, path: Path, replace: bool, lang: str) -> None:
    """Move the finished ``tmp`` to ``path`` in one step; without ``replace``, never over
    an existing file (a hard link fails if the name is taken, where a rename would not)."""
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise UserError(t("msg.files.exists", lang, path=shown(path)), 2) from None
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            raise
        refuse_existing(path, lang)  # no hard links here: check, then rename
        os.replace(tmp, path)
        return
    os.unlink(tmp)


@contextlib.contextmanager
def atomic_path(path: Path | str, suffix: str | None = None, replace: bool = True,
                lang: str = "vi") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block succeeds it becomes ``path``
    in one rename. ``replace=False`` refuses an existing file (exit 2), before and after
    writing. Any failure, Ctrl-C included, leaves no temporary file and no new folder; an
    operating-system error is a :class:`WriteError` naming ``path``.

    >>> import tempfile; out = Path(tempfile.mkdtemp()) / "a" / "x.txt"
    >>> with atomic_path(out) as tmp:
    ...     _ = tmp.write_text("một")
    >>> try:
    ...     with atomic_path(out, replace=False) as tmp:
    ...         _ = tmp.write_text("hai")
    ... except UserError as e:
    ...     print(e.exit_code, str(e).endswith("x.txt: tệp đã có nên không ghi đè. Muốn thay tệp này thì thêm "
    ...                                        "--force; muốn giữ nó thì chọn tên khác cho tệp ra"))
    2 True
    >>> out.read_text(), [p.name for p in out.parent.iterdir()]
    ('một', ['x.txt'])
    """
    path = Path(path)
    check_not_raw(path, lang)
    made = make_dirs(path.parent, lang)
    done = False
    tmp_path: Path | None = None
    try:
        check_folder_free(path, lang)
        if not replace:
            refuse_existing(path, lang)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=suffix or path.suffix,
                                       dir=path.parent)
        except OSError as exc:
            raise WriteError(path, exc, lang) from None
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            yield tmp_path
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
            _place(tmp_path, path, replace, lang)
        except OSError as exc:
            raise WriteError(path, exc, lang) from None
        done = True
    finally:
        if not done:
            with deferred_signals():
                if tmp_path is not None:
                    with contextlib.suppress(OSError):
                        tmp_path.unlink()
                remove_dirs(made)


@contextlib.contextmanager
def writing_file(path: Path | str, force: bool = False, lang: str = "vi") -> Iterator[None]:
    """Around the making of one output file on a user's command (write it inside with
    :func:`atomic_path`, ``replace=force``): an existing file is refused before any work
    unless ``force`` (exit 2), and a second run writing the same file at the same time is
    refused (exit 1). A folder it had to create is removed again if the block fails.

    >>> import tempfile; out = Path(tempfile.mkdtemp()) / "mau.xlsx"
    >>> with writing_file(out):
    ...     with atomic_path(out, replace=False) as tmp:
    ...         _ = tmp.write_bytes(b"PK")
    >>> [p.name for p in out.parent.iterdir()]
    ['mau.xlsx']
    """
    path = Path(path)
    check_not_raw(path, lang)
    made = make_dirs(path.parent, lang)
    done = False
    try:
        check_folder_free(path, lang)
        if not force:
            refuse_existing(path, lang)
        with output_lock(path.parent / f".{path.name[:40]}{LOCK_NAME}", path, lang):
            yield
        done = True
    finally:
        if not done:
            with deferred_signals():
                remove_dirs(made)


def write_text(path: Path | str, text: str, replace: bool = True) -> Path:
    """Write UTF-8 text atomically (see :func:`atomic_path`)."""
    with atomic_path(path, replace=replace) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_csv(df: pd.DataFrame, path: Path | str) -> Path:
    """Write a CSV (UTF-8 with BOM so Excel shows Vietnamese) atomically."""
    with atomic_path(path) as tmp:
        safe_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\n")
    return Path(path)
