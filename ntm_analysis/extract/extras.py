"""OCOP products, quantities and department tasks, read with patterns.

>>> [(p["product"], p["status"], p["target_stars"]) for p in ocop_rows("X",
...     "Chưa có sản phẩm OCOP; xã xây dựng sản phẩm dưa, rau, củ làm sản phẩm OCOP 3 sao.")]
[('Dưa', 'đã chọn', 3), ('Rau', 'đã chọn', 3), ('Củ', 'đã chọn', 3)]
>>> q = quantity_rows("X", "Nghèo đa chiều", "Tỷ lệ hộ nghèo đạt 1,13%. Phấn đấu hết năm 2023 đưa tỷ lệ hộ nghèo ≤ 1,0%.")
>>> [(r["indicator"], r["current"], r["target"], r["comparator"], r["unit"]) for r in q]
[('Tỷ lệ hộ nghèo', 1.13, 1.0, '≤', '%')]
"""
from __future__ import annotations

import bisect
import re

from ..core.vocab import OcopStatus
from ..criteria.catalogue import Catalogue
from ..tables.schema import OCOP_TEXT
from ..core.numbers import parse_number
from ..core.names import fold
from .patterns import find_deadlines, pfold, sentences, strip_trailing

OCOP_NONE, OCOP_CHOSEN, OCOP_CERTIFIED = (OCOP_TEXT[s] for s in OcopStatus.ranked())

_PRODUCT = r"san pham\s+(?P<p>(?:(?!san pham)[^;:.()])+?)"
_CHOSEN = re.compile(_PRODUCT + r"\s+(?:de\s+)?lam\s+(?:san pham\s+)?ocop(?:\s+(?:dat\s+)?(?P<s>[1-5])\s*sao)?")
_CERTIFIED = re.compile(_PRODUCT + r"\s+(?:da\s+)?(?:duoc\s+)?(?:chung nhan|cong nhan)\s+(?:ocop\s*)?"
                        r"(?:dat\s+)?(?:(?P<s>[1-5])\s*sao)?")
_NONE = re.compile(r"\bchua\s+(?:co|lua chon duoc|chon duoc|lua chon|xac dinh duoc)\s+san pham\b")
_PRODUCT_SPLIT = re.compile(r"(?:(?<!\s)\s++|)(?:,|;|\bvà\b|\bva\b)\s*+", re.IGNORECASE)


def ocop_rows(commune: str, text: str, note: str = "") -> list[dict]:
    """OCOP rows of a commune's text: one per product named, or one "chưa có" row."""
    rows: list[dict] = []
    seen: set[str] = set()
    for s, e in sentences(text):
        sent = text[s:e]
        folded = pfold(sent)
        if "ocop" not in folded:
            continue
        sentence = strip_trailing(sent) + "."  # one string shared by the sentence's rows
        for pattern, status in ((_CERTIFIED, OCOP_CERTIFIED), (_CHOSEN, OCOP_CHOSEN)):
            for m in pattern.finditer(folded):
                if pattern is _CERTIFIED and not (m.group("s") or "ocop" in m.group(0)):
                    continue
                stars = int(m.group("s")) if m.group("s") else None
                raw = sent[m.start("p"):m.end("p")]
                for name in _PRODUCT_SPLIT.split(raw):
                    name = strip_trailing(name)
                    name = name[:1].upper() + name[1:]
                    if name and fold(name) not in seen:
                        seen.add(fold(name))
                        rows.append({"commune": commune, "product": name, "status": status,
                                     "target_stars": stars, "written_as": sentence,
                                     "note": note})
    if not rows:
        for s, e in sentences(text):
            sent = text[s:e]
            if "ocop" in pfold(sent) and _NONE.search(pfold(sent)):
                return [{"commune": commune, "product": "", "status": OCOP_NONE, "target_stars": None,
                         "written_as": strip_trailing(sent) + ".", "note": note}]
    return rows


_UNITS = {"triệu đồng/người": "triệu đồng/người", "%": "%", "km": "km", "m²": "m²", "m2": "m²", "m": "m", "ha": "ha", "hộ": "hộ",
          "người": "người", "tấn": "tấn", "triệu đồng": "triệu đồng", "tỷ đồng": "tỷ đồng"}
