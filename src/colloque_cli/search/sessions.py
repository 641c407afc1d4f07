"""Search over a programme's sessions: the index, its hits, and « did you mean »."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Sequence
from functools import cached_property
from itertools import chain, islice, repeat
from typing import TYPE_CHECKING, Any, overload

from ..infra import progress
from ..infra.gcpause import paused_gc
from ..programme.columns import SessionTable
from ..programme.model import Programme, Room, Session
from .analysis import STOP_WORDS, Analyser, Glossary, words
from .expansion import typos_between
from .hits import (
    BODY,
    FIELDS,
    THEME_SEPARATOR,
    WEIGHTS,
    Hit,
    HitContext,
    Results,
    Shown,
    session_fields,
)
from .index import Index
from .layout import KINDS
from .ranking import Evidence

if TYPE_CHECKING:
    from .broad import BroadMatch
    from .halves import Child
    from .indexing import Resume
    from .vocabulary import Learned

# How much a session's theme matching a query adds to its score in the broad search.
THEME_WEIGHT = 1.2
# A query whose words are all found in fewer sessions than this, and only in passing (in
# no title, subtitle or theme), is completed after them by the sessions whose vector of
# meaning is near it (« environnement » is in one session's description, and is what
# others are about). A word naming a session is answered by the words alone.
COMPLEMENT = 3
_NAMING = 0b111  # title, subtitle, themes (FIELDS order)
PROGRESS_CHUNK = 1_000  # sessions indexed between two reports of progress
# The names of the fields of each bit mask, best first.
_FIELD_NAMES = [
    tuple(f for n, f in enumerate(FIELDS) if mask >> n & 1) for mask in range(1 << len(FIELDS))
]


class _FieldTexts(Sequence[tuple[str | None, ...]]):
    """The texts of each session, made as the index reads them (once, in order): all made
    beforehand, those of 50 000 sessions would weigh some 9 MB more at the build's peak."""

    def __init__(self, sessions: Sequence[Session]) -> None:
        self._sessions = sessions

    def __len__(self) -> int:
        return len(self._sessions)

    def __iter__(self) -> Iterator[tuple[str | None, ...]]:
        # a chunk at a time, telling how far the index has gone (a call per chunk, none
        # per session)
        sessions = iter(self._sessions)

        def chunk(start: int) -> Iterator[tuple[str | None, ...]]:
            progress.advance(min(start, size))  # the last one, empty, tells all are read
            return map(session_fields, islice(sessions, PROGRESS_CHUNK))

        size = len(self._sessions)
        return chain.from_iterable(map(chunk, range(0, size + PROGRESS_CHUNK, PROGRESS_CHUNK)))

    @overload
    def __getitem__(self, index: int) -> tuple[str | None, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[str | None, ...]]: ...

    def __getitem__(
        self, index: int | slice
    ) -> tuple[str | None, ...] | list[tuple[str | None, ...]]:
        if isinstance(index, slice):
            return list(map(session_fields, self._sessions[index]))
        return session_fields(self._sessions[index])


def read_ahead(
    programme: Programme, previous: Callable[[], list[str] | None] | None = None
) -> Child | None:
    """For a large programme, a child process that starts reading its last sessions for
    the search index now, while this one does other work (writes its cache entry, looks
    for an earlier index), for ``SearchIndex(..., ahead=)``; None for a small one, or when
    the digests of the index made before the file's last change (``previous``) show that
    the build will take up its first sessions from it (``unchanged``), or keep it whole:
    the child, which starts from nothing, would read for nothing."""
    from .indexing import FORK_FROM, read_ahead

    if len(programme.sessions) < FORK_FROM:
        return None
    before = None if previous is None else previous()
    if before is not None and before[:2] == first_digests(programme):
        return None
    return read_ahead(
        _FieldTexts(programme.sessions), len(WEIGHTS), BODY, Glossary(programme.glossary)
    )


def first_digests(programme: Programme) -> list[str]:
    """``documents_digests``' first two (the glossary, the first ``DIGESTED`` sessions),
    hashed from these sessions alone: what tells whether an index made before an edit
    gives a build its first sessions (``unchanged``)."""
    first = SessionTable.of(programme.sessions[:DIGESTED])
    return documents_digests(programme, first, count=len(first))


