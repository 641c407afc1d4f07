"""The timetable grid's layout: time on one axis, rooms on the other, for any event.

Pure computation (no rich, no terminal): which sessions fall in which room column, in which
lane of it (real schedules nest sessions in one room), and over which rows of the time axis.
The time axis is cut in steps of ``step`` minutes; a session covers the rows from its start
(rounded down to the step) to its end (rounded up), at least one row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from .programme.model import NO_ROOM, Room, Session

STEPS = (30, 15, 10, 5)  # minutes; the largest that fits the data is chosen
MIN_STEP, MAX_STEP = 5, 240


@dataclass(frozen=True, slots=True)
class Block:
    """One session in the grid: its lane within the room's column and its rows."""

    session: Session
    lane: int
    first: int  # first row covered
    last: int  # row after the last one covered
    starts_before: bool = False  # cut by the window: the session started earlier
    ends_after: bool = False  # cut by the window: the session goes on later


@dataclass(slots=True)
class Column:
    """A room (None: sessions without a room) and its sessions, in lanes."""

    room: Room | None
    lanes: int = 1
    blocks: list[Block] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.room.name if self.room else NO_ROOM


@dataclass(slots=True)
class DayGrid:
    """The grid of one day: rows of ``step`` minutes from ``start`` (minutes after midnight)."""

    day: date
    step: int
    start: int
    rows: int
    columns: list[Column]

    def minutes(self, row: int) -> int:
        """The time (minutes after the day's midnight, maybe past 24 h) at which ``row`` starts."""
        return self.start + row * self.step

    def busy(self, columns: Iterable[Column] | None = None) -> list[bool]:
        """For each row, whether a session of ``columns`` (default: all) covers it."""
        covered = [False] * self.rows
        for column in self.columns if columns is None else columns:
            for block in column.blocks:
                for row in range(block.first, block.last):
                    covered[row] = True
        return covered


def _span(session: Session) -> tuple[int, int]:
    """Start and end of a session in minutes after its day's midnight (end may pass 24 h)."""
    slot = session.slot
    start = slot.start.hour * 60 + slot.start.minute
    end = slot.end.hour * 60 + slot.end.minute
    if slot.end_date is not None:
        end += (slot.end_date - slot.date).days * 24 * 60
    return start, max(start, end)


def choose_step(sessions: Iterable[Session]) -> int:
    """The largest of 30, 15, 10 or 5 minutes on which every start and end falls (else 5)."""
    divisor = 0
    for session in sessions:
        start, end = _span(session)
        divisor = math.gcd(divisor, start, end)
    for step in STEPS:
        if divisor % step == 0:
            return step
    return MIN_STEP


def clock(minutes: int) -> str:
    """``HH:MM`` of minutes after midnight (a time past midnight reads as the next day's)."""
    minutes %= 24 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _lanes(spans: Sequence[tuple[int, int, Session]]) -> tuple[list[int], int]:
    """A lane per session so that sessions sharing a lane never overlap (first fit)."""
    ends: list[int] = []
    lanes: list[int] = []
    for first, last, _ in spans:
        for lane, end in enumerate(ends):
            if end <= first:
                ends[lane] = last
                lanes.append(lane)
                break
        else:
            ends.append(last)
            lanes.append(len(ends) - 1)
    return lanes, max(1, len(ends))


def day_grid(
    day: date,
    sessions: Sequence[Session],
    rooms: Sequence[Room],
    *,
    step: int | None = None,
    since: time | None = None,
    until: time | None = None,
) -> DayGrid | None:
    """The grid of ``sessions`` (all of ``day``), rooms in ``rooms``' order, None if empty.

    ``since``/``until`` keep the part of the day between those times: a session that runs
    across a bound is kept and cut there.
    """
    step = step or choose_step(sessions)
    low = since.hour * 60 + since.minute if since else None
    high = until.hour * 60 + until.minute if until else None
    kept: list[tuple[int, int, Session, bool, bool]] = []
    for session in sessions:
        start, end = _span(session)
        if low is not None and (end < low or (end == low and start < end)):
            continue
        if high is not None and (start > high or (start == high and start < end)):
            continue
        before = after = False
        if low is not None and start < low:
            start, before = low, True
        if high is not None and end > high:
            end, after = high, True
        kept.append((start, end, session, before, after))
    if not kept:
        return None
    # rows fall on the step counted from a round time: 14:00 for 45 minutes, not 13:30
    grain = math.gcd(step, 60)
    origin = (low if low is not None else min(k[0] for k in kept)) // grain * grain
    finish = max(high if high is not None else 0, max(k[1] for k in kept))
    rows = max(1, math.ceil((finish - origin) / step))
    order = {room.id: n for n, room in enumerate(rooms)}
    by_room: dict[str | None, list[tuple[int, int, Session, bool, bool]]] = {}
    for item in kept:
        room = item[2].room
        by_room.setdefault(room.id if room else None, []).append(item)
    columns: list[Column] = []
    for room_id in sorted(by_room, key=lambda r: (r is None, order.get(r or "", 0))):
        items = by_room[room_id]
        placed = []
        for start, end, session, before, after in items:
            first = (start - origin) // step
            last = max(first + 1, math.ceil((end - origin) / step))
            placed.append((first, last, session, before, after))
        placed.sort(key=lambda p: (p[0], -p[1]))
        lanes, count = _lanes([(f, la, s) for f, la, s, _, _ in placed])
        rows = max([rows] + [p[1] for p in placed])
        room = items[0][2].room
        columns.append(
            Column(
                room,
                count,
                [
                    Block(session, lane, first, last, before, after)
                    for (first, last, session, before, after), lane in zip(
                        placed, lanes, strict=True
                    )
                ],
            )
        )
    return DayGrid(day, step, origin, rows, columns)


def grids(
    sessions: Sequence[Session],
    rooms: Sequence[Room],
    days: Sequence[date],
    *,
    step: int | None = None,
    since: time | None = None,
    until: time | None = None,
) -> list[DayGrid]:
    """One grid per day of ``days`` that has sessions (within the window)."""
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        by_day.setdefault(session.slot.date, []).append(session)
    found = []
    for day in days:
        if day in by_day:
            grid = day_grid(day, by_day[day], rooms, step=step, since=since, until=until)
            if grid is not None:
                found.append(grid)
    return found
