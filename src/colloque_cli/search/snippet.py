"""Where a query matched in a text: highlight spans, and a short excerpt around them."""

from __future__ import annotations

from collections.abc import Collection

from .analysis import Analyser, tidy

Span = tuple[int, int]
SNIPPET_WIDTH = 110


def highlights(text: str, words: Collection[str], analyser: Analyser) -> tuple[Span, ...]:
    """Spans of ``text`` whose words (or glossary synonyms) are among ``words``."""
    spans = sorted({(t.start, t.end) for t in analyser.tokens(text) if t.text in words})
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def excerpt(
    text: str, words: Collection[str], analyser: Analyser, width: int = SNIPPET_WIDTH
) -> tuple[str, tuple[Span, ...]]:
    """About ``width`` characters of ``text`` around its densest cluster of matches.

    Cuts fall between words and are marked with « … »; spans are relative to the excerpt.
    """
    text = tidy(text)
    spans = highlights(text, words, analyser)
    if len(text) <= width:
        return text, spans
    anchor = 0
    if spans:
        reach = width * 2 // 3
        counts = [sum(1 for s in spans if a <= s[0] and s[1] <= a + reach) for a, _ in spans]
        anchor = spans[counts.index(max(counts))][0]
    start = max(0, anchor - width // 4)
    if start:
        start = text.rfind(" ", 0, start + 1) + 1
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    kept = tuple((s + shift, e + shift) for s, e in spans if start <= s and e <= end)
    return prefix + text[start:end].rstrip(" ,;:") + suffix, kept
