"""The concepts with one owner each (issue 10): communes found the same way everywhere,
the one status matrix, the Plan's contract, one shared analysis, catalogue roles as data,
communes kept apart across districts, the briefing pack written all or nothing, texts in
both languages."""
from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from ntm_analysis import config
from ntm_analysis.analysis import (analyse, gaps_by_commune, gaps_by_criterion, matrix_cells, ocop_summary,
                                   projection, quality, status_counts, workload)
from ntm_analysis.cli import main
from ntm_analysis.core.errors import ContractError, UserError
from ntm_analysis.io.workbook import derive_matrix
from ntm_analysis.load.api import load_plan, plan_from_tables
from ntm_analysis.present.table import printable
from ntm_analysis.scenario import apply_scenario, scenario_from_dict
from ntm_analysis.tables.plan import concat_plans


@pytest.fixture(scope="module")
def plan():
    return load_plan()


# ----------------------------------------------------------------- communes, one matcher
def test_a_scenario_may_write_xa_before_the_name(plan):
    s = scenario_from_dict({"name": "x", "edits": [{"commune": "Xã Minh Đức", "criterion": 19, "due": "2023Q3"}]})
    new, _ = apply_scenario(plan, s)
    g = new.gaps.set_index(["commune", "criterion_code"])
    assert str(g.loc[("Minh Đức", "19"), "due"]) == "2023Q3"


def test_every_commune_words_are_the_same_for_the_widget_and_the_scenario(plan):
    """'mọi xã' shifts OCOP in a scenario, and the what-if slider shows that shift: moving
    it to +2 gives +2, not the loaded +1 plus +2."""
    from ntm_analysis.present.whatif import district_shift, set_district_shift

    edits = [{"commune": "mọi xã", "criterion": 13, "shift": 1}]
    assert district_shift(edits, plan) == 1
    moved = set_district_shift(edits, plan, 2)
    assert moved == [{"commune": "mọi xã", "criterion": 13, "shift": 2}]
    new, _ = apply_scenario(plan, scenario_from_dict({"edits": moved}))
    before = plan.gaps.set_index(["commune", "criterion_code"])["due"]
    after = new.gaps.set_index(["commune", "criterion_code"])["due"]
    assert after[("Minh Đức", "13")] - before[("Minh Đức", "13")] == 2 * before[("Minh Đức", "13")].freq


# ----------------------------------------------------------------- one status matrix
def test_the_template_matrix_and_the_status_matrix_agree(plan):
    """The workbook writer's matrix (from raw items) and the analyses' matrix are the same
    builder: on the embedded plan they mark the same cells missing."""
    items = pd.DataFrame({"commune": plan.gaps["commune"], "criterion": plan.gaps["criterion"]})
    communes = pd.DataFrame({"commune": plan.communes["commune"], "target_level": plan.communes["target_level"]})
    wide = derive_matrix(communes, items, plan.catalogue).set_index("commune")
    cells = matrix_cells(plan, codes=plan.catalogue.criterion_codes + plan.catalogue.model_codes)
    labels = {c: plan.catalogue.label(c) for c in cells["criterion_code"].unique()}
    for r in cells.itertuples():
        written = wide.loc[r.commune, labels[r.criterion_code]]
        expected = {"met": "Đạt", "na": "-"}.get(r.status, "Chưa đạt")
        assert written == expected, (r.commune, r.criterion_code, r.status)


def test_totals_are_the_criteria_that_apply(plan):
    counts = status_counts(plan).set_index("commune")
    assert set(counts["total"]) == {19}  # the advanced set: all 19 criteria apply to every commune
    assert (counts["met"] + counts["missing"] == counts["total"]).all()
    cells = matrix_cells(plan, codes=plan.catalogue.criterion_codes)
    missing = cells[cells["status"].isin(["due", "undated"])].groupby("commune").size()
    assert counts.loc[missing.index, "missing"].tolist() == missing.tolist()


# ----------------------------------------------------------------- the contract
def test_a_plan_that_breaks_the_contract_is_refused(plan):
    with pytest.raises(ContractError, match="gaps.due"):
        plan.with_tables(gaps=plan.gaps.assign(due=plan.gaps["due"].astype(str)))
    with pytest.raises(ContractError, match="gap_id repeats"):
        plan.with_tables(gaps=pd.concat([plan.gaps, plan.gaps.head(1)], ignore_index=True))


