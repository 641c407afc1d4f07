"""What changed in the programme for the attendee's picks, since they chose them.

Each pick remembers what was seen (``store.Seen``: day, hours, room, title). ``review``
compares that with the programme now: moved (day or hours, room), retitled, cancelled (or
back after a cancellation), renamed (the id changed, same title and slot), and the conflicts
between picks that a move created. Only what touches the agenda is reported: a change to a
session nobody picked is none of the agenda's business.

``acknowledge`` records that the attendee was told: what they saw becomes what is, a renamed
pick follows its new id; nothing is ever removed (a cancelled pick stays, marked as such,
until the attendee removes it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from ..programme.model import Programme, Session, short_date
from ..text import fold
from .store import Agenda, Pick, Seen

# The kinds of change, in the order they are told.
KINDS = ("cancelled", "restored", "when", "room", "title", "renamed")


@dataclass(frozen=True, slots=True)
class PickChange:
    """One pick whose session changed since the attendee saw it."""

    pick: Pick
    session: Session | None  # as it is now; None when cancelled
    kinds: tuple[str, ...]
    conflicts: tuple[Session, ...] = ()  # picks it now overlaps, and did not before

    @property
    def seen(self) -> Seen:
        assert self.pick.seen is not None
        return self.pick.seen


def seen_day(seen: Seen) -> str:
    """« mardi 4 mars », as the attendee saw it (the raw text if it is not a date)."""
    try:
        return short_date(date.fromisoformat(seen.date))
    except ValueError:
        return seen.date


def seen_hours(seen: Seen) -> str:
    """« 14:00–15:30 », or « 10:30 » for a point in time (as ``Slot.hours`` says it)."""
    return seen.start if seen.start == seen.end else f"{seen.start}–{seen.end}"


def when_seen(seen: Seen) -> str:
    """« mardi 4 mars 14:00–15:30 », as the attendee saw it."""
    return f"{seen_day(seen)} {seen_hours(seen)}"


def _span(seen: Seen) -> tuple[datetime, datetime] | None:
    try:
        start = datetime.fromisoformat(f"{seen.date}T{seen.start}")
        end = datetime.fromisoformat(f"{seen.date}T{seen.end}")
    except ValueError:
        return None
    return start, end


def _same_title(a: str, b: str) -> bool:
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def _renamed(programme: Programme, agenda: Agenda, seen: Seen) -> Session | None:
    """The one session, not picked, with the title and slot the attendee saw."""
    found = [
        s
        for s in programme.sessions
        if s.id not in agenda
        and s.slot.date.isoformat() == seen.date
        and Seen.of(s).start == seen.start
        and Seen.of(s).end == seen.end
        and _same_title(s.title, seen.title)
    ]
    return found[0] if len(found) == 1 else None


def review(programme: Programme, agenda: Agenda) -> list[PickChange]:
    """The picks whose session changed since it was seen, in the agenda's order."""
    from .plan import overlaps

    changes: list[PickChange] = []
    for pick in agenda.picks:
        seen = pick.seen
        if seen is None:
            continue  # chosen before colloque remembered what was seen: seen afresh
        session = programme.session(pick.id)
        if session is None:
            if seen.cancelled:
                continue  # already told
            renamed = _renamed(programme, agenda, seen)
            if renamed is not None:
                changes.append(PickChange(pick, renamed, ("renamed",)))
            else:
                changes.append(PickChange(pick, None, ("cancelled",)))
            continue
        now = Seen.of(session)
        kinds = []
        if seen.cancelled:
            kinds.append("restored")
        if (now.date, now.start, now.end) != (seen.date, seen.start, seen.end):
            kinds.append("when")
        if now.room != seen.room:
            kinds.append("room")
        if now.title != seen.title:
            kinds.append("title")
        if kinds:
            changes.append(PickChange(pick, session, tuple(kinds)))
    # Conflicts a move created: two picks that overlap now and did not as they were seen.
    moved = {c.pick.id: c for c in changes if "when" in c.kinds and c.session is not None}
    if moved:
        current = [
            (pick, s) for pick in agenda.picks if (s := programme.session(pick.id)) is not None
        ]
        for index, change in enumerate(changes):
            if change.pick.id not in moved:
                continue
            assert change.session is not None
            new_conflicts = tuple(
                other
                for pick, other in current
                if other.id != change.session.id
                and overlaps(other, change.session, programme)
                and not _overlapped(change.seen, pick.seen)
            )
            if new_conflicts:
                changes[index] = replace(change, conflicts=new_conflicts)
    return changes


