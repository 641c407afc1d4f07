"""The agenda against the programme: picked sessions found, conflicts, additions, the plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ..programme.model import Programme, Session, Slot
from .store import Agenda, AgendaStore, Pick, Seen


def overlaps(a: Session, b: Session, programme: Programme) -> bool:
    """Whether two sessions share some time (touching end and start do not)."""
    tz = programme.tz
    return spans_overlap(
        a.slot.starts_at(tz), a.slot.ends_at(tz), b.slot.starts_at(tz), b.slot.ends_at(tz)
    )


def spans_overlap(
    start: datetime, end: datetime, other_start: datetime, other_end: datetime
) -> bool:
    """Whether two spans of time share some of it: the one rule of a conflict (a session
    ending when the other starts is no conflict), for the agenda and the plans alike."""
    return start < other_end and other_start < end


def resolve(programme: Programme, agenda: Agenda) -> tuple[list[Session], list[Pick]]:
    """The picked sessions in programme order, and the picks the programme no longer has.

    Each pick is looked up by id: the other sessions are neither scanned nor made.
    """
    found: dict[int, Session] = {}
    missing: list[Pick] = []
    for pick in agenda.picks:
        position = programme.position(pick.id)
        if position is None:
            missing.append(pick)
        else:
            found[position] = programme.sessions[position]
    return [found[position] for position in sorted(found)], missing


def _slot_neighbours(programme: Programme, slots: set[Slot]) -> dict[str, list[Slot]]:
    """For each slot of ``slots``, the slots of ``slots`` it shares time with (itself too).

    One sweep over the slots in start order: the work grows with the overlaps found, not
    with the square of the number of slots.
    """
    tz = programme.tz
    spans = sorted(
        ((s.starts_at(tz).astimezone(UTC), s.ends_at(tz).astimezone(UTC), s) for s in slots),
        key=lambda item: (item[0], item[1]),
    )
    neighbours: dict[str, list[Slot]] = {slot.id: [slot] for _, _, slot in spans}
    for index, (_, end, slot) in enumerate(spans):
        for start_b, _, other in spans[index + 1 :]:
            if start_b >= end:
                break
            neighbours[slot.id].append(other)
            neighbours[other.id].append(slot)
    return neighbours


def conflicts(programme: Programme, sessions: Sequence[Session]) -> dict[str, list[Session]]:
    """For each session that overlaps another of ``sessions``, the ones it overlaps."""
    by_slot: dict[str, list[Session]] = {}
    for session in sessions:
        by_slot.setdefault(session.slot.id, []).append(session)
    order = {session.id: n for n, session in enumerate(sessions)}
    neighbours = _slot_neighbours(programme, {s.slot for s in sessions})
    found: dict[str, list[Session]] = {}
    for session in sessions:
        others = [
            other
            for slot in neighbours[session.slot.id]
            for other in by_slot[slot.id]
            if other.id != session.id and overlaps(session, other, programme)
        ]
        if others:
            others.sort(key=lambda other: order[other.id])
            found[session.id] = others
    return found


@dataclass(frozen=True, slots=True)
class Added:
    """What ``add`` did: nothing (already there), or added, maybe next to or instead of others."""

    session: Session
    already: bool = False
    collides_with: tuple[Session, ...] = ()
    replaced: tuple[Session, ...] = ()


def add(agenda: Agenda, programme: Programme, session: Session, *, replace: bool = False) -> Added:
    """Add ``session``; overlapping picks are kept (and reported) unless ``replace``.

    With ``replace``, a session already picked also pushes out the picks it overlaps: that is
    how a conflict reported by an earlier ``add`` is settled.
    """
    return add_all(agenda, programme, [session], replace=replace)[0]


def add_all(
    agenda: Agenda, programme: Programme, sessions: Sequence[Session], *, replace: bool = False
) -> list[Added]:
    """``add`` for each of ``sessions`` in turn; the picks are looked up once, by slot."""
    current, _ = resolve(programme, agenda)
    by_slot: dict[str, dict[str, Session]] = {}
    for picked in current:
        by_slot.setdefault(picked.slot.id, {})[picked.id] = picked
    neighbours = _slot_neighbours(programme, {s.slot for s in (*current, *sessions)})
    outcomes = []
    for session in sessions:
        already = session.id in agenda
        clashing = [
            other
            for slot in neighbours[session.slot.id]
            for other in by_slot.get(slot.id, {}).values()
            if other.id != session.id and overlaps(other, session, programme)
        ]
        clashing.sort(key=lambda other: programme.position(other.id) or 0)
        if replace:
            for other in clashing:
                agenda.remove(other.id)
                by_slot[other.slot.id].pop(other.id, None)
        if not already:
            agenda.append(Pick(session.id, session.title, Seen.of(session)))
            by_slot.setdefault(session.slot.id, {})[session.id] = session
        if replace:
            outcomes.append(Added(session, already=already, replaced=tuple(clashing)))
        else:
            outcomes.append(Added(session, already=already, collides_with=tuple(clashing)))
    return outcomes


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """One slot of the programme and the picks in it."""

    slot: Slot
    sessions: tuple[Session, ...]

    @property
    def free(self) -> bool:
        return not self.sessions


@dataclass(frozen=True, slots=True)
class Plan:
    """The agenda laid over the programme's slots, in time order."""

    slots: tuple[SlotPlan, ...]
    conflicts: dict[str, list[Session]]
    missing: tuple[Pick, ...]

    @property
    def picked(self) -> int:
        return sum(len(s.sessions) for s in self.slots)


def plan(programme: Programme, agenda: Agenda) -> Plan:
    chosen, missing = resolve(programme, agenda)
    by_slot: dict[str, list[Session]] = {}
    for session in chosen:
        by_slot.setdefault(session.slot.id, []).append(session)
    slots = tuple(SlotPlan(slot, tuple(by_slot.get(slot.id, ()))) for slot in programme.slots)
    return Plan(slots, conflicts(programme, chosen), tuple(missing))


def picked_sessions(programme: Programme) -> tuple[list[Session], list[Pick]]:
    """The user's picked sessions in programme order, and the picks the programme lacks.

    An empty agenda is an error: there is nothing to list, export or look at.
    """
    from ..errors import NotFoundError

    agenda = AgendaStore.for_programme(programme).load()
    if not agenda:
        raise NotFoundError(
            "Votre agenda est vide : ajoutez des sessions avec « colloque agenda add SESSION »."
        )
    return resolve(programme, agenda)
