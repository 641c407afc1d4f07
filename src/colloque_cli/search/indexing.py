"""Building an index: the word ids of each document's fields, and each word's postings.

A large programme holds millions of words (50 000 descriptions: 2.5 million), and Python
is slow per item but fast per call: every step here is a builtin mapped over a whole text or
a whole list (a dict lookup per chunk of text, a list append per word, ``Counter`` per word,
``array.fromlist``). Python-level loops run per document, per distinct short text and per
word of the vocabulary, never per word of the corpus nor per posting.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from itertools import accumulate, chain, compress, count, repeat
from operator import itemgetter, or_
from typing import NamedTuple

from .analysis import ChunkWords, Glossary, stem
from .index import _COUNT, _SYNONYMS

_append = list.append
_extend = list.extend
_NARROW = 1 << 16  # word ids below this fit in 16 bits


class Built(NamedTuple):
    """An index's words and arrays, as ``build`` makes them."""

    vocabulary: list[str]  # by word id
    flat: array[int]  # word ids of each document's fields, end to end
    offsets: array[int]  # where each (document, field) starts in ``flat``
    starts: array[int]  # where each word's postings start in ``docs`` and ``infos``
    docs: array[int]  # documents of the postings, word after word
    infos: array[int]  # what each posting says (fields, synonyms, body count)


def build(
    documents: Sequence[Sequence[str | None]],
    fields: int,
    body: int | None,
    glossary: Glossary,
) -> Built:
    """Index the ``fields`` texts of each document; ``body`` is the long one, seldom repeated."""
    size = len(documents)
    columns = [list(map(itemgetter(field), documents)) for field in range(fields)]
    words = _Vocabulary(glossary)
    # Short texts repeat (rooms, types, themes): the documents of each distinct one.
    groups: list[dict[str | None, list[int]]] = []
    for field in range(fields):
        grouped: defaultdict[str | None, list[int]] = defaultdict(list)
        if field != body:
            deque(map(_append, map(grouped.__getitem__, columns[field]), count()), 0)
            grouped.pop(None, None)
            grouped.pop("", None)
        groups.append(grouped)
    short: list[dict[str, tuple[list[int], list[int]]]] = [{} for _ in range(fields)]
    # Word ids are given in document order, then field order: a short text is analysed
    # where it first appears (``first``), the body of each document in turn.
    first = [(docs[0], f, text) for f, texts in enumerate(groups) for text, docs in texts.items()]
    first.sort(key=itemgetter(0, 1))
    first.append((size, fields, ""))
    upcoming = iter(first)
    at, field, text = next(upcoming)
    bodies: Iterable[str | None] = columns[body] if body is not None else repeat(None, size)
    body_field = body if body is not None else fields
    body_flat = array("H")  # word ids of the bodies, end to end; "I" once an id needs it
    body_ends = array("I")
    uses = words.uses
    body_synonyms: defaultdict[int, list[int]] = defaultdict(list)
    for doc, description in enumerate(bodies):
        while at == doc and field < body_field:
            short[field][text] = words.tokens(text)
            at, field, text = next(upcoming)
        if description:
            literal, synonyms = words.tokens(description)
            # Each use of a word in a body adds the document to the word's list once:
            # a word's count in a body is how often the document follows itself there.
            deque(map(_append, map(uses.__getitem__, literal), repeat(doc)), 0)
            body_flat = _extended(body_flat, literal)
            if synonyms:
                body_flat = _extended(body_flat, synonyms)
                for tid in dict.fromkeys(synonyms):
                    body_synonyms[tid].append(doc)
        body_ends.append(len(body_flat))
        while at == doc:
            short[field][text] = words.tokens(text)
            at, field, text = next(upcoming)
    vocabulary = words.list
    typecode = "I" if len(vocabulary) > _NARROW else "H"
    flat, offsets = _positions(columns, body, short, body_flat, body_ends, typecode)
    del body_flat, columns
    # The fields other than the body, and synonyms anywhere: each word's documents with
    # the bits they add to its postings.
    extras: defaultdict[int, list[tuple[int, list[int]]]] = defaultdict(list)
    for field, analysed in enumerate(short):
        literal_docs: defaultdict[int, list[int]] = defaultdict(list)
        synonym_docs: defaultdict[int, list[int]] = defaultdict(list)
        for text, (literal, synonyms) in analysed.items():
            docs = groups[field][text]
            lists = map(literal_docs.__getitem__, dict.fromkeys(literal))
            deque(map(_extend, lists, repeat(docs)), 0)
            for tid in dict.fromkeys(synonyms):
                synonym_docs[tid].extend(docs)
        for tid, docs in literal_docs.items():
            extras[tid].append((1 << field, docs))
        for tid, docs in synonym_docs.items():
            extras[tid].append((1 << field << _SYNONYMS, docs))
    if body is not None:
        for tid, docs in body_synonyms.items():
            extras[tid].append((1 << body << _SYNONYMS, docs))
    del groups, short
    starts, all_docs, infos = _postings(uses, extras, 1 << body if body is not None else 0)
    return Built(vocabulary, flat, offsets, starts, all_docs, infos)


