"""The attendee's personal agenda: the sessions they picked, kept per colloque.

The agenda is a small JSON file in the user's data directory, one per colloque. It is keyed by
the colloque's identity (``Programme.identity``: first day and title), not by the programme
file's path, so that moving the file, reinstalling the package (which moves the shipped
programme) or receiving a corrected edition of the programme keeps the agenda.

Nothing the user saved is ever lost: every change is a read-modify-write under a file lock
(concurrent invocations are serialised), written atomically (temporary file, fsync, rename);
a file that cannot be understood is never overwritten, and picks whose session disappeared
from the programme are reported, never dropped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import StorageError, os_reason
from .infra.paths import data_dir, private_dir
from .infra.storage import atomic_write
from .programme.model import Programme, Session, Slot, day_name, hhmm

FORMAT = "colloque-agenda"
VERSION = 1
# The lock is held for a read-modify-write of a few hundred bytes; waiting this long means
# something else is wrong, and the user is told so rather than left waiting.
LOCK_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Pick:
    """One session the user picked; its title is kept to report it if the session disappears."""

    id: str
    title: str = ""


@dataclass(slots=True)
class Agenda:
    """The picks, in the order they were added."""

    picks: list[Pick] = field(default_factory=list)

    def __contains__(self, session_id: object) -> bool:
        return any(p.id == session_id for p in self.picks)

    def __len__(self) -> int:
        return len(self.picks)

    def remove(self, session_id: str) -> Pick | None:
        for index, pick in enumerate(self.picks):
            if pick.id == session_id:
                return self.picks.pop(index)
        return None


class AgendaCorrupt(StorageError):
    """The agenda file exists but cannot be understood; it is left exactly as it is."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(
            f"Votre agenda « {path} » est illisible : {reason}. Il n'a pas été modifié. "
            "Corrigez-le à la main, ou mettez-le de côté et repartez d'un agenda vide avec "
            f"« colloque agenda clear » (il sera renommé en « {backup_path(path)} »)."
        )


def agenda_path(programme: Programme) -> Path:
    return data_dir() / "agendas" / f"{programme.identity}.json"


def backup_path(path: Path) -> Path:
    """The first free name among ``X.bak``, ``X.bak.2``, ``X.bak.3``… (never an existing one)."""
    candidate = path.with_name(f"{path.name}.bak")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.bak.{number}")
        number += 1
    return candidate


