"""The exploring commands through the real Typer app: counts, order, formats, errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from colloque_cli import __version__
from conftest import PROGRAMME, Run

SESSION_KEYS = [
    "id",
    "date",
    "day",
    "start",
    "end",
    "slot",
    "room",
    "title",
    "subtitle",
    "type",
    "themes",
    "description",
]


def flat(text: str) -> str:
    """Rendered text without box drawing, on one line: what a reader reads."""
    return " ".join(text.translate({ord(c): " " for c in "│╭╮╰╯─"}).split())


def ids(run: Run, *args: str) -> list[str]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [item["id"] for item in json.loads(result.stdout)]


# --- list -----------------------------------------------------------------------------------


def test_list_whole_programme_in_chronological_tables(run: Run) -> None:
    result = run("list")
    assert result.exit_code == 0, result.stderr
    headings = [line.strip() for line in result.stdout.splitlines() if " 2025 · " in line]
    assert headings == [
        "Mardi 4 mars 2025 · 14:00–15:30",
        "Mardi 4 mars 2025 · 17:45–19:15",
        "Mercredi 5 mars 2025 · 09:00–10:30",
    ]
    assert result.stdout.rstrip().endswith("28 sessions")
    assert "Salle non précisée" in result.stdout


@pytest.mark.parametrize(
    "day", ["mardi", "Mar", "MARDI", "2025-03-04", "04/03", "4/3", "4 mars", "mardi 4 mars"]
)
def test_list_day_accepts_every_spelling_of_tuesday(run: Run, day: str) -> None:
    found = ids(run, "list", "--day", day)
    assert len(found) == 19
    assert found[0] == "citoyens-acteurs"
    assert found[-1] == "energies"


def test_list_wednesday(run: Run) -> None:
    assert len(ids(run, "list", "--day", "mercredi")) == 9


@pytest.mark.parametrize(
    ("room", "expected"),
    [
        ("corneille 2", ["vieillissement", "alimentation", "sante-mentale"]),
        ("Salle Plénière", ["non-recours", "energies"]),
        ("pleniere", ["non-recours", "energies"]),
        ("radio", ["enfants-jeunes", "savoirs-experientiel", "education-artistique"]),
        ("salle 2", ["jop-sport", "assemblees", "budget-participatif"]),
    ],
)
def test_list_room_is_forgiving(run: Run, room: str, expected: list[str]) -> None:
    assert ids(run, "list", "--room", room) == expected


def test_list_theme_by_id_label_or_approximation(run: Run) -> None:
    expected = ["vieillissement", "une-seule-sante", "alimentation", "sante-mentale"]
    assert ids(run, "list", "--theme", "sante") == expected
    assert ids(run, "list", "--theme", "Santé") == expected
    assert ids(run, "list", "--theme", "ecologie") == ids(
        run, "list", "--theme", "transition-ecologique"
    )


def test_filters_combine(run: Run) -> None:
    assert ids(run, "list", "--day", "mardi", "--theme", "sante") == [
        "vieillissement",
        "une-seule-sante",
        "alimentation",
    ]
    assert ids(run, "list", "--day", "mer", "--room", "corneille 2") == ["sante-mentale"]
    assert len(ids(run, "list", "--time", "14:30")) == 10
    assert len(ids(run, "list", "--time", "9h")) == 9


def test_list_long_adds_descriptions(run: Run) -> None:
    short = run("list", "--room", "flaubert")
    long = run("list", "--room", "flaubert", "--long")
    assert "perte de confiance" not in short.stdout
    assert "perte de confiance" in " ".join(long.stdout.split())


def test_list_json_has_exactly_the_documented_keys(run: Run) -> None:
    result = run("list", "--format", "json")
    data = json.loads(result.stdout)
    assert len(data) == 28
    assert all(list(item) == SESSION_KEYS for item in data)
    reemploi = next(item for item in data if item["id"] == "reemploi")
    assert reemploi["room"] is None
    assert reemploi["date"] == "2025-03-04"
    assert reemploi["day"] == "mardi"
    assert (reemploi["start"], reemploi["end"]) == ("14:00", "15:30")
    assert reemploi["themes"] == [
        "Économie sociale et solidaire",
        "Transition écologique",
        "Solidarités et inclusion",
    ]
    ia = next(item for item in data if item["id"] == "ia-debat")
    assert (
        ia["subtitle"]
        == "L'importance du dialogue interne et externe pour poser un cadre éthique des usages ?"
    )
    assert ia["type"] == "table ronde"


def test_list_csv_is_readable_by_a_spreadsheet(run: Run) -> None:
    result = run("list", "--day", "mercredi", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 9
    assert list(rows[0]) == SESSION_KEYS
    assert rows[0]["title"] == "Risques majeurs, gestion de crises et résilience : l'acteur citoyen"


def test_unknown_day_is_a_usage_error_naming_the_valid_days(run: Run) -> None:
    result = run("list", "--day", "lundi")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr.strip()
        == "Jour inconnu « lundi ». Jours du colloque : mardi 4 mars, mercredi 5 mars."
    )


def test_unknown_room_suggests_the_closest(run: Run) -> None:
    result = run("list", "--room", "flober")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Salle inconnue « flober ». Salles : Salle 1, Salle 2,")
    assert result.stderr.strip().endswith("Vouliez-vous dire « Salle Flaubert » ?")


def test_ambiguous_room_lists_the_candidates(run: Run) -> None:
    result = run("list", "--room", "2")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Salle ambiguë « 2 » : Salle 2, Salle Corneille 2."


def test_unknown_theme_and_bad_time(run: Run) -> None:
    theme = run("list", "--theme", "xyz")
    assert theme.exit_code == 2
    assert theme.stderr.startswith("Thème inconnu « xyz ». Thèmes : Citoyenneté et participation,")
    time = run("list", "--time", "25h")
    assert time.exit_code == 2
    assert (
        time.stderr.strip() == "Heure invalide « 25h ». Format attendu : HH:MM (par exemple 14:30)."
    )


def test_no_match_is_exit_1(run: Run) -> None:
    result = run("list", "--day", "mercredi", "--room", "pleniere")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "Aucune session ne correspond à ces critères."


# --- search ---------------------------------------------------------------------------------


def test_search_without_accent_finds_mobility_first(run: Run) -> None:
    assert ids(run, "search", "mobilite")[0] == "mobilite"
    result = run("search", "mobilité")
    assert result.exit_code == 0
    assert "La mobilité au cœur de la cohésion des territoires" in result.stdout


def test_search_json_adds_score(run: Run) -> None:
    data = json.loads(run("search", "transition", "juste", "--format", "json").stdout)
    assert data[0]["id"] == "transition-juste"
    assert list(data[0])[: len(SESSION_KEYS)] == SESSION_KEYS
    assert 0 < data[0]["score"] <= 100
    assert [d["score"] for d in data] == sorted((d["score"] for d in data), reverse=True)


def test_search_empty_query_is_a_usage_error(run: Run) -> None:
    result = run("search", "  ")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Recherche vide : indiquez au moins un mot."


# --- show -----------------------------------------------------------------------------------


def test_show_by_id_expands_acronyms(run: Run) -> None:
    result = run("show", "jop-sport")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "L'héritage des JOP 2024" in text
    assert "Mardi 4 mars 2025, 14:00–15:30" in text
    assert "Salle 2" in text
    assert "JOP : Jeux Olympiques et Paralympiques" in text
    assert "QPV : quartier prioritaire de la politique de la ville" in text
    assert "ZRR : zone de revitalisation rurale" in text
    assert "[à quoi ?, la pratique sportive ?]" in text  # brackets are data, not markup


def test_show_by_title_fragment_and_without_room(run: Run) -> None:
    result = run("show", "réemploi")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "Le réemploi au service de nouvelles coopérations" in text
    assert "Salle non précisée" in text


def test_show_json_gives_the_acronyms_the_session_uses(run: Run) -> None:
    data = json.loads(run("show", "IA", "--format", "json").stdout)
    assert data["id"] == "ia-debat"
    assert data["acronyms"] == {"IA": "intelligence artificielle"}


@pytest.mark.parametrize("form", ["table", "json"])
def test_show_ambiguous_lists_candidates(run: Run, form: str) -> None:
    result = run("show", "transition", "--format", form)
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "2 sessions correspondent à « transition » : précisez l'identifiant."
    )
    assert "transition-sociale" in result.stdout
    assert "transition-juste" in result.stdout
    if form == "json":
        assert sorted(r["id"] for r in json.loads(result.stdout)) == [
            "transition-juste",
            "transition-sociale",
        ]


def test_show_unknown(run: Run) -> None:
    result = run("show", "zzz")
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == "Aucune session « zzz ». Les identifiants sont affichés par « colloque list »."
    )


# --- grid, rooms, themes, days --------------------------------------------------------------


def test_rooms_with_counts(run: Run) -> None:
    data = json.loads(run("rooms", "--format", "json").stdout)
    assert [(r["name"], r["sessions"]) for r in data] == [
        ("Salle 1", 3),
        ("Salle 2", 3),
        ("Salle 3", 3),
        ("Salle 4", 3),
        ("Salle Corneille 1", 3),
        ("Salle Corneille 2", 3),
        ("Salle Flaubert", 3),
        ("Salle Plénière", 2),
        ("Plateau Radio", 3),
        ("Salle non précisée", 2),
    ]


def test_themes_with_counts(run: Run) -> None:
    data = json.loads(run("themes", "--format", "json").stdout)
    assert 8 <= len(data) <= 12
    assert all(item["sessions"] >= 2 for item in data)
    table = run("themes")
    assert "citoyennete-participation" in table.stdout


def test_days_with_counts(run: Run) -> None:
    data = json.loads(run("days", "--format", "json").stdout)
    assert [(d["day"], d["sessions"], d["slots"]) for d in data] == [
        ("mardi", 19, ["14:00-15:30", "17:45-19:15"]),
        ("mercredi", 9, ["09:00-10:30"]),
    ]
    csv_out = run("days", "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "date,day,label,slots,sessions"


# --- global options -------------------------------------------------------------------------


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"colloque {__version__}"


def test_other_programme_by_option_and_environment(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "autre.yaml"
    text = PROGRAMME.read_text(encoding="utf-8").replace(
        'title: "Sécurité et cohésion sociale"', 'title: "Sécurité, autrement"'
    )
    assert text != PROGRAMME.read_text(encoding="utf-8")
    other.write_text(text, encoding="utf-8")
    assert "Sécurité, autrement" in run("--programme", str(other), "show", "securite").stdout
    monkeypatch.setenv("COLLOQUE_PROGRAMME", str(other))
    assert "Sécurité, autrement" in run("show", "securite").stdout


def test_bad_programme_file_is_exit_1_with_location(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("colloque:\n  title: x\nslots: []\nsessions: []\nrooms: [1]\n", encoding="utf-8")
    result = run("--programme", str(bad), "list")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr.strip()
        == f"{bad}:5:9: rooms[0] : table de clés attendue, trouvé un nombre (1)"
    )


def test_unknown_option_is_a_french_usage_error(run: Run) -> None:
    result = run("list", "--jour", "mardi")
    assert result.exit_code == 2
    assert result.stderr.startswith("Erreur : Option inconnue : --jour.")
    assert "Aide : colloque list --help" in result.stderr


@pytest.mark.parametrize(
    "command", ["list", "search", "show", "grid", "rooms", "themes", "days", "export"]
)
def test_every_command_has_french_help(run: Run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Utilisation\u202f: colloque {command}")
    assert "Afficher cette aide et quitter." in result.stdout
    assert "Show this message" not in result.stdout


def test_an_ambiguous_name_lists_its_best_candidates_and_counts_the_rest(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A theme's id can name 60 000 sessions of a large programme: the table lists the best
    # matches only (as here, two of the eleven sessions of « solidarites-inclusion »), JSON all.
    from colloque_cli.cli import render

    monkeypatch.setattr(render, "CANDIDATES_SHOWN", 2)
    table = run("show", "solidarites-inclusion")
    listed = json.loads(run("show", "solidarites-inclusion", "--format", "json").stdout)
    assert table.exit_code == 1
    assert len(listed) > 2
    assert table.stderr.startswith(f"{len(listed)} sessions correspondent")
    shown = [r["id"] for r in listed if r["id"] in table.stdout]
    assert shown == [r["id"] for r in listed[:2]]
    assert f"… et {len(listed) - 2} autres sessions" in table.stdout
