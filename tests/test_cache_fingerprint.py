"""Cache entries depend on every source file of the package, not on a list kept by hand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import colloque_cli
from colloque_cli.infra import cache as cache_module
from colloque_cli.infra import cachefile
from conftest import PROGRAMME

PACKAGE = Path(colloque_cli.__file__).parent


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the package, files and times as they are."""
    target = tmp_path / "site" / "colloque_cli"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_fingerprint_is_that_of_the_files_wherever_the_package_lies(copy: Path) -> None:
    assert cache_module.code_fingerprint(copy) == cache_module.code_fingerprint(PACKAGE)


@pytest.mark.parametrize(
    "change",
    [
        "edit a search module",
        "edit the model",
        "move a module",
        "add a module",
        "remove one",
        "rebuild the vectors of meaning",
    ],
)
def test_any_change_to_the_sources_changes_the_fingerprint(copy: Path, change: str) -> None:
    before = cache_module.code_fingerprint(copy)
    analysis = copy / "search" / "analysis.py"
    if change == "edit a search module":
        text = analysis.read_text(encoding="utf-8")
        analysis.write_text(text.replace('"de"', '"du"', 1), encoding="utf-8")
    elif change == "edit the model":
        model = copy / "programme" / "model.py"
        stat = model.stat()
        model.write_text(model.read_text(encoding="utf-8").replace("lundi", "Lundi"), "utf-8")
        os.utime(model, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # same size, 1 ns later
    elif change == "move a module":
        analysis.rename(copy / "analysis.py")
    elif change == "rebuild the vectors of meaning":
        vectors = copy / "search" / "concept_vectors.bin"
        stat = vectors.stat()
        os.utime(vectors, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    elif change == "add a module":
        (copy / "search" / "extra.py").write_text("", encoding="utf-8")
    else:
        (copy / "search" / "snippet.py").unlink()
    assert cache_module.code_fingerprint(copy) != before


def _run(copy: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(copy.parent),
        "COLLOQUE_HOME": str(home),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    code = "import sys; from colloque_cli.__main__ import main; sys.argv[0] = 'colloque'; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "--programme", str(PROGRAMME), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def _fingerprints(home: Path) -> dict[str, str]:
    """The code fingerprint written in each entry's header."""
    found = {}
    for entry in (home / "cache" / "programmes").iterdir():
        if entry.suffix == ".seen":  # a file's hash, remembered: no code shapes it
            continue
        blob = entry.read_bytes()
        start = len(cachefile.MAGIC)
        header = blob[start : blob.index(b"\n", start)].decode().split("\t")
        found[entry.suffix] = header[1]
    return found


def test_editing_a_module_of_an_installed_copy_invalidates_its_entries(
    copy: Path, tmp_path: Path
) -> None:
    """Through the real program, run from the copy: its entries name its own sources."""
    home = tmp_path / "maison"
    first = _run(copy, home, "search", "mobilité")
    assert "colloque_cli" not in first.stderr
    written = _fingerprints(home)
    assert written == {
        ".programme": cache_module.code_fingerprint(copy),
        ".index": cache_module.code_fingerprint(copy),
    }
    stamps = {p.name: p.stat().st_mtime_ns for p in (home / "cache" / "programmes").iterdir()}
    assert _run(copy, home, "search", "mobilité").stdout == first.stdout
    assert stamps == {
        p.name: p.stat().st_mtime_ns for p in (home / "cache" / "programmes").iterdir()
    }  # read, not written again
    snippet = copy / "search" / "snippet.py"
    snippet.write_text(snippet.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _run(copy, home, "search", "mobilité").stdout == first.stdout
    again = _fingerprints(home)
    assert again == dict.fromkeys(written, cache_module.code_fingerprint(copy))
    assert set(again.values()).isdisjoint(written.values())
