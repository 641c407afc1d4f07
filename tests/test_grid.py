"""``colloque grid``: time down the side, rooms across, at any size of programme."""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from colloque_cli.cli import app
from colloque_cli.grid import choose_step, day_grid
from colloque_cli.programme.loader import load_programme
from colloque_cli.programme.model import Room, Session, Slot
from conftest import PROGRAMME, SHARED, Run


def ids_shown(text: str) -> set[str]:
    """Every whole token of the output (ids are shown alone after the bar)."""
    return set(re.findall(r"[^\s┌│└↓↑]+", text))


def widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", ["80", "100"])
def test_bundled_grid_shows_every_session_of_the_day(
    run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("grid", "--day", "mardi")
    assert result.exit_code == 0, result.stderr
    programme = load_programme(PROGRAMME)
    mardi = {s.id for s in programme.sessions if s.slot.date == date(2025, 3, 4)}
    assert len(mardi) == 19
    assert mardi <= ids_shown(result.stdout)  # every id, whole
    assert "mercredi" not in result.stdout.lower()
    assert widest(result.stdout) <= int(columns)
    assert result.stdout.startswith("Mardi 4 mars 2025 · salles 1 à ")
    assert "pas de 15 min" in result.stdout.splitlines()[0]


def test_grid_of_two_rooms_and_a_window(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("grid", "-d", "mercredi", "--room", "salle 1", "-r", "flaubert", "--de", "9:30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Mercredi 5 mars 2025 · pas de 30 min\n"
        "      Salle 1                           Salle Flaubert\n" + "─" * 73 + "\n"
        "09:30 ┌↑ Risques majeurs, gestion de    ┌↑ Les agents territoriaux\n"
        "10:00 │crises et résilience : l'acteur  │ambassadeurs des valeurs et\n"
        "      │citoyen                          │principes du service public\n"
        "      └risques-crises                   └agents-territoriaux\n"
        "10:30\n"
    )


def test_grid_step_option_and_folded_pause(run: Run) -> None:
    result = run("grid", "--day", "mardi", "--room", "salle 1", "--pas", "45")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Mardi 4 mars 2025 · pas de 45 min"
    # 15:30 to 17:45: nothing in Salle 1, one line for the whole pause
    labels = [line[:5] for line in lines[3:] if line[:5].strip()]
    assert labels == ["14:00", "15:30", "17:45", "19:15"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--de", "10:00", "--a", "9:00"], 2, "Fenêtre vide : --a (09:00) doit venir après --de"),
        (["--room", "zzz"], 2, "Salle inconnue « zzz »."),
        (["--pas", "2"], 2, "--pas"),
        (["--day", "mardi", "--de", "20:00"], 1, "Aucune session ne correspond à ces critères."),
    ],
)
def test_grid_refuses_what_it_cannot_show(
    run: Run, args: list[str], code: int, message: str
) -> None:
    result = run("grid", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert result.stdout == ""


def _session(ident: str, start: str, end: str, room: Room | None) -> Session:
    slot = Slot(ident, date(2025, 3, 4), time.fromisoformat(start), time.fromisoformat(end))
    return Session(ident, slot, room, ident.title(), None, "atelier", (), "", ())


def test_step_is_the_largest_that_every_time_falls_on() -> None:
    room = Room("a", "A")
    assert choose_step([_session("x", "09:00", "10:30", room)]) == 30
    assert choose_step([_session("x", "09:00", "09:45", room)]) == 15
    assert choose_step([_session("x", "09:00", "09:50", room)]) == 10
    assert choose_step([_session("x", "09:05", "09:50", room)]) == 5
    assert choose_step([_session("x", "09:03", "09:50", room)]) == 5  # rounded to 5


def test_nested_sessions_get_their_own_lane() -> None:
    room = Room("a", "A")
    outer = _session("outer", "10:00", "12:00", room)
    inner = _session("inner", "10:30", "11:00", room)
    after = _session("after", "11:00", "11:30", room)
    grid = day_grid(date(2025, 3, 4), [outer, inner, after], [room])
    assert grid is not None
    assert (grid.step, grid.start, grid.rows) == (30, 600, 4)
    (column,) = grid.columns
    assert column.lanes == 2
    placed = {b.session.id: (b.lane, b.first, b.last) for b in column.blocks}
    assert placed == {"outer": (0, 0, 4), "inner": (1, 1, 2), "after": (1, 2, 3)}


def test_a_point_in_time_gets_one_row() -> None:
    room = Room("a", "A")
    grid = day_grid(date(2025, 3, 4), [_session("doors", "10:30", "10:30", room)], [room])
    assert grid is not None
    assert [(b.first, b.last) for b in grid.columns[0].blocks] == [(0, 1)]


# --- real conferences ---------------------------------------------------------------------

REAL = SHARED / "real-world"


@pytest.fixture(scope="module")
def fosdem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = REAL / "fosdem-2025.xml"
    if not source.is_file():
        pytest.fail(f"programme réel absent : {source}")
    out = tmp_path_factory.mktemp("fosdem") / "fosdem.yaml"
    assert CliRunner().invoke(app, ["import", str(source), "-o", str(out)]).exit_code == 0
    return out


@pytest.fixture(scope="module")
def ccc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = REAL / "ccc-36c3.json"
    if not source.is_file():
        pytest.fail(f"programme réel absent : {source}")
    out = tmp_path_factory.mktemp("ccc") / "36c3.yaml"
    args = ["import", str(source), "-o", str(out), "--timezone", "Europe/Berlin"]
    assert CliRunner().invoke(app, args).exit_code == 0
    return out


@pytest.mark.parametrize("columns", ["80", "120"])
def test_fosdem_saturday_grid(
    fosdem: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("--programme", str(fosdem), "grid", "--day", "samedi")
    assert result.exit_code == 0, result.stderr
    programme = load_programme(fosdem)
    saturday = {s.id for s in programme.sessions if s.slot.date == date(2025, 2, 1)}
    assert len(saturday) == 470
    assert saturday <= ids_shown(result.stdout)
    assert widest(result.stdout) <= int(columns)
    assert result.stderr == ""


def test_fosdem_one_room_one_morning(fosdem: Path, run: Run) -> None:
    result = run(
        "--programme",
        str(fosdem),
        "grid",
        "-d",
        "samedi",
        "-r",
        "k.4.401",
        "--de",
        "10",
        "--a",
        "13",
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Samedi 1 février 2025 · pas de 5 min"
    assert lines[1].strip() == "K.4.401"
    assert lines[4] == "10:30 ┌Confidential Computing devroom"
    assert lines[-2].startswith("      └5299 ↓")  # goes on after 13:00
    assert lines[-1] == "13:00"


@pytest.mark.parametrize("columns", ["80", "120"])
def test_36c3_grid_of_92_rooms(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("--programme", str(ccc), "grid")
    assert result.exit_code == 0, result.stderr
    programme = load_programme(ccc)
    assert (len(programme.rooms), len(programme.sessions)) == (92, 1351)
    # An id wider than the screen (one of 36C3's is 85 characters) cannot be shown whole.
    fits = {s.id for s in programme.sessions if len(s.id) + 2 <= int(columns) - 6}
    assert len(fits) >= 1348
    assert fits <= ids_shown(result.stdout)
    assert widest(result.stdout) <= int(columns)
