"""The checks across a programme file's items: ids, references, times and overlaps."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import yaml

from ..errors import Problem
from .diagnostics import field_path, locate
from .model import hhmm

# The fields the cross-checks read, per section (see ``salvage``).
_CROSS_FIELDS = {
    "rooms": ("id",),
    "themes": ("id",),
    "slots": ("id", "date", "start", "end", "end_date"),
    "sessions": ("id", "slot", "room", "themes", "allow_overlap"),
}


def salvage(data: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
    """The individually valid fields of every item, for cross-checks on an invalid file.

    A session whose title has the wrong type still has a slot and a room worth checking:
    each field the cross-checks need is validated on its own, with the model's own type;
    a field that is missing or invalid is ``None`` (its problem is already reported).
    """
    from types import SimpleNamespace

    from . import schema

    models = {
        "rooms": schema.RoomFile,
        "themes": schema.ThemeFile,
        "slots": schema.SlotFile,
        "sessions": schema.SessionFile,
    }
    sections: dict[str, list[tuple[int, Any]]] = {}
    for section, names in _CROSS_FIELDS.items():
        items = data.get(section)
        sections[section] = []
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            fields = {}
            for name in names:
                adapter = _field_adapter(models[section], name)
                value = item.get(name)
                try:
                    fields[name] = adapter.validate_python(value) if name in item else None
                except ValueError:
                    fields[name] = None
            sections[section].append((index, SimpleNamespace(**fields)))
    return sections


@functools.cache
def _field_adapter(model: Any, name: str) -> Any:
    """A validator for one field of a file model, with the model's string handling."""
    from typing import Annotated

    from pydantic import ConfigDict, TypeAdapter

    field = model.model_fields[name]
    annotation: Any = (
        Annotated[(field.annotation, *field.metadata)] if field.metadata else field.annotation
    )
    return TypeAdapter(annotation, config=ConfigDict(str_strip_whitespace=True))


def declared_zone(data: dict[str, Any]) -> str | None:
    colloque = data.get("colloque")
    zone = colloque.get("timezone", "Europe/Paris") if isinstance(colloque, dict) else None
    return zone if isinstance(zone, str) else None


def _nonexistent_times(
    slots: list[tuple[int, Any]], zone_name: str | None
) -> Iterable[tuple[int, str, str]]:
    """(slot index, field, time) for each slot time that a clock change skips in the zone."""
    from datetime import timedelta

    from .model import clock_change, find_zone

    zone = find_zone(zone_name) if zone_name else None
    if zone is None:
        return
    changing: dict[Any, bool] = {}  # day -> whether the zone's offset changes during it

    def changes(day: Any) -> bool:
        if day not in changing:
            try:
                start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
                changing[day] = start.utcoffset() != (start + timedelta(days=1)).utcoffset()
            except OverflowError:
                changing[day] = False
        return changing[day]

    for index, slot in slots:
        for name, day, moment in (
            ("start", slot.date, slot.start),
            ("end", slot.end_date or slot.date, slot.end),
        ):
            if day is None or moment is None or not changes(day):
                continue
            if clock_change(day, moment, zone) == "gap":
                yield index, name, f"{hhmm(moment)} du {day.isoformat()}"


def cross_check(
    sections: dict[str, list[tuple[int, Any]]],
    root: yaml.Node | None,
    source: str,
    zone: str | None = None,
) -> Iterable[Problem]:
    """Duplicate ids, unknown references, end before start, times a clock change skips,
    overlaps in one room.

    ``sections`` holds ``(index in the file, item)`` pairs; a field may be ``None`` when it is
    missing or invalid, and the checks that need it are then skipped for that item.
    """

    def at(loc: tuple[Any, ...], message: str) -> Problem:
        if root is None:  # the fast path only asks whether there is a problem
            return Problem(source, message, path=field_path(loc))
        node = locate(root, loc)
        return Problem(
            source,
            message,
            path=field_path(loc),
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )

    ids: dict[str, dict[str, int]] = {}
    for section in ("rooms", "themes", "slots", "sessions"):
        seen: dict[str, int] = {}
        for index, item in sections[section]:
            if item.id is None:
                continue
            if item.id in seen:
                yield at(
                    (section, index, "id"),
                    f"identifiant « {item.id} » en double "
                    f"(déjà utilisé par {section}[{seen[item.id]}])",
                )
            else:
                seen[item.id] = index
        ids[section] = seen

    def unknown(kind: str, value: str, known: dict[str, int]) -> str:
        names = ", ".join(list(known)[:12]) + (" …" if len(known) > 12 else "")
        return f"{kind} « {value} » (valeurs déclarées : {names or 'aucune'})"

    spans: dict[str, tuple[datetime, datetime]] = {}
    for index, slot in sections["slots"]:
        if slot.date is None or slot.start is None or slot.end is None:
            continue
        if slot.end_date is not None and slot.end_date < slot.date:
            yield at(("slots", index, "end_date"), "le jour de fin précède le jour de début")
        elif (slot.end_date or slot.date, slot.end) < (slot.date, slot.start):
            # equal is a point in time (doors open, a meetup): kept
            yield at(
                ("slots", index, "end"),
                f"la fin ({hhmm(slot.end)}) n'est pas après le début ({hhmm(slot.start)})",
            )
        if slot.id is not None and slot.id not in spans:
            spans[slot.id] = (
                datetime.combine(slot.date, slot.start),
                datetime.combine(slot.end_date or slot.date, slot.end),
            )

    for index, name, moment in _nonexistent_times(sections["slots"], zone):
        yield at(
            ("slots", index, name),
            f"l'heure {moment} n'existe pas dans le fuseau {zone} (les horloges la sautent "
            "au changement d'heure) : choisissez une heure réelle",
        )

    for index, session in sections["sessions"]:
        if session.slot is not None and session.slot not in ids["slots"]:
            yield at(
                ("sessions", index, "slot"), unknown("créneau inconnu", session.slot, ids["slots"])
            )
        if session.room is not None and session.room not in ids["rooms"]:
            yield at(
                ("sessions", index, "room"), unknown("salle inconnue", session.room, ids["rooms"])
            )
        for position, theme in enumerate(session.themes or ()):
            if theme not in ids["themes"]:
                yield at(
                    ("sessions", index, "themes", position),
                    unknown("thème inconnu", theme, ids["themes"]),
                )

    # Two sessions in one room at overlapping times: sort by start, sweep once. A session
    # marked ``allow_overlap`` (one nested in another, as real schedules have) is left out.
    by_room: dict[str, list[tuple[datetime, datetime, int, str]]] = {}
    for index, session in sections["sessions"]:
        span = spans.get(session.slot) if session.slot is not None else None
        if session.room is None or span is None or session.allow_overlap:
            continue
        by_room.setdefault(session.room, []).append((*span, index, session.id or f"#{index}"))
    for room, room_spans in by_room.items():
        room_spans.sort()
        latest_end: datetime | None = None
        latest_id = ""
        for start, end, index, session_id in room_spans:
            if latest_end is not None and start < latest_end:
                yield at(
                    ("sessions", index, "room"),
                    f"chevauche « {latest_id} » dans la même salle « {room} » "
                    "(si c'est voulu, ajoutez « allow_overlap: true » à cette session)",
                )
            if latest_end is None or end > latest_end:
                latest_end, latest_id = end, session_id
