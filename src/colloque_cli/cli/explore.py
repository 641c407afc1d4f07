"""Exploring commands: list, search, show, grid, rooms, themes, days."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import InvalidValueError, NotFoundError
from ..text import NBSP, plural, shown
from . import output
from .app import app
from .options import (
    DayOption,
    FormatOption,
    RoomOption,
    ThemeOption,
    complete_session,
    programme,
    search_index,
)
from .output import Format

if TYPE_CHECKING:
    from ..programme.model import Programme, Session
    from ..search.hits import Hit


def _records(p: Programme, sessions: list[Session]) -> list[dict[str, Any]]:
    """The documented JSON records of ``sessions``."""
    from ..exporters.records import session_records

    return session_records(p, sessions)


def emit_sessions(
    p: Programme,
    sessions: list[Session],
    fmt: Format,
    *,
    long: bool = False,
    one_line: bool | None = None,
) -> None:
    """Write sessions in the chosen format: for ``table``, one table per slot, or one line
    per session (``one_line``; None: when tables would be mostly headings)."""
    if fmt is Format.table and not long:
        from . import render_compact

        if one_line or (one_line is None and render_compact.mostly_headers(sessions)):
            emit_one_line(sessions)
            return
    if fmt is Format.table:
        from . import render

        parts = render.listing(p, sessions, long=long, width=output.width())
        output.show(*parts, render.summary_line(len(sessions)))
    else:
        output.write_records(_records(p, sessions), fmt)


def emit_one_line(sessions: list[Session]) -> None:
    """The compact list: plain lines in a pipe, a little colour on a terminal."""
    import sys

    from . import render_compact

    width = output.width()
    count = plural(len(sessions), "session")
    if sys.stdout.isatty():
        from rich.text import Text

        output.show(render_compact.styled(sessions, width), Text(count, style="dim"))
    else:
        output.write(render_compact.plain(sessions, width) + "\n" + count + "\n")


MAX_CELL_ITEMS = 8  # a table cell lists at most this many values
NAME_MIN = 16  # a room's or theme's name gets at least this many columns
COUNT_WIDTH = len("Sessions")
MAX_QUERY = 500  # characters; a longer "query" is a pasted document, not a search


@app.command("list", short_help="Les sessions, créneau par créneau.")
def list_sessions(
    ctx: typer.Context,
    day: DayOption = None,
    room: RoomOption = None,
    theme: ThemeOption = None,
    time: Annotated[
        str | None,
        typer.Option("--time", help="Sessions en cours à cette heure (HH:MM).", metavar="HH:MM"),
    ] = None,
    long: Annotated[
        bool, typer.Option("--long", "-l", help="Ajouter les descriptions complètes.")
    ] = False,
    one_line: Annotated[
        bool | None,
        typer.Option(
            "--compact/--tables",
            "-c",
            help="Une ligne par session (heure, salle, titre, identifiant), ou un tableau par "
            "créneau ; par défaut, une ligne par session quand les créneaux ont peu de "
            "sessions.",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = Format.table,
) -> None:
    """Lister les sessions, un tableau par créneau (filtres combinables)."""
    from ..filters import selection

    p = programme(ctx)
    chosen = selection(p, day=day, room=room, theme=theme, at=time).apply(p.sessions)
    if not chosen:
        raise NotFoundError("Aucune session ne correspond à ces critères.")
    emit_sessions(p, chosen, fmt, long=long, one_line=one_line)


@app.command(short_help="Chercher par mots ou par sujet.")
def search(
    ctx: typer.Context,
    query: Annotated[
        list[str],
        typer.Argument(
            help="Mots recherchés (accents et fautes tolérés).", metavar="MOTS…", show_default=False
        ),
    ],
    day: DayOption = None,
    room: RoomOption = None,
    theme: ThemeOption = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, metavar="N", help="Nombre maximal de résultats.")
    ] = 10,
    fmt: FormatOption = Format.table,
) -> None:
    """Rechercher des sessions par mots-clés, les plus pertinentes d'abord."""
    from ..filters import selection

    text = " ".join(query).strip()
    if not text:
        raise InvalidValueError("Recherche vide : indiquez au moins un mot.")
    if len(text) > MAX_QUERY:
        raise InvalidValueError(
            f"Recherche trop longue ({len(text)} caractères ; {MAX_QUERY} au plus)."
        )
    p = programme(ctx, searched=True)
    chosen = selection(p, day=day, room=room, theme=theme)
    within = {s.id for s in chosen.apply(p.sessions)} if chosen != type(chosen)() else None
    index = search_index(ctx)
    results = index.query(text, within=within, limit=limit)
    if not results.hits:
        message = f"Aucun résultat pour « {shown(text)} »."
        suggestion = index.suggest(text)
        if suggestion:
            message += f" Vouliez-vous dire « {suggestion} » ?"
        if results.clues:
            # Weak matches are not results, but they may be what the user is after.
            message += "\nPistes proches (trop peu sûres pour être des résultats) :"
            message += "".join(
                f"\n  {h.session.id} : {h.session.title}{_why(h)}" for h in results.clues
            )
        raise NotFoundError(message)
    page = results.hits
    if fmt is Format.table:
        from . import render

        output.show(render.hits_table(page, text, output.width()))
        if results.total > limit:
            output.info(
                f"{plural(results.total - limit, 'autre résultat')} : "
                "augmentez --limit pour les voir."
            )
        if theme is None:
            # Meaning is looked up for the themes when the search needed it (its table is
            # then read already): a plain word search stays as fast as it was.
            _themes_hint(p, text, meaning=any(hit.kind == "meaning" for hit in page))
        return
    records = _records(p, [h.session for h in page])
    for record, hit in zip(records, page, strict=True):
        record["score"] = hit.score
        record["matched"] = list(hit.matched)
        record["near"] = list(hit.near)
        record["partial"] = list(hit.partial)
    output.write_records(records, fmt)


