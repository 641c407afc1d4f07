"""The engine's ranking, checked against a slow reference that follows the rules plainly.

``Index`` ranks in bulk (documents grouped by how they match, answers kept per distinct
field text): these tests compare it, match for match, with a reference written document
by document, on the bundled programme and on a generated one of 1 000 sessions. They also
run the engine on an index whose arrays are memoryviews, as when it is read from a cache
file without copying.
"""

from __future__ import annotations

import pickle
import sys
from array import array
from collections.abc import Collection
from pathlib import Path

import pytest

from colloque_cli.programme.loader import load_programme, parse_programme
from colloque_cli.search import Index, SearchIndex
from colloque_cli.search.analysis import query_words
from colloque_cli.search.candidates import phrase_kind
from colloque_cli.search.expansion import MAX_QUERY_WORDS, query_concepts
from colloque_cli.search.layout import (
    COUNT_AT,
    FIELD_BITS,
    HEADLINE_ONLY,
    KIND_BITS,
    NOT_IN_BODY,
    STEM,
    SYNONYMS_AT,
)
from colloque_cli.search.proximity import window
from colloque_cli.search.ranking import Match, compute_score

ROOT = Path(__file__).resolve().parent.parent

QUERIES = (
    # the benchmark's typical queries
    "mobilité", "mobilite", "santé mentale", "jeunesse", "transition écologique", "numérique",
    "intelligence artificielle", "démocratie participative", "culture", "mobilté",
    "cohésion sociale", "précarité", "service public", "alimentation", "laïcité", "sport",
    "solidarités territoires", "désinformation", "vieillissement", "budgets participatifs",
    # typos, prefixes, several words, compounds, acronyms, stop words, nothing
    "numerqiue", "budjet participatif", "mobil", "démocrat", "jeux olympiques",
    "inter générationnelles", "intergenerationnelles", "service-public", "co-construction",
    "tiers-lieux", "ESS", "IA", "QPV", "JOP", "l'intelligence artificielle",
    "économie sociale et solidaire", "santé mentale des jeunes", "public publique",
    "citoyens citoyenne", "transition numerique ecologique", "culture sport jeunesse",
    "atelier", "table ronde", "le la les de", "xyzzy", "",
)  # fmt: skip


def reference(
    index: Index,
    query: str,
    *,
    within: Collection[int] | None = None,
    fields: int | None = None,
    limit: int | None = None,
) -> tuple[list[Match], int]:
    """``Index.search``, one document at a time, as its rules are written."""
    words = list(dict.fromkeys(query_words(query)))[:MAX_QUERY_WORDS]
    concepts = query_concepts(index, words) if words else None
    if not concepts:
        return [], 0
    allowed = FIELD_BITS if fields is None else fields & FIELD_BITS
    allowed |= allowed << SYNONYMS_AT
    body_bits = (1 << index.body | 1 << (index.body + SYNONYMS_AT)) if index.body is not None else 0
    headline = index.headline | index.headline << SYNONYMS_AT
    where = {0: allowed, NOT_IN_BODY: allowed & ~body_bits, HEADLINE_ONLY: allowed & headline}
    # Per concept, per document: [best (weight, kind) code, fields, body count, words that count]
    found: list[dict[int, list]] = [{} for _ in concepts]

    def add(number: int, doc: int, code: int, mask: int, count: int, tids: set[int]) -> None:
        if within is not None and doc not in within:
            return
        entry = found[number].setdefault(doc, [0, 0, 0, set()])
        entry[0] = max(entry[0], code)
        entry[1] |= mask
        entry[2] += count
        entry[3] |= tids

    fields_count = len(index.weights)
    flat, offsets = index._flat, index._offsets

    def words_of(doc: int, field: int) -> list[int]:
        at = doc * fields_count + field
        return list(flat[offsets[at] : offsets[at + 1]])

    for number, concept in enumerate(concepts):
        for alternative in concept.alternatives:
            if len(alternative) > 1:  # a phrase: its words one after the other, in a field
                tids = {tid for slot in alternative for tid in slot}
                for doc in range(index.size):
                    for field in range(fields_count):
                        if not allowed >> field & 1 and not allowed >> (field + SYNONYMS_AT) & 1:
                            continue
                        kind = phrase_kind(words_of(doc, field), alternative)
                        body = field == index.body
                        if kind:
                            code = index.weights[field] * 16 + kind
                            add(number, doc, code, 1 << field, int(body), tids)
                continue
            for tid, flagged in alternative[0].items():
                kind = flagged & KIND_BITS
                searched = where[flagged & ~KIND_BITS]
                docs, infos = index.documents_with(tid), index._infos_of(tid)
                for doc, info in zip(docs, infos, strict=True):
                    masked = info & searched
                    if not masked:
                        continue
                    literal, synonym = masked & FIELD_BITS, masked >> SYNONYMS_AT & FIELD_BITS
                    code = max(
                        index._best[literal] * 16 + kind if literal else 0,
                        index._best[synonym] * 16 + min(kind, STEM) if synonym else 0,
                    )
                    in_body = index.body is not None and masked >> index.body & 1
                    add(
                        number,
                        doc,
                        code,
                        literal | synonym,
                        info >> COUNT_AT if in_body else 0,
                        {tid},
                    )
    docs = set(found[0]).intersection(*found[1:])
    count = len(concepts)
    body_weight = index.weights[index.body] if index.body is not None else -1
    rows = []
    for doc in docs:
        entries = [concept[doc] for concept in found]
        coarse = sum(e[0] >> 4 for e in entries) << 8 | sum(e[0] & 15 for e in entries)
        mask = 0
        common = FIELD_BITS
        for entry in entries:
            mask |= entry[1]
            common &= entry[1]
        salient = all(e[0] >> 4 != body_weight or e[2] >= 2 for e in entries)
        closeness, together = 1.0, False
        if count > 1:
            # Proximity: in each field holding every concept, the shortest run holding a
            # word of each (the first one found, for the order of the words).
            closeness = 0.0
            concepts_of: dict[int, list[int]] = {}
            for number, entry in enumerate(entries):
                for tid in entry[3]:
                    concepts_of.setdefault(tid, []).append(number)
            for field in range(fields_count):
                if not common >> field & 1:
                    continue
                hits = [
                    (position, number)
                    for position, tid in enumerate(words_of(doc, field))
                    for number in sorted(concepts_of.get(tid, ()))
                ]
                span, in_order = window(hits, count)
                if span:
                    closeness = max(closeness, min(1.0, count / span) * (1 if in_order else 0.9))
                    together = together or span <= count + 1
        kind = min(e[0] & 15 for e in entries)
        rows.append((coarse, closeness, mask, kind, doc, salient or together))
    if any(row[5] for row in rows):
        rows = [row for row in rows if row[5]]
    total = len(rows)
    rows.sort(key=lambda row: (row[0], row[1], row[2].bit_count(), -row[4]), reverse=True)
    strong = any(row[5] for row in rows)
    matched = frozenset(index.vocabulary[t] for c in concepts for t in c.tokens)
    matches = [
        Match(doc, compute_score(index, coarse, closeness, count), mask, kind, strong, matched)
        for coarse, closeness, mask, kind, doc, _ in rows[:limit]
    ]
    return matches, total


