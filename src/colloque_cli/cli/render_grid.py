"""Draw a timetable grid (``colloque_cli.grid``) as lines of text for the terminal.

Time runs down the left edge, rooms across; each session is a bar spanning its rows with its
title (wrapped, cut with « … » when the bar is short) and its id, never split. Rooms that do
not fit the width go to the next page (the same hours again, with the next rooms). Stretches
of time where no shown room has a session are folded into one line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from rich.cells import cell_len, chop_cells, set_cell_size
from rich.text import Text

from ..grid import Block, Column, DayGrid, clock
from ..programme.model import long_date
from ..text import inert

LABEL = 6  # « 09:00 » and a space
MIN_LANE = 15  # bar, 12 characters of title, a space: narrower, a title no longer reads
MAX_LANE = 34
BLOCK_LINES = 2  # a session shows at least a line of title and its id
TITLE_LINES = 3  # rows grow until a session shows this many lines of its title
HEADER_LINES = 2
# French punctuation stays with the word before it (« réponse ? », never « ? » alone)
_GLUED = re.compile(r"[ \u00a0\u202f]+(?=[:;?!»])|(?<=«)[ \u00a0\u202f]+")
_GLUE = "\ue000"  # a space that does not break, shown as the space it was
_SPACES = re.compile(r"[ \t\r\n]+")


def _lane_minimum(column: Column) -> int:
    """A lane's narrowest width: room for the bar, the longest id whole, and a space."""
    longest = max((cell_len(inert(b.session.id)) for b in column.blocks), default=0)
    return max(MIN_LANE, longest + 2)


