"""The engine: an inverted index over documents made of weighted fields.

Built once; every structure is a plain list, dict, string or ``array``, so that the index
is stored in the cache as data (``cache``).
A query word is expanded once over the vocabulary (exact word, same stem, prefix, typo),
then postings are read for the expanded words only: the cost of a query grows with the
number of documents that contain its words, not with the size of the programme.

This module holds the index's data and its look-ups, and runs a query; the steps are module
functions over an ``Index`` beside it: query words to programme words (``expansion``), the
rows of the matching documents (``candidates``), their order and scores (``ranking``).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Collection, Mapping, Sequence
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING

from ..infra.gcpause import paused_gc

if TYPE_CHECKING:
    from .docmeaning import Meaning
    from .halves import Child
    from .indexing import Resume
    from .vocabulary import Learned
from .analysis import Glossary, query_words, stem
from .candidates import evaluate
from .expansion import (
    MAX_QUERY_WORDS,
    MIN_PREFIX,
    MIN_ROOT_SHARE,
    Concept,
    expand,
    group_ids,
    group_of,
    query_concepts,
    snowball_roots,
    words_by_length,
)
from .layout import (
    FIELD_BITS,
    HEADLINE_ONLY,
    MAX_FIELDS,
    NOT_IN_BODY,
    SYNONYMS_AT,
)
from .ranking import (
    Component,
    Match,
    Ranking,
    rank_documents,
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
        resume: Resume | None = None,
        learned: Learned | None = None,
        ahead: Child | None = None,
    ) -> None:
        """``resume`` takes up the first documents from an index made before (``resume``);
        ``learned`` is what the build of an index learnt of chunks (``learned``); ``ahead``
        a child reading the last documents already (``indexing.read_ahead``)."""
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

        built = build(documents, len(self.weights), body, self.glossary, resume, learned, ahead)
        # Told to a later build (kept in the cache beside the index, not in its state).
        self.learned: Learned | None = built.learned
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
        self._tails = (array("I", built.tails.keys()), array("I", built.tails.values()))
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
        "_tails",
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
        self.__dict__.setdefault("learned", None)
        self._best = [self._best_weight(mask) for mask in range(1 << MAX_FIELDS)]
        self._scores: dict[tuple[int, float, int], int] = {}

    def resume(self, documents: int) -> Resume:
        """What a build of documents whose first ``documents`` are this index's first ones
        takes up from it: copies, so that this index (and the cache entry it is read from,
        some 20 MB at 50 000 sessions) can be let go before the build."""
        from .indexing import Resume, copied

        segments = documents * len(self.weights)
        at, counts = self._tails
        tails = {seg: count for seg, count in zip(at, counts, strict=True) if seg < segments}
        stems = [""] * len(self.vocabulary)  # by word id, from the words grouped by stem
        _, starts, order = self._stem_groups
        for group, stem_text in enumerate(self._stems):
            for tid in order[starts[group] : starts[group + 1]]:
                stems[tid] = stem_text
        return Resume(
            documents,
            list(self.vocabulary),
            stems,
            copied(self._flat, self._offsets[segments]),
            copied(self._offsets, segments + 1),
            copied(self._texts, segments),
            tails,
        )

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
        from .docmeaning import Meaning  # not on the path of a plain search: imported here

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
        return expand(self, word)

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
        concepts = query_concepts(self, words) if words else None
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
            components = evaluate(self, concepts[position], candidates, where)
            # Each component's documents are among the candidates (when there are): their
            # union is the intersection.
            candidates = set(chain.from_iterable(component.rows for component in components))
            if not candidates:
                return Ranking([], [], 0, frozenset())
            found[position] = components
        assert candidates is not None
        docs, evidence, total = rank_documents(self, found, candidates, limit)
        words_found = frozenset(self.vocabulary[t] for c in concepts for t in c.tokens)
        return Ranking(docs, evidence, total, words_found)

    def _cost(self, concept: Concept) -> int:
        starts = self._starts
        return sum(starts[tid + 1] - starts[tid] for tid in concept.tokens)
