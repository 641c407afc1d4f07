"""A large programme file is read in two: its last sessions read by rapidyaml and checked
(``plaincheck``) by a forked child, meanwhile. The programme is the one a single reading
makes, whatever the child meets (data that may differ from libyaml's, sessions it is unsure
of) or whatever becomes of it; no child is left behind; a small file is read in one go.

(rapidyaml's data against libyaml's, and the plain check against pydantic, are tested in
test_rapidread.py and test_plaincheck.py: this is about the split.)"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from colloque_cli.errors import ProgrammeError
from colloque_cli.infra import forked
from colloque_cli.programme import plaincheck, rapidread
from colloque_cli.programme.loader import parse_programme
from colloque_cli.programme.model import Programme
from conftest import assert_reaped, count_forks
from test_rapidread import generated

ROOT = Path(__file__).resolve().parent.parent


TEXT = generated(300)


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Pieces of a quarter of a kilobyte: a 300-session file is read in two (about 140
    pieces); the pids of the children forked, each checked reaped at the end."""
    monkeypatch.setattr(rapidread, "_PIECE", 1 << 10)
    pids = count_forks(monkeypatch, forked)
    yield pids
    assert_reaped(pids)


def in_one(text: str) -> Programme | str:
    """The programme (or the error) of a single reading."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rapidread, "SPLIT_FROM", 1 << 62)
        return outcome(text)


def outcome(text: str) -> Programme | str:
    try:
        return parse_programme(text.encode(), "p.yaml")
    except ProgrammeError as error:
        return str(error)


def test_the_last_sessions_are_read_and_checked_by_a_child(children: list[int]) -> None:
    raw = TEXT.encode()
    found = rapidread.regular_data_checked(raw, plaincheck.checked_sessions)
    assert found is not None and len(children) == 1
    data, mine, theirs = found
    whole = rapidread.regular_data(raw)
    assert whole is not None
    assert 0 < len(data["sessions"]) < len(whole["sessions"])
    assert whole["sessions"][: len(data["sessions"])] == data["sessions"]
    rows = plaincheck.checked_sessions(whole["sessions"])
    assert rows is not None
    assert mine == rows[: len(mine)] and len(mine) == len(data["sessions"])
    assert theirs == [list(row) for row in rows[len(mine) :]]
    assert {k: v for k, v in data.items() if k != "sessions"} == {
        k: v for k, v in whole.items() if k != "sessions"
    }
    # and the programme is a single reading's
    programme = parse_programme(raw, "p.yaml")
    assert len(children) == 2
    assert programme == in_one(TEXT)


def test_a_small_file_is_read_in_one_go(children: list[int]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rapidread, "_PIECE", 1 << 18)  # 300 sessions: one piece
        assert isinstance(parse_programme(TEXT.encode(), "p.yaml"), Programme)
    assert children == []
    # a non-light reading (``validate``) needs the data of every session: never in two
    assert rapidread.regular_data(TEXT.encode()) is not None
    assert children == []


def test_a_child_that_fails_leaves_its_sessions_to_read_here(children: list[int]) -> None:
    calls: list[int] = []

    def fails_there(sessions: list[Any]) -> list[Any] | None:
        calls.append(1)
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return plaincheck.checked_sessions(sessions)

    parent = os.getpid()
    found = rapidread.regular_data_checked(TEXT.encode(), fails_there)
    assert found is not None and len(children) == 1 and calls == [1]  # here, once
    assert found == (rapidread.regular_data(TEXT.encode()), [], [])


@pytest.mark.parametrize("here", [True, False])
def test_sessions_the_check_is_unsure_of_are_all_read_here(children: list[int], here: bool) -> None:
    # unsure of this process's part (the child is ended) or of the child's
    parent = os.getpid()

    def unsure(sessions: list[Any]) -> list[Any] | None:
        return None if (os.getpid() == parent) == here else []

    found = rapidread.regular_data_checked(TEXT.encode(), unsure)
    assert found is not None and len(children) == 1
    assert found == (rapidread.regular_data(TEXT.encode()), [], [])


def _last_session_with(text: str, line: str) -> str:
    last = text.rindex("  - id: ")
    end = text.index("\n", last) + 1
    return text[:end] + line + text[end:]


def _first_session_with(text: str, line: str) -> str:
    first = text.index("  - id: ", text.index("\nsessions:"))
    end = text.index("\n", first) + 1
    return text[:end] + line + text[end:]


@pytest.mark.parametrize(
    ("where", "line"),
    [
        # data rapidyaml may read otherwise than libyaml: the file goes to libyaml
        (_last_session_with, "    subtitle: Null\n"),
        (_first_session_with, "    subtitle: Null\n"),
        # what the plain check leaves to pydantic (which takes it)
        (_last_session_with, "    allow_overlap: 1\n"),
        (_first_session_with, "    allow_overlap: 1\n"),
        # the rest of the file is what the plain check is unsure of
        (lambda text, line: text.replace("  city: Rouen\n", line, 1), "  city: 12\n"),
        (
            lambda text, line: text.replace("rooms:\n", line, 1),
            "rooms:\n  - id: ' vide '\n    name: Vide\n",
        ),
        # what is wrong, said as a single reading says it
        (_last_session_with, "    inconnu: 1\n"),
        (_first_session_with, "    slot: nulle-part\n"),
        (_last_session_with, "    title: ''\n"),
    ],
)
def test_whatever_either_half_meets_the_programme_is_a_single_readings(
    children: list[int], where: Callable[[str, str], str], line: str
) -> None:
    text = where(TEXT, line)
    got = outcome(text)
    assert len(children) == 1
    assert got == in_one(text)
    if "inconnu" in line or "nulle" in line or "''" in line or "12" in line:
        assert isinstance(got, str) and "p.yaml:" in got
    else:
        assert isinstance(got, Programme)


def test_an_irregular_half_read_here_ends_the_child(
    children: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _first_session_with(TEXT, "    subtitle: Null\n")
    assert rapidread.regular_data_checked(text.encode(), plaincheck.checked_sessions) is None
    assert len(children) == 1  # reaped (the fixture checks)


@pytest.mark.parametrize("why", ["no fork", "no spare core", "fork refused"])
def test_without_a_child_the_whole_file_is_read_here(
    children: list[int], monkeypatch: pytest.MonkeyPatch, why: str
) -> None:
    if why == "no fork":
        monkeypatch.delattr(os, "fork")
    elif why == "no spare core":
        monkeypatch.setattr(forked, "spare_core", lambda: False)
    else:

        def refused() -> int:
            raise BlockingIOError(11, "Resource temporarily unavailable")

        monkeypatch.setattr(os, "fork", refused)
    raw = TEXT.encode()
    whole = rapidread.regular_data(raw)
    assert rapidread.regular_data_checked(raw, plaincheck.checked_sessions) == (whole, [], [])
    programme = parse_programme(raw, "p.yaml")
    assert children == []
    assert programme == in_one(TEXT) and len(programme.sessions) == 300
