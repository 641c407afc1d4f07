"""Progress of long work, told to whoever listens: the core says what it is doing and, where
the work is countable, how far it has gone; the CLI decides whether and how to show it (a bar
or a spinner on a terminal, nothing in a pipe).

Nothing here imports rich: the core stays usable from a notebook, and a command that ends
quickly pays nothing for the feature. Work reports its progress a chunk at a time (every
thousand sessions, say), never per item: with nobody listening, a report is one test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

MEGABYTES = "Mo"  # the unit of a stage counted in bytes, shown in megabytes


class Stage:
    """A stage of long work: its label and, when countable, ``done`` of ``total`` ``unit``."""

    __slots__ = ("done", "label", "total", "unit")

    def __init__(self, label: str, total: int | None = None, unit: str = "") -> None:
        self.label = label
        self.total = total
        self.done = 0
        self.unit = unit


Reporter = Callable[[Stage | None], None]  # the current stage; None: no work going on

_reporter: Reporter | None = None
_stages: list[Stage] = []


def set_reporter(reporter: Reporter | None) -> None:
    """Who is told of each stage and of its progress (None: nobody)."""
    global _reporter
    _reporter = reporter


@contextmanager
def stage(label: str, *, total: int | None = None, unit: str = "") -> Iterator[Stage]:
    """Long work under way (« Lecture de programme.yaml… »), of ``total`` ``unit`` when it
    can be counted (see ``advance``); stages nest."""
    current = Stage(label, total, unit)
    _stages.append(current)
    if _reporter is not None:
        _reporter(current)
    try:
        yield current
    finally:
        _stages.pop()
        if _reporter is not None:
            _reporter(_stages[-1] if _stages else None)


def advance(done: int, total: int | None = None, unit: str | None = None) -> None:
    """The current stage has done ``done`` of its work (of ``total`` ``unit``, when it is
    only known now). Call it once per chunk of work."""
    if _reporter is None or not _stages:
        return
    current = _stages[-1]
    current.done = done
    if total is not None:
        current.total = total
    if unit is not None:
        current.unit = unit
    _reporter(current)
