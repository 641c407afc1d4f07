"""Feedback on stderr for work that lasts: a bar with counts where the work is counted
(« 12 000 / 50 000 »), a spinner with the stage's name where it is not. Shown only on a
terminal, and only once the work has lasted ``DELAY`` seconds (rich is imported then, not
before)."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from ..infra import progress
from ..infra.progress import MEGABYTES, Stage
from ..text import number

DELAY = 0.5  # seconds of work before anything is shown
DELAY_ENV = "COLLOQUE_PROGRESS_DELAY"  # for tests: 0 shows every stage at once
MEGABYTE = 1024 * 1024


def counts(done: int, total: int, unit: str) -> str:
    """« 12 000 / 50 000 » (narrow no-break spaces, as ``plural`` writes counts),
    « 3,5 / 28,2 Mo », « 12 / 41 ko »: the unit once."""
    if unit == MEGABYTES and total < MEGABYTE:
        done_text, total_text = str(-(-done // 1024)), str(-(-total // 1024))
        unit = "ko"
    elif unit == MEGABYTES:
        done_text, total_text = (f"{n / MEGABYTE:.1f}".replace(".", ",") for n in (done, total))
    else:
        done_text, total_text = number(done), number(total)
    return f"{done_text} / {total_text}" + (f"\u00a0{unit}" if unit else "")


class Feedback:
    """Follows the core's stages; draws rich's progress line once a stage has lasted."""

    def __init__(self, delay: float) -> None:
        self._delay = delay
        self._lock = threading.Lock()
        self._stage: Stage | None = None
        self._timer: threading.Timer | None = None
        self._shown: Any = None  # rich's Progress, once shown
        self._task: Any = None  # its one task, for the stage shown
        self._task_stage: Stage | None = None
        self._task_total: int | None = None

    def __call__(self, current: Stage | None) -> None:
        with self._lock:
            self._stage = current
            if current is None:
                self._stop()
            elif self._shown is not None:
                self._update()
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
            if self._stage is not None and self._shown is None:
                self._show_locked()

    def _show_locked(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn

        console = Console(file=sys.stderr, markup=False, emoji=False, highlight=False)
        self._shown = Progress(
            SpinnerColumn("dots"), _line_column(console), console=console, transient=True
        )
        self._task = self._task_stage = self._task_total = None
        self._shown.start()
        self._update()

    def _update(self) -> None:
        current = self._stage
        assert current is not None and self._shown is not None
        total = current.total or None
        done = min(current.done, total) if total else 0
        what = counts(done, total, current.unit) if total else ""
        if current is not self._task_stage or (total is None) != (self._task_total is None):
            # a new stage, or one that has just learnt its total: a task of its own (rich
            # keeps a task's total once set)
            if self._task is not None:
                self._shown.remove_task(self._task)
            self._task = self._shown.add_task(current.label, total=total, counts=what)
            self._task_stage, self._task_total = current, total
            self._shown.refresh()  # every stage is drawn; counts, at rich's pace (10 a second)
            return
        self._shown.update(self._task, completed=done, counts=what)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._shown is not None:
            self._shown.stop()
            self._shown = None


BAR_WIDTH = 30
MIN_BAR = 10  # narrower, the bar says nothing: label and counts alone


def _line_column(console: Any) -> Any:
    """The stage's line after the spinner: its label, then for counted work a bar and the
    counts. A narrow terminal loses the bar, then the end of the label, never a count."""
    from rich.cells import cell_len, set_cell_size
    from rich.progress import ProgressColumn
    from rich.progress_bar import ProgressBar
    from rich.table import Column, Table
    from rich.text import Text

    class Line(ProgressColumn):
        def render(self, task: Any) -> Any:
            label, counted = task.description, task.fields.get("counts", "")
            width = console.width - 2  # after the spinner and its space
            after = cell_len(counted) + 1 if counted else 0
            row = Table.grid(padding=(0, 1))
            bar = width - cell_len(label) - after - 1
            if counted and bar >= MIN_BAR:
                meter = ProgressBar(task.total, task.completed, width=min(BAR_WIDTH, bar))
                row.add_row(Text(label), meter, Text(counted))
                return row
            if cell_len(label) > width - after:
                label = set_cell_size(label, max(width - after - 1, 0)) + "…"
            row.add_row(*(Text(part) for part in (label, counted) if part))
            return row

    return Line(table_column=Column(no_wrap=True))


def install() -> None:
    """Show the core's stages on stderr when it is a terminal; otherwise show nothing."""
    stream = sys.stderr
    if not (hasattr(stream, "isatty") and stream.isatty()) or os.environ.get("TERM") == "dumb":
        return
    try:
        delay = float(os.environ.get(DELAY_ENV, DELAY))
    except ValueError:
        delay = DELAY
    progress.set_reporter(Feedback(delay))


def uninstall() -> None:
    """Stop any feedback (before results are written) and listen no more."""
    reporter = progress._reporter
    progress.set_reporter(None)
    if isinstance(reporter, Feedback):
        reporter(None)
