"""Query expansion: how a query word reaches programme words (stem, root, prefix, typo)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence

from .layout import KIND_BITS, STEM

# A Snowball root must be most of both words: « démocratie » and « démocratique » share
# « democrat », but « populisme » and « population » only « popul ».
MIN_ROOT_SHARE = 0.6
# Shorter words (IA, JOP, QPV) match whole words only: no prefix, no root, no typo.
MIN_PREFIX = 4  # « mobil » finds « mobilité »; « art » does not find « artificielle »
MAX_QUERY_WORDS = 64  # a pasted paragraph is not a query; its first words are enough


def max_typos(word: str) -> int:
    """Typos tolerated in a query word: none under 5 letters, 1 from 5, 2 from 9."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


def typos_between(word: str, choice: str, distance: int) -> int:
    """The typos that make ``choice`` of ``word``, given their edit ``distance``: as in
    Meilisearch, a wrong first letter counts twice (« vieux » is not « mieux » mistyped)."""
    return distance + (choice[:1] != word[:1])


class Concept:
    """One thing the query asks for: alternatives, each a run of adjacent word sets."""

    __slots__ = ("alternatives", "tokens")

    def __init__(self, alternatives: list[tuple[dict[int, int], ...]]) -> None:
        self.alternatives = alternatives
        self.tokens: dict[int, int] = {}
        for alternative in alternatives:
            for slot in alternative:
                for tid, flagged in slot.items():
                    kind = flagged & KIND_BITS
                    if kind > self.tokens.get(tid, 0):
                        self.tokens[tid] = kind


def group_ids(keys: list[str]) -> tuple[str, array[int], array[int]]:
    """Word ids grouped by ``keys`` (one key per word id): the distinct keys in order,
    joined by newlines, where each group starts, and the ids group after group."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    distinct: list[str] = []
    starts = array("I")
    previous = None
    for position, tid in enumerate(order):
        key = keys[tid]
        if key != previous:
            distinct.append(key)
            starts.append(position)
            previous = key
    starts.append(len(order))
    return "\n".join(distinct), starts, array("I", order)


def group_of(
    keys: list[str], groups: tuple[str, array[int], array[int]], key: str
) -> Sequence[int]:
    at = bisect_left(keys, key)
    if at < len(keys) and keys[at] == key:
        starts = groups[1]
        return groups[2][starts[at] : starts[at + 1]]
    return ()


def words_by_length(words: list[str]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for word in words:
        found.setdefault(len(word), []).append(word)
    return found


def is_complete(expansion: dict[int, int]) -> bool:
    """Whether a word's expansion holds the word itself or one of its inflections."""
    return any(kind & KIND_BITS >= STEM for kind in expansion.values())


def near_words(
    word: str, by_length: Mapping[int, list[str]], typos: int, ending: int
) -> list[tuple[str, int]]:
    """Strings of ``by_length`` at most ``typos`` edits from ``word``.

    The tolerance is that of the shorter of the two (``ending`` letters added to the
    candidate's length): « vieux » is not « vie » mistyped; nor « mieux » (see
    ``typos_between``).
    """
    from rapidfuzz import process
    from rapidfuzz.distance import OSA  # a transposition counts as one typo

    near: list[tuple[str, int]] = []
    for length in range(len(word) - typos, len(word) + typos + 1):
        choices = by_length.get(length)
        if not choices:
            continue
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=typos, limit=None)
        for choice, distance, _ in found:
            distance = typos_between(word, choice, distance)
            if distance <= min(typos, max_typos("x" * (len(choice) + ending))):
                near.append((choice, distance))
    return near


def roots(words: Sequence[str]) -> list[str]:
    """Snowball French roots of folded words (see ``snowball_roots``)."""
    return snowball_roots(words)


def snowball_roots(words: Sequence[str]) -> list[str]:
    """Snowball French roots (« democratie », « democratique » → « democrat »).

    PyStemmer runs the Snowball algorithm in C; without it, roots are the words themselves
    and the ROOT level simply finds nothing more than exact matches do.
    """
    try:
        import Stemmer
    except ImportError:  # pragma: no cover - a declared dependency
        return list(words)
    roots: list[str] = Stemmer.Stemmer("french").stemWords(words)
    return roots
