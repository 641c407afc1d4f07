"""``colloque import``: frab XML and JSON schedules become valid programme files."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from colloque_cli.importers.html_text import html_to_text
from colloque_cli.programme.loader import load_programme
from colloque_cli.programme.yamldialect import ProgrammeLoader
from conftest import Run

FIXTURES = Path(__file__).parent / "fixtures"
MINI_XML = FIXTURES / "mini-schedule.xml"
MINI_JSON = FIXTURES / "mini-schedule.json"


def imported(run: Run, source: Path, tmp_path: Path, *args: str) -> tuple[Path, str]:
    out = tmp_path / f"{source.stem}.yaml"
    result = run("import", str(source), "-o", str(out), *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    return out, result.stderr


def records(run: Run, programme: Path, *args: str) -> list[dict[str, object]]:
    result = run("--programme", str(programme), *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


# --- a small hand-written schedule.xml -------------------------------------------------------


def test_xml_import_builds_the_expected_programme(tmp_path: Path, run: Run) -> None:
    out, _ = imported(run, MINI_XML, tmp_path)
    data = yaml.load(out.read_text(encoding="utf-8"), Loader=ProgrammeLoader)
    assert data["colloque"] == {
        "title": "Rencontres de démonstration",
        "subtitle": "Deuxième édition",
        "city": "Toulouse",
        "venue": "Halle aux grains",
        "timezone": "Europe/Paris",
        "dates": ["2025-03-07", "2025-03-08"],
    }
    # Rooms with events only, in the file's order; ids made from the names.
    assert data["rooms"] == [
        {"id": "amphi-a", "name": "Amphi A"},
        {"id": "salle-1-04-turing", "name": "Salle 1.04 (Turing)"},
    ]
    assert data["themes"] == [
        {"id": "logiciel-libre", "label": "Logiciel libre"},
        {"id": "cartographie", "label": "Cartographie"},
    ]
    assert data["slots"] == [
        {"id": "2025-03-07-1000-1100", "date": "2025-03-07", "start": "10:00", "end": "11:00"},
        {"id": "2025-03-07-1015-1025", "date": "2025-03-07", "start": "10:15", "end": "10:25"},
        # a zero-duration event is a point in time, kept
        {"id": "2025-03-07-1200-1200", "date": "2025-03-07", "start": "12:00", "end": "12:00"},
        {
            "id": "2025-03-07-2330-0100-j1",
            "date": "2025-03-07",
            "start": "23:30",
            "end": "01:00",
            "end_date": "2025-03-08",
        },
        {"id": "2025-03-08-0930-1015", "date": "2025-03-08", "start": "09:30", "end": "10:15"},
    ]
    first, nested, point, night, workshop = data["sessions"]
    assert (point["id"], point["slot"]) == ("104", "2025-03-07-1200-1200")
    assert first == {
        "id": "101",
        "slot": "2025-03-07-1000-1100",
        "room": "amphi-a",
        "title": "Cartes libres pour tous",
        "subtitle": "OpenStreetMap au quotidien",
        "type": "conférence",
        "themes": ["cartographie"],
        "speakers": ["Alice Martin", "Bruno Diallo"],
        "description": "Une introduction à OpenStreetMap (https://www.openstreetmap.org) "
        "& ses outils.\n\n- éditer\n- exporter\n\nApportez votre ordinateur.",
    }
    assert nested["id"] == "102" and nested["allow_overlap"] is True
    assert (night["id"], night["type"], "description" in night) == ("103", "soirée", False)
    # No <date>, no <room>: the day's date and the enclosing room.
    assert workshop["room"] == "salle-1-04-turing"
    assert workshop["description"] == "Manipuler des données avec Python ; 2 < 3 reste vrai."
    assert workshop["title"] == "Atelier Python & données"


def squash(text: str) -> str:
    """Text without any whitespace: messages on stderr are wrapped to the terminal's width."""
    return "".join(text.split())


def test_xml_import_reports_what_it_skipped(tmp_path: Path, run: Run) -> None:
    _, messages = imported(run, MINI_XML, tmp_path)
    expected = [
        "1 événement sans date, heure ou durée lisible ignoré : "
        "105 « Séance à l'horaire illisible ».",
        "1 salle sans événement non reprise.",
        "1 thème (tracks) sans événement non repris.",
        "1 session chevauche une autre dans la même salle (sessions imbriquées) : "
        "gardées, avec « allow_overlap: true ».",
        "Champs non repris dans le programme : conference.base_url (1), conference.mascot (1), "
        "language (1), links (1), url (1).",
        f"Importé dans {tmp_path / 'mini-schedule.yaml'} : 5 sessions, 2 salles, 2 thèmes, "
        "5 créneaux ; 1 événement non repris (voir plus haut).",
        f"Pour l'explorer : colloque --programme {tmp_path / 'mini-schedule.yaml'} list",
    ]
    assert squash(messages) == squash("".join(expected))


