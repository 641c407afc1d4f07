"""The Atom feed of the changes (RFC 4287): written, read back, and kept with its history.

A feed reader polls now and then: the entries of a comparison published between two polls
must still be there at the next one. ``updated_feed`` reads the feed published before, puts
the new comparison's entries first and keeps the previous ones after them, up to
``MAX_ENTRIES``. Only a feed this module wrote is read back (its generator and its id say so),
through defusedxml: a file that is anything else is refused, and left as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import StorageError, os_reason

if TYPE_CHECKING:
    from collections.abc import Collection
    from xml.etree.ElementTree import Element

ATOM = "http://www.w3.org/2005/Atom"
GENERATOR = "colloque"
# How many entries a feed keeps, the most recent ones: weeks of changes for a reader that
# polls daily, in a file that stays small.
MAX_ENTRIES = 100
# 100 entries of a few hundred bytes: far more than a feed of ours, far less than a runaway read.
MAX_BYTES = 16 * 2**20
# A publication holds its feed's lock for a read-merge-write of a small file; waiting this
# long means something else is wrong, and the organiser is told so rather than left waiting.
LOCK_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Entry:
    """One change as a feed entry; ``id`` depends only on the change itself."""

    id: str
    title: str
    updated: str  # RFC 3339, UTC, to the second: « 2025-03-04T14:53:20Z »
    content: str


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    title: str
    subtitle: str
    updated: str
    author: str
    link: str | None
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Update:
    """A feed after a new comparison: the feed, and what the comparison added to it."""

    feed: Feed
    added: int  # entries not in the previous feed (or changed since), kept
    dropped: int  # previous entries left out, past MAX_ENTRIES
    left_out: int  # this comparison's own entries past MAX_ENTRIES (over 100 changes at once)
    created: bool  # there was no previous feed


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def render(feed: Feed) -> str:
    """The feed as an XML document (the same feed always gives the same bytes)."""
    from xml.etree.ElementTree import Element, SubElement, tostring

    from ..text import xml_escape_unsafe

    root = Element("feed", xmlns=ATOM)
    root.set("xml:lang", "fr")
    SubElement(root, "id").text = feed.id
    SubElement(root, "title").text = feed.title
    SubElement(root, "subtitle").text = feed.subtitle
    SubElement(root, "updated").text = feed.updated
    SubElement(SubElement(root, "author"), "name").text = feed.author
    SubElement(root, "generator").text = GENERATOR
    if feed.link:
        SubElement(root, "link", rel="self", href=feed.link)
    for entry in feed.entries:
        element = SubElement(root, "entry")
        SubElement(element, "id").text = entry.id
        SubElement(element, "title").text = entry.title
        SubElement(element, "updated").text = entry.updated
        SubElement(element, "content", type="text").text = entry.content
    xml = tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + xml_escape_unsafe(xml) + "\n"


def merged(fresh: Feed, previous: Feed | None) -> Update:
    """``fresh`` (one comparison's feed) followed by the entries of ``previous``.

    An entry already published as it is keeps its place and its date (republishing the same
    comparison changes nothing); one whose text changed under the same id comes first, with
    the new date. At most ``MAX_ENTRIES`` are kept, the most recent; the feed's ``updated`` is
    its newest entry's. The previous feed's id is kept (a corrected colloque title changes the
    id a new feed would get), and its link too when none is given.
    """
    from dataclasses import replace

    def text(entry: Entry) -> tuple[str, str, str]:
        return entry.id, entry.title, entry.content

    known = {text(entry) for entry in previous.entries} if previous else set()
    new = [entry for entry in fresh.entries if text(entry) not in known]
    replaced = {entry.id for entry in new}
    kept = [entry for entry in previous.entries if entry.id not in replaced] if previous else []
    entries = (new + kept)[:MAX_ENTRIES]
    feed = replace(
        fresh,
        id=previous.id if previous else fresh.id,
        link=fresh.link or (previous.link if previous else None),
        updated=max((entry.updated for entry in entries), default=fresh.updated),
        entries=tuple(entries),
    )
    added = min(len(new), MAX_ENTRIES)
    return Update(
        feed,
        added=added,
        dropped=len(kept) - (len(entries) - added),
        left_out=len(new) - added,
        created=previous is None,
    )


def updated_feed(
    path: Path,
    fresh: Feed,
    *,
    ids: Collection[str],
    waiting: Callable[[], None] | None = None,
) -> tuple[Update, bool]:
    """The feed in ``path`` (if any) with ``fresh``'s entries, written there safely.

    ``ids`` are the feed ids that say ``path`` is this programme's feed (the old version's and
    the new one's). Returns the update and whether the file was written: a feed that comes out
    byte for byte the same is left alone.

    Publications of one feed take turns (``waiting`` is called when this one must wait):
    each reads the feed the previous one wrote, so none drops another's new entries.
    """
    from ..infra.storage import atomic_write

    with _publishing(path, waiting):
        previous_text = read_previous(path)
        previous = parse(previous_text, path, ids=ids) if previous_text is not None else None
        update = merged(fresh, previous)
        text = render(update.feed).encode("utf-8")
        if text == previous_text:
            return update, False
        atomic_write(path, text)
        return update, True


@contextmanager
def _publishing(path: Path, waiting: Callable[[], None] | None) -> Iterator[None]:
    """Hold the lock of the feed ``path`` for a read-merge-write (kept in the user's cache:
    a lock file beside the feed would be published with it)."""
    from ..infra.locking import Busy, Unlockable, exclusive, lock_path_for

    try:
        lock = lock_path_for(path)
    except StorageError as error:  # its folder in the user's cache cannot be made or used
        raise StorageError(
            f"Le flux « {path} » n'a pas été modifié : son verrou ne peut pas être pris. {error}"
        ) from None
    try:
        with exclusive(lock, timeout=LOCK_TIMEOUT, waiting=waiting):
            yield
    except Busy:
        raise StorageError(
            f"Le flux « {path} » est publié par une autre commande colloque depuis plus de "
            f"{LOCK_TIMEOUT:.0f} s : il n'a pas été modifié. Réessayez dans un instant "
            f"(verrou : « {lock} »)."
        ) from None
    except Unlockable as failure:
        raise StorageError(
            f"Impossible de verrouiller le flux « {path} » (« {lock} ») : "
            f"{os_reason(failure.error)}. "
            "Il n'a pas été modifié."
        ) from None


# --- reading back ---------------------------------------------------------------------------


def _refused(path: Path, reason: str) -> StorageError:
    return StorageError(
        f"« {path} » n'est pas un flux Atom écrit par colloque : {reason}. Il n'a pas été modifié."
    )


def read_previous(path: Path) -> bytes | None:
    """The bytes of the feed published before, or None when there is none yet."""
    from ..infra.storage import NotRegular, TooBig, read_regular

    try:
        return read_regular(path, MAX_BYTES)
    except FileNotFoundError:
        return None
    except NotRegular:
        raise _refused(path, "ce n'est pas un fichier ordinaire (un dossier, un tube…)") from None
    except TooBig:
        raise _refused(path, f"il dépasse {MAX_BYTES // 2**20} Mo") from None
    except OSError as error:
        raise StorageError(
            f"Lecture impossible du flux « {path} » : {os_reason(error)}. Il n'a pas été modifié."
        ) from None


def parse(data: bytes, path: Path, *, ids: Collection[str]) -> Feed:
    """A feed written by colloque for this programme, read back; anything else is refused."""
    root = _root(data, path)
    if root.tag != f"{{{ATOM}}}feed":
        name = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else "?"
        raise _refused(path, f"son élément racine est <{name}>, pas un <feed> Atom")
    generator = _text(root, "generator")
    if generator != GENERATOR:
        said = f"« {generator} »" if generator else "aucun"
        raise _refused(path, f"son générateur est {said}")
    feed_id = _required(root, "id", path, "le flux")
    if feed_id not in ids:
        title = _text(root, "title") or feed_id
        raise StorageError(
            f"« {path} » est le flux d'un autre programme (« {title} ») : indiquez le flux "
            "de ce programme-ci, ou un nouveau fichier. Il n'a pas été modifié."
        )
    entries = []
    for number, element in enumerate(root.findall(f"{{{ATOM}}}entry"), start=1):
        where = f"l'entrée {number}"
        entries.append(
            Entry(
                id=_required(element, "id", path, where),
                title=_required(element, "title", path, where),
                updated=_date(_required(element, "updated", path, where), path, where),
                content=_text(element, "content") or "",
            )
        )
    link = root.find(f"{{{ATOM}}}link[@rel='self']")
    return Feed(
        id=feed_id,
        title=_text(root, "title") or "",
        subtitle=_text(root, "subtitle") or "",
        updated=_date(_required(root, "updated", path, "le flux"), path, "le flux"),
        author=_text(root, "author") or "",
        link=link.get("href") if link is not None else None,
        entries=tuple(entries),
    )


def _root(data: bytes, path: Path) -> Element:
    from xml.etree.ElementTree import ParseError

    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise _refused(
            path, "il déclare des entités ou des références externes XML, refusées par sécurité"
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        reason = str(error).split(":")[0]
        raise _refused(
            path, f"XML illisible ligne {line}, colonne {column + 1} ({reason})"
        ) from None
    except (LookupError, ValueError):  # an encoding expat does not know
        raise _refused(path, "XML illisible (encodage non pris en charge)") from None


def _text(element: Element, tag: str) -> str | None:
    """The text of the Atom child ``tag`` (« author » is read in its « name »)."""
    found = element.find(f"{{{ATOM}}}{tag}")
    if found is not None and tag == "author":
        found = found.find(f"{{{ATOM}}}name")
    return found.text if found is not None else None


def _required(element: Element, tag: str, path: Path, where: str) -> str:
    text = _text(element, tag)
    if not text or not text.strip():
        raise _refused(path, f"{where} n'a pas d'élément <{tag}>")
    return text


def _date(text: str, path: Path, where: str) -> str:
    """An RFC 3339 date, as this module writes them (UTC, to the second)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _refused(path, f"la date <updated> de {where} n'est pas une date RFC 3339")
    return stamp(moment)
