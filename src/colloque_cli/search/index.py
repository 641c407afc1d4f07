"""The engine: an inverted index over documents made of weighted fields.

Built once; every structure is a plain list, dict, string or ``array``, so that the index
is stored in the cache as data (``cache``).
A query word is expanded once over the vocabulary (exact word, same stem, prefix, typo),
then postings are read for the expanded words only: the cost of a query grows with the
number of documents that contain its words, not with the size of the programme.
"""

from __future__ import annotations

import heapq
import sys
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import cached_property, partial, reduce
from itertools import accumulate, chain, compress, count, pairwise, repeat
from math import sqrt
from operator import add, and_, itemgetter
from typing import NamedTuple, cast

from ..infra.gcpause import paused_gc
from .analysis import STOP_WORDS, Glossary, QueryWord, query_words, stem
from .layout import (
    COUNT_AT,
    EXACT,
    FIELD_BITS,
    FIELDS_OF,
    HEADLINE_ONLY,
    KIND_BITS,
    MASK_AT,
    MAX_FIELDS,
    NOT_IN_BODY,
    PREFIX,
    ROOT,
    STEM,
    SYNONYMS_AT,
    TWO_TYPOS,
    TYPO,
    Row,
    merge_rows,
    pack,
    unpack,
)

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


class Match(NamedTuple):
    """How one document matched a query, and where it ranks (a tuple: quick to make)."""

    doc: int
    score: int  # 0–100, never higher than the score of a match ranked above it
    fields: int  # bit mask of the fields where a query word matched
    kind: int  # the weakest way a query word matched (EXACT … TYPO)
    strong: bool  # matched in a field other than the body, or the body dwells on it
    words: frozenset[str]  # programme words that matched, for highlighting


# Match(...) runs a __new__ written in Python; tuple.__new__ makes the same tuple in C.
_match = partial(tuple.__new__, Match)


class Evidence(NamedTuple):
    """What a match says besides its document: shared by the documents that match alike."""

    score: int
    fields: int
    kind: int
    strong: bool


