"""Renderers: build rich objects from domain objects; they never print."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..programme.model import Programme, Session, Slot, hhmm, long_date, short_date
from ..text import NBSP, inert, plural

if TYPE_CHECKING:
    from ..search import Hit

DEFAULT_TYPE = "atelier"


def t(value: str | None, style: str = "") -> Text:
    """Data as inert rich text: never markup, never control sequences."""
    return Text(inert(value or ""), style=style)


def slot_heading(slot: Slot) -> Text:
    heading = Text.assemble(
        (long_date(slot.date).capitalize(), "bold"), " · ", (slot.hours, "bold")
    )
    if slot.label:
        heading.append("\n")
        heading.append_text(t(slot.label, "italic"))
    return heading


def session_cell(session: Session, *, long: bool = False, themes: bool = False) -> Text:
    """Title, subtitle, type and id; the themes under them when ``themes`` (narrow screens)."""
    cell = Text()  # no base style: it would make every line below the title bold
    cell.append_text(t(session.title, "bold"))
    if session.subtitle:
        cell.append("\n")
        cell.append_text(t(session.subtitle, "italic"))
    details = [session.type] if session.type != DEFAULT_TYPE else []
    details.append(session.id)
    cell.append("\n")
    cell.append_text(t(" · ".join(details), "dim"))
    if themes and session.themes:
        cell.append("\n")
        cell.append_text(t(", ".join(theme.label for theme in session.themes), "green"))
    if long:
        if session.speakers:
            cell.append("\n")
            cell.append_text(t(f"Intervenants{NBSP}: " + ", ".join(session.speakers), "cyan"))
        if session.description:
            cell.append("\n")
            cell.append_text(t(session.description))
        cell.append("\n")
    return cell


def room_cell(session: Session) -> Text:
    return t(session.room_name, "" if session.room else "dim italic")


def themes_cell(session: Session) -> Text:
    return t("\n".join(theme.label for theme in session.themes), "green")


def longest_word(texts: Iterable[str]) -> int:
    """The length of the longest word in ``texts``: a column narrower would split it."""
    from rich.cells import cell_len

    return max((cell_len(word) for text in texts for word in text.split()), default=0)


def fitted_width(texts: Sequence[str], cap: int) -> int:
    """A column for ``texts``: as wide as the longest, at most ``cap``, never narrower
    than a word."""
    from rich.cells import cell_len

    if not texts:
        return 0
    return max(min(max(cell_len(text) for text in texts), cap), longest_word(texts))


def table_overhead(columns: int) -> int:
    """Characters a SIMPLE_HEAD table spends beside its cells: edges, dividers, padding."""
    return 2 + (columns - 1) + 2 * columns


ROOM_CAP = 22
THEMES_CAP = 24
SESSION_MIN = 30  # narrower, a title reads one or two words a line
THEMES_WHOLE_CAP = 40
SESSION_ROOMY = 50  # the titles' width that whole theme labels may not squeeze

# Layouts of a session list, widest first.
WIDE, NARROW, BLOCKS = "wide", "narrow", "blocks"


class Layout:
    """The column widths of a session list at a given width, and the layout they allow."""

    def __init__(self, sessions: Sequence[Session], width: int, *, long: bool = False) -> None:
        self.room = fitted_width([s.room_name for s in sessions], ROOM_CAP)
        labels = [th.label for s in sessions for th in s.themes]
        self.themes = fitted_width(labels, THEMES_CAP)
        texts = [s.id for s in sessions] + [s.title for s in sessions]
        texts += [s.subtitle for s in sessions if s.subtitle]
        if long:
            texts += [name for s in sessions for name in s.speakers]
        session_min = max(SESSION_MIN, longest_word(texts))
        whole = fitted_width(labels, THEMES_WHOLE_CAP)  # one line per theme, when room allows
        if whole and self.room + whole + SESSION_ROOMY + table_overhead(3) <= width:
            self.themes = whole
        if self.themes and self.room + self.themes + session_min + table_overhead(3) <= width:
            self.kind = WIDE
            self.session = width - self.room - self.themes - table_overhead(3)
        elif self.room + session_min + table_overhead(2) <= width:
            self.kind = NARROW
            self.session = width - self.room - table_overhead(2)
        else:
            self.kind = BLOCKS
            self.session = width


def slot_table(
    slot: Slot, sessions: Sequence[Session], layout: Layout, *, long: bool = False
) -> Table:
    """A slot's sessions as a table whose every column is wide enough for its words."""
    table = Table(
        title=slot_heading(slot),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_lines=long,
    )
    table.add_column("Salle", style="cyan", width=layout.room)
    # fold, not ellipsis: a word wider than the column (a long URL) is wrapped, never cut
    table.add_column("Session", width=layout.session, overflow="fold")
    wide = layout.kind == WIDE
    if wide:
        table.add_column("Thèmes", width=layout.themes)
    for session in sessions:
        cells = [room_cell(session), session_cell(session, long=long, themes=not wide)]
        table.add_row(*cells, *([themes_cell(session)] if wide else []))
    return table


