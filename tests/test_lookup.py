"""Session lookup by id or title fragment, from the core alone (no Typer, no Rich)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from colloque_cli.errors import InvalidValueError, NotFoundError
from colloque_cli.lookup import AmbiguousSession, find_session, names_title
from colloque_cli.programme.loader import load_programme

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