class Ranking(NamedTuple):
    """The documents a query finds, best first, as columns (no object per document)."""

    docs: list[int]
    evidence: list[Evidence]  # one per document
    total: int  # how many documents match in all
    words: frozenset[str]  # programme words that matched, for highlighting

    def matches(self) -> list[Match]:
        """One ``Match`` per document."""
        # One tail (score … words) per distinct evidence, glued to each document in C.
        tails = {evidence: (*evidence, self.words) for evidence in set(self.evidence)}
        heads = zip(self.docs, strict=True)
        return list(map(_match, map(add, heads, map(tails.__getitem__, self.evidence))))


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
        from .indexing import build

        built = build(documents, len(self.weights), body, self.glossary)
        vocabulary = built.vocabulary
        # What is kept (and cached) is a few large strings and arrays, quick to load:
        # words joined by newlines, postings end to end, word groups by stem and by root.
        self._flat, self._offsets = built.flat, built.offsets
        self._words = "\n".join(vocabulary)
        order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
        self._order = array("I", order)
        self._sorted_words = "\n".join(vocabulary[i] for i in order)
        self._starts, self._all_docs, self._all_infos = built.starts, built.docs, built.infos
        self._texts = built.texts
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
        "_texts",
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

    @cached_property
    def _field_starts(self) -> list[Sequence[int]]:
        """Per field, where it starts in each document's words (field ``f + 1``'s starts
        are field ``f``'s ends): two look-ups per document instead of four."""
        fields = len(self.weights)
        return [self._offsets[field::fields] for field in range(fields + 1)]

    @cached_property
    def _field_texts(self) -> list[Sequence[int]]:
        """Per field, the number of each document's text among the field's distinct texts."""
        fields = len(self.weights)
        return [self._texts[field::fields] for field in range(fields)]

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

    def infos_of(self, tid: int) -> Sequence[int]:
        """What each posting of ``tid`` says (field masks, body count), as ``documents_with``."""
        return self._infos_of(tid)

    def forms(self, word: str) -> list[int]:
        """Programme words that are ``word`` or one of its inflections (same light stem)."""
        exact = self._tid(word)
        same = list(self._by_stem(stem(word)))
        return same + [exact] if exact is not None and exact not in same else same

    def stem_forms(self, key: str) -> list[int]:
        """Programme words whose light stem is ``key`` or whose Snowball root is ``key``'s
        (when the root is most of the word, as ``expand`` requires, and not short)."""
        found = list(self._by_stem(key))
        root = _roots([key])[0]
        # A short root joins look-alikes (« santa », « santé »): five letters at least.
        if len(root) > MIN_PREFIX and len(root) >= MIN_ROOT_SHARE * len(key):
            vocabulary = self.vocabulary
            for tid in self._by_root(root):
                if tid not in found and len(root) >= MIN_ROOT_SHARE * len(vocabulary[tid]):
                    found.append(tid)
        return found

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
    #
    # A common word finds thousands of documents. The work per document is kept to a few
    # passes done in C (map, zip, compress, set and dict operations over whole lists), and
    # what depends on few distinct values (a posting's info, a document's rows, a short
    # field's words) is worked out once per value.

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
        ranking = self.rank(query, within=within, fields=fields, limit=limit)
        return ranking.matches(), ranking.total

    def rank(
        self,
        query: str,
        *,
        within: Collection[int] | None = None,
        fields: int | None = None,
        limit: int | None = None,
    ) -> Ranking:
        """``search``, as columns: for callers that make their own object per match."""
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
    ) -> Ranking:
        words = list(dict.fromkeys(query_words(query)))[:MAX_QUERY_WORDS]
        concepts = self._concepts(words) if words else None
        if not concepts:
            return Ranking([], [], 0, frozenset())
        allowed = FIELD_BITS if fields is None else fields & FIELD_BITS
        allowed |= allowed << SYNONYMS_AT
        outside_body = allowed
        if self.body is not None:
            outside_body &= ~((1 << self.body) | (1 << (self.body + SYNONYMS_AT)))
        headline = allowed & (self.headline | self.headline << SYNONYMS_AT)
        where = {0: allowed, NOT_IN_BODY: outside_body, HEADLINE_ONLY: headline}
        found: list[list[_Component]] = [[] for _ in concepts]
        candidates: set[int] | None = set(within) if within is not None else None
        order = sorted(range(len(concepts)), key=lambda i: self._cost(concepts[i]))
        for position in order:
            components = self._evaluate(concepts[position], candidates, where)
            # Each component's documents are among the candidates (when there are): their
            # union is the intersection.
            candidates = set(chain.from_iterable(component.rows for component in components))
            if not candidates:
                return Ranking([], [], 0, frozenset())
            found[position] = components
        assert candidates is not None
        docs, evidence, total = self._rank(found, candidates, limit)
        words_found = frozenset(self.vocabulary[t] for c in concepts for t in c.tokens)
        return Ranking(docs, evidence, total, words_found)

    def _cost(self, concept: Concept) -> int:
        starts = self._starts
        return sum(starts[tid + 1] - starts[tid] for tid in concept.tokens)

    def _evaluate(
        self, concept: Concept, candidates: Collection[int] | None, where: dict[int, int]
    ) -> list[_Component]:
        """Per programme word (or phrase) of the concept, the row of each document it
        matches: a document's rows for one concept are merged later, once per distinct
        combination of rows (documents matched by several words are many, their
        combinations few)."""
        found = []
        for alternative in concept.alternatives:
            if len(alternative) > 1:
                rows = self._evaluate_phrase(alternative, candidates, where[0])
                words = tuple(chain.from_iterable(alternative))
                found.append(_Component(rows, words, spread=True))
                continue
            for tid, flagged in alternative[0].items():
                rows = self._word_rows(tid, flagged, candidates, where)
                # A word counted in some fields only (a completion, a derived form) still
                # counts for proximity wherever it stands.
                found.append(_Component(rows, (tid,), spread=flagged & ~KIND_BITS != 0))
        return [component for component in found if component.rows]

    def _word_rows(
        self, tid: int, flagged: int, candidates: Collection[int] | None, where: dict[int, int]
    ) -> dict[int, Row]:
        """The rows of the documents where ``tid`` matches (among ``candidates``)."""
        # Postings outside the candidates are dropped first: no row looked up for them.
        docs, infos = self._postings(tid, candidates)
        row_of = _RowOf(self, flagged, where)
        rows = dict(zip(docs, map(row_of.__getitem__, infos), strict=True))
        if None in row_of.values():  # postings in fields not searched
            rows = dict(filter(itemgetter(1), rows.items()))  # rows are true, None is not
        return rows  # type: ignore[return-value]

    def _postings(
        self, tid: int, candidates: Collection[int] | None
    ) -> tuple[Sequence[int], Iterable[int]]:
        """The documents of ``tid`` and their infos (to be read once, in order), among
        ``candidates`` when given."""
        docs, infos = self.documents_with(tid), self._infos_of(tid)
        if candidates is None:
            return docs, infos
        if len(candidates) * 8 < len(docs):
            return _look_up(docs, infos, candidates)
        kept = list(map(candidates.__contains__, docs))
        return list(compress(docs, kept)), compress(infos, kept)

    def _evaluate_phrase(
        self,
        slots: tuple[dict[int, int], ...],
        candidates: Collection[int] | None,
        allowed: int,
    ) -> dict[int, Row]:
        """Documents where one word of each slot follows the previous, in order."""
        # Per slot, per document: the fields searched where a word of the slot stands.
        masks: list[dict[int, int]] = []
        for slot in slots:
            masks.append({})
            for tid in slot:
                docs, infos = self._postings(tid, candidates)
                fields_of = dict(zip(docs, map(and_, infos, repeat(allowed)), strict=True))
                for doc in fields_of.keys() & masks[-1].keys():
                    fields_of[doc] |= masks[-1][doc]
                masks[-1].update(fields_of)
        # Then, field by field, the documents whose field may hold the phrase.
        candidates_of: defaultdict[int, list[int]] = defaultdict(list)
        for doc in set(masks[0]).intersection(*masks[1:]):
            common = FIELD_BITS
            for fields_of in masks:
                common &= (fields_of[doc] | fields_of[doc] >> SYNONYMS_AT) & FIELD_BITS
            for field in FIELDS_OF[common]:
                candidates_of[field].append(doc)
        read = _FieldReader(self)
        size = read.itemsize
        starts = [tid.to_bytes(size, sys.byteorder) for tid in slots[0]]
        kinds: dict[bytes, int] = {}  # short fields repeat: each text is read once

        def kind_in(content: bytes) -> int:
            """The best kind of the phrase in a field (its bytes): where a word of the
            first slot stands (found in C), the next words are checked."""
            words = read.words(content)
            best = 0
            for start in starts:
                at = content.find(start)
                while at >= 0:
                    if not at % size:  # a whole word, not the end of one and the next
                        position = at // size
                        following = words[position : position + len(slots)]
                        best = max(best, _phrase_kind(following, slots))
                    at = content.find(start, at + 1)
            return best

        found: dict[int, Row] = {}
        for field, docs in candidates_of.items():
            if field != self.body:
                contents = list(read.contents(docs, field))
                for content in set(contents).difference(kinds):
                    kinds[content] = kind_in(content)
                kinds_found = list(map(kinds.__getitem__, contents))
            else:
                kinds_found = list(map(kind_in, read.contents(docs, field)))
            code, body_count = self.weights[field] * 16, int(field == self.body)
            row_of = [pack(code + kind, 1 << field, body_count) for kind in range(KIND_BITS + 1)]
            pairs = zip(docs, map(row_of.__getitem__, kinds_found), strict=True)
            rows = dict(compress(pairs, kinds_found))  # kind 0: not there
            for doc in rows.keys() & found.keys():  # the phrase in several fields
                rows[doc] = merge_rows(found[doc], rows[doc])
            found.update(rows)
        return found

    def _rank(
        self,
        found: list[list[_Component]],
        docs: Collection[int],
        limit: int | None,
    ) -> tuple[list[int], list[Evidence], int]:
        """Order: field weights, then how the words matched, then proximity, then the
        number of fields matched, then document order; passing mentions cut."""
        count = len(found)
        groups = _by_rows(found, docs, self._summary)
        # A query of one concept has no proximity to measure: its closeness is 1.
        proximity = _Proximity(self, found) if count > 1 else None
        strong = [group for group in groups if group.summary.salient]
        passing = [group for group in groups if not group.summary.salient]
        if proximity is not None:
            # Weak words, but perhaps all together (at most one word apart).
            for at, (summary, members, _) in enumerate(passing):
                closeness, near = proximity.measure(members, summary)
                passing[at] = _Group(summary, members, closeness)
                if any(near):
                    together = list(compress(members, near)), list(compress(closeness, near))
                    strong.append(_Group(summary, *together))
        kept = strong or passing
        total = sum(len(group.docs) for group in kept)
        if limit is not None and limit < total:
            # Only the documents that may rank in the first ``limit`` need their proximity.
            kept = _best_coarse(kept, limit)
        # Documents of the same place (coarse code, closeness, number of fields) come in
        # document order; each place holds documents of one or more groups.
        places: dict[tuple[int, float, int], list[tuple[list[int], Evidence]]] = {}
        for summary, members, measured in kept:
            if proximity is None:
                by_closeness = {1.0: members}
            else:
                closeness = measured or proximity.measure(members, summary)[0]
                by_closeness = _by_value(members, closeness)
            for value, bucket in by_closeness.items():
                score = self._score(summary.coarse, value, count)
                evidence = Evidence(score, summary.mask, summary.kind, bool(strong))
                place = (summary.coarse, value, summary.mask.bit_count())
                places.setdefault(place, []).append((bucket, evidence))
        ranked: list[int] = []
        evidence_of_ranked: list[Evidence] = []
        for place in sorted(places, reverse=True):
            wanted = None if limit is None else limit - len(ranked)
            if wanted is not None and wanted <= 0:
                break
            buckets = places[place]
            if len(buckets) == 1:
                bucket, evidence = buckets[0]
                first = _first(bucket, wanted)
                ranked += first
                evidence_of_ranked += [evidence] * len(first)
            else:
                evidence_of: dict[int, Evidence] = {}
                for bucket, evidence in buckets:
                    evidence_of.update(zip(bucket, repeat(evidence)))
                first = _first(evidence_of, wanted)
                ranked += first
                evidence_of_ranked += map(evidence_of.__getitem__, first)
        return ranked, evidence_of_ranked, total

    def _summary(self, rows: Iterable[Row], components: tuple[Row, ...]) -> _Summary:
        """What a document's rows (one per concept) say, before proximity; ``components``:
        its row for each component (0 where it does not match)."""
        body_weight = self.weights[self.body] if self.body is not None else -1
        weight_sum = kind_sum = mask = 0
        common = FIELD_BITS
        salient = True
        unpacked = list(map(unpack, rows))
        for code, fields, body_count in unpacked:
            weight_sum += code >> 4
            kind_sum += code & 15
            mask |= fields
            common &= fields
            if code >> 4 == body_weight and body_count < 2:
                salient = False
        # Fields are visited until one has the words side by side (nothing is closer): the
        # lighter ones first, whose texts repeat most (a room, a type, a theme: each text is
        # read once per query), the body last (long, and seldom repeated).
        weights = self.weights
        visit = sorted(FIELDS_OF[common], key=lambda f: (f == self.body, weights[f]))
        kind = min(code & 15 for code, _, _ in unpacked)
        coarse = (weight_sum << 8) + kind_sum
        return _Summary(coarse, mask, kind, salient, tuple(visit), components)

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


