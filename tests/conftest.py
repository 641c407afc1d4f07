"""Shared fixtures: an isolated home, a pinned terminal, and a runner for the real CLI."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from colloque_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
PROGRAMME = ROOT / "data" / "programme.yaml"
SHARED = ROOT.parent / "shared"


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


@pytest.fixture
def run() -> Run:
    """Invoke ``colloque`` through its real Typer app; stdout and stderr kept apart."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, catch_exceptions=False)

    return invoke
