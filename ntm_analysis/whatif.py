"""What-if logic for the scenario notebook and the dashboard, and a small widget.

The logic is plain functions over a list of scenario edits (dicts, as in a scenario
YAML file; see :mod:`ntm_analysis.scenario`); they return new lists and never
change their inputs. :class:`WhatIf` only wires ``observe`` callbacks to them, so a
test drives it by setting ``.value`` on its controls.

Controls and the edits they own:

- a gap's "done" checkbox: ``{commune: X, criterion: 13, done: true}``;
- a gap's quarter dropdown: ``{commune: X, criterion: 13, due: 2023Q4}`` (the first
  option, "theo kế hoạch", removes it);
- the district-wide OCOP delay: ``{commune: all, criterion: 13, shift: n}``, kept
  after the per-gap edits so the delay applies on top of them;
- the review lag: the ``review_lag`` parameter.

Edits loaded from a file that no control owns are kept, in order, and listed.

>>> from ntm_analysis.loader import load_plan
>>> plan = load_plan()
>>> edits = set_due([], plan, "Minh Đức", "13", "2023Q4")
>>> edits = set_district_shift(edits, plan, 1)
>>> edits
[{'commune': 'Minh Đức', 'criterion': 13, 'due': '2023Q4'}, {'commune': 'all', 'criterion': 13, 'shift': 1}]
>>> due_override(edits, plan, "Minh Đức", "13"), district_shift(edits, plan)
('2023Q4', 1)
"""
from __future__ import annotations

import contextlib
import html
import io
import time
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import pandas as pd

from . import config
from .analysis.dependencies import OCOP_CRITERION
from .analysis.gaps import completed_mask
from .errors import UserError
from .labels import header, value_label
from .plan import Plan
from .quarters import DeadlineError, format_quarter, parse_deadline
from .scenario import (Scenario, apply_scenario, compare, load_scenario, run_scenario, save_scenario,
                       scenario_from_dict, scenario_parameters)
from .text import fold

TEXT: dict[str, tuple[str, str]] = {
    "title": ("Kịch bản “nếu… thì…”", "What-if scenarios"),
    "commune": ("Xã", "Commune"),
    "ocop_delay": ("OCOP cả huyện chậm (quý)", "District OCOP delay (quarters)"),
    "review_lag": ("Thời gian thẩm định (quý)", "Review lag (quarters)"),
    "as_planned": ("theo kế hoạch ({q})", "as planned ({q})"),
    "done": ("đã xong", "done"),
    "gaps_of": ("Tiêu chí còn thiếu của xã {c}", "Gaps of {c}"),
    "no_gaps": ("Xã {c} không còn tiêu chí nào thiếu.", "{c} has no gaps left."),
    "name": ("Tên kịch bản", "Scenario name"),
    "file": ("Tệp (trong {d})", "File (in {d})"),
    "save": ("Lưu kịch bản (YAML)", "Save scenario (YAML)"),
    "load": ("Mở kịch bản", "Load scenario"),
    "saved": ("Đã lưu {p}", "Saved {p}"),
    "loaded": ("Đã mở {p}: {n} thay đổi", "Loaded {p}: {n} edits"),
    "edits": ("Các thay đổi đang áp dụng", "Edits in force"),
    "no_edits": ("(chưa có thay đổi: đang xem kế hoạch gốc)", "(no edits: showing the baseline)"),
    "changed": ("thay đổi", "changed"),
    "summary": ("{n}/{t} xã thay đổi so với kế hoạch gốc", "{n}/{t} communes changed from the baseline"),
    "default_name": ("Kịch bản của tôi", "My scenario"),
    "shown": (" (bảng chỉ hiện {k} xã: các xã thay đổi và xã đang chọn)",
              " (showing {k}: the changed communes and the chosen one)"),
}


def tr(key: str, lang: str = "vi", **fmt: object) -> str:
    """A widget text in the chosen language.

    >>> tr("done"), tr("done", "en")
    ('đã xong', 'done')
    """
    vi, en = TEXT[key]
    text = en if lang == "en" else vi
    return text.format(**fmt) if fmt else text