class _RowOf(dict[int, "Row | None"]):
    """The row of each posting info of one expanded word, worked out at first sight:
    postings hold few distinct infos."""

    def __init__(self, index: Index, flagged: int, where: dict[int, int]) -> None:
        super().__init__()
        self.kind = flagged & KIND_BITS
        self.fields = where[flagged & ~KIND_BITS]
        self.body_bit = 1 << index.body if index.body is not None else 0
        self.best = index._best

    def __missing__(self, info: int) -> Row | None:
        kind = self.kind
        row = self[info] = _row(info, self.fields, kind, min(kind, STEM), self.body_bit, self.best)
        return row


class _Component(NamedTuple):
    """The documents a programme word (or a phrase) of a concept matches, with their rows.

    Where it matches a document, each of its words counts for the concept in every field of
    that document when proximity is measured."""

    rows: dict[int, Row]
    tids: tuple[int, ...]
    # Whether its words may stand in fields its rows do not show: a phrase's rows show where
    # it stands whole, a restricted word's (NOT_IN_BODY, HEADLINE_ONLY) where it counts.
    spread: bool = False


class _Summary(NamedTuple):
    """A document's rows summed up, before proximity."""

    coarse: int  # sum of the concepts' weights << 8, plus the sum of their kinds
    mask: int  # fields where a concept matched
    kind: int  # the weakest way a concept matched
    salient: bool  # no concept is a passing mention in the body
    fields: tuple[int, ...]  # the fields holding every concept, in the order to visit them
    components: tuple[Row, ...]  # per component, its row (0 where it does not match)


