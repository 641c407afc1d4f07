"""The digests of what a search index is made from: they change exactly when a text the
index reads (``session_fields``) or the glossary does, whatever field it is."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from colloque_cli.infra.cache import open_programme
from colloque_cli.programme.columns import SessionTable
from colloque_cli.programme.model import Programme, Room, Session, Theme, new_session
from colloque_cli.search.hits import FIELDS, session_fields
from colloque_cli.search.sessions import SEARCHED_COLUMNS, documents_digests, searched_texts
from conftest import PROGRAMME, Run, count_index_builds

NOT_SEARCHED = ("id", "slot")  # the fields of a session no search reads


@pytest.fixture(scope="module")
def programme() -> Programme:
    return open_programme(PROGRAMME, use_cache=False)[0]


def _with(programme: Programme, sessions: Sequence[Session]) -> Programme:
    p = programme
    return Programme(p.colloque, p.rooms, p.themes, p.glossary, p.slots, sessions, p.source)


def _edited(session: Session, name: str, value: Any) -> Session:
    return new_session(*(value if n == name else getattr(session, n) for n in Session.FIELDS))


def _candidates(programme: Programme, name: str) -> list[Any]:
    """Values of the field ``name`` to give a session: those of every session, and some
    that read the same (a room or a theme of another id, an empty text for none)."""
    values: list[Any] = [getattr(s, name) for s in programme.sessions]
    if name == "room":
        values += [None, *(Room(f"autre-{r.id}", r.name) for r in programme.rooms)]
    if name == "themes":
        values += [(), *((Theme(f"autre-{t.id}", t.label, None),) for t in programme.themes)]
    if name == "subtitle":
        values += [None, "", "Un sous-titre"]
    if name == "speakers":
        values += [(), ("",), ("Ada Lovelace",), ("Ada Lovelace", "Alan Turing")]
    return values


def _read(session: Session) -> tuple[str, ...]:
    return tuple(text or "" for text in session_fields(session))  # None and "": no words


def test_the_columns_digested_are_the_texts_the_index_reads(programme: Programme) -> None:
    """Every text of ``session_fields`` is read from the columns hashed, field by field: a
    searched field left out of ``SEARCHED_COLUMNS`` fails this."""
    assert len(SEARCHED_COLUMNS) == len(FIELDS)
    table = SessionTable.of(programme.sessions)
    for index, session in enumerate(programme.sessions):
        read = tuple(searched_texts(table, field, index) for field in range(len(FIELDS)))
        assert read == session_fields(session)


@pytest.mark.parametrize("name", Session.FIELDS)
def test_a_digest_changes_exactly_when_a_searched_text_does(
    programme: Programme, name: str
) -> None:
    sessions = list(programme.sessions)
    before = documents_digests(programme)
    changes = 0
    for position in (0, len(sessions) - 1):
        for value in _candidates(programme, name):
            edited = sessions.copy()
            edited[position] = _edited(sessions[position], name, value)
            changed = _read(edited[position]) != _read(sessions[position])
            changes += changed
            after = documents_digests(_with(programme, edited))
            assert (after[-1] != before[-1]) == changed, (name, position, value)
            assert after[0] == before[0]  # the glossary's
    # each field the index reads was edited here in a way that changes it
    assert (changes > 0) == (name not in NOT_SEARCHED)


def test_the_digests_of_a_table_read_back_are_those_of_the_sessions(
    programme: Programme,
) -> None:
    """From the sessions as parsed, from their columns, from the columns read from the
    cache: the same digests, or an edit would never find the index made before it."""
    table = SessionTable.of(programme.sessions)
    texts, values = table.columns()
    copied = SessionTable.checked(
        {
            n: tuple(memoryview(bytes(part)).cast(part.typecode) for part in c)
            for n, c in texts.items()
        },
        values,
    )
    expected = documents_digests(programme)
    assert documents_digests(programme, table) == expected
    assert documents_digests(_with(programme, copied)) == expected
    assert documents_digests(_with(programme, table)) == expected


def test_the_glossary_changes_every_digest(programme: Programme) -> None:
    before = documents_digests(programme)
    p = programme
    other = Programme(
        p.colloque, p.rooms, p.themes, {**p.glossary, "XYZ": "x y z"}, p.slots, p.sessions, p.source
    )
    after = documents_digests(other)
    assert all(a != b for a, b in zip(before, after, strict=True))


def test_the_columns_written_are_kept_only_for_a_search(tmp_path: Path) -> None:
    path = tmp_path / "programme.yaml"
    path.write_bytes(PROGRAMME.read_bytes())
    loaded, cache = open_programme(path)
    assert cache is not None and cache.written is None  # no index looked for: let go
    path.write_bytes(PROGRAMME.read_bytes() + b"\n# un commentaire\n")
    loaded, cache = open_programme(path, keep_columns=True)
    assert cache is not None and cache.written is not None
    assert cache.written == loaded.sessions and loaded.sessions is not cache.written


@pytest.mark.parametrize(
    ("args", "made"),
    [
        (("search", "sécurité"), 1),  # the columns of the entry, hashed
        (("agenda", "suggest", "sécurité"), 1),
        (("list",), 1),  # those of the entry, not kept
    ],
)
def test_a_first_search_after_an_edit_hashes_the_columns_written(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], made: int
) -> None:
    """After an edit, a search makes the sessions' columns once (for the cache entry, and
    its digests), not twice."""
    path = tmp_path / "programme.yaml"
    text = PROGRAMME.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    assert run("--programme", str(path), "search", "sécurité").exit_code == 0
    path.write_text(text.replace("leurs polices municipales", "leurs polices de Zanzibar"))
    made_tables: list[int] = []
    of = SessionTable.of.__func__  # type: ignore[attr-defined]

    def counted(cls: type[SessionTable], sessions: Sequence[Session]) -> SessionTable:
        made_tables.append(not isinstance(sessions, SessionTable))
        return of(cls, sessions)  # type: ignore[no-any-return]

    monkeypatch.setattr(SessionTable, "of", classmethod(counted))
    assert run("--programme", str(path), *args).exit_code == 0
    assert sum(made_tables) == made


def test_an_index_is_reused_after_an_edit_whatever_command_read_it_first(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Digests made from a parsed programme's columns and from those read back from the
    cache (views of its entry) are the same: an edit of a comment, then `list`, then a
    search, reuses the index."""
    path = tmp_path / "programme.yaml"
    text = PROGRAMME.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    query = ("--programme", str(path), "search", "sécurité")
    assert run(*query).exit_code == 0
    path.write_text(text + "\n# un commentaire\n", encoding="utf-8")
    assert run("--programme", str(path), "list").exit_code == 0
    built = count_index_builds(monkeypatch)
    assert run(*query).stdout == run("--no-cache", *query).stdout
    assert built == [1]  # --no-cache's alone
