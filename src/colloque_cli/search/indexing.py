"""Building an index: the word ids of each document's fields, and each word's postings.

A large programme holds millions of words (50 000 descriptions: 2.5 million), and Python
is slow per item but fast per call: what is done per word of the corpus or per posting is
a builtin mapped over a whole text or a whole array (a dict lookup per chunk of text, an
array append per word, ``dict.fromkeys`` and ``sorted`` per word of the vocabulary).
Python-level loops run per document field, per text with a new word and per word of the
vocabulary. Word ids follow the order in which words first appear (see ``_Vocabulary``).
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, compress, count, repeat
from operator import or_
from typing import NamedTuple, TypeVar

from .analysis import ChunkWords, Glossary, stem
from .layout import COUNT_AT, SYNONYMS_AT

_T = TypeVar("_T", str, int)
_add_document = array.append  # to a word's array of documents
_add_documents = array.extend
_COMPOUND = -1  # last of a chunk's word ids: the chunk also has joined compound forms
_EMPTY = array("I")


def _documents() -> array[int]:
    """An array of document numbers (4 bytes each, where a list would take 8)."""
    return array("I")


class Built(NamedTuple):
    """An index's words and arrays, as ``build`` makes them."""

    vocabulary: list[str]  # by word id
    stems: list[str]  # light stem of each word, by word id
    flat: array[int]  # word ids of each document's fields, end to end
    offsets: array[int]  # where each (document, field) starts in ``flat``
    starts: array[int]  # where each word's postings start in ``docs`` and ``infos``
    docs: array[int]  # documents of the postings, word after word
    infos: array[int]  # what each posting says (fields, synonyms, body count)
    # Per (document, field), as ``offsets``: the number of its text among the field's
    # distinct texts (from 1, in order of first appearance); 0 for an empty field and for
    # the body (16 bits while they suffice). A query measures a short field once per
    # distinct text, found by its number.
    texts: array[int]


def build(
    documents: Sequence[Sequence[str | None]],
    fields: int,
    body: int | None,
    glossary: Glossary,
) -> Built:
    """Index the ``fields`` texts of each document; ``body`` is the long one, seldom repeated."""
    words = _Vocabulary(glossary)
    uses = words.uses
    flat = array("H")  # "I" once a word id needs it
    offsets = array("I", [0])
    append_offset = offsets.append
    texts = array("H")  # "I" once a field's distinct texts outnumber 16 bits
    append_text = texts.append
    # Short texts repeat (rooms, types, themes): each distinct one is analysed once.
    short: list[dict[str, _ShortText]] = [{} for _ in range(fields)]
    body_synonyms: defaultdict[int, array[int]] = defaultdict(_documents)
    for doc, fields_texts in enumerate(documents):
        for field in range(fields):
            text = fields_texts[field]
            number = 0
            if text:
                if field == body:
                    positions, synonyms = words.tokens(text)
                    # Each use of a word in a body adds the document to the word's documents:
                    # how often a document follows itself there is the word's count.
                    deque(map(_add_document, map(uses.__getitem__, positions), repeat(doc)), 0)
                    if synonyms:
                        for tid in dict.fromkeys(synonyms):
                            body_synonyms[tid].append(doc)
                        positions += synonyms
                else:
                    known = short[field].get(text)
                    if known is None:
                        number = len(short[field]) + 1
                        known = short[field][text] = _ShortText(number, *words.tokens(text))
                    known.documents.append(doc)
                    positions = known.positions
                    number = known.number
                try:
                    flat.fromlist(positions)
                except OverflowError:  # a word id past 16 bits; the array is left unchanged
                    flat = array("I", flat)
                    flat.fromlist(positions)
            append_offset(len(flat))
            try:
                append_text(number)
            except OverflowError:  # the array is left unchanged
                texts = array("I", texts)
                append_text = texts.append
                append_text(number)
    # Each word's documents by field (for the short fields, and for synonyms anywhere),
    # with the bits they add to its postings: the documents of each text using it.
    extras: defaultdict[int, list[tuple[int, array[int]]]] = defaultdict(list)
    for field, analysed in enumerate(short):
        literal_documents: defaultdict[int, array[int]] = defaultdict(_documents)
        synonym_documents: defaultdict[int, array[int]] = defaultdict(_documents)
        for known in analysed.values():
            lists = map(literal_documents.__getitem__, known.literal)
            deque(map(_add_documents, lists, repeat(known.documents)), 0)
            if known.synonyms:
                lists = map(synonym_documents.__getitem__, known.synonyms)
                deque(map(_add_documents, lists, repeat(known.documents)), 0)
        for tid, docs in literal_documents.items():
            extras[tid].append((1 << field, docs))
        for tid, docs in synonym_documents.items():
            extras[tid].append((1 << field << SYNONYMS_AT, docs))
    if body is not None:
        for tid, docs in body_synonyms.items():
            extras[tid].append((1 << body << SYNONYMS_AT, docs))
    vocabulary, stems = words.list, words.stems
    # Memos and texts are done with: their memory goes to the postings' work.
    del words, short, body_synonyms
    starts, all_docs, infos = _postings(uses, extras, 1 << body if body is not None else 0)
    return Built(vocabulary, stems, flat, offsets, starts, all_docs, infos, texts)


