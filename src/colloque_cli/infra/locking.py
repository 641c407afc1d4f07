"""One process at a time: an exclusive lock on a file (``flock`` on POSIX, through filelock),
held for a block, and the private place of the locks of files colloque does not own.

A lock file never goes next to a file the user publishes (a feed): it would be published
with it. Those locks live in the user's cache, named after the locked file's real path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """The lock stayed held by another process for longer than the caller would wait."""


class Unlockable(Exception):
    """The lock file cannot be opened or locked (``error`` says why)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


@contextmanager
def exclusive(
    lock_path: Path, *, timeout: float, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` (made 0600 if missing) for the block.

    ``waiting`` is called once when another process holds it, before waiting up to
    ``timeout`` seconds for it (then ``Busy``); ``Unlockable`` when the lock file cannot be
    opened. Only taking the lock raises these: the block's own errors pass through as they
    are. The lock goes with the process: one killed while holding it frees it.
    """
    from filelock import FileLock, Timeout

    lock = FileLock(lock_path, timeout=timeout, mode=0o600)
    try:
        try:
            lock.acquire(blocking=False)
        except Timeout:
            if waiting is not None:
                waiting()
            lock.acquire()
    except Timeout:
        raise Busy(str(lock_path)) from None
    except OSError as error:
        raise Unlockable(error) from None
    try:
        yield
    finally:
        lock.release()


def lock_path_for(path: Path) -> Path:
    """Where the lock of ``path`` lives: in the user's cache (made private), named after
    ``path``'s real location, so that two spellings of one file share one lock."""
    from hashlib import blake2b

    from .paths import cache_dir, cache_root, private_dir

    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of symbolic links: the name is all there is
        real = path.absolute()
    folder = cache_dir() / "locks"
    private_dir(folder, cache_root())
    digest = blake2b(str(real).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
    return folder / f"{digest}.lock"
