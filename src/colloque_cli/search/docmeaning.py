"""What each document is about, as a vector (made with the index), and how near a word is.

When the index is built, each document gets the weighted mean of the static vectors of its
words (``meaning.vectors``: distilled from a sentence model, shipped with the package):
words of the headline count more, words most documents use or that are common in the
language count less. A query word is then compared with each document: its cosine with
the document's vector, divided by the spread of the cosines an unrelated word would have
with it (from the variance of each direction over the vocabulary). A word scoring 3 or 4
« spreads » above chance is about what the document is about: « cinéma » and a session on
the arts, « pompiers » and one on major risks, although neither uses the word.

Made once when the index is built (pure Python: the vectors are added up as large
integers, one multiplication per word and document); stored with the index. A query reads
one vector per query word and makes one dot product per document.
"""

from __future__ import annotations

from array import array
from collections.abc import Collection, Sequence
from math import log, sqrt
from operator import mul
from typing import TYPE_CHECKING, NamedTuple

from .analysis import stem
from .meaning import table, vectors

if TYPE_CHECKING:
    from .index import Index

# Beyond this many documents, no vectors are made (their making would weigh on the first
# search of a large programme): meaning then rests on the table of neighbours alone.
MAX_DOCUMENTS = 1000
# What a word is worth by the best field holding it: the headline (title, subtitle) three
# times what the themes (field 2 of a session index) or the body are; names and rooms say
# nothing of a topic.
_HEADLINE, _OTHER = 3.0, 1.0
_THEMES_BIT = 0b100
# A session completes a literal answer found in few sessions (``SearchIndex``) when its
# vector is this many spreads above chance near every query word; its evidence is full at
# COMPLEMENT_SURE.
COMPLEMENT_FROM = 3.5
COMPLEMENT_SURE = 5.0
# A word of a document is named as a reason of a match from this cosine with the query
# word (the shipped vectors, whose common directions are removed).
NEAR_WORD = 0.3
_FIELD_WIDTH = 4  # bytes of each component of a sum (unsigned, offset by 128 per unit)
_UNIT = 1 << 14  # the weight of a word of weight 1 whose int8 row has length 1
_FLIP = bytes((b ^ 0x80) for b in range(256))  # int8 two's complement -> uint8 + 128
_FIXED = 1 << 30  # scales are stored as integers (the cache keeps integer arrays only)
SIZE_SLOPE = 0.45  # see chance_level
REFERENCE_SIZE = 28  # the bundled programme, on which the cut-offs were set


class Meaning(NamedTuple):
    """What the index keeps of meaning (integer arrays, as the cache wants)."""

    rows: array[int]  # each document's int8 vector, end to end
    # The factor (times ``_FIXED``) that turns a dot product of a row with a unit query
    # vector into « spreads above chance ».
    scales: array[int]
    # Each programme word's entry in the shipped vectors, plus one (0: none): a query word
    # the programme uses needs no look-up in the shipped table.
    entries: array[int]