class _Group(NamedTuple):
    """Documents whose rows say the same."""

    summary: _Summary
    docs: list[int]
    closeness: list[float] | None = None  # per document, once measured


def _by_rows(
    found: list[list[_Component]],
    docs: Iterable[int],
    summarise: Callable[[Iterable[Row], tuple[Row, ...]], _Summary],
) -> list[_Group]:
    """Documents grouped by their rows (per concept, one per word or phrase matched): few
    groups, whose rows are merged and summed up once."""
    docs = list(docs)
    components = [component.rows for concept in found for component in concept]
    members: defaultdict[tuple[Row, ...], list[int]] = defaultdict(list)
    # 0 where a component does not match the document (a row is never 0).
    rows_of = zip(*(map(rows.get, docs, repeat(0)) for rows in components), strict=True)
    for doc, rows in zip(docs, rows_of, strict=True):
        members[rows].append(doc)
    bounds = list(pairwise(accumulate(map(len, found), initial=0)))  # each concept's
    groups = []
    for rows, group in members.items():
        merged = (reduce(merge_rows, filter(None, rows[start:end])) for start, end in bounds)
        groups.append(_Group(summarise(merged, rows), group))
    return groups


def _best_coarse(groups: list[_Group], limit: int) -> list[_Group]:
    """The groups that may hold one of the first ``limit`` documents: those whose coarse
    code is at least that of the ``limit``-th document in coarse order."""
    boundary = 0
    seen = 0
    for group in sorted(groups, key=lambda group: group.summary.coarse, reverse=True):
        boundary = group.summary.coarse
        seen += len(group.docs)
        if seen >= limit:
            break
    return [group for group in groups if group.summary.coarse >= boundary]


