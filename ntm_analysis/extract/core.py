"""Walk a plan's lines: parts (I, II, …), numbered sections, communes, department tasks.

A *commune section* is a numbered heading whose title names a level ("NTM nâng
cao", "kiểu mẫu"); a commune starts at "a) Xã X: …" / "Xã X: …" inside it, or is
named by the heading itself ("1.2. Xã Tân Kỳ phấn đấu đạt chuẩn NTM kiểu mẫu năm
2022"). Department tasks are read in the part titled "Tổ chức thực hiện".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ..core.names import commune_key
from ..core.vocab import Level, OcopStatus, Requirement
from ..criteria.catalogue import Catalogue
from ..tables.schema import LEVEL_TEXT, OCOP_TEXT, REQUIREMENT_TEXT, SHEETS
from .commune import CommuneBlock, CommuneReader, Finding, Item
from .document import Line
from .extras import department_row, ocop_rows, quantity_rows
from .meta import DocumentMeta, read_meta
from .patterns import capitalized_run, pfold, strip_trailing

LEVEL_VI = LEVEL_TEXT
#: the columns of each extracted table: the workbook layout's own (one owner: tables.schema)
COLUMNS = {key: [c.key for c in SHEETS[key].columns]
           for key in ("info", "communes", "items", "milestones", "ocop", "quantities", "departments")}

_ROMAN = re.compile(r"^(?P<n>(?:X|IX|IV|V?I{0,3}))\s*[.)/]\s*(?P<t>\S.*)$")
_NUMBERED = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){0,3})(?:\s*+[.)])?\s++(?P<t>\S.*)$")  # spaces read once
_COMMUNE = re.compile(r"^(?:\(?[a-zđ]\)|[a-zđ]\.|\d{1,2}\)|\d{1,2}\.)?\s*xa\s+(?P<rest>.+)$")
_YEARS = re.compile(r"\bnam\s+(?P<y>(?:19|20|21)\d\d(?:\s*(?:,|va|-|–)\s*(?:19|20|21)\d\d)*)")
_SKIP_PARTS = ("muc dich", "yeu cau", "kien nghi", "de xuat", "kinh phi", "noi nhan")
_END = ("noi nhan", "tren day la")


@dataclass
class _Walk:
    """Where the reader stands in the plan: its part (I, II…), section and commune."""

    part: str = ""
    section: "Section | None" = None
    block: "CommuneBlock | None" = None
    dept_section: str = ""
    dept_title: str = ""
    in_departments: bool = False

    def enter_part(self, number: str, title: str) -> None:
        folded = pfold(title)
        self.part = number
        self.in_departments = ("to chuc thuc hien" in folded
                               and not any(w in folded for w in _SKIP_PARTS))
        self.section, self.block = None, None
        self.dept_section, self.dept_title = number, strip_trailing(title)

    def enter_department(self, number: str, title: str) -> None:
        self.dept_section = f"{self.part}.{number}" if self.part else number
        self.dept_title = strip_trailing(title)


@dataclass
class Section:
    number: str
    title: str
    line: int
    level: str  # nang_cao | kieu_mau
    years: list[int] = field(default_factory=list)
    years_written: str = ""
    moved_to: int = 0  # "năm 2023 chuyển sang năm 2024"


def _section(number: str, title: str, line: int) -> Section | None:
    f = pfold(title)
    has_nc, has_km = "nang cao" in f, "kieu mau" in f
    if not (has_nc or has_km) or not re.search(r"\bxa\b", f):
        return None
    years, written = [], ""
    for m in _YEARS.finditer(f):  # the first "năm …" is the original target
        written = title[m.start("y"):m.end("y")]
        years = [int(y) for y in re.findall(r"(?:19|20|21)\d\d", m.group("y"))]
        break
    later = [int(y) for y in re.findall(r"\b(?:19|20|21)\d\d\b", f[m.end():])] if years else []
    level = Level.MODEL if has_km and not has_nc else Level.ADVANCED
    if has_nc and has_km:
        level = "both"
    return Section(number, title, line, level, years, written, max(later, default=0))


def _is_heading(line: Line) -> re.Match | None:
    if line.bullet:
        return None
    m = _NUMBERED.match(line.text)
    if not m:
        return None
    title = m.group("t")
    colon = title.find(":")
    if colon >= 0 and title[colon + 1:].strip():
        return None  # "1. Giao thông: …" is content, not a heading
    return m


class PlanReader:
    """Reads the lines of a plan into tables and findings."""

    def __init__(self, catalogue: Catalogue):
        self.cat = catalogue
        self.findings: list[Finding] = []
        self.blocks: list[CommuneBlock] = []
        self.departments: list[dict] = []
        self.meta: dict = {}

    # ----------------------------------------------------------------- walk
    def read(self, lines: list[Line], source: str = "", doc: DocumentMeta | None = None) -> None:
        self.meta = self._meta(doc or read_meta(lines, self.cat.id), source)
        walk = _Walk()
        for line in lines:
            f = pfold(line.text)
            if f.startswith(_END):
                break
            m = _ROMAN.match(line.text) if not line.bullet else None
            if m and m.group("n"):
                walk.enter_part(m.group("n"), m.group("t"))
                continue
            h = _is_heading(line)
            if walk.in_departments:
                if h:
                    walk.enter_department(h.group("n"), h.group("t"))
                else:
                    self.departments.append(department_row(line.text, walk.dept_title,
                                                           walk.dept_section, self.cat))
                continue
            if h:
                self._heading(walk, line, h.group("n"), strip_trailing(h.group("t")))
            elif walk.section is not None:
                self._body_line(walk, line, f)
        reader = CommuneReader(self.cat, self.findings)
        for b in self.blocks:
            reader.read(b)
            self._check_counts(b)

    def _heading(self, walk: "_Walk", line: Line, number: str, title: str) -> None:
        """A numbered heading: a plan section (perhaps "Xã X" itself) or the end of one."""
        walk.section = _section(number, title, line.no)
        walk.block = None
        if walk.section and pfold(title).startswith("xa "):
            name = capitalized_run(title[3:].strip())
            if name:
                walk.block = self._new_block(name, line, walk.section, header=line.text)

    def _body_line(self, walk: "_Walk", line: Line, folded: str) -> None:
        """A line inside a plan section: "a) Xã X: …" opens a commune, others belong to it."""
        cm = _COMMUNE.match(folded)
        if cm:
            rest = line.text[cm.start("rest"):]
            name = capitalized_run(rest)
            after = rest[len(name):].lstrip(" *")
            if name and after[:1] in (":", "-", "–", ""):
                walk.block = self._new_block(name, line, walk.section, header=line.text)
                lead = after[1:].strip()
                if lead:
                    walk.block.lines.append(Line(line.no, lead, "", line.style))
                return
        if walk.block is None:
            self.findings.append(Finding(line.no, "unplaced_line", line.text,
                                         "Dòng nằm trong mục kế hoạch nhưng không thuộc xã nào", "", "info"))
        else:
            walk.block.lines.append(line)

    def _new_block(self, name: str, line: Line, section: Section, header: str) -> CommuneBlock:
        for b in self.blocks:
            if commune_key(b.name) == commune_key(name):
                self.findings.append(Finding(line.no, "duplicate_commune", line.text,
                                             f"Xã {name} xuất hiện lần nữa (lần đầu ở dòng {b.line})", name))
        sec = section.__dict__.copy()
        if section.level == "both":
            self.findings.append(Finding(line.no, "ambiguous_level", section.title,
                                         "Tên mục nêu cả 'nâng cao' và 'kiểu mẫu'; xác định mức theo nội dung của xã",
                                         name))
        block = CommuneBlock(name, line.no, sec, header=header)
        self.blocks.append(block)
        return block

    # ----------------------------------------------------------------- meta
    def _meta(self, doc: DocumentMeta, source: str) -> dict:
        meta: dict = {"district": doc.district, "province": doc.province, "plan_title": doc.title,
                      "plan_year": doc.year, "catalogue": self.cat.id, "source": source}
        if not meta["plan_year"]:
            self.findings.append(Finding(1, "no_plan_year", "", "Không tìm thấy năm kế hoạch"))
        elif doc.year_from == "date line":
            self.findings.append(Finding(doc.year_line, "plan_year_inferred", "",
                                         f"Tiêu đề không ghi năm; lấy năm {doc.year} của dòng ngày tháng "
                                         "(suy ra; dùng --year để ghi rõ)", "", "info"))
        elif doc.year_from == "text":
            self.findings.append(Finding(doc.year_line, "plan_year_inferred", "",
                                         f"Tiêu đề không ghi năm; lấy năm {doc.year} mà văn bản đặt mục tiêu "
                                         "(suy ra; dùng --year để ghi rõ)", "", "info"))
        if not meta["district"]:
            self.findings.append(Finding(1, "no_district", "", "Không tìm thấy tên huyện", "", "info"))
        return meta

    # ---------------------------------------------------------------- checks
    def _check_counts(self, b: CommuneBlock) -> None:
        codes = [c for it in b.items if not it.is_model for c in it.match.codes]
        n_items = sum(1 for it in b.items if not it.is_model)
        if b.met_count and b.missing_count is not None and sum([b.met_count[0], b.missing_count]) != b.met_count[1]:
            self._count_finding(b, f"Kế hoạch ghi '{b.met_written}' và '{b.missing_written}': "
                                   f"{b.met_count[0]} + {b.missing_count} ≠ {b.met_count[1]}")
        if b.missing_count is not None and b.missing_count != len(codes):
            extra = f" ở {n_items} mục" if n_items != len(codes) else ""
            self._count_finding(b, f"Kế hoạch ghi '{b.missing_written}' nhưng liệt kê {len(codes)} tiêu chí{extra}")
        seen: dict[str, Item] = {}
        for it in b.items:
            for c in it.match.codes:
                if c in seen:
                    self.findings.append(Finding(it.line, "duplicate_criterion", it.written,
                                                 f"Tiêu chí {self.cat.label(c)} nêu hai lần (dòng {seen[c].line} "
                                                 f"và {it.line})", b.name))
                seen[c] = it
        if not b.items and not b.milestones:
            self.findings.append(Finding(b.line, "no_items", b.header,
                                         f"Không tìm thấy tiêu chí còn thiếu hay mốc hồ sơ nào của xã {b.name}",
                                         b.name, "info"))

    def _count_finding(self, b: CommuneBlock, message: str) -> None:
        b.section = dict(b.section)
        b.section.setdefault("notes", []).append(message)
        self.findings.append(Finding(b.line, "count_mismatch", b.header, message, b.name))

    # ---------------------------------------------------------------- tables
    def tables(self) -> dict[str, pd.DataFrame]:
        plan_year = self.meta.get("plan_year")
        communes, items, milestones, ocop, quantities = [], [], [], [], []
        for b in self.blocks:
            communes.append(self._commune_row(b, plan_year))
            for row, qty in self._item_rows(b, first_no=len(items) + 1):
                items.append(row)
                quantities.extend(qty)
            self._apply_milestones(b)
            milestones.extend(self._milestone_rows(b))
            ocop.extend(self._ocop_rows(b))
        info = [{"item": k, "value": "" if self.meta.get(k) is None else str(self.meta[k])}
                for k in ("district", "province", "plan_title", "plan_year", "catalogue", "source")]
        data = {"info": info, "communes": communes, "items": items, "milestones": milestones,
                "ocop": ocop, "quantities": quantities, "departments": self.departments}
        return {k: _frame(v, COLUMNS[k]) for k, v in data.items()}

    def _commune_row(self, b: CommuneBlock, plan_year: int | None) -> dict:
        sec = b.section
        level = sec["level"]
        if level == "both":
            level = Level.MODEL if any(it.is_model for it in b.items) or "kieu mau" in pfold(b.header) \
                else Level.ADVANCED
        original = max(sec["years"]) if sec["years"] else None
        target = max(original or 0, plan_year or 0, sec["moved_to"]) or None
        return {
            "commune": b.name, "plan_section": sec["number"], "section_title": sec["title"],
            "target_level": LEVEL_VI[level], "target_year": target,
            "original_target_year": original, "original_target_written": sec["years_written"],
            "stated_met_written": b.met_written, "stated_missing_written": b.missing_written,
            "source_text": "\n".join([b.header] + [ln.text for ln in b.lines if ln.no != b.line]),
            "note": "; ".join(sec.get("notes", [])),
        }

    def _item_rows(self, b: CommuneBlock, first_no: int) -> list[tuple[dict, list[dict]]]:
        """Each item's row with the quantities its own words hold."""
        ocop_code = self.cat.ocop_criterion
        has_ocop = ocop_code is not None and any(ocop_code in it.match.codes for it in b.items)
        out = []
        for no, it in enumerate(b.items, start=first_no):
            names = "; ".join(self.cat.name(c) for c in it.match.codes)
            waits = ""
            if has_ocop and ocop_code not in it.match.codes and it.sentence_key[1] == -1 \
                    and "ocop" in pfold(it.detail):
                waits = ocop_code
            row = {
                "item_no": str(no), "commune": b.name,
                "requirement": REQUIREMENT_TEXT[Requirement.MODEL if it.is_model else Requirement.CRITERION],
                "criterion_written": it.written, "criterion": names, "detail": it.detail,
                "due_written": it.due.written if it.due else "",
                "due": str(it.due.due) if it.due else "",
                "waits_on": waits, "note": "; ".join(it.notes),
            }
            own = it.detail if it.sentence_key[1] == -1 else "; ".join(
                n.strip("()") for n in it.notes if n.startswith("("))
            out.append((row, quantity_rows(b.name, names, own)))
        return out

    def _apply_milestones(self, b: CommuneBlock) -> None:
        """The commune's general deadline (one dated milestone) covers its undated items."""
        undated = any(it.due is None for it in b.items) or not b.items
        applied = False
        for ms in sorted(b.milestones, key=lambda m: (not m.generic, m.due is None,
                                                      -(m.due.due.ordinal if m.due else 0))):
            applies = bool(ms.due) and undated and not applied
            applied = applied or applies
            ms.applies = applies
        if not applied:
            undated_items = [it for it in b.items if it.due is None]
            if undated_items:
                self.findings.append(Finding(
                    undated_items[0].line, "no_deadline", ", ".join(it.written for it in undated_items),
                    f"{len(undated_items)} mục của xã {b.name} không có thời hạn, kể cả hạn chung của xã",
                    b.name, "info"))

    @staticmethod
    def _milestone_rows(b: CommuneBlock) -> list[dict]:
        return [{"commune": b.name, "milestone": ms.name, "written_as": ms.written_as,
                 "due_written": ms.due.written if ms.due else "",
                 "due": str(ms.due.due) if ms.due else "",
                 "applies_to_items": ms.applies} for ms in b.milestones]

    def _ocop_rows(self, b: CommuneBlock) -> list[dict]:
        """OCOP products written in the commune's text; else the OCOP criterion's note."""
        ocop_code = self.cat.ocop_criterion
        text = " ".join(ln.text.rstrip(". ") + "." for ln in b.lines)
        rows = ocop_rows(b.name, text)
        if not rows and ocop_code is not None and any(
                "ocop" in pfold(n) for it in b.items if ocop_code in it.match.codes for n in it.notes):
            item = next(it for it in b.items if ocop_code in it.match.codes)
            rows = [{"commune": b.name, "product": "", "status": OCOP_TEXT[OcopStatus.NONE], "target_stars": None,
                     "written_as": item.detail,
                     "note": f"suy ra từ ghi chú '(sản phẩm OCOP)' của tiêu chí {ocop_code}"}]
        return rows

def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    for col in ("target_year", "original_target_year", "target_stars"):
        if col in df:
            df[col] = pd.array(df[col].tolist(), dtype="Int64")
    for col in ("current", "target"):
        if col in df:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    if "applies_to_items" in df:
        df["applies_to_items"] = df["applies_to_items"].astype(bool)
    return df
