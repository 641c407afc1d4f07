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
def nouns() -> frozenset[str]:
    """The folded forms of French nouns, read once per process."""
    text = NOUNS_PATH.read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def is_noun(word: str) -> bool:
    """Whether the folded query word ``word`` (parts joined by spaces) is made of nouns."""
    known = nouns()
    return all(part in known for part in word.split())
