"""The programme as immutable, typed domain objects (built by ``loader``, used everywhere)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import TYPE_CHECKING, Any

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


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


@dataclass(frozen=True, slots=True)
class Colloque:
    title: str
    timezone: str
    dates: tuple[date, ...]
    subtitle: str | None = None
    kind: str | None = None
    city: str | None = None
    venue: str | None = None


@dataclass(frozen=True, slots=True)
class Room:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Theme:
    id: str
    label: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """A time span shared by the sessions that run in parallel."""

    id: str
    date: date
    start: time
    end: time
    label: str | None = None
    end_date: date | None = None

    @property
    def hours(self) -> str:
        return f"{hhmm(self.start)}–{hhmm(self.end)}"

    def starts_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.date, self.start, tzinfo=tz)

    def ends_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.end_date or self.date, self.end, tzinfo=tz)


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    slot: Slot
    room: Room | None
    title: str
    type: str
    description: str
    themes: tuple[Theme, ...] = ()
    subtitle: str | None = None
    speakers: tuple[str, ...] = ()

    @property
    def room_name(self) -> str:
        return self.room.name if self.room else NO_ROOM


@dataclass(frozen=True)
class Programme:
    """A whole programme; ``sessions`` are in chronological, then file, order."""

    colloque: Colloque
    rooms: tuple[Room, ...]
    themes: tuple[Theme, ...]
    glossary: dict[str, str]
    slots: tuple[Slot, ...]
    sessions: tuple[Session, ...]
    source: str = ""
    _by_id: dict[str, Session] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update((s.id, s) for s in self.sessions)

    @cached_property
    def tz(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo  # only commands that deal with instants need it

        return ZoneInfo(self.colloque.timezone)

    @cached_property
    def identity(self) -> str:
        """A stable name for the colloque itself: first day and title (``2025-03-04-renouveler-…``).

        It keys the user's agenda and the calendar UIDs, so it depends on what the colloque
        is, not on where its file lies: moving or updating the file keeps both.
        """
        from .text import slugify

        days = self.colloque.dates or self.days
        first = min(days).isoformat() if days else "sans-date"
        return f"{first}-{slugify(self.colloque.title) or 'colloque'}"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle compactly: sessions as columns, their shared parts stored once.

        Unpickling thousands of frozen dataclasses one by one is slow (each goes through the
        generic ``__setstate__``); columns of plain values, rebuilt by ``_restore``, are read
        back several times faster (see the ``cache`` module).
        """
        shared: dict[Any, Any] = {}

        def once(value: Any) -> Any:  # equal values become one object: pickled once
            return shared.setdefault(value, value)

        sessions = self.sessions
        columns = (
            tuple(s.id for s in sessions),
            tuple(s.slot for s in sessions),
            tuple(s.room for s in sessions),
            tuple(s.title for s in sessions),
            tuple(once(s.type) for s in sessions),
            tuple(s.description for s in sessions),
            tuple(once(s.themes) for s in sessions),
            tuple(s.subtitle for s in sessions),
            tuple(once(s.speakers) for s in sessions),
        )
        fields = (self.colloque, self.rooms, self.themes, self.glossary, self.slots, self.source)
        return _restore, (fields, columns)

    def session(self, session_id: str) -> Session | None:
        return self._by_id.get(session_id)

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


_SESSION_FIELDS = (
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


class _SessionTwin:
    """A ``Session`` under construction: same slots, but writable (see ``_restore``).

    Assigning to a frozen dataclass's slots goes through ``object.__setattr__`` once per
    field; a twin with the same slot layout is filled by plain attribute stores, then
    becomes a ``Session`` by changing its class (allowed between identical layouts).
    """

    __slots__ = Session.__slots__

    def __init__(  # the order of _SESSION_FIELDS
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


def _restore(fields: tuple[Any, ...], columns: tuple[tuple[Any, ...], ...]) -> Programme:
    """The ``Programme`` pickled by ``Programme.__reduce__``, built without ``__init__``."""
    from itertools import starmap

    sessions = tuple(starmap(_SessionTwin, zip(*columns, strict=True)))
    colloque, rooms, themes, glossary, slot_list, source = fields
    programme = object.__new__(Programme)
    programme.__dict__.update(
        colloque=colloque,
        rooms=rooms,
        themes=themes,
        glossary=glossary,
        slots=slot_list,
        sessions=sessions,
        source=source,
        _by_id=dict(zip(columns[0], sessions, strict=True)),
    )
    return programme
