"""A cache of validated programmes (and their search index) in the user's cache directory.

Reading and validating YAML is the slow part of every command; a programme that has not
changed is read back from a pickle instead. A cache entry is trusted only if everything
matches: the file (path, size, mtime and a hash of its content), this program's version and
the source of the classes it pickles, and a MAC (keyed BLAKE2b) made with a secret key that
never leaves the user's cache directory (see the entry format below).
Anything else (stale, truncated, corrupt, written by another version or copied from
elsewhere) is ignored and rebuilt. The cache is an optimisation only:
when it cannot be read or written, commands work without it.
"""

from __future__ import annotations

import contextlib
import io
import mmap
import os
import pickle
import struct
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path
from stat import S_ISREG
from typing import Any, TypeVar

from .. import __version__
from ..programme.model import Programme
from ..programme.source import MAX_BYTES, read_bytes, resolve_programme_path
from .frozen import Frozen, store
from .gcpause import paused_gc

try:  # BLAKE2 straight from its C module: hashlib would also load OpenSSL (~5 ms per run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

T = TypeVar("T")
# Above this size, SHA-256 from OpenSSL (about twice as fast as BLAKE2b on large inputs here)
# is worth the few milliseconds that importing hashlib costs; below it, BLAKE2b needs no import.
LARGE = 1 << 20
MAGIC = b"colloque-cache 2\n"
NO_CACHE_ENV = "COLLOQUE_NO_CACHE"
# modules whose classes end up in the pickles: a change to their source invalidates the cache
_PICKLED_MODULES = ("infra/cache.py", "infra/frozen.py", "programme/model.py", "search")


class Key(Frozen):
    """What a cache entry must match to be used."""

    __slots__ = ("path", "size", "mtime_ns", "digest")
    path: str
    size: int
    mtime_ns: int
    digest: str

    def __init__(self, path: str, size: int, mtime_ns: int, digest: str) -> None:
        store(self, "path", path)
        store(self, "size", size)
        store(self, "mtime_ns", mtime_ns)
        store(self, "digest", digest)

    @property
    def name(self) -> str:
        return blake2b(self.path.encode(), digest_size=16).hexdigest()


def _code_fingerprint() -> str:
    here = Path(__file__).parents[1]  # the package
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
    _replace(path, [os.urandom(32)])  # private from the start: mkstemp makes it 0600
    return path.read_bytes()  # another process may have won the race: use its key


def _content_hasher(size: int) -> tuple[str, Any]:
    """The hash of a file's content for a file of ``size`` bytes, and its name."""
    if size >= LARGE:
        import hashlib

        return "sha256", hashlib.sha256()
    return "blake2b", blake2b(digest_size=32)


def content_digest(raw: bytes) -> str:
    """A hash of a file's content (its algorithm named, so that the two never mix)."""
    name, hasher = _content_hasher(len(raw))
    hasher.update(raw)
    return f"{name}:{hasher.hexdigest()}"


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
            blob = _map(self._file(kind))
            secret = self._secret()
        except (OSError, ValueError):  # ValueError: an empty file cannot be mapped
            return None
        try:
            pickled, buffers = _unpack(blob, self._header(kind), secret)
        except ValueError:  # stale, foreign, truncated or corrupt
            return None
        try:
            with paused_gc():
                value = pickle.loads(pickled, buffers=buffers)
        except Exception:  # a signed but unreadable entry (e.g. another Python): rebuild
            return None
        return value if isinstance(value, expected) else None

    def put(self, kind: str, value: Any) -> None:
        """Store ``value``; any failure (read-only or full disk…) is silently skipped."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            chunks = _pack(value, self._header(kind), self._secret())
            _replace(self._file(kind), chunks)
        except Exception:  # the cache is an optimisation: never fail a command for it
            return

    def get_or_build(self, kind: str, expected: type[T], build: Callable[[], T]) -> T:
        """The cached ``expected`` object, else ``build()``'s, stored for next time."""
        value = self.get(kind, expected)
        if value is None:
            value = build()
            self.put(kind, value)
        return value


# --- the entry format --------------------------------------------------------------------
#
# MAGIC, the header line (what the entry must match), a MAC, a table, the pickle, then the
# large arrays the pickle refers to, raw (each aligned on 8 bytes):
#
#   table = pickle length (u64), number of arrays (u32), then per array: length (u64), CRC-32 (u32)
#   MAC   = keyed BLAKE2b of the header line, the table and the pickle
#
# The arrays (postings, session texts…) are most of an entry's bytes. Stored out of band
# (pickle protocol 5), they are read back as views of the entry's bytes, without a copy,
# and checked by their CRC-32 (4 GB/s here, four times a MAC's speed). Only the pickle can
# run code when loaded, and it is covered by the MAC: an entry from another user, machine
# or version never gets that far. The arrays are plain numbers and UTF-8 text.

