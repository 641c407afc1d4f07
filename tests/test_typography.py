"""French typography in what the program writes: no-break spaces, real plurals, one
time-range style. Checked on the bytes the program writes (``run_raw``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from colloque_cli.text import plural, typeset
from conftest import Run

NB = "\u202f"


@pytest.mark.parametrize(
    ("count", "args", "expected"),
    [
        (1, ("session exportée",), "1 session exportée"),
        (3, ("session exportée",), "3 sessions exportées"),
        (0, ("session",), "0 session"),
        (2, ("créneau libre",), "2 créneaux libres"),
        (2, ("choix",), "2 choix"),
        (2, ("créneau", "créneaux"), "2 créneaux"),
        (0, ("conflit",), "aucun conflit"),
        (1351, ("session",), "1351 sessions"),
        (50000, ("session",), f"50{NB}000 sessions"),
        (1234567, ("événement",), f"1{NB}234{NB}567 événements"),
    ],
)
def test_plural(count: int, args: tuple[str, ...], expected: str) -> None:
    none = "aucun conflit" if args == ("conflit",) else ""
    assert plural(count, *args, none=none) == expected


def test_typeset_makes_the_spaces_before_double_marks_and_inside_quotes_unbreakable() -> None:
    assert typeset("Jour inconnu « lundi ». Jours : mardi ; vraiment ? oui !") == (
        f"Jour inconnu «{NB}lundi{NB}». Jours{NB}: mardi{NB}; vraiment{NB}? oui{NB}!"
    )
    # a colon without a space before it (a time, a path:line) is left alone
    assert typeset("à 14:00, programme.yaml:3:1: clé") == "à 14:00, programme.yaml:3:1: clé"


def test_messages_are_typeset(run_raw: Run) -> None:
    result = run_raw("list", "--day", "lundi")
    assert result.exit_code == 2
    assert result.stderr == (
        f"Jour inconnu «{NB}lundi{NB}». Jours du colloque{NB}: mardi 4 mars, mercredi 5 mars.\n"
    )


def test_export_counts_with_a_real_plural(run_raw: Run, tmp_path: Path) -> None:
    run_raw("agenda", "add", "jop-sport")
    one = run_raw("export", "-f", "json", "--agenda", "-o", str(tmp_path / "a.json"))
    assert one.stderr.startswith("1 session exportée vers "), one.stderr
    many = run_raw("export", "-f", "json", "-o", str(tmp_path / "b.json"))
    assert many.stderr.startswith("28 sessions exportées vers ")


RANGE = re.compile(r"\d\d:\d\d\s*[-–—]\s*\d\d:\d\d")


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["show", "jop-sport"],
        ["search", "santé"],
        ["now", "--at", "mardi 14:30"],
        ["next", "--at", "mardi 14:30"],
        ["days"],
        ["agenda", "list"],
        ["export", "-f", "markdown"],
    ],
)
def test_one_time_range_style_everywhere(run_raw: Run, args: list[str]) -> None:
    run_raw("agenda", "add", "jop-sport")
    result = run_raw(*args)
    assert result.exit_code == 0, result.stderr
    ranges = RANGE.findall(result.stdout)
    assert ranges, result.stdout
    assert all(re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", r) for r in ranges), set(ranges)


def test_a_big_programme_is_counted_in_groups_of_three(run_raw: Run, tmp_path: Path) -> None:
    """« 12 000 sessions » as a French reader writes it, through the real entry point."""
    from benchmarks.generate import generate

    big = tmp_path / "grand.yaml"
    big.write_text(generate(12_000), encoding="utf-8")
    result = run_raw("--programme", str(big), "validate", str(big))
    assert result.exit_code == 0, result.stderr
    assert f"12{NB}000 sessions" in result.stdout


def test_labels_inside_tables_are_typeset(run_raw: Run) -> None:
    # Table cells are not messages: their labels carry their own no-break spaces.
    suggested = run_raw("agenda", "suggest", "mobilité", "jeunesse", "climat").stdout
    assert f"Suggestions pour{NB}: mobilité" in suggested
    assert f"pour{NB}: jeunesse" in suggested
    assert f"sinon{NB}: " in suggested
    assert not re.search(r"\b(pour|sinon|choisi|de) :", suggested)
    found = run_raw("search", "seniors").stdout
    assert f"proche par le sens de{NB}: " in found
    assert "proche par le sens de :" not in found


@pytest.mark.parametrize(
    "args",
    [
        ["changes", "{bad}", "{good}"],
        ["changes", "{good}", "{bad}"],
        ["--programme", "{bad}", "list"],
        ["--programme", "{bad}", "show", "jop-sport"],
        ["--programme", "{bad}", "agenda", "list"],
        ["--programme", "{bad}", "export", "-f", "ics"],
        ["import", "{bad}"],
    ],
    ids=lambda args: " ".join(args),
)
@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("absent", "fichier introuvable"),
        ("dossier", "c'est un dossier, pas un fichier de programme"),
    ],
)
def test_a_file_that_cannot_be_read_is_named_in_french(
    run_raw: Run, tmp_path: Path, args: list[str], kind: str, reason: str
) -> None:
    """« PATH : reason », a narrow no-break space before the colon, in every command that
    reads a file (``validate`` alone keeps the compilers' « PATH: reason », tested there)."""
    bad = tmp_path / kind
    if kind == "dossier":
        bad.mkdir()
    good = Path(__file__).parents[1] / "data" / "programme.yaml"
    result = run_raw(*(a.format(bad=bad, good=good) for a in args))
    assert result.exit_code == 1
    assert result.stdout == ""
    end = "." if args[0] == "import" else ""  # import words its own errors as sentences
    assert result.stderr == f"{bad}{NB}: {reason}{end}\n"


def test_an_empty_programme_is_named_in_french(run_raw: Run, tmp_path: Path) -> None:
    empty = tmp_path / "vide.yaml"
    empty.write_text("", encoding="utf-8")
    result = run_raw("--programme", str(empty), "list")
    assert result.exit_code == 1
    assert result.stderr == f"{empty}{NB}: fichier vide{NB}: aucun programme à lire\n"


def test_a_located_problem_keeps_the_compilers_place(run_raw: Run, tmp_path: Path) -> None:
    broken = tmp_path / "p.yaml"
    broken.write_text("colloque: [\n", encoding="utf-8")
    result = run_raw("--programme", str(broken), "list")
    assert result.exit_code == 1
    assert result.stderr == f"{broken}:2:1: valeur attendue\n"
