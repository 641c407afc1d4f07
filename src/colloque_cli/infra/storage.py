"""Safe writes of user files: never a half-written file, never a silently lost one."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from pathlib import Path

from ..errors import StorageError, os_reason

# Fault injection for the crash tests only: the writer pauses at this step (``mid-write``,
# ``before-rename`` or ``after-rename``) so that a test can kill it there with SIGKILL.
FAULT_ENV = "COLLOQUE_TEST_FAULT"


def _pause_at(step: str) -> None:
    if os.environ.get(FAULT_ENV) == step:
        time.sleep(float(os.environ.get(f"{FAULT_ENV}_SECONDS", "60")))


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
        with os.fdopen(fd, "wb") as handle:
            rest = payload
            if os.environ.get(FAULT_ENV) == "mid-write":
                half = len(payload) // 2
                handle.write(payload[:half])
                handle.flush()  # the test sees a half-written temporary file
                _pause_at("mid-write")
                rest = payload[half:]
            handle.write(rest)
            handle.flush()
            os.fsync(handle.fileno())
        _pause_at("before-rename")
        try:
            # mkstemp makes the file private (0600); a new file gets the usual mode instead.
            os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _new_file_mode())
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
    _pause_at("after-rename")
    _fsync_directory(directory)


def _write_in_place(path: Path, payload: bytes, shown: Path) -> None:
    try:
        with open(path, "wb") as handle:
            handle.write(payload)
            handle.flush()
    except OSError as error:
        raise StorageError(f"Écriture impossible de « {shown} » : {os_reason(error)}.") from None


def _new_file_mode() -> int:
    """0666 less the process umask, as ``open()`` would create the file."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


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
