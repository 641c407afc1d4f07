"""Write a programme file: readable YAML that every YAML reader takes back unchanged."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import yaml

from ..infra import progress
from ..programme.yamldialect import ProgrammeLoader

_Base: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
PROGRESS_SESSIONS = 500  # sessions written between two reports of progress
_DATE_OR_TIME = re.compile(r"^(?:\d{4}-\d{2}-\d{2}|\d{2}:\d{2})$")


class ProgrammeDumper(_Base):  # type: ignore[misc]
    """Block style, unicode kept, and quotes wherever a reader could see something else.

    PyYAML quotes what a YAML 1.1 reader would not take as a string (``14:00`` is a number
    there); our loader's own resolvers are added so that what it would read as a number,
    boolean or null (``089``) is quoted too. Dates and times are always quoted, for
    readers that would make them timestamps.
    """


# Union of both rule sets: a plain scalar is written only when no reader could retype it.
ProgrammeDumper.yaml_implicit_resolvers = {
    key: list(value) for key, value in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
for _first, _resolvers in ProgrammeLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        ProgrammeDumper.yaml_implicit_resolvers.setdefault(_first, []).append((_tag, _regexp))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        # A literal block keeps paragraphs as they are; PyYAML falls back to quotes when
        # the text cannot be a block (trailing spaces, control characters).
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _DATE_OR_TIME.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


ProgrammeDumper.add_representer(str, _represent_str)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.SequenceNode:
    # Short lists of plain values (dates, themes, speakers) on one line: [a, b].
    flow = all(isinstance(v, str | int | float) and "\n" not in str(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


ProgrammeDumper.add_representer(list, _represent_list)


def dump(document: dict[str, Any], *, header: Sequence[str] = ()) -> str:
    """The programme file's text: a comment header, then one block per section.

    Lists are indented under their key and sessions are separated by a blank line, as in a
    file written by hand.
    """
    parts = [f"# {line}".rstrip() + "\n" for line in header]
    for key, value in document.items():
        if parts:
            parts.append("\n")
        if not isinstance(value, list) or not value:
            parts.append(_dump({key: value}))
            continue
        parts.append(f"{key}:\n")
        for index, item in enumerate(value):
            if key == "sessions" and index:
                parts.append("\n")
                if not index % PROGRESS_SESSIONS:
                    progress.advance(index)
            parts.append(_indent(_dump([_styled(key, item)])))
    return "".join(parts)


def _indent(text: str) -> str:
    return "".join(f"  {line}" if line.strip() else line for line in text.splitlines(True))


def _styled(key: str, item: Any) -> Any:
    """Rooms and slots on one line each."""
    if key in ("rooms", "slots") and isinstance(item, dict):
        return _FlowMap(item)
    return item


class _FlowMap(dict[str, Any]):
    """A small mapping written on one line: ``{id: salle-1, name: Salle 1}``."""


def _represent_flow_map(dumper: yaml.SafeDumper, value: _FlowMap) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)


ProgrammeDumper.add_representer(_FlowMap, _represent_flow_map)


def _dump(value: Any) -> str:
    text: str = yaml.dump(
        value,
        Dumper=ProgrammeDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
        indent=2,
    )
    return text
