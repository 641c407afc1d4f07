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


_SESSION_FIELDS = ("id", "slot", "room", "title", "type", "description", "themes", "subtitle")


def _restore(fields: tuple[Any, ...], columns: tuple[tuple[Any, ...], ...]) -> Programme:
    """The ``Programme`` pickled by ``Programme.__reduce__``, built without ``__init__``.

    Each session's slots are filled through their descriptors (what the frozen dataclass's
    own ``__init__`` does, minus its per-field overhead).
    """
    new = object.__new__
    slots = Session.__dict__
    set_id, set_slot, set_room, set_title, set_type, set_description, set_themes, set_subtitle = (
        slots[name].__set__ for name in _SESSION_FIELDS
    )
    set_speakers = slots["speakers"].__set__
    sessions = []
    append = sessions.append
    for id_, slot, room, title, type_, description, themes, subtitle, speakers in zip(
        *columns, strict=True
    ):
        session = new(Session)
        set_id(session, id_)
        set_slot(session, slot)
        set_room(session, room)
        set_title(session, title)
        set_type(session, type_)
        set_description(session, description)
        set_themes(session, themes)
        set_subtitle(session, subtitle)
        set_speakers(session, speakers)
        append(session)
    colloque, rooms, themes, glossary, slot_list, source = fields
    programme = new(Programme)
    programme.__dict__.update(
        colloque=colloque,
        rooms=rooms,
        themes=themes,
        glossary=glossary,
        slots=slot_list,
        sessions=tuple(sessions),
        source=source,
        _by_id=dict(zip(columns[0], sessions, strict=True)),
    )
    return programme