class _ShortText:
    """A distinct text of a short field: its word ids, and the documents that have it."""

    __slots__ = ("documents", "literal", "number", "positions", "synonyms")

    def __init__(self, number: int, literal: list[int], synonyms: list[int]) -> None:
        self.number = number  # among the field's distinct texts, from 1
        self.positions = literal + synonyms
        self.literal = list(dict.fromkeys(literal))  # each word once
        self.synonyms = list(dict.fromkeys(synonyms))
        self.documents = _documents()


def _postings(
    uses: list[array[int]],
    extras: dict[int, list[tuple[int, array[int]]]],
    body_bit: int,
) -> tuple[array[int], array[int], array[int]]:
    """Each word's postings: its documents in order, and what each posting says."""
    counted = [0, body_bit | 1 << COUNT_AT, body_bit | 2 << COUNT_AT, body_bit | 3 << COUNT_AT]
    once = array("H", [counted[1]])
    starts, docs, infos = array("Q", [0]), array("I"), array("H")
    plain = 0  # postings just added that say « once in the body », their infos not yet
    for tid, used in enumerate(uses):
        uses[tid] = _EMPTY  # freed as the postings grow
        added = extras.get(tid)
        if added is None and (len(used) == 1 or len(set(used)) == len(used)):
            # Only in bodies, once in each: the common case (most words, most postings).
            docs.extend(used)
            plain += len(used)
            starts.append(len(docs))
            continue
        infos.extend(once * plain)
        plain = 0
        if added is None:  # used more than once in some body: counted there
            counts = Counter(used)  # in document order
            docs.fromlist(list(counts))
            infos.fromlist(list(map(_counted(counts, counted), counts.values())))
        else:
            info = dict.fromkeys(used, counted[1])
            if len(info) < len(used):
                counts = Counter(used)
                body_infos = map(_counted(counts, counted), counts.values())
                info = dict(zip(counts, body_infos, strict=True))
            for bits, more in added:
                more_bits = map(or_, map(info.get, more, repeat(0)), repeat(bits))
                info.update(zip(more, more_bits, strict=True))
            ordered = sorted(info)
            docs.fromlist(ordered)
            infos.fromlist(list(map(info.__getitem__, ordered)))
        starts.append(len(docs))
    infos.extend(once * plain)
    return starts, docs, infos


def _counted(counts: Counter[int], counted: list[int]) -> Callable[[int], int]:
    """The body info of a number of uses, for up to the most of ``counts``."""
    most = max(counts.values())
    if most >= len(counted):  # three uses and more all say « three »
        counted.extend([counted[3]] * (most + 1 - len(counted)))
    return counted.__getitem__


class _ChunkIds(dict[str, tuple[int, ...]]):
    """Word ids of each chunk of text between white space, kept once its words all have
    ids (until then, a ``KeyError``); the ids of a chunk with compounds end with
    ``_COMPOUND``, and ``compounds`` holds those of their joined forms."""

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
            found += (_COMPOUND,)
        self[chunk] = found
        return found


def _new(words: Iterable[str], known: Mapping[str, int]) -> list[str]:
    """The distinct ``words`` not ``known`` yet, in the order they first come."""
    return [word for word in dict.fromkeys(words) if word not in known]


