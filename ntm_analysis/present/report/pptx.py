"""The briefing pack's slide deck (16:9, python-pptx): one computed finding per slide.
Every text goes on a slide through :func:`~ntm_analysis.core.text.slide_text` (a
control or bidirectional character of the data is shown by its code)."""
from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd

from ...core.quarters import format_quarter
from ...core.text import slide_text
from ...core.vocab import Change
from ...i18n import header, label, t
from ...io.files import atomic_path
from ...tables.plan import Plan
from ..summary import unit_line
from .briefing import Briefing, quality_kinds, sheet_name

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
FONT = "Arial"
DARK = (0x1F, 0x2A, 0x44)


def _textbox(slide, left, top, width, height, text, size=18, bold=False, colour=DARK, align=None):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    tf = box.text_frame
    tf.word_wrap = True
    lines = text.split("\n") if isinstance(text, str) else text
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = slide_text(line)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = FONT
        run.font.color.rgb = RGBColor(*colour)
        if align is not None:
            p.alignment = align
    return box


def _picture(slide, path: Path, left: float, top: float, max_w: float, max_h: float) -> None:
    from PIL import Image
    from pptx.util import Inches

    with Image.open(path) as im:
        w, h = im.size
    scale = min(max_w / w, max_h / h)
    width, height = w * scale, h * scale
    slide.shapes.add_picture(str(path), Inches(left + (max_w - width) / 2), Inches(top), Inches(width),
                             Inches(height))


def _table(slide, rows: list[list[str]], left: float, top: float, width: float, col_widths: list[float],
           size: int = 12) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_table(len(rows), len(rows[0]), Inches(left), Inches(top), Inches(width),
                                   Inches(0.4 * len(rows)))
    table = shape.table
    for j, w in enumerate(col_widths):
        table.columns[j].width = Inches(w)
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = slide_text(str(value))
            for p in cell.text_frame.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(size)
                    r.font.name = FONT
                    r.font.bold = i == 0
                    if i == 0:
                        r.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _change_subject(plan: Plan, r, lang: str) -> str:
    cat = plan.catalogue
    if r.criterion_code:
        return cat.label(r.criterion_code, lang) if r.criterion_code in cat.codes else r.criterion_code
    if r.change == Change.PARAMETER and r.criterion in PARAMETER_LABELS:
        return t(PARAMETER_LABELS[r.criterion], lang)
    if r.change == Change.COMMUNE_DUE:
        return t("word.commune_due", lang)
    return r.criterion


def _change_value(value: object, lang: str) -> str:
    """A quarter for people; other values as they are."""
    return format_quarter(value, lang) if isinstance(value, pd.Period) else str(value)


PARAMETER_LABELS = {"review_lag": "report.review_lag", "as_of": "report.as_of_label"}


def _slide_title(slide, title: str, finding: str | None = None) -> None:
    _textbox(slide, 0.45, 0.25, SLIDE_W - 0.9, 0.6, title, size=26, bold=True)
    if finding:
        _textbox(slide, 0.45, 0.85, SLIDE_W - 0.9, 0.7, finding, size=16, colour=(0x33, 0x33, 0x33))


def _title_slide(prs, b: Briefing, generated: _dt.datetime | None) -> None:
    from pptx.enum.text import PP_ALIGN

    lang, m = b.lang, b.plan.meta
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _textbox(s, 0.8, 1.6, SLIDE_W - 1.6, 1.4, t("report.deck_title", lang), size=34, bold=True,
             align=PP_ALIGN.CENTER)
    lines = [unit_line(m, lang),
             m.get("plan_title", ""),
             t("report.as_of", lang, date=b.as_of.strftime("%d/%m/%Y")) if b.as_of is not None
             else t("report.no_as_of", lang)]
    if b.scenario is not None:
        lines.append(t("report.scenario_line", lang, name=b.scenario["name"]))
    _textbox(s, 0.8, 3.3, SLIDE_W - 1.6, 2.2, "\n".join(x for x in lines if x), size=20, align=PP_ALIGN.CENTER)
    if generated is not None:
        _textbox(s, 0.8, 6.6, SLIDE_W - 1.6, 0.4, t("report.generated", lang, ts=generated.strftime("%d/%m/%Y %H:%M")),
                 size=11, colour=(0x77, 0x77, 0x77), align=PP_ALIGN.CENTER)


