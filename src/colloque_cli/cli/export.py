"""``colloque export``: the programme, or a selection, as a file for other tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..exporters import EXPORTERS
from ..text import plural
from . import output
from .app import app
from .options import DayOption, OutputOption, RoomOption, ThemeOption, programme

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..agenda import Pick
    from ..programme.model import Programme, Session

ExportFormat = Enum("ExportFormat", {name: name for name in EXPORTERS}, type=str)  # type: ignore[misc]

ExportFormatOption = Annotated[
    ExportFormat,
    typer.Option("--format", "-f", help="Format du fichier produit.", case_sensitive=False),
]


@app.command()
def export(
    ctx: typer.Context,
    fmt: ExportFormatOption = "json",  # type: ignore[assignment]
    day: DayOption = None,
    room: RoomOption = None,
    theme: ThemeOption = None,
    agenda: Annotated[
        bool, typer.Option("--agenda", "-a", help="Seulement les sessions de votre agenda.")
    ] = False,
    out: OutputOption = None,
) -> None:
    """Exporter le programme (ou une sélection) vers un fichier : calendrier, tableur…"""
    run_export(ctx, fmt.value, day=day, room=room, theme=theme, agenda=agenda, out=out)


def agenda_sessions(p: Programme) -> list[Session]:
    """The sessions of the user's agenda; picks the programme lacks are reported on stderr."""
    from ..agenda import picked_sessions

    sessions, missing = picked_sessions(p)
    warn_missing(missing)
    return sessions


def warn_missing(picks: Sequence[Pick]) -> None:
    """Report picks whose session is no longer in the programme (they stay in the agenda)."""
    if not picks:
        return
    names = ", ".join(f"« {pick.title or pick.id} » ({pick.id})" for pick in picks)
    one = len(picks) == 1
    output.warn(
        f"{plural(len(picks), 'choix')} de votre agenda "
        f"{'introuvable' if one else 'introuvables'} dans ce programme : {names}. "
        f"{'Il reste' if one else 'Ils restent'} dans votre agenda ; "
        f"{'retirez-le' if one else 'retirez-les'} avec « colloque agenda remove "
        f"{' '.join(pick.id for pick in picks)} »."
    )


def run_export(
    ctx: typer.Context,
    fmt: str,
    *,
    day: str | None,
    room: str | None,
    theme: str | None,
    agenda: bool,
    out: Path | None,
) -> None:
    from ..errors import NotFoundError
    from ..exporters import exporter
    from ..filters import selection

    p = programme(ctx)
    if agenda:
        from .agenda_notice import announce

        announce(p)
    chosen = selection(p, day=day, room=room, theme=theme)
    if fmt == "html" and agenda:
        # The page holds the whole programme, the agenda's sessions already chosen.
        from ..exporters.html import to_html

        picked = agenda_sessions(p)
        sessions = chosen.apply(p.sessions)
        if not sessions:
            raise NotFoundError("Aucune session ne correspond à ces critères : rien à exporter.")
        text = to_html(p, sessions, preselected=[s.id for s in picked])
    else:
        sessions = chosen.apply(agenda_sessions(p) if agenda else p.sessions)
        if not sessions:
            raise NotFoundError("Aucune session ne correspond à ces critères : rien à exporter.")
        text = exporter(fmt)(p, sessions)
    if output.deliver(text, out):
        output.info(f"{plural(len(sessions), 'session exportée')} vers {out}.")
