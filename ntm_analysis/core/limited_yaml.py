"""The one YAML reader of the package (scenarios, catalogues): safe YAML with limits.

A small YAML file can ask for unbounded work: aliases that expand to a billion values
("billion laughs"), nesting deep enough to exhaust the stack, or a "file" that never
ends (``/dev/zero``). :class:`LimitedLoader` is PyYAML's ``SafeLoader`` that refuses,
before anything is built, a document nested deeper than :data:`MAX_DEPTH`, one whose
values, aliases expanded, number more than :data:`MAX_NODES`, and an alias to itself,
and a number written with more than :data:`MAX_NUMBER_CHARS` characters (Python refuses
to read an integer of thousands of digits, and YAML's base-60 integers ``1:2:3…`` grow
with each part); :func:`read_yaml_file` reads at most :data:`MAX_BYTES`. Each refusal is a
:class:`YamlLimitError`: a ``yaml.YAMLError`` with the line where it applies (when
there is one), so the callers' messages for bad YAML name the file and the line.

>>> load_yaml("a: [1, 2]")
{'a': [1, 2]}
>>> load_yaml("a: &x [1, 2]\\nb: [*x, *x, *x]")["b"][2]
[1, 2]
>>> laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\\n" for p, n in zip("abcdefgh", "bcdefghi"))
>>> load_yaml(laughs)
Traceback (most recent call last):
ntm_analysis.core.limited_yaml.YamlLimitError: ...
>>> try:
...     load_yaml("a: " + "[" * 100 + "]" * 100)
... except YamlLimitError as exc:
...     print(exc.problem_mark.line + 1, exc.problem)
1 YAML lồng quá sâu (hơn 32 mức)
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

#: the largest YAML file read (bytes): a scenario or a catalogue is a few kilobytes
MAX_BYTES = 1 << 20
#: how deep collections may nest (a catalogue nests 4 deep)
MAX_DEPTH = 32
#: how many values a document may hold once its aliases are expanded (a catalogue has ~300)
MAX_NODES = 100_000
#: the longest number a value may be written with (a year, a count of quarters, a
#: criterion's number: a few digits)
MAX_NUMBER_CHARS = 30


class YamlLimitError(yaml.MarkedYAMLError):
    """YAML refused by a limit: ``key`` names the message (``msg.<key>``), ``params``
    fill it; ``problem`` is the Vietnamese text, ``problem_mark`` the place (or None)."""

    def __init__(self, key: str, mark: yaml.Mark | None = None, **params: Any):
        from ..i18n import t

        self.key, self.params = key, params
        super().__init__(problem=t(f"msg.{key}", **params), problem_mark=mark)

    def text(self, lang: str = "vi") -> str:
        """What is wrong, in ``lang``."""
        from ..i18n import t

        return t(f"msg.{self.key}", lang, **self.params)


class LimitedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` within :data:`MAX_DEPTH` and :data:`MAX_NODES` (see the module)."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, counting how deep it sits (PyYAML composes recursively)."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError("yaml_too_deep", self.peek_event().start_mark, limit=MAX_DEPTH)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_number(self, node: yaml.ScalarNode) -> Any:
        """An integer or a float, when written with at most :data:`MAX_NUMBER_CHARS` characters.

        >>> load_yaml("a: 1_000\\nb: 1:30\\nc: 2.5")
        {'a': 1000, 'b': 90, 'c': 2.5}
        >>> load_yaml("a: " + "9" * 5000)
        Traceback (most recent call last):
        ntm_analysis.core.limited_yaml.YamlLimitError: ...
        """
        if len(node.value) > MAX_NUMBER_CHARS:
            raise YamlLimitError("yaml_number_too_long", node.start_mark, limit=MAX_NUMBER_CHARS)
        if node.tag.endswith(":int"):
            return self.construct_yaml_int(node)
        return self.construct_yaml_float(node)

    def get_single_node(self) -> Any:
        """The document's node, checked by :func:`check_size` before anything is built."""
        node = super().get_single_node()
        if node is not None:
            check_size(node)
        return node


LimitedLoader.add_constructor("tag:yaml.org,2002:int", LimitedLoader.construct_number)
LimitedLoader.add_constructor("tag:yaml.org,2002:float", LimitedLoader.construct_number)


def check_size(node: yaml.Node, limit: int = MAX_NODES) -> int:
    """How many values ``node`` holds with its aliases expanded (each shared node
    counted once per use, computed once): a :class:`YamlLimitError` past ``limit``, or
    when a node holds itself.

    >>> check_size(yaml.compose("a: &x [1, 2]\\nb: *x", Loader=yaml.SafeLoader))
    9
    """
    sizes: dict[int, int] = {}
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:  # depth first, children before parents, without recursion
        n, done = stack.pop()
        key = id(n)
        if key in sizes:
            continue
        children = [c for item in n.value for c in (item if isinstance(item, tuple) else (item,))] \
            if isinstance(n, (yaml.SequenceNode, yaml.MappingNode)) else []
        if done:
            open_.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[key] > limit:
                raise YamlLimitError("yaml_too_many_values", n.start_mark, limit=limit)
            continue
        if key in open_:
            raise YamlLimitError("yaml_recursive", n.start_mark)
        open_.add(key)
        stack.append((n, True))
        for c in children:
            if id(c) in open_:
                raise YamlLimitError("yaml_recursive", c.start_mark)
            if id(c) not in sizes:
                stack.append((c, False))
    return sizes[id(node)]


def yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """The line (1-based, ``None`` when unknown) and the problem of a YAML error, on one
    line (PyYAML's own text spans several, with an excerpt of the file).

    >>> try:
    ...     load_yaml("a: [1, 2\\nb: 3")
    ... except yaml.YAMLError as exc:
    ...     yaml_problem(exc)
    (2, "expected ',' or ']', but got ':'")
    """
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or (str(exc).splitlines() or [type(exc).__name__])[0]
    return (mark.line + 1 if mark is not None else None), problem


class LineLoader(LimitedLoader):
    """:class:`LimitedLoader` that keeps the line of every mapping (key ``__line__``), for
    messages that name the line of a wrong entry.

    >>> load_yaml("a: 1\\nb: {c: 2}", LineLoader)["b"]
    {'c': 2, '__line__': 2}
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_yaml(text: str, loader: type[LimitedLoader] = LimitedLoader) -> Any:
    """The data of YAML ``text`` (at most :data:`MAX_BYTES`), read by ``loader`` (a
    :class:`LimitedLoader` or a subclass of it)."""
    if len(text) > MAX_BYTES:  # a character is at least a byte
        raise YamlLimitError("yaml_too_big", limit=MAX_BYTES)
    return yaml.load(text, Loader=loader)  # noqa: S506 (a SafeLoader subclass)


def compose_yaml(text: str, loader: type[LimitedLoader] = LimitedLoader) -> yaml.Node | None:
    """The node graph of YAML ``text``, within the same limits as :func:`load_yaml`."""
    if len(text) > MAX_BYTES:
        raise YamlLimitError("yaml_too_big", limit=MAX_BYTES)
    return yaml.compose(text, Loader=loader)


def read_yaml_file(path: Path | str) -> str:
    """The text of a YAML file: UTF-8, at most :data:`MAX_BYTES` read (a special file
    that never ends is refused too). Raises :class:`YamlLimitError`, ``OSError`` or
    ``UnicodeDecodeError`` for the caller to name the file."""
    with open(path, "rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlLimitError("yaml_too_big", limit=MAX_BYTES)
    return data.decode("utf-8")
