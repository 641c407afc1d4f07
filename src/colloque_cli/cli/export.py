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

    from ..agenda.store import Pick
    from ..programme.model import Programme, Session

ExportFormat = Enum("ExportFormat", {name: name for name in EXPORTERS}, type=str)  # type: ignore[misc]

ExportFormatOption = Annotated[
    ExportFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Format du fichier produit (sinon d'après l'extension de --output, "
        "sinon json). csv : pour les scripts (virgules) ; tableur : CSV pour un tableur "
        "français (« ; », BOM).",
        case_sensitive=False,
        show_default=False,
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Remplacer le fichier de sortie s'il existe.")
]

# Extension of --output -> the formats such a file may hold, the one inferred first.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    ".json": ("json", "frab-json"),
    ".csv": ("tableur", "csv"),
    ".ics": ("ics",),
    ".md": ("markdown",),
    ".markdown": ("markdown",),
    ".xml": ("frab-xml",),
    ".html": ("html",),
    ".htm": ("html",),
}


def chosen_format(fmt: str | None, out: Path | None, default: str) -> str:
    """The format to write: ``--format``, else the one ``--output``'s extension names,
    else ``default``; a format the extension contradicts is refused."""
    from ..errors import InvalidValueError

    if output.is_stdout(out):
        return fmt or default
    assert out is not None
    suffix = out.suffix.lower()
    fits = EXTENSIONS.get(suffix)
    if fmt is None:
        if fits:
            return fits[0]
        if not suffix:
            return default
        raise InvalidValueError(
            f"Extension « {suffix} » inconnue : précisez le format avec --format "
            f"({', '.join(EXPORTERS)})."
        )
    if fits and fmt not in fits:
        raise InvalidValueError(
            f"Le format {fmt} ne convient pas à un fichier « {suffix} » "
            f"(il y faut : {', '.join(fits)}) : changez l'extension ou --format."
        )
    return fmt


def refuse_overwrite(out: Path | None, force: bool) -> None:
    """A file the user already has is replaced only with ``--force`` (as ``import``)."""
    from ..errors import StorageError

    if force or output.is_stdout(out):
        return
    assert out is not None
    if out.is_file():
        raise StorageError(
            f"« {out} » existe déjà : choisissez un autre nom, ou ajoutez --force pour le "
            "remplacer."
        )


@app.command(short_help="Exporter le programme vers un fichier.")
def export(
    ctx: typer.Context,
    fmt: ExportFormatOption = None,
    day: DayOption = None,
    room: RoomOption = None,
    theme: ThemeOption = None,
    agenda: Annotated[
        bool, typer.Option("--agenda", "-a", help="Seulement les sessions de votre agenda.")
    ] = False,
    out: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Exporter le programme (ou une sélection) vers un fichier : calendrier, tableur…"""
    run_export(
        ctx,
        chosen_format(fmt.value if fmt else None, out, "json"),
        day=day,
        room=room,
        theme=theme,
        agenda=agenda,
        out=out,
        force=force,
    )


def agenda_sessions(p: Programme) -> list[Session]:
    """The sessions of the user's agenda; picks the programme lacks are reported on stderr."""
    from ..agenda.plan import picked_sessions

    sessions, missing = picked_sessions(p)
    warn_missing(missing)
    return sessions


def warn_missing(picks: Sequence[Pick]) -> None:
    """Report picks whose session is no longer in the programme (they stay in the agenda).

    A cancellation the attendee acknowledged (« agenda changes --ack ») is not repeated: the
    agenda still shows it as cancelled, but every command does not nag about it.
    """
    picks = [pick for pick in picks if not (pick.seen and pick.seen.cancelled)]
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
    force: bool = False,
) -> None:
    from ..errors import NotFoundError

    refuse_overwrite(out, force)
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
