"""Hostile times and sizes: clock changes, very long sessions, historic offsets, huge reports.

Every case goes through the real command; the frab exports are checked against the
published XSD and JSON Schema (``/work/shared/formats/frab``, copied in ``tests/fixtures``).
"""

from __future__ import annotations

from pathlib import Path

from conftest import Run


def programme(
    *,
    timezone: str = "Europe/Paris",
    slots: str = '  - {id: a, date: "2025-03-04", start: "10:00", end: "11:00"}\n',
    sessions: str = "  - {id: s1, slot: a, room: r1, title: Un}\n",
    rooms: str = "  - {id: r1, name: Amphi}\n  - {id: r2, name: Amphi}\n",
) -> str:
    return (
        f"colloque:\n  title: Essai\n  timezone: {timezone}\n"
        f"rooms:\n{rooms}slots:\n{slots}sessions:\n{sessions}"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_a_time_the_clock_change_skips(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        programme(slots='  - {id: a, date: "2025-03-30", start: "01:30", end: "02:45"}\n'),
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:8:54: slots[0].end : l'heure 02:45 du 2025-03-30 n'existe pas dans le fuseau "
        "Europe/Paris (les horloges la sautent au changement d'heure) : choisissez une heure "
        "réelle\n"
    )


def test_validate_warns_about_a_time_that_happens_twice(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        programme(
            timezone="America/New_York",
            slots='  - {id: a, date: "2025-11-02", start: "01:30", end: "03:00"}\n',
        ),
    )
    result = run("validate", str(path))
    assert result.exit_code == 0, result.stdout
    assert result.stderr == (
        f"{path} : créneau « a » : l'heure 01:30 du 2025-11-02 existe deux fois dans le fuseau "
        "America/New_York (les horloges reculent au changement d'heure) : la première est "
        "retenue.\n"
    )
    assert result.stdout == f"{path} est valide : 1 session, 1 créneau, 2 salles.\n"


def test_a_flood_of_problems_is_cut_after_the_first_fifty(run: Run, tmp_path: Path) -> None:
    sessions = "".join(
        f"  - {{id: s{n}, slot: a, room: nulle, title: T, allow_overlap: true}}\n"
        for n in range(120)
    )
    path = write(tmp_path, programme(sessions=sessions))
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 51
    assert all("salle inconnue « nulle »" in line for line in lines[:50])
    assert lines[50] == "… et 70 autres problèmes."
    assert result.stderr == f"120 problèmes dans {path}.\n"
    listed = run("--programme", str(path), "list")
    assert listed.exit_code == 1
    assert listed.stderr.splitlines()[50:] == ["… et 70 autres problèmes."]
