"""OR search with ranking, and words near in meaning: when no session has every word.

The strict engine (``index``) wants every meaningful word of the query. When it finds
nothing, or only spelling guesses, this one scores each document by how much of the
query it covers: a query word counts where a document uses it (as the strict engine
expands it: same word, stem, root, completion, typo), or, with a lower weight, where the
document uses words near it in meaning (``meaning``: a table shipped with the package).
Documents covering more query words come first; a cut-off keeps what rests on weak
evidence out of the results (it becomes « pistes »). Only dict and array look-ups: no
model, no numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from functools import reduce
from math import ceil, log
from operator import mul, or_
from typing import NamedTuple

from .analysis import STOP_WORDS, query_words, stem
from .docmeaning import (
    REFERENCE_SIZE,
    entry_number,
    known,
    nearest_cosines,
    nearness,
    phrase_nearness,
)
from .expansion import MAX_QUERY_WORDS
from .index import Index
from .layout import EXACT, PREFIX, ROOT, STEM, TYPO
from .meaning import table

# How much a literal match of a query word is worth, by how it matched.
_KIND_WEIGHT = {EXACT: 1.0, STEM: 1.0, ROOT: 0.85, PREFIX: 0.7, TYPO: 0.45, TYPO - 1: 0.3}
# How much a match is worth, by the best field holding it (bit masks over FIELDS order:
# title, subtitle, themes, type, speakers, room, description).
_HEADLINE, _THEMES = 0b11, 0b100
# Body evidence by number of uses (1, 2, 3 and more).
_BODY = (0.0, 0.45, 0.6, 0.7)
_COUNT_AT = 14
# A neighbour counts from this similarity (0..1, cosine after removing the common
# directions); its weight grows linearly to 1 at _SURE.
MIN_SIMILARITY = 0.36
_SURE = 0.75
MEANING_WEIGHT = 0.8  # meaning counts less than the word itself
NEIGHBOURS = 48
# A result is kept when its score reaches this share of the best one and this absolute
# level; below, it is a « piste ».
RELATIVE_CUT = 0.55
ABSOLUTE_CUT = 0.2
CLUE_CUT = 0.12
MIN_MEANING = 0.15  # below, a document does not cover a query word by meaning
COVERAGE = 0.6  # share of a longer query's words a result must cover
# A document is about a query word by its vector of meaning (``docmeaning``) when
# VECTOR_LOGIT · (its spreads above chance, the cosines of its three words nearest the query
# word) exceeds VECTOR_BIAS; its evidence is full VECTOR_SURE beyond. The weights come from
# a logistic regression on the six nearest sessions of the single-word queries of the five
# concept case files, against those of 400 common words drawn at random: the words' cosines
# tell a topic best, then the vector's nearness; the weights hardly move when any one file
# is left out. The bias was then set so that no more random words find something than
# before (12.8 %). Only the SHORTLIST sessions nearest by their vector, SHORTLIST_FROM
# spreads above chance at least, are weighed (their words are compared one by one): the
# case files lose nothing by that floor, and a few random words fall silent. Among more
# sessions, some session holds words near any word by chance: the bias grows by
# VECTOR_BIAS_SLOPE per unit of log(size / 28) (on FOSDEM, 943 sessions, 33 % of random
# words found something with no growth, 23 % with it, 25 % with the rule before).
# A session is also weighed against the nearest one: the logit loses VECTOR_BEHIND per
# spread it falls behind it. A word the programme treats has a clear leader, and a session
# trailing it is about the word only when its own words say so (« nutrition » is about the
# session on food, not the one on ageing, 1.5 spreads behind). Fitted on the same rows
# with this feature, a logistic gives the leader's lead a weight (0.42) and lowers the
# leave-one-file-out loss from 0.62 to 0.58; as a bonus to the leader it lets more random
# words through, as a penalty only it does not: with the bias lowered to keep them at
# 12.8 % (French) and 13 % (English), precision rises from 0.86 to 0.88 on the five case
# files pooled, success@3 unchanged (0.3 and 0.5 do as well or less; FOSDEM unchanged).
SHORTLIST = 6
SHORTLIST_FROM = 2.0
VECTOR_LOGIT = (0.344, 5.25, 6.28, 3.79)
VECTOR_BIAS = 5.3
VECTOR_BEHIND = 0.4
VECTOR_SURE = 1.0
VECTOR_BIAS_SLOPE = 0.5
VECTOR_WEIGHT = 1.0
# A session whose evidence falls short of the bar by less than this is offered as a « piste »
# (on stderr, never a result) when a search of one word finds nothing else: on the seven
# case files, 14 of the 41 on-topic single words that were silent without any piste get a
# right one (« musée »: the sessions on the arts and on arts education), 1 a wrong one, none
# of the 14 off-topic words any; 9 % of the common words drawn at random that had nothing
# get one (1.5: 17 right, 3 wrong, 1 off-topic, 16 % of random words).
PISTE_MARGIN = 1.0
# Words near a query word count in full where the document's vector is this near the word
# (spreads above chance), not at all below AGREE_FROM.
AGREE_FROM = 1.5
AGREE_FULL = 2.5
# ... or where the document stands out among all documents for the query word: one of the
# STAND_TOP nearest, at least STAND_MIN spreads above chance, and this many deviations
# above the word's mean nearness over the documents (full at STAND_FULL). Off-topic words
# give flat profiles; a word the programme treats has a clear winner even when the static
# vectors place it low (« logement » and « habitat »).
STAND_TOP = 3
STAND_MIN = 1.0
STAND_FROM = 1.0
STAND_FULL = 1.5


class BroadMatch(NamedTuple):
    """A document found by ``broad_search``."""

    doc: int
    score: float
    covered: int  # query words it matches literally or by meaning
    literal: frozenset[int]  # programme word ids matched literally
    meaning: tuple[int, ...]  # programme word ids matched by meaning only, strongest first
    fields: int  # bit mask of the fields where it matched
    kind: int  # the best way a query word matched literally (0: by meaning only)


class BroadResults(NamedTuple):
    matches: list[BroadMatch]  # above the cut-off, best first
    clues: list[BroadMatch]  # below it but not nothing: « pistes proches »
    words: int = 0  # the query's meaningful words (a match covers ``covered`` of them)


def _field_factor(info: int, allowed: int, body: int) -> float:
    """What a posting is worth by where it stands (among the ``allowed`` fields)."""
    fields = (info | info >> 7) & allowed & 0x7F
    if fields & _HEADLINE:
        return 1.0
    if fields & _THEMES:
        return 0.85
    if fields & ~(1 << body) & 0x7F:
        return 0.6
    return _BODY[info >> _COUNT_AT & 3]


def near_words(index: Index, word: str) -> dict[int, float]:
    """Programme words near ``word`` in meaning (not its own forms), with a weight 0..1."""
    shipped = table()
    number = shipped.number.get(stem(word))
    if number is None:
        return {}
    found: dict[int, float] = {}
    own = set(index.forms(word))
    for neighbour, similarity in shipped.near(number)[:NEIGHBOURS]:
        if similarity < MIN_SIMILARITY:
            break
        weight = min(1.0, (similarity - MIN_SIMILARITY) / (_SURE - MIN_SIMILARITY) + 0.25)
        for tid in index.stem_forms(neighbour):
            if tid not in own and weight > found.get(tid, 0.0):
                found[tid] = weight
    return found


class _Evidence:
    """What the documents hold of one query word: a score per document, literal or not."""

    def __init__(self) -> None:
        self.scores: dict[int, float] = {}
        self.literal: dict[int, set[int]] = {}  # doc -> programme words matched literally
        self.meaning: dict[int, dict[int, float]] = {}  # doc -> words near in meaning
        self.fields: dict[int, int] = {}
        self.kind: dict[int, int] = {}
        self.nearness: dict[int, float] = {}  # doc -> its vector's spreads above chance
        # doc -> how far below the bar its vector evidence falls (0..PISTE_MARGIN): not about
        # the word, but the nearest thing to it, a « piste » when nothing else is found
        self.faint: dict[int, float] = {}


def _word_evidence(
    index: Index, word: str, within: Collection[int] | None, allowed: int
) -> _Evidence | None:
    """How the documents match ``word``: None when neither the programme nor the table of
    meanings knows it (a made-up word), empty when only the table does."""
    parts = [p for p in word.split() if p not in STOP_WORDS] or [word]
    literal: dict[int, float] = {}
    kinds: dict[int, int] = {}
    for part in [*parts, "".join(parts)] if len(parts) > 1 else parts:
        for tid, flagged in index.expand(part).items():
            weight = _KIND_WEIGHT.get(flagged & 7, 0.3)
            if weight > literal.get(tid, 0.0):
                literal[tid], kinds[tid] = weight, flagged & 7
    # A word that names documents (in a title or a theme) finds the documents using it, not
    # those near it in meaning: « jeunes » is not about the session on the elderly, whose
    # vector antonyms bring near it (as a query of one word, see ``SearchIndex.query``).
    meant_parts = [] if _names(index, literal, kinds, allowed) else parts
    near: dict[int, float] = {}
    for part in meant_parts:
        for tid, weight in near_words(index, part).items():
            if tid not in literal:
                near[tid] = max(near.get(tid, 0.0), weight)
    # Documents whose vector of meaning is near the word (``docmeaning``), in spreads.
    spread: dict[int, float] = {}
    for part in meant_parts:
        for doc, spreads in nearness(index, part, within).items():
            if spreads > spread.get(doc, -9.0):
                spread[doc] = spreads
    standing = _standing(spread)
    faint: dict[int, float] = {}
    vectored = _vector_evidence(index, parts, spread, faint)
    if (near or vectored) and all(kind <= TYPO for kind in kinds.values()):
        # A compound joined (« grandsparents ») is no word of the language, and may be
        # read as a typo; it is not one when its parts have words near them in meaning.
        literal, kinds = {}, {}
    if not literal and not near and not vectored and not any(map(known, parts)):
        return None
    body = index.body if index.body is not None else 7
    size = max(index.size, 1)
    found = _Evidence()
    found.nearness = spread
    found.faint = faint
    # A word most documents use says little about any of them.
    docs_with: set[int] = set()
    for tid in literal:
        docs_with.update(index.documents_with(tid))
    rarity = _rarity(len(docs_with), size)
    for tid, weight in literal.items():
        for doc, info in zip(index.documents_with(tid), index.infos_of(tid), strict=True):
            if not info & allowed or (within is not None and doc not in within):
                continue
            value = weight * _field_factor(info, allowed, body) * rarity
            if value > found.scores.get(doc, 0.0):
                found.scores[doc] = value
            found.literal.setdefault(doc, set()).add(tid)
            found.fields[doc] = found.fields.get(doc, 0) | (info | info >> 7) & allowed & 0x7F
            found.kind[doc] = max(found.kind.get(doc, 0), kinds[tid])
    meant: dict[int, float] = {}
    for tid, weight in near.items():
        rare = _rarity(index.frequency(tid), size)
        for doc, info in zip(index.documents_with(tid), index.infos_of(tid), strict=True):
            if not info & allowed or (within is not None and doc not in within):
                continue
            value = weight * _field_factor(info, allowed, body) * MEANING_WEIGHT * rare
            if spread:
                # A word near the query word counts where the document as a whole is
                # about it too: « acteurs » is near « théâtre », but not in a session
                # on citizens as « acteurs clés ».
                value *= max(_agreement(spread.get(doc, 0.0)), standing(doc))
            # Several words near the query word add up, with diminishing returns.
            meant[doc] = 1 - (1 - meant.get(doc, 0.0)) * (1 - value)
            kept = found.meaning.setdefault(doc, {})
            kept[tid] = max(kept.get(tid, 0.0), value)
            found.fields[doc] = found.fields.get(doc, 0) | (info | info >> 7) & allowed & 0x7F
    for doc, value in vectored.items():
        value *= VECTOR_WEIGHT
        if value > meant.get(doc, 0.0):
            meant[doc] = value
            found.fields.setdefault(doc, 0)
    for doc, value in meant.items():
        value = min(value, MEANING_WEIGHT)
        if value >= MIN_MEANING and value > found.scores.get(doc, 0.0):
            found.scores[doc] = value
    return found


def _names(index: Index, literal: dict[int, float], kinds: dict[int, int], allowed: int) -> bool:
    """Whether a programme word matching a query word as such (same word or stem) stands in
    a document's title, subtitle or themes (among the ``allowed`` fields)."""
    for tid in literal:
        if kinds[tid] >= STEM:
            for info in index.infos_of(tid):
                if (info | info >> 7) & allowed & (_HEADLINE | _THEMES):
                    return True
    return False


