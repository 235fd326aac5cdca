"""Bounded work (issue 12, item 3): YAML within limits, parameters within their ranges,
and a plan reader without super-linear regular expressions.

Each case runs ``ntm`` as a user does, in a child process with an address-space limit
and a timeout (:mod:`limited_run`): a YAML bomb is refused with a message naming the
file (exit 1) before it takes memory; a parameter out of its range is refused with the
range (exit 2 on the command line, 1 in a scenario file); a plan holding runs of tens of
thousands of digits, spaces, dots or repeated words is read in about the time of a
normal plan (before, 8,000 digits took 21 s and 30,000 over two minutes).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from limited_run import assert_refused, run_ntm

PLAN = Path(__file__).parent / "data" / "plans" / "an_lao_2024.md"


def _laughs(width: int = 9, depth: int = 9) -> str:
    """A "billion laughs": ``depth`` levels of ``width`` aliases to the level below."""
    names = "abcdefghijklmnop"[:depth + 1]
    lines = [f"  {names[0]}: &{names[0]} [{', '.join(['lol'] * width)}]"]
    lines += [f"  {n}: &{n} [{', '.join(['*' + p] * width)}]" for p, n in zip(names, names[1:])]
    return "name: x\nparameters:\n" + "\n".join(lines) + "\n"


YAML_BOMBS = {
    "deep_flow": ("name: x\nedits: " + "[" * 50_000 + "]" * 50_000 + "\n", "dòng 2", "lồng quá sâu"),
    "deep_block": ("name: x\nedits:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)),
                   "dòng", "lồng quá sâu"),
    "laughs": (_laughs(), "dòng", "quá nhiều giá trị"),
    "self_alias": ("name: x\nedits: &e [*e]\n", "dòng 2", "tham chiếu (alias) tới chính nó"),
    "huge": ("name: x\nnote: " + "x" * (3 << 20) + "\n", "", "quá lớn"),
    "long_integer": ("name: x\nedits:\n- {commune: all, criterion: 13, shift: " + "9" * 5000 + "}\n",
                     "dòng 3", "số viết quá dài"),
    "base_60_integer": ("name: x\nparameters: {review_lag: " + "1:" * 50_000 + "1}\n", "dòng 2", "số viết quá dài"),
}


def test_the_bomb_is_small():
    assert len(_laughs().encode()) < 1024  # 9**10 values once expanded


@pytest.mark.parametrize("case", YAML_BOMBS)
def test_a_yaml_bomb_in_a_scenario_is_refused(case, tmp_path):
    text, at, words = YAML_BOMBS[case]
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_text(text, encoding="utf-8")
    message = assert_refused(run_ntm("scenario", scenario, cwd=tmp_path), 1, f"ntm: {scenario}", at, words)
    assert len(message) < 400 and message.count("\n") == 1  # one line, no excerpt of the file


def test_a_scenario_that_never_ends_is_refused(tmp_path):
    assert_refused(run_ntm("scenario", "/dev/zero", cwd=tmp_path), 1, "/dev/zero", "quá lớn")


def test_a_scenario_with_many_unknown_keys_is_named_briefly(tmp_path):
    scenario = tmp_path / "keys.yaml"
    scenario.write_text("name: x\nedits:\n- {" + ", ".join(f"k{i}: 1" for i in range(20_000)) + "}\n")
    message = assert_refused(run_ntm("scenario", scenario, cwd=tmp_path), 1, str(scenario),
                             "khóa không dùng được: 'k0'; 'k1'", "và 19995 khóa khác")
    assert len(message) < 500


@pytest.mark.parametrize("case", ["laughs", "deep_flow"])
def test_a_yaml_bomb_in_a_catalogue_is_refused(case, tmp_path):
    """A catalogue folder (``NTM_CATALOGUES``) holding a bomb: the file and its line are
    named, exit 1 (bad data), no template written."""
    folder = tmp_path / "catalogues"
    folder.mkdir()
    bomb = folder / "bom.yaml"
    bomb.write_text(YAML_BOMBS[case][0], encoding="utf-8")
    out = tmp_path / "mau.xlsx"
    done = run_ntm("template", out, "--catalogue", "bom", cwd=tmp_path, env={"NTM_CATALOGUES": str(folder)})
    message = assert_refused(done, 1, str(bomb), "không đọc được danh mục tiêu chí: dòng", YAML_BOMBS[case][2])
    assert message.count("\n") == 1 and not out.exists()


# ----------------------------------------------------------------- parameter ranges
SCENARIO_VALUES = {
    "shift_huge": ("edits:\n- {commune: all, criterion: 13, shift: 100000000000000000000}",
                   "shift '100000000000000000000': dời quá xa, tối đa 404 quý", "2000–2100"),
    "shift_float": ("edits:\n- {commune: all, criterion: 13, shift: 1.0e+20}", "shift '1e+20'", "số quý nguyên"),
    "shift_inf": ("edits:\n- {commune: all, criterion: 13, shift: .inf}", "shift 'inf'", "số quý nguyên"),
    "review_lag": ("parameters: {review_lag: 100000}", "review_lag '100000'", "tối đa 8"),
    "review_lag_negative": ("parameters: {review_lag: -1}", "review_lag '-1'", "tối đa 8"),
    "as_of_year_1": ("parameters: {as_of: 0001-01-01}", "as_of '0001-01-01'", "năm 1 nằm ngoài phạm vi hỗ trợ (2000–2100)"),
    "as_of_year_3000": ("parameters: {as_of: '3000-01-01'}", "as_of '3000-01-01'", "(2000–2100)"),
    "undated_as_3000": ("parameters: {undated_as: 3000Q1}", "quý 1/3000 nằm ngoài phạm vi hỗ trợ (2000–2100)"),
    "due_3000": ("edits:\n- {commune: all, criterion: 13, due: quý II/3000}", "'due'", "quý 2/3000", "(2000–2100)"),
}


@pytest.mark.parametrize("case", SCENARIO_VALUES)
def test_a_scenario_value_out_of_range_is_refused(case, tmp_path):
    body, *words = SCENARIO_VALUES[case]
    scenario = tmp_path / f"{case}.yaml"
    scenario.write_text(f"name: x\n{body}\n", encoding="utf-8")
    done = run_ntm("scenario", scenario, cwd=tmp_path)
    assert_refused(done, 1, str(scenario), *words)
    assert done.stdout == ""


COMMAND_VALUES = {
    "review_lag": (("projection", "--review-lag", "100000"), "--review-lag 100000", "tối đa 8"),
    "review_lag_huge": (("scenario", "SCENARIO", "--review-lag", "9" * 30), "--review-lag 9999", "tối đa 8"),
    "as_of_3000": (("projection", "--as-of", "3000-01-01"), "--as-of '3000-01-01'", "năm 3000", "(2000–2100)"),
    "as_of_year_1": (("workload", "--overdue", "--as-of", "0001-01-01"), "--as-of '0001-01-01'", "năm 1 "),
    "report_as_of": (("report", "--out", "pack", "--as-of", "3000-01-01"), "(2000–2100)"),
    "undated_as_3000": (("projection", "--undated-as", "3000Q1"), "--undated-as", "quý 1/3000", "(2000–2100)"),
    "template_year": (("template", "mau.xlsx", "--year", "30000"), "--year 30000", "từ 2000 đến 2100"),
}


@pytest.mark.parametrize("case", COMMAND_VALUES)
def test_an_option_out_of_range_is_refused(case, tmp_path):
    args, *words = COMMAND_VALUES[case]
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\nedits:\n- {commune: all, criterion: 13, shift: 1}\n", encoding="utf-8")
    args = [str(scenario) if a == "SCENARIO" else a for a in args]
    done = run_ntm(*args, cwd=tmp_path)
    assert_refused(done, 2, *words)
    assert done.stdout == "" and sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


# ----------------------------------------------------------------- long runs in a plan
#: what each run is made of: the words before it, what is repeated, the words after it
RUNS = {
    "digits": ("", "1"),
    "spaces": ("", " "),
    "dots": ("", "."),
    "tieu_chi": ("", "tiêu chí "),
    "numbers_with_commas": ("", "1,"),
    "dates": ("", "1/1"),
    "deadlines": ("", "quý II/2023 "),
    "district_words": ("", "huyện "),
    "percent": ("", "1 %"),
    "brackets": ("", "(<"),
    "words": ("", "đạt "),
    "em_spaces": ("", "\u2003"),
    # a run of spaces the reader does not fold into one (em spaces) after words that
    # start a phrase
    "spaces_after_a_quarter": ("quý II", "\u2003"),
    "spaces_after_a_month": ("ngày 1 tháng 6", "\u2003"),
    "spaces_after_a_product": ("sản phẩm", "\u2003", " OCOP"),
}


def _plan_with(runs: list[tuple[str, ...]], length: int) -> str:
    """The An Lão plan with each of ``runs`` (words, what is repeated to ``length``
    characters, words after) in an item's label, in its text and on a line of its own."""
    text = PLAN.read_text(encoding="utf-8")
    for words, unit, *after in runs:
        run = words + unit * (length // len(unit)) + "".join(after)
        text = text.replace("- Tiêu chí Lao đông:", f"- Tiêu chí Lao đông {run}:", 1)
        text = text.replace("Còn 2,5 km", f"Còn 2,5 km {run}", 1)
        text = text.replace("- Như trên;", f"- Như trên;\n\n- {run}", 1)
    return text


ALONE = [name for name in RUNS if name.startswith("spaces_after")]


@pytest.mark.parametrize("runs, length", [
    (["digits"], 8_000),
    (["digits"], 30_000),
    (list(RUNS), 30_000),
    *(([name], 30_000) for name in ALONE),
], ids=["8000_digits", "30000_digits", "every_run_30000", *ALONE])
def test_long_runs_in_a_plan_are_read_quickly(runs, length, tmp_path):
    """Each case reads in a few seconds (the timeout is generous: one super-linear
    expression on these runs takes minutes)."""
    plan = tmp_path / "ke_hoach.md"
    plan.write_text(_plan_with([RUNS[r] for r in runs], length), encoding="utf-8")
    out = tmp_path / "ke_hoach.xlsx"
    done = run_ntm("extract", plan, "--out", out, "--format", "json", cwd=tmp_path, timeout=45)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and out.exists()
    report = json.loads(done.stdout)
    assert report["counts"]["communes"] == 5 and report["meta"]["district"] == "An Lão"


#: documents made of one construction repeated: each must be read in time growing with its
#: length (one quadratic step, such as trying every commune named so far on every sentence,
#: takes minutes on these)
MENTION_FLOODS = {
    "communes_in_one_sentence": ("xã An Phú, " * 15_000 + "còn thiếu tiêu chí Y tế.", 1),
    "deadlines_in_one_sentence": ("Xã An Phú còn thiếu tiêu chí Y tế " + "phấn đấu hoàn thành quý II/2024, " * 5_000, 1),
    "new_commune_each_sentence": ("".join(f"Xã Tân{i} còn thiếu tiêu chí Y tế. Tân{i} " for i in range(5_000)), 5_000),
    "criteria_joined_by_va": ("Xã An Phú còn thiếu tiêu chí " + "Y tế và " * 15_000 + "Điện.", 2),
    "table_rows": ("| Xã | Tiêu chí chưa đạt | Thời hạn |\n" + "| Xã An Phú | Y tế; Điện | quý II/2024 |\n" * 5_000, 2),
}


@pytest.mark.parametrize("name", list(MENTION_FLOODS))
def test_a_document_of_one_construction_repeated_is_read_in_time(name, tmp_path):
    body, gaps = MENTION_FLOODS[name]
    doc = tmp_path / "tin.md"
    doc.write_text("KẾ HOẠCH xây dựng xã nông thôn mới nâng cao năm 2024\n" + body, encoding="utf-8")
    out = tmp_path / "tin.xlsx"
    done = run_ntm("extract", doc, "--out", out, "--format", "json", cwd=tmp_path, timeout=45)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and out.exists()
    assert len(json.loads(done.stdout)["gaps"]) == gaps
