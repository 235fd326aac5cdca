"""Legacy Vietnamese encodings (TCVN3/ABC and VNI) -> Unicode.

The expected legacy spellings below were written by hand from the published
tables (TCVN 5712 VN3 as listed by public TCVN3 converters; the VNI table of
the xvnkb keyboard driver), not produced by the module under test.
"""
from __future__ import annotations

import string
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_analysis.io.legacy import (
    VIETNAMESE_LOWER,
    VIETNAMESE_UPPER,
    font_encoding,
    is_upper_font,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)
from ntm_analysis.io.legacy_detect import detect_legacy, fix_legacy

# ---------------------------------------------------------------------------
# Full tables, letter by letter, in the order public converters list them
# (tones: acute, grave, hook, tilde, dot -- a different order from the module's
# own table, which is written grave, hook, tilde, acute, dot).

UNICODE_ORDER = (
    "àáảãạ ăằắẳẵặ âầấẩẫậ đ èéẻẽẹ êềếểễệ ìíỉĩị òóỏõọ ôồốổỗộ ơờớởỡợ ùúủũụ ưừứửữự "
    "ỳýỷỹỵ ĂÂĐÊÔƠƯ"
).split()
TCVN3_ORDER = [
    "µ¸¶·¹", "¨»¾¼½Æ", "©ÇÊÈÉË", "®", "ÌÐÎÏÑ", "ªÒÕÓÔÖ", "×ÝØÜÞ", "ßãáâä", "«åèæçé",
    "¬êíëìî", "ïóñòô", "\xadõøö÷ù", "úýûüþ", "¡¢§£¤¥¦",
]


@pytest.mark.parametrize("uni, tcvn", list(zip(UNICODE_ORDER, TCVN3_ORDER)))
def test_tcvn3_table_group(uni, tcvn):
    assert len(uni) == len(tcvn)
    assert tcvn3_to_unicode(tcvn) == uni
    assert unicode_to_tcvn3(uni) == tcvn


def test_tcvn3_codes_are_single_bytes_read_alike_by_cp1252_and_latin1():
    codes = "".join(TCVN3_ORDER)
    assert len(set(codes)) == 74
    raw = codes.encode("latin-1")
    assert all(0xA1 <= b <= 0xFE for b in raw)
    # Excel reads the bytes through cp1252; in this range it agrees with latin-1.
    assert tcvn3_to_unicode(raw.decode("cp1252")) == "".join(UNICODE_ORDER)


VNI_BASES = {  # xvnkb vni.h, lowercase rows: plain, acute, grave, hook, tilde, dot
    "aáàảãạ": "a aù aø aû aõ aï",
    "âấầẩẫậ": "aâ aá aà aå aã aä",
    "ăắằẳẵặ": "aê aé aè aú aü aë",
    "eéèẻẽẹ": "e eù eø eû eõ eï",
    "êếềểễệ": "eâ eá eà eå eã eä",
    "oóòỏõọ": "o où oø oû oõ oï",
    "ôốồổỗộ": "oâ oá oà oå oã oä",
    "ơớờởỡợ": "ô ôù ôø ôû ôõ ôï",
    "uúùủũụ": "u uù uø uû uõ uï",
    "ưứừửữự": "ö öù öø öû öõ öï",
    "iíìỉĩị": "i í ì æ ó ò",
    "yýỳỷỹỵ": "y yù yø yû yõ î",
    "đ": "ñ",
}


@pytest.mark.parametrize("letters, codes", list(VNI_BASES.items()))
def test_vni_table_row(letters, codes):
    seqs = codes.split()
    for letter, seq in zip(letters, seqs):
        assert vni_to_unicode(seq) == letter
        assert unicode_to_vni(letter) == seq
        # capitals: capital base and capital modifiers (vni.h upper rows)
        assert vni_to_unicode(seq.upper()) == letter.upper()
        assert unicode_to_vni(letter.upper()) == seq.upper()


# ---------------------------------------------------------------------------
# Real phrases, encoded by hand.

