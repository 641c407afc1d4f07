"""``colloque now`` and ``colloque next``: what is on, what comes next, and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..text import NBSP, typeset
from . import output
from .app import app
from .options import FormatOption, programme
from .output import Format

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..programme.model import Programme, Session

AtOption = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="Moment à considérer, à l'heure du colloque : « 2025-03-04 14:30 », "
        "« mardi 14h30 », « 14:30 »… (par défaut : maintenant).",
        metavar="MOMENT",
    ),
]
LongOption = Annotated[
    bool,
    typer.Option("--long", "-l", help="Tout le détail : thèmes, intervenants, descriptions."),
]
MineOption = Annotated[
    bool, typer.Option("--agenda", "-a", help="Seulement les sessions de votre agenda.")
]


def _moment(p: Programme, at: str | None) -> datetime:
    from ..timeline import parse_moment

    now = datetime.now(p.tz)
    return parse_moment(at, p, now=now) if at is not None else now


def _pool(p: Programme, mine: bool) -> list[Session]:
    from .agenda_notice import announce

    announce(p)  # now/next are what one looks at during the colloque: say it there too
    if not mine:
        return list(p.sessions)
    from .export import agenda_sessions

    return agenda_sessions(p)


def _say(sentence: str, fmt: Format) -> None:
    """The answer is a sentence: on stdout for a person, on stderr next to empty data."""
    if fmt is Format.table:
        from rich.text import Text

        output.show(Text(typeset(sentence)))
    else:
        output.write_records([], fmt)
        output.info(sentence)


def _sessions(p: Programme, sessions: Sequence[Session], long: bool) -> list[Any]:
    """A slot at a glance (one screen), or in full with ``--long``."""
    from . import render

    width = output.width()
    if long:
        return list(render.listing(p, sessions, long=True, width=width))
    return list(render.brief_listing(p, sessions, width))


def _moment_label(p: Programme, at: datetime) -> str:
    from ..programme.model import hhmm, long_date

    local = at.astimezone(p.tz)
    return f"{long_date(local.date())}, {hhmm(local.time())}"


@app.command(short_help="Ce qui se tient en ce moment.")
def now(
    ctx: typer.Context,
    at: AtOption = None,
    mine: MineOption = False,
    long: LongOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Les sessions en cours (à l'heure du colloque), ou quand reprendre."""
    from ..timeline import idle_sentence, running

    p = programme(ctx)
    moment = _moment(p, at)
    sessions = _pool(p, mine)
    on = running(p, sessions, moment)
    if not on:
        _say(idle_sentence(p, sessions, moment, mine=mine), fmt)
        return
    if fmt is Format.table:
        from rich.text import Text

        heading = f"En ce moment ({_moment_label(p, moment)}) :"
        output.show(Text(typeset(heading), style="bold"), *_sessions(p, on, long))
        return
    from ..exporters.records import session_records

    output.write_records(session_records(p, on), fmt)


def _in_your_field(
    ctx: typer.Context, sessions: Sequence[Session]
) -> dict[Session, tuple[str, ...]]:
    """The sessions among ``sessions`` that match the remembered interests, with which."""
    from ..errors import StorageError
    from ..suggest import load_interests, matching
    from .options import search_index

    try:
        interests = load_interests()
    except StorageError as error:
        output.warn(str(error))
        return {}
    if not interests:
        return {}
    tally = matching(search_index(ctx), interests)
    return {s: tally[s.id].interests for s in sessions if s.id in tally}


@app.command("next", short_help="Le prochain créneau et ses sessions.")
def next_slot(
    ctx: typer.Context,
    at: AtOption = None,
    mine: MineOption = False,
    long: LongOption = False,
    fmt: FormatOption = Format.table,
) -> None:
    """Les sessions du prochain créneau, et dans combien de temps il commence."""
    from ..timeline import (
        finished_sentence,
        outside_sentence,
        upcoming,
        wait_phrase,
        when_phrase,
    )

    p = programme(ctx)
    moment = _moment(p, at)
    sessions = _pool(p, mine)
    following = upcoming(p, sessions, moment)
    if following is None:
        _say(finished_sentence(p, sessions, moment, mine=mine), fmt)
        return
    if mine and len(following.sessions) > 1:
        ids = [s.id for s in following.sessions]
        output.warn(
            f"Conflit d'horaire : {len(ids)} sessions de votre agenda en même temps "
            f"({', '.join(ids)}). Gardez-en une : « colloque agenda remove {ids[-1]} »."
        )
    subject = "Votre prochaine session" if mine else "Prochain créneau"
    heading = (
        f"{subject} {when_phrase(p, following.starts_at, moment)} ({wait_phrase(following.wait)}) :"
    )
    outside = outside_sentence(p, moment)
    if fmt is Format.table:
        from rich.text import Text

        lines = [Text(typeset(outside))] if outside else []
        output.show(
            *lines,
            Text(typeset(heading), style="bold"),
            *_sessions(p, list(following.sessions), long),
        )
        for session, interests in _in_your_field(ctx, following.sessions).items():
            output.show(
                Text.assemble(
                    ("Dans votre domaine", "bold green"),
                    f" ({', '.join(interests)}){NBSP}: ",
                    (session.title, "bold"),
                    f" ({session.id})",
                )
            )
        return
    from ..exporters.records import session_records

    minutes = max(1, round(following.wait.total_seconds() / 60))
    records = session_records(p, following.sessions)
    field = _in_your_field(ctx, following.sessions)
    for record, session in zip(records, following.sessions, strict=True):
        record["starts_in_minutes"] = minutes
        record["your_interests"] = list(field.get(session, ()))
    output.write_records(records, fmt)
    output.info(f"{outside + ' ' if outside else ''}{heading.removesuffix(' :')}.")
