"""The loader's fast path (events straight to data, sessions validated in chunks) changes nothing.

Regular, valid files are read without composing a YAML node tree; everything else goes
through the full check. Both must give the same programme, and the same located problems.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from colloque_cli.errors import ProgrammeError
from colloque_cli.programme import fastpath, loader, yamldialect
from colloque_cli.programme.build import build_programme
from colloque_cli.programme.fastpath import CHUNK, check_regular, data_from_events
from colloque_cli.programme.loader import parse_programme
from colloque_cli.programme.model import Programme
from colloque_cli.programme.yamldialect import ProgrammeLoader
from conftest import PROGRAMME

ROOT = Path(__file__).resolve().parent.parent

SCALARS = """\
colloque:
  title: "Essai : scalaires"
  subtitle: ~
  kind: null
  city:
  dates: [2025-03-04, '2025-03-05']
rooms:
  - {id: a, name: Salle A}
  - id: b
    name: 'no'
themes:
  - id: t
    label: Thème
    description: >-
      plié
      sur deux lignes
glossary:
  ÉTÉ: été
  "yes": oui
slots:
  - {id: s1, date: 2025-03-04, start: "09:00", end: 10h30, label: Matin}
  - {id: s2, date: 2025-03-04, start: 09:00, end: "11:00"}
sessions:
  - id: one
    slot: s1
    room: a
    title: Un
    themes: [t, t]
    allow_overlap: true
    description: |
      Ligne 1
      Ligne 2
  - id: two
    slot: s2
    room: b
    title: Deux
    subtitle: ""
    allow_overlap: false
    speakers: [Ann, "Bob"]
  - {id: three, slot: s2, title: Trois, room: ~}