#: a number with its unit; the number is atomic and tried only where it can start (not
#: after a digit, nor inside "1.000,5"), so that a long run of digits is read once
_QTY = re.compile(r"(?P<c>≤|≥|<|>|=|\btối thiểu\b|\bít nhất\b|\btrên\b|\bdưới\b|\bkhông quá\b|\btối đa\b)?"
                  r"(?:(?<!\s)\s++|)(?<!\d)(?<!\d[.,])(?P<n>\d++(?:[.,]\d++)*+)\s*+(?P<u>%|km(?!\w)|m²|m2(?!\w)|m(?!\w)|ha(?!\w)|hộ(?!\w)|"
                  r"người(?!\w)|tấn(?!\w)|triệu đồng/người|triệu đồng|tỷ đồng)", re.IGNORECASE)
_WORD_CMP = {"tối thiểu": "≥", "ít nhất": "≥", "trên": ">", "dưới": "<", "không quá": "≤", "tối đa": "≤"}
_TARGET = re.compile(r"\b(?:phan dau|dua|can|chua dat|muc tieu|toi thieu|it nhat|tang len|giam xuong|nang)\b")
_LEAD = re.compile(r"^(?:(?:can|phan dau|hien nay|hien|xa|da|dua|de|nham|con|dat|la)(?:\s+|$))+")
#: the words that may end an indicator before its number ("đạt", "ở mức"…); looked for on
#: the text reversed, from its end (searched for from the left, a long run of them would be
#: read again from each of its words)
_TRAIL_WORDS = ("dat", "la", "co", "o muc", "khoang", "chi", "moi", "len", "xuong", "con")
_TRAIL_REVERSED = re.compile(r"\s*+(?:(?:" + "|".join(w[::-1] for w in _TRAIL_WORDS) + r")(?:\s+|$))+")
_YEAR_WORDS = re.compile(r"\b(?:nam|den nam|vao nam)\s+(?:19|20|21)\d\d\b")
_AFTER_STOP = re.compile(r"^(?:nhung|va|do|de|nen|thi|so|voi|da|chua|dat|hien|tren|duoi)\b")


def _indicator(sent: str, start: int, end: int) -> str:
    """What the number at ``end`` measures: the words of ``sent`` from ``start``, without
    deadlines, years and the words leading to the number.

    >>> _indicator("Tỷ lệ lao động qua đào tạo mới đạt 32%", 0, 35)
    'Tỷ lệ lao động qua đào tạo'
    """
    before = sent[start:end]
    deadlines = find_deadlines(before)
    if deadlines:  # each blanked (a text of many is rebuilt once, not once for each)
        chars = list(before)
        for d in deadlines:
            chars[d.cut:d.end] = " " * (d.end - d.cut)
        before = "".join(chars)
    kept, at = [], 0
    for m in _YEAR_WORDS.finditer(pfold(before)):
        kept.append(before[at:m.start()])
        at = m.end()
    before = "".join(kept) + before[at:]
    before = re.sub(r"\s+", " ", before).strip(" ,;:.")
    f = pfold(before)
    m = _LEAD.match(f)
    if m:
        before, f = before[m.end():], f[m.end():]
    m = _TRAIL_REVERSED.match(f[::-1])
    if m:
        before = before[:len(f) - m.end()]
    return strip_trailing(before)


#: the words after a number that may name what it counts ("8.000 m² đường trục xã"), and
#: the characters looked at for them (a clause without punctuation is not read to its end
#: for each number in it)
AFTER_WORDS, AFTER_CHARS = 8, 400
_CLAUSE_END = re.compile(r"[,;.()]")


def _after(sent: str, at: int, cuts: list[int]) -> str:
    """The words after a number ending at ``at``: up to the clause's punctuation or the
    next deadline (``cuts``: where the sentence's deadlines start, in order), stripped;
    "" when neither comes within :data:`AFTER_CHARS` characters.

    >>> s = "đạt 35% hộ dân được dùng nước sạch, phấn đấu"
    >>> _after(s, 7, []), _after("đạt 35% hộ trong quý II/2023", 7, [10])
    ('hộ dân được dùng nước sạch', 'hộ')
    """
    m = _CLAUSE_END.search(sent, at, at + AFTER_CHARS + 1)
    end = m.start() if m else min(len(sent), at + AFTER_CHARS + 1)
    k = bisect.bisect_left(cuts, at)
    if k < len(cuts) and cuts[k] < end:
        end = cuts[k]
    elif end - at > AFTER_CHARS:
        return ""
    return sent[at:end].strip()


