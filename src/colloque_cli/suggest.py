"""An agenda planned from interests: per slot, the sessions that match them best.

Each interest (« mobilité », « personnes âgées », « climate ») is searched as ``search``
does, words and meaning (``search.broad``); a session scores by the interests it matches
and how well. Slots where the attendee already chose are left as they are. The interests
can be remembered in a small file of the user's data folder, for ``suggest`` and ``next``.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .agenda.plan import resolve, spans_overlap
from .agenda.records import SLOT_FIELDS, slot_record
from .agenda.store import Agenda
from .errors import StorageError, os_reason
from .infra.paths import data_dir, private_dir
from .infra.storage import atomic_write
from .programme.model import Programme, Session, Slot
from .search import SearchIndex

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

FORMAT = "colloque-interests"
VERSION = 1
MAX_INTERESTS = 20


@dataclass(frozen=True, slots=True)
class Proposal:
    """A session proposed for a slot, and why: the interests it matches, and the programme
    words it matched by meaning only (empty when it names the interests themselves)."""

    session: Session
    score: int
    interests: tuple[str, ...]
    near: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SlotSuggestion:
    """One slot: what the attendee already chose there, else the best proposal and a
    runner-up (None when nothing fits)."""

    slot: Slot
    chosen: tuple[Session, ...]
    best: Proposal | None
    runner_up: Proposal | None


@dataclass(slots=True)
class _Tally:
    session: Session
    score: int = 0
    interests: tuple[str, ...] = ()
    near: tuple[str, ...] = ()


def matching(index: SearchIndex, interests: Sequence[str]) -> dict[str, _Tally]:
    """Per session id, the interests it matches and a combined score."""
    tally: dict[str, _Tally] = {}
    for interest in interests:
        hits = index.search(interest)
        top = max((hit.score for hit in hits), default=1)
        for hit in hits:
            session = hit.session
            found = tally.get(session.id)
            if found is None:
                found = tally[session.id] = _Tally(session)
            # Scores are relative to the interest's best session; a session that names the
            # interest beats one only near it in meaning.
            score = 100 * hit.score // top
            found.score += score // 2 if hit.kind == "meaning" else score
            found.interests += (interest,)
            found.near += tuple(w for w in hit.near if w not in found.near)
    return tally


def suggest(
    programme: Programme, index: SearchIndex, interests: Sequence[str], agenda: Agenda
) -> list[SlotSuggestion]:
    """What to attend for ``interests``, in time order: a plan with no two proposals at the
    same time, around what the attendee already chose.

    Best first: the sessions that match the most interests, then the best scores, are taken
    in turn when they overlap nothing taken or chosen; a runner-up is the best session left
    that overlaps a proposal. When the programme's slots never overlap one another (the
    bundled one: every session of a slot shares its times), this is the best session of each
    slot, and every slot gets its line, « rien » included. When they do (FOSDEM: a slot per
    distinct start and end, 551 of them), only the proposals and the choices are listed: a
    line per slot would mostly say « rien », and proposals per slot would overlap.
    """
    tally = matching(index, interests)
    chosen, _ = resolve(programme, agenda)
    tz = programme.tz
    taken = _Timeline(tz)
    for session in chosen:
        taken.add(session)
    # Only the sessions found are looked at (in programme order when they tie).
    ranked = sorted(
        (Proposal(t.session, t.score, t.interests, t.near) for t in tally.values()),
        key=lambda p: (-len(p.interests), -p.score, programme.position(p.session.id)),
    )
    candidates = [proposal for proposal in ranked if not taken.overlapping(proposal.session)]
    planned = _Timeline(tz)
    picks: dict[str, Proposal] = {}
    runners_up: dict[str, Proposal] = {}
    for proposal in candidates:
        clashes = planned.overlapping(proposal.session)
        if not clashes:
            planned.add(proposal.session)
            picks[proposal.session.id] = proposal
        for other in clashes:
            runners_up.setdefault(other.id, proposal)
    mine: dict[str, list[Session]] = {}
    for session in chosen:
        mine.setdefault(session.slot.id, []).append(session)
    proposed: dict[str, list[SlotSuggestion]] = {}
    for proposal in picks.values():
        session = proposal.session
        line = SlotSuggestion(session.slot, (), proposal, runners_up.get(session.id))
        proposed.setdefault(session.slot.id, []).append(line)
    every_slot = slots_apart(programme)
    lines: list[SlotSuggestion] = []
    for slot in programme.slots:
        if slot.id in mine:  # the slot as the attendee left it, in one line
            lines.append(SlotSuggestion(slot, tuple(mine[slot.id]), None, None))
        elif slot.id in proposed:
            lines += proposed[slot.id]
        elif every_slot:
            lines.append(SlotSuggestion(slot, (), None, None))
    return lines


def slots_apart(programme: Programme) -> bool:
    """Whether no two slots of ``programme`` share any time."""
    tz = programme.tz
    spans = sorted((s.starts_at(tz), s.ends_at(tz)) for s in programme.slots)
    return all(start >= end for (_, end), (start, _) in pairwise(spans))


class _Timeline:
    """Sessions held by start, with the longest one's length: which of them a session
    overlaps is found by bisection (a plan for 50 000 sessions stays quick)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.starts: list[datetime] = []
        self.spans: list[tuple[datetime, datetime, Session]] = []
        self.longest = timedelta(0)

    def add(self, session: Session) -> None:
        start, end = session.slot.starts_at(self.tz), session.slot.ends_at(self.tz)
        at = bisect_right(self.starts, start)
        self.starts.insert(at, start)
        self.spans.insert(at, (start, end, session))
        self.longest = max(self.longest, end - start)

    def overlapping(self, session: Session) -> list[Session]:
        """The sessions held that share time with ``session`` (touching ends do not)."""
        start, end = session.slot.starts_at(self.tz), session.slot.ends_at(self.tz)
        found = []
        for other_start, other_end, other in self.spans[
            bisect_left(self.starts, start - self.longest) :
        ]:
            if other_start > end:
                break
            if spans_overlap(start, end, other_start, other_end):
                found.append(other)
        return found


