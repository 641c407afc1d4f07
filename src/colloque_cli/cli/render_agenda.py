"""Renderers for the personal agenda: a table of slots, a summary, and plain records."""

from __future__ import annotations

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

from ..agenda.plan import Plan
from ..agenda.review import seen_day, seen_hours
from ..agenda.store import Pick
from ..programme.model import Programme, hhmm, short_date
from ..suggest import Proposal, SlotSuggestion
from ..text import NBSP, plural
from .render import (
    ROOM_CAP,
    SESSION_MIN,
    fitted_width,
    longest_word,
    room_cell,
    t,
    table_overhead,
)


def agenda_table(programme: Programme, plan: Plan, width: int) -> Table:
    """One row per slot, in time order: the pick, « libre », or the conflicting picks.

    Where the room and the state cannot have columns of their own, they go on a line under
    the title.
    """
    picked = [s for line in plan.slots for s in line.sessions]
    when_width = max(
        (
            cell_len(text)
            for line in plan.slots
            for text in (line.slot.hours, short_date(line.slot.date))
        ),
        default=5,
    )
    for pick in plan.missing:
        if pick.seen:
            when_width = max(
                when_width, cell_len(seen_day(pick.seen)), cell_len(seen_hours(pick.seen))
            )
    gone = [(pick.id, pick.title, pick.seen.room if pick.seen else "") for pick in plan.missing]
    room = fitted_width([s.room_name for s in picked] + [r for _, _, r in gone if r], ROOM_CAP)
    words = longest_word(
        [s.title for s in picked]
        + [s.id for s in picked]
        + [w for i, title, _ in gone for w in (i, title)]
    )
    state = cell_len("⚠ conflit")
    session = max(SESSION_MIN, words)
    wide = when_width + room + session + state + table_overhead(4) <= width
    table = Table(
        title=Text.assemble(("Votre agenda", "bold"), " — ", t(programme.colloque.title)),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Quand", width=when_width)
    if wide:
        session = width - when_width - room - state - table_overhead(4)
        table.add_column("Salle", style="cyan", width=room)
        table.add_column("Session", width=session, overflow="fold")
        table.add_column("État", width=state)
    else:
        table.add_column("Session", width=width - when_width - table_overhead(2), overflow="fold")
    # Picks the programme no longer has stay in the agenda: shown where they were, in time order.
    gone_rows = sorted(
        plan.missing, key=lambda p: (p.seen.date, p.seen.start) if p.seen else ("~", "")
    )
    for line in plan.slots:
        slot = line.slot
        while (
            gone_rows
            and gone_rows[0].seen
            and (gone_rows[0].seen.date, gone_rows[0].seen.start)
            < (
                slot.date.isoformat(),
                hhmm(slot.start),
            )
        ):
            table.add_row(*_gone_row(gone_rows.pop(0), wide), end_section=True)
        when = Text(f"{short_date(slot.date)}\n{slot.hours}")
        if line.free:
            free = Text("libre", style="dim italic")
            cells = [Text(""), Text("—", style="dim"), free] if wide else [free]
            table.add_row(when, *cells, end_section=True)
            continue
        # Picks that overlap share the slot's line, one row each, the slot named once.
        for index, session_ in enumerate(line.sessions):
            cell = t(session_.title, "bold")
            cell.append_text(t(f"\n{session_.id}", "dim"))
            others = plan.conflicts.get(session_.id)
            if others:
                cell.append_text(
                    t(f"\nen même temps que{NBSP}: " + ", ".join(o.id for o in others), "red")
                )
            status = Text("⚠ conflit", style="bold red") if others else Text("choisi", "green")
            if wide:
                cells = [room_cell(session_), cell, status]
            else:
                cell.append("\n")
                cell.append_text(room_cell(session_))
                cell.append(" · ")
                cell.append_text(status)
                cells = [cell]
            table.add_row(
                when if index == 0 else Text(""),
                *cells,
                end_section=index == len(line.sessions) - 1,
            )
    for pick in gone_rows:
        table.add_row(*_gone_row(pick, wide), end_section=True)
    return table


def _gone_row(pick: Pick, wide: bool) -> list[Text]:
    """A pick the programme no longer has: where it was, struck out, « annulée »."""
    seen = pick.seen
    when = Text(f"{seen_day(seen)}\n{seen_hours(seen)}" if seen else "—", style="dim")
    cell = t(pick.title or pick.id, "strike")
    cell.append_text(t(f"\n{pick.id}", "dim"))
    status = Text("annulée" if seen else "introuvable", style="yellow")
    if wide:
        room_text = t(seen.room, "dim") if seen and seen.room else Text("")
        return [when, room_text, cell, status]
    cell.append("\n")
    if seen and seen.room:
        cell.append_text(t(seen.room, "dim"))
        cell.append(" · ")
    cell.append_text(status)
    return [when, cell]


def agenda_summary(plan: Plan, width: int) -> Text:
    """« 1 session choisie · 2 créneaux libres · aucun conflit », broken between its parts."""
    free = sum(1 for line in plan.slots if line.free)
    pairs = sum(len(others) for others in plan.conflicts.values()) // 2
    parts = [
        plural(plan.picked, "session choisie", none="aucune session choisie"),
        plural(free, "créneau libre", none="aucun créneau libre"),
        plural(pairs, "conflit", none="aucun conflit"),
    ]
    if plan.missing:
        parts.append(plural(len(plan.missing), "session annulée"))
    lines = [parts[0]]
    for part in parts[1:]:
        if cell_len(f"{lines[-1]} · {part}") <= width:
            lines[-1] = f"{lines[-1]} · {part}"
        else:
            lines.append(part)
    return Text("\n".join(lines), style="bold red" if pairs else "dim")


# --- agenda suggest --------------------------------------------------------------------------

NOTHING = "rien pour vous dans ce créneau"


def _reason(proposal: Proposal) -> str:
    reason = f"pour{NBSP}: " + ", ".join(proposal.interests)
    if proposal.near:
        reason += f" (proche par le sens de{NBSP}: " + ", ".join(proposal.near[:3]) + ")"
    return reason


def suggestions_table(suggestions: list[SlotSuggestion], interests: list[str]) -> Table:
    """One row per slot: the proposal and its reason, a runner-up, or why there is none."""
    table = Table(
        title=Text.assemble(("Suggestions", "bold"), f" pour{NBSP}: ", t(", ".join(interests))),
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    table.add_column("Quand", no_wrap=True)
    table.add_column("Session proposée", ratio=1, min_width=24)
    for line in suggestions:
        slot = line.slot
        when = Text(f"{short_date(slot.date)}\n{slot.hours}")
        if line.chosen:
            cell = Text(f"déjà choisi{NBSP}: ", style="green")
            cell.append_text(t(", ".join(s.title for s in line.chosen), "dim"))
        elif line.best is None:
            cell = Text(NOTHING, style="dim italic")
        else:
            best = line.best
            cell = t(best.session.title, "bold")
            cell.append_text(t(f"\n{best.session.id} · {best.session.room_name}", "dim"))
            cell.append_text(t("\n" + _reason(best), "italic"))
            if line.runner_up:
                other = line.runner_up
                cell.append_text(
                    t(f"\nsinon{NBSP}: {other.session.title} ({other.session.id})", "dim")
                )
        table.add_row(when, cell, end_section=True)
    return table
