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
    except SystemExit:  # the command's own end, whatever it ended on
        raise
    except BaseException as error:
        if interrupt_within(error):
            interrupted()
        raise


def interrupt_within(error: BaseException) -> bool:
    """Whether ``error`` is a Ctrl-C, or comes of one: Python wraps an interrupt that lands
    while a class is being made (an import) in a RuntimeError (« Error calling __set_name__
    … »), the interrupt as its cause; an error raised while one unwinds has it as context."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def interrupted() -> None:
    """End as an interrupted command does: status 130, nothing printed."""
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C cannot print a trace now
    sys.exit(130)


if __name__ == "__main__":
    main()
