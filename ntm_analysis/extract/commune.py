"""Read one commune's lines: stated counts, missing criteria, deadlines, dossier milestones.

Rules, in the order they run on each line:

* a bullet line "+ Tiêu chí X: …" (or "+ X: …" where X is a criterion or model
  requirement name) is one item; its deadline is the deadline phrase in its text;
* other lines are read sentence by sentence: "Đạt 15/19 tiêu chí", "còn 04 tiêu chí",
  "Hoàn thiện (thêm) N tiêu chí: A, B, C" or "(A, B, C)", "Hoàn thiện thêm tiêu chí A,
  tiêu chí B", the model requirements named by the catalogue's aliases ("mô hình thôn
  thông minh"), and the dossier milestone ("hồ sơ", "thẩm tra", "thẩm định", "công nhận");
* a deadline in a sentence with items and no milestone belongs to those items; in a
  sentence with a milestone it belongs to the milestone, and when the same sentence also
  lists items the extractor says it is unsure (``ambiguous_deadline``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..criteria.catalogue import Catalogue, Match
from .document import Line
from .patterns import (
    COUNT,
    FoundDeadline,
    count_value,
    find_deadlines,
    matching_paren,
    pfold,
    sentences,
    split_top_level,
    strip_trailing,
)


@dataclass
class Finding:
    """Something the extractor could not place or was unsure of."""

    line: int
    kind: str
    text: str
    message: str
    commune: str = ""
    severity: str = "warning"

    def to_dict(self) -> dict:
        return {"line": self.line, "kind": self.kind, "severity": self.severity,
                "commune": self.commune, "text": self.text, "message": self.message}


@dataclass
class Item:
    line: int
    written: str
    match: Match
    detail: str
    due: FoundDeadline | None = None
    notes: list[str] = field(default_factory=list)
    sentence_key: tuple[int, int] = (0, 0)  # (line, sentence index) for shared deadlines

    @property
    def is_model(self) -> bool:
        return bool(self.match.codes) and all(c.startswith("KM") for c in self.match.codes)


@dataclass
class Milestone:
    line: int
    name: str
    written_as: str
    due: FoundDeadline | None
    shares_items: bool = False  # the same sentence lists items too
    generic: bool = False  # "Phấn đấu hoàn thành trong quý …" with no dossier words
    applies: bool = False  # the commune deadline for its undated items


@dataclass
class CommuneBlock:
    """A commune and the lines that belong to it."""

    name: str
    line: int
    section: dict
    lines: list[Line] = field(default_factory=list)
    header: str = ""  # the heading or lead line that named the commune
    met_written: str = ""
    missing_written: str = ""
    missing_count: int | None = None
    met_count: tuple[int, int] | None = None
    items: list[Item] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)


_STATED_MET = re.compile(r"\bdat\s+(\d{1,2})\s*/\s*(\d{1,2})(?:\s+tieu chi)?")
_STATED_CON = re.compile(r"\b(?:con\s+(?:thieu\s+)?|chua dat\s+)" + COUNT + r"\s+tieu chi\b")
_QUALIFIER = (r"(?P<q>(?:,?\s+(?:con thieu|con lai|sau day|sau|gom|bao gom|nhu sau|cu the|"
              r"(?:cua\s+)?(?:xa\s+)?(?:ntm\s+)?(?:nang cao|kieu mau)|can hoan thien|chua dat))*)")
_LIST_T1 = re.compile(r"\b(?:hoan thien|con thieu|chua dat|con|thuc hien)\s+(?:them\s+)?(?:" + COUNT +
                      r"\s+)?tieu chi\b" + _QUALIFIER + r"\s*(?P<o>[:(])")
_STATED_HT = re.compile(r"\bhoan thien\s+(?:them\s+)?(?:ca\s+)?" + COUNT + r"\s+tieu chi\b"
                        r"(?P<q>(?:\s+(?:con thieu|con lai|(?:cua\s+)?(?:xa\s+)?(?:ntm\s+)?(?:nang cao|kieu mau)))?)")
_LIST_T2 = re.compile(r"\b(?:hoan thien|thuc hien|con thieu|chua dat)\s+(?:them\s+)?(?:cac\s+)?"
                      r"tieu chi\s+(?!xa\b|ntm\b|con\b|nang cao\b|kieu mau\b|\d)")
#: "…, và tiêu chí ": the spaces before it are tried from where they start only (a run of
#: spaces is not read again from each of its characters)
_TIEU_CHI = re.compile(r"(?:,\s*+|(?<!\s)\s++|)(?:\bva\s+)?\btieu chi\s+")
_JOIN_VERB = re.compile(r"(?<!\s)\s++va\s+(?:hoan thien|hoan thanh|ho so|de nghi|phan dau|xay dung|thuc hien|"
                        r"trinh|dat|lap)\b")
_MILESTONE = re.compile(r"\b(?:ho so|tham tra|tham dinh|(?<!duoc )cong nhan(?!\s+(?:ocop|san pham|\d)))\b")
_MILESTONE_START = re.compile(r"\b(?:(?:hoan thien|hoan thanh|lap|chuan bi|xay dung)\s+ho so|ho so|"
                              r"de nghi|trinh)\b")
_COMPLETE = re.compile(r"\b(?:hoan thanh|hoan thien|ve dich|dat chuan)\b")
_BULLET_LABEL = re.compile(r"^(?P<label>[^:]{2,120}?)\s*(?::|\s[-–]\s)\s*(?P<detail>.*)$")
_TC_PREFIX = re.compile(r"^(?:cac\s+)?tieu chi\s+(?:so\s+\d{1,2}\s*[-.:]?\s*)?(?:ve\s+)?")
_DONE_BEFORE = re.compile(r"\b(?:da co|da dat|da hoan thanh|da xay dung|da duoc cong nhan)\s+$")
_NEED = re.compile(r"\b(?:hoan thien|hoan thanh|xay dung|con thieu|chua|can|thuc hien|phan dau|thieu)\b")
GOOD_METHODS = ("exact", "alias", "number", "split")


def _cut_name(text: str) -> tuple[str, str]:
    """A criterion name from a list chunk, and the parenthetical note after it.

    >>> _cut_name("Tổ chức sản xuất (sản phẩm OCOP), ")
    ('Tổ chức sản xuất', 'sản phẩm OCOP')
    >>> _cut_name("Thông tin truyền thông và hoàn thiện hồ sơ trong quý II/2023.")
    ('Thông tin truyền thông', '')
    """
    folded = pfold(text)
    cut = len(text)
    note = ""
    paren = text.find("(")
    if paren >= 0:
        cut = paren
        note = text[paren + 1:matching_paren(text, paren)].strip()
    m = _JOIN_VERB.search(folded)
    if m and m.start() < cut:
        cut, note = m.start(), ""
    for d in find_deadlines(text):
        if d.cut < cut:
            cut, note = d.cut, ""
    return strip_trailing(text[:cut]), note


def _label(text: str) -> re.Match | None:
    """Split "Label: detail" (a colon outside parentheses first, else " - ")."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        if ch == ":" and depth == 0 and 2 <= i <= 120:
            return re.match(rf"^(?P<label>.{{{i}}}):\s*(?P<detail>.*)$", text, re.S)
    return _BULLET_LABEL.match(text)


