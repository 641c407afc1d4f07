"""The one place that writes: rich renderables, JSON and CSV to stdout, messages to stderr."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..text import inert

if TYPE_CHECKING:
    from rich.console import Console, RenderableType


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    # markup and emoji off: text from the programme file is never interpreted.
    console = Console(
        file=sys.stderr if stderr else sys.stdout,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=False,
    )
    # Rich would end the process itself on a closed pipe (status 1): the error goes on to
    # the CLI, which ends every closed pipe alike, whatever wrote.
    console.on_broken_pipe = _pass_on  # type: ignore[method-assign]
    return console


def _pass_on() -> None:
    raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def width() -> int:
    """The width results will be rendered at (COLUMNS, the terminal, or 80)."""
    return _console().width


def show(*renderables: RenderableType) -> None:
    """Print rich renderables on stdout, separated by blank lines."""
    console = _console()
    for index, renderable in enumerate(renderables):
        if index:
            console.print()
        console.print(renderable)


def _stdout_is_unicode() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith("utf")


def write(text: str) -> None:
    sys.stdout.write(text)


def write_json(data: Any) -> None:
    from ..exporters.records import json_text

    write(json_text(data, ascii_only=not _stdout_is_unicode()))


def write_records(
    records: list[dict[str, Any]], fmt: Format, default_header: Sequence[str] | None = None
) -> None:
    """JSON list, or CSV with one column per key (``table`` is rendered elsewhere)."""
    from ..exporters.records import FIELDS, records_csv

    if fmt is Format.json:
        write_json(records)
    else:
        write(records_csv(records, default_header or FIELDS))


def _message(message: str, style: str) -> None:
    # soft_wrap: one message is one line, whatever the terminal width (logs, grep, tests).
    _console(stderr=True).print(inert(message), style=style, soft_wrap=True)


def error(message: str) -> None:
    """An error for the user, on stderr."""
    _message(message, "red")


def warn(message: str) -> None:
    _message(message, "yellow")


def info(message: str) -> None:
    _message(message, "dim")


def confirm(question: str) -> bool:
    """Ask on stderr, read the answer on stdin: « o », « oui », « y » or « yes » mean yes."""
    sys.stderr.write(f"{question} [o/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline() if sys.stdin else ""
    if not answer.endswith("\n"):  # end of input: no answer, and no newline echoed
        sys.stderr.write("\n")
    return answer.strip().casefold() in {"o", "oui", "y", "yes"}
