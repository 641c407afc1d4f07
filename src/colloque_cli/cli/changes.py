"""``colloque changes``: what changed between two versions of a programme."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..text import number, plural
from . import output
from .app import app

if TYPE_CHECKING:
    from rich.console import RenderableType

    from ..changes import Comparison


class ChangesFormat(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"
    atom = "atom"


OldArgument = Annotated[
    str,
    typer.Argument(
        help="L'ancienne version : fichier YAML, frab XML/JSON ou pretalx, ou son adresse "
        "https:// (la version publiée en ligne).",
        metavar="ANCIEN",
        show_default=False,
    ),
]
NewArgument = Annotated[
    str,
    typer.Argument(
        help="La nouvelle version, dans l'un de ces formats, fichier ou adresse.",
        metavar="NOUVEAU",
        show_default=False,
    ),
]


@app.command(short_help="Comparer deux versions d'un programme.")
def changes(
    ctx: typer.Context,
    old: OldArgument,
    new: NewArgument,
    fmt: Annotated[
        ChangesFormat,
        typer.Option(
            "--format",
            "-f",
            help="Format de sortie : table (lisible), json, markdown (annonce à envoyer) "
            "ou atom (flux à publier).",
            case_sensitive=False,
        ),
    ] = ChangesFormat.table,
    agenda: Annotated[
        bool,
        typer.Option("--agenda", "-a", help="Seulement les sessions de votre agenda."),
    ] = False,
    link: Annotated[
        str | None,
        typer.Option(
            "--link",
            help="Adresse où le flux Atom sera publié (son lien « self »).",
            metavar="URL",
        ),
    ] = None,
    feed: Annotated[
        Path | None,
        typer.Option(
            "--feed",
            help="Flux Atom à tenir à jour (implique -f atom) : relu, les nouvelles "
            "entrées en tête, les 100 plus récentes gardées, réécrit sans risque.",
            metavar="FICHIER",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Comparer deux versions d'un programme : sessions nouvelles, annulées, déplacées…"""
    from ..changes import compare, load_version

    if feed is not None:
        _check_feed_options(ctx, fmt, feed)
    before, after = load_version(old), load_version(new)
    result = compare(
        before.programme, after.programme, old_guids=before.guids, new_guids=after.guids
    )
    if agenda:
        from .agenda_notice import agenda_store

        picks = agenda_store(after.programme).load()
        result = result.only(p.id for p in picks.picks)
    if feed is not None:
        _update_feed(result, feed, link)
        return
    _write(result, fmt, link)
    if not result:
        output.info("Aucun changement.")


def _check_feed_options(ctx: typer.Context, fmt: ChangesFormat, feed: Path) -> None:
    """``--feed`` writes an Atom feed into a file it reads first: no other format, no « - »."""
    from typer._click.core import ParameterSource

    chosen = ctx.get_parameter_source("fmt") is not ParameterSource.DEFAULT
    if chosen and fmt is not ChangesFormat.atom:
        raise typer.BadParameter(
            f"« {fmt.value} » ne va pas avec --feed, qui écrit toujours un flux Atom "
            "(retirez l'une des deux options)",
            param_hint="'--format' / '-f'",
        )
    if str(feed) == "-":
        raise typer.BadParameter(
            "« - » (la sortie standard) ne convient pas : le flux est relu puis réécrit "
            "dans un fichier ; pour l'écrire sur la sortie standard, utilisez -f atom",
            param_hint="'--feed'",
        )