def _vector_evidence(
    index: Index, parts: list[str], spread: dict[int, float], faint: dict[int, float]
) -> dict[int, float]:
    """The documents about a query word by their vector of meaning and their words, with
    their evidence (0..1).

    Only the SHORTLIST documents nearest by their vector are weighed: how far above chance
    it is (``spread``), and how near the query word their three nearest words are (the
    reasons shown to the reader). The weights are those of a logistic fit that tells
    sessions a reader expects from the others, and from the sessions nearest common words
    drawn at random (see VECTOR_LOGIT); a vector near the word without such words is the
    average of unrelated words drifting there (« dinosaures » and the session on
    misinformation), not a topic. Documents whose evidence falls short by less than
    PISTE_MARGIN go into ``faint``, with how far short they fall."""
    numbers = [(part, entry_number(part)) for part in parts]
    known = [(part, number) for part, number in numbers if number is not None]
    found: dict[int, float] = {}
    if not known:
        return found
    # The more documents, the likelier one holds words near any word by chance.
    bias = VECTOR_BIAS + VECTOR_BIAS_SLOPE * max(0.0, log(index.size / REFERENCE_SIZE))
    cosines_of: list[dict[int, float]] = [{} for _ in known]  # per part, by programme word
    shortlist = sorted(spread, key=lambda d: -spread[d])[:SHORTLIST]
    for doc in shortlist:
        if spread[doc] < SHORTLIST_FROM:
            break
        # A session far behind the nearest one needs more of its own words near the query.
        behind = spread[shortlist[0]] - spread[doc]
        best = -9.0
        for (part, number), memo in zip(known, cosines_of, strict=True):
            cosines = nearest_cosines(index, number, part, doc, 3, memo)
            logit = VECTOR_LOGIT[0] * spread[doc] + sum(map(mul, VECTOR_LOGIT[1:], cosines))
            logit -= VECTOR_BEHIND * behind
            best = max(best, logit - bias)
        if best > 0:
            # From the least evidence that counts to the most meaning may weigh: graded, so
            # that the sessions found rank by it.
            share = min(1.0, best / VECTOR_SURE)
            found[doc] = MIN_MEANING + (MEANING_WEIGHT - MIN_MEANING) * share
        elif best > -PISTE_MARGIN:
            faint[doc] = -best
    return found


