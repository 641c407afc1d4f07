"""Hostile command lines: odd queries, control characters, unknown ids, bad values."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROGRAMME, Run

CONTROL = "\x1b[31m\x07\x1b]52;c;ZXZpbA==\x07\u202e"


def assert_clean(result_stdout: str, result_stderr: str) -> None:
    for text in (result_stdout, result_stderr):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Traceback" not in result_stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["search", ""], 2, "Recherche vide : indiquez au moins un mot."),
        (["search", "   ", "\t"], 2, "Recherche vide : indiquez au moins un mot."),
        (["search", "x" * 100_000], 2, "Recherche trop longue (100000 caractères ; 500 au plus)."),
        (["search", "le", "la", "les", "de"], 1, "Aucun résultat pour « le la les de »."),
        (["search", "🎉"], 1, "Aucun résultat pour « 🎉 »."),
        (
            ["search", "mobilité", "--limit", "0"],
            2,
            "Erreur : Valeur invalide pour --limit / -n : 0 ; il faut un nombre d'au moins 1.",
        ),
        (
            ["search", "x", "--limit", "abc"],
            2,
            "Erreur : Valeur invalide pour --limit / -n : « abc » n'est pas un nombre entier.",
        ),
        (["show", ""], 2, "Identifiant vide : indiquez l'identifiant ou un bout du titre."),
        (
            ["show", "inexistant"],
            1,
            "Aucune session « inexistant ». Les identifiants sont affichés par « colloque list ».",
        ),
        (
            ["list", "--day", ""],
            2,
            "Jour inconnu «  ». Jours du colloque : mardi 4 mars, mercredi 5 mars.",
        ),
        (
            ["list", "--day", "2025-02-30"],
            2,
            "Jour inconnu « 2025-02-30 ». Jours du colloque : mardi 4 mars, mercredi 5 mars.",
        ),
        (
            ["list", "--time", "25:00"],
            2,
            "Heure invalide « 25:00 ». Format attendu : HH:MM (par exemple 14:30).",
        ),
        (["now", "--at", "pas une date"], 2, "Moment invalide « pas une date »."),
        (
            ["now", "--at", "2025-13-45 10:00"],
            2,
            "Moment invalide « 2025-13-45 10:00 » : « 2025-13-45 » n'est pas un jour du colloque",
        ),
        (["agenda", "add", "inexistant"], 1, "Aucune session « inexistant »."),
        (["agenda", "remove", "inexistant"], 1, "Pas dans votre agenda : « inexistant »."),
        (
            ["export", "--format", "pdf"],
            2,
            "Erreur : Valeur invalide pour --format / -f : « pdf » (valeurs permises : json, csv, tableur, ics, markdown, frab-xml, frab-json, html).",
        ),
        (
            ["list", "--format", "yaml"],
            2,
            "Erreur : Valeur invalide pour --format / -f : « yaml » (valeurs permises : table, json, csv).",
        ),
    ],
)
def test_bad_command_lines(run: Run, args: list[str], code: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert result.stderr.startswith(message), result.stderr
    assert_clean(result.stdout, result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["search", CONTROL],
        ["show", CONTROL],
        ["list", "--day", CONTROL],
        ["list", "--room", CONTROL],
        ["list", "--theme", CONTROL],
        ["now", "--at", CONTROL],
        ["agenda", "add", CONTROL],
        ["--programme", CONTROL, "list"],
    ],
)
def test_control_characters_in_arguments_never_reach_the_terminal(
    run: Run, args: list[str]
) -> None:
    result = run(*args)
    assert result.exit_code in (1, 2)
    assert result.stderr.strip()
    assert_clean(result.stdout, result.stderr)


def test_contradictory_agenda_export_options(run: Run) -> None:
    result = run("export", "--agenda")
    assert result.exit_code == 1
    assert "agenda" in result.stderr.lower()
    assert_clean(result.stdout, result.stderr)


def complete(shell: str, line: str, programme: Path) -> str:
    """What the shell's completion script gets from ``colloque`` for ``line`` (Tab)."""
    env = {
        **os.environ,
        "COLLOQUE_PROGRAMME": str(programme),
        "_COLLOQUE_COMPLETE": f"complete_{shell}",
        "_TYPER_COMPLETE_ARGS": line,
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1)),
    }
    result = subprocess.run(
        [sys.executable, "-m", "colloque_cli"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# What must never reach a terminal: C0 controls but newline, DEL, C1 controls, bidi and
# zero-width characters (as in test_hostile_content).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
TITLE = 'title: "Les citoyens : acteurs clés des transformations sociales et territoriales"'


def test_completion_descriptions_are_inert_and_on_one_line(tmp_path: Path) -> None:
    original = PROGRAMME.read_text(encoding="utf-8")
    evil = 'title: "Citoyens \\e]52;c;ZXZpbA==\\a\\u202eacteurs\\u202c\\nseconde \\x9b31m"'
    path = tmp_path / "programme.yaml"
    path.write_text(original.replace(TITLE, evil, 1), encoding="utf-8")
    for line in ("colloque show citoyens-a", "colloque agenda add citoyens-a"):
        out = complete("zsh", line, path)
        assert UNSAFE.findall(out) == [], out
        assert out == (
            '_arguments \'*: :(("citoyens-acteurs":"Citoyens ]52;c;ZXZpbA==acteurs seconde '
            "31m\"))'\n"
        )
    assert complete("bash", "colloque show citoyens-a", path) == "citoyens-acteurs\n"
