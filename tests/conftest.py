"""Shared fixtures: an isolated home, a pinned terminal, and a runner for the real CLI."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings
from typer.testing import CliRunner, Result

from colloque_cli.cli import app
from colloque_cli.infra import forked

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = ROOT / "data" / "programme.yaml"


def _shared() -> Path:
    """``shared/`` beside the repository; for a git worktree, beside its main checkout."""
    here = ROOT.parent / "shared"
    marker = ROOT / ".git"
    if here.is_dir() or not marker.is_file():
        return here
    # a worktree's .git is a file: « gitdir: <main>/.git/worktrees/<name> »
    text = marker.read_text(encoding="utf-8").strip()
    gitdir = Path(text.removeprefix("gitdir:").strip())
    return gitdir.parents[2].parent / "shared" if len(gitdir.parents) > 2 else here


SHARED = _shared()

# Property tests draw the same examples on every run (a green suite stays green: a landing
# is never refused for an example drawn by chance); COLLOQUE_HYPOTHESIS=explore draws new
# ones, many more, to look for what the fixed ones miss (README, « Développement »).
settings.register_profile("fixed", derandomize=True, database=None)
settings.register_profile("explore", max_examples=2_000)
settings.load_profile(os.environ.get("COLLOQUE_HYPOTHESIS", "fixed"))


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never touch the user's real home, agenda or cache; stable, colourless output."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    monkeypatch.delenv("COLLOQUE_PROGRAMME", raising=False)
    monkeypatch.delenv("COLLOQUE_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    # Large work is split with a forked child when a core is free: always, in the tests,
    # whatever else runs on the machine (test_index_halves.py tests the rule itself).
    monkeypatch.setattr(forked, "spare_core", lambda: True)
    return home


Run = Callable[..., Result]


# The no-break space that French typography puts before « : ; ? ! » and inside « ».
TYPESET_SPACE = re.compile("[\u00a0\u202f](?=[:;?!»])|(?<=«)[\u00a0\u202f]")


def _plain(text: object) -> object:
    return TYPESET_SPACE.sub(" ", text) if isinstance(text, str) else text


class Said(str):
    """A message read for what it says: equal to, containing, starting with a text whether
    that text writes the typographic no-break spaces (« mot\u202f: ») or plain ones.

    How messages are typeset is pinned, bytes and all, by tests/test_typography.py through
    ``run_raw``; tests written before typesetting, or for another point, compare words.
    """

    def __eq__(self, other: object) -> bool:
        return _plain(str(self)) == _plain(other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = str.__hash__

    def __contains__(self, other: object) -> bool:
        return str.__contains__(_plain(str(self)), _plain(other))  # type: ignore[arg-type]

    def startswith(self, prefix, *args):  # type: ignore[no-untyped-def, override]
        return str(_plain(str(self))).startswith(_plain(prefix), *args)  # type: ignore[arg-type]

    def endswith(self, suffix, *args):  # type: ignore[no-untyped-def, override]
        return str(_plain(str(self))).endswith(_plain(suffix), *args)  # type: ignore[arg-type]

    def count(self, sub, *args):  # type: ignore[no-untyped-def, override]
        return str(_plain(str(self))).count(_plain(sub), *args)  # type: ignore[arg-type]

    def strip(self, *args):  # type: ignore[no-untyped-def, override]
        return Said(str.strip(self, *args))

    def rstrip(self, *args):  # type: ignore[no-untyped-def, override]
        return Said(str.rstrip(self, *args))

    def replace(self, *args):  # type: ignore[no-untyped-def, override]
        return Said(str.replace(self, *args))

    def splitlines(self, *args):  # type: ignore[no-untyped-def, override]
        return [Said(line) for line in str.splitlines(self, *args)]


class SaidResult(Result):
    """A CliRunner result whose messages (stderr) are read as ``Said``."""

    @property
    def stderr(self) -> str:
        return Said(super().stderr)


@pytest.fixture
def run_raw() -> Run:
    """Invoke ``colloque`` through its real Typer app; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def run(run_raw: Run) -> Run:
    """``run_raw`` whose messages are read for what they say (see ``Said``)."""

    def invoke(*args: str, input: str | None = None) -> Result:
        result = run_raw(*args, input=input)
        result.__class__ = SaidResult
        return result

    return invoke


def count_index_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that grows by one at every search index built from now on."""
    import colloque_cli.search.index as index_module

    built: list[int] = []
    build = index_module.Index.__init__

    def counted(*args: object, **kwargs: object) -> None:
        built.append(1)
        build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(index_module.Index, "__init__", counted)
    return built


def count_forks(monkeypatch: pytest.MonkeyPatch, module: object) -> list[int]:
    """A list of the pids of the children that ``module`` forks from now on (its ``fork``,
    ``infra.forked``'s), to check that each is reaped (``assert_reaped``)."""
    pids: list[int] = []
    fork = forked.fork

    def counted(work: Callable[[], forked.Chunks]) -> forked.Forked | None:
        child = fork(work)
        if child is not None and child.pid is not None:
            pids.append(child.pid)
        return child

    monkeypatch.setattr(module, "fork", counted)
    return pids


def assert_reaped(pids: list[int]) -> None:
    for pid in pids:
        with pytest.raises(ChildProcessError):  # neither running nor a zombie: reaped
            os.waitpid(pid, os.WNOHANG)
