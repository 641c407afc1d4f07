"""The programme as immutable, typed domain objects (built by ``loader``, used everywhere)."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, time
from functools import cached_property
from itertools import pairwise, starmap
from operator import attrgetter
from typing import TYPE_CHECKING, Any, overload

from ..infra.frozen import Frozen, store

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
NO_ROOM = "Salle non précisée"


def day_name(day: date) -> str:
    """French name of the weekday, lower case: ``mardi``."""
    return FRENCH_DAYS[day.weekday()]


def long_date(day: date) -> str:
    """``mardi 4 mars 2025``."""
    return f"{day_name(day)} {day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """``mardi 4 mars``."""
    return f"{day_name(day)} {day.day} {FRENCH_MONTHS[day.month - 1]}"


# The years a programme may use: the Gregorian calendar's first full year to the last year
# whose every instant (a day later, in any zone) the standard library can still represent.
FIRST_YEAR = 1583
LAST_YEAR = 9998


def find_zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name``, or None for anything else (a folder, a path, a file
    that is not a zone, a name too long for the file system)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not name or len(name) > 100 or not name.isprintable():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def clock_change(day: date, moment: time, tz: ZoneInfo) -> str | None:
    """``"gap"`` when ``moment`` does not exist on ``day`` in ``tz`` (clocks jump forward over
    it), ``"fold"`` when it exists twice (clocks go back), else None."""
    from datetime import UTC

    first = datetime.combine(day, moment, tzinfo=tz)
    second = first.replace(fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    # Both readings disagree: the time is in a gap if neither survives a round trip.
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != first.replace(tzinfo=None):
        return "gap"
    return "fold"


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


# The model's classes are frozen value classes (``Frozen``: see there why not dataclasses).


class Colloque(Frozen):
    __slots__ = ("title", "timezone", "dates", "subtitle", "kind", "city", "venue")
    title: str
    timezone: str
    dates: tuple[date, ...]
    subtitle: str | None
    kind: str | None
    city: str | None
    venue: str | None

    def __init__(
        self,
        title: str,
        timezone: str,
        dates: tuple[date, ...],
        subtitle: str | None = None,
        kind: str | None = None,
        city: str | None = None,
        venue: str | None = None,
    ) -> None:
        store(self, "title", title)
        store(self, "timezone", timezone)
        store(self, "dates", dates)
        store(self, "subtitle", subtitle)
        store(self, "kind", kind)
        store(self, "city", city)
        store(self, "venue", venue)


class Room(Frozen):
    __slots__ = ("id", "name")
    id: str
    name: str

    def __init__(self, id: str, name: str) -> None:  # noqa: A002 (the field's name)
        store(self, "id", id)
        store(self, "name", name)


class Theme(Frozen):
    __slots__ = ("id", "label", "description")
    id: str
    label: str
    description: str | None

    def __init__(self, id: str, label: str, description: str | None = None) -> None:  # noqa: A002
        store(self, "id", id)
        store(self, "label", label)
        store(self, "description", description)


# The type, under a name that Slot's field « date » does not shadow in its class body.
_Date = date


class Slot(Frozen):
    """A time span shared by the sessions that run in parallel."""

    __slots__ = ("id", "date", "start", "end", "label", "end_date")
    id: str
    date: _Date
    start: time
    end: time
    label: str | None
    end_date: _Date | None

    def __init__(
        self,
        id: str,  # noqa: A002
        date: _Date,
        start: time,
        end: time,
        label: str | None = None,
        end_date: _Date | None = None,
    ) -> None:
        store(self, "id", id)
        store(self, "date", date)
        store(self, "start", start)
        store(self, "end", end)
        store(self, "label", label)
        store(self, "end_date", end_date)

    @property
    def hours(self) -> str:
        if self.is_point:
            return hhmm(self.start)  # a point in time, not « 10:30–10:30 »
        return f"{hhmm(self.start)}–{hhmm(self.end)}"

    @property
    def is_point(self) -> bool:
        """A zero-duration slot: an event at one moment."""
        return self.end == self.start and (self.end_date is None or self.end_date == self.date)

    def starts_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.date, self.start, tzinfo=tz)

    def ends_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.end_date or self.date, self.end, tzinfo=tz)


class Session(Frozen):
    __slots__ = (
        "id",
        "slot",
        "room",
        "title",
        "type",
        "description",
        "themes",
        "subtitle",
        "speakers",
    )
    id: str
    slot: Slot
    room: Room | None
    title: str
    type: str
    description: str
    themes: tuple[Theme, ...]
    subtitle: str | None
    speakers: tuple[str, ...]

    def __init__(
        self,
        id: str,  # noqa: A002
        slot: Slot,
        room: Room | None,
        title: str,
        type: str,  # noqa: A002
        description: str,
        themes: tuple[Theme, ...] = (),
        subtitle: str | None = None,
        speakers: tuple[str, ...] = (),
    ) -> None:
        store(self, "id", id)
        store(self, "slot", slot)
        store(self, "room", room)
        store(self, "title", title)
        store(self, "type", type)
        store(self, "description", description)
        store(self, "themes", themes)
        store(self, "subtitle", subtitle)
        store(self, "speakers", speakers)

    @property
    def room_name(self) -> str:
        return self.room.name if self.room else NO_ROOM


class Programme(Frozen):
    """A whole programme; ``sessions`` are in chronological, then file, order."""

    # Compared, hashed and shown; instances have a __dict__, for their cached properties.
    FIELDS = ("colloque", "rooms", "themes", "glossary", "slots", "sessions", "source")
    colloque: Colloque
    rooms: tuple[Room, ...]
    themes: tuple[Theme, ...]
    glossary: dict[str, str]
    slots: tuple[Slot, ...]
    sessions: Sequence[Session]  # a tuple, or a SessionTable when read from the cache
    source: str

    def __init__(
        self,
        colloque: Colloque,
        rooms: tuple[Room, ...],
        themes: tuple[Theme, ...],
        glossary: dict[str, str],
        slots: tuple[Slot, ...],
        sessions: Sequence[Session],
        source: str = "",
    ) -> None:
        store(self, "colloque", colloque)
        store(self, "rooms", rooms)
        store(self, "themes", themes)
        store(self, "glossary", glossary)
        store(self, "slots", slots)
        store(self, "sessions", sessions)
        store(self, "source", source)

    def __hash__(self) -> int:
        # The glossary is a dict, and hashing the sessions of a table read from the cache
        # would make every one of them: their count stands for them (equal programmes still
        # hash equal, which is all a hash needs).
        glossary = frozenset(self.glossary.items())
        parts = (self.colloque, self.rooms, self.themes, glossary, self.slots, self.source)
        return hash((*parts, len(self.sessions)))

    @cached_property
    def has_speakers(self) -> bool:
        """Whether some session names speakers (from the table's column: no session made)."""
        if isinstance(self.sessions, SessionTable):
            return any(self.sessions.distinct("speakers"))
        return any(session.speakers for session in self.sessions)

    @cached_property
    def tz(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo  # only commands that deal with instants need it

        return ZoneInfo(self.colloque.timezone)

    @cached_property
    def identity(self) -> str:
        """A name for the colloque itself: first day and title (``2025-03-04-renouveler-…``).

        It names the user's agenda file, so it depends on what the colloque is, not on where
        its file lies. A title whose letters have no ASCII spelling (« 東京会議 »,
        « Московская конференция ») gets a short hash of the title after its slug: two such
        colloques on the same day never share an agenda. A corrected title changes the
        identity; the agenda follows it (see ``agenda.find_previous``) and keeps the key its
        calendar UIDs were made with.
        """
        from ..text import fold, slugify

        first = self.identity_day()
        title = self.colloque.title
        slug = slugify(title) or "colloque"
        if any(c.isalpha() and not c.isascii() for c in fold(title)):
            from hashlib import blake2b

            normal = " ".join(fold(title).split()).encode("utf-8")
            slug = f"{slug}-{blake2b(normal, digest_size=4).hexdigest()}"
        return f"{first}-{slug}"

    def identity_day(self) -> str:
        """The first day of the colloque (``2025-03-04``): the part of ``identity`` that a
        corrected title leaves alone."""
        days = self.colloque.dates or self.days
        return min(days).isoformat() if days else "sans-date"

    def session(self, session_id: str) -> Session | None:
        """The session ``session_id`` (only it is made, when read back from the cache)."""
        position = self.position(session_id)
        return None if position is None else self.sessions[position]

    def position(self, session_id: str) -> int | None:
        """Where the session ``session_id`` stands in ``sessions`` (None when absent)."""
        if isinstance(self.sessions, SessionTable):  # its ids are read, no session is made
            return self.sessions.position(session_id)
        return self._positions.get(session_id)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {session.id: i for i, session in enumerate(self.sessions)}

    @property
    def days(self) -> tuple[date, ...]:
        """Every day that has a slot, in order (the colloque's declared dates when none)."""
        seen = sorted({slot.date for slot in self.slots})
        return tuple(seen) if seen else self.colloque.dates

    def sessions_in(self, slot: Slot) -> list[Session]:
        return [s for s in self.sessions if s.slot.id == slot.id]

    def acronyms_in(self, session: Session) -> list[tuple[str, str]]:
        """The glossary entries a session's text uses, in glossary order."""
        import re

        text = " ".join(filter(None, (session.title, session.subtitle, session.description)))
        return [
            (acronym, expansion)
            for acronym, expansion in self.glossary.items()
            if re.search(rf"(?<![\w]){re.escape(acronym)}(?![\w])", text)
        ]


class _SessionTwin(Frozen):
    """A ``Session`` under construction: same slots, but writable (see ``SessionTable``).

    Assigning to a frozen class's slots goes through ``object.__setattr__`` once per
    field; a twin with the same slot layout is filled by plain attribute stores, then
    becomes a ``Session`` by changing its class (allowed between identical layouts).
    """

    __slots__ = Session.__slots__
    # Plain stores: with both of these, the type calls the C function itself, not a method.
    __setattr__ = object.__setattr__  # type: ignore[assignment]
    __delattr__ = object.__delattr__

    def __init__(  # the order of Session's fields
        self,
        id: str,  # noqa: A002 (the field's name)
        slot: Slot,
        room: Room | None,
        title: str,
        type: str,  # noqa: A002
        description: str,
        themes: tuple[Theme, ...],
        subtitle: str | None,
        speakers: tuple[str, ...],
    ) -> None:
        self.id = id
        self.slot = slot
        self.room = room
        self.title = title
        self.type = type
        self.description = description
        self.themes = themes
        self.subtitle = subtitle
        self.speakers = speakers
        self.__class__ = Session  # type: ignore[assignment]


# Session(...) without the frozen class's per-field stores (see _SessionTwin). The checker
# sees Session itself: the twin takes the same arguments and gives a Session.
if TYPE_CHECKING:
    new_session = Session
else:
    new_session = _SessionTwin


# A column of texts: UTF-8 bytes end to end, where each text starts (one more offset than
# texts), and which texts are None (one byte per text; empty when none is).
TextColumn = tuple[Any, Any, Any]
# A column of values that repeat (slots, rooms, types…): the distinct values, and per
# session the number of its value.
ValueColumn = tuple[tuple[Any, ...], Any]
_TEXTS = ("id", "title", "description", "subtitle")
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


class SessionTable(Sequence[Session]):
    """Sessions kept as columns; each ``Session`` is made when first read.

    A programme read back from the cache holds its sessions this way: a search that shows
    ten of 50 000 sessions makes ten of them, not 50 000 (and their 450 000 strings). The
    columns are a few large arrays, which the cache stores as they are in memory and reads
    back without copying them (``cache``, where they are views of the entry's bytes);
    iterating makes every session, once.
    """

    __slots__ = ("_made", "_positions", "_size", "_texts", "_values")

    def __init__(self, texts: dict[str, TextColumn], values: dict[str, ValueColumn]) -> None:
        self._texts = texts
        self._values = values
        self._size = len(texts["id"][1]) - 1
        self._made: list[Session | None] = [None] * self._size
        self._positions: dict[str, int] | None = None

    @classmethod
    def of(cls, sessions: Sequence[Session]) -> SessionTable:
        """The table of ``sessions`` (the table itself when it is one already)."""
        if isinstance(sessions, SessionTable):
            return sessions
        texts = {name: _text_column(map(attrgetter(name), sessions)) for name in _TEXTS}
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
        if list(texts) != list(_TEXTS) or list(values) != list(_VALUE_KEYS):
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
            columns = {name: self._all_texts(name) for name in _TEXTS}
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
        text, value = self._text, self._value
        return new_session(
            text("id", index),  # type: ignore[arg-type]
            value("slot", index),
            value("room", index),
            text("title", index),  # type: ignore[arg-type]
            value("type", index),
            text("description", index),  # type: ignore[arg-type]
            value("themes", index),
            text("subtitle", index),
            value("speakers", index),
        )

    def position(self, session_id: str) -> int | None:
        """Where the session ``session_id`` is (its ids are decoded at the first call)."""
        if self._positions is None:
            ids = self._all_texts("id")
            self._positions = {session_id: i for i, session_id in enumerate(ids)}  # type: ignore[misc]
        return self._positions.get(session_id)
