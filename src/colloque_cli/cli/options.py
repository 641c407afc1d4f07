"""Options shared by several commands, declared once, with shell completion of their values."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .output import Format

if TYPE_CHECKING:
    from ..programme.model import Programme
    from ..search import SearchIndex


def programme(ctx: typer.Context) -> Programme:
    """The programme chosen by the global options (loaded once per invocation, cached)."""
    from ..infra.cache import open_programme

    root = ctx.find_root()
    if not isinstance(root.obj, dict):  # shell completion skips the main callback
        root.obj = {"programme": root.params.get("programme")}
    if "loaded" not in root.obj:
        use_cache = not root.obj.get("no_cache", False)
        root.obj["loaded"], root.obj["cache"] = open_programme(
            root.obj.get("programme"), use_cache=use_cache
        )
    loaded: Programme = root.obj["loaded"]
    return loaded


def search_index(ctx: typer.Context) -> SearchIndex:
    """The search index of the chosen programme, from the cache when it has one."""
    from ..search import SearchIndex
    from ..search.index import Index

    loaded = programme(ctx)
    cache = ctx.find_root().obj.get("cache")
    if cache is None:
        return SearchIndex(loaded)
    return SearchIndex(
        loaded, cache.get_or_build("index", Index, lambda: SearchIndex(loaded).index)
    )


def _complete(
    ctx: typer.Context, incomplete: str, values: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    from ..text import fold, inert

    wanted = fold(incomplete)
    # The shell writes candidates and their descriptions to the terminal as they are: a value
    # with an invisible or control character (which no one could type anyway) is not offered,
    # and a description is made inert, on one line.
    return [
        (v, " ".join(inert(h).split()))
        for v, h in values
        if v.isprintable() and fold(v).startswith(wanted)
    ]


def _safe_programme(ctx: typer.Context) -> Programme | None:
    from ..errors import ColloqueError

    try:
        return programme(ctx)
    except ColloqueError:
        return None


def complete_day(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    from ..programme.model import day_name, short_date

    p = _safe_programme(ctx)
    days = p.days if p else ()
    return _complete(
        ctx,
        incomplete,
        [(day_name(d), short_date(d)) for d in days]
        + [(d.isoformat(), short_date(d)) for d in days],
    )


def complete_room(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    p = _safe_programme(ctx)
    return _complete(ctx, incomplete, [(r.id, r.name) for r in p.rooms] if p else [])


def complete_theme(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    p = _safe_programme(ctx)
    return _complete(ctx, incomplete, [(th.id, th.label) for th in p.themes] if p else [])


def complete_session(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    p = _safe_programme(ctx)
    return _complete(ctx, incomplete, [(s.id, s.title) for s in p.sessions] if p else [])


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Format de sortie : table (lisible), json ou csv.",
        case_sensitive=False,
    ),
]
DayOption = Annotated[
    str | None,
    typer.Option(
        "--day",
        "-d",
        help="Jour : mardi, mar, 2025-03-04, 04/03, « 4 mars »…",
        metavar="JOUR",
        autocompletion=complete_day,
    ),
]
RoomOption = Annotated[
    str | None,
    typer.Option(
        "--room",
        "-r",
        help="Salle : « corneille 2 », pleniere, radio… (voir « colloque rooms »).",
        metavar="SALLE",
        autocompletion=complete_room,
    ),
]
ThemeOption = Annotated[
    str | None,
    typer.Option(
        "--theme",
        "-t",
        help="Thème : identifiant ou libellé, même approximatif (voir « colloque themes »).",
        metavar="THÈME",
        autocompletion=complete_theme,
    ),
]
