"""The ``colloque`` command ends its process at once when the command is over (no freeing of
every object by Python's finalisation), but only when nothing depends on that end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# A process that runs the command as the console script does, told when Python's
# finalisation clears the interpreter (an audit event of CPython's), with something
# registered for the end (atexit).
SCRIPT = """
import atexit, os, sys

def heard(event, args, write=os.write):  # os itself may be gone by then
    if event == "cpython.PyInterpreterState_Clear":
        write(2, b"finalised\\n")

sys.addaudithook(heard)
atexit.register(lambda: print("atexit ran", file=sys.stderr))
{setup}
sys.argv = ["colloque", *sys.argv[1:]]
from colloque_cli.__main__ import {entry}
{entry}()
"""


def ended(*args: str, entry: str = "run", setup: str = "") -> subprocess.CompletedProcess[str]:
    code = SCRIPT.format(entry=entry, setup=setup)
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["days"], 0),
        (["list", "--format", "json"], 0),  # long output, to a pipe: all of it written
        (["show", "zzzqqq"], 1),
        (["list", "--jour", "mardi"], 2),
    ],
)
def test_the_command_ends_at_once_and_says_exactly_what_it_said_before(
    args: list[str], status: int
) -> None:
    quick, usual = ended(*args), ended(*args, entry="main")
    assert quick.returncode == usual.returncode == status, quick.stderr
    assert quick.stdout == usual.stdout
    assert quick.stdout or status != 0
    # what atexit holds still runs; the finalisation that frees everything does not
    assert quick.stderr == usual.stderr.replace("finalised\n", "")
    assert "atexit ran\n" in quick.stderr
    assert "finalised" in usual.stderr


def test_a_thread_still_at_work_is_waited_for() -> None:
    setup = (
        "import threading, time\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread done'))).start()\n"
    )
    done = ended("days", setup=setup)
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("thread done\n")
    assert "finalised" in done.stderr  # Python's own end


def test_a_profiler_still_writes_its_report(tmp_path: Path) -> None:
    report = tmp_path / "profile.out"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(report), "-m", "colloque_cli", "days"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert report.stat().st_size > 0
