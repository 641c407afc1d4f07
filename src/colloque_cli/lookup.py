"""A session as a person names it: by its id, or by a fragment of its title."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .errors import InvalidValueError, NotFoundError
from .text import plural, shown

if TYPE_CHECKING:
    from .programme.model import Programme, Session
    from .search import SearchIndex


class AmbiguousSession(NotFoundError):
    """Several sessions match a fragment; ``sessions`` lists them for the user to choose."""

    def __init__(self, text: str, sessions: list[Session]) -> None:
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
    by_id = p.session(text.strip()) or next((s for s in p.sessions if fold(s.id) == wanted), None)
    if by_id:
        return by_id
    index = make_index() if make_index else SearchIndex(p)
    # A name is looked up by its words, never by meaning: « vieux » names no session.
    hits = index.search(text, fields=("title", "subtitle"), broad=False) or index.search(
        text, broad=False
    )
    candidates = [h for h in hits if h.kind != "typo"] or hits
    if len(candidates) > 1:
        # « Sécurité et cohésion sociale » names one session even if others share words.
        named = normalise(text)
        whole = [h for h in candidates if normalise(h.session.title) == named]
        candidates = whole if len(whole) == 1 else candidates
    if not candidates:
        raise NotFoundError(
            f"Aucune session « {shown(text)} ». "
            "Les identifiants sont affichés par « colloque list »."
        )
    if len(candidates) == 1:
        return candidates[0].session
    raise AmbiguousSession(text, [h.session for h in candidates])


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
