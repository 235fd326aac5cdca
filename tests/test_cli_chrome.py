"""The command line's own words: help and errors in Vietnamese, ``--version``, and tables
that wrap long text instead of cutting it."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

import ntm_analysis
from ntm_analysis import config
from ntm_analysis.cli import main
from ntm_analysis.cli.main import build_parser
from ntm_analysis.criteria.catalogue import load_catalogue
from ntm_analysis.io.workbook import write_workbook
from ntm_analysis.present.table import render
from tabletools import read_table

#: what argparse itself prints in English, none of which a user of ntm should see
ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "invalid choice",
           "the following arguments are required", "unrecognized arguments", "expected one argument",
           "invalid int value", "show program's version")
PACKAGE_ROOT = str(Path(ntm_analysis.__file__).resolve().parents[1])


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """``ntm argv`` in this process: (exit code, stdout, stderr), argparse's exits included."""
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def commands() -> list[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


def python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter that imports this tree's package."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=config.ROOT)


# ------------------------------------------------------------------ help
def _assert_vietnamese_help(text: str) -> None:
    assert text.startswith("cách dùng: ntm")
    assert "tùy chọn:" in text and "hiện hướng dẫn này rồi thoát" in text
    assert not [w for w in ENGLISH if w in text], text


def test_main_help_is_vietnamese(capsys):
    code, out, err = run(["--help"], capsys)
    assert code == 0 and not err
    _assert_vietnamese_help(out)
    assert "các lệnh:" in out and "--version" in out
    assert all(f"    {name}" in out for name in commands())


@pytest.mark.parametrize("command", ["validate", "build", "template", "summary", "gaps", "ocop", "workload",
                                     "projection", "quality", "indicators", "catalogues", "units", "scenario",
                                     "report", "extract"])
def test_every_command_help_is_vietnamese(command, capsys):
    code, out, err = run([command, "--help"], capsys)
    assert code == 0 and not err
    _assert_vietnamese_help(out)
    assert out.startswith(f"cách dùng: ntm {command} ")


def test_the_list_of_commands_above_is_every_command():
    assert set(commands()) == {"validate", "build", "template", "summary", "gaps", "ocop", "workload", "units",
                               "indicators", "catalogues",
                               "projection", "quality", "scenario", "report", "extract"}


def test_positional_arguments_have_a_vietnamese_title(capsys):
    code, out, _ = run(["template", "--help"], capsys)
    assert code == 0 and "đối số:" in out and "positional" not in out


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("argv, words", [
    (["gaps", "--format", "xml"], ["lỗi:", "--format", "'xml'", "chọn một trong", "'table'"]),
    (["template"], ["lỗi:", "thiếu tham số bắt buộc", "TỆP.xlsx"]),
    (["gaps", "--khong-co"], ["lỗi:", "không hiểu tham số", "--khong-co"]),
    (["gaps", "--data"], ["lỗi:", "--data", "cần ít nhất một giá trị"]),  # one workbook or more
    (["template", "mau.xlsx", "--year", "hai nghìn"], ["lỗi:", "--year", "'hai nghìn'", "không phải số nguyên"]),
    (["khong-co-lenh"], ["lỗi:", "'khong-co-lenh'", "'gaps'"]),
])
def test_bad_command_lines_say_so_in_vietnamese_and_exit_2(argv, words, capsys):
    code, out, err = run(argv, capsys)
    assert code == 2 and not out
    assert err.startswith("cách dùng: ntm")
    last = err.strip().splitlines()[-1]
    assert last.startswith("ntm") and all(w in last for w in words), last
    assert not [w for w in ENGLISH if w in err], err


def test_a_bad_command_line_in_a_real_process_is_a_message_not_a_traceback():
    run = python("import sys; from ntm_analysis.cli import main; sys.exit(main(['ocop', '--format', 'pdf']))")
    assert run.returncode == 2 and not run.stdout
    assert "Traceback" not in run.stderr and "lỗi: --format" in run.stderr


def test_other_programs_keep_argparse_as_it_is(capsys):
    build_parser()
    plain = argparse.ArgumentParser(prog="khac")
    plain.add_argument("--n", type=int)
    assert plain.format_help().startswith("usage: khac") and "show this help message and exit" in plain.format_help()
    with pytest.raises(SystemExit):
        plain.parse_args(["--n", "x"])
    assert "khac: error: argument --n: invalid int value: 'x'" in capsys.readouterr().err


# ------------------------------------------------------------------ version
def test_version_prints_the_name_and_version(capsys):
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    code, out, err = run(["--version"], capsys)
    assert code == 0 and not err
    assert out == f"{project['project']['name']} phiên bản {ntm_analysis.__version__}\n"


def test_the_version_has_one_source():
    """pyproject takes the version from the package, so the installed metadata and the
    source checkout cannot disagree."""
    project = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "ntm_analysis.__version__"}
    assert project["project"]["name"] == ntm_analysis.DISTRIBUTION


