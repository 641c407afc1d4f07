"""``colloque export --format frab-xml|frab-json``: valid, stable, and read back unchanged."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from colloque_cli.importers.writer import dump
from colloque_cli.programme.loader import parse_programme
from colloque_cli.programme.yamldialect import ProgrammeLoader
from conftest import PROGRAMME, Run

# copies of the published schemas (see fixtures/frab/README.md): a fresh clone checks them too
FORMATS = Path(__file__).parent / "fixtures" / "frab"
XSD = FORMATS / "schedule.xml.xsd"
JSON_SCHEMA = FORMATS / "schema.json"

SUMMER = """\
colloque:
  title: Université d'été <&> « test »
  timezone: Europe/Paris
rooms:
  - {id: cour, name: Cour d'honneur}
themes:
  - {id: musique, label: Musique}
  - {id: danse, label: Danse}
slots:
  - {id: soir, date: "2025-07-14", start: "21:00", end: "23:30"}
  - {id: nuit, date: "2025-10-25", start: "23:00", end: "04:00", end_date: "2025-10-26"}
sessions:
  - id: bal
    slot: soir
    room: cour
    title: "Bal <populaire> & feu d'artifice\\x01"
    subtitle: Place du village
    type: fête
    themes: [danse, musique]
    speakers: [Zoé Durand, Ahmed Benali]
    description: "Orchestre.\\n\\nDeuxième paragraphe : tout le monde danse."
  - id: veillee
    slot: nuit
    title: Veillée du changement d'heure
"""


def export(run: Run, fmt: str, *options: str, programme: Path | None = None) -> str:
    chosen = ("--programme", str(programme)) if programme else ()
    result = run(*chosen, "export", "--format", fmt, *options)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def programme_file(tmp_path: Path, text: str = SUMMER) -> Path:
    path = tmp_path / "ete.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def xsd() -> Any:
    import xmlschema

    return xmlschema.XMLSchema(str(XSD))


def json_validator() -> Any:
    from jsonschema import Draft6Validator

    # The published file may carry // comments (see its README): strip them.
    text = re.sub(r"(?m)^\s*//.*$", "", JSON_SCHEMA.read_text(encoding="utf-8"))
    return Draft6Validator(json.loads(text))


def comparable(run: Run, *args: str) -> list[dict[str, Any]]:
    """Every session as ``list --format json`` gives it, except its slot id, by id."""
    result = run(*args, "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return sorted(
        ({k: v for k, v in r.items() if k != "slot"} for r in json.loads(result.stdout)),
        key=lambda r: r["id"],
    )


# --- validity -------------------------------------------------------------------------------


def test_xml_export_of_the_shipped_programme_validates_against_the_xsd(run: Run) -> None:
    schema = xsd()
    text = export(run, "frab-xml")
    errors = list(schema.iter_errors(text))
    assert errors == []
    root = ET.fromstring(text)
    assert len(root.findall("./day/room/event")) == 28
    assert [d.get("date") for d in root.findall("day")] == ["2025-03-04", "2025-03-05"]


def test_xml_export_with_awkward_text_validates(tmp_path: Path, run: Run) -> None:
    schema = xsd()
    text = export(run, "frab-xml", programme=programme_file(tmp_path))
    assert list(schema.iter_errors(text)) == []
    event = ET.fromstring(text).find("./day/room/event")
    assert event is not None
    # The control character cannot be carried by XML: dropped; the rest is escaped.
    assert event.findtext("title") == "Bal <populaire> & feu d'artifice"
    assert [p.text for p in event.iter("person")] == ["Zoé Durand", "Ahmed Benali"]
    assert event.findtext("track") == "Danse ; Musique"


def test_json_export_validates_against_the_json_schema(tmp_path: Path, run: Run) -> None:
    validator = json_validator()
    for programme in (None, programme_file(tmp_path)):
        document = json.loads(export(run, "frab-json", programme=programme))
        assert [e.message for e in validator.iter_errors(document)] == []


# --- ids, guids, time zones ---------------------------------------------------------------------


def events_by_title(text: str) -> dict[str, ET.Element]:
    return {e.findtext("title") or "": e for e in ET.fromstring(text).iter("event")}


def test_ids_and_guids_are_stable_and_unique(run: Run) -> None:
    first = export(run, "frab-xml")
    assert export(run, "frab-xml") == first
    events = list(ET.fromstring(first).iter("event"))
    assert len({e.get("id") for e in events}) == len({e.get("guid") for e in events}) == 28
    for e in events:
        assert uuid.UUID(e.get("guid") or "").version == 5
        assert 0 < int(e.get("id") or "0") < 2**31
    # A selection keeps the numbers and guids of the whole programme's export.
    whole = events_by_title(export(run, "frab-xml"))
    for title, event in events_by_title(export(run, "frab-xml", "--day", "mercredi")).items():
        assert (event.get("id"), event.get("guid")) == (
            whole[title].get("id"),
            whole[title].get("guid"),
        )


def test_guid_is_a_uuid5_of_the_session_id(run: Run) -> None:
    from colloque_cli.exporters.frab import _NAMESPACE

    event = next(ET.fromstring(export(run, "frab-xml")).iter("event"))
    namespace = uuid.uuid5(_NAMESPACE, "renouveler_notre_pacte_2025")
    assert event.findtext("slug") == "renouveler_notre_pacte_2025-citoyens-acteurs"
    assert event.get("guid") == str(uuid.uuid5(namespace, "citoyens-acteurs"))


def test_offsets_follow_the_time_zone(tmp_path: Path, run: Run) -> None:
    march = next(ET.fromstring(export(run, "frab-xml")).iter("event"))
    assert march.findtext("date") == "2025-03-04T14:00:00+01:00"
    assert march.findtext("duration") == "01:30"
    summer = events_by_title(export(run, "frab-xml", programme=programme_file(tmp_path)))
    bal = summer["Bal <populaire> & feu d'artifice"]
    assert (bal.findtext("date"), bal.findtext("start"), bal.findtext("duration")) == (
        "2025-07-14T21:00:00+02:00",
        "21:00",
        "02:30",
    )
    # 23:00 to 04:00 across the end of summer time lasts six hours, not five.
    night = summer["Veillée du changement d'heure"]
    assert (night.findtext("date"), night.findtext("duration")) == (
        "2025-10-25T23:00:00+02:00",
        "06:00",
    )
    assert night.findtext("room") == ""


# --- round trips -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "suffix"), [("frab-xml", "xml"), ("frab-json", "json")])
def test_round_trip_gives_the_same_programme(
    tmp_path: Path, run: Run, fmt: str, suffix: str
) -> None:
    exported = tmp_path / f"schedule.{suffix}"
    exported.write_text(export(run, fmt), encoding="utf-8")
    back = tmp_path / "back.yaml"
    result = run("import", str(exported), "-o", str(back))
    assert result.exit_code == 0, result.stderr
    # Titles, rooms, times, themes — and ids, types, texts.
    assert comparable(run, "--programme", str(back)) == comparable(run)
    original = parse_programme(PROGRAMME.read_text(encoding="utf-8"))
    again = parse_programme(back.read_text(encoding="utf-8"))
    assert [(t.id, t.label) for t in again.themes] == [
        (t.id, t.label) for t in original.themes if any(t in s.themes for s in original.sessions)
    ]
    assert again.colloque.timezone == original.colloque.timezone
    assert again.colloque.title == original.colloque.title


def test_round_trip_of_nights_speakers_and_rooms_left_blank(tmp_path: Path, run: Run) -> None:
    source = programme_file(tmp_path)
    for fmt, suffix in (("frab-xml", "xml"), ("frab-json", "json")):
        exported = tmp_path / f"schedule.{suffix}"
        exported.write_text(export(run, fmt, programme=source), encoding="utf-8")
        back = tmp_path / f"back-{suffix}.yaml"
        assert run("import", str(exported), "-o", str(back)).exit_code == 0
        before = comparable(run, "--programme", str(source))
        # The control character is the one thing XML cannot carry.
        if fmt == "frab-xml":
            before[0]["title"] = before[0]["title"].replace("\x01", "")
        assert comparable(run, "--programme", str(back)) == before


# --- the YAML writer ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1).filter(lambda t: t.strip()))
def test_any_text_is_written_and_read_back_unchanged(text: str) -> None:
    document = {
        "colloque": {"title": text, "timezone": "Europe/Paris"},
        "rooms": [{"id": "a", "name": text}],
        "slots": [{"id": "s", "date": "2025-03-04", "start": "14:00", "end": "15:00"}],
        "sessions": [
            {
                "id": "x",
                "slot": "s",
                "room": "a",
                "title": text,
                "speakers": [text],
                "description": text,
            }
        ],
    }
    text_out = dump(document, header=["essai"])
    # Read back exactly as written (quoting, escapes, blocks), and a valid programme.
    assert yaml.load(text_out, Loader=ProgrammeLoader) == document
    assert parse_programme(text_out).sessions[0].id == "x"
