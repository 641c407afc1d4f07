"""Hostile agenda files and interruptions: never a hang, a traceback or a stray file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from colloque_cli.agenda.store import agenda_path
from colloque_cli.programme.loader import load_programme
from conftest import PROGRAMME, Run, Said
from faults import colloque as command_line

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and signals are POSIX")


def colloque(*args: str, fault: str | None = None) -> subprocess.Popen[str]:
    """A real ``colloque`` process; with ``fault``, its safe writes pause (see faults.py)."""
    return subprocess.Popen(
        [*command_line(fault), *args],
        stdin=subprocess.PIPE,  # left open: « import - » waits on it
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)  # a hang guard, not a timing
    return process.returncode, out, Said(err)  # messages are read for their words


def the_agenda() -> Path:
    path = agenda_path(load_programme(PROGRAMME))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


NOT_REGULAR = (
    "Votre agenda « {path} » n'est pas un fichier ordinaire (un périphérique, un tube ou un "
    "dossier) : il n'est pas lu. Mettez-le de côté ou supprimez-le.\n"
)


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "dossier"])
@pytest.mark.parametrize("command", [["agenda", "list"], ["agenda", "add", "jop-sport"]])
def test_an_agenda_that_is_not_a_regular_file_is_refused(kind: str, command: list[str]) -> None:
    path = the_agenda()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dossier":
        path.mkdir()
    else:
        path.symlink_to(kind)
    code, out, err = finish(colloque(*command))
    assert code == 1
    assert out == ""
    assert err == NOT_REGULAR.format(path=path)


def test_an_oversized_agenda_is_refused_unread(run: Run) -> None:
    path = the_agenda()
    with path.open("wb") as handle:
        handle.truncate(17 * 2**20)
    result = run("agenda", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Votre agenda « {path} » est trop volumineux (plus de 16 Mo) : il n'est pas lu. Il "
        "n'a pas été modifié.\n"
    )
    assert path.stat().st_size == 17 * 2**20


def test_many_stale_picks_are_read_in_linear_time() -> None:
    # 150 000 picks of sessions the programme no longer has: hours of pairwise comparisons
    # before (8 to 11 s for 20 000), under a second now; the guard is not a timing.
    path = the_agenda()
    picks = [{"id": f"ancienne-{n}", "title": f"Ancienne {n}"} for n in range(150_000)]
    picks.append({"id": "jop-sport", "title": "JOP"})
    path.write_text(
        json.dumps({"format": "colloque-agenda", "version": 1, "picks": picks}), encoding="utf-8"
    )
    code, out, err = finish(colloque("agenda", "list", "--format", "json"))
    assert code == 0, err
    rows = json.loads(out)
    assert [r["id"] for r in rows if r["status"] == "choisi"] == ["jop-sport"]
    assert sum(1 for r in rows if r["status"] == "introuvable") == 150_000


def wide_programme(tmp_path: Path, rooms: int = 10, slots: int = 4) -> Path:
    lines = ["colloque:", "  title: Grand congrès", "rooms:"]
    lines += [f"  - {{id: r{n}, name: Salle {n}}}" for n in range(rooms)]
    lines.append("slots:")
    lines += [
        f'  - {{id: c{n}, date: "2025-03-04", start: "{9 + n:02d}:00", end: "{10 + n:02d}:30"}}'
        for n in range(slots)
    ]
    lines.append("sessions:")
    lines += [
        f"  - {{id: s{c}-{r}, slot: c{c}, room: r{r}, title: Session {c}-{r}, allow_overlap: true}}"
        for c in range(slots)
        for r in range(rooms)
    ]
    path = tmp_path / "congres.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_adding_a_whole_programme_summarises_the_conflicts(run: Run, tmp_path: Path) -> None:
    path = wide_programme(tmp_path)
    ids = [f"s{c}-{r}" for c in range(4) for r in range(10)]
    result = run("--programme", str(path), "agenda", "add", *ids)
    assert result.exit_code == 0, result.stderr
    # in each slot, 10 sessions: 45 pairs; each slot overlaps the next by 30 min: 100 pairs
    assert result.stderr.splitlines() == [
        "40 sessions ajoutées à votre agenda.",
        "480 conflits d'horaire entre vos sessions (39 sessions ajoutées concernées) : "
        "« colloque agenda list » les montre ; gardez-en une par créneau avec « colloque "
        "agenda add SESSION --replace ».",
    ]
    listed = json.loads(run("--programme", str(path), "agenda", "list", "--format", "json").stdout)
    conflicts = {r["id"]: r["conflicts_with"] for r in listed if r["status"] == "conflit"}
    assert len(conflicts) == 40
    assert conflicts["s0-0"] == [f"s0-{n}" for n in range(1, 10)] + [f"s1-{n}" for n in range(10)]
    # settled one add at a time, as before: the last one added stays, with what it allows
    again = run("--programme", str(path), "agenda", "add", *ids[:12], "--replace")
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines() == [
        "11 sessions ajoutées à votre agenda, 1 déjà présente, 30 retirées (même horaire)."
    ]
    listed = json.loads(run("--programme", str(path), "agenda", "list", "--format", "json").stdout)
    assert [r["id"] for r in listed if r["id"]] == ["s1-1"] + [f"s3-{n}" for n in range(10)]


def test_a_few_sessions_are_still_reported_one_by_one(run: Run, tmp_path: Path) -> None:
    path = wide_programme(tmp_path)
    result = run("--programme", str(path), "agenda", "add", "s0-0", "s0-1")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Ajoutée à votre agenda : « Session 0-0 »")
    assert lines[2].startswith(
        "Conflit d'horaire : « Session 0-1 » (s0-1) se tient en même temps que « Session 0-0 » (s0-0)"
    )


# --- Ctrl-C ----------------------------------------------------------------------------------


@pytest.mark.parametrize("delay", [0.0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0])
def test_ctrl_c_at_any_moment_ends_quietly(delay: float) -> None:
    # « import - » reads its standard input, left open: the command is still running
    # whenever the interrupt comes (start-up, imports, or waiting for data).
    process = colloque("import", "-")
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)  # stdin stays open: only the interrupt can end the command
    code, stdout, stderr = finish(process)
    # Before Python installs its handler, SIGINT ends the process as the shell would (-2);
    # while the interpreter itself starts (before any of colloque's code), Python may still
    # print its own trace: never one through colloque or what it imports.
    assert stdout == ""
    # No trace may come from inside main() (imports of the CLI included); an interrupt that
    # lands while Python itself is still importing the package's two top-level files (before
    # main() can guard anything) is the interpreter's, and is the only trace allowed.
    # (« in main » alone would also match the interpreter's own site.main, which runs
    # sitecustomize before any of colloque's code.)
    assert not re.search(r'colloque_cli[/\\][^"\n]*", line \d+, in main\b', stderr), stderr
    assert "colloque_cli/cli" not in stderr, stderr
    if stderr.strip():  # only the interpreter's own start-up, before colloque's code runs
        # Python's own failures when interrupted while it starts (seen in a loop of 550
        # interrupts): its site module or standard streams (« Fatal Python error: init_… »,
        # one of which ends on a TypeError of io's), runpy (« Could not import runpy
        # module »), or a trace through runpy/the top-level files ending on the interrupt.
        interpreter = stderr.startswith(("Fatal Python error: init_", "Could not import runpy"))
        started = stderr.rstrip().endswith("KeyboardInterrupt") and (
            "<module>" in stderr or "runpy" in stderr
        )
        assert delay < 0.5 and (interpreter or started), stderr
        assert code in (1, 130, -signal.SIGINT), stderr
    else:
        assert code in (130, -signal.SIGINT), stderr


def test_ctrl_c_between_fsync_and_rename_leaves_no_temporary_file(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    out.write_text("ancien\n", encoding="utf-8")
    process = colloque("schema", "-o", str(out), fault="before-rename")
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".schema.json.*.tmp")):
        assert time.monotonic() < deadline, "no temporary file"
        time.sleep(0.01)
    process.send_signal(signal.SIGINT)
    code, stdout, stderr = finish(process)
    assert code == 130
    assert stderr.strip() == ""
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]
    assert out.read_text(encoding="utf-8") == "ancien\n"


def _interrupt_wrapped_by_python() -> None:
    """What Python raises when Ctrl-C lands while a class is made (in an import): a
    RuntimeError, the interrupt as its cause (seen at 50 ms in test_ctrl_c_at_any_moment)."""
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        message = "Error calling __set_name__ on 'cached_property' instance 'hostmask'"
        raise RuntimeError(message) from interrupt


def test_ctrl_c_wrapped_during_the_first_imports_ends_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import colloque_cli.cli as cli_package
    from colloque_cli import __main__ as entry

    monkeypatch.setattr(cli_package, "app", _interrupt_wrapped_by_python)
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep pytest's own Ctrl-C
    with pytest.raises(SystemExit) as ended:
        entry.main()
    assert ended.value.code == 130
    assert capsys.readouterr() == ("", "")


def test_ctrl_c_wrapped_during_a_command_ends_quietly(capsys: pytest.CaptureFixture[str]) -> None:
    from colloque_cli.cli.app import run_guarded

    assert run_guarded(_interrupt_wrapped_by_python) == 130
    assert capsys.readouterr().err == ""


def test_a_runtime_error_of_its_own_is_still_an_internal_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from colloque_cli.cli.app import run_guarded

    def failing() -> None:
        raise RuntimeError("not an interrupt")

    assert run_guarded(failing) == 1
    assert "Erreur interne inattendue (RuntimeError)" in capsys.readouterr().err
