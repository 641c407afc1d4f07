"""A programme survives pickling (the cache's format) whole, with real frozen sessions."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from colloque_cli import model
from colloque_cli.loader import load_programme
from conftest import PROGRAMME


def test_pickled_programme_is_equal_and_its_sessions_are_frozen_sessions() -> None:
    programme = load_programme(PROGRAMME)
    again = pickle.loads(pickle.dumps(programme, protocol=pickle.HIGHEST_PROTOCOL))
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


def test_the_compact_form_names_every_session_field_in_order() -> None:
    names = tuple(f.name for f in dataclasses.fields(model.Session))
    assert names == model._SESSION_FIELDS == model.Session.__slots__
