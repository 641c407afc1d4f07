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


def run() -> None:
    """The ``colloque`` command: ``main``, then the process ends at once (``ended``)."""
    try:
        main()
    except SystemExit as end:
        ended(end)
        raise


def ended(end: SystemExit) -> None:
    """End the process now that the command is over, without Python's finalisation, when
    nothing depends on it; return (for the usual end) otherwise.

    Python's finalisation frees every object one by one, once the output is written: some
    90 ms of the 0.95 s of ``show`` of a theme's id in a programme of 340 000 sessions
    (cache warm), for nothing: the kernel takes the memory back at once. Nothing needs it:
    files are written and closed (renamed into place) within the command, a forked child is
    reaped there, locks and mapped cache entries are the kernel's to release. What else may
    be registered for the end runs first (``atexit``: coverage, logging, ``weakref.finalize``
    and temporary folders). Python's own end stays when a thread other than daemons still
    runs (it would be waited for), when a tracer or profiler watches (it writes its report
    at the end), when the status is not a number (a message Python prints) or when the
    output cannot be written (Python reports it, as before).
    """
    import os
    import sys

    code = end.code
    if code is not None and not isinstance(code, int):
        return
    if not _nothing_else_to_finish():
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    import atexit

    atexit._run_exitfuncs()  # they are then cleared: Python's end would not run them twice
    try:
        sys.stdout.flush()  # what they wrote
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code or 0)


def _nothing_else_to_finish() -> bool:
    """No tracer or profiler watching, and no thread to wait for but daemons."""
    import sys

    if sys.gettrace() is not None or sys.getprofile() is not None:
        return False
    monitoring = getattr(sys, "monitoring", None)  # Python 3.12: coverage's newer core
    if monitoring is not None and any(monitoring.get_tool(tool) for tool in range(6)):
        return False
    threading = sys.modules.get("threading")  # never imported: no thread was started
    if threading is None:
        return True
    main_thread = threading.main_thread()
    return all(t.daemon or t is main_thread for t in threading.enumerate())


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
    run()
