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


# C0 and C1 controls (but tab and newline), DEL, bidi controls (the Arabic letter mark
# included), zero-width characters, line and paragraph separators, tag characters and
# other invisible format characters: none may reach a terminal from the data.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
)


def first_unprintable(text: str) -> str | None:
    """The first character of ``text`` that is not visible and typeable (None if none).

    Controls, format characters (bidi, zero-width), separators other than the ASCII space,
    surrogates, private-use and unassigned code points: what ``str.isprintable`` refuses.
    """
    if text.isprintable():
        return None
    return next(char for char in text if not char.isprintable())


def codepoint(char: str) -> str:
    """``U+001B``: how a message names an invisible character."""
    return f"U+{ord(char):04X}"


def escape_unsafe(json_text: str) -> str:
    """JSON text with every unsafe character written as a ``\\uXXXX`` escape (data kept)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def xml_escape_unsafe(xml: str) -> str:
    """XML text with invisible or terminal-unsafe characters as ``&#x…;`` references (data kept).

    Characters XML 1.0 cannot carry at all must already be gone.
    """
    return _UNSAFE.sub(lambda m: f"&#x{ord(m.group()):x};", xml)


def inert(text: str) -> str:
    """``text`` with every terminal control or invisible format character removed."""
    if text.isprintable():
        return text
    return _UNSAFE.sub("", text.replace("\t", " ").replace("\r\n", "\n").replace("\r", " "))


_ASCII = str.maketrans(
    {
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "‘": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "·": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "œ": "oe",
        "Œ": "OE",
        "æ": "ae",
        "Æ": "AE",
    }
)


def to_ascii(text: str) -> str:
    """A readable ASCII rendering of French text (« é » → « e »), for ASCII-only outputs."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "replace")
        .decode("ascii")
    )


def shown(value: str, limit: int = 60) -> str:
    """A user-typed value as quoted back in a message: inert, on one line, cut when long."""
    value = " ".join(inert(value).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def slugify(text: str, limit: int | None = 60) -> str:
    """ASCII, lower-case, hyphen-separated words of ``text``, cut at a word under ``limit``
    (``None``: whole)."""
    slug = "-".join(re.findall(r"[a-z0-9]+", fold(text)))
    if limit is not None and len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    return slug


NBSP = "\u202f"  # narrow no-break space: before « : ; ? ! » and inside « »
_TYPOGRAPHY = (
    (re.compile(r" ([:;?!])(?=\s|$)"), NBSP + r"\1"),
    (re.compile(r"« "), "«" + NBSP),
    (re.compile(r" »"), NBSP + "»"),
)


def typeset(text: str) -> str:
    """French typography for what the program writes: the space before « : ; ? ! » and
    inside « » made non-breaking, so that no line starts with one of them."""
    if " " not in text:
        return text
    for pattern, replacement in _TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return text


def number(value: int) -> str:
    """« 1351 », « 50\u202f000 »: from five digits, groups of three joined by a narrow
    no-break space, as French typography writes them (and never broken at a line's end)."""
    if -10_000 < value < 10_000:
        return str(value)
    return f"{value:,}".replace(",", "\u202f")


def plural(count: int, singular: str, plural: str | None = None, *, none: str = "") -> str:
    """« 1 session », « 3 sessions exportées », « aucun conflit » (``none`` for 0, if given).

    Without ``plural``, every word takes an « s » (« x » after « au », « eu », nothing
    after « s », « x », « z »).
    """
    if count == 0 and none:
        return none
    if count in (0, 1, -1):
        return f"{count} {singular}"
    if plural is None:
        plural = " ".join(_plural_word(word) for word in singular.split(" "))
    return f"{number(count)} {plural}"


def _plural_word(word: str) -> str:
    if word.endswith(("s", "x", "z")) or not word[-1:].isalpha():
        return word
    if word.endswith(("au", "eu")):
        return word + "x"
    return word + "s"
