"""The compact list: one line per session, automatic when tables would be mostly headings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from colloque_cli.cli import app
from colloque_cli.programme.loader import load_programme
from conftest import SHARED, Run

REAL = SHARED / "real-world"


def imported(tmp_path_factory: pytest.TempPathFactory, name: str, *args: str) -> Path:
    source = REAL / name
    if not source.is_file():
        pytest.fail(f"programme réel absent : {source}")
    out = tmp_path_factory.mktemp("real") / f"{source.stem}.yaml"
    result = CliRunner().invoke(app, ["import", str(source), "-o", str(out), *args])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def fosdem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return imported(tmp_path_factory, "fosdem-2025.xml")


@pytest.fixture(scope="module")
def ccc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return imported(tmp_path_factory, "ccc-36c3.json", "--timezone", "Europe/Berlin")


def test_compact_on_request(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("list", "--compact", "--day", "mercredi", "--room", "salle 1")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "Mercredi 5 mars 2025\n"
        "  09:00–10:30  Salle 1  Risques majeurs, gestion de crises et r…  "
        "risques-crises\n"
        "\n"
        "1 session\n"
    )


def test_bundled_programme_keeps_its_tables(run: Run) -> None:
    result = run("list", "--day", "mardi")
    assert result.exit_code == 0, result.stderr
    lines = [line.rstrip() for line in result.stdout.splitlines()]
    assert lines[0] == "Mardi 4 mars 2025 · 14:00–15:30"
    assert lines[3].split() == ["Salle", "Session", "Thèmes"]  # the table's header


def test_one_room_of_fosdem_is_one_line_per_talk(
    fosdem: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("--programme", str(fosdem), "list", "--room", "k.4.401")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "Samedi 1 février 2025",
        "  10:30–10:40  K.4.401  Confidential Computing devroom welcome              6642",
        "  10:40–11:00  K.4.401  Confidential Computing’s Recent Past, Emerging Pr…  5002",
    ]
    assert lines[-1] == "43 sessions"
    assert len(lines) == 43 + 2 + 2 + 1  # sessions, two day headings, blanks, the count
    tables = run("--programme", str(fosdem), "list", "--room", "k.4.401", "--tables")
    assert tables.stdout.splitlines()[0].rstrip() == "Samedi 1 février 2025 · 10:30–10:40"
    assert len(tables.stdout.splitlines()) > 5 * 43


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_36c3_every_session_on_one_line(
    ccc: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run("--programme", str(ccc), "list")
    assert result.exit_code == 0, result.stderr
    programme = load_programme(ccc)
    words = set(result.stdout.split())
    assert {s.id for s in programme.sessions} <= words  # every id, whole
    lines = result.stdout.splitlines()
    # a line per session (four days: headings and blanks), and a line more for the few ids
    # too long to share a line with their title
    assert 1351 + 4 * 2 <= len(lines) <= 1.1 * 1351
    too_wide = [line for line in lines if cell_len(line) > columns]
    assert all(len(line.split()) == 1 for line in too_wide)  # only an id wider than the screen
