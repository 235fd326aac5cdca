"""``ntm report``: the pack is complete, its tables and slides say what the analyses say,
two runs give identical charts and tables, Vietnamese by default and English on request.

The pack is rendered once per module (with a scenario), a second time to check that
the output is reproducible, and once in English.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.util import Inches  # noqa: E402

from ntm_analysis import config
from ntm_analysis.present import report  # noqa: E402
from ntm_analysis.present.report import build as report_build  # noqa: E402
from ntm_analysis.analysis import gaps_by_criterion, ocop_summary, projection, quality, workload  # noqa: E402
from ntm_analysis.cli import main  # noqa: E402
from ntm_analysis.core.quarters import format_quarter  # noqa: E402
from ntm_analysis.i18n import has, header, t  # noqa: E402
from ntm_analysis.io.pack import record_name  # noqa: E402
from ntm_analysis.io.scenario_files import load_scenario  # noqa: E402
from ntm_analysis.load.api import load_plan  # noqa: E402

SCENARIO = Path(__file__).parent / "data" / "scenarios" / "nhieu_thay_doi.yaml"  # many kinds of edit
VI_LETTERS = re.compile("[ăâđêôơưạảãàáấầẩẫậắằẳẵặẹẻẽèéếềểễệỉịìíĩọỏõòóốồổỗộớờởỡợụủũùúứừửữựỳỷỹýỵ]", re.I)
T1 = dt.datetime(2024, 3, 1, 8, 30, 0)
T2 = dt.datetime(2024, 3, 2, 9, 45, 0)


@pytest.fixture(scope="module")
def plan():
    return load_plan()


@pytest.fixture(scope="module")
def pack(tmp_path_factory, plan):
    out = tmp_path_factory.mktemp("pack") / "reports"
    return report.build_report(plan, out_dir=out, scenario=load_scenario(SCENARIO), generated=T1)


@pytest.fixture(scope="module")
def pack_again(tmp_path_factory, plan):
    out = tmp_path_factory.mktemp("pack2") / "reports"
    return report.build_report(plan, out_dir=out, scenario=load_scenario(SCENARIO), generated=T2)


@pytest.fixture(scope="module")
def pack_en(tmp_path_factory, plan):
    out = tmp_path_factory.mktemp("pack_en")
    return report.build_report(plan, out_dir=out, lang="en", generated=T1, dpi=72)  # text checks only


@pytest.fixture(scope="module")
def wb(pack):
    return load_workbook(pack["workbook"])


@pytest.fixture(scope="module")
def deck(pack):
    return Presentation(str(pack["deck"]))


def _slide_text(slide) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text)
        if getattr(shape, "has_table", False) and shape.has_table:
            for row in shape.table.rows:
                parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _rows(ws) -> list[list]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


# ------------------------------------------------------------------ the files
def test_pack_has_every_file(pack):
    out = Path(pack["workbook"]).parent
    stems = list(report.CHART_FILES.values())
    for stem in stems:  # scenario given: all seven charts
        assert (out / f"{stem}.png").stat().st_size > 10_000
        assert (out / f"{stem}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert {p.name for p in out.iterdir()} == {f"{s}.{e}" for s in stems for e in ("png", "svg")} | set(
        report.FILES.values()) | {record_name(report_build.PACK)}  # and the record of the pack


def test_pngs_are_print_quality(pack):
    from PIL import Image

    for png, _svg in pack["charts"].values():
        with Image.open(png) as im:
            assert round(im.info["dpi"][0]) >= 200
            assert im.size[0] >= 2000


def test_two_runs_give_identical_charts_summary_and_tables(pack, pack_again):
    for key, (png, svg) in pack["charts"].items():
        png2, svg2 = pack_again["charts"][key]
        assert png.read_bytes() == png2.read_bytes(), key
        assert svg.read_bytes() == svg2.read_bytes(), key
    assert pack["summary"].read_bytes() == pack_again["summary"].read_bytes()
    a, b = load_workbook(pack["workbook"]), load_workbook(pack_again["workbook"])
    assert a.sheetnames == b.sheetnames
    stamp = t("report.generated_label")
    for name in a.sheetnames:
        ra = [r for r in _rows(a[name]) if r[0] != stamp]
        rb = [r for r in _rows(b[name]) if r[0] != stamp]
        assert ra == rb, name
    # only the generation timestamp differs
    summary = {r[0]: r[1] for r in _rows(a[a.sheetnames[0]]) if r and r[0]}
    assert summary[stamp] == T1
    da, db = Presentation(str(pack["deck"])), Presentation(str(pack_again["deck"]))
    ta = [_slide_text(s) for s in da.slides]
    tb = [_slide_text(s) for s in db.slides]
    assert ta[1:] == tb[1:]
    assert ta[0].replace("01/03/2024 08:30", "X") == tb[0].replace("02/03/2024 09:45", "X")


def test_refuses_raw_data_dir(tmp_path, capsys):
    code = main(["report", "--out", str(config.RAW_DIR / "bao_cao")])
    err = capsys.readouterr().err
    assert code == 2 and "dữ liệu gốc" in err and "Traceback" not in err
    assert not (config.RAW_DIR / "bao_cao").exists()


def test_missing_scenario_file_is_a_clear_error(tmp_path, capsys):
    code = main(["report", "--out", str(tmp_path / "r"), "--scenario", str(tmp_path / "khong_co.yaml")])
    err = capsys.readouterr().err
    assert code == 2 and "khong_co.yaml" in err and "Traceback" not in err


def test_out_must_be_a_directory(tmp_path, capsys):
    f = tmp_path / "tep.txt"
    f.write_text("x")
    assert main(["report", "--out", str(f)]) == 2


# What an analyst finds at the top of each sheet of the pack (with the completion log of the
# embedded plan, hence "Đã xong", and a scenario, hence the two "Kịch bản" sheets).
SHEET_HEADERS = {
    "gaps_by_criterion": ["Mã tiêu chí", "Tiêu chí", "Loại", "Cơ quan chủ trì", "Số xã", "Các xã"],
    "gaps_by_commune": ["Xã", "Mức phấn đấu", "Số tiêu chí đạt", "Tiêu chí còn thiếu", "Tổng số tiêu chí",
                        "Tỷ lệ tiêu chí đạt", "Yêu cầu kiểu mẫu còn thiếu", "Đã xong",
                        "Mã tiêu chí, yêu cầu còn thiếu"],
    "ocop": ["Xã", "Tình trạng OCOP", "Sản phẩm OCOP", "Số sao mục tiêu", "Thiếu tiêu chí OCOP", "Hạn OCOP",
             "Nguồn hạn OCOP", "Tiêu chí chờ OCOP", "Hạn tiêu chí chờ", "Hạn thực tế tiêu chí chờ", "Vênh lịch"],
    "workload_quarter": ["Quý", "Số việc (tiêu chí và yêu cầu kiểu mẫu)", "Trong đó yêu cầu kiểu mẫu", "Hạn cụ thể",
                         "Hạn suy ra", "Đã xong", "Chưa xong", "Tỷ lệ đã xong"],
    "workload_department": ["Cơ quan chủ trì", "Quý", "Số việc (tiêu chí và yêu cầu kiểu mẫu)",
                            "Trong đó yêu cầu kiểu mẫu", "Hạn cụ thể", "Hạn suy ra", "Đã xong", "Chưa xong",
                            "Tỷ lệ đã xong"],
    "projection": ["Xã", "Mục kế hoạch", "Mức phấn đấu", "Năm phấn đấu", "Năm phấn đấu ban đầu", "Số năm lùi",
                   "Tiêu chí còn thiếu", "Yêu cầu kiểu mẫu còn thiếu", "Chưa có hạn", "Quá hạn",
                   "Quý xong việc cuối", "Quý công nhận dự kiến", "Tình trạng", "Yêu cầu kiểu mẫu chưa liệt kê"],
    "quality": ["Mức độ", "Loại phát hiện", "Xã", "Mã tiêu chí", "Nội dung", "Nguyên văn", "Trang", "Dòng"],
    "scenario_comparison": ["Xã", "Việc còn lại (gốc)", "Việc còn lại (kịch bản)", "Xong (gốc)",
                            "Xong (kịch bản)", "Công nhận (gốc)", "Công nhận (kịch bản)", "Tình trạng (gốc)",
                            "Tình trạng (kịch bản)", "Thay đổi"],
    "scenario_changes": ["Xã", "Mã tiêu chí", "Tiêu chí", "Thay đổi", "Kế hoạch gốc", "Kịch bản"],
    "units": ["Xã", "Huyện (cũ)", "Tên chính thức", "Mã cũ", "Cách khớp", "Các bước sắp xếp", "Xã năm 2025",
              "Mã 2025", "Bị chia", "Tỉ lệ vào xã mới", "Có bước suy ra", "Nguồn"],
    "units_gaps": ["Xã", "Mã xã", "Đơn vị cũ", "Mã tiêu chí", "Tiêu chí", "Thời hạn", "Hạn của từng đơn vị cũ",
                   "Bị chia"],
    "indicators": ["Xã", "Nhóm xã", "Mã tiêu chí", "Chỉ tiêu", "Hiện trạng (nguyên văn)", "Giá trị", "So sánh",
                   "Ngưỡng", "Đơn vị đo", "Ngưỡng lấy từ", "Ngưỡng (nguyên văn, nguồn)", "Đạt", "Còn thiếu",
                   "Còn thiếu (tỷ lệ so với ngưỡng)", "Chưa đánh giá được vì"],
}


# ------------------------------------------------------------------ workbook
def test_workbook_sheets_and_vietnamese_headers(wb, pack):
    assert wb.sheetnames == ["Tóm tắt", "Ma trận", "Theo tiêu chí", "Theo xã", "OCOP", "Khối lượng theo quý",
                             "Khối lượng theo cơ quan", "Dự kiến hoàn thành", "Chất lượng dữ liệu",
                             "Xã sau sắp xếp 2025", "Tiêu chí xã mới nhận", "Chỉ tiêu đo được",
                             "Kịch bản - so sánh", "Kịch bản - thay đổi"]
    assert set(SHEET_HEADERS) == set(report.COLUMNS)
    for key, expected in SHEET_HEADERS.items():
        ws = wb[report.sheet_name(key)]
        headers = [c.value for c in ws[1]]
        assert headers == expected, key
        assert ws.freeze_panes in ("A2", "B2")
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert all(ws.column_dimensions[chr(65 + i)].width >= 8 for i in range(min(len(headers), 26)))
    assert [c.value for c in wb["Theo tiêu chí"][1]][:2] == ["Mã tiêu chí", "Tiêu chí"]


def test_workbook_values_match_the_analyses(wb, plan):
    rows = _rows(wb["Theo tiêu chí"])[1:]
    data = gaps_by_criterion(plan)
    assert [r[0] for r in rows] == list(data["criterion_code"])
    assert [r[4] for r in rows] == list(data["communes"])
    assert rows[0][4] == 9  # criterion 13, read in the plan
    proj = projection(plan)
    prow = _rows(wb["Dự kiến hoàn thành"])
    head = prow[0]
    i_fin, i_status = head.index(header("finish")), head.index(header("status"))
    for r, (_, p) in zip(prow[1:], proj.iterrows()):
        if pd.isna(p["finish"]):
            assert r[i_fin] is None
        else:  # a real date: the last day of the quarter
            assert r[i_fin] == dt.datetime.combine(p["finish"].end_time.date(), dt.time())
        assert r[i_status] == {"ready": "đủ tiêu chí", "on_track": "kịp năm phấn đấu",
                               "at_risk": "có nguy cơ lùi", "unscheduled": "còn mục chưa có hạn"}[p["status"]]
    ws = wb["Dự kiến hoàn thành"]
    assert ws.cell(row=3, column=i_fin + 1).number_format == "DD/MM/YYYY"
    o = ocop_summary(plan)
    orow = _rows(wb["OCOP"])
    i_conf = orow[0].index(header("conflict"))
    assert [r[i_conf] for r in orow[1:]] == ["có" if c else "không" for c in o["conflict"]]
    q = quality(plan)
    assert len(_rows(wb["Chất lượng dữ liệu"])) - 1 == len(q)
    wq = workload(plan, by="quarter")
    assert [r[0] for r in _rows(wb["Khối lượng theo quý"])[1:]] == [format_quarter(q) for q in wq["quarter"]]
    assert _rows(wb["Khối lượng theo quý"])[-1][0] == "chưa có hạn"  # the gaps with no deadline, in words


def test_percentages_are_real_numbers(wb, plan):
    ws = wb["Theo xã"]
    head = [c.value for c in ws[1]]
    j = head.index(header("share_met")) + 1
    cell = ws.cell(row=2, column=j)  # Quang Phục: every criterion met
    assert cell.value == 1.0 and cell.number_format == "0%"
    assert isinstance(ws.cell(row=3, column=j).value, float)


def test_matrix_sheet_is_coloured_by_status(wb, plan):
    ws = wb["Ma trận"]
    head = [c.value for c in ws[1]]
    assert head[0] == "Xã" and "13. Tổ chức sản xuất và phát triển kinh tế nông thôn" in head
    rows = {r[0]: r for r in _rows(ws)[1:]}
    j13, j8 = head.index("13. Tổ chức sản xuất và phát triển kinh tế nông thôn"), head.index(
        "8. Thông tin và Truyền thông")
    assert rows["Minh Đức"][j13] == "quý III/2023" and rows["Minh Đức"][j8] == "quý II/2023"
    assert rows["Quang Trung"][j13] == "quý IV/2023 (hạn suy ra)"
    assert rows["Quang Khải"][j13] == "chưa có hạn"
    assert rows["Quang Phục"][j13] == "Đạt"
    km = head.index("KM3 Mô hình thôn thông minh")
    assert rows["Hưng Đạo"][km] == "—" and rows["Tân Kỳ"][km] == "quý IV/2023 (hạn suy ra)"
    fill = lambda name, j: ws.cell(row=list(rows).index(name) + 2, column=j + 1).fill.fgColor.rgb  # noqa: E731
    assert fill("Quang Khải", j13).endswith("D55E00")  # undated: vermillion, as in the chart
    assert fill("Quang Phục", j13).endswith("E8E8E8")  # met: pale grey
    assert fill("Minh Đức", j13) != fill("Minh Đức", j8)  # quarters get their own colours
    assert ws.freeze_panes == "B2"


def test_summary_sheet(wb, pack):
    rows = {r[0]: r[1] for r in _rows(wb["Tóm tắt"]) if r and r[0]}
    assert rows["Huyện"] == "Tứ Kỳ, Hải Dương"
    assert rows["Kịch bản"] == "OCOP chậm ở Minh Đức"
    b = pack["briefing"]
    for key in b.chart_keys:
        assert rows[b.titles[key]] == b.findings[key] + (f"\n{b.notes[key]}" if key in b.notes else "")


# ------------------------------------------------------------------ deck
def test_deck_is_16_9_with_one_slide_per_chart(deck, pack):
    b = pack["briefing"]
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    slides = list(deck.slides)
    assert len(slides) == 1 + len(b.chart_keys) + 1 + 1  # title, charts, data quality, scenario
    title = _slide_text(slides[0])
    assert "Tứ Kỳ" in title and "Hải Dương" in title and b.plan.meta["plan_title"] in title
    assert "chưa có ngày xét" in title and "OCOP chậm ở Minh Đức" in title
    for slide, key in zip(slides[1:], b.chart_keys):
        text = _slide_text(slide)
        assert b.findings[key] in text
        assert any(s.shape_type == 13 for s in slide.shapes)  # a picture
        for s in slide.shapes:  # nothing off the slide
            assert s.left >= 0 and s.top >= 0
            assert s.left + s.width <= deck.slide_width and s.top + s.height <= deck.slide_height


def test_slide_findings_are_computed_from_the_analyses(deck, plan, pack):
    b = pack["briefing"]
    top = gaps_by_criterion(plan).iloc[0]
    text = _slide_text(deck.slides[1 + b.chart_keys.index("blocking")])
    assert f"Tiêu chí {top['criterion_code']}" in text and f"{top['communes']}/{len(plan.communes)} xã" in text
    proj = projection(plan)
    ok = int(proj["status"].isin(["ready", "on_track"]).sum())
    assert f"{ok}/{len(proj)} xã" in _slide_text(deck.slides[1 + b.chart_keys.index("projection")])
    ocop = _slide_text(deck.slides[1 + b.chart_keys.index("ocop")])
    assert "Minh Đức" in ocop and "Quảng Nghiệp" in ocop  # the two schedule conflicts


def test_quality_slide_counts_every_kind(deck, plan):
    q = quality(plan)
    slide = [s for s in deck.slides if t("report.quality_title") in _slide_text(s)][0]
    text = _slide_text(slide)
    assert f"{len(q)} phát hiện" in text
    counts = q["code"].value_counts()
    for code, n in counts.items():
        label = t(f"kind.{code}") if has(f"kind.{code}") else code
        assert re.search(re.escape(label) + r" \| " + str(n) + r" \|", text), code


def test_scenario_slide_lists_the_changes(deck, pack):
    changes = pack["briefing"].scenario["changes"]
    text = _slide_text(deck.slides[-1])
    assert "OCOP chậm ở Minh Đức" in text
    assert "Độ trễ thẩm định (quý)" in text  # the review-lag parameter, named for people
    assert "19. Quốc phòng và An ninh" in text and "quý III/2023" in text
    assert len(changes) >= 10


# ------------------------------------------------------------------ summary
def test_markdown_summary(pack):
    md = pack["summary"].read_text(encoding="utf-8")
    b = pack["briefing"]
    for key in b.chart_keys:
        assert b.findings[key] in md
        assert f"({pack['charts'][key][0].name})" in md
    assert "Tạo lúc" not in md  # no timestamp: identical between runs


# ------------------------------------------------------------------ English
def test_english_pack(pack_en, plan):
    wb = load_workbook(pack_en["workbook"])
    assert wb.sheetnames[:3] == ["Summary", "Matrix", "By criterion"]
    assert [c.value for c in wb["By criterion"][1]][:2] == ["Criterion code", "Criterion"]
    assert "scenario" not in pack_en["charts"]
    deck = Presentation(str(pack_en["deck"]))
    assert len(deck.slides) == 1 + 8 + 1  # title, eight charts (the 2025 communes, the indicators), data quality
    first = _slide_text(deck.slides[0])
    assert "Progress briefing" in first and "Tứ Kỳ district" in first
    blocking = _slide_text(deck.slides[2])
    assert blocking.startswith("Criterion 13 (Production organisation and rural economy) blocks")
    for slide in list(deck.slides)[1:7]:  # findings: English words (commune names aside)
        words = _slide_text(slide)
        for name in plan.communes["commune"].tolist() + plan.departments["department"].tolist() + [
                "Phòng Văn hóa và Thông tin", "Phòng Nông nghiệp và PTNT"]:
            words = words.replace(name, "")
        assert not VI_LETTERS.search(words), words
    md = pack_en["summary"].read_text(encoding="utf-8")
    assert md.startswith("# Briefing summary")


def test_command_line_writes_the_pack(tmp_path, capsys, monkeypatch):
    # the command itself (cheap parts are checked above; here: it runs and lists what it wrote)
    from ntm_analysis.present.report import build

    monkeypatch.setattr(build, "write_charts", lambda b, out, dpi=200: _fake_charts(b, out))
    code = main(["report", "--out", str(tmp_path / "r"), "--as-of", "2023-07-01", "--lang", "en"])
    out = capsys.readouterr().out.split()
    assert code == 0
    assert str(tmp_path / "r" / report.FILES["workbook"]) in out
    wb = load_workbook(tmp_path / "r" / report.FILES["workbook"])
    rows = {r[0]: r[1] for r in _rows(wb["Summary"]) if r and r[0]}
    assert rows["As of"] == dt.datetime(2023, 7, 1)
    head = [c.value for c in wb["Projection"][1]]
    assert "Overdue" in head
    # nine gaps were due in Q2 2023 or earlier (see tests/test_plots.py): overdue on 1 July
    assert rows["Criteria status by commune and due quarter"].endswith("; 9 overdue on 01/07/2023.")


def _fake_charts(b, out):
    from PIL import Image

    written = {}
    for key in b.chart_keys:
        png = Path(out) / f"{report.CHART_FILES[key]}.png"
        Image.new("RGB", (240, 124), "white").save(png)
        png.with_suffix(".svg").write_text("<svg/>")
        written[key] = [png, png.with_suffix(".svg")]
    return written


def test_scratch_dirs_are_cleaned(tmp_path):
    # atomic writes leave no temporary files behind
    b = report.prepare(load_plan())
    report.write_workbook(b, tmp_path / "a.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]
    shutil.rmtree(tmp_path)


# ------------------------------------------------------------------ the 2025 communes page
def test_the_pack_shows_the_2025_communes_from_the_plans_own_sheet(pack, wb):
    from test_units import CODES_2025, PLAN_TO_2025, _sheet_gaps

    assert pack["charts"]["units"][0].exists()
    rows = _rows(wb["Tiêu chí xã mới nhận"])
    head, body = rows[0], rows[1:]
    at = {h: i for i, h in enumerate(head)}
    sheet = _sheet_gaps()
    for new, code in CODES_2025.items():
        parts = [c for c, news in PLAN_TO_2025.items() if new in news]
        got = {r[at["Tiêu chí"]] for r in body if r[at["Xã"]] == new and r[at["Mã tiêu chí"]][:2] != "KM"}
        assert got == set().union(*(sheet.get(c, set()) for c in parts)), new
        assert {r[at["Mã xã"]] for r in body if r[at["Xã"]] == new} <= {code}
    deck = Presentation(str(pack["deck"]))
    text = next(_slide_text(s) for s in deck.slides if "nay thuộc" in _slide_text(s))
    assert f"{len(PLAN_TO_2025)} xã của kế hoạch nay thuộc {len(CODES_2025)} xã của Hải Phòng" in text
