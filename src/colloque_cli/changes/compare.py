"""Match the sessions of two programmes and list, per session, what changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Literal

from ..programme.model import Programme, Session, short_date
from ..text import fold

Kind = Literal["new", "cancelled", "changed"]
# Fields longer than this (or spanning lines) are reported as « modifié », not old → new:
# an announcement quoting two versions of an abstract helps nobody.
SHORT = 120
# The fields compared, in the order they are reported, with their French names.
LABELS = {
    "when": "horaire",
    "room": "salle",
    "title": "titre",
    "subtitle": "sous-titre",
    "speakers": "intervenants",
    "type": "type",
    "themes": "thèmes",
    "description": "description",
}
MOVES = ("when", "room")


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a session, before and after (as text); ``long`` when only « modifié » fits."""

    name: str
    old: str
    new: str
    long: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.name]


@dataclass(frozen=True, slots=True)
class Change:
    """One session that is new, cancelled, or changed (moved and/or edited)."""

    kind: Kind
    old: Session | None
    new: Session | None
    fields: tuple[FieldChange, ...] = ()
    matched_by: str = "id"  # id, guid or title+slot: how the two versions were paired

    @property
    def session(self) -> Session:
        """The session as it is now (as it was, for a cancelled one)."""
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def moved(self) -> bool:
        return any(f.name in MOVES for f in self.fields)

    @property
    def edited(self) -> bool:
        return self.renamed or any(f.name not in MOVES for f in self.fields)

    @property
    def renamed(self) -> bool:
        """The session's id changed (matched by guid or by title and slot)."""
        return self.old is not None and self.new is not None and self.old.id != self.new.id

    def field(self, name: str) -> FieldChange | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def sort_key(self) -> tuple[date, time, str, str]:
        s = self.session
        return (s.slot.date, s.slot.start, s.room_name, s.id)


@dataclass(frozen=True, slots=True)
class ColloqueChange:
    """A change to the colloque itself (its title, dates, place, time zone)."""

    name: str
    old: str
    new: str


COLLOQUE_LABELS = {
    "title": "titre du colloque",
    "dates": "dates",
    "city": "ville",
    "venue": "lieu",
    "timezone": "fuseau horaire",
}


@dataclass(frozen=True, slots=True)
class Comparison:
    """Everything that changed from ``old`` to ``new``, sessions in the new programme's order."""

    old: Programme
    new: Programme
    changes: tuple[Change, ...]
    colloque: tuple[ColloqueChange, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changes or self.colloque)

    def of_kind(self, kind: Kind) -> list[Change]:
        return [c for c in self.changes if c.kind == kind]

    @property
    def moved(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "changed" and c.moved]

    @property
    def edited(self) -> list[Change]:
        return [c for c in self.changes if c.kind == "changed" and c.edited]

    def only(self, ids: Iterable[str]) -> Comparison:
        """The changes that touch sessions ``ids`` (by their old or new id)."""
        wanted = set(ids)
        kept = tuple(
            c
            for c in self.changes
            if (c.old is not None and c.old.id in wanted)
            or (c.new is not None and c.new.id in wanted)
        )
        return Comparison(self.old, self.new, kept, self.colloque)


# --- reading a version ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Version:
    """A programme read from a file, with the frab guids of its sessions when it had some."""

    programme: Programme
    guids: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


def load_version(given: Path | str) -> Version:
    """A programme in any form colloque reads (YAML, frab XML/JSON or pretalx JSON), from a
    file or a web address (``https://…``, downloaded with the checks of ``import``)."""
    from ..programme.source import is_url, read_bytes

    if isinstance(given, str) and is_url(given):
        from ..programme.download import download

        return parse_version(download(given), given.strip())
    path = Path(given)
    return parse_version(read_bytes(path), str(path))


def parse_version(raw: bytes, source: str) -> Version:
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"<", b"{", b"["):
        from ..importers import import_schedule

        result = import_schedule(raw, source)
        return Version(result.programme, dict(result.guids), tuple(result.warnings))
    from ..programme.loader import parse_programme

    return Version(parse_programme(raw, source))


# --- comparing ------------------------------------------------------------------------------


def _speakers(session: Session) -> str:
    return ", ".join(session.speakers)


def _themes(session: Session) -> str:
    return ", ".join(t.label for t in session.themes)


def when(session: Session) -> str:
    """« mardi 4 mars 14:00–15:30 »: what « moved » compares (start and end together)."""
    slot = session.slot
    text = f"{short_date(slot.date)} {slot.hours}"
    if slot.end_date and slot.end_date != slot.date:
        text += f" (fin le {short_date(slot.end_date)})"
    return text


