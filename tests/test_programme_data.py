"""Tests de cohérence du fichier de données data/programme.yaml.

Ces tests n'utilisent que `yaml` et la bibliothèque standard. Ceux qui
comparent les données au document source (la « graine », dans ../shared) échouent
si ce document n'est pas disponible.
"""

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import SHARED

DATA = Path(__file__).parent.parent / "data" / "programme.yaml"
SEED = SHARED / "seeds" / "000_d6c6a04f1ef6492d.txt"

ROOMS = [
    ("salle-1", "Salle 1"),
    ("salle-2", "Salle 2"),
    ("salle-3", "Salle 3"),
    ("salle-4", "Salle 4"),
    ("corneille-1", "Salle Corneille 1"),
    ("corneille-2", "Salle Corneille 2"),
    ("flaubert", "Salle Flaubert"),
    ("pleniere", "Salle Plénière"),
    ("plateau-radio", "Plateau Radio"),
]
# En-têtes de salle tels qu'écrits dans le document.
ROOM_HEADERS = {
    "SALLE 1": "salle-1",
    "SALLE 2": "salle-2",
    "SALLE 3": "salle-3",
    "SALLE 4": "salle-4",
    "SALLE CORNEILLE 1": "corneille-1",
    "SALLE CORNEILLE 2": "corneille-2",
    "SALLE FLAUBERT": "flaubert",
    "SALLE PLENIERE": "pleniere",
    "PLATEAU RADIO": "plateau-radio",
}
SLOTS = [
    ("mar-14h", "2025-03-04", "14:00", "15:30"),
    ("mar-17h45", "2025-03-04", "17:45", "19:15"),
    ("mer-9h", "2025-03-05", "09:00", "10:30"),
]
# Lignes horaires du document -> créneau.
SLOT_LINES = {
    "14H00 - 15H30 :": "mar-14h",
    "17H45 – 19H15 :": "mar-17h45",
    "9H00-10h30 :": "mer-9h",
}
TYPES = {
    "atelier",
    "atelier pédagogique",
    "atelier pratique",
    "atelier collaboratif",
    "table ronde",
    "émission radio",
}
SESSION_KEYS = {"id", "slot", "room", "title", "subtitle", "type", "themes", "description"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def norm(text):
    return text.replace("\u2019", "'")


@pytest.fixture(scope="module")
def data():
    with DATA.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def sessions(data):
    return data["sessions"]


@pytest.fixture(scope="module")
def seed_text():
    if not SEED.is_file():
        pytest.fail(f"document source absent : {SEED}")
    return norm(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_paragraphs(seed_text):
    return [p.strip() for p in re.split(r"\n\s*\n", seed_text) if p.strip()]


@pytest.fixture(scope="module")
def seed_body(seed_paragraphs):
    """Paragraphes du document à partir de la première ligne de jour."""
    start = next(i for i, p in enumerate(seed_paragraphs) if p.startswith("Mardi "))
    return seed_paragraphs[start:]


def is_structural(paragraph):
    """Vrai pour les paragraphes qui ne relèvent pas d'une session."""
    return (
        paragraph in ROOM_HEADERS
        or paragraph in SLOT_LINES
        or paragraph.startswith(("Mardi ", "Mercredi "))
        or paragraph.startswith("Ateliers")
    )


# --- Structure générale ------------------------------------------------------


def test_top_level_keys(data):
    assert set(data) == {"colloque", "rooms", "themes", "glossary", "slots", "sessions"}


def test_colloque(data):
    c = data["colloque"]
    assert c["title"] == "Renouveler notre pacte social : un défi pour les territoires"
    assert c["kind"] == "Colloque national"
    assert c["city"] == "Rouen"
    assert c["timezone"] == "Europe/Paris"
    assert c["dates"] == ["2025-03-04", "2025-03-05"]


def test_rooms(data):
    assert [(r["id"], r["name"]) for r in data["rooms"]] == ROOMS
    assert all(set(r) == {"id", "name"} for r in data["rooms"])


def test_slots(data):
    got = [(s["id"], s["date"], s["start"], s["end"]) for s in data["slots"]]
    assert got == SLOTS
    for s in data["slots"]:
        assert set(s) == {"id", "date", "start", "end", "label"}
        for key in ("date", "start", "end", "label"):
            assert isinstance(s[key], str), (s["id"], key)


def test_slot_labels(data):
    labels = {s["id"]: s["label"] for s in data["slots"]}
    suffix = " (au choix) : pour consolider la cohésion sociale, dans tous les domaines"
    assert labels == {
        "mar-14h": "Ateliers" + suffix,
        "mar-17h45": "Ateliers - Suite" + suffix,
        "mer-9h": "Ateliers -Suite" + suffix,
    }


def test_glossary(data):
    g = data["glossary"]
    for acronym in ("JOP", "QPV", "ZRR", "TZNR", "AVP", "USS", "IA", "ESS", "COVID"):
        assert acronym in g, acronym
        assert isinstance(g[acronym], str) and g[acronym].strip()
    assert g["JOP"] == "Jeux Olympiques et Paralympiques"


# --- Sessions ----------------------------------------------------------------


def test_session_count(sessions):
    assert len(sessions) == 28


def test_session_keys_and_values(data, sessions):
    room_ids = {r["id"] for r in data["rooms"]}
    slot_ids = {s["id"] for s in data["slots"]}
    for s in sessions:
        assert set(s) == SESSION_KEYS, s.get("id")
        assert ID_RE.match(s["id"]) and 3 <= len(s["id"]) <= 20, s["id"]
        assert s["slot"] in slot_ids, s["id"]
        assert s["room"] is None or s["room"] in room_ids, s["id"]
        assert s["type"] in TYPES, s["id"]
        assert isinstance(s["title"], str) and s["title"], s["id"]
        assert s["subtitle"] is None or (isinstance(s["subtitle"], str) and s["subtitle"])
        assert isinstance(s["description"], str) and "\n" not in s["description"], s["id"]


def test_session_ids_unique(sessions):
    ids = [s["id"] for s in sessions]
    assert len(ids) == len(set(ids))


def test_sessions_per_day(data, sessions):
    dates = {s["id"]: s["date"] for s in data["slots"]}
    per_day = Counter(dates[s["slot"]] for s in sessions)
    assert per_day == {"2025-03-04": 19, "2025-03-05": 9}


def test_sessions_per_slot(sessions):
    per_slot = Counter(s["slot"] for s in sessions)
    assert [per_slot[sid] for sid, *_ in SLOTS] == [10, 9, 9]


def test_rooms_null(sessions):
    without_room = sorted(s["title"] for s in sessions if s["room"] is None)
    assert without_room == sorted(
        [
            "Le réemploi au service de nouvelles coopérations",
            "L'IA dans les collectivités, ça mérite débat !",
        ]
    )


def test_no_room_used_twice_in_a_slot(sessions):
    pairs = Counter((s["slot"], s["room"]) for s in sessions if s["room"] is not None)
    assert max(pairs.values()) == 1


def test_subtitles(sessions):
    with_subtitle = {s["title"]: s["subtitle"] for s in sessions if s["subtitle"] is not None}
    assert with_subtitle == {
        "L'IA dans les collectivités, ça mérite débat !": (
            "L'importance du dialogue interne et externe pour poser un cadre éthique des usages ?"
        )
    }


def test_types_match_descriptions(sessions):
    markers = {
        "atelier pédagogique": "atelier pédagogique",
        "atelier pratique": "atelier pratique",
        "atelier collaboratif": "atelier collaboratif",
        "table ronde": "table ronde",
        "émission radio": "cette émission",
    }
    for s in sessions:
        if s["type"] != "atelier":
            assert markers[s["type"]] in s["description"], s["id"]
    assert Counter(s["type"] for s in sessions) == {
        "atelier": 21,
        "atelier pédagogique": 1,
        "atelier pratique": 1,
        "atelier collaboratif": 1,
        "table ronde": 3,
        "émission radio": 1,
    }


# --- Thèmes ------------------------------------------------------------------


def test_themes(data, sessions):
    themes = data["themes"]
    assert 8 <= len(themes) <= 12
    ids = [t["id"] for t in themes]
    assert len(ids) == len(set(ids))
    for t in themes:
        assert set(t) == {"id", "label", "description"}
        assert ID_RE.match(t["id"]) and t["id"].isascii(), t["id"]
        assert t["label"][0].isupper(), t["id"]
        assert t["description"].strip(), t["id"]
    usage = Counter()
    for s in sessions:
        assert 1 <= len(s["themes"]) <= 3, s["id"]
        assert len(set(s["themes"])) == len(s["themes"]), s["id"]
        for th in s["themes"]:
            assert th in ids, (s["id"], th)
        usage.update(s["themes"])
    for tid in ids:
        assert usage[tid] >= 2, tid


# --- Fidélité au document source -----------------------------------------------


def test_colloque_texts_in_seed(data, seed_paragraphs):
    c = data["colloque"]
    assert norm(c["title"]) in seed_paragraphs
    assert norm(c["subtitle"]) in seed_paragraphs
    for slot in data["slots"]:
        assert norm(slot["label"]) in seed_paragraphs, slot["id"]


def test_texts_verbatim_in_seed(sessions, seed_paragraphs):
    """Titres, sous-titres et descriptions sont des paragraphes entiers du document."""
    for s in sessions:
        for key in ("title", "subtitle", "description"):
            if s[key] is not None:
                assert norm(s[key]) in seed_paragraphs, (s["id"], key)


def test_nothing_forgotten(sessions, seed_body):
    covered = set()
    for s in sessions:
        for key in ("title", "subtitle", "description"):
            if s[key] is not None:
                covered.add(norm(s[key]))
    leftovers = [p for p in seed_body if not is_structural(p) and p not in covered]
    assert leftovers == []


def test_order_slots_and_rooms_follow_seed(sessions, seed_body):
    """Reconstruit (titre, créneau, salle) depuis le document et compare, dans l'ordre.

    Une session n'a de salle que si son titre suit immédiatement un en-tête de salle.
    """
    by_text = {}
    for s in sessions:
        by_text[norm(s["title"])] = ("title", s)
        if s["subtitle"] is not None:
            by_text[norm(s["subtitle"])] = ("subtitle", s)
        by_text[norm(s["description"])] = ("description", s)

    expected = []
    slot = None
    previous = None
    for p in seed_body:
        if p in SLOT_LINES:
            slot = SLOT_LINES[p]
        elif p in by_text and by_text[p][0] == "title":
            room = ROOM_HEADERS.get(previous)
            expected.append((p, slot, room))
        previous = p

    got = [(norm(s["title"]), s["slot"], s["room"]) for s in sessions]
    assert got == expected
