"""The compact list: one line per session (time, room, title, id), days as headings.

For big programmes, where a table per slot would be mostly headers (FOSDEM has 551 slots
for 943 talks), and on request. Lines are built as plain strings, fast enough for
thousands of sessions; on a terminal they get a little colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from ..programme.model import Session, long_date
from ..text import inert

MIN_TITLE = 20  # below this, the room column gives way
MAX_ROOM = 22
MIN_ROOM = 8
GAP = "  "

# A table per slot costs about five lines of headings; with fewer than this many sessions
# per slot on average (and enough slots for it to matter), the tables are mostly headings.
SESSIONS_PER_SLOT = 2.0
MANY_SLOTS = 5


def mostly_headers(sessions: Sequence[Session]) -> bool:
    """Whether one table per slot would show more headings than sessions."""
    slots = len({id(s.slot) for s in sessions})
    return slots >= MANY_SLOTS and len(sessions) < SESSIONS_PER_SLOT * slots


def _width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with « … »."""
    size = _width(text)
    if size <= width:
        return text + " " * (width - size)
    if text.isascii():
        return text[: width - 1] + "…"
    return set_cell_size(text, width - 1) + "…"


def lines(sessions: Sequence[Session], width: int) -> list[tuple[str, date | None]]:
    """The lines of the compact list (a day heading is ``("", day)``), each ``width`` wide
    at most; an id is never cut (a line with a very long id may be wider)."""
    if not sessions:
        return []
    hours = [s.slot.hours for s in sessions]
    rooms = [inert(s.room_name) for s in sessions]
    ids = [inert(s.id) for s in sessions]
    time_width = max(map(len, hours))
    # The id column fits most ids; a longer one takes room from its own title, or
    # goes to the next line when it cannot (an id is never cut).
    widths = sorted(map(_width, ids))
    id_width = min(widths[-1], max(widths[len(widths) * 3 // 4], width // 8))
    rest = width - 2 - time_width - len(GAP) * 3 - id_width  # for room and title
    room_width = min(MAX_ROOM, rest * 2 // 5, max(map(_width, rooms)))
    title_width = width - 2 - time_width - len(GAP) * 3 - id_width - room_width
    if title_width < MIN_TITLE:  # narrow: the room column gives way first
        room_width -= MIN_TITLE - title_width
        if room_width < MIN_ROOM:
            room_width = 0
        title_width = width - 2 - time_width - len(GAP) * 2 - id_width
        title_width -= room_width + len(GAP) if room_width else 0
    title_width = max(title_width, MIN_TITLE)
    out: list[tuple[str, date | None]] = []
    day: date | None = None
    for session, when, room, ident in zip(sessions, hours, rooms, ids, strict=True):
        if session.slot.date != day:
            day = session.slot.date
            out.append(("", day))
        parts = ["  ", when.ljust(time_width), GAP]
        if room_width:
            parts += [_fit(room, room_width), GAP]
        extra = _width(ident) - id_width
        if extra <= 0:
            parts += [_fit(inert(session.title), title_width), GAP, ident]
        elif title_width - extra >= MIN_TITLE // 2:
            parts += [_fit(inert(session.title), title_width - extra), GAP, ident]
        else:
            parts += [_fit(inert(session.title), title_width + len(GAP) + id_width)]
            parts += ["\n", " " * (width - _width(ident)) if _width(ident) < width else "", ident]
        out.append(("".join(parts), None))
    return out


def plain(sessions: Sequence[Session], width: int) -> str:
    """The compact list as plain text (for a pipe or a file)."""
    text: list[str] = []
    for line, day in lines(sessions, width):
        if day is not None:
            text.append(("\n" if text else "") + long_date(day).capitalize() + "\n")
        else:
            text.append(line.rstrip() + "\n")
    return "".join(text)


def styled(sessions: Sequence[Session], width: int) -> Text:
    """The compact list for a terminal: day headings in bold, ids dimmed."""
    out = Text(no_wrap=True, overflow="crop")
    for index, (line, day) in enumerate(lines(sessions, width)):
        if day is not None:
            if index:
                out.append("\n")
            out.append(long_date(day).capitalize() + "\n", style="bold")
            continue
        head, _, ident = line.rpartition(GAP)
        out.append(head + GAP)
        out.append(ident + "\n", style="dim")
    out.rstrip()
    return out