def quantity_rows(commune: str, criterion: str, text: str) -> list[dict]:
    """Numbers with units in an item's text: current values, and targets ("phấn đấu…",
    "cần…", "≤") paired with the current value of the same indicator and unit."""
    rows: list[dict] = []
    for s, e in sentences(text):
        sent = text[s:e]
        target = _TARGET.search(pfold(sent))  # the first word of a target, if any
        cuts = [d.cut for d in find_deadlines(sent)]
        sentence = strip_trailing(sent) + "."
        prev_end = 0
        for m in _QTY.finditer(sent):
            if m.start("n") > 0 and (sent[m.start("n") - 1].isalnum() or sent[m.start("n") - 1] in "/-"):
                continue
            clause_start = max(prev_end, sent.rfind(";", 0, m.start()) + 1)
            after = _after(sent, m.end(), cuts)
            indicator = _indicator(sent, clause_start, m.start())
            if after and not _AFTER_STOP.match(pfold(after)) and len(after.split()) <= AFTER_WORDS:
                indicator = f"{indicator} {after}".strip()
                prev_end = sent.find(after, m.end(), m.end() + AFTER_CHARS) + len(after)
            else:
                prev_end = m.end()
            cmp_written = (m.group("c") or "").strip()
            comparator = _WORD_CMP.get(cmp_written.lower(), cmp_written)
            written = sent[m.start():m.end()].strip() if cmp_written else sent[m.start("n"):m.end()]
            is_target = bool(comparator) or (target is not None and target.end() <= m.start())
            unit = _UNITS.get(m.group("u").lower(), m.group("u"))
            value = parse_number(m.group("n"))
            row = None
            if is_target:
                for r in reversed(rows):
                    same = (not indicator or fold(r["indicator"]).startswith(fold(indicator))
                            or fold(indicator).startswith(fold(r["indicator"])))
                    if r["unit"] == unit and r["target_written"] == "" and same:
                        row = r
                        break
            if row is None:
                row = {"commune": commune, "criterion": criterion, "indicator": indicator,
                       "written_as": "", "current_written": "", "current": None,
                       "target_written": "", "target": None, "unit": unit, "comparator": ""}
                rows.append(row)
            # the sentence as written: one string shared by its rows (a long sentence is not copied per number)
            row["written_as"] = f"{row['written_as']} {sentence}" if row["written_as"] else sentence
            if is_target:
                row.update(target_written=written, target=value, comparator=comparator)
            else:
                row.update(current_written=written, current=value)
    return rows


DEPARTMENT_START = re.compile(r"^(?:phong|van phong|ban|trung tam|chi cuc|cong an|doi|dai|hoi|"
                              r"uy ban|ubnd|mat tran|huyen doan|lien doan|kho bac|ngan hang)\b")


def department_row(text: str, fallback: str, section: str, catalogue: Catalogue) -> dict:
    """A department task line: "Phòng X: task" (or "X | task" in a Word table).

    >>> from ntm_analysis.criteria.catalogue import load_catalogue
    >>> r = department_row("Phòng Y tế huyện: Hướng dẫn…", "", "III.2", load_catalogue())
    >>> r["department"], r["task"]
    ('Phòng Y tế huyện', 'Hướng dẫn…')
    """
    department, task = fallback, text
    text = re.sub(r"^(?:\d{1,2}|[a-zđ])[.)]\s+", "", text)
    m = re.match(r"^(?P<d>[^:|]{3,90}?)\s*[:|]\s*(?P<t>.+)$", text)
    if m and DEPARTMENT_START.match(pfold(m.group("d"))):
        department, task = strip_trailing(m.group("d")), m.group("t").strip()
    return {"department": department, "task": task,
            "criteria": "; ".join(department_criteria(department, catalogue)),
            "plan_section": section}


def department_criteria(department: str, catalogue: Catalogue) -> list[str]:
    """Codes whose default lead department is ``department`` (" huyện" ignored)."""
    key = re.sub(r"(?<!\s)\s++huyen$", "", fold(department))
    if not key:
        return []
    codes = catalogue.criterion_codes + catalogue.model_codes
    return [c for c in codes if fold(catalogue.department(c)) == key]
