"""Charts: what they draw is the analyses' data, Vietnamese by default, English on request,
firm and inferred deadlines apart, and saved files byte-identical between runs.

Expected figures on the embedded plan are read from the plan text
(``../shared/source/000_ed397b9b96045f6e.txt``, kept as ``data/raw/tu_ky_2023_ke_hoach.txt``):

- criterion 13 (production organisation / OCOP) is named for 9 communes: Ngọc Kỳ,
  Quang Trung, Quang Khải, Tân Kỳ, Nguyên Giáp, Minh Đức, Văn Tố, Phương Kỳ, Quảng Nghiệp;
- year-only deadlines ("trong năm 2023", "hết năm 2023"): Quang Trung 3, Dân Chủ 4,
  Đại Hợp 2, Tân Kỳ 4 (3 criteria and the smart-village model), Nguyên Giáp 1 (poverty),
  Phương Kỳ 1 (culture) = 15 cells;
- due in quý II/2023 by the item or the commune: Ngọc Kỳ 8 and 13, Hưng Đạo 6 and 15,
  Nguyên Giáp 13 and 14, Minh Đức 8 and 14, Văn Tố 13 = 9 gaps overdue on 2023-07-01;
- information (8) due before OCOP (13) in Minh Đức (II vs III) and Quảng Nghiệp (III vs IV).
"""
from __future__ import annotations

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from ntm_analysis.analysis import (gaps_by_commune, gaps_by_criterion, matrix_cells, ocop_summary,  # noqa: E402
                                   projection, propagate_deadlines, workload)
from ntm_analysis.i18n import t as tt  # noqa: E402
from ntm_analysis.present import plots  # noqa: E402
from ntm_analysis.load.api import load_plan  # noqa: E402