HAND = [
    # unicode, TCVN3, VNI
    ("Mường Khương", "M\xadêng Kh\xad¬ng", "Möôøng Khöông"),
    ("Quốc phòng và An ninh", "Quèc phßng vµ An ninh", "Quoác phoøng vaø An ninh"),
    ("Thông tin và Truyền thông", "Th«ng tin vµ TruyÒn th«ng", "Thoâng tin vaø Truyeàn thoâng"),
    ("Tổ chức sản xuất và phát triển kinh tế nông thôn",
     "Tæ chøc s¶n xuÊt vµ ph¸t triÓn kinh tÕ n«ng th«n",
     "Toå chöùc saûn xuaát vaø phaùt trieån kinh teá noâng thoân"),
    ("Đạt", "§¹t", "Ñaït"),
    ("Chưa đạt", "Ch\xada ®¹t", "Chöa ñaït"),
    ("Bảo Thắng", "B¶o Th¾ng", "Baûo Thaéng"),
    ("Bát Xát", "B¸t X¸t", "Baùt Xaùt"),
    ("Giáo dục và Đào tạo", "Gi¸o dôc vµ §µo t¹o", "Giaùo duïc vaø Ñaøo taïo"),
    ("Xã Nghĩa Đô", "X· NghÜa §«", "Xaõ Nghóa Ñoâ"),
    ("Ơn Ưng Ăn Âm Êm Ông", "¥n ¦ng ¡n ¢m £m ¤ng", "Ôn Öng AÊn AÂm EÂm OÂng"),
]


@pytest.mark.parametrize("uni, tcvn, vni", HAND)
def test_hand_encoded_phrases(uni, tcvn, vni):
    assert tcvn3_to_unicode(tcvn) == uni
    assert vni_to_unicode(vni) == uni
    assert unicode_to_tcvn3(uni) == tcvn
    assert unicode_to_vni(uni) == vni
    assert fix_legacy(tcvn) == (uni, "tcvn3")
    assert fix_legacy(vni) == (uni, "vni")
    assert fix_legacy(uni) == (uni, None)


def test_soft_hyphen_is_the_letter_u_horn():
    legacy = "M\xadêng Kh\xad¬ng"
    assert "\xad" in legacy  # invisible, but there
    assert tcvn3_to_unicode(legacy) == "Mường Khương"
    # what stripping it first would do: the word is lost
    assert tcvn3_to_unicode(legacy.replace("\xad", "")) == "Mờng Khơng"


def test_output_is_nfc():
    out = tcvn3_to_unicode("Quèc") + vni_to_unicode("Quoác")
    assert out == unicodedata.normalize("NFC", out)
    assert out == "QuốcQuốc"


def test_unmapped_characters_pass_through():
    assert tcvn3_to_unicode("OCOP 3* – “Mật”") == "OCOP 3* – “Mật”"
    assert vni_to_unicode("OCOP 3* – 25°C") == "OCOP 3* – 25°C"


def test_vni_lenient_spellings():
    assert vni_to_unicode("Aø") == "À"          # lowercase mark on a capital
    assert vni_to_unicode("aØ") == "à"
    assert vni_to_unicode("aâù") == "ấ"         # circumflex then a separate tone
    assert vni_to_unicode("OÂØ") == "Ồ"
    assert vni_to_unicode("yï") == "ỵ"          # the driver types î


# ---------------------------------------------------------------------------
# Capitals fonts (.VnTimeH)


def test_tcvn3_upper_flag_and_font():
    assert tcvn3_to_unicode("ñy ban nh©n d©n", upper=True) == "ỦY BAN NHÂN DÂN"
    assert tcvn3_to_unicode("ñy ban nh©n d©n", font_name=".VnTimeH") == "ỦY BAN NHÂN DÂN"
    assert tcvn3_to_unicode("ñy ban nh©n d©n", font_name=".VnTime") == "ủy ban nhân dân"
    assert fix_legacy("Uû ban nh©n d©n huyÖn", ".VnArialH") == ("UỶ BAN NHÂN DÂN HUYỆN", "tcvn3")


def test_font_names():
    assert font_encoding(".VnTime") == "tcvn3"
    assert font_encoding(" .VnArial Narrow ") == "tcvn3"
    assert font_encoding("VNI-Times") == "vni"
    assert font_encoding("vni-helve") == "vni"
    for name in (None, "", "Times New Roman", "Arial", "VnTimes Unicode", "Calibri"):
        assert font_encoding(name) is None
    assert is_upper_font(".VnTimeH") and is_upper_font(".VnArialH")
    assert not is_upper_font(".VnTime") and not is_upper_font("VNI-TimesH")
    assert not is_upper_font(None)


def test_encoders_refuse_what_they_cannot_write():
    with pytest.raises(ValueError, match="upper=True"):
        unicode_to_tcvn3("Ủy ban")
    with pytest.raises(ValueError, match="TCVN3"):
        unicode_to_tcvn3("5 µm")         # µ reads back as à
    with pytest.raises(ValueError, match="TCVN3"):
        unicode_to_tcvn3("a\xadb")       # a real soft hyphen reads back as ư
    with pytest.raises(ValueError, match="VNI"):
        unicode_to_vni("Peña")
    assert unicode_to_tcvn3("ỦY BAN", upper=True) == "ñy ban"


