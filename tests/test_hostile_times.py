"""Hostile times and sizes: clock changes, very long sessions, historic offsets, huge reports.

Every case goes through the real command; the frab exports are checked against the
published XSD and JSON Schema (``/work/shared/formats/frab``, copied in ``tests/fixtures``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from conftest import Run, Said
from test_frab_export import json_validator, xsd


def programme(
    *,
    timezone: str = "Europe/Paris",
    slots: str = '  - {id: a, date: "2025-03-04", start: "10:00", end: "11:00"}\n',
    sessions: str = "  - {id: s1, slot: a, room: r1, title: Un}\n",
    rooms: str = "  - {id: r1, name: Amphi}\n  - {id: r2, name: Amphi}\n",
) -> str:
    return (
        f"colloque:\n  title: Essai\n  timezone: {timezone}\n"
        f"rooms:\n{rooms}slots:\n{slots}sessions:\n{sessions}"
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_a_time_the_clock_change_skips(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        programme(slots='  - {id: a, date: "2025-03-30", start: "01:30", end: "02:45"}\n'),
    )
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:8:54: slots[0].end : l'heure 02:45 du 2025-03-30 n'existe pas dans le fuseau "
        "Europe/Paris (les horloges la sautent au changement d'heure) : choisissez une heure "
        "réelle\n"
    )


def test_validate_warns_about_a_time_that_happens_twice(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        programme(
            timezone="America/New_York",
            slots='  - {id: a, date: "2025-11-02", start: "01:30", end: "03:00"}\n',
        ),
    )
    result = run("validate", str(path))
    assert result.exit_code == 0, result.stdout
    assert result.stderr == (
        f"{path} : créneau « a » : l'heure 01:30 du 2025-11-02 existe deux fois dans le fuseau "
        "America/New_York (les horloges reculent au changement d'heure) : la première est "
        "retenue.\n"
    )
    assert result.stdout == f"{path} est valide\u202f: 1 session, 1 créneau, 2 salles.\n"


def test_a_flood_of_problems_is_cut_after_the_first_fifty(run: Run, tmp_path: Path) -> None:
    sessions = "".join(
        f"  - {{id: s{n}, slot: a, room: nulle, title: T, allow_overlap: true}}\n"
        for n in range(120)
    )
    path = write(tmp_path, programme(sessions=sessions))
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 51
    assert all("salle inconnue « nulle »" in line for line in lines[:50])
    assert lines[50] == "… et 70 autres problèmes."
    assert result.stderr == f"120 problèmes dans {path}.\n"
    listed = run("--programme", str(path), "list")
    assert listed.exit_code == 1
    assert listed.stderr.splitlines()[50:] == ["… et 70 autres problèmes."]


def frab_json(run: Run, path: Path) -> dict[str, Any]:
    result = run("--programme", str(path), "export", "--format", "frab-json")
    assert result.exit_code == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    assert list(json_validator().iter_errors(document)) == []
    return document


def frab_xml(run: Run, path: Path) -> str:
    result = run("--programme", str(path), "export", "--format", "frab-xml")
    assert result.exit_code == 0, result.stderr
    assert [str(e) for e in xsd().iter_errors(result.stdout)] == []
    return result.stdout


def test_two_rooms_with_one_name_keep_all_their_sessions(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        programme(
            sessions="  - {id: s1, slot: a, room: r1, title: Un}\n"
            "  - {id: s2, slot: a, room: r2, title: Deux}\n"
        ),
    )
    conference = frab_json(run, path)["schedule"]["conference"]
    rooms = conference["days"][0]["rooms"]
    assert {name: [e["title"] for e in events] for name, events in rooms.items()} == {
        "Amphi": ["Un"],
        "Amphi (r2)": ["Deux"],
    }
    assert [r["name"] for r in conference["rooms"]] == ["Amphi", "Amphi (r2)"]
    assert rooms["Amphi (r2)"][0]["room"] == "Amphi (r2)"
    xml = frab_xml(run, path)
    assert '<room name="Amphi (r2)"' in xml and "<room>Amphi (r2)</room>" in xml
    # read back, both sessions are still there, in two rooms
    out = tmp_path / "relu.yaml"
    exported = tmp_path / "export.json"
    exported.write_text(json.dumps(frab_json(run, path)), encoding="utf-8")
    assert run("import", str(exported), "-o", str(out)).exit_code == 0
    listed = json.loads(run("--programme", str(out), "list", "--format", "json").stdout)
    assert sorted((s["title"], s["room"]) for s in listed) == [
        ("Deux", "Amphi (r2)"),
        ("Un", "Amphi"),
    ]


@pytest.mark.parametrize("fmt", ["frab-xml", "frab-json"])
def test_a_session_of_100_hours_or_more_is_refused_by_frab(
    run: Run, tmp_path: Path, fmt: str
) -> None:
    path = write(
        tmp_path,
        programme(
            slots='  - {id: a, date: "2025-03-04", start: "10:00", end: "14:00", '
            'end_date: "2025-03-08"}\n'
        ),
    )
    result = run("--programme", str(path), "export", "--format", fmt)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Le format frab ne peut pas décrire une session de 100 heures ou plus : « s1 ». "
        "Exportez-les dans un autre format, ou choisissez d'autres jours (--day).\n"
    )


def test_99_hours_59_is_still_exported(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        programme(
            slots='  - {id: a, date: "2025-03-04", start: "10:00", end: "13:59", '
            'end_date: "2025-03-08"}\n'
        ),
    )
    assert "<duration>99:59</duration>" in frab_xml(run, path)
    event = frab_json(run, path)["schedule"]["conference"]["days"][0]["rooms"]["Amphi"][0]
    assert event["duration"] == "99:59"


def test_historic_offsets_with_seconds_are_written_in_utc(run: Run, tmp_path: Path) -> None:
    # Paris kept its mean solar time, +00:09:21, until 1911
    path = write(
        tmp_path, programme(slots='  - {id: a, date: "1900-03-04", start: "10:00", end: "11:00"}\n')
    )
    xml = frab_xml(run, path)
    assert "<date>1900-03-04T09:50:39Z</date>" in xml
    assert 'start="1900-03-04T09:50:39Z" end="1900-03-04T10:50:39Z"' in xml
    event = frab_json(run, path)["schedule"]["conference"]["days"][0]["rooms"]["Amphi"][0]
    assert (event["date"], event["end"], event["start"]) == (
        "1900-03-04T09:50:39Z",
        "1900-03-04T10:50:39Z",
        "10:00",
    )


def test_a_session_across_the_autumn_change_keeps_its_real_length(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path, programme(slots='  - {id: a, date: "2025-10-26", start: "01:30", end: "03:30"}\n')
    )
    assert "<duration>03:00</duration>" in frab_xml(run, path)
    event = frab_json(run, path)["schedule"]["conference"]["days"][0]["rooms"]["Amphi"][0]
    assert (event["date"], event["end"]) == (
        "2025-10-26T01:30:00+02:00",
        "2025-10-26T03:30:00+01:00",
    )


def test_next_counts_real_time_across_the_spring_change(run: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path, programme(slots='  - {id: a, date: "2025-03-30", start: "04:00", end: "05:00"}\n')
    )
    result = run("--programme", str(path), "next", "--at", "2025-03-30 01:00")
    assert result.exit_code == 0, result.stderr
    assert Said(result.stdout.splitlines()[0]) == "Prochain créneau à 04:00 (dans 2 h) :"
    now = run("--programme", str(path), "now", "--at", "2025-03-30T02:30:00+02:00")
    assert now.exit_code == 0, now.stderr
    assert "(dans 1 h 30)" in now.stdout