def _quality_slide(prs, b: Briefing) -> None:
    lang = b.lang
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _slide_title(s, t("report.quality_title", lang), b.findings["quality"])
    kinds = quality_kinds(b)
    if len(kinds):
        rows = [[header("severity", lang), t("report.kind", lang), t("report.count", lang), t("report.where", lang)]]
        rows += [[str(label("severity", r.severity, lang)), r.kind, str(r.count), r.communes]
                 for r in kinds.head(9).itertuples(index=False)]
        _table(s, rows, 0.45, 1.7, SLIDE_W - 0.9, [1.4, 5.2, 0.9, SLIDE_W - 0.9 - 7.5], size=13)
        _textbox(s, 0.45, SLIDE_H - 0.6, SLIDE_W - 0.9, 0.4,
                 t("report.quality_more", lang, sheet=sheet_name("quality", lang)), size=12, colour=(0x55, 0x55, 0x55))


def _changes_slide(prs, b: Briefing) -> None:
    lang = b.lang
    s = prs.slides.add_slide(prs.slide_layouts[6])
    _slide_title(s, t("report.changes_title", lang) + f": {b.scenario['name']}", b.scenario["note"].strip() or None)
    ch = b.scenario["changes"]
    if not len(ch):
        _textbox(s, 0.45, 1.8, SLIDE_W - 0.9, 0.6, t("report.no_changes", lang), size=16)
        return
    rows = [[header(c, lang) for c in ("commune", "criterion", "change", "baseline", "scenario")]]
    for r in ch.head(10).itertuples(index=False):
        rows.append([r.commune or "—", _change_subject(b.plan, r, lang), str(label("change", r.change, lang)),
                     _change_value(r.baseline, lang), _change_value(r.scenario, lang)])
    _table(s, rows, 0.45, 1.8, SLIDE_W - 0.9, [2.2, 4.6, 2.6, 1.6, SLIDE_W - 0.9 - 11.0], size=13)
    if len(ch) > 10:
        _textbox(s, 0.45, SLIDE_H - 0.6, SLIDE_W - 0.9, 0.4,
                 t("report.more_changes", lang, n=len(ch) - 10, sheet=sheet_name("scenario_changes", lang)), size=12)


def write_deck(b: Briefing, path: Path, charts: dict[str, list[Path]],
               generated: _dt.datetime | None = None) -> Path:
    """The slide deck (16:9): title, one slide per chart with its finding as the heading,
    data quality, and the scenario's changes when a scenario is given."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    _title_slide(prs, b, generated)
    for key in b.chart_keys:  # the chart carries its own title
        s = prs.slides.add_slide(prs.slide_layouts[6])
        _textbox(s, 0.45, 0.2, SLIDE_W - 0.9, 1.1, b.findings[key], size=20, bold=True)
        # the chart carries its title and the assumption it rests on (the briefing's note)
        _picture(s, charts[key][0], 0.45, 1.4, SLIDE_W - 0.9, SLIDE_H - 1.5)
    _quality_slide(prs, b)
    if b.scenario is not None:
        _changes_slide(prs, b)
    stamp = (generated or _dt.datetime(2000, 1, 1)).replace(microsecond=0)
    props = prs.core_properties
    props.created = props.modified = stamp
    props.last_modified_by = props.author = "ntm-analysis"
    props.title = t("report.deck_title", b.lang)
    props.revision = 1
    with atomic_path(path) as tmp:
        prs.save(str(tmp))
    return Path(path)