# ----------------------------------------------------------------- edit lists
def _criterion_value(code: str) -> object:
    """How a widget writes a criterion: ``13`` (an int) or ``"KM3"``."""
    return int(code) if str(code).isdigit() else str(code)


def _resolves_to(plan: Plan, written: object, code: str) -> bool:
    if written is None:
        return False
    m = plan.catalogue.match(str(written))
    return m.codes == (str(code),)


def targets(edit: Mapping, plan: Plan, commune: str, code: str, action: str) -> bool:
    """True when ``edit`` is a ``action`` edit for exactly this commune and criterion."""
    return (action in edit and fold(edit.get("commune")) == fold(commune)
            and _resolves_to(plan, edit.get("criterion"), code))


def _is_district_shift(edit: Mapping, plan: Plan, code: str) -> bool:
    return ("shift" in edit and fold(edit.get("commune")) in ("all", "tat ca", "toan huyen", "*")
            and _resolves_to(plan, edit.get("criterion"), code))


def _insert_at(edits: Sequence[Mapping], plan: Plan) -> int:
    """Where a new per-gap edit goes: before the first district-wide shift."""
    for i, e in enumerate(edits):
        if "shift" in e and fold(e.get("commune")) in ("all", "tat ca", "toan huyen", "*"):
            return i
    return len(edits)


def _upsert(edits: Sequence[Mapping], plan: Plan, commune: str, code: str, action: str,
            value: object | None) -> list[dict]:
    """Replace the last ``action`` edit for (commune, code) by ``value`` (drop the others);
    ``None`` drops them all; insert a new edit when there was none."""
    hits = [i for i, e in enumerate(edits) if targets(e, plan, commune, code, action)]
    out = [dict(e) for e in edits]
    if value is None:
        return [e for i, e in enumerate(out) if i not in hits]
    new = {"commune": commune, "criterion": _criterion_value(code), action: value}
    if hits:
        keep = hits[-1]
        out[keep] = {**out[keep], action: value}
        return [e for i, e in enumerate(out) if i == keep or i not in hits]
    out.insert(_insert_at(out, plan), new)
    return out


def set_due(edits: Sequence[Mapping], plan: Plan, commune: str, code: str,
            quarter: pd.Period | str | None) -> list[dict]:
    """Edits with the deadline of (commune, code) set to ``quarter`` (``None``: as planned).

    >>> from ntm_analysis.loader import load_plan
    >>> set_due([], load_plan(), "Minh Đức", "19", "quý III/2023")
    [{'commune': 'Minh Đức', 'criterion': 19, 'due': '2023Q3'}]
    """
    if quarter is None or (isinstance(quarter, str) and not quarter.strip()):
        return _upsert(edits, plan, commune, code, "due", None)
    try:
        d = parse_deadline(quarter)
    except DeadlineError as exc:
        raise UserError(str(exc), 1) from None
    return _upsert(edits, plan, commune, code, "due", str(d.quarter))


def set_done(edits: Sequence[Mapping], plan: Plan, commune: str, code: str, done: bool) -> list[dict]:
    """Edits with (commune, code) marked done or not; no edit when that is the baseline."""
    base = baseline_done(plan, commune, code)
    return _upsert(edits, plan, commune, code, "done", None if bool(done) == base else bool(done))


def set_district_shift(edits: Sequence[Mapping], plan: Plan, n: int, code: str = OCOP_CRITERION) -> list[dict]:
    """Edits with the district-wide shift of criterion ``code`` set to ``n`` quarters
    (0 removes it). A new one goes last."""
    hits = [i for i, e in enumerate(edits) if _is_district_shift(e, plan, code)]
    out = [dict(e) for e in edits]
    if not n:
        return [e for i, e in enumerate(out) if i not in hits]
    if hits:
        keep = hits[-1]
        out[keep] = {**out[keep], "shift": int(n)}
        return [e for i, e in enumerate(out) if i == keep or i not in hits]
    return out + [{"commune": "all", "criterion": _criterion_value(code), "shift": int(n)}]


