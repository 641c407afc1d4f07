"""Session lookup by id or title fragment, from the core alone (no Typer, no Rich)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from colloque_cli.errors import InvalidValueError, NotFoundError
from colloque_cli.lookup import AmbiguousSession, find_session, names_title
from colloque_cli.programme.columns import SessionTable
from colloque_cli.programme.loader import load_programme, parse_programme
from colloque_cli.programme.model import Programme
from colloque_cli.search import SearchIndex, normalise
from colloque_cli.text import fold

PROG = load_programme()


def test_a_notebook_resolves_a_title_fragment_without_the_cli() -> None:
    code = (
        "import sys\n"
        "from colloque_cli.lookup import find_session\n"
        "from colloque_cli.programme.loader import load_programme\n"
        "print(find_session(load_programme(), 'sécurité et cohésion').id)\n"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.splitlines() == ["securite", "[]"]


def test_an_id_is_found_before_any_search() -> None:
    assert find_session(PROG, " securite ").title == "Sécurité et cohésion sociale"


def test_a_shared_word_lists_every_candidate() -> None:
    with pytest.raises(AmbiguousSession) as raised:
        find_session(PROG, "transition")
    assert [s.id for s in raised.value.sessions] == ["transition-sociale", "transition-juste"]
    assert (
        str(raised.value) == "2 sessions correspondent à « transition » : précisez l'identifiant."
    )
    assert isinstance(raised.value, NotFoundError)


def test_nothing_and_blank_are_distinct_errors() -> None:
    with pytest.raises(NotFoundError, match="Aucune session « zzzqqq »"):
        find_session(PROG, "zzzqqq")
    with pytest.raises(InvalidValueError, match="Identifiant vide"):
        find_session(PROG, "   ")


@pytest.mark.parametrize(
    ("fragment", "title", "expected"),
    [
        ("mobil", "La mobilité au cœur", True),  # four letters or more: a word's start
        ("mob", "La mobilité au cœur", False),  # shorter: whole words only
        ("la cœur", "La mobilité au cœur", True),
        ("mobilité ville", "La mobilité au cœur", False),  # every word must be there
    ],
)
def test_a_stored_title_is_named_by_the_starts_of_its_words(
    fragment: str, title: str, expected: bool
) -> None:
    assert names_title(fragment, title) is expected


def reference_names(p: Programme, index: SearchIndex, text: str) -> list[str]:
    """The ids a name designates, as ``find_session`` first did it, plainly: every session
    made to fold its id, every candidate's title normalised."""
    wanted = fold(text).strip()
    by_id = p.session(text.strip()) or next((s for s in p.sessions if fold(s.id) == wanted), None)
    if by_id:
        return [by_id.id]
    hits = index.search(text, fields=("title", "subtitle"), broad=False) or index.search(
        text, broad=False
    )
    candidates = [h for h in hits if h.kind != "typo"] or hits
    if len(candidates) > 1:
        named = normalise(text)
        whole = [h for h in candidates if normalise(h.session.title) == named]
        candidates = whole if len(whole) == 1 else candidates
    return [h.session.id for h in candidates]


def found_names(p: Programme, index: SearchIndex, text: str) -> list[str]:
    try:
        return [find_session(p, text, lambda: index).id]
    except AmbiguousSession as ambiguous:
        return [s.id for s in ambiguous.sessions]
    except NotFoundError:
        return []


@pytest.fixture(scope="module")
def generated() -> Programme:
    """1 000 generated sessions, one with an accented id, one with capitals (ASCII), two
    titles with a dotted acronym, one of them whole in the other."""
    import re

    from benchmarks.generate import generate

    text = generate(1000)
    for old, new in (("les-associations-face-1", "Écoles-1"), ("les-metiers-des-2", "Metiers-2")):
        assert f"  - id: {old}\n" in text
        text = text.replace(f"  - id: {old}\n", f"  - id: {new}\n", 1)
    dotted = iter(['"Le C.N.R.S. et les territoires"', '"Le C.N.R.S. et les territoires ruraux"'])
    text = re.sub(r"(?m)^    title: .*$", lambda m: f"    title: {next(dotted)}", text, count=2)
    return parse_programme(text, "generated.yaml")


def test_names_on_a_generated_programme_designate_what_the_plain_reference_does(
    generated: Programme,
) -> None:
    sessions = list(generated.sessions)
    titles = Counter(s.title for s in sessions)
    shared = [title for title, count in titles.items() if count > 1]
    alone = [title for title, count in titles.items() if count == 1]
    names = [
        *(theme.id for theme in generated.themes),  # hundreds of candidates each
        *(theme.label for theme in generated.themes),
        *shared,  # a whole title that several sessions share: all of them
        *alone,  # a whole title: that session alone, though others have its words
        *(title.split()[0] for title in alone[:20]),
        *(s.id.upper() for s in sessions[::97]),  # ids folded
        "ECOLES-1",
        "écoles-1",
        "MÉTIERS-2",
        "metiers-2",
        "mobilté",  # a typo
        "zzzqqq",
        "le CNRS et les territoires",  # one whole title, though two have its words
    ]
    assert shared and alone
    table = Programme(
        generated.colloque,
        generated.rooms,
        generated.themes,
        generated.glossary,
        generated.slots,
        SessionTable.of(sessions),
    )
    index = SearchIndex(generated)
    outcomes = Counter()
    for name in names:
        expected = reference_names(generated, index, name)
        outcomes[min(len(expected), 2)] += 1
        assert found_names(generated, index, name) == expected, name
        assert found_names(table, index, name) == expected, name
    assert outcomes[0] and outcomes[1] and outcomes[2]  # none, one and several found
