"""frab/pretalx ``schedule.json``: the JSON twin of ``schedule.xml``.

Shaped after the published JSON Schema (``schema.json`` of the voc/schedule project).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .. import __version__
from ..programme.model import Programme, Session, hhmm
from .frab import GENERATOR, Event, Schedule, moment, schedule
from .records import json_text

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
_SLUG = re.compile(r"[a-z0-9_-]+[a-z0-9]")  # the schema's pattern for room slugs
# The schema's pattern for time_zone_name (as written there): « Region/City » or UTC. A zone
# an import made from a bare offset (« Etc/GMT-1 ») fails it, so it is left out: the field
# is optional, and every date of the file carries its offset.
_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


def to_frab_json(programme: Programme, sessions: Sequence[Session]) -> str:
    plan = schedule(programme, sessions)
    conference: dict[str, Any] = {
        "acronym": plan.acronym,
        "title": plan.title,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        "daysCount": len(plan.days),
        "timeslot_duration": plan.timeslot,
        **({"time_zone_name": plan.timezone} if _ZONE.search(plan.timezone) else {}),
        "tracks": [
            {"name": label, **({"slug": slug} if slug else {})} for label, slug in plan.tracks
        ],
        "rooms": [
            {
                "name": plan.room_name(room),
                **({"slug": room.id} if _SLUG.fullmatch(room.id) else {}),
                "guid": plan.room_guid(room),
            }
            for room in plan.rooms
        ],
        "days": [
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": moment(day.start),
                "day_end": moment(day.end),
                "rooms": {
                    plan.room_name(room): [_event(e, plan) for e in events]
                    for room, events in day.rooms
                },
            }
            for day in plan.days
        ],
    }
    document = {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR, "version": __version__},
        "schedule": {"version": plan.version, "conference": conference},
    }
    return json_text(document)


def _event(event: Event, plan: Schedule) -> dict[str, Any]:
    session = event.session
    return {
        "guid": event.guid,
        "id": event.number,
        "date": moment(event.start),
        "start": hhmm(session.slot.start),
        "end": moment(event.end),
        "duration": event.duration,
        "room": plan.room_name(session.room),
        "slug": event.json_slug,
        # Required by the schema; a programme file has no web page per session.
        "url": f"urn:uuid:{event.guid}",
        "title": session.title,
        "subtitle": session.subtitle,
        "track": event.track or None,
        "type": session.type,
        "language": None,
        "abstract": session.description,
        "description": None,
        "persons": [{"name": name, "public_name": name} for name in session.speakers],
        "links": [],
        "attachments": [],
    }
