"""Shared fixtures: an isolated home, a pinned terminal, and a runner for the real CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from colloque_cli.cli import app

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
    return home


Run = Callable[..., Result]


# The no-break space that French typography puts before « : ; ? ! » and inside « ».
TYPESET_SPACE = re.compile("\u202f(?=[:;?!»])|(?<=«)\u202f".encode())


def plain_spaces(result: Result) -> Result:
    """``result`` whose messages (stderr) read typeset punctuation spacing as spaces.

    Tests through ``run`` check what a message says; how messages are typeset (« : » after
    a no-break space) is pinned, bytes and all, by tests/test_typography.py through
    ``run_raw``. Other no-break spaces (« 4 300 ») are left as written.
    """
    result.stderr_bytes = TYPESET_SPACE.sub(b" ", result.stderr_bytes)
    return result


@pytest.fixture
def run_raw() -> Run:
    """Invoke ``colloque`` through its real Typer app; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke


@pytest.fixture
def run(run_raw: Run) -> Run:
    """``run_raw`` with no-break spaces read as spaces (see ``plain_spaces``)."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return plain_spaces(run_raw(*args, input=input))

    return invoke
