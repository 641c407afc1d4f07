"""Read a programme file: safe YAML, validation with located French messages, domain objects."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, AnyStr

import yaml

from ..errors import Problem, ProgrammeError
from ..infra.gcpause import paused_gc
from ..text import slugify
from .model import Colloque, Programme, Room, Slot, Theme, hhmm, new_session
from .source import read_bytes, read_text, resolve_programme_path

if TYPE_CHECKING:
    from pydantic import BaseModel

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


def load_programme(path: str | os.PathLike[str] | None = None) -> Programme:
    """Load and validate a programme file; raise ``ProgrammeError`` listing every problem."""
    resolved = resolve_programme_path(path)
    return parse_programme(read_bytes(resolved), str(resolved))  # decoded there


def check_file(
    path: str | os.PathLike[str] | None = None,
) -> tuple[list[Problem], Programme | None]:
    """Every problem of a programme file (unreadable included), or the programme it holds."""
    resolved = resolve_programme_path(path)
    source = str(resolved)
    try:
        text = read_text(resolved)
    except ProgrammeError as error:
        return error.problems, None
    problems, validated = check_text(text, source)
    if problems:
        return problems, None
    return [], _build(validated, source)


def parse_programme(text: str | bytes, source: str = "<programme>") -> Programme:
    """Validate the text of a programme file and build the domain objects.

    Given the file's bytes (UTF-8), a regular file is parsed without ever holding its
    whole text as a ``str`` (twice its size in memory with any non-Latin-1 character);
    otherwise they are decoded as ``source.decode`` does, with its errors.
    """
    with paused_gc():
        tried = False  # whether the fast path already failed: then only the full check
        if isinstance(text, bytes):
            if _is_utf8(text) and not _node_anchor(text, _NODE_ANCHOR_BYTES, b"&", b"\n"):
                validated = _check_regular(text, source, light=True)
                if validated is not None:
                    return _build(validated, source)
                tried = True
            from .source import decode

            text = decode(text, source)
        if tried:
            problems, validated = _check_fully(text, source)
        else:
            problems, validated = _check_text(text, source, light=True)
        if problems:
            raise ProgrammeError(problems)
        assert validated is not None
        return _build(validated, source)


def check_text(text: str, source: str) -> tuple[list[Problem], Any]:
    """Every problem of a programme file's text, and its validated form when there is none."""
    with paused_gc():
        return _check_text(text, source)


def _check_text(text: str, source: str, *, light: bool = False) -> tuple[list[Problem], Any]:
    if not _node_anchor(text, _NODE_ANCHOR, "&", "\n"):
        validated = _check_regular(text, source, light=light)
        if validated is not None:
            return [], validated
    return _check_fully(text, source)


def _check_fully(text: str, source: str) -> tuple[list[Problem], Any]:
    """Every problem of a programme file's text, and its validated form when there is none.

    Problems of every kind are reported together, ordered by position: duplicate keys,
    schema errors, and the cross-checks (ids, references, times, overlaps), which run on
    whatever parts of the file are individually valid.
    """
    foreign = _foreign_format(text, source)
    if foreign is not None:
        return [foreign], None
    try:
        loader = ProgrammeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return [Problem(source, "fichier vide : aucun programme à lire")], None
            if _may_have_anchors(text):
                bomb = _alias_bomb(root, source)
                if bomb is not None:
                    return [bomb], None
            data = loader.construct_document(root)
            problems = [
                Problem(
                    source,
                    f"clé « {key.value} » en double dans la même table",
                    line=key.start_mark.line + 1,
                    column=key.start_mark.column + 1,
                )
                for key in loader.duplicate_keys
            ]
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        return [_yaml_problem(error, source, text)], None
    except yaml.YAMLError as error:
        return [Problem(source, f"YAML illisible ({error})")], None
    except RecursionError:
        return [Problem(source, "structure YAML trop profondément imbriquée")], None

    if not isinstance(data, dict):
        return [
            Problem(
                source,
                "le fichier doit être une table de clés (colloque, rooms, themes, glossary, "
                f"slots, sessions), pas {_kind(data)}",
                line=root.start_mark.line + 1,
                column=root.start_mark.column + 1,
            )
        ], None

    from pydantic import ValidationError

    from .schema import ProgrammeFile

    validated = None
    try:
        validated = ProgrammeFile.model_validate(data)
    except ValidationError as error:
        problems.extend(_pydantic_problem(e, root, source) for e in error.errors())
        sections = _salvage(data)
    else:
        sections = {
            name: list(enumerate(getattr(validated, name)))
            for name in ("rooms", "themes", "slots", "sessions")
        }
    zone = validated.colloque.timezone if validated is not None else _declared_zone(data)
    problems.extend(_cross_check(sections, root, source, zone))
    if not problems:
        return [], validated
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems, None


