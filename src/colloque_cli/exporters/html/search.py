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
from ...search.index import MIN_PREFIX, MIN_ROOT_SHARE, _roots
from ...search.sessions import BODY, FIELDS, WEIGHTS, session_fields

# A synonym (a glossary acronym or expansion) sets the bit of its field shifted by this.
SYNONYM_SHIFT = len(FIELDS)
# Link kinds, as the page knows them.
ROOT_LINK = 1
RELATED_LINK = 2


def search_data(
    programme: Programme, *, related: Mapping[str, Collection[str]] | None = None
) -> dict[str, Any]:
    """What the page searches: vocabulary, stems, links and postings.

    ``related`` maps a folded word to folded words a query for it should also find (the
    hook for concept links: pass the CLI search's links when it has them); a related word
    the programme does not use is left out.
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
                postings[doc] = postings.get(doc, 0) | bit
    # In UTF-16 order, as the page's JavaScript compares strings (binary search, prefixes).
    words = sorted(by_word, key=lambda word: word.encode("utf-16-be"))
    ids = {word: i for i, word in enumerate(words)}
    links: dict[int, list[list[int]]] = {}
    # As the CLI's ROOT level: words sharing a Snowball root that is most of each of them.
    groups: dict[str, list[int]] = {}
    for word, root in zip(words, _roots(words), strict=True):
        if len(root) >= MIN_ROOT_SHARE * len(word):
            groups.setdefault(root, []).append(ids[word])
    for members in groups.values():
        for member in members:
            if len(words[member]) < MIN_PREFIX:
                continue
            others = [[o, ROOT_LINK] for o in members if o != member]
            if others:
                links[member] = others
    for word, targets in (related or {}).items():
        source = ids.get(word)
        if source is None:
            continue
        known = {target for target, _ in links.get(source, [])}
        extra = [[ids[t], RELATED_LINK] for t in targets if t in ids and ids[t] not in known]
        extra = [link for link in extra if link[0] != source]
        if extra:
            links.setdefault(source, []).extend(extra)
    return {
        "fields": list(FIELDS),
        "weights": list(WEIGHTS),
        "body": BODY,
        "headline": [FIELDS.index("title"), FIELDS.index("subtitle")],
        "synonymShift": SYNONYM_SHIFT,
        "minPrefix": MIN_PREFIX,
        "stopWords": sorted(STOP_WORDS),
        "words": words,
        "stems": [stem(word) for word in words],
        "links": {str(source): targets for source, targets in sorted(links.items())},
        # For each word, its sessions and their field masks, end to end.
        "postings": [
            [value for doc, mask in sorted(by_word[word].items()) for value in (doc, mask)]
            for word in words
        ],
    }