def test_version_of_a_source_checkout_never_installed(monkeypatch, capsys):
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", not_installed)
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.split() == ["ntm-analysis", "phiên", "bản", ntm_analysis.__version__]


def test_help_and_version_import_no_heavy_library():
    code = ("import sys\nfrom ntm_analysis.cli import main\n"
            "for argv in (['--help'], ['--version'], ['gaps', '--help'], ['template', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "print('heavy:', sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'openpyxl') if m in sys.modules))")
    run = python(code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "heavy: []"


# ------------------------------------------------------------------ tables: whole text
def _longest(records: list[dict]) -> tuple[int, int, str]:
    """(row, column, text) of the longest text of a JSON output."""
    return max(((i, j, v) for i, r in enumerate(records) for j, v in enumerate(r.values()) if isinstance(v, str)),
               key=lambda x: len(x[2]))


def _assert_whole(argv: list[str], capsys) -> None:
    code, out, err = run(argv + ["--format", "json"], capsys)
    assert code == 0, err
    records = json.loads(out)
    i, j, text = _longest(records)
    assert len(text) > 60  # longer than the old cut
    code, out, err = run(argv, capsys)
    assert code == 0, err
    headers, rows = read_table(out)
    assert len(headers) == len(records[0]) and len(rows) == len(records)
    assert rows[i][j].split() == text.split()
    assert "…" not in out
    assert max(len(line) for line in out.splitlines()) <= 120  # not a terminal: 120 columns


def test_quality_table_keeps_the_whole_text(capsys):
    _assert_whole(["quality"], capsys)


def _long_plan(path: Path) -> Path:
    """A model commune missing every criterion and requirement: a long list of codes."""
    cat = load_catalogue()
    names = [cat.name(c) for c in cat.criterion_codes + cat.model_codes]
    communes = pd.DataFrame([{"commune": "Thị trấn Phấn Đấu Về Đích", "plan_section": "2.2",
                              "target_level": "kiểu mẫu", "target_year": 2025},
                             {"commune": "An Bình", "plan_section": "2.1", "target_level": "nâng cao",
                              "target_year": 2024}])
    items = pd.DataFrame({"commune": ["Thị trấn Phấn Đấu Về Đích"] * len(names) + ["An Bình"],
                          "criterion_written": names + ["Giao thông"]})
    return write_workbook(path, {"communes": communes, "items": items}, {"district": "Thử", "plan_year": 2024})


def test_gaps_by_commune_table_keeps_the_whole_text(tmp_path, capsys):
    _assert_whole(["gaps", "--by", "commune", "--data", str(_long_plan(tmp_path / "dai.xlsx"))], capsys)


def test_gaps_by_commune_in_english_keeps_the_whole_text(tmp_path, capsys):
    _assert_whole(["gaps", "--by", "commune", "--lang", "en", "--data", str(_long_plan(tmp_path / "dai.xlsx"))],
                  capsys)


def test_columns_count_letters_not_code_points():
    """Decomposed (NFD) diacritics: one column a letter, however many code points."""
    text = "Xã chưa có sản phẩm OCOP được chứng nhận nhưng kế hoạch không nêu tiêu chí 8 còn thiếu"
    df = pd.DataFrame({"commune": [unicodedata.normalize("NFD", "Nguyên Giáp")],
                       "detail": [unicodedata.normalize("NFD", text)]})
    out = render(df, "table", width=40)
    assert out == unicodedata.normalize("NFC", out)
    lines = out.splitlines()
    assert len(lines[1].split(" ")[0]) == 11  # "Nguyên Giáp": 11 letters (13 code points in NFD)
    assert len(lines) > 3 and all(len(line) <= 40 for line in lines)
    assert read_table(out) == (["Xã", "Nội dung"], [["Nguyên Giáp", text]])


def test_wide_letters_take_two_columns():
    out = render(pd.DataFrame({"x": ["北京烤鸭"], "y": ["ab"]}), "table")
    assert out.splitlines() == ["x        y", "-------- --", "北京烤鸭 ab"]


def test_csv_and_json_keep_full_values_and_machine_names():
    text = "một câu rất dài " * 10
    df = pd.DataFrame({"commune": ["An Bình"], "detail": [text]})
    assert json.loads(render(df, "json")) == [{"commune": "An Bình", "detail": text}]
    assert render(df, "csv").splitlines() == ["commune,detail", f"An Bình,{text}"]


def test_english_tables_say_yes_and_no():
    df = pd.DataFrame({"commune": ["A", "B"], "conflict": [True, False]})
    _, rows = read_table(render(df, "table", "en"))
    assert rows == [["A", "yes"], ["B", "no"]]
    _, rows = read_table(render(df, "table", "vi"))
    assert rows == [["A", "có"], ["B", "không"]]
