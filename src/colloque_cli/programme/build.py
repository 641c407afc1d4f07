"""The domain objects of a validated programme file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .model import Colloque, Programme, Room, Slot, Theme, new_session


def build_programme(data: Any, source: str) -> Programme:
    rooms = {r.id: Room(r.id, r.name) for r in data.rooms}
    themes = {t.id: Theme(t.id, t.label, t.description) for t in data.themes}
    slots = {s.id: Slot(s.id, s.date, s.start, s.end, s.label, s.end_date) for s in data.slots}
    order = {slot_id: n for n, slot_id in enumerate(slots)}

    def slot_key(slot: Slot) -> tuple[Any, ...]:
        return (slot.date, slot.start, slot.end_date or slot.date, slot.end, order[slot.id])

    theme_sets: dict[tuple[str, ...], tuple[Theme, ...]] = {}  # one tuple per combination

    def themes_of(ids: Iterable[str]) -> tuple[Theme, ...]:
        key = tuple(ids)
        found = theme_sets.get(key)
        if found is None:
            found = theme_sets[key] = tuple(themes[t] for t in dict.fromkeys(key))
        return found

    sessions = [
        new_session(
            s.id,
            slots[s.slot],
            rooms[s.room] if s.room else None,
            s.title,
            s.type,
            s.description,
            themes_of(s.themes),
            s.subtitle or None,
            tuple(s.speakers),
        )
        for s in data.sessions
    ]
    slot_keys = {slot_id: slot_key(slot) for slot_id, slot in slots.items()}
    sessions.sort(key=lambda s: slot_keys[s.slot.id])  # stable: file order within a slot
    c = data.colloque
    return Programme(
        colloque=Colloque(
            title=c.title,
            timezone=c.timezone,
            dates=tuple(c.dates),
            subtitle=c.subtitle,
            kind=c.kind,
            city=c.city,
            venue=c.venue,
        ),
        rooms=tuple(rooms.values()),
        themes=tuple(themes.values()),
        glossary=dict(data.glossary),
        slots=tuple(sorted(slots.values(), key=slot_key)),
        sessions=tuple(sessions),
        source=source,
    )