_TABLE = struct.Struct("<QI")  # pickle length and array count; then, per array, length and CRC
_OUT_OF_BAND = 1 << 14  # arrays from 16 KiB up are stored raw, outside the pickle


class _Pickler(pickle.Pickler):
    """Pickles large arrays out of band (see above)."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, array) and len(obj) * obj.itemsize >= _OUT_OF_BAND:
            return _array_view, (obj.typecode, pickle.PickleBuffer(obj))
        if isinstance(obj, memoryview) and obj.nbytes >= _OUT_OF_BAND:  # a view read earlier
            return _array_view, (obj.format, pickle.PickleBuffer(obj))
        return NotImplemented


def _array_view(typecode: str, data: Any) -> Any:
    """An array stored out of band: a read-only view of the entry's bytes (no copy); or a
    new ``array`` when the object was pickled otherwise (in band)."""
    if isinstance(data, memoryview):
        # typeshed types cast() for literal formats only; this one is the array's typecode
        bytes_view: Any = data.cast("B")
        return bytes_view.cast(typecode)
    return array(typecode, data)


def _aligned(size: int) -> int:
    return -size % 8


def _mac(secret: bytes, header: bytes, *signed: bytes | memoryview) -> bytes:
    """The keyed BLAKE2b of an entry's header line and what follows it (table, pickle)."""
    mac = blake2b(header, key=secret, digest_size=32)
    for part in signed:
        mac.update(part)
    return mac.digest()


def _pack(value: Any, header: bytes, secret: bytes) -> list[bytes | memoryview]:
    """The chunks of an entry holding ``value``, for its ``header`` line."""
    buffers: list[pickle.PickleBuffer] = []
    stream = io.BytesIO()
    _Pickler(stream, protocol=5, buffer_callback=buffers.append).dump(value)
    pickled = stream.getbuffer()
    raws = [buffer.raw() for buffer in buffers]
    table = _TABLE.pack(len(pickled), len(raws)) + b"".join(
        _TABLE.pack(raw.nbytes, zlib.crc32(raw)) for raw in raws
    )
    head = MAGIC + header
    chunks: list[bytes | memoryview] = [head, _mac(secret, header, table, pickled), table, pickled]
    size = len(head) + 32 + len(table) + len(pickled)
    for raw in raws:
        chunks.append(bytes(_aligned(size)))
        size += _aligned(size)
        chunks.append(raw)
        size += raw.nbytes
    return chunks


def _map(path: Path) -> mmap.mmap:
    """An entry's bytes, mapped rather than read: no copy, and pages that a command never
    looks at are never loaded (e.g. the descriptions of sessions it does not show).

    Entries are only ever replaced (renamed over), never rewritten in place, so a mapped
    entry never shrinks under a reader.
    """
    with open(path, "rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def _unpack(
    blob: bytes | mmap.mmap, header: bytes, secret: bytes
) -> tuple[memoryview, list[memoryview]]:
    """The pickle and the arrays of an entry (views of ``blob``), once checked; ValueError
    when it is not an entry for ``header`` written with ``secret``, or is damaged."""
    head = MAGIC + header
    if blob[: len(head)] != head:
        raise ValueError("another file, version or format")
    view = memoryview(blob)
    position = len(head) + 32
    mac = view[len(head) : position]
    try:
        pickled_size, count = _TABLE.unpack_from(view, position)
        lengths = [_TABLE.unpack_from(view, position + _TABLE.size * (1 + n)) for n in range(count)]
    except Exception:
        raise ValueError("truncated") from None
    start = position + _TABLE.size * (1 + count)
    end = start + pickled_size
    if end > len(blob):
        raise ValueError("truncated")
    # (a timing-safe comparison is moot for a local file)
    if _mac(secret, header, view[position:end]) != mac:  # the table and the pickle
        raise ValueError("not signed with this user's key")
    buffers = []
    for length, crc in lengths:
        padding = _aligned(end)
        if any(view[end : end + padding]):
            raise ValueError("damaged padding")
        end += padding
        if end + length > len(blob) or zlib.crc32(view[end : end + length]) != crc:
            raise ValueError("damaged array")
        buffers.append(view[end : end + length])
        end += length
    if end != len(blob):
        raise ValueError("trailing bytes")
    return view[start : start + pickled_size], buffers


def _replace(path: Path, chunks: list[bytes | memoryview]) -> None:
    """Write an entry through a temporary file and a rename: readers see the old entry or
    the new one, never half of one. No fsync: after a crash, a torn entry fails its checks
    and is rebuilt, and a cache is not worth the wait of a flush to disk."""
    import tempfile  # not on the path of a cache hit (~10 ms of imports)

    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(chunks)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


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

    from ..programme.loader import parse_programme

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
            name, hasher = _content_hasher(info.st_size)
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
