"""Forgiving option values (day, room, theme, time) and the filters built on them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, time
from typing import TYPE_CHECKING, TypeVar

from .errors import InvalidValueError
from .infra.frozen import Frozen, store
from .programme.model import FRENCH_DAYS, FRENCH_MONTHS, Programme, Room, Session, Theme, short_date
from .text import fold, shown

if TYPE_CHECKING:
    from .search import Index

T = TypeVar("T")
_MONTHS = [fold(m) for m in FRENCH_MONTHS]
_WORDS = re.compile(r"[a-z0-9]+")
MAX_LISTED = 15


def words(text: str) -> list[str]:
    return _WORDS.findall(fold(text))


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED])
    return shown + (f", … ({len(names)} en tout)" if len(names) > MAX_LISTED else "")


def _closest(value: str, names: Iterable[str], cutoff: float = 70) -> str | None:
    """The name closest to ``value``, as a whole or by one of its words, if close enough."""
    from rapidfuzz import fuzz

    wanted = " ".join(words(value))
    if not wanted:
        return None
    best, best_score = None, 0.0
    for name in names:
        folded = " ".join(words(name))
        score = max([fuzz.ratio(wanted, folded)] + [fuzz.ratio(wanted, w) for w in folded.split()])
        if score > best_score:
            best, best_score = name, score
    return best if best_score >= cutoff else None


def _unknown(what: str, value: str, plural: str, names: Sequence[str]) -> InvalidValueError:
    message = f"{what} « {shown(value)} ». {plural} : {_listing(names)}."
    closest = _closest(value, names)
    if closest:
        message += f" Vouliez-vous dire « {closest} » ?"
    return InvalidValueError(message)


# --- days ----------------------------------------------------------------------------------


def parse_day(text: str, days: Sequence[date]) -> date | None:
    """The programme day that ``text`` names, or None (mardi, Mar, 2025-03-04, 04/03, 4 mars)."""
    value = fold(text).strip().rstrip(".")
    if not value:
        return None
    try:
        wanted: date | None = date.fromisoformat(value)
    except ValueError:
        wanted = None
    if wanted is None:
        wanted = _numeric_day(value, days) or _named_day(value, days)
    return wanted if wanted in days else None


def _numeric_day(value: str, days: Sequence[date]) -> date | None:
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?", value)
    if not match:
        return None
    day, month = int(match.group(1)), int(match.group(2))
    year = match.group(3)
    for candidate in days:
        if (candidate.day, candidate.month) == (day, month) and (
            year is None or str(candidate.year).endswith(year)
        ):
            return candidate
    return None


def _named_day(value: str, days: Sequence[date]) -> date | None:
    tokens = _WORDS.findall(value)
    weekday: int | None = None
    number: int | None = None
    month: int | None = None
    year: int | None = None
    for token in tokens:
        if token.isdigit():
            if len(token) == 4:
                year = int(token)
            elif number is None:
                number = int(token)
            else:
                return None
            continue
        month_match = [i for i, name in enumerate(_MONTHS) if name.startswith(token)]
        day_match = [i for i, name in enumerate(FRENCH_DAYS) if name.startswith(token)]
        if token in ("mar", "ma") or (day_match and len(token) >= 2 and not month_match):
            if len(day_match) != 1 and token not in ("mar", "ma"):
                return None
            weekday = 1 if token in ("mar", "ma") else day_match[0]
        elif month_match and len(token) >= 3 and len(month_match) == 1:
            month = month_match[0] + 1
        elif token in ("le", "er"):  # « le 4 mars », « 1er mars »
            continue
        else:
            return None
    matches = [
        d
        for d in days
        if (weekday is None or d.weekday() == weekday)
        and (number is None or d.day == number)
        and (month is None or d.month == month)
        and (year is None or d.year == year)
    ]
    if weekday is None and number is None:
        return None
    return matches[0] if len(matches) == 1 else None


def resolve_day(programme: Programme, text: str) -> date:
    days = programme.days
    found = parse_day(text, days)
    if found is None:
        names = [short_date(d) for d in days]
        raise _unknown("Jour inconnu", text, "Jours du colloque", names)
    return found


# --- rooms and themes ----------------------------------------------------------------------


def _resolve(
    value: str,
    items: Sequence[T],
    keys: Callable[[T], Sequence[str]],
    noise: frozenset[str] = frozenset(),
) -> list[T]:
    """Items named by ``value``: exact key, else every word a word (prefix) of a key."""
    folded = " ".join(words(value))
    if not folded:
        return []
    exact = [item for item in items if folded in {" ".join(words(k)) for k in keys(item)}]
    if exact:
        return exact
    wanted = [w for w in folded.split() if w not in noise] or folded.split()
    partial = []
    for item in items:
        vocabulary = {w for k in keys(item) for w in words(k)}
        if all(
            w in vocabulary or (len(w) >= 3 and any(v.startswith(w) for v in vocabulary))
            for w in wanted
        ):
            partial.append(item)
    return partial


def resolve_room(programme: Programme, text: str) -> Room:
    found = _resolve(text, programme.rooms, lambda r: (r.id, r.name), frozenset({"salle"}))
    if len(found) == 1:
        return found[0]
    names = [r.name for r in (found or programme.rooms)]
    if found:
        raise InvalidValueError(f"Salle ambiguë « {shown(text)} » : {_listing(names)}.")
    raise _unknown("Salle inconnue", text, "Salles", names)


def resolve_theme(programme: Programme, text: str) -> Theme:
    found = _resolve(text, programme.themes, lambda t: (t.id, t.label), frozenset({"et"}))
    if len(found) == 1:
        return found[0]
    names = [t.label for t in (found or programme.themes)]
    if found:
        raise InvalidValueError(f"Thème ambigu « {shown(text)} » : {_listing(names)}.")
    if not programme.themes:
        raise InvalidValueError(
            f"Thème inconnu « {shown(text)} » : ce programme ne déclare aucun thème."
        )
    searched = _search_themes(programme, text)
    if len(searched) == 1:
        return searched[0]
    if searched:
        labels = [t.label for t in searched]
        raise InvalidValueError(f"Thème ambigu « {shown(text)} » : {_listing(labels)}.")
    closest = _closest(text, [t.label for t in programme.themes], cutoff=75)
    if closest:
        # Themes are a small vocabulary: a close label is what the user meant.
        return next(t for t in programme.themes if t.label == closest)
    meant = themes_touched(programme, text)
    if meant:  # « climat » → « Transition écologique »: the closest in meaning
        return meant[0]
    raise _unknown("Thème inconnu", text, "Thèmes", names)


def _theme_index(programme: Programme) -> Index:
    from .search import Index

    return Index(
        [(t.label, t.id, t.description) for t in programme.themes],
        (4, 2, 1),
        body=2,
        glossary=programme.glossary,
    )


def themes_touched(programme: Programme, text: str, *, meaning: bool = True) -> list[Theme]:
    """Themes whose label or description ``text`` names, best first (« écologie » →
    « Transition écologique »); with ``meaning``, also in meaning (« climat »)."""
    if not programme.themes:
        return []
    if not meaning:
        return _themes_naming(programme.themes, text)
    from .search.broad import broad_search

    found = broad_search(_theme_index(programme), text)
    return [programme.themes[m.doc] for m in found.matches[:3]]


def _themes_naming(themes: Sequence[Theme], text: str) -> list[Theme]:
    """Themes whose label or description has every word of ``text`` (as Snowball roots:
    « écologie » names « Transition écologique »). No index is built: ``search`` calls it
    on every query, and themes are few."""
    from .search.analysis import content_words
    from .search.expansion import roots

    wanted = set(roots(content_words(text)))
    if not wanted:
        return []
    found = []
    for theme in themes:
        have = set(roots(content_words(f"{theme.label} {theme.description or ''}")))
        if wanted <= have:
            found.append(theme)
    return found[:3]


def _search_themes(programme: Programme, text: str) -> list[Theme]:
    """Themes the search engine finds for ``text`` (word forms, typos, acronyms), best
    ones only: « mobilites », « securiter », « ESS », « IA » (named in a description)."""
    themes = programme.themes
    matches, _ = _theme_index(programme).search(text)
    best = [m for m in matches if m.score == matches[0].score] if matches else []
    return [themes[m.doc] for m in best]


# --- time ----------------------------------------------------------------------------------


def parse_time(text: str) -> time:
    """``14:30``, ``14h30``, ``14h`` or ``9``; raises ``InvalidValueError``."""
    match = re.fullmatch(r"\s*([01]?\d|2[0-3])\s*(?:[:hH]\s*([0-5]\d)?)?\s*", text)
    if not match:
        raise InvalidValueError(
            f"Heure invalide « {shown(text)} ». Format attendu : HH:MM (par exemple 14:30)."
        )
    return time(int(match.group(1)), int(match.group(2) or 0))


# --- selection -----------------------------------------------------------------------------


class Selection(Frozen):
    """Resolved filters; None means "any"."""

    __slots__ = ("day", "room", "theme", "at")
    day: date | None
    room: Room | None
    theme: Theme | None
    at: time | None

    def __init__(
        self,
        day: date | None = None,
        room: Room | None = None,
        theme: Theme | None = None,
        at: time | None = None,
    ) -> None:
        store(self, "day", day)
        store(self, "room", room)
        store(self, "theme", theme)
        store(self, "at", at)

    def keeps(self, session: Session) -> bool:
        slot = session.slot
        if self.day is not None and slot.date != self.day:
            return False
        if self.room is not None and (session.room is None or session.room.id != self.room.id):
            return False
        if self.theme is not None and all(t.id != self.theme.id for t in session.themes):
            return False
        if self.at is not None:
            if slot.end_date and slot.end_date != slot.date:
                return slot.start <= self.at or self.at < slot.end
            # a point in time (zero duration) is on at its moment
            return slot.start <= self.at < slot.end or self.at == slot.start
        return True

    def apply(self, sessions: Iterable[Session]) -> list[Session]:
        return [s for s in sessions if self.keeps(s)]


def selection(
    programme: Programme,
    *,
    day: str | None = None,
    room: str | None = None,
    theme: str | None = None,
    at: str | None = None,
) -> Selection:
    """Resolve every given option value against the programme."""
    return Selection(
        day=resolve_day(programme, day) if day is not None else None,
        room=resolve_room(programme, room) if room is not None else None,
        theme=resolve_theme(programme, theme) if theme is not None else None,
        at=parse_time(at) if at is not None else None,
    )
