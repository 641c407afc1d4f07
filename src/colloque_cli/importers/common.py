"""What every schedule format comes down to, and how it becomes a programme file.

The format readers (``frab_xml``, ``frab_json``) only turn a file into a ``Schedule``:
events with their raw times and texts. Everything else is decided here, once: the time
zone, local times, slots, ids, rooms, themes, texts, and the overlaps real schedules have.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import ColloqueError
from ..infra import progress
from ..programme.model import FIRST_YEAR, LAST_YEAR, find_zone
from ..text import fold, plural, shown, slugify
from .html_text import plain

DEFAULT_TYPE = "session"
PROGRESS_EVENTS = 250  # events converted between two reports of progress
# A theme named in an event's track may stand for several declared tracks, joined by this
# separator: that is how ``colloque export`` writes a session with several themes.
TRACK_SEPARATOR = " ; "
_ID_CHARS = re.compile(r"[^A-Za-z0-9._~+-]+")  # replaced in ids: easy to type in a shell
# A slug the schedule declares is kept as an id only when it is that easy to type (nothing
# invisible or terminal-active can come through); otherwise the id is made from the name.
_TYPEABLE_ID = re.compile(r"[A-Za-z0-9._~+-]{1,120}")
# What a schedule file says that the events already say (dates, days, grid step, revision):
# not reported as left out.
REDUNDANT = frozenset(
    {"version", "start", "end", "days", "daysCount", "timeslot_duration", "day_change"}
)
# Identifiers of the source system: an export makes its own (see exporters.frab).
SOURCE_IDS = frozenset({"guid", "code"})
_DURATION = re.compile(r"^\s*(\d{1,3}):([0-5]?\d)(?::([0-5]?\d))?\s*$")
_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?\s*$")


class ScheduleError(ColloqueError):
    """A schedule file that cannot be imported at all (exit code 1)."""


@dataclass
class Event:
    """One event as a schedule file gives it; every text is raw (HTML allowed)."""

    number: str | None = None  # the format's own id (frab: the numeric ``id``)
    slug: str | None = None
    guid: str | None = None  # frab's stable UUID of the event, when the file gives one
    title: str = ""
    subtitle: str | None = None
    type: str | None = None
    room: str | None = None
    tracks: tuple[str, ...] = ()
    abstract: str | None = None
    description: str | None = None
    persons: tuple[str, ...] = ()
    start: datetime | None = None  # aware when the file gives an offset, else local time
    duration: timedelta | None = None
    end: datetime | None = None  # when the file gives an end instead of a duration
    where: str = ""  # how to name the event in a message


@dataclass
class Schedule:
    """A whole schedule file, format-neutral."""

    title: str | None = None
    subtitle: str | None = None
    acronym: str | None = None
    city: str | None = None
    venue: str | None = None
    time_zone: str | None = None
    tracks: list[tuple[str, str | None]] = field(default_factory=list)  # (name, slug)
    rooms: list[str] = field(default_factory=list)  # declared order
    room_slugs: dict[str, str] = field(default_factory=dict)  # name -> slug, when declared
    events: list[Event] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # element/key name -> count


@dataclass
class Imported:
    """The programme file built from a schedule, and what the user should know about it."""

    document: dict[str, Any]
    warnings: list[str]
    skipped: int = 0  # events that could not be represented (each named in a warning)
    guids: dict[str, str] = field(default_factory=dict)  # session id -> frab guid


# --- small parsers shared by the readers ---------------------------------------------------


def parse_duration(text: Any) -> timedelta | None:
    """``00:25``, ``6:59`` or ``01:00:00``; None when absent or unreadable."""
    match = _DURATION.match(text) if isinstance(text, str) else None
    if not match:
        return None
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(hours=hours, minutes=minutes, seconds=seconds)


def parse_clock(text: Any) -> time | None:
    match = _CLOCK.match(text) if isinstance(text, str) else None
    if not match:
        return None
    return time(int(match.group(1)), int(match.group(2)))


def parse_datetime(text: Any) -> datetime | None:
    if not text or not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_date(text: Any) -> date | None:
    if not text or not isinstance(text, str):
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def clean(text: Any) -> str | None:
    """A short text field, whitespace collapsed; None when empty or not text."""
    if text is None or isinstance(text, bool | dict | list):
        return None
    value = " ".join(str(text).split())
    return value or None


# --- building the programme ----------------------------------------------------------------


def build(schedule: Schedule, *, timezone: str | None = None) -> Imported:
    """The programme file (as plain data, ready to be written as YAML) of a schedule."""
    warnings: list[str] = []
    zone_name, zone = _choose_zone(schedule, timezone, warnings)

    # Times: every event gets a local start and end in the chosen zone.
    timed: list[tuple[Event, datetime, datetime]] = []
    no_time: list[str] = []
    backwards: list[str] = []
    shifted = 0
    out_of_range: list[str] = []
    for event in schedule.events:
        if event.start is None:
            no_time.append(event.where)
            continue
        try:
            span = _local_span(event, zone)
        except OverflowError:  # year 1 or 9999 pushed out of range by a zone or a duration
            out_of_range.append(event.where)
            continue
        if span is None:
            no_time.append(event.where)
            continue
        start, end, moved = span
        shifted += moved
        if not all(FIRST_YEAR <= moment.year <= LAST_YEAR for moment in (start, end)):
            out_of_range.append(event.where)
            continue
        # A zero-duration event (doors open, a meetup point) is kept as a point in time;
        # only an end before the start cannot be represented.
        if end < start:
            backwards.append(event.where)
            continue
        timed.append((event, start, end))
    if shifted:
        warnings.append(
            f"{plural(shifted, 'horaire donné', 'horaires donnés')} avec un décalage "
            f"différent du fuseau {zone_name} : "
            "heures converties dans ce fuseau."
        )
    if no_time:
        warnings.append(_skipped("sans date, heure ou durée lisible", no_time))
    if backwards:
        warnings.append(_skipped("dont la fin précède le début", backwards))
    if out_of_range:
        warnings.append(
            _skipped(
                f"{'daté' if len(out_of_range) == 1 else 'datés'} hors des années "
                f"{FIRST_YEAR} à {LAST_YEAR}",
                out_of_range,
            )
        )
    if not timed:
        raise ScheduleError("\n".join([*warnings, "Aucun événement importable dans ce fichier."]))
    timed.sort(key=lambda item: (item[1], -(item[2] - item[1]).total_seconds()))

    rooms = _rooms(schedule, (e.room for e, _, _ in timed), warnings)
    themes, track_themes = _themes(schedule, timed, warnings)
    slots, slot_of = _slots((start, end) for _, start, end in timed)
    ids = _session_ids(schedule, [e for e, _, _ in timed])

    sessions: list[dict[str, Any]] = []
    latest_end: dict[str, datetime] = {}
    nested = 0
    untitled: list[str] = []
    for number, ((event, start, end), session_id) in enumerate(zip(timed, ids, strict=True)):
        if not number % PROGRESS_EVENTS:
            progress.advance(number)
        title = clean(event.title)
        if title is None:
            untitled.append(event.where)
            title = "Sans titre"
        room = rooms.get(event.room or "")
        session: dict[str, Any] = {
            "id": session_id,
            "slot": slot_of[(start, end)],
            "room": room,
            "title": title,
        }
        subtitle = clean(event.subtitle)
        if subtitle and subtitle != title:
            session["subtitle"] = subtitle
        session["type"] = clean(event.type) or DEFAULT_TYPE
        session_themes = list(dict.fromkeys(t for tr in event.tracks for t in track_themes[tr]))
        if session_themes:
            session["themes"] = session_themes
        speakers = list(dict.fromkeys(n for n in (clean(p) for p in event.persons) if n))
        if speakers:
            session["speakers"] = speakers
        description = _description(event)
        if description:
            session["description"] = description
        # Real schedules nest events (a lightning-talk block and its talks, in one room):
        # kept, and marked so that the overlap check knows it is meant.
        if room is not None:
            if room in latest_end and start < latest_end[room]:
                session["allow_overlap"] = True
                nested += 1
            else:
                latest_end[room] = end
        sessions.append(session)
    if untitled:
        warnings.append(_skipped("sans titre (titre « Sans titre »)", untitled, verb="importé"))
    if nested:
        warnings.append(
            f"{plural(nested, 'session chevauche', 'sessions chevauchent')} une autre dans la "
            "même salle (sessions imbriquées) : "
            "gardées, avec « allow_overlap: true »."
        )
    if schedule.skipped:
        shown = ", ".join(f"{name} ({count})" for name, count in sorted(schedule.skipped.items()))
        warnings.append(f"Champs non repris dans le programme : {shown}.")

    colloque: dict[str, Any] = {"title": clean(schedule.title) or clean(schedule.acronym)}
    if colloque["title"] is None:
        colloque["title"] = "Programme importé"
        warnings.append("Titre de l'événement absent : « Programme importé ».")
    for key, value in (
        ("subtitle", schedule.subtitle),
        ("city", schedule.city),
        ("venue", schedule.venue),
    ):
        if clean(value):
            colloque[key] = clean(value)
    colloque["timezone"] = zone_name
    colloque["dates"] = sorted({slot["date"] for slot in slots})

    document = {
        "colloque": colloque,
        "rooms": [{"id": room_id, "name": name} for name, room_id in rooms.items()],
        "themes": themes,
        "slots": slots,
        "sessions": sessions,
    }
    guids = {
        session_id: event.guid
        for (event, _, _), session_id in zip(timed, ids, strict=True)
        if event.guid
    }
    return Imported(document, warnings, skipped=len(no_time) + len(backwards), guids=guids)


def _local_span(event: Event, zone: tzinfo) -> tuple[datetime, datetime, int] | None:
    """The event's local start and end in ``zone`` (to the minute), and 1 if its start was
    given with another offset; None without an end or a duration."""
    assert event.start is not None
    start = event.start
    moved = 0
    if start.tzinfo is not None:
        local = start.astimezone(zone)
        moved = int(local.utcoffset() != start.utcoffset())
        start = local.replace(tzinfo=None)
    if event.end is not None:
        end = event.end
        end = end.astimezone(zone).replace(tzinfo=None) if end.tzinfo else end
    elif event.duration is not None:
        if event.start.tzinfo is not None:
            end = (event.start + event.duration).astimezone(zone).replace(tzinfo=None)
        else:
            end = start + event.duration
    else:
        return None
    return start.replace(second=0, microsecond=0), end.replace(second=0, microsecond=0), moved


def _skipped(why: str, where: list[str], *, verb: str = "ignoré") -> str:
    shown = ", ".join(where[:5]) + (f", … ({len(where)} en tout)" if len(where) > 5 else "")
    verbs = verb if len(where) == 1 else f"{verb}s"
    return f"{plural(len(where), 'événement')} {why} {verbs} : {shown}."


def _choose_zone(schedule: Schedule, wanted: str | None, warnings: list[str]) -> tuple[str, tzinfo]:
    """The IANA zone of the programme: asked for, else declared, else read from the offsets."""
    for name, declared in ((wanted, False), (schedule.time_zone, True)):
        if not name:
            continue
        zone = find_zone(name)
        if zone is not None:
            return name, zone
        if not declared:
            raise ScheduleError(
                f"Fuseau horaire inconnu « {shown(name)} » (exemple : Europe/Paris)."
            )
        warnings.append(f"Fuseau horaire déclaré inconnu « {shown(name)} » : ignoré.")
    offsets = Counter(
        e.start.utcoffset() for e in schedule.events if e.start and e.start.tzinfo is not None
    )
    if offsets:
        offset = offsets.most_common(1)[0][0]
        assert offset is not None
        hours, rest = divmod(int(offset.total_seconds()), 3600)
        name = "UTC" if offset == timedelta(0) else f"Etc/GMT{-hours:+d}" if not rest else "UTC"
        if find_zone(name) is None:  # Etc/ zones stop at -12 and +14 hours
            name = "UTC"
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        warnings.append(
            f"Fuseau horaire non déclaré : décalage {sign}{minutes // 60:02d}:{minutes % 60:02d} "
            f"des horaires, fuseau {name} retenu (précisez-le avec --timezone, "
            "par exemple --timezone Europe/Berlin)."
        )
        return name, ZoneInfo(name)
    warnings.append(
        "Fuseau horaire absent du fichier : heures gardées telles quelles, fuseau UTC supposé "
        "(précisez-le avec --timezone, par exemple --timezone Europe/Brussels)."
    )
    return "UTC", ZoneInfo("UTC")


def _unique(base: str, used: set[str]) -> str:
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    used.add(candidate)
    return candidate


def _rooms(schedule: Schedule, used: Iterable[str | None], warnings: list[str]) -> dict[str, str]:
    """Room name -> id, for the rooms that have events (declared order, then first use)."""
    in_use = dict.fromkeys(name for name in used if name)
    names = [n for n in dict.fromkeys([*schedule.rooms, *in_use]) if n in in_use]
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        slug = schedule.room_slugs.get(name)
        base = slug if slug and _TYPEABLE_ID.fullmatch(slug) and slug not in taken else None
        ids[name] = _unique(base or slugify(name, limit=None)[:120] or "salle", taken)
    empty = len({n for n in schedule.rooms if n and n not in in_use})
    if empty:
        warnings.append(
            f"{plural(empty, 'salle')} sans événement non "
            f"{'reprise' if empty == 1 else 'reprises'}."
        )
    return ids


def _themes(
    schedule: Schedule, timed: list[tuple[Event, datetime, datetime]], warnings: list[str]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """Declared and used tracks as themes; each event track -> its theme ids."""
    declared = {name: slug for name, slug in schedule.tracks if name}
    used_names: dict[str, None] = {}
    expansion: dict[str, list[str]] = {}
    for event, _, _ in timed:
        for track in event.tracks:
            if track in expansion:
                continue
            parts = track.split(TRACK_SEPARATOR.strip())
            parts = [p.strip() for p in parts]
            if track not in declared and len(parts) > 1 and all(p in declared for p in parts):
                expansion[track] = parts
            else:
                expansion[track] = [track]
            used_names.update(dict.fromkeys(expansion[track]))
    order = [n for n in declared if n in used_names] + [n for n in used_names if n not in declared]
    taken: set[str] = set()
    theme_id: dict[str, str] = {}
    themes: list[dict[str, Any]] = []
    for name in order:
        slug = declared.get(name)
        base = slug if slug and _TYPEABLE_ID.fullmatch(slug) and slug not in taken else None
        theme_id[name] = _unique(base or slugify(name, limit=None)[:120] or "theme", taken)
        themes.append({"id": theme_id[name], "label": name})
    unused = sum(1 for n in declared if n not in used_names)
    if unused:
        warnings.append(f"{plural(unused, 'thème')} (tracks) sans événement non repris.")
    return themes, {track: [theme_id[p] for p in parts] for track, parts in expansion.items()}


def _slots(
    spans: Iterable[tuple[datetime, datetime]],
) -> tuple[list[dict[str, Any]], dict[tuple[datetime, datetime], str]]:
    """One slot per distinct (start, end), in chronological order."""
    slots: list[dict[str, Any]] = []
    slot_of: dict[tuple[datetime, datetime], str] = {}
    taken: set[str] = set()
    for start, end in spans:
        if (start, end) in slot_of:
            continue
        base = f"{start:%Y-%m-%d-%H%M}-{end:%H%M}"
        if end.date() != start.date():
            base += f"-j{(end.date() - start.date()).days}"
        slot_id = _unique(base, taken)
        slot_of[(start, end)] = slot_id
        slot: dict[str, Any] = {
            "id": slot_id,
            "date": start.date().isoformat(),
            "start": f"{start:%H:%M}",
            "end": f"{end:%H:%M}",
        }
        if end.date() != start.date():
            slot["end_date"] = end.date().isoformat()
        slots.append(slot)
    return slots, slot_of


def _session_ids(schedule: Schedule, events: list[Event]) -> list[str]:
    """Short, unique, valid ids.

    frab slugs are ``<acronym>-<id>-<title words>``: the numeric id says it all, and is what
    the event's page is known by. A slug ``<acronym>-<rest>`` whose rest is not the numeric id
    is what ``colloque export`` writes for a session id: the rest is that id, kept.
    """

    def loose(text: str) -> str:  # "fosdem_2025" and "fosdem-2025" are one prefix
        return fold(text).replace("_", "-")

    prefix = f"{loose(schedule.acronym)}-" if schedule.acronym else None
    taken: set[str] = set()
    ids = []
    for position, event in enumerate(events, start=1):
        number = _ID_CHARS.sub("-", event.number or "").strip("-") or None
        wanted = number
        if prefix and event.slug and loose(event.slug).startswith(prefix):
            rest = event.slug[len(prefix) :]
            if rest and rest != number and not (number and rest.startswith(f"{number}-")):
                wanted = _ID_CHARS.sub("-", rest).strip("-") or number
        ids.append(_unique((wanted or f"e{position}")[:120], taken))
    return ids


def _description(event: Event) -> str:
    """Abstract and description as plain text, each once."""
    parts: list[str] = []
    for raw in (event.abstract, event.description):
        text = plain(raw)
        if text and not any(text in p for p in parts):
            parts = [p for p in parts if p not in text]
            parts.append(text)
    return "\n\n".join(parts)
