"""``colloque agenda``: the attendee's picks (add, remove, list, clear, export)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..errors import NotFoundError
from ..text import plural
from . import output
from .app import FrenchGroup, app
from .export import ExportFormatOption, ForceOption, chosen_format, run_export, warn_missing
from .options import (
    DayOption,
    FormatOption,
    OutputOption,
    RoomOption,
    ThemeOption,
    complete_session,
    programme,
)
from .output import Format

if TYPE_CHECKING:
    from ..agenda.plan import Added
    from ..agenda.store import Agenda, AgendaStore
    from ..programme.model import Programme, Session

agenda_app = typer.Typer(
    cls=FrenchGroup,  # errors are handled by the root command
    name="agenda",
    help="Votre agenda personnel : les sessions que vous choisissez, créneau par créneau.",
    short_help="Votre agenda : vos choix, créneau par créneau.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(agenda_app)

SessionsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Identifiants des sessions, ou des bouts de leurs titres.",
        metavar="SESSION…",
        autocompletion=complete_session,
        show_default=False,
    ),
]


def _resolve_all(p: Programme, texts: list[str]) -> list[Session]:
    """The sessions ``texts`` name; one that names none (or several) stops the command,
    saying that nothing was added, not even the sessions that were found."""
    from ..errors import ColloqueError

    found: list[Session] = []
    for text in texts:
        try:
            found.append(_find(p, text))
        except ColloqueError as error:
            if len(texts) > 1:
                error.args = (f"{error} Rien n'a été ajouté à votre agenda"
                              f"{_not_even(found)}.",)  # fmt: skip
            raise
    return found


def _not_even(found: list[Session]) -> str:
    if not found:
        return ""
    return " (pas même " + ", ".join(s.id for s in found) + ")"


def complete_picked(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion for ``agenda remove``: only the sessions in the agenda."""
    from ..errors import ColloqueError
    from ..text import fold

    try:
        p = programme(ctx)
        agenda = _store(p).load()
    except ColloqueError:
        return []
    wanted = fold(incomplete)
    return [(pick.id, pick.title) for pick in agenda.picks if fold(pick.id).startswith(wanted)]


PickedArgument = Annotated[
    list[str],
    typer.Argument(
        help="Identifiants des sessions de votre agenda, ou des bouts de leurs titres.",
        metavar="SESSION…",
        autocompletion=complete_picked,
        show_default=False,
    ),
]


def _about(session: Session) -> str:
    from ..programme.model import short_date

    return (
        f"« {session.title} » ({short_date(session.slot.date)}, {session.slot.hours}, "
        f"{session.room_name})"
    )


def _store(p: Programme) -> AgendaStore:
    from .agenda_notice import agenda_store

    return agenda_store(p)


def _find(p: Programme, text: str) -> Session:
    """A session as ``show`` finds it; an ambiguous fragment lists its candidates."""
    from ..lookup import AmbiguousSession, find_session

    try:
        return find_session(p, text)
    except AmbiguousSession as ambiguous:
        from . import render

        output.show(render.candidates_table(ambiguous.sessions, output.width()))
        raise


@agenda_app.command("add", short_help="Ajouter des sessions à votre agenda.")
def add(
    ctx: typer.Context,
    sessions: SessionsArgument,
    replace: Annotated[
        bool,
        typer.Option(
            "--replace", help="Retirer de l'agenda les sessions qui se tiennent en même temps."
        ),
    ] = False,
) -> None:
    """Ajouter des sessions à votre agenda (un conflit d'horaire est signalé)."""
    from ..agenda.plan import add_all

    p = programme(ctx)
    chosen = _resolve_all(p, sessions)  # all resolved before anything is written
    with _store(p).edit() as agenda:
        outcomes = add_all(agenda, p, chosen, replace=replace)
    if len(outcomes) > DETAILED:
        _summarise(outcomes)
        return
    for outcome in outcomes:
        session = outcome.session
        if outcome.already:
            output.info(f"Déjà dans votre agenda : {_about(session)}.")
        else:
            output.info(f"Ajoutée à votre agenda : {_about(session)}.")
        for other in outcome.replaced:
            output.info(f"Retirée de votre agenda (même horaire) : {_about(other)}.")
        for other in outcome.collides_with:
            output.warn(
                f"Conflit d'horaire : « {session.title} » ({session.id}) se tient en même temps "
                f"que « {other.title} » ({other.id}), déjà dans votre agenda. Gardez-en une : "
                f"« colloque agenda add {session.id} --replace » ou "
                f"« colloque agenda remove {session.id} »."
            )


