"""Is a text in a legacy 8-bit Vietnamese encoding? Detection and repair.

:func:`detect_legacy` trusts the font name first and otherwise looks for words that
are not Vietnamese syllables as they stand but become syllables after decoding (the
tables are in :mod:`.legacy`); it is deliberately conservative.

>>> fix_legacy("Quèc phßng vµ An ninh")
('Quốc phòng và An ninh', 'tcvn3')
>>> fix_legacy("Quốc phòng và An ninh")
('Quốc phòng và An ninh', None)
>>> fix_legacy("An Bình", ".VnTime")  # typed in Unicode, whatever the cell's font says
('An Bình', None)
"""
from __future__ import annotations

import re
import unicodedata

from .legacy import (TCVN3, VNI, _TCVN3_CODES, _UNICODE_ONLY, _VNI_CODES, _VOWELS, _toned, _vni_strict,
                     font_encoding, is_upper_font, tcvn3_to_unicode, vni_to_unicode)

__all__ = ["detect_legacy", "fix_legacy", "suspect_legacy", "VIET_LATIN1"]

_DECODERS = {TCVN3: tcvn3_to_unicode, VNI: _vni_strict}

#: The Latin-1 letters Vietnamese Unicode text uses; the others (¬ µ ß ö ø …) are
#: where the legacy encodings put Vietnamese letters.
VIET_LATIN1 = frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


def suspect_legacy(text: str) -> bool:
    """Whether ``text`` holds Latin-1 letters Vietnamese Unicode never uses.

    >>> suspect_legacy("Kh¬ng"), suspect_legacy("An Bình"), suspect_legacy("Mường")
    (True, False, False)
    """
    return any(0x80 <= ord(ch) <= 0xFF and ch not in VIET_LATIN1 for ch in text)

# ---------------------------------------------------------------------------
# Is a word a Vietnamese syllable? (used only for detection)

_INITIALS = frozenset((
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng",
    "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
    # loan and minority-language names (Đắk Lắk, Krông, Pleiku, Bl'...)
    "f", "j", "w", "z", "bl", "br", "cl", "dr", "gl", "kr", "pl",
))
_FINALS = frozenset(("", "c", "ch", "m", "n", "ng", "nh", "p", "t", "k"))
_STOPS = frozenset(("c", "ch", "p", "t"))  # only sắc (4) or nặng (5) before these
# vowel cluster -> (positions that may carry the tone, final rule)
# final rule: "" any, "none" no final consonant, "need" a final consonant
_CLUSTERS: dict[str, tuple[frozenset[int], str]] = {}
for _v in _VOWELS:
    _CLUSTERS[_v] = (frozenset({0}), "")
for _c, _pos, _rule in (
    ("ai", {0}, "none"), ("ao", {0}, "none"), ("au", {0}, "none"), ("ay", {0}, "none"),
    ("âu", {0}, "none"), ("ây", {0}, "none"), ("eo", {0}, "none"), ("êu", {0}, "none"),
    ("ia", {0}, "none"), ("iu", {0}, "none"), ("oi", {0}, "none"), ("ôi", {0}, "none"),
    ("ơi", {0}, "none"), ("ua", {0}, "none"), ("ui", {0}, "none"), ("ưa", {0}, "none"),
    ("ưi", {0}, "none"), ("ưu", {0}, "none"),
    ("iê", {1}, "need"), ("yê", {1}, "need"), ("uô", {1}, "need"), ("ươ", {1}, "need"),
    ("oă", {1}, "need"), ("uâ", {1}, "need"),
    ("oa", {0, 1}, ""), ("oe", {0, 1}, ""), ("uy", {0, 1}, ""), ("uê", {1}, ""),
    ("uơ", {1}, "none"),
    ("iêu", {1}, "none"), ("yêu", {1}, "none"), ("oai", {1}, "none"), ("oay", {1}, "none"),
    ("oao", {1}, "none"), ("oeo", {1}, "none"), ("uây", {1}, "none"), ("uôi", {1}, "none"),
    ("ươi", {1}, "none"), ("ươu", {1}, "none"), ("uya", {1}, "none"), ("uyu", {1}, "none"),
    ("uyê", {2}, "need"),
):
    _CLUSTERS[_c] = (frozenset(_pos), _rule)

# letter -> (base letter without tone, tone 0..5)
_LETTER_PARTS: dict[str, tuple[str, int]] = {c: (c, 0) for c in "abcdefghijklmnopqrstuvwxyz"}
for _v in _VOWELS:
    for _t in range(6):
        _LETTER_PARTS[_toned(_v, _t)] = (_v, _t)
_LETTER_PARTS["đ"] = ("đ", 0)
_SPLIT = re.compile(f"([^{_VOWELS}]*+)([{_VOWELS}]++)([^{_VOWELS}]*+)")  # possessive: no backtracking


