"""``rooms``, ``themes`` and ``days`` keep every column at 80 columns, with 100 rooms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len

from conftest import Run

ROOMS = 100


@pytest.fixture
def hundred_rooms(tmp_path: Path) -> Path:
    rooms = "\n".join(
        f"  - {{id: amphitheatre-{n:03d}-du-batiment-est-niveau-2-aile-nord-cote-jardin, "
        f"name: Amphithéâtre {n} du bâtiment Est}}"
        for n in range(ROOMS)
    )
    themes = "\n".join(
        f"  - {{id: theme-tres-long-identifiant-numero-{n:02d}-pour-la-largeur, label: Thème {n}, "
        f"description: Un thème décrit en quelques mots}}"
        for n in range(12)
    )
    slots = "\n".join(
        f'  - {{id: s{n}, date: "2025-03-0{4 + n % 2}", start: "{9 + n // 2:02d}:00", '
        f'end: "{9 + n // 2:02d}:45"}}'
        for n in range(6)
    )
    sessions = "\n".join(
        f"  - {{id: x{n}, slot: s{n % 6}, room: amphitheatre-{n:03d}-du-batiment-est-niveau-2-aile-nord-cote-jardin, "
        f"title: Session {n}, themes: [theme-tres-long-identifiant-numero-{n % 12:02d}-pour-la-largeur]}}"
        for n in range(ROOMS)
    )
    path = tmp_path / "cent-salles.yaml"
    path.write_text(
        "colloque: {title: Cent salles, timezone: Europe/Paris}\n"
        f"rooms:\n{rooms}\nthemes:\n{themes}\nslots:\n{slots}\nsessions:\n{sessions}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("columns", ["80", "120"])
def test_rooms_keep_ids_and_counts(
    hundred_rooms: Path, run: Run, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    result = run("--programme", str(hundred_rooms), "rooms")
    assert result.exit_code == 0, result.stderr
    assert all(cell_len(line) <= int(columns) for line in result.stdout.splitlines())
    words = result.stdout.split()
    assert "Sessions" in words
    for n in range(ROOMS):
        ident = f"amphitheatre-{n:03d}-du-batiment-est-niveau-2-aile-nord-cote-jardin"
        assert ident in words  # whole
        line = next(line for line in result.stdout.splitlines() if f"Amphithéâtre {n} du" in line)
        assert line.split()[-1] == "1"  # its count, on the name's line
    data = json.loads(run("--programme", str(hundred_rooms), "rooms", "-f", "json").stdout)
    assert len(data) == ROOMS


def test_themes_and_days_keep_every_column(
    hundred_rooms: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    themes = run("--programme", str(hundred_rooms), "themes")
    assert themes.exit_code == 0, themes.stderr
    assert all(cell_len(line) <= 80 for line in themes.stdout.splitlines())
    words = themes.stdout.split()
    assert "Sessions" in words
    for n in range(12):
        assert f"theme-tres-long-identifiant-numero-{n:02d}-pour-la-largeur" in words
    line = next(line for line in themes.stdout.splitlines() if "Thème 3 " in line + " ")
    assert line.split()[-1] == str(len(range(3, ROOMS, 12)))
    days = run("--programme", str(hundred_rooms), "days")
    assert [line.split()[-1] for line in days.stdout.splitlines() if "2025-03-0" in line] == [
        "50",
        "50",
    ]
