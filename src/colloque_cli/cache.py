"""A cache of validated programmes (and their search index) in the user's cache directory.

Reading and validating YAML is the slow part of every command; a programme that has not
changed is read back from a pickle instead. A cache entry is trusted only if everything
matches: the file (path, size, mtime and a hash of its content), this program's version and
the source of the classes it pickles, and a MAC (keyed BLAKE2b, or HMAC-SHA-256 for payloads
of 1 MiB or more) made with a secret key that never leaves the user's cache directory.
Anything else (stale, truncated, corrupt, written by another version or copied from
elsewhere) is ignored and rebuilt. The cache is an optimisation only:
when it cannot be read or written, commands work without it.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, TypeVar

from . import __version__
from .gcpause import paused_gc
from .model import Programme
from .source import MAX_BYTES, read_bytes, resolve_programme_path

try:  # BLAKE2 straight from its C module: hashlib would also load OpenSSL (~5 ms per run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

T = TypeVar("T")
# Above this size, SHA-256 from OpenSSL (about twice as fast as BLAKE2b on large inputs here)
# is worth the few milliseconds that importing hashlib costs; below it, BLAKE2b needs no import.
LARGE = 1 << 20
MAGIC = b"colloque-cache\n"
NO_CACHE_ENV = "COLLOQUE_NO_CACHE"
# modules whose classes end up in the pickles: a change to their source invalidates the cache
_PICKLED_MODULES = ("model.py", "search.py", "search")


@dataclass(frozen=True, slots=True)
class Key:
    """What a cache entry must match to be used."""

    path: str
    size: int
    mtime_ns: int
    digest: str

    @property
    def name(self) -> str:
        return blake2b(self.path.encode(), digest_size=16).hexdigest()


def _code_fingerprint() -> str:
    here = Path(__file__).parent
    digest = blake2b(__version__.encode(), digest_size=16)
    for name in _PICKLED_MODULES:
        target = here / name
        files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
        for file in (f for f in files if f.is_file()):
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _secret(directory: Path) -> bytes:
    """The per-user key that signs cache entries (created once, readable by the user only)."""
    path = directory / "secret.key"
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    temporary = path.with_name(f".secret.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    os.replace(temporary, path)
    return path.read_bytes()  # another process may have won the race: use its key


def _mac(secret: bytes, header: bytes, payload: bytes | memoryview) -> bytes:
    """A keyed BLAKE2b of header and payload, or HMAC-SHA-256 for a large payload (32 bytes)."""
    if len(payload) >= LARGE:
        import hmac

        signer = hmac.new(secret, header, "sha256")
        signer.update(payload)
        return signer.digest()
    mac = blake2b(header, key=secret, digest_size=32)
    mac.update(payload)
    return mac.digest()


def content_digest(raw: bytes) -> str:
    """A hash of a file's content (its algorithm named, so that the two never mix)."""
    if len(raw) >= LARGE:
        import hashlib

        return "sha256:" + hashlib.sha256(raw).hexdigest()
    return "blake2b:" + blake2b(raw, digest_size=32).hexdigest()


