"""Scenarios: each kind of edit and its effect on finish and status, errors, YAML, CLI.

The hand-made plan (see ``conftest.make_plan``), target year 2023 everywhere:

- A: criterion 8 due 2023Q2, criterion 13 due 2023Q3. A has no OCOP row and a gap on
  13, so it has no product and the catalogue rule "8 waits on 13 when there is no
  OCOP product" binds: 8's effective deadline is 2023Q3. Finish 2023Q3, on track.
- B: criterion 5 due 2023Q4, criterion 14 undated. Finish 2023Q4 (the latest known
  quarter) but unscheduled (an open gap has no deadline).
- D: criterion 8 due 2023Q2, criterion 13 undated. 8 waits on 13 (no product), so 8
  is undated too: no finish at all, unscheduled.
- C: nothing missing, dossier due 2023Q2: ready.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ntm_analysis import config
from ntm_analysis.analysis.dependencies import propagate_deadlines
from ntm_analysis.analysis.projection import projection
from ntm_analysis.cli import main
from ntm_analysis.core.errors import UserError
from ntm_analysis.load.api import load_plan
from ntm_analysis.io.scenario_files import load_scenario, parse_scenario, save_scenario, scenario_to_yaml
from ntm_analysis.scenario import Scenario, apply_scenario, compare, diff_edits, run_scenario, scenario_from_dict
from tabletools import read_table


def apply_scenario_file(plan, path):
    return apply_scenario(plan, load_scenario(path))

Q = lambda s: pd.Period(s, freq="Q-DEC")  # noqa: E731
NAT = pd.NaT
MIXED = Path(__file__).parent / "data" / "scenarios" / "nhieu_thay_doi.yaml"  # many kinds of edit in one file


@pytest.fixture(scope="module")
def small(make_plan):
    return make_plan(
        communes=["A", "B", "D", {"commune": "C", "commune_due": "2023Q2"}],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q3"),
              ("B", "5", "2023Q4"), ("B", "14", None),
              ("D", "8", "2023Q2"), ("D", "13", None)],
    )


@pytest.fixture(scope="module")
def district():
    return load_plan()


def project(plan, scenario_edits, parameters=None):
    s = scenario_from_dict({"name": "t", "edits": scenario_edits, "parameters": parameters or {}})
    new, params = apply_scenario(plan, s)
    return projection(new, review_lag=params.get("review_lag", 0), as_of=params.get("as_of")).set_index("commune")


def outcome(proj, commune):
    r = proj.loc[commune]
    return (None if pd.isna(r["finish"]) else str(r["finish"])), r["status"]


def test_baseline_of_the_small_plan_is_as_worked_out(small):
    p = projection(small).set_index("commune")
    assert outcome(p, "A") == ("2023Q3", "on_track")
    assert outcome(p, "B") == ("2023Q4", "unscheduled")
    assert outcome(p, "D") == (None, "unscheduled")
    assert outcome(p, "C") == (None, "ready")


# (edits, parameters, {commune: (finish, status)}): each expected value is reasoned
# from the plan described in the module docstring.
CASES = {
    # done 13 in A: 8 no longer waits (a met prerequisite holds nothing up): 8 alone, due Q2
    "done one criterion": ([{"commune": "A", "criterion": 13, "done": True}], {},
                           {"A": ("2023Q2", "on_track"), "B": ("2023Q4", "unscheduled")}),
    # every gap of A done: nothing open, A is ready
    "done every criterion": ([{"commune": "A", "done": True}], {}, {"A": (None, "ready")}),
    # done in a quarter (no as-of date: every completion counts)
    "done in a quarter": ([{"commune": "A", "criterion": "13", "done": "quý IV/2023"}], {},
                          {"A": ("2023Q2", "on_track")}),
    # done then undone: back to the baseline
    "done then undone": ([{"commune": "A", "criterion": 13, "done": True},
                          {"commune": "A", "criterion": 13, "done": False}], {}, {"A": ("2023Q3", "on_track")}),
    # 13 due 2024Q1: 13 and (waiting) 8 finish 2024Q1, after the 2023 target
    "due later": ([{"commune": "A", "criterion": "Tổ chức sản xuất", "due": "2024Q1"}], {},
                  {"A": ("2024Q1", "at_risk")}),
    # B's undated 14 gets Q2: every gap dated, latest is 5 in Q4 -> on track
    "due for an undated gap": ([{"commune": "B", "criterion": "Y tế", "due": "quý II/2023"}], {},
                               {"B": ("2023Q4", "on_track")}),
    # year-only deadline: fourth quarter of 2024
    "due year only": ([{"commune": "B", "criterion": 14, "due": "trong năm 2024"}], {},
                      {"B": ("2024Q4", "at_risk")}),
    # D's 13 dated Q3: 8 (Q2) waits on it -> Q3; everything dated -> on track
    "due unblocks a waiting gap": ([{"commune": "D", "criterion": 13, "due": "Q3/2023"}], {},
                                   {"D": ("2023Q3", "on_track")}),
    # shift 13 of A by +2: 2023Q3 -> 2024Q1, 8 follows
    "shift one criterion": ([{"commune": "A", "criterion": 13, "shift": 2}], {}, {"A": ("2024Q1", "at_risk")}),
    # shift everything by -1: A 8 Q1, 13 Q2 -> Q2; B 5 Q3 (14 stays undated)
    "shift all back": ([{"commune": "all", "shift": -1}], {},
                       {"A": ("2023Q2", "on_track"), "B": ("2023Q3", "unscheduled"), "C": (None, "ready")}),
    # shift 13 everywhere +1: A 13 Q4 -> finish Q4; D's 13 is undated and stays so
    "shift one criterion everywhere": ([{"commune": "all", "criterion": 13, "shift": 1}], {},
                                       {"A": ("2023Q4", "on_track"), "D": (None, "unscheduled")}),
    # B's 5 waits on the undated 14: 5 is undated too, no finish quarter left
    "add a dependency": ([{"commune": "B", "criterion": 5, "add_dependency": 14}], {},
                         {"B": (None, "unscheduled")}),
    # D's 8 no longer waits on the undated 13: 8 keeps its own Q2
    "remove a dependency": ([{"commune": "D", "criterion": 8, "remove_dependency": 13}], {},
                            {"D": ("2023Q2", "unscheduled"), "A": ("2023Q3", "on_track")}),
    # removed for every commune: A's 8 no longer waits either (A still finishes with 13 in Q3)
    "remove a dependency everywhere": ([{"commune": "all", "criterion": 8, "remove_dependency": 13}], {},
                                       {"D": ("2023Q2", "unscheduled"), "A": ("2023Q3", "on_track")}),
    # review lag 2: A recognised 2023Q3 + 2 = 2024Q1 -> at risk; finish unchanged
    "review lag parameter": ([], {"review_lag": 2}, {"A": ("2023Q3", "at_risk")}),
    "review lag edit": ([{"review_lag": 2}], {"review_lag": 0}, {"A": ("2023Q3", "at_risk")}),
    # as of 2024-01-15: open work cannot finish before 2024Q1
    "as-of date": ([{"as_of": "2024-01-15"}], {}, {"A": ("2024Q1", "at_risk"), "B": ("2024Q1", "unscheduled")}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_kind_of_edit(small, name):
    edits, params, expected = CASES[name]
    p = project(small, edits, params)
    for commune, want in expected.items():
        assert outcome(p, commune) == want, (name, commune)


def test_recognition_follows_review_lag(small):
    p = project(small, [], {"review_lag": 1})
    assert p.loc["A", "recognition"] == Q("2023Q4")
    assert p.loc["C", "recognition"] == Q("2023Q3")  # ready: its dossier quarter + 1


def test_due_edit_sets_deadline_source(small):
    s = scenario_from_dict({"edits": [{"commune": "B", "criterion": 14, "due": "trong năm 2024"},
                                      {"commune": "A", "criterion": 8, "due": "quý I/2023"}]})
    g = apply_scenario(small, s)[0].gaps.set_index(["commune", "criterion_code"])
    assert g.loc[("B", "14"), "due"] == Q("2024Q4") and g.loc[("B", "14"), "due_source"] == "year-only"
    assert g.loc[("A", "8"), "due"] == Q("2023Q1") and g.loc[("A", "8"), "due_source"] == "item"
    assert g.loc[("A", "8"), "due_written"] == "quý I/2023"


def test_shift_of_a_whole_commune_moves_its_dossier_deadline(small):
    s = scenario_from_dict({"edits": [{"commune": "C", "shift": 3}]})
    new = apply_scenario(small, s)[0]
    assert new.communes.set_index("commune").loc["C", "commune_due"] == Q("2024Q1")
    assert projection(new).set_index("commune").loc["C", "recognition"] == Q("2024Q1")


def test_dependency_edits_change_effective_deadlines(small):
    s = scenario_from_dict({"edits": [{"commune": "A", "criterion": 13, "add_dependency": 8},
                                      {"commune": "A", "criterion": 8, "remove_dependency": 13}]})
    new = apply_scenario(small, s)[0]
    p = propagate_deadlines(new).set_index(["commune", "criterion_code"])
    # now 13 (Q3) waits on 8 (Q2): 13 keeps Q3; 8 keeps its own Q2
    assert p.loc[("A", "8"), "effective_due"] == Q("2023Q2")
    assert p.loc[("A", "13"), "prerequisites"] == ("8",)
    # the rule for every commune still holds for D
    assert p.loc[("D", "8"), "effective_reason"] == "prerequisite_undated"


def test_edits_apply_in_order(district):
    # the example: Minh Đức's 13 set to 2023Q4, then 13 shifted +1 everywhere
    s = load_scenario(MIXED)
    g = apply_scenario(district, s)[0].gaps.set_index(["commune", "criterion_code"])
    assert g.loc[("Minh Đức", "13"), "due"] == Q("2024Q1")
    base = district.gaps.set_index(["commune", "criterion_code"])
    assert g.loc[("Ngọc Kỳ", "13"), "due"] == base.loc[("Ngọc Kỳ", "13"), "due"] + 1
    assert g.loc[("Minh Đức", "19"), "due"] == Q("2023Q3")


# ------------------------------------------------------------------ baseline
def _snapshot(plan):
    return {name: getattr(plan, name).copy(deep=True) for name in
            ("communes", "gaps", "completions", "dependencies", "milestones", "ocop")} | {"meta": dict(plan.meta)}


def test_baseline_never_changes(small):
    before = _snapshot(small)
    every = [e for edits, _, _ in CASES.values() for e in edits if "review_lag" not in e and "as_of" not in e]
    for e in every:
        apply_scenario(small, scenario_from_dict({"edits": [e]}))
    new, _ = apply_scenario(small, scenario_from_dict({"edits": every}))
    after = _snapshot(small)
    for name in before:
        if name == "meta":
            assert before[name] == after[name]
        else:
            pd.testing.assert_frame_equal(before[name], after[name])
    assert new is not small and new.meta["scenario"] == ""


def test_example_scenarios_apply_to_the_district_plan(district):
    files = sorted(config.SCENARIOS_DIR.glob("*.yaml"))
    assert len(files) >= 4
    for f in files:
        assert run_scenario(district, load_scenario(f))["comparison"]["changed"].any(), f


def test_review_quarter_scenario_moves_every_dated_recognition(district):
    r = run_scenario(district, load_scenario(config.SCENARIOS_DIR / "tinh_them_mot_quy_tham_dinh.yaml"))
    c = r["comparison"].set_index("commune")
    dated = c["recognition_baseline"].notna()
    assert dated.sum() > 0
    assert (c.loc[dated, "recognition_scenario"] == c.loc[dated, "recognition_baseline"] + 1).all()
    assert (c["finish_scenario"].isna() == c["finish_baseline"].isna()).all()
    # recognised in 2023Q4 under the plan -> 2024Q1 -> at risk
    q4 = c["recognition_baseline"] == Q("2023Q4")
    assert q4.any() and (c.loc[q4, "status_scenario"] == "at_risk").all()


# ------------------------------------------------------------------ matching
@pytest.mark.parametrize("commune,criterion", [
    ("Minh Đức", "Quốc phòng - An ninh"), ("minh duc", "19"), ("MINH ĐỨC", 19),
    ("Minh Đức", "Quốc phòng và An ninh"), ("Minh Đức", "tiêu chí số 19"),
])
def test_communes_and_criteria_match_as_elsewhere(district, commune, criterion):
    new, _ = apply_scenario(district, scenario_from_dict(
        {"edits": [{"commune": commune, "criterion": criterion, "due": "2023Q3"}]}))
    g = new.gaps.set_index(["commune", "criterion_code"])
    assert g.loc[("Minh Đức", "19"), "due"] == Q("2023Q3")


# ------------------------------------------------------------------ errors
def write(tmp_path, text, name="s.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_commune_names_file_edit_line_and_nearest(tmp_path, district):
    p = write(tmp_path, "name: x\nedits:\n  - {commune: Hưng Đạo, criterion: 6, done: true}\n"
                        "  - {commune: Minh Đứk, criterion: 13, shift: 1}\n")
    with pytest.raises(UserError) as e:
        apply_scenario_file(district, p)
    msg = str(e.value)
    assert str(p) in msg and "thay đổi số 2" in msg and "dòng 4" in msg and "Minh Đức" in msg


def test_unknown_criterion_lists_nearest_names(tmp_path, district):
    p = write(tmp_path, "edits:\n- {commune: Minh Đức, criterion: Giao thong nong thon moi, due: 2023Q3}\n")
    with pytest.raises(UserError) as e:
        apply_scenario_file(district, p)
    assert "thay đổi số 1" in str(e.value) and "Giao thông" in str(e.value)


def test_criterion_the_commune_does_not_miss(district):
    with pytest.raises(UserError) as e:
        apply_scenario(district, scenario_from_dict({"edits": [{"commune": "Hưng Đạo", "criterion": 2,
                                                               "done": True}]}))
    assert "Hưng Đạo" in str(e.value) and "Văn hóa" in str(e.value)  # lists what it does miss


def test_bad_yaml_names_the_line(tmp_path):
    p = write(tmp_path, "name: x\nedits:\n  - {commune: Minh Đức, due: [2023Q4}\n")
    with pytest.raises(UserError) as e:
        load_scenario(p)
    assert str(p) in str(e.value) and "dòng 3" in str(e.value)


@pytest.mark.parametrize("text,needle", [
    ("edits:\n- {commune: A, criterion: 8, shift: x}\n", "shift"),
    ("edits:\n- {commune: A, criterion: 8, due: mai}\n", "due"),
    ("edits:\n- {commune: A, criterion: 8, shfit: 1}\n", "shift"),
    ("edits:\n- {commune: A, criterion: 8, due: 2023Q3, done: true}\n", "đúng một việc"),
    ("edits:\n- {criterion: 8, done: true}\n", "commune"),
    ("edits:\n- {commune: A, add_dependency: 13}\n", "criterion"),
    ("edits:\n- {review_lag: -1}\n", "review_lag"),
    ("edits: {commune: A}\n", "danh sách"),
    ("name: x\nedit: []\n", "edit"),
    ("- 1\n- 2\n", "bảng"),
    ("parameters: {lag: 1}\n", "lag"),
])
def test_malformed_scenarios(tmp_path, text, needle):
    with pytest.raises(UserError) as e:
        load_scenario(write(tmp_path, text))
    assert needle in str(e.value)


def test_shift_past_supported_range_is_a_clear_error(small):
    with pytest.raises(UserError) as e:
        apply_scenario(small, scenario_from_dict({"edits": [{"commune": "all", "shift": 400}]}))
    assert "2100" in str(e.value) and "ngoài phạm vi" in str(e.value)
    with pytest.raises(UserError):
        apply_scenario(small, scenario_from_dict({"edits": [{"commune": "A", "criterion": 8, "shift": -120}]}))


def test_missing_file(tmp_path):
    with pytest.raises(UserError):
        load_scenario(tmp_path / "none.yaml")


def test_remove_a_dependency_that_does_not_exist(small):
    with pytest.raises(UserError) as e:
        apply_scenario(small, scenario_from_dict({"edits": [{"commune": "B", "criterion": 5,
                                                            "remove_dependency": 14}]}))
    assert "không có quan hệ phụ thuộc" in str(e.value)


# ------------------------------------------------------------------ YAML
def test_yaml_round_trip(tmp_path):
    s = load_scenario(MIXED)
    path = save_scenario(s, tmp_path / "copy.yaml")
    again = load_scenario(path)
    assert again == s
    assert parse_scenario(scenario_to_yaml(again)) == s
    assert not list(tmp_path.glob(".*"))  # atomic write left no temporary file


def test_save_refuses_raw_data():
    with pytest.raises(UserError):
        save_scenario(Scenario("x"), config.RAW_DIR / "x.yaml")


# ------------------------------------------------------------------ compare / diff
def test_compare_and_diff(district):
    s = scenario_from_dict({"name": "t", "edits": [{"commune": "Hưng Đạo", "criterion": "Văn hóa", "done": True},
                                                  {"commune": "Hưng Đạo", "criterion": 15, "due": "2024Q2"}]})
    r = run_scenario(district, s)
    c = r["comparison"].set_index("commune")
    assert list(r["comparison"]["commune"]) == district.commune_names
    assert c.loc["Hưng Đạo", "changed"] and c["changed"].sum() == 1
    assert c.loc["Hưng Đạo", "open_scenario"] == c.loc["Hưng Đạo", "open_baseline"] - 1
    assert c.loc["Hưng Đạo", "finish_scenario"] == Q("2024Q2") and c.loc["Hưng Đạo", "status_scenario"] == "at_risk"
    d = diff_edits(district, r["plan"], r["baseline_params"], r["params"])
    assert set(zip(d["criterion_code"], d["change"])) == {("6", "done"), ("15", "due")}
    assert d.loc[d["change"] == "due", "scenario"].item() == Q("2024Q2")


def test_empty_scenario_compares_unchanged(district):
    r = run_scenario(district, Scenario("rỗng"))
    assert not r["comparison"]["changed"].any()
    assert diff_edits(district, r["plan"]).empty


# ------------------------------------------------------------------ command
def test_command_table_json_csv(capsys):
    f = str(MIXED)
    assert main(["scenario", f]) == 0
    out = capsys.readouterr().out
    assert "Minh Đức" in out and "Công nhận (kịch bản)" in read_table(out)[0] and "Các thay đổi" in out
    assert main(["scenario", f, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    md = next(r for r in data["communes"] if r["commune"] == "Minh Đức")
    assert md["finish_scenario"] == "2024Q1" and md["changed"] is True
    assert data["parameters"]["review_lag"] == 1
    assert any(c["change"] == "done" and c["commune"] == "Hưng Đạo" for c in data["changes"])
    assert main(["scenario", f, "--format", "csv", "--part", "changes"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "commune,criterion_code,criterion,change,baseline,scenario,via"


def test_command_errors_without_traceback(tmp_path, capsys):
    bad = write(tmp_path, "edits:\n- {commune: Nowhere, shift: 1}\n")
    assert main(["scenario", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Nowhere" in err and "Traceback" not in err
    assert main(["scenario", str(tmp_path / "missing.yaml")]) == 2


def test_other_commands_take_the_scenario(capsys):
    f = str(MIXED)
    assert main(["projection", "--scenario", f, "--format", "json"]) == 0
    rows = {r["commune"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["Minh Đức"]["finish"] == "2024Q1" and rows["Minh Đức"]["recognition"] == "2024Q2"


# ------------------------------------------------------------------ properties
_CODES = ["2", "5", "6", "8", "13", "14", "19"]
_dues = st.one_of(st.none(), st.sampled_from(["2022Q4", "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q2"]))


@st.composite
def plans(draw, make_plan):
    n = draw(st.integers(1, 4))
    communes = [f"X{i}" for i in range(n)]
    gaps = []
    for c in communes:
        for code in draw(st.lists(st.sampled_from(_CODES), unique=True, max_size=4)):
            gaps.append((c, code, draw(_dues)))
    return make_plan(communes=communes, gaps=gaps)


_PROPS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_PROPS
@given(data=st.data(), lag=st.integers(0, 3))
def test_empty_scenario_is_the_baseline(make_plan, data, lag):
    plan = data.draw(plans(make_plan))
    new, params = apply_scenario(plan, Scenario("rỗng"))
    assert params == {}
    pd.testing.assert_frame_equal(projection(new, review_lag=lag), projection(plan, review_lag=lag))
    pd.testing.assert_frame_equal(new.gaps, plan.gaps)


@_PROPS
@given(data=st.data(), n=st.integers(-8, 8), whole=st.booleans())
def test_shift_there_and_back_is_the_baseline(make_plan, data, n, whole):
    plan = data.draw(plans(make_plan))
    commune = data.draw(st.sampled_from(["all", *plan.commune_names]))
    criterion = None if whole else data.draw(st.sampled_from(sorted(set(plan.gaps["criterion_code"])) or ["8"]))
    edit = {"commune": commune} | ({} if criterion is None else {"criterion": criterion})
    sel = plan.gaps if commune == "all" else plan.gaps[plan.gaps["commune"] == commune]
    if criterion is not None and not (sel["criterion_code"] == criterion).any():
        with pytest.raises(UserError):
            apply_scenario(plan, scenario_from_dict({"edits": [edit | {"shift": n}]}))
        return
    s = scenario_from_dict({"edits": [edit | {"shift": n}, edit | {"shift": -n}]})
    new, _ = apply_scenario(plan, s)
    pd.testing.assert_frame_equal(projection(new), projection(plan))
    pd.testing.assert_series_equal(new.gaps["due"], plan.gaps["due"])
    one = apply_scenario(plan, scenario_from_dict({"edits": [edit | {"shift": n}]}))[0]
    moved = one.gaps["due"].notna()
    assert (one.gaps.loc[moved, "due"].map(lambda p: p.ordinal) - plan.gaps.loc[moved, "due"].map(
        lambda p: p.ordinal)).isin([0, n]).all()


_edit_kinds = st.sampled_from(["done", "due", "shift", "add_dependency", "remove_dependency", "review_lag"])


@_PROPS
@given(data=st.data(), kinds=st.lists(_edit_kinds, min_size=1, max_size=5))
def test_applying_any_scenario_never_changes_the_baseline(make_plan, data, kinds):
    plan = data.draw(plans(make_plan))
    if plan.gaps.empty:
        return
    before = {name: getattr(plan, name).copy(deep=True) for name in
              ("communes", "gaps", "ocop", "milestones", "completions", "dependencies")}
    rows = plan.gaps[["commune", "criterion_code"]].values.tolist()
    edits = []
    for kind in kinds:
        commune, code = data.draw(st.sampled_from(rows))
        edits.append({
            "done": {"commune": commune, "criterion": code, "done": True},
            "due": {"commune": commune, "criterion": code, "due": data.draw(st.sampled_from(["2023Q3", "2024Q1"]))},
            "shift": {"commune": data.draw(st.sampled_from(["all", commune])), "shift": data.draw(st.integers(-2, 2))},
            "add_dependency": {"commune": commune, "criterion": code, "add_dependency": "13"},
            "remove_dependency": {"commune": commune, "criterion": "8", "remove_dependency": "13"},
            "review_lag": {"review_lag": data.draw(st.integers(0, 2))},
        }[kind])
    try:
        new, _ = apply_scenario(plan, scenario_from_dict({"name": "ngẫu nhiên", "edits": edits}))
    except UserError:
        pass  # an edit that does not fit this plan is refused; the baseline must still be intact
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(plan, name), frame)


@pytest.mark.parametrize("edit", [
    {"commune": "Minh Đức", "criterion": 13, "done": True},
    {"commune": "Minh Đức", "criterion": 13, "due": "2024Q1"},
    {"commune": "all", "shift": 1},
    {"commune": "Minh Đức", "shift": -1},
    {"commune": "Minh Đức", "criterion": 19, "add_dependency": 13},
    {"commune": "Minh Đức", "criterion": 8, "remove_dependency": 13},
], ids=lambda e: next(k for k in e if k not in ("commune", "criterion")))
def test_every_kind_of_edit_applies_and_leaves_the_baseline(district, edit):
    """The kinds the property draws do apply to a real plan (not only refused), and never
    change it."""
    before = {name: getattr(district, name).copy(deep=True) for name in
              ("communes", "gaps", "milestones", "completions", "dependencies")}
    new, _ = apply_scenario(district, scenario_from_dict({"name": "mỗi loại", "edits": [edit]}))
    assert any(not getattr(new, name).equals(frame) for name, frame in before.items())  # it changed something
    for name, frame in before.items():
        pd.testing.assert_frame_equal(getattr(district, name), frame)
