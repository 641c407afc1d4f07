"""Organisers' common mistakes get a message that says the fix: a published schedule given
as a programme file, a misspelt key, an invalid id, an apostrophe in single quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Run

PROGRAMME = """\
colloque:
  title: T
  timezone: Europe/Paris
rooms:
  - {{id: {room}, name: A}}
themes: []
slots:
  - {{id: s1, date: 2025-03-04, start: '10:00', end: '11:00'}}
sessions:
  - {{id: x, slot: s1, room: {room}, title: {title}, {themes}: []}}
"""


def write(tmp_path: Path, *, room: str = "a", title: str = "eau", themes: str = "themes") -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME.format(room=room, title=title, themes=themes), encoding="utf-8")
    return path


def test_a_misspelt_key_suggests_the_near_one(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, themes="theme")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(
        f"{path}:10:44: sessions[0] : clé inconnue « theme » : vouliez-vous dire « themes » ?"
    )


def test_an_invalid_id_suggests_a_valid_one(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, room="Salle A")
    result = run("validate", str(path))
    assert result.stdout.splitlines()[0] == (
        f"{path}:5:10: rooms[0].id : identifiant invalide « Salle A » (ni espace, ni « / ») : "
        "essayez « salle-a »"
    )


def test_the_french_apostrophe_in_single_quotes_is_diagnosed(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, title="'L'eau'")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:10:39: apostrophe dans un texte entre apostrophes : doublez-la "
        "(« 'L''eau' ») ou mettez le texte entre guillemets (« \"L'eau\" »)\n"
    )
    assert run("validate", str(write(tmp_path, title="'L''eau'"))).exit_code == 0


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("schedule.xml", '<?xml version="1.0"?>\n<schedule><version>1</version></schedule>\n',
         "frab (XML)"),
        ("schedule.json", '{"$schema": "x", "schedule": {"version": "1"}}\n',
         "frab ou pretalx (JSON)"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("how", ["validate", "--programme"])
def test_a_published_schedule_says_to_import_it(
    run: Run, tmp_path: Path, name: str, text: str, kind: str, how: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    args = ["validate", str(path)] if how == "validate" else ["--programme", str(path), "list"]
    result = run(*args)
    assert result.exit_code == 1
    said = result.stdout if how == "validate" else result.stderr
    place = f"{path}:" if how == "validate" else f"{path} :"  # validate keeps the compilers'
    assert said.splitlines()[0] == (
        f"{place} ce fichier est un programme au format {kind} : convertissez-le avec "
        f"« colloque import {path} -o programme.yaml »"
    )
