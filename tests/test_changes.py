"""``colloque changes``: every kind of change, on the bundled programme and on FOSDEM."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from conftest import PROGRAMME, SHARED, Run

REAL = SHARED / "real-world"
NB = "\u202f"


def _dump(data: dict, path: Path) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def modified_copy(tmp_path: Path) -> Path:
    """The bundled programme with one change of every kind."""
    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    by_id = {s["id"]: s for s in data["sessions"]}
    freed = by_id["non-recours"]["room"]
    unassigned = next(s for s in data["sessions"] if s["slot"] == "mar-14h" and s["room"] is None)
    unassigned["room"] = by_id["citoyens-acteurs"]["room"]  # a room assigned at last
    by_id["citoyens-acteurs"]["room"] = freed  # moved to another room
    by_id["fresque-valeurs"].update(slot="mer-9h", room="pleniere")  # another day, time, room
    by_id["jop-sport"]["title"] = "Le sport, les JOP et nous"
    by_id["jop-sport"]["speakers"] = ["Anne Martin"]
    by_id["transition-sociale"]["description"] = "Un texte entièrement nouveau."
    by_id["ecoute-territoriale"]["type"] = "table ronde"
    by_id["ecoute-territoriale"]["themes"] = ["service-public"]
    by_id["enfants-jeunes"]["subtitle"] = "Pour les 6-18 ans"
    by_id["deni-democratique"]["id"] = "deni-democratique-2"  # renamed, same title and slot
    data["sessions"] = [s for s in data["sessions"] if s["id"] != "non-recours"]
    data["sessions"].append(
        {
            "id": "nouvelle",
            "slot": "mar-17h45",
            "room": None,
            "title": "Une session ajoutée",
            "type": "atelier",
            "description": "Ajoutée au dernier moment.",
        }
    )
    return _dump(data, tmp_path / "modifie.yaml")


def test_every_kind_of_change_on_the_bundled_programme(run: Run, tmp_path: Path) -> None:
    new = modified_copy(tmp_path)
    result = run("changes", str(PROGRAMME), str(new), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_id = {r["id"]: r for r in data["sessions"]}
    fields = {i: {f["field"]: (f["old"], f["new"]) for f in r["fields"]} for i, r in by_id.items()}
    assert set(by_id) == {
        "reemploi",
        "citoyens-acteurs",
        "fresque-valeurs",
        "jop-sport",
        "transition-sociale",
        "ecoute-territoriale",
        "enfants-jeunes",
        "deni-democratique-2",
        "non-recours",
        "nouvelle",
    }
    assert by_id["nouvelle"]["change"] == "new"
    assert by_id["non-recours"]["change"] == "cancelled"
    assert fields["reemploi"] == {"room": ("Salle non précisée", "Salle 1")}
    assert fields["citoyens-acteurs"] == {"room": ("Salle 1", "Salle Plénière")}
    # start and end move together: one « horaire » change, with the day
    assert fields["fresque-valeurs"] == {
        "when": ("mardi 4 mars 14:00–15:30", "mercredi 5 mars 09:00–10:30"),
        "room": ("Salle 3", "Salle Plénière"),
    }
    assert fields["jop-sport"]["title"][1] == "Le sport, les JOP et nous"
    assert fields["jop-sport"]["speakers"] == ("", "Anne Martin")
    assert set(fields["transition-sociale"]) == {"description"}
    original = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    label = {t["id"]: t["label"] for t in original["themes"]}
    before = next(s for s in original["sessions"] if s["id"] == "ecoute-territoriale")
    assert fields["ecoute-territoriale"] == {
        "type": (before["type"], "table ronde"),
        "themes": (", ".join(label[t] for t in before["themes"]), label["service-public"]),
    }
    assert fields["enfants-jeunes"] == {"subtitle": ("", "Pour les 6-18 ans")}
    renamed = by_id["deni-democratique-2"]
    assert (renamed["change"], renamed["old_id"], renamed["matched_by"]) == (
        "changed",
        "deni-democratique",
        "title+slot",
    )
    assert data["summary"] == (
        "1 nouvelle session, 1 session annulée, 3 sessions déplacées, 5 sessions modifiées"
    )


def test_table_groups_by_day_and_hour_and_says_old_and_new(run: Run, tmp_path: Path) -> None:
    result = run("changes", str(PROGRAMME), str(modified_copy(tmp_path)))
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("Mardi 4 mars 2025") < out.index("Mercredi 5 mars 2025")
    assert f"salle{NB}: Salle 1 → Salle Plénière" in out
    assert f"horaire{NB}: mardi 4 mars 14:00–15:30 → mercredi 5 mars 09:00–10:30" in out
    assert f"type{NB}: atelier → table ronde" in out
    assert "description modifiée" in out
    assert f"identifiant{NB}: deni-democratique → deni-democratique-2" in out
    assert f"Annulée{NB}: «{NB}La lutte contre le non-recours" in out
    assert f"Nouvelle{NB}: «{NB}Une session ajoutée{NB}»" in out
    # a long description is never quoted whole
    assert "entièrement nouveau" not in out


@pytest.mark.parametrize("width", ["60", "80", "120"])
def test_table_never_splits_a_word(run: Run, tmp_path: Path, monkeypatch, width: str) -> None:
    monkeypatch.setenv("COLUMNS", width)
    result = run("changes", str(PROGRAMME), str(modified_copy(tmp_path)))
    assert result.exit_code == 0, result.output
    words = set(re.findall(r"[\w-]+", result.stdout))
    for needed in ("deni-democratique-2", "citoyens-acteurs", "fresque-valeurs", "Plénière"):
        assert needed in words
    assert all(len(line) <= int(width) for line in result.stdout.splitlines())


def test_no_change_says_so_and_succeeds(run: Run) -> None:
    result = run("changes", str(PROGRAMME), str(PROGRAMME))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert result.stderr.strip() == "Aucun changement."
    as_json = run("changes", str(PROGRAMME), str(PROGRAMME), "-f", "json")
    assert json.loads(as_json.stdout)["sessions"] == []


def test_markdown_is_an_announcement(run: Run, tmp_path: Path) -> None:
    result = run("changes", str(PROGRAMME), str(modified_copy(tmp_path)), "-f", "markdown")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"# Modifications du programme{NB}: Renouveler notre pacte")
    assert lines[2] == (
        "1 nouvelle session, 1 session annulée, 3 sessions déplacées, 5 sessions modifiées."
    )
    assert "## Mardi 4 mars 2025" in lines
    assert (
        f"- **09:00–10:30** — Déplacée{NB}: **La fresque des valeurs républicaines** "
        "(Salle Plénière, `fresque-valeurs`)"
    ) in lines
    assert f"  - salle{NB}: Salle 3 → Salle Plénière" in lines


def test_atom_is_a_feed_a_reader_understands(run: Run, tmp_path: Path, monkeypatch) -> None:
    import feedparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741100000")
    new = modified_copy(tmp_path)
    result = run("changes", str(PROGRAMME), str(new), "-f", "atom", "--link", "https://x.fr/f")
    assert result.exit_code == 0, result.output
    root = ET.fromstring(result.stdout.encode())
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.tag == f"{atom}feed"
    for required in ("id", "title", "updated", "author"):  # RFC 4287 § 4.1.1
        assert root.find(f"{atom}{required}") is not None
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 10
    for entry in entries:
        for required in ("id", "title", "updated", "content"):
            assert entry.find(f"{atom}{required}") is not None
    parsed = feedparser.parse(result.stdout)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.updated == "2025-03-04T14:53:20Z"
    assert {e.title for e in parsed.entries} >= {
        f"Annulée{NB}: La lutte contre le non-recours aux droits et aux services",
        f"Nouvelle{NB}: Une session ajoutée",
    }
    # the same comparison published again keeps the ids (readers show nothing new)
    again = run("changes", str(PROGRAMME), str(new), "-f", "atom", "--link", "https://x.fr/f")
    assert again.stdout == result.stdout
    ids = [e.find(f"{atom}id").text for e in entries]
    assert len(set(ids)) == len(ids)


def test_colloque_title_correction_is_reported(run: Run, tmp_path: Path) -> None:
    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    data["colloque"]["title"] = "Renouveler le pacte social"
    new = _dump(data, tmp_path / "titre.yaml")
    result = run("changes", str(PROGRAMME), str(new))
    assert result.exit_code == 0, result.output
    assert f"Titre du colloque{NB}: Renouveler notre pacte social" in result.stdout
    assert "→ Renouveler le pacte social" in result.stdout


def test_unreadable_version_is_a_clear_error(run: Run, tmp_path: Path) -> None:
    result = run("changes", str(PROGRAMME), str(tmp_path / "absent.yaml"))
    assert result.exit_code == 1
    assert "absent.yaml" in result.stderr and "introuvable" in result.stderr
    assert "Traceback" not in result.output


# --- two versions of a real schedule ------------------------------------------------------


def _fosdem_second_version(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """FOSDEM 2025 with events moved, cancelled, retitled and renumbered (guid kept)."""
    source = REAL / "fosdem-2025.xml"
    tree = ET.parse(source)
    events = tree.getroot().findall(".//event")
    rooms = tree.getroot().findall(".//room")
    touched = {}
    # cancel one event
    cancelled = events[10]
    for room in rooms:
        if cancelled in list(room):
            room.remove(cancelled)
    touched["cancelled"] = cancelled.get("id")
    # retitle one
    events[20].find("title").text = "Un titre corrigé"
    touched["retitled"] = events[20].get("id")
    # move one an hour later
    start, moment = events[30].find("start"), events[30].find("date")
    later = datetime.fromisoformat(moment.text) + timedelta(hours=1)
    start.text, moment.text = later.strftime("%H:%M"), later.isoformat()
    touched["moved"] = events[30].get("id")
    # renumber and retitle one: only the frab guid says it is the same event
    touched["renumbered"] = events[40].get("id")
    events[40].set("id", "999999")
    events[40].find("slug").text = "fosdem-2025-999999-autre"
    events[40].find("title").text = "Un autre titre"
    path = tmp_path / "fosdem-2025-v2.xml"
    tree.write(path, encoding="utf-8", xml_declaration=True)
    return path, touched


def test_two_versions_of_a_real_schedule(run: Run, tmp_path: Path) -> None:
    first = REAL / "fosdem-2025.xml"
    assert first.is_file(), f"{first} is needed by this test"
    second, touched = _fosdem_second_version(tmp_path)
    result = run("changes", str(first), str(second), "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_old = {r["old_id"]: r for r in data["sessions"] if r["old_id"]}
    assert set(by_old) == set(touched.values())
    assert by_old[touched["cancelled"]]["change"] == "cancelled"
    assert [f["field"] for f in by_old[touched["retitled"]]["fields"]] == ["title"]
    assert by_old[touched["retitled"]]["fields"][0]["new"] == "Un titre corrigé"
    moved = by_old[touched["moved"]]
    assert moved["moved"] is True and [f["field"] for f in moved["fields"]] == ["when"]
    renumbered = by_old[touched["renumbered"]]
    assert (renumbered["change"], renumbered["id"], renumbered["matched_by"]) == (
        "changed",
        "999999",
        "guid",
    )
    assert not [r for r in data["sessions"] if r["change"] == "new"]


def test_pretalx_versions_are_compared_directly(run: Run, tmp_path: Path) -> None:
    first = REAL / "pretalx-democon.json"
    assert first.is_file(), f"{first} is needed by this test"
    data = json.loads(first.read_text(encoding="utf-8"))
    rooms = data["schedule"]["conference"]["days"][0]["rooms"]
    events = next(events for events in rooms.values() if events)
    event = events[0]
    event["title"] = "Titre revu"
    event["persons"] = []
    second = tmp_path / "democon-v2.json"
    second.write_text(json.dumps(data), encoding="utf-8")
    same = run("changes", str(first), str(first))
    assert (same.exit_code, same.stdout, same.stderr.strip()) == (0, "", "Aucun changement.")
    result = run("changes", str(first), str(second), "-f", "json")
    assert result.exit_code == 0, result.output
    [changed] = json.loads(result.stdout)["sessions"]
    assert changed["title"] == "Titre revu"
    assert [f["field"] for f in changed["fields"]] == ["title", "speakers"]