def _strip_tc(name: str) -> str:
    """Drop "Tiêu chí", "Tiêu chí số 2 -", "Tiêu chí về" before a name (as written otherwise)."""
    m = _TC_PREFIX.match(pfold(name))
    return strip_trailing(name[m.end():]) if m else strip_trailing(name)


class CommuneReader:
    """Reads a :class:`CommuneBlock`'s lines into items, milestones and findings."""

    def __init__(self, catalogue: Catalogue, findings: list[Finding]):
        self.cat = catalogue
        self.findings = findings
        self._model_aliases = self._aliases_for(catalogue.model_codes)

    # ---------------------------------------------------------------- helpers
    def _aliases_for(self, codes: list[str]) -> list[tuple[re.Pattern, str]]:
        wanted = set(codes)
        names = {}
        for alias, code in self.cat.aliases.items():
            if code in wanted:
                names[alias] = code
        for code in codes:
            names[pfold(self.cat.name(code))] = code
        pats = [(re.compile(r"\b" + r"\s+".join(map(re.escape, a.split())) + r"\b"), c)
                for a, c in sorted(names.items(), key=lambda kv: -len(kv[0]))]
        return pats

    def find(self, block: CommuneBlock, line: int, kind: str, text: str, message: str,
             severity: str = "warning") -> None:
        self.findings.append(Finding(line, kind, text, message, block.name, severity))

    def _add_item(self, block: CommuneBlock, line: int, written: str, detail: str,
                  due: FoundDeadline | None, key: tuple[int, int], note: str = "") -> Item:
        match = self.cat.match(written)
        shown = f"{written} {note}" if note.startswith("(") else written
        item = Item(line, shown, match, detail, due, [note] if note else [], key)
        if not match.ok:
            hint = "; ".join(match.suggestions)
            self.find(block, line, "unknown_criterion", written,
                      f"Không nhận ra tiêu chí '{written}' trong danh mục"
                      + (f" (gần nhất: {hint})" if hint else ""))
            item.notes.append("chưa nhận ra tiêu chí")
        elif match.method == "fuzzy":
            names = "; ".join(self.cat.name(c) for c in match.codes)
            self.find(block, line, "fuzzy_match", written,
                      f"Đọc '{written}' là tiêu chí '{names}' (khớp gần đúng, độ giống {match.score:.2f})")
            item.notes.append(f"khớp gần đúng với '{names}'")
        if len(match.codes) > 1:
            names = " và ".join(self.cat.name(c) for c in match.codes)
            self.find(block, line, "two_criteria", written,
                      f"Một mục nêu {len(match.codes)} tiêu chí ({names}); giữ một dòng")
            item.notes.append(f"một mục nêu {len(match.codes)} tiêu chí")
        block.items.append(item)
        return item

    # ------------------------------------------------------------------- main
    def read(self, block: CommuneBlock) -> None:
        for line in block.lines:
            produced = len(block.items) + len(block.milestones)
            had_count = bool(block.met_written or block.missing_written)
            if line.bullet and self._bullet_item(block, line):
                continue
            self._lead_line(block, line)
            if (len(block.items) + len(block.milestones) == produced
                    and had_count == bool(block.met_written or block.missing_written)
                    and not self._is_context(line.text)):
                self.find(block, line.no, "unplaced_line", line.text,
                          "Dòng không đọc được thành tiêu chí, số liệu hay mốc hồ sơ", "info")

    @staticmethod
    def _is_context(text: str) -> bool:
        """Lines that only introduce a list ("cụ thể:") or talk about OCOP are not lost."""
        f = pfold(text)
        return f.rstrip(" .").endswith(("cu the:", "nhu sau:")) or "ocop" in f

    def _bullet_item(self, block: CommuneBlock, line: Line) -> bool:
        text = line.text
        folded = pfold(text)
        m = _label(text)
        if folded.startswith("tieu chi"):
            if m:
                label, detail = m.group("label"), m.group("detail")
            else:
                label, detail = self._longest_name(text)
            written = _strip_tc(label)
        elif m:
            label, detail = m.group("label"), m.group("detail")
            written = strip_trailing(label)
            match = self.cat.match(written)
            if not match.ok or (match.method not in GOOD_METHODS and match.score < 0.9):
                return False
        else:
            return False
        written, note = _cut_name(written) if "(" in written else (written, "")
        dues = find_deadlines(detail)
        due = dues[-1] if dues else None
        if len({str(d.due) for d in dues}) > 1:
            self.find(block, line.no, "ambiguous_deadline", text,
                      "Mục có nhiều thời hạn khác nhau: "
                      + ", ".join(d.written for d in dues) + f"; lấy '{due.written}'")
        self._add_item(block, line.no, written, detail.strip(), due, (line.no, -1),
                       f"({note})" if note else "")
        return True

    def _longest_name(self, text: str) -> tuple[str, str]:
        """For "Tiêu chí Y tế chưa đạt do …" (no colon): the longest known name first."""
        words = text.split()
        for n in range(min(len(words), 12), 1, -1):
            head = " ".join(words[:n])
            match = self.cat.match(_strip_tc(head))
            if match.ok and match.method in GOOD_METHODS:
                return head, " ".join(words[n:])
        return " ".join(words[:3]), " ".join(words[3:])

    def _lead_line(self, block: CommuneBlock, line: Line) -> None:
        text = line.text
        for idx, (s, e) in enumerate(sentences(text)):
            self._sentence(block, line, text[s:e], (line.no, idx))

    def _counts(self, block: CommuneBlock, sent: str, folded: str, line: int) -> None:
        m = _STATED_MET.search(folded)
        if m and not block.met_written:
            block.met_written = sent[m.start():m.end()]
            block.met_count = (int(m.group(1)), int(m.group(2)))
        m = _STATED_CON.search(folded)
        if m and not block.missing_written:
            block.missing_written = sent[m.start():m.end()]
            block.missing_count = count_value(m.group(1))
            return
        m = _STATED_HT.search(folded)
        if m and not block.missing_written:
            block.missing_written = sent[m.start(1):m.end()]
            block.missing_count = count_value(m.group(1))

    def _sentence(self, block: CommuneBlock, line: Line, sent: str, key: tuple[int, int]) -> None:
        folded = pfold(sent)
        self._counts(block, sent, folded, line.no)
        dues = find_deadlines(sent)
        before = len(block.items)
        spans: list[tuple[int, int]] = []
        list_end = 0
        m = _LIST_T1.search(folded)
        if m:
            stated = count_value(m.group(1)) if m.group(1) else None
            if m.group("o") == "(":
                start = m.end("o")
                end = matching_paren(sent, m.start("o"))
            else:
                start, end = m.end("o"), len(sent)
            list_end = end
            self._list(block, line.no, sent, start, end, stated, key, spans)
        else:
            m = _LIST_T2.search(folded)
            if m:
                start = m.start() + folded[m.start():].find("tieu chi")
                list_end = self._tc_list(block, line.no, sent, start, key, spans)
        self._model_scan(block, line.no, sent, folded, key, spans)
        new_items = block.items[before:]
        if not self._milestone(block, line, sent, folded, list_end, dues, new_items):
            self._deadline(block, line, sent, folded, dues, new_items)

    def _milestone(self, block: CommuneBlock, line: Line, sent: str, folded: str, list_end: int,
                   dues: list, new_items: list) -> bool:
        """A dossier milestone after the items (or anywhere when there are none); True when
        the sentence names one (its deadline is then the milestone's)."""
        tail = folded[list_end:]
        ms = _MILESTONE.search(tail)
        if ms:
            st = _MILESTONE_START.search(tail)
            begin = list_end + (st.start() if st and st.start() <= ms.start() else ms.start())
            before_dues = [d for d in dues if d.end <= begin]
            after_dues = [d for d in dues if d.end > begin]
            if before_dues and not new_items and _COMPLETE.search(folded[:begin]):
                block.milestones.append(Milestone(line.no, "Hoàn thành các tiêu chí còn thiếu",
                                                  strip_trailing(sent) + ".", before_dues[-1], generic=True))
                dues = after_dues
            due = dues[-1] if dues else None
            end = due.cut if due and due.cut > begin else len(sent)
            name = strip_trailing(sent[begin:end])
            name = name[:1].upper() + name[1:]
            block.milestones.append(Milestone(line.no, name, strip_trailing(sent) + ".", due,
                                              shares_items=bool(new_items)))
            if due and new_items:
                self.find(block, line.no, "ambiguous_deadline", sent,
                          f"Thời hạn '{due.written}' có thể là của hồ sơ hoặc của các tiêu chí "
                          f"({', '.join(i.written for i in new_items)}); đã gán cho mốc hồ sơ và "
                          "coi là hạn chung của xã cho các tiêu chí này")
                for item in new_items:
                    item.notes.append(f"thời hạn chung với hồ sơ: {due.written}")
            return True
        return False

    def _deadline(self, block: CommuneBlock, line: Line, sent: str, folded: str, dues: list,
                  new_items: list) -> None:
        """The sentence's last deadline: for its new items, else for the whole commune."""
        if not dues:
            return
        due = dues[-1]
        if len({str(d.due) for d in dues}) > 1:
            self.find(block, line.no, "ambiguous_deadline", sent,
                      "Câu có nhiều thời hạn khác nhau: " + ", ".join(d.written for d in dues)
                      + f"; lấy '{due.written}'")
        if new_items:
            for item in new_items:
                if item.due is None:
                    item.due = due
        elif _COMPLETE.search(folded) or "phan dau" in folded:
            block.milestones.append(Milestone(line.no, "Hoàn thành các tiêu chí còn thiếu",
                                              strip_trailing(sent) + ".", due, generic=True))
        else:
            self.find(block, line.no, "unplaced_deadline", sent,
                      f"Không rõ thời hạn '{due.written}' áp dụng cho việc gì")

    def _list(self, block: CommuneBlock, line: int, sent: str, start: int, end: int,
              stated: int | None, key: tuple[int, int], spans: list[tuple[int, int]]) -> None:
        """Items of "N tiêu chí: A, B, C" / "(A, B, C)"; "A và B" naming two criteria stays one
        item unless splitting it makes the count agree with N."""
        region = sent[start:end]
        cut = len(region)
        jv = _JOIN_VERB.search(pfold(region))
        if jv:
            cut = jv.start()
        for d in find_deadlines(region):
            cut = min(cut, d.cut)
        region = region[:cut]
        chunks: list[tuple[int, int, str, str]] = []  # start, end, name, note
        parts = split_top_level(region)
        i = 0
        while i < len(parts):
            s, e = parts[i]
            name, note = _cut_name(region[s:e])
            name = re.sub(r"^(?:và|va)\s+", "", name)
            single = self.cat.match(name)
            if i + 1 < len(parts) and (not single.ok or single.method not in GOOD_METHODS):
                s2, e2 = parts[i + 1]
                joined, note2 = _cut_name(region[s:e2])
                jm = self.cat.match(joined)
                if jm.ok and (jm.method in GOOD_METHODS or not single.ok):
                    name, note, e = joined, note2, e2
                    i += 1
            if name:
                chunks.append((s, e, name, note))
            i += 1
        matches = [self.cat.match(c[2]) for c in chunks]
        total = sum(max(1, len(m.codes)) for m in matches)
        split_pairs = stated is not None and stated == total and total != len(chunks)
        for (s, e, name, note), match in zip(chunks, matches):
            names = [name]
            if split_pairs and len(match.codes) > 1:
                names = [strip_trailing(n) for n in re.split(r"(?<!\s)\s++(?:và|va|,)\s+", name) if n.strip()]
            for n in names:
                self._add_item(block, line, _strip_tc(n), strip_trailing(sent) + ".", None, key,
                               f"({note})" if note else "")
            spans.append((start + s, start + e))

    def _tc_list(self, block: CommuneBlock, line: int, sent: str, start: int,
                 key: tuple[int, int], spans: list[tuple[int, int]]) -> int:
        """Items of "tiêu chí A (…), tiêu chí B và hoàn thiện hồ sơ …"; returns where they end."""
        folded = pfold(sent)
        marks = [m for m in _TIEU_CHI.finditer(folded, start)]
        end = start
        for k, m in enumerate(marks):
            stop = marks[k + 1].start() if k + 1 < len(marks) else len(sent)
            chunk = sent[m.end():stop]
            name, note = _cut_name(chunk)
            if not name:
                continue
            consumed = m.end() + len(name)
            if note:
                consumed = m.end() + chunk.find(")") + 1 if ")" in chunk else consumed
            end = max(end, consumed)
            self._add_item(block, line, name, strip_trailing(sent) + ".", None, key, f"({note})" if note else "")
            spans.append((m.start(), consumed))
            # stop at the first chunk cut by "và hoàn thiện hồ sơ" or a deadline
            if len(strip_trailing(chunk)) > len(name) + (len(note) + 3 if note else 0) + 2:
                break
        return end

    def _model_scan(self, block: CommuneBlock, line: int, sent: str, folded: str,
                    key: tuple[int, int], spans: list[tuple[int, int]]) -> None:
        """Model-commune requirements named anywhere in a sentence ("mô hình thôn thông minh")."""
        taken = list(spans)
        found = []
        for pattern, code in self._model_aliases:
            for m in pattern.finditer(folded):
                if any(m.start() < e and m.end() > s for s, e in taken):
                    continue
                taken.append((m.start(), m.end()))
                head = folded[:m.start()]
                if _DONE_BEFORE.search(head) or not _NEED.search(head):
                    continue
                found.append((m.start(), m.end()))
        for s, e in sorted(found):
            self._add_item(block, line, sent[s:e], strip_trailing(sent) + ".", None, key)
