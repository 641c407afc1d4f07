"""Progress of long work, told to whoever listens: the core says what it is doing, the CLI
decides whether and how to show it (a spinner on a terminal, nothing in a pipe).

Nothing here imports rich: the core stays usable from a notebook, and a command that ends
quickly pays nothing for the feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

Reporter = Callable[[str | None], None]  # the current stage's label; None: no work going on

_reporter: Reporter | None = None
_stages: list[str] = []


def set_reporter(reporter: Reporter | None) -> None:
    """Who is told of each stage (None: nobody)."""
    global _reporter
    _reporter = reporter


@contextmanager
def stage(label: str) -> Iterator[None]:
    """Long work under way (« Lecture de programme.yaml… »); stages nest."""
    _stages.append(label)
    if _reporter is not None:
        _reporter(label)
    try:
        yield
    finally:
        _stages.pop()
        if _reporter is not None:
            _reporter(_stages[-1] if _stages else None)