def _update_feed(result: Comparison, feed: Path, link: str | None) -> None:
    """The feed in ``feed`` with this comparison's entries first; what was done, on stderr."""
    if not result:
        output.info(f"Aucun changement : le flux {feed} n'est pas modifié.")
        return
    from ..changes import publish
    from ..changes.atom import updated_feed

    ids = {publish.feed_id(result.old), publish.feed_id(result.new)}
    update, written = updated_feed(
        feed,
        publish.atom_feed(result, link=link),
        ids=ids,
        waiting=lambda: output.info(
            f"Une autre commande colloque publie le flux {feed} : attente de son tour…"
        ),
    )
    total = len(update.feed.entries)
    if update.created:
        output.info(f"Flux créé : {feed} ({plural(total, 'entrée')}).")
    else:
        counts = [
            plural(
                update.added, "nouvelle entrée", "nouvelles entrées", none="aucune nouvelle entrée"
            ),
            f"{number(total)} en tout",
        ]
        if update.dropped:
            counts.append(plural(update.dropped, "ancienne retirée", "anciennes retirées"))
        state = "mis à jour" if written else "déjà à jour"
        output.info(f"Flux {state} : {feed} ({', '.join(counts)}).")
    if update.left_out:
        from ..changes.atom import MAX_ENTRIES

        output.warn(
            f"{plural(update.left_out, 'changement')} de cette version "
            f"{'manque' if update.left_out == 1 else 'manquent'} au flux, qui garde "
            f"{MAX_ENTRIES} entrées au plus : annoncez-les aussi autrement (-f markdown)."
        )


def _write(result: Comparison, fmt: ChangesFormat, link: str | None) -> None:
    from ..changes import publish

    if fmt is ChangesFormat.json:
        output.write_json(publish.records(result))
    elif fmt is ChangesFormat.markdown:
        if result:
            output.write(publish.to_markdown(result))
    elif fmt is ChangesFormat.atom:
        output.write(publish.to_atom(result, link=link))
    elif result:
        output.show(*changes_view(result))


def changes_view(result: Comparison) -> list[RenderableType]:
    """The changes as a person reads them: by day, then by hour; one detail a line.

    Indents rather than columns: a long title or detail wraps under itself, at any width.
    """
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    from ..changes import publish

    parts: list[RenderableType] = []
    head = Text(publish.sentence(publish.summary(result)) + ".", style="bold")
    for line in publish.colloque_lines(result):
        head.append("\n" + line, style="")
    parts.append(head)
    styles = {"Nouvelle": "green", "Annulée": "red"}
    for day, hours in publish.by_day(result):
        lines: list[RenderableType] = [Text(day, style="bold underline")]
        for hour, items in hours:
            lines.append(Text(hour, style="bold"))
            for change in items:
                label = publish.headline(change)
                headline = Text()
                headline.append(label, style=styles.get(label, "yellow"))
                headline.append(f"{publish.NB}: ")
                headline.append(publish.quoted(change.session.title), style="bold")
                headline.append(f" ({change.session.id})", style="dim")
                lines.append(Padding(headline, (0, 0, 0, 2)))
                lines += [Padding(Text(d), (0, 0, 0, 6)) for d in publish.details(change)]
        parts.append(Group(*lines))
    return parts


@app.command(short_help="Mettre à jour un programme en ligne.")
def update(ctx: typer.Context) -> None:
    """Mettre à jour le programme publié en ligne (--programme URL) et dire ce qui a changé."""
    from ..changes import compare, load_version
    from ..errors import InvalidValueError
    from ..programme.remote import Remote, when
    from ..programme.source import chosen_programme, is_url

    root = ctx.find_root()
    url = chosen_programme((root.obj or {}).get("programme"))
    if url is None or not is_url(url):
        raise InvalidValueError(
            "« colloque update » suit un programme publié en ligne : donnez son adresse avec "
            "« colloque --programme https://… update » ou la variable COLLOQUE_PROGRAMME."
        )
    copy = Remote(url).follow(force=True)
    if not copy.changed:
        checked = f" (vérifié le {when(copy.confirmed_at)})" if copy.confirmed_at else ""
        output.info(f"Le programme est à jour{checked}.")
        return
    if copy.previous is None:
        programme = load_version(copy.path).programme
        count = len(programme.sessions)
        output.info(f"Programme téléchargé de {url} : {plural(count, 'session')}.")
        return
    before, after = load_version(copy.previous), load_version(copy.path)
    result = compare(before.programme, after.programme)
    output.info("Nouvelle version du programme téléchargée.")
    _write(result, ChangesFormat.table, None)
    if not result:
        output.info("Aucun changement dans les sessions.")
