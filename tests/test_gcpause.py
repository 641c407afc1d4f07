"""The collector is paused while loading, and what a command loaded is frozen; a library
caller's objects never are (a notebook or a server keeps its cycles collectable)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from colloque_cli.infra.gcpause import one_shot, paused_gc
from colloque_cli.programme.loader import load_programme
from colloque_cli.search import SearchIndex
from conftest import PROGRAMME, Run


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_library_use_leaves_the_callers_objects_collectable() -> None:
    programme = load_programme(PROGRAMME)
    assert SearchIndex(programme).search("mobilité")
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_command_freezes_what_it_loaded(run: Run) -> None:
    result = run("search", "mobilité")
    assert result.exit_code == 0, result.output
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()


def test_within_a_command_a_block_that_raises_freezes_nothing() -> None:
    with one_shot():
        with pytest.raises(ValueError), paused_gc():
            raise ValueError
        assert gc.get_freeze_count() == 0
        with paused_gc():
            kept = [[] for _ in range(10)]
        assert gc.get_freeze_count() > 0
    assert gc.isenabled() and kept