# --- the fast path for regular, valid files ------------------------------------------------


class _Irregular(Exception):
    """Something the fast path leaves to the full check (which reports it, located)."""


_STR_TAG = "tag:yaml.org,2002:str"
# The first characters of the plain scalars an implicit resolver may claim (see above).
_RESOLVABLE = frozenset("tTfF-+0123456789.~nN<")
_MAX_DEPTH = 64


def _check_regular(text: str | bytes, source: str, *, light: bool = False) -> Any | None:
    """The validated file, or None when it is anything but plain, valid YAML.

    A file without anchors, aliases, explicit tags, merge keys or duplicate keys, whose data
    validates and passes the cross-checks, is read straight from the parser's events: no node
    tree (several times the size of the data) is composed. Anything else, including every
    error, returns None and is left to ``_check_fully``, which reports it as it always has.
    """
    loader = ProgrammeLoader(text)
    try:
        data = _data_from_events(loader)
    except (_Irregular, yaml.YAMLError):  # the full check will say it properly, located
        # (anything else is a bug of the fast path: it shows, instead of passing for slowness)
        return None
    finally:
        loader.dispose()
        del loader  # and the parser's copy of the text with it
    from pydantic import ValidationError

    from .schema import ProgrammeFile

    try:
        validated = _validate_in_chunks(ProgrammeFile, data, light=light)
    except ValidationError:
        return None
    del data
    sections = {
        name: list(enumerate(getattr(validated, name)))
        for name in ("rooms", "themes", "slots", "sessions")
    }
    for _problem in _cross_check(sections, None, source, validated.colloque.timezone):
        return None
    return validated


_CHUNK = 2_000


def _validate_in_chunks(model: Any, data: dict[Any, Any], *, light: bool = False) -> Any:
    """``model.model_validate(data)``, for valid data, without two copies of every session.

    pydantic copies the strings it validates: validating the sessions a chunk at a time and
    dropping each chunk's dicts at once keeps one copy of most of the text alive, not two.
    Only the fast path uses it: errors are reported by validating the whole file as usual.
    ``light`` keeps each validated session as a ``SessionRow`` (a named tuple of the same
    fields, a tenth of a model's size) for callers that only build domain objects from them.
    """
    sessions = data.get("sessions")
    if not isinstance(sessions, list) or len(sessions) <= _CHUNK:
        return model.model_validate(data)
    data["sessions"] = []
    head = model.model_validate(data)
    adapter = _sessions_adapter()
    row = _session_row()
    validated: list[Any] = []
    for start in range(0, len(sessions), _CHUNK):
        chunk = sessions[start : start + _CHUNK]
        sessions[start : start + _CHUNK] = [None] * len(chunk)  # the chunk holds the last refs
        models = adapter.validate_python(chunk)
        if light:
            validated.extend(row(**m.__dict__) for m in models)
        else:
            validated.extend(models)
    return head.model_copy(update={"sessions": validated})


@functools.cache
def _session_row() -> Any:
    from collections import namedtuple

    from .schema import SessionFile

    return namedtuple("SessionRow", list(SessionFile.model_fields))  # noqa: PYI024


@functools.cache
def _sessions_adapter() -> Any:
    from pydantic import TypeAdapter

    from .schema import SessionFile

    return TypeAdapter(list[SessionFile])


