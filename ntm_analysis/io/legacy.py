"""Legacy 8-bit Vietnamese font encodings (TCVN3/ABC and VNI) to Unicode.

Old district workbooks were typed with the ABC or VNI keyboard drivers in
fonts that draw Vietnamese letters at Latin-1 code points. Excel keeps the
*characters* (read through the Windows ANSI code page, cp1252) and only the
font makes them look Vietnamese; once the font is gone (a CSV export, a
paste into a default-font cell) the text reads ``"Mêng Kh¬ng"``.

TCVN3 (TCVN 5712:1993 "VN3", the ABC fonts ``.VnTime``, ``.VnArial`` ...):
one code per letter. Lowercase letters with every tone, plus the seven
capitals ``Ă Â Ê Ô Ơ Ư Đ``; there are no toned capitals, so capitals are
typed with the same lowercase codes in the ``...H`` fonts (``.VnTimeH``),
which draw every letter as a capital. The letter ``ư`` is code 0xAD, which
is U+00AD SOFT HYPHEN once read: invisible, and easily stripped by cleaning
code. Never strip it before conversion.

VNI (``VNI-Times``, ``VNI-Helve`` ...): a base letter followed by one
modifier character (tone, circumflex or breve, or a combined
circumflex/breve + tone) and capitals written with capital modifiers;
``ơ``, ``ư``, ``đ`` and the toned ``i`` and ``ỵ`` are single codes.

Sources of the tables. The TCVN3 codes are the VN3 layout of TCVN 5712:1993
as drawn by the ABC fonts; they were written out here per vowel in the
encoding's own tone order (grave, hook, tilde, acute, dot) and checked
code-by-code against two public converters: the C# ``Converter`` of
hdbd789/clinic (``Helpers/Converter.cs``, TCVN3 to Unicode) and the
0xA0-0xFF half of the X-TrueType ``TCVNtoUCS2.c`` table (XFree86, TCVN 5712
"VN1", whose lowercase half equals VN3; its extra capitals at 0x01-0x1F and
0x80-0x9F are *not* used by the ABC fonts and are deliberately not mapped,
because in cp1252 those positions are real punctuation such as ``“ ” –``).
The VNI codes were checked against the VNI table of lamdao/xvnkb
(``vni.h``) and the ``VNI`` list of duydev/vietnamese-conversion
(``src/charsets.ts``); the two agree with each other and with this module.

Detection (:func:`~.legacy_detect.detect_legacy`) trusts the font name first and otherwise
looks for words that are not Vietnamese syllables as they stand but become
syllables after decoding; it is deliberately conservative (see its
docstring).

>>> tcvn3_to_unicode("M\\xadêng Kh\\xad¬ng")
'Mường Khương'
>>> vni_to_unicode("Möôøng Khöông")
'Mường Khương'
"""
from __future__ import annotations

import re
import unicodedata

__all__ = [
    "TCVN3",
    "VNI",
    "font_encoding",
    "is_upper_font",
    "tcvn3_to_unicode",
    "unicode_to_tcvn3",
    "unicode_to_vni",
    "vni_to_unicode",
    "VIETNAMESE_LOWER",
    "VIETNAMESE_UPPER",
]

TCVN3 = "tcvn3"
VNI = "vni"

# Tone marks in the order both legacy encodings list them:
# huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
_TONES = ("\u0300", "\u0309", "\u0303", "\u0301", "\u0323")
_VOWELS = "aăâeêioôơuưy"


def _toned(base: str, tone: int) -> str:
    """``base`` with tone ``tone`` (0 none, 1..5 in _TONES order), NFC."""
    return unicodedata.normalize("NFC", base + (_TONES[tone - 1] if tone else ""))


#: The lowercase Vietnamese vowels with every tone (12 x 6, plain ones
#: included) and đ: 73 characters.
VIETNAMESE_LOWER = "".join(_toned(v, t) for v in _VOWELS for t in range(6)) + "đ"
#: Their capitals, in the same order.
VIETNAMESE_UPPER = VIETNAMESE_LOWER.upper()

