"""Query expansion: how a query word reaches programme words (stem, root, prefix, typo)."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .analysis import STOP_WORDS, QueryWord, stem
from .layout import (
    EXACT,
    HEADLINE_ONLY,
    KIND_BITS,
    NOT_IN_BODY,
    PREFIX,
    ROOT,
    STEM,
    TWO_TYPOS,
    TYPO,
)

if TYPE_CHECKING:
    from .index import Index

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


# --- query words → programme words (of an ``Index``) ----------------------------------


def expand(index: Index, word: str) -> dict[int, int]:
    """Programme words that ``word`` stands for, each with how it matches."""
    found: dict[int, int] = {}
    exact = index._tid(word)
    if exact is not None:
        found[exact] = EXACT
    same_stem = index._by_stem(stem(word))
    for tid in same_stem:
        found.setdefault(tid, STEM)
    complete = bool(found)
    same_root: list[int] = []
    word_root = snowball_roots([word])[0]
    if len(word) >= MIN_PREFIX and len(word_root) >= MIN_ROOT_SHARE * len(word):
        same_root = [
            tid
            for tid in index._by_root(word_root)
            if len(word_root) >= MIN_ROOT_SHARE * len(index.vocabulary[tid])
        ]
    for tid in same_root:
        found.setdefault(tid, ROOT | (HEADLINE_ONLY if complete else 0))
    loose = NOT_IN_BODY if complete else 0
    if len(word) >= MIN_PREFIX:
        start = bisect_left(index._sorted, word)
        for position in range(start, len(index._sorted)):
            if not index._sorted[position].startswith(word):
                break
            found.setdefault(index._order[position], PREFIX | loose)
    if exact is None and not same_stem and not same_root:
        from .docmeaning import known  # the shipped table: read only for a word not here

        # The word is not in the programme: perhaps a typo of one that is, unless it is a
        # word of the language, which means itself (« argent » is not « agents », « crime »
        # is not « crise »): a spelling checker corrects only words its dictionary lacks.
        if not known(word):
            for tid, kind in _typos(index, word).items():
                found.setdefault(tid, kind)
    return found


def _typos(index: Index, word: str) -> dict[int, int]:
    """Programme words within the typos ``word`` may hold, compared as words (for
    « numerqiue ») and as stems (« budjet » for « budgets »). Only the closest are
    kept: when one typo explains the word, two-typo neighbours are noise."""
    typos = max_typos(word)
    if not typos:
        return {}
    found: dict[int, int] = {}
    for near, distance in near_words(word, index._words_by_length, typos, 0):
        found[index._order[bisect_left(index._sorted, near)]] = distance
    # A stem is shorter than its word: its stripped ending counts as one letter.
    for near, distance in near_words(stem(word), index._stems_by_length, typos, 1):
        for tid in index._by_stem(near):
            found[tid] = min(distance, found.get(tid, distance))
    if not found:
        return {}
    fewest = min(found.values())
    kind = TYPO if fewest <= 1 else TWO_TYPOS
    return {tid: kind for tid, distance in found.items() if distance == fewest}


def query_concepts(index: Index, words: list[QueryWord]) -> list[Concept] | None:
    """What the query asks for; None when one of its words matches nothing."""
    memo: dict[str, dict[int, int]] = {}

    def expand_once(word: str) -> dict[int, int]:
        if word not in memo:
            memo[word] = expand(index, word)
        return memo[word]

    concepts: list[Concept] = []
    position = 0
    while position < len(words):
        word = words[position]
        alternatives: list[tuple[dict[int, int], ...]] = []
        following = words[position + 1] if position + 1 < len(words) else None
        single = len(word.parts) == 1 and word.joined is None
        if single and following and len(following.parts) == 1 and not following.joined:
            # « inter générationnelles » also means « intergénérationnelles ».
            joined = word.parts[0] + following.parts[0]
            if index._tid(joined) is not None or index._by_stem(stem(joined)):
                alternatives = [
                    (expand_once(word.parts[0]), expand_once(following.parts[0])),
                    (expand_once(joined),),
                ]
                position += 1
        if not alternatives:
            alternatives.append(tuple(expand_once(part) for part in word.parts))
            if word.joined:
                alternatives.append((expand_once(word.joined),))
            elif len(word.parts) == 1 and not is_complete(alternatives[0][0]):
                # Not a programme word: perhaps two, written apart in the programme.
                alternatives.extend(_splits(index, word.parts[0]))
        alternatives = [a for a in alternatives if all(a)]
        if not alternatives:
            return None
        concepts.append(Concept(alternatives))
        position += 1
    return concepts


def _splits(index: Index, word: str) -> list[tuple[dict[int, int], ...]]:
    """« intergenerationnelles » as « inter » then « generationnelles », written apart."""
    if not 5 <= len(word) <= 40:
        return []
    found: list[tuple[dict[int, int], ...]] = []
    for cut in range(2, len(word) - 1):
        left, right = word[:cut], word[cut:]
        if left in STOP_WORDS or right in STOP_WORDS:
            continue
        left_id = index._tid(left)
        if left_id is None:
            continue
        right_ids = expand(index, right)
        if right_ids:
            found.append(({left_id: EXACT}, right_ids))
    return found
