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


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_SPECIAL = re.compile("[" + "".join(map(chr, _LIGATURES)) + "]")


def _translated(match: re.Match[str]) -> str:
    return match.group().translate(_LIGATURES)


def _unless_combining(match: re.Match[str]) -> str:
    char = match.group()
    return "" if unicodedata.combining(char) else char


def fold(text: str) -> str:
    """Lower-case, accent-free, ligature-free form of ``text`` for matching (idempotent)."""
    # Case folding can itself produce accents or ligatures (« İ » → « i̇ », « Œ » → « œ »),
    # so fold the case first, then translate and strip. Only non-ASCII characters can be
    # combining accents: looking at those alone keeps folding fast on long texts.
    text = unicodedata.normalize("NFKD", text).casefold()
    text = _SPECIAL.sub(_translated, text)
    return _NON_ASCII.sub(_unless_combining, unicodedata.normalize("NFKD", text))


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