def _why(clue: Hit) -> str:
    """What a « piste » was found by: the words of the query it has, or words near them."""
    if clue.partial:
        return f"\n    correspond en partie{NBSP}: {', '.join(clue.partial)}"
    if clue.near:
        return f"\n    proche par le sens de{NBSP}: {', '.join(clue.near)}"
    return ""


def _themes_hint(p: Programme, text: str, *, meaning: bool) -> None:
    """Under the results, the themes the query touches and how to narrow it to them."""
    from rich.text import Text

    from ..filters import themes_touched

    touched = themes_touched(p, text, meaning=meaning)
    if touched:
        names = " · ".join(f"{t.label} (--theme {t.id})" for t in touched)
        output.show(Text(f"Thèmes touchés{NBSP}: {names}", style="dim"))


@app.command(short_help="Une session en entier.")
def show(
    ctx: typer.Context,
    session_id: Annotated[
        str,
        typer.Argument(
            help="Identifiant de la session, ou un bout de son titre.",
            metavar="SESSION",
            autocompletion=complete_session,
            show_default=False,
        ),
    ],
    fmt: FormatOption = Format.table,
) -> None:
    """Afficher une session en entier, avec les sigles qu'elle emploie."""
    from ..lookup import AmbiguousSession, find_session
    from . import render

    p = programme(ctx)
    try:
        session = find_session(p, session_id, lambda: search_index(ctx))
    except AmbiguousSession as ambiguous:
        if fmt is Format.table:
            output.show(render.candidates_table(ambiguous.sessions, output.width()))
        else:
            from ..exporters.records import each_session_record

            # made as they are written: tens of thousands of candidates are never all held
            output.write_records(each_session_record(p, ambiguous.sessions), fmt)
        raise
    if fmt is Format.table:
        output.show(render.session_panel(p, session))
        return
    record = _records(p, [session])[0]
    if fmt is Format.json:
        record["acronyms"] = dict(p.acronyms_in(session))
        output.write_json(record)
    else:
        output.write_records([record], fmt)


