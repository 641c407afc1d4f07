"""The data the page embeds: the colloque, its days, slots, rooms, themes and sessions.

Everything the page shows is worked out here, in the colloque's time zone: day names,
hours, and each session's start and end as instants (milliseconds since the epoch), so
that « maintenant » and conflicts do not depend on the device's zone. Text is made inert
(bidi and other invisible controls removed) and is only ever set as text by the page.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from ...programme.model import Programme, Session, short_date
from ...text import inert
from ..ics import session_uid, to_ics
from .search import search_data

EVENT_START = "BEGIN:VEVENT\r\n"
EVENT_END = "END:VEVENT\r\n"


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _text(value: str | None) -> str | None:
    return None if value is None else inert(value)


def calendar_parts(programme: Programme, sessions: Sequence[Session]) -> dict[str, Any]:
    """The CLI's own ICS export, cut into its frame and one VEVENT per session.

    The page glues the frame around the events of the chosen sessions: its download is
    what ``colloque export --format ics`` writes for the same sessions (same UIDs). The
    events repeat every description, folded: gzipped (then base64), they weigh about a
    quarter, and the page only unpacks them for a download.
    """
    text = to_ics(programme, sessions)
    first, last = text.find(EVENT_START), text.rfind(EVENT_END)
    if first < 0:
        return {"head": text, "tail": "", "events": packed([])}
    body = text[first : last + len(EVENT_END)]
    events = [EVENT_START + part for part in body.split(EVENT_START)[1:]]
    if len(events) != len(sessions):  # pragma: no cover - icalendar writes one per session
        raise AssertionError("one VEVENT per session expected")
    return {"head": text[:first], "tail": text[last + len(EVENT_END) :], "events": packed(events)}


def packed(events: list[str]) -> str:
    """The events as gzipped JSON in base64 (mtime 0: the same programme, the same page)."""
    raw = json.dumps(events, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def page_data(
    programme: Programme,
    sessions: Sequence[Session],
    *,
    preselected: Collection[str] = (),
    related: Mapping[str, Collection[str]] | None = None,
) -> dict[str, Any]:
    """Everything the page needs, as JSON-ready values."""
    tz = programme.tz
    colloque = programme.colloque
    kept = list(sessions)
    shown = type(programme)(
        colloque,
        programme.rooms,
        programme.themes,
        programme.glossary,
        programme.slots,
        tuple(kept),
        programme.source,
    )
    slots = sorted({s.slot for s in kept}, key=lambda slot: (slot.starts_at(tz), slot.id))
    slot_index = {slot.id: i for i, slot in enumerate(slots)}
    days = sorted({slot.date for slot in slots})
    day_index = {day: i for i, day in enumerate(days)}
    rooms = [room for room in programme.rooms if any(s.room == room for s in kept)]
    room_index = {room.id: i for i, room in enumerate(rooms)}
    themes = [theme for theme in programme.themes if any(theme in s.themes for s in kept)]
    theme_index = {theme.id: i for i, theme in enumerate(themes)}
    calendar = calendar_parts(programme, kept)
    return {
        "event": {
            "key": programme.identity,
            "day": programme.identity_day(),
            "title": inert(colloque.title),
            "subtitle": _text(colloque.subtitle),
            "city": _text(colloque.city),
            "venue": _text(colloque.venue),
            "timezone": colloque.timezone,
        },
        "days": [{"date": day.isoformat(), "label": short_date(day)} for day in days],
        "slots": [
            {
                "day": day_index[slot.date],
                "hours": slot.hours,
                "label": _text(slot.label),
                "start": _ms(slot.starts_at(tz)),
                "end": _ms(slot.ends_at(tz)),
            }
            for slot in slots
        ],
        "rooms": [inert(room.name) for room in rooms],
        "themes": [inert(theme.label) for theme in themes],
        "sessions": [
            {
                "id": session.id,
                "uid": session_uid(programme, session),
                "title": inert(session.title),
                "subtitle": _text(session.subtitle),
                "type": inert(session.type),
                "slot": slot_index[session.slot.id],
                "room": room_index[session.room.id] if session.room else None,
                "themes": [theme_index[theme.id] for theme in session.themes],
                "speakers": [inert(name) for name in session.speakers],
                "description": inert(session.description),
            }
            for session in kept
        ],
        "preselected": [s.id for s in kept if s.id in set(preselected)],
        "calendar": calendar,
        "search": search_data(shown, related=related),
    }
