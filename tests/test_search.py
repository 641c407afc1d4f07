"""The search engine, tested directly: evaluation cases, rules, properties."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from benchmarks.search_eval import TARGETS, evaluate, load_cases
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colloque_cli.programme.loader import load_programme
from colloque_cli.search import Index, SearchIndex, normalise
from colloque_cli.search.analysis import stem
from colloque_cli.search.expansion import max_typos

CASES = Path(__file__).with_name("search_cases.yaml")
PROG = load_programme()
INDEX = SearchIndex(PROG)
FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def ids(query: str, **options: object) -> list[str]:
    return [hit.session.id for hit in INDEX.search(query, **options)]  # type: ignore[arg-type]


# --- the written evaluation --------------------------------------------------------------------


def test_evaluation_cases_meet_the_targets() -> None:
    cases = load_cases(CASES)
    assert len(cases) >= 50
    assert sum(case.none for case in cases) >= 10
    report = evaluate(INDEX, cases)
    figures = {metric: report.value(metric) for metric in TARGETS}
    assert all(figures[m] >= target for m, target in TARGETS.items()), (figures, report.misses)


def test_evaluation_script_prints_the_four_figures(capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks.search_eval import main

    assert main([str(CASES)]) == 0
    printed = capsys.readouterr().out
    for metric in ("hit@1", "recall@5", "precision", "silence"):
        assert f"  {metric} " in printed


# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Écoute TERRITORIALE", "ecoute territoriale"),
        ("cœur, manœuvre et ex æquo", "coeur manoeuvre ex aequo"),
        ("L’héritage des JOP", "heritage jop"),
        ("l'IA, d'abord !", "ia abord"),
        ("la lutte contre le non-recours aux droits", "lutte non recours droits"),
        ("  \t\n ", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("forms", "shared"),
    [
        (("budget", "budgets"), "budget"),
        (("participatif", "participatifs", "participative", "participatives"), "participatif"),
        (("police", "polices"), "polic"),
        (("municipale", "municipales", "municipal"), "municipal"),
        (("citoyen", "citoyens", "citoyenne", "citoyennes"), "citoyen"),
        (("sociale", "sociales", "social", "sociaux"), "social"),
        (("public", "publics", "publique", "publiques"), "public"),
        (("generationnelle", "generationnelles", "generationnel"), "generationnel"),
        (("jeu", "jeux"), "jeu"),
    ],
)
def test_light_stemmer_joins_plural_and_feminine(forms: tuple[str, ...], shared: str) -> None:
    assert {stem(form) for form in forms} == {shared}


@pytest.mark.parametrize(
    ("one", "other"),
    [("participation", "participatif"), ("mobilite", "mobile"), ("jeunes", "jeunesse")],
)
def test_light_stemmer_keeps_derived_words_apart(one: str, other: str) -> None:
    assert stem(one) != stem(other)


def test_typo_tolerance_grows_with_length() -> None:
    assert [max_typos("x" * n) for n in (1, 4, 5, 8, 9, 20)] == [0, 0, 1, 1, 2, 2]


# --- the rules of the issue --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("re-emploi", "reemploi"),
        ("non recours", "non-recours"),
        ("nonrecours", "non recours"),
        ("inter generationnelles", "intergenerationnelles"),
        ("budget participatif", "budgets participatifs"),
        ("IA", "intelligence artificielle"),
        ("JOP", "jeux olympiques"),
        ("securite", "Sécurité"),
    ],
)
def test_equivalent_queries_find_the_same_sessions(one: str, other: str) -> None:
    assert ids(one) == ids(other) != []


def test_short_words_match_whole_words_only() -> None:
    # « ia » is inside « social », « initiatives », « sociales »… but only one session says IA.
    assert ids("IA") == ["ia-debat"]
    assert ids("sia") == []
    # No prefix under four letters: « art » is not the start of « artificielle ».
    assert "ia-debat" not in ids("art")


def test_prefix_from_four_letters() -> None:
    assert ids("mobil")[:2] == ["mobilite", "espaces-publics"]
    assert ids("alim") == ["alimentation"]


def test_typos_scaled_to_length() -> None:
    assert ids("budjet") == ["budget-participatif"]  # 6 letters: one typo
    assert ids("vieilissement") == ["vieillissement"]  # 13 letters: up to two
    assert ids("sate") == []  # 4 letters: no typo (« santé » is not found)
    # A wrong first letter counts twice: « vieux » is not « mieux » mistyped. (By meaning it
    # finds the session on ageing: see test_concepts.py.)
    assert [h.session.id for h in INDEX.search("vieux", broad=False)] == []
    assert [(h.session.id, h.kind) for h in INDEX.search("vieux")] == [
        ("vieillissement", "meaning")
    ]


def test_every_word_must_match() -> None:
    assert ids("sante mentale") == ["sante-mentale"]
    assert ids("sante xyzzy") == []
    assert ids("santé jeunes") == []


def test_passing_mentions_are_left_out_when_sessions_are_about_the_words() -> None:
    # « la mobilité » of elderly people, once, in the vieillissement description.
    assert ids("mobilite") == ["mobilite", "espaces-publics"]
    # Nobody's title or theme says « précarité »: the three descriptions that do are kept.
    assert sorted(ids("précarité")) == ["alimentation", "energies", "mobilite"]


def test_ranking_title_before_themes_before_description() -> None:
    hits = INDEX.search("santé")
    assert [h.session.id for h in hits] == [
        "une-seule-sante",
        "sante-mentale",
        "vieillissement",
        "alimentation",
    ]
    assert [h.matched[0] for h in hits] == ["title", "title", "themes", "themes"]
    assert [h.score for h in hits] == [100, 100, 50, 50]


def test_scores_never_rise_down_the_list() -> None:
    for query in ("citoyen", "transition ecologique", "atelier", "service public", "risques"):
        scores = [hit.score for hit in INDEX.search(query)]
        assert scores == sorted(scores, reverse=True)
        assert all(0 < score <= 100 for score in scores)


def test_a_word_of_the_language_is_not_taken_for_a_programme_word_mistyped() -> None:
    # « argent » is one typo from « agents », « crime » from « crise »: both are words in
    # their own right, so neither finds the sessions using those (strict engine or not).
    for query in ("argent", "crime"):
        assert [h.session.id for h in INDEX.search(query, broad=False)] == [], query
    assert "agents-territoriaux" not in ids("argent")
    assert "risques-crises" not in ids("crime")
    # A word no dictionary holds is still read as a typo.
    assert ids("budjet") == ["budget-participatif"]
    assert ids("discriminasions")[:1] == ["discriminations"]


def test_exact_before_stem_before_typo_at_equal_field() -> None:
    assert INDEX.search("citoyenne")[0].session.id == "energies"  # « participation citoyenne »
    assert [h.kind for h in INDEX.search("budgets participatifs")] == ["exact"]
    assert [h.kind for h in INDEX.search("budget participatif")] == ["stem"]
    assert [h.kind for h in INDEX.search("budjet participatif")] == ["typo"]


def test_words_close_together_rank_higher() -> None:
    # Both sessions have « justice » and « sociale » in their text; one has them side by side
    # in its title, the other in its description.
    assert ids("justice sociale") == ["transition-sociale", "transition-juste"]


def test_hit_says_where_and_highlights_what() -> None:
    hit = INDEX.search("budget participatif")[0]
    assert hit.matched == ("title", "description")
    title = hit.session.title
    assert [title[a:b] for a, b in hit.spans("title")] == ["budgets", "participatifs"]
    assert hit.snippet_field == "description"
    assert len(hit.snippet) <= 112
    marked = [hit.snippet[a:b] for a, b in hit.highlights]
    assert marked[:2] == ["budgets", "participatifs"]


def test_glossary_synonyms_are_highlighted_where_written() -> None:
    hit = INDEX.search("jeux olympiques")[0]
    title = hit.session.title
    assert [title[a:b] for a, b in hit.spans("title")] == ["JOP"]


def test_snippet_from_a_theme_when_the_description_does_not_match() -> None:
    hit = next(h for h in INDEX.search("numerique") if h.session.id == "fake-news")
    assert hit.matched == ("themes",)
    assert hit.snippet_field == "themes"
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Numérique"]


def test_within_and_fields_restrict() -> None:
    assert ids("sante", within={"sante-mentale", "alimentation"}) == [
        "sante-mentale",
        "alimentation",
    ]
    assert ids("sante", fields=("title",)) == ["une-seule-sante", "sante-mentale"]
    assert ids("sante", within=set()) == []


def test_results_count_beyond_the_limit() -> None:
    results = INDEX.query("atelier", limit=3)
    assert len(results.hits) == 3
    every = ids("atelier")
    assert results.total == len(every)
    assert {s.id for s in PROG.sessions if s.type.startswith("atelier")} == set(every)
    assert len(every) == 24  # every kind of workshop: « atelier », « atelier pratique »…


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("ruralite", "rurale"),
        ("numerqiue jeunes", None),  # found with a typo: nothing to suggest
        ("budget partcipatoire", "budget participative"),
        ("xyzzy", None),
        ("santé jeunes", None),  # each word exists; together, nothing
        ("élus", None),  # not « plus »: a wrong first letter counts twice
        ("elus locaux", None),
        ("mobilitée", None),  # found: a typo the search forgives
        ("démocratei", None),  # found as well
    ],
)
def test_suggest(query: str, suggestion: str | None) -> None:
    assert INDEX.suggest(query) == suggestion


def test_index_pickles() -> None:
    copy = pickle.loads(pickle.dumps(INDEX))
    for query in ("mobil", "IA", "jeux olympiques", "budjet participatif", "xyzzy"):
        assert [h.session.id for h in copy.search(query)] == ids(query)


def test_cached_index_answers_as_the_built_one() -> None:
    """The cache stores the Index alone: tables made at first use are not part of it."""
    fresh = SearchIndex(PROG).index
    stored = pickle.dumps(fresh)
    cached = SearchIndex(PROG, pickle.loads(stored))
    queries = ("mobilite", "mobil", "IA", "budjet participatif", "inter generationnelles")
    for query in queries:
        built, loaded = INDEX.query(query, limit=5), cached.query(query, limit=5)
        assert loaded.total == built.total
        assert [(h.session.id, h.score, h.matched, h.kind, h.snippet, h.highlights, h.marks)
                for h in loaded.hits] == [
            (h.session.id, h.score, h.matched, h.kind, h.snippet, h.highlights, h.marks)
            for h in built.hits
        ]  # fmt: skip
    assert cached.suggest("ruralite") == INDEX.suggest("ruralite") == "rurale"
    for query in queries:  # the tables now made at first use do not grow the stored form
        fresh.search(query)
    assert len(pickle.dumps(fresh)) == len(stored)


def test_generic_index_over_any_documents_whose_body_has_a_weight_of_its_own() -> None:
    index = Index([("Rouge", "une couleur"), ("Vert", "couleur des prés")], (2, 1), body=1)
    matches, total = index.search("couleurs")
    assert (total, [m.doc for m in matches]) == (2, [0, 1])
    with pytest.raises(ValueError):
        Index([("a", "b")], (1, 1), body=1)  # the body's weight must be its own


# --- properties ----------------------------------------------------------------------------


# programme words too, so that many queries find more than the five asked for
PROGRAMME_WORDS = ["mobilité", "santé", "jeunes", "culture", "transition", "territoires", "public"]


@FAST
@given(st.text() | st.lists(st.sampled_from(PROGRAMME_WORDS), max_size=3).map(" ".join))
def test_any_query_returns_normally(query: str) -> None:
    results = INDEX.query(query, limit=5)
    assert len(results.hits) == min(5, results.total)
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)
    for hit in results.hits:
        assert 0 < hit.score <= 100
        for start, end in hit.highlights:
            assert 0 <= start < end <= len(hit.snippet)
    INDEX.suggest(query)


@pytest.mark.parametrize(
    "query",
    ["", " ", "\t\n", "🎉🎉", "\x00\x1b[31m", "a" * 10_000, "mobilité " * 1_200, "é" * 5000],
)
def test_extreme_queries_return_normally(query: str) -> None:
    assert isinstance(INDEX.search(query), list)


@FAST
@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
