"""What a cache entry holds: programmes and search indexes as plain data, and back.

An entry is data only (``cachefile``: JSON and raw arrays of numbers); this module turns the
model's objects into that data and reads them back into the model's own classes, checking
shapes as it goes (a value of another shape is a ValueError or TypeError: the entry is
ignored). The cache itself (``cache``) knows when an entry may be used.
"""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING, Any, TypeVar

from ..programme.columns import TEXT_COLUMNS, VALUE_COLUMNS, SessionTable
from ..programme.model import Colloque, Programme, Room, Slot, Theme
from .cachefile import Arrays, Stored

if TYPE_CHECKING:
    from ..search.index import Index
    from ..search.vocabulary import Learned

T = TypeVar("T")


# --- programmes --------------------------------------------------------------------------
#
# The small parts as JSON lists, in the order of each class's fields; the sessions as the
# columns of a ``SessionTable``: texts as UTF-8 bytes and offsets, repeated values (slots,
# rooms, themes…) as a list of the distinct ones and an array of numbers. Slots, rooms and
# themes are written once and referred to by number, so that a session's slot *is* one of
# the programme's slots when read back, as when the programme was built.


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _iso(value: date | time | None) -> str | None:
    return None if value is None else value.isoformat()


class _Pool:
    """Distinct objects (slots, rooms, themes), numbered in order of first appearance."""

    def __init__(self, first: tuple[Any, ...] = ()) -> None:
        self.items: list[Any] = []
        self._numbers: dict[int, int] = {}  # by identity: no hashing of shared objects
        for item in first:
            self.number(item)

    def number(self, item: Any) -> int:
        found = self._numbers.get(id(item))
        if found is None:
            found = self._numbers[id(item)] = len(self.items)
            self.items.append(item)
        return found


def encode_programme(
    programme: Programme, arrays: Arrays, table: SessionTable | None = None
) -> dict[str, Any]:
    """``programme`` as the JSON and arrays of a cache entry (``table``: its sessions'
    columns, when already made)."""
    table = SessionTable.of(programme.sessions) if table is None else table
    texts, values = table.columns()
    slots, rooms, themes = _Pool(programme.slots), _Pool(programme.rooms), _Pool(programme.themes)
    distinct = {
        "slot": [slots.number(slot) for slot in values["slot"][0]],
        "room": [None if room is None else rooms.number(room) for room in values["room"][0]],
        "type": list(values["type"][0]),
        "themes": [[themes.number(theme) for theme in group] for group in values["themes"][0]],
        "speakers": [list(group) for group in values["speakers"][0]],
    }
    assert tuple(texts) == TEXT_COLUMNS and tuple(values) == VALUE_COLUMNS
    c = programme.colloque
    return {
        "colloque": [
            c.title,
            c.timezone,
            [d.isoformat() for d in c.dates],
            c.subtitle,
            c.kind,
            c.city,
            c.venue,
        ],
        "slots": [
            [
                s.id,
                s.date.isoformat(),
                s.start.isoformat(),
                s.end.isoformat(),
                s.label,
                _iso(s.end_date),
            ]
            for s in slots.items
        ],
        "rooms": [[r.id, r.name] for r in rooms.items],
        "themes": [[t.id, t.label, t.description] for t in themes.items],
        "counts": [len(programme.slots), len(programme.rooms), len(programme.themes)],
        "glossary": programme.glossary,
        "source": programme.source,
        "texts": [[arrays.add(part) for part in texts[name]] for name in TEXT_COLUMNS],
        "values": [[distinct[name], arrays.add(values[name][1])] for name in VALUE_COLUMNS],
    }


def decode_programme(data: Any, arrays: Stored) -> Programme:
    """The programme of a cache entry (ValueError, TypeError… when it is not one)."""
    title, timezone, dates, subtitle, kind, city, venue = data["colloque"]
    colloque = Colloque(
        _str(title),
        _str(timezone),
        tuple(map(date.fromisoformat, dates)),
        _opt(subtitle),
        _opt(kind),
        _opt(city),
        _opt(venue),
    )
    slots = [
        Slot(
            _str(number),
            date.fromisoformat(day),
            time.fromisoformat(start),
            time.fromisoformat(end),
            _opt(label),
            _day(end_day),
        )
        for number, day, start, end, label, end_day in data["slots"]
    ]
    rooms = [Room(_str(number), _str(name)) for number, name in data["rooms"]]
    themes = [Theme(_str(n), _str(label), _opt(text)) for n, label, text in data["themes"]]
    n_slots, n_rooms, n_themes = data["counts"]
    glossary = data["glossary"]
    if not all(type(v) is str for v in glossary.values()):
        raise TypeError("a glossary of texts was expected")
    distinct = dict(zip(VALUE_COLUMNS, (values for values, _ in data["values"]), strict=True))
    tables = {
        "slot": tuple(_pick(slots, n) for n in distinct["slot"]),
        "room": tuple(None if n is None else _pick(rooms, n) for n in distinct["room"]),
        "type": tuple(map(_str, distinct["type"])),
        "themes": tuple(tuple(_pick(themes, n) for n in group) for group in distinct["themes"]),
        "speakers": tuple(tuple(map(_str, group)) for group in distinct["speakers"]),
    }
    columns = {
        name: (tables[name], arrays.array(number))
        for name, (_, number) in zip(VALUE_COLUMNS, data["values"], strict=True)
    }
    texts = {
        name: tuple(map(arrays.array, parts))
        for name, parts in zip(TEXT_COLUMNS, data["texts"], strict=True)
    }
    return Programme(
        colloque,
        tuple(rooms[: _count(n_rooms, rooms)]),
        tuple(themes[: _count(n_themes, themes)]),
        glossary,
        tuple(slots[: _count(n_slots, slots)]),
        SessionTable.checked(texts, columns),  # type: ignore[arg-type]
        _str(data["source"]),
    )