def test_imported_file_is_valid_and_every_command_works(tmp_path: Path, run: Run) -> None:
    out, _ = imported(run, MINI_XML, tmp_path)
    result = run("validate", str(out))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == f"{out} est valide\u202f: 5 sessions, 5 créneaux, 2 salles.\n"
    assert [r["id"] for r in records(run, out, "list", "--day", "vendredi")] == [
        "101",
        "102",
        "104",
        "103",
    ]
    assert [r["id"] for r in records(run, out, "list", "--room", "turing")] == ["201"]
    assert [r["id"] for r in records(run, out, "search", "openstreetmap")] == ["101"]
    show = run("--programme", str(out), "show", "101")
    assert show.exit_code == 0
    assert "Intervenants  Alice Martin, Bruno Diallo" in show.stdout
    long = run("--programme", str(out), "list", "--long", "--room", "amphi")
    assert long.exit_code == 0
    assert long.stdout.count("Intervenants\u202f: Alice Martin, Bruno Diallo") == 1
    assert [r["speakers"] for r in records(run, out, "list", "--day", "samedi")] == [
        ["Chloé Nguyen"]
    ]
    for command in (["grid"], ["rooms"], ["themes"], ["days"], ["export", "-f", "csv"]):
        assert run("--programme", str(out), *command).exit_code == 0, command


def test_zero_duration_event_is_a_point_in_time(tmp_path: Path, run: Run) -> None:
    out, _ = imported(run, MINI_XML, tmp_path)
    show = run("--programme", str(out), "show", "104")
    assert show.exit_code == 0, show.stderr
    assert "Vendredi 7 mars 2025, 12:00 " in show.stdout  # not « 12:00 – 12:00 »
    table = run("--programme", str(out), "list", "--room", "amphi", "--time", "12:00")
    assert table.stdout.startswith("Vendredi 7 mars 2025 · 12:00\n")  # piped: no padding
    xml = tmp_path / "back.xml"
    exported = run("--programme", str(out), "export", "-f", "frab-xml", "-o", str(xml))
    assert exported.exit_code == 0, exported.stderr
    assert "<start>12:00</start>\n        <duration>00:00</duration>" in xml.read_text()
    again, messages = imported(run, xml, tmp_path)
    assert "ignoré" not in messages
    assert [r["start"] for r in records(run, again, "list") if r["id"] == "104"] == ["12:00"]
    assert run("validate", str(again)).exit_code == 0


def test_night_session_keeps_its_end_date(tmp_path: Path, run: Run) -> None:
    out, _ = imported(run, MINI_XML, tmp_path)
    night = load_programme(out).session("103")
    assert night is not None
    assert (night.slot.date.isoformat(), night.slot.end_date.isoformat()) == (  # type: ignore[union-attr]
        "2025-03-07",
        "2025-03-08",
    )


def test_import_to_stdout(run: Run) -> None:
    result = run("import", str(MINI_XML))
    assert result.exit_code == 0
    assert result.stdout.startswith("# Programme importé de mini-schedule.xml")
    assert (
        "Importé : 5 sessions, 2 salles, 2 thèmes, 5 créneaux ; 1 événement non repris"
        in result.stderr
    )


def test_import_never_overwrites_without_force(tmp_path: Path, run: Run) -> None:
    out = tmp_path / "programme.yaml"
    out.write_text("mon travail\n", encoding="utf-8")
    result = run("import", str(MINI_XML), "-o", str(out))
    assert result.exit_code == 1
    assert "existe déjà" in result.stderr
    assert out.read_text(encoding="utf-8") == "mon travail\n"
    assert run("import", str(MINI_XML), "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Programme importé")


def test_import_refuses_to_replace_its_own_source(tmp_path: Path, run: Run) -> None:
    source = tmp_path / "schedule.xml"
    source.write_bytes(MINI_XML.read_bytes())
    result = run("import", str(source), "-o", str(source), "--force")
    assert result.exit_code == 1
    assert source.read_bytes() == MINI_XML.read_bytes()


def test_timezone_option_converts_times(tmp_path: Path, run: Run) -> None:
    out, _ = imported(run, MINI_XML, tmp_path, "--timezone", "UTC")
    first = load_programme(out).session("101")
    assert first is not None
    assert (first.slot.start.isoformat(), load_programme(out).colloque.timezone) == (
        "09:00:00",
        "UTC",
    )
    bad = run("import", str(MINI_XML), "--timezone", "Mars/Olympus")
    assert bad.exit_code == 1
    assert "Fuseau horaire inconnu « Mars/Olympus »" in bad.stderr


