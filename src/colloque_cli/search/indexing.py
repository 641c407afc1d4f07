"""Building an index: the word ids of each document's fields, and each word's postings.

A large programme holds millions of words (50 000 descriptions: 2.5 million), and Python
is slow per item but fast per call. Texts are cut into chunks between white space, each
chunk's word ids worked out once (a dict lookup per chunk, mapped over a whole text); new
words get their ids as they are met, in the order in which they first appear (see
``vocabulary``). The word ids of all the fields, end to end, then give the postings in a
few whole-array operations (numpy, imported on this path only, for a large programme).
Python-level loops run per document field and per new word, never per use of a word.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from itertools import accumulate, chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple

from .analysis import Glossary
from .layout import COUNT_AT, SYNONYMS_AT
from .vocabulary import Learned, Vocabulary

if TYPE_CHECKING:
    from .halves import Child

# From this many uses of words, postings are sorted out with numpy (see ``_postings``).
NUMPY_FROM = 150_000


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
    # The number of synonyms ending each (document, field) that has some, by its number
    # (what a later build takes up: ``Resume``).
    tails: dict[int, int]
    learned: Learned  # what reading the texts learnt of their chunks, for a later build


class Resume(NamedTuple):
    """What a build takes up from an index made before: its first ``documents`` documents
    are the first ones of the new build, unchanged. Their word ids (hence the words they
    hold, which came first), their texts' numbers and synonyms are kept, not worked out
    again: the build goes on from there as it would have, and makes the same index."""

    documents: int
    vocabulary: Sequence[str]  # the index's, by word id
    stems: Sequence[str]  # their light stems
    flat: Sequence[int]  # as ``Built`` has them (arrays, or views of a cache entry)
    offsets: Sequence[int]
    texts: Sequence[int]
    tails: Mapping[int, int]


def build(
    documents: Sequence[Sequence[str | None]],
    fields: int,
    body: int | None,
    glossary: Glossary,
    resume: Resume | None = None,
    learned: Learned | None = None,
    ahead: Child | None = None,
) -> Built:
    """Index the ``fields`` texts of each document; ``body`` is the long one, seldom repeated.
    ``resume`` takes up the first documents from an index made before (and the stems of its
    words); ``learned`` is what an earlier build learnt of chunks (``Built.learned``);
    ``ahead`` a child reading the last documents already (``read_ahead``), taken if it fits
    (else ended)."""
    whole = _read(documents, fields, body, glossary, resume, learned, ahead)
    flat, offsets, texts, tails = whole.flat, whole.offsets, whole.texts, whole.tails
    vocabulary, stems = whole.words.list, whole.words.stems
    taught = whole.learned()
    del whole  # its memory goes to the postings' work
    postings = _postings if len(flat) >= NUMPY_FROM else _postings_plain
    starts, all_docs, infos = postings(flat, offsets, tails, fields, body, len(vocabulary))
    return Built(vocabulary, stems, flat, offsets, starts, all_docs, infos, texts, tails, taught)


class _Part:
    """The word ids of a run of documents' fields, as ``Built`` holds them."""

    def __init__(self, glossary: Glossary, fields: int, body: int | None) -> None:
        self.fields = fields
        self.body = body
        self.words = Vocabulary(glossary)
        self.flat = array("H")  # "I" once a word id needs it
        self.offsets = array("I", [0])
        self.texts = array("H")  # "I" once a field's distinct texts outnumber 16 bits
        # Short texts repeat (rooms, types, themes): each distinct one is analysed once.
        self.short: list[dict[str, _ShortText]] = [{} for _ in range(fields)]
        # The number of synonyms ending each (document, field) that has some, by its number.
        self.tails: dict[int, int] = {}
        # What a child that read the last documents learnt of chunks not met here (``halves``).
        self.adopted: Learned | None = None

    def learned(self) -> Learned:
        """What reading the texts learnt of their chunks (``Built.learned``)."""
        return self.words.learned(more=self.adopted)