# ---------------------------------------------------------------------------
# TCVN3 table: per vowel, (code without tone, codes for the five tones).
# Codes are byte values; Excel shows byte b as chr(b) (cp1252 == latin-1 here,
# since every code is in 0xA1-0xFE).
_TCVN3_ROWS: dict[str, tuple[int, tuple[int, int, int, int, int]]] = {
    #      plain   grave hook  tilde acute dot
    "a": (0x61, (0xB5, 0xB6, 0xB7, 0xB8, 0xB9)),  # à ả ã á ạ = µ ¶ · ¸ ¹
    "ă": (0xA8, (0xBB, 0xBC, 0xBD, 0xBE, 0xC6)),  # ă = ¨ ; ằ ẳ ẵ ắ ặ = » ¼ ½ ¾ Æ
    "â": (0xA9, (0xC7, 0xC8, 0xC9, 0xCA, 0xCB)),  # â = © ; ầ ẩ ẫ ấ ậ = Ç È É Ê Ë
    "e": (0x65, (0xCC, 0xCE, 0xCF, 0xD0, 0xD1)),  # è ẻ ẽ é ẹ = Ì Î Ï Ð Ñ
    "ê": (0xAA, (0xD2, 0xD3, 0xD4, 0xD5, 0xD6)),  # ê = ª ; ề ể ễ ế ệ = Ò Ó Ô Õ Ö
    "i": (0x69, (0xD7, 0xD8, 0xDC, 0xDD, 0xDE)),  # ì ỉ ĩ í ị = × Ø Ü Ý Þ
    "o": (0x6F, (0xDF, 0xE1, 0xE2, 0xE3, 0xE4)),  # ò ỏ õ ó ọ = ß á â ã ä
    "ô": (0xAB, (0xE5, 0xE6, 0xE7, 0xE8, 0xE9)),  # ô = « ; ồ ổ ỗ ố ộ = å æ ç è é
    "ơ": (0xAC, (0xEA, 0xEB, 0xEC, 0xED, 0xEE)),  # ơ = ¬ ; ờ ở ỡ ớ ợ = ê ë ì í î
    "u": (0x75, (0xEF, 0xF1, 0xF2, 0xF3, 0xF4)),  # ù ủ ũ ú ụ = ï ñ ò ó ô
    "ư": (0xAD, (0xF5, 0xF6, 0xF7, 0xF8, 0xF9)),  # ư = soft hyphen ; ừ ử ữ ứ ự = õ ö ÷ ø ù
    "y": (0x79, (0xFA, 0xFB, 0xFC, 0xFD, 0xFE)),  # ỳ ỷ ỹ ý ỵ = ú û ü ý þ
}
_TCVN3_OTHER = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5,
                "Ư": 0xA6, "Đ": 0xA7}


def _build_tcvn3() -> dict[str, str]:
    """Unicode letter -> TCVN3 character, for every non-ASCII letter TCVN3 has."""
    table: dict[str, str] = {}
    for vowel, (plain, tones) in _TCVN3_ROWS.items():
        if plain >= 0x80:
            table[vowel] = chr(plain)
        for t, code in enumerate(tones, start=1):
            table[_toned(vowel, t)] = chr(code)
    for letter, code in _TCVN3_OTHER.items():
        table[letter] = chr(code)
    return table


_UNI_TO_TCVN3 = _build_tcvn3()
_TCVN3_TO_UNI = {code: letter for letter, code in _UNI_TO_TCVN3.items()}
_TCVN3_DECODE = str.maketrans(_TCVN3_TO_UNI)
_TCVN3_CODES = frozenset(_TCVN3_TO_UNI)
# Capitals that need a capitals font (.VnTimeH) in TCVN3.
_TONED_CAPITALS = frozenset(c for c in VIETNAMESE_UPPER if not c.isascii()) - frozenset(_TCVN3_OTHER)

# ---------------------------------------------------------------------------
# VNI table: modifiers, lowercase (capitals are the str.upper() of each, all
# in Latin-1: ø->Ø, â->Â ...).
_VNI_TONE = ("ø", "û", "õ", "ù", "ï")        # after a e o u y ô(ơ) ö(ư)
_VNI_CIRC = ("â", "à", "å", "ã", "á", "ä")   # â ê ô: plain, then the five tones
_VNI_BREVE = ("ê", "è", "ú", "ü", "é", "ë")  # ă: plain, then the five tones
_VNI_I = ("i", "ì", "æ", "ó", "í", "ò")      # i with each tone: single codes
_VNI_HORN = {"ơ": "ô", "ư": "ö"}             # single codes, take a tone modifier


