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

The module stays whole past the house's ~500 lines: the copy on disk and the download are
one protocol (the validators the copy keeps are what the request sends, a « 304 » or an
error decides what the copy becomes, one lock serialises both), best read in one place.
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
from typing import Any

from ..errors import ColloqueError, ProgrammeError, os_reason
from .model import FRENCH_MONTHS

FORMAT = "colloque-remote"
VERSION = 1
CHECK_ENV = "COLLOQUE_CHECK_EVERY"
# Minutes between two automatic checks. A programme changes a few times a day during a
# conference; a check every quarter of an hour keeps it true without a network round trip on
# every command (each one is a conditional request: mostly a « 304 » of a few hundred bytes).
DEFAULT_CHECK_MINUTES = 15
MAX_BYTES = 64 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
TIMEOUT_ENV = "COLLOQUE_TIMEOUT"  # seconds to wait for the server, instead of READ_TIMEOUT
# An automatic check must not hold a command up long: offline, it gives up sooner.
QUICK_TIMEOUT = 3.0
MAX_REDIRECTS = 5
LOCK_TIMEOUT = 60.0
USER_AGENT = "colloque (programme de colloque ; https://pypi.org/project/colloque-cli/)"


class RemoteError(ColloqueError):
    """A programme URL that cannot be fetched, with no usable copy (or for ``update``)."""


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
        from filelock import FileLock, Timeout

        _make_folder(self.directory, self._root)
        lock = FileLock(self.directory / "lock", timeout=LOCK_TIMEOUT, mode=0o600)
        try:
            lock.acquire()
        except Timeout:
            raise RemoteError(
                f"La copie du programme est mise à jour par une autre commande colloque depuis "
                f"plus de {LOCK_TIMEOUT:.0f} s. Réessayez dans un instant."
            ) from None
        except OSError as error:
            raise RemoteError(
                f"Impossible de verrouiller la copie du programme ({os_reason(error)})."
            ) from None
        try:
            yield
        finally:
            lock.release()


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


# --- downloading ------------------------------------------------------------------------------


class Unreachable(RemoteError):
    """No answer at all: no network, name unknown, connection refused, time out."""


@dataclass
class Fetched:
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    quick: bool = False,
) -> Fetched:
    """GET ``url`` (conditionally when ``etag``/``last_modified``), whole and checked.

    Every failure is a ``RemoteError`` with a French message naming the URL.
    """
    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    wait = _timeout()
    connect = min(CONNECT_TIMEOUT, QUICK_TIMEOUT, wait) if quick else min(CONNECT_TIMEOUT, wait)
    timeout = httpx.Timeout(wait, connect=connect)
    shown = _shown(url)
    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS, headers=headers
        ) as client:
            with client.stream("GET", url) as response:
                if response.url.scheme == "http" and url.lower().startswith("https://"):
                    raise RemoteError(
                        f"{shown} : redirigé vers une adresse non chiffrée "
                        f"({_shown(str(response.url))}), refusé."
                    )
                if response.status_code == 304:
                    return Fetched(b"", etag, last_modified, not_modified=True)
                if response.status_code >= 400:
                    raise RemoteError(f"{shown} : {_http_reason(response.status_code)}.")
                if response.status_code != 200:
                    raise RemoteError(
                        f"{shown} : réponse inattendue du serveur (HTTP {response.status_code})."
                    )
                body = _read_whole(response, shown)
                return Fetched(
                    body,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                )
    except RemoteError:
        raise
    except httpx.TooManyRedirects:
        raise RemoteError(f"{shown} : trop de redirections (plus de {MAX_REDIRECTS}).") from None
    except httpx.TimeoutException:
        raise Unreachable(f"{shown} : le serveur ne répond pas (délai dépassé).") from None
    except httpx.ConnectError as error:
        if _is_tls(error):
            raise RemoteError(
                f"{shown} : connexion sécurisée impossible (certificat refusé ou TLS invalide)."
            ) from None
        raise Unreachable(f"{shown} : serveur injoignable (hors ligne ?).") from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.DecodingError):
        raise RemoteError(
            f"{shown} : téléchargement interrompu (fichier incomplet ou illisible)."
        ) from None
    except httpx.UnsupportedProtocol:
        raise RemoteError(f"{shown} : adresse non prise en charge (http ou https).") from None
    except httpx.InvalidURL:
        raise RemoteError(f"{shown} : adresse invalide.") from None
    except httpx.HTTPError as error:
        raise RemoteError(f"{shown} : échec du téléchargement ({type(error).__name__}).") from None
    except ValueError:  # a malformed URL rejected before any request
        raise RemoteError(f"{shown} : adresse invalide.") from None


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(raw.replace(",", ".")) if raw else READ_TIMEOUT
    except ValueError:
        return READ_TIMEOUT
    return value if 0 < value < 3600 else READ_TIMEOUT


def _read_whole(response: Any, shown: str) -> bytes:
    """The body, at most ``MAX_BYTES``, and as long as the server announced."""
    chunks = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > MAX_BYTES:
            raise RemoteError(
                f"{shown} : fichier trop volumineux (plus de {MAX_BYTES // 2**20} Mo)."
            )
        chunks.append(chunk)
    body = b"".join(chunks)
    announced = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    if announced and announced.isdigit() and not encoded and int(announced) != len(body):
        raise RemoteError(f"{shown} : téléchargement interrompu (fichier incomplet).")
    if not body.strip():
        raise RemoteError(f"{shown} : le serveur a envoyé un fichier vide.")
    return body


def _http_reason(status: int) -> str:
    reasons = {
        401: "accès refusé (authentification demandée, HTTP 401)",
        403: "accès refusé (HTTP 403)",
        404: "aucun programme à cette adresse (HTTP 404)",
        410: "le programme n'est plus publié à cette adresse (HTTP 410)",
        429: "trop de demandes, le serveur demande d'attendre (HTTP 429)",
    }
    if status in reasons:
        return reasons[status]
    if status >= 500:
        return f"erreur du serveur (HTTP {status})"
    return f"demande refusée par le serveur (HTTP {status})"


def _is_tls(error: BaseException) -> bool:
    import ssl

    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _shown(url: str) -> str:
    from ..text import shown

    return shown(url, 100)


def programme_text(raw: bytes, url: str) -> str:
    """The programme file (YAML) of downloaded bytes, checked; frab/pretalx are converted.

    Anything that is not a valid programme is a ``RemoteError``: the copy is not replaced.
    """
    from ..importers import ScheduleError
    from .source import decode

    shown = _shown(url)
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if head in (b"<", b"{", b"["):
            from ..importers import import_schedule

            return import_schedule(raw, url).text
        from .loader import parse_programme

        text = decode(raw, url)
        parse_programme(text, url)
        return text
    except ProgrammeError as error:
        first = error.problems[0] if error.problems else None
        reason = first.message if first else str(error)
        more = (
            f" (et {len(error.problems) - 1} autres problèmes)" if len(error.problems) > 1 else ""
        )
        where = f" ligne {first.line}" if first and first.line else ""
        raise RemoteError(
            f"{shown} : le programme téléchargé est invalide{where} : {reason}{more}."
        ) from None
    except ScheduleError as error:
        raise RemoteError(
            f"{shown} : le programme téléchargé est illisible : {str(error).rstrip('.')}."
        ) from None


def download(url: str) -> bytes:
    """The bytes at ``url`` (for ``colloque import URL``), with the same checks."""
    return fetch(url).body