class ProgrammeCache:
    """Entries for one programme file, e.g. ``programme`` and ``index``."""

    def __init__(self, directory: Path, key: Key) -> None:
        self.directory = directory
        self.key = key
        self._fingerprint = _code_fingerprint()
        self._signing_key: bytes | None = None

    def _secret(self) -> bytes:
        """The signing key, read (or created) once for all the entries of this file."""
        if self._signing_key is None:
            self._signing_key = _secret(self.directory)
        return self._signing_key

    def _header(self, kind: str) -> bytes:
        fields = (kind, self._fingerprint, self.key.path, self.key.size, self.key.mtime_ns)
        # repr() escapes every character of the path: the header stays on one line
        return (repr(fields) + self.key.digest).encode("utf-8", "backslashreplace") + b"\n"

    def _file(self, kind: str) -> Path:
        return self.directory / f"{self.key.name}.{kind}"

    def get(self, kind: str, expected: type[T]) -> T | None:
        """The cached ``expected`` object, or None when no entry can be trusted."""
        try:
            blob = self._file(kind).read_bytes()
            secret = self._secret()
        except OSError:
            return None
        header = self._header(kind)
        start = len(MAGIC) + len(header)
        if not blob.startswith(MAGIC + header) or len(blob) < start + 32:
            return None
        mac, payload = blob[start : start + 32], memoryview(blob)[start + 32 :]  # no copy
        # a timing-safe comparison is moot for a local file
        if mac != _mac(secret, header, payload):
            return None
        try:
            with paused_gc():
                value = pickle.loads(payload)
        except Exception:  # a signed but unreadable entry (e.g. another Python): rebuild
            return None
        return value if isinstance(value, expected) else None

    def put(self, kind: str, value: Any) -> None:
        """Store ``value``; any failure (read-only or full disk…) is silently skipped."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            secret = self._secret()
            header = self._header(kind)
            # pickled straight after the header: no second copy of a large payload
            blob = io.BytesIO()
            blob.write(MAGIC + header + bytes(32))
            start = blob.tell()
            pickle.dump(value, blob, protocol=pickle.HIGHEST_PROTOCOL)
            view = blob.getbuffer()
            view[start - 32 : start] = _mac(secret, header, view[start:])
            from .storage import atomic_write

            atomic_write(self._file(kind), view)  # type: ignore[arg-type]
        except Exception:  # the cache is an optimisation: never fail a command for it
            return

    def get_or_build(self, kind: str, expected: type[T], build: Callable[[], T]) -> T:
        """The cached ``expected`` object, else ``build()``'s, stored for next time."""
        value = self.get(kind, expected)
        if value is None:
            value = build()
            self.put(kind, value)
        return value


def enabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def open_programme(
    path: str | os.PathLike[str] | None = None, *, use_cache: bool = True
) -> tuple[Programme, ProgrammeCache | None]:
    """Load a programme, from the cache when it is still valid; also return the cache."""
    resolved = resolve_programme_path(path)
    source = str(resolved)
    cache = None
    if use_cache and enabled():
        from .paths import cache_dir

        directory = cache_dir() / "programmes"
        key = file_key(resolved)  # hashed as read: a cache hit never holds the file's bytes
        if key is not None:
            cache = ProgrammeCache(directory, key)
            programme = cache.get("programme", Programme)
            if programme is not None and programme.source == source:
                return programme, cache
    raw = read_bytes(resolved)  # every reason it cannot be read is reported here
    if use_cache and enabled():
        stat = resolved.stat()
        key = Key(
            path=str(resolved.absolute()),
            size=stat.st_size,
            mtime_ns=stat.st_mtime_ns,
            digest=content_digest(raw),
        )
        if cache is None or cache.key != key:  # the entry must describe the bytes parsed
            cache = ProgrammeCache(directory, key)

    from .loader import parse_programme

    programme = parse_programme(raw, source)  # decoded there: see its docstring
    if cache is not None:
        cache.put("programme", programme)
    return programme, cache


def file_key(path: Path) -> Key | None:
    """The key of a regular file, its content hashed a piece at a time as it is read.

    Equal to the key ``open_programme`` makes from the file's bytes. None for anything but a
    regular file of at most ``MAX_BYTES`` that stays the same size while it is read (and
    for any error): the caller then reads the file as usual, and reports what is wrong.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO never blocks
    except OSError:
        return None
    try:
        with open(fd, "rb", buffering=0, closefd=True) as handle:
            info = os.fstat(fd)
            if not S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None
            if info.st_size >= LARGE:
                import hashlib

                name, hasher = "sha256", hashlib.sha256()
            else:
                name, hasher = "blake2b", blake2b(digest_size=32)
            buffer = memoryview(bytearray(1 << 20))
            total = 0
            while count := handle.readinto(buffer):
                hasher.update(buffer[:count])
                total += count
                if total > info.st_size:
                    return None
    except OSError:
        return None
    if total != info.st_size:
        return None
    return Key(
        path=str(path.absolute()),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        digest=f"{name}:{hasher.hexdigest()}",
    )
