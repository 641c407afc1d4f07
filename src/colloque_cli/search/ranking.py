"""Ranking: matches and their evidence, documents grouped by their rows and ordered."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from functools import partial, reduce
from itertools import accumulate, pairwise, repeat
from operator import add
from typing import NamedTuple

from .layout import Row, merge_rows


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