def _split(column: Column, room: int) -> list[Column]:
    """A room whose lanes (sessions at the same time) do not fit in ``room`` cells, as
    several columns of the lanes that fit, side by side on successive pages."""
    fit = max(1, room // _lane_minimum(column))
    if column.lanes <= fit:
        return [column]
    parts = []
    for low in range(0, column.lanes, fit):
        blocks = [replace(b, lane=b.lane - low) for b in column.blocks if low <= b.lane < low + fit]
        parts.append(Column(column.room, min(fit, column.lanes - low), blocks))
    return parts


def pages(grid: DayGrid, width: int) -> list[list[tuple[Column, int]]]:
    """The columns of each page with their lane width: as many rooms as fit in ``width``."""
    room = max(width - LABEL, MIN_LANE)
    found: list[list[tuple[Column, int]]] = []
    page: list[tuple[Column, int]] = []
    used = 0
    for column in (part for whole in grid.columns for part in _split(whole, room)):
        need = _lane_minimum(column) * column.lanes
        if page and used + need > room:
            found.append(page)
            page, used = [], 0
        page.append((column, _lane_minimum(column)))
        used += need
    if page:
        found.append(page)
    return [_widen(p, room) for p in found]


def _widen(page: list[tuple[Column, int]], room: int) -> list[tuple[Column, int]]:
    """Share the width left over among the page's lanes, up to ``MAX_LANE`` each."""
    lanes = sum(c.lanes for c, _ in page)
    spare = room - sum(c.lanes * w for c, w in page)
    if spare <= 0:
        # one room with too many lanes for the width: narrower lanes, ids still whole
        return [(c, max(w if len(page) > 1 else room // c.lanes, 4)) for c, w in page]
    extra = spare // lanes
    return [(c, max(w, min(MAX_LANE, w + extra))) for c, w in page]


def _wrap(text: str, width: int) -> list[str]:
    """Words in lines of at most ``width`` cells; a word too long is cut (titles only)."""
    lines: list[str] = []
    current = ""
    for word in _SPACES.split(_GLUED.sub(_GLUE, text).strip()):
        if not word:
            continue
        while cell_len(word) > width:
            head = chop_cells(word, width)[0]
            if current:
                lines.append(current)
                current = ""
            lines.append(head)
            word = word[len(head) :]
        if not current:
            current = word
        elif cell_len(current) + 1 + cell_len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return [line.replace(_GLUE, " ") for line in lines]


def _ellipsis(line: str, width: int) -> str:
    return set_cell_size(line, width - 1).rstrip() + "…" if cell_len(line) >= width else line + "…"


def _block_lines(block: Block, count: int, width: int) -> list[Text]:
    """The ``count`` lines of a session's bar, each ``width`` cells wide."""
    inner = width - 2
    title = inert(block.session.title)
    if block.starts_before:
        title = "↑ " + title
    wrapped = _wrap(title, inner) or [""]
    room = max(count - 1, 1)
    if len(wrapped) > room:
        wrapped = wrapped[: room - 1] + [_ellipsis(wrapped[room - 1], inner)]
    ident = inert(block.session.id)
    if block.ends_after:
        ident += " ↓" if cell_len(ident) + 2 <= inner else ""
    texts: list[Text] = []
    for index in range(count):
        bar = "┌" if index == 0 else "└" if index == count - 1 else "│"
        line = Text(bar, style="cyan")
        if index < len(wrapped):
            line.append(set_cell_size(wrapped[index], inner), style="bold")
        elif index == len(wrapped):
            line.append(set_cell_size(ident, inner), style="dim")
        else:
            line.append(" " * inner)
        line.append(" ")
        texts.append(line)
    return texts


def _wanted(block: Block, width: int) -> int:
    """The lines a session's bar asks for: its title (up to ``TITLE_LINES``) and its id."""
    title = len(_wrap(inert(block.session.title), width - 2))
    return max(BLOCK_LINES, min(title, TITLE_LINES) + 1)


def _heights(grid: DayGrid, page: Sequence[tuple[Column, int]], busy: list[bool]) -> list[int]:
    """Lines per row. A row gets a line when a session starts in it, or at each full hour;
    then rows grow until every session has its lines. Time runs down in order, not to
    scale: a long talk is not a column of empty lines. A pause (no session in any shown
    room) folds into one line that shows its time."""
    heights = [0] * grid.rows
    for column, _ in page:
        for block in column.blocks:
            heights[block.first] = 1
    for row in range(grid.rows):
        if busy[row] and grid.minutes(row) % 60 == 0:
            heights[row] = 1
        elif not busy[row] and (row == 0 or busy[row - 1]):
            heights[row] = 1
    for column, width in page:
        for block in sorted(column.blocks, key=lambda b: b.last):
            have = sum(heights[block.first : block.last])
            wanted = _wanted(block, width)
            if have < wanted:
                heights[block.last - 1] += wanted - have
    return heights


def render_page(grid: DayGrid, page: Sequence[tuple[Column, int]], heading: Text) -> Text:
    """One page of the grid: heading, room names, then the time rows."""
    columns = [c for c, _ in page]
    busy = grid.busy(columns)
    heights = _heights(grid, page, busy)
    starts_of_row: list[int] = [0] * (grid.rows + 1)
    for row in range(grid.rows):
        starts_of_row[row + 1] = starts_of_row[row] + heights[row]
    total = starts_of_row[-1]
    starting = {b.first for c in columns for b in c.blocks}

    cells: list[list[Text]] = []  # per lane, its lines
    for column, width in page:
        lanes = [[Text(" " * width) for _ in range(total)] for _ in range(column.lanes)]
        for block in column.blocks:
            top, bottom = starts_of_row[block.first], starts_of_row[block.last]
            lanes[block.lane][top:bottom] = _block_lines(block, bottom - top, width)
        cells.extend(lanes)

    out = Text(no_wrap=True, overflow="crop")
    out.append_text(heading)
    out.append("\n")
    names = [
        _wrap(inert(column.name), column.lanes * width - 1)[:HEADER_LINES] for column, width in page
    ]
    for index in range(max(len(lines) for lines in names)):
        out.append(" " * LABEL)
        for (column, width), lines in zip(page, names, strict=True):
            span = column.lanes * width
            text = lines[index] if index < len(lines) else ""
            cut = len(_wrap(inert(column.name), span - 1)) > HEADER_LINES
            if index == HEADER_LINES - 1 and cut:
                text = _ellipsis(text, span - 1)
            out.append(set_cell_size(text, span - 1) + " ", style="bold")
        out.rstrip()
        out.append("\n")
    out.append("─" * (LABEL + sum(c.lanes * w for c, w in page) - 1) + "\n", style="dim")

    for row in range(grid.rows):
        for offset in range(heights[row]):
            line = starts_of_row[row] + offset
            minutes = grid.minutes(row)
            label = ""
            if offset == 0 and (row in starting or not busy[row] or minutes % 60 == 0):
                label = clock(minutes)
            out.append(f"{label:<{LABEL}}", style="" if busy[row] else "dim")
            for lane in cells:
                out.append_text(lane[line])
            out.rstrip()
            out.append("\n")
    out.append(clock(grid.minutes(grid.rows)), style="dim")
    return out


def render(grids: Sequence[DayGrid], width: int) -> list[Text]:
    """Every page of every day's grid, for a terminal ``width`` columns wide."""
    parts: list[Text] = []
    for grid in grids:
        day_pages = pages(grid, width)
        count = len(grid.columns)
        first = 1
        for page in day_pages:
            what = [long_date(grid.day).capitalize()]
            if len(day_pages) > 1:
                last = first + len(page) - 1
                what.append(f"salles {first} à {last} sur {count}")
                first = last + 1
            what.append(f"pas de {grid.step} min")
            parts.append(render_page(grid, page, Text(" · ".join(what), style="bold")))
    return parts
