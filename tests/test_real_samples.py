"""Trimmed samples of real published schedules (tests/fixtures/real, made by
tools/trim_schedule.py from ../shared/real-world): a fresh clone without ../shared still
imports, explores and re-exports real-world files. Expected values are read from the
samples themselves with the standard library, independently of the importer."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import Run
from test_frab_export import json_validator, xsd

REAL = Path(__file__).parent / "fixtures" / "real"
FOSDEM = REAL / "fosdem-2025-sample.xml"
CCC = REAL / "36c3-sample.json"
NB = "\u202f"


def imported(run: Run, source: Path, tmp_path: Path) -> Path:
    out = tmp_path / f"{source.stem}.yaml"
    result = run("import", str(source), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def listed(run: Run, programme: Path) -> list[dict[str, object]]:
    result = run("--programme", str(programme), "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_fosdem_sample_imports_every_event_and_exports_valid_frab_xml(
    run: Run, tmp_path: Path
) -> None:
    events = list(ET.parse(FOSDEM).getroot().iter("event"))
    assert len(events) == 12
    programme = imported(run, FOSDEM, tmp_path)
    rows = listed(run, programme)
    assert sorted(str(r["id"]) for r in rows) == sorted(str(e.get("id")) for e in events)
    by_id = {str(r["id"]): r for r in rows}
    for event in events:
        row = by_id[str(event.get("id"))]
        assert row["title"] == event.findtext("title")
        assert row["room"] == event.findtext("room")
        assert row["start"] == event.findtext("start")
    checked = run("validate", str(programme))
    assert checked.exit_code == 0, checked.stdout
    assert checked.stdout.startswith(f"{programme} est valide{NB}: 12 sessions")
    exported = run("--programme", str(programme), "export", "--format", "frab-xml")
    assert exported.exit_code == 0, exported.stderr
    assert list(xsd().iter_errors(exported.stdout)) == []
    again = [e.get("id") for e in ET.fromstring(exported.stdout).iter("event")]
    assert sorted(map(str, again)) == sorted(str(e.get("id")) for e in events)


def test_36c3_sample_keeps_its_zero_duration_event(run: Run, tmp_path: Path) -> None:
    data = json.loads(CCC.read_text(encoding="utf-8"))
    events = [
        event
        for day in data["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for event in room
    ]
    point = next(e for e in events if e["duration"] == "00:00")
    assert "Kerbal" in point["title"]
    programme = imported(run, CCC, tmp_path)
    rows = listed(run, programme)
    assert len(rows) == len(events)
    shown = run("--programme", str(programme), "show", str(point["id"]))
    assert shown.exit_code == 0, shown.stderr
    # a point in time: « 12:45 », not « 12:45–12:45 »
    assert point["start"] in shown.stdout and f"{point['start']}–" not in shown.stdout
    exported = run("--programme", str(programme), "export", "--format", "frab-json")
    assert exported.exit_code == 0, exported.stderr
    document = json.loads(exported.stdout)
    assert list(json_validator().iter_errors(document)) == []
    durations = {
        str(e["id"]): e["duration"]
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
    }
    assert durations[str(point["id"])] == "00:00"
    assert len(durations) == len(events)
