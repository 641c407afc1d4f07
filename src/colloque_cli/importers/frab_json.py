"""Read a frab/pretalx ``schedule.json`` (CCC congresses and camps, pretalx) into a ``Schedule``."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

from .common import (
    REDUNDANT,
    SOURCE_IDS,
    Event,
    Schedule,
    ScheduleError,
    clean,
    parse_clock,
    parse_date,
    parse_datetime,
    parse_duration,
)

_CONFERENCE = {"title", "acronym", "subtitle", "city", "venue", "time_zone_name", "tracks", "rooms"}
_EVENT = {
    "id",
    "slug",
    "title",
    "subtitle",
    "type",
    "room",
    "track",
    "abstract",
    "description",
    "persons",
    "date",
    "start",
    "duration",
    "end",
}


# int() refuses more digits than this (a guard against quadratic conversion), json too
_MAX_DIGITS = 4_300
_LONG_NUMBER = re.compile(rf"-?\d{{{_MAX_DIGITS + 1},}}")
# A \uD800-\uDBFF escape not followed by a \uDC00-\uDFFF one, or the second alone.
_LONE_SURROGATE = re.compile(
    r"(?<!\\)(?:\\\\)*\\u(?:d[89ab][0-9a-f]{2}(?!\\ud[c-f][0-9a-f]{2})"
    r"|(?<!\\ud[89ab][0-9a-f]{2}\\u)d[c-f][0-9a-f]{2})",
    re.IGNORECASE,
)


def _located(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def read(data: bytes, source: str) -> Schedule:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ScheduleError(f"{source} : le fichier n'est pas encodé en UTF-8.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScheduleError(
            f"{source}:{error.lineno}:{error.colno}: JSON illisible ({error.msg})."
        ) from None
    except RecursionError:
        raise ScheduleError(f"{source} : JSON trop profondément imbriqué.") from None
    except ValueError:  # only int() refuses a JSON value: too many digits
        found = _LONG_NUMBER.search(text)
        # « file:line:col: » as compilers write it; unlocated, French « file : »
        where = f"{source}:{_located(text, found.start())}" if found else f"{source} "
        raise ScheduleError(
            f"{where}: JSON illisible (nombre de plus de 4\u202f300 chiffres)."
        ) from None
    lone = _LONE_SURROGATE.search(text)
    if lone is not None:
        escape = lone.group().lstrip("\\")
        raise ScheduleError(
            f"{source}:{_located(text, lone.end() - 6)}: JSON illisible (« \\{escape} » est une "
            "moitié de paire UTF-16 isolée, qui ne désigne aucun caractère)."
        )
    del text  # twice the file's size with any character past U+00FF: not kept while converting
    conference = _dig(document, "schedule", "conference")
    if not isinstance(conference, dict):
        raise ScheduleError(
            f"{source} : ce n'est pas un programme frab (clé « schedule.conference » absente)."
        )
    schedule = Schedule()
    for key in document["schedule"]:
        if key not in ("conference", "$schema") and key not in REDUNDANT:
            schedule.skipped[key] += 1
    for key in conference:
        if key not in _CONFERENCE and key not in REDUNDANT:
            schedule.skipped[f"conference.{key}"] += 1
    schedule.title = clean(conference.get("title"))
    schedule.subtitle = clean(conference.get("subtitle"))
    schedule.acronym = clean(conference.get("acronym"))
    schedule.city = clean(conference.get("city"))
    schedule.venue = clean(conference.get("venue"))
    schedule.time_zone = clean(conference.get("time_zone_name"))
    for track in _list(conference.get("tracks")):
        name = clean(track.get("name")) if isinstance(track, dict) else clean(track)
        if name:
            slug = clean(track.get("slug")) if isinstance(track, dict) else None
            schedule.tracks.append((name, slug))
    for room in _list(conference.get("rooms")):
        name = clean(room.get("name")) if isinstance(room, dict) else None
        if name and name not in schedule.rooms:
            schedule.rooms.append(name)
            slug = clean(room.get("slug"))
            if slug:
                schedule.room_slugs[name] = slug
    for index, day in enumerate(_list(conference.get("days"))):
        if not isinstance(day, dict):
            continue
        given = day.get("date")
        if given is not None and not isinstance(given, str):
            raise ScheduleError(
                f"{source} : schedule.conference.days[{index}].date : date attendue "
                f"(texte AAAA-MM-JJ), trouvé {_kind(given)}."
            )
        day_date = parse_date(given)
        rooms = day.get("rooms")
        for room_name, events in rooms.items() if isinstance(rooms, dict) else ():
            room = clean(room_name)
            for item in _list(events):
                if isinstance(item, dict):
                    schedule.events.append(_event(item, room, day_date, schedule))
    return schedule


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return "un nombre"
    return "une liste" if isinstance(value, list) else "une table"


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _event(
    item: dict[str, Any], room: str | None, day_date: date | None, schedule: Schedule
) -> Event:
    for key in item:
        if key not in _EVENT and key not in SOURCE_IDS:
            schedule.skipped[key] += 1
    number = item.get("id")
    title = _text(item.get("title")) or ""
    persons = []
    for person in _list(item.get("persons")):
        if isinstance(person, dict):
            persons.append(_text(person.get("public_name")) or _text(person.get("name")) or "")
        elif isinstance(person, str):
            persons.append(person)
    track = clean(_text(item.get("track")))
    event = Event(
        number=str(number) if isinstance(number, int | str) and number != "" else None,
        slug=clean(_text(item.get("slug"))),
        guid=clean(_text(item.get("guid"))),
        title=title,
        subtitle=_text(item.get("subtitle")),
        type=_text(item.get("type")),
        room=clean(_text(item.get("room"))) or room,
        tracks=(track,) if track else (),
        abstract=_text(item.get("abstract")),
        description=_text(item.get("description")),
        persons=tuple(persons),
        start=parse_datetime(_text(item.get("date"))),
        duration=parse_duration(_text(item.get("duration"))),
        end=parse_datetime(_text(item.get("end"))),
        where=f"{number if number is not None else '?'} « {clean(title) or 'sans titre'} »",
    )
    if event.start is None and day_date is not None:
        clock = parse_clock(_text(item.get("start")))
        if clock is not None:
            event.start = datetime.combine(day_date, clock)
    return event
