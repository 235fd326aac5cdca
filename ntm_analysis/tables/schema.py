"""The workbook layout: sheets, their columns (Vietnamese header ↔ key) and value words.

One description serves the loader, the validator, the template, the extractor and
the report, so that the layout is written down once.

>>> SHEETS["items"].name
'Chi tiết'
>>> column_key(SHEETS["items"], "thời hạn (quý)")
'due'
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..core.names import fold
from ..core.vocab import Level, OcopStatus, Requirement


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # Vietnamese header as shown in the workbook
    required: bool = False
    kind: str = "text"  # text | int | quarter | number | bool | status
    help: str = ""
    width: int = 18


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    columns: tuple[Column, ...]
    help: str = ""
    required: bool = True

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.columns)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


C = Column
SHEETS: dict[str, Sheet] = {
    s.key: s
    for s in [
        Sheet("info", "Thông tin", (
            C("item", "Mục", True, width=22),
            C("value", "Giá trị", True, width=60),
        ), "Thông tin chung của kế hoạch: huyện, tỉnh, năm, bộ tiêu chí.", required=False),
        Sheet("communes", "Xã", (
            C("commune", "Xã", True, help="tên xã, mỗi xã một dòng, không trùng"),
            C("plan_section", "Mục kế hoạch", True, width=12),
            C("section_title", "Tên mục", width=50),
            C("target_level", "Mức phấn đấu", True, "level", width=14, help="nâng cao hoặc kiểu mẫu"),
            C("target_year", "Năm phấn đấu", True, "int", width=12, help="năm xã phấn đấu đạt chuẩn, vd. 2024"),
            C("original_target_year", "Năm phấn đấu ban đầu", False, "int", width=14),
            C("original_target_written", "Năm ban đầu (nguyên văn)", width=18),
            C("stated_met_written", "Số tiêu chí đạt (nguyên văn)", width=20),
            C("stated_missing_written", "Số tiêu chí còn thiếu (nguyên văn)", width=22),
            C("source_text", "Nguyên văn kế hoạch", width=60),
            C("group", "Nhóm xã", width=10, help="nhóm xã của bộ tiêu chí có ngưỡng theo nhóm (1, 2 hoặc 3)"),
            C("note", "Ghi chú", width=40),
        ), "Các xã của kế hoạch: mỗi xã một dòng, với mức và năm phấn đấu."),
        Sheet("matrix", "Ma trận", (
            C("commune", "Xã", True),
        ), "Mỗi xã một dòng, mỗi tiêu chí một cột: 'Đạt' hoặc 'Chưa đạt'; thay được cho trang Chi tiết.",
            required=False),
        Sheet("items", "Chi tiết", (
            C("item_no", "STT", False, "text", width=6),
            C("commune", "Xã", True, help="tên xã như ở trang Xã"),
            C("requirement", "Loại", False, "requirement", width=12),
            C("criterion_written", "Tiêu chí (nguyên văn)", True, width=34,
              help="tiêu chí còn thiếu như kế hoạch viết, vd. Giao thông; mỗi tiêu chí một dòng"),
            C("criterion", "Tiêu chí (chuẩn hóa)", False, width=34),
            C("detail", "Nội dung (nguyên văn)", width=60),
            C("due_written", "Thời hạn (nguyên văn)", width=30),
            C("due", "Thời hạn (quý)", False, "quarter", width=12),
            C("waits_on", "Chờ tiêu chí", width=14),
            C("note", "Ghi chú", width=30),
        ), "Các tiêu chí còn thiếu của từng xã, như kế hoạch viết: nội dung, thời hạn, tiêu chí phải chờ.",
            required=False),
        Sheet("milestones", "Mốc hồ sơ", (
            C("commune", "Xã", True),
            C("milestone", "Mốc", True, width=30),
            C("written_as", "Nguyên văn", width=60),
            C("due_written", "Thời hạn (nguyên văn)", width=26),
            C("due", "Thời hạn (quý)", False, "quarter", width=12),
            C("applies_to_items", "Áp dụng cho tiêu chí", False, "bool", width=14),
        ), "Mốc hồ sơ của xã (thẩm tra, thẩm định, công nhận): hạn chung cho các tiêu chí không ghi hạn riêng.",
            required=False),
        Sheet("ocop", "OCOP", (
            C("commune", "Xã", True),
            C("product", "Sản phẩm", width=26),
            C("status", "Tình trạng", True, "ocop_status", width=16),
            C("target_stars", "Số sao mục tiêu", False, "int", width=12),
            C("written_as", "Nguyên văn", width=60),
            C("note", "Ghi chú", width=30),
        ), "Sản phẩm OCOP dự kiến của từng xã và tình trạng của sản phẩm.", required=False),
        Sheet("quantities", "Số liệu", (
            C("commune", "Xã", True),
            C("criterion", "Tiêu chí", True, width=24),
            C("indicator", "Chỉ tiêu", True, width=34),
            C("written_as", "Nguyên văn", width=50),
            C("current_written", "Hiện trạng (nguyên văn)", width=16),
            C("current", "Hiện trạng", False, "number", width=12),
            C("target_written", "Mục tiêu (nguyên văn)", width=16),
            C("target", "Mục tiêu", False, "number", width=12),
            C("unit", "Đơn vị", width=10),
            C("comparator", "So sánh", width=8),
        ), "Số liệu định lượng: chiều dài, diện tích, tỷ lệ…", required=False),
        Sheet("departments", "Phòng ban", (
            C("department", "Cơ quan", True, width=34),
            C("task", "Nhiệm vụ (nguyên văn)", True, width=80),
            C("criteria", "Tiêu chí phụ trách", width=16),
            C("plan_section", "Mục kế hoạch", width=12),
        ), "Nhiệm vụ các cơ quan (mục III của kế hoạch).", required=False),
        Sheet("completions", "Hoàn thành", (
            C("commune", "Xã", True),
            C("criterion", "Tiêu chí", True, width=30),
            C("done", "Hoàn thành (ngày hoặc quý)", True, "quarter", width=18),
            C("note", "Ghi chú", width=40),
        ), "Nhật ký hoàn thành: tiêu chí nào đã xong, khi nào.", required=False),
    ]
}

INFO_KEYS = {  # key -> label in the "Thông tin" sheet
    "district": "Huyện",
    "province": "Tỉnh",
    "plan_title": "Kế hoạch",
    "plan_year": "Năm kế hoạch",
    "catalogue": "Bộ tiêu chí",
    "source": "Nguồn",
}

#: the sheet of instructions the writer puts first and the hidden sheet of the drop-down
#: lists; the loader reads neither (it reads the sheets of :data:`SHEETS` by name)
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
#: the titles of the lists' columns in :data:`LISTS_SHEET`, by list
LIST_TITLES = {
    "criteria": "Tên tiêu chí chuẩn", "status": "Ô ma trận", "quarters": "Quý", "levels": "Mức phấn đấu",
    "ocop": "Tình trạng OCOP", "requirement": "Loại", "yesno": "Có hoặc không",
    "groups": "Nhóm xã", "indicators": "Chỉ tiêu", "comparators": "So sánh",
}
#: the reference sheet a template for one commune group carries (not read back)
THRESHOLDS_SHEET = "Ngưỡng nhóm {group}"
THRESHOLDS_HEADERS = ("Tiêu chí", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị", "So sánh", "Ngưỡng", "Nguồn")
THRESHOLD_MISSING = "chưa có (tỉnh bổ sung)"
#: sheets of which a plan needs one at least, to list what each commune still misses
GAP_SHEETS = ("items", "matrix")
#: the least a plan needs filled, as (sheet, column): its communes, and in the detail
#: sheet (or marked in the matrix instead) each criterion a commune still misses
MINIMUM = (("communes", "commune"), ("communes", "target_level"), ("communes", "target_year"),
           ("items", "commune"), ("items", "criterion_written"))

# the words a cell may hold, folded, and the code each stands for
MET_WORDS = {"dat", "x", "✓", "✔", "co", "yes", "1", "true", "da dat", "hoan thanh"}
UNMET_WORDS = {"chua dat", "chua", "0", "no", "false", "khong dat", "thieu", "con thieu"}
NA_WORDS = {"", "-", "–", "—", "khong ap dung", "n/a", "na"}
LEVEL_WORDS = {"nang cao": Level.ADVANCED, "nang_cao": Level.ADVANCED, "ntm nang cao": Level.ADVANCED,
               "kieu mau": Level.MODEL, "kieu_mau": Level.MODEL, "ntm kieu mau": Level.MODEL,
               "dat chuan": Level.BASIC, "co ban": Level.BASIC, "co_ban": Level.BASIC, "ntm": Level.BASIC,
               "dat chuan ntm": Level.BASIC}
OCOP_WORDS = {"chua co": OcopStatus.NONE, "chua_co": OcopStatus.NONE, "chua co san pham": OcopStatus.NONE,
              "da chon": OcopStatus.CHOSEN, "da_chon": OcopStatus.CHOSEN, "dang xay dung": OcopStatus.CHOSEN,
              "da chung nhan": OcopStatus.CERTIFIED, "da_chung_nhan": OcopStatus.CERTIFIED,
              "chung nhan": OcopStatus.CERTIFIED}
BOOL_WORDS = {"co": True, "x": True, "true": True, "1": True, "yes": True, "✓": True,
              "khong": False, "false": False, "0": False, "no": False, "": False}
REQUIREMENT_WORDS = {"tieu chi": Requirement.CRITERION, "criterion": Requirement.CRITERION,
                     "kieu mau": Requirement.MODEL, "model": Requirement.MODEL}
#: how the template and the writers spell the codes in the workbook
LEVEL_TEXT = {Level.ADVANCED: "nâng cao", Level.MODEL: "kiểu mẫu", Level.BASIC: "đạt chuẩn"}
OCOP_TEXT = {OcopStatus.NONE: "chưa có", OcopStatus.CHOSEN: "đã chọn", OcopStatus.CERTIFIED: "đã chứng nhận"}
REQUIREMENT_TEXT = {Requirement.CRITERION: "tiêu chí", Requirement.MODEL: "kiểu mẫu"}
MATRIX_TEXT = ("Đạt", "Chưa đạt", "-")  # a matrix cell: met, missing, not applicable
YES_NO_TEXT = ("có", "không")


def column_key(sheet: Sheet, header: object) -> str | None:
    """The key of a header cell (Vietnamese header or English key, any case/diacritics)."""
    f = fold(header)
    if f.startswith("ten xa") or f == "xa thi tran":
        f = "xa"
    for c in sheet.columns:
        if f in (fold(c.header), fold(c.key)):
            return c.key
    return None


def status_word(value: object) -> str | None:
    """'met', 'missing', 'na' for a matrix cell, None when unreadable.

    >>> status_word("Chưa đạt"), status_word("Đạt"), status_word("✓"), status_word(None)
    ('missing', 'met', 'met', 'na')
    """
    f = fold(value) if value not in ("✓", "✔") else "✓"
    if value is None or f in NA_WORDS:
        return "na"
    if f in MET_WORDS:
        return "met"
    if f in UNMET_WORDS:
        return "missing"
    return None
