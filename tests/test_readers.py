"""Quarter, number and count readers: every form in shared/domain.md and the plan."""
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from ntm_analysis.core.numbers import parse_count, parse_number
from ntm_analysis.core.quarters import DeadlineError, format_quarter, parse_deadline, quarter
from ntm_analysis.core.names import fold, nfc


@pytest.mark.parametrize("text, expected, year_only, qualifier", [
    ("quý II/2023", "2023Q2", False, ""),
    ("Q2/2023", "2023Q2", False, ""),
    ("quý I-2018", "2018Q1", False, ""),
    ("đầu quý II/2023", "2023Q2", False, "đầu"),
    ("trong đầu quý II/2023", "2023Q2", False, "đầu"),
    ("cuối quý IV/2024", "2024Q4", False, "cuối"),
    ("trong năm 2023", "2023Q4", True, ""),
    ("hết năm 2023", "2023Q4", True, ""),
    ("2023Q2", "2023Q2", False, ""),
    ("2023-Q3", "2023Q3", False, ""),
    ("quý II năm 2023", "2023Q2", False, ""),          # Hưng Đạo, Hành chính công
    ("Phấn đấu quý II/2023 hoàn thành.", "2023Q2", False, ""),
    ("Phấn đấu trong quý III/2023 hoàn thành.", "2023Q3", False, ""),
    ("QUÝ IV/2023", "2023Q4", False, ""),
    ("quý 3/2023", "2023Q3", False, ""),
    ("30/06/2023", "2023Q2", False, ""),
    ("2025", "2025Q4", True, ""),
])
def test_deadline_forms(text, expected, year_only, qualifier):
    d = parse_deadline(text)
    assert str(d.quarter) == expected
    assert d.year_only is year_only
    assert d.qualifier == qualifier
    assert d.written == nfc(text)


def test_deadline_nfd_text_reads_like_nfc():
    import unicodedata
    assert parse_deadline(unicodedata.normalize("NFD", "quý III/2023")).quarter == quarter(2023, 3)


def test_deadline_from_excel_values():
    assert str(parse_deadline(dt.datetime(2023, 8, 15)).quarter) == "2023Q3"
    assert str(parse_deadline(2024).quarter) == "2024Q4"
    assert parse_deadline(None) is None and parse_deadline("  ") is None


@pytest.mark.parametrize("bad", ["sớm nhất có thể", "quý V/2023", "31/02/2023", "Q2/1850", "abc"])
def test_unreadable_deadline_raises(bad):
    with pytest.raises(DeadlineError):
        parse_deadline(bad)


@given(st.integers(2000, 2100), st.integers(1, 4))
def test_quarter_round_trip(year, q):
    p = quarter(year, q)
    assert parse_deadline(str(p)).quarter == p
    assert parse_deadline(format_quarter(p)).quarter == p
    assert parse_deadline(format_quarter(p, "en")).quarter == p


@pytest.mark.parametrize("text, value", [
    ("1,13%", 1.13), ("≤ 1,0%", 1.0), ("8.000 m2", 8000.0), ("1.234,5", 1234.5),
    ("6.084", 6084.0), ("02", 2.0), ("3 km", 3.0), ("300 m", 300.0), ("30%", 30.0),
    ("1.234.567", 1234567.0), (7, 7.0), ("không có", None),
])
def test_numbers(text, value):
    assert parse_number(text) == value


def test_counts():
    assert parse_count("Đạt 17/19 tiêu chí") == (17, 19)
    assert parse_count("còn 02 tiêu chí") == (2, None)
    assert parse_count("Hoàn thiện 6 tiêu chí còn thiếu") == (6, None)
    assert parse_count("") is None


def test_fold_is_case_diacritic_and_punctuation_insensitive():
    assert fold("Quốc phòng - An ninh") == fold("quoc phong an ninh")
    assert fold("ĐẠI HỢP") == "dai hop"
