"""The quickest reading of a plain programme file: rapidyaml's tree, written as JSON, read back.

libyaml hands Python one object per event (about a million for 50 000 sessions), which costs
most of a first read; rapidyaml parses in C++ and writes the document as JSON, which
``json.loads`` reads in C: two to three times quicker. The sections written as block lists
(« sessions: », then one « - » item a line) are read a quarter of a megabyte at a time, so
that rapidyaml's tree (three times the text) never holds a big file.

Its dialect differs from ours (``yamldialect``) in places, and it accepts some text libyaml
refuses, so its data is taken only when it cannot differ from libyaml's; in every other case
this returns None and the caller reads the file as before (libyaml), with the same data and
the same located messages:

- before parsing: a tab, a carriage return, a byte-order mark, several documents or a
  directive; a tag or an anchor where a node may start; an explicit key (« ? ») in block
  context;
- after: anything but one mapping, a parse error, a key twice in a mapping (or a section
  twice), a section's list cut short by something in the first column, an escaped half of a
  surrogate pair, a control character rapidyaml writes raw (``\\0``, ``\\e``: invalid JSON);
  the other escapes (``\\n``, ``\\"``, ``\\u00e9``, ``\\U0001F48C``, ``\\N``…) read alike;
- a scalar the two read differently. rapidyaml writes ``~``, ``Null``, ``True``, ``09`` as
  text, ``1e5`` as a number, turns ``.NaN`` into ``".nan"``, reads ``@a``, ``]a`` as text,
  and an alias ``*a`` as ``"*a"``: every JSON string that our dialect would read as
  anything but a string (bar the decimal integers, which rapidyaml writes as numbers when
  plain) or that starts with one of those characters, and every JSON number but an integer
  or a float with a dot.

tests/test_rapidread.py compares this data with libyaml's, type by type, on every YAML file
of the tests, on scalars read differently by the two parsers, and on generated documents.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

from ..infra import progress
from .yamldialect import search_lines_with

_SECTIONS = (b"rooms", b"themes", b"slots", b"sessions")
_PIECE = 1 << 18  # about how many bytes of a section's items are parsed at a time
_HEAD = 1 << 22  # the most read at once (rapidyaml's tree takes three times the text)
_ITEM = re.compile(rb"( *)- ")

# Where a node may start: at a line's start (after indentation and « - », « ? », « : »),
# after « : », or after a flow indicator. A tag (!) or an anchor (&) there sends the file to
# libyaml; elsewhere (« R&D », « Bravo ! » within text) they are text for both parsers.
# (An alias needs no such search: rapidyaml leaves it unresolved, written "*name", and a
# JSON string that starts with « * » sends the file back, see below.)
_PROPERTY = re.compile(rb"(?:^[ ]*(?:[-?:][ ]+)*|[:\[{,][ ]*)[!&]", re.MULTILINE)
# A block scalar's header (« > », « |- », « >2 », then a comment at most) where a node may
# start: anything else after « > » or « | » there (« >1: » as a key) is an error to libyaml,
# which rapidyaml reads past (it gave an empty text). Such a file goes to libyaml.
_BAD_BLOCK_HEADER = re.compile(
    rb"(?:^[ ]*(?:[-?:][ ]+)*|[:\[{,][ ]*)[>|](?!(?:[1-9][+-]?|[+-][1-9]?)?(?:[ ]+#[^\n]*)?[ ]*$)",
    re.MULTILINE,
)
_REFUSED = (b"\t", b"\r")  # tabs, line ends
# What a line may start with that matters here, found in one pass: another document or a
# directive, or a section of the file (where a section read in pieces ends).
_LINE_START = re.compile(
    rb"\n(?:(?P<refused>---|\.\.\.|%)|(?P<key>colloque|rooms|themes|glossary|slots|sessions):)"
)
_UTF8_BOM = b"\xef\xbb\xbf"

# The JSON strings that send a file back, found in one pass over the quotes (a lookahead on
# the next character first: most strings are left at once):
# - a string our dialect would have typed had it been plain: nulls, booleans, numbers (but the
#   decimal integers without a leading zero, which rapidyaml writes as numbers when plain),
#   merge keys, and the infinities and NaNs rapidyaml rewrites (« .NaN » as ".nan");
# - as a key, also every integer (ours are ints, rapidyaml's keys are strings), the lower-case
#   null and booleans, and the empty key (a plain empty key is null);
# - a string that starts with « * »: an alias, which rapidyaml leaves unresolved (or a quoted
#   text that starts so, sent back for nothing);
# - a string that starts with « @ », « ` », « ] » or « } »: rapidyaml reads them as plain text
#   where libyaml refuses the file (YAML reserves them). A quote before « ] » or « } » opens a
#   string when it follows what rapidyaml writes before a value (a quote that closes one
#   follows its text: a string ending in a space or a comma is only sent back for nothing).
_SENT_BACK = re.compile(
    r'"(?=[~NTF<0-9+.\-ntf"@`*\]}])(?:'
    r"(?:~|Null|NULL|True|TRUE|False|FALSE|<<|[-+]?0[0-9]+|\+[0-9]+"
    r"|[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
    r'|[-+]?\.(?:[iI][nN][fF]|[nN][aA][nN]))"'
    r'|(?:[-+]?[0-9]+|null|true|false|)"\s*:'
    r"|[@`*]|[\]}](?<=[\[{, \n]\"[\]}]))"
)
# An escaped half of a surrogate pair: libyaml refuses it, and pydantic a text holding one
# (rapidyaml is not known to write one: it fails on such escapes).
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_MAX_DIGITS = 4_300  # as ``yamldialect``: a longer number is an error there


class _Differs(Exception):
    """rapidyaml's data may differ from libyaml's here."""


def regular_data(raw: bytes) -> dict[Any, Any] | None:
    """The file's top-level mapping as libyaml would give it, or None when unsure (see above)."""
    found = _regular(raw, None)
    return None if found is None else found[0]


