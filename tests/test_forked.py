"""A forked child never writes to the terminal, and never touches the parent's streams:
they may hold output not yet written (the child would write it again), and their locks may
be held, at the fork, by another thread of the parent (rich's progress line is drawn from
one): a child flushing them would wait for ever, and its parent with it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

SCRIPT = """
import sys, threading, time
from colloque_cli.infra import forked

forked.spare_core = lambda: True


def spam():  # blocks on the full pipe of stderr, holding its lock
    sys.stderr.write("x" * (1 << 20))
    sys.stderr.flush()


threading.Thread(target=spam, daemon=True).start()
time.sleep(0.5)
sys.stdout.write("parent\\n")  # buffered (stdout is a pipe): not written yet


def work():
    print("child")
    sys.stdout.flush()
    sys.stderr.write("child\\n")
    sys.stderr.flush()
    return [b"done"]


child = forked.fork(work)
assert child is not None
with child:
    print(child.result())
"""


def test_a_child_writes_nothing_and_never_waits_on_the_parents_streams() -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own group: the watchdog ends the child too
    )
    # A hung child: the test fails, it does not hang.
    watchdog = threading.Timer(30, os.killpg, (process.pid, signal.SIGKILL))
    watchdog.start()
    try:
        out = process.stdout.read() if process.stdout else b""  # stderr read after
        err = process.stderr.read() if process.stderr else b""
        process.wait()
    finally:
        watchdog.cancel()
    assert process.returncode == 0, err[-500:]
    assert out == b"parent\nb'done'\n"
    assert b"child" not in err


ORPHAN = """
import os, sys, time
from colloque_cli.infra import forked

forked.spare_core = lambda: True
marker = sys.argv[1]


def work():
    open(marker, "w").close()  # the child is at work: its death signal is set
    time.sleep(60)
    return [b"done"]


child = forked.fork(work)
assert child is not None
while not os.path.exists(marker):
    time.sleep(0.01)
print(child.pid, flush=True)
with child:
    child.result()
"""


def _alive(pid: int) -> bool:
    """Whether the process runs still: a zombie (dead, not yet reaped by whoever adopted it)
    does not count."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            state = file.read().rsplit(b")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != b"Z"


def test_a_child_dies_with_its_parent_killed_outright(tmp_path: Path) -> None:
    # SIGKILL runs no cleanup in the parent: only the kernel can end the child.
    process = subprocess.Popen(
        [sys.executable, "-c", ORPHAN, str(tmp_path / "working")],
        stdout=subprocess.PIPE,
        start_new_session=True,  # its own group: the cleanup below ends the child too
    )
    try:
        assert process.stdout is not None
        child = int(process.stdout.readline())
        assert _alive(child)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + 5  # generous: the kernel acts at once
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _alive(child)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


ORPHANED_AT_BIRTH = """
import os, sys
from colloque_cli.infra import forked

forked.spare_core = lambda: True
marker = sys.argv[1]
parent = os.getpid()
os.getppid = lambda: parent + 1  # seen from the child: as if adopted, the parent gone


def work():
    open(marker, "w").close()
    return [b"done"]


child = forked.fork(work)
assert child is not None
with child:
    print(child.result())
"""


def test_a_child_whose_parent_died_before_it_could_ask_does_nothing(tmp_path: Path) -> None:
    # The parent may die between the fork and the child's prctl: the kernel then sends no
    # signal, and the child sees it has been adopted.
    marker = tmp_path / "working"
    done = subprocess.run(
        [sys.executable, "-c", ORPHANED_AT_BIRTH, str(marker)],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout == b"None\n"
    assert not marker.exists()