class AgendaStore:
    """Reads and changes one agenda file safely."""

    def __init__(
        self, path: Path, *, colloque: dict[str, Any] | None = None, root: Path | None = None
    ) -> None:
        self.path = path
        self.lock_path = path.with_name(f"{path.name}.lock")
        self._about = colloque or {}
        # The folders from ``root`` down to the agenda's must be the user's alone (``paths``).
        self._root = root or path.parent

    @classmethod
    def for_programme(cls, programme: Programme) -> AgendaStore:
        about = {"identity": programme.identity, "title": programme.colloque.title}
        return cls(agenda_path(programme), colloque=about, root=data_dir())

    # --- reading ---------------------------------------------------------------------------

    def load(self) -> Agenda:
        """The stored agenda (empty when there is none yet)."""
        if not private_dir(self.path.parent, self._root, create=False):
            return Agenda()
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return Agenda()
        except OSError as error:
            raise StorageError(
                f"Lecture impossible de votre agenda « {self.path} » : "
                f"{os_reason(error)}. Il n'a pas été modifié."
            ) from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise AgendaCorrupt(self.path, "ce n'est pas du texte UTF-8") from None
        except json.JSONDecodeError as error:
            raise AgendaCorrupt(
                self.path, f"JSON invalide ligne {error.lineno}, colonne {error.colno}"
            ) from None
        return self._parse(data)

    def _parse(self, data: Any) -> Agenda:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise AgendaCorrupt(self.path, "ce n'est pas un agenda de colloque")
        version = data.get("version")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            raise AgendaCorrupt(self.path, "numéro de version absent ou invalide")
        if version > VERSION:
            raise StorageError(
                f"Votre agenda « {self.path} » a été écrit par une version plus récente de "
                f"colloque (format {version}, celle-ci lit le format {VERSION}). "
                "Il n'a pas été modifié : mettez colloque à jour pour vous en servir."
            )
        items = data.get("picks")
        if not isinstance(items, list):
            raise AgendaCorrupt(self.path, "la liste « picks » est absente")
        agenda = Agenda()
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise AgendaCorrupt(self.path, f"le choix n° {index} n'est pas un objet")
            session_id, title = item.get("id"), item.get("title", "")
            if not isinstance(session_id, str) or not session_id.strip():
                raise AgendaCorrupt(self.path, f"le choix n° {index} n'a pas d'identifiant")
            if not isinstance(title, str):
                raise AgendaCorrupt(self.path, f"le titre du choix n° {index} n'est pas un texte")
            if session_id not in agenda:
                agenda.picks.append(Pick(session_id, title))
        return agenda

    # --- changing --------------------------------------------------------------------------

    @contextmanager
    def edit(self) -> Iterator[Agenda]:
        """Lock, load, hand the agenda to the caller, and save it if it changed.

        If the caller raises, nothing is written.
        """
        with self._locked():
            agenda = self.load()
            before = list(agenda.picks)
            yield agenda
            if agenda.picks != before:
                atomic_write(self.path, self._dump(agenda))

    def clear(self) -> Path | None:
        """Set the current file aside (renamed to a free ``.bak`` name); None if there was none."""
        with self._locked():
            if not self.path.exists():
                return None
            backup = backup_path(self.path)
            try:
                os.rename(self.path, backup)
            except OSError as error:
                raise StorageError(
                    f"Impossible de mettre de côté votre agenda « {self.path} » : "
                    f"{os_reason(error)}. Il n'a pas été modifié."
                ) from None
            return backup

    def _dump(self, agenda: Agenda) -> str:
        data = {
            "format": FORMAT,
            "version": VERSION,
            "colloque": self._about,
            "picks": [{"id": p.id, "title": p.title} for p in agenda.picks],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        private_dir(self.path.parent, self._root)
        lock = FileLock(self.lock_path, timeout=LOCK_TIMEOUT, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise StorageError(
                f"Votre agenda est occupé par une autre commande colloque depuis plus de "
                f"{LOCK_TIMEOUT:.0f} s. Réessayez dans un instant (verrou : « {self.lock_path} »)."
            ) from None
        except OSError as error:
            raise StorageError(
                f"Impossible de verrouiller votre agenda (« {self.lock_path} ») : "
                f"{os_reason(error)}."
            ) from None
        try:
            self._remove_orphans()
            yield
        finally:
            lock.release()

    def _remove_orphans(self) -> None:
        """Delete temporary files left by a writer that was killed (we hold the lock)."""
        for orphan in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            try:
                orphan.unlink()
            except OSError:
                pass


# --- the agenda against the programme -----------------------------------------------------


def overlaps(a: Session, b: Session, programme: Programme) -> bool:
    """Whether two sessions share some time (touching end and start do not)."""
    tz = programme.tz
    return a.slot.starts_at(tz) < b.slot.ends_at(tz) and b.slot.starts_at(tz) < a.slot.ends_at(tz)


def resolve(programme: Programme, agenda: Agenda) -> tuple[list[Session], list[Pick]]:
    """The picked sessions in programme order, and the picks the programme no longer has."""
    chosen = [s for s in programme.sessions if s.id in agenda]
    missing = [p for p in agenda.picks if programme.session(p.id) is None]
    return chosen, missing


def conflicts(programme: Programme, sessions: Sequence[Session]) -> dict[str, list[Session]]:
    """For each session that overlaps another of ``sessions``, the ones it overlaps."""
    found: dict[str, list[Session]] = {}
    for index, a in enumerate(sessions):
        for b in sessions[index + 1 :]:
            if overlaps(a, b, programme):
                found.setdefault(a.id, []).append(b)
                found.setdefault(b.id, []).append(a)
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
    already = session.id in agenda
    current, _ = resolve(programme, agenda)
    clashing = tuple(s for s in current if s.id != session.id and overlaps(s, session, programme))
    if replace:
        for other in clashing:
            agenda.remove(other.id)
    if not already:
        agenda.picks.append(Pick(session.id, session.title))
    if replace:
        return Added(session, already=already, replaced=clashing)
    return Added(session, already=already, collides_with=clashing)


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
    slots = tuple(
        SlotPlan(slot, tuple(s for s in chosen if s.slot.id == slot.id)) for slot in programme.slots
    )
    return Plan(slots, conflicts(programme, chosen), tuple(missing))


def picked_sessions(programme: Programme) -> tuple[list[Session], list[Pick]]:
    """The user's picked sessions in programme order, and the picks the programme lacks.

    An empty agenda is an error: there is nothing to list, export or look at.
    """
    from .errors import NotFoundError

    agenda = AgendaStore.for_programme(programme).load()
    if not agenda:
        raise NotFoundError(
            "Votre agenda est vide : ajoutez des sessions avec « colloque agenda add SESSION »."
        )
    return resolve(programme, agenda)


# --- the agenda as plain records (JSON, CSV) -------------------------------------------------

AGENDA_FIELDS = (
    "date",
    "day",
    "start",
    "end",
    "slot",
    "status",
    "id",
    "title",
    "room",
    "conflicts_with",
)
FREE, PICKED, CONFLICT, MISSING = "libre", "choisi", "conflit", "introuvable"


def agenda_records(plan: Plan) -> list[dict[str, Any]]:
    """One record per pick (and per free slot), then the picks the programme lacks."""
    rows: list[dict[str, Any]] = []
    for line in plan.slots:
        slot = line.slot
        when = {
            "date": slot.date.isoformat(),
            "day": day_name(slot.date),
            "start": hhmm(slot.start),
            "end": hhmm(slot.end),
            "slot": slot.id,
        }
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
        rows.append(
            dict.fromkeys(("date", "day", "start", "end", "slot"))
            | {
                "status": MISSING,
                "id": pick.id,
                "title": pick.title or None,
                "room": None,
                "conflicts_with": [],
            }
        )
    return rows
