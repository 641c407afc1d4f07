"""A large index is read in two halves, the second by a forked child: whatever becomes of
the child (it fails, it is killed, it cannot be made, the parent is interrupted), the index
is the one a single reading makes, or the build stops as it would have; and no child
process is ever left behind, running or as a zombie. Small programmes never fork.

(That the halves merge into the very index of a single reading is checked against the
plain reference in test_indexing.py.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from colloque_cli.infra import forked
from colloque_cli.search import halves, indexing
from colloque_cli.search.indexing import Built, Resume, build
from conftest import Run, assert_reaped, count_forks
from test_indexing import GLOSSARY, HANDMADE, assert_built

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = HANDMADE * 700  # 4 200 documents: forked by default
SPARE_CORE = forked.spare_core  # the rule (conftest says yes, whatever the load)


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the children forked from now on (to check that each was reaped)."""
    return count_forks(monkeypatch, halves)


def sequential() -> Built:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexing, "FORK_FROM", 1 << 62)
        return build(DOCUMENTS, 3, 1, GLOSSARY)


def test_a_large_build_forks_one_child_and_reaps_it(children: list[int]) -> None:
    assert len(DOCUMENTS) >= indexing.FORK_FROM
    built = build(DOCUMENTS, 3, 1, GLOSSARY)
    assert len(children) == 1
    assert_reaped(children)
    assert_built(built, sequential())
    assert built.learned == sequential().learned


