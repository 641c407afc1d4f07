"""Three ranking rules, pinned by their meaning on small programmes written for each.

The reference test (test_search_ranking.py) compares the engine with a slower copy of its
own rules; these state what a reader expects, without the engine's helpers, so that
removing a rule fails here.
"""

from __future__ import annotations

from colloque_cli.programme.loader import parse_programme
from colloque_cli.search import SearchIndex

HEAD = """\
colloque:
  title: Rencontres
  timezone: Europe/Paris
slots:
  - {id: matin, date: "2025-03-04", start: "09:00", end: "10:00"}
sessions:
"""


def index_of(*titles: str) -> SearchIndex:
    """An index over one session per title (ids s1, s2…), same slot, nothing else."""
    sessions = "".join(
        f"  - {{id: s{n}, slot: matin, title: {title!r}, type: atelier}}\n"
        for n, title in enumerate(titles, start=1)
    )
    return SearchIndex(parse_programme(HEAD + sessions, "regles.yaml"))


def ranked(index: SearchIndex, query: str) -> list[tuple[str, int]]:
    """Session ids and scores, best first (scores are rounded: ties among close ones)."""
    return [(hit.session.id, hit.score) for hit in index.search(query)]


def test_words_in_the_query_order_rank_higher() -> None:
    # the same two words side by side, in either order: only the order differs
    index = index_of("Jardins partagés urbains", "Partagés jardins urbains")
    for query, first in (("jardins partagés", "s1"), ("partagés jardins", "s2")):
        assert [doc for doc, _ in ranked(index, query)][0] == first, query


def test_a_typo_scores_below_an_exact_match_in_the_same_field() -> None:
    index = index_of("Bibliothèques et lecture publique", "Musées de France")
    [(exact_doc, exact)] = ranked(index, "bibliothèques")
    [(typo_doc, typo)] = ranked(index, "bibliotèques")
    assert exact_doc == typo_doc == "s1"
    assert exact == 100
    assert typo < exact


def test_a_closer_pair_ranks_higher() -> None:
    index = index_of(
        "Énergie dans les quartiers anciens et les villages ruraux et leurs habitants",
        "Énergie des habitants",
    )
    # the far pair comes first in the programme: only closeness puts the near one first
    assert [doc for doc, _ in ranked(index, "énergie habitants")] == ["s2", "s1"]
