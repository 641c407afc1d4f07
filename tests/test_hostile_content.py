"""Hostile text inside a valid programme is shown inertly by every command and format."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from conftest import Run

HOSTILE = Path(__file__).parent / "hostile" / "hostile-content.yaml"
# What must never reach a terminal from the data: C0 controls but newline, DEL, C1 controls,
# bidirectional controls, zero-width and other invisible format characters.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")

COMMANDS = [
    ["list"],
    ["list", "--long"],
    ["list", "--format", "csv"],
    ["list", "--format", "json"],
    ["search", "balisage"],
    ["search", "atelier", "--format", "json"],
    ["show", "markup"],
    ["show", "formula"],
    ["show", "markup", "--format", "json"],
    ["grid"],
    ["rooms"],
    ["themes"],
    ["days"],
    ["export", "--format", "csv"],
    ["export", "--format", "json"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_no_control_character_reaches_stdout(run: Run, args: list[str]) -> None:
    result = run("--programme", str(HOSTILE), *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout
    assert UNSAFE.findall(result.stdout) == []
    assert "Traceback" not in result.stderr


def test_markup_is_shown_literally(run: Run) -> None:
    result = run("--programme", str(HOSTILE), "show", "markup")
    assert "[bold red]Balisage[/bold red]" in result.stdout
    assert "[link=https://exemple.invalid]lien[/link]" in result.stdout


def test_very_long_words_are_wrapped_not_cut(run: Run) -> None:
    result = run("--programme", str(HOSTILE), "list", "--long")
    joined = "".join(line.strip() for line in result.stdout.splitlines())
    word = "Anticonstitutionnellement" + "anticonstitutionnellement" * 7
    assert word in joined
    assert "…" not in result.stdout.split("formula")[1]


def test_csv_neutralises_formulas(run: Run) -> None:
    result = run("--programme", str(HOSTILE), "list", "--format", "csv")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    formula = rows["formula"]
    assert formula["title"] == "'=cmd|' /C calc'!A0"
    assert formula["subtitle"] == "'+SUM(1,2)"
    assert formula["type"] == "'-atelier"
    assert formula["description"].startswith("'@SUM(A1:A9)")
    assert formula["room"] == '\'=HYPERLINK("https://exemple.invalid";"clic")'


def test_json_keeps_the_data_escaped(run: Run) -> None:
    result = run("--programme", str(HOSTILE), "show", "markup", "--format", "json")
    data = json.loads(result.stdout)
    assert "\x1b[31mrouge\x1b[0m" in data["description"]
    assert "\u202ecod\u202c" in data["description"]
