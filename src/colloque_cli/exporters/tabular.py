"""JSON and CSV exports: the same records as ``colloque list --format json|csv``."""

from __future__ import annotations

from collections.abc import Sequence

from ..programme.model import Programme, Session
from .records import json_text, records_csv, session_records


def to_json(programme: Programme, sessions: Sequence[Session]) -> str:
    return json_text(session_records(programme, sessions))


def to_csv(programme: Programme, sessions: Sequence[Session]) -> str:
    """Plain UTF-8 CSV, comma-separated: for scripts (the same as ``list --format csv``)."""
    return records_csv(session_records(programme, sessions))


def to_spreadsheet(programme: Programme, sessions: Sequence[Session]) -> str:
    """CSV for a French spreadsheet opened by a double click: a byte order mark, so that
    accents read as UTF-8, and « ; », the list separator where « , » is the decimal one."""
    return "\ufeff" + records_csv(session_records(programme, sessions), delimiter=";")
