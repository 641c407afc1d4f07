"""Text analysis for search: words, folding, French stop words, a light stemmer, the glossary.

The same analysis runs over the programme (to index it, and later to highlight a snippet)
and over queries, so that both sides meet on the same tokens.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

from ..text import fold

# Words that carry no meaning on their own in a French query or title. Short on purpose:
# « non » (non-recours), « plus », « sans » and the like stay meaningful.
STOP_WORDS = frozenset(
    """
    a au aux avec c ca ce ces cet cette d dans de des du elle elles en est et etre eux il ils
    j je l la le les leur leurs lui m ma me mes moi mon n ne nos notre nous on ou par pas pour
    qu que qui quoi s sa se ses si son sont sur t ta te tes toi ton tu un une vos votre vous y
    comment quel quelle quels quelles dont quand lorsqu puisqu jusqu contre entre vers chez
    tout tous toute toutes
    """.split()
)
# A run of letters or digits, with any combining accents typed after a letter.
# A dotted acronym (« I.A. », « Q.P.V. ») is one word; otherwise a run of letters or digits,
# with any combining accents typed after a letter.
_WORD = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?(?![^\W_])|[^\W_](?:[^\W_]|[\u0300-\u036f])*")
_SUBWORD = re.compile(r"[^\W_]+")
_HYPHENS = frozenset("-\u2010\u2011")
# In folded text (where U+2011 has become U+2010): a word, or hyphenated words.
_INDEX_RUN = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]\.?(?![^\W_])|[^\W_]+(?:[-\u2010][^\W_]+)*")
# What a run holding a full stop (a dotted acronym) needs: a letter, a dot, a letter.
_DOTTED = re.compile(r"[^\W\d_]\.[^\W\d_]")
_PLAIN_RUN = re.compile(r"[^\W_]+(?:[-\u2010][^\W_]+)*")
_PARENTHESES = re.compile(r"\([^)]*\)")
_WHITESPACE = re.compile(r"\s+")


class Token(NamedTuple):
    """A searchable word at ``start:end`` of the analysed text.

    ``synonym`` marks a token added from the glossary (an acronym's expansion where the
    acronym is written, or the acronym where its expansion is written).
    """

    text: str
    start: int
    end: int
    synonym: bool = False


def tidy(text: str) -> str:
    """``text`` on one line with single spaces (what snippets are cut from)."""
    return _WHITESPACE.sub(" ", text).strip()


def stem(word: str) -> str:
    """Light French stem of a folded word: plural and feminine endings only.

    « budgets participatifs » and « budget participatif », « polices municipales » and
    « police municipale », « citoyen(ne)(s) » meet; derivations (« participation »,
    « participatif ») do not, so that a stem match stays a close match.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    w = word
    if w.endswith("eaux"):  # réseaux → réseau
        w = w[:-1]
    elif w.endswith("aux"):  # sociaux → social
        w = w[:-3] + "al"
    elif w.endswith("ux"):  # jeux → jeu, heureux → heureu
        w = w[:-1]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    for suffix, replacement in _FEMININE:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)] + replacement
            break
    if w.endswith("qu"):  # publique → public, politique → politic
        w = w[:-2] + "c"
    elif w.endswith("s") and len(w) > 4:  # française → français → francai, like français
        w = w[:-1]
    return w


_FEMININE = (
    ("euse", "eu"),  # heureuse → heureu (like heureux)
    ("ive", "if"),  # participative → participatif
    ("elle", "el"),  # culturelle → culturel
    ("enne", "en"),  # citoyenne → citoyen
    ("onne", "on"),  # personne → person
    ("ette", "et"),
    ("ere", "er"),  # première → premier
    ("ee", ""),  # engagée → engag (like engagé → engag)
    ("e", ""),  # municipale → municipal
)


class Word(NamedTuple):
    """A folded word of a text, with its place and whether a hyphen joins it to the previous."""

    text: str
    start: int
    end: int
    hyphenated: bool


