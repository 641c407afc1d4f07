"""A cache of validated programmes (and their search index) in the user's cache directory.

Reading and validating YAML is the slow part of every command; a programme that has not
changed is read back from the cache instead. An entry is data only (``cachefile``: JSON and
raw arrays of numbers, which ``cachecodec`` decodes into the model's own classes): whatever
it holds, forged or damaged, reading it runs no code. It is used only if everything
matches: the file (path, size, mtime and a hash of its content, taken back without reading
the file while its status is unchanged: ``file_key``), this program (version, and
a fingerprint of every source file of the package), and its checksums; and it is read only
from a folder that belongs to the user and that nobody else can write to (``paths``).
Anything else (stale, truncated, corrupt, written by another version, or lying in a folder
another user controls) is ignored and rebuilt, or the command works without the cache: it
is an optimisation only.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import time
from collections.abc import Callable
from functools import cache
from operator import attrgetter
from pathlib import Path
from stat import S_IMODE, S_ISREG
from typing import TYPE_CHECKING, Any, TypeVar

from .. import __version__
from ..programme.columns import SessionTable
from ..programme.model import Programme
from ..programme.source import MAX_BYTES, read_bytes, resolve_programme_path
from .cachecodec import (
    decode_index,
    decode_previous,
    decode_programme,
    encode_index,
    encode_programme,
)
from .cachefile import MAGIC, Arrays, Stored, pack, unpack
from .frozen import Frozen, store
from .gcpause import paused_gc

if TYPE_CHECKING:
    from ..search.index import Index
    from ..search.indexing import Resume
    from ..search.vocabulary import Learned

try:  # BLAKE2 straight from its C module: hashlib would also load OpenSSL (~5 ms per run)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

T = TypeVar("T")
# Above this size, SHA-256 from OpenSSL is worth the 2.2 ms that importing hashlib costs;
# below it, BLAKE2b needs no import. Measured here: SHA-256 0.48 ms per MB, BLAKE2b 0.70 (a
# 6 MB file: 2.9 + 2.2 ms against 4.2 ms), so they break even near 10 MB.
LARGE = 10 << 20
NO_CACHE_ENV = "COLLOQUE_NO_CACHE"
PACKAGE = Path(__file__).parents[1]  # colloque_cli


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
        return blake2b(self.path.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def with_digest(self, digest: str) -> Key:
        return Key(self.path, self.size, self.mtime_ns, digest)


def code_fingerprint(package: Path = PACKAGE) -> str:
    """What the entries depend on in this program: its version, and every source file and
    shipped table of meaning of the package (its path in the package, size and
    modification time).

    Any edit, added, moved or removed module gives another fingerprint, hence new entries:
    no list of the modules that shape an entry is kept by hand. Stat, not content: the
    files are not read (70 files, 0.3 ms here), and an edit changes the time.
    """
    parts = [__version__]

    def visit(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=attrgetter("name"))
        except OSError:
            return
        for entry in entries:
            name = entry.name
            # The search's tables of meaning (``*.bin``) shape the index as the code does.
            if name.endswith((".py", ".bin")):
                with contextlib.suppress(OSError):
                    info = entry.stat()
                    parts.append(f"{prefix}{name}\0{info.st_size}\0{info.st_mtime_ns}")
            elif name != "__pycache__" and entry.is_dir(follow_symlinks=False):
                visit(entry.path, f"{prefix}{name}/")

    visit(str(package), "")
    return blake2b("\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@cache
def running_fingerprint() -> str:
    """The fingerprint of the code this process runs: taken once, near its import (a file
    edited afterwards is not what runs here)."""
    return code_fingerprint()


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


class CacheFolder:
    """The cache's folder, held open: every entry is opened relative to it, so that what
    was checked (the user's own folder, writable by the user alone) is what is used."""

    def __init__(self, fd: int | None, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def open(cls) -> CacheFolder:
        """The user's cache folder, made private if missing; ``UnsafeFolder`` or ``OSError``
        when it cannot be made or another user could change what it holds."""
        from .paths import cache_dir, cache_root, open_private_dir

        path = cache_dir() / "programmes"
        return cls(open_private_dir(path, cache_root()), path)

    def __del__(self) -> None:
        if self.fd is not None:  # one per programme opened (a notebook may open many)
            with contextlib.suppress(OSError):
                os.close(self.fd)

    def _name(self, name: str) -> str:
        return name if self.fd is not None else str(self.path / name)

    def map(self, name: str) -> mmap.mmap:
        """An entry's bytes, mapped rather than read: no copy, and pages that a command
        never looks at are never loaded (e.g. the descriptions of sessions it does not show).

        Entries are only ever replaced (renamed over), never rewritten in place, so a mapped
        entry never shrinks under a reader. Only a regular file of the user's that nobody
        else can write to is read.
        """
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        fd = os.open(self._name(name), flags, dir_fd=self.fd)
        try:
            info = os.fstat(fd)
            if not S_ISREG(info.st_mode) or S_IMODE(info.st_mode) & 0o022:
                raise ValueError("not a private regular file")
            if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                raise ValueError("another user's file")
            return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)  # ValueError when empty
        finally:
            os.close(fd)

    def replace(self, name: str, chunks: list[bytes | memoryview]) -> None:
        """Write an entry through a temporary file and a rename: readers see the old entry
        or the new one, never half of one. No fsync: after a crash, a torn entry fails its
        checks and is rebuilt, and a cache is not worth the wait of a flush to disk."""
        temporary = f".{name}.{os.urandom(6).hex()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(self._name(temporary), flags, 0o600, dir_fd=self.fd)
        try:
            with open(fd, "wb", closefd=True) as handle:
                handle.writelines(chunks)
            os.replace(
                self._name(temporary), self._name(name), src_dir_fd=self.fd, dst_dir_fd=self.fd
            )
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(self._name(temporary), dir_fd=self.fd)
            raise


class ProgrammeCache:
    """Entries for one programme file: ``programme`` and ``index``."""

    def __init__(self, folder: CacheFolder, key: Key) -> None:
        self.folder = folder
        self.key = key
        self._fingerprint = running_fingerprint()
        # The columns of the sessions last stored (``put_programme``), until ``index``.
        self.written: SessionTable | None = None

    def _header(self, kind: str) -> bytes:
        """What an entry must match, on one line: its fields apart by tabs (in the path, a
        backslash, a tab or a newline is escaped: no two keys give the same header)."""
        file = (self.key.size, self.key.mtime_ns, self.key.digest)
        return self._prefix(kind) + "\t".join(map(str, file)).encode("utf-8") + b"\n"

    def _prefix(self, kind: str) -> bytes:
        """The start of the header: what the entry is, written by which program, for which
        path (then comes what the file was: ``_header``)."""
        path = self.key.path.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        fields = (kind, self._fingerprint, path, "")
        return "\t".join(fields).encode("utf-8", "surrogatepass")

    def _file(self, kind: str) -> str:
        return f"{self.key.name}.{kind}"

    def get(
        self, kind: str, decode: Callable[[Any, Stored], T], *, any_content: bool = False
    ) -> T | None:
        """The entry ``kind`` decoded, or None when no entry can be trusted. With
        ``any_content``, the entry may have been written when the file held something else
        (for this path, by this program): it is up to the caller to tell if it fits."""
        try:
            blob = self.folder.map(self._file(kind))
        except (OSError, ValueError):  # absent, not ours, empty…
            return None
        try:
            header = self._header(kind)
            if any_content:
                start, prefix = len(MAGIC), self._prefix(kind)
                end = blob.find(b"\n", start)
                if blob[start : start + len(prefix)] != prefix or end < 0:
                    return None
                header = blob[start : end + 1]
            data, arrays = unpack(blob, header)
            with paused_gc():
                return decode(data, arrays)
        except Exception:  # stale, truncated, damaged or forged: rebuilt
            return None

    def put(self, kind: str, encode: Callable[[Arrays], Any]) -> None:
        """Store what ``encode`` makes; any failure (full disk…) is silently skipped."""
        try:
            arrays = Arrays()
            data = encode(arrays)
            self.folder.replace(self._file(kind), pack(self._header(kind), data, arrays))
        except Exception:  # the cache is an optimisation: never fail a command for it
            return

    def programme(self) -> Programme | None:
        return self.get("programme", decode_programme)

    def put_programme(self, programme: Programme, *, keep_columns: bool = False) -> None:
        """Store ``programme``; with ``keep_columns``, its sessions' columns are kept
        (``written``) until the index is looked for: its digests are hashed from them."""

        def encode(arrays: Arrays) -> Any:
            table = SessionTable.of(programme.sessions)
            if keep_columns:
                self.written = table
            return encode_programme(programme, arrays, table)

        self.put("programme", encode)

    def previous_digests(self) -> list[str] | None:
        """The digests (see ``index``) of the index made for this file before its last
        change, if one was."""
        previous = self.get("index", decode_previous, any_content=True)
        return None if previous is None else previous[0]

    def index(
        self,
        build: Callable[[Resume | None, Learned | None], Index],
        documents: Callable[[], list[str]],
        unchanged: Callable[[list[str], list[str]], int],
    ) -> Index:
        """The programme's search index from its entry; else, stored for next time, the
        index made for this file before its last change if that change left what the index
        is made from as it was (the digests ``documents()`` makes are the same: a time, an
        id, a comment changed), or what ``build`` makes, told what that index made before
        gives of the first documents ``unchanged`` (its digests, these) finds the same, and
        what its build learnt of chunks."""
        found = self.get("index", decode_index)
        if found is not None:
            return found[1]
        digests = documents()
        self.written = None  # the columns hashed: let go before the build
        previous = self.get("index", decode_previous, any_content=True)
        if previous is not None and previous[0] == digests:
            index, learned = previous[1], previous[2]
        else:
            resume = learned = None
            if previous is not None:
                before, old, learned = previous
                resume = old.resume(min(unchanged(before, digests), old.size))
                del old  # copied what the build takes up: the entry it was read from goes
            del previous
            index = build(resume, learned)
            learned = index.learned
        self.put("index", lambda arrays: encode_index(index, digests, arrays, learned))
        return index


def enabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def open_folder(notice: Callable[[str], None] | None = None) -> CacheFolder | None:
    """The cache's folder, or None when it cannot be used (``notice`` is told why)."""
    from ..errors import os_reason
    from .paths import UnsafeFolder

    try:
        return CacheFolder.open()
    except UnsafeFolder as error:
        reason = f"le dossier {error}"
    except OSError as error:
        reason = f"dossier impossible à créer ou à ouvrir ({os_reason(error)})"
    if notice is not None:
        notice(f"Cache non utilisé\u202f: {reason}.")
    return None


def open_programme(
    path: str | os.PathLike[str] | None = None,
    *,
    use_cache: bool = True,
    notice: Callable[[str], None] | None = None,
    keep_columns: bool = False,
    parsed: Callable[[Programme, ProgrammeCache | None], None] | None = None,
) -> tuple[Programme, ProgrammeCache | None]:
    """Load a programme, from the cache when it is still valid; also return the cache.

    ``notice`` hears (once) why the cache could not be used, if it could not;
    ``keep_columns``: the search index will be looked for (``ProgrammeCache.put_programme``);
    ``parsed`` is told the programme when it was read from the file, before its entry is
    written (to start work that needs it meanwhile), and the cache.
    """
    resolved = resolve_programme_path(path)
    source = str(resolved)
    cache = None
    folder = open_folder(notice) if use_cache and enabled() else None
    if folder is not None:
        key = file_key(resolved, folder)  # hashed as read: a hit never holds the bytes
        if key is not None:
            cache = ProgrammeCache(folder, key)
            programme = cache.programme()
            if programme is not None and programme.source == source:
                return programme, cache
    from .progress import stage

    with stage(f"Lecture de {resolved.name}…"):  # a spinner on a terminal, if it lasts
        raw = read_bytes(resolved)  # every reason it cannot be read is reported here
        if folder is not None:
            stat = resolved.stat()
            key = Key(
                path=str(resolved.absolute()),
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
                digest=content_digest(raw),
            )
            if cache is None or cache.key != key:  # the entry must describe the bytes parsed
                cache = ProgrammeCache(folder, key)

        from ..programme.loader import parse_programme

        programme = parse_programme(raw, source)  # decoded there: see its docstring
        del raw  # the file's bytes (as big as the file) are not kept while the entry is written
        if parsed is not None:
            parsed(programme, cache)
        if cache is not None:
            cache.put_programme(programme, keep_columns=keep_columns)
    return programme, cache


def file_key(path: Path, folder: CacheFolder | None = None) -> Key | None:
    """The key of a regular file, its content hashed a piece at a time as it is read.

    Equal to the key ``open_programme`` makes from the file's bytes. None for anything but a
    regular file of at most ``MAX_BYTES`` that stays the same size while it is read (and
    for any error): the caller then reads the file as usual, and reports what is wrong.

    With ``folder``, the hash is remembered there (``_remember``) and taken back instead of
    reading the file when its status says it cannot have changed since (``_remembered``):
    hashing 6 MB cost 4 to 7 ms of every warm command at 10 000 sessions.
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
            key = Key(str(path.absolute()), info.st_size, info.st_mtime_ns, "")
            if folder is not None and (digest := _remembered(folder, key.name, info)):
                return key.with_digest(digest)
            started = time.time_ns()
            name, hasher = _content_hasher(info.st_size)
            buffer = memoryview(bytearray(1 << 20))
            total = 0
            while count := handle.readinto(buffer):
                hasher.update(buffer[:count])
                total += count
                if total > info.st_size:
                    return None
            unchanged = _status(os.fstat(fd)) == _status(info)
    except OSError:
        return None
    if total != info.st_size:
        return None
    digest = f"{name}:{hasher.hexdigest()}"
    if folder is not None and unchanged and started - info.st_ctime_ns > RACY_NS:
        _remember(folder, key.name, info, digest)
    return key.with_digest(digest)


# A file whose status changed less than this long before its content was hashed could be
# changed again within the same tick of the file system's clock, leaving its status as it
# was: its hash is not remembered (git's « racily clean » entries). 2 s: the coarsest
# clocks of common file systems tick by the second (ext3, HFS+) or two (FAT's times); a
# file edited a moment ago is simply hashed until it is 2 s old.
RACY_NS = 2_000_000_000


def _status(info: os.stat_result) -> str:
    """What changes whenever a file's content does: any write sets the status change time
    (ctime), which no program can set back, and replacing the file changes its inode."""
    fields = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    return "\t".join(map(str, fields))


def _remembered(folder: CacheFolder, record: str, info: os.stat_result) -> str | None:
    """The hash remembered for a file of this status, if any (None on any doubt)."""
    try:
        with folder.map(f"{record}.seen") as blob:
            status, _, digest = bytes(blob).decode("ascii").rstrip("\n").rpartition("\t")
    except (OSError, ValueError):  # absent, not ours, empty, damaged
        return None
    if status != _status(info) or not digest.startswith(("sha256:", "blake2b:")):
        return None
    return digest


def _remember(folder: CacheFolder, record: str, info: os.stat_result, digest: str) -> None:
    """Write down the hash of a file of this status; any failure is silently skipped."""
    line = f"{_status(info)}\t{digest}\n".encode("ascii")
    with contextlib.suppress(OSError):
        folder.replace(f"{record}.seen", [line])
