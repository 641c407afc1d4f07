"""Long work shows a spinner on stderr when it is a terminal, and nothing in a pipe."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROGRAMME

COMMAND = [sys.executable, "-m", "colloque_cli"]


def run_with_terminal(args: list[str], env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run colloque with stdout in a pipe and stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    process = subprocess.Popen([*COMMAND, *args], stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    os.close(master)
    assert process.stdout is not None
    out = process.stdout.read()
    return process.wait(), out, seen


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        COLLOQUE_HOME=str(tmp_path / "home"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TERM="xterm",
        COLLOQUE_PROGRESS_DELAY="0",  # show every stage at once: no timing in a test
    )
    environment.pop("NO_COLOR", None)
    return environment


def test_spinner_on_a_terminal_names_the_work(env: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "programme.yaml"
    copy.write_bytes(PROGRAMME.read_bytes())
    code, out, err = run_with_terminal(["--programme", str(copy), "search", "mobilité"], env)
    assert code == 0
    assert b"Lecture de programme.yaml\xe2\x80\xa6" in err
    assert b"Indexation de 28 sessions\xe2\x80\xa6" in err
    assert b"Lecture de" not in out and "Résultats pour".encode() in out
    # the spinner is gone: the cursor shown again, its line erased
    assert b"\x1b[?25h" in err and err.endswith(b"\x1b[2K")


def test_import_shows_its_events(env: dict[str, str], tmp_path: Path) -> None:
    source = Path(__file__).parent / "fixtures" / "mini-schedule.xml"
    code, out, err = run_with_terminal(["import", str(source), "-o", str(tmp_path / "p.yaml")], env)
    assert code == 0, err
    assert "Import de 6 événements…".encode() in err
    assert out == b""


def test_nothing_in_a_pipe(env: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "programme.yaml"
    copy.write_bytes(PROGRAMME.read_bytes())
    done = subprocess.run(
        [*COMMAND, "--programme", str(copy), "search", "mobilité"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0
    assert done.stderr == b""
