"""The what-if logic and its widget, driven by setting ``.value`` like a user would."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from ntm_analysis.analysis.projection import projection
from ntm_analysis.cli import main
from ntm_analysis.core.errors import UserError
from ntm_analysis.load.api import load_plan
from ntm_analysis.io.scenario_files import load_scenario, scenario_path
from ntm_analysis.present.whatif import (commune_gaps, done_state, due_options, due_override, evaluate, make_scenario,
                                         owned, set_district_shift, set_done, set_due)
from ntm_analysis.present.whatif_view import comparison_html
from ntm_analysis.present.widget import WhatIf
from ntm_analysis.scenario import apply_scenario, compare


def apply_scenario_file(plan, path):
    return apply_scenario(plan, load_scenario(path))

Q = lambda s: pd.Period(s, freq="Q-DEC")  # noqa: E731


@pytest.fixture(scope="module")
def plan():
    return load_plan()


@pytest.fixture
def app(plan, tmp_path):
    return WhatIf(plan, scenario_dir=tmp_path, chart=False)


# ------------------------------------------------------------------ edit lists
def test_set_due_upserts_and_never_mutates(plan):
    e0: list = []
    e1 = set_due(e0, plan, "Minh Đức", "13", "2024Q1")
    e2 = set_due(e1, plan, "Minh Đức", "13", "quý II/2024")
    assert e0 == [] and e1 == [{"commune": "Minh Đức", "criterion": 13, "due": "2024Q1"}]
    assert e2 == [{"commune": "Minh Đức", "criterion": 13, "due": "2024Q2"}]
    assert set_due(e2, plan, "Minh Đức", "13", None) == []
    # an edit written with the criterion's name is the same target
    named = [{"commune": "minh duc", "criterion": "Tổ chức sản xuất và phát triển kinh tế nông thôn", "due": "2023Q4"}]
    assert due_override(named, plan, "Minh Đức", "13") == "2023Q4"
    assert set_due(named, plan, "Minh Đức", "13", "2024Q3")[0]["due"] == "2024Q3"


def test_per_gap_edits_go_before_the_district_shift(plan):
    e = set_district_shift([], plan, 2)
    e = set_due(e, plan, "Văn Tố", "2", "2024Q1")
    assert [("shift" in x) for x in e] == [False, True]
    assert set_district_shift(e, plan, 0) == [e[0]]


def test_set_done_only_records_a_change_from_the_baseline(plan):
    assert set_done([], plan, "Hưng Đạo", "6", False) == []
    e = set_done([], plan, "Hưng Đạo", "6", True)
    assert e == [{"commune": "Hưng Đạo", "criterion": 6, "done": True}]
    assert done_state(e, plan, "Hưng Đạo", "6") and not done_state([], plan, "Hưng Đạo", "6")
    assert set_done(e, plan, "Hưng Đạo", "6", False) == []


def test_commune_gaps_and_options(plan):
    g = commune_gaps(plan, "Minh Đức")
    expected = plan.gaps.loc[plan.gaps["commune"] == "Minh Đức", "criterion_code"].tolist()
    assert g["criterion_code"].tolist() == expected
    opts = due_options(plan, Q("2023Q3"))
    assert opts[0] == ("theo kế hoạch (quý III/2023)", "")
    assert ("quý IV/2024", "2024Q4") in opts
    assert due_options(plan, pd.NaT, "en")[0][0] == "as planned (no deadline)"


def test_owned_edits(plan):
    assert owned({"commune": "Minh Đức", "criterion": 13, "due": "2023Q4"}, plan)
    assert owned({"commune": "all", "criterion": 13, "shift": 1}, plan)
    assert not owned({"commune": "Minh Đức", "shift": 1}, plan)
    assert not owned({"commune": "Minh Đức", "criterion": 8, "remove_dependency": 13}, plan)


@pytest.mark.parametrize("written", ["../x.yaml", "/etc/x.yaml", "x.py", "sub/x.yaml", ""])
def test_scenario_path_stays_in_the_folder(tmp_path, written):
    with pytest.raises(UserError):
        scenario_path(written, tmp_path)


def test_scenario_path_accepts_names(tmp_path):
    assert scenario_path("a", tmp_path) == (tmp_path / "a.yaml").resolve()
    assert scenario_path(str(tmp_path / "b.yml"), tmp_path) == (tmp_path / "b.yml").resolve()


def test_comparison_html_marks_changed_rows(plan):
    r = evaluate(plan, make_scenario([{"commune": "Hưng Đạo", "criterion": 15, "due": "2024Q2"}]))
    html = comparison_html(r["comparison"])
    assert html.count("class='changed'") == 1 and html.count("class='same'") == len(plan.communes) - 1
    assert "Hưng Đạo" in html and "quý II/2024" in html and "●" in html


# ------------------------------------------------------------------ the widget
def row(app, commune):
    c = app.result["comparison"]
    return c.loc[c["commune"] == commune].iloc[0]


def test_widget_starts_on_the_baseline(app, plan):
    assert not app.result["comparison"]["changed"].any()
    # Quang Phục, first in the plan, has nothing left to edit: the panel opens on Ngọc Kỳ
    assert plan.commune_names[0] == "Quang Phục" and app.commune.value == "Ngọc Kỳ"
    assert list(app.due) == ["8", "13"]
    assert "0/13" in app.table.value


def test_choosing_a_commune_shows_its_gaps(app):
    app.commune.value = "Minh Đức"
    assert list(app.due) == ["5", "8", "13", "14", "19"]
    assert app.due["19"].value == "" and app.due["19"].options[0][0].endswith("(chưa có hạn)")


def test_a_deadline_changes_the_table(app):
    app.commune.value = "Minh Đức"
    before = app.table.value
    # Minh Đức's 19 is undated (unscheduled); dating it 2023Q3 schedules every gap: the
    # latest is 13 in 2023Q3 (8 waits on it) -> on track
    app.due["19"].value = "2023Q3"
    assert app.edits == [{"commune": "Minh Đức", "criterion": 19, "due": "2023Q3"}]
    r = row(app, "Minh Đức")
    assert (r["status_baseline"], r["status_scenario"]) == ("unscheduled", "on_track")
    assert r["recognition_scenario"] == Q("2023Q3") and app.table.value != before
    app.due["13"].value = "2024Q1"
    r = row(app, "Minh Đức")
    assert r["finish_scenario"] == Q("2024Q1") and r["status_scenario"] == "at_risk"
    app.due["13"].value = ""  # back to the plan
    assert row(app, "Minh Đức")["finish_scenario"] == Q("2023Q3")


def test_done_checkbox_and_sliders(app):
    app.commune.value = "Hưng Đạo"
    app.done["6"].value = True
    r = row(app, "Hưng Đạo")
    assert r["open_scenario"] == r["open_baseline"] - 1
    app.review_lag.value = 1
    assert app.parameters == {"review_lag": 1}
    assert row(app, "Quang Phục")["recognition_scenario"] == row(app, "Quang Phục")["recognition_baseline"] + 1
    app.ocop_delay.value = 2
    # Ngọc Kỳ: 13 due 2023Q2 -> 2023Q4 (+2); 8 waits on it; + review lag 1 -> 2024Q1
    r = row(app, "Ngọc Kỳ")
    assert r["finish_scenario"] == Q("2023Q4") and r["recognition_scenario"] == Q("2024Q1")
    assert app.edits[-1] == {"commune": "all", "criterion": 13, "shift": 2}


def test_widget_yaml_cli_round_trip(plan, tmp_path, capsys):
    app = WhatIf(plan, scenario_dir=tmp_path, chart=False)
    app.commune.value = "Minh Đức"
    app.due["13"].value = "2023Q4"
    app.done["14"].value = True
    app.ocop_delay.value = 1
    app.review_lag.value = 1
    app.commune.value = "Văn Tố"
    app.due["2"].value = "2024Q2"
    app.name.value = "Thử vòng"
    app.path.value = "vong.yaml"
    path = app.save()
    assert path == (tmp_path / "vong.yaml").resolve() and path.exists()

    # YAML -> the library gives the widget's projection
    new, params = apply_scenario_file(plan, path)
    assert params == {"review_lag": 1}
    pd.testing.assert_frame_equal(projection(new, **params), app.result["projection"])

    # YAML -> ntm scenario gives the widget's comparison
    assert main(["scenario", str(path), "--format", "json", "--part", "communes"]) == 0
    cli = {r["commune"]: r for r in json.loads(capsys.readouterr().out)["communes"]}
    for r in app.result["comparison"].to_dict("records"):
        got = cli[r["commune"]]
        for key in ("finish_scenario", "recognition_scenario", "finish_baseline"):
            assert got[key] == (None if pd.isna(r[key]) else str(r[key])), (r["commune"], key)
        assert got["status_scenario"] == r["status_scenario"] and got["changed"] == bool(r["changed"])

    # YAML -> a fresh widget: same controls, same result
    other = WhatIf(plan, scenario_dir=tmp_path, chart=False)
    other.path.value = "vong"
    sc = other.load()
    assert sc == load_scenario(path) and other.edits == app.edits and other.name.value == "Thử vòng"
    assert other.ocop_delay.value == 1 and other.review_lag.value == 1
    other.commune.value = "Minh Đức"
    assert other.due["13"].value == "2023Q4" and other.done["14"].value is True
    pd.testing.assert_frame_equal(other.result["comparison"], app.result["comparison"])


def test_load_keeps_edits_no_control_owns(plan, tmp_path):
    (tmp_path / "dep.yaml").write_text(
        "name: dep\nedits:\n- {commune: Minh Đức, criterion: 8, remove_dependency: 13}\n"
        "- {commune: Văn Tố, shift: 1}\n", encoding="utf-8")
    app = WhatIf(plan, scenario_dir=tmp_path, chart=False)
    app.path.value = "dep.yaml"
    app.load()
    app.commune.value = "Minh Đức"
    app.due["19"].value = "2023Q2"
    assert app.edits[:2] == [{"commune": "Minh Đức", "criterion": 8, "remove_dependency": 13},
                             {"commune": "Văn Tố", "shift": 1}]
    assert app.edit_list.value.count(" *") == 2
    assert row(app, "Văn Tố")["finish_scenario"] == row(app, "Văn Tố")["finish_baseline"] + 1


def test_bad_files_show_a_message(plan, tmp_path):
    (tmp_path / "bad.yaml").write_text("edits:\n- {commune: Nơi nào, shift: 1}\n", encoding="utf-8")
    app = WhatIf(plan, scenario_dir=tmp_path, chart=False)
    app.path.value = "bad.yaml"
    assert app.load() is None and "Nơi nào" in app.message.value and app.edits == []
    app.path.value = "../escape.yaml"
    assert app.save() is None and "chỉ lưu" in app.message.value
    assert not (tmp_path.parent / "escape.yaml").exists()


def test_chart_redraws_when_the_scenario_changes(plan, tmp_path):
    app = WhatIf(plan, scenario_dir=tmp_path, chart=True)
    first = app.chart_bytes
    assert first.startswith(b"\x89PNG")
    app.commune.value = "Minh Đức"
    app.due["19"].value = "2024Q2"  # every gap dated: recognised 2024Q2 instead of "?"
    assert app.chart_bytes.startswith(b"\x89PNG") and app.chart_bytes != first


def test_english_labels(plan, tmp_path):
    app = WhatIf(plan, lang="en", scenario_dir=tmp_path, chart=False)
    assert app.save_button.description == "Save scenario (YAML)"
    assert "Finish (baseline)" in app.table.value


def test_compare_is_what_the_widget_shows(plan, tmp_path):
    app = WhatIf(plan, scenario_dir=tmp_path, chart=False)
    app.commune.value = "Phương Kỳ"
    app.due["5"].value = "2024Q3"
    new, params = apply_scenario_file(plan, app.save())
    pd.testing.assert_frame_equal(compare(projection(plan), projection(new, **params)), app.result["comparison"])
