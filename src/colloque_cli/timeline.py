"""What is on now, what comes next: pure functions of an aware moment and the programme."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from .errors import InvalidValueError
from .filters import parse_day, parse_time
from .programme.model import FRENCH_MONTHS, Programme, Session, hhmm, short_date
from .text import plural

_EXAMPLES = "« 2025-03-04 14:30 », « 2025-03-04T14:30+01:00 », « mardi 14h30 » ou « 14:30 »"
# A time at the end of the value, with its separator (« 14:30 », « 14h », « 9 h 05 »).
_TRAILING_TIME = re.compile(r"(?:^|[\sT,])(?P<time>([01]?\d|2[0-3])\s*[:hH]\s*(?:[0-5]\d)?)\s*$")


def parse_moment(text: str, programme: Programme, *, now: datetime) -> datetime:
    """The moment ``--at`` names, in the programme's zone; a value without zone is in that zone.

    Accepts ISO forms (``2025-03-04 14:30``, ``2025-03-04T14:30+01:00``, ``…Z``) and forgiving
    ones: a colloque day as ``--day`` takes it followed by a time (``mardi 14h30``,
    ``4 mars à 9h``), or a time alone (today, in the programme's zone).
    """
    tz = programme.tz
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is not None:
        try:
            return parsed.astimezone(tz) if parsed.tzinfo else parsed.replace(tzinfo=tz)
        except OverflowError:  # year 1 or 9999 pushed out of range by the change of zone
            raise InvalidValueError(f"Moment invalide « {text} » : date hors limites.") from None
    match = _TRAILING_TIME.search(value)
    if match:
        moment = parse_time(match.group("time"))
        day_text = value[: match.start("time")].strip().rstrip(",T").strip()
        day_text = re.sub(r"(?:^|\s+)(?:à|a)$", "", day_text, flags=re.IGNORECASE).strip()
        if not day_text:
            return datetime.combine(now.astimezone(tz).date(), moment, tzinfo=tz)
        days = colloque_days(programme)
        day = parse_day(day_text, days)
        if day is not None:
            return datetime.combine(day, moment, tzinfo=tz)
        raise InvalidValueError(
            f"Moment invalide « {text} » : « {day_text} » n'est pas un jour du colloque "
            f"({', '.join(short_date(d) for d in days)}). Pour une autre date, écrivez-la en "
            "entier : « 2025-03-10 14:30 »."
        )
    raise InvalidValueError(f"Moment invalide « {text} ». Exemples : {_EXAMPLES}.")


def instant(moment: datetime) -> datetime:
    """``moment`` in UTC: aware datetimes of one zone compare and subtract as wall clocks
    (a 2-hour wait across a change to summer time would count 3), instants do not."""
    return moment.astimezone(UTC)


def colloque_days(programme: Programme) -> tuple[date, ...]:
    """The colloque's declared days (else the days that have sessions), in order."""
    return tuple(sorted(programme.colloque.dates)) or programme.days


def running(programme: Programme, sessions: Sequence[Session], at: datetime) -> list[Session]:
    """The sessions under way at ``at`` (a session is on from its start, up to its end)."""
    tz = programme.tz
    now = instant(at)
    return [
        s for s in sessions if instant(s.slot.starts_at(tz)) <= now < instant(s.slot.ends_at(tz))
    ]


@dataclass(frozen=True, slots=True)
class Upcoming:
    """The next start after a moment, and the sessions that start then."""

    starts_at: datetime
    sessions: tuple[Session, ...]
    wait: timedelta


def upcoming(programme: Programme, sessions: Sequence[Session], at: datetime) -> Upcoming | None:
    """The sessions that start next, strictly after ``at`` (None when nothing is left)."""
    tz = programme.tz
    now = instant(at)
    later = [(instant(s.slot.starts_at(tz)), s) for s in sessions]
    later = [(start, s) for start, s in later if start > now]
    if not later:
        return None
    first = min(start for start, _ in later)
    chosen = tuple(s for start, s in later if start == first)
    return Upcoming(chosen[0].slot.starts_at(tz), chosen, first - now)


# --- sentences -----------------------------------------------------------------------------


def _day_number(day: date) -> str:
    return "1er" if day.day == 1 else str(day.day)


def dates_phrase(days: Sequence[date]) -> str:
    """``le 4 mars 2025``, ``les 4 et 5 mars 2025``, ``du 3 au 6 mars 2025``…

    A month or year is written once for the days that share it: ``les 28 février et 1er mars``.
    """
    days = sorted(set(days))
    if not days:
        return ""

    def label(day: date, following: date | None) -> str:
        text = _day_number(day)
        if following is None or following.month != day.month or following.year != day.year:
            text += f" {FRENCH_MONTHS[day.month - 1]}"
        if following is None or following.year != day.year:
            text += f" {day.year}"
        return text

    if len(days) == 1:
        return f"le {label(days[0], None)}"
    contiguous = all((b - a).days == 1 for a, b in zip(days, days[1:], strict=False))
    if contiguous and len(days) > 2:
        return f"du {label(days[0], days[-1])} au {label(days[-1], None)}"
    labels = [label(d, days[i + 1] if i + 1 < len(days) else None) for i, d in enumerate(days)]
    return "les " + ", ".join(labels[:-1]) + f" et {labels[-1]}"


def wait_phrase(wait: timedelta) -> str:
    """``dans 45 min``, ``dans 3 h 15``, ``dans 2 jours et 4 h`` (rounded up to the minute)."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    if minutes < 60:
        return f"dans {minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"dans {hours} h {minutes:02d}" if minutes else f"dans {hours} h"
    days, hours = divmod(hours, 24)
    text = f"dans {plural(days, 'jour')}"
    return text + (f" et {hours} h" if hours else "")


def _where(programme: Programme) -> str:
    city = programme.colloque.city
    return f" à {city}" if city else ""


def outside_sentence(programme: Programme, at: datetime) -> str | None:
    """The sentence for a moment before, between or after the colloque's days (else None)."""
    days = colloque_days(programme)
    if not days:
        return None
    today = at.astimezone(programme.tz).date()
    when = dates_phrase(days)
    if today < days[0]:
        return f"Le colloque aura lieu {when}{_where(programme)}."
    if today > days[-1]:
        return f"Le colloque a eu lieu {when}{_where(programme)}."
    if today not in days:
        return f"Pas de colloque ce jour-là : il se tient {when}{_where(programme)}."
    return None


def when_phrase(programme: Programme, moment: datetime, at: datetime) -> str:
    """``à 17:45`` the same day as ``at``, ``le mercredi 5 mars à 09:00`` another day."""
    tz = programme.tz
    local = moment.astimezone(tz)
    if local.date() == at.astimezone(tz).date():
        return f"à {hhmm(local.time())}"
    return f"le {short_date(local.date())} à {hhmm(local.time())}"


def next_sentence(following: Upcoming, programme: Programme, at: datetime, *, mine: bool) -> str:
    """``Prochaine session à 17:45 (dans 3 h 15).``"""
    subject = "Votre prochaine session" if mine else "Prochaine session"
    return (
        f"{subject} {when_phrase(programme, following.starts_at, at)} "
        f"({wait_phrase(following.wait)})."
    )


def finished_sentence(
    programme: Programme, sessions: Sequence[Session], at: datetime, *, mine: bool
) -> str:
    """What to say when none of ``sessions`` is left after ``at``."""
    outside = outside_sentence(programme, at)
    if outside is not None:
        return outside
    what = "de vos sessions" if mine else "session"
    last = max((s.slot.ends_at(programme.tz) for s in sessions), default=None, key=instant)
    if last is None:
        return f"Plus aucune {what} à venir."
    if instant(last) > instant(at):
        return f"Plus aucune {what} à venir après celles en cours."
    return (
        f"Plus aucune {what} à venir : la dernière s'est terminée "
        f"{when_phrase(programme, last, at)}."
    )


def idle_sentence(
    programme: Programme, sessions: Sequence[Session], at: datetime, *, mine: bool = False
) -> str:
    """What to say when none of ``sessions`` is running at ``at``."""
    following = upcoming(programme, sessions, at)
    if following is None:
        return finished_sentence(programme, sessions, at, mine=mine)
    outside = outside_sentence(programme, at)
    if outside is None:
        today = at.astimezone(programme.tz).date()
        if following.starts_at.astimezone(programme.tz).date() != today and any(
            s.slot.date == today for s in sessions
        ):
            what = "Vos sessions" if mine else "Les sessions"
            outside = f"{what} du {short_date(today)} sont terminées."
        else:
            outside = "Aucune de vos sessions en cours." if mine else "Aucune session en cours."
    return f"{outside} {next_sentence(following, programme, at, mine=mine)}"