def _by_value(docs: list[int], values: list[float]) -> dict[float, list[int]]:
    """``docs`` split by their value: most often one."""
    if len(set(values)) <= 1:
        return dict(zip(values[:1], [docs], strict=True))
    split: defaultdict[float, list[int]] = defaultdict(list)
    for doc, value in zip(docs, values, strict=True):
        split[value].append(doc)
    return split


def _first(docs: Collection[int], wanted: int | None) -> list[int]:
    """The ``wanted`` lowest of ``docs`` (all of them without a limit), in order."""
    return sorted(docs) if wanted is None else heapq.nsmallest(wanted, docs)


class _Proximity:
    """How close a query's concepts stand in documents, for one query.

    In a document, the words of the components that match it count for their concepts;
    in a field, only those that may stand there are looked for.
    A field's answer depends only on its words and on the words that count: a short field
    that repeats (themes, type, room, often the title) is measured once per query, keyed
    by the number the index gives its text, and looked up for thousands of documents at a
    time. In the body, the
    few words that count are found in C, and the window is measured once per pattern (the
    gaps between them and their concepts).
    """

    __slots__ = ("_body", "_components", "_needed", "_patterns", "_read", "_spread", "_tables")

    def __init__(self, index: Index, found: list[list[_Component]]) -> None:
        self._read = _FieldReader(index)
        self._body = index.body
        self._needed = len(found)
        components = [(number, c) for number, concept in enumerate(found) for c in concept]
        self._components = [(number, component.tids) for number, component in components]
        self._spread = [component.spread for _, component in components]
        self._tables: dict[tuple[int, int], _Table] = {}
        # The answer of each pattern (gaps between the words that count, and their
        # concepts): it holds whatever words make it, in any table.
        self._patterns: dict[tuple[tuple[int, tuple[int, ...]], ...], tuple[float, bool]] = {}

    def measure(self, docs: list[int], summary: _Summary) -> tuple[list[float], list[bool]]:
        """For each of ``docs`` (a group), how close the concepts stand in the field
        holding them closest (1 = adjacent, in order; 0 = in no field holding them all),
        and whether some field holds them all at most one word apart."""
        if not summary.fields:
            return [0.0] * len(docs), [False] * len(docs)
        first, *others = summary.fields  # the short ones first
        best, near = self._answers(docs, first, self._table(summary.components, first))
        for field in others:
            # Adjacent words, in order: no other field can be closer.
            unsure = list(compress(count(), map((1.0).__gt__, best)))
            if not unsure:
                break
            unsure_docs = list(map(docs.__getitem__, unsure))
            answers = self._answers(unsure_docs, field, self._table(summary.components, field))
            for position, closeness, together in zip(unsure, *answers, strict=True):
                if closeness > best[position]:
                    best[position] = closeness
                if together:
                    near[position] = True
        return best, near

    def _answers(
        self, docs: list[int], field: int, table: _Table
    ) -> tuple[list[float], list[bool]]:
        """For each of ``docs``, how close the concepts stand in ``field``, and whether
        they stand together there."""
        if field == self._body:  # long and seldom repeated: measured one by one
            answers = self._closeness(self._read.contents(docs, field), table)
            return list(map(itemgetter(0), answers)), list(map(itemgetter(1), answers))
        # Short and often repeated: each distinct text measured once per query, known by
        # its number (no bytes sliced per document).
        texts = list(map(self._read.texts[field].__getitem__, docs))
        closeness = list(map(table.closeness.get, texts))
        if None in closeness:
            missing = list(set(texts).difference(table.closeness))
            # One document holding each missing text, to read the text's words.
            holder = dict(zip(texts, docs, strict=True))
            contents = self._read.contents(map(holder.__getitem__, missing), field)
            for text, answer in zip(missing, self._closeness(contents, table), strict=True):
                table.closeness[text], table.near[text] = answer
            closeness = list(map(table.closeness.__getitem__, texts))
        return cast("list[float]", closeness), list(map(table.near.__getitem__, texts))

    def _closeness(self, contents: Iterable[bytes], table: _Table) -> list[tuple[float, bool]]:
        """How close the concepts stand in each field (its bytes), and whether they stand
        together (at most one word apart)."""
        size = self._read.itemsize
        tokens, patterns = table.tokens, self._patterns
        answers = []
        for content in contents:
            # The positions of the words that count, found in C, then their pattern (gaps
            # and concepts): all the window depends on.
            find = content.find
            hits = []
            for token, numbers in tokens:
                at = find(token)
                while at >= 0:
                    if not at % size:  # a whole word, not the end of one and the next
                        hits.append((at // size, numbers))
                    at = find(token, at + 1)
            hits.sort()
            first = hits[0][0] if hits else 0
            pattern = tuple([(position - first, numbers) for position, numbers in hits])
            answer = patterns.get(pattern)
            if answer is None:
                answer = patterns[pattern] = self._window(pattern)
            answers.append(answer)
        return answers

    def _window(self, pattern: tuple[tuple[int, tuple[int, ...]], ...]) -> tuple[float, bool]:
        needed = self._needed
        hits = [(position, number) for position, numbers in pattern for number in numbers]
        span, in_order = _window(hits, needed)
        if not span:
            return 0.0, False
        # One word may stand for two concepts (« citoyens citoyenne »): cap at adjacent.
        return min(1.0, needed / span) * (1.0 if in_order else 0.9), span <= needed + 1

    def _table(self, rows: tuple[Row, ...], field: int) -> _Table:
        """The table for a field of the documents whose components have these ``rows``:
        the words of the components matching them count, those that may stand in that
        field are looked for."""
        present = 0
        for at, row in enumerate(rows):
            if row and (self._spread[at] or row >> MASK_AT >> field & 1):
                present |= 1 << at
        # Short fields' answers are kept by text number, which is the field's own.
        key = (present, field)
        table = self._tables.get(key)
        if table is None:
            numbers: dict[int, set[int]] = {}
            for at, (number, tids) in enumerate(self._components):
                if present >> at & 1:
                    for tid in tids:
                        numbers.setdefault(tid, set()).add(number)
            tokens = [
                (tid.to_bytes(self._read.itemsize, sys.byteorder), tuple(sorted(found)))
                for tid, found in numbers.items()
            ]
            table = self._tables[key] = _Table(tokens)
        return table


class _Table:
    """For one set of components that count, in one field: the bytes of each word that
    counts with its concepts, and the answers known for the field's texts."""

    __slots__ = ("closeness", "near", "tokens")

    def __init__(self, tokens: list[tuple[bytes, tuple[int, ...]]]) -> None:
        self.tokens = tokens
        self.closeness: dict[int, float] = {}  # per short field's text number
        self.near: dict[int, bool] = {}


class _FieldReader:
    """The words of documents' fields, read from the index's flat array (an ``array`` or
    a ``memoryview`` cast to the same type)."""

    __slots__ = ("_flat", "_format", "_starts", "itemsize", "texts")

    def __init__(self, index: Index) -> None:
        # Sliced through a memoryview: a slice is a view until made bytes, not a copy.
        self._flat = memoryview(index._flat)
        self._starts = index._field_starts
        self.texts = index._field_texts  # per field, each document's text number
        self._format, self.itemsize = self._flat.format, self._flat.itemsize

    def words(self, content: bytes) -> Sequence[int]:
        """The word ids of a field's bytes."""
        return memoryview(content).cast(self._format)  # type: ignore[call-overload,no-any-return]

    def contents(self, docs: Iterable[int], field: int) -> Iterator[bytes]:
        """The bytes of ``field`` in each of ``docs`` (in the machine's byte order), sliced
        in C."""
        docs = list(docs)
        starts = map(self._starts[field].__getitem__, docs)
        stops = map(self._starts[field + 1].__getitem__, docs)
        return map(bytes, map(self._flat.__getitem__, map(slice, starts, stops)))


def _look_up(
    docs: Sequence[int], infos: Sequence[int], candidates: Iterable[int]
) -> tuple[list[int], list[int]]:
    """Few candidates, a long list of postings: each candidate is looked up (the documents
    are in order)."""
    found_docs, found_infos = [], []
    end = len(docs)
    for doc in candidates:
        at = bisect_left(docs, doc)
        if at < end and docs[at] == doc:
            found_docs.append(doc)
            found_infos.append(infos[at])
    return found_docs, found_infos


def _row(
    info: int, fields: int, kind: int, synonym_kind: int, body_bit: int, best: list[int]
) -> Row | None:
    """What a posting's ``info`` says for one expanded word (its row), or None when it
    matched in no field searched."""
    masked = info & fields
    if not masked:
        return None
    literal = masked & FIELD_BITS
    synonym = masked >> SYNONYMS_AT & FIELD_BITS
    code = max(
        best[literal] * 16 + kind if literal else 0,
        best[synonym] * 16 + synonym_kind if synonym else 0,
    )
    count = info >> COUNT_AT if masked & body_bit else 0
    return pack(code, literal | synonym, count)


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
    return any(kind & KIND_BITS >= STEM for kind in expansion.values())


def _near(
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


def _phrase_kind(sequence: Sequence[int], slots: tuple[dict[int, int], ...]) -> int:
    """The best kind of an in-order, adjacent occurrence of ``slots`` in ``sequence``."""
    best = 0
    length = len(slots)
    first = slots[0]
    for position in range(len(sequence) - length + 1):
        kind = first.get(sequence[position], 0) & KIND_BITS
        if not kind:
            continue
        for offset in range(1, length):
            found = slots[offset].get(sequence[position + offset], 0) & KIND_BITS
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


def roots(words: Sequence[str]) -> list[str]:
    """Snowball French roots of folded words (see ``_roots``)."""
    return _roots(words)


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