VI_LETTERS = re.compile("[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


@pytest.fixture(scope="module")
def plan():
    return load_plan()


@pytest.fixture(scope="module")
def prop(plan):
    return propagate_deadlines(plan)


def _texts(ax) -> list[str]:
    fig = ax.figure
    out = [ax.get_title("left"), ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    out += [t.get_text() for t in ax.texts]
    out += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    leg = ax.get_legend()
    if leg is not None:
        out += [t.get_text() for t in leg.get_texts()]
    out += [t.get_text() for t in fig.texts]
    return [t for t in out if t]


def _draw_all(plan, prop, lang):
    base = projection(plan)
    later = projection(plan, review_lag=1)
    return {
        "matrix": plots.status_matrix(plan, lang=lang),
        "blocking": plots.blocking_criteria(gaps_by_criterion(plan), lang=lang, catalogue=plan.catalogue),
        "communes": plots.communes_by_gaps(gaps_by_commune(plan), lang=lang),
        "ocop": plots.ocop_dependencies(ocop_summary(plan), plan, lang=lang),
        "workload": plots.workload_by_department(workload(plan, by="department"), lang=lang),
        "projection": plots.projection_timeline(base, prop, lang=lang),
        "scenario": plots.scenario_comparison(base, later, lang=lang, name="x"),
    }


@pytest.fixture(scope="module")
def charts_vi(plan, prop):
    axes = _draw_all(plan, prop, "vi")
    yield axes
    for ax in axes.values():
        plots.close(ax)


@pytest.fixture(scope="module")
def charts_en(plan, prop):
    axes = _draw_all(plan, prop, "en")
    yield axes
    for ax in axes.values():
        plots.close(ax)


# ----------------------------------------------------------------- languages
def test_every_chart_has_vietnamese_labels_with_diacritics(charts_vi):
    for key, ax in charts_vi.items():
        title = ax.get_title("left")
        assert VI_LETTERS.search(title), (key, title)
        legend = ax.get_legend()
        assert legend is not None and any(VI_LETTERS.search(t.get_text()) for t in legend.get_texts()), key


def test_english_charts_use_english_labels(charts_en):
    expected = {"matrix": "matrix_title", "blocking": "blocking_title", "communes": "communes_title",
                "ocop": "ocop_title", "workload": "workload_title", "projection": "projection_title"}
    for key, text_key in expected.items():
        assert charts_en[key].get_title("left") == tt(f"chart.{text_key}", "en")
    assert charts_en["scenario"].get_title("left").startswith(tt("chart.scenario_title", "en"))
    # axis labels and legends carry no Vietnamese words (commune and department names aside)
    for key in ("blocking", "communes", "projection", "matrix"):
        ax = charts_en[key]
        for text in [ax.get_xlabel(), ax.get_ylabel()] + [t.get_text() for t in ax.get_legend().get_texts()]:
            assert not VI_LETTERS.search(text), (key, text)
    assert [t.get_text() for t in charts_en["projection"].get_xticklabels()][:2] == ["Q1 2023", "Q2 2023"]


def test_vietnamese_text_renders_without_missing_glyphs(charts_vi, tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for key, ax in charts_vi.items():
            ax.figure.savefig(tmp_path / f"{key}.png", dpi=50)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message).lower()]
    assert not missing
    for ax in charts_vi.values():  # drawn in the package's font, whatever Matplotlib's default
        assert {t.get_fontfamily()[0] for t in ax.texts + [ax.title, ax._left_title]} <= {"DejaVu Sans"}


def test_drawing_leaves_matplotlib_defaults_alone(plan):
    """Importing the charts and drawing one changes no global default of a notebook."""
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('Agg'); before = dict(matplotlib.rcParams)\n"
            "from ntm_analysis import load_plan\nfrom ntm_analysis.present import plots\n"
            "from ntm_analysis.analysis import gaps_by_criterion\n"
            "plots.blocking_criteria(gaps_by_criterion(load_plan()))\n"
            "changed = sorted(k for k, v in matplotlib.rcParams.items() if before.get(k) != v)\n"
            "assert not changed, changed\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


# ----------------------------------------------------------------- matrix
def test_matrix_cells_on_a_hand_made_plan(make_plan):
    p = make_plan(
        communes=["A", {"commune": "M", "target_level": "kieu_mau"}],
        gaps=[("A", "8", "2023Q2"), {"commune": "A", "criterion_code": "13", "due": "2023Q4",
                                     "due_source": "year-only"},
              ("A", "5", None), ("M", "13", "2023Q3"), ("M", "KM3", None)],
        completions=[("A", "8", "2023Q2")],
        model_requirements=[("M", "KM2", "thu nhập", "met"), ("M", "KM3", "thôn thông minh", "missing")],
    )
    cells = matrix_cells(p).set_index(["commune", "criterion_code"])
    # columns: criteria missing somewhere (5, 8, 13) then the model requirements KM2..KM4
    assert list(dict.fromkeys(c for _, c in cells.index)) == ["5", "8", "13", "KM2", "KM3", "KM4"]
    assert cells.loc[("A", "8"), "status"] == "done"
    assert cells.loc[("A", "13"), "status"] == "due" and not cells.loc[("A", "13"), "firm"]
    assert cells.loc[("A", "5"), "status"] == "undated"
    assert cells.loc[("M", "13"), "status"] == "due" and cells.loc[("M", "13"), "firm"]
    assert cells.loc[("M", "5"), "status"] == "met"
    assert cells.loc[("A", "KM3"), "status"] == "na"
    assert cells.loc[("M", "KM3"), "status"] == "undated"
    assert cells.loc[("M", "KM2"), "status"] == "met"
    # as of 2023-10-01 (Q4): M's criterion 13 (Q3) is overdue; A's 8 is done, not overdue
    late = matrix_cells(p, as_of="2023-10-01").set_index(["commune", "criterion_code"])["overdue"]
    assert late[late].index.tolist() == [("M", "13")]


def test_matrix_on_the_plan_hatches_exactly_the_year_only_deadlines(plan, charts_vi):
    cells = matrix_cells(plan)
    inferred = cells.loc[(cells["status"] == "due") & ~cells["firm"]]
    assert len(inferred) == 15
    assert inferred.groupby("commune").size().to_dict() == {
        "Quang Trung": 3, "Dân Chủ": 4, "Đại Hợp": 2, "Tân Kỳ": 4, "Nguyên Giáp": 1, "Phương Kỳ": 1}
    hatched = [p for p in charts_vi["matrix"].patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert len(hatched) == 15
    # undated cells say "?", firm quarters are written in (roman numerals, one plan year)
    texts = [t.get_text() for t in charts_vi["matrix"].texts]
    assert texts.count("?") == int((cells["status"] == "undated").sum())
    assert texts.count("II") == int(((cells["status"] == "due") & (cells["due"] == pd.Period("2023Q2", "Q"))).sum())


def test_matrix_overdue_on_the_plan(plan):
    cells = matrix_cells(plan, as_of="2023-07-01")
    late = cells.loc[cells["overdue"], ["commune", "criterion_code"]]
    assert sorted(map(tuple, late.to_numpy())) == sorted([
        ("Ngọc Kỳ", "8"), ("Ngọc Kỳ", "13"), ("Hưng Đạo", "6"), ("Hưng Đạo", "15"), ("Nguyên Giáp", "13"),
        ("Nguyên Giáp", "14"), ("Minh Đức", "8"), ("Minh Đức", "14"), ("Văn Tố", "13")])


# ----------------------------------------------------------------- bars
def test_blocking_bars_are_the_counts_most_first(plan, charts_vi):
    ax = charts_vi["blocking"]
    data = gaps_by_criterion(plan)
    widths = [p.get_width() for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0]
    assert widths == list(data["communes"])
    assert widths[0] == 9 and ax.get_yticklabels()[0].get_text().startswith("13.")
    assert [t.get_text() for t in ax.texts] == [str(n) for n in data["communes"]]


def test_communes_chart_adds_model_requirements_and_marks_ready(plan, charts_vi):
    ax = charts_vi["communes"]
    data = gaps_by_commune(plan)
    totals = dict(zip(data["commune"], data["missing"] + data["model_missing"]))
    labels = [t.get_text().replace(" ★", "") for t in ax.get_yticklabels()]
    assert labels[0] == "Quang Khải" and labels[-1] == "Quang Phục"  # 6 gaps first; nothing left last
    assert [totals[c] for c in labels] == sorted(totals.values(), reverse=True)
    assert tt("chart.ready_label") in [t.get_text() for t in ax.texts]
    assert sum(t.get_text().endswith("★") for t in ax.get_yticklabels()) == 2  # Tân Kỳ, Quảng Nghiệp


def test_workload_totals_and_undated_apart(plan, charts_vi):
    ax = charts_vi["workload"]
    by_quarter = workload(plan, by="quarter")
    assert [t.get_text() for t in ax.texts] == [str(n) for n in by_quarter["items"]]
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[-1] == tt("chart.undated_apart") and ticks[:-1] == ["quý II/2023", "quý III/2023", "quý IV/2023"]
    hatched = sum(p.get_height() for p in ax.patches if isinstance(p, Rectangle) and p.get_hatch())
    assert hatched == by_quarter["inferred"].sum() == 15


def test_workload_groups_small_departments():
    df = pd.DataFrame({"department": [f"Phòng {i}" for i in range(12)], "quarter": "2023Q2",
                       "items": range(12, 0, -1), "firm": range(12, 0, -1), "inferred": 0})
    ax = plots.workload_by_department(df, max_departments=8)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:8] == [f"Phòng {i}" for i in range(8)] and labels[8] == "Cơ quan khác (4)"
    assert ax.texts[0].get_text() == str(sum(range(1, 13)))
    plots.close(ax)


# ----------------------------------------------------------------- OCOP, projection, scenario
def test_ocop_picture_marks_the_two_conflicts(charts_vi):
    ax = charts_vi["ocop"]
    conflicts = [t for t in ax.texts if tt("chart.conflict_short") in t.get_text()]
    assert len(conflicts) == 2
    rows = [t.get_text().split("\n")[0] for t in ax.get_yticklabels()]
    flagged = sorted(rows[round(t.get_position()[1])] for t in conflicts)
    assert flagged == ["Minh Đức", "Quảng Nghiệp"]
    # communes missing criterion 13 are the rows; the others are named in a note
    assert len(rows) == 9 and "Quang Phục" in " ".join(t.get_text() for t in ax.texts)


def test_projection_timeline_marks_target_year_and_unscheduled(plan, prop, charts_vi):
    ax = charts_vi["projection"]
    proj = projection(plan)
    texts = [t.get_text() for t in ax.texts]
    assert tt("chart.target_end", year=2023) in texts
    assert texts.count("?") == int((proj["status"] == "unscheduled").sum())
    assert [t.get_text().replace(" ★", "") for t in ax.get_yticklabels()] == list(proj["commune"])


def test_finish_firmness(prop):
    firm = plots.finish_firmness(prop).rename(index=dict(zip(prop["commune_id"], prop["commune"])))
    assert not firm["Quang Trung"]  # all three criteria "trong năm 2023"
    assert firm["Văn Tố"]  # Giao thông and Giáo dục: quý IV/2023 stated
    assert firm["Hưng Đạo"]


def test_scenario_comparison_marks_changed_communes(plan, prop):
    base = projection(plan)
    later = projection(plan, review_lag=1)
    ax = plots.scenario_comparison(base, later, lang="vi")
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    text = lambda s: ["" if pd.isna(v) else str(v) for v in s]  # noqa: E731
    moved = [c for c, x, y in zip(base["commune"], text(base["recognition"]), text(later["recognition"])) if x != y]
    assert bold == moved and moved
    plots.close(ax)


# ----------------------------------------------------------------- files
def test_save_is_byte_identical_and_dateless(plan, tmp_path):
    outs = []
    for run in ("a", "b"):
        ax = plots.blocking_criteria(gaps_by_criterion(plan))
        outs.append(plots.save(ax, tmp_path / run / "chart", dpi=200))
        plots.close(ax)
    (png1, svg1), (png2, svg2) = outs
    assert png1.read_bytes() == png2.read_bytes()
    assert svg1.read_bytes() == svg2.read_bytes()
    svg = svg1.read_text()
    assert "<dc:date>" not in svg
    from PIL import Image

    with Image.open(png1) as im:
        assert round(im.info["dpi"][0]) == 200
        assert im.size[0] >= 2000  # 12 in × 200 dpi
