"""Work done meanwhile in a forked child process, its result read back as bytes.

A cold build of a large programme's search index is CPU work that splits in two; the
machine's second core does half of it in a child made by ``os.fork`` (POSIX), which finds
every object of the parent already in place (no pickling, no start-up). The child says what
it made as bytes through a pipe, and ends with ``os._exit``: it never returns into the
parent's code (no ``finally`` of the parent's, no ``atexit``, no flushing of the parent's
buffered output twice), never writes to the terminal, and ignores Ctrl-C, which the parent
hears and answers by killing it.

Whatever happens, the child is reaped: ``Forked`` is a context manager whose exit kills and
waits for a child still there (the parent interrupted, or failing, half-way). A child that
fails gives no result (``result`` is None): the caller then does the work itself.

A parent killed outright (SIGKILL, the out-of-memory killer) runs no ``__exit__``: on Linux the
kernel then kills the child too (``PR_SET_PDEATHSIG``), which would otherwise work on alone,
for nobody, until its work is done.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import TracebackType

Chunks = Sequence[bytes | memoryview]
_LENGTH = 8  # bytes of the header: the length of what follows


class Forked:
    """A child at work, as the parent sees it: its pid and the pipe it answers through."""

    def __init__(self, pid: int, reader: int) -> None:
        self.pid: int | None = pid
        self.reader: int | None = reader

    def result(self) -> bytes | None:
        """What the child made (waiting for it), or None when it failed."""
        assert self.reader is not None, "a result is read once"
        with open(self.reader, "rb", closefd=True) as pipe:
            self.reader = None
            header = pipe.read(_LENGTH)
            data = pipe.read()  # not sliced off a whole: no copy of what may be megabytes
        code = self._reap()
        if code != 0 or len(header) < _LENGTH:
            return None
        return data if len(data) == int.from_bytes(header, "little") else None

    def _reap(self) -> int | None:
        """Wait for the child; its exit status (None: killed by a signal)."""
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else None

    def __enter__(self) -> Forked:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Leave no child behind: one still at work is killed, then reaped."""
        if self.reader is not None:
            os.close(self.reader)
            self.reader = None
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap()


def spare_core() -> bool:
    """Whether a core is free for a child: this process may run on two or more, which the
    processes ready to run now (this one included) do not all keep busy. When every core is
    busy already, a child would only take turns with this process (and with whatever else
    runs) for work it would do as fast alone."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return cores >= 2 and runnable() < cores


def runnable() -> float:
    """How many processes are ready to run now, this one included (Linux: the kernel's
    count; elsewhere the load average of the last minute, which lags a minute behind)."""
    try:
        with open("/proc/loadavg", "rb") as file:
            return int(file.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # unknown: as if idle
        return 0.0


def fork(work: Callable[[], Chunks]) -> Forked | None:
    """Run ``work`` in a forked child; None when this system cannot fork or no core is free
    for it (``spare_core``): the caller then does the work itself. Use the result as a
    context manager (see ``Forked``)."""
    if not hasattr(os, "fork") or not spare_core():
        return None
    parent, doom = os.getpid(), _death_signal()  # found before the fork: the child only calls
    reader, writer = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # too many processes, no memory for the page tables
        os.close(reader)
        os.close(writer)
        return None
    if pid == 0:  # the child
        _child(work, reader, writer, parent, doom)  # never returns
    os.close(writer)
    return Forked(pid, reader)


def _child(
    work: Callable[[], Chunks],
    reader: int,
    writer: int,
    parent: int,
    doom: Callable[[], object] | None,
) -> None:
    code = 1
    try:
        if doom is not None:
            doom()
        if os.getppid() != parent:  # the parent died before it was asked: nobody to work for
            return  # through the finally: os._exit
        # Ctrl-C reaches the whole process group: the parent hears it and kills the child.
        with contextlib.suppress(ValueError):  # only the main thread may set it
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        _silenced()
        gc.disable()  # the child's objects all go at its end: a collection would walk them
        os.close(reader)
        chunks = work()
        size = sum(memoryview(chunk).nbytes for chunk in chunks)
        with open(writer, "wb", closefd=False) as pipe:
            pipe.write(size.to_bytes(_LENGTH, "little"))
            for chunk in chunks:
                pipe.write(chunk)
        code = 0
    except BaseException:  # the parent does the work itself: nothing to say
        pass
    finally:
        os._exit(code)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _death_signal() -> Callable[[], object] | None:
    """A call that has the kernel send SIGKILL to this process when its parent dies (Linux's
    ``prctl(PR_SET_PDEATHSIG)``, through libc); None elsewhere. "Parent" is the thread that
    forked: ``fork`` is called from the thread that then waits for the result."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes  # only here: 2 ms of import, on the path that forks

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):  # no ctypes, no libc symbol
        return None
    signal_number = ctypes.c_ulong(signal.SIGKILL)  # prctl is variadic: an unsigned long
    return lambda: prctl(_PR_SET_PDEATHSIG, signal_number)


def _silenced() -> None:
    """The child's output goes nowhere, through streams of its own: the parent's, copied
    by the fork, may hold output not yet written (which the child would write a second
    time), and their locks may have been held by another thread of the parent (rich draws
    its progress line from one) when it forked: a flush would wait for ever."""
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # open until os._exit
    sys.stderr = open(os.devnull, "w", encoding="utf-8")