def _values(session: Session) -> dict[str, str]:
    return {
        "when": when(session),
        "room": session.room_name,
        "title": session.title,
        "subtitle": session.subtitle or "",
        "speakers": _speakers(session),
        "type": session.type,
        "themes": _themes(session),
        "description": session.description or "",
    }


def _is_long(text: str) -> bool:
    return len(text) > SHORT or "\n" in text.strip()


def diff_sessions(old: Session, new: Session) -> tuple[FieldChange, ...]:
    """The fields that differ between two versions of one session, in ``LABELS`` order."""
    before, after = _values(old), _values(new)
    found = []
    for name in LABELS:
        if before[name] != after[name]:
            long = name == "description" or _is_long(before[name]) or _is_long(after[name])
            found.append(FieldChange(name, before[name], after[name], long))
    return tuple(found)


def _slot_key(session: Session) -> tuple[Hashable, ...]:
    slot = session.slot
    return (slot.date, slot.start, slot.end_date or slot.date, slot.end)


def _title_key(session: Session) -> tuple[Hashable, ...]:
    return (" ".join(fold(session.title).split()), *_slot_key(session))


def _pair_unique(
    olds: Sequence[Session], news: Sequence[Session], key: Callable[[Session], Hashable]
) -> list[tuple[Session, Session]]:
    """Pairs whose key is shared by exactly one old and one new session (never a guess)."""
    by_old: dict[Hashable, list[Session]] = {}
    by_new: dict[Hashable, list[Session]] = {}
    for s in olds:
        by_old.setdefault(key(s), []).append(s)
    for s in news:
        by_new.setdefault(key(s), []).append(s)
    return [
        (group[0], by_new[k][0])
        for k, group in by_old.items()
        if len(group) == 1 and len(by_new.get(k, ())) == 1
    ]


def compare(
    old: Programme,
    new: Programme,
    *,
    old_guids: dict[str, str] | None = None,
    new_guids: dict[str, str] | None = None,
) -> Comparison:
    """What changed from ``old`` to ``new``."""
    old_by_id = {s.id: s for s in old.sessions}
    new_by_id = {s.id: s for s in new.sessions}
    pairs: list[tuple[Session, Session, str]] = [
        (old_by_id[i], new_by_id[i], "id") for i in old_by_id if i in new_by_id
    ]
    left = [s for i, s in old_by_id.items() if i not in new_by_id]
    right = [s for i, s in new_by_id.items() if i not in old_by_id]
    if left and right and old_guids and new_guids:
        found = _guid_pairs(left, right, old_guids, new_guids)
        pairs += [(a, b, "guid") for a, b in found]
        left, right = _rest(left, right, found)
    if left and right:
        found = _pair_unique(left, right, _title_key)
        pairs += [(a, b, "title+slot") for a, b in found]
        left, right = _rest(left, right, found)

    changes: list[Change] = []
    for a, b, how in pairs:
        fields = diff_sessions(a, b)
        if fields or a.id != b.id:  # a new id is news: it is what people type and keep
            changes.append(Change("changed", a, b, fields, how))
    changes += [Change("new", None, s) for s in right]
    changes += [Change("cancelled", s, None) for s in left]
    changes.sort(key=lambda c: c.sort_key)
    return Comparison(old, new, tuple(changes), _colloque_changes(old, new))


def _guid_pairs(
    left: Sequence[Session], right: Sequence[Session], old: dict[str, str], new: dict[str, str]
) -> list[tuple[Session, Session]]:
    by_guid = {new[s.id]: s for s in right if s.id in new}
    if len(by_guid) != sum(1 for s in right if s.id in new):
        return []  # a guid used twice: not an identity one can rely on
    return [(s, by_guid[old[s.id]]) for s in left if old.get(s.id) in by_guid]


def _rest(
    left: list[Session], right: list[Session], found: list[tuple[Session, Session]]
) -> tuple[list[Session], list[Session]]:
    gone = {id(a) for a, _ in found} | {id(b) for _, b in found}
    return [s for s in left if id(s) not in gone], [s for s in right if id(s) not in gone]


def _colloque_changes(old: Programme, new: Programme) -> tuple[ColloqueChange, ...]:
    a, b = old.colloque, new.colloque
    pairs = {
        "title": (a.title, b.title),
        "dates": (_dates(a.dates), _dates(b.dates)),
        "city": (a.city or "", b.city or ""),
        "venue": (a.venue or "", b.venue or ""),
        "timezone": (a.timezone, b.timezone),
    }
    return tuple(ColloqueChange(name, x, y) for name, (x, y) in pairs.items() if x != y)


def _dates(dates: Sequence[date]) -> str:
    return ", ".join(short_date(d) for d in dates)