def _standing(spread: dict[int, float]) -> Callable[[int], float]:
    """How far a document stands out among all documents' nearness to a query word, 0..1:
    measured against the word's own profile (its mean and deviation over the documents),
    not against chance."""
    if len(spread) < 4:
        return lambda doc: 0.0
    values = list(spread.values())
    mean = sum(values) / len(values)
    deviation = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0

    leaders = set(sorted(spread, key=lambda d: -spread[d])[:STAND_TOP])

    def standing(doc: int) -> float:
        if doc not in leaders or spread[doc] < STAND_MIN:
            return 0.0
        z = (spread[doc] - mean) / deviation
        return max(0.0, min(1.0, (z - STAND_FROM) / (STAND_FULL - STAND_FROM)))

    return standing


def _agreement(spreads: float) -> float:
    """How much a document's vector agrees with a query word, 0..1."""
    return max(0.0, min(1.0, (spreads - AGREE_FROM) / (AGREE_FULL - AGREE_FROM)))


def _rarity(documents: int, size: int) -> float:
    """How much a word used by ``documents`` of ``size`` documents tells (1: rare)."""
    if not documents or size <= 4:
        return 1.0
    return max(0.2, min(1.0, log(size / documents) / log(4)))


# A document covering fewer words than ``needed`` is a result when the words it misses
# are all at least PARTIAL_RATIO times more common in the language than the rarest word it
# uses literally: « prix de l'énergie » is about « énergie »; « météo demain » is
# not about « demain ».
PARTIAL_RATIO = 2
UNKNOWN_RANK = 1 << 30  # the language rank of a word the table lacks, or of a number


