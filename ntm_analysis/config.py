"""Paths of the project, in one place (cookiecutter-data-science style).

Every path can be overridden with an environment variable so that tests and
analysts can point the tools elsewhere without code changes.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("NTM_ROOT", PACKAGE_DIR.parent)).resolve()

DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = Path(os.environ.get("NTM_PROCESSED", DATA_DIR / "processed"))
SCENARIOS_DIR = DATA_DIR / "scenarios"
REPORTS_DIR = Path(os.environ.get("NTM_REPORTS", ROOT / "reports"))
NOTEBOOKS_DIR = ROOT / "notebooks"

#: The embedded default plan: Tứ Kỳ district (Hải Dương), 2023.
DEFAULT_WORKBOOK = Path(
    os.environ.get("NTM_WORKBOOK", RAW_DIR / "tu_ky_2023_ke_hoach_ntm_nang_cao_kieu_mau.xlsx")
)
#: The plan text the embedded workbook was transcribed from.
SOURCE_TEXT = RAW_DIR / "tu_ky_2023_ke_hoach.txt"

#: Criteria catalogues shipped with the package, and extra folders a user may add.
CATALOGUE_DIRS = [PACKAGE_DIR / "catalogues", DATA_DIR / "catalogues"] + [
    Path(p) for p in os.environ.get("NTM_CATALOGUES", "").split(os.pathsep) if p
]
DEFAULT_CATALOGUE = "nang_cao_2021_2025"
