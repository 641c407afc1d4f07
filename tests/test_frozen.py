"""Frozen value classes behave as the frozen dataclasses they replace."""

from __future__ import annotations

import copy
import pickle
from dataclasses import FrozenInstanceError
from datetime import date, time

import pytest

from colloque_cli.errors import Problem
from colloque_cli.infra.cache import Key
from colloque_cli.programme.loader import load_programme
from colloque_cli.programme.model import Room, Session, Slot, Theme
from conftest import PROGRAMME


def _session(**changes: object) -> Session:
    fields: dict[str, object] = {
        "id": "s1",
        "slot": Slot("a", date(2025, 3, 4), time(9), time(10, 30), "Atelier"),
        "room": Room("r1", "Salle 1"),
        "title": "Titre",
        "type": "atelier",
        "description": "Texte.",
        "themes": (Theme("t", "Thème"),),
    }
    fields.update(changes)
    return Session(**fields)  # type: ignore[arg-type]


def test_equal_and_hashed_by_their_fields_in_order() -> None:
    assert _session() == _session()
    assert hash(_session()) == hash(_session())
    assert _session() != _session(title="Autre")
    assert len({_session(), _session(), _session(id="s2")}) == 2
    # same values, another class: not equal (as dataclasses)
    assert Room("x", "y") != Theme("x", "y")
    assert Room("x", "y") != ("x", "y")


def test_defaults_and_keywords() -> None:
    session = _session()
    assert session.subtitle is None and session.speakers == ()
    assert Theme("t", "Thème").description is None
    assert Problem("f.yaml", "manque").path == ""
    assert str(Problem("f.yaml", "manque", "sessions[0]", 3, 5)) == (
        "f.yaml:3:5: sessions[0] : manque"
    )


def test_shown_as_a_dataclass_is() -> None:
    assert repr(Room("r1", "Salle 1")) == "Room(id='r1', name='Salle 1')"
    assert repr(Key("/p", 3, 4, "x")) == "Key(path='/p', size=3, mtime_ns=4, digest='x')"


def test_fields_never_change() -> None:
    room = Room("r1", "Salle 1")
    with pytest.raises(FrozenInstanceError):
        room.name = "Autre"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del room.name  # type: ignore[misc]
    with pytest.raises(AttributeError):
        room.other = 1  # type: ignore[attr-defined]
    assert room.name == "Salle 1"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickled_and_copied_whole(protocol: int) -> None:
    session = _session(subtitle="Sous-titre", speakers=("A. B.",))
    again = pickle.loads(pickle.dumps(session, protocol=protocol))
    assert again == session and type(again) is Session
    assert again.slot.label == "Atelier" and again.themes[0].label == "Thème"
    assert copy.copy(session) == session
    assert copy.deepcopy(session) == session


def test_a_programme_compares_its_fields_and_keeps_its_cached_properties() -> None:
    programme = load_programme(PROGRAMME)
    assert programme == load_programme(PROGRAMME)
    assert programme.tz.key == programme.colloque.timezone  # a cached property is stored
    assert programme.identity.startswith("2025-03-04-")
    with pytest.raises(FrozenInstanceError):
        programme.source = "autre"  # type: ignore[misc]
    first = programme.sessions[0]
    assert programme.session(first.id) is first
    shown = repr(programme)
    assert shown.startswith("Programme(colloque=Colloque(") and "_by_id" not in shown
