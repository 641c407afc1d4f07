"""The sessions of a programme kept as columns: the form the cache stores and reads back.

A ``SessionTable`` holds a few large arrays (texts as UTF-8 bytes and offsets, repeated values
as codes) and makes each ``Session`` when it is first read.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import pairwise, starmap
from operator import attrgetter
from typing import Any, cast, overload

from .model import Session, new_session

# A column of texts: UTF-8 bytes end to end, where each text starts (one more offset than
# texts), and which texts are None (one byte per text; empty when none is).
TextColumn = tuple[Any, Any, Any]
# A column of values that repeat (slots, rooms, types…): the distinct values, and per
# session the number of its value.
ValueColumn = tuple[tuple[Any, ...], Any]
_FIELDS = Session.FIELDS


def _text_column(values: Iterable[str | None]) -> TextColumn:
    blob, offsets, nones = array("B"), array("I", [0]), array("B")
    extend, end = blob.frombytes, offsets.append
    for number, value in enumerate(values):  # no list of encoded texts: a large programme's
        if value is None:  # descriptions would be held three times over (list, join, array)
            if not nones:
                nones.extend(bytes(number))
            nones.append(1)
        else:
            extend(value.encode("utf-8", "surrogatepass"))
            if nones:
                nones.append(0)
        end(len(blob))  # (32 bits: a programme file is at most 32 MiB)
    return blob, offsets, nones


def _value_column(values: list[Any], key: Callable[[Any], Any] | None = None) -> ValueColumn:
    """``key`` (default: the value itself) tells values apart; by identity, a slot or a
    room shared by thousands of sessions is recognised without hashing its fields."""
    keys = values if key is None else list(map(key, values))
    numbers: dict[Any, int] = {}
    codes = [numbers.setdefault(k, len(numbers)) for k in keys]
    first = dict(zip(reversed(keys), reversed(values), strict=True))
    return tuple(map(first.__getitem__, numbers)), array(
        "H" if len(numbers) <= 1 << 16 else "I", codes
    )


def _ids(values: tuple[Any, ...]) -> tuple[int, ...]:
    return tuple(map(id, values))


# How the values of each column are told apart (None: by value; strings hash quickly).
_VALUE_KEYS: dict[str, Callable[[Any], Any] | None] = {
    "slot": id,
    "room": id,
    "type": None,
    "themes": _ids,
    "speakers": None,
}
# Every other field of a session is a text, or None: a text column.
TEXT_COLUMNS = tuple(name for name in _FIELDS if name not in _VALUE_KEYS)
VALUE_COLUMNS = tuple(_VALUE_KEYS)


class SessionTable(Sequence[Session]):
    """Sessions kept as columns; each ``Session`` is made when first read.

    A programme read back from the cache holds its sessions this way: a search that shows
    ten of 50 000 sessions makes ten of them, not 50 000 (and their 450 000 strings). The
    columns are a few large arrays, which the cache stores as they are in memory and reads
    back without copying them (``cache``, where they are views of the entry's bytes);
    iterating makes every session, once.
    """

    __slots__ = ("_ids", "_made", "_positions", "_size", "_texts", "_values")

    def __init__(self, texts: dict[str, TextColumn], values: dict[str, ValueColumn]) -> None:
        self._texts = texts
        self._values = values
        self._size = len(texts["id"][1]) - 1
        self._made: list[Session | None] = [None] * self._size
        self._positions: dict[str, int] | None = None
        self._ids: list[str] | None = None

    @classmethod
    def of(cls, sessions: Sequence[Session]) -> SessionTable:
        """The table of ``sessions`` (the table itself when it is one already)."""
        if isinstance(sessions, SessionTable):
            return sessions
        texts = {name: _text_column(map(attrgetter(name), sessions)) for name in TEXT_COLUMNS}
        values = {
            name: _value_column(list(map(attrgetter(name), sessions)), key)
            for name, key in _VALUE_KEYS.items()
        }
        table = cls(texts, values)
        table._made = list(sessions)
        return table

    def distinct(self, name: str) -> tuple[Any, ...]:
        """The distinct values of the value column ``name`` (slot, room, speakers…)."""
        return self._values[name][0]

    @classmethod
    def checked(cls, texts: dict[str, TextColumn], values: dict[str, ValueColumn]) -> SessionTable:
        """A table of columns read back from elsewhere (the cache), once their shapes agree:
        ValueError otherwise (their content is the writer's: see ``cache``)."""
        if tuple(texts) != TEXT_COLUMNS or tuple(values) != VALUE_COLUMNS:
            raise ValueError("other columns")
        size = len(texts["id"][1]) - 1
        for blob, offsets, nones in texts.values():
            if len(offsets) != size + 1 or offsets[-1] != len(blob) or len(nones) not in (0, size):
                raise ValueError("a text column of another size")
        if any(len(codes) != size for _, codes in values.values()):
            raise ValueError("a value column of another size")
        return cls(texts, values)

    def columns(self) -> tuple[dict[str, TextColumn], dict[str, ValueColumn]]:
        """The table's columns: texts (bytes, offsets, Nones) and values (distinct, codes)."""
        return self._texts, self._values

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> Session: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Session, ...]: ...

    def __getitem__(self, index: int | slice) -> Session | tuple[Session, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._size)))
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError("session index out of range")
        made = self._made[index]
        if made is None:
            made = self._made[index] = self._make(index)
        return made

    def __iter__(self) -> Iterator[Session]:
        made = self._made
        if None in made:
            # Column by column, then all at once: several times quicker than one by one.
            columns = {name: self._all_texts(name) for name in TEXT_COLUMNS}
            columns.update(
                (name, list(map(table.__getitem__, codes)))
                for name, (table, codes) in self._values.items()
            )
            rows = zip(*map(columns.__getitem__, _FIELDS), strict=True)
            for index, session in enumerate(starmap(new_session, rows)):
                if made[index] is None:
                    made[index] = session
        return iter(made)  # type: ignore[arg-type]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SessionTable | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SessionTable({self._size} sessions)"

    def _text(self, name: str, index: int) -> str | None:
        blob, offsets, nones = self._texts[name]
        if nones and nones[index]:
            return None
        return str(blob[offsets[index] : offsets[index + 1]], "utf-8", "surrogatepass")

    def _all_texts(self, name: str) -> list[str | None]:
        blob, offsets, nones = self._texts[name]
        everything = str(blob, "utf-8", "surrogatepass")
        bounds = pairwise(offsets)
        if everything.isascii():  # offsets count characters too: slice the one string
            texts: list[str | None] = [everything[start:end] for start, end in bounds]
        else:
            texts = [str(blob[start:end], "utf-8", "surrogatepass") for start, end in bounds]
        if nones:
            texts = [None if none else text for text, none in zip(texts, nones, strict=True)]
        return texts

    def _value(self, name: str, index: int) -> Any:
        table, codes = self._values[name]
        return table[codes[index]]

    def _make(self, index: int) -> Session:
        texts, text, value = self._texts, self._text, self._value
        row: list[Any] = [text(n, index) if n in texts else value(n, index) for n in _FIELDS]
        return new_session(*row)

    def position(self, session_id: str) -> int | None:
        """Where the session ``session_id`` is (its ids are decoded at the first call)."""
        if self._positions is None:
            self._positions = {session_id: i for i, session_id in enumerate(self.ids())}
        return self._positions.get(session_id)

    def ids(self) -> list[str]:
        """Every session's id, in order (decoded at the first call; no session is made)."""
        if self._ids is None:
            self._ids = cast("list[str]", self._all_texts("id"))  # an id is never None
        return self._ids
