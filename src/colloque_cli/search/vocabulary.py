"""The words of an index as its build meets them: their ids, light stems and glossary rules,
and the word ids of texts (each chunk of text between white space worked out once).

A text's new words take their ids in the order they first appear in it (its words, its
compounds, then its synonyms): the same index in every process, whatever the string
hashing. What chunks and words analyse into depends on neither the programme nor the
glossary: a build tells the next one (``Learned``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, compress, count, islice, repeat
from typing import NamedTuple, TypeVar

from .analysis import ChunkWords, Glossary, stem

_T = TypeVar("_T", str, int)
COMPOUND = -1  # last of a chunk's word ids: the chunk also has joined compound forms


class Learned(NamedTuple):
    """What reading texts learnt of the chunks (between white space) it met, to be told to
    a later build: the chunks, one a line; their meaningful words, apart by spaces, one
    line a chunk; and likewise the chunks with compounds and the compounds' joined forms.
    (Neither a chunk nor a word holds white space.)"""

    chunks: str
    words: str
    compound_chunks: str
    compounds: str


class ChunkIds(dict[str, tuple[int, ...]]):
    """Word ids of each chunk of text between white space; a chunk's new words get their
    ids (from ``add``) as it is first met. The ids of a chunk with compounds end with
    ``COMPOUND``: their joined forms come after all the words of a text (``compounds``)."""

    def __init__(
        self, chunks: ChunkWords, ids: dict[str, int], add: Callable[[list[str]], None]
    ) -> None:
        super().__init__()
        self.chunks = chunks
        self.ids = ids
        self.add = add

    def __missing__(self, chunk: str) -> tuple[int, ...]:
        words = self.chunks[chunk]
        if not self.ids.keys() >= set(words):
            self.add(new_words(words, self.ids))
        found = tuple(map(self.ids.__getitem__, words))
        if chunk in self.chunks.compounds:
            found += (COMPOUND,)
        self[chunk] = found
        return found


def new_words(words: Iterable[str], known: Mapping[str, int]) -> list[str]:
    """The distinct ``words`` not ``known`` yet, in the order they first come."""
    return [word for word in dict.fromkeys(words) if word not in known]


class Vocabulary:
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
        self.chunks = ChunkWords()
        self.chunk_ids = ChunkIds(self.chunks, self.ids, self.add)
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

    def learned(self, *, since: int = 0, more: Learned | None = None) -> Learned:
        """What was learnt of the chunks met (``Learned``), from the ``since``-th on; then
        what ``more`` says of chunks not met here (what a child process that read the
        texts after these learnt: the whole is what reading them all here would learn)."""
        met = list(islice(self.chunk_ids, since, None))
        words = list(map(" ".join, map(self.chunks.__getitem__, met)))
        compounds = self.chunks.compounds
        with_compounds = [chunk for chunk in met if chunk in compounds]
        joined = list(map(" ".join, map(compounds.__getitem__, with_compounds)))
        if more is not None and more.chunks:  # a chunk is never empty
            others = more.chunks.split("\n")
            new = [chunk not in self.chunk_ids for chunk in others]
            met += compress(others, new)
            words += compress(more.words.split("\n"), new)
            if more.compound_chunks:
                others = more.compound_chunks.split("\n")
                new = [chunk not in self.chunk_ids for chunk in others]
                with_compounds += compress(others, new)
                joined += compress(more.compounds.split("\n"), new)
        return Learned(
            "\n".join(met), "\n".join(words), "\n".join(with_compounds), "\n".join(joined)
        )

    def know_stems(self, words: Iterable[str], stems: Iterable[str]) -> None:
        """Take the light stems of ``words`` as known (from an earlier build)."""
        self._stems.update(zip(words, stems, strict=True))

    def learn(self, learned: Learned) -> None:
        """Take what an earlier build learnt of chunks as known (``ChunkWords``' memos)."""

        def table(keys: str, values: str) -> dict[str, tuple[str, ...]]:
            if not keys:  # no chunk (a chunk is never empty)
                return {}
            found = map(tuple, map(str.split, values.split("\n")))
            return dict(zip(keys.split("\n"), found, strict=True))

        self.chunks.update(table(learned.chunks, learned.words))
        self.chunks.compounds.update(table(learned.compound_chunks, learned.compounds))

    def tokens(self, text: str) -> tuple[list[int], list[int]]:
        """The word ids of ``text``: its meaningful words in order, then the joined forms of
        its compounds; and apart, its glossary synonyms."""
        return self._tokens(text.split())

    def _tokens(self, chunks: list[str]) -> tuple[list[int], list[int]]:
        # New words get their ids as their chunks are met (``ChunkIds``), compounds after
        # the text's words, synonyms last: in the order they first appear in the text.
        literal = list(chain.from_iterable(map(self.chunk_ids.__getitem__, chunks)))
        compounds: list[int] = []
        if COMPOUND in literal:
            literal = list(filter(COMPOUND.__ne__, literal))
            joined = self._compounds(chunks)
            self.add(new_words(joined, self.ids))
            compounds = list(map(self.ids.__getitem__, joined))
        synonyms: list[int] = []
        if not self.triggers.keys().isdisjoint(literal) and not (
            self.alone.isdisjoint(literal) and self.seconds.isdisjoint(literal)
        ):
            synonym_words = glossary_synonyms(literal, self.triggers, self.stems.__getitem__)
            self.add(new_words(synonym_words, self.ids))
            synonyms = list(map(self.ids.__getitem__, synonym_words))
        literal.extend(compounds)
        return literal, synonyms

    def _compounds(self, chunks: list[str]) -> list[str]:
        return list(chain.from_iterable(map(self.chunks.compounds.get, chunks, repeat(()))))

    def add(self, new: Iterable[str]) -> None:
        for word in new:
            tid = self.ids[word] = len(self.list)
            self.list.append(word)
            word_stem = self._stem(word)  # kept: the glossary check needs it too
            self.stems.append(word_stem)
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


def glossary_synonyms(
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