def _overlapped(a: Seen, b: Seen | None) -> bool:
    """Whether two picks overlapped as they were seen (unknown: assume they did)."""
    from .plan import spans_overlap

    if b is None:
        return True
    first, second = _span(a), _span(b)
    if first is None or second is None:
        return True
    return spans_overlap(*first, *second)


def fingerprint(changes: Sequence[PickChange]) -> str | None:
    """A short digest of ``changes``: the notice is shown once for the same changes."""
    if not changes:
        return None
    from hashlib import blake2b

    digest = blake2b(digest_size=12)
    for change in changes:
        now = Seen.of(change.session) if change.session else None
        parts = [change.pick.id, *change.kinds, repr(now), *(s.id for s in change.conflicts)]
        digest.update("\x1f".join(parts).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def fill_seen(agenda: Agenda, programme: Programme) -> bool:
    """Picks chosen before colloque remembered what was seen: seen as they are now."""
    changed = False
    for index, pick in enumerate(agenda.picks):
        if pick.seen is None:
            session = programme.session(pick.id)
            if session is not None:
                agenda.picks[index] = replace(pick, seen=Seen.of(session))
                changed = True
    return changed


def acknowledge(agenda: Agenda, programme: Programme) -> list[PickChange]:
    """The attendee has been told: what they saw becomes what is. Nothing is removed."""
    changes = review(programme, agenda)
    by_id = {c.pick.id: c for c in changes}
    for index, pick in enumerate(agenda.picks):
        change = by_id.get(pick.id)
        if change is None:
            continue
        if change.session is None:
            assert pick.seen is not None
            agenda.picks[index] = replace(pick, seen=replace(pick.seen, cancelled=True))
        else:
            session = change.session
            agenda.picks[index] = Pick(session.id, session.title, Seen.of(session))
    agenda.notified = None
    return changes


# --- telling it -----------------------------------------------------------------------------

_VERBS = {
    "cancelled": ("a été annulée", "ont été annulées"),
    "restored": ("est de retour au programme", "sont de retour au programme"),
    "when": ("a changé d'horaire", "ont changé d'horaire"),
    "room": ("a changé de salle", "ont changé de salle"),
    "title": ("a changé de titre", "ont changé de titre"),
    "renamed": ("a changé d'identifiant", "ont changé d'identifiant"),
}


def notice(changes: Sequence[PickChange]) -> str:
    """« Le programme a changé : 1 de vos sessions a changé de salle — colloque agenda changes »."""
    nb = "\u202f"
    parts: list[str] = []
    for kind in KINDS:
        count = sum(1 for c in changes if kind in c.kinds)
        if count:
            verb = _VERBS[kind][0 if count == 1 else 1]
            parts.append(f"{count} de vos sessions {verb}" if not parts else f"{count} {verb}")
    conflicts = sum(len(c.conflicts) for c in changes)
    if conflicts:
        parts.append(
            f"{conflicts} nouveau conflit d'horaire"
            if conflicts == 1
            else f"{conflicts} nouveaux conflits d'horaire"
        )
    return f"Le programme a changé{nb}: {', '.join(parts)} — colloque agenda changes"


def details(change: PickChange) -> list[str]:
    """Each change of one pick as a phrase (« salle : Salle 1 → Salle 4 »)."""
    from ..text import inert

    nb = "\u202f"
    seen, now = change.seen, change.session
    lines: list[str] = []
    if "cancelled" in change.kinds:
        lines.append("annulée (elle reste dans votre agenda tant que vous ne la retirez pas)")
    if "restored" in change.kinds:
        lines.append("de retour au programme après une annulation")
    if now is not None:
        current = Seen.of(now)
        if "when" in change.kinds:
            lines.append(f"horaire{nb}: {when_seen(seen)} → {when_seen(current)}")
        if "room" in change.kinds:
            before = inert(seen.room) or "salle non précisée"
            after = inert(current.room) or "salle non précisée"
            lines.append(f"salle{nb}: {before} → {after}")
        if "title" in change.kinds:
            lines.append(f"titre{nb}: {inert(seen.title)} → {inert(current.title)}")
        if "renamed" in change.kinds:
            lines.append(f"identifiant{nb}: {inert(change.pick.id)} → {inert(now.id)}")
    for other in change.conflicts:
        lines.append(
            f"nouveau conflit d'horaire avec «{nb}{inert(other.title)}{nb}» ({inert(other.id)})"
        )
    return lines