def _read(
    documents: Sequence[Sequence[str | None]],
    fields: int,
    body: int | None,
    glossary: Glossary,
    resume: Resume | None = None,
    learned: Learned | None = None,
    ahead: Child | None = None,
) -> _Part:
    """The word ids of the fields of ``documents`` (the first ones taken up from ``resume``)."""
    part = _Part(glossary, fields, body)
    # What words and chunks analyse into does not depend on the programme: told by an
    # earlier build, it is not worked out again.
    if learned is not None:
        part.words.learn(learned)
    if resume is not None:
        part.words.know_stems(resume.vocabulary, resume.stems)
    rows = iter(documents)
    taken = 0
    if resume is not None and resume.documents:
        taken = resume.documents
        _take_up(part, list(islice(rows, taken)), fields, body, resume)
    child = _child(part, documents, taken, ahead)
    if child is None:
        tokenise(part, rows, fields, body)
    else:
        from .halves import read_with

        read_with(child, part, rows, taken, tokenise, fields, body)
    if resume is not None:  # 32 bits taken up that 16 now suffice for, as when built anew
        if part.flat.typecode == "I" and len(part.words.list) <= 1 << 16:
            part.flat = array("H", part.flat)
        if part.texts.typecode == "I" and max(part.texts, default=0) < 1 << 16:
            part.texts = array("H", part.texts)
    return part


# From this many documents to read, some of them are read by a forked child (``halves``):
# below, forking (a few milliseconds) and merging would cost more than they save. The
# share read here: the child then sends what it read, and this process merges it.
FORK_FROM = 4_000
SHARE = 0.5
# The share read here when the child starts before the build (``read_ahead``), which
# then has other work to do first (writing the programme's cache entry, say).
SHARE_AHEAD = 0.4


def read_ahead(
    documents: Sequence[Sequence[str | None]],
    fields: int,
    body: int | None,
    glossary: Glossary,
) -> Child | None:
    """A child that starts reading the last documents of a build to come (``build``'s
    ``ahead``) from now, for a large programme; else None. It starts from nothing: a build
    that takes up its first documents from an earlier index ends it (and forks its own),
    since a reading from there would not meet the same texts first (nor learn the same)."""
    if len(documents) < FORK_FROM:
        return None
    from .halves import start

    split = round(len(documents) * SHARE_AHEAD)
    return start(_Part(glossary, fields, body), documents, split, tokenise, fields, body)


def _child(
    part: _Part, documents: Sequence[Sequence[str | None]], first: int, ahead: Child | None
) -> Child | None:
    """The child that reads the last of ``documents`` (``ahead``, if it fits), or None."""
    if ahead is not None:
        if ahead.fits(len(documents), first, part.fields, part.body):
            return ahead
        ahead.close()  # it reads documents this build takes up from an earlier index
    left = len(documents) - first
    if left < FORK_FROM:
        return None
    from .halves import start

    split = first + round(left * SHARE)
    return start(part, documents, split, tokenise, part.fields, part.body)


def tokenise(
    part: _Part, rows: Iterable[Sequence[str | None]], fields: int, body: int | None
) -> None:
    """Append to ``part`` the word ids of the fields of ``rows`` (the documents that follow
    those it holds)."""
    words, short, tails = part.words, part.short, part.tails
    flat, offsets, texts = part.flat, part.offsets, part.texts
    append_offset, append_text = offsets.append, texts.append
    for fields_texts in rows:
        for field in range(fields):
            text = fields_texts[field]
            number = 0
            if text:
                if field == body:
                    positions, synonyms = words.tokens(text)
                    if synonyms:
                        tails[len(offsets) - 1] = len(synonyms)
                        positions += synonyms
                else:
                    known = short[field].get(text)
                    if known is None:
                        number = len(short[field]) + 1
                        known = short[field][text] = _ShortText(number, *words.tokens(text))
                    if known.tail:
                        tails[len(offsets) - 1] = known.tail
                    positions = known.positions
                    number = known.number
                try:
                    flat.fromlist(positions)
                except OverflowError:  # a word id past 16 bits; the array is left unchanged
                    flat = part.flat = array("I", flat)
                    flat.fromlist(positions)
            append_offset(len(flat))
            try:
                append_text(number)
            except OverflowError:  # the array is left unchanged
                texts = part.texts = array("I", texts)
                append_text = texts.append
                append_text(number)


