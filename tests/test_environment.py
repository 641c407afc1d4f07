"""Odd terminals and environments: encodings, widths, colours, full devices."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "colloque_cli"]
COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-7]m")  # a foreground colour code


def run(
    *args: str, stdout: object = subprocess.PIPE, **env: str
) -> subprocess.CompletedProcess[bytes]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "PYTHONIOENCODING")
    }
    return subprocess.run(
        [*COMMAND, *args], stdout=stdout, stderr=subprocess.PIPE, env=base | env, check=False
    )


@pytest.mark.parametrize("args", [["list"], ["show", "jop-sport"], ["grid"], ["search", "santé"]])
def test_ascii_only_output_is_transliterated(args: list[str]) -> None:
    result = run(*args, PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    text = result.stdout.decode("ascii")  # raises if anything non-ASCII got through
    assert "Traceback" not in result.stderr.decode()
    assert "e" in text


def test_ascii_only_error_message() -> None:
    result = run("list", "--day", "lundi", PYTHONIOENCODING="ascii")
    assert result.returncode == 2
    assert result.stderr.decode("ascii").strip() == (
        'Jour inconnu " lundi ". Jours du colloque : mardi 4 mars, mercredi 5 mars.'
    )


def test_c_locale() -> None:
    result = run("show", "jop-sport", LANG="C", LC_ALL="C")
    assert result.returncode == 0
    assert "Traceback" not in result.stderr.decode()
    assert b"JOP" in result.stdout


def test_colours_only_when_wanted() -> None:
    assert COLOUR.search(run("list", FORCE_COLOR="1").stdout.decode())
    assert not COLOUR.search(run("list", FORCE_COLOR="1", NO_COLOR="1").stdout.decode())
    assert b"\x1b" not in run("list", TERM="dumb").stdout
    assert b"\x1b" not in run("list").stdout  # piped


@pytest.mark.parametrize("columns", [30, 80, 300])
@pytest.mark.parametrize("args", [["list", "--long"], ["grid"], ["show", "jop-sport"], ["rooms"]])
def test_every_width_fits(columns: int, args: list[str]) -> None:
    result = run(*args, COLUMNS=str(columns))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.decode().splitlines()
    assert max(len(line) for line in lines) <= columns


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full absent")
def test_full_device_is_a_clean_error() -> None:
    with open("/dev/full", "wb") as full:
        result = run("list", "--long", stdout=full)
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        "Écriture impossible\u202f: plus de place sur le périphérique de sortie."
    )


@pytest.mark.parametrize(("given", "seen"), [(None, "1"), ("3", "3")])
def test_openblas_threads_are_not_started_unless_the_user_says(
    given: str | None, seen: str
) -> None:
    """numpy (a large programme's index) would start OpenBLAS's threads, useless here: the
    command sets OPENBLAS_NUM_THREADS=1 before any work, keeping the user's own value."""
    probe = (
        "import atexit, os, sys\n"
        "atexit.register(lambda: print(os.environ.get('OPENBLAS_NUM_THREADS'), file=sys.stderr))\n"
        "sys.argv = ['colloque', 'list']\n"
        "from colloque_cli.__main__ import main\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.decode().splitlines()[-1] == seen
