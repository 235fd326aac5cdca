"""Read what other hands write (.txt, .md, .docx, text copied from a PDF) into the
workbook's tables: district plans (advanced, model, basic), progress reports, news items.

Two readers, rules only (patterns and the catalogue's names; no network, no language
model): :mod:`.core` reads a plan's layout ("a) Xã X: …" under a numbered heading) with
its dossier milestones, OCOP products and figures; :mod:`.mentions` reads any text by
its mentions of communes, criteria, polarity and deadlines; :mod:`.merge` joins them.
Every table uses the column keys of :data:`ntm_analysis.tables.schema.SHEETS`; every gap
keeps its sentence, line and a confidence (:attr:`Extraction.gaps`); everything the rules
could not place or were unsure of is a :class:`Finding` with the line of the document.

>>> text = '''KẾ HOẠCH xây dựng xã NTM nâng cao năm 2024 của huyện An Lão
... II. KẾ HOẠCH THỰC HIỆN
... 1. Các xã phấn đấu về đích NTM nâng cao năm 2024
... a) Xã An Tiến: Đạt 18/19 tiêu chí; còn 01 tiêu chí cần hoàn thiện, cụ thể:
... + Tiêu chí Y tế: Tỷ lệ dân số có sổ khám chữa bệnh điện tử thấp. Phấn đấu hoàn thành trong quý III/2024.'''
>>> ex = extract_text(text)
>>> ex.tables["items"][["commune", "criterion", "due_written", "due"]].values.tolist()
[['An Tiến', 'Y tế', 'quý III/2024', '2024Q3']]
>>> ex.meta["district"], ex.meta["plan_year"], ex.findings
('An Lão', 2024, [])
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..criteria.catalogue import load_catalogue
from ..i18n import has, t
from .commune import Finding
from .core import COLUMNS, PlanReader
from .document import Line, lines_from_text, read_document
from .mentions import MentionReader
from .merge import GAP_COLUMNS, confidence_words, merge
from .meta import DocumentMeta, read_meta

__all__ = ["Extraction", "Finding", "Line", "extract_plan", "extract_lines", "extract_text",
           "read_document", "COLUMNS"]


@dataclass
class Extraction:
    """The tables read from a plan (sheet key -> DataFrame), its meta data and findings."""

    tables: dict[str, pd.DataFrame]
    meta: dict
    findings: list[Finding] = field(default_factory=list)
    source: str = ""
    gaps: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=GAP_COLUMNS))
    document: DocumentMeta = field(default_factory=DocumentMeta)

    def findings_frame(self) -> pd.DataFrame:
        """Findings as a table: line, kind, severity, commune, text, message."""
        return pd.DataFrame([f.to_dict() for f in self.findings],
                            columns=["line", "kind", "severity", "commune", "text", "message"])

    def kinds(self) -> list[str]:
        return [f.kind for f in self.findings]

    def report_text(self) -> str:
        """The uncertainty report for people (Vietnamese)."""
        tb = self.tables
        head = (f"{self.source or 'Kế hoạch'}: {len(tb['communes'])} xã, {len(tb['items'])} mục tiêu chí, "
                f"{len(tb['milestones'])} mốc hồ sơ, {len(tb['ocop'])} dòng OCOP, "
                f"{len(tb['quantities'])} số liệu, {len(tb['departments'])} nhiệm vụ cơ quan.")
        doc = self.document
        lines = [head, _year_line(doc), _set_line(doc, self.meta)]
        if len(self.gaps):
            lines.append(f"{len(self.gaps)} tiêu chí còn thiếu đọc được (dòng, độ tin cậy, câu gốc):")
            shown = ""
            for g in self.gaps.itertuples():
                due = f", hạn {g.due_written}" if g.due_written else ", chưa có hạn"
                if g.due_written and g.due_line and g.due_line != g.line:
                    due += f" (dòng {g.due_line})"
                if g.due_note and "năm nay" not in due and "suy ra" in g.due_note:
                    due += f" ({g.due_note})"
                where = f" (huyện {g.district})" if g.district and g.district != self.meta.get("district") else ""
                written = f" « {g.criterion_written} »" if g.criterion_written != g.criterion else ""
                lines.append(f"  dòng {g.line} {g.commune}{where}: {g.criterion}{written}{due}; "
                             f"độ tin cậy {confidence_words(g.confidence)}")
                if g.sentence != shown:  # the sentence as written, once for the gaps it holds
                    lines.append(f"      « {g.sentence} »")
                    shown = g.sentence
        if not self.findings:
            return "\n".join(lines + ["Không có điểm nào cần kiểm tra lại."])
        lines.append(f"{len(self.findings)} điểm cần kiểm tra lại:")
        for f in self.findings:
            who = f" [{f.commune}]" if f.commune else ""
            kind = t(f"kind.{f.kind}") if has(f"kind.{f.kind}") else f.kind
            lines.append(f"  dòng {f.line}{who} {kind}: {f.message}")
            if f.text:
                lines.append(f"      « {f.text} »")
        return "\n".join(lines)

    def report_json(self, workbook: str | None = None) -> str:
        data = {
            "source": self.source,
            "workbook": workbook,
            "meta": {k: v for k, v in self.meta.items()},
            "counts": {k: int(len(v)) for k, v in self.tables.items()},
            "gaps": json.loads(self.gaps.to_json(orient="records", force_ascii=False)),
            "findings": [f.to_dict() for f in self.findings],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def write(self, path: Path | str, replace: bool = True) -> Path:
        """Write the workbook in the package's layout (see :mod:`ntm_analysis.io.workbook`)
        atomically; ``replace=False`` refuses to write over an existing file."""
        from ..io.workbook import write_workbook

        tables = {k: v for k, v in self.tables.items() if k != "info"}
        return write_workbook(path, tables, self.meta, catalogue_id=self.meta.get("catalogue"), replace=replace)


def extract_lines(lines: list[Line], catalogue_id: str | None = None, source: str = "",
                  year: int | None = None) -> Extraction:
    """Extract from lines already read (see :func:`read_document`). ``catalogue_id``:
    the criteria set (else the one the title names, see :func:`~.meta.read_meta`);
    ``year``: the year the document is for (else its title's, text's or date line's)."""
    doc = read_meta(lines, catalogue_id, year)
    catalogue = load_catalogue(doc.catalogue)
    layout = PlanReader(catalogue)
    layout.read(lines, source, doc)
    mentions = MentionReader(catalogue, this_year=doc.this_year, author=doc.author, district=doc.district)
    mentions.read(lines)
    mentions.check_counts()
    tables, gaps, findings = merge(layout, mentions, doc)
    meta = dict(layout.meta)
    if any(f.kind == "several_districts" for f in findings):
        meta["district"] = ""
    tables["info"] = pd.DataFrame([{"item": k, "value": "" if meta.get(k) is None else str(meta[k])}
                                   for k in tables["info"]["item"]], columns=COLUMNS["info"])
    return Extraction(tables, meta, findings, source, gaps, doc)


def extract_text(text: str, catalogue_id: str | None = None, source: str = "", year: int | None = None) -> Extraction:
    """Extract from the text of a document (plain text or Markdown)."""
    return extract_lines(lines_from_text(text), catalogue_id, source, year)


def extract_plan(path: Path | str, catalogue_id: str | None = None, year: int | None = None) -> Extraction:
    """Extract from a document (.txt, .md, .docx); :class:`UserError` if unreadable."""
    path = Path(path)
    return extract_lines(read_document(path), catalogue_id, source=path.name, year=year)


def _set_line(doc: DocumentMeta, meta: dict) -> str:
    """Which criteria set the document was read in, and why."""
    title = load_catalogue(str(meta.get("catalogue") or doc.catalogue)).title
    why = {"given": "tham số --catalogue", "title": "suy ra từ tiêu đề; dùng --catalogue để chọn bộ khác",
           "default": "bộ mặc định: tiêu đề không nêu; dùng --catalogue để chọn bộ khác"}[doc.catalogue_from]
    return f"Đọc theo {title} ({why})."


def _year_line(doc: DocumentMeta) -> str:
    """Where the year came from, in words."""
    if doc.year is None:
        return "Không tìm thấy năm của văn bản (tiêu đề, dòng ngày tháng hay nội dung)."
    where = {"title": "tiêu đề", "text": "nội dung", "date line": "dòng ngày tháng (suy ra)",
             "given": "tham số --year"}[doc.year_from]
    line = f", dòng {doc.year_line}" if doc.year_line else ""
    this = f"; 'năm nay' là {doc.this_year}" if doc.this_year else ""
    return f"Năm {doc.year} lấy từ {where}{line}{this}."
