"""Lineage files: read (YAML or xlsx), checked line by line, and their template.

YAML::

    province: Hải Dương          # the province and district of the units before the steps
    district: Tứ Kỳ
    steps:
      - from: Phượng Kỳ          # the unit as it stood before the year
        year: 2024               # the year the step took effect
        to: Lạc Phượng           # the unit it became
        source: "…"              # where the step is written
        inferred: true           # read from names and codes, not from the text itself
      - from: Hưng Đạo           # a split: each part with its share (when known)
        year: 2025
        to:
          - {unit: Đại Sơn, share: 0.6}
          - {unit: Tân Kỳ, share: 0.4}

An xlsx file has one row per step (a split: one row per part) with the columns of
:data:`COLUMNS`. A step of 2025 or later must lead to a unit of 2025 of the province the
former one joined. Anything else is an error naming the file and the line (or row and
column), exit 1.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "buoc.yaml"
>>> _ = path.write_text("province: Hải Dương\\ndistrict: Tứ Kỳ\\nsteps:\\n"
...                     "  - {from: Hưng Đạo, year: 2025, to: [{unit: Đại Sơn, share: 0.6}, {unit: Tân Kỳ, share: 0.4}]}\\n",
...                     encoding="utf-8")
>>> [(s.to, s.to_code, s.share, s.split) for s in read_lineage(path)]
[('Đại Sơn', '11086', 0.6, True), ('Tân Kỳ', '11113', 0.4, True)]
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from ..core.errors import UserError
from ..core.limited_yaml import LineLoader, YamlLimitError, load_yaml, read_yaml_file, yaml_problem
from ..core.names import fold, nfc, unit_name
from ..i18n import t
from . import library
from .lineage import YEAR_2025, Step

#: xlsx columns (Vietnamese header → field); English headers are accepted too
COLUMNS = {"Tỉnh": "province", "Huyện": "district", "Đơn vị cũ": "from", "Năm": "year", "Đơn vị mới": "to",
           "Tỉ lệ": "share", "Nguồn": "source", "Suy luận": "inferred"}
_HEADERS = {**{fold(k): v for k, v in COLUMNS.items()}, **{v: v for v in COLUMNS.values()}, "ty le": "share",
            "unit": "to"}
STEP_KEYS = {"from", "year", "to", "share", "source", "inferred", "province", "district", "__line__"}


def _fail(path: Path, where: str, what: str) -> UserError:
    return UserError(t("units.file_error", "vi", path=path, where=where, what=what), 1)


def read_lineage(path: Path | str) -> list[Step]:
    """The steps of a lineage file (``.yaml``/``.yml`` or ``.xlsx``)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(t("units.no_file", "vi", path=path), 2)
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path)
    try:
        data = load_yaml(read_yaml_file(path), LineLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, "", str(exc)) from None
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise _fail(path, t("units.at_line", "vi", line=line) if line else "",
                    problem if isinstance(exc, YamlLimitError) else t("units.not_yaml", "vi")) from None
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise _fail(path, "", t("units.no_steps", "vi"))
    out: list[Step] = []
    for raw in data["steps"]:
        where = t("units.at_line", "vi", line=raw.get("__line__", "?") if isinstance(raw, dict) else "?")
        if not isinstance(raw, dict):
            raise _fail(path, where, t("units.step_not_mapping", "vi"))
        unknown = sorted(set(map(str, raw)) - STEP_KEYS)
        if unknown:
            raise _fail(path, where, t("units.unknown_keys", "vi", keys=", ".join(unknown)))
        targets = raw.get("to")
        parts = targets if isinstance(targets, list) else [{"unit": targets, "share": raw.get("share")}]
        fields = {"province": raw.get("province", data.get("province")),
                  "district": raw.get("district", data.get("district")),
                  "from": raw.get("from"), "year": raw.get("year"),
                  "source": raw.get("source", data.get("source", "")),
                  "inferred": raw.get("inferred", data.get("inferred", False))}
        out += _steps(path, where, fields, [(p.get("unit"), p.get("share")) if isinstance(p, dict) else (p, None)
                                            for p in parts], f"{path.name}, {where}")
    return out


def _read_xlsx(path: Path) -> list[Step]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable workbook is one message
        raise _fail(path, "", t("units.not_xlsx", "vi", error=type(exc).__name__)) from None
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [(_HEADERS.get(fold(h)) if h is not None else None) for h in next(rows, ())]
    missing = [k for k, v in COLUMNS.items() if v in ("from", "year", "to") and v not in header]
    if missing:
        raise _fail(path, t("units.at_sheet", "vi", sheet=ws.title), t("units.missing_columns", "vi",
                                                                       columns=", ".join(missing)))
    groups: dict[tuple, list] = {}
    for n, values in enumerate(rows, start=2):
        row = {k: v for k, v in zip(header, values) if k}
        if all(v is None or str(v).strip() == "" for v in row.values()):
            continue
        where = t("units.at_row", "vi", sheet=ws.title, row=n)
        key = (row.get("province"), row.get("district"), row.get("from"), row.get("year"))
        groups.setdefault(key, [where, row, []])[2].append((row.get("to"), row.get("share")))
    wb.close()
    out: list[Step] = []
    for where, row, parts in groups.values():
        out += _steps(path, where, row, parts, f"{path.name}, {where}")
    return out


