"""What the frab XML and JSON exports share: stable ids and guids, days, tracks, times.

The frab format has no slots, one track per event and numeric event ids; a programme has
slots, several themes per session and text ids. The choices, made once here:

- event ``id``: the session id when it is a number (an imported frab programme keeps its
  ids), else a number derived from a UUIDv5 of the session id; stable from one export to
  the next, unique within the export.
- event ``guid``: UUIDv5 of the session id, in a namespace of the programme's acronym.
- ``slug``: ``<acronym>-<session id>`` when the schemas allow it; ``colloque import``
  reads the session id back from it.
- ``track``: the session's theme labels, joined by `` ; `` (each one declared as a track of
  the conference), so that ``colloque import`` gives every theme back.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from ..errors import ExportError
from ..programme.model import Programme, Room, Session
from ..text import fold

GENERATOR = "colloque-cli"
TRACK_SEPARATOR = " ; "  # the importer's convention (importers.common.TRACK_SEPARATOR)
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:colloque-cli:frab")
_WORD = re.compile(r"[a-z0-9]+")
# The published schemas: XSD ``voc-slug-new`` and ``slug``, JSON Schema ``slug``.
_XML_SLUG = re.compile(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}")
_JSON_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")
_TRACK_SLUG = re.compile(r"[a-z][a-z0-9-]+")
# Characters XML 1.0 cannot carry at all.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# The schemas' duration is ``[0-9]{1,2}:[0-9]{2}``: nothing from 100 hours on.
MAX_MINUTES = 99 * 60 + 59


def moment(when: datetime) -> str:
    """An instant as both schemas take it: ISO 8601 with an offset in whole minutes.

    Before standard time (Paris: +00:09:21 until 1911), a zone's offset has seconds, which
    ``xs:dateTime`` cannot carry: such an instant is written in UTC (``…Z``), unchanged.
    """
    offset = when.utcoffset()
    if offset is not None and offset.total_seconds() % 60:
        return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return when.isoformat()


@dataclass(frozen=True, slots=True)
class Event:
    """A session as a frab event: everything both exports write."""

    session: Session
    number: int
    guid: str
    xml_slug: str | None
    json_slug: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        """The real length: aware datetimes of one zone subtract as wall clocks, so in UTC."""
        length = self.end.astimezone(UTC) - self.start.astimezone(UTC)
        return int(length.total_seconds()) // 60

    @property
    def duration(self) -> str:
        return f"{self.minutes // 60:02d}:{self.minutes % 60:02d}"

    @property
    def track(self) -> str:
        return TRACK_SEPARATOR.join(t.label for t in self.session.themes)


@dataclass(frozen=True, slots=True)
class Day:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: list[tuple[Room | None, list[Event]]]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A programme, or a selection of it, shaped as a frab schedule."""

    acronym: str
    title: str
    version: str
    timezone: str
    start: date
    end: date
    timeslot: str
    tracks: list[tuple[str, str | None]]  # (label, slug)
    rooms: list[Room]
    days: list[Day]
    room_names: dict[str, str]  # room id -> a name no other exported room has

    def room_guid(self, room: Room) -> str:
        return str(uuid.uuid5(_namespace(self.acronym), f"room:{room.id}"))

    def room_name(self, room: Room | None) -> str:
        """The room's name in the export: frab keys rooms by name, so two rooms never share
        one (the second « Amphi » is written « Amphi (amphi-b) »)."""
        return self.room_names[room.id] if room is not None else ""


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text or "")


def acronym(programme: Programme) -> str:
    """A short name for the programme, as both schemas want it: ``fosdem_2025``."""
    words = [w for w in _WORD.findall(fold(programme.colloque.title)) if len(w) >= 3][:3]
    days = programme.days
    year = str(days[0].year) if days else ""
    if year and year not in words:
        words.append(year)
    name = "_".join(words)
    return name if len(name) >= 4 else f"colloque_{name}".rstrip("_")


def _namespace(name: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, name)