# Past this many sessions in one « agenda add », a count replaces the line per session and
# per conflict (adding a whole programme of 943 sessions printed 18 128 conflict lines).
DETAILED = 10


def _summarise(outcomes: list[Added]) -> None:
    added = sum(1 for o in outcomes if not o.already)
    already = len(outcomes) - added
    replaced = {other.id for o in outcomes for other in o.replaced}
    clashing = [o for o in outcomes if o.collides_with]
    pairs = {frozenset((o.session.id, other.id)) for o in clashing for other in o.collides_with}
    parts = [_count(added, "session ajoutée", "sessions ajoutées") + " à votre agenda"]
    if already:
        parts.append(_count(already, "déjà présente", "déjà présentes"))
    if replaced:
        parts.append(_count(len(replaced), "retirée (même horaire)", "retirées (même horaire)"))
    output.info(", ".join(parts) + ".")
    if pairs:
        concerned = _count(
            len(clashing), "session ajoutée concernée", "sessions ajoutées concernées"
        )
        output.warn(
            f"{_count(len(pairs), 'conflit', 'conflits')} d'horaire entre vos sessions "
            f"({concerned}) : « colloque agenda list » les montre ; gardez-en une par créneau "
            "avec « colloque agenda add SESSION --replace »."
        )


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _target(p: Programme, agenda: Agenda, text: str) -> str | None:
    """The id of the pick that ``text`` names (an id, a title fragment), None if not picked."""
    from ..errors import ColloqueError
    from ..lookup import AmbiguousSession, find_session, names_title

    wanted = text.strip()
    if wanted in agenda:
        return wanted
    try:
        session = find_session(p, text)
    except AmbiguousSession as ambiguous:
        mine = [s for s in ambiguous.sessions if s.id in agenda]
        if len(mine) == 1:
            return mine[0].id
        if mine:
            raise AmbiguousSession(text, mine) from None
        return None
    except ColloqueError:
        # A pick whose session left the programme can still be named by its stored title.
        from ..text import fold

        stale = [
            pick.id
            for pick in agenda.picks
            if p.session(pick.id) is None and names_title(fold(wanted), pick.title)
        ]
        return stale[0] if len(stale) == 1 else None
    return session.id if session.id in agenda else None


@agenda_app.command("remove", short_help="Retirer des sessions de votre agenda.")
def remove(ctx: typer.Context, sessions: PickedArgument) -> None:
    """Retirer des sessions de votre agenda."""
    p = programme(ctx)
    absent: list[str] = []
    removed = []
    with _store(p).edit() as agenda:
        for text in sessions:
            target = _target(p, agenda, text)
            pick = agenda.remove(target) if target else None
            if pick is None:
                absent.append(text)
            else:
                removed.append(pick)
    for pick in removed:
        session = p.session(pick.id)
        output.info(
            f"Retirée de votre agenda : {_about(session) if session else f'« {pick.title} »'}."
        )
    if absent:
        names = ", ".join(f"« {a} »" for a in absent)
        raise NotFoundError(
            f"Pas dans votre agenda : {names}. Voyez vos choix avec « colloque agenda list »."
        )


