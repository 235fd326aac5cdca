"""Scenario files: YAML read safely and within limits (:mod:`ntm_analysis.core.limited_yaml`;
a YAML error or a limit names its line) and written one edit a line, always inside
the project's rules for outputs (atomic, never under data/raw).

>>> parse_scenario("name: a\\nedits: [{commune: all, shift: 1}]").edits[0]["shift"]
1
>>> from ntm_analysis.scenario.model import Scenario
>>> print(scenario_to_yaml(Scenario("Thử", edits=({"commune": "all", "criterion": 13, "shift": 1},),
...       parameters={"review_lag": 1})), end="")
# Kịch bản ntm-analysis. Chạy: ntm scenario <tệp này>
name: Thử
edits:
- {commune: all, criterion: 13, shift: 1}
parameters: {review_lag: 1}
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..core.errors import UserError
from ..i18n import t
from ..core.limited_yaml import LimitedLoader, YamlLimitError, compose_yaml, load_yaml, read_yaml_file, yaml_problem
from ..scenario.model import Scenario, scenario_from_dict
from .files import check_readable, write_text


def _edit_lines(text: str) -> tuple[int | None, ...]:
    """The line (1-based) where each item of ``edits`` starts."""
    node = compose_yaml(text)
    if not isinstance(node, yaml.MappingNode):
        return ()
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "edits" and isinstance(value, yaml.SequenceNode):
            return tuple(item.start_mark.line + 1 for item in value.value)
    return ()


class _Loader(LimitedLoader):
    """Safe, limited YAML whose impossible dates ("2023-02-30") are YAML errors with a line."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.Node):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.constructor.ConstructorError(None, None, f"ngày không hợp lệ '{node.value}' ({exc})",
                                                node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def parse_scenario(text: str, source: str = "") -> Scenario:
    """Read a scenario from YAML text."""
    where = source or "kịch bản"
    try:
        data = load_yaml(text, _Loader)
        lines = _edit_lines(text)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        at = f", dòng {line}" if line is not None else ""
        raise UserError(f"{where}{at}: YAML không hợp lệ ({problem})", 1) from None
    return scenario_from_dict(data, source=source, lines=lines)


def load_scenario(path: Path | str) -> Scenario:
    """Read a scenario file (``data/scenarios/*.yaml``)."""
    check_readable(path)
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: không tìm thấy tệp kịch bản", 2)
    if path.is_dir():
        raise UserError(f"{path}: là thư mục, cần một tệp kịch bản .yaml", 2)
    try:
        text = read_yaml_file(path)
    except UnicodeDecodeError:
        raise UserError(f"{path}: tệp kịch bản phải là văn bản UTF-8", 1) from None
    except YamlLimitError as exc:
        raise UserError(f"{path}: {exc.problem}", 1) from None
    except OSError as exc:
        raise UserError(t("msg.scenario_unreadable", path=path, reason=exc.strerror or exc), 1) from None
    return parse_scenario(text, source=str(path))


def _yaml_value(value: object) -> object:
    if hasattr(value, "ordinal") and hasattr(value, "freqstr"):  # a quarter
        return str(value)
    if hasattr(value, "item") and not isinstance(value, str):  # a numpy number
        return value.item()
    return value


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text, one edit per line."""
    data: dict[str, Any] = {"name": scenario.name}
    if scenario.note:
        data["note"] = scenario.note
    data["edits"] = [{k: _yaml_value(v) for k, v in e.items()} for e in scenario.edits]
    data["parameters"] = {k: _yaml_value(v) for k, v in scenario.parameters.items()}
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=200)
    return "# Kịch bản ntm-analysis. Chạy: ntm scenario <tệp này>\n" + body


def save_scenario(scenario: Scenario, path: Path | str) -> Path:
    """Write the scenario as YAML atomically (never under ``data/raw``)."""
    return write_text(path, scenario_to_yaml(scenario))


def scenario_path(written: str, folder: Path | str | None = None) -> Path:
    """A scenario file path inside ``folder`` (default ``data/scenarios``), from what a
    user typed: a bare name gets ``.yaml``; anything outside the folder, or another
    suffix, is refused (the dashboard must not write or read other files).

    >>> scenario_path("thu", "/tmp/sc").as_posix()
    '/tmp/sc/thu.yaml'
    """
    from .. import config

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
