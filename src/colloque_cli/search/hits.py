"""What a search finds: the searched fields of a session, their weights, and the hits of a
query with the snippets and highlights they show (worked out when first read)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..infra.frozen import Frozen, store
from .snippet import Span, excerpt, highlights

if TYPE_CHECKING:
    from ..programme.model import Session
    from .analysis import Analyser

# Searched fields, best first, and their weights. Giggity weighs title ×8, subtitle ×4,
# track ×2, description ×1; doubled here so that the room can sit between track and body.
FIELDS = ("title", "subtitle", "themes", "type", "speakers", "room", "description")
WEIGHTS = (16, 8, 4, 4, 4, 3, 2)
BODY = FIELDS.index("description")
# Fields shown in full in a result row; a snippet is cut from the others.
SHOWN = ("title", "subtitle")
THEME_SEPARATOR = " · "


def session_fields(session: Session) -> tuple[str | None, ...]:
    """The texts of a session, in ``FIELDS`` order."""
    return (
        session.title,
        session.subtitle,
        THEME_SEPARATOR.join(theme.label for theme in session.themes) or None,
        session.type,
        ", ".join(session.speakers) or None,
        session.room.name if session.room else None,
        session.description,
    )


class Hit:
    """A session found by a query, with why and where it matched.

    The snippet and the highlight spans are worked out when first read: a query may find
    thousands of sessions, of which a page is shown.
    """

    __slots__ = ("_context", "_details", "_doc", "kind", "matched", "near", "partial", "score")

    # Programme words the hit rests on by meaning alone (« proche par le sens de »); empty
    # when it matches a word of the query itself.
    near: tuple[str, ...]
    # The programme words it matches when it covers only part of the query (« correspond en
    # partie »): « jeunes » of « emploi des jeunes »; empty when it covers the whole query.
    partial: tuple[str, ...]

    def __init__(self, doc: int, shown: Shown, context: HitContext) -> None:
        # The session is looked up when read: making thousands of hits touches none of them.
        self._doc = doc
        # score: 0–100, never higher than the hit ranked above; matched: field names, best
        # first; kind: the weakest way a query word matched (exact, stem, prefix or typo).
        self.score, self.matched, self.kind = shown
        self._context = context
        self._details: _Details | None = None
        self.near = ()
        self.partial = ()

    @property
    def session(self) -> Session:
        return self._context.sessions[self._doc]

    def __repr__(self) -> str:
        return f"Hit({self.session.id!r}, score={self.score}, matched={self.matched!r})"

    def _worked_out(self) -> _Details:
        if self._details is None:
            self._details = self._context.details(self.session, self.matched)
        return self._details

    @property
    def snippet(self) -> str:
        """Text around the match in a field not shown in full ("" if none)."""
        return self._worked_out()[0]

    @property
    def snippet_field(self) -> str | None:
        return self._worked_out()[1]

    @property
    def highlights(self) -> tuple[Span, ...]:
        """Spans of matched words within ``snippet``."""
        return self._worked_out()[2]

    @property
    def marks(self) -> tuple[tuple[str, tuple[Span, ...]], ...]:
        """Spans of matched words in the title and subtitle."""
        return self._worked_out()[3]

    def spans(self, field: str) -> tuple[Span, ...]:
        """Spans of matched words in the session's ``field`` (title or subtitle)."""
        return dict(self.marks).get(field, ())


_Details = tuple[str, str | None, tuple[Span, ...], tuple[tuple[str, tuple[Span, ...]], ...]]


Shown = tuple[int, tuple[str, ...], str]  # score, matched field names, kind


class HitContext:
    """What the hits of one query share: the sessions, the words that matched, and how to
    find them in a text (for snippets and highlights)."""

    __slots__ = ("analyser", "sessions", "words")

    def __init__(
        self, sessions: Sequence[Session], analyser: Analyser, words: frozenset[str]
    ) -> None:
        self.sessions = sessions
        self.analyser = analyser
        self.words = words

    def details(self, session: Session, matched: tuple[str, ...]) -> _Details:
        texts = session_fields(session)
        analyser, words = self.analyser, self.words
        marks = tuple(
            (field, highlights(texts[FIELDS.index(field)] or "", words, analyser))
            for field in SHOWN
            if field in matched
        )
        for field in ("description", *matched):
            if field in matched and field not in SHOWN:
                text = texts[FIELDS.index(field)] or ""
                snippet, spans = excerpt(text, words, analyser)
                return snippet, field, spans, marks
        return "", None, (), marks


class Results(Frozen):
    """The best hits of a query, and how many sessions it found in all; ``clues``: when
    nothing is strong enough to be a result, the sessions closest to it (« pistes »)."""

    __slots__ = ("clues", "hits", "total")
    hits: list[Hit]
    total: int
    clues: list[Hit]

    def __init__(self, hits: list[Hit], total: int, clues: list[Hit] | None = None) -> None:
        store(self, "hits", hits)
        store(self, "total", total)
        store(self, "clues", clues or [])
