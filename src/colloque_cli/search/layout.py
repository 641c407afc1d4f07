"""The bit layout of the search index, shared by the code that builds it (``indexing``)
and the code that reads it (``index``): how a word matched, and what a posting and a
document's row pack into one int."""

from __future__ import annotations

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
KIND_BITS = 7
MAX_FIELDS = 7  # a posting packs literal and synonym field masks and a count in 16 bits
SYNONYMS_AT = 7
COUNT_AT = 14
FIELD_BITS = (1 << MAX_FIELDS) - 1
# The fields of each field mask, in order.
FIELDS_OF = [
    tuple(f for f in range(MAX_FIELDS) if mask >> f & 1) for mask in range(1 << MAX_FIELDS)
]
# What a document holds of one word or phrase of a concept (merged: of the concept), packed
# in one int (hashed and compared in C): the best (weight, kind) code, the fields where it
# matched, and how many times the body holds it.
Row = int
CODE_AT, MASK_AT = 40, 32


def pack(code: int, mask: int, body_count: int) -> Row:
    return code << CODE_AT | mask << MASK_AT | body_count


def unpack(row: Row) -> tuple[int, int, int]:
    return row >> CODE_AT, row >> MASK_AT & 0xFF, row & 0xFFFFFFFF


def merge_rows(first: Row, second: Row) -> Row:
    (code, mask, body_count), (other_code, other_mask, other_count) = map(unpack, (first, second))
    return pack(max(code, other_code), mask | other_mask, body_count + other_count)
