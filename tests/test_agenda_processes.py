"""The agenda with real processes: parallel invocations, and a writer killed mid-write."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from colloque_cli.agenda.store import agenda_path
from colloque_cli.programme.loader import load_programme
from conftest import PROGRAMME, Run
from faults import colloque as command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and flock are POSIX")


def colloque(*args: str, fault: str | None = None, seconds: float = 60.0) -> subprocess.Popen[str]:
    """A real ``colloque`` process (the installed package, run by this interpreter); with
    ``fault``, its safe writes pause at that step (see faults.py)."""
    return subprocess.Popen(
        [*command(fault, seconds), *args],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def wait_for(
    condition: Callable[[], bool], what: str, writer: subprocess.Popen[str], timeout: float = 90
) -> None:
    """Until ``condition``; a writer that ends instead of pausing (a write that is not
    atomic never reaches the pause) fails at once, not after the timeout, which only
    bounds a machine too loaded to start a process."""
    deadline = time.monotonic() + timeout
    while not condition():
        if writer.poll() is not None:
            raise AssertionError(f"the writer ended (status {writer.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_28_parallel_adds_all_land(isolated_env: Path) -> None:
    programme = load_programme(PROGRAMME)
    ids = [s.id for s in programme.sessions]
    assert len(ids) == 28
    # One command first: the 28 then read the cached programme instead of each reading and
    # validating the YAML and racing to write the cache.
    assert finish(colloque("days"))[0] == 0
    # Each writer lingers 0.1 s between writing its file and renaming it into place: without
    # the lock their read-modify-write cycles would overlap and most picks would be lost.
    processes = [
        colloque("agenda", "add", session_id, fault="before-rename", seconds=0.1)
        for session_id in ids
    ]
    results = [finish(p) for p in processes]
    for session_id, (code, _out, err) in zip(ids, results, strict=True):
        assert code == 0, (session_id, err)

    path = agenda_path(programme)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert sorted(p["id"] for p in data["picks"]) == sorted(ids)
    assert len(data["picks"]) == 28
    assert not list(path.parent.glob("*.tmp"))

    # Conflicting picks are all kept, and flagged.
    code, out, err = finish(colloque("agenda", "list", "--format", "json"))
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 28
    assert {r["status"] for r in rows} == {"conflit"}
    by_slot = {slot.id: len(programme.sessions_in(slot)) for slot in programme.slots}
    for row in rows:
        assert len(row["conflicts_with"]) == by_slot[row["slot"]] - 1


def _tmp_files(path: Path) -> list[Path]:
    return list(path.parent.glob(f".{path.name}.*.tmp"))


@pytest.mark.parametrize(
    ("step", "survivor"),
    [("mid-write", "old"), ("before-rename", "old"), ("after-rename", "new")],
)
def test_a_writer_killed_mid_write_leaves_the_old_or_the_new_agenda(
    isolated_env: Path, step: str, survivor: str
) -> None:
    programme = load_programme(PROGRAMME)
    path = agenda_path(programme)
    code, _, err = finish(colloque("agenda", "add", "fake-news", "securite"))
    assert code == 0, err
    old = path.read_bytes()

    writer = colloque("agenda", "add", "mobilite", fault=step)
    try:
        if step == "mid-write":
            wait_for(
                lambda: any(f.stat().st_size for f in _tmp_files(path)),
                "a half-written file",
                writer,
            )
            # Really half-written: the temporary file is not valid JSON.
            partial = _tmp_files(path)[0].read_bytes()
            with pytest.raises(ValueError):
                json.loads(partial)
        elif step == "before-rename":

            def complete() -> bool:
                try:
                    return any(
                        "mobilite" in f.read_text(encoding="utf-8") for f in _tmp_files(path)
                    )
                except (OSError, ValueError):
                    return False

            wait_for(complete, "a complete temporary file", writer)
        else:
            wait_for(lambda: path.read_bytes() != old, "the renamed file", writer)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL

    after = path.read_bytes()
    ids = [p["id"] for p in json.loads(after)["picks"]]
    if survivor == "old":
        assert after == old
        assert ids == ["fake-news", "securite"]
    else:
        assert ids == ["fake-news", "securite", "mobilite"]

    # The agenda works on, and the next writer sweeps away what the killed one left.
    code, _, err = finish(colloque("agenda", "add", "sante-mentale"))
    assert code == 0, err
    assert _tmp_files(path) == []
    final = [p["id"] for p in json.loads(path.read_text(encoding="utf-8"))["picks"]]
    assert final == [*ids, "sante-mentale"]


def test_an_agenda_locked_too_long_is_a_clear_error_and_left_untouched(
    isolated_env: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    from colloque_cli.agenda import store
    from colloque_cli.infra.locking import exclusive

    assert run("agenda", "add", "jop-sport").exit_code == 0
    agenda = agenda_path(load_programme(PROGRAMME))
    before = agenda.read_bytes()
    lock = agenda.with_name(f"{agenda.name}.lock")
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    with exclusive(lock, timeout=60):  # another command, holding it
        result = run("agenda", "add", "fake-news")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        "Votre agenda est occupé par une autre commande colloque depuis plus de 0 s. "
        f"Réessayez dans un instant (verrou : « {lock} »)."
    )
    assert agenda.read_bytes() == before