class _Vocabulary:
    """Word ids as they are given, and the word ids of texts.

    A text's new words take their ids in the order they first appear in it (its words,
    its compounds, then its synonyms): the same index in every process, whatever the
    string hashing.
    """

    def __init__(self, glossary: Glossary) -> None:
        self.glossary = glossary
        self.ids: dict[str, int] = {}
        self.list: list[str] = []  # words by id
        self.stems: list[str] = []  # their light stems
        self.uses: list[array[int]] = []  # by word id: bodies using the word, once per use
        self.chunks = ChunkWords()
        self.chunk_ids = _ChunkIds(self.chunks, self.ids)
        # What each word that may start a glossary match stands for: its expansion (an
        # acronym), and the expansions it may begin, with their acronym.
        self.rules: dict[str, _Rule] = {}
        self._checked: dict[str, bool] = {}
        self._stems: dict[str, str] = {}
        # The same by word id; the ids of those that need no other word to make a match
        # (acronyms, one-word expansions); of the words that may come second in an
        # expansion. A text holding none of the last two has no synonym.
        self.triggers: dict[int, _Rule] = {}
        self.alone: set[int] = set()
        self.seconds: set[int] = set()
        self._second_stems = {
            expansion[1]
            for expansions in glossary.by_first_stem.values()
            for expansion, _ in expansions
            if len(expansion) > 1
        }

    def tokens(self, text: str) -> tuple[list[int], list[int]]:
        """The word ids of ``text``: its meaningful words in order, then the joined forms of
        its compounds; and apart, its glossary synonyms."""
        return self._tokens(text.split())

    def _tokens(self, chunks: list[str]) -> tuple[list[int], list[int]]:
        try:
            literal = list(chain.from_iterable(map(self.chunk_ids.__getitem__, chunks)))
        except KeyError:  # a word the programme has not used so far
            return self._learn(chunks)
        compounds: Iterable[int] = ()
        if _COMPOUND in literal:
            literal = list(filter(_COMPOUND.__ne__, literal))
            joined = self.chunk_ids.compounds.get
            compounds = chain.from_iterable(map(joined, chunks, repeat(())))
        synonyms: list[int] = []
        if not self.triggers.keys().isdisjoint(literal) and not (
            self.alone.isdisjoint(literal) and self.seconds.isdisjoint(literal)
        ):
            synonym_words = _synonyms(literal, self.triggers, self.stems.__getitem__)
            if not self.ids.keys() >= set(synonym_words):  # an expansion word is new
                every = list(map(self.list.__getitem__, literal)) + self._compounds(chunks)
                self._add(_new(chain(every, synonym_words), self.ids))
            synonyms = list(map(self.ids.__getitem__, synonym_words))
        literal.extend(compounds)
        return literal, synonyms

    def _learn(self, chunks: list[str]) -> tuple[list[int], list[int]]:
        """``tokens`` for a text with new words, which get their ids here."""
        found = list(chain.from_iterable(map(self.chunks.__getitem__, chunks)))
        every = found
        if not self.chunks.compounds.keys().isdisjoint(chunks):
            every = found + self._compounds(chunks)
        distinct = set(every)
        synonyms: list[str] = []
        if self.glossary:
            for word in distinct.difference(self.ids):  # the others are known
                self._check(word)
            if not self.rules.keys().isdisjoint(found):
                synonyms = _synonyms(found, self.rules, self._stem)
        self._add(_new(chain(every, synonyms), self.ids))
        return list(map(self.ids.__getitem__, every)), list(map(self.ids.__getitem__, synonyms))

    def _compounds(self, chunks: list[str]) -> list[str]:
        return list(chain.from_iterable(map(self.chunks.compounds.get, chunks, repeat(()))))

    def _add(self, new: Iterable[str]) -> None:
        for word in new:
            tid = self.ids[word] = len(self.list)
            self.list.append(word)
            word_stem = self._stems.get(word) or stem(word)
            self.stems.append(word_stem)
            self.uses.append(_documents())
            if self.glossary:
                if self._check(word):
                    rule = self.triggers[tid] = self.rules[word]
                    meaning, expansions = rule
                    if meaning or any(len(expansion) == 1 for expansion, _ in expansions):
                        self.alone.add(tid)
                if word_stem in self._second_stems:
                    self.seconds.add(tid)

    def _stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = stem(word)
        return found

    def _check(self, word: str) -> bool:
        """Whether ``word`` may start a glossary match (then its ``rules`` are known)."""
        checked = self._checked.get(word)
        if checked is None:
            glossary = self.glossary
            checked = self._checked[word] = (
                word in glossary.expansions or self._stem(word) in glossary.by_first_stem
            )
            if checked:
                expansions = glossary.by_first_stem.get(self._stem(word), ())
                self.rules[word] = (
                    glossary.expansions.get(word, ()),
                    # An acronym is not its own synonym.
                    [(expansion, acronym) for expansion, acronym in expansions if acronym != word],
                )
        return checked


_Rule = tuple[tuple[str, ...], list[tuple[tuple[str, ...], str]]]


def _synonyms(
    found: Sequence[_T], rules: Mapping[_T, _Rule], stem_of: Callable[[_T], str]
) -> list[str]:
    """Glossary synonyms of a text's meaningful words (as strings or as ids): each
    acronym's expansion, and the acronym of each expansion written out."""
    synonyms: list[str] = []
    for index in compress(count(), map(rules.__contains__, found)):
        meaning, expansions = rules[found[index]]
        synonyms.extend(meaning)
        for expansion, acronym in expansions:
            if tuple(map(stem_of, found[index : index + len(expansion)])) == expansion:
                synonyms.append(acronym)
    return synonyms
