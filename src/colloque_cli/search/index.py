"""The engine: an inverted index over documents made of weighted fields.

Built once; every structure is a plain list, dict or ``array`` so that the index pickles.
A query word is expanded once over the vocabulary (exact word, same stem, prefix, typo),
then postings are read for the expanded words only: the cost of a query grows with the
number of documents that contain its words, not with the size of the programme.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cached_property
from math import sqrt
from typing import NamedTuple

from ..gcpause import paused_gc
from .analysis import STOP_WORDS, Glossary, QueryWord, query_words, stem

# How a programme word matches a query word, best first: the same word; the same light
# stem (plural, feminine); the same Snowball root (« démocratique » for « démocratie »);
# a word it begins (« mobil » → « mobilité »); a word one or two typos away.
EXACT, STEM, ROOT, PREFIX, TYPO = 6, 5, 4, 3, 2
TWO_TYPOS = TYPO - 1
KINDS = {EXACT: "exact", STEM: "stem", ROOT: "root", PREFIX: "prefix", TYPO: "typo", 1: "typo"}
# Loose matches of a word that the programme itself uses are restricted: a completion
# (prefix) counts outside the body only (« jeunes » finds the theme « Jeunesse », not a
# description saying « fonctionnement » for « fonction »); a derived form (root) counts
# in the headline only (the title and subtitle: a session *about* « démocratique »).
NOT_IN_BODY = 8
HEADLINE_ONLY = 16
_KIND = 7
# A Snowball root must be most of both words: « démocratie » and « démocratique » share
# « democrat », but « populisme » and « population » only « popul ».
MIN_ROOT_SHARE = 0.6
# Shorter words (IA, JOP, QPV) match whole words only: no prefix, no root, no typo.
MIN_PREFIX = 4  # « mobil » finds « mobilité »; « art » does not find « artificielle »
MAX_FIELDS = 7  # a posting packs literal and synonym field masks and a count in 16 bits
_SYNONYMS = 7
_COUNT = 14
_FIELD_BITS = (1 << MAX_FIELDS) - 1
_LAST_DOC = (1 << 32) - 1
# The fields of each field mask, in order.
_FIELDS_OF = [
    tuple(f for f in range(MAX_FIELDS) if mask >> f & 1) for mask in range(1 << MAX_FIELDS)
]  # document numbers fit in 32 bits (array "I")
MAX_QUERY_WORDS = 64  # a pasted paragraph is not a query; its first words are enough


def max_typos(word: str) -> int:
    """Typos tolerated in a query word: none under 5 letters, 1 from 5, 2 from 9."""
    return 0 if len(word) < 5 else 1 if len(word) < 9 else 2


class Match(NamedTuple):
    """How one document matched a query, and where it ranks (a tuple: quick to make)."""

    doc: int
    score: int  # 0–100, never higher than the score of a match ranked above it
    fields: int  # bit mask of the fields where a query word matched
    kind: int  # the weakest way a query word matched (EXACT … TYPO)
    strong: bool  # matched in a field other than the body, or the body dwells on it
    words: frozenset[str]  # programme words that matched, for highlighting


class Concept:
    """One thing the query asks for: alternatives, each a run of adjacent word sets."""

    __slots__ = ("alternatives", "tokens")

    def __init__(self, alternatives: list[tuple[dict[int, int], ...]]) -> None:
        self.alternatives = alternatives
        self.tokens: dict[int, int] = {}
        for alternative in alternatives:
            for slot in alternative:
                for tid, flagged in slot.items():
                    kind = flagged & _KIND
                    if kind > self.tokens.get(tid, 0):
                        self.tokens[tid] = kind


class Index:
    """Documents given as sequences of field texts; ``weights`` per field (higher first)."""

    def __init__(
        self,
        documents: Sequence[Sequence[str | None]],
        weights: Sequence[int],
        *,
        body: int | None = None,
        headline: Sequence[int] = (0,),
        glossary: Mapping[str, str] | None = None,
    ) -> None:
        if len(weights) > MAX_FIELDS:
            raise ValueError(f"at most {MAX_FIELDS} fields")
        if body is not None and list(weights).count(weights[body]) > 1:
            raise ValueError("the body's weight must be its own: it tells body matches apart")
        self.weights = tuple(weights)
        self.body = body  # the long text where one passing mention is weak evidence
        self.headline = sum(1 << f for f in headline)  # what a document is about
        self.glossary = Glossary(glossary or {})
        self.size = len(documents)
        from .indexing import build  # it reads this module's bit layout

        built = build(documents, len(self.weights), body, self.glossary)
        vocabulary = built.vocabulary
        # What is kept (and pickled) is a few large strings and arrays, quick to load:
        # words joined by newlines, postings end to end, word groups by stem and by root.
        self._flat, self._offsets = built.flat, built.offsets
        self._words = "\n".join(vocabulary)
        order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
        self._order = array("I", order)
        self._sorted_words = "\n".join(vocabulary[i] for i in order)
        self._starts, self._all_docs, self._all_infos = built.starts, built.docs, built.infos
        self._stem_groups = _groups(built.stems)
        self._root_groups = _groups(_roots(vocabulary))
        self.__setstate__(self.__getstate__())

    _STATE = (
        "weights",
        "body",
        "headline",
        "glossary",
        "size",
        "_flat",
        "_offsets",
        "_words",
        "_order",
        "_sorted_words",
        "_starts",
        "_all_docs",
        "_all_infos",
        "_stem_groups",
        "_root_groups",
    )

    def __getstate__(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self._STATE}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._best = [self._best_weight(mask) for mask in range(1 << MAX_FIELDS)]
        self._scores: dict[tuple[int, float, int], int] = {}

    # --- tables made at first use (not stored) -----------------------------------------------

    @cached_property
    def vocabulary(self) -> list[str]:
        """The programme's words, by word id."""
        return self._words.split("\n") if self._words else []

    @cached_property
    def _sorted(self) -> list[str]:
        return self._sorted_words.split("\n") if self._sorted_words else []

    @cached_property
    def _stems(self) -> list[str]:
        return self._stem_groups[0].split("\n") if self._stem_groups[0] else []

    @cached_property
    def _root_keys(self) -> list[str]:
        return self._root_groups[0].split("\n") if self._root_groups[0] else []

    @cached_property
    def _words_by_length(self) -> dict[int, list[str]]:
        return _by_length(self.vocabulary)

    @cached_property
    def _stems_by_length(self) -> dict[int, list[str]]:
        return _by_length(self._stems)

    def _tid(self, word: str) -> int | None:
        """The id of the vocabulary word ``word``, if the programme uses it."""
        words = self._sorted
        at = bisect_left(words, word)
        if at < len(words) and words[at] == word:
            return self._order[at]
        return None

    def _by_stem(self, key: str) -> Sequence[int]:
        """Ids of the words whose light stem is ``key``."""
        return _group(self._stems, self._stem_groups, key)

    def _by_root(self, key: str) -> Sequence[int]:
        """Ids of the words whose Snowball root is ``key``."""
        return _group(self._root_keys, self._root_groups, key)

    def _best_weight(self, mask: int) -> int:
        return max((w for f, w in enumerate(self.weights) if mask >> f & 1), default=0)

    def frequency(self, tid: int) -> int:
        """How many documents use the vocabulary word ``tid``."""
        return self._starts[tid + 1] - self._starts[tid]

    def documents_with(self, tid: int) -> Sequence[int]:
        return self._all_docs[self._starts[tid] : self._starts[tid + 1]]

    def _infos_of(self, tid: int) -> Sequence[int]:
        return self._all_infos[self._starts[tid] : self._starts[tid + 1]]

    # --- query words → programme words ------------------------------------------------------

    def expand(self, word: str) -> dict[int, int]:
        """Programme words that ``word`` stands for, each with how it matches."""
        found: dict[int, int] = {}
        exact = self._tid(word)
        if exact is not None:
            found[exact] = EXACT
        same_stem = self._by_stem(stem(word))
        for tid in same_stem:
            found.setdefault(tid, STEM)
        complete = bool(found)
        same_root: list[int] = []
        word_root = _roots([word])[0]
        if len(word) >= MIN_PREFIX and len(word_root) >= MIN_ROOT_SHARE * len(word):
            same_root = [
                tid
                for tid in self._by_root(word_root)
                if len(word_root) >= MIN_ROOT_SHARE * len(self.vocabulary[tid])
            ]
        for tid in same_root:
            found.setdefault(tid, ROOT | (HEADLINE_ONLY if complete else 0))
        loose = NOT_IN_BODY if complete else 0
        if len(word) >= MIN_PREFIX:
            start = bisect_left(self._sorted, word)
            for position in range(start, len(self._sorted)):
                if not self._sorted[position].startswith(word):
                    break
                found.setdefault(self._order[position], PREFIX | loose)
        if exact is None and not same_stem and not same_root:
            # The word is not in the programme: perhaps a typo of one that is.
            for tid, kind in self._typos(word).items():
                found.setdefault(tid, kind)
        return found

    def _typos(self, word: str) -> dict[int, int]:
        """Programme words within the typos ``word`` may hold, compared as words (for
        « numerqiue ») and as stems (« budjet » for « budgets »). Only the closest are
        kept: when one typo explains the word, two-typo neighbours are noise."""
        typos = max_typos(word)
        if not typos:
            return {}
        found: dict[int, int] = {}
        for near, distance in _near(word, self._words_by_length, typos, 0):
            found[self._order[bisect_left(self._sorted, near)]] = distance
        # A stem is shorter than its word: its stripped ending counts as one letter.
        for near, distance in _near(stem(word), self._stems_by_length, typos, 1):
            for tid in self._by_stem(near):
                found[tid] = min(distance, found.get(tid, distance))
        if not found:
            return {}
        fewest = min(found.values())
        kind = TYPO if fewest <= 1 else TWO_TYPOS
        return {tid: kind for tid, distance in found.items() if distance == fewest}

    def _concepts(self, words: list[QueryWord]) -> list[Concept] | None:
        """What the query asks for; None when one of its words matches nothing."""
        memo: dict[str, dict[int, int]] = {}

        def expand(word: str) -> dict[int, int]:
            if word not in memo:
                memo[word] = self.expand(word)
            return memo[word]

        concepts: list[Concept] = []
        index = 0
        while index < len(words):
            word = words[index]
            alternatives: list[tuple[dict[int, int], ...]] = []
            following = words[index + 1] if index + 1 < len(words) else None
            single = len(word.parts) == 1 and word.joined is None
            if single and following and len(following.parts) == 1 and not following.joined:
                # « inter générationnelles » also means « intergénérationnelles ».
                joined = word.parts[0] + following.parts[0]
                if self._tid(joined) is not None or self._by_stem(stem(joined)):
                    alternatives = [
                        (expand(word.parts[0]), expand(following.parts[0])),
                        (expand(joined),),
                    ]
                    index += 1
            if not alternatives:
                alternatives.append(tuple(expand(part) for part in word.parts))
                if word.joined:
                    alternatives.append((expand(word.joined),))
                elif len(word.parts) == 1 and not _complete(alternatives[0][0]):
                    # Not a programme word: perhaps two, written apart in the programme.
                    alternatives.extend(self._splits(word.parts[0]))
            alternatives = [a for a in alternatives if all(a)]
            if not alternatives:
                return None
            concepts.append(Concept(alternatives))
            index += 1
        return concepts

    def _splits(self, word: str) -> list[tuple[dict[int, int], ...]]:
        """« intergenerationnelles » as « inter » then « generationnelles », written apart."""
        if not 5 <= len(word) <= 40:
            return []
        found: list[tuple[dict[int, int], ...]] = []
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in STOP_WORDS or right in STOP_WORDS:
                continue
            left_id = self._tid(left)
            if left_id is None:
                continue
            right_ids = self.expand(right)
            if right_ids:
                found.append(({left_id: EXACT}, right_ids))
        return found

    # --- searching -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        within: Collection[int] | None = None,
        fields: int | None = None,
        limit: int | None = None,
    ) -> tuple[list[Match], int]:
        """The best ``limit`` documents matching every meaningful word of ``query``, best
        first, and how many match in all.

        ``within`` restricts the documents, ``fields`` (a bit mask) the fields searched.
        When some documents match strongly (outside the body, or dwelling on the words),
        documents that only mention the words in passing are left out.
        """
        # A common word finds thousands of documents: tens of thousands of small objects,
        # none in a cycle; collector passes over a large programme would cost more.
        with paused_gc():
            return self._search(query, within, fields, limit)

    def _search(
        self,
        query: str,
        within: Collection[int] | None,
        fields: int | None,
        limit: int | None,
    ) -> tuple[list[Match], int]:
        words = list(dict.fromkeys(query_words(query)))[:MAX_QUERY_WORDS]
        if not words:
            return [], 0
        concepts = self._concepts(words)
        if not concepts:
            return [], 0
        allowed = _FIELD_BITS if fields is None else fields & _FIELD_BITS
        allowed |= allowed << _SYNONYMS
        outside_body = allowed
        if self.body is not None:
            outside_body &= ~((1 << self.body) | (1 << (self.body + _SYNONYMS)))
        headline = allowed & (self.headline | self.headline << _SYNONYMS)
        where = {0: allowed, NOT_IN_BODY: outside_body, HEADLINE_ONLY: headline}
        per_concept: list[dict[int, list[int]]] = [{} for _ in concepts]
        candidates: set[int] | None = set(within) if within is not None else None
        order = sorted(range(len(concepts)), key=lambda i: self._cost(concepts[i]))
        track = len(concepts) > 1  # where each word matched, to measure proximity
        for position in order:
            found = self._evaluate(concepts[position], candidates, where, track)
            if not found:
                return [], 0
            per_concept[position] = found
            candidates = found.keys() & candidates if candidates is not None else set(found)
        assert candidates is not None
        return self._rank(concepts, per_concept, candidates, limit)

    def _cost(self, concept: Concept) -> int:
        starts = self._starts
        return sum(starts[tid + 1] - starts[tid] for tid in concept.tokens)

    def _evaluate(
        self, concept: Concept, candidates: set[int] | None, where: dict[int, int], track: bool
    ) -> dict[int, list[int]]:
        """Per document: [best (weight, kind) code, field mask, body count, *words]."""
        found: dict[int, list[int]] = {}
        best = self._best
        body_bit = 1 << self.body if self.body is not None else 0
        for alternative in concept.alternatives:
            if len(alternative) > 1:
                self._evaluate_phrase(alternative, candidates, where[0], found)
                continue
            for tid, flagged in alternative[0].items():
                kind = flagged & _KIND
                fields = where[flagged & ~_KIND]
                synonym_kind = min(kind, STEM)
                # Postings hold few distinct infos: each is worked out once.
                rows: dict[int, tuple[int, int, int] | None] = {}
                for doc, info in self._postings(tid, candidates):
                    row = rows.get(info, False)
                    if row is False:
                        row = rows[info] = _row(info, fields, kind, synonym_kind, body_bit, best)
                    if row is None:
                        continue
                    entry = found.get(doc)
                    if entry is None:
                        found[doc] = [*row, tid] if track else list(row)
                    else:
                        code, mask, count = row
                        if code > entry[0]:
                            entry[0] = code
                        entry[1] |= mask
                        entry[2] += count
                        if track:
                            entry.append(tid)
        return found

    def _postings(self, tid: int, candidates: set[int] | None) -> Iterable[tuple[int, int]]:
        """(document, info) pairs of ``tid``, among ``candidates`` when given."""
        docs, infos = self.documents_with(tid), self._infos_of(tid)
        if candidates is None:
            return zip(docs, infos, strict=True)
        if len(candidates) * 8 < len(docs):
            # Few candidates, a long list: look each one up (the list is in order).
            pairs = []
            end = len(docs)
            for doc in candidates:
                at = bisect_left(docs, doc)
                if at < end and docs[at] == doc:
                    pairs.append((doc, infos[at]))
            return pairs
        return [(doc, info) for doc, info in zip(docs, infos, strict=True) if doc in candidates]

    def _evaluate_phrase(
        self,
        slots: tuple[dict[int, int], ...],
        candidates: set[int] | None,
        allowed: int,
        found: dict[int, list[int]],
    ) -> None:
        """Documents where one word of each slot follows the previous, in order."""
        masks: list[dict[int, int]] = []
        for slot in slots:
            docs: dict[int, int] = {}
            for tid in slot:
                for doc, info in zip(self.documents_with(tid), self._infos_of(tid), strict=True):
                    if candidates is None or doc in candidates:
                        docs[doc] = docs.get(doc, 0) | (info & allowed)
            masks.append(docs)
        fields = len(self.weights)
        words = [tid for slot in slots for tid in slot]
        for doc in set(masks[0]).intersection(*masks[1:]):
            common = _FIELD_BITS
            for docs in masks:
                common &= (docs[doc] | docs[doc] >> _SYNONYMS) & _FIELD_BITS
            for field in range(fields):
                if not common >> field & 1:
                    continue
                start = self._offsets[doc * fields + field]
                sequence = self._flat[start : self._offsets[doc * fields + field + 1]]
                kind = _phrase_kind(sequence, slots)
                if not kind:
                    continue
                code = self.weights[field] * 16 + kind
                count = 1 if field == self.body else 0
                entry = found.get(doc)
                if entry is None:
                    found[doc] = [code, 1 << field, count, *words]
                else:
                    entry[0] = max(entry[0], code)
                    entry[1] |= 1 << field
                    entry[2] += count
                    entry.extend(words)

    def _rank(
        self,
        concepts: list[Concept],
        per_concept: list[dict[int, list[int]]],
        docs: Collection[int],
        limit: int | None,
    ) -> tuple[list[Match], int]:
        """Order: field weights, then how the words matched, then proximity, then the
        number of fields matched, then document order; passing mentions cut."""
        count = len(concepts)
        body_weight = self.weights[self.body] if self.body is not None else -1
        words = frozenset(self.vocabulary[t] for c in concepts for t in c.tokens)
        if count == 1:
            return self._rank_one(per_concept[0], docs, limit, body_weight, words)
        rows: list[tuple[int, int, int, bool, tuple[float, int] | None]] = []
        for doc in docs:
            entries = [found[doc] for found in per_concept]
            weight_sum = kind_sum = mask = 0
            salient = True
            for entry in entries:
                weight_sum += entry[0] >> 4
                kind_sum += entry[0] & 15
                mask |= entry[1]
                if entry[0] >> 4 == body_weight and entry[2] < 2:
                    salient = False
            proximity = None
            strong = salient
            if not salient:
                # Weak words, but perhaps all together (at most one word apart).
                proximity = self._proximity(doc, entries)
                strong = 0 < proximity[1] <= count + 1
            rows.append(((weight_sum << 8) + kind_sum, mask, doc, strong, proximity))
        if any(row[3] for row in rows):
            rows = [row for row in rows if row[3]]
        total = len(rows)
        rows.sort(key=lambda row: row[0], reverse=True)
        if limit is not None and limit < total:
            boundary = rows[limit - 1][0]
            end = limit
            while end < total and rows[end][0] == boundary:
                end += 1
            rows = rows[:end]
        keyed = []
        for coarse, mask, doc, strong, proximity in rows:
            if proximity is None:
                proximity = self._proximity(doc, [found[doc] for found in per_concept])
            keyed.append(((coarse, proximity[0], mask.bit_count(), -doc), mask, doc, strong))
        keyed.sort(key=lambda row: row[0], reverse=True)
        matches = []
        for (coarse, closeness, _, _), mask, doc, strong in keyed[:limit]:
            entries = [found[doc] for found in per_concept]
            score = self._score(coarse, closeness, count)
            kind = min(entry[0] & 15 for entry in entries)
            matches.append(Match(doc, score, mask, kind, strong, words))
        return matches, total

    def _rank_one(
        self,
        found: dict[int, list[int]],
        docs: Collection[int],
        limit: int | None,
        body_weight: int,
        words: frozenset[str],
    ) -> tuple[list[Match], int]:
        """``_rank`` for a query of one concept: no proximity to measure, so each document's
        place is one integer (coarse code, fields matched, document order)."""
        strong_keys: list[int] = []
        weak_keys: list[int] = []
        for doc in docs:
            code, mask, body_count = found[doc][:3]
            key = ((code >> 4) << 8 | (code & 15)) << 35 | mask.bit_count() << 32 | _LAST_DOC - doc
            if code >> 4 != body_weight or body_count >= 2:
                strong_keys.append(key)
            else:
                weak_keys.append(key)
        keys = strong_keys or weak_keys
        strong = bool(strong_keys)
        total = len(keys)
        keys.sort(reverse=True)
        matches = []
        score = self._score
        for key in keys[:limit]:
            doc = _LAST_DOC - (key & _LAST_DOC)
            code, mask = found[doc][:2]
            matches.append(Match(doc, score(key >> 35, 1.0, 1), mask, code & 15, strong, words))
        return matches, total

    def _score(self, coarse: int, closeness: float, count: int) -> int:
        """0–100, monotonic in the ranking: field weight first, then kind, then proximity.

        The kind and proximity terms are too small to outweigh one step of field weight.
        """
        key = (coarse, closeness, count)
        score = self._scores.get(key)
        if score is None:
            score = self._scores[key] = self._compute_score(coarse, closeness, count)
        return score

    def _compute_score(self, coarse: int, closeness: float, count: int) -> int:
        top = max(self.weights)
        weight_sum, kind_sum = coarse >> 8, coarse & 255
        kind_factor = 0.6 / (top * count)
        proximity_factor = 0.5 * kind_factor / (EXACT * count)
        raw = (
            weight_sum / (top * count)
            - kind_factor * (1 - kind_sum / (EXACT * count))
            - proximity_factor * (1 - closeness)
        )
        return max(1, min(100, round(100 * sqrt(max(raw, 0)))))

    def _proximity(self, doc: int, entries: list[list[int]]) -> tuple[float, int]:
        """How close the query's words are in the field holding them closest (1 = adjacent,
        in order), and the shortest span they cover there (0 when no field has them all)."""
        common = _FIELD_BITS
        for entry in entries:
            common &= entry[1]
        common = (common | common >> _SYNONYMS) & _FIELD_BITS
        if not common:
            return 0.0, 0
        fields = len(self.weights)
        flat, offsets = self._flat, self._offsets
        count = len(entries)
        concepts_of: dict[int, tuple[int, ...]] = {}
        for number, entry in enumerate(entries):
            for tid in entry[3:]:
                numbers = concepts_of.get(tid, ())
                if number not in numbers:
                    concepts_of[tid] = (*numbers, number)
        best = 0.0
        shortest = 0
        for field in _FIELDS_OF[common]:
            start, stop = offsets[doc * fields + field], offsets[doc * fields + field + 1]
            # (position, concept) pairs in order: one pass over the field's words.
            hits = [
                (position, number)
                for position, tid in enumerate(flat[start:stop])
                if tid in concepts_of
                for number in concepts_of[tid]
            ]
            span, in_order = _window(hits, count)
            if not span:
                continue
            # One word may stand for two concepts (« citoyens citoyenne »): cap at adjacent.
            closeness = min(1.0, count / span) * (1.0 if in_order else 0.9)
            best = max(best, closeness)
            shortest = min(shortest, span) if shortest else span
        return best, shortest


