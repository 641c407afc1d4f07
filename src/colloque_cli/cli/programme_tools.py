"""Commands for programme files themselves: validate, schema, import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import InvalidProgramme, StorageError
from ..text import plural as _plural
from . import output
from .app import app


def _chosen_programme(ctx: typer.Context) -> str | None:
    root = ctx.find_root()
    return (root.obj or {}).get("programme") if root.obj else root.params.get("programme")


@app.command()
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
    from ..programme.loader import check_file
    from ..programme.source import resolve_programme_path
    from ..text import inert

    path = resolve_programme_path(file or _chosen_programme(ctx))
    problems, programme = check_file(path)
    if problems:
        # plain spaces: editors and scripts parse these « file:line:col: message » lines
        output.write("".join(inert(str(problem)).replace("\n", " ") + "\n" for problem in problems))
        raise InvalidProgramme(f"{_plural(len(problems), 'problème')} dans {path}.")
    assert programme is not None
    output.write(
        f"{path} est valide : {_plural(len(programme.sessions), 'session')}, "
        f"{_plural(len(programme.slots), 'créneau', 'créneaux')}, "
        f"{_plural(len(programme.rooms), 'salle')}.\n"
    )


@app.command()
def schema(
    out: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Fichier à écrire (sinon la sortie standard).", metavar="FICHIER"
        ),
    ] = None,
) -> None:
    """Afficher le schéma JSON du fichier de programme, pour la validation dans les éditeurs."""
    from ..exporters.records import json_text
    from ..infra.storage import atomic_write
    from ..programme.schema import json_schema

    text = json_text(json_schema())
    if out is None or str(out) == "-":
        output.write(text)
        return
    atomic_write(out, text)
    output.info(f"Schéma écrit dans {out}.")


@app.command("import")
def import_schedule(
    file: Annotated[
        Path,
        typer.Argument(
            help="Programme publié au format frab : schedule.xml ou schedule.json.",
            metavar="FICHIER",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Fichier de programme YAML à écrire (sinon la sortie standard).",
            metavar="FICHIER",
        ),
    ] = None,
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
    from ..importers import import_schedule, read_file
    from ..infra.storage import atomic_write

    to_stdout = out is None or str(out) == "-"
    if not to_stdout:
        assert out is not None
        if out.exists() and file.exists() and out.resolve() == file.resolve():
            raise StorageError(
                f"« {out} » est le fichier importé lui-même : choisissez un autre nom."
            )
        if out.exists() and not force:
            raise StorageError(
                f"« {out} » existe déjà : choisissez un autre nom, "
                "ou ajoutez --force pour le remplacer."
            )
    result = import_schedule(read_file(file), str(file), timezone=timezone)
    for warning in result.warnings:
        output.warn(warning)
    summary = (
        f"{_plural(result.sessions, 'session')}, {_plural(result.rooms, 'salle')}, "
        f"{_plural(result.themes, 'thème')}, {_plural(result.slots, 'créneau', 'créneaux')}"
    )
    if result.skipped:
        summary += f" ; {_plural(result.skipped, 'événement')} non repris (voir plus haut)"
    if to_stdout:
        output.write(result.text)
        output.info(f"Importé : {summary}.")
        return
    assert out is not None
    atomic_write(out, result.text)
    output.info(f"Importé dans {out} : {summary}.")
    output.info(f"Pour l'explorer : colloque --programme {out} list")