# Below this width a table cannot show its columns whole: sessions become text blocks.
COMPACT_WIDTH = 60


def session_block(session: Session, *, long: bool = False) -> Text:
    """A session as a few wrapped lines, for narrow terminals."""
    block = Text("• ")
    block.append_text(t(session.title, "bold"))
    if session.subtitle:
        block.append_text(t(f"\n  {session.subtitle}", "italic"))
    details = [session.room_name] + ([session.type] if session.type != DEFAULT_TYPE else [])
    block.append_text(t(f"\n  {' · '.join(details)} · ", "cyan"))
    block.append_text(t(session.id, "dim"))
    if session.themes:
        block.append_text(t("\n  " + ", ".join(th.label for th in session.themes), "green"))
    if long and session.speakers:
        block.append_text(t(f"\n  Intervenants{NBSP}: " + ", ".join(session.speakers)))
    if long and session.description:
        block.append_text(t(f"\n  {session.description}"))
    return block


def slot_blocks(slot: Slot, sessions: Sequence[Session], *, long: bool = False) -> Group:
    return Group(slot_heading(slot), Text(), *(session_block(s, long=long) for s in sessions))


def listing(
    programme: Programme,
    sessions: Sequence[Session],
    *,
    long: bool = False,
    compact: bool = False,
    width: int | None = None,
) -> list[Table | Group]:
    """One table per slot in chronological order, in the layout that fits ``width``
    (text blocks when ``compact`` or when no table fits)."""
    layout = Layout(sessions, 0 if compact or width is None else width, long=long)
    parts: list[Table | Group] = []
    for slot, in_slot in by_slot(programme, sessions):
        if layout.kind == BLOCKS:
            parts.append(slot_blocks(slot, in_slot, long=long))
        else:
            parts.append(slot_table(slot, in_slot, layout, long=long))
    return parts


def by_slot(programme: Programme, sessions: Sequence[Session]) -> list[tuple[Slot, list[Session]]]:
    """``sessions`` grouped by slot in time order; in each, rooms in the programme's order
    (the same order in every slot)."""
    rooms = {room.id: index for index, room in enumerate(programme.rooms)}

    def room_order(session: Session) -> int:  # same room order in every slot's table
        return rooms.get(session.room.id, len(rooms)) if session.room else len(rooms)

    grouped: dict[str, list[Session]] = {}
    for session in sessions:
        grouped.setdefault(session.slot.id, []).append(session)
    return [
        (slot, sorted(grouped[slot.id], key=room_order))
        for slot in programme.slots
        if slot.id in grouped
    ]


