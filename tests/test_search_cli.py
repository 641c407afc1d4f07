"""Search as an attendee meets it: `colloque search`, `show` by title, `--theme`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rich.text import Text

from colloque_cli.programme.loader import load_programme
from colloque_cli.search import SearchIndex
from conftest import PROGRAMME, Run


def found(run: Run, *args: str) -> list[dict[str, object]]:
    result = run("search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


@pytest.mark.parametrize("width", [80, 100])
def test_table_shows_where_and_a_snippet_within_the_width(
    run: Run, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("search", "mobilite")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width
    text = result.stdout
    assert text.count("trouvé dans\u202f: ") == 2
    assert "trouvé dans\u202f: titre, thèmes, description" in text
    assert "trouvé dans\u202f: thèmes, description" in text
    assert "Salle Corneille 1" in text and "17:45–19:15" in text
    assert "…en situation de précarité mobilité" in text  # the snippet, cut at a word
    assert result.stderr == ""


def test_table_names_the_field_of_a_snippet_taken_from_themes(run: Run) -> None:
    result = run("search", "numerique")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("Thèmes\u202f: Numérique et information") == 2


def test_highlights_are_styles_on_inert_text() -> None:
    from colloque_cli.cli.render import HIGHLIGHT, hit_cell, marked
    from colloque_cli.programme.loader import load_programme
    from colloque_cli.search import SearchIndex

    hit = SearchIndex(load_programme()).search("budget participatif")[0]
    cell = hit_cell(hit)
    lit = [cell.plain[s.start : s.end] for s in cell.spans if HIGHLIGHT in str(s.style)]
    assert lit[:2] == ["budgets", "participatifs"]  # in the title
    assert lit[2:4] == ["budgets", "participatifs"]  # in the snippet
    # Data that looks like markup or carries escapes stays text.
    hostile = marked("[bold red]x[/] \x1b[31mrouge", [(0, 10)], "italic")
    assert isinstance(hostile, Text)
    assert hostile.plain == "[bold red]x[/] [31mrouge"


def test_json_adds_score_and_matched(run: Run) -> None:
    rows = found(run, "budget", "participatif")
    assert [(r["id"], r["score"], r["matched"]) for r in rows] == [
        ("budget-participatif", 100, ["title", "description"])
    ]
    # Every row carries what the engine found for it (its order is test_search's ranking test)
    rows = found(run, "santé")
    hits = SearchIndex(load_programme(PROGRAMME)).search("santé")
    assert [(r["id"], r["score"], r["matched"]) for r in rows] == [
        (h.session.id, h.score, list(h.matched)) for h in hits
    ]
    assert {r["matched"][0] for r in rows} == {"title", "themes"}  # both kinds are exercised


def test_nothing_found_exits_1_with_a_message(run: Run) -> None:
    result = run("search", "xyzzy")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == "Aucun résultat pour « xyzzy »."


def test_nothing_found_suggests_a_close_programme_word(run: Run) -> None:
    result = run("search", "budget", "partcipatoire")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Aucun résultat pour « budget partcipatoire ». Vouliez-vous dire « budget participative » ?"
    )


def test_no_suggestion_rather_than_a_far_fetched_one(run: Run) -> None:
    """The programme has no « élus »; « plus » is one letter away, but the first one."""
    result = run("search", "élus", "locaux")
    # No spelling suggestion: the answer is the session on local democracy, which has
    # « locale » and, near « élus » in meaning, « territoriales » (issue 16).
    assert "Vouliez-vous dire" not in result.stderr
    assert result.exit_code == 0
    assert [row["id"] for row in found(run, "élus", "locaux")] == ["assemblees"]


def test_more_results_than_the_limit_are_counted(run: Run) -> None:
    result = run("search", "atelier", "--limit", "3")
    assert result.exit_code == 0
    assert result.stdout.count("trouvé dans\u202f: ") == 3
    assert result.stderr.strip() == "21 autres résultats : augmentez --limit pour les voir."
    assert len(found(run, "atelier", "--limit", "3")) == 3  # JSON rows too


@pytest.mark.parametrize(
    ("words", "first"),
    [
        (["intelligence", "artificielle"], "ia-debat"),
        (["IA"], "ia-debat"),
        (["jeux", "olympiques"], "jop-sport"),
        (["police", "municipale"], "securite"),
        (["re-emploi"], "reemploi"),
        (["budjet"], "budget-participatif"),
        (["démocratie"], "alimentation"),
    ],
)
def test_search_as_an_attendee_types(run: Run, words: list[str], first: str) -> None:
    assert found(run, *words)[0]["id"] == first


def test_filters_still_restrict_the_search(run: Run) -> None:
    rows = found(run, "sante", "--day", "mercredi")
    assert [r["id"] for r in rows] == ["sante-mentale"]


# --- show and --theme ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ("jeux olympiques", "jop-sport"),  # the title says « JOP »
        ("IA", "ia-debat"),
        ("fresk", "fresque-valeurs"),  # a typo, and nothing else is close
        ("Sécurité et cohésion sociale", "securite"),
        ("mobil", "mobilite"),
    ],
)
def test_show_finds_a_session_by_title_fragment(run: Run, fragment: str, expected: str) -> None:
    result = run("show", fragment, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == expected


@pytest.mark.parametrize("word", ["ia", "IA"])
def test_show_short_words_match_whole_words_only(run: Run, word: str) -> None:
    # « ia » is inside « sociales », « initiatives »: only the title that says « IA » counts.
    result = run("show", word, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "ia-debat"


@pytest.mark.parametrize(
    ("theme", "expected"),
    [
        (
            "ia",
            ["fake-news", "ia-debat"],
        ),  # the theme's description says « Intelligence artificielle »
        ("mobilites", ["mobilite", "espaces-publics"]),
        ("ESS", ["reemploi", "energies", "alimentation"]),
        ("securiter", ["securite", "risques-crises"]),
    ],
)
def test_theme_option_resolves_through_the_engine(
    run: Run, theme: str, expected: list[str]
) -> None:
    result = run("list", "--theme", theme, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert sorted(r["id"] for r in json.loads(result.stdout)) == sorted(expected)


def test_theme_option_ambiguity_is_a_usage_error(run: Run) -> None:
    result = run("list", "--theme", "sol")
    assert result.exit_code == 2
    assert "Thème ambigu « sol » : Solidarités et inclusion, Économie sociale et solidaire." in (
        " ".join(result.stderr.split())
    )


def test_help_imports_neither_the_engine_nor_its_libraries() -> None:
    code = (
        "import sys\n"
        "from colloque_cli.cli import app\n"
        "try:\n"
        "    app(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('colloque_cli.search', 'rapidfuzz', 'Stemmer') if m in sys.modules]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.stderr.strip().splitlines()[-1] == "[]"


def test_the_session_a_phrasing_is_about_scores_as_the_best_answer(run: Run) -> None:
    # The session the phrase as a whole is about (by its vector) comes first even when it
    # covers fewer of the words than the next ones: it scored 1, and so did every result
    # after it (a score is never higher than the one above).
    rows = found(run, "que faire face aux théories du complot")
    assert rows[0]["id"] == "fake-news"
    scores = [row["score"] for row in rows]
    assert scores[0] == 100
    assert 1 < scores[1] < 100
    assert scores == sorted(scores, reverse=True)


def test_a_phrasing_answered_only_by_its_leader_covering_none_of_its_words(run: Run) -> None:
    # Four words, one of the programme's, the others near it only as a whole: the one
    # result covers none of them; it scored 0, the best score shown was 0, and the score
    # relative to it crashed the search (ZeroDivisionError).
    result = run("search", "delicat mallet projet effrai", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "Erreur interne" not in result.stderr
    assert [row["score"] for row in json.loads(result.stdout)] == [100]
