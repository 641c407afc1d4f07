"""Time one command as a child process: wall time, CPU time and peak memory of the child.

Each run is ``os.posix_spawn`` of the executable itself (no shell, no ``uv run``), timed with
``time.perf_counter_ns`` from just before the spawn to the return of ``os.wait4``; ``wait4``
also gives the child's own CPU time and peak RSS. stdout and stderr go to files, so output is
never a pipe to drain, and can be checked after the run.

The spawning is done by a small server process (``python -I -S``, a few MiB), not by the
runner: on Linux a child's ``ru_maxrss`` starts at the peak RSS of the process it was spawned
from (``posix_spawn`` shares the parent's memory until ``exec``, and ``exec`` keeps its
high-water mark), and the runner grows large while it writes a 50 000-session file.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_SERVER = r"""
import json, os, sys, time
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
for line in sys.stdin:
    request = json.loads(line)
    fds = [
        os.open(os.devnull, os.O_RDONLY),
        os.open(request["out"], flags, 0o644),
        os.open(request["err"], flags, 0o644),
    ]
    actions = [(os.POSIX_SPAWN_DUP2, fd, target) for target, fd in enumerate(fds)]
    start = time.perf_counter_ns()
    pid = os.posix_spawn(request["argv"][0], request["argv"], request["env"], file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter_ns() - start
    for fd in fds:
        os.close(fd)
    reply = [wall, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime,
             usage.ru_maxrss]
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
"""


@dataclass(frozen=True)
class Sample:
    wall_ms: float
    cpu_ms: float  # user + system time of the child
    rss_mb: float  # peak resident set size of the child


@dataclass
class Series:
    """The samples of one measured command."""

    samples: list[Sample] = field(default_factory=list)

    def _wall(self) -> list[float]:
        return sorted(s.wall_ms for s in self.samples)

    @property
    def runs(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self._wall())

    def quantile(self, q: float) -> float:
        """Nearest-rank quantile of the wall times (p10, p90 with few runs stay real runs)."""
        wall = self._wall()
        return wall[min(len(wall) - 1, max(0, round(q * (len(wall) - 1))))]

    @property
    def cpu_median(self) -> float:
        return statistics.median(s.cpu_ms for s in self.samples)

    @property
    def rss_max(self) -> float:
        return max(s.rss_mb for s in self.samples)


class CommandFailed(RuntimeError):
    """A benchmarked command exited with an error or printed something unexpected."""


class Timer:
    """Runs and times commands through the spawning server; use as a context manager."""

    def __init__(self) -> None:
        self._server = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            bufsize=1,
        )

    def __enter__(self) -> Timer:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self._server.stdin:
            self._server.stdin.close()
        self._server.wait()

    def run(
        self, argv: list[str], env: dict[str, str], output: Path, *, expect: str | None = None
    ) -> Sample:
        """Run ``argv`` once; raise ``CommandFailed`` unless it exits 0 (and prints ``expect``)."""
        out, err = output.with_suffix(".out"), output.with_suffix(".err")
        assert self._server.stdin and self._server.stdout
        request = {"argv": argv, "env": env, "out": str(out), "err": str(err)}
        self._server.stdin.write(json.dumps(request) + "\n")
        reply = self._server.stdout.readline()
        if not reply:
            raise RuntimeError("the spawning server stopped")
        wall, code, cpu, maxrss = json.loads(reply)
        if code != 0:
            raise CommandFailed(
                f"{' '.join(argv)} exited with {code}:\n{err.read_text(errors='replace')[-2000:]}"
            )
        if expect is not None and expect not in out.read_text(encoding="utf-8", errors="replace"):
            raise CommandFailed(f"{' '.join(argv)}: {expect!r} not in its output (see {out})")
        scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: KiB on Linux
        return Sample(wall_ms=wall / 1e6, cpu_ms=cpu * 1000, rss_mb=maxrss * scale / 2**20)
