"""In-process measurements of one programme file, run in a fresh interpreter per file.

``python -m benchmarks.probe FILE`` prints one JSON object: the time to import the core, to
load the file just after its content changed (``load_cold``) and once more (``load_warm``: the
same as cold until the programme is cached), to build the search index, the median time of each
of the 20 typical queries, and the process's peak resident memory.

A fresh process per file keeps the peak RSS of one size from hiding behind another's.
FILE itself is left byte for byte as it was: the content change is made to a temporary copy.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import Any

# Twenty queries a participant would type: single words, accents left out, typos, several
# words, a theme label, a rare word. Two of them (« alimentation », « vieillissement ») find
# nothing in the generated programmes: they measure a word the programme lacks (typo search).
QUERIES = (
    "mobilité",
    "mobilite",
    "santé mentale",
    "jeunesse",
    "transition écologique",
    "numérique",
    "intelligence artificielle",
    "démocratie participative",
    "culture",
    "mobilté",
    "cohésion sociale",
    "précarité",
    "service public",
    "alimentation",
    "laïcité",
    "sport",
    "solidarités territoires",
    "désinformation",
    "vieillissement",
    "budgets participatifs",
)


def touch_content(path: Path, counter: int) -> None:
    """Change a searched text of the file's first session: new content, new mtime.

    The first session of every benchmarked file gets a line written here, ``speakers: [bench
    NNNNNNNNNN]`` (no benchmarked file gives it speakers), whose number changes in place
    (same size). What the search index is made from changes, in its first document, so a
    first search after the edit builds the whole index again: an edit of a time or a comment
    may reuse the previous index, an edit further down may reuse the part before it;
    measured here is the worst case. A cache keyed on size and mtime alone would be caught
    serving stale data only by its content hash.
    """
    digits = f"{counter % 10**10:010d}".encode()
    with path.open("r+b") as handle:
        data = handle.read()
        first = _FIRST_SESSION.search(data)
        if first is None:
            raise ValueError(f"{path}: no « sessions: » list of « - id: » items")
        if data.startswith(_EDITED, first.end()):
            handle.seek(first.end() + len(_EDITED))
            handle.write(digits)
        else:
            handle.seek(first.end())
            handle.write(_EDITED + digits + b"]\n" + data[first.end() :])


# The first session's id line, past the section's blank and comment lines.
_FIRST_SESSION = re.compile(rb"^sessions:\n(?:[ ]*(?:#[^\n]*)?\n)*  - id: [^\n]*\n", re.M)
_EDITED = b"    speakers: [bench "


def _ms(start: int) -> float:
    return (time.perf_counter_ns() - start) / 1e6


def probe(path: Path, counter: int) -> dict[str, Any]:
    """Measure loading, indexing and querying ``path`` in this process (on a copy of it)."""
    start = time.perf_counter_ns()
    import_module("colloque_cli.programme.loader")
    import_module("colloque_cli.search")
    result: dict[str, Any] = {"import_ms": _ms(start)}

    with tempfile.TemporaryDirectory(prefix="colloque-probe-") as scratch:
        copy = Path(scratch) / path.name
        shutil.copyfile(path, copy)
        return result | _measure(copy, counter)


def _measure(path: Path, counter: int) -> dict[str, Any]:
    """The figures of ``path`` once changed (``touch_content``)."""
    from colloque_cli.programme.loader import load_programme  # imported (and timed) by probe
    from colloque_cli.search import SearchIndex

    result: dict[str, Any] = {}
    touch_content(path, counter)
    start = time.perf_counter_ns()
    programme = load_programme(path)
    result["load_cold_ms"] = _ms(start)
    result["sessions"] = len(programme.sessions)
    del programme
    gc.collect()

    start = time.perf_counter_ns()
    programme = load_programme(path)
    result["load_warm_ms"] = _ms(start)

    start = time.perf_counter_ns()
    index = SearchIndex(programme)
    result["index_ms"] = _ms(start)

    # The first query pays for importing rapidfuzz: measured apart, not in the 20.
    start = time.perf_counter_ns()
    index.search("cohesion")
    result["first_query_ms"] = _ms(start)

    per_query: dict[str, float] = {}
    hits: dict[str, int] = {}
    for query in QUERIES:
        start = time.perf_counter_ns()
        found = index.search(query)
        times = [_ms(start)]
        # A shared machine slows some runs down: enough runs that the median is not one.
        repeat = 11 if times[0] < 50 else 5 if times[0] < 500 else 1
        for _ in range(repeat - 1):
            start = time.perf_counter_ns()
            index.search(query)
            times.append(_ms(start))
        per_query[query] = statistics.median(times)
        hits[query] = len(found)
    result["query_ms"] = per_query
    result["query_hits"] = hits
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def peak_rss_mb() -> float:
    """This process's peak resident memory since it started (its exec), in MiB.

    Linux's ``VmHWM`` rather than ``getrusage``: ``ru_maxrss`` also counts the memory the
    parent had before the exec, so a child of a large benchmark runner would look large too.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: KiB on Linux, bytes on macOS
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.probe")
    parser.add_argument("file", type=Path)
    parser.add_argument("--counter", type=int, default=0, help="value for the content change")
    args = parser.parse_args(argv)
    json.dump(probe(args.file, args.counter), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    from colloque_cli.infra.closedpipe import quiet_when_unread

    raise SystemExit(quiet_when_unread(main))
