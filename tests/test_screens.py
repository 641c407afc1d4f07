"""Every screen at 60, 80 and 120 columns: no word, id or number split, no column lost.

Each screen is rendered through the real entry point at the given width, then read as a
person reads it: every word of every title, theme, room and id the screen should show must
appear whole (as many times as the data has it), and no line may pass the width.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from colloque_cli.programme.loader import load_programme
from conftest import PROGRAMME, Run

WIDTHS = [60, 80, 120]
GOLDEN = Path(__file__).parent / "screens"
UPDATE_ENV = "COLLOQUE_UPDATE_SCREENS"  # set to write the golden captures anew (then review)
PUNCTUATION = ",.;:()«»·•…?!—–\u00a0\u202f│╭╮╰╯─"


@pytest.fixture(scope="module")
def data():  # type: ignore[no-untyped-def]
    return load_programme(PROGRAMME)


def words(texts: Iterable[str]) -> Counter[str]:
    """The words of ``texts``, without the punctuation around them."""
    found: Counter[str] = Counter()
    for text in texts:
        for word in text.split():
            word = word.strip(PUNCTUATION)
            if word:
                found[word] += 1
    return found


def assert_whole(screen: str, texts: Iterable[str], width: int) -> None:
    """Every word of ``texts`` is on ``screen`` whole; no line is wider than ``width``."""
    missing = words(texts) - words([screen])
    assert not missing, f"split or missing at {width} columns: {dict(missing)}\n{screen}"
    widest = max(len(line) for line in screen.splitlines())
    assert widest <= width, screen


def render(run_raw: Run, monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run_raw(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def session_texts(sessions: Iterable, *, themes: bool = True) -> list[str]:  # type: ignore[type-arg]
    texts = []
    for s in sessions:
        texts += [s.title, s.id, s.room_name]
        if themes:
            texts += [th.label for th in s.themes]
    return texts


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", [["list"], ["list", "--day", "mardi"], ["list", "--long"]])
def test_list_shows_every_word_whole(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int, args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    screen = render(run_raw, monkeypatch, width, *args)
    sessions = [s for s in data.sessions if "mardi" not in args or s.slot.date.day == 4]
    assert_whole(screen, session_texts(sessions), width)
    if width == 120:  # room for a themes column in every slot's table
        assert screen.count("Thèmes") == len({s.slot.id for s in sessions})


@pytest.mark.parametrize("width", WIDTHS)
def test_show_has_the_full_title_whole_for_every_session(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int
) -> None:  # type: ignore[no-untyped-def]
    for session in data.sessions:
        screen = render(run_raw, monkeypatch, width, "show", session.id)
        texts = session_texts([session]) + [session.subtitle or "", session.description or ""]
        assert_whole(screen, texts, width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["now", "next"])
def test_now_and_next_fit_one_screen(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int, command: str
) -> None:  # type: ignore[no-untyped-def]
    screen = render(run_raw, monkeypatch, width, command, "--at", "mardi 14:30")
    hour = 14 if command == "now" else 17  # the slot on at 14:30, and the next one
    on = [s for s in data.sessions if s.slot.date.day == 4 and s.slot.start.hour == hour]
    assert_whole(screen, session_texts(on, themes=False), width)
    if width >= 80:
        assert len(screen.splitlines()) <= 40, screen
    full = render(run_raw, monkeypatch, width, command, "--at", "mardi 14:30", "--long")
    assert_whole(full, session_texts(on) + [s.description or "" for s in on], width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("query", ["mobilité", "citoyens", "santé"])
def test_search_shows_every_word_whole(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int, query: str
) -> None:  # type: ignore[no-untyped-def]
    import json

    found = json.loads(render(run_raw, monkeypatch, width, "search", query, "--format", "json"))
    hits = [data.session(item["id"]) for item in found]
    screen = render(run_raw, monkeypatch, width, "search", query)
    assert_whole(screen, [text for s in hits for text in (s.title, s.id, s.room_name)], width)


@pytest.mark.parametrize("width", WIDTHS)
def test_agenda_list_keeps_every_column(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int
) -> None:  # type: ignore[no-untyped-def]
    picks = ["jop-sport", "reemploi", "savoirs-experientiel"]
    assert run("agenda", "add", *picks).exit_code == 0
    screen = render(run_raw, monkeypatch, width, "agenda", "list")
    chosen = [data.session(pick) for pick in picks]
    assert_whole(screen, [text for s in chosen for text in (s.title, s.id, s.room_name)], width)
    # the state of every pick and every free slot, whatever the width
    assert screen.count("⚠ conflit") == 2
    assert len(re.findall(r"\bchoisi\b", screen)) == 1
    assert sum(line.endswith("libre") for line in screen.splitlines()) == 1


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("command", ["themes", "rooms", "days"])
def test_reference_tables_keep_every_column(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int, command: str
) -> None:  # type: ignore[no-untyped-def]
    screen = render(run_raw, monkeypatch, width, command)
    if command == "themes":
        texts = [text for th in data.themes for text in (th.label, th.id, th.description or "")]
        assert "Sessions" in screen
    elif command == "rooms":
        texts = [text for r in data.rooms for text in (r.name, r.id)]
    else:
        texts = ["mardi 4 mars", "mercredi 5 mars", "2025-03-04", "2025-03-05", "19", "9"]
    assert_whole(screen, texts, width)


@pytest.mark.parametrize("width", WIDTHS)
def test_ambiguous_show_lists_candidates_whole(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, data, width: int
) -> None:  # type: ignore[no-untyped-def]
    import json

    monkeypatch.setenv("COLUMNS", str(width))
    listed = run("show", "citoyens", "--format", "json")
    candidates = [data.session(item["id"]) for item in json.loads(listed.stdout)]
    assert len(candidates) > 1
    result = run("show", "citoyens")
    assert result.exit_code == 1
    assert_whole(result.stdout, [text for s in candidates for text in (s.title, s.id)], width)


@pytest.mark.parametrize("width", [44, 60, 80, 120])
def test_no_line_starts_with_a_french_stop_or_ends_on_an_opening_guillemet(
    run_raw: Run, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """French typography holds where a line breaks, even when the programme's titles write
    plain spaces before « ? » or inside « »: never « ? » alone at the start of a line."""
    screens = [
        render(run_raw, monkeypatch, width, *args)
        for args in (["list"], ["search", "climat"], ["show", "une-seule-sante"], ["themes"])
    ]
    for screen in screens:
        for line in screen.splitlines():
            assert not re.match(r"\s*[:;?!»]", line), (width, line)
            assert not line.rstrip().endswith("«"), (width, line)


def test_piped_lines_carry_no_trailing_spaces(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in (["list"], ["show", "jop-sport"], ["themes"], ["search", "santé"]):
        screen = render(run_raw, monkeypatch, 80, *args)
        assert all(line == line.rstrip() for line in screen.splitlines()), args


# Reviewed captures of a few screens: a layout change shows in review as a diff of these.
CAPTURES = {
    "list-mardi-80.txt": (80, ["list", "--day", "mardi"]),
    "list-mardi-60.txt": (60, ["list", "--day", "mardi"]),
    "show-savoirs-experientiel-60.txt": (60, ["show", "savoirs-experientiel"]),
    "now-80.txt": (80, ["now", "--at", "mardi 14:30"]),
    "search-mobilite-80.txt": (80, ["search", "mobilité"]),
}


@pytest.mark.parametrize("name", sorted(CAPTURES))
def test_screen_matches_its_reviewed_capture(
    run: Run, run_raw: Run, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    width, args = CAPTURES[name]
    screen = render(run_raw, monkeypatch, width, *args)
    golden = GOLDEN / name
    if os.environ.get(UPDATE_ENV):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(screen, encoding="utf-8")
    assert screen == golden.read_text(encoding="utf-8")