def words(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> list[Word]:
    """The folded words of ``text`` with their spans in ``text``."""
    found: list[Word] = []
    previous_end = -2
    for match in _WORD.finditer(text):
        surface = match.group()
        folded = memo.get(surface) if memo is not None else None
        if folded is None:
            folded = tuple(_SUBWORD.findall(fold(surface.replace(".", ""))))
            if memo is not None:
                memo[surface] = folded
        start, end = match.span()
        joined = start == previous_end + 1 and text[previous_end] in _HYPHENS
        for index, part in enumerate(folded):
            found.append(Word(part, start, end, joined or index > 0))
        previous_end = end
    return found


def content_words(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    """The meaningful folded words of ``text``, in order (stop words left out); ``memo``
    as for ``words``."""
    return [w.text for w in words(text, memo) if w.text not in STOP_WORDS]


def normalise(text: str, memo: dict[str, tuple[str, ...]] | None = None) -> str:
    """The searchable form of ``text``: folded meaningful words separated by one space
    (``memo``: the words already folded, kept from one text to the next)."""
    return " ".join(content_words(text, memo))


class Glossary:
    """Acronyms and their expansions, ready to be matched in analysed text."""

    def __init__(self, entries: Mapping[str, str]) -> None:
        self.expansions: dict[str, tuple[str, ...]] = {}
        self.by_first_stem: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for acronym, expansion in entries.items():
            key = "".join(w.text for w in words(acronym))
            # « maladie à coronavirus (de l'anglais « coronavirus disease ») »: the aside
            # in parentheses is not part of what the acronym stands for.
            meaning = tuple(content_words(_PARENTHESES.sub(" ", expansion)))
            if not key or not meaning:
                continue
            self.expansions[key] = meaning
            stems = tuple(stem(w) for w in meaning)
            self.by_first_stem.setdefault(stems[0], []).append((stems, key))

    def __bool__(self) -> bool:
        return bool(self.expansions)


def _dotted(folded: str) -> bool:
    """Whether ``folded`` holds a letter, a dot, a letter (looked for at its few dots)."""
    at = folded.find(".", 1)
    while at != -1:
        if _DOTTED.match(folded, at - 1):
            return True
        at = folded.find(".", at + 1)
    return False


def _chunk_words(folded: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The meaningful words of folded text, and the joined forms of its compounds."""
    if "." in folded and _dotted(folded):
        runs = [run.replace(".", "") for run in _INDEX_RUN.findall(folded)]
    else:  # no dotted acronym: the simpler pattern finds the same runs, faster
        runs = _PLAIN_RUN.findall(folded)
    compounds: list[str] = []
    found: list[str] = []
    for run in runs:
        if "-" in run or "\u2010" in run:
            parts = _SUBWORD.findall(run)
            found.extend(p for p in parts if p not in STOP_WORDS)
            compounds.append("".join(parts))
        elif run not in STOP_WORDS:
            found.append(run)
    return tuple(found), tuple(compounds)


class ChunkWords(dict[str, tuple[str, ...]]):
    """The meaningful folded words of each chunk of text between white space, worked out
    once; ``compounds`` holds the joined compound forms of the (few) chunks that have some.

    Folding works character by character and no word spans white space: a text's words
    are those of its chunks, which repeat a lot. Indexing reads texts through this.
    """

    def __init__(self) -> None:
        super().__init__()
        self.compounds: dict[str, tuple[str, ...]] = {}

    def __missing__(self, chunk: str) -> tuple[str, ...]:
        if chunk.isascii() and chunk.isalnum():  # most words: one, folded by lower()
            folded = chunk.lower()
            found: tuple[str, ...] = () if folded in STOP_WORDS else (folded,)
        else:
            found, compounds = _chunk_words(fold(chunk))
            if compounds:
                self.compounds[chunk] = compounds
        self[chunk] = found
        return found


class Analyser:
    """Turns text into tokens; keeps memos of folded and stemmed words."""

    def __init__(self, glossary: Glossary | None = None) -> None:
        self.glossary = glossary or Glossary({})
        self._folded: dict[str, tuple[str, ...]] = {}
        self._stems: dict[str, str] = {}

    def stem(self, word: str) -> str:
        found = self._stems.get(word)
        if found is None:
            found = self._stems[word] = stem(word)
        return found

    def tokens(self, text: str) -> list[Token]:
        """Meaningful tokens of ``text``, plus joined compounds and glossary synonyms."""
        result: list[Token] = []
        compound: list[Word] = []
        for word in words(text, self._folded):
            if word.hyphenated and compound:
                compound.append(word)
                continue
            self._flush(compound, result)
            compound = [word]
        self._flush(compound, result)
        if self.glossary:
            result = self._synonyms(result)
        return result

    def _flush(self, compound: list[Word], result: list[Token]) -> None:
        for word in compound:
            if word.text not in STOP_WORDS:
                result.append(Token(word.text, word.start, word.end))
        if len(compound) > 1:
            # « ré-emploi » is also found as « réemploi », « non-recours » as « nonrecours ».
            joined = "".join(w.text for w in compound)
            result.append(Token(joined, compound[0].start, compound[-1].end))

    def _synonyms(self, tokens: list[Token]) -> list[Token]:
        glossary = self.glossary
        result: list[Token] = []
        stems = [self.stem(t.text) for t in tokens]
        for index, token in enumerate(tokens):
            result.append(token)
            meaning = glossary.expansions.get(token.text)
            if meaning is not None:
                result.extend(Token(w, token.start, token.end, True) for w in meaning)
            for expansion, acronym in glossary.by_first_stem.get(stems[index], ()):
                last = index + len(expansion)
                if tuple(stems[index:last]) == expansion and token.text != acronym:
                    result.append(Token(acronym, token.start, tokens[last - 1].end, True))
        return result


class QueryWord(NamedTuple):
    """A meaningful word of a query; a hyphenated compound keeps its parts and joined form."""

    parts: tuple[str, ...]
    joined: str | None = None


def query_words(text: str) -> list[QueryWord]:
    """The meaningful words of a query, in order."""
    groups: list[list[str]] = []
    for word in words(text):
        if word.hyphenated and groups:
            groups[-1].append(word.text)
        else:
            groups.append([word.text])
    result: list[QueryWord] = []
    for group in groups:
        kept = tuple(w for w in group if w not in STOP_WORDS)
        if not kept:
            continue
        # « ré-emploi » is looked for as « ré emploi » and as « réemploi ».
        result.append(QueryWord(kept, "".join(group) if len(group) > 1 else None))
    return result
