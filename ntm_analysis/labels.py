"""Column and value labels in Vietnamese (default) and English.

>>> header("commune"), header("commune", "en")
('Xã', 'Commune')
"""
from __future__ import annotations

# key -> (Vietnamese, English). Add here; every table, chart and report uses it.
HEADERS: dict[str, tuple[str, str]] = {
    "commune": ("Xã", "Commune"),
    "communes": ("Số xã", "Communes"),
    "commune_names": ("Các xã", "Commune names"),
    "criterion_code": ("Mã tiêu chí", "Criterion code"),
    "criterion": ("Tiêu chí", "Criterion"),
    "criterion_en": ("Tiêu chí (tiếng Anh)", "Criterion (English)"),
    "requirement": ("Loại", "Requirement"),
    "written_as": ("Nguyên văn", "As written"),
    "match_method": ("Cách khớp", "Match"),
    "detail": ("Nội dung", "Detail"),
    "due_written": ("Thời hạn (nguyên văn)", "Deadline as written"),
    "due": ("Thời hạn", "Deadline"),
    "due_source": ("Nguồn thời hạn", "Deadline source"),
    "plan_section": ("Mục kế hoạch", "Plan section"),
    "section_title": ("Tên mục", "Section title"),
    "target_level": ("Mức phấn đấu", "Target level"),
    "target_year": ("Năm phấn đấu", "Target year"),
    "original_target_year": ("Năm phấn đấu ban đầu", "Original target year"),
    "stated_met": ("Số tiêu chí đạt (kế hoạch ghi)", "Stated met"),
    "stated_missing": ("Số tiêu chí thiếu (kế hoạch ghi)", "Stated missing"),
    "listed_missing": ("Số tiêu chí thiếu (liệt kê)", "Listed missing"),
    "department": ("Cơ quan chủ trì", "Lead department"),
    "met": ("Đã đạt", "Met"),
    "missing": ("Còn thiếu", "Missing"),
    "gaps": ("Số tiêu chí còn thiếu", "Gaps"),
    "quarter": ("Quý", "Quarter"),
    "status": ("Tình trạng", "Status"),
    "severity": ("Mức độ", "Severity"),
    "message": ("Nội dung", "Message"),
    "sheet": ("Trang", "Sheet"),
    "row": ("Dòng", "Row"),
    "column": ("Cột", "Column"),
    "value": ("Giá trị", "Value"),
}

VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "target_level": {"nang_cao": ("nâng cao", "advanced"), "kieu_mau": ("kiểu mẫu", "model")},
    "due_source": {
        "item": ("hạn riêng của tiêu chí", "item deadline"),
        "commune": ("hạn chung của xã", "commune deadline"),
        "year-only": ("chỉ ghi năm (suy ra quý IV)", "year only (Q4 inferred)"),
        "none": ("chưa có hạn", "no deadline"),
    },
    "requirement": {"criterion": ("tiêu chí", "criterion"), "model": ("kiểu mẫu", "model")},
    "severity": {"error": ("lỗi", "error"), "warning": ("cảnh báo", "warning")},
}


def header(key: str, lang: str = "vi") -> str:
    """The label of a column key (the key itself when none is known)."""
    vi, en = HEADERS.get(key, (key, key))
    return en if lang == "en" else vi


def value_label(column: str, value: object, lang: str = "vi") -> object:
    """The label of a coded value (``nang_cao`` → ``nâng cao``)."""
    pair = VALUES.get(column, {}).get(value) if isinstance(value, str) else None
    if pair is None:
        return value
    return pair[1] if lang == "en" else pair[0]
