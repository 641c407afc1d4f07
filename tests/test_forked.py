"""A forked child never writes to the terminal, and never touches the parent's streams:
they may hold output not yet written (the child would write it again), and their locks may
be held, at the fork, by another thread of the parent (rich's progress line is drawn from
one): a child flushing them would wait for ever, and its parent with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

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
