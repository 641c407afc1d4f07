"""A spinner on stderr for work that lasts: shown only on a terminal, and only once the work
has lasted ``DELAY`` seconds (rich is imported then, not before)."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from ..infra import progress

DELAY = 0.5  # seconds of work before anything is shown
DELAY_ENV = "COLLOQUE_PROGRESS_DELAY"  # for tests: 0 shows every stage at once


class Spinner:
    """Follows the core's stages; draws rich's status line once a stage has lasted."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._lock = threading.Lock()
        self._label: str | None = None
        self._timer: threading.Timer | None = None
        self._status: Any = None

    def __call__(self, label: str | None) -> None:
        with self._lock:
            self._label = label
            if label is None:
                self._stop()
            elif self._status is not None:
                self._status.update(label)
            elif self._timer is None:
                if self._delay <= 0:
                    self._show_locked()
                else:
                    self._timer = threading.Timer(self._delay, self._show)
                    self._timer.daemon = True
                    self._timer.start()

    def _show(self) -> None:
        with self._lock:
            self._timer = None
            if self._label is not None and self._status is None:
                self._show_locked()

    def _show_locked(self) -> None:
        from rich.console import Console

        console = Console(file=sys.stderr, markup=False, emoji=False, highlight=False)
        self._status = console.status(self._label or "", spinner="dots")
        self._status.start()

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._status is not None:
            self._status.stop()
            self._status = None


def install() -> None:
    """Show the core's stages on stderr when it is a terminal; otherwise show nothing."""
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()) or os.environ.get("TERM") == "dumb":
        return
    try:
        delay = float(os.environ.get(DELAY_ENV, DELAY))
    except ValueError:
        delay = DELAY
    progress.set_reporter(Spinner(delay))


def uninstall() -> None:
    """Stop any spinner (before results are written) and listen no more."""
    reporter = progress._reporter
    progress.set_reporter(None)
    if isinstance(reporter, Spinner):
        reporter(None)
