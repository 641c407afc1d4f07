"""Commands for programme files themselves: validate, schema, import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import InvalidProgramme, StorageError
from ..text import plural as _plural
from . import output
from .app import app
from .options import OutputOption

if TYPE_CHECKING:
    from ..programme.model import Programme


def _chosen_programme(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return (root.obj or {}).get("programme") if root.obj else root.params.get("programme")


def ambiguous_times(programme: Programme) -> list[str]:
    """A sentence per slot time that a clock change makes happen twice."""
    from ..programme.model import clock_change, hhmm

    tz = programme.tz
    found = []
    for slot in programme.slots:
        for day, moment in ((slot.date, slot.start), (slot.end_date or slot.date, slot.end)):
            if clock_change(day, moment, tz) == "fold":
                found.append(
                    f"créneau « {slot.id} » : l'heure {hhmm(moment)} du {day.isoformat()} existe "
                    f"deux fois dans le fuseau {programme.colloque.timezone} (les horloges "
                    "reculent au changement d'heure) : la première est retenue."
                )
    return found


@app.command(short_help="Vérifier un fichier de programme.")
def validate(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="Fichier de programme à vérifier (sinon le programme utilisé).",
            metavar="FICHIER",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Vérifier un fichier de programme : tous ses problèmes d'un coup, avec ligne et colonne."""
    from ..errors import problem_lines
    from ..programme.loader import check_file
    from ..programme.source import resolve_programme_path
    from ..text import inert

    chosen = str(file) if file else _chosen_programme(ctx)
    if chosen is None or not file:
        from .options import local_programme

        chosen = local_programme(chosen)  # a programme URL: its local copy
    path = resolve_programme_path(chosen)
    from ..infra.progress import stage

    with stage(f"Vérification de {path.name}…"):
        problems, programme = check_file(path)
    if problems:
        # plain spaces: editors and scripts parse these « file:line:col: message » lines
        lines = problem_lines(problems, compiler=True)
        output.write("".join(inert(line).replace("\n", " ") + "\n" for line in lines))
        raise InvalidProgramme(f"{_plural(len(problems), 'problème')} dans {path}.")
    assert programme is not None
    for warning in ambiguous_times(programme):
        output.warn(f"{path} : {warning}")
    output.sentence(
        f"{inert(str(path))} est valide : {_plural(len(programme.sessions), 'session')}, "
        f"{_plural(len(programme.slots), 'créneau', 'créneaux')}, "
        f"{_plural(len(programme.rooms), 'salle')}."
    )


@app.command(short_help="Le schéma JSON des fichiers de programme.")
def schema(out: OutputOption = None) -> None:
    """Afficher le schéma JSON du fichier de programme, pour la validation dans les éditeurs."""
    from ..exporters.records import json_text
    from ..programme.schema import json_schema

    if output.deliver(json_text(json_schema()), out):
        output.info(f"Schéma écrit dans {out}.")


@app.command("import", short_help="Convertir un programme frab ou pretalx.")
def import_schedule(
    given: Annotated[
        str,
        typer.Argument(
            help="Programme publié au format frab : schedule.xml ou schedule.json, fichier, "
            "adresse https:// ou « - » (l'entrée standard).",
            metavar="FICHIER",
            show_default=False,
        ),
    ],
    out: OutputOption = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Fuseau horaire IANA du programme (par exemple Europe/Paris), "
            "quand le fichier n'en déclare pas ou en déclare un faux.",
            metavar="FUSEAU",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le fichier de sortie s'il existe.")
    ] = False,
) -> None:
    """Convertir un programme frab/pentabarf/pretalx en fichier de programme YAML."""
    from ..importers import STDIN, import_schedule, read_file, read_stream
    from ..programme.source import is_url

    remote = is_url(given)
    file = Path(given)
    from_stdin = given == "-"
    if out is not None and not output.is_stdout(out):
        same = not from_stdin and not remote and out.exists() and file.exists()
        if same and out.resolve() == file.resolve():
            raise StorageError(
                f"« {out} » est le fichier importé lui-même : choisissez un autre nom."
            )
        if out.exists() and not force:
            raise StorageError(
                f"« {out} » existe déjà : choisissez un autre nom, "
                "ou ajoutez --force pour le remplacer."
            )
    if from_stdin:
        data, source = read_stream(sys.stdin.buffer, STDIN), STDIN
    elif remote:
        from ..programme.download import download

        data, source = download(given), given.strip()
    else:
        data, source = read_file(file), str(file)
    result = import_schedule(data, source, timezone=timezone)
    for warning in result.warnings:
        output.warn(warning)
    summary = (
        f"{_plural(result.sessions, 'session')}, {_plural(result.rooms, 'salle')}, "
        f"{_plural(result.themes, 'thème')}, {_plural(result.slots, 'créneau', 'créneaux')}"
    )
    if result.skipped:
        summary += f" ; {_plural(result.skipped, 'événement')} non repris (voir plus haut)"
    if not output.deliver(result.text, out):
        output.info(f"Importé : {summary}.")
        return
    output.info(f"Importé dans {out} : {summary}.")
    output.info(f"Pour l'explorer : colloque --programme {out} list")