def _steps(path: Path, where: str, f: dict[str, Any], parts: list[tuple[Any, Any]], origin: str) -> list[Step]:
    """The steps of one written step (several for a split), checked."""
    for key in ("province", "district", "from"):
        if not nfc(f.get(key)):
            raise _fail(path, where, t("units.missing_field", "vi", field=key))
    year = f.get("year")
    if isinstance(year, bool) or not isinstance(year, (int, float)) or year != int(year) or not 1945 <= year <= 2100:
        raise _fail(path, where, t("units.bad_year", "vi", value=year))
    year = int(year)
    if not parts or any(not nfc(u) for u, _ in parts):
        raise _fail(path, where, t("units.missing_field", "vi", field="to"))
    shares = []
    for unit, share in parts:
        if share is None or (isinstance(share, str) and not share.strip()):
            shares.append(math.nan)
            continue
        value = _share(share)
        if value is None:
            raise _fail(path, where, t("units.bad_share", "vi", value=share))
        shares.append(value)
    known = [s for s in shares if not math.isnan(s)]
    if sum(known) > 1.0001:
        raise _fail(path, where, t("units.shares_over", "vi", total=f"{sum(known):.0%}"))
    inferred = f.get("inferred")
    inferred = fold(inferred) in ("co", "true", "x", "1", "yes") if isinstance(inferred, str) else bool(inferred)
    province, district, unit = nfc(f["province"]), nfc(f["district"]), unit_name(f["from"])
    out = []
    for (to, _), share in zip(parts, shares):
        to_name, to_code = unit_name(to), ""
        if year >= YEAR_2025:
            found = library.unit_2025_after(province, to_name)
            if found is None:
                raise _fail(path, where, t("units.not_2025_unit", "vi", unit=to_name, province=province))
            to_name, to_code = found.name, found.code
        out.append(Step(province, district, unit, year, to_name, to_code, share, len(parts) > 1,
                        nfc(f.get("source")), inferred, origin))
    return out


def _share(value: Any) -> float | None:
    """A share written 0.4, 40%, "40 %" or "0,4"; ``None`` when it is not one in (0, 1]."""
    text = str(value).strip().replace(",", ".")
    try:
        share = float(text.rstrip("%").strip()) / (100 if text.endswith("%") else 1)
    except ValueError:
        return None
    return share if 0 < share <= 1 else None


TEMPLATE = """\
# Các bước sắp xếp đơn vị hành chính cấp xã (bổ sung hoặc sửa dữ liệu của thư viện
# vietnamadminunits). Dùng: ntm units --lineage TỆP_NÀY
#
# Mỗi bước: một đơn vị như trước năm `year` (`from`, thuộc tỉnh `province`, huyện
# `district`) trở thành đơn vị `to`. Bước từ năm 2025 phải dẫn tới một xã/phường năm 2025
# của tỉnh mới. Một xã chia cho nhiều xã mới: ghi mỗi phần với tỉ lệ `share` (nếu biết).
# `inferred: true` khi bước được suy ra (từ tên, mã), không đọc thấy trong văn bản.
province: Hải Dương
district: Tứ Kỳ
steps:
  - from: Phượng Kỳ
    year: 2024
    to: Lạc Phượng
    source: "Nghị quyết sắp xếp ĐVHC cấp xã của tỉnh (ghi số, ngày)"
    inferred: true
  - from: Hưng Đạo
    year: 2025
    to:
      - {unit: Đại Sơn, share: 0.6}
      - {unit: Tân Kỳ, share: 0.4}
    source: "Nghị quyết 1669/NQ-UBTVQH15 (16/6/2025); tỉ lệ: ví dụ, thay bằng số liệu của tỉnh"
"""


def template_rows() -> list[list[Any]]:
    """The example rows of the xlsx template (the YAML template's steps)."""
    return [["Hải Dương", "Tứ Kỳ", "Phượng Kỳ", 2024, "Lạc Phượng", None,
             "Nghị quyết sắp xếp ĐVHC cấp xã của tỉnh (ghi số, ngày)", "có"],
            ["Hải Dương", "Tứ Kỳ", "Hưng Đạo", 2025, "Đại Sơn", 0.6, "Nghị quyết 1669/NQ-UBTVQH15", "không"],
            ["Hải Dương", "Tứ Kỳ", "Hưng Đạo", 2025, "Tân Kỳ", 0.4, "Nghị quyết 1669/NQ-UBTVQH15", "không"]]


def write_template(path: Path | str, force: bool = False) -> Path:
    """Write the lineage template (YAML, or xlsx by the suffix); an existing file is
    refused unless ``force``."""
    from ..io.files import atomic_path, writing_file

    path = Path(path)
    with writing_file(path, force), atomic_path(path, replace=force) as tmp:
        if path.suffix.lower() == ".xlsx":
            import xlsxwriter

            wb = xlsxwriter.Workbook(str(tmp))
            ws = wb.add_worksheet("Sắp xếp")
            bold = wb.add_format({"bold": True})
            ws.write_row(0, 0, list(COLUMNS), bold)
            for i, row in enumerate(template_rows(), start=1):
                ws.write_row(i, 0, row)
            ws.set_column(0, 7, 16)
            wb.close()
        else:
            tmp.write_text(TEMPLATE, encoding="utf-8")
    return path


__all__ = ["COLUMNS", "TEMPLATE", "read_lineage", "write_template"]
