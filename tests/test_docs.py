"""Meta-tests: every command has French help text and is documented in the README."""

from __future__ import annotations

import pytest
import typer

from colloque_cli.cli import app
from conftest import ROOT, Run

README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths() -> list[list[str]]:
    group = typer.main.get_command(app)
    paths = []
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):  # type: ignore[attr-defined]
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        sub = getattr(command, "list_commands", None)
        if sub is None:
            paths.append([name])
        else:
            paths.extend([name, child] for child in sub(ctx))
    return paths


def test_all_commands_are_found() -> None:
    names = {" ".join(p) for p in command_paths()}
    assert {"list", "search", "show", "grid", "rooms", "themes", "days", "export"} <= names
    assert {"now", "next", "agenda add", "agenda list", "agenda export"} <= names


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_command_has_help_and_is_in_the_readme(run: Run, path: list[str]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Utilisation\u202f: colloque {' '.join(path)}")
    assert "Show this message" not in result.stdout
    assert f"colloque {' '.join(path)}" in README, f"« colloque {' '.join(path)} » absent du README"


@pytest.mark.parametrize("path", [[], ["agenda"], *command_paths()], ids=" ".join)
def test_help_pages_are_typeset_and_never_cut(run: Run, path: list[str]) -> None:
    """No plain space before « : ; ? ! » or inside « » (so no line of help starts with
    one), and no description of a command cut short with « ... » in the command lists."""
    import re

    for width in ("60", "100"):
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("COLUMNS", width)
            page = run(*path, "--help").stdout
        assert not re.search(r" [:;?!»]|« ", page), page
        assert "..." not in page, page
        if "\nCommandes:\n" in page:
            commands = page.split("\nCommandes:\n")[1]
            assert not re.search(r"…$", commands, re.M), commands
