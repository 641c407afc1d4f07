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

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from ..grid import Block, Column, DayGrid, clock
from ..programme.model import long_date
from ..text import inert
from . import output

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


def _id_room(column: Column) -> int:
    """The width a lane of ``column`` needs to show its longest id whole, bar and space included."""
    return max((cell_len(inert(b.session.id)) for b in column.blocks), default=0) + 2


def _lane_minimum(column: Column) -> int:
    """A lane's narrowest width: room for the bar, the longest id whole, and a space, but no
    more than ``MAX_LANE``: a longer id goes under the grid rather than take a page alone."""
    return max(MIN_LANE, min(_id_room(column), MAX_LANE))


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


def _balanced(needs: Sequence[int], room: int) -> list[int]:
    """Where each page starts, for columns needing ``needs`` cells on pages of ``room``: the
    fewest pages, then the most even (least sum of squared widths), never wider than
    ``room`` (a column wider than that has a page of its own)."""
    worst = (len(needs) + 1, 0)
    best = [(0, 0)] + [worst] * len(needs)  # for the first n columns: (pages, squares)
    start_of = [0] * (len(needs) + 1)
    for end in range(1, len(needs) + 1):
        load = 0
        for start in range(end - 1, -1, -1):
            load += needs[start]
            if load > room and start < end - 1:
                break
            pages, squares = best[start]
            if (pages + 1, squares + load * load) < best[end]:
                best[end] = (pages + 1, squares + load * load)
                start_of[end] = start
    starts = []
    end = len(needs)
    while end > 0:
        end = start_of[end]
        starts.append(end)
    return starts[::-1]


def pages(grid: DayGrid, width: int) -> list[list[tuple[Column, int]]]:
    """The columns of each page with their lane width: the rooms spread evenly over the
    fewest pages of ``width`` columns."""
    room = max(width - LABEL, MIN_LANE)
    columns = [part for whole in grid.columns for part in _split(whole, room)]
    starts = _balanced([_lane_minimum(c) * c.lanes for c in columns], room)
    return [
        _widen([(c, _lane_minimum(c)) for c in columns[low:high]], room)
        for low, high in zip(starts, [*starts[1:], len(columns)], strict=True)
    ]


def _widen(page: list[tuple[Column, int]], room: int) -> list[tuple[Column, int]]:
    """Share the width left over among the page's lanes, up to ``MAX_LANE`` each; what is
    still left widens the lanes whose ids are longer, so that they show in place."""
    lanes = sum(c.lanes for c, _ in page)
    spare = room - sum(c.lanes * w for c, w in page)
    if spare <= 0:
        # one room with too many lanes for the width: narrower lanes (long ids go under)
        return [(c, max(w if len(page) > 1 else room // c.lanes, 4)) for c, w in page]
    extra = spare // lanes
    widened = [(c, max(w, min(MAX_LANE, w + extra))) for c, w in page]
    spare = room - sum(c.lanes * w for c, w in widened)
    for index, (column, lane) in enumerate(widened):
        grow = min(_id_room(column) - lane, spare // column.lanes)
        if grow > 0:
            widened[index] = (column, lane + grow)
            spare -= grow * column.lanes
    return widened


def _wrap(text: str, width: int) -> list[str]:
    """Words in lines of at most ``width`` cells; a word too long for a line is shortened
    with « … » on a line of its own, never split over two (« Selbstverteidigu » then « ng »)."""
    lines: list[str] = []
    current = ""
    for word in _SPACES.split(_GLUED.sub(_GLUE, text).strip()):
        if not word:
            continue
        if cell_len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(_ellipsis(word, width))
            continue
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


def _block_lines(block: Block, count: int, width: int, note: int | None = None) -> list[Text]:
    """The ``count`` lines of a session's bar, each ``width`` cells wide; ``note``: the
    number under which its id, too long for the bar, is written under the grid."""
    inner = width - 2
    title = inert(block.session.title)
    if block.starts_before:
        title = "↑ " + title
    wrapped = _wrap(title, inner) or [""]
    room = max(count - 1, 1)
    if len(wrapped) > room:
        wrapped = wrapped[: room - 1] + [_ellipsis(wrapped[room - 1], inner)]
    ident = inert(block.session.id) if note is None else f"[{note}]"
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


def _notes(page: Sequence[tuple[Column, int]]) -> dict[int, int]:
    """The sessions whose id is too long for their bar (by ``id`` of the block), numbered
    in reading order: down the time, then left to right."""
    long: list[tuple[int, int, Block]] = []
    left = 0
    for column, width in page:
        for block in column.blocks:
            if cell_len(inert(block.session.id)) > width - 2:
                long.append((block.first, left + block.lane, block))
        left += column.lanes
    long.sort(key=lambda item: item[:2])
    return {id(block): number for number, (_, _, block) in enumerate(long, 1)}


def legend(page: Sequence[tuple[Column, int]]) -> Text | None:
    """Under a page, the ids too long for their bar, each whole on its own line (wider than
    the screen, the terminal wraps it: it is never cut)."""
    blocks = {id(b): b for column, _ in page for b in column.blocks}
    notes = _notes(page)
    if not notes:
        return None
    out = Text(no_wrap=True, overflow="ignore")
    many = len(notes) > 1
    out.append(
        f"Identifiant{'s' if many else ''} trop long{'s' if many else ''} pour la grille\u202f:",
        style="dim",
    )
    for key, number in sorted(notes.items(), key=lambda item: item[1]):
        out.append(f"\n[{number}] ", style="dim")
        out.append(inert(blocks[key].session.id))
    return out


def render_page(grid: DayGrid, page: Sequence[tuple[Column, int]], heading: Text) -> Text:
    """One page of the grid: heading, room names, then the time rows (an id too long for
    its bar shows as a number, its ``legend`` under the page)."""
    columns = [c for c, _ in page]
    notes = _notes(page)
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
            note = notes.get(id(block))
            lanes[block.lane][top:bottom] = _block_lines(block, bottom - top, width, note)
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


def _heading(parts: Sequence[str], width: int) -> str:
    """A page's heading, its parts joined by « · », a line broken only between parts."""
    lines = [parts[0]]
    for part in parts[1:]:
        if cell_len(lines[-1]) + 3 + cell_len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return "\n".join(lines)


def _rooms_label(first: int, last: int, count: int) -> str:
    """Which rooms a page shows, counted as whole rooms (« salles 6 à 10 sur 29 »)."""
    if first == last:
        return f"salle {first} sur {count}"  # one room, or part of its lanes
    return f"salles {first} à {last} sur {count}"


def render(grids: Sequence[DayGrid], width: int) -> list[Text | output.Whole]:
    """Every page of every day's grid, for a terminal ``width`` columns wide, each page
    followed by its legend when it has one."""
    parts: list[Text | output.Whole] = []
    for grid in grids:
        day_pages = pages(grid, width)
        # a room split over pages (too many lanes) keeps its one number
        number = {id(column.room): n for n, column in enumerate(grid.columns, 1)}
        for page in day_pages:
            what = [long_date(grid.day).capitalize()]
            if len(day_pages) > 1:
                first, last = number[id(page[0][0].room)], number[id(page[-1][0].room)]
                what.append(_rooms_label(first, last, len(grid.columns)))
            what.append(f"pas de {grid.step} min")
            parts.append(render_page(grid, page, Text(_heading(what, width), style="bold")))
            notes = legend(page)
            if notes is not None:
                parts.append(output.Whole(notes))
    return parts
