"""Read a frab/pentabarf ``schedule.xml`` (FOSDEM, frab, pretalx, osem) into a ``Schedule``.

Tolerant: real files add elements the XSD does not list (FOSDEM's ``<tracks>``, ``<venue>``,
``<day_change>``) and leave optional ones out; whatever is not used is counted, not fatal.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..text import shown
from .common import (
    REDUNDANT,
    Event,
    Schedule,
    ScheduleError,
    clean,
    parse_clock,
    parse_date,
    parse_datetime,
    parse_duration,
)

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']{0,60})""")
_CONFERENCE = {"title", "subtitle", "acronym", "city", "venue", "time_zone_name", "track"}
_EVENT = {
    "date",
    "start",
    "duration",
    "room",
    "slug",
    "title",
    "subtitle",
    "track",
    "type",
    "abstract",
    "description",
    "persons",
}


def read(data: bytes, source: str) -> Schedule:
    root = _parse(data, source)
    if _tag(root) != "schedule":
        raise ScheduleError(
            f"{source} : ce n'est pas un programme frab (élément racine <{_tag(root)}>, "
            "<schedule> attendu)."
        )
    schedule = Schedule()
    skipped = schedule.skipped
    day_change: time | None = None
    for child in root:
        tag = _tag(child)
        if tag == "conference":
            day_change = _conference(child, schedule)
        elif tag == "tracks":  # FOSDEM: <tracks><track>name</track>…</tracks>
            for track in child:
                name = clean(track.get("name") or track.text)
                if name:
                    schedule.tracks.append((name, clean(track.get("slug"))))
        elif tag != "day" and tag not in REDUNDANT:
            skipped[tag] += 1
    for day in root:
        if _tag(day) == "day":
            _day(day, schedule, day_change)
    return schedule


def _parse(data: bytes, source: str) -> Element:
    """The document's root, parsed without entity expansion or external references."""
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise ScheduleError(
            f"{source} : le fichier déclare des entités ou des références externes XML, "
            "refusées par sécurité."
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (None, None))
        # « file:line:col: » as compilers write it; unlocated, French « file : »
        where = f"{source}:{line}:{(column or 0) + 1}" if line else f"{source} "
        reason = str(error).split(":")[0]
        raise ScheduleError(f"{where}: XML illisible ({reason}).") from None
    except (LookupError, ValueError):
        # expat knows a few encodings; others are unknown (LookupError) or multi-byte ones it
        # cannot read (ValueError): both come from the declaration in the first line.
        declared = _DECLARED_ENCODING.search(data[:200])
        name = declared.group(1).decode("ascii", "replace") if declared else "?"
        raise ScheduleError(
            f"{source}:1:1: XML illisible (encodage « {shown(name)} » non pris en charge : "
            "enregistrez le fichier en UTF-8)."
        ) from None


def _tag(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _text(element: Element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text if found is not None else None


def _conference(conference: Element, schedule: Schedule) -> time | None:
    day_change = None
    for child in conference:
        tag = _tag(child)
        if tag == "track":  # XSD: <track name="…" slug="…"/>
            name = clean(child.get("name") or child.text)
            if name:
                schedule.tracks.append((name, clean(child.get("slug"))))
        elif tag == "day_change":
            day_change = parse_clock(child.text)
        elif tag not in _CONFERENCE and tag not in REDUNDANT:
            schedule.skipped[f"conference.{tag}"] += 1
    schedule.title = clean(_text(conference, "title"))
    schedule.subtitle = clean(_text(conference, "subtitle"))
    schedule.acronym = clean(_text(conference, "acronym"))
    schedule.city = clean(_text(conference, "city"))
    schedule.venue = clean(_text(conference, "venue"))
    schedule.time_zone = clean(_text(conference, "time_zone_name"))
    return day_change


def _day(day: Element, schedule: Schedule, day_change: time | None) -> None:
    day_date = parse_date(day.get("date"))
    day_start = parse_datetime(day.get("start"))
    # Events after midnight belong to the frab day before: their <start> alone is not enough.
    boundary = day_start.time() if day_start else day_change
    for room in day:
        if _tag(room) != "room":
            schedule.skipped[f"day.{_tag(room)}"] += 1
            continue
        room_name = clean(room.get("name"))
        if room_name and room_name not in schedule.rooms:
            schedule.rooms.append(room_name)
        for element in room:
            if _tag(element) != "event":
                schedule.skipped[f"room.{_tag(element)}"] += 1
                continue
            schedule.events.append(_event(element, room_name, day_date, boundary, schedule.skipped))


def _event(
    element: Element,
    room: str | None,
    day_date: date | None,
    boundary: time | None,
    skipped: Counter[str],
) -> Event:
    for child in element:
        if _tag(child) not in _EVENT:
            skipped[_tag(child)] += 1
    title = _text(element, "title") or ""
    number = clean(element.get("id"))
    event = Event(
        number=number,
        slug=clean(_text(element, "slug")),
        guid=clean(element.get("guid")),
        title=title,
        subtitle=_text(element, "subtitle"),
        type=_text(element, "type"),
        room=clean(_text(element, "room")) or room,
        tracks=tuple(t for t in [clean(_text(element, "track"))] if t),
        abstract=_text(element, "abstract"),
        description=_text(element, "description"),
        persons=tuple(
            p.text or ""
            for persons in element.findall("persons")
            for p in persons
            if _tag(p) == "person"
        ),
        duration=parse_duration(_text(element, "duration")),
        where=f"{number or '?'} « {clean(title) or 'sans titre'} »",
    )
    event.start = parse_datetime(_text(element, "date"))
    clock = parse_clock(_text(element, "start"))
    if event.start is None and clock is not None and day_date is not None:
        start = datetime.combine(day_date, clock)
        if boundary is not None and clock < boundary:
            start += timedelta(days=1)
        event.start = start
    return event