Check = Callable[[list[Any]], list[Any] | None]


def regular_data_checked(
    raw: bytes, check: Check
) -> tuple[dict[Any, Any], list[Any], list[Any]] | None:
    """``regular_data``, and for a large file the rows of its sessions checked by ``check``
    (their rows, or None when unsure) as they are read: the last sessions by a forked child
    on the machine's other core meanwhile. Then the data holds the first sessions only, and
    come their rows, then the last ones' (as lists, from JSON). When the child fails or
    ``check`` is unsure of either part, the sessions are all read here, in the data, and no
    row is given (as for a small file: the caller checks them)."""
    return _regular(raw, check)


def _regular(raw: bytes, check: Check | None) -> tuple[dict[Any, Any], list[Any], list[Any]] | None:
    if raw.startswith((_UTF8_BOM, b"---", b"...", b"%")) or any(b in raw for b in _REFUSED):
        return None
    if any(search_lines_with(raw, _PROPERTY, c, b"\n") for c in (b"!", b"&")):
        return None
    if any(search_lines_with(raw, _BAD_BLOCK_HEADER, c, b"\n") for c in (b">", b"|")):
        return None
    try:
        import ryml  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:  # no wheel for this interpreter: libyaml reads everything
        return None
    starts = [(m.start() + 1, m) for m in _LINE_START.finditer(raw)]
    first = _LINE_START.match(b"\n" + raw[:16])  # the first line
    if first:
        starts.insert(0, (0, first))
    if any(m["refused"] for _, m in starts) or _explicit_key(raw):
        return None
    blocks = _section_blocks(raw, [at for at, _ in starts])
    if blocks and not _mapping_in_first_column(raw):
        return None  # « rooms: » in the first column would not be a key of that mapping
    head = b"".join(raw[a:b] for a, b in _between(blocks, len(raw)))
    if len(head) > _HEAD:
        return None  # a big file without the usual sections: libyaml's memory bound holds
    view = memoryview(raw)  # the pieces are copied once, by rapidyaml
    data: dict[Any, Any] | None = _read(ryml, head, "{")
    del head
    if data is None:
        return None
    rows: tuple[list[Any], list[Any]] = ([], [])
    for name, _header, start, end, marker in blocks:
        if name in data:
            return None  # the section twice: libyaml's full check locates it
        pieces = _pieces(raw, start, end, marker)
        items: list[Any] = []
        if check is not None and name == "sessions" and len(pieces) >= SPLIT_FROM:
            mine = round(len(pieces) * SHARE)
            answer = _read_in_two(ryml, view, pieces, mine, items, check)
            if answer is None:
                return None
            if answer is _LEFT:
                pieces = pieces[mine:]
            else:
                pieces, rows = [], answer
        for a, b in pieces:
            if not _read_into(items, ryml, view, a, b, end):
                return None
        data[name] = items
    return data, *rows


