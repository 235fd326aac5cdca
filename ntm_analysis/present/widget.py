"""The what-if panel: commune, per-gap done/quarter, OCOP delay, review lag, the
comparison table, the chart, save and load. It only wires ``observe`` callbacks to
the plain functions of :mod:`.whatif`, so a test drives it by setting ``.value``.

>>> from ntm_analysis import load_plan
>>> app = WhatIf(load_plan(), chart=False)
>>> app.commune.value = "Minh Đức"
>>> app.due["13"].value = "2024Q1"
>>> app.edits
[{'commune': 'Minh Đức', 'criterion': 13, 'due': '2024Q1'}]
>>> row = app.result["comparison"].set_index("commune").loc["Minh Đức"]
>>> str(row["finish_scenario"]), bool(row["changed"])
('2024Q1', True)
"""
from __future__ import annotations

import contextlib
import html
import time
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from .. import config
from ..analysis.run import analyse
from ..core.dates import parse_date
from ..core.errors import UserError
from ..core.quarters import format_quarter
from ..i18n import t
from ..io.scenario_files import load_scenario, save_scenario, scenario_path
from ..scenario.apply import apply_scenario
from ..scenario.model import Scenario, scenario_parameters
from ..tables.plan import Plan
from .whatif import (commune_gaps, district_shift, done_state, due_options, due_override, evaluate, first_to_edit,
                     make_scenario, quarter_choices, set_district_shift, set_done, set_due)
from .whatif_view import chart_png, comparison_html, edits_html, effects_html
from ..analysis.projection import DEFAULT_REVIEW_LAG


def _tr(key: str, lang: str, **fmt: object) -> str:
    return t(f"widget.{key}", lang, **fmt)