def _is_syllable(word: str) -> bool:
    """True if ``word`` is spelled like one Vietnamese syllable.

    >>> [_is_syllable(w) for w in ("Khương", "quốc", "GIỮA", "Quèc", "phoøng", "tÕ")]
    [True, True, True, False, False, False]
    """
    word = unicodedata.normalize("NFC", word)
    if not (word.islower() or word.isupper() or word.istitle()):
        return False  # "tÕ" is not how a word is written, it is TCVN3 for "tế"
    parts = [_LETTER_PARTS.get(ch) for ch in word.lower()]
    if not parts or any(p is None for p in parts):
        return False
    bases = "".join(p[0] for p in parts)  # type: ignore[index]
    tones = [(i, p[1]) for i, p in enumerate(parts) if p[1]]  # type: ignore[index]
    if len(tones) > 1:
        return False
    m = _SPLIT.fullmatch(bases)
    if m is None:
        return False
    initial, vowels, final = m.groups()
    splits = []
    if initial == "q":
        if vowels.startswith("u") and len(vowels) > 1 and vowels[1] not in "ou":
            splits.append(("qu", vowels[1:]))
    else:
        splits.append((initial, vowels))
        if initial == "g" and vowels.startswith("i") and len(vowels) > 1:
            splits.append(("gi", vowels[1:]))
    tone_at, tone = tones[0] if tones else (None, 0)
    if final in _STOPS and tone not in (0, 4, 5):
        return False
    for init, cluster in splits:
        spec = _CLUSTERS.get(cluster)
        if init not in _INITIALS or final not in _FINALS or spec is None:
            continue
        positions, rule = spec
        if (rule == "none" and final) or (rule == "need" and not final):
            continue
        if tone_at is not None and tone_at - len(init) not in positions:
            continue
        return True
    return False


# ---------------------------------------------------------------------------
# Detection

def _token_pattern(codes: frozenset[str]) -> re.Pattern[str]:
    extra = "".join(re.escape(c) for c in sorted(codes))
    return re.compile(f"[A-Za-z{extra}]+")


_TOKENS = {TCVN3: _token_pattern(_TCVN3_CODES), VNI: _token_pattern(_VNI_CODES)}
_ASCII_LETTER = re.compile("[A-Za-z]")


def _evidence(text: str, encoding: str) -> tuple[int, int, int, bool]:
    """(words that become syllables, words that stop being syllables,
    words that are syllables neither way, any strong positive word)."""
    decode = _DECODERS[encoding]
    pos = neg = noise = 0
    strong = False
    for token in _TOKENS[encoding].findall(text):
        if token.isascii() or (
                len(token) == 1 and not unicodedata.category(token).startswith("L")):
            continue  # nothing to decode, or a lone symbol ("×", "©")
        before = _is_syllable(token)
        after = _is_syllable(decode(token))
        if after and not before:
            pos += 1
            strong = strong or len(token) >= 3 or bool(_ASCII_LETTER.match(token))
        elif before and not after:
            neg += 1
        elif not before and not after:
            noise += 1
    return pos, neg, noise, strong


def detect_legacy(text: str, font_name: str | None = None) -> str | None:
    """Which legacy encoding ``text`` is in: ``"tcvn3"``, ``"vni"`` or None.

    The font name decides first (``.Vn...`` is TCVN3, ``VNI-...`` is VNI),
    unless the text holds Vietnamese letters that only Unicode has (``ư``,
    ``ố``, a combining mark ...), or reads as Vietnamese as it stands: its
    only non-ASCII letters are ones Vietnamese Unicode uses (``ì``, ``â``) and
    no word needs decoding to become a syllable (``"An Bình"``, where TCVN3
    would read ``"An Bỡnh"``). Such text was typed in Unicode whatever the
    cell's font, and None is returned.

    Without a legacy font name the text itself is examined, conservatively:
    None for ASCII, for any text with Unicode-only Vietnamese letters, and
    unless some words stop being gibberish and become Vietnamese syllables
    when decoded (``"Kh¬ng"`` -> ``"Khương"``), and those words outnumber
    the words that get worse or stay unreadable. A single such word counts
    only if it is at least three characters long or starts with an ASCII
    letter (so ``"5 µm"`` stays None). Words that read as Vietnamese both
    ways (``"hoá"`` is also VNI for ``"hố"``) are ignored.

    >>> detect_legacy("Mêng Kh¬ng"), detect_legacy("Möôøng Khöông")
    ('tcvn3', 'vni')
    >>> detect_legacy("Tân Hà"), detect_legacy("OCOP 3 sao"), detect_legacy("Mường Khương")
    (None, None, None)
    >>> detect_legacy("Hoan thanh", font_name=".VnTime"), detect_legacy("An Bình", font_name=".VnTime")
    ('tcvn3', None)
    """
    if any(ch in _UNICODE_ONLY for ch in text):
        return None
    by_font = font_encoding(font_name)
    if by_font is not None:
        if text.isascii() or suspect_legacy(text) or _evidence(text, by_font)[0]:
            return by_font
        return None  # reads as Vietnamese Unicode as it stands
    if text.isascii():
        return None
    best: str | None = None
    best_margin = 0
    tie = False
    for encoding in (TCVN3, VNI):
        pos, neg, noise, strong = _evidence(text, encoding)
        if pos == 0 or not strong or pos <= neg + noise:
            continue
        margin = pos - neg - noise
        if margin > best_margin:
            best, best_margin, tie = encoding, margin, False
        elif margin == best_margin:
            tie = True
    return None if tie else best


def fix_legacy(text: str, font_name: str | None = None) -> tuple[str, str | None]:
    """``(Unicode NFC text, encoding found or None)``.

    Converts when :func:`detect_legacy` finds an encoding (TCVN3 text in a
    ``...H`` font comes back in capitals); otherwise returns the text
    NFC-normalised and None. Whitespace is left as it is.

    >>> fix_legacy("Ch\\xada ®¹t")
    ('Chưa đạt', 'tcvn3')
    >>> fix_legacy("Chöa ñaït")
    ('Chưa đạt', 'vni')
    >>> fix_legacy("ñy ban", font_name=".VnTimeH")
    ('ỦY BAN', 'tcvn3')
    >>> fix_legacy("OCOP")
    ('OCOP', None)
    """
    encoding = detect_legacy(text, font_name)
    if encoding == TCVN3:
        return tcvn3_to_unicode(text, font_name=font_name), encoding
    if encoding == VNI:
        return vni_to_unicode(text), encoding
    return unicodedata.normalize("NFC", text), None
