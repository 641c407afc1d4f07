"""The attendee's personal agenda: the sessions they picked, kept per colloque.

The agenda is a small JSON file in the user's data directory, one per colloque. It is named
after the colloque's identity (``Programme.identity``: first day and title), not after the
programme file's path, so that moving the file, reinstalling the package (which moves the
shipped programme) or receiving a new edition of the programme keeps the agenda.

A corrected title changes the identity: the agenda is then found again by what stays (same
first day, and most of its picks still in the programme: ``find_previous``), renamed to the
new identity, and keeps its ``key``: the identity it was created under, which the calendar
UIDs are made of (``event_key``), so that a re-imported calendar updates its events.

Each pick remembers what the attendee saw when choosing it (day, hours, room, title:
``Seen``), so that ``review`` can tell them what changed since.

Nothing the user saved is ever lost: every change is a read-modify-write under a file lock
(concurrent invocations are serialised), written atomically (temporary file, fsync, rename);
a file that cannot be understood is never overwritten, and picks whose session disappeared
from the programme are reported, never dropped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import StorageError, os_reason
from ..infra.paths import data_dir, private_dir
from ..infra.storage import NotRegular, TooBig, atomic_write, read_regular
from ..programme.model import Programme, Session, hhmm

FORMAT = "colloque-agenda"
# 2: picks remember what was seen (``seen``), the agenda its ``key`` and the changes it
# already announced (``notified``). Version 1 files are read, and written back as 2.
VERSION = 2
# The lock is held for a read-modify-write of a few hundred bytes; waiting this long means
# something else is wrong, and the user is told so rather than left waiting.
LOCK_TIMEOUT = 30.0
# A few hundred bytes a pick: far more than anyone picks, far less than a runaway read.
MAX_BYTES = 16 * 2**20


@dataclass(frozen=True, slots=True)
class Seen:
    """A session as the attendee saw it when choosing it (or when last told of a change)."""

    date: str  # ISO day
    start: str  # HH:MM
    end: str
    room: str  # the room's name ("" when none yet)
    title: str
    cancelled: bool = False  # the attendee was told it was cancelled

    @classmethod
    def of(cls, session: Session) -> Seen:
        slot = session.slot
        room = session.room.name if session.room else ""
        return cls(slot.date.isoformat(), hhmm(slot.start), hhmm(slot.end), room, session.title)

    def dump(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "room": self.room,
            "title": self.title,
        }
        if self.cancelled:
            data["cancelled"] = True
        return data

    @classmethod
    def parse(cls, data: Any) -> Seen | None:
        """None for anything malformed: the pick is kept, and seen afresh."""
        if not isinstance(data, dict):
            return None
        date, start, end, room, title = (
            data.get(k) for k in ("date", "start", "end", "room", "title")
        )
        if not (
            isinstance(date, str)
            and isinstance(start, str)
            and isinstance(end, str)
            and isinstance(room, str)
            and isinstance(title, str)
        ):
            return None
        return cls(date, start, end, room, title, cancelled=data.get("cancelled") is True)


@dataclass(frozen=True, slots=True)
class Pick:
    """One session the user picked; its title is kept to report it if the session disappears."""

    id: str
    title: str = ""
    seen: Seen | None = None


@dataclass(slots=True)
class Agenda:
    """The picks, in the order they were added (change them through ``append``/``remove``)."""

    picks: list[Pick] = field(default_factory=list)
    key: str | None = None  # the identity the agenda was created under (calendar UIDs)
    notified: str | None = None  # the fingerprint of the changes already announced
    # The picked ids, for membership in constant time: an agenda may hold thousands of
    # picks, stale ones included, and every session of a programme is looked up in it.
    _ids: set[str] = field(default_factory=set, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._ids = {p.id for p in self.picks}

    def state(self) -> tuple[Any, ...]:
        return (tuple(self.picks), self.key, self.notified)

    def __contains__(self, session_id: object) -> bool:
        return session_id in self._ids

    def __len__(self) -> int:
        return len(self.picks)

    def append(self, pick: Pick) -> None:
        self.picks.append(pick)
        self._ids.add(pick.id)

    def remove(self, session_id: str) -> Pick | None:
        if session_id not in self._ids:
            return None
        self._ids.discard(session_id)
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

    adopted: Adopted | None = None  # set when the agenda was found under a former title

    @classmethod
    def for_programme(cls, programme: Programme) -> AgendaStore:
        """The agenda of ``programme``; one kept under a former title is taken over (renamed)."""
        about = {"identity": programme.identity, "title": programme.colloque.title}
        store = cls(agenda_path(programme), colloque=about, root=data_dir())
        try:
            missing = not store.path.exists()
        except OSError:
            missing = False
        if missing:
            previous = find_previous(programme, store.path.parent)
            if previous is not None:
                store.adopted = store._adopt(previous)
        return store

    def _adopt(self, previous: Adopted) -> Adopted | None:
        """Rename the agenda found under a former title to this one (never over a file)."""
        with self._locked():
            try:
                os.link(previous.path, self.path)  # fails if the name was taken meanwhile
                os.unlink(previous.path)
            except FileExistsError:
                return None
            except OSError:
                return None
        return previous

    # --- reading ---------------------------------------------------------------------------

    def load(self) -> Agenda:
        """The stored agenda (empty when there is none yet)."""
        if not private_dir(self.path.parent, self._root, create=False):
            return Agenda()
        try:
            raw = read_regular(self.path, MAX_BYTES)
        except FileNotFoundError:
            return Agenda()
        except NotRegular:
            raise StorageError(
                f"Votre agenda « {self.path} » n'est pas un fichier ordinaire (un périphérique, "
                "un tube ou un dossier) : il n'est pas lu. Mettez-le de côté ou supprimez-le."
            ) from None
        except TooBig:
            raise StorageError(
                f"Votre agenda « {self.path} » est trop volumineux (plus de "
                f"{MAX_BYTES // 2**20} Mo) : il n'est pas lu. Il n'a pas été modifié."
            ) from None
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
        for name in ("key", "notified"):
            value = data.get(name)
            if isinstance(value, str) and value:
                setattr(agenda, name, value)
        if agenda.key is None:  # version 1: the identity it was stored under made its UIDs
            about = data.get("colloque")
            stored = about.get("identity") if isinstance(about, dict) else None
            agenda.key = stored if isinstance(stored, str) and stored else self.path.stem
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise AgendaCorrupt(self.path, f"le choix n° {index} n'est pas un objet")
            session_id, title = item.get("id"), item.get("title", "")
            if not isinstance(session_id, str) or not session_id.strip():
                raise AgendaCorrupt(self.path, f"le choix n° {index} n'a pas d'identifiant")
            if not isinstance(title, str):
                raise AgendaCorrupt(self.path, f"le titre du choix n° {index} n'est pas un texte")
            if session_id not in agenda:
                agenda.append(Pick(session_id, title, Seen.parse(item.get("seen"))))
        return agenda

    # --- changing --------------------------------------------------------------------------

    @contextmanager
    def edit(self) -> Iterator[Agenda]:
        """Lock, load, hand the agenda to the caller, and save it if it changed.

        If the caller raises, nothing is written.
        """
        with self._locked():
            agenda = self.load()
            before = agenda.state()
            yield agenda
            if agenda.state() != before:
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
        picks = []
        for pick in agenda.picks:
            item: dict[str, Any] = {"id": pick.id, "title": pick.title}
            if pick.seen is not None:
                item["seen"] = pick.seen.dump()
            picks.append(item)
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "colloque": self._about,
            "key": agenda.key or self._about.get("identity") or self.path.stem,
            "picks": picks,
        }
        if agenda.notified:
            data["notified"] = agenda.notified
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from ..infra.locking import Busy, Unlockable, exclusive

        private_dir(self.path.parent, self._root)
        try:
            with exclusive(self.lock_path, timeout=LOCK_TIMEOUT):
                self._remove_orphans()
                yield
        except Busy:
            raise StorageError(
                f"Votre agenda est occupé par une autre commande colloque depuis plus de "
                f"{LOCK_TIMEOUT:.0f} s. Réessayez dans un instant (verrou : « {self.lock_path} »)."
            ) from None
        except Unlockable as failure:
            raise StorageError(
                f"Impossible de verrouiller votre agenda (« {self.lock_path} ») : "
                f"{os_reason(failure.error)}."
            ) from None

    def _remove_orphans(self) -> None:
        """Delete temporary files left by a writer that was killed (we hold the lock)."""
        for orphan in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            try:
                orphan.unlink()
            except OSError:
                pass


# --- the agenda of a colloque whose title was corrected -------------------------------------

# An agenda file larger than this is not looked into when searching for a former title.
_CANDIDATE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Adopted:
    """An agenda kept under a former identity of the colloque (its title before correction)."""

    path: Path
    title: str
    key: str


def find_previous(programme: Programme, folder: Path) -> Adopted | None:
    """The agenda this colloque had under another title, if one evidently is it.

    What a corrected title leaves alone: the first day (in the file name) and the sessions.
    A file of the same first day is taken when it was written for this very title (a file
    named under an older naming rule), or when its title reads as a correction of this one
    (``_corrected``) and at least half of its picks, and one at least, are sessions of this
    programme. Two equally likely files: none is taken (the user's files are never merged
    on a guess). Two colloques of the same day under unrelated titles (« 東京会議 »,
    « Московская конференция ») never share an agenda, even with the same session ids.
    """
    from ..text import fold

    wanted = " ".join(fold(programme.colloque.title).split())
    own = agenda_path(programme).name
    scored: list[tuple[tuple[int, float], Adopted]] = []
    try:
        candidates = sorted(folder.glob(f"{programme.identity_day()}-*.json"))
    except OSError:
        return None
    for path in candidates:
        if path.name == own:
            continue
        try:
            if not path.is_file() or path.stat().st_size > _CANDIDATE_BYTES:
                continue
            data = json.loads(path.read_bytes().decode("utf-8"))
            agenda = AgendaStore(path)._parse(data)
        except (OSError, ValueError, StorageError):
            continue
        about = data.get("colloque") if isinstance(data, dict) else None
        title = about.get("title") if isinstance(about, dict) else None
        title = title if isinstance(title, str) else ""
        key = agenda.key or path.stem
        present = sum(1 for pick in agenda.picks if programme.position(pick.id) is not None)
        if title and " ".join(fold(title).split()) == wanted:
            scored.append(((2, float(present)), Adopted(path, title, key)))
        elif present and present * 2 >= len(agenda.picks) and _corrected(title, wanted):
            scored.append(((1, present / len(agenda.picks)), Adopted(path, title, key)))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0], reverse=True)
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return None
    return scored[0][1]


def _corrected(before: str, after: str) -> bool:
    """Whether ``after`` (folded) reads as a correction of the title ``before``: mostly the
    same letters (60 % or more), or one of the two contained in the other."""
    from rapidfuzz.fuzz import ratio

    from ..text import fold

    a, b = " ".join(fold(before).split()), after
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    return ratio(a, b) >= 60 or (len(shorter) >= 10 and shorter in longer)


def event_key(programme: Programme) -> str:
    """The key of this colloque's calendar UIDs: the identity its agenda was created under.

    It stays the same when the colloque's title is corrected (the agenda keeps it), so a
    calendar that imports the agenda again updates its events instead of doubling them.
    Without an agenda, the colloque's identity. Read only: nothing is renamed here.
    """
    path = agenda_path(programme)
    try:
        if not path.is_file():
            raise FileNotFoundError(path)
        if path.stat().st_size > _CANDIDATE_BYTES:
            return programme.identity
        data = json.loads(path.read_bytes().decode("utf-8"))
        key = data.get("key") if isinstance(data, dict) else None
        if isinstance(key, str) and key:
            return key
        about = data.get("colloque") if isinstance(data, dict) else None
        stored = about.get("identity") if isinstance(about, dict) else None
        return stored if isinstance(stored, str) and stored else path.stem
    except FileNotFoundError:
        previous = find_previous(programme, path.parent)
        return previous.key if previous is not None else programme.identity
    except (OSError, ValueError):
        return programme.identity
