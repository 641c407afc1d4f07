"""Ranking: matches and their evidence, documents grouped by their rows and ordered."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from functools import partial, reduce
from itertools import accumulate, compress, pairwise, repeat
from math import sqrt
from operator import add
from typing import TYPE_CHECKING, NamedTuple

from .layout import EXACT, FIELD_BITS, FIELDS_OF, Row, merge_rows, unpack
from .proximity import Proximity

if TYPE_CHECKING:
    from .index import Index


class Match(NamedTuple):
    """How one document matched a query, and where it ranks (a tuple: quick to make)."""

    doc: int
    score: int  # 0–100, never higher than the score of a match ranked above it
    fields: int  # bit mask of the fields where a query word matched
    kind: int  # the weakest way a query word matched (EXACT … TYPO)
    strong: bool  # matched in a field other than the body, or the body dwells on it
    words: frozenset[str]  # programme words that matched, for highlighting


# Match(...) runs a __new__ written in Python; tuple.__new__ makes the same tuple in C.
_match = partial(tuple.__new__, Match)


class Evidence(NamedTuple):
    """What a match says besides its document: shared by the documents that match alike."""

    score: int
    fields: int
    kind: int
    strong: bool


class Ranking(NamedTuple):
    """The documents a query finds, best first, as columns (no object per document)."""

    docs: list[int]
    evidence: list[Evidence]  # one per document
    total: int  # how many documents match in all
    words: frozenset[str]  # programme words that matched, for highlighting

    def matches(self) -> list[Match]:
        """One ``Match`` per document."""
        # One tail (score … words) per distinct evidence, glued to each document in C.
        tails = {evidence: (*evidence, self.words) for evidence in set(self.evidence)}
        heads = zip(self.docs, strict=True)
        return list(map(_match, map(add, heads, map(tails.__getitem__, self.evidence))))


class Component(NamedTuple):
    """The documents a programme word (or a phrase) of a concept matches, with their rows.

    Where it matches a document, each of its words counts for the concept in every field of
    that document when proximity is measured."""

    rows: dict[int, Row]
    tids: tuple[int, ...]
    # Whether its words may stand in fields its rows do not show: a phrase's rows show where
    # it stands whole, a restricted word's (NOT_IN_BODY, HEADLINE_ONLY) where it counts.
    spread: bool = False


class Summary(NamedTuple):
    """A document's rows summed up, before proximity."""

    coarse: int  # sum of the concepts' weights << 8, plus the sum of their kinds
    mask: int  # fields where a concept matched
    kind: int  # the weakest way a concept matched
    salient: bool  # no concept is a passing mention in the body
    fields: tuple[int, ...]  # the fields holding every concept, in the order to visit them
    components: tuple[Row, ...]  # per component, its row (0 where it does not match)


class Group(NamedTuple):
    """Documents whose rows say the same."""

    summary: Summary
    docs: list[int]
    closeness: list[float] | None = None  # per document, once measured


def by_rows(
    found: list[list[Component]],
    docs: Iterable[int],
    summarise: Callable[[Iterable[Row], tuple[Row, ...]], Summary],
) -> list[Group]:
    """Documents grouped by their rows (per concept, one per word or phrase matched): few
    groups, whose rows are merged and summed up once."""
    docs = list(docs)
    components = [component.rows for concept in found for component in concept]
    members: defaultdict[tuple[Row, ...], list[int]] = defaultdict(list)
    # 0 where a component does not match the document (a row is never 0).
    rows_of = zip(*(map(rows.get, docs, repeat(0)) for rows in components), strict=True)
    for doc, rows in zip(docs, rows_of, strict=True):
        members[rows].append(doc)
    bounds = list(pairwise(accumulate(map(len, found), initial=0)))  # each concept's
    groups = []
    for rows, group in members.items():
        merged = (reduce(merge_rows, filter(None, rows[start:end])) for start, end in bounds)
        groups.append(Group(summarise(merged, rows), group))
    return groups


def best_coarse(groups: list[Group], limit: int) -> list[Group]:
    """The groups that may hold one of the first ``limit`` documents: those whose coarse
    code is at least that of the ``limit``-th document in coarse order."""
    boundary = 0
    seen = 0
    for group in sorted(groups, key=lambda group: group.summary.coarse, reverse=True):
        boundary = group.summary.coarse
        seen += len(group.docs)
        if seen >= limit:
            break
    return [group for group in groups if group.summary.coarse >= boundary]


def by_value(docs: list[int], values: list[float]) -> dict[float, list[int]]:
    """``docs`` split by their value: most often one."""
    if len(set(values)) <= 1:
        return dict(zip(values[:1], [docs], strict=True))
    split: defaultdict[float, list[int]] = defaultdict(list)
    for doc, value in zip(docs, values, strict=True):
        split[value].append(doc)
    return split


def lowest(docs: Collection[int], wanted: int | None) -> list[int]:
    """The ``wanted`` lowest of ``docs`` (all of them without a limit), in order."""
    return sorted(docs) if wanted is None else heapq.nsmallest(wanted, docs)


# --- documents ordered, their scores (of an ``Index``) --------------------------------


def rank_documents(
    index: Index,
    found: list[list[Component]],
    docs: Collection[int],
    limit: int | None,
) -> tuple[list[int], list[Evidence], int]:
    """Order: field weights, then how the words matched, then proximity, then the
    number of fields matched, then document order; passing mentions cut."""
    count = len(found)
    groups = by_rows(found, docs, partial(_summary, index))
    # A query of one concept has no proximity to measure: its closeness is 1.
    proximity = Proximity(index, found) if count > 1 else None
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
            score = score_of(index, summary.coarse, value, count)
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


def _summary(index: Index, rows: Iterable[Row], components: tuple[Row, ...]) -> Summary:
    """What a document's rows (one per concept) say, before proximity; ``components``:
    its row for each component (0 where it does not match)."""
    body_weight = index.weights[index.body] if index.body is not None else -1
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
    weights = index.weights
    visit = sorted(FIELDS_OF[common], key=lambda f: (f == index.body, weights[f]))
    kind = min(code & 15 for code, _, _ in unpacked)
    coarse = (weight_sum << 8) + kind_sum
    return Summary(coarse, mask, kind, salient, tuple(visit), components)


def score_of(index: Index, coarse: int, closeness: float, count: int) -> int:
    """0–100, monotonic in the ranking: field weight first, then kind, then proximity.

    The kind and proximity terms are too small to outweigh one step of field weight.
    """
    key = (coarse, closeness, count)
    score = index._scores.get(key)
    if score is None:
        score = index._scores[key] = compute_score(index, coarse, closeness, count)
    return score


def compute_score(index: Index, coarse: int, closeness: float, count: int) -> int:
    top = max(index.weights)
    weight_sum, kind_sum = coarse >> 8, coarse & 255
    kind_factor = 0.6 / (top * count)
    proximity_factor = 0.5 * kind_factor / (EXACT * count)
    raw = (
        weight_sum / (top * count)
        - kind_factor * (1 - kind_sum / (EXACT * count))
        - proximity_factor * (1 - closeness)
    )
    return max(1, min(100, round(100 * sqrt(max(raw, 0)))))