# --- a small hand-written schedule.json -------------------------------------------------------


def test_json_import(tmp_path: Path, run: Run) -> None:
    out, messages = imported(run, MINI_JSON, tmp_path)
    programme = load_programme(out)
    assert programme.colloque.timezone == "Europe/Berlin"
    assert [(r.id, r.name) for r in programme.rooms] == [
        ("tente-nord", "Tente Nord"),
        ("atelier-annexe", "Atelier annexe"),
    ]
    rows = [
        (s.id, s.slot.hours, s.room.id if s.room else None, [t.id for t in s.themes], s.speakers)
        for s in programme.sessions
    ]
    assert rows == [
        ("7", "14:00–15:00", "tente-nord", ["hardware"], ("Dana", "Eli")),
        ("8", "16:00–16:30", "atelier-annexe", [], ()),
        # Same numeric id twice: the second gets a suffix. Its end comes from "end".
        ("7-2", "23:00–01:30", "tente-nord", ["art"], ()),
    ]
    souder = programme.session("7")
    assert souder is not None and souder.description == "Les bases de la soudure."
    assert squash(
        "Champs non repris dans le programme : attachments (3), base_url (1), do_not_record (1), "
        "language (3), links (3), recording_license (1), url (3)."
    ) in squash(messages)


# --- malformed and hostile input --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<schedule><conference>", "XML illisible"),
        (b"<html><body/></html>", "ce n'est pas un programme frab (élément racine <html>"),
        (b'{"schedule": {"conference": {"days": []}}}', "Aucun événement importable"),
        (b'{"schedule": ', "JSON illisible"),
        (b"title: not a schedule", "format non reconnu"),
        (b"\xff\xfe<\x00", "format non reconnu"),
    ],
)
def test_unusable_files_fail_cleanly(
    tmp_path: Path, run: Run, content: bytes, message: str
) -> None:
    path = tmp_path / "bad"
    path.write_bytes(content)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert squash(message) in squash(result.stderr)
    assert result.stdout == ""


def test_xml_entities_are_refused(tmp_path: Path, run: Run) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><schedule>&b;</schedule>'
    )
    path = tmp_path / "bomb.xml"
    path.write_bytes(bomb)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert "entités" in result.stderr


def test_missing_file(tmp_path: Path, run: Run) -> None:
    result = run("import", str(tmp_path / "absent.xml"))
    assert result.exit_code == 1
    assert "fichier introuvable" in result.stderr


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.mkdir(), "c'est un dossier, pas un fichier de programme"),
        (
            lambda p: p.write_bytes(b"") or os.truncate(p, 512 * 2**20 + 1),
            "fichier trop volumineux (plus de 512 Mo)",
        ),
    ],
    ids=["dossier", "trop-gros"],
)
def test_a_file_that_cannot_be_read_is_named_with_its_reason(
    tmp_path: Path, run: Run, make: Callable[[Path], object], reason: str
) -> None:
    path = tmp_path / "schedule.xml"
    make(path)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(f"{path} : {reason}.")


# --- HTML to text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Un</p><p>Deux</p>", "Un\n\nDeux"),
        ("a<br>b<br/>c", "a\nb\nc"),
        ("<ul>\n<li>x</li>\n<li>y</li>\n</ul>", "- x\n- y"),
        ("<ol><li>x</li><li>y</li></ol>", "1. x\n2. y"),
        ('<a href="https://a.org">site</a>', "site (https://a.org)"),
        ('<a href="https://a.org">https://a.org</a>', "https://a.org"),
        ("<p>R&amp;D &lt;3</p>", "R&D <3"),
        ("<script>alert(1)</script><p>ok</p>", "ok"),
        ("plain <fw1> text & more", "plain <fw1> text & more"),
        ("ligne   \n\n\n\nautre", "ligne\n\nautre"),
    ],
)
def test_html_to_text(html: str, text: str) -> None:
    assert html_to_text(html) == text


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_a_new_output_file_is_private_whatever_the_umask(
    tmp_path: Path, run: Run, umask: int
) -> None:
    """User data is nobody else's to read or change (issue 20: 0666 under umask 000)."""
    import os

    before = os.umask(umask)
    try:
        out, _ = imported(run, MINI_XML, tmp_path)
    finally:
        os.umask(before)
    assert out.stat().st_mode & 0o777 == 0o600
