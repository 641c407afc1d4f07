"""The values of a programme file checked one by one: times, dates, ids (no pydantic here).

The schema (``schema``) validates with them, and so does the plain check of data rapidyaml
read (``plaincheck``), which must not import pydantic.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..text import codepoint, first_unprintable, shown
from .model import FIRST_YEAR, LAST_YEAR

_TIME = re.compile(r"^([01]?\d|2[0-3])[:hH]([0-5]\d)$")


def parse_time(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value
    if isinstance(value, str):
        match = _TIME.match(value.strip())
        if match:
            return dt.time(int(match.group(1)), int(match.group(2)))
        raise ValueError(f"heure invalide « {value} » (format attendu HH:MM, de 00:00 à 23:59)")
    raise ValueError("heure attendue au format HH:MM")


def parse_date(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        raise ValueError("date attendue au format AAAA-MM-JJ, sans heure")
    if isinstance(value, dt.date):
        return _in_range(value)
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(
                f"date invalide « {shown(value)} » (format attendu AAAA-MM-JJ, date réelle)"
            ) from None
        return _in_range(value)
    raise ValueError("date attendue au format AAAA-MM-JJ")


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            f"date hors limites « {day.isoformat()} » (années {FIRST_YEAR} à {LAST_YEAR})"
        )
    return day


def typeable_id(value: str) -> str:
    """An id is typed in a shell and shown on a terminal: visible characters only."""
    char = first_unprintable(value)
    if char is not None:
        raise ValueError(
            f"identifiant invalide « {shown(value)} » : caractère invisible ou de contrôle "
            f"{codepoint(char)} (seuls les caractères visibles sont permis)"
        )
    return value
