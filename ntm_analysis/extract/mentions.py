"""Read a document by its mentions: communes, criteria, polarity and deadlines wherever
they stand, joined by sentence and clause.

No layout is required: a district plan, a progress report, a news item or a portal note
is read alike. In each sentence the criteria named (by name or by number in the set in
use) are grouped into lists ("Giao thông, Điện và tiêu chí Y tế"); a list is read only
where the text introduces criteria ("tiêu chí …", "còn thiếu …", a bullet label). Its
polarity is the nearest cue — after the list ("… chưa đạt", "… đã đạt"), else before it
("còn thiếu", "chưa hoàn thành cả 2 tiêu chí", "2 tiêu chí bị giảm là"); its commune is the
one named before it in the sentence, the communes of a collective statement ("cả ba xã
đều …"), else the commune of the paragraph, of the heading or lead line, or the author of
the document. A deadline belongs to the list it follows; a later sentence that only says
when ("Phấn đấu hoàn thành trong quý II/2024") dates the gaps still waiting for one.

Every gap keeps the words of the criterion and of its sentence as written, its line and a
confidence; whatever could not be placed is a :class:`~ntm_analysis.extract.commune.Finding`.

>>> from ntm_analysis.criteria.catalogue import load_catalogue
>>> from ntm_analysis.extract.document import lines_from_text
>>> r = MentionReader(load_catalogue("nang_cao_2021_2025"), this_year=2024)
>>> r.read(lines_from_text("Xã Tân Lập (Thanh Lâm) còn thiếu tiêu chí Y tế và tiêu chí Điện; "
...                        "tiêu chí Giao thông đã đạt. Phấn đấu hoàn thành cuối năm nay."))
>>> [(g.commune, g.district, g.code, g.written, str(g.due.due)) for g in r.gaps]
[('Tân Lập', 'Thanh Lâm', '14', 'Y tế', '2024Q4'), ('Tân Lập', 'Thanh Lâm', '4', 'Điện', '2024Q4')]
>>> [(m.commune, m.code) for m in r.met]
[('Tân Lập', '2')]
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..core.names import commune_key
from ..criteria.catalogue import Catalogue
from .commune import Finding
from .document import Line
from .deadlines import deadlines_in, take
from .flow import OPENS, Para, paragraphs
from .lexicon import (GAP_POLARITIES, MARKER, NO_DEADLINE, STATED_MET, STATED_MISSING, TC, CommuneMention,
                      CriterionMention, criteria_scanner, district_words, find_communes, polarity_cues)
from .patterns import COUNT, FoundDeadline, count_value, pfold, sentences, strip_trailing
from .records import Gap, Met, Stated, count_findings
from .sentence import CriteriaList, Sentence
from .subjects import LIKELY, SURE, WEAK, CommuneContext
from .tables import Table, is_table_row, row_cells

_ROMAN_HEADING = re.compile(r"^(?:x|ix|iv|vi{0,3}|i{1,3})\s*[.)]\s+\S")
_NUMBERED = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]?\s+(?P<t>\S.*)$")
_LEAD = re.compile(r"^(?:[a-zđ]\s*[.)]|\d{1,2}(?:\.\d{1,2}){0,3}\s*[.)])?\s*xa\s+")
#: words between two criteria of one list: commas, "và", "cùng", "tiêu chí (số)"
_LIST_SEP = re.compile(r"^(?:[\s,;()]|\b(?:va|cung|hoac|voi)\b|\b(?:cac\s+)?" + TC + r"(?:\s+(?:so|ve))?\b|[\-–])*$")
#: a number and its name: "tiêu chí 06 – Cơ sở vật chất văn hóa", "tiêu chí số 16 về Văn hóa"
_NUMBER_NAME = re.compile(r"^\s*(?:[\-–—:.(]|\bve\b)?\s*$")
_TASK_PARA = re.compile(r"^(?:\d{1,2}\s*[.)]\s*)?(?:phong|van phong|ban|trung tam|chi cuc|cong an|uy ban|ubnd|"
                        r"mat tran|huyen doan|hoi|kho bac|ngan hang|cac phong|cac co quan|so)\b")
_DEPARTMENT_SECTION = re.compile(r"\b(?:to chuc thuc hien|giai phap|kien nghi|de xuat|noi nhan)\b")
#: "N tiêu chí" before a list, and ", và" before the next part of it
#: the words that introduce criteria: "tiêu chí", its abbreviation "TC", "điều kiện" (model set)
_MARKER = re.compile(r"\b" + MARKER + r"\b")
_COUNTED = re.compile(r"\b" + COUNT + r"\s+" + TC + r"\b")
_AND_NEXT = re.compile(r",\s*va\s*$")
#: the end of a bullet's label: ":" or a dash, a parenthesis before it ("Tiêu chí số 5 (Trường học):")
_LABEL_END = re.compile(r"\s*\)?\s*(?:\([^()]*\)\s*)?[:\-–—]")
#: "xã" alone (not "các xã"): the commune just spoken of
_THE_COMMUNE = re.compile(r"(?<!cac )\bxa\b(?!\s+(?:hoi|nong thon|ntm|[a-z]+\s+chuan))")
_COLLECTIVE_DEADLINE = re.compile(r"\b(?:cac xa|cac dia phuong|toan huyen)\b")


@dataclass
class MentionReader(CommuneContext):
    """Reads lines into :attr:`gaps`, :attr:`met`, :attr:`stated` and :attr:`findings`.

    ``this_year`` is the year "năm nay" means (the document's date); ``author`` the
    commune that wrote the document, if a commune did."""

    catalogue: Catalogue
    this_year: int | None = None
    author: str = ""
    district: str = ""
    gaps: list[Gap] = field(default_factory=list)
    met: list[Met] = field(default_factory=list)
    stated: list[Stated] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    districts: dict[str, str] = field(default_factory=dict)  # commune key -> district written

    def __post_init__(self) -> None:
        self.scanner = criteria_scanner(self.catalogue)
        self._gap_at: dict[tuple[str, str], Gap] = {}
        self._met_at: dict[tuple[str, str], Met] = {}
        self._names: dict[str, str] = {}  # commune key -> the name as first written
        # the gaps still waiting for a deadline: of the section by commune (a deadline looks no
        # further), of the paragraph
        self._waiting: dict[str, list[Gap]] = {}
        self._para_waiting: list[Gap] = []
        self._by_first_word: dict[str, list[str]] = {}  # first word -> names, the longest first
        self._group: list[CommuneMention] = []
        self._recent: dict[str, CommuneMention] = {}  # communes named in the section, the last last
        self._block: CommuneMention | None = None
        self._section = 0
        self._intro = ""  # polarity of the line introducing the bullets that follow
        self._in_tasks = False
        self._para_no = 0
        self._district_names: set[str] = set()
        self._table: Table | None = None

    # ------------------------------------------------------------------ walk
    def read(self, lines: list[Line]) -> None:
        paras = paragraphs(lines)
        # the districts written after communes anywhere ("xã Nà Khoang (Tây Điền)"): a commune
        # named after one of them in a sentence ("Tại Tây Điền, xã Chiềng Pha …") is of it
        self._district_names = {c.district for p in paras for c in find_communes(p.text) if c.district}
        self._district_names |= {d for p in paras for d in district_words(p.text)}
        for no, para in enumerate(paras):
            self._para_no = no
            self._paragraph(para)

    def _paragraph(self, para: Para) -> None:
        folded = pfold(para.text)
        self._para_waiting = []
        if is_table_row(para.text, para.style):
            self._table_row(para)
            return
        self._table = None
        if self._heading(para, folded):
            return
        lead = _LEAD.match(folded)
        if lead:
            found = find_communes(para.text, folded)
            if found and found[0].start <= lead.end() + 1:
                after = para.text[found[0].end:found[0].end + 3].lstrip(" *")
                if after[:1] in (":", "-", "–", "—") or not after:  # "a) Xã X: …" opens X's block
                    self._block = self._remember(found[0])
                elif self._block is not None and commune_key(found[0].name) != commune_key(self._block.name):
                    self._block = None  # "Xã Y còn thiếu …": a line about another commune ends X's
        if not (para.bullet or OPENS.match(folded)) and not self._introduces(folded):
            self._intro = ""
        task = self._in_tasks or bool(_TASK_PARA.match(folded))
        para_commune: list[CommuneMention] = []
        for s, e in sentences(para.text):
            sent = Sentence.of(para, s, e, folded)
            self._sentence(sent, para_commune, task)
        if self._introduces(folded):
            self._intro = self._polarity_of(folded) or self._intro

    def _heading(self, para: Para, folded: str) -> bool:
        """A heading starts a section (Roman numbers, capitals) or a commune's block
        ("1. Xã Nam Sơn", "2.3. Xã Tiên Phong (đăng ký đạt chuẩn năm 2025)")."""
        text = para.text.strip()
        numbered = _NUMBERED.match(text)
        is_heading = bool(_ROMAN_HEADING.match(folded)) or (text.isupper() and len(text) > 3) or bool(
            numbered and ":" not in text and not text.endswith(".") and len(text) < 120 and not para.bullet)
        if not is_heading:
            return False
        self._intro = self._polarity_of(folded) if _MARKER.search(folded) else ""  # "2. Các tiêu chí chưa hoàn thành"
        if _ROMAN_HEADING.match(folded) or text.isupper():
            self._section += 1
            self._recent = {}
            self._waiting = {}
            self._in_tasks = bool(_DEPARTMENT_SECTION.search(folded))
        self._block = None
        found = find_communes(para.text, folded)
        if found and numbered and pfold(numbered.group("t")).startswith("xa "):
            self._block = self._remember(found[0])
        return True

    @staticmethod
    def _introduces(folded: str) -> bool:
        """A line the bullets after it detail: it ends with ":" or states a count."""
        return folded.rstrip(" .").endswith(":") or bool(STATED_MISSING.search(folded))

    @staticmethod
    def _polarity_of(folded: str) -> str:
        cues = [c for c in polarity_cues(folded) if c[2] in (*GAP_POLARITIES, "met", "none")]
        return cues[-1][2] if cues else ""

    # -------------------------------------------------------------- sentence
    def _sentence(self, sent: Sentence, para_commune: list[CommuneMention], task: bool) -> None:
        f = sent.folded
        communes = self._communes(sent)
        lists = self._lists(sent)
        deadlines = deadlines_in(sent.text, self.this_year, sent.folded)
        used: set[int] = set()
        created: list[tuple[Gap, int]] = []
        read_any = False
        counted = None  # a gap list opened by a count it does not reach yet
        self._counts(sent, communes, para_commune)
        for k, lst in enumerate(lists):
            nxt = lists[k + 1].start if k + 1 < len(lists) else len(f)
            prev_end = lists[k - 1].end if k else 0
            pre_start = max(prev_end, f.rfind(";", 0, lst.start) + 1)
            polarity, how, sure = self._polarity(sent, lst, pre_start, nxt)
            continued = polarity in (None, "said") and counted and _AND_NEXT.search(f, pre_start, lst.start)
            if continued:  # "Hai tiêu chí … là A, do …, và B, vì …": the count goes on past a clause
                polarity, how, sure, subjects, who_sure = counted[:5]
                counted = None
            elif polarity is None:
                self._maybe(sent, lst, communes, para_commune)
                continue
            read_any = True
            if task:
                polarity = "task"
            if not continued:
                subjects, who_sure = self._subjects(sent, communes, para_commune, lst.start)
                n = _COUNTED.search(f, pre_start, lst.start)
                stated = count_value(n.group(1)) if n else None
                counted = None
                if polarity in GAP_POLARITIES and stated is not None and stated > len(lst.mentions):
                    counted = (polarity, how, LIKELY, subjects, who_sure)
            due = take(deadlines, used, lst.end, nxt)
            confidence = min(sure, who_sure)
            for commune in subjects:
                for m in lst.mentions:
                    gap = self._apply(sent, commune, m, polarity, how, confidence, due)
                    if gap is not None and gap.due is None:
                        created.append((gap, lst.end))
            if not subjects and polarity in GAP_POLARITIES:
                names = ", ".join(m.written for m in lst.mentions)
                self._find(sent.line(lst.start), "no_commune", sent.text,
                           f"Tiêu chí {names} được nêu là còn thiếu nhưng không rõ của xã nào; không tính", "", "info")
        waiting: dict[int, list[Gap]] = {}
        for gap, end in created:
            if gap.due is None:
                waiting.setdefault(end, []).append(gap)
        for end, group in waiting.items():  # a deadline later in the sentence dates the gaps still waiting
            due = take(deadlines, used, end, len(f))
            for gap in group if due is not None else ():
                self._date(gap, due, sent)
        if NO_DEADLINE.search(f):
            for gap in self._open(communes, para_commune):
                gap.no_deadline_said = True
        last_list = lists[-1].end if read_any else 0
        free = [d for i, (d, valid, _) in enumerate(deadlines) if i not in used and valid and d.start >= last_list]
        if free and (communes or not task):  # a sentence (or its last clause) that only says when
            collective_ok = not task and not any(c[2] == "task" for c in polarity_cues(f))
            self._date_open(sent, communes, para_commune, free[0], collective_ok)
        if communes:
            para_commune[:] = communes

    # ----------------------------------------------------------------- tables
    def _table_row(self, para: Para) -> None:
        """A row of a table (Word, or Markdown "| … |"): its header names the columns
        (commune, the criteria and what they are — "còn thiếu", "chưa đạt" —, the
        deadline); each row below is read by them."""
        cells = row_cells(para.text)
        if all(not c.strip(" -:") for c in cells):
            return  # "|---|---|"
        header = Table.read(cells)
        if header is not None:
            self._table = header
            return
        table = self._table
        if table is None or max(table.commune, table.criteria) >= len(cells):
            return
        name = re.sub(r"^(?:xã|xa)\s+", "", cells[table.commune], flags=re.IGNORECASE).strip(" *")
        if not name or not name[:1].isupper():
            return
        named = find_communes("xã " + name)  # "An Tiến (Thanh Lâm)", "AN TIẾN"
        commune = self._remember(CommuneMention(0, 0, named[0].name, named[0].district) if named
                                 else CommuneMention(0, 0, name, ""))
        sent = Sentence.of(Para(cells[table.criteria], [0], [para.first_line]), 0, len(cells[table.criteria]))
        if re.match(r"\s*(?:khong|chua co)\b", sent.folded) or re.search(r"\bkhong\s+con\b", sent.folded):
            return
        due = None
        if table.due is not None and table.due < len(cells):  # the column is the deadline: no cue needed
            dues = deadlines_in(cells[table.due], self.this_year)
            due = (dues[0][0], dues[0][2]) if dues else None
        polarity = table.polarity if table.polarity != "said" else (self._polarity_of(sent.folded) or "said")
        for lst in self._lists(sent):
            for m in lst.mentions:
                self._apply(sent, commune, m, polarity, "bảng", SURE, due)

    # -------------------------------------------------------------- pieces
    def _lists(self, sent: Sentence) -> list[CriteriaList]:
        """The sentence's criteria grouped into lists; a name right after its number
        ("tiêu chí 06 – Cơ sở vật chất văn hóa") is the same criterion."""
        f = sent.folded
        mentions = self.scanner.find(sent.text, f)
        merged: list[CriterionMention] = []
        mentions = [self._named_number(sent, m) if m.by == "number" else m for m in mentions]
        for m in mentions:
            if merged and merged[-1].by == "number" and _NUMBER_NAME.match(f[merged[-1].end:m.start]):
                head = merged[-1]
                if head.code != m.code:
                    self._find(sent.line(m.start), "number_name_differ", sent.text,
                               f"'{head.written}' là tiêu chí {self.catalogue.label(head.code)} trong bộ đang dùng "
                               f"nhưng tên ghi là '{m.written}'; lấy theo số", "")
                merged[-1] = CriterionMention(head.start, m.end, head.code, sent.text[head.start:m.end], "number",
                                              at=head.at)
                continue
            merged.append(m)
        lists: list[CriteriaList] = []
        for m in merged:
            between = f[lists[-1].end:m.start] if lists else ""
            # "; tiêu chí 13 – …" continues a list of numbers, a bare "; Văn hóa" any list
            semicolon_ok = ";" not in between or not between.replace(";", "").strip() or (
                m.by == "number" and lists[-1].mentions[-1].by == "number")
            if lists and semicolon_ok and _LIST_SEP.match(between):  # "tiêu chí 06 – …; tiêu chí 13 – …"
                lists[-1].mentions.append(m)
                lists[-1].end = m.end
            else:
                lists.append(CriteriaList([m], m.start, m.end))
        return lists

    def _named_number(self, sent: Sentence, m: CriterionMention) -> CriterionMention:
        """"tiêu chí số 5 (Trường học)": the name in parentheses (a detail, otherwise) is
        the number's; it is checked against the number and taken into the mention."""
        p = re.match(r"\s*\(", sent.folded[m.end:])
        if not p:
            return m
        close = sent.folded.find(")", m.end + p.end())
        inner = sent.text[m.end + p.end():close] if close > 0 else ""
        match = self.catalogue.match(inner) if 0 < len(inner) < 80 else None
        if not match or match.method not in ("exact", "alias"):
            return m
        if match.codes[0] != m.code:
            self._find(sent.line(m.start), "number_name_differ", sent.text,
                       f"'{m.written}' là tiêu chí {self.catalogue.label(m.code)} trong bộ đang dùng "
                       f"nhưng tên ghi là '{inner}'; lấy theo số", "")
        return CriterionMention(m.start, close + 1, m.code, sent.text[m.start:close + 1], "number", at=m.at)

    def _polarity(self, sent: Sentence, lst: CriteriaList, pre_start: int, nxt: int) -> tuple[str | None, str, float]:
        """What the text says of a list: (polarity, how it was read, confidence); a
        polarity of ``None`` when the words are not read as criteria at all."""
        f = sent.folded
        pre = f[pre_start:lst.start]
        marked = bool(_MARKER.search(pre) or _MARKER.search(f, lst.start, lst.end)) or lst.mentions[0].by == "number"
        label = self._label(sent, lst)
        cues = polarity_cues(f, pre_start, lst.start)
        direct = bool(cues) and not f[cues[-1][1]:lst.start].strip(" ,:")
        stop = min(nxt, *(i for i in (f.find(c, lst.end) for c in ";,") if i >= 0), len(f))
        after = [c for c in polarity_cues(f, lst.end, stop) if c[2] != "target"]
        # "lĩnh vực nổi trội chưa hoàn thành": a name the words right after say is missing or met
        said_after = bool(after) and after[0][2] in (*GAP_POLARITIES, "met") and after[0][0] - lst.end <= 12
        if all(m.generic for m in lst.mentions) and not marked:
            return None, "", 0
        if not (marked or direct or label or said_after):
            return None, "", 0
        if any(c[2] == "funding" for c in cues):
            return "task", "", 0  # money for a criterion, not the criterion
        if label and self._intro:
            return self._intro, "dòng mở đầu các mục", LIKELY
        if after and after[0][2] != "task":
            return after[0][2], "sau danh sách", SURE
        if any(c[2] == "task" for c in cues):
            return "task", "", 0
        if cues:
            last = cues[-1][2]
            if last == "target" and f[cues[-1][0]:cues[-1][1]] == "ngoai" and any(c[2] == "none" for c in cues):
                return "missing", "'không … ngoài'", SURE  # "không có tiêu chí nào chưa đạt ngoài X"
            if last == "met" and any(c[2] == "target" for c in cues):
                return "target", "", 0
            return last, "trước danh sách", SURE
        if label:
            rest = polarity_cues(f, lst.end)
            gaps = [c for c in rest if c[2] in GAP_POLARITIES]
            if gaps:
                return gaps[0][2], "lời giải thích của mục", WEAK
        return "said", "", 0

    @staticmethod
    def _label(sent: Sentence, lst: CriteriaList) -> bool:
        """A bullet's label: "- Giao thông: …", "- Tiêu chí 06: …"."""
        numbered = OPENS.match(pfold(sent.para.text[:24]))  # "1. Tiêu chí số 5 - Giáo dục: …" ("1." may be a sentence)
        start = numbered.end() if numbered else 0
        if not (sent.para.bullet or numbered) or sent.offset > start:
            return False
        head = sent.folded[max(0, start - sent.offset):lst.start].strip()
        return bool(re.fullmatch(r"(?:" + MARKER + r"(?:\s+(?:so|ve))?)?", head)) \
            and bool(_LABEL_END.match(sent.folded, lst.end))

    def _maybe(self, sent: Sentence, lst: CriteriaList, communes: list[CommuneMention],
               para_commune: list[CommuneMention]) -> None:
        """Words not read as criteria that a gap word stands next to ("thu nhập bình quân
        đầu người còn vướng"): said in the findings, not counted."""
        f = sent.folded
        near = [c for c in polarity_cues(f, max(0, lst.start - 20), min(len(f), lst.end + 30))
                if c[2] in GAP_POLARITIES]
        if not near:
            return
        subjects, _ = self._subjects(sent, communes, para_commune, lst.start)
        if not subjects:
            return
        names = ", ".join(f"'{m.written}' ({self.catalogue.label(m.code)})" for m in lst.mentions)
        self._find(sent.line(lst.start), "possible_gap", sent.text,
                   f"{names} của xã {subjects[0].name} đứng cạnh '{f[near[0][0]:near[0][1]]}' nhưng không được "
                   "nêu là tiêu chí; có thể là tiêu chí còn thiếu, không tính", subjects[0].name, "info")

    def _apply(self, sent: Sentence, commune: CommuneMention, m: CriterionMention, polarity: str, how: str,
               confidence: float, due: tuple | None) -> Gap | None:
        key = (commune_key(commune.name), m.code)
        line = sent.line(m.first)
        gap = self._gap_at.get(key)
        if polarity in GAP_POLARITIES:
            if key in self._met_at:
                met = self._met_at[key]
                self._find(line, "contradiction", sent.text,
                           f"Tiêu chí {self.catalogue.label(m.code)} của xã {commune.name} được nêu là đã đạt "
                           f"(dòng {met.line}) và là còn thiếu (dòng {line}); giữ là còn thiếu", commune.name)
            if gap is None:
                if m.generic:
                    confidence -= 0.15
                gap = Gap(commune.name, commune.district or self.district, m.code, m.written, line,
                          strip_trailing(sent.text) + ".", polarity, round(confidence, 2), how,
                          para=self._para_no, section=self._section)
                self.gaps.append(gap)
                self._waiting.setdefault(key[0], []).append(gap)
                self._para_waiting.append(gap)
                self._gap_at[key] = gap
            if due is not None and gap.due is None:
                self._date(gap, due[0], sent)
            return gap
        if polarity == "met":
            if gap is not None:
                self._find(line, "contradiction", sent.text,
                           f"Tiêu chí {self.catalogue.label(m.code)} của xã {commune.name} được nêu là còn thiếu "
                           f"(dòng {gap.line}) và là đã đạt (dòng {line}); giữ là còn thiếu", commune.name)
            elif key not in self._met_at:
                self._met_at[key] = Met(commune.name, m.code, m.written, line)
                self.met.append(self._met_at[key])
            return None
        if gap is not None:  # a restatement ("ngoài Thu nhập", "tiêu chí Giáo dục … tháng 9/2025")
            if due is not None and gap.due is None:
                self._date(gap, due[0], sent)
            return None
        if polarity in ("said", "target") and key not in self._met_at:
            self._find(line, "unclear_polarity", sent.text,
                       f"Tiêu chí {self.catalogue.label(m.code)} của xã {commune.name} được nêu nhưng không rõ "
                       "còn thiếu hay đã đạt; không tính", commune.name, "info")
        return None

    def _counts(self, sent: Sentence, communes: list[CommuneMention], para_commune: list[CommuneMention]) -> None:
        f = sent.folded
        for m in STATED_MET.finditer(f):
            who, _ = self._subjects(sent, communes, para_commune, m.start())
            if len(who) == 1:
                self.stated.append(Stated(who[0].name, int(m.group(2)) - int(m.group(1)),
                                          sent.text[m.start():m.end()], sent.line(m.start()), met=True))
        m = STATED_MISSING.search(f)
        if m:
            who, _ = self._subjects(sent, communes, para_commune, m.start())
            n = count_value(m.group(1) or m.group(2) or "")
            if len(who) == 1 and n is not None:
                self.stated.append(Stated(who[0].name, n, sent.text[m.start():m.end()], sent.line(m.start())))

    # ------------------------------------------------------------ deadlines
    def _date(self, gap: Gap, due: FoundDeadline | tuple, sent: Sentence) -> None:
        d, note = due if isinstance(due, tuple) else (due, "")
        gap.due = d
        gap.due_line = sent.line(d.start)
        gap.due_note = note

    @staticmethod
    def _still(gaps: list[Gap]) -> list[Gap]:
        """Those of ``gaps`` still waiting (the list is pruned in place: each gap is looked at
        again only while it waits)."""
        gaps[:] = [g for g in gaps if g.due is None and not g.no_deadline_said]
        return list(gaps)

    def _open(self, communes: list[CommuneMention], para_commune: list[CommuneMention],
              folded: str = "") -> list[Gap]:
        """The gaps a sentence that only says when is about: of the communes it names, else
        of its paragraph, of the block, of the paragraph's commune, of "xã" just spoken of."""
        named = list(dict.fromkeys(commune_key(c.name) for c in communes))
        if named:
            return [g for k in named for g in self._still(self._waiting.get(k, []))]
        same_para = self._still(self._para_waiting)
        if same_para:
            return same_para
        who = None
        if self._block is not None:
            who = self._block.name
        elif para_commune:
            who = para_commune[-1].name
        elif self._recent and _THE_COMMUNE.search(folded):  # "Huyện yêu cầu xã hoàn thành … trong quý III"
            who = next(reversed(self._recent.values())).name
        return self._still(self._waiting.get(commune_key(who), [])) if who else []

    def _date_open(self, sent: Sentence, communes: list[CommuneMention], para_commune: list[CommuneMention],
                   due: FoundDeadline, collective_ok: bool = True) -> None:
        """A sentence that only says when: the gaps waiting in its paragraph, block or
        section ("Các xã có tiêu chí bị giảm phải khôi phục trong 6 tháng đầu năm 2025")."""
        targets = self._open(communes, para_commune, sent.folded)
        if not targets and collective_ok and _COLLECTIVE_DEADLINE.search(sent.folded):
            targets = [g for gaps in self._waiting.values() for g in self._still(gaps)]
        note = next((n for d, _, n in deadlines_in(sent.text, self.this_year, sent.folded) if d.start == due.start),
                    "")
        for gap in targets:
            self._date(gap, (due, note), sent)
            gap.due_note = (gap.due_note + "; " if gap.due_note else "") + "hạn ở câu sau"

    def _find(self, line: int, kind: str, text: str, message: str, commune: str = "",
              severity: str = "warning") -> None:
        self.findings.append(Finding(line, kind, strip_trailing(text), message, commune, severity))

    # --------------------------------------------------------------- checks

    def check_counts(self) -> None:
        """A stated count that differs from the gaps read for the commune is a finding."""
        self.findings.extend(count_findings(self.stated, self.gaps, self.catalogue))