def _language_rank(word: str) -> int:
    """How common ``word`` is in the language: its rank in the shipped table (entries are in
    order of frequency); a word the table lacks counts as the rarest."""
    shipped = table()
    ranks = [
        UNKNOWN_RANK if not part.isalpha() else shipped.number.get(stem(part), UNKNOWN_RANK)
        for part in word.split()
    ]
    return max(ranks, default=UNKNOWN_RANK)


# A phrase (two words or more with a vector) is about the session its vector as a whole
# (``docmeaning.phrase_nearness``) is nearest, when that session is PHRASE_FROM spreads above
# chance (PHRASE_PAIR_FROM for two words: « football américain » is near the Olympic sports,
# not about them) and PHRASE_MARGIN ahead of the next one: « lutter contre les fausses
# informations » and the session on misinformation, « elderly care » and the one on ageing.
# Measured on the 93 phrasings of the concept cases (3.0 and 0.5): the leader is a session
# a reader accepts in 45 of 59 phrasings whose nearest session is one, in 4 of 34 others,
# and for 3 of 200 pairs of random common words.
PHRASE_FROM = 3.0
PHRASE_MARGIN = 0.6
PHRASE_PAIR_FROM = 4.0


def _phrase_leader(index: Index, words: list[str], within: Collection[int] | None) -> int | None:
    """The session the phrase ``words`` is clearly about as a whole (None: none)."""
    if len(words) < 2:
        return None
    near = phrase_nearness(index, [part for word in words for part in word.split()], within)
    if len(near) < 2:
        return None
    first, second = sorted(near.values(), reverse=True)[:2]
    bar = PHRASE_FROM if len(words) > 2 else PHRASE_PAIR_FROM
    if first <= bar or first - second <= PHRASE_MARGIN:
        return None
    return max(near, key=near.__getitem__)


