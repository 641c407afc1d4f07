"""The index builder against a slow, plain reference: word by word and posting by posting,
the same vocabulary (in the same order), positions and postings, whatever shortcuts the
builder takes."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colloque_cli.programme.loader import load_programme, parse_programme
from colloque_cli.programme.model import Session
from colloque_cli.search import indexing
from colloque_cli.search.analysis import Glossary, _chunk_words, stem
from colloque_cli.search.hits import BODY, FIELDS, WEIGHTS, session_fields
from colloque_cli.search.index import Index
from colloque_cli.search.indexing import Built, build
from colloque_cli.search.layout import COUNT_AT, SYNONYMS_AT
from colloque_cli.search.sessions import SearchIndex
from colloque_cli.text import fold

ROOT = Path(__file__).resolve().parent.parent
Documents = Sequence[Sequence[str | None]]


def reference(documents: Documents, fields: int, body: int | None, glossary: Glossary) -> Built:
    """What ``build`` must make, done the plain way."""
    ids: dict[str, int] = {}
    flat: list[int] = []
    offsets = [0]
    numbers: list[dict[str, int]] = [{} for _ in range(fields)]
    texts_of: list[int] = []
    postings: dict[int, dict[int, int]] = {}
    for doc, texts in enumerate(documents):
        for field in range(fields):
            text = texts[field]
            # Distinct texts of a short field numbered from 1; empty fields and the body 0.
            short = bool(text) and field != body
            texts_of.append(
                numbers[field].setdefault(text, len(numbers[field]) + 1) if short else 0
            )
            if text:
                words, compounds, synonyms = _analyse(text, glossary)
                # New words take their ids in the order they first appear: words,
                # compounds, then synonyms.
                for word in words + compounds + synonyms:
                    ids.setdefault(word, len(ids))
                literal = [ids[w] for w in words + compounds]
                extra = [ids[w] for w in synonyms]
                flat += literal + extra
                for tid, uses in Counter(literal).items():
                    info = 1 << field | (min(uses, 3) << COUNT_AT if field == body else 0)
                    postings.setdefault(tid, {}).setdefault(doc, 0)
                    postings[tid][doc] |= info
                for tid in extra:
                    postings.setdefault(tid, {}).setdefault(doc, 0)
                    postings[tid][doc] |= 1 << field << SYNONYMS_AT
            offsets.append(len(flat))
    vocabulary = list(ids)
    by_word = [sorted(postings[tid].items()) for tid in range(len(vocabulary))]
    return Built(
        vocabulary,
        [stem(word) for word in vocabulary],
        array("H" if len(vocabulary) <= 1 << 16 else "I", flat),
        array("I", offsets),
        array("Q", accumulate(map(len, by_word), initial=0)),
        array("I", [doc for pairs in by_word for doc, _ in pairs]),
        array("H", [info for pairs in by_word for _, info in pairs]),
        array("H" if max(texts_of, default=0) < 1 << 16 else "I", texts_of),
    )


def _analyse(text: str, glossary: Glossary) -> tuple[list[str], list[str], list[str]]:
    """A text's meaningful words in order, the joined forms of its compounds, and its
    glossary synonyms: each acronym's expansion, the acronym of each expansion written out."""
    words: list[str] = []
    compounds: list[str] = []
    for chunk in text.split():
        found, joined = _chunk_words(fold(chunk))
        words += found
        compounds += joined
    synonyms: list[str] = []
    for at, word in enumerate(words):
        synonyms += glossary.expansions.get(word, ())
        for expansion, acronym in glossary.by_first_stem.get(stem(word), ()):
            following = tuple(stem(w) for w in words[at : at + len(expansion)])
            if following == expansion and word != acronym:
                synonyms.append(acronym)
    return words, compounds, synonyms


