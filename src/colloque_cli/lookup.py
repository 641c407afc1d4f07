"""A session as a person names it: by its id, or by a fragment of its title."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, overload

from .errors import InvalidValueError, NotFoundError
from .text import plural, shown

if TYPE_CHECKING:
    from .programme.model import Programme, Session
    from .search import SearchIndex
    from .search.hits import Hit


class AmbiguousSession(NotFoundError):
    """Several sessions match a fragment; ``sessions`` lists them for the user to choose."""

    def __init__(self, text: str, sessions: Sequence[Session]) -> None:
        self.sessions = sessions
        super().__init__(
            f"{plural(len(sessions), 'session')} correspondent à « {shown(text)} » : "
            "précisez l'identifiant."
        )


def find_session(
    p: Programme, text: str, make_index: Callable[[], SearchIndex] | None = None
) -> Session:
    """A session by id, else by a title fragment; ambiguity lists the candidates.

    The fragment is searched in titles and subtitles first, then everywhere; short words
    match whole words only, longer ones also their forms, prefixes and typos. Typo
    matches only count when nothing matches without typos.
    """
    from .search import SearchIndex, normalise
    from .text import fold

    wanted = fold(text).strip()
    if not wanted:
        raise InvalidValueError("Identifiant vide : indiquez l'identifiant ou un bout du titre.")
    by_id = p.session(text.strip()) or _by_folded_id(p, wanted)
    if by_id:
        return by_id
    index = make_index() if make_index else SearchIndex(p)
    # A name is looked up by its words, never by meaning: « vieux » names no session.
    hits = index.search(text, fields=("title", "subtitle"), broad=False)
    in_titles = bool(hits)
    if not in_titles:
        hits = index.search(text, broad=False)
    candidates = [h for h in hits if h.kind != "typo"] or hits
    if len(candidates) > 1 and in_titles:
        # « Sécurité et cohésion sociale » names one session even if others share words.
        # Only a title search can find such a title (it holds every word of the name):
        # found elsewhere, the candidates are not even made to read their titles.
        candidates = _titled(candidates, normalise(text))
    if not candidates:
        raise NotFoundError(
            f"Aucune session « {shown(text)} ». "
            "Les identifiants sont affichés par « colloque list »."
        )
    if len(candidates) == 1:
        return candidates[0].session
    raise AmbiguousSession(text, Candidates(candidates))


class Candidates(Sequence["Session"]):
    """The sessions of a name's hits, each made when read: a name may designate tens of
    thousands of sessions, of which a table shows twenty (a list of them would make all)."""

    __slots__ = ("_hits",)

    def __init__(self, hits: list[Hit]) -> None:
        self._hits = hits

    def __len__(self) -> int:
        return len(self._hits)

    @overload
    def __getitem__(self, index: int) -> Session: ...

    @overload
    def __getitem__(self, index: slice) -> list[Session]: ...

    def __getitem__(self, index: int | slice) -> Session | list[Session]:
        if isinstance(index, slice):
            return [hit.session for hit in self._hits[index]]
        return self._hits[index].session


def _by_folded_id(p: Programme, wanted: str) -> Session | None:
    """The first session whose folded id is ``wanted``: its ids are read, not its sessions
    (a programme read from the cache makes none but the one found)."""
    from .text import fold

    for position, session_id in enumerate(p.session_ids()):
        # fold() of ASCII text is its lower case: the usual id is folded at no cost
        if (session_id.lower() if session_id.isascii() else fold(session_id)) == wanted:
            return p.sessions[position]
    return None


def _titled(candidates: list[Hit], named: str) -> list[Hit]:
    """The one candidate whose whole title is ``named`` (normalised), else all of them.

    A theme's id may name tens of thousands of sessions: a title shared by several is
    looked at once, and the search stops at a second whole title. A title is normalised
    only when its folded text holds every word of ``named`` (dots left out): each word that
    ``normalise`` finds is part of its folded text, dots apart, so no whole title is missed.
    """
    from .search import normalise
    from .text import fold

    needed = named.split()
    words: dict[str, tuple[str, ...]] = {}
    titles: dict[str, bool] = {}
    whole: list[Hit] = []
    for hit in candidates:
        title = hit.session.title
        same = titles.get(title)
        if same is None:
            folded = fold(title).replace(".", "")
            same = all(word in folded for word in needed) and normalise(title, words) == named
            titles[title] = same
        if same:
            whole.append(hit)
            if len(whole) > 1:
                return candidates
    return whole or candidates


def names_title(fragment: str, title: str) -> bool:
    """Every word of ``fragment`` starts a word of ``title`` (short words: whole words).

    Used by the agenda for picks whose session left the programme (titles kept alone).
    """
    from .filters import words

    vocabulary = words(title)
    return all(
        any(v == w or (len(w) >= 4 and v.startswith(w)) for v in vocabulary)
        for w in words(fragment)
    )
