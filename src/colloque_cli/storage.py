"""Safe writes of user files: never a half-written file, never a silently lost one."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from .errors import StorageError

# Fault injection for the crash tests only: the writer pauses at this step (``mid-write``,
# ``before-rename`` or ``after-rename``) so that a test can kill it there with SIGKILL.
FAULT_ENV = "COLLOQUE_TEST_FAULT"


def _pause_at(step: str) -> None:
    if os.environ.get(FAULT_ENV) == step:
        time.sleep(float(os.environ.get(f"{FAULT_ENV}_SECONDS", "60")))


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, fsync and rename."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise StorageError(
            f"Écriture impossible dans « {directory} » : {error.strerror}."
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
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise StorageError(f"Écriture impossible de « {path} » : {error.strerror}.") from None
    _pause_at("after-rename")
    _fsync_directory(directory)


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
