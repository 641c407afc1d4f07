"""iCalendar (RFC 5545): one event per session, in the programme's own time zone.

Written with the ``icalendar`` library, which escapes text, folds lines at 75 octets, ends
them with CRLF and builds the VTIMEZONE from the IANA zone, as calendar applications expect.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from ..programme.model import Programme, Session
from ..text import inert

# Reproducible builds' convention: a fixed DTSTAMP for byte-identical exports.
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"


def session_uid(programme: Programme, session: Session) -> str:
    """The same session gets the same UID in every export (calendars update, not duplicate),
    even after the colloque's title is corrected (``agenda.event_key``)."""
    known = _keys.get(id(programme))
    if known is None or known[0] is not programme:
        from ..agenda.store import event_key

        known = _keys[id(programme)] = (programme, event_key(programme))
    return f"{inert(session.id)}@{inert(known[1])}"  # inert: UIDs reach terminals too


# The event key of each programme exported in this process (one file read, not one a session).
_keys: dict[int, tuple[Programme, str]] = {}


def revision_time(programme: Programme) -> datetime:
    """DTSTAMP: when the programme was last revised (its file's modification time, in UTC).

    Without a METHOD, RFC 5545 defines DTSTAMP as the time the information was last revised;
    the file's modification time is that, and keeps exports of an unchanged programme
    identical. ``$SOURCE_DATE_EPOCH`` overrides it; the current time is the last resort.
    """
    epoch = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    try:
        mtime = Path(programme.source).stat().st_mtime if programme.source else None
    except OSError:
        mtime = None
    moment = datetime.fromtimestamp(mtime, UTC) if mtime is not None else datetime.now(UTC)
    return moment.replace(microsecond=0)


def location(programme: Programme, session: Session) -> str:
    """``Salle 1, Rouen``; only the city (and venue) when the room is not known."""
    colloque = programme.colloque
    parts = [session.room.name if session.room else None, colloque.venue, colloque.city]
    return ", ".join(inert(p) for p in parts if p)


def description(session: Session) -> str:
    parts = [session.subtitle, session.description]
    details = [f"Type : {session.type}"]
    if session.speakers:
        details.append("Intervenants : " + ", ".join(session.speakers))
    details.append(f"Identifiant : {session.id}")
    parts.append("\n".join(details))
    return inert("\n\n".join(p for p in parts if p))


def to_ics(programme: Programme, sessions: Sequence[Session]) -> str:
    from icalendar import Calendar, Event

    from .. import __version__

    tz = programme.tz
    calendar = Calendar()
    calendar.add("prodid", f"-//colloque//colloque-cli {__version__}//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", inert(programme.colloque.title))
    calendar.add("x-wr-timezone", programme.colloque.timezone)
    stamp = revision_time(programme)
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(programme, session))
        event.add("dtstamp", stamp)
        event.add("dtstart", session.slot.starts_at(tz))
        event.add("dtend", session.slot.ends_at(tz))
        event.add("summary", inert(session.title))
        where = location(programme, session)
        if where:
            event.add("location", where)
        event.add("description", description(session))
        if session.themes:
            event.add("categories", [inert(t.label) for t in session.themes])
        calendar.add_component(event)
    days = [s.slot.date for s in sessions]
    if days:
        # The zone's rules over the whole years concerned: standard and summer time both.
        calendar.add_missing_timezones(
            first_date=date(min(days).year, 1, 1), last_date=date(max(days).year + 1, 1, 1)
        )
    text: str = calendar.to_ical().decode("utf-8")
    return text