def _data_from_events(loader: ProgrammeLoader) -> dict[Any, Any]:
    """The document's top-level mapping, built event by event (``_Irregular`` if unusual)."""
    from yaml.events import (
        DocumentEndEvent,
        DocumentStartEvent,
        MappingEndEvent,
        MappingStartEvent,
        ScalarEvent,
        SequenceEndEvent,
        SequenceStartEvent,
        StreamEndEvent,
        StreamStartEvent,
    )

    get = loader.get_event
    resolve = loader.resolve
    scalar_node = yaml.ScalarNode
    keys: dict[str, str] = {}  # one string per distinct key, not one per occurrence
    if not isinstance(get(), StreamStartEvent) or not isinstance(get(), DocumentStartEvent):
        raise _Irregular
    event = get()
    if type(event) is not MappingStartEvent or event.anchor is not None or event.tag is not None:
        raise _Irregular
    root: dict[Any, Any] = {}
    current: Any = root
    key: Any = _Irregular  # the mapping's pending key; _Irregular when a key comes next
    stack: list[tuple[Any, Any]] = []
    while True:
        event = get()
        kind = type(event)
        if kind is ScalarEvent:
            if event.anchor is not None:
                raise _Irregular
            value = event.value
            tag = event.tag
            if tag is not None and tag != "!":
                raise _Irregular
            if event.implicit[0] and (value == "" or value[0] in _RESOLVABLE):
                tag = resolve(scalar_node, value, event.implicit)
                if tag != _STR_TAG:
                    if tag.endswith(":null"):
                        value = None
                    elif tag.endswith((":bool", ":int", ":float")):
                        node = scalar_node(tag, value, event.start_mark, event.end_mark)
                        value = loader.construct_object(node)
                    else:  # a merge key
                        raise _Irregular
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.anchor is not None or (event.tag is not None and event.tag != "!"):
                raise _Irregular
            if key is _Irregular and type(current) is dict or len(stack) >= _MAX_DEPTH:
                raise _Irregular  # a complex key, or absurdly deep
            stack.append((current, key))
            current = {} if kind is MappingStartEvent else []
            key = _Irregular
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            if not stack:
                break
            value = current
            current, key = stack.pop()
        else:  # an alias
            raise _Irregular
        if type(current) is list:
            current.append(value)
        elif key is _Irregular:
            if value in current:
                raise _Irregular  # a duplicate key: located by the full check
            key = keys.setdefault(value, value) if type(value) is str else value
        else:
            current[key] = value
            key = _Irregular
    if not isinstance(get(), DocumentEndEvent) or not isinstance(get(), StreamEndEvent):
        raise _Irregular
    return root


# --- YAML-level checks ---------------------------------------------------------------------


_ANCHOR = re.compile(r"&[^\s\[\]{},]")
_ANCHOR_BYTES = re.compile(rb"&[^\s\[\]{},]")  # ASCII spaces only: finds more, never fewer
# Where an anchor can start a node: at a line's start (after indentation and « - »), after
# « key: », or after a flow indicator.
# Only a hint for trying the fast path first: « R&D » or « &amp; » in a description no longer
# sends a file to the full check. The fast path refuses any anchor or alias it meets (an
# alias bomb included, before anything expands), and the full check then looks for bombs
# with the broad pattern above.
_NODE_START = r"(?:^[ \t]*(?:[-?][ \t]+)*|:[ \t]+|[\[{,][ \t]*)&[^\s\[\]{},]"
_NODE_ANCHOR = re.compile(_NODE_START, re.MULTILINE)
_NODE_ANCHOR_BYTES = re.compile(_NODE_START.encode(), re.MULTILINE)


