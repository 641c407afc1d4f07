"""The agenda as plain records (JSON, CSV): one per pick and per free slot."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from typing import Any

from ..programme.model import Slot, day_name, hhmm
from .plan import Plan

# When a record's slot is: the first fields of an agenda's records and of a suggestion's.
SLOT_FIELDS = ("date", "day", "start", "end", "slot")
AGENDA_FIELDS = (*SLOT_FIELDS, "status", "id", "title", "room", "conflicts_with")
FREE, PICKED, CONFLICT, MISSING = "libre", "choisi", "conflit", "introuvable"


def slot_record(slot: Slot) -> dict[str, Any]:
    """The ``SLOT_FIELDS`` of a record in ``slot``: its date, day name, hours and id."""
    return {
        "date": slot.date.isoformat(),
        "day": day_name(slot.date),
        "start": hhmm(slot.start),
        "end": hhmm(slot.end),
        "slot": slot.id,
    }


def agenda_records(plan: Plan) -> list[dict[str, Any]]:
    """One record per pick (and per free slot), then the picks the programme lacks."""
    rows: list[dict[str, Any]] = []
    for line in plan.slots:
        when = slot_record(line.slot)
        if line.free:
            free = {"status": FREE, "id": None, "title": None, "room": None}
            rows.append({**when, **free, "conflicts_with": []})
        for session in line.sessions:
            others = [o.id for o in plan.conflicts.get(session.id, [])]
            rows.append(
                {
                    **when,
                    "status": CONFLICT if others else PICKED,
                    "id": session.id,
                    "title": session.title,
                    "room": session.room.name if session.room else None,
                    "conflicts_with": others,
                }
            )
    for pick in plan.missing:
        # Where the attendee saw it, when the agenda remembers (the slot itself is gone).
        seen = pick.seen
        gone: dict[str, str | None] = dict.fromkeys(SLOT_FIELDS)
        if seen is not None:
            gone |= {"date": seen.date, "start": seen.start, "end": seen.end}
            with suppress(ValueError):
                gone["day"] = day_name(date.fromisoformat(seen.date))
        rows.append(
            gone
            | {
                "status": MISSING,
                "id": pick.id,
                "title": pick.title or None,
                "room": (seen.room or None) if seen else None,
                "conflicts_with": [],
            }
        )
    return rows
