"""Search over a programme: accent- and typo-tolerant, every query word must match."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .model import Programme, Session
from .text import fold

STOP_WORDS = frozenset(
    "a au aux avec ce ces d dans de des du en et l la le les leur leurs ou par pour sa se ses "
    "sur un une".split()
)
_WORD = re.compile(r"[a-z0-9]+")
# Field weights: a word in the title says more than one in the description.
WEIGHTS = {
    "title": 8.0,
    "subtitle": 4.0,
    "themes": 2.0,
    "type": 2.0,
    "room": 1.5,
    "description": 1.0,
}


@dataclass(frozen=True, slots=True)
class Hit:
    session: Session
    score: int
    matched: tuple[str, ...]


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS]


def _max_typos(word: str) -> int:
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


class SearchIndex:
    """Built once per programme; ``search`` answers a query."""

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self._fields: list[tuple[Session, dict[str, set[str]]]] = []
        self.vocabulary: set[str] = set()
        for session in programme.sessions:
            fields = {
                "title": set(_words(session.title)),
                "subtitle": set(_words(session.subtitle or "")),
                "themes": set(_words(" ".join(t.label for t in session.themes))),
                "type": set(_words(session.type)),
                "room": set(_words(session.room.name if session.room else "")),
                "description": set(_words(session.description)),
            }
            self._fields.append((session, fields))
            for vocabulary in fields.values():
                self.vocabulary |= vocabulary

    def _expand(self, word: str) -> dict[str, float]:
        """Programme words a query word stands for, with the strength of each match."""
        from rapidfuzz.distance import Levenshtein

        found = {word: 1.0} if word in self.vocabulary else {}
        typos = _max_typos(word)
        for candidate in self.vocabulary:
            if candidate == word:
                continue
            if len(word) >= 4 and candidate.startswith(word):
                found[candidate] = max(found.get(candidate, 0), 0.9)
            elif typos and Levenshtein.distance(word, candidate, score_cutoff=typos) <= typos:
                found[candidate] = max(found.get(candidate, 0), 0.7)
        return found

    def search(
        self, query: str, *, within: Collection[str] | None = None, limit: int | None = None
    ) -> list[Hit]:
        terms = list(dict.fromkeys(_words(query)))
        if not terms:
            return []
        expansions = [self._expand(term) for term in terms]
        if not all(expansions):
            return []
        best = sum(WEIGHTS.values()) * len(terms)
        hits: list[tuple[float, int, Hit]] = []
        for order, (session, fields) in enumerate(self._fields):
            if within is not None and session.id not in within:
                continue
            total = 0.0
            matched: set[str] = set()
            for expansion in expansions:
                gained = 0.0
                for name, vocabulary in fields.items():
                    strength = max((expansion[w] for w in vocabulary & expansion.keys()), default=0)
                    if strength:
                        gained += WEIGHTS[name] * strength
                        matched.add(name)
                if not gained:
                    break
                total += gained
            else:
                score = max(1, min(100, round(100 * total / best * 2)))
                ordered = tuple(n for n in WEIGHTS if n in matched)
                hits.append((-total, order, Hit(session, score, ordered)))
        hits.sort(key=lambda item: item[:2])
        return [hit for *_, hit in hits[:limit]]

    def suggest(self, query: str) -> str | None:
        """A programme word close to a query word that found nothing."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        for term in _words(query):
            found = process.extractOne(
                term, self.vocabulary, scorer=Levenshtein.distance, score_cutoff=2
            )
            if found and found[0] != term:
                return found[0]
        return None
