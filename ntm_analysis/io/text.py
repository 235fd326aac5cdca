"""Text files (a plan as .txt or .md) read within a size limit, in the Unicode form they
were saved in: UTF-8 (with or without a byte order mark), UTF-16 or UTF-32 (Notepad's
"Unicode" saves UTF-16), with or without a byte order mark. What cannot be read is a
:class:`UserError` saying what the file is: binary, a zip, text in an old encoding.

>>> text = "Xã An Bình: còn 2 tiêu chí"
>>> [decode_text(text.encode(codec), "k.txt") == text for codec in ("utf-8-sig", "utf-16", "utf-16-be", "utf-32")]
[True, True, True, True]
>>> decode_text("Xã Hòa".encode("cp1252"), "k.txt")
Traceback (most recent call last):
ntm_analysis.core.errors.UserError: k.txt: không phải văn bản UTF-8 (byte thứ 2); có thể là mã cũ ...
"""
from __future__ import annotations

from pathlib import Path

from ..core.errors import UserError
from ..i18n import t
from .package import MB, size_text

#: the most a text plan may hold (a district's plan is well under 1 MB)
MAX_TEXT = 10 * MB
#: byte order marks, longest first (UTF-32's little-endian mark begins like UTF-16's)
BOMS = ((b"\xff\xfe\x00\x00", "utf-32", "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
        (b"\xef\xbb\xbf", "utf-8-sig", "UTF-8"), (b"\xff\xfe", "utf-16", "UTF-16"), (b"\xfe\xff", "utf-16", "UTF-16"))
SAMPLE = 4096  # bytes looked at to tell UTF-16 or UTF-32 without a byte order mark


def sniff_encoding(data: bytes) -> tuple[str, str] | None:
    """The codec and the name of a UTF-16 or UTF-32 text (``None``: UTF-8 or not text):
    its byte order mark, or where its zero bytes fall (text of Latin letters in UTF-16
    has a zero in every other byte; in UTF-32, two or three zeros in every four).

    >>> sniff_encoding("Xã An".encode("utf-16-le")), sniff_encoding("Xã An".encode("utf-32-be"))
    (('utf-16-le', 'UTF-16'), ('utf-32-be', 'UTF-32'))
    >>> sniff_encoding("Xã An".encode("utf-8")) is None
    True
    """
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return codec, name
    n = min(len(data), SAMPLE) // 4 * 4
    if n < 4:
        return None
    zeros = [data[k:n:4].count(0) / (n // 4) for k in range(4)]
    if zeros[2] == zeros[3] == 1 and zeros[0] < 0.5:
        return "utf-32-le", "UTF-32"
    if zeros[0] == zeros[1] == 1 and zeros[3] < 0.5:
        return "utf-32-be", "UTF-32"
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    if odd >= 0.3 and even < 0.05:
        return "utf-16-le", "UTF-16"
    if even >= 0.3 and odd < 0.05:
        return "utf-16-be", "UTF-16"
    return None


def decode_text(data: bytes, file: str) -> str:
    """The text of a file's bytes (see :func:`sniff_encoding`), or a :class:`UserError`."""
    sniffed = sniff_encoding(data)
    if sniffed is not None:
        codec, name = sniffed
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise UserError(t("msg.doc_bad_unicode", file=file, encoding=name, at=exc.start + 1), 1) from None
        head = text[:SAMPLE]
        if sum(ch.isprintable() or ch in "\r\n\t\ufeff" for ch in head) < 0.95 * len(head):
            raise UserError(t("msg.doc_binary", file=file), 1)  # zero bytes, but not in a text's pattern
        return text
    if data.startswith(b"PK\x03\x04"):
        raise UserError(t("msg.doc_zip", file=file), 1)
    if b"\x00" in data[:SAMPLE]:
        raise UserError(t("msg.doc_binary", file=file), 1)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(t("msg.doc_not_utf8", file=file, at=exc.start + 1), 1) from None


def read_text(path: Path, limit: int = MAX_TEXT) -> str:
    """The text of the file at ``path``, at most ``limit`` bytes of it (its size is not
    trusted: a device or a growing file is read only up to the limit)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UserError(t("msg.pkg_unreadable", file=str(path), problem=exc.strerror or str(exc)), 1) from None
    if len(data) > limit:
        size = max(path.stat().st_size, len(data))
        raise UserError(t("msg.doc_too_big", file=str(path), size=size_text(size), limit=size_text(limit)), 1)
    return decode_text(data, str(path))