def test_tables_without_communes_say_so():
    plan, found = plan_from_tables({"items": pd.DataFrame({"commune": ["A"], "criterion_written": ["Y tế"]})})
    errors = [f for f in found if f.severity == "error"]
    assert plan is None and [f.code for f in errors] == ["missing_sheet"] and errors[0].sheet == "Xã"


# ----------------------------------------------------------------- one shared analysis
def test_the_briefing_propagates_and_reads_ocop_once(monkeypatch, plan):
    from ntm_analysis.analysis import dependencies
    from ntm_analysis.present.report import prepare

    calls = {"propagate": 0, "ocop": 0}
    real_propagate, real_ocop = dependencies.propagate, dependencies._ocop_status

    def propagate(run):
        calls["propagate"] += 1
        return real_propagate(run)

    def ocop(run):
        calls["ocop"] += 1
        return real_ocop(run)

    monkeypatch.setattr(dependencies, "propagate", propagate)
    monkeypatch.setattr(dependencies, "_ocop_status", ocop)
    fresh = plan.with_tables()  # no analysis kept yet
    prepare(fresh, review_lag=1)
    assert calls == {"propagate": 1, "ocop": 1}
    assert analyse(fresh).propagated is analyse(fresh).propagated


def test_effective_workload_of_a_plan_with_nothing_open(make_plan):
    plan = make_plan(["A"], gaps=[("A", "8", "2023Q2")], completions=[("A", "8", "2023Q1")])
    w = workload(plan, effective=True)
    assert w["items"].tolist() == [1] and w["done"].tolist() == [1]


# ----------------------------------------------------------------- catalogue roles are data
def test_the_ocop_criterion_comes_from_the_catalogue(tmp_path, monkeypatch):
    """A set whose OCOP product meets criterion 7 (and whose criterion 2 waits on it):
    the analyses follow the catalogue, not the number 13."""
    (tmp_path / "thu_ocop.yaml").write_text(textwrap.dedent("""
        id: thu_ocop
        kind: criteria
        level: thu
        title: Bộ thử vai trò OCOP
        roles: {ocop: "7"}
        conditions: {no_ocop_product: {ocop_status: [chua_co, da_chon]}}
        dependencies:
          - {waiting: "2", "on": "7", when: no_ocop_product, reason: chờ sản phẩm}
        criteria:
          - {code: "2", name: Giao thông}
          - {code: "7", name: Sản phẩm chủ lực}
          - {code: "13", name: Tổ chức sản xuất}
    """), encoding="utf-8")
    monkeypatch.setattr(config, "CATALOGUE_DIRS", [*config.CATALOGUE_DIRS, tmp_path])
    plan, found = plan_from_tables({
        "communes": pd.DataFrame({"commune": ["An", "Bình"], "plan_section": "1", "target_level": "nâng cao",
                                  "target_year": 2027}),
        "items": pd.DataFrame({"commune": ["An", "An", "Bình"], "criterion_written": ["Giao thông", "Sản phẩm chủ lực",
                                                                                      "Tổ chức sản xuất"],
                               "due": ["2027Q1", "2027Q3", "2027Q2"]}),
    }, catalogue_id="thu_ocop")
    assert plan is not None, [f.text() for f in found]
    s = ocop_summary(plan).set_index("commune")
    assert s.loc["An", "ocop_gap"] and s.loc["An", "waiting"] == ("2",) and s.loc["An", "conflict"]
    assert not s.loc["Bình", "ocop_gap"]  # criterion 13 is no OCOP criterion in this set
    assert str(projection(plan).set_index("commune").loc["An", "finish"]) == "2027Q3"


# ----------------------------------------------------------------- many workbooks
def _district(name: str, communes: list[str], gaps: list[tuple[str, str]]):
    plan, found = plan_from_tables({
        "communes": pd.DataFrame({"commune": communes, "plan_section": "1", "target_level": "nâng cao",
                                  "target_year": 2024}),
        "items": pd.DataFrame({"commune": [c for c, _ in gaps], "criterion_written": [k for _, k in gaps],
                               "due": "2024Q2"}),
    }, meta={"district": name, "province": "Hải Phòng", "plan_year": 2024})
    assert plan is not None, [f.text() for f in found]
    return plan


