"""The built wheel carries the programme and works from any directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

uv = shutil.which("uv")


@pytest.mark.skipif(uv is None, reason="uv est nécessaire pour construire le paquet")
def test_wheel_in_a_fresh_virtualenv_runs_from_elsewhere(tmp_path: Path) -> None:
    assert uv is not None
    dist = tmp_path / "dist"
    subprocess.run([uv, "build", "--wheel", "-q", "-o", str(dist), str(ROOT)], check=True)
    wheel = next(dist.glob("colloque_cli-*.whl"))
    # The word tables derive from wordfreq's CC BY-SA data: the wheel says so and carries
    # both licences, and the tables' notice sits beside them.
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        headers = archive.read(metadata).decode()
        notice = archive.read("colloque_cli/search/NOTICE-DATA.md").decode()
    assert "License-Expression: MIT AND CC-BY-SA-4.0" in headers.splitlines()
    licences = {n.split(".dist-info/licenses/")[1] for n in names if ".dist-info/licenses/" in n}
    assert licences == {"LICENSE", "src/colloque_cli/search/NOTICE-DATA.md"}
    assert "colloque_cli/search/concepts.bin" in names
    assert "wordfreq" in notice and "CC BY-SA 4.0" in notice
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([uv, "pip", "install", "-q", "--python", str(python), str(wheel)], check=True)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(venv / "bin" / "colloque"), "list", "--day", "mardi", "--format", "json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 19