def _take_up(
    part: _Part,
    documents: list[Sequence[str | None]],
    fields: int,
    body: int | None,
    resume: Resume,
) -> None:
    """Fill ``part`` as reading ``documents`` would, from ``resume`` (made from them)."""
    segments = len(documents) * fields
    part.flat = copied(resume.flat, resume.offsets[segments])
    part.offsets = copied(resume.offsets, segments + 1)
    part.texts = copied(resume.texts, segments)
    part.tails = {at: count for at, count in resume.tails.items() if at < segments}
    # Word ids are given in the order words first appear: those of these documents are
    # the first ones, up to the highest there.
    if len(part.flat) >= NUMPY_FROM:
        import numpy as np

        used = int(np.frombuffer(part.flat, dtype=_NUMPY_TYPES[part.flat.typecode]).max()) + 1
    else:
        used = max(part.flat, default=-1) + 1
    part.words.add(resume.vocabulary[:used])
    # Each distinct short text, as first met: its number, word ids and synonyms.
    for field, column in enumerate(zip(*documents, strict=True)):
        if field == body:
            continue
        first = dict(zip(reversed(column), reversed(range(len(column))), strict=True))
        known = part.short[field]
        for text, doc in first.items():
            if text:
                at = doc * fields + field
                ids = part.flat[part.offsets[at] : part.offsets[at + 1]].tolist()
                split = len(ids) - part.tails.get(at, 0)
                known[text] = _ShortText(part.texts[at], ids[:split], ids[split:])


_NUMPY_TYPES = {"H": "uint16", "I": "uint32"}


def copied(values: Sequence[int], count: int) -> array[int]:
    """The first ``count`` of ``values`` (an array or a view of one), as an array."""
    view = memoryview(values)  # type: ignore[arg-type]
    copied = array(view.format)
    copied.frombytes(view[:count].cast("B"))
    return copied


class _ShortText:
    """A distinct text of a short field: its word ids (its synonyms last, ``tail`` of them)."""

    __slots__ = ("number", "positions", "tail")

    def __init__(self, number: int, literal: list[int], synonyms: list[int]) -> None:
        self.number = number  # among the field's distinct texts, from 1
        self.positions = literal + synonyms
        self.tail = len(synonyms)


def _postings(
    flat: array[int],
    offsets: array[int],
    tails: dict[int, int],
    fields: int,
    body: int | None,
    size: int,
) -> tuple[array[int], array[int], array[int]]:
    """Each word's postings: its documents in order, and what each posting says.

    Worked out from the words of every (document, field) end to end (``flat``, cut by
    ``offsets``), with numpy (imported here, on the cold path only): each use of a word
    says what it adds to its posting (its field; a synonym's field, shifted; a use in the
    body, counted). A run of documents at a time (``SORTED_AT_ONCE`` uses at most, which
    bounds the memory), the uses, stably sorted by word, fall in document order and those
    of one word in one document are merged; each run's postings are then put in place.
    """
    import numpy as np

    starts = array("Q", bytes(8 * (size + 1)))
    if not flat:
        return starts, array("I"), array("H")
    tids = np.frombuffer(flat, dtype=np.uint16 if flat.itemsize == 2 else np.uint32)
    bounds = np.frombuffer(offsets, dtype=np.uint32).astype(np.int64)
    said = _said(np, bounds, tails, fields, body)
    ends = bounds[fields::fields]  # where each document's words end
    runs = []
    counts = np.zeros(size, dtype=np.int64)
    first = 0
    while first < len(ends):
        start = bounds[first * fields]
        last = max(first + 1, int(np.searchsorted(ends, start + SORTED_AT_ONCE, "right")))
        stop = ends[last - 1]
        if stop == start:  # documents without a word
            first = last
            continue
        run = _run(np, tids[start:stop], said[start:stop], ends[first:last] - start, first, body)
        counts += np.bincount(run[0], minlength=size)
        runs.append(run)
        first = last
    del said
    np.cumsum(counts, out=np.frombuffer(starts, dtype=np.uint64)[1:])
    total = starts[-1]
    all_docs, infos = array("I", bytes(4 * total)), array("H", bytes(2 * total))
    docs_view = np.frombuffer(all_docs, dtype=np.uint32)
    infos_view = np.frombuffer(infos, dtype=np.uint16)
    free = np.frombuffer(starts, dtype=np.uint64)[:-1].astype(np.int64)  # next free place
    runs.reverse()
    while runs:
        words, docs, run_infos = runs.pop()
        per_word = np.bincount(words, minlength=size)
        before = np.cumsum(per_word) - per_word  # in the run, where each word's postings start
        places = free[words] + (np.arange(len(words)) - before[words])
        docs_view[places] = docs
        infos_view[places] = run_infos
        free += per_word
    return starts, all_docs, infos


