"""Office files (.xlsx, .docx) opened as zip packages, within limits.

A workbook or a Word document is a zip of XML parts. A file named ``.xlsx`` may be
something else (an old ``.xls``, a CSV or a PDF renamed, a download cut short), and
a few kilobytes of zip can inflate to gigabytes or state sizes that are not true.
:func:`open_package` says in words what a file is when it is not the package asked
for; :meth:`Package.read` and :meth:`Package.pieces` give a part only within a
limit, counting what it really inflates to, whatever its zip entry states.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "x.xlsx"
>>> with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
...     z.writestr("xl/workbook.xml", "<workbook>" + " " * 5000 + "</workbook>")
>>> pkg = open_package(path, "xlsx")
>>> len(pkg.read("XL/Workbook.xml", 10_000, "sổ"))  # a part is found in any case, as Excel does
5021
>>> pkg.read("xl/workbook.xml", 1_000, "sổ")
Traceback (most recent call last):
ntm_analysis.core.errors.UserError: ...x.xlsx: sổ (xl/workbook.xml) giải nén ra 5 KB, quá giới hạn 1 KB
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..core.errors import UserError
from ..i18n import t

MB = 1_000_000
#: At most this many entries in a package (a workbook of 1,000 sheets has about 2,000).
MAX_ENTRIES = 20_000
#: A part inflating to more than this must not be compressed more than :data:`MAX_RATIO`
#: to one: real sheets compress 5 to 50 times, a zip bomb about 1,000 times.
RATIO_FROM = 20 * MB
MAX_RATIO = 200
PIECE = 4 * MB  # the most a part is inflated to in one step
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, and password-protected Office files
#: the stream a password-protected .xlsx or .docx keeps its encrypted package in
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
#: declarations Office never writes, refused before any XML parser sees them
DTD = (b"<!DOCTYPE", b"<!ENTITY")
_ELEMENT = re.compile(rb"<[A-Za-z_]")
#: kind → (the part every such package has, the words naming it, its program, its old format)
KINDS = {"xlsx": ("xl/workbook.xml", "msg.pkg_what_xlsx", "Excel", "xls"),
         "docx": ("word/document.xml", "msg.pkg_what_docx", "Word", "doc")}


def size_text(n: int) -> str:
    """A size in words: bytes below 1 KB, then KB, MB, GB (decimal, as Windows shows them).

    >>> size_text(512), size_text(2_700), size_text(300_000_000), size_text(3_200_000_000)
    ('512 byte', '2,7 KB', '300 MB', '3,2 GB')
    """
    for unit, scale in (("GB", 10**9), ("MB", MB), ("KB", 1000)):
        if n >= scale:
            value = n / scale
            text = f"{value:.1f}".rstrip("0").rstrip(".") if value < 10 else f"{value:.0f}"
            return f"{text.replace('.', ',')} {unit}"
    return f"{n} byte"


def count_text(n: int) -> str:
    """A count as Vietnamese writes it, thousands apart by dots.

    >>> count_text(17_179_869_184), count_text(950)
    ('17.179.869.184', '950')
    """
    return f"{n:,}".replace(",", ".")


def problem_text(exc: BaseException, most: int = 200) -> str:
    """A reader's own words about what is damaged in a file, on one line, at most ``most``
    characters.

    >>> problem_text(ValueError("mismatched tag:\\n line 1, column 30"))
    'mismatched tag: line 1, column 30'
    """
    text = " ".join(str(exc).split()) or t("msg.pkg_what_part")
    return text if len(text) <= most else text[:most] + "…"


def looks_like(head: bytes) -> str:
    """What the first bytes of a file show it is: ``zip``, ``ole2`` (an old .xls or .doc,
    or an Office file with a password), ``pdf``, ``rtf``, ``html``, ``xml``, ``csv``,
    ``text`` or ``unknown``.

    >>> looks_like(b"PK\\x03\\x04..."), looks_like(b"%PDF-1.7"), looks_like("Xã,Tiêu chí\\nAn Bình,Y tế".encode())
    ('zip', 'pdf', 'csv')
    """
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return "zip"
    if head.startswith(OLE2):
        return "ole2"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    text = _as_text(head)
    if text is None:
        return "unknown"
    start = text.lstrip("\ufeff \t\r\n")[:200].lower()
    if start.startswith(("<!doctype html", "<html", "<table", "<meta")):
        return "html"
    if start.startswith("<?xml") or start.startswith("<"):
        return "xml"
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    if lines and all(any(sep in line for sep in ",;\t") for line in lines):
        return "csv"
    return "text"


def _as_text(head: bytes) -> str | None:
    """The leading bytes as text when they read as UTF-8 or UTF-16 text (``None`` if binary)."""
    for codec in ("utf-8", "utf-16"):
        try:
            text = head.decode(codec, errors="strict" if codec == "utf-16" else "ignore")
        except UnicodeDecodeError:
            continue
        if codec == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        if text and sum(ch.isprintable() or ch in "\r\n\t" for ch in text) >= 0.95 * len(text):
            return text
    return None


def ole2_kind(path: Path) -> str:
    """``encrypted`` when an Office 97-2003 container holds a password-protected .xlsx or
    .docx, else ``ole2`` (an old .xls or .doc): its directory names its streams in UTF-16,
    looked for in the file a megabyte at a time (and at most 64 MB of it)."""
    tail = b""
    with open(path, "rb") as fh:
        for _ in range(64):
            block = fh.read(MB)
            if not block:
                break
            if ENCRYPTED in tail + block:
                return "encrypted"
            tail = block[-len(ENCRYPTED):]
    return "ole2"


@dataclass
class Package:
    """A zip package open for reading: ``path``, the zip, the entries by lower-case name."""

    path: Path
    zip: zipfile.ZipFile
    entries: dict[str, zipfile.ZipInfo]

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.zip.close()

    def find(self, name: str) -> zipfile.ZipInfo | None:
        """The entry of a part, its name in any case (``None`` when the package lacks it)."""
        return self.entries.get(name.lstrip("/").lower())

    def fail(self, key: str, **params: object) -> UserError:
        """The :class:`UserError` (exit 1) of message ``key`` about this file."""
        return UserError(t(key, file=str(self.path), **params), 1)

    def declared(self, info: zipfile.ZipInfo, limit: int, what: str) -> None:
        """Refuse a part whose zip entry states more than ``limit`` bytes, or a bomb's ratio."""
        if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise self._too_dense(info, what, info.file_size, info.compress_size)
        if info.file_size > limit:
            raise self._too_big(info, what, info.file_size, limit)

    def check_declared(self, limit: int, total: int | None = None, only: tuple[str, ...] = (),
                       whats: dict[str, str] | None = None) -> None:
        """Refuse any entry (or, with ``only``, any entry whose name ends so) stating more
        than ``limit`` bytes or a bomb's ratio, and entries stating more than ``total`` in
        all; ``whats`` names parts for people by their lower-case names (a sheet's
        name). A reader going through :mod:`zipfile` never inflates more than an entry
        states, so this bounds what python-docx and openpyxl read."""
        infos = [i for i in self.entries.values() if not only or i.filename.lower().endswith(only)]
        for info in infos:
            self.declared(info, limit, (whats or {}).get(info.filename.lower()) or t("msg.pkg_what_part"))
        made = sum(i.file_size for i in infos)
        if total is not None and made > total:
            raise self.fail("msg.pkg_total", size=size_text(made), limit=size_text(total))

    def xml_pieces(self, name: str, limit: int, what: str) -> Iterator[bytes]:
        """:meth:`pieces` of an XML part, refused when it declares a DOCTYPE or an entity
        (a "billion laughs"): Office never writes one."""
        prolog = True
        for piece in self.pieces(name, limit, what):
            if prolog:  # a DOCTYPE comes before the first element
                root = _ELEMENT.search(piece)
                if any(d in piece[:root.start() if root else len(piece)] for d in DTD):
                    raise self.fail("msg.pkg_doctype", what=what, part=self.find(name).filename)
                prolog = root is None
            yield piece

    def pieces(self, name: str, limit: int, what: str) -> Iterator[bytes]:
        """The part inflated, a few megabytes at a time, counting what it inflates to:
        past ``limit`` bytes (or compressed more than :data:`MAX_RATIO` to one beyond
        :data:`RATIO_FROM`), or unlike its entry, it is refused with a message."""
        info = self.find(name)
        if info is None:
            raise self.fail("msg.pkg_part_missing", part=name, what=what)
        self.declared(info, limit, what)
        if info.flag_bits & 0x1:
            raise self.fail("msg.pkg_encrypted", part=info.filename)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.fail("msg.pkg_method", part=info.filename, method=info.compress_type)
        made = 0
        try:
            with open(self.path, "rb") as fh:
                fh.seek(info.header_offset)
                local = fh.read(30)
                if len(local) < 30 or local[:4] != b"PK\x03\x04":
                    raise zipfile.BadZipFile("local header")
                fh.seek(info.header_offset + 30 + sum(struct.unpack("<HH", local[26:30])))
                inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
                left, taken = info.compress_size, 0
                while left > 0:
                    data = fh.read(min(left, PIECE // 4))
                    if not data:
                        raise zipfile.BadZipFile("truncated")
                    left, taken = left - len(data), taken + len(data)
                    while data:
                        if inflate is None:
                            out, data = data, b""
                        else:
                            out = inflate.decompress(data, PIECE)
                            data = inflate.unconsumed_tail
                        made += len(out)
                        if made > RATIO_FROM and made > MAX_RATIO * taken:
                            raise self._too_dense(info, what, made, taken)
                        if made > limit:
                            raise self._too_big(info, what, made, limit, more=True)
                        if out:
                            yield out
                if inflate is not None and not inflate.eof:
                    raise zipfile.BadZipFile("stream ends early")
        except (zipfile.BadZipFile, zlib.error, OSError, struct.error) as exc:
            raise self.fail("msg.pkg_damaged_part", part=info.filename, problem=str(exc)) from None
        if made != info.file_size:
            raise self.fail("msg.pkg_size_lie", part=info.filename, stated=size_text(info.file_size),
                            made=size_text(made))

    def read(self, name: str, limit: int, what: str) -> bytes:
        """The whole XML part, within ``limit`` bytes (see :meth:`pieces`, :meth:`xml_pieces`)."""
        return b"".join(self.xml_pieces(name, limit, what))

    def _too_big(self, info: zipfile.ZipInfo, what: str, size: int, limit: int, more: bool = False) -> UserError:
        key = "msg.pkg_too_big_more" if more else "msg.pkg_too_big"
        return self.fail(key, what=what, part=info.filename, size=size_text(size), limit=size_text(limit))

    def _too_dense(self, info: zipfile.ZipInfo, what: str, size: int, packed: int) -> UserError:
        return self.fail("msg.pkg_too_dense", what=what, part=info.filename, size=size_text(size),
                         packed=size_text(packed), ratio=size // max(packed, 1), most=MAX_RATIO)


def open_package(path: Path, kind: str) -> Package:
    """The zip package of a workbook (``kind`` ``"xlsx"``) or Word document (``"docx"``);
    a file that is not one is a :class:`UserError` saying what it is instead."""
    path = Path(path)
    main_part, what_key, app, old = KINDS[kind]
    words = {"file": str(path), "what": t(what_key), "app": app, "save": kind, "old": old}
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UserError(t("msg.pkg_unreadable", problem=exc.strerror or str(exc), **words), 1) from None
    seen = looks_like(head)
    if seen == "ole2":
        seen = ole2_kind(path)
    if seen != "zip":
        raise UserError(t(f"msg.pkg_is_{seen}", **words), 1)
    try:
        z = zipfile.ZipFile(path)
        infos = z.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, struct.error) as exc:
        if head.startswith(b"PK\x03\x04") and not _has_directory(path):
            raise UserError(t("msg.pkg_cut_short", **words), 1) from None
        raise UserError(t("msg.pkg_is_broken_zip", problem=str(exc), **words), 1) from None
    if len(infos) > MAX_ENTRIES:
        z.close()
        raise UserError(t("msg.pkg_entries", n=count_text(len(infos)), most=count_text(MAX_ENTRIES), **words), 1)
    entries: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename.lower()
        if key in entries:
            z.close()
            raise UserError(t("msg.pkg_twice", part=info.filename, **words), 1)
        entries[key] = info
    pkg = Package(path, z, entries)
    if pkg.find(main_part) is None:
        z.close()
        other = next((k for k, spec in KINDS.items() if k != kind and pkg.find(spec[0])), None)
        if other:
            raise UserError(t(f"msg.pkg_is_{other}", **words), 1)
        raise UserError(t("msg.pkg_not_kind", part=main_part, **words), 1)
    return pkg


def _has_directory(path: Path) -> bool:
    """Whether the file ends with a zip's table of contents (its end record, in the last 64 KB)."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 65_557))
        return b"PK\x05\x06" in fh.read()
