"""The one place that writes: rich renderables, JSON and CSV to stdout, messages to stderr."""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..text import inert, typeset

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console, RenderableType


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


# Where Rich may break a line: at a space, but never at a no-break space (U+00A0, U+202F),
# nor before « : ; ? ! » or inside « » when the programme's text wrote a plain space there
# (« un « territoire en bonne santé » » must not end a line on « or start one on »).
_SPACE = r"[^\S\u00a0\u202f]"
_GLUED = r"(?:\S|[\u00a0\u202f])"
_FRENCH_WORD = (
    rf"{_SPACE}*{_GLUED}+(?:{_SPACE}+(?=[:;?!»]){_GLUED}+|(?<=«){_SPACE}+{_GLUED}+)*{_SPACE}*"
)


def _french_line_breaks() -> None:
    """Teach Rich's word splitter French typography (its ``rich._wrap.re_word``, the one
    pattern ``Text.wrap`` splits words with; ``test_screens`` fails if Rich stops using it)."""
    import re

    import rich._wrap

    if rich._wrap.re_word.pattern != _FRENCH_WORD:
        rich._wrap.re_word = re.compile(_FRENCH_WORD)


def _console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    _french_line_breaks()
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


class Whole:
    """A renderable whose lines are written whole, never cut at the width: the terminal
    wraps a longer one (an id to copy, wider than the screen)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable


def show(*renderables: RenderableType | Whole) -> None:
    """Print rich renderables on stdout, separated by blank lines (paged on a terminal)."""
    console = _console()
    with console.capture() as captured:
        for index, renderable in enumerate(renderables):
            if index:
                console.print()
            if isinstance(renderable, Whole):
                console.print(renderable.renderable, soft_wrap=True)
            else:
                console.print(renderable)
    text = captured.get()
    if not console.is_terminal:
        # rich pads every line to the width: a file or a pipe gets the text alone
        text = "".join(line.rstrip(" ") + "\n" for line in text.splitlines())
    page(text, height=console.height)


PAGER_ENV = "COLLOQUE_PAGER"


def pager_command() -> list[str] | None:
    """The pager to use, as git chooses it: $COLLOQUE_PAGER, $PAGER, else ``less``."""
    import shlex

    command = os.environ.get(PAGER_ENV)
    if command is None:
        command = os.environ.get("PAGER", "less")
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    return words if words and words != ["cat"] else None


def page(text: str, *, height: int | None = None) -> None:
    """Write ``text`` on stdout; longer than the terminal, through the pager (as git does).

    Never paged when stdout is not a terminal (a pipe, a file), nor when it fits.
    """
    if height is None:
        height = _console().height
    if text.count("\n") < height or not _stdout_is_a_terminal():
        write(text)
        return
    command = pager_command()
    if command is None:
        write(text)
        return
    _run_pager(command, text)


def _stdout_is_a_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _run_pager(command: list[str], text: str) -> None:
    import subprocess

    # less: quit if one screen (-F), keep colours (-R), leave the text on screen (-X)
    env = {"LESS": "FRX", "LV": "-c"} | dict(os.environ)
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(command, stdin=subprocess.PIPE, env=env)
    except OSError:  # no such pager: the text as it is
        write(text)
        return
    assert pager.stdin is not None
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    errors = getattr(sys.stdout, "errors", None) or "strict"
    try:
        pager.stdin.write(text.encode(encoding, errors))
        pager.stdin.close()
    except BrokenPipeError:  # the reader quit the pager before the end: not an error
        pass
    while True:
        try:
            pager.wait()
            return
        except KeyboardInterrupt:  # Ctrl-C is the pager's to handle, as in git
            continue


def _stdout_is_unicode() -> bool:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    return encoding.startswith("utf")


def write(text: str) -> None:
    sys.stdout.write(text)


def sentence(text: str) -> None:
    """A result said in words on stdout: typeset, wrapped at spaces on a terminal, one line
    in a pipe (as messages are)."""
    text = typeset(text)
    if _stdout_is_a_terminal():
        text = wrap(text, width())
    write(text + "\n")


def is_stdout(out: Path | None) -> bool:
    """Whether ``--output`` names standard output: absent, or « - »."""
    return out is None or str(out) == "-"


def deliver(text: str, out: Path | None) -> bool:
    """``text`` on standard output, or written safely into the file ``out`` (see
    ``infra.storage.atomic_write``); whether a file was written."""
    if is_stdout(out):
        write(text)
        return False
    from ..infra.storage import atomic_write

    assert out is not None
    atomic_write(out, text)
    return True


def write_json(data: Any) -> None:
    from ..exporters.records import json_text

    write(json_text(data, ascii_only=not _stdout_is_unicode()))


def write_records(
    records: Iterable[dict[str, Any]], fmt: Format, default_header: Sequence[str] | None = None
) -> None:
    """JSON list, or CSV with one column per key (``table`` is rendered elsewhere), written
    a batch at a time: ``records`` may be made as they are written, never all held."""
    from ..exporters.records import FIELDS, csv_chunks, json_chunks

    if fmt is Format.json:
        chunks = json_chunks(records, ascii_only=not _stdout_is_unicode())
    else:
        chunks = csv_chunks(records, default_header or FIELDS)
    for chunk in chunks:
        write(chunk)


def _message(message: str, style: str) -> None:
    console = _console(stderr=True)
    text = typeset(inert(message))
    if console.is_terminal:
        text = wrap(text, console.width)
    # soft_wrap: rich adds no line break of its own; in a pipe one message is one line
    # (logs, grep, tests)
    console.print(text, style=style, soft_wrap=True)


# What an indented line (an item of a list in a message) adds to its own indentation for
# the lines it wraps onto: they stay under it, past the items' details (« pistes proches »:
# a session at 2, what it covers at 4, a title's next line at 6).
HANGING = 4


def wrap(text: str, width: int) -> str:
    """``text`` wrapped at spaces to ``width``: never inside a word, an id (« a-b ») or a
    path, nor at a no-break space (« mot : »). The lines an indented line wraps onto are
    indented further (HANGING)."""
    import textwrap

    def fill(line: str) -> str:
        indent = line[: len(line) - len(line.lstrip(" "))]
        hanging = indent + " " * HANGING if indent else ""
        # textwrap breaks at ASCII whitespace only: U+00A0 and U+202F hold, as they should.
        return textwrap.fill(
            line,
            width,
            subsequent_indent=hanging,
            break_long_words=False,
            break_on_hyphens=False,
        )

    return "\n".join(fill(line) or line for line in text.split("\n"))


def error(message: str) -> None:
    """An error for the user, on stderr."""
    _message(message, "red")


def warn(message: str) -> None:
    _message(message, "yellow")


def info(message: str) -> None:
    _message(message, "dim")


def confirm(question: str) -> bool:
    """Ask on stderr, read the answer on stdin: « o », « oui », « y » or « yes » mean yes."""
    sys.stderr.write(f"{typeset(question)} [o/N] ")
    sys.stderr.flush()
    answer = sys.stdin.readline() if sys.stdin else ""
    if not answer.endswith("\n"):  # end of input: no answer, and no newline echoed
        sys.stderr.write("\n")
    return answer.strip().casefold() in {"o", "oui", "y", "yes"}
