"""An agenda planned from interests: per slot, the sessions that match them best.

Each interest (« mobilité », « personnes âgées », « climate ») is searched as ``search``
does, words and meaning (``search.broad``); a session scores by the interests it matches
and how well. Slots where the attendee already chose are left as they are. The interests
can be remembered in a small file of the user's data folder, for ``suggest`` and ``next``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .agenda.plan import resolve
from .agenda.records import SLOT_FIELDS, slot_record
from .agenda.store import Agenda
from .errors import StorageError, os_reason
from .infra.paths import data_dir, private_dir
from .infra.storage import atomic_write
from .programme.model import Programme, Session, Slot
from .search import SearchIndex

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
            found = tally.setdefault(hit.session.id, _Tally())
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
    """For each slot of ``programme`` in time order, what to attend for ``interests``."""
    tally = matching(index, interests)
    chosen, _ = resolve(programme, agenda)
    by_slot: dict[str, list[Session]] = {}
    for session in programme.sessions:
        by_slot.setdefault(session.slot.id, []).append(session)
    suggestions = []
    for slot in programme.slots:
        mine = tuple(s for s in chosen if s.slot.id == slot.id)
        if mine:
            suggestions.append(SlotSuggestion(slot, mine, None, None))
            continue
        ranked = sorted(
            (
                Proposal(s, tally[s.id].score, tally[s.id].interests, tally[s.id].near)
                for s in by_slot.get(slot.id, ())
                if s.id in tally
            ),
            key=lambda p: (-len(p.interests), -p.score),
        )
        best = ranked[0] if ranked else None
        runner_up = ranked[1] if len(ranked) > 1 else None
        suggestions.append(SlotSuggestion(slot, (), best, runner_up))
    return suggestions


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
