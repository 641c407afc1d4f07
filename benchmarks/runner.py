"""Measure every benchmark in one run, interleaved, and collect the results.

A *unit* is one thing timed again and again: a floor (``python -c pass``, the import line), a
command on the shipped programme, or a command on a generated programme. On a generated
programme a unit is a *pair*: the file's content is changed, the command runs once (cold: the
first run after the file changed) and once more (warm: a run with nothing changed since).

All units run round-robin, in a new random order each round, so that noise from the shared
machine falls on all of them alike. Round 0 calibrates: it sets how many runs each unit gets
(as many as fit in the time budget, within bounds), and is kept as a sample only for units
slow enough (over 2 s) that a first run's extra costs (bytecode, page cache) do not show.
"""

from __future__ import annotations

import json
import math
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from . import generate
from .probe import touch_content
from .timing import Sample, Series, Timer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
BUILTIN = 28  # sessions of the shipped programme

IMPORT_FLOOR = "import typer, rich.console, rich.table, rapidfuzz"
COMMANDS = ("list", "compact", "search", "show", "help", "complete", "import-fosdem")
IMPORTED = "fosdem-2025.xml"  # ``import-fosdem`` converts this real schedule (943 events)
# A run this slow keeps its calibration sample, and may be run only twice in all.
KEEP_CALIBRATION_MS = 2000.0
SLOW_MS = 10_000.0
PROBE_PROCESSES = 3

# Environment variables that would change what or how Python runs.
_DROPPED_ENV = (
    "PYTHONDEVMODE",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONTRACEMALLOC",
    "PYTHONVERBOSE",
    "PYTHONWARNINGS",
    "PYTHONSTARTUP",
)


@dataclass
class Config:
    sizes: list[int]
    commands: list[str] = field(default_factory=lambda: list(COMMANDS))
    max_runs: int = 30
    budget_s: float = 8.0
    data: Path = DATA
    seed: int = generate.DEFAULT_SEED
    verbose: bool = True


@dataclass
class Unit:
    """One measured command (``size`` None for the floors)."""

    name: str
    size: int | None
    argv: list[str]
    expect: str | None
    env: dict[str, str] = field(default_factory=dict)
    changed: Path | None = None  # a pair: this file changes before each cold run
    series: dict[str, Series] = field(default_factory=dict)
    planned: int = 0

    @property
    def modes(self) -> tuple[str, ...]:
        return ("cold", "warm") if self.changed else ("",)


@dataclass
class Results:
    config: Config
    units: list[Unit]
    probes: dict[int, dict[str, Any]]
    files: dict[int, tuple[Path, int]]  # size -> (file, bytes)
    started: float
    finished: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    def series(self, size: int | None, name: str, mode: str = "") -> Series | None:
        for unit in self.units:
            if unit.size == size and unit.name == name:
                return unit.series.get(mode)
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "sizes": self.config.sizes,
            "budget_s": self.config.budget_s,
            "max_runs": self.config.max_runs,
            "duration_s": self.finished - self.started,
            "units": [
                {
                    "name": u.name,
                    "size": u.size,
                    "argv": u.argv,
                    "env": u.env,
                    "series": {
                        mode: [vars(s) for s in series.samples] for mode, series in u.series.items()
                    },
                }
                for u in self.units
            ],
            "probes": {str(size): probe for size, probe in self.probes.items()},
        }


def _say(config: Config, message: str) -> None:
    if config.verbose:
        print(message, file=sys.stderr, flush=True)


