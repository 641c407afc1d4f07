"""Candidate evaluation: postings looked up, their rows, phrases found in a field's words."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from .layout import COUNT_AT, FIELD_BITS, KIND_BITS, SYNONYMS_AT, Row, pack


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
