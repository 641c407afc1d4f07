"""Safe reads and writes of user files: never a half-written file, never a runaway read."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..errors import StorageError, os_reason


class NotRegular(Exception):
    """Not a regular file: a device, a pipe or a folder."""


class TooBig(Exception):
    """Larger than the limit the reader set."""


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO would wait for a writer forever) and checked on the open
    descriptor, so the file cannot be swapped between the check and the read; ``/dev/zero``
    or a growing file is never read past the limit.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        status = os.fstat(fd)
    except BaseException:
        os.close(fd)
        raise
    if not stat.S_ISREG(status.st_mode):
        os.close(fd)
        raise NotRegular
    with os.fdopen(fd, "rb") as handle:
        if status.st_size > limit:
            raise TooBig
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooBig
    return data


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename.

    A symbolic link is kept: the file it points to is replaced. A device or a pipe
    (``/dev/stdout``, ``/dev/full``) cannot be replaced by renaming: it is written to.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    shown = path
    try:
        mode = os.stat(path).st_mode  # through links: what a write would reach
    except OSError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise StorageError(f"Écriture impossible de « {shown} » : c'est un dossier.")
    if mode is not None and not stat.S_ISREG(mode):
        _write_in_place(path, payload, shown)
        return
    path = Path(os.path.realpath(path))
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise StorageError(
            f"Écriture impossible dans « {directory} » : {os_reason(error)}."
        ) from None
    try:
        # (the crash tests pause this writer by wrapping its os module: tests/faults.py)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # mkstemp makes the file private (0600, whatever the umask), which a new file
            # stays: user data is nobody else's business; a replaced file keeps its mode.
            os.chmod(temporary, path.stat().st_mode & 0o777)
        except OSError:
            pass
        os.replace(temporary, path)
    except BaseException as error:  # Ctrl-C between fsync and rename too: no stray file
        try:
            os.unlink(temporary)
        except OSError:
            pass
        if not isinstance(error, OSError):
            raise
        raise StorageError(f"Écriture impossible de « {shown} » : {os_reason(error)}.") from None
    _fsync_directory(directory)


def _write_in_place(path: Path, payload: bytes, shown: Path) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(payload)
            handle.flush()
    except OSError as error:
        raise StorageError(f"Écriture impossible de « {shown} » : {os_reason(error)}.") from None


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