class WhatIf:
    """The what-if panel: commune, per-gap done/quarter, OCOP delay, review lag, the
    comparison table, the chart, save and load (see the module's example). In a
    notebook, ``WhatIf(load_plan())`` as the last line of a cell shows it.
    """

    def __init__(self, plan: Plan | None = None, lang: str = "vi", review_lag: int = DEFAULT_REVIEW_LAG,
                 scenario_dir: Path | str | None = None, chart: bool = True, as_of: object = None):
        if plan is None:
            from ..load.api import load_plan

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
        self.baseline = analyse(plan, parse_date(as_of)).projection(self.base_review_lag)

        self._controls(plan.commune_names)
        self._wire()
        self._build_gap_controls()
        self.refresh()

    def _controls(self, names: list[str]) -> None:
        import ipywidgets as W

        lang = self.lang
        self.commune = W.Dropdown(options=names, value=first_to_edit(self.plan),
                                  description=_tr("commune", lang), style={"description_width": "initial"})
        self.undated_as = W.Dropdown(options=[(_tr("no_assumption", lang), "")] + [
            (format_quarter(q, lang), str(q)) for q in quarter_choices(self.plan)], value="",
            description=_tr("undated_as", lang), style={"description_width": "initial"},
            layout=W.Layout(width="340px"))
        self.effects = W.HTML()
        self.ocop_delay = W.IntSlider(value=0, min=-2, max=8, description=_tr("ocop_delay", lang),
                                      style={"description_width": "initial"}, continuous_update=False,
                                      layout=W.Layout(width="360px"))
        self.review_lag = W.IntSlider(value=self.base_review_lag, min=0, max=4, description=_tr("review_lag", lang),
                                      style={"description_width": "initial"}, continuous_update=False,
                                      layout=W.Layout(width="340px"))
        self.gaps_box = W.VBox()
        self.done: dict[str, Any] = {}
        self.due: dict[str, Any] = {}
        self.edit_list = W.HTML()
        self.name = W.Text(value=_tr("default_name", lang), description=_tr("name", lang),
                           style={"description_width": "initial"})
        self.path = W.Text(value="kich_ban_cua_toi.yaml", description=_tr("file", lang, d=self.scenario_dir.name),
                           style={"description_width": "initial"})
        self.save_button = W.Button(description=_tr("save", lang), tooltip=_tr("save", lang),
                                    layout=W.Layout(width="auto"))
        self.load_button = W.Button(description=_tr("load", lang), tooltip=_tr("load", lang),
                                    layout=W.Layout(width="auto"))
        self.message = W.HTML()
        self.table = W.HTML()
        self.chart = W.Output()

    def _wire(self) -> None:
        """Classes for the page's style and the browser test, observers, the layout."""
        import ipywidgets as W

        for w, cls in ((self.commune, "ntm-commune"), (self.ocop_delay, "ntm-ocop-delay"),
                       (self.undated_as, "ntm-undated-as"), (self.effects, "ntm-effects"),
                       (self.review_lag, "ntm-review-lag"), (self.table, "ntm-table"), (self.chart, "ntm-chart"),
                       (self.message, "ntm-message"), (self.gaps_box, "ntm-gaps")):
            w.add_class(cls)
        self.commune.observe(self._on_commune, names="value")
        self.ocop_delay.observe(self._on_ocop_delay, names="value")
        self.review_lag.observe(self._on_review_lag, names="value")
        self.undated_as.observe(self._on_undated_as, names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.load_button.on_click(lambda _b: self.load())

        self.widget = W.VBox([
            W.HBox([self.commune, self.ocop_delay, self.review_lag]),
            self.undated_as,
            self.gaps_box,
            self.edit_list,
            W.HBox([self.name, self.path, self.save_button, self.load_button]),
            self.message,
            self.effects,
            self.table,
            self.chart,
        ])

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
                rows.append(W.HTML(f"<i>{html.escape(_tr('no_gaps', self.lang, c=commune))}</i>"))
            else:
                rows.append(W.HTML(f"<b>{html.escape(_tr('gaps_of', self.lang, c=commune))}</b>"))
            for g in gaps.to_dict("records"):
                code = g["criterion_code"]
                current = due_override(self.edits, self.plan, commune, code)
                box = W.Checkbox(value=done_state(self.edits, self.plan, commune, code),
                                 description=_tr("done", self.lang), indent=False, layout=W.Layout(width="90px"))
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
            undated = scenario_parameters(make_scenario(self.edits, self.parameters)).get("undated_as") or ""
            values = [v for _label, v in self.undated_as.options]
            if undated and undated not in values:
                from ..core.quarters import parse_deadline

                undated = str(parse_deadline(undated).quarter)
            self.undated_as.value = undated if undated in values else ""
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

    def _on_undated_as(self, change: Mapping) -> None:
        if self._quiet:
            return
        self.parameters = {k: v for k, v in self.parameters.items() if k != "undated_as"}
        if change["new"]:
            self.parameters["undated_as"] = change["new"]
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
        self.effects.value = effects_html(self.result, self.lang, self._edited_commune_id())
        self.table.value = comparison_html(self.result["comparison"], self.lang, selected=self.commune.value)
        self.edit_list.value = edits_html(self.edits, self.plan, self.lang, self.parameters)
        t2 = time.perf_counter()
        if self.draw_chart:
            self._draw()
        self.timings = {"compute": t1 - t0, "table": t2 - t1, "chart": time.perf_counter() - t2}

    def _edited_commune_id(self) -> str | None:
        """The chosen commune's id when some edit names it (so a "no change" can be explained)."""
        from ..core.names import commune_key

        name = self.commune.value
        if not name or not any(commune_key(e.get("commune")) == commune_key(name) for e in self.edits):
            return None
        c = self.plan.communes
        hit = c.loc[c["commune"] == name, "commune_id"]
        return hit.iloc[0] if len(hit) else None

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
        self.message.value = html.escape(_tr("saved", self.lang, p=target.name))
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
        self.message.value = html.escape(_tr("loaded", self.lang, p=target.name, n=len(sc.edits)))
        return sc
