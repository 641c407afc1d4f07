"""Renderers: build rich objects from domain objects; they never print."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..programme.model import Programme, Session, Slot, hhmm, long_date, short_date
from ..text import inert

if TYPE_CHECKING:
    from ..search import Hit

DEFAULT_TYPE = "atelier"


def t(value: str | None, style: str = "") -> Text:
    """Data as inert rich text: never markup, never control sequences."""
    return Text(inert(value or ""), style=style)


def slot_heading(slot: Slot) -> Text:
    heading = Text.assemble(
        (long_date(slot.date).capitalize(), "bold"), " · ", (slot.hours.replace("–", " – "), "bold")
    )
    if slot.label:
        heading.append("\n")
        heading.append_text(t(slot.label, "italic"))
    return heading


def session_cell(session: Session, *, long: bool = False) -> Text:
    cell = Text()  # no base style: it would make every line below the title bold
    cell.append_text(t(session.title, "bold"))
    if session.subtitle:
        cell.append("\n")
        cell.append_text(t(session.subtitle, "italic"))
    details = [session.type] if session.type != DEFAULT_TYPE else []
    details.append(session.id)
    cell.append("\n")
    cell.append_text(t(" · ".join(details), "dim"))
    if long:
        if session.speakers:
            cell.append("\n")
            cell.append_text(t("Intervenants : " + ", ".join(session.speakers), "cyan"))
        if session.description:
            cell.append("\n")
            cell.append_text(t(session.description))
        cell.append("\n")
    return cell


def room_cell(session: Session) -> Text:
    return t(session.room_name, "" if session.room else "dim italic")


def themes_cell(session: Session) -> Text:
    return t("\n".join(theme.label for theme in session.themes), "green")


def slot_table(slot: Slot, sessions: Sequence[Session], *, long: bool = False) -> Table:
    table = Table(
        title=slot_heading(slot),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_lines=long,
        expand=True,
    )
    table.add_column("Salle", style="cyan", min_width=8, max_width=22, overflow="fold")
    # fold, not ellipsis: a very long word is wrapped, never silently cut
    table.add_column("Session", ratio=3, min_width=20, overflow="fold")
    table.add_column("Thèmes", ratio=1, min_width=12, max_width=30, overflow="fold")
    for session in sessions:
        table.add_row(room_cell(session), session_cell(session, long=long), themes_cell(session))
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
        block.append_text(t("\n  Intervenants : " + ", ".join(session.speakers)))
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
) -> list[Table | Group]:
    """One table per slot (text blocks when ``compact``), in chronological order."""
    parts: list[Table | Group] = []
    for slot in programme.slots:
        in_slot = [s for s in sessions if s.slot.id == slot.id]
        if in_slot:
            render = slot_blocks if compact else slot_table
            parts.append(render(slot, in_slot, long=long))
    return parts


def summary_line(count: int, what: str = "session") -> Text:
    plural = "s" if count > 1 else ""
    return Text(f"{count} {what}{plural}", style="dim")


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


def hits_table(hits: Sequence[Hit], query: str) -> Table:
    """Search results: score, when and where, then the session with its matched words
    highlighted, where it matched, and a snippet of the text around the match."""
    table = Table(
        title=Text.assemble("Résultats pour « ", t(query, "bold"), " »"),
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_lines=True,
        expand=True,
    )
    table.add_column("Score", justify="right", style="magenta", no_wrap=True)
    table.add_column("Quand, où", min_width=12, max_width=17)
    table.add_column("Session", ratio=1, min_width=24)
    for hit in hits:
        s = hit.session
        where = Text(f"{short_date(s.slot.date)}\n{s.slot.hours}\n")
        where.append_text(t(s.room_name, "cyan" if s.room else "dim italic"))
        table.add_row(str(hit.score), where, hit_cell(hit))
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
        t("trouvé dans : " + ", ".join(FIELD_NAMES.get(m, m) for m in hit.matched), "dim italic")
    )
    if hit.near:
        cell.append("\n")
        cell.append_text(t("proche par le sens de : " + ", ".join(hit.near), "dim italic"))
    if hit.snippet:
        cell.append("\n")
        if hit.snippet_field and hit.snippet_field != "description":
            cell.append(FIELD_NAMES.get(hit.snippet_field, hit.snippet_field).capitalize() + " : ")
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
    grid.add_row(
        "Quand", Text(f"{long_date(slot.date).capitalize()}, {slot.hours.replace('–', ' – ')}")
    )
    grid.add_row("Salle", room_cell(session))
    grid.add_row("Type", t(session.type))
    if session.themes:
        grid.add_row("Thèmes", t(", ".join(th.label for th in session.themes), "green"))
    if session.speakers:
        grid.add_row("Intervenants", t(", ".join(session.speakers)))
    grid.add_row("Identifiant", t(session.id, "dim"))
    if slot.label:
        grid.add_row("Créneau", t(slot.label, "italic"))
    parts: list[Text | Table] = []
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
            parts.append(Text.assemble("  ", t(acronym, "bold"), " : ", t(expansion)))
    return Panel(Group(*parts), title=t(session.title, "bold"), title_align="left", box=box.ROUNDED)


def candidates_table(sessions: Sequence[Session]) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    table.add_column("Identifiant", style="bold", no_wrap=True)
    table.add_column("Quand", no_wrap=True)
    table.add_column("Titre")
    for s in sessions:
        table.add_row(t(s.id), Text(f"{short_date(s.slot.date)} {hhmm(s.slot.start)}"), t(s.title))
    return table


def themes_table(rows: Sequence[dict[str, Any]]) -> Table:
    """Themes with their description under the label, ids never cut."""
    table = Table(title="Thèmes", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("Thème", ratio=1)
    table.add_column("Identifiant", min_width=max(len(r["id"]) for r in rows))
    table.add_column("Sessions", justify="right")
    for row in rows:
        label = t(row["label"], "bold")
        if row["description"]:
            label.append("\n")
            label.append_text(t(row["description"], "dim"))
        table.add_row(label, t(row["id"]), str(row["sessions"]))
    return table
