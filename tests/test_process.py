"""Behaviour that needs a real process: pipes, colours, exit codes seen by the shell."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "colloque_cli"]


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return base | extra


def test_piped_output_has_no_colour_codes() -> None:
    result = subprocess.run(
        [*COMMAND, "list", "--day", "mardi"], capture_output=True, text=True, env=env(), check=False
    )
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert result.stdout.count("Mardi 4 mars 2025 ·") == 2


def test_closed_pipe_ends_quietly() -> None:
    process = subprocess.Popen(
        [*COMMAND, "list", "--long"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env(COLUMNS="80"),
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read().decode()
    process.wait(timeout=30)
    assert first.startswith(b"Mardi 4 mars 2025")
    assert "Traceback" not in stderr
    assert stderr == ""
    assert process.returncode == 0  # the reader stopped: no error (JSON ends the same way)
    assert process.returncode == 0  # as for JSON: a reader that stops early is no error


@pytest.mark.parametrize(
    ("args", "code"),
    [(["list", "--day", "mardi"], 0), (["search", "xyzzy"], 1), (["list", "--day", "lundi"], 2)],
)
def test_exit_codes_seen_by_the_shell(args: list[str], code: int) -> None:
    result = subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=env(), check=False
    )
    assert result.returncode == code
    assert "Traceback" not in result.stderr