def due_override(edits: Sequence[Mapping], plan: Plan, commune: str, code: str) -> str | None:
    """The quarter (``"2023Q4"``) the last due edit of (commune, code) sets, or ``None``."""
    hits = [e for e in edits if targets(e, plan, commune, code, "due")]
    return str(parse_deadline(hits[-1]["due"]).quarter) if hits else None


def done_state(edits: Sequence[Mapping], plan: Plan, commune: str, code: str) -> bool:
    """Whether (commune, code) is done: the last done edit for it, else the baseline."""
    hits = [e for e in edits if targets(e, plan, commune, code, "done")]
    if hits:
        return hits[-1]["done"] is not False
    return baseline_done(plan, commune, code)


def baseline_done(plan: Plan, commune: str, code: str) -> bool:
    g = plan.gaps
    row = g.loc[(g["commune"] == commune) & (g["criterion_code"].astype(str) == str(code))]
    return bool(len(row)) and bool(completed_mask(row, plan.completions).all())


def district_shift(edits: Sequence[Mapping], plan: Plan, code: str = OCOP_CRITERION) -> int:
    """The district-wide shift of criterion ``code`` (0 when none)."""
    hits = [e for e in edits if _is_district_shift(e, plan, code)]
    return int(hits[-1]["shift"]) if hits else 0


def owned(edit: Mapping, plan: Plan, communes: set[str] | None = None) -> bool:
    """True when a widget control owns the edit (others are listed, kept as they are).
    ``communes``: the plan's folded commune names, when already at hand."""
    if "review_lag" in edit:
        return True
    if _is_district_shift(edit, plan, OCOP_CRITERION):
        return True
    if ("done" in edit and isinstance(edit["done"], bool)) or "due" in edit:
        m = plan.catalogue.match(str(edit.get("criterion"))) if edit.get("criterion") is not None else None
        communes = communes if communes is not None else {fold(c) for c in plan.commune_names}
        return bool(m and len(m.codes) == 1) and fold(edit.get("commune")) in communes
    return False


# ----------------------------------------------------------------- choices
def commune_gaps(plan: Plan, commune: str, lang: str = "vi") -> pd.DataFrame:
    """The gaps a commune's controls show: ``criterion_code, label, due, due_source, done``.

    >>> from ntm_analysis.loader import load_plan
    >>> commune_gaps(load_plan(), "Hưng Đạo")["criterion_code"].tolist()
    ['6', '15']
    """
    g = plan.gaps.loc[plan.gaps["commune"] == commune].drop_duplicates(["commune", "criterion_code"])
    cat = plan.catalogue
    done = completed_mask(g, plan.completions)
    return pd.DataFrame({
        "criterion_code": g["criterion_code"].astype(str).to_numpy(),
        "label": [cat.label(c, lang) if c in cat.codes else c for c in g["criterion_code"].astype(str)],
        "due": g["due"].to_numpy(),
        "due_source": g["due_source"].to_numpy(),
        "done": done.to_numpy(dtype=bool),
    })


def quarter_choices(plan: Plan, before: int = 4, after: int = 12) -> list[pd.Period]:
    """Quarters a deadline dropdown offers: from ``before`` quarters ahead of the plan
    year to ``after`` quarters after it, widened to every deadline in the plan."""
    start = pd.Period(year=plan.plan_year, quarter=1, freq="Q-DEC") - before
    end = pd.Period(year=plan.plan_year, quarter=4, freq="Q-DEC") + after
    dues = plan.gaps["due"].dropna()
    if len(dues):
        start, end = min(start, dues.min()), max(end, dues.max())
    return list(pd.period_range(start, end, freq="Q-DEC"))


def due_options(plan: Plan, baseline_due: pd.Period | None, lang: str = "vi",
                extra: str | None = None) -> list[tuple[str, str]]:
    """Dropdown options ``(label, value)``: first "as planned" (value ""), then quarters."""
    qs = quarter_choices(plan)
    if extra and pd.Period(extra, freq="Q-DEC") not in qs:
        qs = sorted(set(qs) | {pd.Period(extra, freq="Q-DEC")})
    planned = format_quarter(None if pd.isna(baseline_due) else baseline_due, lang)
    return [(tr("as_planned", lang, q=planned), "")] + [(format_quarter(q, lang), str(q)) for q in qs]


