"""Options shared by several commands, declared once, with shell completion of their values."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..text import plural
from .output import Format

if TYPE_CHECKING:
    from ..infra.cache import ProgrammeCache
    from ..programme.model import Programme
    from ..programme.remote import Copy
    from ..search import SearchIndex
    from ..search.index import Index
    from ..search.indexing import Resume
    from ..search.vocabulary import Learned


def programme(ctx: typer.Context, *, searched: bool = False) -> Programme:
    """The programme chosen by the global options (loaded once per invocation, cached).
    ``searched``: the command looks for the search index (``search_index``), whose digests
    are hashed from the columns the cache entry is written from, if it is written: they are
    kept until then (some 16 MB at 50 000 sessions, that other commands do not hold)."""
    from ..infra.cache import open_programme

    root = ctx.find_root()
    if not isinstance(root.obj, dict):  # shell completion skips the main callback
        root.obj = {"programme": root.params.get("programme")}
    if "loaded" not in root.obj:
        use_cache = not root.obj.get("no_cache", False)
        chosen = local_programme(root.obj.get("programme"), offline=ctx.resilient_parsing)
        root.obj["loaded"], root.obj["cache"] = open_programme(
            chosen,
            use_cache=use_cache,
            notice=_debug_notice,
            keep_columns=searched,
            parsed=_read_ahead(ctx) if searched else None,
        )
    loaded: Programme = root.obj["loaded"]
    return loaded


def _read_ahead(ctx: typer.Context) -> Callable[[Programme, ProgrammeCache | None], None]:
    """What starts, once a programme is read from its file, a child process reading its
    last sessions for the search index (a large programme only): it works on the other core
    while this one writes the cache entry and looks for an earlier index. Not when the index
    made before the file's last change has the same first sessions: the build takes them up
    from it (or keeps it whole), and forks its own child if enough is left to read. The
    child ends with the command at the latest (``search_index`` ends it as soon as it is
    not needed)."""

    def start(loaded: Programme, cache: ProgrammeCache | None) -> None:
        from ..search.sessions import first_digests, read_ahead

        before = None if cache is None else cache.previous_digests()
        if before is not None and before[:2] == first_digests(loaded):
            return
        child = read_ahead(loaded)
        if child is not None:
            root = ctx.find_root()
            root.obj["ahead"] = root.with_resource(child)

    return start


def local_programme(chosen: str | None, *, offline: bool = False) -> str | None:
    """The file to read: a programme URL stands for its local copy, refreshed when due.

    ``offline`` (shell completion: every Tab runs the program) never touches the network.
    """
    from ..programme.source import chosen_programme, is_url

    given = chosen_programme(chosen)
    if not is_url(given):
        return given
    assert given is not None
    from ..errors import RemoteError
    from ..programme.remote import Remote

    remote = Remote(given)
    if offline:
        copy = remote.copy(remote.meta())
        if copy is None:
            raise RemoteError(f"{given} : pas encore de copie locale.")
    else:
        copy = remote.follow()
    _tell(copy)
    return str(copy.path)


def _tell(copy: Copy) -> None:
    """What the user should know about the copy used: offline, or just updated."""
    from . import output

    for notice in copy.notices:
        output.info(notice)
    if copy.changed and copy.previous is None:
        output.info(f"Programme téléchargé de {copy.url}.")
    elif copy.changed and copy.previous is not None:
        output.info(f"Nouvelle version du programme téléchargée ({update_summary(copy)}).")


def update_summary(copy: Copy) -> str:
    """« 1 session déplacée, 2 nouvelles sessions » between the previous copy and this one."""
    from ..changes import compare, load_version
    from ..changes.publish import summary

    assert copy.previous is not None
    before, after = load_version(copy.previous), load_version(copy.path)
    return summary(compare(before.programme, after.programme))


def _debug_notice(message: str) -> None:
    """What only ``--debug`` tells (why the cache is not used…), on stderr."""
    from . import output
    from .app import debugging

    if debugging():
        output.info(f"debug\u202f: {message}")


def search_index(ctx: typer.Context) -> SearchIndex:
    """The search index of the chosen programme, from the cache when it has one."""
    from ..search import SearchIndex
    from ..search.sessions import documents_digests, unchanged

    loaded = programme(ctx, searched=True)
    cache = ctx.find_root().obj.get("cache")
    ahead = ctx.find_root().obj.pop("ahead", None)  # a child reading the last sessions

    def build(resume: Resume | None = None, learned: Learned | None = None) -> Index:
        from ..infra.progress import stage

        count = len(loaded.sessions)
        with stage(f"Indexation de {plural(count, 'session')}…", total=count):
            return SearchIndex(loaded, resume=resume, learned=learned, ahead=ahead).index

    if cache is None:
        return SearchIndex(loaded, build())
    # An edit that left the first sessions as they were: they are taken up from the index
    # made before it (``Index.resume``), with what its build learnt of chunks.
    index = cache.index(build, lambda: documents_digests(loaded, cache.written), unchanged)
    if ahead is not None:  # not needed when the index was kept (ended at once)
        ahead.close()
    return SearchIndex(loaded, index)


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
# Written by output.deliver: standard output without it (or with « - »), else the file.
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Fichier à écrire (sinon la sortie standard).", metavar="FICHIER"
    ),
]
