"""Trim a real published schedule to a small test sample: ``python tools/trim_schedule.py``.

The real schedules stay in ``../shared/real-world`` (they are large, and not ours); the tests
that must run in a fresh clone without it read these samples instead. Each keeps the real
file's structure and text (every field, unicode, persons, links) for a few rooms and events:

- ``tests/fixtures/real/fosdem-2025-sample.xml``: FOSDEM 2025 (frab XML), the first three
  events of the first two rooms holding events on each day, and the tracks they use;
- ``tests/fixtures/real/36c3-sample.json``: 36C3 (frab JSON), the first three events of the
  first two rooms holding events on the first day, and the room of the zero-duration event
  (« Build and fly your own rockets in Kerbal Space Program ») on its day.

Deterministic: running it again gives the same files. ``--shared DIR`` when ``shared/`` is
not beside the repository (a git worktree).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "real-world"
OUT = ROOT / "tests" / "fixtures" / "real"
ROOMS, EVENTS = 2, 3


def trim_fosdem(source: Path, target: Path) -> None:
    tree = ET.parse(source)
    schedule = tree.getroot()
    used: set[str] = set()
    for day in schedule.findall("day"):
        kept = 0
        for room in list(day.findall("room")):
            events = room.findall("event")
            if not events or kept == ROOMS:
                day.remove(room)
                continue
            kept += 1
            for event in events[EVENTS:]:
                room.remove(event)
            used.update(e.findtext("track") or "" for e in room.findall("event"))
    tracks = schedule.find("tracks")
    if tracks is not None:
        for track in list(tracks):
            if (track.text or "") not in used:
                tracks.remove(track)
    ET.indent(tree, space="  ")
    tree.write(target, encoding="UTF-8", xml_declaration=True)


def trim_36c3(source: Path, target: Path) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    conference = data["schedule"]["conference"]
    days = []
    for day in conference["days"]:
        rooms = {}
        point = [
            name
            for name, events in day["rooms"].items()
            if any(e["duration"] == "00:00" and "Kerbal" in e["title"] for e in events)
        ]
        wanted = [name for name, events in day["rooms"].items() if events][:ROOMS]
        for name in (wanted if day is conference["days"][0] else []) + point:
            events = day["rooms"][name]
            keep = events[:EVENTS]
            keep += [e for e in events if e["duration"] == "00:00" and e not in keep]
            rooms[name] = keep
        if rooms:
            days.append({**day, "rooms": rooms})
    conference["days"] = days
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REAL.parent, help="dossier shared/")
    real = parser.parse_args().shared / "real-world"
    OUT.mkdir(parents=True, exist_ok=True)
    trim_fosdem(real / "fosdem-2025.xml", OUT / "fosdem-2025-sample.xml")
    trim_36c3(real / "ccc-36c3.json", OUT / "36c3-sample.json")


if __name__ == "__main__":
    main()