def schedule(programme: Programme, sessions: Sequence[Session]) -> Schedule:
    short = acronym(programme)
    namespace = _namespace(short)
    numbers = _numbers(programme, namespace)
    tz = programme.tz
    events: list[Event] = []
    for session in sessions:
        number = numbers[session.id]
        slug = _slug(short, session.id)
        events.append(
            Event(
                session=session,
                number=number,
                guid=str(uuid.uuid5(namespace, session.id)),
                xml_slug=slug,
                json_slug=slug or f"{short}-{number}",
                start=session.slot.starts_at(tz),
                end=session.slot.ends_at(tz),
            )
        )
    room_order = {room.id: n for n, room in enumerate(programme.rooms)}
    by_day: dict[date, list[Event]] = {}
    for event in events:
        by_day.setdefault(event.session.slot.date, []).append(event)
    days = []
    for index, (day, day_events) in enumerate(sorted(by_day.items()), start=1):
        rooms: dict[str | None, list[Event]] = {}
        for event in sorted(
            day_events,
            key=lambda e: (
                room_order.get(e.session.room.id, -1) if e.session.room else len(room_order),
                e.start,
            ),
        ):
            rooms.setdefault(event.session.room.id if event.session.room else None, []).append(
                event
            )
        by_id = {r.id: r for r in programme.rooms}
        days.append(
            Day(
                index=index,
                date=day,
                start=min(e.start for e in day_events),
                end=max(e.end for e in day_events),
                rooms=[(by_id[r] if r else None, evs) for r, evs in rooms.items()],
            )
        )
    used_rooms = {e.session.room.id for e in events if e.session.room}
    too_long = [e for e in events if e.minutes > MAX_MINUTES]
    if too_long:
        names = ", ".join(f"« {e.session.id} »" for e in too_long[:5])
        more = f" et {len(too_long) - 5} autres" if len(too_long) > 5 else ""
        raise ExportError(
            f"Le format frab ne peut pas décrire une session de 100 heures ou plus : {names}"
            f"{more}. Exportez-les dans un autre format, ou choisissez d'autres jours (--day)."
        )
    used_themes = {t.id for e in events for t in e.session.themes}
    dates = [e.session.slot.date for e in events]
    return Schedule(
        acronym=short,
        title=programme.colloque.title,
        version=_version(programme, events),
        timezone=programme.colloque.timezone,
        start=min(dates),
        end=max(e.end.date() for e in events),
        timeslot=_timeslot(events),
        tracks=[
            (t.label, t.id if _TRACK_SLUG.fullmatch(t.id) else None)
            for t in programme.themes
            if t.id in used_themes
        ],
        rooms=[r for r in programme.rooms if r.id in used_rooms],
        days=days,
        room_names=_unique_names([r for r in programme.rooms if r.id in used_rooms]),
    )


def _unique_names(rooms: Sequence[Room]) -> dict[str, str]:
    """Room id -> its name, with the id added to every name already taken."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for room in rooms:
        name = room.name
        if name in taken:
            name = f"{room.name} ({room.id})"
            n = 2
            while name in taken:
                name, n = f"{room.name} ({room.id} {n})", n + 1
        taken.add(name)
        names[room.id] = name
    return names


def _slug(short: str, session_id: str) -> str | None:
    """``<acronym>-<session id>``, valid for both schemas, or None.

    The XSD wants at least four characters after the slug's first hyphen: for a short id,
    an underscore of the acronym becomes that hyphen (``fosdem-2025-bal``). The importer
    reads ``_`` and ``-`` alike in the prefix.
    """
    prefixes = [short] + [
        f"{short[:i]}-{short[i + 1 :]}" for i in reversed(range(len(short))) if short[i] == "_"
    ]
    for prefix in prefixes:
        slug = f"{prefix}-{session_id}"
        if _XML_SLUG.fullmatch(slug) and _JSON_SLUG.fullmatch(slug):
            return slug
    return None


def _numbers(programme: Programme, namespace: uuid.UUID) -> dict[str, int]:
    """A positive, unique, stable number per session of the whole programme."""
    numbers: dict[str, int] = {}
    taken: set[int] = set()
    for session in programme.sessions:
        if session.id.isdigit() and 0 < int(session.id) < 2**31 and int(session.id) not in taken:
            numbers[session.id] = int(session.id)
            taken.add(int(session.id))
    for session in programme.sessions:
        if session.id in numbers:
            continue
        # Below 2**31: apps read the id into a 32-bit integer.
        number = uuid.uuid5(namespace, session.id).int % 1_000_000_000 + 1
        while number in taken:
            number = number % 2_000_000_000 + 1
        numbers[session.id] = number
        taken.add(number)
    return numbers


def _timeslot(events: list[Event]) -> str:
    """The grid step: the largest that divides every start and duration (in minutes)."""
    step = 0
    for event in events:
        start = event.start.hour * 60 + event.start.minute
        step = math.gcd(step, start, event.minutes)
    step = step or 5
    return f"{step // 60:02d}:{step % 60:02d}"


def _version(programme: Programme, events: list[Event]) -> str:
    """Changes whenever an exported session does: what apps compare to offer an update."""
    from .records import session_record

    digest = hashlib.sha256()
    digest.update(programme.colloque.title.encode())
    for event in events:
        record = session_record(event.session, speakers=True)
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()[:12]
