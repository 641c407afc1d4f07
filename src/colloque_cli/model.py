"""The programme as immutable, typed domain objects (built by ``loader``, used everywhere)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property
from typing import TYPE_CHECKING

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