def brief_table(
    programme: Programme, slot: Slot, sessions: Sequence[Session], width: int
) -> Table | Group:
    """A slot at a glance (``now``, ``next``): room, then title and id, one session after
    another with no theme or description, so that a full slot fits one screen."""
    room = fitted_width([s.room_name for s in sessions], ROOM_CAP)
    words = longest_word([s.id for s in sessions] + [s.title for s in sessions])
    if room + max(SESSION_MIN, words) + table_overhead(2) > width:
        lines = [slot_heading(slot), Text()]
        for s in sessions:
            line = Text("• ")
            line.append_text(t(s.title, "bold"))
            line.append_text(t(f" · {s.room_name} · ", "cyan"))
            line.append_text(t(s.id, "dim"))
            lines.append(line)
        return Group(*lines)
    table = Table(title=slot_heading(slot), title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("Salle", style="cyan", width=room)
    table.add_column("Session", width=width - room - table_overhead(2), overflow="fold")
    for s in sessions:
        cell = t(s.title, "bold")
        cell.append_text(t(f" · {s.id}", "dim"))
        table.add_row(room_cell(s), cell)
    return table


def brief_listing(
    programme: Programme, sessions: Sequence[Session], width: int
) -> list[Table | Group]:
    """``listing`` at a glance: one short entry per session (see ``brief_table``)."""
    return [
        brief_table(programme, slot, in_slot, width)
        for slot, in_slot in by_slot(programme, sessions)
    ]


def summary_line(count: int, what: str = "session") -> Text:
    return Text(plural(count, what), style="dim")


HIGHLIGHT = "bold yellow"


def marked(value: str, spans: Sequence[tuple[int, int]], style: str = "") -> Text:
    """Data as inert text with the ``spans`` (matched words) highlighted.

    The style goes on each piece, not on the Text: a base style would spread to whatever
    is appended after it.
    """
    text = Text()
    mark = f"{style} {HIGHLIGHT}".strip()
    last = 0
    for start, end in spans:
        if start < last:
            continue
        text.append(inert(value[last:start]), style=style)
        text.append(inert(value[start:end]), style=mark)
        last = end
    text.append(inert(value[last:]), style=style)
    return text


def hits_table(hits: Sequence[Hit], query: str, width: int) -> Table | Group:
    """Search results: score, when and where, then the session with its matched words
    highlighted, where it matched, and a snippet of the text around the match.

    Too narrow for the three columns, each hit is a block: its score, when and where on
    one line, the session under it.
    """
    title = Text.assemble(f"Résultats pour «{NBSP}", t(query, "bold"), f"{NBSP}»")
    wheres = [(short_date(h.session.slot.date), h.session.slot.hours) for h in hits]
    rooms = [h.session.room_name for h in hits]
    where = fitted_width([text for pair in wheres for text in pair] + rooms, ROOM_CAP)
    score = max(len("Score"), *(len(str(h.score)) for h in hits))
    words = longest_word([h.session.title for h in hits] + [h.session.id for h in hits])
    session = width - score - where - table_overhead(3)
    if session < max(SESSION_MIN, words):
        blocks: list[Text] = [title]
        for hit, (day, hours) in zip(hits, wheres, strict=True):
            s = hit.session
            head = Text(f"\n{hit.score} · {day}, {hours} · ", style="magenta")
            head.append_text(t(s.room_name, "cyan" if s.room else "dim italic"))
            blocks.extend([head, hit_cell(hit)])
        return Group(*blocks)
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_lines=True)
    table.add_column("Score", justify="right", style="magenta", width=score)
    table.add_column("Quand, où", width=where)
    table.add_column("Session", width=session, overflow="fold")
    for hit, (day, hours) in zip(hits, wheres, strict=True):
        s = hit.session
        cell = Text(f"{day}\n{hours}\n")
        cell.append_text(t(s.room_name, "cyan" if s.room else "dim italic"))
        table.add_row(str(hit.score), cell, hit_cell(hit))
    return table


def hit_cell(hit: Hit) -> Text:
    s = hit.session
    cell = marked(s.title, hit.spans("title"), "bold")
    if s.subtitle:
        cell.append("\n")
        cell.append_text(marked(s.subtitle, hit.spans("subtitle"), "italic"))
    details = [s.type] if s.type != DEFAULT_TYPE else []
    details.append(s.id)
    cell.append("\n")
    cell.append_text(t(" · ".join(details), "dim"))
    cell.append("\n")
    cell.append_text(
        t(
            f"trouvé dans{NBSP}: " + ", ".join(FIELD_NAMES.get(m, m) for m in hit.matched),
            "dim italic",
        )
    )
    if hit.partial:
        cell.append("\n")
        cell.append_text(t(f"correspond en partie{NBSP}: " + ", ".join(hit.partial), "dim italic"))
    if hit.near:
        cell.append("\n")
        cell.append_text(t(f"proche par le sens de{NBSP}: " + ", ".join(hit.near), "dim italic"))
    if hit.snippet:
        cell.append("\n")
        if hit.snippet_field and hit.snippet_field != "description":
            cell.append(
                FIELD_NAMES.get(hit.snippet_field, hit.snippet_field).capitalize() + f"{NBSP}: "
            )
        cell.append_text(marked(hit.snippet, hit.highlights))
    return cell