def _fails() -> None:
    raise RuntimeError("the child fails")


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.mark.parametrize("end", [_fails, _killed, lambda: os._exit(0)])
def test_a_child_that_fails_leaves_the_parent_to_read_its_half(
    monkeypatch: pytest.MonkeyPatch, children: list[int], end: object
) -> None:
    # The child raises, is killed, or ends without a word: the parent reads the rest itself.
    monkeypatch.setattr(halves, "_encoded", lambda *args: end())  # type: ignore[operator]
    read_here: list[int] = []
    read_anyway = halves.read_anyway

    def counted(*args: object) -> None:
        read_here.append(1)
        read_anyway(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(halves, "read_anyway", counted)
    built = build(DOCUMENTS, 3, 1, GLOSSARY)
    assert len(children) == 1 and read_here == [1]
    assert_reaped(children)
    assert_built(built, sequential())
    assert built.learned == sequential().learned


def test_without_fork_the_build_reads_everything_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    assert_built(build(DOCUMENTS, 3, 1, GLOSSARY), sequential())


def test_a_fork_refused_by_the_system_reads_everything_here(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    opened = len(os.listdir("/proc/self/fd"))
    monkeypatch.setattr(os, "fork", refused)
    assert_built(build(DOCUMENTS, 3, 1, GLOSSARY), sequential())
    assert len(os.listdir("/proc/self/fd")) == opened  # the pipe was closed


def test_an_interrupted_parent_kills_and_reaps_its_child(
    monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    parent = os.getpid()
    tokenise = indexing.tokenise

    def interrupted(*args: object) -> None:
        if os.getpid() == parent:  # Ctrl-C while the parent reads its half
            raise KeyboardInterrupt
        tokenise(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(indexing, "tokenise", interrupted)
    opened = len(os.listdir("/proc/self/fd"))
    with pytest.raises(KeyboardInterrupt):
        build(DOCUMENTS, 3, 1, GLOSSARY)
    assert len(children) == 1
    assert_reaped(children)
    assert len(os.listdir("/proc/self/fd")) == opened  # the pipe was closed


def test_ctrl_c_reaches_the_parent_not_the_child(
    monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    # SIGINT goes to the whole process group: the child ignores it (it writes nothing to
    # the terminal, no « KeyboardInterrupt » trace); the parent stops and kills it.
    encoded = halves._encoded

    def interrupted(*args: object) -> forked.Chunks:
        os.kill(os.getpid(), signal.SIGINT)
        return encoded(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(halves, "_encoded", interrupted)
    read_here: list[int] = []
    monkeypatch.setattr(halves, "read_anyway", lambda *args: read_here.append(1))
    build(DOCUMENTS, 3, 1, GLOSSARY)
    assert read_here == []  # the child, told Ctrl-C, went on and answered
    assert_reaped(children)


def test_small_builds_and_short_rests_do_not_fork(
    monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    fewer = DOCUMENTS[: indexing.FORK_FROM - 1]
    build(fewer, 3, 1, GLOSSARY)
    assert children == []
    build(DOCUMENTS[: indexing.FORK_FROM], 3, 1, GLOSSARY)
    assert len(children) == 1
    # Taking up the first documents of an earlier index leaves too few to read: no fork.
    old = build(DOCUMENTS, 3, 1, GLOSSARY)
    assert len(children) == 2
    taken = len(DOCUMENTS) - indexing.FORK_FROM + 1
    resume = Resume(taken, old.vocabulary, old.stems, old.flat, old.offsets, old.texts, old.tails)
    assert_built(build(DOCUMENTS, 3, 1, GLOSSARY, resume), sequential())
    assert len(children) == 2
    assert_reaped(children)


def _generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sessions: int) -> Path:
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.generate import generate

    path = tmp_path / "grand.yaml"
    path.write_text(generate(sessions), encoding="utf-8")
    return path


def test_a_search_read_in_two_says_what_a_single_reading_says(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    path = _generated(tmp_path, monkeypatch, 400)
    query = ["--no-cache", "--programme", str(path), "search", "mobilité", "--limit", "40"]
    monkeypatch.setattr(indexing, "FORK_FROM", 1 << 62)
    alone = run(*query, "--format", "json")
    assert alone.exit_code == 0, alone.output
    assert children == []
    monkeypatch.setattr(indexing, "FORK_FROM", 100)
    in_two = run(*query, "--format", "json")
    assert (in_two.exit_code, in_two.stdout, in_two.stderr) == (0, alone.stdout, alone.stderr)
    assert len(children) == 1
    # The child failing: the same answer, nothing said of it.
    monkeypatch.setattr(halves, "_encoded", lambda *args: _fails())
    failed = run(*query, "--format", "json")
    assert (failed.exit_code, failed.stdout, failed.stderr) == (0, alone.stdout, alone.stderr)
    assert len(children) == 2
    assert_reaped(children)


def test_the_bundled_programme_never_loads_the_halves(tmp_path: Path) -> None:
    # 28 sessions: nothing forked, and not one module more to import at start-up.
    script = (
        "import sys\n"
        "from colloque_cli.__main__ import main\n"
        "sys.argv = ['colloque', '--no-cache', 'search', 'mobilité']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as end:\n"
        "    loaded = [m for m in ('colloque_cli.search.halves', 'colloque_cli.infra.forked')"
        " if m in sys.modules]\n"
        "    print(end.code, loaded, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.stderr.splitlines()[-1] == "0 []", done.stderr


def _search(run: Run, path: Path, *options: str, query: str = "mobilité") -> tuple[int, str, str]:
    done = run(*options, "--programme", str(path), "search", query, "--format", "json")
    return done.exit_code, done.stdout, done.stderr


def test_ctrl_c_before_the_build_ends_the_child_reading_ahead(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    from colloque_cli.infra.cache import ProgrammeCache

    monkeypatch.setattr(indexing, "FORK_FROM", 100)
    path = _generated(tmp_path, monkeypatch, 400)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ProgrammeCache, "put_programme", interrupted)
    assert _search(run, path) == (130, "", "")
    assert len(children) == 1
    assert_reaped(children)


@pytest.mark.parametrize(
    ("cores", "load", "spare"),
    [({0, 1}, 1, True), ({0, 1}, 1.95, True), ({0, 1}, 2, False), ({0}, 1, False)],
)
def test_a_child_is_forked_only_when_a_core_is_free(
    monkeypatch: pytest.MonkeyPatch,
    children: list[int],
    cores: set[int],
    load: float,
    spare: bool,
) -> None:
    # Every core busy (as many processes ready to run, this one included, as the cores it
    # may run on), or a single core: the build reads everything itself.
    monkeypatch.setattr(forked, "spare_core", SPARE_CORE)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: cores)
    monkeypatch.setattr(forked, "runnable", lambda: load)
    assert forked.spare_core() is spare
    assert_built(build(DOCUMENTS, 3, 1, GLOSSARY), sequential())
    assert len(children) == (1 if spare else 0)


def test_the_first_digests_are_those_of_the_whole_programme(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from colloque_cli.programme.loader import load_programme
    from colloque_cli.search.sessions import DIGESTED, documents_digests, first_digests

    programme = load_programme(_generated(tmp_path, monkeypatch, 2 * DIGESTED + 10))
    assert first_digests(programme) == documents_digests(programme)[:2]


def test_no_child_reads_ahead_when_an_earlier_index_gives_the_first_sessions(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[int]
) -> None:
    # What the build would take up from the index made before the edit is known before the
    # cache entry is written: no child reads ahead for nothing.
    monkeypatch.setattr(indexing, "FORK_FROM", 100)
    path = _generated(tmp_path, monkeypatch, 2400)
    first = _search(run, path)
    assert first[0] == 0 and len(children) == 1  # read ahead: no earlier index
    text = path.read_text(encoding="utf-8")
    comment = text.replace("# Programme fictif", "# Un programme fictif", 1)
    path.write_text(comment, "utf-8")
    assert _search(run, path) == first  # the index kept: no child at all
    assert len(children) == 1
    last = text.rindex("    title: ")
    path.write_text(f"{text[:last]}    title: Zygomorphes\n{text[last:].split(chr(10), 1)[1]}")
    edited = _search(run, path, query="zygomorphes")
    assert len(children) == 2  # the build's own, for the sessions after those taken up
    assert '"Zygomorphes"' in edited[1]
    # An edit of the first session: a build from scratch, read ahead.
    first_title = text.index("    title: ")
    path.write_text(
        f"{text[:first_title]}    title: Zygomorphes\n{text[first_title:].split(chr(10), 1)[1]}"
    )
    assert '"Zygomorphes"' in _search(run, path, query="zygomorphes")[1]
    assert len(children) == 3
    assert_reaped(children)


def test_processes_ready_to_run_are_counted_now() -> None:
    # this process is running: counted (on Linux, the kernel's count of the moment)
    assert forked.runnable() >= 1
