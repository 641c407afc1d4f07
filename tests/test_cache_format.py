"""A programme survives the cache's data-only format whole, with real frozen sessions."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from colloque_cli.infra import cachecodec, cachefile
from colloque_cli.programme import columns, model
from colloque_cli.programme.loader import load_programme
from conftest import PROGRAMME

HEADER = b"test\n"


def stored(programme: model.Programme) -> model.Programme:
    """``programme`` written as a cache entry and read back."""
    arrays = cachefile.Arrays()
    data = cachecodec.encode_programme(programme, arrays)
    blob = b"".join(cachefile.pack(HEADER, data, arrays))
    return cachecodec.decode_programme(*cachefile.unpack(blob, HEADER))


def stored_table(table: columns.SessionTable, programme: model.Programme) -> columns.SessionTable:
    again = stored(
        model.Programme(
            programme.colloque, programme.rooms, programme.themes, {}, programme.slots, table
        )
    )
    assert isinstance(again.sessions, columns.SessionTable)
    return again.sessions


def test_programme_read_back_is_equal_and_its_sessions_are_frozen_sessions() -> None:
    programme = load_programme(PROGRAMME)
    again = stored(programme)
    assert again == programme
    assert again.source == programme.source
    assert [s.id for s in again.sessions] == [s.id for s in programme.sessions]
    assert again.session("securite") == programme.session("securite")
    session = again.sessions[0]
    assert type(session) is model.Session
    assert hash(session) == hash(programme.sessions[0])
    with pytest.raises(dataclasses.FrozenInstanceError):
        session.title = "autre"  # type: ignore[misc]
    # shared parts stay shared: one Slot object per slot
    assert {id(s.slot) for s in again.sessions} == {id(s) for s in again.slots}


def test_every_session_field_comes_back_in_its_place_through_the_columns() -> None:
    """Session's one field list drives its constructors and the cache's columns: a session
    whose fields all differ comes back whole, each value under its own name, whether it is
    made alone (``table[i]``) or with the others (iterating), and built fast or not."""
    programme = load_programme(PROGRAMME)
    values = {
        "id": "identifiant",
        "slot": programme.slots[-1],
        "room": programme.rooms[-1],
        "title": "titre",
        "type": "type-de-session",
        "description": "description",
        "themes": (programme.themes[-1],),
        "subtitle": "sous-titre",
        "speakers": ("Intervenante",),
    }
    assert tuple(values) == model.Session.FIELDS  # every field, each with its own value
    assert len({repr(value) for value in values.values()}) == len(values)
    session = model.Session(**values)  # type: ignore[arg-type]
    assert model.new_session(*values.values()) == session
    assert type(model.new_session(*values.values())) is model.Session
    table = stored_table(columns.SessionTable.of((session, *programme.sessions)), programme)
    alone = table[0]  # made from its columns, by itself
    together = next(iter(stored_table(table, programme)))  # made with all the others
    for made in (session, alone, together):
        assert {name: getattr(made, name) for name in values} == values


def _restored() -> tuple[model.Programme, model.Programme]:
    programme = load_programme(PROGRAMME)
    return programme, stored(programme)


def test_sessions_read_back_are_made_one_at_a_time_as_they_are_read() -> None:
    programme, again = _restored()
    table = again.sessions
    assert isinstance(table, columns.SessionTable)
    assert len(table) == len(programme.sessions) == 28
    assert table._made.count(None) == 28  # nothing made by loading
    assert table[3] == programme.sessions[3]
    assert table[-1] == programme.sessions[-1]
    assert table[3] is table[3]  # made once
    assert table._made.count(None) == 26
    assert table[2:5] == programme.sessions[2:5]
    with pytest.raises(IndexError):
        table[28]
    # a session found by id makes that session only
    fresh = stored(programme)
    assert fresh.session("securite") == programme.session("securite")
    assert fresh.session("nulle-part") is None
    assert fresh.sessions._made.count(None) == 27
    # iterating makes the rest, keeping those already made
    first = table[3]
    assert list(table) == list(programme.sessions)
    assert table[3] is first
    assert table == programme.sessions and programme.sessions == table


def test_columns_keep_none_accents_and_repeated_values() -> None:
    programme, again = _restored()
    subtitles = [s.subtitle for s in programme.sessions]
    assert None in subtitles and any(subtitles)  # both kinds are exercised
    assert [again.sessions[i].subtitle for i in range(28)] == subtitles
    assert [s.description for s in again.sessions] == [s.description for s in programme.sessions]
    accented = model.Session(
        id="séance-été",
        slot=programme.slots[0],
        room=None,
        title="Été ✓ \U0001f600",
        type="atelier",
        description="",
        subtitle="",
    )
    table = stored_table(columns.SessionTable.of((accented, *programme.sessions)), programme)
    assert table[0] == accented
    assert table[0].subtitle == "" and table[1].subtitle == programme.sessions[0].subtitle
    assert table.position("séance-été") == 0  # ids that are not ASCII
    assert list(table) == [accented, *programme.sessions]


def test_a_session_is_found_where_it_stands_whether_read_back_or_not() -> None:
    programme, again = _restored()
    for number, session in enumerate(programme.sessions):
        assert programme.position(session.id) == again.position(session.id) == number
    assert programme.position("nulle-part") is again.position("nulle-part") is None
    assert again.sessions._made.count(None) == 28  # positions read from the ids alone


@pytest.mark.parametrize(
    "text",
    [
        '{"a":[1,-2.5e3,null,true,false,"\\ud800é\\n"],"b":{},"c":[]}',
        '"texte"',
        "[]",
        "",
        "[1,",
        '"sans fin',
        "[NaN]",
        "[Infinity]",
        "[1] [2]",
        "[1]   ",
        "{'a': 1}",
        "[01]",
    ],
)
def test_the_entries_json_reader_agrees_with_json_loads(text: str) -> None:
    """The C scanner read directly (no import of ``json``) gives json.loads' answers."""
    import json

    def refused(name: str) -> None:
        raise ValueError(name)

    try:
        expected: object = json.loads(text, parse_constant=refused)
    except ValueError as error:
        expected = type(error)
    try:
        found: object = cachefile.parse_json(text)
    except ValueError as error:
        found = type(error)
    assert found == expected


def test_reading_an_entry_imports_no_json_package(tmp_path: Path) -> None:
    """The json package's modules cost ~1 ms of every command: a cache hit does without."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from colloque_cli.infra.cache import open_programme\n"
        f"programme, cache = open_programme({str(PROGRAMME)!r})\n"
        "print(type(programme.sessions).__name__,"
        " sorted(m for m in sys.modules if m == 'json' or m.startswith('json.')))\n"
    )
    env = {**os.environ, "COLLOQUE_HOME": str(tmp_path)}
    first, result = (
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        for _ in range(2)
    )
    assert first.stdout.startswith("tuple ")  # parsed, and the entry written
    assert result.stdout == "SessionTable []\n"  # read back from the entry
