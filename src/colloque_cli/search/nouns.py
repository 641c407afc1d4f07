"""Which query words are nouns: a list shipped with the package (``nouns.txt``).

In a phrasing, the nouns say what it is about; its verbs and small words say what the
attendee wants to do about it (« faire reculer les préjugés envers les personnes
handicapées »). The list comes from Lexique 3.82 (see ``tools/build_nouns.py`` and
``NOTICE-DATA.md``); it is read only for phrasings of three words or more that the
search widens to its broad reading.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

NOUNS_PATH = Path(__file__).with_name("nouns.txt")


@cache
def _listing() -> str:
    """The list as read, one noun per line (after a comment line), read once per process."""
    return NOUNS_PATH.read_text(encoding="utf-8")


def is_noun(word: str) -> bool:
    """Whether the folded query word ``word`` (parts joined by spaces) is made of nouns.

    A phrasing has a few words: each is looked up as a whole line of the listing (a
    substring search, well under a millisecond), rather than by building a set of the
    44 000 nouns (8 ms)."""
    listing = _listing()
    return all(f"\n{part}\n" in listing for part in word.split())
