"""The page's search data, built at export time from the CLI search's own analysis.

The page gets the programme's vocabulary already folded and split the way
``search.analysis`` does it (stop words out, hyphenated compounds joined, glossary
acronyms and expansions added as synonyms), each word's light stem, the links between
words that a query cannot work out by itself (Snowball roots, and any ``related`` words a
caller adds, such as concept links), and postings: for each word, the sessions and the
fields where it stands. What is left to the page is to fold the few words typed and look
them up: exact, same stem, prefix from 4 letters, one typo from 5.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from ...programme.model import Programme
from ...search.analysis import STOP_WORDS, Analyser, Glossary, stem
from ...search.expansion import MIN_PREFIX, MIN_ROOT_SHARE, snowball_roots
from ...search.hits import BODY, FIELDS, WEIGHTS, session_fields

# A synonym (a glossary acronym or expansion) sets the bit of its field shifted by this.
SYNONYM_SHIFT = len(FIELDS)
# How often the word stands in the body (up to MAX_COUNT), above the field bits: as in
# the CLI, a single passing mention there is weak evidence.
COUNT_SHIFT = 2 * len(FIELDS)
MAX_COUNT = 3
# Link kinds, as the page knows them.
ROOT_LINK = 1
RELATED_LINK = 2


def search_data(
    programme: Programme, *, related: Mapping[str, Collection[str]] | None = None
) -> dict[str, Any]:
    """What the page searches: vocabulary, stems, links and postings.

    ``related`` maps a folded word to folded programme words that a query for it should
    also find, anywhere in a session (the hook for concept links: pass the CLI search's
    links when it has them). The word itself need not be in the programme (« velo » may
    lead to « mobilite »); a target the programme does not use is left out.
    """
    analyser = Analyser(Glossary(programme.glossary))
    by_word: dict[str, dict[int, int]] = {}
    for doc, session in enumerate(programme.sessions):
        for field, text in enumerate(session_fields(session)):
            if not text:
                continue
            for token in analyser.tokens(text):
                bit = 1 << (field + (SYNONYM_SHIFT if token.synonym else 0))
                postings = by_word.setdefault(token.text, {})
                info = postings.get(doc, 0) | bit
                if field == BODY and not token.synonym and info >> COUNT_SHIFT < MAX_COUNT:
                    info += 1 << COUNT_SHIFT  # one more mention in the body
                postings[doc] = info
    related = {
        word: [t for t in targets if t in by_word and t != word]
        for word, targets in (related or {}).items()
    }
    for word, targets in related.items():
        if targets:  # a word the programme may not use, looked up for its links
            by_word.setdefault(word, {})
    # In UTF-16 order, as the page's JavaScript compares strings (binary search, prefixes).
    words = sorted(by_word, key=lambda word: word.encode("utf-16-be"))
    ids = {word: i for i, word in enumerate(words)}
    links: dict[int, list[list[int]]] = {}
    # As the CLI's ROOT level: words sharing a Snowball root that is most of each of them.
    groups: dict[str, list[int]] = {}
    for word, root in zip(words, snowball_roots(words), strict=True):
        if len(root) >= MIN_ROOT_SHARE * len(word):
            groups.setdefault(root, []).append(ids[word])
    for members in groups.values():
        for member in members:
            if len(words[member]) < MIN_PREFIX:
                continue
            others = [[o, ROOT_LINK] for o in members if o != member]
            if others:
                links[member] = others
    for word, targets in related.items():
        if not targets:
            continue
        source = ids[word]
        known = {target for target, _ in links.get(source, [])}
        extra = [[ids[t], RELATED_LINK] for t in targets if ids[t] not in known]
        if extra:
            links.setdefault(source, []).extend(extra)
    return {
        "fields": list(FIELDS),
        "weights": list(WEIGHTS),
        "body": BODY,
        "headline": [FIELDS.index("title"), FIELDS.index("subtitle")],
        "synonymShift": SYNONYM_SHIFT,
        "countShift": COUNT_SHIFT,
        "minPrefix": MIN_PREFIX,
        "stopWords": sorted(STOP_WORDS),
        "words": words,
        "stems": [stem(word) for word in words],
        "links": {str(source): targets for source, targets in sorted(links.items())},
        # For each word, its sessions and their field masks (and body count), end to end.
        "postings": [
            [value for doc, mask in sorted(by_word[word].items()) for value in (doc, mask)]
            for word in words
        ],
    }
