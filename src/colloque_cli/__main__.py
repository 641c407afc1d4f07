"""Entry point of the ``colloque`` command."""

from __future__ import annotations

import signal


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C: end as an interrupted command does, status 130 and nothing printed.

    Raised as ``SystemExit`` wherever the program is (imports included), so that ``finally``
    blocks and the safe writes' cleanup still run; a second Ctrl-C is then ignored, so it
    cannot interrupt that cleanup with a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise SystemExit(130)


# Installed before anything else is imported: tab completion runs the program on every key
# press, and Ctrl-C during the first milliseconds printed a KeyboardInterrupt traceback.
signal.signal(signal.SIGINT, _interrupted)


def main() -> None:
    from .cli import app

    app()


if __name__ == "__main__":
    main()