def _subjects(words: list[str]) -> list[int]:
    """The nouns of a phrasing of three words or more (their places in ``words``), when it
    has two: they say what it is about, its verbs and small words what the attendee wants
    done (« faire reculer les préjugés envers les personnes handicapées »). A document
    covering most of them covers the phrasing. Measured on the eight concept case files
    (the seventh had shown the need): 4 more phrasings find their session, none of the
    off-topic ones answers, and as many of 300 random phrasings do (7.3 %)."""
    if len(words) < 3:
        return []
    from .nouns import is_noun

    found = [i for i, word in enumerate(words) if is_noun(word)]
    return found if len(found) >= 2 else []


def needed(words: int) -> int:
    """How many of a query's words a result must cover: all of one or two (« santé
    jeunes » is about both), most of a longer phrasing."""
    return words if words <= 2 else ceil(COVERAGE * words)


def broad_search(
    index: Index,
    query: str,
    *,
    within: Collection[int] | None = None,
    fields: int | None = None,
    context: Callable[[int], float] | None = None,
) -> BroadResults:
    """Documents by how much of ``query`` they cover, literally or by meaning.

    ``context`` adds to the score of documents that cover the query (it never makes a
    result by itself): how well their groups (a session's themes) match the query.
    """
    words: list[str] = []
    for typed in query_words(query)[:MAX_QUERY_WORDS]:
        joined = " ".join(typed.parts)
        if joined not in words:
            words.append(joined)
    if not words:
        return BroadResults([], [])
    allowed = 0x7F if fields is None else fields & 0x7F
    allowed |= allowed << 7
    evidence = []
    known: list[str] = []
    for word in words:
        found = _word_evidence(index, word, within, allowed)
        if found is not None:
            evidence.append(found)
            known.append(word)
    # A word neither the programme nor the table of meanings knows (made up, or too recent
    # or too short for the table: « chatgpt », « va ») silences a query of one or two words;
    # in a longer phrasing the other words still say what it is about, when two are known.
    if len(known) < len(words) and len(known) < 2:
        return BroadResults([], [])
    words = known
    scores: dict[int, float] = {}
    covered: dict[int, int] = {}
    # The rarest query word (in the language) each document uses literally: a document
    # missing only words much more common than that one covers what the query is about.
    rarest: dict[int, int] = {}
    ranks = [_language_rank(word) for word in words]
    for found, rank in zip(evidence, ranks, strict=True):
        for doc, value in found.scores.items():
            scores[doc] = scores.get(doc, 0.0) + value
            covered[doc] = covered.get(doc, 0) + 1
            if doc in found.literal and rank < UNKNOWN_RANK:
                rarest[doc] = max(rarest.get(doc, -1), rank)
    if context is not None:
        for doc in scores:
            scores[doc] += context(doc) * len(words)
    if not scores:
        return BroadResults([], _faint_clues(evidence), len(words))
    least = needed(len(words))
    subjects = _subjects(words)
    # Equal scores (meaning weighs at most MEANING_WEIGHT) are told apart by how near the
    # sessions' vectors are to the query words.
    near = {doc: sum(found.nearness.get(doc, 0.0) for found in evidence) for doc in scores}
    ranked = sorted(scores, key=lambda d: (-covered[d], -round(scores[d], 9), -near[d], d))
    leader = _phrase_leader(index, words, within) if fields is None else None
    if leader is not None:
        # The session the phrase as a whole is about comes first, whatever it covers, and
        # scores as the best answer: it may cover fewer words than those it goes before
        # (a score is never higher than the one above it, so theirs would all sink to its).
        if leader not in scores:
            scores[leader], covered[leader] = 0.0, 0
        ranked = [leader, *(doc for doc in ranked if doc != leader)]
        scores[leader] = max(scores.values())
    best = max(scores.values())
    matches, clues = [], []
    for doc in ranked:
        strength = scores[doc] / len(words)
        meaning: dict[int, float] = {}
        literal: set[int] = set()
        for found in evidence:
            literal |= found.literal.get(doc, set())
            for tid, value in found.meaning.get(doc, {}).items():
                meaning[tid] = max(value, meaning.get(tid, 0.0))
        match = BroadMatch(
            doc,
            strength,
            covered[doc],
            frozenset(literal),
            tuple(sorted((t for t in meaning if t not in literal), key=lambda t: -meaning[t])),
            reduce(or_, (found.fields.get(doc, 0) for found in evidence)),
            max(found.kind.get(doc, 0) for found in evidence),
        )
        strong = scores[doc] >= RELATIVE_CUT * best and strength >= ABSOLUTE_CUT
        if (
            doc == leader
            or strong
            and (
                covered[doc] >= least
                or (
                    subjects
                    and sum(doc in evidence[i].scores for i in subjects) >= needed(len(subjects))
                )
                or all(
                    rank * PARTIAL_RATIO < rarest.get(doc, -1)
                    for found, rank in zip(evidence, ranks, strict=True)
                    if doc not in found.scores
                )
            )
        ):
            matches.append(match)
        elif strength >= CLUE_CUT:
            clues.append(match)
    if not matches and not clues:
        clues = _faint_clues(evidence)
    return BroadResults(matches, clues, len(words))


def _faint_clues(evidence: list[_Evidence]) -> list[BroadMatch]:
    """The sessions whose vector evidence for a query of one word fell just short
    (``faint``), nearest the bar first: what such a search that finds nothing offers as
    « pistes ». (A phrasing has its own: the sessions covering part of it.)"""
    if len(evidence) != 1:
        return []
    short = evidence[0].faint
    return [
        BroadMatch(doc, MIN_MEANING * (1 - missing / PISTE_MARGIN), 1, frozenset(), (), 0, 0)
        for doc, missing in sorted(short.items(), key=lambda item: (item[1], item[0]))
    ]
