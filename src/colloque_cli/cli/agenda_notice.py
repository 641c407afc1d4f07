"""The agenda as commands open it: taken over after a title correction, and the notice of
what changed for it, said once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import output

if TYPE_CHECKING:
    from ..agenda.store import AgendaStore
    from ..programme.model import Programme


def agenda_store(p: Programme) -> AgendaStore:
    """The agenda of ``p``; when it was found under the colloque's former title, say so."""
    from ..agenda.store import AgendaStore
    from ..text import inert

    store = AgendaStore.for_programme(p)
    if store.adopted is not None:
        nb = "\u202f"
        output.info(
            f"Le titre du colloque a changé («{nb}{inert(store.adopted.title)}{nb}» → "
            f"«{nb}{inert(p.colloque.title)}{nb}»){nb}: votre agenda est repris tel quel "
            f"(« {store.adopted.path.name} » devient « {store.path.name} »)."
        )
    return store


def announce(p: Programme) -> None:
    """Say once, in one line, that the programme changed for the agenda's picks.

    Picks chosen before colloque remembered what was seen are seen afresh (silently). An
    agenda that cannot be read is left to the commands that show it: no notice then.
    """
    if not _may_have_agenda(p):
        return  # no agenda for this colloque: nothing imported, nothing said (now, next)
    from ..agenda.review import fill_seen, fingerprint, notice, review
    from ..errors import ColloqueError

    try:
        store = agenda_store(p)
        if not store.path.is_file():
            return
        agenda = store.load()
        changes = review(p, agenda)
        unseen = any(pick.seen is None and p.position(pick.id) is not None for pick in agenda.picks)
        if not unseen and fingerprint(changes) == agenda.notified:
            return
        with store.edit() as locked:
            fill_seen(locked, p)
            changes = review(p, locked)
            told, locked.notified = locked.notified, fingerprint(changes)
    except ColloqueError:
        return
    if changes and locked.notified != told:
        output.warn(notice(changes))


def _may_have_agenda(p: Programme) -> bool:
    """Whether an agenda file of this colloque's first day exists (under this title or a
    former one): a directory look-up, before the agenda's modules are imported."""
    from ..infra.paths import data_dir

    folder = data_dir() / "agendas"
    try:
        return (folder / f"{p.identity}.json").is_file() or any(
            folder.glob(f"{p.identity_day()}-*.json")
        )
    except OSError:
        return False
