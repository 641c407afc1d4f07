"""The programme as immutable, typed domain objects (built by ``loader``, used everywhere)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from functools import cached_property
from typing import TYPE_CHECKING

from ..infra.frozen import Frozen, fields_init, store, value_class

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


@value_class
class Session(Frozen):
    """One session of the programme.

    Its fields, in order, with their types: the one list of them. The constructors (this
    class's and ``new_session``) and the cache's columns (``columns``) are made from it. A
    new field still needs its source (``schema``, and ``build``, which passes it); one that
    is not a text, its value column (``columns._VALUE_KEYS``) and its encoding in the cache
    (``cachecodec``).
    """

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
        distinct = getattr(self.sessions, "distinct", None)  # a SessionTable's (see columns)
        if distinct is not None:
            return any(distinct("speakers"))
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
        table_position = getattr(self.sessions, "position", None)  # a SessionTable's:
        if table_position is not None:  # its ids are read, no session is made (see columns)
            found: int | None = table_position(session_id)
            return found
        return self._positions.get(session_id)

    def session_ids(self) -> Sequence[str]:
        """Every session's id, in ``sessions`` order (no session is made from the cache)."""
        table_ids = getattr(self.sessions, "ids", None)  # a SessionTable's: see columns
        if table_ids is not None:
            ids: Sequence[str] = table_ids()
            return ids
        return [session.id for session in self.sessions]

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

    __slots__ = Session.FIELDS
    # Plain stores: with both of these, the type calls the C function itself, not a method.
    __setattr__ = object.__setattr__  # type: ignore[assignment]
    __delattr__ = object.__delattr__
    # Session's fields, in its order, all given (see ``fields_init``)
    __init__ = fields_init(Session.FIELDS, frozen=False, becomes=Session)


# Session(...) without the frozen class's per-field stores (see _SessionTwin). The checker
# sees Session itself: the twin takes the same arguments and gives a Session.
if TYPE_CHECKING:
    new_session = Session
else:
    new_session = _SessionTwin