def generated(size: int) -> SearchIndex:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.generate import generate
    finally:
        sys.path.remove(str(ROOT))
    return SearchIndex(parse_programme(generate(size), "generated.yaml"))


@pytest.fixture(scope="module", params=["bundled", "generated"])
def index(request: pytest.FixtureRequest) -> Index:
    if request.param == "bundled":
        return SearchIndex(load_programme()).index
    return generated(1000).index


@pytest.mark.parametrize("query", QUERIES)
def test_ranking_follows_the_rules(index: Index, query: str) -> None:
    for limit in (None, 1, 10):
        assert index.search(query, limit=limit) == reference(index, query, limit=limit)
    some = set(range(0, index.size, 3))
    assert index.search(query, within=some) == reference(index, query, within=some)
    for fields in (0b1000000, 0b0000101):  # the body alone; the title and the themes
        assert index.search(query, fields=fields) == reference(index, query, fields=fields)


def test_arrays_read_as_memoryviews_answer_the_same(index: Index) -> None:
    """The index's arrays may be served as memoryviews of a cache file, without a copy."""
    viewed = pickle.loads(pickle.dumps(index))
    for name, value in vars(viewed).items():
        if isinstance(value, array):
            setattr(viewed, name, memoryview(value.tobytes()).cast(value.typecode))
        elif isinstance(value, tuple) and any(isinstance(part, array) for part in value):
            setattr(viewed, name, tuple(
                memoryview(part.tobytes()).cast(part.typecode) if isinstance(part, array) else part
                for part in value
            ))  # fmt: skip
    assert not any(isinstance(value, array) for value in vars(viewed).values())
    for query in QUERIES:
        for limit in (None, 3):
            assert viewed.search(query, limit=limit) == index.search(query, limit=limit)


def test_proximity_reads_whole_words_only() -> None:
    """A field is read as bytes: the end of one word id and the start of the next must not
    pass for a query word standing between them."""
    letters = "bcdfghjklmnpqrtvz"
    vocabulary = [f"b{a}{b}{c}" for a in letters for b in letters for c in letters][:800]
    documents: list[tuple[str | None, str | None]] = [(None, word) for word in vocabulary]
    index = Index(documents, (2, 1), body=1)
    assert [index._tid(word) for word in vocabulary[:800:97]] == list(range(0, 800, 97))
    first, second, filler = vocabulary[0x0102], vocabulary[700], vocabulary[3]
    # Across their border, ids 0x0200 then 0x0001 hold the bytes of 0x0102 on a little-endian
    # machine, ids 0x0101 then 0x0200 on a big-endian one: « first » where it is not.
    borders = " ".join(vocabulary[i] for i in (0x0200, 0x0001, 0x0101, 0x0200))
    far = f"{first} {filler} {filler} {filler} {filler} {borders} {second}"  # 10 words
    near = f"{first} {filler} {filler} {filler} {second}"  # 5 words
    index = Index([*documents, (None, far), (None, near)], (2, 1), body=1)
    matches, total = index.search(f"{first} {second}")
    assert ([m.doc for m in matches], total) == ([801, 800], 2)
    assert (matches, total) == reference(index, f"{first} {second}")


def test_a_word_counted_in_the_headline_only_still_counts_for_proximity_in_the_body() -> None:
    """« démocratique » counts for « démocratie » in a title only (a derived form); where
    it does, it also stands for it in the body when proximity is measured."""
    documents = [
        ("Démocratique", "Démocratie alpha beta gamma delta participative démocratique"),
        ("Participative", "Démocratie alpha beta gamma delta epsilon zeta participative"),
        ("Ailleurs", "Une démocratie participative"),
    ]
    index = Index(documents, (2, 1), body=1, headline=(0,))
    matches, total = index.search("democratie participative")
    assert (matches, total) == reference(index, "democratie participative")
    assert [m.doc for m in matches] == [0, 2]  # 0: « participative démocratique », together