# From this many pieces of sessions (about 4 MB), the last ones are read by a child;
# this process reads and checks its ``SHARE`` of them (then loads the child's rows).
SPLIT_FROM = 16
SHARE = 0.55
_LEFT: tuple[list[Any], list[Any]] = ([], [])  # the child's pieces are left to read here


def _read_into(items: list[Any], ryml: Any, view: memoryview, a: int, b: int, end: int) -> bool:
    """Append the items of the piece from ``a`` to ``b`` (of a block ending at ``end``);
    False when its data may differ from libyaml's."""
    part = _read(ryml, view[a:b], "[")
    if part is None:
        return False
    items.extend(part)
    if b < end:  # as much as ``_PIECE`` read (the caller tells the end)
        progress.advance(b, len(view), progress.MEGABYTES)
    return True


def _read_in_two(
    ryml: Any,
    view: memoryview,
    pieces: list[tuple[int, int]],
    mine: int,
    items: list[Any],
    check: Check,
) -> tuple[list[Any], list[Any]] | None:
    """Read ``pieces[:mine]`` into ``items`` here, and check them, while a child reads and
    checks the rest: the rows of both; ``_LEFT`` when the rest is to be read here (no
    child, it failed, or ``check`` was unsure of either part); None when the data may
    differ from libyaml's."""
    from ..infra.forked import fork

    end = pieces[-1][1]

    def child() -> list[bytes]:
        progress.set_reporter(None)  # the terminal is the parent's
        theirs: list[Any] = []
        for a, b in pieces[mine:]:
            part = _read(ryml, view[a:b], "[")
            if part is None:
                return [b"D"]  # may differ: the whole file goes to libyaml
            theirs.extend(part)
        checked = check(theirs)
        if checked is None:
            return [b"U"]  # unsure: read (and checked) by the parent as usual
        return [json.dumps(checked).encode()]  # a JSON list: neither « D » nor « U »

    forked = fork(child)
    with forked or contextlib.nullcontext():  # a child is reaped whatever happens here
        for a, b in pieces[:mine]:
            if not _read_into(items, ryml, view, a, b, end):
                return None
        if forked is None:  # no child: the rest is read here
            return _LEFT
        rows = check(items)
        if rows is None:
            return _LEFT  # and the child is ended
        answer = forked.result()
    if answer is None or answer == b"U":
        return _LEFT
    if answer == b"D":
        return None
    text = answer.decode("ascii")  # as ``json.dumps`` wrote it
    del answer  # not held while its data is made: some megabytes less at the peak
    theirs: list[Any] = json.loads(text)
    return rows, theirs


Block = tuple[str, int, int, int, bytes]  # name, header's start, items' start and end, marker


def _section_blocks(raw: bytes, keys: list[int]) -> list[Block]:
    """The sections written as block lists (« sessions: » then one « - » item a line), each
    to be read a piece at a time: rapidyaml's tree of a whole 30 MB file would take 100 MB.

    ``keys``: where the lines of the file's known keys start.
    """
    blocks: list[Block] = []
    for at, end in zip(keys, [*keys[1:], len(raw)], strict=False):
        name = raw[at : raw.index(b":", at)]
        if name not in _SECTIONS or not raw.startswith(b":\n", at + len(name)):
            continue
        start = at + len(name) + 2
        first = _ITEM.match(raw, start)
        if first is None:
            continue  # comments, a blank line or a flow list first: read with the rest
        # up to the next section; anything else in the first column (an unknown key) ends
        # the list too, and makes its last piece fail: libyaml reads the file then
        blocks.append((name.decode(), at, start, end, b"\n" + first.group(1) + b"- "))
    return blocks


