"""Sessions as plain records: the one row shape behind JSON, CSV and every export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..programme.model import Programme, Session, day_name, hhmm
from ..text import escape_unsafe, inert

FIELDS = (
    "id",
    "date",
    "day",
    "start",
    "end",
    "slot",
    "room",
    "title",
    "subtitle",
    "type",
    "themes",
    "description",
)


def session_record(session: Session, *, speakers: bool = False) -> dict[str, Any]:
    """A session as the documented JSON object (``speakers`` only for programmes that have some)."""
    slot = session.slot
    record: dict[str, Any] = {
        "id": session.id,
        "date": slot.date.isoformat(),
        "day": day_name(slot.date),
        "start": hhmm(slot.start),
        "end": hhmm(slot.end),
        "slot": slot.id,
        "room": session.room.name if session.room else None,
        "title": session.title,
        "subtitle": session.subtitle,
        "type": session.type,
        "themes": [t.label for t in session.themes],
        "description": session.description,
    }
    if speakers:
        record["speakers"] = list(session.speakers)
    return record


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet will not evaluate (OWASP: prefix formula starters with ')."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = " ; ".join(str(v) for v in value)
    text = inert(str(value))
    return "'" + text if text.startswith(_FORMULA) else text


def csv_text(
    header: Sequence[str] | None, rows: Iterable[Sequence[Any]], *, delimiter: str = ","
) -> str:
    """UTF-8 CSV with a header row (None: rows that follow others), as spreadsheets read it
    (RFC 4180 line ends)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", delimiter=delimiter)
    if header is not None:
        writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def records_csv(
    records: Iterable[dict[str, Any]],
    default_header: Sequence[str] = FIELDS,
    *,
    delimiter: str = ",",
) -> str:
    """The records as CSV, one column per key of the first (``default_header`` when there
    are none)."""
    return "".join(csv_chunks(records, default_header, delimiter=delimiter))


def csv_chunks(
    records: Iterable[dict[str, Any]],
    default_header: Sequence[str] = FIELDS,
    *,
    delimiter: str = ",",
) -> Iterator[str]:
    """``records_csv``, a batch of records at a time: they are never all held at once."""
    rows = iter(records)
    first = next(rows, None)
    if first is None:
        yield csv_text(default_header, (), delimiter=delimiter)
        return
    header = list(first)
    batch: list[dict[str, Any]] = [first]
    shown: list[str] | None = header  # the header row, in the first batch only
    for record in rows:
        if len(batch) == BATCH:
            yield csv_text(shown, ([r.get(k) for k in header] for r in batch), delimiter=delimiter)
            batch, shown = [], None
        batch.append(record)
    yield csv_text(shown, ([r.get(k) for k in header] for r in batch), delimiter=delimiter)


def json_text(data: Any, *, ascii_only: bool = False) -> str:
    return _safe(json.dumps(data, ensure_ascii=ascii_only, indent=2)) + "\n"


def _safe(text: str) -> str:
    # json.dumps escapes C0 controls but not C1, bidi or zero-width characters: escape them too.
    return text if text.isascii() else escape_unsafe(text)


# Records written at a time by the streaming writers: a few hundred kilobytes of text.
BATCH = 500


def json_chunks(records: Iterable[dict[str, Any]], *, ascii_only: bool = False) -> Iterator[str]:
    """``json_text(list(records))``, the same characters, a batch of records at a time: the
    records of a long list (and its text) are never all held at once.

    A record's own text, indented one level further: JSON strings hold no raw line break
    (they escape it), so each line break of the text is one of the layout's.
    """
    opening = "[\n  "
    batch: list[str] = []
    for record in records:
        text = json.dumps(record, ensure_ascii=ascii_only, indent=2)
        batch.append(opening + text.replace("\n", "\n  "))
        opening = ",\n  "
        if len(batch) == BATCH:
            yield _safe("".join(batch))
            batch = []
    if not batch and opening.startswith("["):
        yield "[]\n"
        return
    batch.append("\n]\n")
    yield _safe("".join(batch))


def session_records(programme: Programme, sessions: Iterable[Session]) -> list[dict[str, Any]]:
    """Records of ``sessions``; ``speakers`` appears when the programme has any."""
    return list(each_session_record(programme, sessions))


def each_session_record(
    programme: Programme, sessions: Iterable[Session]
) -> Iterator[dict[str, Any]]:
    """``session_records``, one at a time (for a writer that streams them)."""
    with_speakers = programme.has_speakers
    return (session_record(s, speakers=with_speakers) for s in sessions)
