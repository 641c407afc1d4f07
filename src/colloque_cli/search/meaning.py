"""Words near in meaning, from a table shipped with the package (no model at run time).

The table (``concepts.bin``, built by ``tools/build_concepts.py`` from the
multilingual-e5-small sentence model) lists, for each of ~40 800 common French and English
words (as the search's light stems of folded words), its nearest words by meaning with a
similarity. Layout: a JSON header line
(``{"version", "count", "k", "words"}``, the byte length of the word block), the words
joined by newlines (UTF-8), ``count × k`` neighbour ids (uint16, little-endian), then
``count × k`` similarities (uint8, 255 = identical).
"""

from __future__ import annotations

import json
import sys
from array import array
from functools import cache
from mmap import ACCESS_READ, mmap
from pathlib import Path

TABLE_PATH = Path(__file__).with_name("concepts.bin")
VERSION = 1


def write_table(path: Path, words: list[str], ids: bytes, sims: bytes, k: int) -> None:
    """Write the table (development time, see tools/build_concepts.py)."""
    block = "\n".join(words).encode("utf-8")
    header = {"version": VERSION, "count": len(words), "k": k, "words": len(block)}
    path.write_bytes(json.dumps(header).encode() + b"\n" + block + ids + sims)


class Table:
    """The shipped neighbour table: ``near(word)`` lists ``(word, similarity)``."""

    def __init__(self, data: bytes) -> None:
        end = data.index(b"\n")
        header = json.loads(data[:end])
        if header.get("version") != VERSION:
            raise ValueError("table de sens d'une version inconnue")
        self.k: int = header["k"]
        count: int = header["count"]
        start = end + 1
        self.words = data[start : start + header["words"]].decode("utf-8").split("\n")
        start += header["words"]
        self.ids = array("H")
        self.ids.frombytes(data[start : start + 2 * count * self.k])
        if sys.byteorder != "little":
            self.ids.byteswap()
        start += 2 * count * self.k
        self.sims = data[start : start + count * self.k]
        self.number = {w: i for i, w in enumerate(self.words)}

    def near(self, number: int) -> list[tuple[str, float]]:
        """The entries near entry ``number``, nearest first, with a similarity in 0..1."""
        k = self.k
        ids = self.ids[number * k : number * k + k]
        sims = self.sims[number * k : number * k + k]
        return [(self.words[i], s / 255) for i, s in zip(ids, sims, strict=True)]


@cache
def table() -> Table:
    """The table shipped with the package, read once per process."""
    return Table(TABLE_PATH.read_bytes())


# --- static word vectors -----------------------------------------------------------------
#
# ``concept_vectors.bin``: a JSON header line (``{"version", "count", "dimensions",
# "variances"}``), then ``count × dimensions`` int8 components, one row per entry of the
# table above (same order), then each row's length (float32, little-endian). Rows are unit
# vectors scaled to the int8 range; ``variances`` is each component's variance over the
# vocabulary (after normalisation), which tells how an unrelated word compares with a
# given vector.

VECTORS_PATH = Path(__file__).with_name("concept_vectors.bin")


def write_vectors(
    path: Path, count: int, dimensions: int, variances: list[float], data: bytes
) -> None:
    """Write the static vectors (development time, see tools/build_concepts.py)."""
    header = {
        "version": VERSION,
        "count": count,
        "dimensions": dimensions,
        "variances": variances,
    }
    path.write_bytes(json.dumps(header).encode() + b"\n" + data)


class Vectors:
    """The shipped static vectors: ``row(number)`` is entry ``number``'s int8 vector."""

    def __init__(self, data: bytes | mmap) -> None:
        end = data.find(b"\n")
        header = json.loads(data[:end])
        if header.get("version") != VERSION:
            raise ValueError("vecteurs de sens d'une version inconnue")
        self.count: int = header["count"]
        self.dimensions: int = header["dimensions"]
        self.variances: list[float] = header["variances"]
        size = self.count * self.dimensions
        if len(data) != end + 1 + size + 4 * self.count:
            raise ValueError("vecteurs de sens tronqués")
        self._data = memoryview(data)[end + 1 : end + 1 + size].cast("b")
        self.lengths = array("f")
        self.lengths.frombytes(data[end + 1 + size :])
        if sys.byteorder != "little":
            self.lengths.byteswap()

    def row(self, number: int) -> memoryview:
        d = self.dimensions
        return self._data[number * d : number * d + d]

    def raw(self, number: int) -> bytes:
        """Entry ``number``'s vector as raw bytes (two's complement)."""
        return self.row(number).tobytes()


@cache
def vectors() -> Vectors:
    """The vectors shipped with the package, mapped once per process (a query reads a few
    rows of the 6 MB)."""
    with VECTORS_PATH.open("rb") as file:
        return Vectors(mmap(file.fileno(), 0, access=ACCESS_READ))
