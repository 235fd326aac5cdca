"""Criteria catalogues (data files in ``catalogues/``) and the criterion-name matcher.

A catalogue is a YAML file: an id, a level, the criteria (code, Vietnamese name,
English name, default lead department, aliases), its roles (which criterion an OCOP
product meets), the dependency rules between criteria and the conditions they use.
Add a file to ``ntm_analysis/catalogues/`` or ``data/catalogues/`` to add a set.
Catalogues are read again when one of their files changes.

>>> cat = load_catalogue()
>>> cat.match("Thông tin truyền thông").codes
('8',)
>>> cat.match("Hành chính công và Tiếp cận pháp luật").codes
('15', '16')
>>> cat.ocop_criterion, cat.model_level, cat.conditions["no_ocop_product"]
('13', 'kieu_mau', {'ocop_status': ('chua_co', 'da_chon')})
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .. import config
from ..core.names import fold, nfc

FUZZY_CUTOFF = 0.86
#: how much of a written name is compared for suggestions: a criterion's name or alias is
#: a few dozen characters, and a sentence of thousands compared in full costs seconds
SUGGEST_CHARS = 200
_PREFIX = re.compile(r"^(?:cac\s+)?(?:tieu\s+chi|tc)(?:\s+(?:so|ve))?\s*")
_NUMBER = re.compile(r"^(?:so\s+)?(\d{1,2})(?:\s|$)")
_KM = re.compile(r"^km\s*(\d)$")
_PAREN = re.compile(r"\([^)]*\)")
_SPLIT = re.compile(r"(?<!\s)\s++va\s+|(?:(?<!\s)\s++|)[;,+]\s*+")


class CatalogueError(ValueError):
    """A catalogue that cannot be used: ``exit_code`` 2 when none has the id asked
    for (a bad command line), 1 when its file is broken (bad data)."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Match:
    """The result of matching a written criterion name.

    ``codes`` is empty when nothing matched; ``method`` is one of ``exact``,
    ``alias``, ``number``, ``split``, ``fuzzy`` or ``unknown``; ``suggestions``
    lists the nearest names when the match is unknown or fuzzy.
    """

    written: str
    codes: tuple[str, ...]
    method: str
    score: float = 1.0
    suggestions: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return bool(self.codes)