def _str(value: Any) -> str:
    if type(value) is not str:
        raise TypeError("a text was expected")
    return value


def _opt(value: Any) -> str | None:
    return None if value is None else _str(value)


def _pick(items: list[T], number: Any) -> T:
    if type(number) is not int or not 0 <= number < len(items):
        raise ValueError(f"no item {number!r}")
    return items[number]


def _count(number: Any, items: list[Any]) -> int:
    if type(number) is not int or not 0 <= number <= len(items):
        raise ValueError(f"not a count: {number!r}")
    return number


# --- search indexes ----------------------------------------------------------------------
#
# An index's state (``Index.__getstate__``) is a few numbers, texts and arrays, in tuples
# and dicts, and its glossary. It is written as JSON where each value that is not a plain
# JSON value is tagged: {"a": n} array n, {"s": n} a long text stored as array n,
# {"t": [...]} a tuple, {"d": {...}} a dict, {"g": [...]} the glossary's two tables.

_LONG_TEXT = 1 << 12  # texts from 4 KiB up are stored raw, outside the JSON


def encode_index(
    index: Index, documents: list[str], arrays: Arrays, learned: Learned | None = None
) -> Any:
    """``index`` as the JSON and arrays of a cache entry, with the digests of the documents
    it was made from (``search.sessions.documents_digests``) and what its build learnt of
    chunks (``search.indexing.Learned``), when known."""
    from array import array

    from ..search.analysis import Glossary

    def tagged(value: Any) -> Any:
        if value is None or type(value) in (bool, int):
            return value
        if type(value) is str:
            return {"s": arrays.text(value)} if len(value) >= _LONG_TEXT else value
        if isinstance(value, array | memoryview):
            return {"a": arrays.add(value)}
        if type(value) is tuple:
            return {"t": [tagged(item) for item in value]}
        if type(value) is list:
            return [tagged(item) for item in value]
        if type(value) is dict:
            return {"d": {_str(k): tagged(v) for k, v in value.items()}}
        if type(value) is Glossary:
            return {"g": [tagged(value.expansions), tagged(value.by_first_stem)]}
        raise TypeError(f"{type(value).__name__} is not stored in the cache")

    taught = None if learned is None else [arrays.text(text) for text in learned]
    return {"documents": documents, "index": tagged(index.__getstate__()), "learned": taught}


def decode_index(data: Any, arrays: Stored) -> tuple[list[str], Index]:
    """The search index of a cache entry, and the digests of the documents it was made from
    (ValueError, TypeError… when it is not one)."""
    from ..search.index import Index

    if type(data) is not dict or list(data) != ["documents", "index", "learned"]:
        raise ValueError("not an index entry")
    state = _value(data["index"], arrays)
    if type(state) is not dict or list(state) != list(Index._STATE):
        raise ValueError("not the state of an index")
    index = Index.__new__(Index)
    index.__setstate__(state)
    documents = data["documents"]
    if type(documents) is not list:
        raise TypeError("digests were expected")
    return list(map(_str, documents)), index


def _value(tagged: Any, arrays: Stored) -> Any:
    """A value of an index's state, read back (a module function, not a closure: a
    recursive closure would keep the entry's arrays, and its mapping, in a reference cycle
    that only the paused garbage collector could free)."""
    if tagged is None or type(tagged) in (bool, int, str):
        return tagged
    if type(tagged) is list:
        return [_value(item, arrays) for item in tagged]
    if type(tagged) is dict and len(tagged) == 1:
        ((tag, content),) = tagged.items()
        if tag == "a":
            return arrays.array(content)
        if tag == "s":
            return arrays.text(content)
        if tag == "t" and type(content) is list:
            return tuple(_value(item, arrays) for item in content)
        if tag == "d" and type(content) is dict:
            return {key: _value(item, arrays) for key, item in content.items()}
        if tag == "g" and type(content) is list:
            from ..search.analysis import Glossary

            expansions, by_first_stem = (_value(item, arrays) for item in content)
            glossary = Glossary({})
            glossary.expansions, glossary.by_first_stem = expansions, by_first_stem
            return glossary
    raise ValueError("not a value of an index")


def decode_previous(data: Any, arrays: Stored) -> tuple[list[str], Index, Learned | None]:
    """``decode_index``, and what the build of the index learnt of chunks, if stored."""
    from ..search.vocabulary import Learned

    documents, index = decode_index(data, arrays)
    taught = data["learned"]
    if taught is None:
        return documents, index, None
    if type(taught) is not list or len(taught) != len(Learned._fields):
        raise ValueError("not what a build learnt")
    return documents, index, Learned(*map(arrays.text, taught))
