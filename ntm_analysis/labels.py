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
    # analyses (ntm gaps|ocop|workload|projection|quality)
    "total": ("Tổng số tiêu chí", "Total criteria"),
    "share_done": ("Tỷ lệ đạt", "Share met"),
    "model_missing": ("Điều kiện kiểu mẫu còn thiếu", "Model requirements missing"),
    "done": ("Đã hoàn thành", "Done"),
    "open": ("Chưa hoàn thành", "Open"),
    "missing_codes": ("Mã tiêu chí còn thiếu", "Missing codes"),
    "ready": ("Số xã đủ tiêu chí", "Communes ready"),
    "model_gaps": ("Điều kiện kiểu mẫu thiếu", "Model gaps"),
    "unlocks": ("Số xã đạt chuẩn nếu xong", "Communes unlocked"),
    "unlocked_names": ("Các xã đạt chuẩn nếu xong", "Communes unlocked (names)"),
    "criteria": ("Các tiêu chí", "Criteria"),
    "ocop_status": ("Tình trạng OCOP", "OCOP status"),
    "products": ("Sản phẩm OCOP", "OCOP products"),
    "target_stars": ("Số sao mục tiêu", "Target stars"),
    "ocop_gap": ("Thiếu tiêu chí 13", "Criterion 13 gap"),
    "ocop_due": ("Hạn OCOP", "OCOP deadline"),
    "ocop_due_source": ("Nguồn hạn OCOP", "OCOP deadline source"),
    "waiting": ("Tiêu chí chờ OCOP", "Waiting on OCOP"),
    "waiting_due": ("Hạn tiêu chí chờ", "Waiting items' deadlines"),
    "waiting_effective_due": ("Hạn thực tế tiêu chí chờ", "Waiting items' effective deadline"),
    "conflict": ("Vênh lịch", "Schedule conflict"),
    "firm": ("Hạn cụ thể", "Firm deadline"),
    "inferred": ("Hạn suy ra (chỉ ghi năm)", "Inferred (year only)"),
    "overdue": ("Quá hạn", "Overdue"),
    "quarters_late": ("Số quý trễ", "Quarters late"),
    "finish": ("Quý xong tiêu chí cuối", "Finish quarter"),
    "recognition": ("Quý công nhận dự kiến", "Recognition quarter"),
    "slip_years": ("Số năm lùi", "Years slipped"),
    "undated": ("Chưa có hạn", "Undated"),
    "unlisted_model": ("Điều kiện kiểu mẫu chưa liệt kê", "Unlisted model requirements"),
    "code": ("Loại phát hiện", "Finding"),
    "measure": ("Chỉ số", "Measure"),
    "prerequisites": ("Chờ tiêu chí", "Waits on"),
    "dependency_source": ("Nguồn phụ thuộc", "Dependency source"),
    "effective_due": ("Hạn thực tế", "Effective deadline"),
    "effective_reason": ("Lý do hạn thực tế", "Effective deadline reason"),
    "delayed_by": ("Bị lùi bởi tiêu chí", "Delayed by"),
    "schedule_conflict": ("Vênh lịch", "Schedule conflict"),
    "conflict_with": ("Vênh với tiêu chí", "Conflicts with"),
    "in_cycle": ("Vòng phụ thuộc", "In a cycle"),
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
    "severity": {"error": ("lỗi", "error"), "warning": ("cảnh báo", "warning"),
                 "info": ("lưu ý", "note")},
    "ocop_status": {
        "chua_co": ("chưa có", "no product"),
        "da_chon": ("đã chọn sản phẩm", "product chosen"),
        "da_chung_nhan": ("đã chứng nhận", "certified"),
        "co_san_pham": ("đạt tiêu chí 13", "criterion 13 met"),
    },
    "status": {
        "ready": ("đủ tiêu chí", "ready"),
        "on_track": ("kịp năm phấn đấu", "on track"),
        "at_risk": ("có nguy cơ lùi", "at risk"),
        "unscheduled": ("chưa đủ thời hạn", "unscheduled"),
    },
    "effective_reason": {
        "own": ("hạn riêng", "own deadline"),
        "prerequisite": ("lùi theo tiêu chí phải chờ", "pushed by prerequisite"),
        "undated": ("chưa có hạn", "undated"),
        "prerequisite_undated": ("tiêu chí phải chờ chưa có hạn", "prerequisite undated"),
    },
}
VALUES["ocop_due_source"] = VALUES["due_source"]


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

# --- scenarios (ntm_analysis/scenario.py, ntm scenario) ---
HEADERS.update({
    "gaps_baseline": ("Tiêu chí thiếu (gốc)", "Gaps (baseline)"),
    "gaps_scenario": ("Tiêu chí thiếu (kịch bản)", "Gaps (scenario)"),
    "finish_baseline": ("Xong (gốc)", "Finish (baseline)"),
    "finish_scenario": ("Xong (kịch bản)", "Finish (scenario)"),
    "recognition_baseline": ("Công nhận (gốc)", "Recognition (baseline)"),
    "recognition_scenario": ("Công nhận (kịch bản)", "Recognition (scenario)"),
    "status_baseline": ("Tình trạng (gốc)", "Status (baseline)"),
    "status_scenario": ("Tình trạng (kịch bản)", "Status (scenario)"),
    "changed": ("Thay đổi", "Changed"),
    "change": ("Thay đổi", "Change"),
    "baseline": ("Kế hoạch gốc", "Baseline"),
    "scenario": ("Kịch bản", "Scenario"),
})
VALUES["status_baseline"] = VALUES["status_scenario"] = VALUES.get("status", {})
VALUES["change"] = {
    "done": ("đánh dấu đã xong", "marked done"),
    "undone": ("bỏ đánh dấu đã xong", "no longer done"),
    "due": ("đổi thời hạn", "deadline changed"),
    "dependency_added": ("thêm phụ thuộc", "dependency added"),
    "dependency_removed": ("bỏ phụ thuộc", "dependency removed"),
    "commune_due": ("đổi hạn hồ sơ của xã", "commune dossier deadline changed"),
    "parameter": ("đổi tham số", "parameter changed"),
}


def pick(table: dict[str, tuple[str, str]], key: str, lang: str = "vi", **fmt: object) -> str:
    """The text of ``key`` in a ``{key: (vi, en)}`` table, formatted with ``fmt``.

    >>> pick({"x": ("{n} xã", "{n} communes")}, "x", "en", n=3)
    '3 communes'
    """
    vi, en = table[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text
