"""``colloque export`` in every format; the calendar is read back as calendar applications do."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from colloque_cli.exporters.markdown import md
from colloque_cli.programme.loader import load_programme
from conftest import PROGRAMME, Run


@pytest.fixture(scope="module")
def programme():  # type: ignore[no-untyped-def]
    return load_programme(PROGRAMME)


def export(run: Run, *args: str) -> bytes:
    result = run("export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_the_whole_programme_as_ics(run: Run, programme) -> None:
    data = export(run, "--format", "ics")
    calendar = Calendar.from_ical(data)
    assert str(calendar["VERSION"]) == "2.0"
    assert "colloque" in str(calendar["PRODID"])
    found = events(data)
    assert len(found) == 28
    tz = programme.tz
    for session in programme.sessions:
        event = found[f"{session.id}@{programme.identity}"]
        start, end = event["DTSTART"], event["DTEND"]  # type: ignore[index]
        assert start.params["TZID"] == "Europe/Paris"
        assert end.params["TZID"] == "Europe/Paris"
        assert start.dt == session.slot.starts_at(tz)
        assert end.dt == session.slot.ends_at(tz)
        # March in Rouen is UTC+1: the local hour minus one.
        assert start.dt.astimezone(UTC) == datetime.combine(
            session.slot.date, session.slot.start, tzinfo=UTC
        ) - timedelta(hours=1)
        assert str(event["SUMMARY"]) == session.title  # type: ignore[index]
        room = f"{session.room.name}, Rouen" if session.room else "Rouen"
        assert str(event["LOCATION"]) == room  # type: ignore[index]
        assert session.description in str(event["DESCRIPTION"])  # type: ignore[index]
        assert list(event["CATEGORIES"].cats) == [t.label for t in session.themes]  # type: ignore[index]
        assert event["DTSTAMP"].dt.tzinfo is not None  # type: ignore[index]


def test_known_instants_and_rooms(run: Run) -> None:
    found = events(export(run, "--format", "ics"))
    uid = "@2025-03-04-renouveler-notre-pacte-social-un-defi-pour-les-territoires"
    first = found["citoyens-acteurs" + uid]
    assert first["DTSTART"].dt.astimezone(UTC) == datetime(2025, 3, 4, 13, 0, tzinfo=UTC)  # type: ignore[index]
    assert first["DTEND"].dt.astimezone(UTC) == datetime(2025, 3, 4, 14, 30, tzinfo=UTC)  # type: ignore[index]
    assert str(first["LOCATION"]) == "Salle 1, Rouen"  # type: ignore[index]
    assert str(found["reemploi" + uid]["LOCATION"]) == "Rouen"  # type: ignore[index]
    morning = found["fake-news" + uid]
    assert morning["DTSTART"].dt.astimezone(UTC) == datetime(2025, 3, 5, 8, 0, tzinfo=UTC)  # type: ignore[index]
    assert str(morning["SUMMARY"]).startswith("Fake news, désinformation")  # type: ignore[index]


def test_the_vtimezone_matches_paris(run: Run) -> None:
    calendar = Calendar.from_ical(export(run, "--format", "ics"))
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Paris"]
    zone = zones[0].to_tz()
    assert datetime(2025, 3, 4, 14, 0, tzinfo=zone).utcoffset() == timedelta(hours=1)
    assert datetime(2025, 7, 4, 14, 0, tzinfo=zone).utcoffset() == timedelta(hours=2)


def test_ics_lines_end_in_crlf_and_fold_at_75_octets(run: Run) -> None:
    data = export(run, "--format", "ics")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # long texts really are folded
    data.decode("utf-8")  # folding never splits a character


def test_uids_and_content_are_stable_across_exports(run: Run, tmp_path: Path) -> None:
    assert export(run, "--format", "ics") == export(run, "--format", "ics")
    copy = tmp_path / "programme.yaml"
    copy.write_bytes(PROGRAMME.read_bytes())
    revised = datetime(2025, 2, 1, 12, 0, tzinfo=UTC)
    os.utime(copy, (revised.timestamp(), revised.timestamp()))
    moved = run("--programme", str(copy), "export", "--format", "ics").stdout_bytes
    original, elsewhere = events(export(run, "--format", "ics")), events(moved)
    assert set(original) == set(elsewhere)
    # DTSTAMP: when the programme was last revised (its file's modification time).
    assert {e["DTSTAMP"].dt for e in elsewhere.values()} == {revised}  # type: ignore[attr-defined]


def test_source_date_epoch_fixes_dtstamp(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1740000000")
    found = events(export(run, "--format", "ics", "--day", "mercredi"))
    assert len(found) == 9
    stamps = {e["DTSTAMP"].dt for e in found.values()}  # type: ignore[attr-defined]
    assert stamps == {datetime.fromtimestamp(1740000000, UTC)}


def test_filters_and_agenda_select_the_events(run: Run) -> None:
    assert len(events(export(run, "--format", "ics", "--room", "salle 1"))) == 3
    run("agenda", "add", "fresque-valeurs", "mobilite", "ia-debat")
    mine = export(run, "--format", "ics", "--agenda")
    assert sorted(uid.split("@")[0] for uid in events(mine)) == [
        "fresque-valeurs",
        "ia-debat",
        "mobilite",
    ]
    assert len(events(export(run, "--format", "ics", "--agenda", "--day", "mardi"))) == 2
    # « agenda export » is « export --agenda », in iCalendar by default.
    shortcut = run("agenda", "export")
    assert shortcut.exit_code == 0, shortcut.stderr
    assert shortcut.stdout_bytes == mine


def test_export_agenda_with_an_empty_agenda(run: Run) -> None:
    result = run("export", "--agenda")
    assert result.exit_code == 1
    assert "Votre agenda est vide" in result.stderr


def test_output_file_gets_the_same_bytes(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "colloque.ics"
    result = run("export", "--format", "ics", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert "28 sessions exportées vers" in result.stderr
    assert target.read_bytes() == export(run, "--format", "ics")


def test_json_export_is_the_list_json(run: Run) -> None:
    listed = run("list", "--format", "json")
    assert export(run, "--format", "json") == listed.stdout_bytes
    assert len(json.loads(listed.stdout)) == 28


def test_csv_export_reads_back_as_a_spreadsheet_would(run: Run, programme) -> None:
    text = export(run, "--format", "csv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 28
    assert list(rows[0])[:3] == ["id", "date", "day"]
    assert [r["id"] for r in rows] == [s.id for s in programme.sessions]
    assert rows[0]["room"] == "Salle 1"


def test_markdown_export_is_a_printable_programme(run: Run, programme) -> None:
    text = export(run, "--format", "markdown").decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# Renouveler notre pacte social : un défi pour les territoires"
    assert "Colloque national — Rouen, les 4 et 5 mars 2025" in lines
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == [
        "## Mardi 4 mars 2025, 14:00–15:30",
        "## Mardi 4 mars 2025, 17:45–19:15",
        "## Mercredi 5 mars 2025, 09:00–10:30",
    ]
    titles = [line.removeprefix("### ") for line in lines if line.startswith("### ")]
    assert titles == [md(s.title) for s in programme.sessions]
    # Text from the data stays text: the brackets of a description are escaped.
    assert "\\[à quoi ?, la pratique sportive ?\\]" in text
    mardi = export(run, "--format", "markdown", "--day", "mardi").decode("utf-8")
    assert mardi.count("\n## ") == 2


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("Plain text, é", "Plain text, é"),
        ("# not a heading", "\\# not a heading"),
        ("*not* _em_ [link](x) <b>", "\\*not\\* \\_em\\_ \\[link\\](x) \\<b\\>"),
        ("1. not a list\n- nor this", "1\\. not a list\n\\- nor this"),
        ("a | b `c`", "a \\| b \\`c\\`"),
    ],
)
def test_markdown_escaping(raw: str, escaped: str) -> None:
    assert md(raw) == escaped