SUGGESTION_FIELDS = (
    *SLOT_FIELDS,
    "status",
    "id",
    "title",
    "room",
    "interests",
    "near",
    "runner_up",
)


def suggestion_records(suggestions: list[SlotSuggestion]) -> list[dict[str, Any]]:
    """One record per slot: the proposed session (``id`` and ``title`` null when none)."""
    rows: list[dict[str, Any]] = []
    for line in suggestions:
        slot = line.slot
        best, other = line.best, line.runner_up
        status = "choisi" if line.chosen else "proposé" if best else "rien"
        shown = line.chosen[0] if line.chosen else best.session if best else None
        rows.append(
            {
                **slot_record(slot),
                "status": status,
                "id": shown.id if shown else None,
                "title": shown.title if shown else None,
                "room": shown.room.name if shown and shown.room else None,
                "interests": list(best.interests) if best else [],
                "near": list(best.near) if best else [],
                "runner_up": (
                    {"id": other.session.id, "title": other.session.title} if other else None
                ),
            }
        )
    return rows


# --- remembered interests -------------------------------------------------------------------


def interests_path() -> Path:
    return data_dir() / "interests.json"


def clean(interests: Sequence[str]) -> list[str]:
    """Interests trimmed, without blanks or repeats, in the order given."""
    return list(dict.fromkeys(i.strip() for i in interests if i.strip()))[:MAX_INTERESTS]


def load_interests(path: Path | None = None) -> list[str]:
    """The remembered interests ([] when none were saved)."""
    path = path or interests_path()
    if not private_dir(path.parent, data_dir(), create=False):  # the user's folder only
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as error:
        reason = os_reason(error) if isinstance(error, OSError) else "pas en UTF-8"
        raise StorageError(f"Impossible de lire vos intérêts « {path} » : {reason}.") from None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    items = data.get("interests") if isinstance(data, dict) else None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or not isinstance(items, list)
        or not all(isinstance(i, str) for i in items)
    ):
        raise StorageError(
            f"Vos intérêts « {path} » sont illisibles ; le fichier n'a pas été modifié. "
            "Enregistrez-les de nouveau avec « colloque agenda interests MOTS… »."
        )
    return clean(items)


def save_interests(interests: Sequence[str], path: Path | None = None) -> Path:
    """Remember ``interests`` (replacing those saved before); an empty list forgets them."""
    path = path or interests_path()
    data = {"format": FORMAT, "version": VERSION, "interests": clean(interests)}
    private_dir(path.parent, data_dir())  # made private (0700), and the user's alone
    try:
        atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    except OSError as error:
        raise StorageError(
            f"Impossible d'enregistrer vos intérêts « {path} » : {os_reason(error)}."
        ) from None
    return path
