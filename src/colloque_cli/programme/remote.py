"""Programmes published at a URL: fetched with conditional requests, kept as a last good copy.

A programme given as ``https://…`` (``--programme``, ``$COLLOQUE_PROGRAMME``) is read from a
local copy in the user's cache folder, one folder per URL::

    remote/<hash of the URL>/meta.json           what the copy is (URL, ETag, Last-Modified, times)
    remote/<hash of the URL>/programme-<hash>.yaml   the programme (converted when frab/pretalx)
    remote/<hash of the URL>/previous-<hash>.yaml    the copy before the last change

The copy is refreshed at most every ``check_interval()`` minutes (``colloque update`` at once),
with ``If-None-Match``/``If-Modified-Since``: an unchanged programme costs a « 304 ».

The last good copy is never replaced by a bad one: a download is checked in full (complete,
a readable programme) before it is written, the new programme file is written atomically
under a new name, and only then does ``meta.json`` (replaced atomically too) point to it. A
process killed at any point leaves ``meta.json`` naming a complete file. Two processes
refreshing at once are serialised by a file lock; the second finds the copy fresh.

Everything here is plain data: no typer, no rich. httpx is imported only when a download
is really made.

The download itself (HTTP, its limits and its messages) is ``download``.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ..errors import ColloqueError, RemoteError, os_reason
from .download import Fetched, Unreachable, fetch, programme_text
from .model import FRENCH_MONTHS

FORMAT = "colloque-remote"
VERSION = 1
CHECK_ENV = "COLLOQUE_CHECK_EVERY"
# Minutes between two automatic checks. A programme changes a few times a day during a
# conference; a check every quarter of an hour keeps it true without a network round trip on
# every command (each one is a conditional request: mostly a « 304 » of a few hundred bytes).
DEFAULT_CHECK_MINUTES = 15
LOCK_TIMEOUT = 60.0


def check_interval() -> float | None:
    """Seconds between automatic checks; None when they are off (``COLLOQUE_CHECK_EVERY=0``)."""
    raw = os.environ.get(CHECK_ENV, "").strip()
    if not raw:
        return DEFAULT_CHECK_MINUTES * 60.0
    try:
        minutes = float(raw.replace(",", "."))
    except ValueError:
        raise ColloqueError(
            f"{CHECK_ENV}={raw[:40]!r} : nombre de minutes attendu (0 pour ne jamais vérifier "
            "automatiquement ; « colloque update » vérifie à la demande)."
        ) from None
    if minutes != minutes or minutes < 0:  # NaN or negative
        raise ColloqueError(f"{CHECK_ENV} : nombre de minutes positif attendu.")
    return None if minutes == 0 else minutes * 60.0


def when(moment: datetime) -> str:
    """« 3 mars à 18:02 », in the machine's local time."""
    local = moment.astimezone()
    return f"{local.day} {FRENCH_MONTHS[local.month - 1]} à {local:%H:%M}"


# --- the copy on disk -------------------------------------------------------------------------


@dataclass
class Meta:
    """What ``meta.json`` says about the copy of one URL."""

    url: str
    file: str | None = None  # the programme file's name in the folder, once there is one
    previous: str | None = None  # the copy before the last change
    etag: str | None = None
    last_modified: str | None = None
    confirmed_at: float | None = None  # when the server last said the copy is current
    checked_at: float | None = None  # the last attempt, successful or not

    def dump(self) -> str:
        data = {"format": FORMAT, "version": VERSION, **self.__dict__}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def parse(cls, raw: bytes, url: str) -> Meta:
        """The meta of ``raw``; a fresh one when it cannot be understood (refetched then)."""
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return cls(url)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("url") != url:
            return cls(url)
        meta = cls(url)
        for name in ("file", "previous", "etag", "last_modified"):
            value = data.get(name)
            if isinstance(value, str) and value and "/" not in value and "\0" not in value:
                setattr(meta, name, value)
        for name in ("confirmed_at", "checked_at"):
            value = data.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                setattr(meta, name, float(value))
        return meta


@dataclass
class Copy:
    """The local copy of a programme URL, and what the user should be told about it."""

    url: str
    path: Path  # the programme file to read
    confirmed_at: datetime | None
    previous: Path | None = None  # the version before the last change, when there is one
    changed: bool = False  # this call downloaded a new version
    notices: list[str] = field(default_factory=list)


def folder_for(url: str) -> Path:
    from hashlib import blake2b

    from ..infra.paths import cache_dir

    return cache_dir() / "remote" / blake2b(url.encode("utf-8"), digest_size=16).hexdigest()


