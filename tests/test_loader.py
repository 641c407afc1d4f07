"""The loader: the shipped programme, and every kind of problem located in the file."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from colloque_cli.errors import ProgrammeError
from colloque_cli.programme.loader import load_programme, parse_programme

MINIMAL = """\
colloque:
  title: Test
  timezone: Europe/Paris
rooms:
  - {id: a, name: Salle A}
  - {id: b, name: Salle B}
themes:
  - {id: t1, label: Thème un}
slots:
  - {id: s1, date: 2025-03-04, start: "14:00", end: "15:30"}
  - {id: s2, date: 2025-03-04, start: "09:00", end: "10:00"}
sessions:
  - {id: x, slot: s1, room: a, title: Session X, themes: [t1]}
  - {id: y, slot: s2, room: a, title: Session Y}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(text, "p.yaml")
    return [str(p) for p in caught.value.problems]


def test_shipped_programme_loads_in_chronological_order() -> None:
    programme = load_programme()
    assert len(programme.sessions) == 28
    assert [s.id for s in programme.slots] == ["mar-14h", "mar-17h45", "mer-9h"]
    assert [(s.date, s.start, s.end) for s in programme.slots] == [
        (date(2025, 3, 4), time(14, 0), time(15, 30)),
        (date(2025, 3, 4), time(17, 45), time(19, 15)),
        (date(2025, 3, 5), time(9, 0), time(10, 30)),
    ]
    assert [r.name for r in programme.rooms] == [
        "Salle 1",
        "Salle 2",
        "Salle 3",
        "Salle 4",
        "Salle Corneille 1",
        "Salle Corneille 2",
        "Salle Flaubert",
        "Salle Plénière",
        "Plateau Radio",
    ]
    starts = [s.slot.starts_at(programme.tz) for s in programme.sessions]
    assert starts == sorted(starts)
    assert [s.id for s in programme.sessions if s.room is None] == ["reemploi", "ia-debat"]
    assert programme.colloque.timezone == "Europe/Paris"
    assert programme.colloque.city == "Rouen"


def test_minimal_file_sorts_slots_and_keeps_unquoted_yaml_scalars_as_text() -> None:
    text = MINIMAL.replace('"14:00"', "14:00").replace("title: Session X", "title: no")
    programme = parse_programme(text, "p.yaml")
    assert [s.id for s in programme.sessions] == ["y", "x"]
    assert programme.session("x").slot.start == time(14, 0)  # not sexagesimal 840
    assert programme.session("x").title == "no"  # not the boolean False


def test_unknown_key_is_located_with_the_allowed_keys() -> None:
    text = MINIMAL.replace("title: Session Y}", "title: Session Y, salle: a}")
    assert problems(text) == [
        "p.yaml:14:50: sessions[1] : clé inconnue « salle » (clés permises : id, slot, room, "
        "title, subtitle, type, themes, description, speakers, allow_overlap)"
    ]


def test_wrong_type_missing_field_and_bad_time_are_all_reported() -> None:
    text = (
        MINIMAL.replace("title: Test", "title: [Test]")
        .replace("{id: b, name: Salle B}", "{id: b}")
        .replace('end: "10:00"', 'end: "25:00"')
    )
    assert problems(text) == [
        "p.yaml:2:10: colloque.title : texte attendu, trouvé une liste",
        "p.yaml:6:5: rooms[1] : champ obligatoire « name » manquant",
        "p.yaml:11:53: slots[1].end : heure invalide « 25:00 » (format attendu HH:MM, de 00:00 à 23:59)",
    ]


def test_impossible_date() -> None:
    assert problems(
        MINIMAL.replace('date: 2025-03-04, start: "09:00"', 'date: 2025-02-30, start: "09:00"')
    ) == [
        "p.yaml:11:20: slots[1].date : date invalide « 2025-02-30 » (format attendu AAAA-MM-JJ, date réelle)"
    ]


