"""``colloque grid``: the timetable, time down the side and rooms across."""

from __future__ import annotations

from typing import Annotated

import typer

from ..errors import InvalidValueError, NotFoundError
from . import output
from .app import app
from .options import DayOption, complete_room, programme

RoomsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--room",
        "-r",
        help="Salle à montrer (répétable) : « k.4.401 », pleniere, radio… "
        "(voir « colloque rooms »).",
        metavar="SALLE",
        autocompletion=complete_room,
    ),
]


@app.command(short_help="La grille horaire : heures et salles.")
def grid(
    ctx: typer.Context,
    day: DayOption = None,
    room: RoomsOption = None,
    step: Annotated[
        int | None,
        typer.Option(
            "--pas",
            min=5,
            max=240,
            metavar="MINUTES",
            help="Pas de la grille, en minutes (par défaut : 30, 15, 10 ou 5 selon les horaires).",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option("--de", metavar="HH:MM", help="Commencer la grille à cette heure."),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option("--a", metavar="HH:MM", help="Arrêter la grille à cette heure."),
    ] = None,
) -> None:
    """Afficher la grille horaire : les heures en lignes, les salles en colonnes."""
    from ..filters import parse_time, resolve_room, selection
    from ..grid import grids

    p = programme(ctx)
    chosen = selection(p, day=day)
    start = parse_time(since) if since is not None else None
    end = parse_time(until) if until is not None else None
    if start is not None and end is not None and end <= start:
        raise InvalidValueError(
            f"Fenêtre vide : --a ({end:%H:%M}) doit venir après --de ({start:%H:%M})."
        )
    sessions = chosen.apply(p.sessions)
    if room:
        wanted = {resolve_room(p, name).id for name in room}
        sessions = [s for s in sessions if s.room is not None and s.room.id in wanted]
    days = [chosen.day] if chosen.day is not None else list(p.days)
    found = grids(sessions, p.rooms, days, step=step, since=start, until=end)
    if not found:
        raise NotFoundError("Aucune session ne correspond à ces critères.")
    from .render_grid import render

    output.show(*render(found, output.width()))