def _explicit_key(raw: bytes) -> bool:
    """Whether a line starts with an explicit key (« ? k », after spaces and « - »): after one,
    rapidyaml takes « :0 » for « : 0 ». (A scan for « ? », quicker than a pattern for lines.)"""
    at = raw.find(b"?")
    while at >= 0:
        if raw[at + 1 : at + 2] in (b" ", b"\n", b""):
            start = raw.rfind(b"\n", 0, at) + 1
            if not raw[start:at].strip(b" -"):
                return True
        at = raw.find(b"?", at + 1)
    return False


def _mapping_in_first_column(raw: bytes) -> bool:
    """Whether the document's first line (past blank lines and comments) is not indented."""
    at = 0
    while at < len(raw):
        end = raw.find(b"\n", at)
        end = len(raw) if end < 0 else end
        line = raw[at:end].lstrip(b" ")
        if line and not line.startswith(b"#"):
            return not raw.startswith(b" ", at)
        at = end + 1
    return False


def _between(blocks: list[Block], size: int) -> list[tuple[int, int]]:
    """The spans of the file outside the blocks (header lines included in the blocks)."""
    spans = []
    at = 0
    for _name, header, _start, end, _marker in blocks:
        spans.append((at, header))
        at = end
    spans.append((at, size))
    return spans


def _pieces(raw: bytes, start: int, end: int, marker: bytes) -> list[tuple[int, int]]:
    """Spans of about ``_PIECE`` bytes from ``start`` to ``end``, cut before an item."""
    spans = []
    while start < end:
        cut = raw.find(marker, min(start + _PIECE, end), end)
        stop = end if cut < 0 else cut + 1
        spans.append((start, stop))
        start = stop
    return spans


def _read(ryml: Any, text: bytes | memoryview, opening: str) -> Any:
    """The data of ``text`` (a mapping or a list, as ``opening`` says), or None (see above)."""
    document = _json_of(ryml, text)
    if document is None or not document.startswith(opening):
        return None
    if _SENT_BACK.search(document) or ("\\" in document and _SURROGATE.search(document)):
        return None
    try:
        return json.loads(
            document,
            parse_float=_float,
            parse_int=_int,
            parse_constant=_refuse,
            object_pairs_hook=_mapping,
        )
    except (_Differs, ValueError, RecursionError):
        return None


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """rapidyaml prints its errors on the process's standard error before raising them:
    they are silenced (libyaml then says what is wrong, in French)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 2)
        finally:
            os.close(null)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _json_of(ryml: Any, raw: bytes | memoryview) -> str | None:
    """The document written as JSON by rapidyaml, or None if it fails to parse or write it."""
    try:
        with _quiet_stderr():
            tree = ryml.parse_in_arena(raw)
            # written into a buffer of ours, so that the tree (three times the text's size)
            # is freed before the text is decoded
            out = bytearray(len(raw) + len(raw) // 4 + 4096)
            try:
                size = len(ryml.emit_json_in_place(tree, out))
            except IndexError:  # longer than guessed (a text of many short scalars)
                out = bytearray(ryml.compute_json_length(tree))
                size = len(ryml.emit_json_in_place(tree, out))
            del tree
        del out[size:]
        return out.decode()
    # Whatever rapidyaml raises on whatever input (its parse and depth errors, and any other)
    # only means that libyaml reads the file, and says what is wrong if anything is.
    except Exception:
        return None


def _float(token: str) -> float:
    if len(token) > _MAX_DIGITS or not _FLOAT.match(token):
        raise _Differs  # ``1e5``: text for our dialect
    return float(token)


def _int(token: str) -> int:
    if len(token) > _MAX_DIGITS:
        raise _Differs
    return int(token, 10)


def _refuse(token: str) -> Any:
    raise _Differs  # NaN, Infinity: text for our dialect


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Differs  # a duplicate key: libyaml's full check locates it
    return mapping