def document_vectors(index: Index) -> Meaning:
    """Each document's vector of meaning (all empty when not made)."""
    if not 0 < index.size <= MAX_DOCUMENTS:
        return Meaning(array("b"), array("I"), array("I"))
    shipped, static = table(), vectors()
    dims = static.dimensions
    size = index.size
    totals = [0] * size
    weights = [0] * size
    headline, body = index.headline, index.body
    others = _THEMES_BIT | (1 << body if body is not None else 0)
    count = len(static.lengths)
    entries = array("I", bytes(4 * len(index.vocabulary)))
    for tid, word in enumerate(index.vocabulary):
        if len(word) < 3 or not word.isalpha():
            continue
        number = shipped.number.get(stem(word))
        if number is None or number >= count:
            continue
        entries[tid] = number + 1
        docs = index.documents_with(tid)
        # A word most documents use tells them apart poorly; a rare word of the language
        # says more than a common one (entries are in order of frequency).
        rarity = log((size + 1) / (len(docs) + 0.5)) if size > 1 else 1.0
        if rarity <= 0:
            continue
        common = log(number + 20) / log(25000)
        unit = _UNIT * rarity * common / static.lengths[number]
        packed = _packed(static.raw(number), dims)
        # The weight of a use by field (headline, themes, body), and the vector so weighted.
        strong, weak = round(unit * _HEADLINE), round(unit * _OTHER)
        strong_vector, weak_vector = strong * packed, weak * packed
        for doc, info in zip(docs, index.infos_of(tid), strict=True):
            fields = (info | info >> 7) & 0x7F
            if fields & headline:
                totals[doc] += strong_vector
                weights[doc] += strong
            elif fields & others:
                totals[doc] += weak_vector
                weights[doc] += weak
    # Variances as integers (millionths): the spread is a sum of integer products.
    variances = [round(v * 1e6) for v in static.variances]
    made = array("b")
    scales = array("I")
    for total, weight in zip(totals, weights, strict=True):
        sums = array("I")
        sums.frombytes(total.to_bytes(dims * _FIELD_WIDTH, "little"))
        offset = 128 * weight
        components = [value - offset for value in sums]
        largest = max(map(abs, components))
        if not largest:
            made.extend(bytes(dims))
            scales.append(0)
            continue
        half = largest // 2
        row = [(127 * value + half) // largest for value in components]
        squares = list(map(mul, row, row))
        length = sqrt(sum(squares))
        # Spread of the cosine of an unrelated word with this vector.
        spread = sqrt(sum(map(mul, variances, squares)) / 1e6) / length
        made.extend(row)
        scales.append(round(_FIXED / (length * spread)))
    return Meaning(made, scales, entries)


def _packed(raw: bytes, dims: int) -> int:
    """An int8 vector as one large integer: each component + 128 in its own 4 bytes, so
    that weighted sums of vectors are sums of integers."""
    wide = bytearray(dims * _FIELD_WIDTH)
    wide[::_FIELD_WIDTH] = raw.translate(_FLIP)
    return int.from_bytes(wide, "little")


def nearness(index: Index, word: str, within: Collection[int] | None = None) -> dict[int, float]:
    """How far above chance each document's vector is near ``word`` (in spreads, beyond
    ``chance_level``); empty when the word or the vectors are unknown."""
    if not index.meaning.scales:
        return {}
    number = entry_number(word)
    if number is None:
        return {}
    return entry_nearness(index, number, within)


def entry_number(word: str) -> int | None:
    """The entry of the folded word ``word`` in the shipped vectors (None: none)."""
    number = table().number.get(stem(word))
    return None if number is None or number >= vectors().count else number


def known(word: str) -> bool:
    """Whether the folded ``word`` is a word of the language: an entry of the shipped table
    (the 50 000 most common French words and 20 000 English ones), not one made up."""
    return entry_number(word) is not None


def entry_nearness(
    index: Index, number: int, within: Collection[int] | None = None
) -> dict[int, float]:
    """``nearness`` of the shipped entry ``number``."""
    static = vectors()
    return _above_chance(index, static.row(number).tolist(), static.lengths[number], within)


def phrase_nearness(
    index: Index, words: list[str], within: Collection[int] | None = None
) -> dict[int, float]:
    """How far above chance each document's vector is near the phrase ``words`` as a whole
    (in spreads, beyond ``chance_level``): the mean of its words' unit vectors, rarer words
    of the language weighing more (entries are in order of frequency). Empty when fewer
    than two of the words have a vector, or without vectors."""
    if not index.meaning.scales:
        return {}
    static = vectors()
    dims = static.dimensions
    total = [0.0] * dims
    known = 0
    for word in words:
        number = entry_number(word)
        if number is None:
            continue
        known += 1
        weight = log(number + 20) / static.lengths[number]
        total = [t + weight * x for t, x in zip(total, static.row(number).tolist(), strict=True)]
    length = sqrt(sum(map(mul, total, total)))
    if known < 2 or not length:
        return {}
    return _above_chance(index, [t / length for t in total], 1.0, within)


def _above_chance(
    index: Index, query: Sequence[float], length: float, within: Collection[int] | None
) -> dict[int, float]:
    """How far above chance each document's vector is near ``query`` (of that ``length``),
    in spreads beyond ``chance_level``; documents without a vector are left out."""
    rows, scales, _ = index.meaning
    dims = vectors().dimensions
    unit = length * _FIXED
    chance = chance_level(index.size)
    found: dict[int, float] = {}
    for doc in range(index.size) if within is None else within:
        scale = scales[doc]
        if scale:
            dot = sum(map(mul, query, rows[doc * dims : doc * dims + dims]))
            found[doc] = dot * scale / unit - chance
    return found


def chance_level(size: int) -> float:
    """How many spreads above chance the nearest of ``size`` documents is to an unrelated
    word, beyond what it is among the bundled programme's 28: the more documents, the
    likelier one is near any word by chance. Measured with 200 to 300 random common words
    on programmes of 28 to 1 000 sessions (the bundled one, two small and two FOSDEM
    schedules, a generated one), the 90th percentile of that nearest distance grows by
    SIZE_SLOPE per unit of log(size) (2.8 at 28, 3.3 at 79, 4.1 at 674, 4.4 at 943
    sessions); nearness is counted above it, so that the same cut-offs keep the same
    share of unrelated words silent whatever the programme's size."""
    return SIZE_SLOPE * log(size / REFERENCE_SIZE) if size > REFERENCE_SIZE else 0.0


def entry_of(index: Index, tid: int) -> int | None:
    """The shipped entry of the programme word ``tid`` (None: none, or no vectors)."""
    entries = index.meaning.entries
    return entries[tid] - 1 if tid < len(entries) and entries[tid] else None


def words_near(index: Index, number: int, word: str, doc: int, count: int = 3) -> list[int]:
    """The ids of the words of document ``doc`` nearest in meaning the query word ``word``
    (shipped entry ``number``), nearest first: a reader's reason for a match by the
    document's vector. Words that only look like it (« mobiliser », « mobilité ») are not
    reasons: vectors of words seen alone confuse spelling with meaning."""
    scored = _word_cosines(index, number, word, doc)
    ranked = sorted(scored, key=lambda t: -scored[t])
    near = [t for t in ranked[:count] if scored[t] >= NEAR_WORD]
    # At least the nearest word, when the document is near as a whole but no single word is.
    return near or [t for t in ranked[:1] if scored[t] > 0]


def nearest_cosines(
    index: Index,
    number: int,
    word: str,
    doc: int,
    count: int,
    known: dict[int, float] | None = None,
) -> list[float]:
    """The cosines with the query word ``word`` (shipped entry ``number``) of the ``count``
    words of document ``doc`` nearest it in meaning, nearest first, forms of one word
    counting once (0 for those it lacks). ``known``: see ``_word_cosines``."""
    by_entry: dict[int, float] = {}
    for tid, cosine in _word_cosines(index, number, word, doc, known).items():
        entry = entry_of(index, tid)
        if entry is not None:
            by_entry[entry] = cosine
    cosines = sorted(by_entry.values(), reverse=True)[:count]
    return cosines + [0.0] * (count - len(cosines))


def _word_cosines(
    index: Index, number: int, word: str, doc: int, known: dict[int, float] | None = None
) -> dict[int, float]:
    """The cosine of each word of document ``doc`` with the query word ``word`` (0 for the
    word's own forms, look-alikes and words without a vector). ``known``: the cosines of
    programme words already worked out for this query word (completed here), so that a word
    several documents use is compared once."""
    static = vectors()
    query = static.row(number).tolist()
    length = static.lengths[number]
    fields = index.headline | _THEMES_BIT
    if index.body is not None:
        fields |= 1 << index.body
    scored: dict[int, float] = {}
    known = {} if known is None else known
    vocabulary = index.vocabulary
    for tid in index.document_words(doc, fields):
        if tid in scored:
            continue
        cosine = known.get(tid)
        if cosine is None:
            other = entry_of(index, tid)
            if other is None or other == number or _look_alike(word, vocabulary[tid]):
                cosine = 0.0
            else:
                dot = sum(map(mul, query, static.row(other)))
                cosine = dot / (length * static.lengths[other])
            known[tid] = cosine
        scored[tid] = cosine
    return scored


def complement(
    index: Index, numbers: list[int], exclude: Collection[int], within: Collection[int] | None
) -> list[tuple[int, float]]:
    """Documents (not in ``exclude``) whose vector is near every shipped entry of
    ``numbers``, with their evidence (0..1), best first."""
    total: dict[int, float] = {}
    for position, number in enumerate(numbers):
        near = entry_nearness(index, number, within)
        kept: dict[int, float] = {}
        for doc, spreads in near.items():
            if spreads > COMPLEMENT_FROM and doc not in exclude:
                if position == 0 or doc in total:
                    share = (spreads - COMPLEMENT_FROM) / (COMPLEMENT_SURE - COMPLEMENT_FROM)
                    kept[doc] = total.get(doc, 0.0) + min(1.0, share)
        total = kept
    return sorted(((d, v / len(numbers)) for d, v in total.items()), key=lambda x: -x[1])


def _look_alike(a: str, b: str) -> bool:
    """Whether two folded words begin alike over most of the shorter one."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and common >= 0.5 * min(len(a), len(b))
