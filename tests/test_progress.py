"""Long work shows a bar with counts (or a spinner) on stderr when it is a terminal, and
nothing in a pipe."""

from __future__ import annotations

import os
import pty
import re
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


def frames(err: bytes) -> list[str]:
    """The lines drawn on the terminal, without their control sequences."""
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", err.decode())
    return [line.strip() for line in re.split(r"[\r\n]", text) if line.strip()]


def shown(err: bytes) -> list[str]:
    """What the frames said, each once (without the spinner and the bar): labels and counts."""
    said: list[str] = []
    for line in frames(err):
        words = line.split(" ")  # not at U+00A0, which keeps a count with its unit
        if "\u2800" <= words[0] <= "\u28ff":  # the spinner (gone once the work is done)
            words = words[1:]
        text = " ".join(word for word in words if word and not set(word) <= set("━╸╺"))
        if not said or said[-1] != text:
            said.append(text)
    return said


def test_a_bar_with_counts_on_a_terminal(env: dict[str, str], tmp_path: Path) -> None:
    copy = tmp_path / "programme.yaml"
    copy.write_bytes(PROGRAMME.read_bytes())
    size = -(-len(copy.read_bytes()) // 1024)
    code, out, err = run_with_terminal(["--programme", str(copy), "search", "mobilité"], env)
    assert code == 0
    said = shown(err)
    # reading is counted in bytes once the parser has gone through them; indexing in sessions
    assert said[:2] == [
        "Lecture de programme.yaml…",
        f"Lecture de programme.yaml… {size} / {size}\u00a0ko",
    ]
    assert "Indexation de 28 sessions… 0 / 28" in said
    assert any("Indexation" in line and "━━━━━━━━━━" in line for line in frames(err))  # a bar
    assert b"Lecture de" not in out and "Résultats pour".encode() in out
    # the bar is gone: the cursor shown again, its line erased
    assert b"\x1b[?25h" in err and err.endswith(b"\x1b[2K")


def test_import_counts_its_events(env: dict[str, str], tmp_path: Path) -> None:
    source = Path(__file__).parent / "fixtures" / "mini-schedule.xml"
    code, out, err = run_with_terminal(["import", str(source), "-o", str(tmp_path / "p.yaml")], env)
    assert code == 0, err
    assert shown(err)[:3] == [
        "Lecture de mini-schedule.xml…",  # one parse of the whole file: a spinner, no count
        "Import de 6 événements… 0 / 6",
        "Écriture de 5 sessions… 0 / 5",  # the event without a time is not written
    ]
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


def test_long_work_is_counted_a_chunk_at_a_time() -> None:
    """Reading, validating and indexing a big programme tell how far they are, a chunk at a
    time (the bar's counts on a terminal), up to their whole."""
    from benchmarks.generate import generate

    from colloque_cli.infra import progress
    from colloque_cli.programme.loader import parse_programme
    from colloque_cli.search import SearchIndex, indexing

    text = generate(4_500).encode()
    told: list[tuple[str, int, int | None, str]] = []

    def listen(stage: progress.Stage | None) -> None:
        if stage is not None:
            told.append((stage.label, stage.done, stage.total, stage.unit))

    progress.set_reporter(listen)
    try:
        with progress.stage("Lecture de g.yaml…"):
            programme = parse_programme(text, "g.yaml")
        with pytest.MonkeyPatch.context() as patch:  # read here, all of it
            patch.setattr(indexing, "FORK_FROM", 1 << 62)
            with progress.stage("Indexation de 4500 sessions…", total=4_500):
                SearchIndex(programme)
        # Half of it read by a child, which says nothing: counted up to where this process
        # reads, then whole when the child's half is merged.
        assert indexing.FORK_FROM <= 4_500
        with progress.stage("Indexation en deux de 4500 sessions…", total=4_500):
            SearchIndex(programme)
    finally:
        progress.set_reporter(None)
    reading = [done for label, done, _, unit in told if label.startswith("Lecture") and unit]
    assert {total for label, _, total, unit in told if unit == "Mo"} == {len(text)}
    assert len(reading) >= 5 and reading == sorted(reading) and reading[-1] == len(text)
    validating = [(done, total) for label, done, total, _ in told if label.startswith("Valid")]
    assert validating == [(0, 4_500), (2_000, 4_500), (4_000, 4_500), (4_500, 4_500)]
    counted = [done for label, done, _, _ in told if label.startswith("Indexation de")]
    assert counted == [0, 0, 1_000, 2_000, 3_000, 4_000, 4_500]
    counted = [done for label, done, _, _ in told if label.startswith("Indexation en deux")]
    assert counted == [0, 0, 1_000, 2_000, 4_500]


def test_a_narrow_terminal_loses_the_bar_then_the_label_never_a_count(
    env: dict[str, str], tmp_path: Path
) -> None:
    copy = tmp_path / "programme-du-colloque-de-rouen-version-definitive.yaml"
    copy.write_bytes(PROGRAMME.read_bytes())
    size = -(-len(copy.read_bytes()) // 1024)
    env["COLUMNS"] = "44"
    code, _, err = run_with_terminal(["--programme", str(copy), "search", "mobilité"], env)
    assert code == 0
    lines = frames(err)
    assert max(len(line) for line in lines) <= 44
    said = shown(err)
    # the label cut short (« … »), the counts whole
    assert any(re.fullmatch(rf"Lecture de programme-\S+… {size} / {size}\u00a0ko", s) for s in said)
    assert said[-1] == "Indexation de 28 sessions… 28 / 28"  # no room for a bar