def _node_anchor(text: AnyStr, pattern: re.Pattern[AnyStr], amp: AnyStr, newline: AnyStr) -> bool:
    """Whether ``pattern`` (``_NODE_ANCHOR``, of ``text``'s kind) matches in ``text``.

    Over a whole file the pattern is slow (it tries each position: 0.35 s on 28 MB); a match
    holds an « & » and never spans a line break, so only the lines holding an « & » (found by
    a scan for that one character, a hundred times faster) are searched.
    """
    at = text.find(amp)
    while at >= 0:
        start = text.rfind(newline, 0, at) + 1  # where ``^`` matches
        end = text.find(newline, at)
        end = len(text) if end < 0 else end
        if pattern.search(text, start, end):
            return True
        at = text.find(amp, end)
    return False


def _is_utf8(raw: bytes) -> bool:
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


def _may_have_anchors(text: str) -> bool:
    """Whether the text may define a YAML anchor (without one, no alias can expand)."""
    return "&" in text and _ANCHOR.search(text) is not None


def _alias_bomb(root: yaml.Node, source: str) -> Problem | None:
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


_TAB = "tabulation interdite en YAML : indentez avec des espaces"
_YAML_MESSAGES = (
    ("found character '\\t'", _TAB),
    ("did not find expected ',' or '}'", "accolade « { » non fermée ou virgule manquante"),
    ("did not find expected ',' or ']'", "crochet « [ » non fermé ou virgule manquante"),
    ("did not find expected key", "indentation incohérente : clé attendue"),
    ("did not find expected '-' indicator", "indentation incohérente dans une liste"),
    ("did not find expected node content", "valeur attendue"),
    ("found character that cannot start any token", "caractère inattendu en début de valeur"),
    ("nesting depth", "structure YAML trop profondément imbriquée"),
    ("could not determine a constructor", "étiquette YAML non autorisée"),
    (
        "mapping values are not allowed",
        "« : » inattendu (une valeur contenant « : » doit être entre guillemets)",
    ),
    ("found undefined alias", "alias YAML non défini"),
    (
        "found invalid Unicode character escape code",
        "échappement Unicode impossible (comme \\ud800, une moitié de paire isolée)",
    ),
    (
        "number too long",
        "nombre trop long (plus de 4\u202f300 chiffres) : mettez-le entre guillemets",
    ),
    ("found duplicate anchor", "ancre YAML en double"),
    ("expected <block end>", "indentation incohérente"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    (
        "found unexpected end of stream",
        "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
    ),
    ("expected a single document", "un seul document YAML attendu (retirez les « --- » en trop)"),
    ("found unacceptable character", "caractère interdit en YAML"),
    (
        "invalid value for its tag",
        "valeur impossible pour son étiquette YAML (!!int, !!float, !!bool)",
    ),
    ("while scanning a quoted scalar", "guillemet non fermé"),
)


def _foreign_format(text: str, source: str) -> Problem | None:
    """A published schedule (frab XML, frab or pretalx JSON) given where a programme file
    is expected: the one thing to say is how to convert it."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if head.startswith("<") and "<schedule" in head:
        kind = "frab (XML)"
    elif head.startswith("{") and '"schedule"' in head:
        kind = "frab ou pretalx (JSON)"
    else:
        return None
    return Problem(
        source,
        f"ce fichier est un programme au format {kind} : convertissez-le avec "
        f"« colloque import {source} -o programme.yaml »",
    )


# A single-quoted text with an apostrophe inside: « title: 'L'eau' ».
_QUOTED_APOSTROPHE = re.compile(r"'[^'\n]*'(?=\w)")


def _yaml_problem(error: yaml.MarkedYAMLError, source: str, document: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    text = f"{error.context or ''} {error.problem or ''}"
    message = next((fr for en, fr in _YAML_MESSAGES if en in text), "syntaxe YAML invalide")
    if mark is not None and document[mark.index : mark.index + 1] == "\t":
        message = _TAB
    if mark is not None:
        lines = document.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        quoted = _QUOTED_APOSTROPHE.search(line)
        if quoted:
            mark = yaml.Mark("", quoted.start(), mark.line, quoted.start(), None, 0)
            message = (
                "apostrophe dans un texte entre apostrophes : doublez-la (« 'L''eau' ») ou "
                'mettez le texte entre guillemets (« "L\'eau" »)'
            )
    if "constructor" in text and error.problem:
        tag = re.search(r"tag '([^']*)'", error.problem)
        if tag:
            message += f" « {tag.group(1)} » (seul le YAML simple est accepté)"
    return Problem(
        source,
        message,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


# --- schema errors, located in the YAML ----------------------------------------------------


def _locate(root: yaml.Node, loc: Iterable[Any], *, key: bool = False) -> yaml.Node:
    """The node at a pydantic ``loc`` (or its deepest existing ancestor)."""
    node = root
    parts = tuple(loc)
    for position, part in enumerate(parts):
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if match is None:
                return node
            if key and position == len(parts) - 1:
                key_node: yaml.Node = match[0]
                return key_node
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def _path(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":
            text += f".{part}" if text else str(part)
    return text


def _kind(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return f"un nombre ({value})"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "une table de clés"
    return f"une valeur de type {type(value).__name__}"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    from . import schema

    models: dict[tuple[str, ...], type[BaseModel]] = {
        (): schema.ProgrammeFile,
        ("colloque",): schema.ColloqueFile,
        ("rooms",): schema.RoomFile,
        ("themes",): schema.ThemeFile,
        ("slots",): schema.SlotFile,
        ("sessions",): schema.SessionFile,
    }
    shape = tuple(p for p in loc if isinstance(p, str))
    model = models.get(shape)
    return list(model.model_fields) if model else []


def _pydantic_problem(error: Any, root: yaml.Node, source: str) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    node = _locate(root, loc, key=kind == "extra_forbidden")
    if kind == "missing":
        message = f"champ obligatoire « {loc[-1]} » manquant"
        path = _path(loc[:-1])
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"clé inconnue « {loc[-1]} »"
        from difflib import get_close_matches  # only for a file with a mistake

        near = get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        if near:
            message += f" : vouliez-vous dire « {near[0]} » ?"
        if allowed:
            message += f" (clés permises : {', '.join(allowed)})"
        path = _path(loc[:-1])
    else:
        path = _path(loc)
        if kind == "value_error":
            message = str(error["ctx"]["error"])
        elif kind == "string_type":
            message = f"texte attendu, trouvé {_kind(value)}"
        elif kind == "list_type":
            message = f"liste attendue, trouvé {_kind(value)}"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            message = f"table de clés attendue, trouvé {_kind(value)}"
        elif kind == "string_too_short":
            message = "ne doit pas être vide"
        elif kind == "string_too_long":
            message = "texte trop long"
        elif kind == "string_pattern_mismatch":
            message = f"identifiant invalide « {value} » (ni espace, ni « / »)"
            valid = slugify(str(value))
            if valid:
                message += f" : essayez « {valid} »"
        else:
            message = f"valeur invalide : {_kind(value)}"
    return Problem(
        source,
        message,
        path=path,
        line=node.start_mark.line + 1,
        column=node.start_mark.column + 1,
    )


# --- cross-references ----------------------------------------------------------------------

# The fields the cross-checks read, per section (see ``_salvage``).
_CROSS_FIELDS = {
    "rooms": ("id",),
    "themes": ("id",),
    "slots": ("id", "date", "start", "end", "end_date"),
    "sessions": ("id", "slot", "room", "themes", "allow_overlap"),
}


def _salvage(data: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
    """The individually valid fields of every item, for cross-checks on an invalid file.

    A session whose title has the wrong type still has a slot and a room worth checking:
    each field the cross-checks need is validated on its own, with the model's own type;
    a field that is missing or invalid is ``None`` (its problem is already reported).
    """
    from types import SimpleNamespace

    from . import schema

    models = {
        "rooms": schema.RoomFile,
        "themes": schema.ThemeFile,
        "slots": schema.SlotFile,
        "sessions": schema.SessionFile,
    }
    sections: dict[str, list[tuple[int, Any]]] = {}
    for section, names in _CROSS_FIELDS.items():
        items = data.get(section)
        sections[section] = []
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            fields = {}
            for name in names:
                adapter = _field_adapter(models[section], name)
                value = item.get(name)
                try:
                    fields[name] = adapter.validate_python(value) if name in item else None
                except ValueError:
                    fields[name] = None
            sections[section].append((index, SimpleNamespace(**fields)))
    return sections


@functools.cache
def _field_adapter(model: Any, name: str) -> Any:
    """A validator for one field of a file model, with the model's string handling."""
    from typing import Annotated

    from pydantic import ConfigDict, TypeAdapter

    field = model.model_fields[name]
    annotation: Any = (
        Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    )
    return TypeAdapter(annotation, config=ConfigDict(str_strip_whitespace=True))


def _declared_zone(data: dict[str, Any]) -> str | None:
    colloque = data.get("colloque")
    zone = colloque.get("timezone", "Europe/Paris") if isinstance(colloque, dict) else None
    return zone if isinstance(zone, str) else None


def _nonexistent_times(
    slots: list[tuple[int, Any]], zone_name: str | None
) -> Iterable[tuple[int, str, str]]:
    """(slot index, field, time) for each slot time that a clock change skips in the zone."""
    from datetime import timedelta

    from .model import clock_change, find_zone

    zone = find_zone(zone_name) if zone_name else None
    if zone is None:
        return
    changing: dict[Any, bool] = {}  # day -> whether the zone's offset changes during it

    def changes(day: Any) -> bool:
        if day not in changing:
            try:
                start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
                changing[day] = start.utcoffset() != (start + timedelta(days=1)).utcoffset()
            except OverflowError:
                changing[day] = False
        return changing[day]

    for index, slot in slots:
        for name, day, moment in (
            ("start", slot.date, slot.start),
            ("end", slot.end_date or slot.date, slot.end),
        ):
            if day is None or moment is None or not changes(day):
                continue
            if clock_change(day, moment, zone) == "gap":
                yield index, name, f"{hhmm(moment)} du {day.isoformat()}"


def _cross_check(
    sections: dict[str, list[tuple[int, Any]]],
    root: yaml.Node | None,
    source: str,
    zone: str | None = None,
) -> Iterable[Problem]:
    """Duplicate ids, unknown references, end before start, times a clock change skips,
    overlaps in one room.

    ``sections`` holds ``(index in the file, item)`` pairs; a field may be ``None`` when it is
    missing or invalid, and the checks that need it are then skipped for that item.
    """

    def at(loc: tuple[Any, ...], message: str) -> Problem:
        if root is None:  # the fast path only asks whether there is a problem
            return Problem(source, message, path=_path(loc))
        node = _locate(root, loc)
        return Problem(
            source,
            message,
            path=_path(loc),
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )

    ids: dict[str, dict[str, int]] = {}
    for section in ("rooms", "themes", "slots", "sessions"):
        seen: dict[str, int] = {}
        for index, item in sections[section]:
            if item.id is None:
                continue
            if item.id in seen:
                yield at(
                    (section, index, "id"),
                    f"identifiant « {item.id} » en double "
                    f"(déjà utilisé par {section}[{seen[item.id]}])",
                )
            else:
                seen[item.id] = index
        ids[section] = seen

    def unknown(kind: str, value: str, known: dict[str, int]) -> str:
        names = ", ".join(list(known)[:12]) + (" …" if len(known) > 12 else "")
        return f"{kind} « {value} » (valeurs déclarées : {names or 'aucune'})"

    spans: dict[str, tuple[datetime, datetime]] = {}
    for index, slot in sections["slots"]:
        if slot.date is None or slot.start is None or slot.end is None:
            continue
        if slot.end_date is not None and slot.end_date < slot.date:
            yield at(("slots", index, "end_date"), "le jour de fin précède le jour de début")
        elif (slot.end_date or slot.date, slot.end) < (slot.date, slot.start):
            # equal is a point in time (doors open, a meetup): kept
            yield at(
                ("slots", index, "end"),
                f"la fin ({hhmm(slot.end)}) n'est pas après le début ({hhmm(slot.start)})",
            )
        if slot.id is not None and slot.id not in spans:
            spans[slot.id] = (
                datetime.combine(slot.date, slot.start),
                datetime.combine(slot.end_date or slot.date, slot.end),
            )

    for index, name, moment in _nonexistent_times(sections["slots"], zone):
        yield at(
            ("slots", index, name),
            f"l'heure {moment} n'existe pas dans le fuseau {zone} (les horloges la sautent "
            "au changement d'heure) : choisissez une heure réelle",
        )

    for index, session in sections["sessions"]:
        if session.slot is not None and session.slot not in ids["slots"]:
            yield at(
                ("sessions", index, "slot"), unknown("créneau inconnu", session.slot, ids["slots"])
            )
        if session.room is not None and session.room not in ids["rooms"]:
            yield at(
                ("sessions", index, "room"), unknown("salle inconnue", session.room, ids["rooms"])
            )
        for position, theme in enumerate(session.themes or ()):
            if theme not in ids["themes"]:
                yield at(
                    ("sessions", index, "themes", position),
                    unknown("thème inconnu", theme, ids["themes"]),
                )

    # Two sessions in one room at overlapping times: sort by start, sweep once. A session
    # marked ``allow_overlap`` (one nested in another, as real schedules have) is left out.
    by_room: dict[str, list[tuple[datetime, datetime, int, str]]] = {}
    for index, session in sections["sessions"]:
        span = spans.get(session.slot) if session.slot is not None else None
        if session.room is None or span is None or session.allow_overlap:
            continue
        by_room.setdefault(session.room, []).append((*span, index, session.id or f"#{index}"))
    for room, room_spans in by_room.items():
        room_spans.sort()
        latest_end: datetime | None = None
        latest_id = ""
        for start, end, index, session_id in room_spans:
            if latest_end is not None and start < latest_end:
                yield at(
                    ("sessions", index, "room"),
                    f"chevauche « {latest_id} » dans la même salle « {room} » "
                    "(si c'est voulu, ajoutez « allow_overlap: true » à cette session)",
                )
            if latest_end is None or end > latest_end:
                latest_end, latest_id = end, session_id


# --- domain objects ------------------------------------------------------------------------


def _build(data: Any, source: str) -> Programme:
    rooms = {r.id: Room(r.id, r.name) for r in data.rooms}
    themes = {t.id: Theme(t.id, t.label, t.description) for t in data.themes}
    slots = {s.id: Slot(s.id, s.date, s.start, s.end, s.label, s.end_date) for s in data.slots}
    order = {slot_id: n for n, slot_id in enumerate(slots)}

    def slot_key(slot: Slot) -> tuple[Any, ...]:
        return (slot.date, slot.start, slot.end_date or slot.date, slot.end, order[slot.id])

    theme_sets: dict[tuple[str, ...], tuple[Theme, ...]] = {}  # one tuple per combination

    def themes_of(ids: Iterable[str]) -> tuple[Theme, ...]:
        key = tuple(ids)
        found = theme_sets.get(key)
        if found is None:
            found = theme_sets[key] = tuple(themes[t] for t in dict.fromkeys(key))
        return found

    sessions = [
        new_session(
            s.id,
            slots[s.slot],
            rooms[s.room] if s.room else None,
            s.title,
            s.type,
            s.description,
            themes_of(s.themes),
            s.subtitle or None,
            tuple(s.speakers),
        )
        for s in data.sessions
    ]
    slot_keys = {slot_id: slot_key(slot) for slot_id, slot in slots.items()}
    sessions.sort(key=lambda s: slot_keys[s.slot.id])  # stable: file order within a slot
    c = data.colloque
    return Programme(
        colloque=Colloque(
            title=c.title,
            timezone=c.timezone,
            dates=tuple(c.dates),
            subtitle=c.subtitle,
            kind=c.kind,
            city=c.city,
            venue=c.venue,
        ),
        rooms=tuple(rooms.values()),
        themes=tuple(themes.values()),
        glossary=dict(data.glossary),
        slots=tuple(sorted(slots.values(), key=slot_key)),
        sessions=tuple(sessions),
        source=source,
    )
