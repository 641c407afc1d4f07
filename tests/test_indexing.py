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
from colloque_cli.programme.model import Programme, Session
from colloque_cli.search import halves, indexing
from colloque_cli.search.analysis import ChunkWords, Glossary, _chunk_words, stem
from colloque_cli.search.hits import BODY, FIELDS, WEIGHTS, session_fields
from colloque_cli.search.index import Index
from colloque_cli.search.indexing import Built, Resume, build
from colloque_cli.search.layout import COUNT_AT, SYNONYMS_AT
from colloque_cli.search.sessions import SearchIndex
from colloque_cli.search.vocabulary import Learned, Vocabulary
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
    tails: dict[int, int] = {}
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
                if extra:
                    tails[len(offsets) - 1] = len(extra)
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
        tails,
        Learned("", "", "", ""),  # not compared: see test_what_a_build_learnt…
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


# How ``assert_same`` reads documents in two halves: this process's share, whether the
# child starts before the build (``read_ahead``: it knows nothing of what the build is told),
# and whether the build is told what an earlier one learnt (each a fork: a few of them).
IN_TWO = ((0.0, False, False), (0.5, False, True), (1.0, False, False), (0.4, True, True))


def assert_same(
    documents: Documents,
    fields: int,
    body: int | None,
    glossary: Glossary,
    in_two_ways: Sequence[tuple[float, bool, bool]] = IN_TWO,
) -> None:
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
        assert_built(built, expected, numpy_from, at_once)
    # Told what an earlier build (of these documents and others) learnt of their chunks.
    others = [(*row[:fields], *[None] * (fields - len(row))) for row in HANDMADE]
    learned = build([*documents, *others], fields, body, glossary).learned
    assert_built(build(documents, fields, body, glossary, learned=learned), expected, "learned")
    # Read in two halves, the second by a forked child (cut anywhere), then merged: the same
    # index, and the same chunks learnt, as one reading.
    alone = built.learned  # the last way's (read alike whatever the way)
    for share, ahead, told in in_two_ways:
        told_learned = learned if told else None
        built = in_two(documents, fields, body, glossary, share, ahead, learned=told_learned)
        assert_built(built, expected, "in two", share, ahead, told)
        assert built.learned == alone, ("in two", share, ahead, told)