@dataclass(frozen=True)
class Catalogue:
    """A criteria set with its model-commune requirements and dependency rules."""

    id: str
    title: str
    level: str
    criteria: pd.DataFrame  # code, order, name, name_en, department, kind, derived
    aliases: dict[str, str] = field(repr=False)  # folded alias -> code
    dependencies: pd.DataFrame = field(repr=False)  # waiting, on, when, reason, reason_en
    source: str = ""
    roles: dict[str, str] = field(default_factory=dict, repr=False)  # role -> criterion code
    conditions: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict, repr=False)
    model_level: str = ""  # the target level the model requirements apply to
    total: int | None = None
    version: tuple = field(default=(), repr=False)  # the files it was read from, as they were
    title_en: str = ""
    indicators: Any = field(default=None, repr=False)  # .indicators.Indicators: groups, indicators, thresholds
    short: tuple[str, str] = ("", "")  # a short name (vi, en) for chart titles; the id when not given

    def short_in(self, lang: str = "vi") -> str:
        """The set's short name in ``lang`` ("bộ tiêu chí 2026–2030"), else its id."""
        vi, en = self.short
        return (en if lang == "en" and en else vi) or self.id

    def title_in(self, lang: str = "vi") -> str:
        """The set's title in ``lang`` (the Vietnamese one when no English title is given)."""
        return self.title_en if lang == "en" and self.title_en else self.title

    # ------------------------------------------------------------------- roles
    @property
    def ocop_criterion(self) -> str | None:
        """The criterion an OCOP product meets (``roles: {ocop: …}``), if the set has one."""
        return self.roles.get("ocop")

    def condition_names(self) -> tuple[str, ...]:
        """Dependency conditions this set understands: ``always`` and its own."""
        return ("always", *self.conditions)

    # ------------------------------------------------------------------ lookups
    @cached_property
    def _by_code(self) -> dict[str, dict]:
        return {r["code"]: r for r in self.criteria.to_dict("records")}

    def name(self, code: str, lang: str = "vi") -> str:
        """Canonical name of a criterion code (``lang='en'`` for English)."""
        row = self._by_code[str(code)]
        return row["name_en"] if lang == "en" else row["name"]

    def label(self, code: str, lang: str = "vi") -> str:
        """Short label for charts: ``"8. Thông tin và Truyền thông"``."""
        code = str(code)
        prefix = f"{code}. " if code.isdigit() else f"{code} "
        return prefix + self.name(code, lang)

    def department(self, code: str) -> str:
        return self._by_code[str(code)]["department"]

    def order(self, code: str) -> int:
        return int(self._by_code[str(code)]["order"])

    @cached_property
    def codes(self) -> list[str]:
        return list(self.criteria["code"])

    @cached_property
    def criterion_codes(self) -> list[str]:
        """Codes of the criteria proper (not model requirements)."""
        return list(self.criteria.loc[self.criteria["kind"] == "criterion", "code"])

    @cached_property
    def model_codes(self) -> list[str]:
        """Codes of the model-commune requirements a plan can list (KM2…)."""
        m = self.criteria[(self.criteria["kind"] == "model") & ~self.criteria["derived"]]
        return list(m["code"])

    @cached_property
    def derived_codes(self) -> list[str]:
        """Requirements that hold by themselves (KM1: the advanced set is met)."""
        return list(self.criteria.loc[self.criteria["derived"], "code"])

    def is_model(self, code: str) -> bool:
        return self._by_code[str(code)]["kind"] == "model"

    # ----------------------------------------------------------------- matching
    def match(self, written: object) -> Match:
        """Match a criterion as written (name, alias, number, typo, two names)."""
        return _match_cached(self, nfc(written))

    def suggest(self, written: object, n: int = 3) -> tuple[str, ...]:
        """Nearest canonical names to a written name (its first :data:`SUGGEST_CHARS`
        characters compared).

        >>> load_catalogue().suggest("Thong tin truyen thong" + " 1" * 20_000, n=1)
        ('8. Thông tin và Truyền thông',)
        """
        key = _strip_prefix(fold(written))[:SUGGEST_CHARS]
        scored = sorted(
            ((difflib.SequenceMatcher(None, key, alias).ratio(), code) for alias, code in self.aliases.items()),
            reverse=True,
        )
        out: list[str] = []
        for _, code in scored:
            label = self.label(code)
            if label not in out:
                out.append(label)
            if len(out) == n:
                break
        return tuple(out)

    def __hash__(self) -> int:  # frozen dataclass with DataFrames: hash by id and file version
        return hash((self.id, self.version))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalogue) and (other.id, other.version) == (self.id, self.version)


def _strip_prefix(key: str) -> str:
    return _PREFIX.sub("", key).strip()


def _exact(cat: Catalogue, key: str) -> str | None:
    if key in cat.aliases:
        return cat.aliases[key]
    m = _KM.match(key)
    if m and f"KM{m.group(1)}" in cat._by_code:
        return f"KM{m.group(1)}"
    m = _NUMBER.match(key)
    if m and m.group(1).lstrip("0") in cat._by_code and (  # "16", "16 Văn hóa", "16 về Văn hóa"
        key == m.group(0).strip()
        or cat.aliases.get(re.sub(r"^ve\s+", "", key[m.end():].strip())) == m.group(1).lstrip("0")
    ):
        return m.group(1).lstrip("0")
    return None


@lru_cache(maxsize=20_000)
def _match_cached(cat: Catalogue, written: str) -> Match:
    key = _strip_prefix(fold(written))
    if not key:
        return Match(written, (), "unknown", 0.0, ())
    code = _exact(cat, key)
    if code is None and "(" in written:  # "Tổ chức sản xuất … (sản phẩm OCOP)"
        last = written.rfind(")") + 1  # no "(" after it is looked at (each would be read to the end)
        bare = _strip_prefix(fold(_PAREN.sub(" ", written[:last]) + written[last:]))
        code = _exact(cat, bare) if bare else None
        if code is not None:
            return Match(written, (code,), "alias")
    if code is not None:
        canonical = fold(cat.name(code))
        method = "exact" if key == canonical else ("number" if key[:1].isdigit() else "alias")
        return Match(written, (code,), method)
    parts = [p for p in (_strip_prefix(x) for x in _SPLIT.split(key)) if p]
    if len(parts) > 1:
        codes = [_exact(cat, p) for p in parts]
        if all(codes):
            return Match(written, tuple(dict.fromkeys(codes)), "split")
    best = difflib.get_close_matches(key, list(cat.aliases), n=2, cutoff=FUZZY_CUTOFF)
    if best:
        score = difflib.SequenceMatcher(None, key, best[0]).ratio()
        runner_up = [cat.aliases[b] for b in best[1:]]
        if not runner_up or runner_up[0] == cat.aliases[best[0]] or score > 0.93:
            return Match(written, (cat.aliases[best[0]],), "fuzzy", round(score, 3), cat.suggest(written))
    return Match(written, (), "unknown", 0.0, cat.suggest(written))