class Remote:
    """The copy of one URL in its folder, read and refreshed under a lock."""

    def __init__(self, url: str, directory: Path | None = None) -> None:
        from ..infra.paths import cache_root

        self.url = url.strip()
        self.directory = directory or folder_for(self.url)
        self.meta_path = self.directory / "meta.json"
        # The folders from there down must be the user's alone (see ``infra.paths``).
        self._root = cache_root() if directory is None else self.directory

    def meta(self) -> Meta:
        from ..infra.paths import private_dir

        if not private_dir(self.directory, self._root, create=False):
            return Meta(self.url)
        try:
            raw = self.meta_path.read_bytes()
        except OSError:
            return Meta(self.url)
        meta = Meta.parse(raw, self.url)
        if meta.file and not (self.directory / meta.file).is_file():
            meta.file = None  # the copy was removed by hand: fetched again
        return meta

    def copy(self, meta: Meta, *, changed: bool = False) -> Copy | None:
        if not meta.file:
            return None
        previous = self.directory / meta.previous if meta.previous else None
        confirmed = datetime.fromtimestamp(meta.confirmed_at, UTC) if meta.confirmed_at else None
        return Copy(
            self.url,
            self.directory / meta.file,
            confirmed,
            previous if previous and previous.is_file() else None,
            changed,
        )

    def follow(self, *, force: bool = False) -> Copy:
        """The copy to read: refreshed first when it is due (or ``force``, for ``update``).

        When the refresh fails and a copy exists, the copy is used and the reason is one
        notice (« hors ligne : programme du 3 mars à 18:02 »); with ``force``, or with no copy
        at all, the failure is a ``RemoteError``.
        """
        meta = self.meta()
        interval = check_interval()
        if not force and meta.file and not _due(meta, interval):
            found = self.copy(meta)
            if found is not None:
                return found
        with self._locked():
            meta = self.meta()  # another process may have refreshed it while we waited
            if not force and meta.file and not _due(meta, interval):
                found = self.copy(meta)
                if found is not None:
                    return found
            return self._refresh(meta, force=force)

    def _refresh(self, meta: Meta, *, force: bool) -> Copy:
        current = self.copy(meta)
        try:
            fetched = fetch(
                self.url,
                etag=meta.etag if current else None,
                last_modified=meta.last_modified if current else None,
                quick=current is not None and not force,
            )
            if fetched.not_modified:
                assert current is not None
                meta.confirmed_at = meta.checked_at = time.time()
                self._write_meta(meta)
                return self.copy(meta) or current
            text = programme_text(fetched.body, self.url)
        except RemoteError as error:
            if current is None or force:
                if current is not None:
                    self._mark_checked(meta)
                    raise RemoteError(f"{error} {_kept(current)}") from None
                raise
            self._mark_checked(meta)
            current.notices.append(_offline(error, current))
            return current
        return self._store(meta, text, fetched)

    def _store(self, meta: Meta, text: str, fetched: Fetched) -> Copy:
        from hashlib import blake2b

        from ..infra.storage import atomic_write

        digest = blake2b(text.encode("utf-8"), digest_size=12).hexdigest()
        name = f"programme-{digest}.yaml"
        changed = name != meta.file
        now = time.time()
        if changed:
            atomic_write(self.directory / name, text)
            if meta.file:
                # the version before keeps its own name: a reader holding it is not disturbed
                previous = f"previous-{meta.file.removeprefix('programme-')}"
                try:
                    os.replace(self.directory / meta.file, self.directory / previous)
                    meta.previous = previous
                except OSError:
                    pass
            meta.file = name
        meta.etag, meta.last_modified = fetched.etag, fetched.last_modified
        meta.confirmed_at = meta.checked_at = now
        self._write_meta(meta)
        self._remove_unused(meta)
        found = self.copy(meta, changed=changed)
        assert found is not None
        return found

    def _mark_checked(self, meta: Meta) -> None:
        """Remember the failed attempt: no new try before the interval (offline stays quick)."""
        meta.checked_at = time.time()
        try:
            self._write_meta(meta)
        except ColloqueError:
            pass

    def _write_meta(self, meta: Meta) -> None:
        from ..infra.storage import atomic_write

        atomic_write(self.meta_path, meta.dump())

    def _remove_unused(self, meta: Meta) -> None:
        keep = {"meta.json", "lock", meta.file, meta.previous}
        for path in self.directory.iterdir():
            if path.name not in keep and path.suffix in (".yaml", ".tmp"):
                try:
                    path.unlink()
                except OSError:
                    pass

    @contextmanager
    def _locked(self) -> Iterator[None]:
        from ..infra.locking import Busy, Unlockable, exclusive

        _make_folder(self.directory, self._root)
        try:
            with exclusive(self.directory / "lock", timeout=LOCK_TIMEOUT):
                yield
        except Busy:
            raise RemoteError(
                f"La copie du programme est mise à jour par une autre commande colloque depuis "
                f"plus de {LOCK_TIMEOUT:.0f} s. Réessayez dans un instant."
            ) from None
        except Unlockable as failure:
            raise RemoteError(
                f"Impossible de verrouiller la copie du programme ({os_reason(failure.error)})."
            ) from None


def _make_folder(directory: Path, root: Path) -> None:
    """The copy's folder, private to the user (made if missing, with its parents: 0700
    whatever the umask), from ``root`` down the user's alone (``StorageError`` otherwise)."""
    from ..infra.paths import private_dir

    private_dir(directory, root)


def _due(meta: Meta, interval: float | None) -> bool:
    if interval is None or meta.checked_at is None:
        return interval is not None or meta.file is None
    elapsed = time.time() - meta.checked_at
    return elapsed >= interval or elapsed < 0  # a clock set back: check


def _kept(copy: Copy) -> str:
    if copy.confirmed_at is None:
        return "La copie précédente est gardée."
    return f"La copie du {when(copy.confirmed_at)} est gardée."


def _offline(error: RemoteError, copy: Copy) -> str:
    date = when(copy.confirmed_at) if copy.confirmed_at else "?"
    reason = str(error)
    if isinstance(error, Unreachable):
        return f"hors ligne : programme du {date}"
    return f"mise à jour impossible ({reason.rstrip('.')}) : programme du {date}"