def test_encoders_accept_decomposed_input():
    nfd = unicodedata.normalize("NFD", "Mường Khương")
    assert unicode_to_tcvn3(nfd) == "M\xadêng Kh\xad¬ng"
    assert unicode_to_vni(nfd) == "Möôøng Khöông"


# ---------------------------------------------------------------------------
# Detection

# Criteria (the national set), and commune/district names of a mountain
# province, status words and plan phrases.
PHRASES = [
    "Quy hoạch", "Giao thông", "Thủy lợi và phòng, chống thiên tai", "Điện", "Trường học",
    "Cơ sở vật chất văn hóa", "Cơ sở hạ tầng thương mại nông thôn",
    "Thông tin và Truyền thông", "Nhà ở dân cư", "Thu nhập", "Nghèo đa chiều", "Lao động",
    "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Giáo dục và Đào tạo", "Y tế",
    "Văn hóa", "Môi trường và an toàn thực phẩm",
    "Hệ thống chính trị và tiếp cận pháp luật", "Quốc phòng và An ninh",
    "Xã Mường Khương", "Xã Bản Lầu", "Xã Lùng Vai", "Xã Thanh Bình", "Xã Bảo Nhai",
    "Thị trấn Phố Lu", "Xã Cốc San", "Xã Tả Phời", "Xã Nậm Pung", "Huyện Bát Xát",
    "Xã Y Tý", "Xã Sơn Hải", "Xã Phong Niên", "Xã Gia Phú", "Xã Xuân Quang", "Xã Bảo Hà",
    "Xã Tân Dương", "Xã Trịnh Tường", "Xã Nghĩa Đô", "Xã Vĩnh Yên", "Xã Võ Lao",
    "Xã Dương Quỳ", "Thị trấn Khánh Yên", "Xã Minh Lương", "Xã Thẩm Dương",
    "Xã Tả Ngài Chồ", "Xã Lùng Khấu Nhin", "Xã Thào Chư Phìn", "Xã Sín Chéng",
    "Xã Bản Xèo", "Xã Trung Lèng Hồ", "Xã Dền Sáng", "Xã Ngải Thầu", "Xã Mường Vi",
    "Đạt", "Chưa đạt", "Đã đạt 19/19 tiêu chí", "Chưa đạt tiêu chí số 17",
    "Tiếp tục duy trì", "Hồ sơ đề nghị xét công nhận", "Quý IV năm 2024", "Thẩm định",
    "Sản phẩm OCOP 3 sao", "Mật ong bạc hà", "Gạo Séng Cù", "Tỷ lệ hộ nghèo",
    "Đường giao thông nông thôn", "Nước sạch", "Khuyến khích", "Huấn luyện",
    "Quyết định số 318/QĐ-TTg", "Hoàn thành", "Tân Hà", "Lào Cai", "Thái Niên",
    "Hòa Bình", "Cà Mau", "Tây Ninh",
]


@pytest.mark.parametrize("phrase", PHRASES)
def test_no_false_positive_on_unicode(phrase):
    assert detect_legacy(phrase) is None
    assert detect_legacy(phrase, "Times New Roman") is None
    assert detect_legacy(unicodedata.normalize("NFD", phrase)) is None
    assert fix_legacy(phrase) == (phrase, None)


@pytest.mark.parametrize("phrase", PHRASES)
def test_detects_tcvn3(phrase):
    encoded = unicode_to_tcvn3(phrase)
    if encoded == phrase:  # e.g. nothing but ASCII and letters TCVN3 leaves alone
        pytest.skip("identical in TCVN3")
    assert detect_legacy(encoded) == "tcvn3"
    assert fix_legacy(encoded) == (phrase, "tcvn3")


@pytest.mark.parametrize("phrase", PHRASES)
def test_detects_vni(phrase):
    encoded = unicode_to_vni(phrase)
    if encoded == phrase:
        pytest.skip("identical in VNI")
    assert detect_legacy(encoded) == "vni"
    assert fix_legacy(encoded) == (phrase, "vni")


@pytest.mark.parametrize("text", [
    "", "OCOP", "Xa Muong Khuong", "UBND huyện", "19/19", "Café Nestlé", "naïve",
    "Zürich", "crème brûlée", "São Paulo", "5 µm", "3×4 m", "© 2020", "25°C", "100 m²",
    "½ ha", "«Tân Hà»", "¿Qué?", "Señora Peña", "Hôtel de Ville", "Ông Bà",
    "hoá",  # Unicode "hoá" is also VNI for "hố": ambiguous, so None
])
def test_conservative(text):
    assert detect_legacy(text) is None