def child_env(config: Config) -> dict[str, str]:
    """The environment of every measured process: the caller's, minus anything that would
    change how Python runs, with a private home and cache (a benchmark never reads or writes
    the user's own cache).

    No ``COLLOQUE_HOME``: the cache is found where a user's is, through the platform's
    directories (platformdirs), here under the private home; that lookup is part of every
    command a user runs, so it is part of what is measured."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in _DROPPED_ENV and not k.startswith("COLLOQUE_") and not k.startswith("_")
    }
    home = config.data / "home"
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "share"),
        COLUMNS="100",
        LANG=env.get("LANG", "C.UTF-8"),
    )
    return env


def colloque_argv() -> list[str]:
    """The installed ``colloque`` script, as a user runs it (no ``uv run`` in front)."""
    script = Path(sys.prefix) / "bin" / "colloque"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "colloque_cli"]  # adds runpy's few milliseconds


def shared_dir() -> Path:
    """``shared/`` beside the repository; for a git worktree, beside its main checkout."""
    here = ROOT.parent / "shared"
    marker = ROOT / ".git"
    if here.is_dir() or not marker.is_file():
        return here
    gitdir = Path(marker.read_text(encoding="utf-8").strip().removeprefix("gitdir:").strip())
    return gitdir.parents[2].parent / "shared" if len(gitdir.parents) > 2 else here


def _command(
    name: str, path: Path | None, sample_id: str, first_room: str
) -> tuple[list[str], str, dict[str, str]]:
    """(arguments, text expected in the output, extra environment) of one command."""
    programme = ["--programme", str(path)] if path else []
    if name == "list":
        return [*programme, "list", "--day", "mardi"], "Mardi", {}
    if name == "compact":  # one line per session
        return [*programme, "list", "--day", "mardi", "--compact"], "Mardi", {}
    if name == "search":
        return [*programme, "search", "mobilité"], "Résultats pour", {}
    if name == "show":
        return [*programme, "show", sample_id], sample_id, {}
    if name == "help":
        return [*programme, "--help"], "Utilisation", {}
    if name == "complete":
        # What bash runs on <TAB> after « colloque list --room » (Typer's complete_bash).
        words = ["colloque", *programme, "list", "--room", ""]
        return (
            [],
            first_room,
            {
                "_COLLOQUE_COMPLETE": "complete_bash",
                "COMP_WORDS": " ".join(shlex.quote(w) if w else "" for w in words),
                "COMP_CWORD": str(len(words) - 1),
            },
        )
    raise ValueError(name)


def build_units(config: Config, files: dict[int, generate.Generated]) -> list[Unit]:
    python = sys.executable
    units = [
        Unit("python -c pass", None, [python, "-c", "pass"], None),
        Unit("import", None, [python, "-c", IMPORT_FLOOR], None),
    ]
    colloque = colloque_argv()
    commands = [name for name in config.commands if name != "import-fosdem"]
    if "import-fosdem" in config.commands:
        out = config.data / "imported.yaml"
        source = shared_dir() / "real-world" / IMPORTED
        if not source.is_file():
            raise FileNotFoundError(f"programme réel absent : {source}")
        argv = [*colloque, "import", str(source), "-o", str(out), "--force"]
        units.append(Unit("import-fosdem", None, argv, None))
    for name in commands:
        args, expect, env = _command(name, None, "citoyens-acteurs", "salle-1")
        units.append(Unit(name, BUILTIN, [*colloque, *args], expect, env))
    for size, generated in files.items():
        for name in commands:
            args, expect, env = _command(name, generated.path, generated.sample_id, "pleniere")
            # --help reads no programme: nothing to be cold about.
            changed = None if name == "help" else generated.path
            units.append(Unit(name, size, [*colloque, *args], expect, env, changed))
    return units


def _execute(
    timer: Timer, unit: Unit, env: dict[str, str], config: Config, counter: int
) -> dict[str, Sample]:
    environment = {**env, **unit.env}
    stem = config.data / "out" / f"{unit.size or 'floor'}-{unit.name.replace(' ', '_')}"
    if unit.changed is None:
        return {"": timer.run(unit.argv, environment, stem, expect=unit.expect)}
    touch_content(unit.changed, counter)
    cold = timer.run(unit.argv, environment, stem, expect=unit.expect)
    warm = timer.run(unit.argv, environment, stem, expect=unit.expect)
    return {"cold": cold, "warm": warm}


def measure(units: list[Unit], config: Config) -> None:
    """Calibrate, then run every unit its planned number of times, round-robin."""
    with Timer() as timer:
        _measure(timer, units, config)


def _measure(timer: Timer, units: list[Unit], config: Config) -> None:
    env = child_env(config)
    (config.data / "out").mkdir(parents=True, exist_ok=True)
    rng = random.Random(config.seed)
    counter = 0
    order = list(units)
    rng.shuffle(order)
    _say(config, f"Étalonnage : {len(units)} mesures…")
    remaining: dict[int, int] = {}
    took_ms: dict[int, float] = {}
    for unit in order:
        counter += 1
        samples = _execute(timer, unit, env, config, counter)
        took = sum(s.wall_ms for s in samples.values())
        kept = took >= KEEP_CALIBRATION_MS
        for mode, sample in samples.items():
            unit.series[mode] = Series([sample] if kept else [])
        # Enough runs for a median that noise does not move much: 11 for a quick command,
        # fewer when one run (cold and warm together) takes seconds.
        floor = 2 if took >= SLOW_MS else 5 if took >= KEEP_CALIBRATION_MS else 11
        fits = math.floor(config.budget_s * 1000 / took)
        unit.planned = min(config.max_runs, max(floor, fits))
        remaining[id(unit)] = unit.planned - (1 if kept else 0)
        took_ms[id(unit)] = took
    rounds = max(remaining.values(), default=0)
    estimate = sum(remaining[id(u)] * took_ms[id(u)] for u in units) / 1000
    _say(config, f"Mesures : {rounds} tours, environ {estimate:.0f} s.")
    for index in range(rounds):
        batch = [u for u in units if remaining[id(u)] > index]
        rng.shuffle(batch)
        started = time.monotonic()
        for unit in batch:
            counter += 1
            for mode, sample in _execute(timer, unit, env, config, counter).items():
                unit.series[mode].samples.append(sample)
        _say(
            config,
            f"  tour {index + 1}/{rounds} : {len(batch)} mesures, "
            f"{time.monotonic() - started:.1f} s",
        )


def _probe_once(path: Path, counter: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.probe", str(path), "--counter", str(counter)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in _DROPPED_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"probe of {path} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def probe_sizes(files: dict[int, Path], config: Config) -> dict[int, dict[str, Any]]:
    """In-process figures per size: medians over 3 fresh processes (the median of two would
    be their mean, moved by one slow process), RSS the maximum."""
    found: dict[int, dict[str, Any]] = {}
    for size, path in files.items():
        _say(config, f"En processus : {size} sessions…")
        runs = [_probe_once(path, 10**9 + size + n) for n in range(PROBE_PROCESSES)]
        merged: dict[str, Any] = {"runs": len(runs), "sessions": runs[0]["sessions"]}
        for key in ("import_ms", "load_cold_ms", "load_warm_ms", "index_ms", "first_query_ms"):
            merged[key] = statistics.median(r[key] for r in runs)
        merged["query_ms"] = {
            q: statistics.median(r["query_ms"][q] for r in runs) for q in runs[0]["query_ms"]
        }
        merged["query_hits"] = runs[0]["query_hits"]
        merged["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        found[size] = merged
    return found


def prepare_files(config: Config) -> dict[int, generate.Generated]:
    """The generated programmes (made once, reused while the generator is unchanged)."""
    files = {}
    for size in config.sizes:
        _say(config, f"Programme de {size} sessions…")
        files[size] = generate.ensure(size, config.data, config.seed)
    return files


def builtin_copy(config: Config) -> Path:
    """A copy of the shipped programme for the in-process probe: a plain file beside the
    generated ones, whatever form the package is installed in."""
    source = resources.files("colloque_cli") / "data" / "programme.yaml"
    target = config.data / f"programme-{BUILTIN}-copy.yaml"
    target.write_bytes(source.read_bytes())
    return target


def run_all(config: Config) -> Results:
    """Everything, in one run: floors, commands at each size, in-process figures."""
    started = time.time()
    load_before = os.getloadavg()
    config.data.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(config.data / "home", ignore_errors=True)  # only ever our own private home
    files = prepare_files(config)
    units = build_units(config, files)
    measure(units, config)
    probe_files = {BUILTIN: builtin_copy(config), **{n: g.path for n, g in files.items()}}
    probes = probe_sizes(probe_files, config)
    return Results(
        config=config,
        units=units,
        probes=probes,
        files={n: (p, p.stat().st_size) for n, p in probe_files.items()},
        started=started,
        finished=time.time(),
        load_before=load_before,
        load_after=os.getloadavg(),
    )
