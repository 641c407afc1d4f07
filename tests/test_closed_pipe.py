"""A reader that stops reading (« | head ») ends the developer tools under benchmarks/ as
it ends ``colloque``: quietly, status 0, without a traceback or « Exception ignored »."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def unread(*args: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``python *args`` from the repository's root, its stdout a pipe that nobody reads
    (closed at once, like ``| true``), buffered as usual: what is left is written at the end."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    process = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    process.wait(timeout=300)
    return subprocess.CompletedProcess(process.args, process.returncode, b"", err)


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "benchmarks", "--help"],
        ["-m", "benchmarks.generate", "300"],
        ["-m", "benchmarks.search_bench", "--sessions", "300", "--repeat", "1"],
        ["-m", "benchmarks.search_eval", "tests/search_cases.yaml"],
        ["-m", "benchmarks.probe", "{programme}"],
    ],
)
def test_a_developer_tool_ends_quietly_when_its_output_is_not_read(
    args: list[str], tmp_path: Path
) -> None:
    copy = tmp_path / "programme.yaml"
    shutil.copy(ROOT / "data" / "programme.yaml", copy)
    done = unread(*(arg.format(programme=copy) for arg in args))
    assert (done.returncode, done.stderr.decode()) == (0, "")
    assert copy.read_bytes() == (ROOT / "data" / "programme.yaml").read_bytes()


def test_another_broken_pipe_is_still_an_error() -> None:
    # A broken pipe to a child the tool writes to is a failure, not a reader gone.
    code = (
        "from colloque_cli.infra.closedpipe import quiet_when_unread\n"
        "def main():\n"
        "    print('read')\n"
        "    raise BrokenPipeError(32, 'Broken pipe')\n"
        "raise SystemExit(quiet_when_unread(main))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 1
    assert done.stdout == b"read\n"
    assert done.stderr.decode().splitlines()[-1] == "BrokenPipeError: [Errno 32] Broken pipe"
