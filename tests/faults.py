"""Crash tests' fault injection, installed by the tests themselves in a child process.

``colloque(step)`` is the command line of a real ``colloque`` process whose safe writes
(``infra.storage.atomic_write``) pause at ``step`` so that a test can kill it there:
``mid-write`` (half of the temporary file written and flushed), ``before-rename`` (the
temporary file complete) or ``after-rename`` (the new file in place). The pause is made by
wrapping what the writer calls (its ``os`` module), so production code carries no test
switch.
"""

from __future__ import annotations

import sys

STEPS = ("mid-write", "before-rename", "after-rename")

_BOOT = """\
import sys, time
step, seconds = sys.argv[1], float(sys.argv[2])
del sys.argv[1:3]
from colloque_cli.infra import storage
real = storage.os


class HalfThenPause:
    # a file whose first write stops halfway, flushed, for the test to see
    def __init__(self, handle):
        self.handle = handle
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)
    def __getattr__(self, name):
        return getattr(self.handle, name)
    def write(self, data):
        half = len(data) // 2
        self.handle.write(data[:half])
        self.handle.flush()
        time.sleep(seconds)
        return half + self.handle.write(data[half:])


class PausingOs:
    def __getattr__(self, name):
        return getattr(real, name)
    def fdopen(self, *args, **kwargs):
        handle = real.fdopen(*args, **kwargs)
        return HalfThenPause(handle) if step == "mid-write" else handle
    def replace(self, source, target):
        if step == "before-rename":
            time.sleep(seconds)
        real.replace(source, target)
        if step == "after-rename":
            time.sleep(seconds)


storage.os = PausingOs()
from colloque_cli.__main__ import main
main()
"""


def colloque(step: str | None = None, seconds: float = 60.0) -> list[str]:
    """The start of a ``colloque`` command line (add its arguments), pausing at ``step``."""
    if step is None:
        return [sys.executable, "-m", "colloque_cli"]
    if step not in STEPS:
        raise ValueError(f"unknown step {step!r}: one of {STEPS}")
    return [sys.executable, "-c", _BOOT, step, str(seconds)]
