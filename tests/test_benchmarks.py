"""The benchmark suite runs, on a tiny size; its generator makes valid, deterministic programmes.

These tests time nothing: performance is read in ``benchmarks/RESULTS.md``, not asserted.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from colloque_cli.programme.loader import parse_programme

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def generate(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """``benchmarks.generate``, importable from the repository's root."""
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks import generate

    return generate


def test_generated_programme_is_valid_and_deterministic(generate: ModuleType) -> None:
    text = generate.generate(400)
    assert generate.generate(400) == text
    assert generate.generate(400, seed=7) != text

    programme = parse_programme(text, "generated.yaml")  # raises on any problem, overlaps too
    assert len(programme.sessions) == 400
    assert len(programme.rooms) == 10  # one per 40 sessions, at least 9
    assert [d.isoformat() for d in programme.days] == ["2026-06-08", "2026-06-09", "2026-06-10"]
    placed = Counter((s.slot.id, s.room.id) for s in programme.sessions if s.room)
    assert max(placed.values()) == 1
    assert any(s.room is None for s in programme.sessions)
    assert all(1 <= len(s.themes) <= 3 for s in programme.sessions)
    assert all(len(s.description) <= 600 for s in programme.sessions)
    assert len({s.id for s in programme.sessions}) == 400
    sample = text.splitlines()[0].rsplit("sample=", 1)[1]
    assert programme.session(sample) is not None


def test_generated_file_is_written_once(generate: ModuleType, tmp_path: Path) -> None:
    first = generate.ensure(50, tmp_path)
    assert first.path == tmp_path / "programme-50.yaml"
    stamp = first.path.stat().st_mtime_ns
    again = generate.ensure(50, tmp_path)
    assert (again.path, again.sample_id) == (first.path, first.sample_id)
    assert again.path.stat().st_mtime_ns == stamp


def test_benchmark_runs_on_a_tiny_size(tmp_path: Path) -> None:
    report = tmp_path / "RESULTS.md"
    data = tmp_path / "data"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", "40", "--runs", "1", "--budget", "0"]
        + ["--commands", "search", "--output", str(report), "--data-dir", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    text = report.read_text(encoding="utf-8")
    assert "## Machine" in text
    # Only the 28-session search target is measured here; whether it is met is not our business.
    assert re.search(r"^## Objectifs : [01] sur 1 atteint$", text, re.M)
    rows = [line for line in text.splitlines() if line.startswith("| `colloque search mobilité` |")]
    assert len(rows) == 1 + 3  # side by side, then 28 / 40 cold / 40 warm in the details
    assert rows[0].count(" ms (") == 3  # 28 sessions, 40 cold, 40 warm, each with its ratio
    assert "| 28 (fourni) |" in text and "| 40 |" in text  # in-process rows

    raw = json.loads((data / "results.json").read_text())
    runs = {
        (u["name"], u["size"], mode): len(samples)
        for u in raw["units"]
        for mode, samples in u["series"].items()
    }
    assert runs == {
        ("python -c pass", None, ""): 1,
        ("import", None, ""): 1,
        ("search", 28, ""): 1,
        ("search", 40, "cold"): 1,
        ("search", 40, "warm"): 1,
    }
    assert raw["probes"]["40"]["sessions"] == 40
    assert len(raw["probes"]["40"]["query_ms"]) == 20
    # Cold runs change a searched text: the first session's speakers, in place.
    for name in ("programme-40.yaml",):
        text = (data / name).read_text(encoding="utf-8")
        edited = parse_programme(text.encode()).sessions[0]  # first in the file and in time
        assert re.fullmatch(r"bench \d{10}", edited.speakers[0]), name
        listed = text.split("\nsessions:\n")[1]
        first = listed[listed.index("  - id: ") :]
        assert first.startswith(f"  - id: {edited.id}\n    speakers: [{edited.speakers[0]}]\n")


def test_the_probe_leaves_the_file_it_measures_as_it_was(tmp_path: Path) -> None:
    """``python -m benchmarks.probe FILE`` changes a copy of FILE: FILE keeps every byte and
    its time of change, and nothing is left behind."""
    import os

    measured = tmp_path / "programme.yaml"
    measured.write_bytes((ROOT / "data" / "programme.yaml").read_bytes())
    before = measured.read_bytes()
    os.utime(measured, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.probe", str(measured), "--counter", "7"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(scratch), "COLLOQUE_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard, not a timing
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    figures = json.loads(done.stdout)
    assert figures["sessions"] == 28
    assert figures["query_hits"]["mobilité"] > 0
    assert measured.read_bytes() == before
    assert measured.stat().st_mtime_ns == 1_700_000_000_000_000_000
    # nothing written beside FILE, nor in a home of the caller's
    assert sorted(p.name for p in tmp_path.iterdir()) == ["programme.yaml", "tmp"]
    assert list(scratch.iterdir()) == []  # the copy and its cache are gone
