"""The layout of a cache entry: data only (a header, JSON, raw arrays of numbers), never code.

    MAGIC                     b"colloque-cache 3\\n"
    header line               what the entry must match, byte for byte (see ``cache``)
    table                     JSON length (u64), JSON CRC-32 (u32), number of arrays (u32);
                              per array: length in bytes (u64), CRC-32 (u32), typecode (1 byte),
                              item size (1 byte), two zero bytes
    JSON                      UTF-8: the small structured part (names, dates, which array is what)
    arrays                    raw, each aligned on 8 bytes

Reading an entry back runs nothing from it: the JSON parser makes lists, dicts, strings and
numbers, and each array is a view of the mapped file's bytes, cast to an integer typecode of
a fixed set. What the JSON means is up to the decoder of each kind of entry (``cache``), which
builds only the classes it names itself: nothing in an entry says what code to call. The
CRC-32s catch a damaged entry (4 GB/s here, so the large arrays cost little to check); who may
write one is settled by the folder it lies in (``paths``).
"""

from __future__ import annotations

import struct
import zlib
from array import array
from typing import Any

MAGIC = b"colloque-cache 3\n"
_HEAD = struct.Struct("<QII")  # JSON length and CRC-32, number of arrays
_ARRAY = struct.Struct("<QIcBH")  # per array: length, CRC-32, typecode, item size, 0
# Integer arrays only: what the index and the session columns are made of.
TYPECODES = frozenset("bBhHiIlLqQ")


def _aligned(size: int) -> int:
    return -size % 8


class Arrays:
    """The arrays of an entry being written; the JSON refers to each by its number."""

    def __init__(self) -> None:
        self.views: list[memoryview] = []

    def add(self, values: array[int] | memoryview) -> int:
        """Store ``values`` (an ``array``, or a view read from an entry); its number."""
        view = memoryview(values)
        if view.format not in TYPECODES or view.ndim != 1:
            raise TypeError(f"not an array of integers: {view.format!r}")
        self.views.append(view)
        return len(self.views) - 1

    def text(self, value: str) -> int:
        """Store a long text as UTF-8 bytes (lone surrogates kept); its number."""
        return self.add(array("B", value.encode("utf-8", "surrogatepass")))


class Stored:
    """The arrays of an entry read back: views of its bytes, no copy."""

    def __init__(self, views: list[memoryview]) -> None:
        self._views = views

    def array(self, number: Any) -> memoryview:
        """Array ``number`` of the entry; ValueError when the entry has no such array."""
        if type(number) is not int or not 0 <= number < len(self._views):
            raise ValueError(f"no array {number!r}")
        return self._views[number]

    def text(self, number: Any) -> str:
        view = self.array(number)
        if view.format != "B":
            raise ValueError("a text is stored as bytes")
        return str(view, "utf-8", "surrogatepass")


class _Decoding:
    """What the json module's C scanner reads from a decoder: plain JSON values only."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a value of an entry")


def parse_json(text: str) -> Any:
    """The value of the JSON ``text``, as ``json.loads`` gives it (NaN and Infinity refused).

    Read with the C scanner that ``json`` itself uses, without importing the ``json``
    package: its decoder and encoder modules cost about 1 ms, on every command that reads
    the cache. Where that scanner is missing (another Python) or finds the text invalid,
    ``json.loads`` reads it again, and says why.
    """
    try:
        from _json import make_scanner

        decoding: Any = _Decoding  # (typeshed wants a scanner: any object with these names)
        value, end = make_scanner(decoding)(text, 0)
        if end == len(text):
            return value
    except Exception:  # StopIteration too: json.loads below gives the reason
        pass
    import json

    return json.loads(text, parse_constant=_Decoding.parse_constant)


def pack(header: bytes, data: Any, arrays: Arrays) -> list[bytes | memoryview]:
    """The chunks of an entry: ``header`` (one line), ``data`` as JSON, then ``arrays``."""
    import json  # writing is the slow path anyway (reading: see ``parse_json``)

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    encoded = text.encode("utf-8", "surrogatepass")
    raws = [view.cast("B") for view in arrays.views]
    table = _HEAD.pack(len(encoded), zlib.crc32(encoded), len(raws)) + b"".join(
        _ARRAY.pack(raw.nbytes, zlib.crc32(raw), view.format.encode(), view.itemsize, 0)
        for raw, view in zip(raws, arrays.views, strict=True)
    )
    chunks: list[bytes | memoryview] = [MAGIC, header, table, encoded]
    size = len(MAGIC) + len(header) + len(table) + len(encoded)
    for raw in raws:
        chunks.append(bytes(_aligned(size)))
        size += _aligned(size)
        chunks.append(raw)
        size += raw.nbytes
    return chunks


def unpack(blob: Any, header: bytes) -> tuple[Any, Stored]:
    """The JSON data and the arrays of an entry written for ``header``; ValueError when it
    is another file or format, was written for something else, or is damaged."""
    start = len(MAGIC) + len(header)
    if blob[:start] != MAGIC + header:
        raise ValueError("another file, format or programme")
    view = memoryview(blob)
    try:
        size, crc, count = _HEAD.unpack_from(view, start)
        position = start + _HEAD.size
        table = [_ARRAY.unpack_from(view, position + _ARRAY.size * n) for n in range(count)]
    except struct.error:
        raise ValueError("truncated") from None
    position += _ARRAY.size * count
    encoded = view[position : position + size]
    if len(encoded) != size or zlib.crc32(encoded) != crc:
        raise ValueError("damaged data")
    try:
        data = parse_json(str(encoded, "utf-8", "surrogatepass"))
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError too
        raise ValueError("damaged data") from None
    end = position + size
    views = []
    for length, crc, code, itemsize, zero in table:
        typecode = code.decode("latin-1")
        if zero or typecode not in TYPECODES or array(typecode).itemsize != itemsize:
            raise ValueError("an array of another kind or machine")
        padding = _aligned(end)
        if any(view[end : end + padding]):
            raise ValueError("damaged padding")
        end += padding
        raw = view[end : end + length]
        if len(raw) != length or length % itemsize or zlib.crc32(raw) != crc:
            raise ValueError("damaged array")
        views.append(raw.cast(typecode))
        end += length
    if end != len(view):
        raise ValueError("trailing bytes")
    return data, Stored(views)
