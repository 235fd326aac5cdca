"""The plan extractor (``ntm_analysis.extract``, ``ntm extract``).

Expected values are read off the documents by hand: the 2023 Tứ Kỳ plan and three
plans written for these tests (tests/data/plans/: Markdown, plain text, and a Word
document built here with python-docx), with other communes, phrasings and typos.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis.cli import main
from ntm_analysis.core.errors import UserError
from ntm_analysis.extract import extract_plan, extract_text, read_document
from ntm_analysis.extract.patterns import find_deadlines
from ntm_analysis.tables.schema import SHEETS

PLANS = Path(__file__).parent / "data" / "plans"
PLAN_2023 = config.SOURCE_TEXT


def rows(df: pd.DataFrame, cols: list[str]) -> list[tuple]:
    """Rows as tuples, missing values as None (pandas NA/NaN)."""
    out = []
    for rec in df[cols].to_dict("records"):
        out.append(tuple(None if (v is None or v is pd.NA or (isinstance(v, float) and v != v)) else v
                         for v in rec.values()))
    return out


def by_commune(df: pd.DataFrame, commune: str) -> pd.DataFrame:
    return df[df["commune"] == commune]


def kinds(ex, commune: str | None = None) -> list[tuple[int, str]]:
    return [(f.line, f.kind) for f in ex.findings if commune is None or f.commune == commune]


# ---------------------------------------------------------------- the 2023 plan
@pytest.fixture(scope="module")
def ex2023():
    assert PLAN_2023.exists(), f"{PLAN_2023}: the plan text ships with the project"
    return extract_plan(PLAN_2023)


def test_2023_tables_use_schema_keys(ex2023):
    for key, df in ex2023.tables.items():
        assert list(df.columns) == [c.key for c in SHEETS[key].columns], key


def test_2023_meta(ex2023):
    m = ex2023.meta
    assert (m["district"], m["province"], m["plan_year"]) == ("Tứ Kỳ", "Hải Dương", 2023)
    assert m["plan_title"] == "KẾ HOẠCH Xây dựng xã NTM nâng cao, xã NTM kiểu mẫu năm 2023"
    info = dict(zip(ex2023.tables["info"]["item"], ex2023.tables["info"]["value"]))
    assert info["catalogue"] == "nang_cao_2021_2025" and info["plan_year"] == "2023"


def test_2023_communes(ex2023):
    c = ex2023.tables["communes"]
    assert list(c["commune"]) == [
        "Quang Phục", "Ngọc Kỳ", "Quang Trung", "Dân Chủ", "Đại Hợp", "Quang Khải", "Tân Kỳ",
        "Hưng Đạo", "Nguyên Giáp", "Minh Đức", "Văn Tố", "Phương Kỳ", "Quảng Nghiệp"]
    assert list(c["plan_section"]) == ["1.1"] * 6 + ["1.2"] + ["2.1"] * 5 + ["2.2"]
    assert list(c["target_level"]) == ["nâng cao"] * 6 + ["kiểu mẫu"] + ["nâng cao"] * 5 + ["kiểu mẫu"]
    assert set(c["target_year"]) == {2023}
    assert list(c["original_target_year"]) == [2022] * 7 + [2023] * 6
    assert list(c["original_target_written"]) == ["2021, 2022"] * 6 + ["2022"] + ["2023"] * 6
    assert c.loc[0, "section_title"] == "Các xã phấn đấu về đích NTM nâng cao năm 2021, 2022"
    assert list(c["stated_met_written"]) == [""] * 7 + [
        "Đạt 17/19 tiêu chí", "Đạt 15/19 tiêu chí", "Đạt 14/19 tiêu chí", "Đạt 16/19 tiêu chí",
        "Đạt 15/19 tiêu chí", ""]
    assert list(c["stated_missing_written"]) == [
        "", "", "3 tiêu chí", "3 tiêu chí", "02 tiêu chí", "6 tiêu chí còn thiếu",
        "3 tiêu chí xã NTM nâng cao", "còn 02 tiêu chí", "còn 04 tiêu chí", "còn 05 tiêu chí",
        "còn 03 tiêu chí", "còn 04 tiêu chí", "4 tiêu chí"]
    dan_chu = c[c["commune"] == "Dân Chủ"].iloc[0]
    assert "3 tiêu chí" in dan_chu["note"] and "4 tiêu chí" in dan_chu["note"]
    assert dan_chu["source_text"].startswith("d) Xã Dân Chủ: Hoàn thiện thêm 3 tiêu chí")


def test_2023_items(ex2023):
    it = ex2023.tables["items"]
    assert len(it) == 43  # 44 gaps: Dân Chủ's one item names two criteria
    assert rows(by_commune(it, "Ngọc Kỳ"), ["criterion_written", "criterion", "due"]) == [
        ("Tổ chức sản xuất và phát triển kinh tế nông thôn (sản phẩm OCOP)",
         "Tổ chức sản xuất và phát triển kinh tế nông thôn", ""),
        ("Thông tin truyền thông", "Thông tin và Truyền thông", "")]
    assert rows(by_commune(it, "Dân Chủ"), ["criterion_written", "criterion"]) == [
        ("Cơ sở vật chất văn hóa", "Văn hóa"),
        ("Thông tin và Truyền thông", "Thông tin và Truyền thông"),
        ("Hành chính công và Tiếp cận pháp luật", "Hành chính công; Tiếp cận pháp luật")]
    assert list(by_commune(it, "Quang Khải")["criterion"]) == [
        "Giao thông", "Giáo dục", "Thông tin và Truyền thông",
        "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Y tế", "Quốc phòng và An ninh"]
    assert rows(by_commune(it, "Tân Kỳ"), ["requirement", "criterion_written", "criterion"]) == [
        ("tiêu chí", "Tổ chức sản xuất và phát triển kinh tế nông thôn",
         "Tổ chức sản xuất và phát triển kinh tế nông thôn"),
        ("tiêu chí", "Thông tin truyền thông", "Thông tin và Truyền thông"),
        ("tiêu chí", "Môi trường", "Môi trường"),
        ("kiểu mẫu", "mô hình Thôn thông minh", "Mô hình thôn thông minh")]
    assert rows(by_commune(it, "Nguyên Giáp"), ["criterion_written", "due_written", "due", "waits_on"]) == [
        ("Truyền thông và thông tin", "quý III/2023", "2023Q3", "13"),
        ("Nghèo đa chiều", "hết năm 2023", "2023Q4", ""),
        ("Tổ chức sản xuất và phát triển kinh tế nông thôn", "quý II/2023", "2023Q2", ""),
        ("Y tế", "quý II/2023", "2023Q2", "")]
    hung_dao = by_commune(it, "Hưng Đạo")
    assert rows(hung_dao, ["criterion", "due_written", "due"]) == [
        ("Văn hóa", "quý II/2023", "2023Q2"), ("Hành chính công", "quý II năm 2023", "2023Q2")]
    assert hung_dao.iloc[0]["detail"].startswith("Xã chưa có sân thể thao trung tâm; hiện đã quy hoạch")
    minh_duc = by_commune(it, "Minh Đức")
    assert rows(minh_duc.tail(1), ["criterion_written", "due_written", "due"]) == [
        ("Quốc phòng và An ninh", "", "")]
    assert by_commune(it, "Phương Kỳ").iloc[2][["criterion_written", "due_written", "due"]].tolist() == [
        "Văn Hóa", "trong năm 2023", "2023Q4"]
    assert rows(by_commune(it, "Quảng Nghiệp"), ["requirement", "criterion", "due"]) == [
        ("tiêu chí", "Thông tin và Truyền thông", "2023Q3"),
        ("tiêu chí", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "2023Q4"),
        ("tiêu chí", "Chất lượng môi trường sống", ""),
        ("tiêu chí", "Môi trường", ""),
        ("kiểu mẫu", "Mô hình thôn thông minh", "")]
    assert "Quang Phục" not in set(it["commune"])


def test_2023_milestones(ex2023):
    ms = ex2023.tables["milestones"]
    assert rows(ms, ["commune", "milestone", "due_written", "due", "applies_to_items"]) == [
        ("Quang Phục", "Hoàn thiện hồ sơ đề nghị huyện thẩm tra, tỉnh thẩm định", "đầu quý II/2023", "2023Q2", True),
        ("Ngọc Kỳ", "Hoàn thiện hồ sơ đề nghị huyện thẩm tra, tỉnh thẩm định", "quý II/2023", "2023Q2", True),
        ("Quang Trung", "Hoàn thiện hồ sơ đề nghị thẩm tra, thẩm định, công nhận", "trong năm 2023", "2023Q4", True),
        ("Dân Chủ", "Đề nghị thẩm tra, thẩm định, công nhận", "trong năm 2023", "2023Q4", True),
        ("Đại Hợp", "Đề nghị thẩm tra, thẩm định, công nhận", "trong năm 2023", "2023Q4", True),
        ("Tân Kỳ", "Đề nghị thẩm tra, thẩm định, công nhận", "trong năm 2023", "2023Q4", True)]
    assert ms.iloc[0]["written_as"] == ("Hoàn thiện hồ sơ đề nghị huyện thẩm tra, tỉnh thẩm định "
                                        "trong đầu quý II/2023.")


def test_2023_ocop_quantities_departments(ex2023):
    assert rows(ex2023.tables["ocop"], ["commune", "product", "status", "target_stars"]) == [
        ("Ngọc Kỳ", "", "chưa có", None),
        ("Nguyên Giáp", "Dưa", "đã chọn", 3), ("Nguyên Giáp", "Rau", "đã chọn", 3),
        ("Nguyên Giáp", "Củ", "đã chọn", 3),
        ("Minh Đức", "", "chưa có", None),
        ("Văn Tố", "Dưa chuột", "đã chọn", None),
        ("Phương Kỳ", "Nấm", "đã chọn", None), ("Phương Kỳ", "Chuối Tiêu", "đã chọn", None),
        ("Phương Kỳ", "Bánh trưng đường", "đã chọn", None),
        ("Quảng Nghiệp", "Ốt tán", "đã chọn", None)]
    q = ex2023.tables["quantities"]
    poverty = q[q["commune"] == "Nguyên Giáp"].iloc[0]
    assert (poverty["criterion"], poverty["current_written"], poverty["current"], poverty["target_written"],
            poverty["target"], poverty["unit"], poverty["comparator"]) == (
        "Nghèo đa chiều", "1,13%", 1.13, "≤ 1,0%", 1.0, "%", "≤")
    assert rows(q[q["commune"] == "Văn Tố"], ["criterion", "target", "unit"]) == [
        ("Giao thông", 3.0, "km"), ("Giao thông", 300.0, "m")]
    assert rows(q[q["commune"] == "Hưng Đạo"], ["current_written", "current", "unit"]) == [
        ("8.000 m²", 8000.0, "m²")]
    d = ex2023.tables["departments"]
    assert list(d["department"]) == ["Các xã phân đấu về đích NTM nâng cao, kiểu mẫu"] + [
        "Các cơ quan chuyên môn của huyện"] * 3 + [
        "Văn phòng Điều phối NTM huyện", "Phòng Nông nghiệp và PTNT huyện", "Phòng Tài chính - Kế hoạch huyện"]
    assert list(d["plan_section"]) == ["III.1"] + ["III.2"] * 6
    assert d.iloc[5]["task"].startswith("Chủ trì, phối hợp với cơ quan, đơn vị liên quan")
    assert d.iloc[5]["criteria"] == "3; 13"


def test_2023_findings(ex2023):
    warnings = [(f.line, f.kind, f.commune) for f in ex2023.findings if f.severity == "warning"]
    assert warnings == [(34, "ambiguous_deadline", "Ngọc Kỳ"), (38, "two_criteria", "Dân Chủ"),
                        (38, "count_mismatch", "Dân Chủ")]
    info = [(f.kind, f.commune) for f in ex2023.findings if f.severity == "info"]
    assert info == [("no_deadline", "Quang Khải"), ("no_deadline", "Minh Đức"), ("no_deadline", "Quảng Nghiệp")]
    assert all(f.message for f in ex2023.findings)


def test_2023_gaps_equal_embedded_workbook(ex2023, tmp_path):
    """Extract → write → load gives the embedded workbook's gaps, deadlines and deadline
    sources; any difference must be one the extractor reported."""
    from ntm_analysis.load import api as loader

    out = ex2023.write(tmp_path / "tu_ky_2023.xlsx")
    plan, issues = loader.validate_workbook(out)
    assert plan is not None, [i.text() for i in issues if i.severity == "error"]
    ref = loader.load_plan()
    cols = ["commune", "criterion_code", "due", "due_source"]

    def keyed(gaps: pd.DataFrame) -> dict:
        return {(r["commune"], r["criterion_code"]): (None if pd.isna(r["due"]) else str(r["due"]), r["due_source"])
                for r in gaps[cols].to_dict("records")}

    got, want = keyed(plan.gaps), keyed(ref.gaps)
    reported = {f.commune for f in ex2023.findings if f.severity == "warning"}
    differences = {k for k in set(got) | set(want) if got.get(k) != want.get(k)}
    assert {c for c, _ in differences} <= reported
    assert differences == set()
    assert [i.code for i in issues if i.severity == "warning"] == ["count_mismatch"]  # Dân Chủ, as reported


# ---------------------------------------------------------------- An Lão (.md)
@pytest.fixture(scope="module")
def an_lao():
    return extract_plan(PLANS / "an_lao_2024.md")


def test_an_lao_meta_and_communes(an_lao):
    assert (an_lao.meta["district"], an_lao.meta["province"], an_lao.meta["plan_year"]) == (
        "An Lão", "Hải Phòng", 2024)
    c = an_lao.tables["communes"]
    assert rows(c, ["commune", "plan_section", "target_level", "target_year", "original_target_year",
                    "original_target_written", "stated_met_written", "stated_missing_written", "note"]) == [
        ("An Tiến", "1", "nâng cao", 2024, 2023, "2023", "", "3 tiêu chí", ""),
        ("An Thắng", "1", "nâng cao", 2024, 2023, "2023", "", "", ""),
        ("Quốc Tuấn", "2", "nâng cao", 2024, 2024, "2024", "Đạt 15/19 tiêu chí", "còn 04 tiêu chí", ""),
        ("Chiến Thắng", "2", "nâng cao", 2024, 2024, "2024", "Đạt 17/19 tiêu chí", "còn 02 tiêu chí", ""),
        ("An Hưng", "3", "kiểu mẫu", 2024, 2024, "2024", "đạt 19/19 tiêu chí", "", "")]
    assert c.iloc[0]["section_title"] == "Các xã phấn đấu về đích NTM nâng cao năm 2023 chuyển sang năm 2024"
    assert c.iloc[4]["section_title"] == "Xã An Hưng phấn đấu đạt chuẩn NTM kiểu mẫu năm 2024"


def test_an_lao_items(an_lao):
    it = an_lao.tables["items"]
    assert rows(it, ["commune", "requirement", "criterion_written", "criterion", "due_written", "due",
                     "waits_on"]) == [
        # "A và phòng, chống B, Y tế và Môi trường": commas inside a name, "và" split to match "3"
        ("An Tiến", "tiêu chí", "Thủy lợi và phòng, chống thiên tai", "Thủy lợi và phòng, chống thiên tai", "", "", ""),
        ("An Tiến", "tiêu chí", "Y tế", "Y tế", "", "", ""),
        ("An Tiến", "tiêu chí", "Môi trường", "Môi trường", "", "", ""),
        ("An Thắng", "tiêu chí", "Quy hoạch (chưa được phê duyệt điều chỉnh quy hoạch chung)", "Quy hoạch", "", "", ""),
        ("Quốc Tuấn", "tiêu chí", "Giao thông", "Giao thông", "quý 3/2024", "2024Q3", ""),
        ("Quốc Tuấn", "tiêu chí", "Lao đông", "Lao động", "trước ngày 30/9/2024", "2024Q3", ""),
        ("Quốc Tuấn", "tiêu chí", "Thông tin và Truyền thônng", "Thông tin và Truyền thông", "Quý IV năm 2024", "2024Q4", "13"),
        ("Quốc Tuấn", "tiêu chí", "Tổ chức sản xuất", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "quý IV/2024", "2024Q4", ""),
        ("Chiến Thắng", "tiêu chí", "Chất lượng môi trường sống", "Chất lượng môi trường sống", "", "", ""),
        ("Chiến Thắng", "tiêu chí", "Hành chính công", "Hành chính công", "quý I/2025", "2025Q1", ""),
        ("Chiến Thắng", "tiêu chí", "Đường làng ngõ xóm", "", "", "", ""),
        ("An Hưng", "kiểu mẫu", "Làng thông minh", "Mô hình thôn thông minh", "", "", ""),
        ("An Hưng", "kiểu mẫu", "thu nhập bình quân đầu người", "Thu nhập cao hơn 10% so với xã NTM nâng cao", "", "", "")]
    assert it.iloc[4]["detail"] == ("Còn 2,5 km đường trục thôn chưa được cứng hóa. "
                                    "Phấn đấu hoàn thành trong quý 3/2024.")
    assert it.iloc[0]["detail"].startswith("Hoàn thiện thêm 3 tiêu chí:")
    assert "chưa nhận ra" in it.iloc[10]["note"] and "gần đúng" in it.iloc[6]["note"]
    assert list(it["item_no"]) == [str(i) for i in range(1, 14)]


def test_an_lao_milestones_ocop_quantities_departments(an_lao):
    t = an_lao.tables
    assert rows(t["milestones"], ["commune", "milestone", "due_written", "due", "applies_to_items"]) == [
        ("An Tiến", "Hoàn thành các tiêu chí còn thiếu", "quý III/2024", "2024Q3", True),
        ("An Thắng", "Trình thẩm tra", "tháng 9/2024", "2024Q3", True),
        ("An Hưng", "Đề nghị công nhận", "quý IV/2024", "2024Q4", True)]
    assert rows(t["ocop"], ["commune", "product", "status", "target_stars"]) == [
        ("Quốc Tuấn", "Gạo nếp cái hoa vàng", "đã chọn", 3), ("Chiến Thắng", "Mắm rươi", "đã chứng nhận", 3)]
    assert rows(t["quantities"], ["commune", "criterion", "indicator", "current_written", "current",
                                  "target_written", "target", "unit", "comparator"]) == [
        ("Quốc Tuấn", "Giao thông", "đường trục thôn chưa được cứng hóa", "2,5 km", 2.5, "", None, "km", ""),
        ("Quốc Tuấn", "Lao động", "Tỷ lệ lao động qua đào tạo có bằng cấp", "32%", 32.0, "tối thiểu 35%", 35.0, "%", "≥")]
    assert rows(t["departments"], ["department", "task", "criteria", "plan_section"]) == [
        ("Phòng Kinh tế và Hạ tầng", "Hướng dẫn các xã cứng hóa đường trục thôn.", "1; 2; 4; 7; 9", "III"),
        ("Trung tâm Y tế huyện", "Hướng dẫn lập hồ sơ sức khỏe điện tử.", "14", "III")]


def test_an_lao_findings(an_lao):
    assert [(f.line, f.kind, f.commune) for f in an_lao.findings] == [
        (30, "fuzzy_match", "Quốc Tuấn"), (36, "no_deadline", "Chiến Thắng"),
        (40, "unknown_criterion", "Chiến Thắng")]
    assert "Đường làng ngõ xóm" in an_lao.findings[2].message


# ---------------------------------------------------------------- Vĩnh Bảo (.txt)
@pytest.fixture(scope="module")
def vinh_bao():
    return extract_plan(PLANS / "vinh_bao_2025.txt")


def test_vinh_bao(vinh_bao):
    t = vinh_bao.tables
    assert (vinh_bao.meta["district"], vinh_bao.meta["province"], vinh_bao.meta["plan_year"]) == (
        "Vĩnh Bảo", "Hải Phòng", 2025)
    assert vinh_bao.meta["plan_title"] == "KẾ HOẠCH Xây dựng xã nông thôn mới nâng cao, kiểu mẫu năm 2025"
    assert rows(t["communes"], ["commune", "plan_section", "target_level", "target_year", "original_target_year",
                                "stated_met_written", "stated_missing_written"]) == [
        ("Tân Hưng", "1", "nâng cao", 2025, 2025, "Đạt 15/19 tiêu chí", "còn 4 tiêu chí"),
        ("Cộng Hiền", "1", "nâng cao", 2025, 2025, "Đạt 16/19 tiêu chí", "còn 03 tiêu chí"),
        ("Nhân Hòa", "1", "nâng cao", 2025, 2025, "Đạt 18/19 tiêu chí", ""),
        ("Liên Am", "2", "kiểu mẫu", 2025, 2025, "", "")]
    assert rows(t["items"], ["commune", "requirement", "criterion_written", "criterion", "due"]) == [
        ("Tân Hưng", "tiêu chí", "Điện", "Điện", ""),
        ("Tân Hưng", "tiêu chí", "Giáo dục", "Giáo dục", ""),
        ("Tân Hưng", "tiêu chí", "Văn hoá", "Văn hóa", ""),
        ("Tân Hưng", "tiêu chí", "Môi trường và an toàn thực phẩm", "Môi trường", ""),
        ("Cộng Hiền", "tiêu chí", "Thủy lợi và phòng, chống thiên tai", "Thủy lợi và phòng, chống thiên tai", ""),
        ("Cộng Hiền", "tiêu chí", "Y tế", "Y tế", ""),
        ("Cộng Hiền", "tiêu chí", "Quốc phòng và an ninh", "Quốc phòng và An ninh", ""),
        ("Nhân Hòa", "tiêu chí", "Thu nhập (thu nhập bình quân năm 2024 đạt 68 triệu đồng/người, "
                                 "phấn đấu năm 2025 đạt 75 triệu đồng/người)", "Thu nhập", ""),
        ("Liên Am", "kiểu mẫu", "mô hình thôn thông minh", "Mô hình thôn thông minh", ""),
        ("Liên Am", "kiểu mẫu", "lĩnh vực nổi trội", "Lĩnh vực nổi trội", "")]
    # items done in Q2, dossier in Q3: two milestones, the first is the items' deadline
    assert rows(t["milestones"], ["commune", "milestone", "due_written", "due", "applies_to_items"]) == [
        ("Tân Hưng", "Hoàn thành các tiêu chí còn thiếu", "quý II/2025", "2025Q2", True),
        ("Tân Hưng", "Hoàn thiện hồ sơ đề nghị thẩm tra", "quý III/2025", "2025Q3", False),
        ("Cộng Hiền", "Hoàn thành các tiêu chí còn thiếu", "trong năm 2025", "2025Q4", True),
        ("Nhân Hòa", "Hoàn thiện hồ sơ", "tháng 11/2025", "2025Q4", True),
        ("Liên Am", "Đề nghị công nhận", "quý IV/2025", "2025Q4", True)]
    assert t["ocop"].empty
    assert rows(t["quantities"], ["commune", "criterion", "indicator", "current", "target", "unit"]) == [
        ("Nhân Hòa", "Thu nhập", "thu nhập bình quân", 68.0, 75.0, "triệu đồng/người")]
    assert rows(t["departments"], ["department", "criteria", "plan_section"]) == [
        ("Phòng Nông nghiệp và Phát triển nông thôn", "", "III"),
        ("Phòng Tài nguyên và Môi trường huyện", "17; 18", "III")]
    assert [(f.line, f.kind, f.commune) for f in vinh_bao.findings] == [(19, "unplaced_line", "Liên Am")]


# ---------------------------------------------------------------- Thanh Miện (.docx)
DOCX_BODY = [
    ("Normal", "ỦY BAN NHÂN DÂN HUYỆN THANH MIỆN"),
    ("Normal", "KẾ HOẠCH Xây dựng xã nông thôn mới nâng cao, kiểu mẫu năm 2024"),
    ("Normal", "UBND huyện Thanh Miện ban hành kế hoạch thực hiện Bộ tiêu chí của UBND tỉnh Hải Dương như sau:"),
    ("Heading 1", "II. KẾ HOẠCH THỰC HIỆN"),
    ("Heading 2", "1. Các xã phấn đấu về đích NTM nâng cao năm 2024"),
    ("Normal", "a) Xã Hồng Quang: Đạt 16/19 tiêu chí; còn 03 tiêu chí cần hoàn thiện, cụ thể:"),
    ("List Bullet", "Tieu chi Giao thong: Cần cứng hóa 1,2 km đường trục chính nội đồng. "
                    "Phấn đấu hoàn thành trong quy II/2024."),
    ("List Bullet", "Tiêu chí Y tế: Tỷ lệ người dân có hồ sơ sức khỏe điện tử đạt 85%; phấn đấu ≥ 90%. "
                    "Phấn đấu hoàn thành trong quý III/2024."),
    ("List Bullet", "Tiêu chí Môi trường: Tỷ lệ chất thải rắn sinh hoạt được phân loại tại nguồn đạt 25%, "
                    "cần đạt trên 30%."),
    ("Normal", "b) Xã Thanh Giang: Hoàn thiện thêm 2 tiêu chí (Nghèo đa chiều, Tiếp cận pháp luật) trong quý IV/2024."),
    ("Normal", "c) Xã Ngũ Hùng: Hoàn thiện thêm 2 tiêu chí (Y tế, Lao động, Điện). "
               "Phấn đấu hoàn thiện hồ sơ đề nghị thẩm tra trong quý III/2024."),
    ("Heading 2", "2. Xã Đoàn Tùng phấn đấu đạt chuẩn NTM kiểu mẫu năm 2024"),
    ("List Bullet", "Hoàn thiện mô hình thôn thông minh tại thôn Đoàn Lâm trong quý IV/2024."),
    ("List Bullet", "Xã đã chọn sản phẩm Bánh gai làm sản phẩm OCOP 4 sao."),
    ("Heading 1", "III. TỔ CHỨC THỰC HIỆN"),
    ("table", [("Cơ quan", "Nhiệm vụ"),
               ("Phòng Kinh tế và Hạ tầng", "Hướng dẫn cứng hóa giao thông nội đồng."),
               ("Trung tâm Y tế huyện", "Hướng dẫn lập hồ sơ sức khỏe điện tử.")]),
    ("Normal", "Nơi nhận:"),
]


def build_docx(path: Path) -> Path:
    """The Thanh Miện 2024 test plan as a Word document (paragraph styles, bullets, a table)."""
    import docx

    d = docx.Document()
    for style, content in DOCX_BODY:
        if style == "table":
            table = d.add_table(rows=len(content), cols=2)
            for r, cells in enumerate(content):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
        else:
            d.add_paragraph(content, style=style)
    d.save(str(path))
    return Path(path)


@pytest.fixture(scope="module")
def thanh_mien(tmp_path_factory):
    return extract_plan(build_docx(tmp_path_factory.mktemp("docx") / "thanh_mien_2024.docx"))


def test_docx_lines_in_order(tmp_path):
    lines = read_document(build_docx(tmp_path / "p.docx"))
    assert (lines[6].no, lines[6].bullet) == (7, "-")  # List Bullet style -> a bullet line
    assert [ln.text for ln in lines if ln.style == "table"] == [  # header row skipped
        "Phòng Kinh tế và Hạ tầng | Hướng dẫn cứng hóa giao thông nội đồng.",
        "Trung tâm Y tế huyện | Hướng dẫn lập hồ sơ sức khỏe điện tử."]
    assert lines[-1].no == 19 and lines[-1].text == "Nơi nhận:"


def test_docx_plan(thanh_mien):
    t = thanh_mien.tables
    assert (thanh_mien.meta["district"], thanh_mien.meta["province"], thanh_mien.meta["plan_year"]) == (
        "Thanh Miện", "Hải Dương", 2024)
    assert rows(t["communes"], ["commune", "plan_section", "target_level", "target_year",
                                "stated_met_written", "stated_missing_written"]) == [
        ("Hồng Quang", "1", "nâng cao", 2024, "Đạt 16/19 tiêu chí", "còn 03 tiêu chí"),
        ("Thanh Giang", "1", "nâng cao", 2024, "", "2 tiêu chí"),
        ("Ngũ Hùng", "1", "nâng cao", 2024, "", "2 tiêu chí"),
        ("Đoàn Tùng", "2", "kiểu mẫu", 2024, "", "")]
    assert "liệt kê 3 tiêu chí" in t["communes"].iloc[2]["note"]
    assert rows(t["items"], ["commune", "requirement", "criterion_written", "criterion", "due_written", "due"]) == [
        ("Hồng Quang", "tiêu chí", "Giao thong", "Giao thông", "quy II/2024", "2024Q2"),
        ("Hồng Quang", "tiêu chí", "Y tế", "Y tế", "quý III/2024", "2024Q3"),
        ("Hồng Quang", "tiêu chí", "Môi trường", "Môi trường", "", ""),
        ("Thanh Giang", "tiêu chí", "Nghèo đa chiều", "Nghèo đa chiều", "quý IV/2024", "2024Q4"),
        ("Thanh Giang", "tiêu chí", "Tiếp cận pháp luật", "Tiếp cận pháp luật", "quý IV/2024", "2024Q4"),
        ("Ngũ Hùng", "tiêu chí", "Y tế", "Y tế", "", ""),
        ("Ngũ Hùng", "tiêu chí", "Lao động", "Lao động", "", ""),
        ("Ngũ Hùng", "tiêu chí", "Điện", "Điện", "", ""),
        ("Đoàn Tùng", "kiểu mẫu", "mô hình thôn thông minh", "Mô hình thôn thông minh", "quý IV/2024", "2024Q4")]
    assert rows(t["milestones"], ["commune", "milestone", "due_written", "due", "applies_to_items"]) == [
        ("Ngũ Hùng", "Hoàn thiện hồ sơ đề nghị thẩm tra", "quý III/2024", "2024Q3", True)]
    assert rows(t["ocop"], ["commune", "product", "status", "target_stars"]) == [("Đoàn Tùng", "Bánh gai", "đã chọn", 4)]
    assert rows(t["quantities"], ["criterion", "indicator", "current_written", "current", "target_written",
                                  "target", "unit", "comparator"]) == [
        ("Giao thông", "cứng hóa đường trục chính nội đồng", "", None, "1,2 km", 1.2, "km", ""),
        ("Y tế", "Tỷ lệ người dân có hồ sơ sức khỏe điện tử", "85%", 85.0, "≥ 90%", 90.0, "%", "≥"),
        ("Môi trường", "Tỷ lệ chất thải rắn sinh hoạt được phân loại tại nguồn", "25%", 25.0, "trên 30%", 30.0, "%", ">")]
    assert rows(t["departments"], ["department", "task", "criteria", "plan_section"]) == [
        ("Phòng Kinh tế và Hạ tầng", "Hướng dẫn cứng hóa giao thông nội đồng.", "1; 2; 4; 7; 9", "III"),
        ("Trung tâm Y tế huyện", "Hướng dẫn lập hồ sơ sức khỏe điện tử.", "14", "III")]
    assert [(f.line, f.kind, f.commune) for f in thanh_mien.findings] == [
        (9, "no_deadline", "Hồng Quang"), (11, "count_mismatch", "Ngũ Hùng")]


# ---------------------------------------------------------------- rules in isolation
@pytest.mark.parametrize("text, written, due, year_only", [
    ("Phấn đấu hoàn thành trong quý II/2023.", "quý II/2023", "2023Q2", False),
    ("Phấn đấu quý II/2023 hoàn thành.", "quý II/2023", "2023Q2", False),
    ("trong đầu quý II/2023", "đầu quý II/2023", "2023Q2", False),
    ("Phấn đấu hoàn thành trong quý II năm 2023", "quý II năm 2023", "2023Q2", False),
    ("hoàn thành trong quý I-2018", "quý I-2018", "2018Q1", False),
    ("Phấn đấu hết năm 2023 đưa tỷ lệ", "hết năm 2023", "2023Q4", True),
    ("Phấn đấu hoàn thiện trong năm 2023", "trong năm 2023", "2023Q4", True),
    ("hoàn thành trong tháng 5/2024", "tháng 5/2024", "2024Q2", False),
    ("hoàn thành trong quy iii/2024", "quy iii/2024", "2024Q3", False),
])
def test_deadline_forms(text, written, due, year_only):
    found = find_deadlines(text)
    assert [(d.written, str(d.due), d.year_only) for d in found] == [(written, due, year_only)]


def test_two_and_joined_criteria_by_count():
    base = "II. KẾ HOẠCH\n1. Các xã phấn đấu về đích NTM nâng cao năm 2024\na) Xã A Lạc: {}\n"
    three = extract_text(base.format("Hoàn thiện thêm 3 tiêu chí: Điện, Y tế và Giáo dục."))
    assert list(three.tables["items"]["criterion"]) == ["Điện", "Y tế", "Giáo dục"]
    # no two_criteria; the year is read from a heading, not a title, and said to be
    assert {f.kind for f in three.findings} == {"no_district", "no_deadline", "plan_year_inferred"}
    two = extract_text(base.format("Hoàn thiện thêm 2 tiêu chí: Điện, Y tế và Giáo dục."))
    assert list(two.tables["items"]["criterion"]) == ["Điện", "Y tế; Giáo dục"]
    assert {f.kind for f in two.findings} == {"two_criteria", "count_mismatch", "no_deadline", "no_district",
                                              "plan_year_inferred"}


def test_unreadable_documents(tmp_path):
    with pytest.raises(UserError, match="không tìm thấy"):
        read_document(tmp_path / "none.txt")
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UserError, match="tệp bị cắt ngắn"):
        read_document(broken)
    binary = tmp_path / "plan.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 10)
    with pytest.raises(UserError, match="không phải tệp văn bản"):
        read_document(binary)
    latin = tmp_path / "latin.md"
    latin.write_bytes("Kế hoạch".encode("cp1258", errors="replace") + b"\xe9\xff")
    with pytest.raises(UserError, match="UTF-8"):
        read_document(latin)


# ---------------------------------------------------------------- command line
def test_cli_writes_workbook_and_json(tmp_path, capsys):
    out = tmp_path / "an_lao.xlsx"
    assert main(["extract", str(PLANS / "an_lao_2024.md"), "--out", str(out), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["workbook"] == str(out) and out.exists()
    assert report["counts"]["communes"] == 5
    assert [(f["line"], f["kind"]) for f in report["findings"]] == [
        (30, "fuzzy_match"), (36, "no_deadline"), (40, "unknown_criterion")]
    from openpyxl import load_workbook

    wb = load_workbook(out, read_only=True)
    assert SHEETS["items"].name in wb.sheetnames
    ws = wb[SHEETS["communes"].name]
    assert [c.value for c in next(ws.iter_rows(max_row=1))][:2] == ["Xã", "Mục kế hoạch"]


def test_cli_text_report_default_out(tmp_path, capsys):
    plan = tmp_path / "vinh_bao.txt"
    plan.write_bytes((PLANS / "vinh_bao_2025.txt").read_bytes())
    assert main(["extract", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "dòng 19 [Liên Am] Dòng không thuộc xã nào" in out and (tmp_path / "vinh_bao.xlsx").exists()


def test_cli_errors(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "missing.md")]) == 1
    assert "không tìm thấy" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("Không có gì ở đây.\n", encoding="utf-8")
    assert main(["extract", str(empty)]) == 1
    assert "không tìm thấy xã nào" in capsys.readouterr().err
    assert main(["extract", str(PLANS / "an_lao_2024.md"), "--out", str(tmp_path / "x.csv")]) == 2
    assert main(["extract", str(tmp_path / "plan.pdf")]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["extract"])
    assert exc.value.code == 2
    assert not list(tmp_path.glob("*.xlsx"))
