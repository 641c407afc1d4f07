"""The schema checked in plain Python, for data rapidyaml read: no pydantic to import.

Importing pydantic and building the schema's validators costs about as much as validating
10 000 sessions (0.05 to 0.1 s), on every first read after an edit. Data read by rapidyaml
(``rapidread``) holds only what JSON holds (``dict``, ``list``, ``str``, ``int``, ``float``,
``bool``, ``None``, and no lone surrogate), so the schema's rules come down to a few type
tests, which are checked here as pydantic checks them (``schema``: unknown keys refused,
texts stripped of Unicode white space then non-empty, ids visible and without space or
slash, dates and times read by the same functions). Whatever this does not accept outright
(a number where a text is expected, « allow_overlap: 1 » that pydantic would take, a text
to strip in an id…) returns None: pydantic then validates the file as before and says
what is wrong, if anything is.

The rows are named tuples with the fields of the schema's models, in their order.
tests/test_plaincheck.py compares them with pydantic's on the project's programmes and on
generated data.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from .model import find_zone
from .values import parse_date, parse_time

# What pydantic strips (Rust's ``str::trim``: Unicode's White_Space), not ``str.strip()``
# (which also strips U+001C to U+001F).
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

COLLOQUE_FIELDS = ("title", "subtitle", "kind", "city", "venue", "timezone", "dates")
ROOM_FIELDS = ("id", "name")
THEME_FIELDS = ("id", "label", "description")
SLOT_FIELDS = ("id", "date", "start", "end", "end_date", "label")
SESSION_FIELDS = (
    "id", "slot", "room", "title", "subtitle", "type", "themes", "description", "speakers",
    "allow_overlap",
)  # fmt: skip
PROGRAMME_FIELDS = ("colloque", "rooms", "themes", "glossary", "slots", "sessions")
_KNOWN = {fields: frozenset(fields) for fields in (
    COLLOQUE_FIELDS, ROOM_FIELDS, THEME_FIELDS, SLOT_FIELDS, SESSION_FIELDS, PROGRAMME_FIELDS
)}  # fmt: skip


def _row(name: str, fields: tuple[str, ...]) -> Any:
    return namedtuple(name, fields)  # noqa: PYI024


ColloqueRow = _row("ColloqueRow", COLLOQUE_FIELDS)
RoomRow = _row("RoomRow", ROOM_FIELDS)
ThemeRow = _row("ThemeRow", THEME_FIELDS)
SlotRow = _row("SlotRow", SLOT_FIELDS)
SessionRow = _row("SessionRow", SESSION_FIELDS)
ProgrammeRow = _row("ProgrammeRow", PROGRAMME_FIELDS)


class _Unsure(Exception):
    """pydantic may judge this otherwise: it is left to pydantic."""


def checked(data: dict[str, Any]) -> Any | None:
    """The validated file as rows (``ProgrammeRow``), or None to leave it to pydantic."""
    try:
        return _programme(data)
    except (_Unsure, ValueError):  # ValueError: a date or a time refused (by ``values``)
        return None


def checked_sessions(sessions: list[Any]) -> list[Any] | None:
    """Sessions as rows (``SessionRow``), or None to leave them to pydantic."""
    try:
        return [_session(session) for session in sessions]
    except (_Unsure, ValueError):
        return None


def _programme(data: dict[str, Any]) -> Any:
    _known(data, _KNOWN[PROGRAMME_FIELDS])
    glossary = data.get("glossary", {})
    if type(glossary) is not dict:
        raise _Unsure
    for term, meaning in glossary.items():
        if _text(term) != term or _text(meaning) != meaning:
            raise _Unsure  # stripped terms could merge: pydantic's to judge
    rooms = [
        RoomRow(_id(_required(room, "id")), _text(_required(room, "name")))
        for room in _items(data, "rooms", _KNOWN[ROOM_FIELDS])
    ]
    themes = [
        ThemeRow(
            _id(_required(theme, "id")),
            _text(_required(theme, "label")),
            _optional(theme, "description"),
        )
        for theme in _items(data, "themes", _KNOWN[THEME_FIELDS])
    ]
    return ProgrammeRow(
        _colloque(_required(data, "colloque")),
        rooms,
        themes,
        dict(glossary),
        [_slot(slot) for slot in _items(data, "slots", _KNOWN[SLOT_FIELDS], required=True)],
        [_session(one) for one in _list(_required(data, "sessions"))],
    )


def _colloque(colloque: Any) -> Any:
    _known(colloque, _KNOWN[COLLOQUE_FIELDS])
    zone = colloque.get("timezone", "Europe/Paris")
    if type(zone) is not str:
        raise _Unsure
    zone = zone.strip(WHITE_SPACE)
    if find_zone(zone) is None:
        raise _Unsure
    dates = colloque.get("dates", [])
    if type(dates) is not list:
        raise _Unsure
    return ColloqueRow(
        _text(_required(colloque, "title")),
        _optional(colloque, "subtitle"),
        _optional(colloque, "kind"),
        _optional(colloque, "city"),
        _optional(colloque, "venue"),
        zone,
        [parse_date(_str(day)) for day in dates],
    )


def _slot(slot: dict[str, Any]) -> Any:
    end_date = slot.get("end_date")
    return SlotRow(
        _id(_required(slot, "id")),
        parse_date(_str(_required(slot, "date"))),
        parse_time(_str(_required(slot, "start"))),
        parse_time(_str(_required(slot, "end"))),
        None if end_date is None else parse_date(_str(end_date)),
        _optional(slot, "label"),
    )


_SESSION_KEYS = _KNOWN[SESSION_FIELDS]


def _session(session: Any) -> Any:
    # the most frequent item: written out, with as few calls as can be
    if type(session) is not dict or not session.keys() <= _SESSION_KEYS:
        raise _Unsure  # not a mapping, or an unknown key
    get = session.get
    room = get("room")
    subtitle = get("subtitle")
    themes = get("themes", [])
    speakers = get("speakers", [])
    overlap = get("allow_overlap", False)
    if type(themes) is not list or type(speakers) is not list or type(overlap) is not bool:
        raise _Unsure  # pydantic takes « 1 » or « "yes" » for a boolean
    return SessionRow(
        _id(get("id")),  # missing: None, refused by ``_id``
        _id(get("slot")),
        None if room is None else _id(room),
        _text(get("title")),
        None if subtitle is None else _stripped(subtitle),
        _text(get("type", "atelier")),
        [_id(theme) for theme in themes],
        _stripped(get("description", "")),
        [_text(name) for name in speakers],
        overlap,
    )


def _items(
    data: dict[str, Any], section: str, fields: frozenset[str], *, required: bool = False
) -> list[dict[str, Any]]:
    items = _required(data, section) if required else data.get(section, [])
    if type(items) is not list:
        raise _Unsure
    for item in items:
        _known(item, fields)
    return items


def _known(item: Any, fields: frozenset[str]) -> None:
    if type(item) is not dict or not item.keys() <= fields:
        raise _Unsure  # not a mapping, or an unknown key


def _required(item: dict[str, Any], key: str) -> Any:
    try:
        return item[key]
    except KeyError:
        raise _Unsure from None


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise _Unsure
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _Unsure
    return value


def _stripped(value: Any) -> str:
    return _str(value).strip(WHITE_SPACE)


def _text(value: Any) -> str:
    text = _stripped(value)
    if not text:
        raise _Unsure
    return text


def _optional(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return None if value is None else _stripped(value)


def _id(value: Any) -> str:
    """An id as ``schema.Id`` takes it: 1 to 200 visible characters, no space, no slash."""
    if (
        type(value) is not str
        or not 0 < len(value) <= 200
        or not value.isprintable()  # no white space but the space, no control (stripped too)
        or " " in value
        or "/" in value
        or "\\" in value
    ):
        raise _Unsure
    return value
