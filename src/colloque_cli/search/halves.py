"""A large index build read in two halves at once: the first by this process, the rest by a
forked child (``infra.forked``), on the machine's other core; then merged into the index a
single process would have made, byte for byte.

The child starts from this process's state when it forks (the words, short texts and chunks
known so far: nothing, for a child forked ahead of the build, ``indexing.read_ahead``) and
reads the last documents as the build would; what it meets anew gets its own ids and
numbers, from where the state stopped. Merged, in the order a single reading
would meet them: the child's new words that this process met too take this process's ids,
the others the next ids, in the order the child met them (a word's id is the order of its
first appearance); the child's word ids are then renumbered in one array operation (numpy,
which the build imports anyway for a large programme). Likewise the numbers of short texts,
and the chunks learnt. The child answers through a pipe, as raw arrays and one JSON document
(a few megabytes at 50 000 sessions), never as pickled objects.

When the child fails, or no child can be forked (no core free, see ``infra.forked``), this
process reads the rest itself: the same index, only later.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from ..infra import progress
from ..infra.forked import Chunks, Forked, fork
from .vocabulary import Learned, new_words

if TYPE_CHECKING:
    from .indexing import _Part

Rows = Iterator[Sequence[str | None]]
Tokenise = Callable[["_Part", Rows, int, "int | None"], None]

_HEADER = 8  # bytes: the length of the JSON document that comes first


class _Start:
    """What a part held when the child was forked: what the child meets beyond is new."""

    def __init__(self, part: _Part) -> None:
        self.held = (len(part.offsets) - 1) // part.fields  # documents
        self.words = len(part.words.list)
        self.chunks = len(part.words.chunk_ids)
        self.short = [len(known) for known in part.short]


class Child:
    """A child reading the documents of a build from ``split`` on (of ``count``), as the
    parent sees it. A context manager: on exit, a child still there is killed and reaped
    (see ``Forked``)."""

    def __init__(
        self, forked: Forked, start: _Start, split: int, count: int, fields: int, body: int | None
    ) -> None:
        self.forked = forked
        self.start = start
        self.split = split
        self.count = count
        self.layout = (fields, body)

    def fits(self, count: int, first: int, fields: int, body: int | None) -> bool:
        """Whether a build of ``count`` documents reading from ``first`` on can take what
        this child reads. (A child that starts from a part holding documents already, e.g.
        a build's first ones taken up from an earlier index, fits from there on only.)"""
        return (count, fields, body) == (self.count, *self.layout) and first == self.start.held

    def close(self) -> None:
        """Kill and reap the child if it is still there (its work is not needed)."""
        self.forked.__exit__(None, None, None)

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start(
    part: _Part,
    documents: Sequence[Sequence[str | None]],
    split: int,
    tokenise: Tokenise,
    fields: int,
    body: int | None,
) -> Child | None:
    """A child reading ``documents[split:]`` into ``part`` as it is now (then sending what
    it read); None when no child could be forked."""
    state = _Start(part)

    def child() -> Chunks:
        progress.set_reporter(None)  # the terminal is the parent's
        part.flat, part.offsets, part.texts = array("H"), array("I", [0]), array("H")
        part.tails = {}
        tokenise(part, iter(documents[split:]), fields, body)
        return _encoded(part, state)

    forked = fork(child)
    if forked is None:
        return None
    return Child(forked, state, split, len(documents), fields, body)


def read_with(
    child: Child,
    part: _Part,
    rows: Rows,
    first: int,
    tokenise: Tokenise,
    fields: int,
    body: int | None,
) -> None:
    """Fill ``part`` with the word ids of the documents from ``first`` on (``rows``
    iterates them), as ``tokenise`` over them all would: here up to where ``child``
    reads, then what it read, merged."""
    with child:  # the child is reaped whatever happens here (Ctrl-C, an error)
        tokenise(part, islice(rows, child.split - first), fields, body)
        import numpy  # noqa: F401 - for the merge and the postings, while the child ends

        answer = child.forked.result()
    if answer is None:
        read_anyway(tokenise, part, rows, fields, body)
        return
    _merge(part, child.start, answer)
    progress.advance(child.count)


def read_anyway(tokenise: Tokenise, part: _Part, rows: Rows, fields: int, body: int | None) -> None:
    """Read the documents left here: the child failed (the index is the same, made later)."""
    tokenise(part, rows, fields, body)


def _encoded(part: _Part, start: _Start) -> Chunks:
    """What the child read (its ``part`` from ``start``), as bytes."""
    words = part.words
    learned = words.learned(since=start.chunks)
    arrays = [
        part.flat,
        part.offsets,
        part.texts,
        array("I", part.tails.keys()),
        array("I", part.tails.values()),
    ]
    document = {
        "typecodes": [values.typecode for values in arrays],
        "sizes": [len(values) for values in arrays],
        "words": words.list[start.words :],
        "stems": words.stems[start.words :],
        "short": [
            list(islice(known, count, None))
            for known, count in zip(part.short, start.short, strict=True)
        ],
        "learned": list(learned),
    }
    head = json.dumps(document).encode("ascii")
    return [len(head).to_bytes(_HEADER, "little"), head, *(memoryview(a).cast("B") for a in arrays)]


def _merge(part: _Part, start: _Start, answer: bytes) -> None:
    """Append the child's documents (``answer``) to ``part``, renumbered as a single
    reading would have numbered them."""
    import numpy as np

    size = int.from_bytes(answer[:_HEADER], "little")
    document = json.loads(answer[_HEADER : _HEADER + size])
    view = memoryview(answer)[_HEADER + size :]
    arrays = []
    for typecode, count in zip(document["typecodes"], document["sizes"], strict=True):
        dtype = _DTYPES[typecode]
        arrays.append(np.frombuffer(view, dtype=dtype, count=count))
        view = view[count * np.dtype(dtype).itemsize :]
    flat, offsets, texts, tail_at, tail_count = arrays
    segments = len(part.offsets) - 1
    shift = len(part.flat)
    _merge_words(np, part, start, document["words"], document["stems"], flat)
    ends = offsets[1:].astype(np.uint64) + shift
    part.offsets.frombytes(ends.astype(np.uint32).tobytes())
    _merge_texts(np, part, start, document["short"], texts)
    at = (tail_at.astype(np.int64) + segments).tolist()
    part.tails.update(zip(at, tail_count.tolist(), strict=True))
    part.adopted = Learned(*document["learned"])


def _merge_words(
    np: Any, part: _Part, start: _Start, met: list[str], stems: list[str], flat: Any
) -> None:
    """Give the child's new words (``met``, in the order it met them) their ids here, and
    append its word ids (``flat``) renumbered."""
    words = part.words
    words.know_stems(met, stems)
    words.add(new_words(met, words.ids))
    renumber = np.empty(start.words + len(met), dtype=np.uint32)
    renumber[: start.words] = np.arange(start.words, dtype=np.uint32)
    renumber[start.words :] = np.fromiter(map(words.ids.__getitem__, met), np.uint32, len(met))
    ids = renumber[flat]
    if part.flat.typecode == "H" and len(words.list) > 1 << 16:
        part.flat = _widened(np, part.flat)
    part.flat.frombytes(ids.astype(_DTYPES[part.flat.typecode]).tobytes())


def _merge_texts(np: Any, part: _Part, start: _Start, met: list[list[str]], texts: Any) -> None:
    """Number the child's new short texts (``met``, by field, in the order it met them) as
    a single reading would, and append its texts' numbers (``texts``) renumbered."""
    fields = len(part.short)
    numbers = texts.reshape(-1, fields)
    merged = np.empty(numbers.shape, dtype=np.uint32)
    for field, (known, count, new) in enumerate(zip(part.short, start.short, met, strict=True)):
        renumber = np.arange(count + 1 + len(new), dtype=np.uint32)
        following = len(known) + 1
        for at, text in enumerate(new, count + 1):
            found = known.get(text)
            if found is None:
                renumber[at] = following
                following += 1
            else:
                renumber[at] = found.number
        merged[:, field] = renumber[numbers[:, field]]
    if part.texts.typecode == "H" and merged.size and int(merged.max()) >= 1 << 16:
        part.texts = _widened(np, part.texts)
    part.texts.frombytes(merged.reshape(-1).astype(_DTYPES[part.texts.typecode]).tobytes())


def _widened(np: Any, values: array[int]) -> array[int]:
    """16-bit ``values`` as 32-bit ones."""
    widened = array("I")
    widened.frombytes(np.frombuffer(values, dtype=np.uint16).astype(np.uint32).tobytes())
    return widened


_DTYPES = {"H": "uint16", "I": "uint32"}