FIELD_NAMES = {
    "title": "titre",
    "subtitle": "sous-titre",
    "themes": "thèmes",
    "type": "type",
    "room": "salle",
    "description": "description",
    "speakers": "intervenants",
    "glossary": "sigles",
}


def session_panel(programme: Programme, session: Session) -> Panel:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    slot = session.slot
    grid.add_row("Quand", Text(f"{long_date(slot.date).capitalize()}, {slot.hours}"))
    grid.add_row("Salle", room_cell(session))
    grid.add_row("Type", t(session.type))
    if session.themes:
        grid.add_row("Thèmes", t(", ".join(th.label for th in session.themes), "green"))
    if session.speakers:
        grid.add_row("Intervenants", t(", ".join(session.speakers)))
    grid.add_row("Identifiant", t(session.id, "dim"))
    if slot.label:
        grid.add_row("Créneau", t(slot.label, "italic"))
    # the full title in the body, wrapped: a panel's own title is cut at the border
    parts: list[Text | Table] = [t(session.title, "bold")]
    if session.subtitle:
        parts.append(t(session.subtitle, "italic"))
    parts.append(Text())
    parts.append(grid)
    if session.description:
        parts.extend([Text(), t(session.description)])
    acronyms = programme.acronyms_in(session)
    if acronyms:
        parts.append(Text())
        parts.append(Text("Sigles", style="bold cyan"))
        for acronym, expansion in acronyms:
            parts.append(Text.assemble("  ", t(acronym, "bold"), f"{NBSP}: ", t(expansion)))
    return Panel(Group(*parts), box=box.ROUNDED)


# The most candidates an ambiguous name lists (the best matches first): a fragment such as
# a theme's id can match 60 000 sessions of a large programme, and drawing them all took 30 s.
CANDIDATES_SHOWN = 20


def candidates_table(sessions: Sequence[Session], width: int) -> Table:
    """Sessions to choose from: id, when, title; on a narrow screen the title goes under
    the id. At most ``CANDIDATES_SHOWN``, the others counted in a caption."""
    left = len(sessions) - CANDIDATES_SHOWN
    caption = f"… et {plural(left, 'autre session')}" if left > 0 else None
    sessions = sessions[:CANDIDATES_SHOWN]
    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    whens = [f"{short_date(s.slot.date)} {hhmm(s.slot.start)}" for s in sessions]
    ids = fitted_width([s.id for s in sessions], width)
    when = fitted_width(whens, width)
    title = width - ids - when - table_overhead(3)
    if title >= max(SESSION_MIN, longest_word([s.title for s in sessions])):
        table.add_column("Identifiant", style="bold", width=ids)
        table.add_column("Quand", width=when)
        table.add_column("Titre", width=title)
        for s, at in zip(sessions, whens, strict=True):
            table.add_row(t(s.id), Text(at), t(s.title))
        return table
    table.add_column("Quand", width=min(when, max(12, longest_word(whens))))
    table.add_column("Session", overflow="fold")
    for s, at in zip(sessions, whens, strict=True):
        cell = t(s.id, "bold")
        cell.append_text(t(f"\n{s.title}"))
        table.add_row(Text(at), cell)
    return table


def themes_table(rows: Sequence[dict[str, Any]], width: int) -> Table:
    """Themes with their description under the label, ids never cut; on a narrow screen
    the id goes under the label too."""
    table = Table(title="Thèmes", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    ids = max(len("Identifiant"), *(len(r["id"]) for r in rows))
    count = len("Sessions")
    texts = [r["label"] for r in rows] + [r["description"] or "" for r in rows]
    label = width - ids - count - table_overhead(3)
    wide = label >= max(SESSION_MIN, longest_word(texts))
    if wide:
        table.add_column("Thème", width=label)
        table.add_column("Identifiant", width=ids)
    else:
        table.add_column("Thème", width=width - count - table_overhead(2), overflow="fold")
    table.add_column("Sessions", justify="right", width=count)
    for row in rows:
        cell = t(row["label"], "bold")
        if not wide:
            cell.append_text(t(f"\n{row['id']}", "cyan"))
        if row["description"]:
            cell.append("\n")
            cell.append_text(t(row["description"], "dim"))
        ids_cell = [t(row["id"])] if wide else []
        table.add_row(cell, *ids_cell, str(row["sessions"]))
    return table
