"""A comparison as people read it: French phrases, records (JSON), Markdown and Atom
(the feed's format and history: ``atom.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..programme.model import Programme, hhmm, long_date
from ..text import inert, plural
from .compare import COLLOQUE_LABELS, Change, Comparison, FieldChange

if TYPE_CHECKING:
    from .atom import Feed

NB = "\u202f"  # narrow no-break space: before « : ; ? ! » and inside « »


def quoted(text: str) -> str:
    return f"«{NB}{inert(text)}{NB}»"


def sentence(text: str) -> str:
    """``text`` with a capital first letter (``str.capitalize`` would lower the rest)."""
    return text[:1].upper() + text[1:]


def _count(count: int, one: str, many: str) -> str:
    return plural(count, one, many)


def summary(comparison: Comparison) -> str:
    """« 1 nouvelle session, 2 sessions déplacées, 1 session annulée » (each change once)."""
    changed = comparison.of_kind("changed")
    moved = sum(1 for c in changed if c.moved)
    parts = []
    for count, one, many in (
        (len(comparison.of_kind("new")), "nouvelle session", "nouvelles sessions"),
        (len(comparison.of_kind("cancelled")), "session annulée", "sessions annulées"),
        (moved, "session déplacée", "sessions déplacées"),
        (len(changed) - moved, "session modifiée", "sessions modifiées"),
    ):
        if count:
            parts.append(_count(count, one, many))
    if comparison.colloque and not parts:
        return "le colloque lui-même a changé"
    return ", ".join(parts) if parts else "aucun changement"


def headline(change: Change) -> str:
    """« Déplacée », « Nouvelle »…: what happened to the session, in one word or two."""
    if change.kind == "new":
        return "Nouvelle"
    if change.kind == "cancelled":
        return "Annulée"
    if change.moved and change.edited:
        return "Déplacée et modifiée"
    return "Déplacée" if change.moved else "Modifiée"


def detail(item: FieldChange) -> str:
    """« salle : Salle 2 → Salle 4 », or « description modifiée » for a long text."""
    if item.long:
        return f"{item.label} modifiée" if item.name == "description" else f"{item.label} modifié"
    old = inert(item.old) or "(aucun)"
    new = inert(item.new) or "(aucun)"
    return f"{item.label}{NB}: {old} → {new}"


def details(change: Change) -> list[str]:
    """Each changed field as a phrase; the id too when a session was matched under a new id."""
    lines = [detail(f) for f in change.fields]
    if change.renamed:
        assert change.old is not None and change.new is not None
        lines.append(f"identifiant{NB}: {inert(change.old.id)} → {inert(change.new.id)}")
    return lines


def colloque_lines(comparison: Comparison) -> list[str]:
    return [
        f"{sentence(COLLOQUE_LABELS[c.name])}{NB}: {inert(c.old)} → {inert(c.new)}"
        for c in comparison.colloque
    ]


def by_day(comparison: Comparison) -> Iterator[tuple[str, list[tuple[str, list[Change]]]]]:
    """The changes grouped by day (« Mardi 4 mars 2025 ») and then by hours (« 14:00–15:30 »)."""
    days: dict[Any, dict[str, list[Change]]] = {}
    for change in comparison.changes:
        slot = change.session.slot
        days.setdefault(slot.date, {}).setdefault(slot.hours, []).append(change)
    for day, hours in days.items():
        yield sentence(long_date(day)), list(hours.items())


# --- JSON -----------------------------------------------------------------------------------


def change_record(change: Change) -> dict[str, Any]:
    session = change.session
    slot = session.slot
    return {
        "change": change.kind,
        "moved": change.moved,
        "id": session.id,
        "old_id": change.old.id if change.old else None,
        "matched_by": change.matched_by if change.kind == "changed" else None,
        "title": session.title,
        "date": slot.date.isoformat(),
        "start": hhmm(slot.start),
        "end": hhmm(slot.end),
        "room": session.room.name if session.room else None,
        "fields": [{"field": f.name, "old": f.old, "new": f.new} for f in change.fields],
    }


def records(comparison: Comparison) -> dict[str, Any]:
    """The documented JSON object: the colloque's own changes, then one record per session."""
    return {
        "old": comparison.old.source,
        "new": comparison.new.source,
        "summary": summary(comparison),
        "colloque": [{"field": c.name, "old": c.old, "new": c.new} for c in comparison.colloque],
        "sessions": [change_record(c) for c in comparison.changes],
    }


# --- Markdown -------------------------------------------------------------------------------


def to_markdown(comparison: Comparison) -> str:
    """An announcement ready to paste in an email to attendees (or on a web page)."""
    from ..exporters.markdown import md

    title = comparison.new.colloque.title
    lines = [f"# Modifications du programme{NB}: {md(title)}", ""]
    lines += [sentence(md(summary(comparison))) + ".", ""]
    lines += [f"- {md(line)}" for line in colloque_lines(comparison)]
    if comparison.colloque:
        lines.append("")
    for day, hours in by_day(comparison):
        lines += [f"## {day}", ""]
        for hour, changes in hours:
            for change in changes:
                session = change.session
                lines.append(
                    f"- **{hour}** — {headline(change)}{NB}: **{md(session.title)}** "
                    f"({md(session.room_name)}, `{session.id}`)"
                )
                lines += [f"  - {md(d)}" for d in details(change)]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# --- Atom (RFC 4287) ------------------------------------------------------------------------


def _uuid(*parts: str) -> str:
    import uuid

    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'colloque:' + '/'.join(parts))}"


def revision(programme: Programme) -> datetime:
    from ..exporters.ics import revision_time

    return revision_time(programme)


def feed_id(programme: Programme) -> str:
    """The id of the feed of ``programme``'s changes (it follows the colloque's identity)."""
    return _uuid(programme.identity, "changes")


def atom_feed(comparison: Comparison, *, link: str | None = None) -> Feed:
    """A feed of the changes, one entry per session (ids stable for the same change).

    ``updated`` is the new programme's revision time (its file's modification time, or
    ``$SOURCE_DATE_EPOCH``): publishing the same comparison twice gives the same feed.
    """
    from .atom import Entry, Feed, stamp

    new = comparison.new
    updated = stamp(revision(new))
    entries = []
    if comparison.colloque:
        lines = colloque_lines(comparison)
        entries.append(
            Entry(
                id=_uuid(new.identity, "colloque", *lines),
                title="Le colloque a changé",
                updated=updated,
                content="\n".join(lines),
            )
        )
    for change in comparison.changes:
        session = change.session
        key = [change.kind, session.id, *(f"{f.name}={f.old}>{f.new}" for f in change.fields)]
        where = f"{long_date(session.slot.date)}, {session.slot.hours}, {session.room_name}"
        entries.append(
            Entry(
                id=_uuid(new.identity, *key),
                title=f"{headline(change)}{NB}: {inert(session.title)}",
                updated=updated,
                content="\n".join([inert(where), *details(change)]),
            )
        )
    return Feed(
        id=feed_id(new),
        title=f"Modifications du programme{NB}: {inert(new.colloque.title)}",
        subtitle=sentence(summary(comparison)),
        updated=updated,
        author=inert(new.colloque.title),
        link=link,
        entries=tuple(entries),
    )


def to_atom(comparison: Comparison, *, link: str | None = None) -> str:
    """The feed of one comparison, as an XML document (``atom.updated_feed`` keeps history)."""
    from .atom import render

    return render(atom_feed(comparison, link=link))