# ---------------------------------------------------------------------- loading
def catalogue_files() -> dict[str, Path]:
    """All catalogue files found, by id (later folders override earlier ones)."""
    found: dict[str, Path] = {}
    for folder in config.CATALOGUE_DIRS:
        if folder.is_dir():
            for path in sorted(folder.glob("*.y*ml")):
                found[path.stem] = path
    return found


def _stamp(paths: list[Path]) -> tuple:
    """What identifies the catalogue files' contents: path, size and modification time."""
    out = []
    for p in paths:
        try:
            st = p.stat()
            out.append((str(p), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(p), -1, -1))
    return tuple(out)


def _read_yaml(path: Path) -> dict:
    """A catalogue file's data, read within limits (:mod:`ntm_analysis.core.limited_yaml`)."""
    from ..core.limited_yaml import load_yaml, read_yaml_file, yaml_problem
    from ..i18n import t

    try:
        data = load_yaml(read_yaml_file(path))
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        reason = problem if line is None else t("msg.yaml_at_line", line=line, problem=problem)
        raise CatalogueError(t("msg.catalogue_unreadable", path=path, reason=reason)) from None
    except UnicodeDecodeError:
        raise CatalogueError(t("msg.catalogue_unreadable", path=path, reason=t("msg.yaml_not_utf8"))) from None
    except OSError as exc:
        raise CatalogueError(t("msg.catalogue_unreadable", path=path, reason=exc.strerror or exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
        raise CatalogueError(f"{path}: thiếu khóa 'criteria' (danh sách tiêu chí)")
    return data


def _rows(data: dict, path: Path, kind: str, start: int) -> list[dict]:
    rows = []
    for i, c in enumerate(data["criteria"]):
        if not isinstance(c, dict) or "code" not in c or "name" not in c:
            raise CatalogueError(f"{path}: tiêu chí thứ {i + 1} thiếu 'code' hoặc 'name'")
        rows.append(
            {
                "code": str(c["code"]),
                "order": start + i,
                "name": nfc(c["name"]),
                "name_en": nfc(c.get("name_en", c["name"])),
                "department": nfc(c.get("department", "")),
                "kind": kind,
                "derived": bool(c.get("derived", False)),
                "aliases": [nfc(a) for a in c.get("aliases", []) or []],
            }
        )
    return rows


def load_catalogue(catalogue_id: str = config.DEFAULT_CATALOGUE) -> Catalogue:
    """Load a criteria catalogue by id, with its model requirements and aliases.

    Aliases of the advanced set also take the basic set's names (``maps_to``). The
    result is cached until a catalogue file changes.

    >>> load_catalogue().name("19")
    'Quốc phòng và An ninh'
    """
    files = catalogue_files()
    return _load(catalogue_id, _stamp(list(files.values())))


@lru_cache(maxsize=16)
def _load(catalogue_id: str, stamp: tuple) -> Catalogue:
    files = catalogue_files()
    if catalogue_id not in files:
        raise CatalogueError(
            f"không có bộ tiêu chí '{catalogue_id}'; có: {', '.join(sorted(files))}", 2
        )
    path = files[catalogue_id]
    data = _read_yaml(path)
    rows = _rows(data, path, "model" if data.get("kind") == "model" else "criterion", 0)
    model_id = data.get("model_catalogue")
    if model_id:
        if model_id not in files:
            raise CatalogueError(f"{path}: model_catalogue '{model_id}' không tồn tại")
        rows += _rows(_read_yaml(files[model_id]), files[model_id], "model", len(rows))
    codes = {r["code"] for r in rows}
    criteria = pd.DataFrame(rows).drop(columns="aliases")
    criteria["alias_list"] = ["; ".join(r["aliases"]) for r in rows]
    conditions = _conditions(data, path)
    return Catalogue(
        id=str(data.get("id", catalogue_id)),
        title=nfc(data.get("title", catalogue_id)),
        title_en=nfc(data.get("title_en", "")),
        level=str(data.get("level", "")),
        criteria=criteria,
        aliases=_aliases(rows, path, catalogue_id, data, files),
        dependencies=_dependencies(data, path, codes, conditions),
        source=nfc(data.get("source", "")),
        roles=_roles(data, path, codes),
        conditions=conditions,
        model_level=str(_read_yaml(files[model_id]).get("level", "")) if model_id else "",
        total=int(data["total"]) if data.get("total") is not None else None,
        version=stamp,
        indicators=_indicators(data, path, codes),
        short=(nfc(data.get("short", "")), nfc(data.get("short_en", ""))),
    )


def _indicators(data: dict, path: Path, codes: set[str]):
    """The set's groups, indicators and thresholds (read again with their lines)."""
    from .indicators import read_indicators

    if not (data.get("groups") or data.get("levels") or any(isinstance(c, dict) and c.get("indicators")
                                                            for c in data["criteria"])):
        return None
    from ..core.limited_yaml import read_yaml_file

    return read_indicators(path, read_yaml_file(path), codes)


def _aliases(rows: list[dict], path: Path, catalogue_id: str, data: dict,
             files: dict[str, Path]) -> dict[str, str]:
    """Folded name → code: the set's own names and aliases, then the names of other
    levels' sets that map to it (``maps_to``, e.g. basic "Trường học" → 5)."""
    aliases: dict[str, str] = {}
    codes = {r["code"] for r in rows}
    for r in rows:
        for name in [r["name"], *r["aliases"]]:
            key = _strip_prefix(fold(name))
            if aliases.get(key, r["code"]) != r["code"]:
                raise CatalogueError(f"{path}: tên '{name}' trùng cho hai tiêu chí")
            aliases[key] = r["code"]
    for other_id, other_path in files.items():
        other = _read_yaml(other_path) if other_id != catalogue_id else None
        if not other or other.get("level") == data.get("level"):
            continue
        for c in other["criteria"]:
            target = str(c.get("maps_to", "")) if isinstance(c, dict) else ""
            if target in codes:
                for name in [c["name"], *(c.get("aliases") or [])]:
                    aliases.setdefault(_strip_prefix(fold(name)), target)
    return aliases


def _conditions(data: dict, path: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    conditions = {}
    for name, spec in (data.get("conditions") or {}).items():
        if not isinstance(spec, dict) or not all(isinstance(v, list) for v in spec.values()):
            raise CatalogueError(f"{path}: điều kiện '{name}' phải là bảng thuộc tính: [giá trị…]")
        conditions[str(name)] = {str(k): tuple(str(x) for x in v) for k, v in spec.items()}
    return conditions


def _dependencies(data: dict, path: Path, codes: set[str], conditions: dict) -> pd.DataFrame:
    deps = pd.DataFrame(
        [
            {
                "waiting": str(d["waiting"]),
                "on": str(d["on"]),
                "when": str(d.get("when", "always")),
                "reason": nfc(d.get("reason", "")),
                "reason_en": nfc(d.get("reason_en", "")),
            }
            for d in data.get("dependencies", []) or []
        ],
        columns=["waiting", "on", "when", "reason", "reason_en"],
    )
    for col in ("waiting", "on"):
        bad = set(deps[col]) - codes
        if bad:
            raise CatalogueError(f"{path}: quy tắc phụ thuộc nêu mã không có: {sorted(bad)}")
    unknown = sorted(set(deps["when"]) - {"always", *conditions})
    if unknown:
        raise CatalogueError(f"{path}: quy tắc phụ thuộc dùng điều kiện không khai báo: {unknown}")
    return deps


def _roles(data: dict, path: Path, codes: set[str]) -> dict[str, str]:
    roles = {str(k): str(v) for k, v in (data.get("roles") or {}).items()}
    bad = sorted(set(roles.values()) - codes)
    if bad:
        raise CatalogueError(f"{path}: vai trò 'roles' nêu mã không có: {bad}")
    return roles
