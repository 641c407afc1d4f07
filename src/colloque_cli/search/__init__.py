"""Search that finds what a French-speaking attendee means.

- ``analysis``: folding, French stop words, a light stemmer, hyphens, the glossary;
- ``index``: the engine (postings over weighted fields, vocabulary-level expansion,
  AND of the query's words, ranking, the cut of passing mentions);
- ``indexing``: building an index's vocabulary, word positions and postings, fast;
- ``snippet``: highlight spans and excerpts;
- ``sessions``: ``SearchIndex`` over a programme's sessions, and its ``Hit``.
"""

from .analysis import normalise
from .hits import FIELDS, Hit, Results
from .index import Index
from .sessions import SearchIndex

__all__ = ["FIELDS", "Hit", "Index", "Results", "SearchIndex", "normalise"]