# ----------------------------------------------------------------- evaluating
def make_scenario(edits: Sequence[Mapping], parameters: Mapping | None = None, name: str = "",
                  note: str = "") -> Scenario:
    """A checked :class:`~ntm_analysis.scenario.Scenario` from widget state."""
    return scenario_from_dict({"name": name, "note": note, "edits": [dict(e) for e in edits],
                               "parameters": dict(parameters or {})})


def evaluate(plan: Plan, scenario: Scenario, baseline_projection: pd.DataFrame | None = None,
             review_lag: int = 0, as_of: object = None) -> dict[str, Any]:
    """Apply and project: ``plan, params, baseline, projection, comparison`` (see
    :func:`ntm_analysis.scenario.run_scenario`).

    Pass a cached ``baseline_projection`` (made with the same ``review_lag`` and
    ``as_of``) to recompute only the scenario side.
    """
    return run_scenario(plan, scenario, review_lag=review_lag, as_of=as_of, baseline_projection=baseline_projection)


def _cell(column: str, value: object, lang: str) -> str:
    if isinstance(value, pd.Period):
        return format_quarter(value, lang)
    if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return str(value_label(column, value, lang))


MAX_ROWS = 40  # above this many communes, tables and charts show changed ones (and the chosen one)


def rows_to_show(comparison: pd.DataFrame, selected: str | None = None, limit: int = MAX_ROWS) -> pd.Series:
    """Which communes a table or chart shows: all of them up to ``limit``; beyond,
    the changed ones and ``selected`` (first ``limit``).

    >>> c = pd.DataFrame({"commune": list("abc"), "changed": [False, True, False]})
    >>> rows_to_show(c, "c", limit=2).tolist()
    [False, True, True]
    """
    if len(comparison) <= limit:
        return pd.Series(True, index=comparison.index)
    keep = comparison["changed"].astype(bool) | (comparison["commune"] == selected)
    return keep & (keep.cumsum() <= limit)


