"""Proximity: how close a query's concepts stand in a document's fields."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING, cast

from .layout import MASK_AT, Row

if TYPE_CHECKING:
    from .index import Index
    from .ranking import Component, Summary


class Proximity:
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

    def __init__(self, index: Index, found: list[list[Component]]) -> None:
        self._read = FieldReader(index)
        self._body = index.body
        self._needed = len(found)
        components = [(number, c) for number, concept in enumerate(found) for c in concept]
        self._components = [(number, component.tids) for number, component in components]
        self._spread = [component.spread for _, component in components]
        self._tables: dict[tuple[int, int], _Table] = {}
        # The answer of each pattern (gaps between the words that count, and their
        # concepts): it holds whatever words make it, in any table.
        self._patterns: dict[tuple[tuple[int, tuple[int, ...]], ...], tuple[float, bool]] = {}

    def measure(self, docs: list[int], summary: Summary) -> tuple[list[float], list[bool]]:
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
        span, in_order = window(hits, needed)
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


class FieldReader:
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


def window(hits: list[tuple[int, int]], needed: int) -> tuple[int, bool]:
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
