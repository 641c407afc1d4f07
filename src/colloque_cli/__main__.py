"""Entry point of the ``colloque`` command."""

from __future__ import annotations


def main() -> None:
    # Everything, imports included, runs under this guard: Ctrl-C at any moment (tab
    # completion runs the program on every key press) ends the command quietly with status
    # 130, never with a KeyboardInterrupt traceback. Python's own handler stays in place: a
    # KeyboardInterrupt unwinds the command (cleanups run, a pager keeps its Ctrl-C).
    try:
        from .cli import app

        app()
    except KeyboardInterrupt:
        interrupted()


def interrupted() -> None:
    """End as an interrupted command does: status 130, nothing printed."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot print a trace now
    sys.exit(130)


if __name__ == "__main__":
    main()
