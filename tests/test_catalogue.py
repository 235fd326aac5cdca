"""Catalogues are data; the matcher reads every spelling the 2023 plan uses."""
import os
import textwrap

import pytest

from ntm_analysis import config
from ntm_analysis.criteria import catalogue as catmod
from ntm_analysis.criteria.catalogue import load_catalogue


@pytest.fixture(scope="module")
def cat():
    return load_catalogue()


# Every criterion name as written in section II of the 2023 plan, with its number.
PLAN_SPELLINGS = [
    ("Tổ chức sản xuất và phát triển kinh tế nông thôn (sản phẩm OCOP)", ("13",)),
    ("Thông tin truyền thông", ("8",)),
    ("Giáo dục", ("5",)),
    ("Tổ chức sản xuất và phát triển kinh tế nông thôn", ("13",)),
    ("tổ chức sản xuất và phát triển kinh tế nông thôn", ("13",)),
    ("Y tế", ("14",)),
    ("Cơ sở vật chất văn hóa", ("6",)),
    ("Thông tin và Truyền thông", ("8",)),
    ("Hành chính công và Tiếp cận pháp luật", ("15", "16")),
    ("Giao thông", ("2",)),
    ("Quốc phòng - An ninh", ("19",)),
    ("Môi trường", ("17",)),
    ("mô hình Thôn thông minh", ("KM3",)),
    ("Văn hóa", ("6",)),
    ("Hành chính công", ("15",)),
    ("Truyền thông và thông tin", ("8",)),
    ("Nghèo đa chiều", ("11",)),
    ("Thông tin và truyền thông", ("8",)),
    ("Quốc phòng và An ninh", ("19",)),
    ("Tiêu chí về Giao thông", ("2",)),
    ("Văn Hóa", ("6",)),
    ("thông tin chuyên thông", ("8",)),
    ("chất lượng môi trường sống", ("18",)),
    ("môi trường", ("17",)),
    ("mô hình thôn thông minh", ("KM3",)),
]


@pytest.mark.parametrize("written, codes", PLAN_SPELLINGS)
def test_every_plan_spelling(cat, written, codes):
    assert cat.match(written).codes == codes


def test_nineteen_criteria_with_departments(cat):
    assert cat.criterion_codes == [str(i) for i in range(1, 20)]
    assert all(cat.department(c) for c in cat.criterion_codes)
    assert cat.name("15") == "Hành chính công" and cat.name("15", "en") == "Public administration"


@pytest.mark.parametrize("written, codes", [
    ("Trường học", ("5",)),                       # basic-set name of 5
    ("Giáo dục và Đào tạo", ("5",)),              # basic 14
    ("Môi trường và an toàn thực phẩm", ("17",)),  # basic 17
    ("Hệ thống chính trị và tiếp cận pháp luật", ("16",)),
    ("8", ("8",)), ("Tiêu chí 13", ("13",)), ("TC 19", ("19",)), ("km3", ("KM3",)),
    ("QUỐC PHÒNG VÀ AN NINH", ("19",)),
    ("Quoc phong va an ninh", ("19",)),            # no diacritics
    ("Thông tin và Truyển thông", ("8",)),          # a typo
    ("Giao thôngg", ("2",)),
])
def test_aliases_numbers_case_and_typos(cat, written, codes):
    assert cat.match(written).codes == codes


def test_fuzzy_match_is_reported_as_fuzzy(cat):
    m = cat.match("Giao thôngg")
    assert m.method == "fuzzy" and 0.86 <= m.score < 1


def test_unknown_name_gets_nearest_suggestions(cat):
    m = cat.match("Môi trường sông nước")
    assert not m.ok and m.method == "unknown"
    assert any("Môi trường" in s for s in m.suggestions)


def test_a_new_set_is_a_new_file(tmp_path, monkeypatch):
    (tmp_path / "thu_nghiem_2026_2030.yaml").write_text(textwrap.dedent("""
        id: thu_nghiem_2026_2030
        kind: criteria
        level: nang_cao_2026
        title: Bộ thử nghiệm 2026-2030
        criteria:
          - {code: "1", name: Quy hoạch và hạ tầng, name_en: Planning and infrastructure, department: Phòng Kinh tế, aliases: [Hạ tầng]}
          - {code: "2", name: Kinh tế và thu nhập, name_en: Economy and income, department: Phòng Nông nghiệp}
    """), encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_DIRS", [*config.CATALOGUE_DIRS, tmp_path])
    cat = load_catalogue("thu_nghiem_2026_2030")
    assert cat.criterion_codes == ["1", "2"]
    assert cat.match("hạ tầng").codes == ("1",)


def test_an_edited_catalogue_file_is_read_again(tmp_path, monkeypatch):
    """A running session (a notebook) sees an edit to a catalogue file: the cache is keyed
    by the files as they are, not by the set's id."""
    path = tmp_path / "thu_nghiem.yaml"
    text = ("id: thu_nghiem\nkind: criteria\nlevel: thu\ntitle: Thử\ncriteria:\n"
            "  - {code: \"1\", name: Quy hoạch, aliases: [Hạ tầng]}\n")
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_DIRS", [*config.CATALOGUE_DIRS, tmp_path])
    assert load_catalogue("thu_nghiem").match("Điện lực").codes == ()
    path.write_text(text + "  - {code: \"2\", name: Điện, aliases: [Điện lực]}\n", encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert load_catalogue("thu_nghiem").match("Điện lực").codes == ("2",)


def test_unknown_catalogue_is_a_clear_error():
    with pytest.raises(catmod.CatalogueError, match="không có bộ tiêu chí"):
        load_catalogue("khong_ton_tai")
