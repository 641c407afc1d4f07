"""``colloque validate`` and ``colloque schema``: every problem at once, located; the schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from colloque_cli.programme.loader import check_text, parse_programme
from colloque_cli.programme.yamldialect import ProgrammeLoader
from conftest import PROGRAMME, Run

FIXTURES = Path(__file__).parent / "fixtures"
FIVE = FIXTURES / "five-mistakes.yaml"


def write(tmp_path: Path, text: str, name: str = "programme.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL = """\
colloque:
  title: Essai
rooms:
  - {id: a, name: Salle A}
themes:
  - {id: t, label: Thème}
slots:
  - {id: s1, date: "2025-03-04", start: "14:00", end: "15:00"}
sessions:
  - {id: one, slot: s1, room: a, title: Un, themes: [t]}
"""


def test_five_different_mistakes_are_all_reported_with_their_lines(run: Run) -> None:
    result = run("validate", str(FIVE))
    assert result.exit_code == 1
    source = str(FIVE)
    assert result.stdout.splitlines() == [
        f"{source}:8:10: rooms[1].id : identifiant « amphi » en double (déjà utilisé par rooms[0])",
        f"{source}:15:57: slots[1].end : la fin (17:00) n'est pas après le début (18:00)",
        f"{source}:22:5: sessions[0] : clé inconnue « couleur » (clés permises : id, slot, "
        "room, title, subtitle, type, themes, description, speakers, allow_overlap)",
        f"{source}:26:11: sessions[1].room : salle inconnue « salle-z » "
        "(valeurs déclarées : amphi)",
        f"{source}:27:12: sessions[1].title : texte attendu, trouvé un nombre (2025)",
    ]
    assert result.stderr.strip() == f"5 problèmes dans {source}."


def test_each_position_points_at_the_faulty_text() -> None:
    lines = FIVE.read_text(encoding="utf-8").splitlines()
    problems, _ = check_text(FIVE.read_text(encoding="utf-8"), "f")
    found = [lines[p.line - 1][p.column - 1 :] for p in problems if p.line and p.column]
    assert [text.split(",")[0].rstrip("}") for text in found] == [
        "amphi",
        '"17:00"',
        "couleur: rouge",
        "salle-z",
        "2025",
    ]


def test_other_mistake_kinds_are_reported_together(tmp_path: Path, run: Run) -> None:
    text = MINIMAL.replace("title: Un, themes: [t]}", "title: Un, themes: [t, z]}") + (
        "  - {id: two, slot: s1, room: a, title: Deux}\n"
        "  - {id: one, slot: s9, title: Trois}\n"
        "  - {id: four, slot: s1}\n"
    )
    path = write(tmp_path, text)
    result = run("validate", str(path))
    assert result.exit_code == 1
    messages = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    assert messages == [
        "sessions[0].themes[1] : thème inconnu « z » (valeurs déclarées : t)",
        "sessions[1].room : chevauche « one » dans la même salle « a » "
        "(si c'est voulu, ajoutez « allow_overlap: true » à cette session)",
        "sessions[2].id : identifiant « one » en double (déjà utilisé par sessions[0])",
        "sessions[2].slot : créneau inconnu « s9 » (valeurs déclarées : s1)",
        "sessions[3] : champ obligatoire « title » manquant",
    ]
    assert result.stderr.strip() == f"5 problèmes dans {path}."


def test_a_wrong_type_and_a_dangling_reference_in_one_session_both_count() -> None:
    text = MINIMAL.replace("room: a, title: Un,", "room: zz, title: [Un],")
    problems, validated = check_text(text, "f.yaml")
    assert validated is None
    assert [str(p) for p in problems] == [
        "f.yaml:10:31: sessions[0].room : salle inconnue « zz » (valeurs déclarées : a)",
        "f.yaml:10:42: sessions[0].title : texte attendu, trouvé une liste",
    ]


def test_allow_overlap_silences_the_overlap_check(tmp_path: Path, run: Run) -> None:
    overlapping = MINIMAL + "  - {id: two, slot: s1, room: a, title: Deux}\n"
    assert run("validate", str(write(tmp_path, overlapping))).exit_code == 1
    allowed = MINIMAL + "  - {id: two, slot: s1, room: a, title: Deux, allow_overlap: true}\n"
    result = run("validate", str(write(tmp_path, allowed)))
    assert result.exit_code == 0, result.stdout
    assert (
        result.stdout
        == f"{tmp_path / 'programme.yaml'} est valide\u202f: 2 sessions, 1 créneau, 1 salle.\n"
    )


def test_parse_programme_still_raises_on_the_first_invalid_file(tmp_path: Path) -> None:
    from colloque_cli.errors import ProgrammeError

    with pytest.raises(ProgrammeError) as raised:
        parse_programme(FIVE.read_text(encoding="utf-8"), "five.yaml")
    assert len(raised.value.problems) == 5
    assert parse_programme(MINIMAL, "ok.yaml").session("one") is not None


def test_the_shipped_programme_is_valid(run: Run) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.endswith(" est valide\u202f: 28 sessions, 3 créneaux, 9 salles.\n")
    assert result.stderr == ""


def test_validate_defaults_to_the_global_programme_option(tmp_path: Path, run: Run) -> None:
    path = write(tmp_path, MINIMAL)
    result = run("--programme", str(path), "validate")
    assert result.exit_code == 0
    assert result.stdout == f"{path} est valide\u202f: 1 session, 1 créneau, 1 salle.\n"


def test_an_unreadable_file_is_one_problem(tmp_path: Path, run: Run) -> None:
    missing = tmp_path / "absent.yaml"
    result = run("validate", str(missing))
    assert result.exit_code == 1
    assert result.stdout == f"{missing}: fichier introuvable\n"
    assert result.stderr.strip() == f"1 problème dans {missing}."


def test_a_yaml_syntax_error_is_located(tmp_path: Path, run: Run) -> None:
    path = write(tmp_path, 'colloque:\n  title: "Essai\n')
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:3:1: ")


# --- schema ----------------------------------------------------------------------------------


def schema_from(run: Run) -> dict[str, object]:
    result = run("schema")
    assert result.exit_code == 0, result.stderr
    schema: dict[str, object] = json.loads(result.stdout)
    return schema


def load_yaml(path: Path) -> object:
    # Read as the language server does (YAML 1.2: 14:00 is a string), which is our loader's way.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=ProgrammeLoader)


def test_schema_is_valid_json_schema_and_accepts_the_shipped_programme(run: Run) -> None:
    from jsonschema import Draft202012Validator

    schema = schema_from(run)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = list(validator.iter_errors(load_yaml(PROGRAMME)))
    assert errors == []


def test_schema_rejects_the_mistakes_a_schema_can_express(run: Run) -> None:
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(schema_from(run))
    messages = sorted(e.message for e in validator.iter_errors(load_yaml(FIVE)))
    # Duplicate ids, references and times need the loader: a JSON Schema cannot say them.
    assert messages == [
        "2025 is not of type 'string'",
        "Additional properties are not allowed ('couleur' was unexpected)",
    ]


def test_schema_is_the_loader_models_schema(run: Run) -> None:
    from colloque_cli.programme.schema import SessionFile, json_schema

    schema = schema_from(run)
    assert schema == json_schema()
    defs = schema["$defs"]
    assert isinstance(defs, dict)
    assert list(defs["SessionFile"]["properties"]) == list(SessionFile.model_fields)


def test_schema_written_to_a_file(tmp_path: Path, run: Run) -> None:
    target = tmp_path / "programme.schema.json"
    result = run("schema", "-o", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Programme colloque"


def test_the_readme_example_programme_is_valid(tmp_path: Path, run: Run) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Utiliser votre propre programme", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = write(tmp_path, example)
    result = run("validate", str(path))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == f"{path} est valide\u202f: 1 session, 1 créneau, 1 salle.\n"
