"""The embedded 2023 Tứ Kỳ plan, loaded: every commune, gap, deadline and its source.

The expected tables below were written by reading section II of the plan
(data/raw/tu_ky_2023_ke_hoach.txt), not by copying the loader's output.
"""
import pandas as pd
import pytest

from ntm_analysis import config, load_plan

# commune: (section, level, stated met, stated missing as written (number), commune deadline)
COMMUNES = {
    "Quang Phục": ("1.1", "nang_cao", None, None, "2023Q2"),   # "trong đầu quý II/2023"
    "Ngọc Kỳ": ("1.1", "nang_cao", None, None, "2023Q2"),      # "... hồ sơ ... trong quý II/2023"
    "Quang Trung": ("1.1", "nang_cao", None, 3, "2023Q4"),     # "trong năm 2023"
    "Dân Chủ": ("1.1", "nang_cao", None, 3, "2023Q4"),
    "Đại Hợp": ("1.1", "nang_cao", None, 2, "2023Q4"),
    "Quang Khải": ("1.1", "nang_cao", None, 6, None),          # no deadline at all
    "Tân Kỳ": ("1.2", "kieu_mau", None, 3, "2023Q4"),
    "Hưng Đạo": ("2.1", "nang_cao", 17, 2, None),
    "Nguyên Giáp": ("2.1", "nang_cao", 15, 4, None),
    "Minh Đức": ("2.1", "nang_cao", 14, 5, None),
    "Văn Tố": ("2.1", "nang_cao", 16, 3, None),
    "Phương Kỳ": ("2.1", "nang_cao", 15, 4, None),
    "Quảng Nghiệp": ("2.2", "kieu_mau", None, 4, None),
}

# (commune, criterion code, effective due, due source)
Y, C, I, N = "year-only", "commune", "item", "none"
GAPS = [
    ("Ngọc Kỳ", "8", "2023Q2", C), ("Ngọc Kỳ", "13", "2023Q2", C),
    ("Quang Trung", "5", "2023Q4", Y), ("Quang Trung", "13", "2023Q4", Y), ("Quang Trung", "14", "2023Q4", Y),
    ("Dân Chủ", "6", "2023Q4", Y), ("Dân Chủ", "8", "2023Q4", Y), ("Dân Chủ", "15", "2023Q4", Y),
    ("Dân Chủ", "16", "2023Q4", Y),
    ("Đại Hợp", "6", "2023Q4", Y), ("Đại Hợp", "14", "2023Q4", Y),
    ("Quang Khải", "2", None, N), ("Quang Khải", "5", None, N), ("Quang Khải", "8", None, N),
    ("Quang Khải", "13", None, N), ("Quang Khải", "14", None, N), ("Quang Khải", "19", None, N),
    ("Tân Kỳ", "8", "2023Q4", Y), ("Tân Kỳ", "13", "2023Q4", Y), ("Tân Kỳ", "17", "2023Q4", Y),
    ("Tân Kỳ", "KM3", "2023Q4", Y),
    ("Hưng Đạo", "6", "2023Q2", I), ("Hưng Đạo", "15", "2023Q2", I),
    ("Nguyên Giáp", "8", "2023Q3", I), ("Nguyên Giáp", "11", "2023Q4", Y), ("Nguyên Giáp", "13", "2023Q2", I),
    ("Nguyên Giáp", "14", "2023Q2", I),
    ("Minh Đức", "5", "2023Q3", I), ("Minh Đức", "8", "2023Q2", I), ("Minh Đức", "13", "2023Q3", I),
    ("Minh Đức", "14", "2023Q2", I), ("Minh Đức", "19", None, N),
    ("Văn Tố", "2", "2023Q4", I), ("Văn Tố", "5", "2023Q4", I), ("Văn Tố", "13", "2023Q2", I),
    ("Phương Kỳ", "2", "2023Q4", I), ("Phương Kỳ", "5", "2023Q3", I), ("Phương Kỳ", "6", "2023Q4", Y),
    ("Phương Kỳ", "13", "2023Q3", I),
    ("Quảng Nghiệp", "8", "2023Q3", I), ("Quảng Nghiệp", "13", "2023Q4", I), ("Quảng Nghiệp", "17", None, N),
    ("Quảng Nghiệp", "18", None, N), ("Quảng Nghiệp", "KM3", None, N),
]


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def test_meta(plan):
    assert plan.meta["district"] == "Tứ Kỳ" and plan.meta["province"] == "Hải Dương"
    assert plan.plan_year == 2023 and plan.catalogue.id == "nang_cao_2021_2025"


def test_every_commune(plan):
    c = plan.communes.set_index("commune")
    assert list(plan.communes["commune"]) == list(COMMUNES)
    for name, (section, level, met, missing, due) in COMMUNES.items():
        row = c.loc[name]
        assert row["plan_section"] == section, name
        assert row["target_level"] == level, name
        assert row["target_year"] == 2023, name
        assert (pd.isna(row["stated_met"]) if met is None else row["stated_met"] == met), name
        assert (pd.isna(row["stated_missing"]) if missing is None else row["stated_missing"] == missing), name
        assert (pd.isna(row["commune_due"]) if due is None else str(row["commune_due"]) == due), name


