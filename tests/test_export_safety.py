"""Export files: the format follows the file's extension, a mismatch is refused, an existing
file is never replaced without --force, CSV for a French spreadsheet or for scripts."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from conftest import Run


@pytest.mark.parametrize(
    ("name", "starts"),
    [
        ("p.ics", b"BEGIN:VCALENDAR"),
        ("p.json", b"["),
        ("p.md", b"# "),
        ("p.xml", b"<?xml"),
        ("p.csv", "\ufeffid;".encode()),
        ("p.html", b"<!doctype html>"),
    ],
)
def test_format_is_inferred_from_the_extension(
    run: Run, tmp_path: Path, name: str, starts: bytes
) -> None:
    target = tmp_path / name
    result = run("export", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert target.read_bytes().startswith(starts)


def test_agenda_export_infers_too_and_defaults_to_ics(run: Run, tmp_path: Path) -> None:
    run("agenda", "add", "jop-sport")
    assert run("agenda", "export", "-o", str(tmp_path / "a.json")).exit_code == 0
    assert json.loads((tmp_path / "a.json").read_text())[0]["id"] == "jop-sport"
    assert run("agenda", "export").stdout.startswith("BEGIN:VCALENDAR")


def test_a_format_the_extension_contradicts_is_refused(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "x.ics"
    result = run("export", "--format", "json", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == (
        "Le format json ne convient pas à un fichier « .ics » (il y faut : ics) : "
        "changez l'extension ou --format.\n"
    )
    assert not target.exists()
    # two formats may share an extension
    assert run("export", "-f", "frab-json", "-o", str(tmp_path / "f.json")).exit_code == 0
    assert run("export", "-f", "csv", "-o", str(tmp_path / "s.csv")).exit_code == 0


def test_an_unknown_extension_asks_for_the_format(run: Run, tmp_path: Path) -> None:
    result = run("export", "-o", str(tmp_path / "p.txt"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Extension « .txt » inconnue : précisez le format")
    assert run("export", "-f", "markdown", "-o", str(tmp_path / "p.txt")).exit_code == 0


@pytest.mark.parametrize("command", [["export"], ["agenda", "export"]])
def test_an_existing_file_is_kept_without_force(
    run: Run, tmp_path: Path, command: list[str]
) -> None:
    run("agenda", "add", "jop-sport")
    target = tmp_path / "mine.ics"
    target.write_text("my own calendar", encoding="utf-8")
    refused = run(*command, "-o", str(target))
    assert refused.exit_code == 1
    assert refused.stderr == (
        f"« {target} » existe déjà : choisissez un autre nom, ou ajoutez --force pour le "
        "remplacer.\n"
    )
    assert target.read_text(encoding="utf-8") == "my own calendar"
    forced = run(*command, "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_spreadsheet_csv_has_a_bom_and_semicolons(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "programme.csv"
    assert run("export", "-o", str(target)).exit_code == 0
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark: accents read right
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 28
    jop = next(row for row in rows if row["id"] == "jop-sport")
    assert jop["room"] == "Salle 2"
    assert jop["themes"] == (
        "Solidarités et inclusion ; Citoyenneté et participation ; Culture et éducation"
    )


def test_plain_csv_is_for_scripts(run: Run) -> None:
    text = run("export", "-f", "csv").stdout
    assert not text.startswith("\ufeff")
    assert text.splitlines()[0].startswith("id,date,day,")
    assert text == run("list", "--format", "csv").stdout