def in_two(
    documents: Documents,
    fields: int,
    body: int | None,
    glossary: Glossary,
    share: float = 0.5,
    ahead: bool = False,
    *,
    resume: Resume | None = None,
    learned: Learned | None = None,
) -> Built:
    """``build``, part of it (all but ``share``) read by a forked child whatever the number
    of documents; with ``ahead``, a child started before the build (``read_ahead``). Fails
    if the child fails (the build would still be right)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexing, "FORK_FROM", 0)
        patch.setattr(indexing, "SHARE", share)
        patch.setattr(indexing, "SHARE_AHEAD", share)
        patch.setattr(halves, "read_anyway", _child_failed)
        child = indexing.read_ahead(documents, fields, body, glossary) if ahead else None
        try:
            return build(documents, fields, body, glossary, resume, learned, child)
        finally:
            if child is not None:
                child.close()


def _child_failed(*args: object) -> None:
    raise AssertionError("the child failed: the parent read its half")


def assert_built(built: Built, expected: Built, *how: object) -> None:
    for name, value in expected._asdict().items():
        if name != "learned":
            got = getattr(built, name)
            assert got == value, (name, *how)
            assert getattr(got, "typecode", None) == getattr(value, "typecode", None), name


def assert_resumed_same(
    before: Documents,
    after: Documents,
    fields: int,
    body: int | None,
    glossary: Glossary,
    share: float = 0.5,
    ahead: bool = False,
) -> None:
    """A build of ``after`` that takes up its first documents from the index of ``before``
    (any number of those the two share from the first on) is the build of ``after``."""
    shared = 0
    while shared < min(len(before), len(after)) and before[shared] == after[shared]:
        shared += 1
    expected = reference(after, fields, body, glossary)
    old = build(before, fields, body, glossary)
    for documents in sorted({0, 1, shared // 2, shared - 1, shared} & set(range(shared + 1))):
        resume = Resume(
            documents, old.vocabulary, old.stems, old.flat, old.offsets, old.texts, old.tails
        )
        assert_built(build(after, fields, body, glossary, resume), expected, documents)
        learned = old.learned  # what the earlier build learnt, told as well
        alone = build(after, fields, body, glossary, resume, learned)
        assert_built(alone, expected, documents)
        if documents in (shared // 2, shared):  # the rest read in two halves (a fork each)
            built = in_two(
                after, fields, body, glossary, share, ahead, resume=resume, learned=learned
            )
            assert_built(built, expected, documents, "in two", share, ahead)
            assert built.learned == alone.learned, (documents, "in two", share, ahead)


def test_an_index_gives_back_what_its_build_made_for_a_later_build() -> None:
    programme = load_programme()
    built = build(
        session_texts(programme.sessions), len(FIELDS), BODY, Glossary(programme.glossary)
    )
    index = SearchIndex(programme).index
    assert built.tails  # synonyms in short fields and bodies
    segments = 7 * len(FIELDS)  # what the first 7 documents' fields hold, copied
    resume = index.resume(7)
    assert resume == Resume(
        7,
        built.vocabulary,
        built.stems,
        built.flat[: built.offsets[segments]],
        built.offsets[: segments + 1],
        built.texts[:segments],
        {at: count for at, count in built.tails.items() if at < segments},
    )
    assert 0 < len(resume.tails) < len(built.tails)


def test_what_a_build_learnt_is_what_reading_chunks_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.generate import generate

    programme = parse_programme(generate(300), "generated.yaml")
    documents = [*session_texts(programme.sessions), *((*row, *[None] * 4) for row in HANDMADE)]
    learned = build(documents, len(FIELDS), BODY, GLOSSARY).learned
    chunks = learned.chunks.split("\n")
    met = {chunk for texts in documents for text in texts if text for chunk in text.split()}
    assert set(chunks) == met and len(chunks) == len(met)
    fresh = ChunkWords()
    assert learned.words.split("\n") == [" ".join(fresh[chunk]) for chunk in chunks]
    compound = [chunk for chunk in chunks if fresh.compounds.get(chunk)]
    assert compound and learned.compound_chunks.split("\n") == compound
    assert learned.compounds.split("\n") == [" ".join(fresh.compounds[c]) for c in compound]
    # told to a build, nothing is worked out again
    words = Vocabulary(GLOSSARY)
    words.learn(learned)
    assert dict(words.chunks) == dict(fresh) and words.chunks.compounds == fresh.compounds


def _edited(documents: Documents, at: int, field: int, text: str | None) -> Documents:
    return [
        tuple(text if (n, f) == (at, field) else value for f, value in enumerate(document))
        for n, document in enumerate(documents)
    ]


@pytest.mark.parametrize("body", [2, 1, 0, None])
def test_a_build_taking_up_an_earlier_index_is_the_build_from_scratch(body: int | None) -> None:
    edits = [
        _edited(HANDMADE, 3, 1, "Un texte tout neuf : l'IA et les QPV, non-recours"),
        _edited(HANDMADE, 4, 2, "Salle 9"),  # a short text, new
        _edited(HANDMADE, 5, 0, "Les QPV et l'IA"),  # a short text met before
        _edited(HANDMADE, 0, 0, "Économie"),  # the first document
        [*HANDMADE, ("Jeux", "ville budget", "Salle 1")],  # one more
        HANDMADE[:4],  # fewer
        HANDMADE,  # the same
    ]
    for after in edits:
        assert_resumed_same(HANDMADE, after, 3, body, GLOSSARY)


@pytest.fixture(scope="module")
def generated() -> Programme:
    """A programme of 1 000 sessions from benchmarks/generate.py, parsed once for the module."""
    from benchmarks.generate import generate

    return parse_programme(generate(1000), "generated.yaml")


def test_a_generated_programme_edited_takes_up_its_earlier_index(generated: Programme) -> None:
    texts = session_texts(generated.sessions)
    glossary = Glossary(generated.glossary)
    last = len(texts) - 1
    for after in (
        _edited(texts, last, BODY, "Une description neuve, la mobilité des QPV"),
        _edited(texts, 500, FIELDS.index("title"), "Un titre neuf"),
    ):
        assert_resumed_same(texts, after, len(FIELDS), BODY, glossary)


def test_taking_up_an_index_of_32_bits_where_16_now_suffice() -> None:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = [
        f"{a}{b}{c}{d}" for a in letters[:5] for b in letters for c in letters for d in letters
    ]
    documents = [(" ".join(words[at : at + 1000]), f"n{at}") for at in range(0, 70_000, 1000)]
    assert build(documents, 2, 0, GLOSSARY).flat.typecode == "I"
    assert_resumed_same(documents, documents[:60], 2, 0, GLOSSARY)  # 60 000 words: 16 bits
    titles = [(f"atelier {n}", "corps") for n in range(70_000)]
    assert build(titles, 2, 1, GLOSSARY).texts.typecode == "I"
    assert_resumed_same(titles, titles[:60_000], 2, 1, GLOSSARY)


def session_texts(sessions: Sequence[Session]) -> list[tuple[str | None, ...]]:
    return [session_fields(session) for session in sessions]


def test_the_bundled_programme_is_indexed_as_the_reference_does() -> None:
    programme = load_programme()
    assert programme.glossary
    assert_same(session_texts(programme.sessions), len(FIELDS), BODY, Glossary(programme.glossary))


def test_a_generated_programme_is_indexed_as_the_reference_does(generated: Programme) -> None:
    texts = session_texts(generated.sessions)
    assert_same(texts, len(FIELDS), BODY, Glossary(generated.glossary))


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


SHARES = st.sampled_from([0.0, 0.3, 0.5, 0.7, 1.0])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(TEXTS, TEXTS, TEXTS), max_size=8),
    st.sampled_from([2, 0, None]),
    SHARES,
    st.booleans(),
    st.booleans(),
)
def test_any_documents_are_indexed_as_the_reference_does(
    documents: list[tuple[str | None, ...]],
    body: int | None,
    share: float,
    ahead: bool,
    told: bool,
) -> None:
    assert_same(documents, 3, body, GLOSSARY, [(share, ahead, told)])


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


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(TEXTS, TEXTS, TEXTS), max_size=8),
    st.lists(st.tuples(TEXTS, TEXTS, TEXTS), max_size=4),
    st.integers(0, 8),
    st.sampled_from([2, 0, None]),
    SHARES,
    st.booleans(),
)
def test_any_edit_taking_up_an_index_builds_as_from_scratch(
    before: list[tuple[str | None, ...]],
    tail: list[tuple[str | None, ...]],
    kept: int,
    body: int | None,
    share: float,
    ahead: bool,
) -> None:
    assert_resumed_same(before, before[:kept] + tail, 3, body, GLOSSARY, share, ahead)
