"""``colloque export``: the programme, or a selection, as a file for other tools."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..exporters import EXPORTERS
from . import output
from .app import app
from .options import DayOption, RoomOption, ThemeOption, programme

ExportFormat = Enum("ExportFormat", {name: name for name in EXPORTERS}, type=str)  # type: ignore[misc]


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat,  # type: ignore[valid-type]
        typer.Option("--format", "-f", help="Format du fichier produit.", case_sensitive=False),
    ] = "json",  # type: ignore[assignment]
    day: DayOption = None,
    room: RoomOption = None,
    theme: ThemeOption = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Fichier à écrire (sinon la sortie standard).", metavar="FICHIER"
        ),
    ] = None,
) -> None:
    """Exporter le programme (ou une sélection) vers un fichier : calendrier, tableur…"""
    from ..errors import NotFoundError
    from ..exporters import exporter
    from ..filters import selection
    from ..storage import atomic_write

    p = programme(ctx)
    sessions = selection(p, day=day, room=room, theme=theme).apply(p.sessions)
    if not sessions:
        raise NotFoundError("Aucune session ne correspond à ces critères : rien à exporter.")
    text = exporter(fmt.value)(p, sessions)
    if out is None or str(out) == "-":
        output.write(text)
        return
    atomic_write(out, text)
    output.info(f"{len(sessions)} session(s) exportée(s) vers {out}.")