def assert_same(documents: Documents, fields: int, body: int | None, glossary: Glossary) -> None:
    expected = reference(documents, fields, body, glossary)
    # Postings are sorted out use by use for a small programme, with numpy for a large one:
    # both ways, whatever the size, and with numpy a few uses at a time (runs of documents).
    # « A few »: 5 uses for a small input, about an eighth of a large one (still several
    # runs, without thousands of tiny ones).
    few = max(5, len(documents) // 8)
    ways = [(0, indexing.SORTED_AT_ONCE), (0, few), (1 << 62, 0)]
    for numpy_from, at_once in ways:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(indexing, "NUMPY_FROM", numpy_from)
            patch.setattr(indexing, "SORTED_AT_ONCE", at_once)
            built = build(documents, fields, body, glossary)
        for name, value in expected._asdict().items():
            got = getattr(built, name)
            assert got == value, (name, numpy_from, at_once)
            assert getattr(got, "typecode", None) == getattr(value, "typecode", None), name


def session_texts(sessions: Sequence[Session]) -> list[tuple[str | None, ...]]:
    return [session_fields(session) for session in sessions]


def test_the_bundled_programme_is_indexed_as_the_reference_does() -> None:
    programme = load_programme()
    assert programme.glossary
    assert_same(session_texts(programme.sessions), len(FIELDS), BODY, Glossary(programme.glossary))


def test_a_generated_programme_is_indexed_as_the_reference_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.generate import generate

    programme = parse_programme(generate(1000), "generated.yaml")
    texts = session_texts(programme.sessions)
    assert_same(texts, len(FIELDS), BODY, Glossary(programme.glossary))


GLOSSARY = Glossary(
    {
        "QPV": "quartier prioritaire de la politique de la ville",
        "IA": "intelligence artificielle",
        "JO": "jeux",  # an expansion of one word
        "ESS": "économie sociale et solidaire (de l'anglais « social economy »)",
        "ville": "ville",  # an acronym that is its own expansion has no synonym
    }
)
HANDMADE = [
    (
        "Les QPV et l'IA",
        "Non-recours, non-recours : les quartiers prioritaires de la politique de la ville.",
        None,
    ),
    ("", "budget budget budget budget Budget BUDGET", "Salle 1"),
    ("I.A. et Q.P.V.", "L'intelligence artificielle… « Jeux » olympiques, JO, ville !", "Salle 1"),
    ("Économie sociale et solidaire", "cœur, Œuvre, ex æquo — 2024-2025 ; l'ESS", "Salle 2"),
    (None, None, None),
    (
        "Jeux-Olympiques et jeux",
        "Anti-gaspillage : ré-emploi, réemploi. Ville, ville, VILLE.",
        "Salle 2",
    ),
]


@pytest.mark.parametrize("body", [2, 1, 0, None])
def test_handmade_texts_are_indexed_as_the_reference_does(body: int | None) -> None:
    assert_same(HANDMADE, 3, body, GLOSSARY)


def test_word_ids_past_16_bits_are_indexed_as_the_reference_does() -> None:
    # 70 000 distinct words: positions need 32 bits from the 65 537th on.
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [
        f"{a}{b}{c}{d}" for a in letters[:5] for b in letters for c in letters for d in letters
    ]
    words = words[:70_000]
    documents = [(" ".join(words[at : at + 1000]), "budget") for at in range(0, len(words), 1000)]
    assert_same(documents, 2, 0, GLOSSARY)
    assert build(documents, 2, 0, GLOSSARY).flat.typecode == "I"


def test_short_texts_past_16_bits_are_numbered_as_the_reference_does() -> None:
    # 70 000 distinct titles: their numbers need 32 bits from the 65 536th on.
    documents = [(f"atelier {n}", "corps") for n in range(70_000)]
    assert_same(documents, 2, 1, GLOSSARY)
    assert build(documents, 2, 1, GLOSSARY).texts.typecode == "I"


TOKENS = [
    "QPV", "Q.P.V.", "IA", "quartier", "quartiers", "prioritaire", "prioritaires", "de", "la",
    "politique", "ville", "Ville", "intelligence", "artificielle", "jeux", "Jeux-Olympiques",
    "JO", "économie", "sociale", "solidaire", "ESS", "non-recours", "recours", "l'IA",
    "budget", "Budget", "café", "cafe", "«", "»", "!", "a", "2024-2025", "cœur", "x",
]  # fmt: skip
TEXTS = st.one_of(st.none(), st.lists(st.sampled_from(TOKENS), max_size=12).map(" ".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXTS, TEXTS, TEXTS), max_size=8), st.sampled_from([2, 0, None]))
def test_any_documents_are_indexed_as_the_reference_does(
    documents: list[tuple[str | None, ...]], body: int | None
) -> None:
    assert_same(documents, 3, body, GLOSSARY)


def test_search_index_indexes_its_sessions_texts_made_as_they_are_read() -> None:
    programme = load_programme()
    index = SearchIndex(programme).index
    expected = Index(
        session_texts(programme.sessions),
        WEIGHTS,
        body=BODY,
        headline=(FIELDS.index("title"), FIELDS.index("subtitle")),
        glossary=programme.glossary,
    )
    assert index.__getstate__().keys() == expected.__getstate__().keys()
    for name, value in expected.__getstate__().items():
        if name != "glossary":
            assert index.__getstate__()[name] == value, name