def comparison_html(comparison: pd.DataFrame, lang: str = "vi", selected: str | None = None,
                    limit: int = MAX_ROWS) -> str:
    """The comparison as an HTML table: changed rows bold on a light background and
    marked "●" (not by colour alone). Large plans show only changed communes and
    ``selected`` (see :func:`rows_to_show`)."""
    n = int(comparison["changed"].sum())
    total = len(comparison)
    comparison = comparison.loc[rows_to_show(comparison, selected, limit)]
    cols = ["commune", "finish_baseline", "finish_scenario", "recognition_baseline", "recognition_scenario",
            "status_baseline", "status_scenario"]
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(header(c, lang))}</th>" for c in cols)
    rows = []
    for r in comparison.to_dict("records"):
        changed = bool(r["changed"])
        style = "background:#FFF1C1;font-weight:bold" if changed else ""
        mark = "●" if changed else ""
        cells = "".join(f"<td style='padding:2px 8px'>{html.escape(_cell(c, r[c], lang))}</td>" for c in cols)
        rows.append(f"<tr class='{'changed' if changed else 'same'}' style='{style}'>"
                    f"<td style='padding:2px 4px;color:#B35900'>{mark}</td>{cells}</tr>")
    summary = html.escape(tr("summary", lang, n=n, t=total))
    if len(comparison) < total:
        summary += html.escape(tr("shown", lang, k=len(comparison)))
    return (f"<div class='ntm-comparison'><p>{summary}</p>"
            f"<table style='border-collapse:collapse'><thead><tr><th></th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def edits_html(edits: Sequence[Mapping], plan: Plan, lang: str = "vi", parameters: Mapping | None = None) -> str:
    """The edits (and parameters) in force as a short list; edits no control owns are marked *."""
    if not edits and not parameters:
        return f"<p><i>{html.escape(tr('no_edits', lang))}</i></p>"
    items = [f"<li><code>{html.escape(f'{k}: {v}')}</code></li>" for k, v in (parameters or {}).items()]
    communes = {fold(c) for c in plan.commune_names}
    for e in edits:
        text = ", ".join(f"{k}: {v}" for k, v in e.items())
        star = "" if owned(e, plan, communes) else " *"
        items.append(f"<li><code>{html.escape(text)}</code>{star}</li>")
    return f"<p><b>{html.escape(tr('edits', lang))}</b></p><ul>{''.join(items)}</ul>"


def chart_png(baseline: pd.DataFrame, projection: pd.DataFrame, lang: str = "vi", name: str = "",
              dpi: int = 90, selected: str | None = None, limit: int = MAX_ROWS) -> bytes:
    """The baseline-vs-scenario chart (:func:`ntm_analysis.plots.scenario_comparison`)
    as PNG bytes; large plans draw only changed communes and ``selected``."""
    import matplotlib.pyplot as plt

    from . import plots

    if len(baseline) > limit:
        keep = set(compare(baseline, projection).pipe(lambda c: c.loc[rows_to_show(c, selected, limit), "commune"]))
        baseline = baseline.loc[baseline["commune"].isin(keep)]
        projection = projection.loc[projection["commune"].isin(keep)]

    ax = plots.scenario_comparison(baseline, projection, lang=lang, name=name)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(ax.figure)
    return buf.getvalue()


def scenario_path(written: str, folder: Path | str | None = None) -> Path:
    """A scenario file path inside ``folder`` (default ``data/scenarios``), from what a
    user typed: a bare name gets ``.yaml``; anything outside the folder, or another
    suffix, is refused (the dashboard must not write or read other files).

    >>> scenario_path("thu", "/tmp/sc").as_posix()
    '/tmp/sc/thu.yaml'
    """
    folder = Path(folder or config.SCENARIOS_DIR).resolve()
    text = (written or "").strip()
    if not text:
        raise UserError("cần tên tệp kịch bản, vd. kich_ban_1.yaml", 2)
    p = Path(text)
    if p.suffix == "":
        p = p.with_suffix(".yaml")
    if p.suffix.lower() not in (".yaml", ".yml"):
        raise UserError(f"{text}: tệp kịch bản phải có đuôi .yaml", 2)
    target = (p if p.is_absolute() else folder / p.name if len(p.parts) == 1 else config.ROOT / p).resolve()
    if target.parent != folder:
        raise UserError(f"{text}: chỉ lưu và mở kịch bản trong thư mục {folder}", 2)
    return target


# ----------------------------------------------------------------- the widget
class WhatIf:
    """The what-if panel: commune, per-gap done/quarter, OCOP delay, review lag, the
    comparison table, the chart, save and load.

    >>> # app = WhatIf(load_plan()); app  (in a notebook)
    >>> # app.commune.value = "Minh Đức"; app.due["13"].value = "2024Q1"; app.table.value
    """

    def __init__(self, plan: Plan | None = None, lang: str = "vi", review_lag: int = 0,
                 scenario_dir: Path | str | None = None, chart: bool = True, as_of: object = None):
        import ipywidgets as W

        if plan is None:
            from .loader import load_plan
            plan = load_plan()
        self.plan = plan
        self.lang = lang
        self.base_review_lag = int(review_lag)
        self.base_as_of = as_of
        self.scenario_dir = Path(scenario_dir or config.SCENARIOS_DIR)
        self.draw_chart = chart
        self.edits: list[dict] = []
        self.parameters: dict[str, Any] = {}
        self.note = ""
        self.result: dict[str, Any] | None = None
        self.chart_bytes: bytes = b""
        self.timings: dict[str, float] = {}
        self._quiet = False
        from .analysis.projection import projection

        self.baseline = projection(plan, review_lag=self.base_review_lag,
                                   as_of=None if as_of is None else pd.Timestamp(as_of))

        names = plan.commune_names
        self.commune = W.Dropdown(options=names, value=names[0] if names else None,
                                  description=tr("commune", lang), style={"description_width": "initial"})
        self.ocop_delay = W.IntSlider(value=0, min=-2, max=8, description=tr("ocop_delay", lang),
                                      style={"description_width": "initial"}, continuous_update=False,
                                      layout=W.Layout(width="360px"))
        self.review_lag = W.IntSlider(value=self.base_review_lag, min=0, max=4, description=tr("review_lag", lang),
                                      style={"description_width": "initial"}, continuous_update=False,
                                      layout=W.Layout(width="340px"))
        self.gaps_box = W.VBox()
        self.done: dict[str, Any] = {}
        self.due: dict[str, Any] = {}
        self.edit_list = W.HTML()
        self.name = W.Text(value=tr("default_name", lang), description=tr("name", lang),
                           style={"description_width": "initial"})
        self.path = W.Text(value="kich_ban_cua_toi.yaml", description=tr("file", lang, d=self.scenario_dir.name),
                           style={"description_width": "initial"})
        self.save_button = W.Button(description=tr("save", lang), tooltip=tr("save", lang),
                                    layout=W.Layout(width="auto"))
        self.load_button = W.Button(description=tr("load", lang), tooltip=tr("load", lang),
                                    layout=W.Layout(width="auto"))
        self.message = W.HTML()
        self.table = W.HTML()
        self.chart = W.Output()

        for w, cls in ((self.commune, "ntm-commune"), (self.ocop_delay, "ntm-ocop-delay"),
                       (self.review_lag, "ntm-review-lag"), (self.table, "ntm-table"), (self.chart, "ntm-chart"),
                       (self.message, "ntm-message"), (self.gaps_box, "ntm-gaps")):
            w.add_class(cls)
        self.commune.observe(self._on_commune, names="value")
        self.ocop_delay.observe(self._on_ocop_delay, names="value")
        self.review_lag.observe(self._on_review_lag, names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.load_button.on_click(lambda _b: self.load())

        self.widget = W.VBox([
            W.HBox([self.commune, self.ocop_delay, self.review_lag]),
            self.gaps_box,
            self.edit_list,
            W.HBox([self.name, self.path, self.save_button, self.load_button]),
            self.message,
            self.table,
            self.chart,
        ])
        self._build_gap_controls()
        self.refresh()

    # ------------------------------------------------------------ display
    def _ipython_display_(self) -> None:  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        old, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = old

    # ------------------------------------------------------------ controls
    def _build_gap_controls(self) -> None:
        import ipywidgets as W

        commune = self.commune.value
        rows: list[Any] = []
        self.done, self.due = {}, {}
        gaps = commune_gaps(self.plan, commune, self.lang) if commune else pd.DataFrame()
        with self._quietly():
            if gaps.empty:
                rows.append(W.HTML(f"<i>{html.escape(tr('no_gaps', self.lang, c=commune))}</i>"))
            else:
                rows.append(W.HTML(f"<b>{html.escape(tr('gaps_of', self.lang, c=commune))}</b>"))
            for g in gaps.to_dict("records"):
                code = g["criterion_code"]
                current = due_override(self.edits, self.plan, commune, code)
                box = W.Checkbox(value=done_state(self.edits, self.plan, commune, code),
                                 description=tr("done", self.lang), indent=False, layout=W.Layout(width="90px"))
                dd = W.Dropdown(options=due_options(self.plan, g["due"], self.lang, current), value=current or "",
                                layout=W.Layout(width="220px"))
                box.observe(lambda ch, code=code: self._on_done(code, ch["new"]), names="value")
                dd.observe(lambda ch, code=code: self._on_due(code, ch["new"]), names="value")
                self.done[code], self.due[code] = box, dd
                label = W.Label(g["label"], layout=W.Layout(width="420px"))
                row = W.HBox([label, box, dd])
                row.add_class(f"ntm-gap-{code}")
                rows.append(row)
        self.gaps_box.children = rows

    def _sync_controls(self) -> None:
        """Set the controls from ``edits``/``parameters`` (after a load)."""
        with self._quietly():
            self.ocop_delay.value = max(self.ocop_delay.min, min(self.ocop_delay.max,
                                                                  district_shift(self.edits, self.plan)))
            lag = scenario_parameters(make_scenario(self.edits, self.parameters)).get("review_lag",
                                                                                     self.base_review_lag)
            self.review_lag.value = max(self.review_lag.min, min(self.review_lag.max, int(lag)))
        self._build_gap_controls()

    # ------------------------------------------------------------ callbacks
    def _on_commune(self, change: Mapping) -> None:
        self._build_gap_controls()
        self.refresh()

    def _on_done(self, code: str, value: bool) -> None:
        if self._quiet:
            return
        self.edits = set_done(self.edits, self.plan, self.commune.value, code, value)
        self.refresh()

    def _on_due(self, code: str, value: str) -> None:
        if self._quiet:
            return
        self.edits = set_due(self.edits, self.plan, self.commune.value, code, value or None)
        self.refresh()

    def _on_ocop_delay(self, change: Mapping) -> None:
        if self._quiet:
            return
        self.edits = set_district_shift(self.edits, self.plan, int(change["new"]))
        self.refresh()

    def _on_review_lag(self, change: Mapping) -> None:
        if self._quiet:
            return
        self.edits = [e for e in self.edits if "review_lag" not in e]
        lag = int(change["new"])
        self.parameters = {k: v for k, v in self.parameters.items() if k != "review_lag"}
        if lag != self.base_review_lag:
            self.parameters["review_lag"] = lag
        self.refresh()

    # ------------------------------------------------------------ state
    def scenario(self) -> Scenario:
        """The current edits as a scenario (what Save writes)."""
        return make_scenario(self.edits, self.parameters, name=self.name.value.strip(), note=self.note)

    def refresh(self) -> None:
        """Recompute the scenario side and redraw the table and chart."""
        t0 = time.perf_counter()
        try:
            self.result = evaluate(self.plan, self.scenario(), self.baseline, self.base_review_lag, self.base_as_of)
        except UserError as exc:
            self.message.value = f"<span style='color:#B00020'>{html.escape(str(exc))}</span>"
            return
        t1 = time.perf_counter()
        self.message.value = ""
        self.table.value = comparison_html(self.result["comparison"], self.lang, selected=self.commune.value)
        self.edit_list.value = edits_html(self.edits, self.plan, self.lang, self.parameters)
        t2 = time.perf_counter()
        if self.draw_chart:
            self._draw()
        self.timings = {"compute": t1 - t0, "table": t2 - t1, "chart": time.perf_counter() - t2}

    def _draw(self) -> None:
        from IPython.display import Image, clear_output, display

        self.chart_bytes = chart_png(self.result["baseline"], self.result["projection"], self.lang,
                                     self.name.value.strip(), selected=self.commune.value)
        with self.chart:
            clear_output(wait=True)
            display(Image(data=self.chart_bytes, format="png"))

    # ------------------------------------------------------------ files
    def save(self) -> Path | None:
        """Write the current scenario to ``path`` (inside the scenarios folder)."""
        try:
            target = scenario_path(self.path.value, self.scenario_dir)
            save_scenario(self.scenario(), target)
        except UserError as exc:
            self.message.value = f"<span style='color:#B00020'>{html.escape(str(exc))}</span>"
            return None
        self.message.value = html.escape(tr("saved", self.lang, p=target.name))
        return target

    def load(self) -> Scenario | None:
        """Read the scenario at ``path`` and set every control from it."""
        try:
            target = scenario_path(self.path.value, self.scenario_dir)
            sc = load_scenario(target)
            apply_scenario(self.plan, sc)  # check it against this plan before taking it
        except UserError as exc:
            self.message.value = f"<span style='color:#B00020'>{html.escape(str(exc))}</span>"
            return None
        self.edits = [dict(e) for e in sc.edits]
        self.parameters = dict(sc.parameters)
        self.note = sc.note
        with self._quietly():
            self.name.value = sc.name
        self._sync_controls()
        self.refresh()
        self.message.value = html.escape(tr("loaded", self.lang, p=target.name, n=len(sc.edits)))
        return sc
