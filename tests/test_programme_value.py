"""A programme is a value: hashable like its parts, and cheap to ask about its sessions."""

from __future__ import annotations

from colloque_cli.exporters.records import session_records
from colloque_cli.programme import columns
from colloque_cli.programme.loader import load_programme, parse_programme
from conftest import PROGRAMME
from test_cache_format import stored

WITH_SPEAKERS = """\
colloque:
  title: Rencontres
  timezone: Europe/Paris
slots:
  - {id: matin, date: "2025-03-04", start: "09:00", end: "10:00"}
sessions:
  - {id: a, slot: matin, title: Ouverture, type: plénière}
  - {id: b, slot: matin, title: Atelier, type: atelier, speakers: [Zoé Durand]}
  - {id: c, slot: matin, title: Table ronde, type: table ronde}
"""


def test_a_programme_is_hashable_and_equal_programmes_hash_equal() -> None:
    programme = load_programme(PROGRAMME)
    again = load_programme(PROGRAMME)
    from_cache = stored(programme)
    assert hash(programme) == hash(again) == hash(from_cache)
    assert isinstance(from_cache.sessions, columns.SessionTable)
    assert from_cache.sessions._made.count(None) == 28  # hashing made no session
    assert programme == again == from_cache
    assert len({programme, again, from_cache}) == 1


def test_records_say_speakers_when_some_session_has_them_without_making_the_others() -> None:
    programme = stored(parse_programme(WITH_SPEAKERS, "rencontres.yaml"))
    table = programme.sessions
    assert isinstance(table, columns.SessionTable)
    [record] = session_records(programme, [table[2]])
    assert record["id"] == "c"
    assert record["speakers"] == []  # the programme has speakers: every record says so
    assert table._made.count(None) == 2  # only the session shown was made


def test_records_have_no_speakers_key_when_no_session_has_speakers() -> None:
    programme = stored(load_programme(PROGRAMME))
    assert programme.has_speakers is False
    [record] = session_records(programme, [programme.sessions[0]])
    assert "speakers" not in record


def test_the_agenda_resolves_its_picks_without_making_the_other_sessions() -> None:
    from colloque_cli.agenda.plan import resolve
    from colloque_cli.agenda.store import Agenda, Pick

    programme = stored(load_programme(PROGRAMME))
    agenda = Agenda([Pick("securite"), Pick("disparue", "Partie"), Pick("fake-news")])
    chosen, missing = resolve(programme, agenda)
    order = [s.id for s in load_programme(PROGRAMME).sessions]
    assert [s.id for s in chosen] == sorted(["securite", "fake-news"], key=order.index)
    assert missing == [Pick("disparue", "Partie")]
    assert programme.sessions._made.count(None) == 26  # type: ignore[attr-defined]
