"""The engine: an inverted index over documents made of weighted fields.

Built once; every structure is a plain list, dict, string or ``array``, so that the index
is stored in the cache as data (``cache``).
A query word is expanded once over the vocabulary (exact word, same stem, prefix, typo),
then postings are read for the expanded words only: the cost of a query grows with the
number of documents that contain its words, not with the size of the programme.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import cached_property
from itertools import chain, compress, repeat
from math import sqrt
from operator import and_, itemgetter

from ..infra.gcpause import paused_gc
from .analysis import STOP_WORDS, Glossary, QueryWord, query_words, stem
from .candidates import look_up, phrase_kind, posting_row
from .docmeaning import Meaning
from .expansion import (
    MAX_QUERY_WORDS,
    MIN_PREFIX,
    MIN_ROOT_SHARE,
    Concept,
    group_ids,
    group_of,
    is_complete,
    max_typos,
    near_words,
    snowball_roots,
    words_by_length,
)
from .layout import (
    EXACT,
    FIELD_BITS,
    FIELDS_OF,
    HEADLINE_ONLY,
    KIND_BITS,
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
from .proximity import FieldReader, Proximity
from .ranking import (
    Component,
    Evidence,
    Group,
    Match,
    Ranking,
    Summary,
    best_coarse,
    by_rows,
    by_value,
    lowest,
)


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
        self._stem_groups = group_ids(built.stems)
        self._root_groups = group_ids(snowball_roots(vocabulary))
        from .docmeaning import document_vectors

        self._meaning, self._meaning_scales, self._meaning_entries = document_vectors(self)
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
        "_meaning",
        "_meaning_scales",
        "_meaning_entries",
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
        return words_by_length(self.vocabulary)

    @cached_property
    def _stems_by_length(self) -> dict[int, list[str]]:
        return words_by_length(self._stems)

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
        return group_of(self._stems, self._stem_groups, key)

    def _by_root(self, key: str) -> Sequence[int]:
        """Ids of the words whose Snowball root is ``key``."""
        return group_of(self._root_keys, self._root_groups, key)

    def _best_weight(self, mask: int) -> int:
        return max((w for f, w in enumerate(self.weights) if mask >> f & 1), default=0)

    def frequency(self, tid: int) -> int:
        """How many documents use the vocabulary word ``tid``."""
        return self._starts[tid + 1] - self._starts[tid]

    @property
    def meaning(self) -> Meaning:
        """The documents' vectors of meaning and their scales, and each word's entry in the
        shipped vectors (see docmeaning)."""
        return Meaning(self._meaning, self._meaning_scales, self._meaning_entries)

    def document_words(self, doc: int, fields: int) -> list[int]:
        """The ids of the words of document ``doc`` in the ``fields`` (a bit mask), in order."""
        count = len(self.weights)
        found: list[int] = []
        for field in range(count):
            if fields >> field & 1:
                at = doc * count + field
                found.extend(self._flat[self._offsets[at] : self._offsets[at + 1]])
        return found

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
        root = snowball_roots([key])[0]
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
        word_root = snowball_roots([word])[0]
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
        for near, distance in near_words(word, self._words_by_length, typos, 0):
            found[self._order[bisect_left(self._sorted, near)]] = distance
        # A stem is shorter than its word: its stripped ending counts as one letter.
        for near, distance in near_words(stem(word), self._stems_by_length, typos, 1):
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
                elif len(word.parts) == 1 and not is_complete(alternatives[0][0]):
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
        found: list[list[Component]] = [[] for _ in concepts]
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
    ) -> list[Component]:
        """Per programme word (or phrase) of the concept, the row of each document it
        matches: a document's rows for one concept are merged later, once per distinct
        combination of rows (documents matched by several words are many, their
        combinations few)."""
        found = []
        for alternative in concept.alternatives:
            if len(alternative) > 1:
                rows = self._evaluate_phrase(alternative, candidates, where[0])
                words = tuple(chain.from_iterable(alternative))
                found.append(Component(rows, words, spread=True))
                continue
            for tid, flagged in alternative[0].items():
                rows = self._word_rows(tid, flagged, candidates, where)
                # A word counted in some fields only (a completion, a derived form) still
                # counts for proximity wherever it stands.
                found.append(Component(rows, (tid,), spread=flagged & ~KIND_BITS != 0))
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
            return look_up(docs, infos, candidates)
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
        read = FieldReader(self)
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
                        best = max(best, phrase_kind(following, slots))
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
        found: list[list[Component]],
        docs: Collection[int],
        limit: int | None,
    ) -> tuple[list[int], list[Evidence], int]:
        """Order: field weights, then how the words matched, then proximity, then the
        number of fields matched, then document order; passing mentions cut."""
        count = len(found)
        groups = by_rows(found, docs, self._summary)
        # A query of one concept has no proximity to measure: its closeness is 1.
        proximity = Proximity(self, found) if count > 1 else None
        strong = [group for group in groups if group.summary.salient]
        passing = [group for group in groups if not group.summary.salient]
        if proximity is not None:
            # Weak words, but perhaps all together (at most one word apart).
            for at, (summary, members, _) in enumerate(passing):
                closeness, near = proximity.measure(members, summary)
                passing[at] = Group(summary, members, closeness)
                if any(near):
                    together = list(compress(members, near)), list(compress(closeness, near))
                    strong.append(Group(summary, *together))
        kept = strong or passing
        total = sum(len(group.docs) for group in kept)
        if limit is not None and limit < total:
            # Only the documents that may rank in the first ``limit`` need their proximity.
            kept = best_coarse(kept, limit)
        # Documents of the same place (coarse code, closeness, number of fields) come in
        # document order; each place holds documents of one or more groups.
        places: dict[tuple[int, float, int], list[tuple[list[int], Evidence]]] = {}
        for summary, members, measured in kept:
            if proximity is None:
                by_closeness = {1.0: members}
            else:
                closeness = measured or proximity.measure(members, summary)[0]
                by_closeness = by_value(members, closeness)
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
                first = lowest(bucket, wanted)
                ranked += first
                evidence_of_ranked += [evidence] * len(first)
            else:
                evidence_of: dict[int, Evidence] = {}
                for bucket, evidence in buckets:
                    evidence_of.update(zip(bucket, repeat(evidence)))
                first = lowest(evidence_of, wanted)
                ranked += first
                evidence_of_ranked += map(evidence_of.__getitem__, first)
        return ranked, evidence_of_ranked, total

    def _summary(self, rows: Iterable[Row], components: tuple[Row, ...]) -> Summary:
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
        return Summary(coarse, mask, kind, salient, tuple(visit), components)

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
        row = self[info] = posting_row(
            info, self.fields, kind, min(kind, STEM), self.body_bit, self.best
        )
        return row