"""


def full(text: str, source: str = "p.yaml") -> Programme:
    """The programme as the full check (node tree, whole-file validation) builds it."""
    problems, validated = loader._check_fully(text, source)
    assert problems == []
    return build_programme(validated, source)


def full_problems(text: str, source: str = "p.yaml") -> list[str]:
    problems, _ = loader._check_fully(text, source)
    return [str(p) for p in problems]


def test_event_data_equals_what_pyyaml_constructs() -> None:
    expected = yaml.load(SCALARS, Loader=ProgrammeLoader)  # noqa: S506 (a safe loader)
    reader = ProgrammeLoader(SCALARS)
    try:
        assert data_from_events(reader) == expected
    finally:
        reader.dispose()
    assert expected["rooms"][1]["name"] == "no"  # YAML 1.2-like scalars kept
    assert expected["slots"][1]["start"] == "09:00"


def test_repeated_plain_scalars_read_from_events_as_pyyaml_constructs_them() -> None:
    # A plain scalar's tag is resolved once per text, then remembered: every repetition
    # must still be read as PyYAML reads it (booleans, nulls, numbers, YAML 1.2 strings).
    plain = ["true", "~", "null", "", "12", "-3", "1.5", "no", "09:00", "tard", "Thème", "<<x"]
    text = "".join(f"k{n}: [{value}, {value}]\n" for n, value in enumerate(plain) if value)
    text += "".join(f"{value or 'vide'}{n}: {value}\n" for n, value in enumerate(plain * 2))
    expected = yaml.load(text, Loader=ProgrammeLoader)  # noqa: S506 (a safe loader)
    reader = ProgrammeLoader(text)
    try:
        assert fastpath.data_from_events(reader) == expected
    finally:
        reader.dispose()
    assert expected["k0"] == [True, True] and expected["k1"] == [None, None]
    assert expected["k8"] == ["09:00", "09:00"]


@pytest.mark.parametrize("as_bytes", [False, True])
def test_fast_path_builds_the_same_programme(as_bytes: bool) -> None:
    for text in (SCALARS, PROGRAMME.read_text(encoding="utf-8")):
        data = text.encode() if as_bytes else text
        assert check_regular(data, "p.yaml") is not None  # the fast path was taken
        assert parse_programme(data, "p.yaml") == full(text)


def test_bytes_with_a_bom_read_as_text() -> None:
    text = PROGRAMME.read_text(encoding="utf-8")
    assert parse_programme(b"\xef\xbb\xbf" + text.encode(), "p.yaml") == full(text)


@pytest.fixture(scope="module")
def generated() -> str:
    """A programme with more sessions than one validation chunk."""
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import generate
    finally:
        sys.path.remove(str(ROOT))
    return generate.generate(CHUNK * 2 + 17)


def test_sessions_validated_in_chunks_give_the_same_programme(generated: str) -> None:
    assert check_regular(generated.encode(), "g.yaml") is not None
    programme = parse_programme(generated.encode(), "g.yaml")
    assert len(programme.sessions) == CHUNK * 2 + 17
    assert programme == full(generated, "g.yaml")


def nth_session_line(text: str, n: int) -> int:
    """The 0-based line of the ``n``-th ``  - id:`` after ``sessions:``."""
    lines = text.splitlines()
    start = lines.index("sessions:")
    found = [i for i in range(start, len(lines)) if lines[i].startswith("  - id:")]
    return found[n]


@pytest.mark.parametrize(
    "damage",
    [
        ("    title:", "    title: [une, liste]"),  # schema error in a late chunk
        ("    slot:", "    slot: inconnu"),  # dangling reference (cross-check)
        ("    title:", "    title: Double\n    title:"),  # duplicate key
        ("    title:", "    title: &ancre Ancré\n    subtitle: *ancre\n    title:"),  # alias
        ("    title:", "    title: !!python/name:os.system"),  # explicit tag
        ("    title:", "    <<: {x: 1}\n    title:"),  # merge key
    ],
)
def test_irregular_or_invalid_files_report_exactly_what_the_full_check_does(
    generated: str, damage: tuple[str, str]
) -> None:
    lines = generated.splitlines()
    at = nth_session_line(generated, CHUNK * 2 + 3)
    target = next(i for i in range(at, len(lines)) if lines[i].startswith(damage[0]))
    lines[target] = damage[1] + lines[target][len(damage[0]) :]
    text = "\n".join(lines) + "\n"
    expected = full_problems(text, "g.yaml")
    assert expected  # the damage is a problem
    for data in (text, text.encode()):
        with pytest.raises(ProgrammeError) as caught:
            parse_programme(data, "g.yaml")
        assert [str(p) for p in caught.value.problems] == expected


def test_invalid_utf8_bytes_report_the_decoding_error() -> None:
    raw = PROGRAMME.read_bytes().replace(b"Rouen", b"R\xe9ouen", 1)
    with pytest.raises(ProgrammeError) as caught:
        parse_programme(raw, "p.yaml")
    (problem,) = caught.value.problems
    assert "octet 0xe9 invalide" in problem.message
    assert problem.line == raw[: raw.index(b"\xe9")].count(b"\n") + 1


def test_a_bug_in_the_fast_path_shows_instead_of_passing_for_slowness(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(_loader: object, _size: int = 0) -> dict[str, object]:
        raise KeyError("a bug")

    monkeypatch.setattr(fastpath, "data_from_events", broken)
    with pytest.raises(KeyError, match="a bug"):
        parse_programme(PROGRAMME.read_text(encoding="utf-8"), str(PROGRAMME))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="&\n\r :-?[]{},\tab\u00e9", max_size=24))
def test_anchor_hint_searched_line_by_line_finds_what_the_pattern_finds(text: str) -> None:
    # The hint that sends a file to the full check, searched only on the lines holding an
    # « & », answers as the pattern searched over the whole text (in text and in bytes).
    expected = yamldialect.NODE_ANCHOR.search(text) is not None
    assert yamldialect.has_node_anchor(text) is expected
    raw = text.encode()
    assert (yamldialect.NODE_ANCHOR_BYTES.search(raw) is not None) is expected
    assert yamldialect.has_node_anchor(raw) is expected
