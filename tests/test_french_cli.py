"""Every message the command-line parser can produce for this CLI, provoked and read in
French: a Typer or Click upgrade that rewords one fails here, loudly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import Run

ENGLISH = re.compile(
    r"\b(Got|Invalid|Missing|No such|Did you mean|Usage|Error|Try|is not|requires|"
    r"does not|range|installed|Completion|Shell|argument\(s\)|Possible options)\b"
)

CASES = [
    (["liste"], "Erreur : Commande inconnue « liste ». Vouliez-vous dire « list » ?",
     "colloque --help"),
    (["agenda", "lst"], "Erreur : Commande inconnue « lst ». Vouliez-vous dire « list » ?",
     "colloque agenda --help"),
    (["list", "--zzz"], "Erreur : Option inconnue : --zzz.", "colloque list --help"),
    (["list", "--lng"], "Erreur : Option inconnue : --lng. Vouliez-vous dire « --long » ?",
     "colloque list --help"),
    (["list", "extra"], "Erreur : Argument en trop : extra.", "colloque list --help"),
    (["list", "a", "b"], "Erreur : Arguments en trop : a b.", "colloque list --help"),
    (["show"], "Erreur : Argument manquant : SESSION.", "colloque show --help"),
    (["search"], "Erreur : Argument manquant : MOTS.", "colloque search --help"),
    (["changes", "a.yaml"], "Erreur : Argument manquant : NOUVEAU.", "colloque changes --help"),
    (["search", "x", "--limit", "abc"],
     "Erreur : Valeur invalide pour --limit / -n : « abc » n'est pas un nombre entier.",
     "colloque search --help"),
    (["search", "x", "--limit", "0"],
     "Erreur : Valeur invalide pour --limit / -n : 0 ; il faut un nombre d'au moins 1.",
     "colloque search --help"),
    (["list", "--format", "xml"],
     "Erreur : Valeur invalide pour --format / -f : « xml » (valeurs permises : table, json, "
     "csv).", "colloque list --help"),
    (["search", "x", "--limit"], "Erreur : L'option --limit attend une valeur.",
     "colloque search --help"),
    (["list", "--long=3"], "Erreur : L'option --long ne prend pas de valeur.",
     "colloque list --help"),
    (["--bogus", "list"], "Erreur : Option inconnue : --bogus.", "colloque --help"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message", "hint"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_every_usage_error_is_french_with_the_failing_command_s_help(
    run: Run, args: list[str], message: str, hint: str
) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [message, f"Aide : {hint}"]
    assert not ENGLISH.search(result.stderr), result.stderr


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        (["show"], "colloque show [OPTIONS] SESSION"),
        (["search"], "colloque search [OPTIONS] MOTS…"),
        (["agenda", "add"], "colloque agenda add [OPTIONS] SESSION…"),
        (["agenda", "suggest"], "colloque agenda suggest [OPTIONS] [INTÉRÊTS…]"),
        (["changes"], "colloque changes [OPTIONS] ANCIEN NOUVEAU"),
        (["validate"], "colloque validate [OPTIONS] [FICHIER]"),
    ],
)
def test_usage_lines_name_the_arguments_as_manual_pages_do(
    run: Run, command: list[str], usage: str
) -> None:
    """Bare names for required arguments (not Typer's « {SESSION} », which reads as a set),
    brackets for optional ones, « … » where several may be given."""
    assert run(*command, "--help").stdout.splitlines()[0] == f"Utilisation\u202f: {usage}"


def test_usage_lines_are_french(run: Run) -> None:
    assert run("--help").stdout.splitlines()[0] == (
        "Utilisation\u202f: colloque [OPTIONS] COMMANDE [ARGUMENTS]…"
    )
    assert run("agenda", "--help").stdout.splitlines()[0] == (
        "Utilisation\u202f: colloque agenda [OPTIONS] COMMANDE [ARGUMENTS]…"
    )


def test_help_pages_say_ranges_and_defaults_in_french(run: Run) -> None:
    page = " ".join(run("search", "--help").stdout.split())
    assert "[par défaut : 10 ; d'au moins 1]" in page
    assert not ENGLISH.search(page), page


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("x>=1", "d'au moins 1"),
        ("x<=10", "d'au plus 10"),
        ("1<=x<=10", "de 1 à 10"),
        ("x>0", "supérieur à 0"),
        ("x<5", "inférieur à 5"),
        ("0<x<5", "entre 0 et 5 (bornes exclues)"),
    ],
)
def test_ranges_in_french(written: str, said: str) -> None:
    from colloque_cli.cli.usage import french_range

    assert french_range(written) == said


def test_completion_script_is_shown(run: Run) -> None:
    result = run("--show-completion", "bash")
    assert result.exit_code == 0
    assert "_colloque_completion()" in result.stdout


def test_completion_install_speaks_french(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer._completion_shared as shared

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(shared, "_get_shell_name", lambda: "bash")
    result = run("--install-completion")
    assert result.exit_code == 0, result.stderr
    script = tmp_path / ".bash_completions" / "colloque.sh"
    assert script.exists()
    assert result.stderr.splitlines() == [
        f"Complétion bash installée dans {script}.",
        "Elle prendra effet dans les prochains terminaux ouverts.",
    ]


def test_completion_for_an_unknown_shell_is_a_french_error(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    import typer._completion_shared as shared

    monkeypatch.setattr(shared, "_get_shell_name", lambda: "tcsh")
    result = run("--install-completion")
    assert result.exit_code == 2
    assert result.stderr == (
        "Shell « tcsh » non pris en charge pour la complétion ; "
        "indiquez-en un : bash, zsh, fish, powershell, pwsh.\n"
    )


def test_the_json_schema_speaks_french_to_editors(run: Run) -> None:
    import json

    schema = json.loads(run("schema").stdout)
    titles: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    titles.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    english = {"Title", "Subtitle", "Kind", "City", "Venue", "Start", "End", "Name", "Id"}
    assert titles and not english & set(titles), titles
    assert schema["$defs"]["SessionFile"]["properties"]["title"]["title"] == "Titre"