# Uses of words sorted at a time (a run of whole documents): the sort's memory is bounded
# (some 12 MB), whatever the size of the programme.
SORTED_AT_ONCE = 1 << 19


def _said(np: Any, bounds: Any, tails: dict[int, int], fields: int, body: int | None) -> Any:
    """What each use of a word adds to its posting: its field's bit; a synonym's shifted
    by ``SYNONYMS_AT``; 0 for a word of the body, counted in ``_run``."""
    field_of = np.arange(len(bounds) - 1) % fields
    said = (1 << field_of).astype(np.uint16)
    if body is not None:
        said[field_of == body] = 0
    said = np.repeat(said, np.diff(bounds))
    if tails:  # the synonyms ending these (document, field)s
        where = np.fromiter(tails.keys(), np.int64, len(tails))
        counts = np.fromiter(tails.values(), np.int64, len(tails))
        before = np.cumsum(counts) - counts
        uses = np.repeat(bounds[where + 1] - counts - before, counts) + np.arange(counts.sum())
        said[uses] = np.repeat((1 << field_of[where] << SYNONYMS_AT).astype(np.uint16), counts)
    return said


def _run(np: Any, tids: Any, said: Any, ends: Any, first: int, body: int | None) -> Any:
    """The postings of a run of documents from ``first`` (their words end at ``ends``):
    their words, documents and infos, by word then document."""
    order = np.argsort(tids, kind="stable")  # a radix sort of 16-bit ids
    per_document = np.diff(ends, prepend=0)
    numbers = np.arange(first, first + len(ends), dtype=np.uint32)
    docs = np.repeat(numbers, per_document)[order]
    words, said = tids[order], said[order]
    del order
    new = np.empty(len(words), dtype=bool)
    new[0] = True
    np.not_equal(words[1:], words[:-1], out=new[1:])
    new[1:] |= docs[1:] != docs[:-1]
    firsts = np.flatnonzero(new)
    del new
    infos = np.bitwise_or.reduceat(said, firsts)
    if body is not None:
        uses = np.add.reduceat(said == 0, firsts, dtype=np.uint32)
        body_bit = 1 << body
        counted = np.array(
            [0, body_bit | 1 << COUNT_AT, body_bit | 2 << COUNT_AT, body_bit | 3 << COUNT_AT],
            dtype=np.uint16,
        )
        infos |= counted[np.minimum(uses, 3)]
    return words[firsts], docs[firsts], infos


def _postings_plain(
    flat: array[int],
    offsets: array[int],
    tails: dict[int, int],
    fields: int,
    body: int | None,
    size: int,
) -> tuple[array[int], array[int], array[int]]:
    """``_postings`` a (document, field) at a time, for a small programme: quicker than
    importing numpy (some 50 ms) below ``NUMPY_FROM`` uses of words."""
    by_word: list[dict[int, int]] = [{} for _ in range(size)]
    for segment in range(len(offsets) - 1):
        doc, field = divmod(segment, fields)
        start, end = offsets[segment], offsets[segment + 1]
        split = end - tails.get(segment, 0)
        if field == body:
            said = 1 << field
            for tid, uses in Counter(flat[start:split]).items():
                postings = by_word[tid]
                postings[doc] = postings.get(doc, 0) | said | min(uses, 3) << COUNT_AT
        else:
            for tid in flat[start:split]:
                postings = by_word[tid]
                postings[doc] = postings.get(doc, 0) | 1 << field
        for tid in flat[split:end]:
            postings = by_word[tid]
            postings[doc] = postings.get(doc, 0) | 1 << field << SYNONYMS_AT
    # Documents come in order: each word's postings are sorted as they were made.
    return (
        array("Q", accumulate(map(len, by_word), initial=0)),
        array("I", chain.from_iterable(by_word)),
        array("H", chain.from_iterable(map(dict.values, by_word))),
    )
