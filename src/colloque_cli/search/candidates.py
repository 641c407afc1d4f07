"""Candidate evaluation: postings looked up, their rows, phrases found in a field's words."""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from itertools import chain, compress, repeat
from operator import and_, itemgetter
from typing import TYPE_CHECKING

from .expansion import Concept
from .layout import (
    COUNT_AT,
    FIELD_BITS,
    FIELDS_OF,
    KIND_BITS,
    STEM,
    SYNONYMS_AT,
    Row,
    merge_rows,
    pack,
)
from .proximity import FieldReader
from .ranking import Component

if TYPE_CHECKING:
    from .index import Index


def look_up(
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


def posting_row(
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


def phrase_kind(sequence: Sequence[int], slots: tuple[dict[int, int], ...]) -> int:
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


# --- a concept's rows, document by document (of an ``Index``) -------------------------


def evaluate(
    index: Index, concept: Concept, candidates: Collection[int] | None, where: dict[int, int]
) -> list[Component]:
    """Per programme word (or phrase) of the concept, the row of each document it
    matches: a document's rows for one concept are merged later, once per distinct
    combination of rows (documents matched by several words are many, their
    combinations few)."""
    found = []
    for alternative in concept.alternatives:
        if len(alternative) > 1:
            rows = _evaluate_phrase(index, alternative, candidates, where[0])
            words = tuple(chain.from_iterable(alternative))
            found.append(Component(rows, words, spread=True))
            continue
        for tid, flagged in alternative[0].items():
            rows = _word_rows(index, tid, flagged, candidates, where)
            # A word counted in some fields only (a completion, a derived form) still
            # counts for proximity wherever it stands.
            found.append(Component(rows, (tid,), spread=flagged & ~KIND_BITS != 0))
    return [component for component in found if component.rows]


def _word_rows(
    index: Index, tid: int, flagged: int, candidates: Collection[int] | None, where: dict[int, int]
) -> dict[int, Row]:
    """The rows of the documents where ``tid`` matches (among ``candidates``)."""
    # Postings outside the candidates are dropped first: no row looked up for them.
    docs, infos = _postings(index, tid, candidates)
    row_of = _RowOf(index, flagged, where)
    rows = dict(zip(docs, map(row_of.__getitem__, infos), strict=True))
    if None in row_of.values():  # postings in fields not searched
        rows = dict(filter(itemgetter(1), rows.items()))  # rows are true, None is not
    return rows  # type: ignore[return-value]


def _postings(
    index: Index, tid: int, candidates: Collection[int] | None
) -> tuple[Sequence[int], Iterable[int]]:
    """The documents of ``tid`` and their infos (to be read once, in order), among
    ``candidates`` when given."""
    docs, infos = index.documents_with(tid), index._infos_of(tid)
    if candidates is None:
        return docs, infos
    if len(candidates) * 8 < len(docs):
        return look_up(docs, infos, candidates)
    kept = list(map(candidates.__contains__, docs))
    return list(compress(docs, kept)), compress(infos, kept)


def _evaluate_phrase(
    index: Index,
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
            docs, infos = _postings(index, tid, candidates)
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
    read = FieldReader(index)
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
        if field != index.body:
            contents = list(read.contents(docs, field))
            for content in set(contents).difference(kinds):
                kinds[content] = kind_in(content)
            kinds_found = list(map(kinds.__getitem__, contents))
        else:
            kinds_found = list(map(kind_in, read.contents(docs, field)))
        code, body_count = index.weights[field] * 16, int(field == index.body)
        row_of = [pack(code + kind, 1 << field, body_count) for kind in range(KIND_BITS + 1)]
        pairs = zip(docs, map(row_of.__getitem__, kinds_found), strict=True)
        rows = dict(compress(pairs, kinds_found))  # kind 0: not there
        for doc in rows.keys() & found.keys():  # the phrase in several fields
            rows[doc] = merge_rows(found[doc], rows[doc])
        found.update(rows)
    return found


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