def _extended(positions: array[int], ids: list[int]) -> array[int]:
    """``positions`` with ``ids`` added, made 32-bit when an id needs it."""
    try:
        positions.fromlist(ids)
    except OverflowError:  # the array is left unchanged
        positions = array("I", positions)
        positions.fromlist(ids)
    return positions


def _positions(
    columns: list[list[str | None]],
    body: int | None,
    short: list[dict[str, tuple[list[int], list[int]]]],
    body_flat: array[int],
    body_ends: array[int],
    typecode: str,
) -> tuple[array[int], array[int]]:
    """Every document's fields end to end (word ids), and where each one starts."""
    if body_flat.typecode != typecode:
        body_flat = array(typecode, body_flat)
    empty = array(typecode)
    pieces: list[Iterable[object]] = []
    for field, column in enumerate(columns):
        if field == body:
            view = memoryview(body_flat)
            pieces.append(map(view.__getitem__, map(slice, chain((0,), body_ends), body_ends)))
        else:
            texts: dict[str | None, array[int]] = {
                text: array(typecode, literal + synonyms)
                for text, (literal, synonyms) in short[field].items()
            }
            texts[None] = texts[""] = empty
            pieces.append(map(texts.__getitem__, column))
    # Document after document, field after field: one bytes join, C-level throughout.
    parts = list(chain.from_iterable(zip(*pieces, strict=True)))
    offsets = array("I", accumulate(map(len, parts), initial=0))  # type: ignore[arg-type]
    flat = array(typecode)
    flat.frombytes(b"".join(parts))  # type: ignore[arg-type]
    return flat, offsets


def _postings(
    uses: list[list[int]],
    extras: dict[int, list[tuple[int, list[int]]]],
    body_bit: int,
) -> tuple[array[int], array[int], array[int]]:
    """Each word's postings: its documents in order, and what each posting says."""
    counted = [0, body_bit | 1 << _COUNT, body_bit | 2 << _COUNT, body_bit | 3 << _COUNT]
    once = array("H", [counted[1]])
    starts, docs, infos = array("Q", [0]), array("I"), array("H")
    for tid, used in enumerate(uses):
        uses[tid] = []  # freed as the arrays grow
        added = extras.get(tid)
        if added is None and len(set(used)) == len(used):
            # Only in bodies, once in each: the common case, with one info for all.
            docs.fromlist(used)
            infos.extend(once * len(used))
        else:
            info = _counted(used, counted)
            if added is not None:
                for bits, more in added:
                    added_bits = map(or_, map(info.get, more, repeat(0)), repeat(bits))
                    info.update(zip(more, added_bits, strict=True))
                ordered = sorted(info)
                docs.fromlist(ordered)
                infos.fromlist(list(map(info.__getitem__, ordered)))
            else:
                docs.fromlist(list(info))
                infos.fromlist(list(info.values()))
        starts.append(len(docs))
    return starts, docs, infos


def _counted(used: list[int], counted: list[int]) -> dict[int, int]:
    """Body info by document, from a word's documents in order, one per use."""
    info = dict.fromkeys(used, counted[1])
    if len(info) < len(used):
        counts = Counter(used)
        most = max(counts.values())
        if most >= len(counted):  # three uses and more all say « three »
            counted.extend([counted[3]] * (most + 1 - len(counted)))
        info = dict(zip(counts, map(counted.__getitem__, counts.values()), strict=True))
    return info


class _ChunkIds(dict[str, tuple[int, ...]]):
    """Word ids of each chunk of text between white space, once its words all have ids
    (else a ``KeyError``, and the text is learnt); ``compounds`` likewise for the joined
    forms of the few chunks that have some."""

    def __init__(self, chunks: ChunkWords, ids: dict[str, int]) -> None:
        super().__init__()
        self.chunks = chunks
        self.ids = ids
        self.compounds: dict[str, tuple[int, ...]] = {}

    def __missing__(self, chunk: str) -> tuple[int, ...]:
        found = tuple(map(self.ids.__getitem__, self.chunks[chunk]))
        joined = self.chunks.compounds.get(chunk)
        if joined:
            self.compounds[chunk] = tuple(map(self.ids.__getitem__, joined))
        self[chunk] = found
        return found


