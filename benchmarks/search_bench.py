"""Search benchmark: a generated programme of 20 000 sessions, index build and 20 queries.

    uv run python benchmarks/search_bench.py [--sessions N] [--repeat R]

The programme is made in memory from the words of the real one (with their accents,
plurals and acronyms) and from generated French-looking words, drawn with a Zipf-like
law so that common words (« cohésion », « sociale ») are in thousands of sessions and
rare ones in a few, as in a real corpus. Prints the build time and, per query, the median
of ``repeat`` runs; the figure that matters is the median over the queries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import date
from datetime import time as clock

from colloque_cli.programme.loader import load_programme
from colloque_cli.programme.model import Colloque, Programme, Room, Session, Slot
from colloque_cli.search import SearchIndex

QUERIES = [
    "budget participatif",
    "mobilite",
    "IA",
    "jeux olympiques",
    "transition ecologique",
    "sante mentale",
    "citoyen",
    "discrimnations",
    "mobil",
    "xyzzy",
    "intergenerationnelles",
    "cohesion sociale",
    "police municipale",
    "atelier",
    "table ronde",
    "democratie participative",
    "re-emploi",
    "precarite energetique",
    "numerique",
    "vieilissement",
]
_SYLLABLES = [c + v for c in "bcdfglmnprstv" for v in "aeio"]
_ENDINGS = (
    "tion tions ité ités ique iques ement ements eur euse al ale aux isme iste age ance ence "
    "ier ière"
).split()


def _real_words(programme: Programme) -> list[str]:
    words: list[str] = []
    for session in programme.sessions:
        for text in (session.title, session.description, session.subtitle or ""):
            words.extend(w.strip(".,:;?!«»()[]\"'") for w in text.split())
    return [w for w in words if w]


def _generated_words(rng: random.Random, count: int) -> list[str]:
    found: set[str] = set()
    while len(found) < count:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))
        found.add(stem + rng.choice(_ENDINGS))
    return sorted(found)


def generate(sessions: int, seed: int = 20250304) -> Programme:
    """A programme of ``sessions`` sessions with realistic French text."""
    rng = random.Random(seed)
    real = load_programme(None)
    pool = _real_words(real)
    # Real words keep their frequencies; generated words make the vocabulary grow with
    # the programme, as names, places and jargon do in real ones.
    vocabulary = list(dict.fromkeys(pool)) + _generated_words(rng, max(2000, sessions * 2))
    counts: dict[str, int] = {}
    for word in pool:
        counts[word] = counts.get(word, 0) + 1
    weights = [counts[w] + 1.0 if w in counts else 1 / (i + 1) ** 0.3
               for i, w in enumerate(vocabulary)]  # fmt: skip
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def text(words: int) -> str:
        chosen = rng.choices(vocabulary, cum_weights=cumulative, k=words)
        return " ".join(chosen).capitalize() + "."

    rooms = tuple(Room(f"salle-{n}", f"Salle {n}") for n in range(1, 41))
    slots = tuple(
        Slot(f"slot-{n}", date(2025, 3, 4), clock(8 + n % 10, 0), clock(9 + n % 10, 0))
        for n in range(max(1, sessions // 40))
    )
    themes = real.themes
    made = []
    for n in range(sessions):
        base = real.sessions[n % len(real.sessions)] if n % 50 == 0 else None
        made.append(
            Session(
                id=f"s{n}",
                slot=slots[n % len(slots)],
                room=rooms[n % len(rooms)],
                title=base.title if base else text(rng.randint(5, 12)),
                type=rng.choice(["atelier", "table ronde", "conférence", "atelier pratique"]),
                description=base.description if base else text(rng.randint(50, 130)),
                themes=tuple(rng.sample(themes, rng.randint(1, 3))),
                subtitle=text(rng.randint(6, 12)) if rng.random() < 0.2 else None,
            )
        )
    colloque = Colloque("Programme généré", "Europe/Paris", (date(2025, 3, 4),))
    return Programme(colloque, rooms, themes, dict(real.glossary), slots, tuple(made))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    programme = generate(args.sessions)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = SearchIndex(programme)
    built = time.perf_counter() - started
    vocabulary = len(index.index.vocabulary)
    print(f"{args.sessions} sessions générées en {generated:.1f} s")
    print(f"index construit en {built:.2f} s ({vocabulary} mots distincts)")

    medians = []
    for query in QUERIES:
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            hits = index.search(query, limit=10)
            runs.append(time.perf_counter() - started)
        total = index.query(query, limit=1).total
        median = statistics.median(runs) * 1000
        medians.append(median)
        print(f"  {median:7.2f} ms  {total:6d} résultats  {query}")
        del hits
    print(f"médiane sur {len(QUERIES)} requêtes : {statistics.median(medians):.2f} ms")
    print(f"la plus lente : {max(medians):.2f} ms")
    return 0


if __name__ == "__main__":
    from colloque_cli.infra.closedpipe import quiet_when_unread

    raise SystemExit(quiet_when_unread(main))
