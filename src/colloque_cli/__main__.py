"""Entry point of the ``colloque`` command."""

from __future__ import annotations


def main() -> None:
    # Everything, imports included, runs under this guard: Ctrl-C at any moment (tab
    # completion runs the program on every key press) ends it quietly with status 130,
    # never with a KeyboardInterrupt traceback.
    try:
        from .cli import app

        app()
    except KeyboardInterrupt:
        interrupted()


def interrupted() -> None:
    """End the process as an interrupted command does: status 130, nothing printed."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot print a trace
    sys.exit(130)


if __name__ == "__main__":
    main()
