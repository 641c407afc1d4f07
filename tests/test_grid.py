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


LEGEND_ENTRY = re.compile(r"\[\d+\] \S+")


def grid_lines(text: str) -> list[str]:
    """The lines of the grid itself, without the ids written whole under it."""
    return [line for line in text.splitlines() if not LEGEND_ENTRY.fullmatch(line)]


def rooms_per_page(text: str) -> list[int]:
    """How many rooms each page shows, from its heading (« salles 5 à 8 sur 29 »)."""
    spans = re.findall(r"· salles? (\d+)(?: à (\d+))? sur", text)
    return [int(last or first) - int(first) + 1 for first, last in spans]


@pytest.mark.parametrize("columns", ["60", "80", "120"])
def test_36c3_grid_of_92_rooms(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("--programme", str(ccc), "grid")
    assert result.exit_code == 0, result.stderr
    programme = load_programme(ccc)
    assert (len(programme.rooms), len(programme.sessions)) == (92, 1351)
    # every id whole, even 36C3's of 85 to 112 characters, wider than the screen
    assert {s.id for s in programme.sessions} <= ids_shown(result.stdout)
    assert max(cell_len(line) for line in grid_lines(result.stdout)) <= int(columns)
    # a room split over pages (too many parallel sessions) is counted once
    counts = re.findall(r"· salles? (?:\d+ à )?(\d+) sur (\d+)", result.stdout)
    assert counts and all(int(last) <= int(total) for last, total in counts)


def test_an_id_too_long_for_its_bar_is_written_whole_under_the_grid(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["-d", "2019-12-30", "-r", "cdc-stage", "--de", "14:30", "--a", "16:00"]
    result = run("--programme", str(ccc), "grid", *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Lundi 30 décembre 2019 · pas de 5 min\n"
        "      CDC - Stage\n" + "─" * 79 + "\n"
        "14:30 ┌Open Next - Learning from Open Hardware: DevOps and Continuous\n"
        "      │Integration for the Production of Big Machines\n"
        "      └[1]\n"
        "15:00\n"
        "15:15 ┌Designing a communal computing interface\n"
        "      └99-designing_a_communal_computing_interface\n"
        "15:30\n"
        "15:35 ┌How to achieve both economic and personal freedom using globality and\n"
        "      │flexibility\n"
        "      └[2] ↓\n"
        "16:00\n"
        "\n"
        "Identifiants trop longs pour la grille\u202f:\n"
        "[1] 140-open_next_-_learning_from_open_hardware_devops_and_continuous_integration"
        "_for_the_production_of_big_machines\n"
        "[2] 190-how_to_achieve_both_economic_and_personal_freedom_using_globality_and"
        "_flexibility\n"
    )


@pytest.mark.parametrize(
    ("columns", "expected"), [("80", [4] * 5 + [3] * 3), ("120", [6] * 4 + [5])]
)
def test_rooms_are_spread_evenly_over_the_pages(
    fosdem: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: str, expected: list[int]
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("--programme", str(fosdem), "grid", "--day", "samedi")
    assert result.exit_code == 0, result.stderr
    # as many pages as the width needs, none left with a room or two
    assert rooms_per_page(result.stdout) == expected


def test_a_long_id_does_not_take_a_page_for_its_room(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    args = ["-d", "2019-12-28", "-r", "furo no ba", "-r", "uptown"]
    result = run("--programme", str(ccc), "grid", *args)
    assert result.exit_code == 0, result.stderr
    # ids of 34 to 38 characters: both rooms on one page, the longest id under the grid
    lines = result.stdout.splitlines()
    assert lines[0] == "Samedi 28 décembre 2019 · pas de 30 min"
    assert lines[1].split() == ["Furo", "no", "ba", "Uptown"]
    assert lines[-2:] == [
        "Identifiant trop long pour la grille\u202f:",
        "[1] abfahrplan-11265-seaslug_anonymous_pro",
    ]


def test_a_heading_too_wide_breaks_between_its_parts(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    result = run("--programme", str(ccc), "grid", "-d", "2019-12-28")
    assert result.exit_code == 0, result.stderr
    # « pas de 5 min » whole on the next line, never « pas de 5 » then « min »
    assert "Samedi 28 décembre 2019 · salles 44 à 46 sur 70\npas de 5 min\n" in result.stdout
    assert "\nmin\n" not in result.stdout


def test_a_word_too_long_for_its_column_is_shortened_never_split(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "22")
    args = ["-d", "2019-12-28", "-r", "digitalcourage", "--de", "12:00", "--a", "13:00"]
    result = run("--programme", str(ccc), "grid", *args)
    assert result.exit_code == 0, result.stderr
    # a room name of 23 letters over 15 cells: not « Assembly:Digita » then « lcourage »
    assert result.stdout.splitlines()[3:9] == [
        "      Assembly:Digit…",
        "─" * 21,
        "12:00 ┌Hacking",
        "      │Licence",
        "      └1518",
        "13:00",
    ]
