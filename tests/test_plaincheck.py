"""The plain check of data rapidyaml read takes only what pydantic takes, and gives its rows.

``plaincheck`` validates without pydantic; whenever it answers, pydantic (the schema, the
reference) must accept the same data and give the same values, field by field and type by
type; where it is unsure it answers None and pydantic validates as before.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ConfigDict, TypeAdapter, ValidationError

from colloque_cli.programme import plaincheck, rapidread, schema
from conftest import PROGRAMME

ROOT = Path(__file__).resolve().parent.parent


def rows_of(model: Any) -> Any:
    """A pydantic model (or a list, a dict of them) as plain values, for comparisons."""
    if isinstance(model, list):
        return [rows_of(item) for item in model]
    if isinstance(model, dict):
        return {key: rows_of(value) for key, value in model.items()}
    if hasattr(type(model), "model_fields"):
        return tuple((name, rows_of(getattr(model, name))) for name in type(model).model_fields)
    if hasattr(model, "_fields"):  # a row
        return tuple((name, rows_of(getattr(model, name))) for name in model._fields)
    return (type(model), model)


def pydantic_rows(data: dict[str, Any]) -> Any:
    try:
        return rows_of(schema.ProgrammeFile.model_validate(data))
    except ValidationError:
        return None


def test_rows_have_the_schema_fields_in_order() -> None:
    for row, model in [
        (plaincheck.ProgrammeRow, schema.ProgrammeFile),
        (plaincheck.ColloqueRow, schema.ColloqueFile),
        (plaincheck.RoomRow, schema.RoomFile),
        (plaincheck.ThemeRow, schema.ThemeFile),
        (plaincheck.SlotRow, schema.SlotFile),
        (plaincheck.SessionRow, schema.SessionFile),
    ]:
        assert row._fields == tuple(model.model_fields)


def test_white_space_is_what_pydantic_strips() -> None:
    strip = TypeAdapter(list[str], config=ConfigDict(str_strip_whitespace=True))
    chars = [chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF]
    stripped = strip.validate_python([f"{c}a{c}" for c in chars])
    assert "".join(c for c, s in zip(chars, stripped, strict=True) if s == "a") == (
        plaincheck.WHITE_SPACE
    )


def generated(count: int) -> bytes:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import generate
    finally:
        sys.path.remove(str(ROOT))
    return generate.generate(count).encode()


@pytest.mark.parametrize("raw", [PROGRAMME.read_bytes(), generated(600)], ids=["fourni", "600"])
def test_programmes_checked_as_pydantic_validates_them(raw: bytes) -> None:
    data = rapidread.regular_data(raw)
    assert data is not None
    rows = plaincheck.checked(data)
    assert rows is not None  # not vacuous: these are checked without pydantic
    assert rows_of(rows) == pydantic_rows(data)


TEXTS = [
    "a", "Titre", " Titre ", "\u00a0Titre", "Titre\n", "\x1cTitre", "Titre\x1f", "", " ", "\u3000",
    "é", "a b", "a/b", "a\\b", "a\u200bb", "a\x1bb", "x" * 200, "x" * 201, "\u202f", "a\tb",
]  # fmt: skip
PLAIN = ["a", "Titre", "é-1", "Salle 1", "x" * 200]  # what programmes hold, mostly
OTHERS = [None, True, False, 0, 1, 1.0, 2.5, [], ["a"], ["a", " b"], {}, {"a": "b"}]
VALUES = st.sampled_from(PLAIN * 8 + TEXTS + OTHERS)
DATES = st.sampled_from(["2026-06-08"] * 6 + [" 2026-06-08", "2026-02-30", "0001-01-01", "x", 5])
TIMES = st.sampled_from(["09:00", "9h30", "23:59"] * 3 + [" 10:00 ", "25:00", "10:0", 930])
SESSION_KEYS = list(plaincheck.SESSION_FIELDS) + ["inconnu"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(SESSION_KEYS),
            st.one_of(VALUES, st.lists(st.sampled_from(PLAIN * 4 + TEXTS), max_size=3)),
            max_size=10,
        ).map(lambda s: {"id": "a", "slot": "s", "title": "T", **s}),
        max_size=3,
    ),
    st.dictionaries(st.sampled_from(["title", "timezone", "dates", "city", "x"]), VALUES),
    st.lists(
        st.fixed_dictionaries(
            {"id": VALUES, "date": DATES, "start": TIMES, "end": TIMES},
            optional={"end_date": DATES, "label": VALUES},
        ),
        max_size=2,
    ),
    st.dictionaries(st.sampled_from(PLAIN * 4 + TEXTS), VALUES, max_size=2),  # JSON keys: texts
)
def test_generated_data_checked_only_as_pydantic_validates_it(
    sessions: list[dict[str, Any]],
    colloque: dict[str, Any],
    slots: list[dict[str, Any]],
    glossary: dict[str, str],
) -> None:
    data = {
        "colloque": {"title": "Colloque", **colloque},
        "rooms": [{"id": "r", "name": "Salle"}],
        "themes": [{"id": "t", "label": "Thème", "description": None}],
        "glossary": glossary,
        "slots": slots,
        "sessions": sessions,
    }
    rows = plaincheck.checked(data)
    if rows is not None:
        assert rows_of(rows) == pydantic_rows(data)
    session_rows = plaincheck.checked_sessions(sessions)
    if session_rows is not None:
        expected = TypeAdapter(list[schema.SessionFile]).validate_python(sessions)
        assert rows_of(session_rows) == rows_of(expected)


def test_what_pydantic_would_judge_otherwise_is_left_to_it() -> None:
    base = {"colloque": {"title": "C"}, "slots": [], "sessions": []}
    for session in [
        {"id": "a", "slot": "s", "title": "T", "allow_overlap": 1},  # pydantic: True
        {"id": "a", "slot": "s", "title": "T", "allow_overlap": "yes"},
        {"id": " a", "slot": "s", "title": "T"},  # pydantic: "a"
        {"id": "a", "slot": "s", "title": 12},  # pydantic: an error
        {"id": "a", "slot": "s"},
        {"id": "a", "slot": "s", "title": "T", "autre": 1},
        {"id": "a/b", "slot": "s", "title": "T"},  # pydantic: an error
        {"id": "a", "slot": "a\\b", "title": "T"},
        {"id": "a", "slot": "s", "room": "a b", "title": "T"},
        {"id": "a", "slot": "s", "title": "T", "themes": ["x" * 201]},
        {"id": "a", "slot": "s", "title": "T", "themes": [""]},
        {"id": "a", "slot": "s", "title": " \u3000 "},
        {"id": "a", "slot": "s", "title": "T", "speakers": [""]},
    ]:
        assert plaincheck.checked({**base, "sessions": [session]}) is None, session
    assert plaincheck.checked({**base, "glossary": {" été": "x"}}) is None  # keys could merge
    assert plaincheck.checked({**base, "sessions": ""}) is None  # not a list (nor empty)
    assert plaincheck.checked({**base, "sessions": [["a"]]}) is None


def test_a_first_read_of_a_plain_file_does_not_import_pydantic(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from colloque_cli.programme.loader import load_programme\n"
        f"programme = load_programme({str(PROGRAMME)!r})\n"
        "print(len(programme.sessions), 'pydantic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["28", "False"]
