"""The words a reader of NTM texts looks for: criteria, communes, polarity, deadlines.

Every pattern runs on :func:`~ntm_analysis.extract.patterns.pfold` text (lower case, no
diacritics, one character for one), so a match is cut out of the words as written.

>>> from ntm_analysis.criteria.catalogue import load_catalogue
>>> scan = criteria_scanner(load_catalogue("co_ban_2021_2025"))
>>> [(m.code, m.written) for m in scan.find("còn thiếu tiêu chí số 5 và Giáo dục và Đào tạo")]
[('5', 'tiêu chí số 5'), ('14', 'Giáo dục và Đào tạo')]
>>> [(c.name, c.district) for c in find_communes("xã Phú Mỹ (Đông Sơn Hạ) và xã Tân Lập")]
[('Phú Mỹ', 'Đông Sơn Hạ'), ('Tân Lập', '')]
>>> polarity_cues(pfold("tiêu chí Y tế chưa đạt"))[0][2]
'missing'
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..core.names import fold
from ..criteria.catalogue import Catalogue
from .patterns import COUNT, pfold

# ----------------------------------------------------------------- criteria
#: aliases that name a thing, not only a criterion ("sản phẩm OCOP", "bưu điện", "hộ
#: nghèo"): read as a criterion only where "tiêu chí" introduces them
#: the word "tiêu chí" or its abbreviation "TC"; with "điều kiện" (the model set's word), the
#: words that introduce criteria (regular-expression pieces, on folded text)
TC = r"(?:tieu chi|tc)"
MARKER = r"(?:tieu chi|tc|dieu kien)"
_GENERIC = frozenset({"ocop", "san pham ocop", "chuong trinh ocop", "buu dien", "ho ngheo", "nha o",
                      "cho nong thon", "an ninh trat tu", "thu nhap binh quan dau nguoi",
                      "dat chuan xa ntm nang cao", "dat chuan ntm nang cao", "lao dong co viec lam",
                      "truong hoc", "quoc phong", "an ninh", "thuy loi"})
_SEP = r"[\s,\-–]+"


@dataclass(frozen=True)
class CriterionMention:
    """A criterion named in a text: where, its code, the words as written, how it was
    named (``name``: by a name or alias of the set, ``number``: "tiêu chí số 5")."""

    start: int
    end: int
    code: str
    written: str
    by: str
    generic: bool = False
    at: int = -1  # where the number or name itself begins (the line reported), when not ``start``

    @property
    def first(self) -> int:
        return self.start if self.at < 0 else self.at


class CriteriaScanner:
    """Finds the criteria a catalogue knows in running text: by name (longest first,
    so "Giáo dục và Đào tạo" is one criterion) or by number in the set ("tiêu chí 06",
    "tiêu chí số 14", and "số 6" right after one)."""

    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        names: dict[str, str] = {}
        for alias, code in catalogue.aliases.items():
            names.setdefault(alias, code)
        for code in catalogue.codes:
            names.setdefault(fold(catalogue.name(code)), code)
        self._codes = {self._key(a): c for a, c in names.items()}
        self._canonical = {fold(catalogue.name(c)) for c in catalogue.codes}
        alternatives = sorted(names, key=len, reverse=True)
        body = "|".join(_SEP.join(map(re.escape, a.split())) for a in alternatives if a.split())
        self._names = re.compile(r"\b(?:" + body + r")\b")
        self._numbers = set(catalogue.criterion_codes)
        # in the model set alone, "thu nhập bình quân đầu người" is the model condition itself
        self._model_set = not catalogue.criterion_codes
        self._models = set(catalogue.model_codes)

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(re.split(r"[\s,\-–]+", text.strip()))

    _NUMBER = re.compile(r"\b" + MARKER + r"\s+(?:so\s+)?0?(\d{1,2})\b(?![/.,]\d)|"
                         r"(?:\bva|,)\s+so\s+0?(\d{1,2})\b(?![/.,]\d)")

    def find(self, text: str, folded: str | None = None) -> list[CriterionMention]:
        """The criteria named in ``text`` in order (``folded``: its :func:`pfold`, with
        whatever must not be read blanked out)."""
        folded = pfold(text) if folded is None else folded
        found: list[CriterionMention] = []
        taken = bytearray(len(folded))
        for m in self._NUMBER.finditer(folded):
            number = m.group(1) or m.group(2)
            if number.lstrip("0") in self._numbers:
                s = m.start() if m.group(1) else folded.rfind("so", m.start(), m.start(2))
                at = folded.rfind("so", s, m.start(1)) if m.group(1) else s
                at = at if at >= 0 else (m.start(1) if m.group(1) else s)
                found.append(CriterionMention(s, m.end(), number.lstrip("0"), text[s:m.end()], "number", at=at))
                taken[s:m.end()] = b"\x01" * (m.end() - s)
        for m in self._names.finditer(folded):
            if taken.find(1, m.start(), m.end()) >= 0:
                continue
            key = self._key(m.group(0))
            code = self._codes.get(key)
            if code is None:
                continue
            generic = key in _GENERIC and key not in self._canonical and not (self._model_set and code in self._models)
            found.append(CriterionMention(m.start(), m.end(), code, text[m.start():m.end()], "name", generic))
        return sorted(found, key=lambda c: c.start)


@lru_cache(maxsize=16)
def criteria_scanner(catalogue: Catalogue) -> CriteriaScanner:
    """The scanner of a catalogue (built once per catalogue version)."""
    return CriteriaScanner(catalogue)


# ------------------------------------------------------------------ communes
@dataclass(frozen=True)
class CommuneMention:
    """A commune named in a text ("xã Phú Mỹ (Đông Sơn Hạ)"): its name and the
    district written in parentheses after it, if any."""

    start: int
    end: int
    name: str
    district: str = ""


_XA = re.compile(r"\b(?:cac\s+)?xa\s+")
_NAME_WORD = re.compile(r"[^\W\d_][\w]*", re.UNICODE)
#: capitalised words that follow "xã" without naming a commune
_NOT_NAMES = frozenset({"ubnd", "uy", "ntm", "hoi", "nong", "dat", "dang", "thuoc"})
_PAREN_DISTRICT = re.compile(r"\s*\(([^()]{2,40})\)")


def _name_at(text: str, at: int, max_words: int = 4) -> tuple[str, int]:
    """The capitalised words of ``text`` from ``at`` (a commune's name) and where they end."""
    words, end, pos = [], at, at
    while len(words) < max_words:
        m = _NAME_WORD.match(text, pos)
        if not m or not m.group(0)[:1].isupper():
            break
        if pfold(m.group(0)) in _NOT_NAMES:
            break
        words.append(m.group(0))
        end = m.end()
        gap = re.match(r"[ \t]+", text[end:end + 3])
        if not gap:
            break
        pos = end + gap.end()
    return " ".join(words), end


def _district(text: str, at: int) -> tuple[str, int]:
    m = _PAREN_DISTRICT.match(text, at)
    if not m:
        return "", at
    inner = m.group(1).strip()
    words = inner.split()
    if 1 <= len(words) <= 4 and all(w[:1].isupper() and w.isalpha() for w in words):
        return inner, m.end()
    return "", at


def find_communes(text: str, folded: str | None = None) -> list[CommuneMention]:
    """Communes named in ``text``: "xã X", "xã X (Huyện)", "các xã X, Y và Z"."""
    folded = pfold(text) if folded is None else folded
    out: list[CommuneMention] = []
    for m in _XA.finditer(folded):
        if text[m.start():m.end()].split()[-1].lower() != "xã":
            continue  # "xa" (far), not "xã"
        several = folded.startswith("cac", m.start()) or bool(_COUNT_BEFORE.search(folded, max(0, m.start() - 12),
                                                                                    m.start()))
        run = _names_from(text, m.end(), several)
        if len(run) > 1 and run[-1].district:  # "Tân Mỹ, Sơn Hà và Phù Lưu (Bình Lãng)": one district for all
            run = [c if c.district else CommuneMention(c.start, c.end, c.name, run[-1].district) for c in run]
        out.extend(run)
    return out


#: "ba xã", "03 xã" right before "xã …": a list of communes follows
_COUNT_BEFORE = re.compile(r"\b" + COUNT + r"\s+$")


def _title(name: str) -> str:
    """A name in capitals ("HÒA BÌNH", a letterhead) as a name ("Hòa Bình")."""
    return name.title() if name.isupper() and len(name) > 1 else name


_LISTED = re.compile(r"\b" + COUNT + r"\s+xa\b(?:(?!tieu chi)[^.;:]){0,80}?\bla\s+(?:cac\s+xa\s+)?(?=[^\W\d_])")


def listed_names(text: str, folded: str | None = None) -> list[CommuneMention]:
    """Communes listed without "xã" after "… N xã … là": "có 3 xã đăng ký là Phú Mỹ,
    Đồng Xuân và Lạc Hồng"."""
    folded = pfold(text) if folded is None else folded
    out: list[CommuneMention] = []
    for m in _LISTED.finditer(folded):
        out.extend(_names_from(text, m.end(), True))
    return out


#: between two names of a list of communes: ", ", " và ", ", xã "
_NAME_SEP = re.compile(r"\s*(?:,|\bvà\b)\s*(?:xã\s+)?", re.IGNORECASE)


def _names_from(text: str, at: int, several: bool) -> list[CommuneMention]:
    """The commune named at ``at`` (with the district in parentheses after it), and when
    ``several``, the names listed after it ("Yên Lộc, Thống Nhất và Cẩm Hoàng")."""
    out: list[CommuneMention] = []
    while True:
        name, end = _name_at(text, at)
        if not name:
            break
        district, end = _district(text, end)
        out.append(CommuneMention(at, end, _title(name), district))
        sep = _NAME_SEP.match(text[end:end + 12]) if several else None
        if not sep:
            break
        at = end + sep.end()
    return out


#: "toàn bộ 4 xã", "cả ba xã", "các xã trên", "4 xã trên", "hai xã này"
COLLECTIVE = re.compile(r"\b(?:(?:toan bo|ca|tat ca)\s+(?:" + COUNT + r"\s+)?xa|(?:" + COUNT +
                        r"\s+)?xa\s+(?:tren|nay|neu tren)|cac xa\s+(?:tren|nay|neu tren|deu))\b")

# ----------------------------------------------------------------- polarity
GAP_POLARITIES = ("missing", "reduced")  # the polarities that make a gap
#: (pattern, polarity): the first that matches at a place wins; ``missing`` and
#: ``reduced`` are gaps, ``met`` is met, ``none`` denies a gap ("không còn thiếu"),
#: ``target``, ``task`` and ``funding`` ("kinh phí cho tiêu chí X còn thiếu") name a
#: criterion without saying it is missing
_CUES = [
    (r"khong\s+(?:con\s+)?(?:thieu|co\s+" + TC + r")", "none"),
    (r"bi\s+(?:giam|rot)|rot", "reduced"),
    (r"(?:con\s+)?thieu|chua\s+(?:dat|hoan thanh|hoan thien|dap ung)|diem nghen|vuong(?:\s+mac)?|"
     r"khong\s+(?:con\s+)?dat|duoi chuan|chua\s+(?:xay dung|lua chon|thuc hien|trien khai)(?:\s+duoc)?|"
     r"con\s+(?:" + COUNT + r"\s+)?(?=tieu chi|tc\b)|can\s+hoan thien|hoan thien\s+them|"
     r"hoan thien(?=\s+(?:\d+\s+)?(?:tieu chi|tc\b))",
     "missing"),
    (r"da\s+(?:duoc\s+)?(?:dat|hoan thanh|hoan thien|cong nhan)|(?:tiep tuc\s+)?duy tri|giu vung|"
     r"dat(?!\s+\d)(?:\s+chuan)?", "met"),
    (r"phan dau|du kien|cam ket|muc tieu|se|hoan thanh|ngoai", "target"),
    (r"huong dan|ho tro|chu tri|chi dao|phoi hop|tham muu|don doc|theo doi|tap trung|quan tam|"
     r"(?<!ung )(?<!voi )(?<!theo )(?<!dat )yeu cau", "task"),  # not "đáp ứng yêu cầu", "so với yêu cầu"
    (r"kinh phi|nguon von|von|dau tu|nguon luc", "funding"),
]
_CUE = re.compile("|".join(rf"\b(?P<c{i}>{p})\b" for i, (p, _) in enumerate(_CUES)))


def polarity_cues(folded: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """The polarity words of ``folded[start:end]``: (start, end, polarity) in order."""
    end = len(folded) if end is None else end
    out = []
    for m in _CUE.finditer(folded, start):  # not ended at ``end``: a cue may look past it ("còn 01 |tiêu chí")
        if m.end() > end:
            break
        for i, (_, polarity) in enumerate(_CUES):
            if m.group(f"c{i}") is not None:
                out.append((m.start(), m.end(), polarity))
                break
    return out


#: words that make a deadline one (to finish by), not the date of a review or report
DEADLINE_CUE = re.compile(r"\b(?:hoan thanh|hoan thien|phan dau|xong|du kien|khac phuc|khoi phuc|ve dich|"
                          r"thoi gian hoan thanh|thoi han|cam ket|phai|muc tieu|trinh|dat chuan|"
                          r"nang[^.;]{0,40}len muc chuan|lui[^.;]{0,30}sang)\b")
#: a finish already done ("đã hoàn thành … trong tháng 6/2024"): its date is no deadline
PAST = re.compile(r"\bda\s+(?:duoc\s+)?(?:hoan thanh|hoan thien|xong|khac phuc|khoi phuc|dat chuan)\b")
NO_DEADLINE = re.compile(r"\bchua\s+(?:xac dinh|de ra|co)\s+(?:duoc\s+)?(?:thoi gian|thoi han|ke hoach ve dich|"
                         r"moc)\b")
#: "sang năm 2025" (a finish moved to a year) read like "trong năm 2025"
MOVED_TO_YEAR = re.compile(r"\b(?P<w>sang\s+nam\s+(?:19|20|21)\d\d)\b")
#: a month without its year after a preposition ("xong trong tháng 12"): of the document's year
MONTH_ALONE = re.compile(r"\b(?:trong|den|truoc|vao|cuoi|het)\s+(?P<w>thang\s+\d{1,2})\b(?!\s*[/\-.]\s*\d)(?!\s+(?:nam|\d))")
#: relative years: "quý IV năm nay", "cuối năm nay", "tháng 9 năm nay"
THIS_YEAR = re.compile(r"\b(?P<w>(?:(?:den|toi)\s+)?(?:het\s+|truoc\s+)?(?:(?:dau|cuoi|giua)\s+)?"
                       r"(?:quy\s+(?:iv|iii|ii|i|[1-4])\s+|thang\s+\d{1,2}\s+|(?:6|sau)\s+thang\s+(?:dau|cuoi)\s+)?"
                       r"nam\s+nay)\b")
#: a stated count: "đạt 15/19 tiêu chí", "còn 03 tiêu chí", "2 tiêu chí bị giảm", "gồm 04 tiêu chí"
STATED_MET = re.compile(r"\bdat\s+(?:du\s+)?(\d{1,2})\s*/\s*(\d{1,2})\b(?=\s+" + TC + r"\b)")
STATED_MISSING = re.compile(r"\b(?:(?:con\s+(?:thieu\s+)?|chua\s+(?:dat|hoan thanh)\s+(?:ca\s+)?|gom\s+|"
                            r"hoan thien\s+(?:them\s+)?)" + COUNT + r"\s+" + TC + r"\b|"
                            + COUNT + r"\s+" + TC + r"\s+(?:bi giam|chua dat|con thieu))")


def district_words(text: str) -> list[str]:
    """Districts named with "huyện" ("Ở huyện vùng cao Mường Hin, …"): the capitalised
    words after it, past up to three lower-case ones."""
    out = []
    for m in re.finditer(r"\bhuyện\s+", text, re.IGNORECASE):
        words = text[m.end():m.end() + 80].split()
        skip = 0
        while skip < 3 and skip < len(words) and words[skip][:1].islower():
            skip += 1
        name = []
        for w in words[skip:skip + 4]:
            clean = w.strip(",.;:()")
            if not clean[:1].isupper() or clean.isupper():
                break
            name.append(clean)
            if clean != w:
                break
        if name:
            out.append(" ".join(name))
    return out