@agenda_app.command("list", short_help="Votre agenda, créneau par créneau.")
def list_agenda(ctx: typer.Context, fmt: FormatOption = Format.table) -> None:
    """Afficher votre agenda créneau par créneau : choix, créneaux libres, conflits."""
    from ..agenda.plan import plan
    from .agenda_notice import announce

    p = programme(ctx)
    announce(p)
    agenda = _store(p).load()
    laid = plan(p, agenda)
    if fmt is Format.table:
        from .render_agenda import agenda_summary, agenda_table

        width = output.width()
        output.show(agenda_table(p, laid, width), agenda_summary(laid, width))
    else:
        from ..agenda.records import AGENDA_FIELDS, agenda_records

        output.write_records(agenda_records(laid), fmt, AGENDA_FIELDS)
    if not agenda:
        output.info("Votre agenda est vide : ajoutez des sessions avec « colloque agenda add ».")
    warn_missing(laid.missing)


@agenda_app.command("clear", short_help="Vider votre agenda (copie gardée).")
def clear(
    ctx: typer.Context,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Ne pas demander de confirmation.")
    ] = False,
) -> None:
    """Vider votre agenda (l'ancien est gardé de côté, en .bak)."""
    from ..agenda.store import AgendaCorrupt

    p = programme(ctx)
    store = _store(p)
    if not store.path.exists():
        output.info("Votre agenda est déjà vide.")
        return
    try:
        count = len(store.load())
        question = f"Vider votre agenda ({plural(count, 'session')}) ?"
    except AgendaCorrupt:
        question = f"Mettre de côté votre agenda illisible « {store.path} » ?"
    if not yes and not output.confirm(question):
        output.info("Rien n'a été effacé.")
        raise typer.Abort()
    backup = store.clear()
    if backup is None:
        output.info("Votre agenda est déjà vide.")
        return
    output.info(f"Agenda vidé. L'ancien est conservé dans « {backup} ».")