def test_original_target_years_kept_apart(plan):
    c = plan.communes.set_index("commune")
    assert c.loc["Tân Kỳ", "original_target_year"] == 2022
    assert c.loc["Quang Trung", "original_target_written"] == "2021, 2022"
    assert c.loc["Hưng Đạo", "original_target_year"] == 2023


def test_every_gap_deadline_and_source(plan):
    got = [(r.commune, r.criterion_code, None if pd.isna(r.due) else str(r.due), r.due_source)
           for r in plan.gaps.itertuples()]
    assert sorted(got) == sorted(GAPS)
    assert len(plan.gaps) == len(GAPS) == 44


def test_written_words_are_kept_beside_the_canonical_name(plan):
    g = plan.gaps.set_index(["commune", "criterion_code"])
    assert g.loc[("Quảng Nghiệp", "8"), "written_as"] == "thông tin chuyên thông"
    assert g.loc[("Quảng Nghiệp", "8"), "criterion"] == "Thông tin và Truyền thông"
    assert g.loc[("Nguyên Giáp", "8"), "written_as"] == "Truyền thông và thông tin"
    assert g.loc[("Nguyên Giáp", "11"), "due_written"] == "hết năm 2023"
    assert g.loc[("Hưng Đạo", "15"), "due_written"] == "quý II năm 2023"
    assert g.loc[("Quang Khải", "19"), "written_as"] == "Quốc phòng - An ninh"


def test_one_item_naming_two_criteria_becomes_two_gaps(plan):
    g = plan.gaps[plan.gaps["written_as"] == "Hành chính công và Tiếp cận pháp luật"]
    assert list(g["criterion_code"]) == ["15", "16"] and set(g["commune"]) == {"Dân Chủ"}
    assert set(g["row"]) == {g["row"].iloc[0]}  # both from one row of the sheet


def test_stated_and_listed_counts(plan):
    c = plan.communes.set_index("commune")
    assert c.loc["Dân Chủ", "stated_missing"] == 3 and c.loc["Dân Chủ", "listed_missing"] == 4
    assert c.loc["Minh Đức", "listed_missing"] == 5 and c.loc["Quang Phục", "listed_missing"] == 0


def test_plans_own_inconsistency_is_a_warning(plan):
    codes = [(w.code, w.sheet, w.row) for w in plan.warnings]
    assert ("count_mismatch", "Xã", 5) in codes
    assert all(w.severity == "warning" for w in plan.warnings)


def test_model_requirements(plan):
    m = plan.model_requirements
    assert set(m["commune"]) == {"Tân Kỳ", "Quảng Nghiệp"}
    km3 = m[m["criterion_code"] == "KM3"].set_index("commune")["status"]
    assert km3.to_dict() == {"Tân Kỳ": "missing", "Quảng Nghiệp": "missing"}
    assert set(m.loc[m["criterion_code"] == "KM1", "status"]) == {"missing"}  # advanced gaps remain


def test_ocop_products(plan):
    o = plan.ocop
    assert set(o.loc[o["commune"] == "Phương Kỳ", "product"]) == {"Nấm", "Chuối Tiêu", "Bánh trưng đường"}
    assert list(o.loc[o["commune"] == "Văn Tố", "product"]) == ["Dưa chuột"]
    assert set(o.loc[o["commune"] == "Nguyên Giáp", "target_stars"]) == {3}
    assert set(o.loc[o["commune"] == "Minh Đức", "status"]) == {"chua_co"}


def test_quantities_current_and_target(plan):
    q = plan.quantities.set_index(["commune", "unit"])
    assert q.loc[("Nguyên Giáp", "%"), "current"] == pytest.approx(1.13)
    assert q.loc[("Nguyên Giáp", "%"), "target"] == pytest.approx(1.0)
    assert q.loc[("Hưng Đạo", "m²"), "target"] == 8000
    assert q.loc[("Văn Tố", "km"), "target"] == 3 and q.loc[("Văn Tố", "m"), "target"] == 300


def test_departments_from_section_three(plan):
    d = plan.departments
    assert {"Văn phòng Điều phối NTM huyện", "Phòng Nông nghiệp và PTNT huyện",
            "Phòng Tài chính - Kế hoạch huyện"} <= set(d["department"])
    assert d["task"].str.contains("chứng nhận sản phẩm OCOP").any()


def test_types_and_nfc(plan):
    import unicodedata
    g = plan.gaps
    assert isinstance(g["due"].dtype, pd.PeriodDtype)
    assert str(plan.communes["target_year"].dtype) == "Int64"
    for col in ("commune", "criterion", "written_as", "detail"):
        assert all(unicodedata.is_normalized("NFC", v) for v in g[col])


def test_catalogue_dependency_rule_is_loaded(plan):
    d = plan.dependencies
    assert ((d["waiting"] == "8") & (d["on"] == "13") & (d["source"] == "catalogue")).any()


def test_loading_never_changes_raw(plan):
    before = config.DEFAULT_WORKBOOK.read_bytes()
    load_plan()
    assert config.DEFAULT_WORKBOOK.read_bytes() == before
