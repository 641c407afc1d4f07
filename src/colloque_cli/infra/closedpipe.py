"""A reader that stops reading (« | head ») ends the program quietly: no traceback, no
« Exception ignored » at the final flush, status 0, as when all was read."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that what is still buffered, and the final flush, go
    nowhere quietly (after a closed pipe, or a full disk)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def reader_gone() -> bool:
    """Whether stdout is a pipe that nobody reads any more (the kernel reports an error on
    its writing end); True when this cannot be told (no ``poll``)."""
    try:
        import select

        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)  # errors are reported whatever is asked
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return True


def quiet_when_unread(main: Callable[[], int]) -> int:
    """``main()``'s status, its output flushed; 0 when the reader closed stdout. A broken
    pipe of another kind (a child the program writes to) is still an error."""
    try:
        try:
            return main()
        finally:  # an argparse --help ends in SystemExit: its text is flushed here too
            sys.stdout.flush()
    except BrokenPipeError:
        if not reader_gone():
            raise
        silence_stdout()
        return 0
