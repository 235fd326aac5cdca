"""One reading from two: the plan layout's blocks, and the mentions found everywhere.

Where the document follows a plan's layout ("a) Xã X: …" under a numbered heading), the
layout reader's items stand, with their dossier milestones, OCOP products and figures. The
mention reader reads every document; the gaps it finds that the layout did not list are
added (to the commune's block, or as communes of their own). Every gap of the result is a
row of :func:`gap_rows` with the sentence and line it came from and a confidence.
"""
from __future__ import annotations

import pandas as pd

from ..core.names import commune_key
from ..core.vocab import Level, Requirement
from ..criteria.catalogue import Catalogue
from ..tables.schema import LEVEL_TEXT, REQUIREMENT_TEXT
from .commune import Finding
from .core import PlanReader, _frame
from .extras import quantity_rows
from .meta import DocumentMeta
from .patterns import pfold
from .mentions import MentionReader
from .records import Gap

#: columns of the gaps table of an extraction (the uncertainty report's first part)
GAP_COLUMNS = ["commune", "district", "criterion_code", "criterion", "criterion_written", "line", "sentence",
               "due_written", "due", "due_line", "due_note", "confidence", "read_by"]
READ_BY = {"layout": "bố cục kế hoạch", "mentions": "đọc theo câu"}
#: the findings of the mention reader that still matter where the layout read a commune
_KEEP_FOR_LAYOUT = ("contradiction",)
_LEVEL_OF_SET = {"co_ban": Level.BASIC, "kieu_mau": Level.MODEL}


def layout_confidence(method: str) -> float:
    """How sure a layout item is, by how its criterion was matched."""
    return {"fuzzy": 0.7, "unknown": 0.3}.get(method, 0.9)


def merge(layout: PlanReader, mentions: MentionReader, doc: DocumentMeta) -> tuple[dict, pd.DataFrame, list[Finding]]:
    """The tables of the extraction, its gaps table and its findings."""
    cat = layout.cat
    tables = layout.tables()
    blocks = {commune_key(b.name): b for b in layout.blocks}
    read = {(commune_key(b.name), c) for b in layout.blocks for it in b.items for c in it.match.codes}
    rows = _layout_gaps(layout)
    earlier = {g.key: g for g in mentions.gaps if g.key in read}
    for row in rows:  # a gap stands at the line of its first statement
        g = earlier.get((commune_key(row["commune"]), row["criterion_code"]))
        if g is not None and g.line < row["line"]:
            row.update(line=g.line, sentence=g.sentence, criterion_written=g.written)
    several = len(set(mentions.districts.values())) > 1 and not doc.author
    extra = [g for g in mentions.gaps if g.key not in read]
    if several:  # a commune whose district is not written is not given the document's
        for g in extra:
            if commune_key(g.commune) not in mentions.districts and g.district == doc.district:
                g.district = ""
    communes, items, quantities = [], [], []
    new: dict[str, list[Gap]] = {}
    for gap in extra:
        new.setdefault(commune_key(gap.commune), []).append(gap)
    stated: dict[str, list] = {}
    for st in mentions.stated:
        stated.setdefault(commune_key(st.commune), []).append(st)
    for key, gaps in new.items():
        if key not in blocks:
            communes.append(_commune_row(gaps, stated.get(key, []), doc, cat))
        for gap in gaps:
            no = len(tables["items"]) + len(items) + 1
            items.append(_item_row(gap, no, cat, doc))
            quantities.extend(quantity_rows(gap.commune, cat.name(gap.code), gap.sentence))
            rows.append(_gap_row(gap, cat))
    for key, new_rows in (("communes", communes), ("items", items), ("quantities", quantities)):
        if new_rows:
            tables[key] = pd.concat([tables[key], _frame(new_rows, list(tables[key].columns))], ignore_index=True)
    findings = list(layout.findings)
    for f in mentions.findings:
        if f.commune and commune_key(f.commune) in blocks and f.kind not in _KEEP_FOR_LAYOUT:
            continue
        findings.append(f)
    districts = set(mentions.districts.values())
    if several:
        findings.append(Finding(1, "several_districts", "", "Văn bản nói về xã của nhiều huyện ("
                                + ", ".join(sorted(districts)) + "); huyện của mỗi xã ghi ở cột ghi chú", "", "info"))
    gaps = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return tables, gaps, sorted(findings, key=lambda f: f.line)