def _vni_lower(vowel: str, tone: int) -> str:
    """VNI spelling of lowercase ``vowel`` with ``tone`` (0..5)."""
    if vowel == "i":
        return _VNI_I[tone]
    if vowel == "y" and tone == 5:
        return "î"
    if vowel in "âêô":
        return {"â": "a", "ê": "e", "ô": "o"}[vowel] + _VNI_CIRC[tone]
    if vowel == "ă":
        return "a" + _VNI_BREVE[tone]
    base = _VNI_HORN.get(vowel, vowel)
    return base + (_VNI_TONE[tone - 1] if tone else "")


def _build_vni() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(Unicode letter -> VNI sequence, VNI sequence -> Unicode letter,
    the same restricted to the sequences the encoder produces).

    The decoding side also accepts spellings that VNI fonts draw the same way
    but the keyboard driver does not produce: a modifier whose case differs
    from its base letter (``Aø``), a circumflex/breve followed by a separate
    tone (``aâù``), and ``i``/``y`` with a separate tone modifier.
    """
    encode: dict[str, str] = {}
    decode: dict[str, str] = {}
    for vowel in _VOWELS:
        for tone in range(6):
            lower = _toned(vowel, tone)
            seq = _vni_lower(vowel, tone)
            for letter, code in ((lower, seq), (lower.upper(), seq.upper())):
                if len(code) == 1 and code == letter:  # ASCII or unchanged
                    continue
                encode[letter] = code
                decode[code] = letter
    encode["đ"], encode["Đ"] = "ñ", "Ñ"
    decode["ñ"], decode["Ñ"] = "đ", "Đ"
    strict = dict(decode)
    # Lenient spellings (never produced by the encoder, so round trips hold).
    lenient: dict[str, str] = {}
    for code, letter in decode.items():
        if len(code) == 2:
            base, mod = code
            lenient.setdefault(base + (mod.lower() if mod.isupper() else mod.upper()), letter)
    for vowel, base, mark in (("â", "a", "â"), ("ê", "e", "â"), ("ô", "o", "â"), ("ă", "a", "ê")):
        for tone in range(1, 6):
            letter = _toned(vowel, tone)
            for b in (base, base.upper()):
                for m in (mark, mark.upper()):
                    for t in (_VNI_TONE[tone - 1], _VNI_TONE[tone - 1].upper()):
                        lenient.setdefault(b + m + t, letter.upper() if b.isupper() else letter)
    for vowel in "iy":
        for tone in range(1, 6):
            letter = _toned(vowel, tone)
            for b in (vowel, vowel.upper()):
                for t in (_VNI_TONE[tone - 1], _VNI_TONE[tone - 1].upper()):
                    lenient.setdefault(b + t, letter.upper() if b.isupper() else letter)
    for code, letter in lenient.items():
        decode.setdefault(code, letter)
    return encode, decode, strict


def _alternation(keys: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))


_UNI_TO_VNI, _VNI_TO_UNI, _VNI_STRICT = _build_vni()
_VNI_PATTERN = _alternation(_VNI_TO_UNI)
_VNI_STRICT_PATTERN = _alternation(_VNI_STRICT)
# Every character that means something in VNI (bases that change, modifiers).
_VNI_CODES = frozenset(ch for k in _VNI_TO_UNI for ch in k if ord(ch) >= 0x80)

# Characters that only appear in Unicode Vietnamese (outside Latin-1), and the
# combining marks of decomposed (NFD) Vietnamese: their presence means the text
# is already Unicode.
_UNICODE_ONLY = frozenset(
    ch for ch in VIETNAMESE_LOWER + VIETNAMESE_UPPER if ord(ch) > 0xFF
) | frozenset("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


# ---------------------------------------------------------------------------
# Fonts

def font_encoding(font_name: str | None) -> str | None:
    """The legacy encoding a font name implies: ``"tcvn3"``, ``"vni"`` or None.

    >>> font_encoding(".VnTime"), font_encoding("VNI-Times"), font_encoding("Arial")
    ('tcvn3', 'vni', None)
    >>> font_encoding(".VnTimeH")
    'tcvn3'
    """
    if not font_name:
        return None
    name = font_name.strip().lower()
    if name.startswith(".vn"):
        return TCVN3
    if name.startswith(("vni-", "vni ", "vni_")):
        return VNI
    return None


def is_upper_font(font_name: str | None) -> bool:
    """True for the TCVN3 capitals fonts (``.VnTimeH``, ``.VnArialH`` ...).

    >>> is_upper_font(".VnTimeH"), is_upper_font(".VnTime"), is_upper_font("Times")
    (True, False, False)
    """
    if font_encoding(font_name) != TCVN3:
        return False
    return str(font_name).strip().endswith("H")


# ---------------------------------------------------------------------------
# Decoders and encoders

def tcvn3_to_unicode(text: str, *, upper: bool = False, font_name: str | None = None) -> str:
    """Decode TCVN3 (ABC, ``.VnTime``) text to NFC Unicode.

    ``upper=True`` (or a ``font_name`` ending in "H", such as ``.VnTimeH``)
    returns capitals, as those fonts draw them. Characters that are not
    TCVN3 codes pass through unchanged.

    >>> tcvn3_to_unicode("B¶o Th¾ng")
    'Bảo Thắng'
    >>> tcvn3_to_unicode("ñy ban nh©n d©n", font_name=".VnTimeH")
    'ỦY BAN NHÂN DÂN'
    """
    out = text.translate(_TCVN3_DECODE)
    if upper or is_upper_font(font_name):
        out = out.upper()
    return unicodedata.normalize("NFC", out)


def vni_to_unicode(text: str) -> str:
    """Decode VNI (``VNI-Times``) text to NFC Unicode.

    >>> vni_to_unicode("Xin chaøo caùc baïn")
    'Xin chào các bạn'
    >>> vni_to_unicode("ÑAÏT")
    'ĐẠT'
    """
    out = _VNI_PATTERN.sub(lambda m: _VNI_TO_UNI[m.group(0)], text)
    return unicodedata.normalize("NFC", out)


def unicode_to_tcvn3(text: str, *, upper: bool = False) -> str:
    """Encode Unicode text as TCVN3 (for building test inputs).

    TCVN3 has no toned capitals: they raise ``ValueError`` unless
    ``upper=True``, which encodes for a capitals font (``.VnTimeH``) by
    writing every letter in lowercase codes (case is then lost). Characters
    that TCVN3 would read as a different letter (``µ``, ``©``, a soft
    hyphen ...) also raise ``ValueError``; everything else passes through.

    >>> unicode_to_tcvn3("Mường Khương") == "M\\xadêng Kh\\xad¬ng"
    True
    >>> unicode_to_tcvn3("ỦY BAN", upper=True)
    'ñy ban'
    """
    text = unicodedata.normalize("NFC", text)
    if upper:
        text = text.lower()
    out = []
    for i, ch in enumerate(text):
        code = _UNI_TO_TCVN3.get(ch)
        if code is not None:
            out.append(code)
        elif ch in _TCVN3_CODES:
            raise ValueError(f"{ch!r} (position {i}) cannot be written in TCVN3: "
                             f"it would read back as {_TCVN3_TO_UNI[ch]!r}")
        elif ch in _TONED_CAPITALS:
            raise ValueError(f"{ch!r} (position {i}) has no TCVN3 code: toned capitals "
                             "need a capitals font (use upper=True)")
        else:
            out.append(ch)
    return "".join(out)


def unicode_to_vni(text: str) -> str:
    """Encode Unicode text as VNI (for building test inputs).

    Characters that VNI uses as letters or modifiers but that are not
    Vietnamese letters (``ñ``, ``ø`` ...) raise ``ValueError``.

    >>> unicode_to_vni("Thông tin và Truyền thông")
    'Thoâng tin vaø Truyeàn thoâng'
    >>> unicode_to_vni("ĐẠT")
    'ÑAÏT'
    """
    text = unicodedata.normalize("NFC", text)
    out = []
    for i, ch in enumerate(text):
        code = _UNI_TO_VNI.get(ch)
        if code is not None:
            out.append(code)
        elif ch in _VNI_CODES:
            raise ValueError(f"{ch!r} (position {i}) cannot be written in VNI: "
                             "VNI uses it as a letter or a mark")
        else:
            out.append(ch)
    return "".join(out)


def _vni_strict(text: str) -> str:
    """VNI decoding with only the sequences the keyboard driver types (for
    detection: lenient spellings such as ``yÕ`` would make TCVN3 capitals
    look like VNI)."""
    out = _VNI_STRICT_PATTERN.sub(lambda m: _VNI_STRICT[m.group(0)], text)
    return unicodedata.normalize("NFC", out)