@agenda_app.command("export", short_help="Exporter votre agenda (iCalendar…).")
def export_agenda(
    ctx: typer.Context,
    fmt: ExportFormatOption = None,
    day: DayOption = None,
    room: RoomOption = None,
    theme: ThemeOption = None,
    out: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Exporter votre agenda (iCalendar par défaut, pour votre application de calendrier)."""
    fmt_name = chosen_format(fmt.value if fmt else None, out, "ics")
    run_export(ctx, fmt_name, day=day, room=room, theme=theme, agenda=True, out=out, force=force)


InterestsArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Vos centres d'intérêt : un mot ou une expression entre guillemets chacun.",
        metavar="INTÉRÊTS…",
        show_default=False,
    ),
]


def _interests(given: list[str] | None) -> list[str]:
    """The interests given on the command line, else those remembered."""
    from ..errors import InvalidValueError
    from ..suggest import clean, load_interests

    interests = clean(given or []) or load_interests()
    if not interests:
        raise InvalidValueError(
            "Indiquez vos centres d'intérêt (« colloque agenda suggest mobilité climat ») "
            "ou enregistrez-les avec « colloque agenda interests MOTS… »."
        )
    return interests


@agenda_app.command("suggest", short_help="Proposer un agenda selon vos intérêts.")
def suggest(
    ctx: typer.Context,
    interests: InterestsArgument = None,
    apply: Annotated[
        bool, typer.Option("--apply", help="Ajouter les propositions à votre agenda.")
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Proposer, créneau par créneau, les sessions qui correspondent à vos intérêts."""
    from ..agenda.plan import add as add_pick
    from ..suggest import suggest as plan_from
    from .options import search_index

    wanted = _interests(interests)
    p = programme(ctx, searched=True)
    store = _store(p)
    found = plan_from(p, search_index(ctx), wanted, store.load())
    if fmt is Format.table:
        from ..suggest import slots_apart
        from .render_agenda import suggestions_table

        output.show(suggestions_table(found, wanted))
        if not slots_apart(p):
            output.info(
                "Les créneaux de ce programme se chevauchent : voici un parcours sans "
                "chevauchement ; les moments où rien ne vous correspond ne sont pas listés."
            )
    else:
        from ..suggest import SUGGESTION_FIELDS, suggestion_records

        output.write_records(suggestion_records(found), fmt, SUGGESTION_FIELDS)
    proposed = [s.best.session for s in found if s.best is not None]
    if not proposed:
        raise NotFoundError("Aucune session ne correspond à ces intérêts.")
    if not apply:
        if fmt is Format.table:
            output.info("Ajoutez ces propositions à votre agenda avec --apply.")
        return
    with store.edit() as agenda:
        outcomes = [add_pick(agenda, p, s) for s in proposed]
    added = [o for o in outcomes if not o.already]
    output.info(f"{plural(len(added), 'session ajoutée')} à votre agenda.")
    for outcome in outcomes:
        for other in outcome.collides_with:
            output.warn(
                f"Conflit d'horaire : « {outcome.session.title} » ({outcome.session.id}) se "
                f"tient en même temps que « {other.title} » ({other.id}), déjà dans votre agenda."
            )


@agenda_app.command("interests", short_help="Retenir vos centres d'intérêt.")
def interests_command(
    interests: InterestsArgument = None,
    forget: Annotated[
        bool, typer.Option("--clear", help="Oublier les centres d'intérêt enregistrés.")
    ] = False,
) -> None:
    """Enregistrer vos centres d'intérêt (pour « agenda suggest » et « next »), ou les afficher."""
    from ..suggest import clean, load_interests, save_interests

    if forget:
        save_interests([])
        output.info("Centres d'intérêt oubliés.")
        return
    given = clean(interests or [])
    if given:
        save_interests(given)
        output.info(f"Centres d'intérêt enregistrés : {', '.join(given)}.")
        return
    saved = load_interests()
    if not saved:
        output.info(
            "Aucun centre d'intérêt enregistré : « colloque agenda interests mobilité climat »."
        )
        return
    typer.echo(", ".join(saved))


@agenda_app.command("changes", short_help="Ce qui a changé pour vos sessions.")
def agenda_changes(
    ctx: typer.Context,
    ack: Annotated[
        bool,
        typer.Option(
            "--ack",
            help="Prendre acte des changements : le rappel disparaît, vos choix restent.",
        ),
    ] = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Ce qui a changé pour vos sessions depuis que vous les avez choisies."""
    from ..agenda.review import acknowledge, details, fill_seen, review

    p = programme(ctx)
    store = _store(p)
    if ack:
        with store.edit() as agenda:
            fill_seen(agenda, p)
            changes = acknowledge(agenda, p)
    else:
        changes = review(p, store.load())
    if fmt is not Format.table:
        records = [
            {
                "id": c.pick.id,
                "new_id": c.session.id if c.session else None,
                "title": c.session.title if c.session else c.seen.title,
                "changes": list(c.kinds) + (["conflict"] if c.conflicts else []),
                "details": details(c),
                "conflicts_with": [s.id for s in c.conflicts],
            }
            for c in changes
        ]
        output.write_records(records, fmt, ("id", "new_id", "title", "changes", "details"))
    elif changes:
        output.show(_changes_view(changes))
    nb = "\u202f"
    if not changes:
        output.info("Aucun changement pour les sessions de votre agenda.")
    elif ack:
        output.info(
            f"C'est noté{nb}: le rappel disparaît. Vos choix restent dans votre agenda"
            + (
                f"{nb}; retirez une session annulée avec « colloque agenda remove ID »."
                if any(c.session is None for c in changes)
                else "."
            )
        )
    else:
        output.info(
            "Prenez-en acte avec « colloque agenda changes --ack » (le rappel disparaît, "
            "vos choix restent)."
        )


def _changes_view(changes: list[Any]) -> Any:
    """Each changed pick, its changes indented under it (wrapped under themselves)."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.text import Text

    from ..agenda.review import details
    from ..text import inert

    nb = "\u202f"
    lines: list[Any] = []
    for change in changes:
        title = change.session.title if change.session else change.seen.title
        head = Text()
        head.append(f"«{nb}{inert(title)}{nb}»", style="bold")
        head.append(f" ({inert(change.pick.id)})", style="dim")
        lines.append(head)
        for line in details(change):
            style = "red" if line.startswith("annulée") else ""
            lines.append(Padding(Text(line, style=style), (0, 0, 0, 4)))
    return Group(*lines)
