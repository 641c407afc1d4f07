"""The YAML dialect of programme files, and its safety.

A safe loader with YAML 1.2-like scalars (``14:00`` and ``no`` stay strings, ``09`` is nine),
duplicate keys recorded, and the guards against documents that would expand beyond reason.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr

import yaml

from ..errors import Problem

# A YAML document may reuse nodes through aliases; expanded, a few lines can stand for
# billions of nodes ("billion laughs"). Real programmes stay far below this.
MAX_EXPANDED_NODES = 5_000_000

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ProgrammeLoader(_Base):  # type: ignore[misc]
    """Safe loader with YAML 1.2-like scalars: ``14:00`` and ``no`` stay strings.

    It also records the keys found twice in one mapping (plain PyYAML keeps the last one).
    """

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}

    def __init__(self, stream: str | bytes) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[yaml.Node] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                if key_node.value in seen:
                    self.duplicate_keys.append(key_node)
                seen.add(key_node.value)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$", "-+0123456789"),
    ("float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
):
    ProgrammeLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )

_DECIMAL = re.compile(r"^[-+]?[0-9]+$")
_MAX_DIGITS = 4_300  # sys.get_int_max_str_digits()'s default


def _scalar_constructor(tag: str) -> Any:
    """PyYAML's constructor for ``tag``, with YAML 1.2 decimals and located failures.

    PyYAML reads ``012`` as octal and fails on ``09`` with a bare ``ValueError``; an
    explicit ``!!bool peut-être`` fails with a ``KeyError``. Here ``09`` is nine, and a
    value its tag cannot take is a located YAML error, not an internal one.
    """
    base = yaml.constructor.SafeConstructor.yaml_constructors[tag]

    def construct(loader: ProgrammeLoader, node: yaml.ScalarNode) -> Any:
        if isinstance(node.value, str) and len(node.value) > _MAX_DIGITS:
            # int() refuses more digits than that (a guard against quadratic conversion)
            raise yaml.constructor.ConstructorError(None, None, "number too long", node.start_mark)
        if tag.endswith(":int") and isinstance(node.value, str) and _DECIMAL.match(node.value):
            return int(node.value, 10)
        try:
            return base(loader, node)
        except (ValueError, KeyError):
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid value for its tag {tag}", node.start_mark
            ) from None

    return construct


for _tag in ("int", "float", "bool"):
    ProgrammeLoader.add_constructor(
        f"tag:yaml.org,2002:{_tag}", _scalar_constructor(f"tag:yaml.org,2002:{_tag}")
    )


# --- anchors and aliases ----------------------------------------------------------------


_ANCHOR = re.compile(r"&[^\s\[\]{},]")
_ANCHOR_BYTES = re.compile(rb"&[^\s\[\]{},]")  # ASCII spaces only: finds more, never fewer
# Where an anchor can start a node: at a line's start (after indentation and « - »), after
# « key: », or after a flow indicator.
# Only a hint for trying the fast path first: « R&D » or « &amp; » in a description no longer
# sends a file to the full check. The fast path refuses any anchor or alias it meets (an
# alias bomb included, before anything expands), and the full check then looks for bombs
# with the broad pattern above.
_NODE_START = r"(?:^[ \t]*(?:[-?][ \t]+)*|:[ \t]+|[\[{,][ \t]*)&[^\s\[\]{},]"
NODE_ANCHOR = re.compile(_NODE_START, re.MULTILINE)
NODE_ANCHOR_BYTES = re.compile(_NODE_START.encode(), re.MULTILINE)


def has_node_anchor(text: str | bytes) -> bool:
    """Whether ``NODE_ANCHOR`` (``NODE_ANCHOR_BYTES`` for bytes) matches in ``text``."""
    if isinstance(text, str):
        return search_lines_with(text, NODE_ANCHOR, "&", "\n")
    return search_lines_with(text, NODE_ANCHOR_BYTES, b"&", b"\n")


def search_lines_with(text: AnyStr, pattern: re.Pattern[AnyStr], amp: AnyStr, eol: AnyStr) -> bool:
    """Whether ``pattern``, whose matches hold ``amp`` and never span a line break, matches.

    Over a whole file the pattern is slow (it is tried at each position: 0.35 s on 28 MB);
    only the lines holding an « & », found by a scan for that one character (a hundred times
    faster), are searched.
    """
    at = text.find(amp)
    while at >= 0:
        start = text.rfind(eol, 0, at) + 1  # where ``^`` matches
        end = text.find(eol, at)
        end = len(text) if end < 0 else end
        if pattern.search(text, start, end):
            return True
        at = text.find(amp, end)
    return False


def is_utf8(raw: bytes) -> bool:
    """Whether the bytes are valid UTF-8 (decoded a piece at a time: no full copy)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def may_have_anchors(text: str) -> bool:
    """Whether the text may define a YAML anchor (without one, no alias can expand)."""
    return "&" in text and _ANCHOR.search(text) is not None


def alias_bomb(root: yaml.Node, source: str) -> Problem | None:
    """A problem if aliases would expand the document beyond reason ("billion laughs").

    Sizes are computed once per distinct node, so the check itself stays linear.
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[key] > MAX_EXPANDED_NODES:
                return Problem(
                    source,
                    "trop d'alias YAML imbriqués (le document déplié serait démesuré)",
                    line=node.start_mark.line + 1,
                    column=node.start_mark.column + 1,
                )
            continue
        if key in sizes:
            continue
        sizes[key] = 0  # in progress: a node that contains itself counts once
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)
    return None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []
