"""JSON and CSV exports: the same records as ``colloque list --format json|csv``."""

from __future__ import annotations

from collections.abc import Sequence

from ..programme.model import Programme, Session
from .records import json_text, records_csv, session_records


def to_json(programme: Programme, sessions: Sequence[Session]) -> str:
    return json_text(session_records(programme, sessions))


def to_csv(programme: Programme, sessions: Sequence[Session]) -> str:
    return records_csv(session_records(programme, sessions))
