"""Small things users noticed: a global option after the command, a partly unknown
``agenda add``, a conflict in ``next --agenda``, completion of ``agenda remove``, rooms in
the same order in every slot."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from colloque_cli.cli import app
from conftest import Run


@pytest.mark.parametrize("option", ["--programme", "-p"])
def test_a_global_option_after_the_command_says_where_it_goes(run: Run, option: str) -> None:
    result = run("agenda", "list", option, "x.yaml")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Erreur : Option inconnue : {option}. {option} est une option générale : placez-la "
        f"avant la commande (colloque {option} FICHIER agenda list …).",
        "Aide : colloque agenda list --help",
    ]


def test_agenda_add_with_one_unknown_says_nothing_was_added(run: Run) -> None:
    result = run("agenda", "add", "jop-sport", "zzzqqq")
    assert result.exit_code == 1
    assert result.stderr == (
        "Aucune session « zzzqqq ». Les identifiants sont affichés par « colloque list ». "
        "Rien n'a été ajouté à votre agenda (pas même jop-sport).\n"
    )
    assert json.loads(run("agenda", "list", "--format", "json").stdout)[0]["status"] == "libre"


def test_next_with_the_agenda_flags_a_conflict(run: Run) -> None:
    assert run("agenda", "add", "jop-sport", "reemploi").exit_code == 0
    result = run("next", "--agenda", "--at", "mardi 12:00")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "Conflit d'horaire : 2 sessions de votre agenda en même temps (jop-sport, reemploi). "
        "Gardez-en une : « colloque agenda remove reemploi ».\n"
    )
    alone = run("next", "--at", "mardi 12:00")
    assert alone.stderr == ""


def test_agenda_remove_completes_only_the_picks(run: Run) -> None:
    assert run("agenda", "add", "jop-sport", "mobilite").exit_code == 0
    completed = CliRunner().invoke(
        app,
        [],
        env={"_COLLOQUE_COMPLETE": "complete_bash", "COMP_WORDS": "colloque agenda remove ",
             "COMP_CWORD": "3"},
        prog_name="colloque",
    )  # fmt: skip
    assert sorted(completed.stdout.split()) == ["jop-sport", "mobilite"]


def test_rooms_keep_the_programme_order_in_every_slot(run: Run) -> None:
    rooms = [r["name"] for r in json.loads(run("rooms", "--format", "json").stdout)]
    screen = run("list").stdout
    for table in screen.split("\n\n\n"):
        shown = [name for line in table.splitlines() for name in rooms
                 if line.startswith(f"  {name}  ")]  # fmt: skip
        assert len(shown) > 1 or "session" in table  # the summary line closes the screen
        assert shown == sorted(shown, key=rooms.index), shown
