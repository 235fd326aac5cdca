"""A monthly briefing says the right numbers, one way, in words, on every surface.

The expected numbers are read from the 2023 plan (data/raw/tu_ky_2023_ke_hoach.txt):
section II lists 44 items for 13 communes, two of them the model requirement "Mô hình
thôn thông minh" (Tân Kỳ, Quảng Nghiệp), so 42 criteria and 2 model requirements are
left; Tân Kỳ lists three criteria (13, 8, 17) and that requirement. Four communes name an
OCOP product chosen (Nguyên Giáp, Văn Tố, Phương Kỳ, Quảng Nghiệp), four do not miss
criterion 13 (Quang Phục, Dân Chủ, Đại Hợp, Hưng Đạo), five miss it with no product.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import openpyxl  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from pptx import Presentation  # noqa: E402

from code_words import code_words  # noqa: E402
from ntm_analysis import config  # noqa: E402
from ntm_analysis.analysis import gaps_by_commune, ocop_summary, ocop_totals, projection, workload  # noqa: E402
from ntm_analysis.cli import main  # noqa: E402
from ntm_analysis.io.scenario_files import load_scenario  # noqa: E402
from ntm_analysis.load.api import load_plan, validate_workbook  # noqa: E402
from ntm_analysis.present import plots  # noqa: E402
from ntm_analysis.present.report.build import build_report  # noqa: E402
from ntm_analysis.present.report.charts import draw  # noqa: E402
from ntm_analysis.present.summary import show_summary  # noqa: E402
from ntm_analysis.present.table import for_people  # noqa: E402
from ntm_analysis.present.widget import WhatIf  # noqa: E402
from ntm_analysis.scenario.compare import diff_edits, effects, run_scenario  # noqa: E402
from ntm_analysis.scenario.model import scenario_from_dict  # noqa: E402

ONE_EDIT = config.SCENARIOS_DIR / "ocop_minh_duc_cham_mot_quy.yaml"
AS_OF = "02/10/2023"


@pytest.fixture(scope="module")
def plan():
    return load_plan()


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def packs(tmp_path_factory, plan):
    """The monthly briefing, both languages: as of 2 October 2023, with the one-edit scenario."""
    out = {}
    for lang in ("vi", "en"):
        d = tmp_path_factory.mktemp(f"pack_{lang}")
        out[lang] = build_report(plan, d, scenario=load_scenario(ONE_EDIT), as_of=AS_OF, lang=lang, dpi=60)
    return out


def _workbook_text(path: Path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v is not None)
            for ws in wb.worksheets}


def _deck_text(path: Path) -> list[str]:
    slides = []
    for s in Presentation(str(path)).slides:
        parts = []
        for sh in s.shapes:
            if sh.has_text_frame:
                parts.append(sh.text_frame.text)
            if sh.has_table:
                parts += [c.text for r in sh.table.rows for c in r.cells]
        slides.append("\n".join(parts))
    return slides


# ------------------------------------------------------------------ one count
def test_criteria_and_model_requirements_are_counted_one_way_everywhere(capsys, plan, packs):
    _, out, _ = run(capsys, "summary")
    assert "còn 42 tiêu chí và 2 yêu cầu kiểu mẫu chưa đạt (44 việc)" in out
    w = workload(plan)
    assert int(w["items"].sum()) == 44 and int(w["model"].sum()) == 2
    p = projection(plan).set_index("commune")
    g = gaps_by_commune(plan).set_index("commune")
    assert (p.loc["Tân Kỳ", "missing"], p.loc["Tân Kỳ", "model_missing"]) == (3, 1)
    assert (g.loc["Tân Kỳ", "missing"], g.loc["Tân Kỳ", "model_missing"]) == (3, 1)
    assert int(p["missing"].sum()) == int(g["missing"].sum()) == 42
    pack = packs["vi"]
    sheets = _workbook_text(pack["workbook"])
    assert "Tiêu chí còn thiếu (chưa xong)\n42" in sheets["Tóm tắt"]
    assert "Yêu cầu kiểu mẫu còn thiếu\n2" in sheets["Tóm tắt"]
    first_chart_slide = _deck_text(pack["deck"])[1]
    assert "42 tiêu chí và 2 yêu cầu kiểu mẫu chưa đạt" in first_chart_slide
    md = pack["summary"].read_text(encoding="utf-8")
    assert "Tiêu chí còn thiếu (chưa xong): 42" in md and "Yêu cầu kiểu mẫu còn thiếu: 2" in md


def test_ocop_totals_are_the_tables_categories_and_add_up(capsys, plan):
    tot = ocop_totals(plan).set_index("measure")["value"]
    table = ocop_summary(plan)["ocop_status"].value_counts()
    cats = {"chua_co": 5, "da_chon": 4, "da_chung_nhan": 0, "co_san_pham": 4}
    assert {k: int(tot[f"communes_{k}"]) for k in cats} == cats
    assert {k: int(table.get(k, 0)) for k in cats} == cats
    assert sum(cats.values()) == int(tot["communes"]) == 13
    _, out, _ = run(capsys, "ocop", "--totals")
    assert re.search(r"Xã chưa có sản phẩm OCOP\s+5", out) and re.search(r"Xã đã đạt tiêu chí OCOP\s+4", out)


# ------------------------------------------------------------------ words, not codes
COMMANDS = [["gaps"], ["gaps", "--by", "commune"], ["gaps", "--by", "department"], ["gaps", "--by", "section"],
            ["gaps", "--by", "unlocks"], ["ocop"], ["ocop", "--totals"], ["workload"], ["workload", "--by", "department"],
            ["workload", "--as-of", AS_OF], ["workload", "--overdue", "--as-of", AS_OF], ["projection"],
            ["projection", "--as-of", AS_OF], ["quality"], ["summary"], ["scenario", str(ONE_EDIT)], ["validate"]]


def test_no_code_word_in_the_extractor_report(capsys, tmp_path):
    code, out, err = run(capsys, "extract", str(config.RAW_DIR / "tu_ky_2023_ke_hoach.txt"),
                         "--out", str(tmp_path / "ke_hoach.xlsx"))
    assert code == 0, err
    assert "Một mục nêu hai tiêu chí" in out  # Dân Chủ's "Hành chính công và Tiếp cận pháp luật"
    assert code_words(out, "vi") == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_code_word_in_a_terminal_table(capsys, lang):
    for argv in COMMANDS:
        code, out, err = run(capsys, *argv, "--lang", lang)
        assert code == 0, (argv, err)
        assert code_words(out, lang) == [], (argv, code_words(out, lang))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_code_word_in_the_workbook_the_deck_or_the_summary(packs, lang):
    pack = packs[lang]
    for sheet, text in _workbook_text(pack["workbook"]).items():
        assert code_words(text, lang) == [], (sheet, code_words(text, lang))
    for i, text in enumerate(_deck_text(pack["deck"])):
        assert code_words(text, lang) == [], (i, code_words(text, lang))
    md = pack["summary"].read_text(encoding="utf-8")
    assert code_words(md, lang) == []


def test_notebook_tables_and_summary_are_in_words(plan):
    for df in (ocop_totals(plan), ocop_summary(plan), projection(plan), workload(plan), plan.ocop,
               plan.model_requirements):
        text = for_people(df).to_string()
        assert code_words(text, "vi") == [], code_words(text, "vi")
    summary = repr(show_summary(plan))
    assert summary.splitlines()[2].startswith("13 xã; còn 42 tiêu chí") and "{" not in summary


def test_english_is_english_throughout(capsys, packs):
    sheets = _workbook_text(packs["en"]["workbook"])
    assert "Production organisation and rural economy" in sheets["By criterion"]
    assert "Tổ chức sản xuất" not in sheets["By criterion"]
    _, out, _ = run(capsys, "quality", "--lang", "en", "--format", "json")
    messages = [r["message"] for r in json.loads(out)]
    assert messages and not any(re.search(r"tiêu chí|kế hoạch|\bxã\b|chưa", m) for m in messages), messages
    _, out, _ = run(capsys, "validate", "--lang", "en")
    assert "WARNING" in out and "cảnh báo" not in out and "0 errors" in out


# ------------------------------------------------------------------ assumptions in sight
def test_the_review_lag_in_force_is_said_beside_every_projection(capsys, plan, packs):
    # with one more quarter, the nine communes on track whose last item is due in quý IV
    # (all but Ngọc Kỳ and Hưng Đạo, due in quý II) would miss 2023: 7 of 9
    _, out, _ = run(capsys, "projection")
    assert out.splitlines()[0].startswith("Giả định: công nhận ngay trong quý xong việc cuối")
    assert "7/9 xã đang kịp năm sẽ có nguy cơ lùi" in out.splitlines()[0]
    _, out, _ = run(capsys, "projection", "--review-lag", "1")
    assert out.startswith("Giả định: công nhận 1 quý sau khi xong việc cuối")
    b = packs["vi"]["briefing"]
    note = b.notes["projection"]
    assert note.startswith("Giả định:")
    assert note in _workbook_text(packs["vi"]["workbook"])["Tóm tắt"]
    assert note in packs["vi"]["summary"].read_text(encoding="utf-8")
    ax = draw(b, "projection")  # the chart the deck shows carries the note under its title
    assert any(t.get_text().replace("\n", " ") == note for t in ax.texts)
    plots.close(ax)
    slide = Presentation(str(packs["vi"]["deck"])).slides[6]
    assert b.findings["projection"] in _deck_text(packs["vi"]["deck"])[6]
    assert any(sh.shape_type == 13 for sh in slide.shapes)  # the chart as a picture


# ------------------------------------------------------------------ the what-if answers
def test_undated_items_can_be_assumed_so_minh_duc_can_be_compared(plan):
    r = run_scenario(plan, load_scenario(ONE_EDIT))
    # Minh Đức: 5, 13 due quý III, 8 waits on 13, 14 quý II, 19 undated (assumed quý III):
    # recognition quý III; with OCOP a quarter later, 13 and the 8 waiting on it move to quý IV
    assert effects(r) == [("hai-duong/tu-ky/minh-duc",
                           "Minh Đức: công nhận quý III/2023 → quý IV/2023, vẫn trong năm 2023.")]
    for p in (r["baseline_plan"], r["plan"]):
        g = p.gaps.set_index("gap_id")
        assert g.loc["hai-duong/tu-ky/minh-duc|19", "due_source"] == "assumed"
        assert g.loc["hai-duong/tu-ky/minh-duc|19", "due_written"] == ""
    changes = diff_edits(r["baseline_plan"], r["plan"], r["baseline_params"], r["params"])
    rows = changes.set_index("criterion_code")
    assert rows.loc["13", "change"] == "due"
    assert (rows.loc["8", "change"], str(rows.loc["8", "baseline"]), str(rows.loc["8", "scenario"]),
            rows.loc["8", "via"]) == ("knock_on", "2023Q3", "2023Q4", "13")


def test_undated_as_on_the_command_line_and_in_the_report(capsys):
    _, out, _ = run(capsys, "projection", "--undated-as", "quý IV/2023", "--format", "json")
    p = {r["commune"]: r for r in json.loads(out)}
    assert p["Quang Khải"]["status"] == "on_track" and p["Quang Khải"]["recognition"] == "2023Q4"
    _, out, _ = run(capsys, "projection", "--undated-as", "quý IV/2023")
    assert out.startswith("Giả định: các việc kế hoạch chưa ghi hạn được tính là hạn quý IV/2023.")
    with pytest.raises(SystemExit) as exc:
        main(["projection", "--undated-as", "sớm nhất có thể"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "không đọc được thời hạn 'sớm nhất có thể'" in err and "Traceback" not in err


def test_the_slide_and_the_scenario_command_say_each_effect(capsys, packs, plan):
    _, out, _ = run(capsys, "scenario", str(ONE_EDIT))
    assert "- Minh Đức: công nhận quý III/2023 → quý IV/2023, vẫn trong năm 2023." in out
    assert "kéo theo" in out  # criterion 8 moves with its OCOP item
    # as of 2 October, open work cannot finish before quý IV: the slip changes nothing, and says why
    finding = packs["vi"]["briefing"].findings["scenario"]
    assert "không xã nào thay đổi dự kiến" in finding and "tính đến 02/10/2023" in finding
    assert any(finding in s for s in _deck_text(packs["vi"]["deck"]))


def test_the_shipped_scenarios_each_test_one_idea(plan):
    expected = {
        "ocop_minh_duc_cham_mot_quy": "Minh Đức: công nhận quý III/2023 → quý IV/2023, vẫn trong năm 2023.",
        "hung_dao_xong_van_hoa": "Hưng Đạo: còn 1 việc (trước: 2), công nhận vẫn quý II/2023.",
        "ocop_ca_huyen_cham_mot_quy": "Tân Kỳ: công nhận quý IV/2023 → quý I/2024, lỡ năm 2023.",
        "tinh_them_mot_quy_tham_dinh": "Ngọc Kỳ: công nhận quý II/2023 → quý III/2023, vẫn trong năm 2023.",
    }
    assert {p.stem for p in config.SCENARIOS_DIR.glob("*.yaml")} == set(expected)
    for stem, sentence in expected.items():
        sc = load_scenario(config.SCENARIOS_DIR / f"{stem}.yaml")
        assert len(sc.edits) == 1, stem
        assert sentence in [text for _cid, text in effects(run_scenario(plan, sc))], stem


@pytest.mark.parametrize("written, code", [("OCOP", "13"), ("sản phẩm OCOP", "13"), ("Quốc phòng", "19")])
def test_the_names_people_use_for_criteria(plan, written, code):
    sc = scenario_from_dict({"name": "x", "edits": [{"commune": "Minh Đức", "criterion": written, "done": True}]})
    r = run_scenario(plan, sc)
    done = r["plan"].completions
    assert done["criterion_code"].tolist() == [code]


# ------------------------------------------------------------------ silent defaults
def test_silent_defaults_become_warnings(tmp_path):
    src = config.DEFAULT_WORKBOOK
    no_info = tmp_path / "khong_thong_tin.xlsx"
    shutil.copy(src, no_info)
    wb = openpyxl.load_workbook(no_info)
    del wb["Thông tin"]
    wb.save(no_info)
    _plan, found = validate_workbook(no_info)
    assert [f.code for f in found if f.sheet == "Thông tin"] == ["no_info_sheet"]
    assert "coi như dùng Bộ tiêu chí xã NTM nâng cao" in found[0].message
    odd = tmp_path / "la.xlsx"
    shutil.copy(src, odd)
    wb = openpyxl.load_workbook(odd)
    wb["Chi tiết"].cell(3, 4).value = "một cụm từ không phải tiêu chí"
    del wb["Ma trận"]  # the model requirements KM2, KM4 are then never mentioned
    wb.save(odd)
    _plan, found = validate_workbook(odd)
    unread = [f for f in found if f.code == "criterion_written_unread"]
    assert len(unread) == 1 and unread[0].row == 3
    unstated = sorted((f.commune, f.criterion) for f in found if f.code == "model_requirement_unstated")
    assert unstated == [("Quảng Nghiệp", "KM2"), ("Quảng Nghiệp", "KM4"), ("Tân Kỳ", "KM2"), ("Tân Kỳ", "KM4")]


# ------------------------------------------------------------------ the dashboard
def test_the_dashboard_opens_where_there_is_something_to_edit_and_explains_a_non_change(plan, tmp_path):
    app = WhatIf(plan, chart=False, scenario_dir=tmp_path)
    assert app.commune.value == "Ngọc Kỳ"  # Quang Phục, first, has nothing left
    app.commune.value = "Minh Đức"
    app.due["5"].value = "2023Q2"  # Minh Đức still has Quốc phòng without a deadline
    assert "Minh Đức vẫn chưa dự kiến được: còn Quốc phòng và An ninh chưa có hạn." in app.effects.value
    assert "còn mục chưa có hạn" in app.table.value and "chưa đủ thời hạn" not in app.table.value
    assert "tiêu chí 5 (Giáo dục): hạn quý II/2023" in app.edit_list.value
    app.undated_as.value = "2023Q3"  # Quốc phòng then due quý III, as are 8 and 13: still no change, and why
    assert "Quốc phòng và An ninh vẫn là các việc cuối, hạn quý III/2023" in app.effects.value
    app.due["13"].value = "2023Q4"  # the OCOP item (and 8, waiting on it) a quarter later
    assert "Minh Đức: công nhận quý III/2023 → quý IV/2023, vẫn trong năm 2023." in app.effects.value
    for html_text in (app.table.value, app.edit_list.value, app.effects.value):
        assert code_words(re.sub(r"<[^>]+>", " ", html_text), "vi") == []
