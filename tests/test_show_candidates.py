"""``show`` of a name that designates many sessions: the output is the same as when every
candidate was made and every record held, but only what the output needs is made."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from colloque_cli.exporters import records as records_module
from colloque_cli.exporters.records import BATCH, csv_chunks, json_chunks, session_record
from colloque_cli.programme.columns import SessionTable
from colloque_cli.programme.loader import load_programme
from colloque_cli.text import escape_unsafe
from conftest import Run

# Found in descriptions only: no title search finds it, 634 sessions of the generated 1 000.
NAME = "pistes d'action"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.generate import generate

    path = tmp_path_factory.mktemp("generated") / "programme.yaml"
    path.write_text(generate(1000), encoding="utf-8")
    return path


def plain_candidates(path: Path, name: str) -> list[str]:
    """The ids ``name`` designates, plainly: every session's text folded and searched."""
    from colloque_cli.search import SearchIndex

    programme = load_programme(path)
    index = SearchIndex(programme)
    hits = index.search(name, fields=("title", "subtitle"), broad=False) or index.search(
        name, broad=False
    )
    return [h.session.id for h in ([h for h in hits if h.kind != "typo"] or hits)]


def test_every_candidate_is_in_the_json_as_one_list_would_write_it(
    run: Run, generated: Path
) -> None:
    ids = plain_candidates(generated, NAME)
    assert len(ids) > BATCH  # more than one batch of records
    programme = load_programme(generated)
    expected = json.dumps(
        [session_record(programme.session(i)) for i in ids], ensure_ascii=False, indent=2
    )
    result = run("--programme", str(generated), "show", NAME, "-f", "json")
    assert result.exit_code == 1
    assert result.stdout == expected + "\n"
    assert result.stderr.startswith(f"{len(ids)} sessions correspondent à « {NAME} »")


def test_every_candidate_is_in_the_csv_under_one_header(run_raw: Run, generated: Path) -> None:
    ids = plain_candidates(generated, NAME)
    result = run_raw("--programme", str(generated), "show", NAME, "-f", "csv")
    assert result.exit_code == 1
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[0] == list(records_module.FIELDS)
    assert [row[0] for row in rows[1:]] == ids


def test_a_table_of_candidates_makes_only_the_sessions_it_shows(
    run: Run, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the programme and its search index cached: read back as columns, sessions made as read
    assert run("--programme", str(generated), "search", "jeunesse").exit_code == 0
    made: list[int] = []
    make = SessionTable._make

    def counted(self: SessionTable, index: int) -> Any:
        made.append(index)
        return make(self, index)

    def everything(self: SessionTable) -> Any:
        raise AssertionError("every session made")

    monkeypatch.setattr(SessionTable, "_make", counted)
    monkeypatch.setattr(SessionTable, "__iter__", everything)
    result = run("--programme", str(generated), "show", NAME)
    assert result.exit_code == 1
    assert "… et 614 autres sessions" in result.stdout
    assert len(made) == 20  # the rows shown, out of 634 candidates


def test_candidate_records_are_written_as_they_are_made(
    run: Run, generated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The records of 634 candidates are never all held: the first batch is written before
    the last record is made."""
    from colloque_cli.cli import output

    made = 0
    record = records_module.session_record

    def counted(*args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal made
        made += 1
        return record(*args, **kwargs)

    written_after: list[int] = []
    write = output.write

    def watched(text: str) -> None:
        written_after.append(made)
        write(text)

    monkeypatch.setattr(records_module, "session_record", counted)
    monkeypatch.setattr(output, "write", watched)
    result = run("--programme", str(generated), "show", NAME, "-f", "json")
    assert result.exit_code == 1
    assert made == len(plain_candidates(generated, NAME))
    assert written_after[0] == BATCH < made


HOSTILE = [
    "",
    "ligne\nsuivante",
    'guillemets " et \\ barre',
    "séparateur\u2028de ligne",
    "C1 \x85 et bidi \u202e et largeur nulle \u200b",
    "tabulation\tet \x1b[31m",
    "émoji 🎉 et 𝔘",
]


def records(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": f"s{n}",
            "title": HOSTILE[n % len(HOSTILE)],
            "subtitle": None,
            "themes": [HOSTILE[(n + k) % len(HOSTILE)] for k in range(n % 3)],
            "score": n,
        }
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [0, 1, 2, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH + 3])
@pytest.mark.parametrize("ascii_only", [False, True])
def test_json_in_batches_is_the_text_of_the_whole_list(count: int, ascii_only: bool) -> None:
    listed = records(count)
    whole = json.dumps(listed, ensure_ascii=ascii_only, indent=2)
    expected = (whole if whole.isascii() else escape_unsafe(whole)) + "\n"
    assert "".join(json_chunks(iter(listed), ascii_only=ascii_only)) == expected


@pytest.mark.parametrize("count", [0, 1, BATCH, BATCH + 1, 2 * BATCH + 3])
def test_csv_in_batches_is_the_text_of_the_whole_list(count: int) -> None:
    listed = records(count)
    # the whole list through one csv.writer, header first (the first record's keys)
    header = list(listed[0]) if listed else ["id", "title"]
    expected = records_module.csv_text(header, ([r.get(k) for k in header] for r in listed))
    assert "".join(csv_chunks(iter(listed), ("id", "title"))) == expected


def test_a_batch_is_written_before_the_next_record_is_asked_for() -> None:
    def endless() -> Any:
        n = 0
        while True:
            yield {"id": n}
            n += 1

    for chunks in (json_chunks(endless()), csv_chunks(endless())):
        first = next(chunks)
        assert first.count('"id"') == BATCH or first.count("\r\n") == BATCH + 1