def test_communes_of_the_same_name_in_two_districts_stay_two():
    a = _district("Tứ Kỳ", ["An Bình", "Tân Kỳ"], [("An Bình", "Y tế"), ("Tân Kỳ", "Y tế")])
    b = _district("Thanh Hà", ["An Bình"], [("An Bình", "Y tế"), ("An Bình", "Giao thông")])
    both = concat_plans([a, b])
    assert len(both.communes) == 3 and both.communes["commune_id"].is_unique
    by = gaps_by_commune(both)
    assert by["commune"].tolist() == ["An Bình", "Tân Kỳ", "An Bình"] and by["missing"].tolist() == [1, 1, 2]
    top = gaps_by_criterion(both).set_index("criterion_code")
    assert top.loc["14", "communes"] == 3  # lists name each commune with its district when there are two
    assert top.loc["14", "commune_names"] == ("An Bình (Tứ Kỳ)", "Tân Kỳ (Tứ Kỳ)", "An Bình (Thanh Hà)")
    shown = printable(by, both)
    assert shown["unit"].tolist() == ["Tứ Kỳ", "Tứ Kỳ", "Thanh Hà"] and "commune_id" not in shown
    assert "unit" not in printable(gaps_by_commune(a), a)  # one district: no unit column


def test_a_commune_twice_in_one_unit_is_refused():
    a = _district("Tứ Kỳ", ["An Bình"], [("An Bình", "Y tế")])
    with pytest.raises(UserError, match="an-binh"):
        concat_plans([a, a])


# ----------------------------------------------------------------- I/O at the edges
def test_the_briefing_pack_is_written_all_or_nothing(tmp_path, monkeypatch, plan):
    from ntm_analysis.present.report import build

    out = tmp_path / "reports"
    out.mkdir()
    (out / "tom_tat.md").write_text("bản cũ", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "write_deck", broken)
    with pytest.raises(UserError, match="không ghi được"):
        build.build_report(plan, out_dir=out, dpi=40, force=True)  # force: tom_tat.md is not ntm's
    assert [p.name for p in out.iterdir()] == ["tom_tat.md"]
    assert (out / "tom_tat.md").read_text(encoding="utf-8") == "bản cũ"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_the_pack_refuses_a_folder_in_the_way_before_writing(tmp_path, plan):
    from ntm_analysis.present.report import build

    out = tmp_path / "reports"
    (out / "bao_cao_ntm.xlsx").mkdir(parents=True)
    with pytest.raises(UserError, match="thư mục trùng tên"):
        build.build_report(plan, out_dir=out, dpi=40)
    assert [p.name for p in out.iterdir()] == ["bao_cao_ntm.xlsx"]


# ----------------------------------------------------------------- texts in both languages
def test_validation_messages_in_english(tmp_path, capsys):
    code = main(["validate", "--format", "json", "--lang", "en"])
    issue = json.loads(capsys.readouterr().out)["issues"][0]
    assert code == 0 and issue["message"] == "Dân Chủ: the plan says 3 criteria are missing but lists 4"
    code = main(["validate"])
    assert "kế hoạch ghi còn 3 tiêu chí" in capsys.readouterr().out


def test_quality_messages_follow_the_language(plan):
    vi, en = quality(plan), quality(plan, lang="en")
    assert (vi["code"] == en["code"]).all() and (vi["message"] != en["message"]).all()
    assert en["message"].str.contains("Tiêu chí|Xã còn|không", regex=True).sum() == 0


def test_a_copy_of_the_tables_gives_the_same_answers(plan):
    """A plan rebuilt from copies of its tables passes the contract and answers alike."""
    tables = {k: v.copy() for k, v in plan.tables.items()}
    again = plan.with_tables(**tables)
    pd.testing.assert_frame_equal(gaps_by_commune(plan), gaps_by_commune(again))
    assert np.array_equal(analyse(plan).done, analyse(again).done)


def test_the_shared_run_is_dropped_when_a_table_changes(plan):
    run = analyse(plan)
    changed = plan.with_tables(completions=plan.completions)
    assert analyse(changed) is not run and analyse(plan) is run
