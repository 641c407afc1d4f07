"""Importers: a schedule published in a standard format, as a programme file.

``import_schedule`` recognises the format (frab/pentabarf ``schedule.xml``, frab/pretalx
``schedule.json``), reads it into a format-neutral ``Schedule`` and builds the programme
file's text, with the warnings the user should see (what was skipped, what was assumed).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..errors import os_reason
from ..programme.source import size_label
from ..text import plural
from .common import Schedule, ScheduleError

if TYPE_CHECKING:
    from ..programme.model import Programme

__all__ = [
    "ImportResult",
    "ScheduleError",
    "import_schedule",
    "read_file",
    "read_schedule",
    "read_stream",
    "STDIN",
]

# A guard against what is not a schedule, as for programme files (see programme.source): a
# 200 MB frab XML (94 300 events) imports, its memory peaking at about 8 times the file's
# size, so this keeps an import within about 4.5 GB, as a programme's first read.
MAX_BYTES = 512 * 1024 * 1024
STDIN = "entrée standard"  # how messages name a schedule read from stdin


@dataclass(frozen=True)
class ImportResult:
    text: str  # the programme file, YAML
    warnings: list[str]
    sessions: int
    rooms: int
    themes: int
    slots: int
    guids: dict[str, str]  # session id -> frab guid, when the schedule gives them
    programme: Programme  # the text, parsed
    skipped: int = 0  # events left out, each named in ``warnings``


def read_file(path: Path) -> bytes:
    """The bytes of a schedule file; any reason it cannot be read is a ``ScheduleError``."""
    from ..programme.source import Unreadable, read_bounded

    try:
        return read_bounded(path, MAX_BYTES)
    except Unreadable as reason:
        raise ScheduleError(f"{path} : {reason}.") from None


def read_stream(stream: BinaryIO, source: str) -> bytes:
    """The bytes of a schedule given on a stream (``colloque import -``), as many as a file."""
    try:
        data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise ScheduleError(f"{source} : lecture impossible ({os_reason(error)}).") from None
    if len(data) > MAX_BYTES:
        raise ScheduleError(
            f"{source} : données trop volumineuses (plus de {size_label(MAX_BYTES)})."
        )
    return data


def read_schedule(data: bytes, source: str) -> Schedule:
    """The schedule in ``data``, whatever its format (recognised from its first character)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if not head:
        raise ScheduleError(f"{source} : fichier vide : aucun programme à lire.")
    if head == b"<":
        from . import frab_xml

        return frab_xml.read(data, source)
    if head in (b"{", b"["):
        from . import frab_json

        return frab_json.read(data, source)
    raise ScheduleError(
        f"{source} : format non reconnu (attendu : schedule.xml ou schedule.json au format frab)."
    )


def import_schedule(data: bytes, source: str, *, timezone: str | None = None) -> ImportResult:
    """The programme file built from a schedule file's bytes."""
    from ..infra.progress import stage
    from ..programme.loader import parse_programme
    from ..text import inert
    from .common import build
    from .writer import dump

    name = "l'entrée standard" if source == STDIN else " ".join(inert(Path(source).name).split())
    with stage(f"Lecture de {name}…"):
        schedule = read_schedule(data, source)
    events = len(schedule.events)
    with stage(f"Import de {plural(events, 'événement')}…", total=events):
        imported = build(schedule, timezone=timezone)
    del schedule  # each step's data goes once the next is built: memory is a few, not all
    sessions = len(imported.document.get("sessions") or ())
    with stage(f"Écriture de {plural(sessions, 'session')}…", total=sessions):
        text = dump(
            imported.document,
            header=[
                f"Programme importé de {name} par « colloque import ».",
                "Vérifiez-le avec « colloque validate » après chaque modification.",
            ],
        )
    imported.document = {}
    # The file must load: a failure here is a bug of the importer, not of the schedule.
    with stage("Vérification du programme importé…"):
        programme = parse_programme(text, f"<import de {name}>")
    return ImportResult(
        text=text,
        warnings=imported.warnings,
        sessions=len(programme.sessions),
        rooms=len(programme.rooms),
        themes=len(programme.themes),
        slots=len(programme.slots),
        guids=imported.guids,
        programme=programme,
        skipped=imported.skipped,
    )
