"""Text helpers shared by the core: accent folding for matching, and inert display text."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "ß": "ss",
    }
)


def fold(text: str) -> str:
    """Lower-case, accent-free, ligature-free form of ``text`` for matching (idempotent)."""
    # Case folding can itself produce accents or ligatures (« İ » → « i̇ », « Œ » → « œ »),
    # so fold the case first, then translate and strip.
    text = unicodedata.normalize("NFKD", text).casefold().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# C0 and C1 controls (but tab and newline), DEL, bidi controls, zero-width characters,
# and other invisible format characters: none may reach a terminal from the data.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]"
)


def inert(text: str) -> str:
    """``text`` with every terminal control or invisible format character removed."""
    if text.isprintable():
        return text
    return _UNSAFE.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n"))
