"""Read a district's narrative plan (.txt, .md, .docx) into the workbook's tables.

Rules only (patterns and the catalogue's aliases): no network, no language model.
Every table uses the column keys of :data:`ntm_analysis.schema.SHEETS`; everything
the rules could not place or were unsure of is a :class:`Finding` with the line of
the document.

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
from ..config import DEFAULT_CATALOGUE
from ..i18n import has, t
from .commune import Finding
from .core import COLUMNS, PlanReader
from .document import Line, lines_from_text, read_document

__all__ = ["Extraction", "Finding", "Line", "extract_plan", "extract_lines", "extract_text",
           "read_document", "COLUMNS"]


@dataclass
class Extraction:
    """The tables read from a plan (sheet key -> DataFrame), its meta data and findings."""

    tables: dict[str, pd.DataFrame]
    meta: dict
    findings: list[Finding] = field(default_factory=list)
    source: str = ""

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
        if not self.findings:
            return head + "\nKhông có điểm nào cần kiểm tra lại."
        lines = [head, f"{len(self.findings)} điểm cần kiểm tra lại:"]
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
            "findings": [f.to_dict() for f in self.findings],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    def write(self, path: Path | str, replace: bool = True) -> Path:
        """Write the workbook in the package's layout (see :mod:`ntm_analysis.io.workbook`)
        atomically; ``replace=False`` refuses to write over an existing file."""
        from ..io.workbook import write_workbook

        tables = {k: v for k, v in self.tables.items() if k != "info"}
        return write_workbook(path, tables, self.meta, catalogue_id=self.meta.get("catalogue"), replace=replace)


def extract_lines(lines: list[Line], catalogue_id: str = DEFAULT_CATALOGUE, source: str = "") -> Extraction:
    """Extract from lines already read (see :func:`read_document`)."""
    reader = PlanReader(load_catalogue(catalogue_id))
    reader.read(lines, source)
    tables = reader.tables()
    findings = sorted(reader.findings, key=lambda f: f.line)
    return Extraction(tables, reader.meta, findings, source)


def extract_text(text: str, catalogue_id: str = DEFAULT_CATALOGUE, source: str = "") -> Extraction:
    """Extract from the text of a plan (plain text or Markdown)."""
    return extract_lines(lines_from_text(text), catalogue_id, source)


def extract_plan(path: Path | str, catalogue_id: str = DEFAULT_CATALOGUE) -> Extraction:
    """Extract from a plan document (.txt, .md, .docx); :class:`UserError` if unreadable."""
    path = Path(path)
    return extract_lines(read_document(path), catalogue_id, source=path.name)
