"""Real published schedules (../shared/real-world), imported and explored.

They belong to their events and are not copied here (a few events of two of them are:
fixtures/real, see test_real_samples.py): when that folder is absent, these tests fail (a
missing file must not pass as a green run). Every expected count is computed from the source file itself, with the standard
library, independently of the importer.
"""

from __future__ import annotations

import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from colloque_cli.cli import app
from conftest import SHARED, Run

REAL = SHARED / "real-world"
FOSDEM_2025 = REAL / "fosdem-2025.xml"


def source(name: str) -> Path:
    path = REAL / name
    if not path.is_file():
        pytest.fail(f"programme réel absent : {path}")
    return path


@pytest.fixture(scope="module")
def fosdem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FOSDEM 2025 imported once for the module, through the real command."""
    xml = source("fosdem-2025.xml")
    out = tmp_path_factory.mktemp("fosdem") / "fosdem.yaml"
    result = CliRunner().invoke(app, ["import", str(xml), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def events() -> list[ET.Element]:
    return list(ET.parse(source("fosdem-2025.xml")).getroot().iter("event"))


def listed(run: Run, programme: Path, *args: str) -> list[dict[str, object]]:
    result = run("--programme", str(programme), *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_fosdem_has_every_event(fosdem: Path, run: Run, events: list[ET.Element]) -> None:
    assert len(events) == 943  # as the real-world README says
    rows = listed(run, fosdem, "list")
    assert sorted(r["id"] for r in rows) == sorted(e.get("id") for e in events)
    result = run("validate", str(fosdem))
    assert result.exit_code == 0, result.stdout
    assert result.stdout == f"{fosdem} est valide\u202f: 943 sessions, 551 créneaux, 29 salles.\n"


def test_fosdem_saturday_in_k4401(fosdem: Path, run: Run, events: list[ET.Element]) -> None:
    saturday = [e for e in events if (e.findtext("date") or "").startswith("2025-02-01")]
    in_room = [e for e in saturday if e.findtext("room") == "K.4.401"]
    assert (len(saturday), len(in_room)) == (470, 24)
    assert len(listed(run, fosdem, "list", "--day", "samedi")) == len(saturday)
    rows = listed(run, fosdem, "list", "--day", "samedi", "--room", "k.4.401")
    assert [r["id"] for r in rows] == [
        e.get("id") for e in sorted(in_room, key=lambda e: e.findtext("date") or "")
    ]
    assert {r["room"] for r in rows} == {"K.4.401"}
    table = run("--programme", str(fosdem), "list", "--day", "samedi", "--room", "k.4.401")
    assert table.exit_code == 0
    assert table.stdout.rstrip().endswith("24 sessions")


@pytest.mark.parametrize(
    ("typed", "room"),
    [
        ("k.4.401", "K.4.401"),
        ("H.1302 (Depage)", "H.1302 (Depage)"),
        ("h.1302", "H.1302 (Depage)"),
        ("depage", "H.1302 (Depage)"),
        ("UB2.252A (Lameere)", "UB2.252A (Lameere)"),
        ("ub2.252a", "UB2.252A (Lameere)"),
    ],
)
def test_fosdem_room_names_resolve(
    fosdem: Path, run: Run, events: list[ET.Element], typed: str, room: str
) -> None:
    rows = listed(run, fosdem, "list", "--room", typed)
    assert len(rows) == sum(1 for e in events if e.findtext("room") == room)
    assert {r["room"] for r in rows} == {room}


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.findall(r"[a-z0-9]+", text)


def test_fosdem_search_rust(fosdem: Path, run: Run, events: list[ET.Element]) -> None:
    # Found: a word starting with "rust" in a title, subtitle, track, type, room or speaker,
    # or "rust" at least twice in the description. Left out, because other sessions are
    # about Rust: a single passing mention in a description (tags stripped from the HTML).
    strong, passing = set(), set()
    for e in events:
        fields = [e.findtext(k) or "" for k in ("title", "subtitle", "track", "type", "room")]
        fields += [p.text or "" for p in e.iter("person")]
        html = f"{e.findtext('abstract') or ''} {e.findtext('description') or ''}"
        body = _words(re.sub(r"<[^>]+>", " ", html).replace("&amp;", "&"))
        for href, label in re.findall(r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>', html, re.S):
            # The importer keeps a link's address after its text when they differ.
            label = re.sub(r"<[^>]+>", "", label).strip()
            if href.startswith(("http://", "https://", "mailto:")) and href.rstrip("/") not in (
                label.rstrip("/"),
                "mailto:" + label,
            ):
                body += _words(href)
        if any(w.startswith("rust") for text in fields for w in _words(text)):
            strong.add(e.get("id"))
        elif sum(w in ("rust", "rusts") for w in body) >= 2:
            strong.add(e.get("id"))
        elif any(w.startswith("rust") for w in body):
            passing.add(e.get("id"))
    assert (len(strong), len(passing)) == (30, 18)
    rows = listed(run, fosdem, "search", "rust", "--limit", "1000")
    assert {r["id"] for r in rows} == strong
    assert len(rows) == len(strong)
    # The Rust track's sessions come first: title and theme outweigh the description.
    rust_track = {e.get("id") for e in events if e.findtext("track") == "Rust"}
    assert rust_track <= strong
    assert {r["id"] for r in rows[: len(rust_track)]} <= strong
    only_described = [r["matched"] == ["description"] for r in rows]
    assert only_described == sorted(only_described)  # described-only sessions come last
    assert 0 < sum(only_described) < len(rows)


def test_fosdem_speakers_are_kept(fosdem: Path, run: Run, events: list[ET.Element]) -> None:
    rows = {r["id"]: r for r in listed(run, fosdem, "list")}
    for e in events:
        # Names as published, spaces tidied ("Sage  McTaggart"), each once.
        names = list(dict.fromkeys(" ".join((p.text or "").split()) for p in e.iter("person")))
        assert rows[e.get("id")]["speakers"] == names


def test_fosdem_export_import_round_trip(fosdem: Path, run: Run, tmp_path: Path) -> None:
    xml = tmp_path / "fosdem-out.xml"
    assert (
        run("--programme", str(fosdem), "export", "-f", "frab-xml", "-o", str(xml)).exit_code == 0
    )
    back = tmp_path / "back.yaml"
    assert run("import", str(xml), "-o", str(back)).exit_code == 0

    def comparable(path: Path) -> list[dict[str, object]]:
        return sorted(
            ({k: v for k, v in r.items() if k != "slot"} for r in listed(run, path, "list")),
            key=lambda r: str(r["id"]),
        )

    assert comparable(back) == comparable(fosdem)


@pytest.mark.parametrize(
    ("name", "events", "zeros"),
    [
        # 36C3: one event of zero duration, kept as a point in time.
        ("ccc-36c3.json", 1351, 1),
        ("fosdem-2024.xml", 674, 0),
        ("frab-camp2019.json", 79, 0),
        ("pretalx-democon.json", 36, 0),
    ],
)
def test_other_schedules_import_and_validate(
    tmp_path: Path, run: Run, name: str, events: int, zeros: int
) -> None:
    path = source(name)
    if name.endswith(".json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        days = data["schedule"]["conference"]["days"]
        counted = sum(len(evs) for day in days for evs in day["rooms"].values())
        zero = sum(
            1
            for day in days
            for evs in day["rooms"].values()
            for e in evs
            if re.fullmatch(r"0?0:00", e["duration"])
        )
    else:
        found = list(ET.parse(path).getroot().iter("event"))
        counted = len(found)
        zero = sum(1 for e in found if re.fullmatch(r"0?0:00", e.findtext("duration") or ""))
    assert (counted, zero) == (events, zeros)
    sessions = events  # every event is kept, zero-duration ones as points in time
    out = tmp_path / "programme.yaml"
    result = run("import", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "ignoré" not in result.stderr and "non repris (voir" not in result.stderr
    check = run("validate", str(out))
    assert check.exit_code == 0, check.stdout
    assert f"est valide\u202f: {sessions} sessions," in check.stdout
    rows = listed(run, out, "list")
    assert len(rows) == sessions
    assert Counter(r["day"] for r in rows)  # every session has a French day name
