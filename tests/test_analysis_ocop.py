"""OCOP summary and district totals on a hand-made plan."""
import pandas as pd

from ntm_analysis.analysis import ocop_summary, ocop_totals


def _plan(make_plan, **kw):
    return make_plan(
        ["A", "B", "C", "D"],
        gaps=[("A", "8", "2023Q2"), ("A", "13", "2023Q3"),   # conflict: 8 due before 13
              ("B", "8", "2023Q4"), ("B", "13", "2023Q2"),   # fine
              ("C", "8", None), ("C", "13", None),
              ("D", "8", "2023Q2")],                         # 13 met: 8 waits on nothing
        ocop=[("B", "Dưa", "da_chon", 3)],
        **kw,
    )


def test_summary(make_plan):
    s = ocop_summary(_plan(make_plan)).set_index("commune")
    assert s.loc["A", "ocop_status"] == "chua_co" and s.loc["A", "waiting"] == ("8",)
    assert s.loc["A", "ocop_due"] == pd.Period("2023Q3", freq="Q")
    assert s.loc["A", "waiting_due"] == (pd.Period("2023Q2", freq="Q"),)
    assert s.loc["A", "waiting_effective_due"] == pd.Period("2023Q3", freq="Q")
    assert bool(s.loc["A", "conflict"]) and not s.loc["B", "conflict"]
    assert s.loc["B", "products"] == ("Dưa",) and s.loc["B", "target_stars"] == 3
    assert pd.isna(s.loc["C", "waiting_due"][0]) and not s.loc["C", "conflict"]
    assert s.loc["D", "ocop_status"] == "co_san_pham" and s.loc["D", "waiting"] == ()
    assert not s.loc["D", "ocop_gap"]


def test_totals(make_plan):
    t = ocop_totals(_plan(make_plan)).set_index("measure")["value"]
    assert t["communes_chua_co"] == 2 and t["communes_da_chon"] == 1  # A, C none; B chosen
    assert t["communes_da_chung_nhan"] == 0 and t["communes_co_san_pham"] == 1  # D meets criterion 13
    assert sum(t[f"communes_{s}"] for s in ("chua_co", "da_chon", "da_chung_nhan", "co_san_pham")) == t["communes"]
    assert t["ocop_gaps"] == 3 and t["ocop_gaps_undated"] == 1
    assert t["gaps_waiting_on_ocop"] == 3
    assert t["schedule_conflicts"] == 1


def test_completed_ocop_item_releases_waiting(make_plan):
    plan = _plan(make_plan, completions=[("A", "13", "2023Q2")])
    s = ocop_summary(plan).set_index("commune")
    assert not s.loc["A", "ocop_gap"] and s.loc["A", "waiting"] == () and not s.loc["A", "conflict"]
    # as of Q1 the completion had not happened yet
    s = ocop_summary(plan, as_of="2023-02-01").set_index("commune")
    assert s.loc["A", "conflict"]