def _layout_gaps(layout: PlanReader) -> list[dict]:
    cat, rows = layout.cat, []
    for b in layout.blocks:
        general = next((ms for ms in b.milestones if ms.applies and ms.due), None)  # the commune's own deadline
        for it in b.items:
            due, line, note = it.due, it.line, ""
            if due is None and general is not None:
                due, line, note = general.due, general.line, f"hạn chung của xã: {general.name}"
            for code in it.match.codes:
                rows.append({"commune": b.name, "district": layout.meta.get("district", ""), "criterion_code": code,
                             "criterion": cat.name(code), "criterion_written": it.written, "line": it.line,
                             "sentence": it.detail, "due_written": due.written if due else "",
                             "due": str(due.due) if due else "", "due_line": line if due else 0,
                             "due_note": note, "confidence": layout_confidence(it.match.method),
                             "read_by": READ_BY["layout"]})
    return rows


def _gap_row(gap: Gap, cat: Catalogue) -> dict:
    return {"commune": gap.commune, "district": gap.district, "criterion_code": gap.code,
            "criterion": cat.name(gap.code), "criterion_written": gap.written, "line": gap.line,
            "sentence": gap.sentence, "due_written": gap.due.written if gap.due else "",
            "due": str(gap.due.due) if gap.due else "", "due_line": gap.due_line, "due_note": gap.due_note,
            "confidence": gap.confidence, "read_by": READ_BY["mentions"]}


def _item_row(gap: Gap, no: int, cat: Catalogue, doc: DocumentMeta) -> dict:
    notes = [f"đọc theo câu ở dòng {gap.line}, độ tin cậy {confidence_words(gap.confidence)}"]
    if gap.polarity == "reduced":
        notes.append("tiêu chí bị giảm")
    if gap.due_note:
        notes.append(gap.due_note + (f" (dòng {gap.due_line})" if gap.due_line != gap.line else ""))
    if gap.no_deadline_said:
        notes.append("văn bản nói chưa có thời hạn")
    return {"item_no": str(no), "commune": gap.commune,
            "requirement": REQUIREMENT_TEXT[Requirement.MODEL if cat.is_model(gap.code) else Requirement.CRITERION],
            "criterion_written": gap.written, "criterion": cat.name(gap.code), "detail": gap.sentence,
            "due_written": gap.due.written if gap.due else "", "due": str(gap.due.due) if gap.due else "",
            "waits_on": "", "note": "; ".join(notes)}


def _commune_row(gaps: list[Gap], stated: list, doc: DocumentMeta, cat: Catalogue) -> dict:
    first = gaps[0]
    level = _LEVEL_OF_SET.get(cat.level, Level.ADVANCED)
    if cat.level not in _LEVEL_OF_SET and not cat.model_codes and "nang cao" not in pfold(doc.title):
        level = Level.BASIC  # a set of its own levels (2026–2030) read for communes to reach the standard
    if level == Level.ADVANCED and gaps and all(cat.is_model(g.code) for g in gaps):
        level = Level.MODEL
    met = next((s.written for s in stated if s.met), "")
    missing = next((s.written for s in stated if not s.met), "")
    note = f"huyện {first.district}" if first.district and first.district != doc.district else ""
    return {"commune": first.commune, "plan_section": "", "section_title": "",
            "target_level": LEVEL_TEXT[level], "target_year": doc.year, "original_target_year": None,
            "original_target_written": "", "stated_met_written": met, "stated_missing_written": missing,
            "source_text": "\n".join(dict.fromkeys(g.sentence for g in gaps)), "group": "", "note": note}


def confidence_words(value: float) -> str:
    """A confidence in words: cao (≥ 0.85), trung bình (≥ 0.65), thấp.

    >>> confidence_words(0.9), confidence_words(0.75), confidence_words(0.45)
    ('cao', 'trung bình', 'thấp')
    """
    return "cao" if value >= 0.85 else "trung bình" if value >= 0.65 else "thấp"
