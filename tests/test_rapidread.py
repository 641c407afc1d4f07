"""rapidyaml's reading of a programme file gives libyaml's data, or gives way to libyaml.

``rapidread.regular_data`` may answer None (then libyaml reads the file, as it always has) but
never different data: every test compares it with a plain libyaml load in our dialect, type
by type (``True`` is not ``1``, ``"12"`` is not ``12``), on the YAML files of the project, on
scalars our dialect and rapidyaml's read differently, and on generated documents.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colloque_cli.programme import rapidread
from colloque_cli.programme.loader import parse_programme
from colloque_cli.programme.yamldialect import ProgrammeLoader
from conftest import PROGRAMME

ROOT = Path(__file__).resolve().parent.parent
REFUSED = object()  # what libyaml refuses: an error, or a key twice in a mapping


def reference(raw: bytes) -> Any:
    """What libyaml reads in our dialect (``REFUSED`` for an error or a duplicate key)."""
    loader = ProgrammeLoader(raw.decode("utf-8-sig"))
    try:
        data = loader.get_single_data()
        if loader.duplicate_keys:
            return REFUSED
    except (yaml.YAMLError, RecursionError):
        return REFUSED
    finally:
        loader.dispose()
    return data


def same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (``1 == True`` does not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return {(type(k), k) for k in a} == {(type(k), k) for k in b} and all(
            same(a[k], b[k]) for k in a
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)  # -0.0 and 0.0 differ
    return bool(a == b)


def check(raw: bytes) -> Any:
    """rapidyaml's data for ``raw``, after checking it is libyaml's (or that it gave way)."""
    fast = rapidread.regular_data(raw)
    if fast is not None:
        expected = reference(raw)
        assert expected is not REFUSED, raw
        assert same(fast, expected), (raw, fast, expected)
    return fast


def generated(count: int) -> str:
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks import generate
    finally:
        sys.path.remove(str(ROOT))
    return generate.generate(count)


def project_yaml_files() -> list[Path]:
    files = [*ROOT.glob("tests/**/*.yaml"), *ROOT.glob("data/*.yaml")]
    return sorted(p for p in files if "vendor" not in p.parts)


@pytest.mark.parametrize("path", project_yaml_files(), ids=lambda p: p.name)
def test_every_yaml_file_of_the_project_reads_as_libyaml_reads_it(path: Path) -> None:
    check(path.read_bytes())


def test_regular_programmes_are_read_by_rapidyaml() -> None:
    # the comparisons above are not vacuous: the usual files take this path
    for raw in (PROGRAMME.read_bytes(), generated(2_500).encode()):
        assert check(raw) is not None


def test_a_programme_read_in_pieces_is_the_whole_programme() -> None:
    # 6 000 sessions: pieces of a quarter of a megabyte, cut between two sessions
    raw = generated(6_000).encode()
    assert len(rapidread._pieces(raw, 0, len(raw), b"\n  - ")) > 1
    data = check(raw)
    assert data is not None and len(data["sessions"]) == 6_000


# Scalars whose reading differs between YAML 1.1, YAML 1.2, rapidyaml and our dialect.
SCALARS = [
    "~", "null", "Null", "NULL", "", "true", "True", "TRUE", "false", "False", "FALSE",
    "yes", "no", "on", "off", "y", "n", "12", "-12", "+12", "012", "09", "00", "0", "-0",
    "0x1F", "0o17", "0b101", "1_000", "1e5", "1E5", "1e500", "1.5", "1.", ".5", "-.5",
    "+1.5", "01.5", "1.5e3", "1.0e5", "-0.0", ".inf", ".Inf", "-.inf", "+.inf", ".nan",
    ".NaN", "NaN", "inf", "14:00", "12:30:00", "2026-06-08", "<<", "=", "1" * 5000,
    "1.5" + "0" * 5000, "a b", "a: b", "é", "« »",
]  # fmt: skip


@pytest.mark.parametrize("scalar", SCALARS)
def test_scalars_read_as_libyaml_reads_them_as_values_keys_and_items(scalar: str) -> None:
    quoted = scalar.replace("'", "''")
    forms = [
        f"k: {scalar}\n",
        f"k: '{quoted}'\n",
        f'k: "{scalar}"\n',
        f"{scalar}: v\n",
        f"'{quoted}': v\n",
        f"k: [{scalar}, x]\n",
        f"k:\n  - {scalar}\n  - x\n",
        f"k: {{a: {scalar}}}\n",
        f"sessions:\n  - id: {scalar}\n    title: t\n  - id: x\n",
        f"k: |\n  {scalar}\n",
    ]
    for form in forms:
        check(form.encode())


ESCAPES = [
    "\\0", "\\a", "\\b", "\\t", "\\\t", "\\n", "\\v", "\\f", "\\r", "\\e", "\\ ", '\\"', "\\/",
    "\\\\", "\\N", "\\_", "\\L", "\\P", "\\x41", "\\xe9", "\\x00", "\\x7f", "\\u00e9",
    "\\u0085", "\\uFFFE", "\\U0001F48C", "\\U0010FFFF", "\\ud800", "\\udc00", "\\U0000D800",
    "\\U00110000", "\\x", "\\q", "\\u12", "\\\n  x",
]  # fmt: skip


@pytest.mark.parametrize("escape", ESCAPES)
def test_escapes_read_as_libyaml_reads_them(escape: str) -> None:
    for form in (f'k: "a{escape}b"\n', f'k: [x, "{escape}"]\n', f"k: 'a{escape}b'\n"):
        check(form.encode())
    check(f"k: a{escape}b\n".encode())  # no escape in plain text: a backslash


def test_imported_programmes_with_escapes_are_read_by_rapidyaml(tmp_path: Path) -> None:
    # what `colloque import` writes (emoji and quotes escaped) takes the quick path
    from typer.testing import CliRunner

    from colloque_cli.cli.app import app

    for sample in ("fosdem-2025-sample.xml", "36c3-sample.json"):  # « * » lists in texts
        out = tmp_path / f"{sample}.yaml"
        source = ROOT / "tests" / "fixtures" / "real" / sample
        result = CliRunner().invoke(app, ["import", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert check(out.read_bytes()) is not None, sample


def test_what_rapidyaml_reads_otherwise_gives_way_to_libyaml() -> None:
    for text in [
        "k: ~\n",  # rapidyaml: "~"
        "k: True\n",  # rapidyaml: "True"
        "k: 09\n",  # rapidyaml: "09"
        "k: 1e5\n",  # rapidyaml: 100000.0
        "k: .NaN\n",  # rapidyaml: ".nan"
        "1: v\n",  # rapidyaml: the key "1"
        ": v\n",  # rapidyaml: the key ""
        "k: !!str 12\n",  # rapidyaml: 12
        "a: &x 1\nb: *x\n",  # rapidyaml: "*x"
        "a: 1\nb: *x\n",  # an alias without anchor: libyaml refuses it
        "a: [1, *x]\n",
        "*x : 1\n",
        "a: & 1\n",  # an anchor without name: rapidyaml reads 1
        "a:\n  - * x\n",
        "k: x\nk: y\n",  # a key twice
        "k:\n  a: 1\n  a: 2\n",
        "sessions:\n  - a\nsessions:\n  - b\n",  # a section twice
        "k: x\n---\nk: y\n",  # two documents
        "k: v\nsessions:\n  - a\n---\n  - b\n",  # two documents within a list
        "k:\ttab\n",
        "k: x\r\nl: y\r\n",
        "- a\n- b\n",  # not a mapping
        "k: @a\n",  # libyaml: an error (reserved); rapidyaml: "@a"
        "k: `a\n",
        "k: ]a\n",
        "}: v\n",
        "? k\n:0\n",  # libyaml: an error; rapidyaml: {"k": 0}
        "a: 1\n? k\n:0\n",
        "colloque:\n >1:\n",  # libyaml: a wrong block scalar header; rapidyaml: ""
        "k: |x\n  a\n",
        "k: >1-2\n  a\n",
        "k: >#c\n  a\n",
    ]:
        assert check(text.encode()) is None, text


@pytest.mark.parametrize(
    "text",
    ["k: >\n  a\n", "k: |-\n  a\n", "k: >2+ # c\n   a\n", "k: |1\n  a\n", "k: a > b | c\n"],
)
def test_block_scalars_and_signs_within_text_stay_on_the_fast_path(text: str) -> None:
    assert check(text.encode()) is not None


@pytest.mark.parametrize(
    "document",
    ['{"k": NaN}', '{"k": -Infinity}', '{"k": 1' + "0" * 5000 + "}", '{"k": 1.' + "0" * 5000 + "}"],
)
def test_json_numbers_our_dialect_reads_otherwise_give_way(
    monkeypatch: pytest.MonkeyPatch, document: str
) -> None:
    # rapidyaml is not known to write these; were it to, libyaml would read the file
    monkeypatch.setattr(rapidread, "_json_of", lambda _ryml, _raw: document)
    assert rapidread.regular_data(b"k: v\n") is None


@pytest.mark.parametrize(
    "text",
    [
        "k: v\nsessions:\n    - a\n  - b\n",  # less indented items
        "k: v\nsessions:\n  - a\n    - b\n",  # a plain text going on
        "k: v\nsessions:\n    - a\n  x: 1\n",
        "k: v\nsessions:\n  - id: a\n t: 1\n",
        "k: v\nsessions:\n  - id: a\n # c\n  - b\n",
        "k: v\nsessions:\n  - id: a\n    d: |\n     x\n  y\n",
        "k: v\nsessions:\n  - a\n\n\n  - b\nz: 1\n",
        'k: v\nsessions:\n  - t: "a\n  - b"\n  - c\n',  # a cut within a quoted text
    ],
)
def test_lists_read_a_piece_per_item_read_as_libyaml_reads_them(text: str) -> None:
    whole = check(text.encode())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rapidread, "_PIECE", 1)
        assert same(check(text.encode()), whole)


def test_a_list_cut_short_by_another_column_stays_with_libyaml() -> None:
    assert check(b"k: v\nslots:\n- s1\nsessions:\n  - a\n- b\n") is None
    assert check(b"k: v\nsessions:\n  - a\ninconnu: 1\n") is None
    assert check(b"  k: v\nsessions:\n  - a\n") is None  # not a key of that mapping


FRAGMENTS = [
    "colloque:", "rooms:", "themes:", "slots:", "sessions:", "glossary:", "  - id: a",
    "  - id: b", "- id: c", "    title: T", "    title: 'q'", '    title: "d"', "  title: x",
    "    themes: [a, b]", "    themes:", "      - t", "    description: |",
    "      bloc", "      - pas un item", "    description: >-", "  - {id: r, name: R}",
    "  - ", "-", "  -", "    allow_overlap: true", "    k: 1", "    k: 1.5", "    k: ~",
    "k: v", "# commentaire", "", "  # commentaire", "    suite", "  - x: [1,", "    2]",
    '    t: "multi', '  ligne"', "    t: 'a", "  b'", "a: b: c", "? k", ": v", "x: {",
    "}", "...", "'a': 1", "  - id: '12'", "  - id: 12", "    a: Null", "    a: .5",
]  # fmt: skip


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(FRAGMENTS),
            st.text(alphabet=" -:#[]{},'\"|>?~.01aTé@`%!&*", max_size=12),
        ),
        max_size=16,
    )
)
def test_generated_documents_read_as_libyaml_reads_them(lines: list[str]) -> None:
    check(("\n".join(lines) + "\n").encode())


# Lines of an item (the « - » of a section): mostly as programmes have them, some odd.
ITEM_LINES = [
    "id: a", "slot: s", "title: Titre", "subtitle: 'Titre : bis'", 'type: "« x » !"',
    "themes: [a, b]", "speakers: []", "room:\n{i}    - t", "description: |\n{i}    bloc\n{i}    - x",
    "label: >-\n{i}    plié\n\n{i}    ici", "allow_overlap: true", "end: '10:00'", "start: 09:00",
    "name: Salle 1", "date: 2026-06-08", "k: 1.5", "n: 12", "t: 'true'",
]  # fmt: skip
ODD_LINES = [
    "{{id: r, name: R}}", "[a, b]", "a", "~", "k: 09", "k: @x", "k: ]x", "- x", "# note", "",
    "k: [a,\n{i}  b]", 'k: "multi\n{i}  ligne"', "k: |\n{i}  x", "? k\n{i}: v", "k: True",
    "k: 1e5", "id: b",
]  # fmt: skip
SECTION_NAMES = ["colloque", "rooms", "themes", "glossary", "slots", "sessions", "autre"]
LINES = st.sampled_from(ITEM_LINES * 8 + ODD_LINES)  # an odd line in about one item out of 3


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SECTION_NAMES),
            st.sampled_from(["", "  ", "    "]),
            st.lists(st.lists(LINES, min_size=1, max_size=4, unique=True), max_size=4),
        ),
        max_size=5,
        unique_by=lambda section: section[0],
    ),
    st.sampled_from(["", "# en-tête\n", "\n", "  "]),
)
def test_generated_programmes_read_as_libyaml_reads_them(
    sections: list[tuple[str, str, list[list[str]]]], start: str
) -> None:
    # files shaped like programmes: sections of « - » items, read whole and a piece per item
    text = start
    for name, indent, items in sections:
        text += f"{name}:\n"
        for lines in items:
            text += indent + "- " + lines[0].format(i=indent) + "\n"
            text += "".join(f"{indent}  {line.format(i=indent)}\n" for line in lines[1:])
    whole = check(text.encode())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rapidread, "_PIECE", 1)
        assert same(check(text.encode()), whole)


def test_without_rapidyaml_libyaml_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ryml", None)  # as on an interpreter without its wheel
    raw = PROGRAMME.read_bytes()
    assert rapidread.regular_data(raw) is None
    assert len(parse_programme(raw, "p.yaml").sessions) == len(reference(raw)["sessions"])


def test_rapidyaml_complaints_never_reach_the_terminal(tmp_path: Path) -> None:
    # a flow list continued in the first column: libyaml reads it, rapidyaml fails on it and
    # prints its error
    text = PROGRAMME.read_text(encoding="utf-8")
    assert "themes: [" in text
    broken = text.replace("themes: [", "themes: [\n", 1)
    assert rapidread.regular_data(broken.encode()) is None
    path = tmp_path / "programme.yaml"
    path.write_text(broken, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "colloque_cli", "--no-cache", "--programme", str(path), "rooms"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
