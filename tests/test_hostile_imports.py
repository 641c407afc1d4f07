"""Hostile schedules given to ``colloque import``: one located French message or a warning,
never an internal error; ids that can be typed; text converted in linear time."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import Run

TYPEABLE = re.compile(r"[A-Za-z0-9._~+-]+")


def event(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "date": "2025-07-10T14:00:00+02:00",
        "start": "14:00",
        "duration": "01:00",
        "room": "Tente",
        "title": "Souder",
        "abstract": "",
        "persons": [],
    }
    return base | fields


def schedule(*events: dict[str, Any], **conference: Any) -> str:
    document: dict[str, Any] = {
        "acronym": "camp",
        "title": "Camp",
        "time_zone_name": "Europe/Berlin",
        "days": [{"index": 1, "date": "2025-07-10", "rooms": {"Tente": list(events or [event()])}}],
    }
    document.update(conference)
    return json.dumps({"schedule": {"conference": {k: v for k, v in document.items() if v}}})


def write(tmp_path: Path, content: str | bytes, name: str = "schedule.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize(
    ("content", "name", "needle", "message"),
    [
        (
            schedule(event(id=12345)).replace("12345", "9" * 5000),
            "schedule.json",
            "9999",
            ":{column}: JSON illisible (nombre de plus de 4\u202f300 chiffres).",
        ),
        (
            schedule(event(title="Souder")).replace("Souder", "Sou\\ud800der"),
            "schedule.json",
            "\\ud800",
            ":{column}: JSON illisible (« \\ud800 » est une moitié de paire UTF-16 isolée, qui ne "
            "désigne aucun caractère).",
        ),
        (
            schedule(event(title="Souder")).replace("Souder", "\\udc00"),
            "schedule.json",
            "\\udc00",
            ":{column}: JSON illisible (« \\udc00 » est une moitié de paire UTF-16 isolée, qui ne "
            "désigne aucun caractère).",
        ),
        (
            schedule(days=[{"index": 1, "date": 20250710, "rooms": {}}]),
            "schedule.json",
            None,
            " : schedule.conference.days[0].date : date attendue (texte AAAA-MM-JJ), trouvé un "
            "nombre.",
        ),
        (
            b'<?xml version="1.0" encoding="x-klingon"?>\n<schedule/>\n',
            "schedule.xml",
            None,
            ":1:1: XML illisible (encodage « x-klingon » non pris en charge : enregistrez le "
            "fichier en UTF-8).",
        ),
        (
            b"<?xml version='1.0' encoding='UTF-7'?>\n<schedule/>\n",
            "schedule.xml",
            None,
            ":1:1: XML illisible (encodage « UTF-7 » non pris en charge : enregistrez le fichier "
            "en UTF-8).",
        ),
    ],
    ids=[
        "entier géant",
        "moitié haute isolée",
        "moitié basse isolée",
        "jour non texte",
        "klingon",
        "utf-7",
    ],
)
def test_unreadable_schedules_get_a_located_message(
    run: Run, tmp_path: Path, content: str | bytes, name: str, needle: str | None, message: str
) -> None:
    path = write(tmp_path, content, name)
    if needle is not None:
        assert isinstance(content, str)
        message = message.format(column=f"1:{content.index(needle) + 1}")
    result = run("import", str(path))
    assert result.exit_code == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr == f"{path}{message}\n"


def test_a_valid_surrogate_pair_is_fine(run: Run, tmp_path: Path) -> None:
    path = write(tmp_path, schedule(event(title="Souder")).replace("Souder", "\\ud83d\\ude00"))
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    import yaml

    assert yaml.safe_load(result.stdout)["sessions"][0]["title"] == "😀"


@pytest.mark.parametrize(
    ("moment", "duration", "zone"),
    [
        ("9999-12-31T23:00:00+00:00", "05:00", None),
        ("0001-01-01T00:10:00+00:00", "01:00", "Europe/Paris"),
    ],
    ids=["année 9999", "année 1"],
)
def test_dates_out_of_range_are_reported(
    run: Run, tmp_path: Path, moment: str, duration: str, zone: str | None
) -> None:
    path = write(tmp_path, schedule(event(date=moment, duration=duration), time_zone_name=zone))
    result = run("import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-2:] == [
        "1 événement daté hors des années 1583 à 9998 ignoré : 1 « Souder ».",
        "Aucun événement importable dans ce fichier.",
    ]


@pytest.mark.parametrize("offset", ["+15:00", "-13:00"])
def test_offsets_beyond_the_etc_zones_fall_back_to_utc(
    run: Run, tmp_path: Path, offset: str
) -> None:
    path = write(
        tmp_path, schedule(event(date=f"2025-07-10T14:00:00{offset}"), time_zone_name=None)
    )
    out = tmp_path / "programme.yaml"
    result = run("import", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == (
        f"Fuseau horaire non déclaré : décalage {offset} des horaires, fuseau UTC retenu "
        "(précisez-le avec --timezone, par exemple --timezone Europe/Berlin)."
    )
    assert run("validate", str(out)).exit_code == 0


@pytest.mark.parametrize("zone", ["Europe", "x" * 300, "zone.tab", "../../etc/passwd"])
def test_a_zone_that_is_not_one(run: Run, tmp_path: Path, zone: str) -> None:
    path = write(tmp_path, schedule(time_zone_name=zone))
    declared = run("import", str(path))
    assert declared.exit_code == 0, declared.stderr
    shown = zone if len(zone) <= 60 else zone[:59] + "…"
    assert (
        declared.stderr.splitlines()[0] == f"Fuseau horaire déclaré inconnu « {shown} » : ignoré."
    )
    asked = run("import", str(path), "--timezone", zone)
    assert asked.exit_code == 1
    assert asked.stderr == f"Fuseau horaire inconnu « {shown} » (exemple : Europe/Paris).\n"


def test_html_declarations_do_not_break_the_parser(run: Run, tmp_path: Path) -> None:
    abstract = "<p>Regex <code><![^>]*></code> et <![CDATA[x]]> puis <!DOCTYPE html></p>"
    path = write(tmp_path, schedule(event(abstract=abstract)))
    result = run("import", str(path))
    assert result.exit_code == 0, result.stderr
    assert "description: Regex <![^>]*> et <![CDATA[x]]> puis\n" in result.stdout


def test_unclosed_tags_are_converted_in_linear_time(tmp_path: Path) -> None:
    # 200 000 unclosed tags: hours of rescanning before (18.6 s for 12 000); a hang guard,
    # not a timing, stops the old code.
    abstract = "<p>début</p>" + "<a " * 200_000 + "<!-- >" * 50_000 + "<ul><li>x" * 20_000
    path = write(tmp_path, schedule(event(abstract=abstract)))
    result = subprocess.run(
        [sys.executable, "-m", "colloque_cli", "import", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "début" in result.stdout
    assert "<a <a <a" in result.stdout
    assert max(len(line) - len(line.lstrip()) for line in result.stdout.splitlines()) < 40


def test_imported_ids_are_typeable(run: Run, tmp_path: Path) -> None:
    evil = "\x1b]52;c;ZXZpbA==\x07\u202e\u200b"
    path = write(
        tmp_path,
        schedule(
            event(id=f"7{evil}", slug=f"camp-{evil}x"),
            event(id=8, date="2025-07-10T16:00:00+02:00", room=f"Salle{evil}"),
            rooms=[
                {"name": "Tente", "slug": f"tente{evil}"},
                {"name": f"Salle{evil}", "slug": evil},
            ],
            tracks=[{"name": "Art", "slug": "art\u2066"}],
        ).replace(
            '"room": "Tente", "title": "Souder"',
            '"room": "Tente", "title": "Souder", "track": "Art"',
        ),
    )
    out = tmp_path / "programme.yaml"
    result = run("import", str(path), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    import yaml

    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    ids = [
        item["id"]
        for section in ("rooms", "themes", "slots", "sessions")
        for item in document[section]
    ]
    assert ids and all(TYPEABLE.fullmatch(i) for i in ids), ids
    assert run("validate", str(out)).exit_code == 0


def test_import_reads_standard_input(run: Run) -> None:
    data = Path(__file__).parent / "fixtures" / "mini-schedule.json"
    result = run("import", "-", input=data.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "# Programme importé de l'entrée standard par « colloque import ».\n"
    )
    assert result.stderr.splitlines()[-1] == "Importé : 3 sessions, 2 salles, 2 thèmes, 3 créneaux."


def test_import_of_empty_standard_input(run: Run) -> None:
    result = run("import", "-", input="")
    assert result.exit_code == 1
    assert result.stderr == "entrée standard : fichier vide : aucun programme à lire.\n"


def test_an_empty_programme_path_is_refused(run: Run) -> None:
    result = run("--programme", "", "list")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "Erreur : Valeur invalide pour --programme / -p : chemin vide : indiquez le fichier de "
        "programme à utiliser."
    )


def test_indented_text_does_not_become_a_markdown_code_block(run: Run, tmp_path: Path) -> None:
    abstract = "<p>Voici :</p><pre>    a | b\n\tc_d</pre>"
    path = write(tmp_path, schedule(event(abstract=abstract)))
    out = tmp_path / "programme.yaml"
    assert run("import", str(path), "-o", str(out)).exit_code == 0
    result = run("--programme", str(out), "export", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "Voici :\n\na \\| b\nc\\_d\n" in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith(("    ", "\t"))]
