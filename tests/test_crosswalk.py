"""A 2021–2025 plan re-read in the 2026–2030 criteria (`--catalogue ntm_2026_2030`).

Expected values come from the cross-walk data file and the workbook's own Chi tiết sheet
(read here with PyYAML and openpyxl), not from the code that re-reads.
"""
from __future__ import annotations

import json
from collections import defaultdict

import pandas as pd
import pytest
import yaml

from ntm_analysis import config, load_plan
from ntm_analysis.cli import main
from test_units import _sheet_gaps

CROSSWALK = config.PACKAGE_DIR / "crosswalks" / "2021_2025_to_2026_2030.yaml"
NEW = "ntm_2026_2030"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _expected() -> dict[str, set[str]]:
    """New criterion → the communes whose old gaps feed it (the sheet's criteria, through the file)."""
    mapping = yaml.safe_load(CROSSWALK.read_text(encoding="utf-8"))["map"]
    plan = load_plan()
    code_of = {plan.catalogue.name(c): c for c in plan.catalogue.criterion_codes}
    out = defaultdict(set)
    for commune, names in _sheet_gaps().items():  # the workbook's own Chi tiết sheet
        for name in names:
            for new in mapping[code_of[name]]:
                out[new].add(commune)
    return out


def test_the_2023_plan_re_read_in_at_most_ten_criteria(capsys):
    code, out, err = run(capsys, "gaps", "--catalogue", NEW, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert 0 < len(rows) <= 10 and all(1 <= int(r["criterion_code"]) <= 10 for r in rows)
    expected = _expected()
    assert {r["criterion_code"]: r["communes"] for r in rows} == {k: len(v) for k, v in expected.items()}
    for r in rows:
        names = r["commune_names"].split(", ") if isinstance(r["commune_names"], str) else r["commune_names"]
        assert set(names) == expected[r["criterion_code"]]
    assert "Đọc lại kế hoạch" in err and "suy ra" in err  # labelled as a re-reading, inferred


def test_a_new_gap_is_due_when_its_last_old_gap_is(capsys):
    mapping = yaml.safe_load(CROSSWALK.read_text(encoding="utf-8"))["map"]
    old = load_plan().gaps
    old = old[old["requirement"] == "criterion"]
    due = defaultdict(list)
    for c, k, d in old[["commune", "criterion_code", "due"]].itertuples(index=False):
        for new in mapping[k]:
            due[(c, new)].append(d)
    from ntm_analysis.criteria.crosswalk import reread

    got = reread(load_plan(), NEW).gaps
    assert len(got) == len(due)
    for c, k, d, written in got[["commune", "criterion_code", "due", "written_as"]].itertuples(index=False):
        ds = due[(c, k)]
        if any(pd.isna(x) for x in ds):
            assert pd.isna(d), (c, k)
        else:
            assert d == max(ds), (c, k)
        assert written  # the old criteria it came from, as words
    assert (got["requirement"] == "criterion").all()  # model requirements are not carried over


def test_the_summary_and_every_analysis_say_it_is_a_re_reading(capsys):
    for cmd in (["workload"], ["projection"], ["ocop", "--totals"], ["quality"], ["indicators"]):
        code, out, err = run(capsys, *cmd, "--catalogue", NEW, "--format", "csv")
        assert code == 0 and "Đọc lại kế hoạch" in err, cmd
    code, out, err = run(capsys, "ocop", "--totals", "--catalogue", NEW, "--format", "json")
    totals = {r["measure"]: r["value"] for r in json.loads(out)}
    before = {r["measure"]: r["value"] for r in json.loads(run(capsys, "ocop", "--totals", "--format", "json")[1])}
    assert totals["communes"] == before["communes"] and totals["communes_chua_co"] == before["communes_chua_co"]


@pytest.mark.parametrize("target, words", [("khong_co", ["khong_co", NEW]),
                                           ("co_ban_2021_2025", ["bảng chuyển đổi", "co_ban_2021_2025"])])
def test_a_set_without_a_cross_walk_is_said(capsys, target, words):
    code, out, err = run(capsys, "gaps", "--catalogue", target)
    assert code == 2 and all(w in err for w in words) and "Traceback" not in err


def test_the_pack_of_a_re_read_plan_says_so_in_every_title():
    import matplotlib.pyplot as plt

    from ntm_analysis.criteria.crosswalk import reread
    from ntm_analysis.present.report.briefing import prepare
    from ntm_analysis.present.report.charts import draw

    b = prepare(reread(load_plan(), NEW))
    assert all("(đọc lại theo bộ 2026–2030)" in b.titles[k] for k in b.chart_keys)
    ax = draw(b, "matrix")
    assert ax.get_title(loc="left").endswith("(đọc lại theo bộ 2026–2030)")
    assert ax._left_title.get_fontweight() == "bold"  # the chart's own title style is kept
    plt.close(ax.figure)
