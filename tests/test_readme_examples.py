"""The README's console examples show what colloque prints today, byte for byte (French
typography included). Each example that runs on the shipped programme with nothing set up
before it (no agenda, no other file) is run at the width it was written for, 80 or 100
columns, and shows its whole output (those that need something set up may leave lines out)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from conftest import ROOT, Run

# Commands whose example needs something set up first: an agenda, other programme files,
# a programme online.
SET_UP = {"agenda", "changes", "update", "--programme", "-p"}


def examples() -> list[tuple[int, str, list[str]]]:
    """(line, command, lines shown) of each ``$ colloque …`` in a console block."""
    found: list[tuple[int, str, list[str]]] = []
    block: list[tuple[int, str]] | None = None
    indent = ""
    for number, line in enumerate((ROOT / "README.md").read_text("utf-8").splitlines(), 1):
        stripped = line.strip()
        if block is None:
            if stripped.startswith("```console"):
                block, indent = [], line[: len(line) - len(line.lstrip())]
            continue
        if stripped.startswith("```"):
            found.extend(_commands(block))
            block = None
            continue
        block.append((number, line.removeprefix(indent)))
    return found


def _commands(block: list[tuple[int, str]]) -> list[tuple[int, str, list[str]]]:
    found: list[tuple[int, str, list[str]]] = []
    for number, line in block:
        if line.startswith("$ export "):  # what follows depends on it
            break
        if line.startswith("$ "):
            found.append((number, line[2:], []))
        elif found:
            found[-1][2].append(line)
    return found


def runnable(command: str) -> bool:
    words = shlex.split(command)
    return words[0] == "colloque" and not SET_UP & set(words[1:])


EXAMPLES = [example for example in examples() if runnable(example[1])]


def test_the_examples_are_found() -> None:
    commands = [command for _, command, _ in EXAMPLES]
    assert 'colloque search "santé jeunes"' in commands
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize(
    ("line", "command", "shown"), EXAMPLES, ids=[f"ligne {e[0]}" for e in EXAMPLES]
)
def test_an_example_shows_what_the_command_prints(
    line: int,
    command: str,
    shown: list[str],
    run_raw: Run,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.chdir(tmp_path)  # « export -o mardi.csv » writes there
    printed: dict[int, list[str]] = {}
    for width in (80, 100):
        monkeypatch.setenv("COLUMNS", str(width))
        result = run_raw(*shlex.split(command)[1:])
        real = (result.stdout + result.stderr).splitlines()
        while real and not real[-1].strip():  # a block shows no blank line at its end
            real.pop()
        if real == shown:
            return
        printed[width] = real
        (tmp_path / "mardi.csv").unlink(missing_ok=True)
    pytest.fail(f"README, ligne {line} : « {command} » affiche\n" + "\n".join(printed[80]))