def _row(
    info: int, fields: int, kind: int, synonym_kind: int, body_bit: int, best: list[int]
) -> tuple[int, int, int] | None:
    """What a posting's ``info`` says for one expanded word: (best (weight, kind) code,
    field mask, body count), or None when it matched in no field searched."""
    masked = info & fields
    if not masked:
        return None
    literal = masked & _FIELD_BITS
    synonym = masked >> _SYNONYMS & _FIELD_BITS
    code = max(
        best[literal] * 16 + kind if literal else 0,
        best[synonym] * 16 + synonym_kind if synonym else 0,
    )
    count = info >> _COUNT if masked & body_bit else 0
    return code, literal | synonym, count


def _groups(keys: list[str]) -> tuple[str, array[int], array[int]]:
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


def _group(keys: list[str], groups: tuple[str, array[int], array[int]], key: str) -> Sequence[int]:
    at = bisect_left(keys, key)
    if at < len(keys) and keys[at] == key:
        starts = groups[1]
        return groups[2][starts[at] : starts[at + 1]]
    return ()


def _by_length(words: list[str]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for word in words:
        found.setdefault(len(word), []).append(word)
    return found


def _complete(expansion: dict[int, int]) -> bool:
    """Whether a word's expansion holds the word itself or one of its inflections."""
    return any(kind & _KIND >= STEM for kind in expansion.values())


def _near(
    word: str, by_length: Mapping[int, list[str]], typos: int, ending: int
) -> list[tuple[str, int]]:
    """Strings of ``by_length`` at most ``typos`` edits from ``word``.

    The tolerance is that of the shorter of the two (``ending`` letters added to the
    candidate's length): « vieux » is not « vie » mistyped. As in Meilisearch, a wrong
    first letter counts twice: « vieux » is not « mieux » mistyped either.
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
            distance += choice[:1] != word[:1]
            if distance <= min(typos, max_typos("x" * (len(choice) + ending))):
                near.append((choice, distance))
    return near


def _phrase_kind(sequence: Sequence[int], slots: tuple[dict[int, int], ...]) -> int:
    """The best kind of an in-order, adjacent occurrence of ``slots`` in ``sequence``."""
    best = 0
    length = len(slots)
    first = slots[0]
    for position in range(len(sequence) - length + 1):
        kind = first.get(sequence[position], 0) & _KIND
        if not kind:
            continue
        for offset in range(1, length):
            found = slots[offset].get(sequence[position + offset], 0) & _KIND
            kind = min(kind, found)
            if not kind:
                break
        best = max(best, kind)
    return best


def _window(hits: list[tuple[int, int]], needed: int) -> tuple[int, bool]:
    """Length of the shortest run holding a word of every concept, given sorted
    (position, concept) pairs, and whether the concepts come in query order there
    (0 when some concept is missing)."""
    seen = [0] * needed  # hits of each concept (numbered 0 … needed - 1) in the window
    present = 0  # concepts with a hit in the window
    best_span = 0
    best_order = False
    left = 0
    for right, (position, number) in enumerate(hits):
        if not seen[number]:
            present += 1
        seen[number] += 1
        while present == needed:
            span = position - hits[left][0] + 1
            if not best_span or span < best_span:
                best_span = span
                best_order = _in_order([n for _, n in hits[left : right + 1]], needed)
            gone = hits[left][1]
            seen[gone] -= 1
            if not seen[gone]:
                present -= 1
            left += 1
    return best_span, best_order


def _in_order(numbers: list[int], needed: int) -> bool:
    expected = 0
    for number in numbers:
        if number == expected:
            expected += 1
            if expected == needed:
                return True
    return False


def _roots(words: Sequence[str]) -> list[str]:
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