def test_font_name_decides():
    assert detect_legacy("Hoan thanh", ".VnTime") == "tcvn3"
    assert detect_legacy("Hoan thanh", "VNI-Times") == "vni"
    assert detect_legacy("Quèc phßng", ".VnTime") == "tcvn3"
    # a legacy font name with text that only Unicode can hold: typed in Unicode
    assert detect_legacy("Mường Khương", ".VnTime") is None
    assert fix_legacy("Mường Khương", "VNI-Times") == ("Mường Khương", None)
    # a non-legacy font does not stop detection (values pasted into a new cell)
    assert detect_legacy("Mêng Kh¬ng", "Calibri") == "tcvn3"


def test_mixed_sentence_with_ascii_and_numbers():
    uni = "Xã Mường Khương đạt 15/19 tiêu chí (OCOP: 3 sản phẩm) – quý II/2024"
    assert fix_legacy(unicode_to_tcvn3(uni)) == (uni, "tcvn3")
    assert fix_legacy(unicode_to_vni(uni)) == (uni, "vni")


# ---------------------------------------------------------------------------
# Properties

LOWER_TCVN3 = VIETNAMESE_LOWER + "ĂÂÊÔƠƯĐ" + string.ascii_letters + string.digits + " ,.-/()"
UPPER_TCVN3 = VIETNAMESE_UPPER + string.ascii_uppercase + string.digits + " ,.-/()"
ALL_LETTERS = VIETNAMESE_LOWER + VIETNAMESE_UPPER + string.ascii_letters + string.digits + " ,.-/()"


def test_alphabet_is_complete():
    assert len(VIETNAMESE_LOWER) == len(set(VIETNAMESE_LOWER)) == 73
    assert {"ư", "ờ", "ỵ", "đ", "ẫ", "ặ"} <= set(VIETNAMESE_LOWER)
    assert {"Ư", "Ờ", "Ỵ", "Đ", "Ẫ", "Ặ"} <= set(VIETNAMESE_UPPER)


@given(st.text(alphabet=LOWER_TCVN3))
def test_tcvn3_round_trip(s):
    assert tcvn3_to_unicode(unicode_to_tcvn3(s)) == s


@given(st.text(alphabet=UPPER_TCVN3))
def test_tcvn3_upper_round_trip(s):
    assert tcvn3_to_unicode(unicode_to_tcvn3(s, upper=True), upper=True) == s


@given(st.text(alphabet=ALL_LETTERS))
def test_vni_round_trip(s):
    assert vni_to_unicode(unicode_to_vni(s)) == s


@given(st.text(alphabet=string.printable))
def test_ascii_is_left_alone(s):
    assert tcvn3_to_unicode(s) == s
    assert vni_to_unicode(s) == s
    assert detect_legacy(s) is None


@given(st.sampled_from(VIETNAMESE_UPPER).filter(lambda c: c not in "ĂÂÊÔƠƯĐ" and not c.isascii()))
def test_toned_capitals_have_no_tcvn3_code(c):
    with pytest.raises(ValueError):
        unicode_to_tcvn3(c)


# real words only (not "318/QĐ-TTg")
WORDS = sorted({w.strip(",") for p in PHRASES for w in p.split()
                if not w.isascii() and w.strip(",").isalpha() and not w[1:].isupper()})


@settings(max_examples=200)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
def test_unicode_word_salad_is_never_legacy(words):
    assert detect_legacy(" ".join(words)) is None


@settings(max_examples=300)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
def test_encoded_word_salad_is_never_misread(words):
    """Decoded right, or left alone; never decoded with the wrong table.

    Some words are ambiguous on their own ("Chö" is VNI for "Chư" and TCVN3
    for "Chử"; "soá" is VNI "số" or a Unicode spelling of "soá"), so a
    short salad may be left alone; the phrase tests above require detection.
    """
    text = " ".join(words)
    encoded = {"vni": unicode_to_vni(text)}
    if not any(c in VIETNAMESE_UPPER and c not in "ĂÂÊÔƠƯĐ" and not c.isascii() for c in text):
        encoded["tcvn3"] = unicode_to_tcvn3(text)
    for encoding, legacy in encoded.items():
        assert fix_legacy(legacy) in ((text, encoding), (legacy, None))