def test_cross_references_duplicates_end_before_start_and_overlaps() -> None:
    text = (
        MINIMAL.replace("{id: b, name: Salle B}", "{id: a, name: Salle B}")
        .replace("room: a, title: Session Y", "room: z, title: Session Y")
        .replace('start: "14:00", end: "15:30"', 'start: "16:00", end: "15:30"')
        .replace("themes: [t1]", "themes: [t9]")
    )
    assert problems(text) == [
        "p.yaml:6:10: rooms[1].id : identifiant « a » en double (déjà utilisé par rooms[0])",
        "p.yaml:10:53: slots[0].end : la fin (15:30) n'est pas après le début (16:00)",
        "p.yaml:13:59: sessions[0].themes[0] : thème inconnu « t9 » (valeurs déclarées : t1)",
        "p.yaml:14:29: sessions[1].room : salle inconnue « z » (valeurs déclarées : a)",
    ]


def test_two_sessions_in_one_room_at_the_same_time() -> None:
    text = MINIMAL + "  - {id: w, slot: s1, room: a, title: Session W}\n"
    assert problems(text) == [
        "p.yaml:15:29: sessions[2].room : chevauche « x » dans la même salle « a » (si c'est voulu, ajoutez « allow_overlap: true » à cette session)"
    ]


def test_duplicate_key_in_a_mapping() -> None:
    text = MINIMAL.replace("  title: Test\n", "  title: Test\n  title: Autre\n")
    assert problems(text) == ["p.yaml:3:3: clé « title » en double dans la même table"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "p.yaml : fichier vide : aucun programme à lire"),
        ("- a\n- b\n", "p.yaml:1:1: le fichier doit être une table de clés"),
        ("colloque: {title: x\n", "p.yaml:2:1: accolade « { » non fermée ou virgule manquante"),
        ("colloque:\n\ttitle: x\n", "p.yaml:2:1: tabulation interdite en YAML"),
        (
            "x: !!python/object/apply:os.system [echo pwned]\n",
            "p.yaml:1:4: étiquette YAML non autorisée « tag:yaml.org,2002:python/object/apply:os.system »",
        ),
    ],
)
def test_unreadable_yaml(text: str, expected: str) -> None:
    found = problems(text)
    assert len(found) == 1
    assert found[0].startswith(expected), found[0]


def test_alias_bomb_is_refused_without_expanding_it() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 10):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    found = problems("\n".join(lines) + "\n")
    assert len(found) == 1
    assert "trop d'alias YAML imbriqués" in found[0]


def test_a_file_not_in_utf8_names_its_first_bad_byte(tmp_path: Path) -> None:
    # (a missing file, a folder, UTF-16: test_hostile_files, through every command)
    path = tmp_path / "p.yaml"
    path.write_bytes(b"colloque: \xe9t\xe9\n")
    with pytest.raises(ProgrammeError) as caught:
        load_programme(path)
    assert str(caught.value).startswith(
        f"{path}:1:11: le fichier n'est pas encodé en UTF-8 (octet 0xe9 invalide)"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("09", "texte attendu, trouvé un nombre (9)"),  # YAML 1.2 decimal, not bad octal
        ("012", "texte attendu, trouvé un nombre (12)"),
        ("!!int zz", "valeur impossible pour son étiquette YAML (!!int, !!float, !!bool)"),
        ("!!bool peut-être", "valeur impossible pour son étiquette YAML (!!int, !!float, !!bool)"),
        ("!!float abc", "valeur impossible pour son étiquette YAML (!!int, !!float, !!bool)"),
    ],
)
def test_numbers_and_typed_scalars_are_reported_not_crashed_on(value: str, message: str) -> None:
    text = MINIMAL.replace("title: Test", f"title: {value}", 1)
    assert text != MINIMAL
    (problem,) = problems(text)
    assert problem.startswith("p.yaml:")
    assert problem.endswith(message)