def documents_digests(
    programme: Programme, table: SessionTable | None = None, *, count: int | None = None
) -> list[str]:
    """Digests of what the search index of ``programme`` is made from: the glossary, then
    the searched texts of every session in order (``session_fields``), ``DIGESTED``
    sessions at a time; each digest covers all that comes before it, the last one all.
    Programmes with the same last digest have the same index (a time, an id or a comment
    changed); the documents under the digests they share are the same (``unchanged``).

    Hashed from the sessions' columns (``table``, the one the cache entry was written from,
    else the programme's own when it is one): their texts are UTF-8 already, and repeated
    values (rooms, speakers…) are hashed once, as numbers per session."""
    import hashlib
    import json

    if count is None:  # all of them (``count``: the first ones only, those of ``table``)
        count = len(programme.sessions)
    if table is None or len(table) != count:
        sessions = programme.sessions
        table = SessionTable.of(sessions if count == len(sessions) else sessions[:count])
    hasher = hashlib.sha256(json.dumps(list(programme.glossary.items())).encode())
    digests = [hasher.hexdigest()]
    columns = [_DigestedColumn(table, field) for field in SEARCHED_COLUMNS]
    for start in range(0, len(table), DIGESTED):
        end = min(start + DIGESTED, len(table))
        for column in columns:
            column.update(hasher, start, end)
        digests.append(hasher.hexdigest())
    return digests


def _room_name(room: Room | None) -> str | None:
    return None if room is None else room.name


# Where each of ``session_fields``' texts is in a ``SessionTable``, in ``FIELDS`` order: a
# text column (None), or a value column and the text of one of its values.
SEARCHED_COLUMNS: tuple[tuple[str, Callable[[Any], str | None] | None], ...] = (
    ("title", None),
    ("subtitle", None),
    ("themes", lambda themes: THEME_SEPARATOR.join(theme.label for theme in themes) or None),
    ("type", lambda value: value),
    ("speakers", lambda speakers: ", ".join(speakers) or None),
    ("room", _room_name),
    ("description", None),
)


def searched_texts(table: SessionTable, field: int, index: int) -> str | None:
    """The text ``session_fields`` gives at ``field`` for the session ``index`` of
    ``table``, read from the columns ``documents_digests`` hashes."""
    name, text = SEARCHED_COLUMNS[field]
    texts, values = table.columns()
    if text is None:
        blob, offsets, nones = texts[name]
        if len(nones) and nones[index]:
            return None
        return str(blob[offsets[index] : offsets[index + 1]], "utf-8", "surrogatepass")
    distinct, codes = values[name]
    return text(distinct[codes[index]])


class _DigestedColumn:
    """One searched field of a ``SessionTable``, hashed a run of sessions at a time: for a
    text column its UTF-8 bytes and where each text ends (None and "" alike: no bytes); for
    a value column the number per session of its text (numbered as first met, so that two
    values of the same text, two rooms of one name, are one) and the texts first met."""

    def __init__(self, table: SessionTable, field: tuple[str, Callable[[Any], str | None] | None]):
        name, text = field
        texts, values = table.columns()
        self.text = text is None
        if text is None:
            blob, offsets, _ = texts[name]
            self.blob = memoryview(blob).cast("B")
            self.ends = offsets  # 32 bits, whether an array or a view of the entry
            return
        distinct, codes = values[name]
        numbers: dict[str, int] = {}
        renumber = [numbers.setdefault(text(value) or "", len(numbers)) for value in distinct]
        same = len(numbers) == len(distinct)  # as numbered already (no two of a text)
        self.codes = array("I", codes if same else map(renumber.__getitem__, codes))
        self.names = list(numbers)
        self.seen = 0  # texts hashed so far: every number below was met before

    def update(self, hasher: Any, start: int, end: int) -> None:
        if self.text:
            ends = self.ends[start : end + 1]
            pieces = [ends, self.blob[ends[0] : ends[-1]]]
        else:
            codes = self.codes[start:end]
            met = max(self.seen, max(codes) + 1)
            names = self.names[self.seen : met]
            self.seen = met
            pieces = [
                codes,
                array("q", map(len, names)),
                "".join(names).encode("utf-8", "surrogatepass"),
            ]
        for piece in pieces:  # each with its size: no two runs give the same bytes
            hasher.update(len(piece).to_bytes(8, "little"))
            hasher.update(piece)