class _Vocabulary:
    """Word ids as they are given, and the word ids of texts."""

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.ids: dict[str, int] = {}
        self.list: list[str] = []  # words by id
        self.uses: list[list[int]] = []  # by word id: bodies using the word, once per use
        self.chunks = ChunkWords()
        self.chunk_ids = _ChunkIds(self.chunks, self.ids)
        # Words that may start a glossary match, as strings (for texts being learnt) and ids.
        self.trigger_words: set[str] = set()
        self.triggers: set[int] = set()
        self._stems: dict[str, str] = {}

    def tokens(self, text: str) -> tuple[list[int], list[int]]:
        """The word ids of ``text``: its meaningful words in order, then the joined forms of
        its compounds; and apart, its glossary synonyms."""
        chunks = text.split()
        try:
            literal = list(chain.from_iterable(map(self.chunk_ids.__getitem__, chunks)))
        except KeyError:  # a word the programme has not used so far
            return self._learn(chunks)
        synonyms: list[int] = []
        if self.triggers and not self.triggers.isdisjoint(literal):
            synonyms = self._synonyms(literal, chunks)
        compounds = self.chunk_ids.compounds
        if not compounds.keys().isdisjoint(chunks):
            literal.extend(chain.from_iterable(map(compounds.get, chunks, repeat(()))))
        return literal, synonyms

    def _learn(self, chunks: list[str]) -> tuple[list[int], list[int]]:
        """``tokens`` for a text with new words, which get their ids here."""
        every = list(chain.from_iterable(map(self.chunks.__getitem__, chunks)))
        found = every  # the words, without the compounds
        if not self.chunks.compounds.keys().isdisjoint(chunks):
            every = every + self._compounds(chunks)
        distinct = set(every)
        synonyms: list[str] = []
        if self.glossary:
            for word in distinct.difference(self.ids):  # the others are known
                if self._starts_match(word):
                    self.trigger_words.add(word)
            if not self.trigger_words.isdisjoint(found):
                synonyms = self._synonyms_of(found)
        # New words take their ids in the order of a set of the text's words: the order
        # the index has always had (it depends on string hashing, so not across processes).
        self._add(distinct.union(synonyms).difference(self.ids))
        return list(map(self.ids.__getitem__, every)), list(map(self.ids.__getitem__, synonyms))

    def _synonyms(self, literal: list[int], chunks: list[str]) -> list[int]:
        found = list(map(self.list.__getitem__, literal))
        synonyms = self._synonyms_of(found)
        if not self.ids.keys() >= set(synonyms):  # some expansion word is new
            every = found + self._compounds(chunks)
            self._add(set(every).union(synonyms).difference(self.ids))
        return list(map(self.ids.__getitem__, synonyms))

    def _compounds(self, chunks: list[str]) -> list[str]:
        return list(chain.from_iterable(map(self.chunks.compounds.get, chunks, repeat(()))))

    def _add(self, new: Iterable[str]) -> None:
        for word in new:
            tid = self.ids[word] = len(self.list)
            self.list.append(word)
            self.uses.append([])
            if self.glossary and self._starts_match(word):
                self.trigger_words.add(word)
                self.triggers.add(tid)

    def _stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = stem(word)
        return found

    def _starts_match(self, word: str) -> bool:
        """Whether ``word`` may start a glossary match: an acronym, or the first word of an
        expansion."""
        return word in self.glossary.expansions or self._stem(word) in self.glossary.by_first_stem

    def _synonyms_of(self, found: list[str]) -> list[str]:
        """Glossary synonyms of a text's meaningful words: each acronym's expansion, and the
        acronym of each expansion written out."""
        glossary = self.glossary
        synonyms: list[str] = []
        for index in compress(count(), map(self.trigger_words.__contains__, found)):
            word = found[index]
            meaning = glossary.expansions.get(word)
            if meaning is not None:
                synonyms.extend(meaning)
            for expansion, acronym in glossary.by_first_stem.get(self._stem(word), ()):
                following = found[index : index + len(expansion)]
                if tuple(map(self._stem, following)) == expansion and word != acronym:
                    synonyms.append(acronym)
        return synonyms