@app.command(short_help="Les salles et leur nombre de sessions.")
def rooms(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Lister les salles et leur nombre de sessions."""
    p = programme(ctx)
    counts: dict[str | None, int] = {}
    for s in p.sessions:
        key = s.room.id if s.room else None
        counts[key] = counts.get(key, 0) + 1
    rows: list[dict[str, object]] = [
        {"id": r.id, "name": r.name, "sessions": counts.get(r.id, 0)} for r in p.rooms
    ]
    if counts.get(None):
        from ..programme.model import NO_ROOM

        rows.append({"id": None, "name": NO_ROOM, "sessions": counts[None]})
    _emit_rows(rows, fmt, "Salles", {"name": "Salle", "id": "Identifiant", "sessions": "Sessions"})


@app.command(short_help="Les thèmes et leur nombre de sessions.")
def themes(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Lister les thèmes et leur nombre de sessions."""
    p = programme(ctx)
    rows: list[dict[str, object]] = [
        {
            "id": th.id,
            "label": th.label,
            "description": th.description,
            "sessions": sum(1 for s in p.sessions if th in s.themes),
        }
        for th in p.themes
    ]
    if not rows:
        raise NotFoundError("Ce programme ne déclare aucun thème.")
    if fmt is Format.table:
        from .render import themes_table

        output.show(themes_table(rows, output.width()))
    else:
        output.write_records(rows, fmt, list(rows[0]))


@app.command(short_help="Les jours, leurs créneaux et sessions.")
def days(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Lister les jours du colloque, leurs créneaux et leur nombre de sessions."""
    from ..programme.model import day_name, short_date

    p = programme(ctx)
    rows: list[dict[str, object]] = []
    for d in p.days:
        slots = [s for s in p.slots if s.date == d]
        rows.append(
            {
                "date": d.isoformat(),
                "day": day_name(d),
                "label": short_date(d),
                # the JSON's documented « 14:00-15:30 »; on screen, the one range style
                "slots": [
                    s.hours if fmt is Format.table else s.hours.replace("–", "-") for s in slots
                ],
                "sessions": sum(1 for s in p.sessions if s.slot.date == d),
            }
        )
    _emit_rows(
        rows,
        fmt,
        "Jours",
        {"label": "Jour", "date": "Date", "slots": "Créneaux", "sessions": "Sessions"},
    )


def _emit_rows(
    rows: list[dict[str, object]], fmt: Format, title: str, columns: dict[str, str]
) -> None:
    if fmt is not Format.table:
        output.write_records(rows, fmt, list(columns))
        return
    from rich import box
    from rich.table import Table

    from .render import t

    table = Table(title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD)
    keys = list(columns)
    widest_id = max((len(str(row.get("id") or "")) for row in rows), default=0)
    # Identifiers are typed back by users: never cut. When they leave too little room for
    # the names, each goes on a line of its own under its name (a detail line).
    under = "id" in keys and widest_id + NAME_MIN + COUNT_WIDTH + 2 * len(keys) > output.width()
    if under:
        keys.remove("id")
    for key in keys:
        if key == "sessions":
            table.add_column(columns[key], justify="right", no_wrap=True, min_width=COUNT_WIDTH)
        elif key == "id":
            table.add_column(columns[key], no_wrap=True, min_width=widest_id)
        elif key == keys[0]:
            table.add_column(columns[key], ratio=1, min_width=NAME_MIN)
        else:
            table.add_column(columns[key], ratio=1, no_wrap=key == "date")
    for row in rows:
        cells = []
        for key in keys:
            value = row[key]
            if isinstance(value, list):
                if len(value) > MAX_CELL_ITEMS:  # a festival day has hundreds of slots
                    value = f"{len(value)}, de {value[0]} à {value[-1]}"
                else:
                    value = ", ".join(str(v) for v in value)
            cell = t("" if value is None else str(value))
            if under and key == keys[0] and row.get("id"):
                cell.append("\n")
                cell.append_text(t(str(row["id"]), "dim"))
            cells.append(cell)
        table.add_row(*cells)
    output.show(table)