DIGESTED = 1_000  # sessions under each of ``documents_digests`` after the first


def unchanged(before: Sequence[str], now: Sequence[str]) -> int:
    """How many sessions, from the first, are the same in two programmes (as far as the
    index goes) with these ``documents_digests``: the sessions under the digests they share
    (none when the glossary changed)."""
    shared = 0
    for old, new in zip(before, now, strict=False):
        if old != new:
            break
        shared += 1
    return max(0, shared - 1) * DIGESTED


class SearchIndex:
    """Built once per programme; ``search`` answers a query, ``suggest`` proposes another."""

    def __init__(
        self,
        programme: Programme,
        index: Index | None = None,
        *,
        resume: Resume | None = None,
        learned: Learned | None = None,
        ahead: Child | None = None,
    ) -> None:
        """Index ``programme``; ``index`` is one built earlier for it (from the cache);
        ``resume`` takes up its first sessions from an index made before (``Index.resume``),
        ``learned`` what its build learnt of chunks (``Index.learned``); ``ahead`` a child
        reading its last sessions already (``read_ahead``)."""
        self.programme = programme
        self.sessions: Sequence[Session] = programme.sessions  # made as read: see SessionTable
        if index is None or index.size != len(self.sessions):
            with paused_gc():
                index = Index(
                    _FieldTexts(self.sessions),
                    WEIGHTS,
                    body=BODY,
                    headline=(FIELDS.index("title"), FIELDS.index("subtitle")),
                    glossary=programme.glossary,
                    resume=resume,
                    learned=learned,
                    ahead=ahead,
                )
        self.index = index

    def search(
        self,
        query: str,
        *,
        within: Collection[str] | None = None,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
        broad: bool = True,
    ) -> list[Hit]:
        """Sessions matching every meaningful word of ``query``, best first; when none does
        (or only through spelling guesses), sessions covering the query in part or by
        meaning (``broad``, see ``broad.py``).

        ``within`` restricts to these session ids, ``fields`` to these field names.
        """
        return self.query(query, within=within, limit=limit, fields=fields, broad=broad).hits

    def query(
        self,
        query: str,
        *,
        within: Collection[str] | None = None,
        limit: int | None = None,
        fields: Sequence[str] | None = None,
        broad: bool = True,
    ) -> Results:
        """Like ``search``, with the number of sessions found beyond ``limit``."""
        docs = None
        if within is not None:
            found = map(self.programme.position, within)
            docs = {position for position in found if position is not None}
        mask = None
        if fields is not None:
            mask = sum(1 << FIELDS.index(f) for f in set(fields) if f in FIELDS)
        ranking = self.index.rank(query, within=docs, fields=mask, limit=limit)
        if broad and not ranking.docs:
            # Nothing has every word. (Spelling guesses stand: a word of the language is
            # never taken for one, see ``expansion``, so meaning has nothing to correct.)
            wider = self._broad(query, docs, mask, limit)
            if wider is not None:
                return wider
        context = HitContext(self.sessions, Analyser(self.index.glossary), ranking.words)
        # Hits that match alike share what they show: worked out once; the loop making one
        # Hit per session runs in C.
        shown: dict[Evidence, Shown] = {
            e: (e.score, _FIELD_NAMES[e.fields], KINDS[e.kind]) for e in set(ranking.evidence)
        }
        with paused_gc():
            hits = list(
                map(Hit, ranking.docs, map(shown.__getitem__, ranking.evidence), repeat(context))
            )
        if (
            broad
            and mask is None
            and 0 < ranking.total < COMPLEMENT
            and not any(e.fields & _NAMING for e in ranking.evidence)
        ):
            return self._completed(query, Results(hits, ranking.total), docs, limit)
        return Results(hits, ranking.total)

    def _completed(
        self,
        query: str,
        literal: Results,
        docs: Collection[int] | None,
        limit: int | None,
    ) -> Results:
        """``literal``'s hits, then the sessions whose vector of meaning is near every word
        of ``query`` (see COMPLEMENT). Cheap: the programme's words know their vectors, and
        the shipped table is read only for a query word the programme lacks as such."""
        from .docmeaning import complement, words_near

        if not self.index.meaning.scales:
            return literal  # no vectors for so many sessions (see docmeaning)
        entries = self._entries(query)
        if not entries:
            return literal
        have = {hit._doc for hit in literal.hits}
        found = complement(self.index, [number for number, _ in entries], have, docs)
        if not found:
            return literal
        shown = found[: limit if limit is not None else len(found)]
        near: dict[int, list[int]] = {}
        for doc, _ in shown:
            reasons = (t for n, word in entries for t in words_near(self.index, n, word, doc))
            near[doc] = list(dict.fromkeys(reasons))[:3]
        vocabulary = self.index.vocabulary
        words = literal.hits[0]._context.words if literal.hits else frozenset()
        words = words | {vocabulary[t] for tids in near.values() for t in tids}
        context = HitContext(self.sessions, Analyser(self.index.glossary), words)
        ceiling = min(hit.score for hit in literal.hits) if literal.hits else 100
        added = []
        for doc, tids in near.items():
            ceiling = max(1, ceiling - 1)
            fields = _FIELD_NAMES[self._fields_holding(doc, tids)]
            hit = Hit(doc, (ceiling, fields, "meaning"), context)
            hit.near = tuple(dict.fromkeys(self._surface(t) for t in tids))
            added.append(hit)
        room = None if limit is None else max(0, limit - len(literal.hits))
        return Results(literal.hits + added[:room], literal.total + len(found))

    def _entries(self, query: str) -> list[tuple[int, str]]:
        """The entry in the shipped vectors of each word of ``query``, with the word (empty
        when one has none): from the programme's own word when it has the word or its stem."""
        from .analysis import query_words
        from .expansion import MAX_QUERY_WORDS
        from .layout import STEM

        numbers: list[tuple[int, str]] = []
        for typed in query_words(query)[:MAX_QUERY_WORDS]:
            for part in typed.parts:
                if part in STOP_WORDS:
                    continue
                own = [t for t, kind in self.index.expand(part).items() if kind & 7 >= STEM]
                number = next((n for n in map(self._entry, own) if n is not None), None)
                if number is None:
                    from .docmeaning import entry_number

                    number = entry_number(part)
                    if number is None:
                        return []
                numbers.append((number, part))
        return numbers

    def _entry(self, tid: int) -> int | None:
        from .docmeaning import entry_of

        return entry_of(self.index, tid)

    def _broad(
        self, query: str, docs: Collection[int] | None, mask: int | None, limit: int | None
    ) -> Results | None:
        """Results of the broad search (OR and meaning), or None when it finds nothing."""
        from .broad import broad_search

        found = broad_search(
            self.index, query, within=docs, fields=mask, context=self._theme_context(query)
        )
        if not found.matches and not found.clues:
            return None
        vocabulary = self.index.vocabulary
        words = frozenset(
            vocabulary[tid]
            for match in (*found.matches, *found.clues)
            for tid in (*match.literal, *match.meaning)
        )
        context = HitContext(self.sessions, Analyser(self.index.glossary), words)
        best = max(m.score for m in (*found.matches, *found.clues))
        # A few words are near in meaning for a thousand matches: each surface is found once.
        surfaces: dict[int, str] = {}

        def surface(tid: int) -> str:
            if tid not in surfaces:
                surfaces[tid] = self._surface(tid)
            return surfaces[tid]

        def hits(matches: Sequence[BroadMatch]) -> list[Hit]:
            made, ceiling = [], 100
            for match in matches:
                ceiling = min(ceiling, max(1, round(100 * match.score / best)))
                kind = "meaning" if not match.literal else KINDS[match.kind]
                near: Sequence[int] = match.meaning[:3]
                fields = match.fields
                if not match.literal and not near:
                    # Found by its vector of meaning: its words nearest the query say why.
                    near = self._near_by_vector(query, match.doc)
                    fields |= self._fields_holding(match.doc, near)
                hit = Hit(match.doc, (ceiling, _FIELD_NAMES[fields], kind), context)
                if not match.literal:
                    hit.near = tuple(dict.fromkeys(surface(t) for t in near))
                elif match.covered < found.words:
                    # Words of the session, not of the query: what it was found by.
                    hit.partial = tuple(dict.fromkeys(map(surface, sorted(match.literal))))[:3]
                made.append(hit)
            return made

        kept = found.matches[:limit] if limit is not None else found.matches
        return Results(hits(kept), len(found.matches), hits(found.clues[:5]))

    def _near_by_vector(self, query: str, doc: int) -> list[int]:
        """The words of session ``doc`` nearest the words of ``query`` in meaning: why its
        vector of meaning matched (see docmeaning)."""
        from .docmeaning import words_near

        found: list[int] = []
        for number, word in self._entries(query):
            near = words_near(self.index, number, word, doc)
            found.extend(t for t in near if t not in found)
        return found[:3]

    def _fields_holding(self, doc: int, tids: Sequence[int]) -> int:
        """The bit mask of the fields of session ``doc`` where the words ``tids`` are."""
        mask = 0
        for tid in tids:
            documents = self.index.documents_with(tid)
            at = bisect_left(documents, doc)
            if at < len(documents) and documents[at] == doc:
                info = self.index.infos_of(tid)[at]
                mask |= (info | info >> 7) & 0x7F
        return mask

    def _theme_context(self, query: str) -> Callable[[int], float] | None:
        """How well a session's best theme (label and description) matches ``query``."""
        from .broad import broad_search

        themes = self.programme.themes
        if not themes:
            return None
        found = broad_search(self._themes, query).matches
        if not found:
            return None
        strength = {themes[m.doc].id: m.score for m in found}
        sessions = self.sessions

        def context(doc: int) -> float:
            values = [strength.get(t.id, 0.0) for t in sessions[doc].themes]
            return THEME_WEIGHT * max(values, default=0.0)

        return context

    @cached_property
    def _themes(self) -> Index:
        themes = self.programme.themes
        return Index(
            [(t.label, t.description) for t in themes],
            (4, 1),
            body=1,
            glossary=self.programme.glossary,
        )

    def suggest(self, query: str) -> str | None:
        """``query`` with each word the programme lacks replaced by a close programme word,
        if that finds something."""
        proposal = query
        changed = False
        for word in reversed(words(query)):
            if word.text in STOP_WORDS or self.index.expand(word.text):
                continue
            if word.hyphenated or _joined_next(query, word.end):
                continue  # part of a compound: judged as a whole by the search itself
            closest = self._closest(word.text)
            if closest is None:
                return None
            proposal = proposal[: word.start] + closest + proposal[word.end :]
            changed = True
        if not changed or not self.search(proposal, limit=1):
            return None
        return proposal

    def _closest(self, word: str) -> str | None:
        """The programme word nearest ``word``: a quarter of its letters changed at most."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(word) < 2:
            return None
        limit = max(1, len(word) // 4)
        found = process.extract(
            word, self.index.vocabulary, scorer=OSA.distance, score_cutoff=limit, limit=None
        )
        # A word suggests a word, a number a number: « i » is not a typo of « 1 ». Typos count
        # as in the search itself: « élus » is not « plus » mistyped.
        found = [
            (choice, typos_between(word, choice, distance), tid)
            for choice, distance, tid in found
            if choice.isdigit() == word.isdigit()
        ]
        found = [f for f in found if f[1] <= limit]
        if not found:
            return None
        # The nearest spelling first, then the word the programme uses most.
        best = min(found, key=lambda f: (f[1], -self.index.frequency(f[2])))
        return self._surface(best[2])

    def _surface(self, tid: int) -> str:
        """How the programme writes a vocabulary word (« mobilité » for « mobilite »)."""
        token = self.index.vocabulary[tid]
        analyser = Analyser(self.index.glossary)
        for doc in self.index.documents_with(tid)[:1]:
            for text in session_fields(self.sessions[doc]):
                for t in analyser.tokens(text or ""):
                    if t.text == token and not t.synonym:
                        surface = (text or "")[t.start : t.end]
                        acronym = surface.isupper() and len(surface) > 1
                        return surface if acronym else surface.lower()
        return token


def _joined_next(text: str, end: int) -> bool:
    return end < len(text) - 1 and text[end] in "-\u2010\u2011" and text[end + 1].isalnum()
