"""The fast path for regular, valid programme files: data read by rapidyaml (``rapidread``)
when it reads the file as libyaml would, else straight from libyaml's events."""

from __future__ import annotations

import functools
from typing import Any

import yaml

from ..infra import progress
from ..text import plural
from .crosscheck import cross_check
from .yamldialect import ProgrammeLoader


class _Irregular(Exception):
    """Something the fast path leaves to the full check (which reports it, located)."""


_STR_TAG = "tag:yaml.org,2002:str"
# The first characters of the plain scalars an implicit resolver may claim (see
# ``yamldialect``).
_RESOLVABLE = frozenset("tTfF-+0123456789.~nN<")
_MAX_DEPTH = 64
_REMEMBERED = 64  # the longest plain scalar whose tag is remembered


def check_regular(text: str | bytes, source: str, *, light: bool = False) -> Any | None:
    """The validated file, or None when it is anything but plain, valid YAML.

    A file without anchors, aliases, explicit tags, merge keys or duplicate keys, whose data
    validates and passes the cross-checks, is read by rapidyaml (given as bytes, when its
    reading cannot differ) or straight from libyaml's events: no node tree of the whole file
    (several times the size of the data) is composed. Anything else, including every
    error, returns None and is left to ``loader._check_fully``, which reports it as it
    always has.
    """
    data, by_rapidyaml, tail = _regular_data(text, light=light)
    if data is None:
        return None
    # Read by rapidyaml, the data holds only JSON's types and no lone surrogate (which
    # pydantic refuses, and libyaml can read from an escape): checked without pydantic (and
    # its import) when that check is sure, for the callers that only build domain objects.
    # (For a large file, the last sessions come checked already, as ``tail``.)
    validated = _plainly_checked(data, tail) if light and by_rapidyaml else None
    if validated is None and tail:
        return None  # the data lacks the last sessions: the full check reads the whole file
    if validated is None:
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
    for _problem in cross_check(sections, None, source, validated.colloque.timezone):
        return None
    return validated


def _regular_data(
    text: str | bytes, *, light: bool = False
) -> tuple[dict[Any, Any] | None, bool, list[Any]]:
    """The file's data, read by rapidyaml when it reads it as libyaml does, else from libyaml's
    events (None for anything irregular, left to the full check); whether rapidyaml read it;
    and for ``light`` callers, the rows of the last sessions (as lists), when a child
    process read and checked them (``rapidread.regular_data_checked``): they are not in
    the data then."""
    if isinstance(text, bytes):
        from .rapidread import regular_data, regular_data_checked

        if light:
            from . import plaincheck

            found = regular_data_checked(text, plaincheck.checked_sessions)
            data, tail = (None, []) if found is None else found
        else:
            data, tail = regular_data(text), []
        if data is not None:
            progress.advance(len(text), len(text), progress.MEGABYTES)
            return data, True, tail
    loader = ProgrammeLoader(text)
    try:
        return data_from_events(loader, len(text)), False, []
    except (_Irregular, yaml.YAMLError):  # the full check will say it properly, located
        # (anything else is a bug of the fast path: it shows, instead of passing for slowness)
        return None, False, []
    finally:
        loader.dispose()
        del loader  # and the parser's copy of the text with it


CHUNK = 2_000
PROGRESS_ITEMS = 1_000


def _plainly_checked(data: dict[Any, Any], tail: list[Any]) -> Any | None:
    """``plaincheck``'s rows of the file, its sessions a chunk at a time (as
    ``_validate_in_chunks`` tells its progress), then ``tail`` (the rows of the last
    sessions, checked already, as lists), or None to leave the file to pydantic."""
    from . import plaincheck

    sessions = data.get("sessions")
    if type(sessions) is not list:
        return None
    head = plaincheck.checked({**data, "sessions": []})
    if head is None:
        return None
    count = len(sessions)
    if count <= CHUNK and not tail:
        rows = plaincheck.checked_sessions(sessions)
        return None if rows is None else head._replace(sessions=rows)
    rows = []
    total = count + len(tail)
    with progress.stage(f"Validation de {plural(total, 'session')}…", total=total):
        for start in range(0, count, CHUNK):
            part = plaincheck.checked_sessions(sessions[start : start + CHUNK])
            if part is None:
                return None
            rows.extend(part)
            progress.advance(start + len(part))
        if tail:
            rows.extend(map(plaincheck.SessionRow._make, tail))
            progress.advance(total)
    return head._replace(sessions=rows)


def _validate_in_chunks(model: Any, data: dict[Any, Any], *, light: bool = False) -> Any:
    """``model.model_validate(data)``, for valid data, without two copies of every session.

    pydantic copies the strings it validates: validating the sessions a chunk at a time and
    dropping each chunk's dicts at once keeps one copy of most of the text alive, not two.
    Only the fast path uses it: errors are reported by validating the whole file as usual.
    ``light`` keeps each validated session as a ``plaincheck.SessionRow`` (a named tuple of
    the same fields, a tenth of a model's size, as the plain check gives) for callers that
    only build domain objects from them.
    """
    from .plaincheck import SessionRow  # the schema's fields, in order (tested)

    sessions = data.get("sessions")
    if not isinstance(sessions, list) or len(sessions) <= CHUNK:
        return model.model_validate(data)
    data["sessions"] = []
    head = model.model_validate(data)
    adapter = _sessions_adapter()
    validated: list[Any] = []
    count = len(sessions)
    with progress.stage(f"Validation de {plural(count, 'session')}…", total=count):
        for start in range(0, count, CHUNK):
            chunk = sessions[start : start + CHUNK]
            sessions[start : start + CHUNK] = [None] * len(chunk)  # the chunk holds the last refs
            models = adapter.validate_python(chunk)
            if light:
                validated.extend(SessionRow(**m.__dict__) for m in models)
            else:
                validated.extend(models)
            progress.advance(start + len(chunk))
    return head.model_copy(update={"sessions": validated})


@functools.cache
def _sessions_adapter() -> Any:
    from pydantic import TypeAdapter

    from .schema import SessionFile

    return TypeAdapter(list[SessionFile])


def data_from_events(loader: ProgrammeLoader, size: int = 0) -> dict[Any, Any]:
    """The document's top-level mapping, built event by event (``_Irregular`` if unusual);
    ``size``: the length of the text, for the progress told on the way."""
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
    # The tags of short plain scalars, resolved once each: keys (« title », « themes »)
    # and ids repeat, and each resolution is a few Python calls.
    tags: dict[str, str] = {}
    if not isinstance(get(), StreamStartEvent) or not isinstance(get(), DocumentStartEvent):
        raise _Irregular
    event = get()
    if type(event) is not MappingStartEvent or event.anchor is not None or event.tag is not None:
        raise _Irregular
    root: dict[Any, Any] = {}
    current: Any = root
    key: Any = _Irregular  # the mapping's pending key; _Irregular when a key comes next
    stack: list[tuple[Any, Any]] = []
    # how far the parser has read (in characters) is told every PROGRESS_ITEMS items
    items = 0
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
                tag = tags.get(value)
                if tag is None:  # a plain scalar's tag depends on its text alone
                    tag = resolve(scalar_node, value, event.implicit)
                    if len(value) <= _REMEMBERED:
                        tags[value] = tag
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
            if len(stack) == 1:  # an item of a section (a session, a room…) is read
                items += 1
                if not items % PROGRESS_ITEMS:
                    progress.advance(event.end_mark.index, size, progress.MEGABYTES)
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
    progress.advance(size, size, progress.MEGABYTES)  # all read (the parser counts characters)
    return root
