"""The programme cache: used when valid, ignored and rebuilt otherwise, never required."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import colloque_cli.infra.cache as cache_module
from colloque_cli.infra import cachecodec
from colloque_cli.infra.cache import open_programme
from colloque_cli.programme.columns import SessionTable
from conftest import PROGRAMME, Run, count_index_builds

TITLE = "Sécurité et cohésion sociale"


@pytest.fixture
def programme_file(tmp_path: Path) -> Path:
    path = tmp_path / "programme.yaml"
    path.write_text(PROGRAMME.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def entries(home: Path) -> list[Path]:
    return sorted((home / "cache" / "programmes").glob("*.programme"))


def test_second_load_comes_from_the_cache(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, cache = open_programme(programme_file)
    assert cache is not None
    assert len(entries(isolated_env)) == 1

    def no_parsing(*args: object) -> None:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr("colloque_cli.programme.loader.parse_programme", no_parsing)
    second, _ = open_programme(programme_file)
    assert second == first


def test_same_size_same_mtime_other_content_is_reloaded(programme_file: Path) -> None:
    open_programme(programme_file)
    before = programme_file.stat()
    text = programme_file.read_text(encoding="utf-8")
    changed = text.replace(TITLE, TITLE.replace("Sécurité", "Sûreté  "))  # same byte length
    assert len(changed.encode()) == before.st_size
    programme_file.write_text(changed, encoding="utf-8")
    os.utime(programme_file, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert programme_file.stat().st_mtime_ns == before.st_mtime_ns
    reloaded, _ = open_programme(programme_file)
    assert reloaded.session("securite").title.startswith("Sûreté")


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_corrupt_entry_is_rebuilt(programme_file: Path, isolated_env: Path, damage: str) -> None:
    open_programme(programme_file)
    entry = entries(isolated_env)[0]
    blob = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(blob[: len(blob) // 2])
    elif damage == "flip":
        entry.write_bytes(blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(len(blob)))
    else:
        entry.write_bytes(b"")
    programme, _ = open_programme(programme_file)
    assert len(programme.sessions) == 28
    assert entry.read_bytes() == blob  # rewritten with a good entry


def test_one_changed_byte_anywhere_in_an_entry_is_caught(
    programme_file: Path, isolated_env: Path
) -> None:
    """Header, MAC, table, pickle (signed) and raw arrays (CRC-32): every region is checked."""
    good, _ = open_programme(programme_file)
    entry = entries(isolated_env)[0]
    blob = entry.read_bytes()
    assert len(blob) > 20_000  # the descriptions make an array stored raw, after the pickle
    for position in range(0, len(blob), len(blob) // 60):
        entry.write_bytes(blob[:position] + bytes([blob[position] ^ 0x01]) + blob[position + 1 :])
        programme, _ = open_programme(programme_file)
        assert programme == good, position
        assert entry.read_bytes() == blob, position  # rebuilt, identical
    entry.write_bytes(blob + b"\0" * 8)
    assert open_programme(programme_file)[0] == good
    assert entry.read_bytes() == blob


def test_an_entry_that_is_not_the_users_own_file_is_not_read(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are the user's files, writable by the user alone (0600): a group- or
    world-writable one (or a link) is rebuilt, not read."""
    open_programme(programme_file)
    entry = entries(isolated_env)[0]
    rebuilt: list[str] = []
    real = cache_module.ProgrammeCache.put

    def spy(self: cache_module.ProgrammeCache, kind: str, encode: object) -> None:
        rebuilt.append(kind)
        real(self, kind, encode)  # type: ignore[arg-type]

    monkeypatch.setattr(cache_module.ProgrammeCache, "put", spy)
    entry.chmod(0o622)
    open_programme(programme_file)
    assert rebuilt == ["programme"]
    assert entry.stat().st_mode & 0o777 == 0o600  # the new entry is private
    open_programme(programme_file)
    assert rebuilt == ["programme"]  # and used
    target = entry.with_name("elsewhere")
    entry.rename(target)
    entry.symlink_to(target)
    open_programme(programme_file)
    assert rebuilt == ["programme", "programme"]
    assert not entry.is_symlink()


def test_entry_from_another_version_is_ignored(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_programme(programme_file)
    before = entries(isolated_env)[0].read_bytes()
    monkeypatch.setattr(cache_module, "__version__", "0.0.0-autre")
    cache_module.running_fingerprint.cache_clear()  # as a new process of that version would
    try:
        open_programme(programme_file)
    finally:
        cache_module.running_fingerprint.cache_clear()
    assert entries(isolated_env)[0].read_bytes() != before


def test_unwritable_cache_directory_still_works(
    run: Run, isolated_env: Path, programme_file: Path
) -> None:
    (isolated_env / "cache").write_text("pas un dossier", encoding="utf-8")
    result = run("--programme", str(programme_file), "list", "--day", "mardi")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout.rstrip().endswith("19 sessions")


def test_no_cache_option_writes_nothing(run: Run, isolated_env: Path, programme_file: Path) -> None:
    assert run("--no-cache", "--programme", str(programme_file), "list").exit_code == 0
    assert entries(isolated_env) == []
    assert run("--programme", str(programme_file), "list").exit_code == 0
    assert len(entries(isolated_env)) == 1


def test_a_changed_file_is_never_served_stale_through_the_cli(
    run: Run, programme_file: Path
) -> None:
    assert TITLE in run("--programme", str(programme_file), "show", "securite").stdout
    text = programme_file.read_text(encoding="utf-8").replace(TITLE, "Sécurité, autrement")
    programme_file.write_text(text, encoding="utf-8")
    assert (
        "Sécurité, autrement" in run("--programme", str(programme_file), "show", "securite").stdout
    )


def test_an_invalid_file_is_reported_even_after_a_valid_one_was_cached(
    run: Run, programme_file: Path
) -> None:
    assert run("--programme", str(programme_file), "list").exit_code == 0
    programme_file.write_text("colloque: [", encoding="utf-8")
    result = run("--programme", str(programme_file), "list")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{programme_file}:")


def test_search_index_is_cached_too(
    run: Run, programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run("--programme", str(programme_file), "search", "mobilité", "--format", "json")
    assert first.exit_code == 0
    assert len(list((isolated_env / "cache" / "programmes").glob("*.index"))) == 1

    import colloque_cli.search.index as index_module

    def no_indexing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index was built again")

    monkeypatch.setattr(index_module.Index, "__init__", no_indexing)
    second = run("--programme", str(programme_file), "search", "mobilité", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert second.stdout == first.stdout


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("\nglossary:", "\n# un commentaire\nglossary:"),
        ("id: securite\n", "id: securite-autrement\n"),  # an id
        ('start: "17:45"\n    end: "19:15"', 'start: "17:45"\n    end: "19:00"'),  # a time
        ("Sécurité publique, prévention", "Sécurité civile, prévention"),  # a theme's text
    ],
)
def test_an_edit_that_leaves_the_searched_texts_keeps_the_index(
    run: Run, programme_file: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    """The index made before an edit that changes nothing it is made from (the searched
    texts and the glossary) is the one a build would make: it is used and stored again."""
    query = ["--programme", str(programme_file), "search", "sécurité", "--format", "json"]
    assert run(*query).exit_code == 0  # builds and stores the index
    text = programme_file.read_text(encoding="utf-8")
    assert text.count(old) == 1
    programme_file.write_text(text.replace(old, new), encoding="utf-8")
    expected = run("--no-cache", *query)
    built = count_index_builds(monkeypatch)
    after = run(*query)
    assert built == []
    assert (after.exit_code, after.stdout, after.stderr) == (0, expected.stdout, expected.stderr)
    again = run(*query)  # the index was stored for the file as it is now
    assert again.stdout == expected.stdout
    assert built == []


@pytest.mark.parametrize(
    ("old", "new", "word"),
    [
        ("leurs polices municipales", "leurs polices de Zanzibar", "zanzibar"),  # a description
        ("name: Salle 1}", "name: Salle Ouessant}", "ouessant"),  # a room's name
        ('label: "Sécurité et risques"', 'label: "Sécurité et ouragans"', "ouragans"),
        ("\nglossary:\n", '\nglossary:\n  SCS: "sécurité et cohésion sociale"\n', "SCS"),
    ],
)
def test_an_edit_of_a_searched_text_builds_the_index_again(
    run: Run,
    programme_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    word: str,
) -> None:
    query = ["--programme", str(programme_file), "search", word, "--format", "json"]
    assert run(*query).exit_code == 1  # nothing found yet (and the index is stored)
    text = programme_file.read_text(encoding="utf-8")
    assert text.count(old) == 1
    programme_file.write_text(text.replace(old, new), encoding="utf-8")
    expected = run("--no-cache", *query)
    assert expected.exit_code == 0
    built = count_index_builds(monkeypatch)
    after = run(*query)
    assert built == [1]
    assert (after.exit_code, after.stdout) == (0, expected.stdout)


@pytest.fixture(scope="module")
def generated_text() -> str:
    """A generated programme of 3 000 sessions (some 180 000 uses of words)."""
    import sys

    root = str(Path(__file__).resolve().parent.parent)
    sys.path.insert(0, root)
    try:
        from benchmarks import generate
    finally:
        sys.path.remove(root)
    return generate.generate(3000)


def test_first_search_after_an_edit_answers_as_the_cached_index_does(
    run: Run,
    tmp_path: Path,
    isolated_env: Path,
    monkeypatch: pytest.MonkeyPatch,
    generated_text: str,
) -> None:
    """Through the CLI, on a generated programme: the index built just after an edit
    (postings sorted with numpy, or use by use) and the one read back from the cache give
    byte-identical answers."""
    import colloque_cli.search.index as index_module
    from colloque_cli.search import indexing

    path = tmp_path / "grand.yaml"
    path.write_text(generated_text, encoding="utf-8")
    queries = [
        ["mobilité"],
        ["santé", "mentale"],
        ["mobilté"],
        ["démocratie", "participative", "--limit", "50"],
        ["service", "public", "--format", "json", "--limit", "500"],
        ["culture", "--format", "csv", "--limit", "3000"],
    ]

    def answers(*options: str) -> list[tuple[int, str, str]]:
        found = []
        for query in queries:
            result = run("--programme", str(path), *options, "search", *query)
            found.append((result.exit_code, result.stdout, result.stderr))
        return found

    monkeypatch.setattr(indexing, "NUMPY_FROM", 1 << 62)
    use_by_use = answers("--no-cache")
    monkeypatch.setattr(indexing, "NUMPY_FROM", 0)
    with_numpy = answers("--no-cache")
    cold = answers()  # the first query builds the index and stores it
    assert len(list((isolated_env / "cache" / "programmes").glob("*.index"))) == 1

    def no_indexing(*args: object, **kwargs: object) -> None:
        raise AssertionError("the index was built again")

    monkeypatch.setattr(index_module.Index, "__init__", no_indexing)
    warm = answers()
    assert warm == cold == with_numpy == use_by_use
    assert [code for code, _, _ in warm] == [0] * len(queries)


def test_first_search_after_an_edit_takes_up_the_sessions_before_it(
    run: Run,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    generated_text: str,
) -> None:
    """An edit of the last of 3 000 sessions: the index made before gives the first 2 000
    (whole runs of ``DIGESTED`` sessions digested alike), the rest is read again; the
    answers are those of an index built from nothing."""
    import colloque_cli.search.index as index_module

    path = tmp_path / "grand.yaml"
    path.write_text(generated_text, encoding="utf-8")
    query = ["--programme", str(path), "search", "zorglub", "mobilité", "--format", "json"]
    assert run(*query).exit_code == 1  # nothing found; the index is built and stored
    last = generated_text.rindex('description: "') + len('description: "')
    edited = generated_text[:last] + "La mobilité selon Zorglub. " + generated_text[last:]
    path.write_text(edited, encoding="utf-8")
    expected = run("--no-cache", *query)
    taken: list[int] = []
    resume = index_module.Index.resume

    def counted(self: index_module.Index, documents: int) -> object:
        taken.append(documents)
        return resume(self, documents)

    monkeypatch.setattr(index_module.Index, "resume", counted)
    after = run(*query)
    assert taken == [2000]
    assert (after.exit_code, after.stdout) == (0, expected.stdout)
    assert "La mobilité selon Zorglub" in after.stdout


def test_the_index_made_before_an_edit_is_let_go_before_the_build(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, generated_text: str
) -> None:
    """What a build takes up from the previous index is copied: that index's entry (some
    20 MB mapped at 50 000 sessions) is no longer mapped while the new one is built."""
    from colloque_cli.search import indexing

    path = tmp_path / "grand.yaml"
    path.write_text(generated_text, encoding="utf-8")
    query = ["--programme", str(path), "search", "mobilité"]
    assert run(*query).exit_code == 0
    first = generated_text.index('title: "', generated_text.index("\nsessions:")) + len('title: "')
    path.write_text(generated_text[:first] + "Zorglub, " + generated_text[first:], "utf-8")
    mapped: list[list[str]] = []
    read = indexing._read

    def watched(*args: object, **kwargs: object) -> object:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8").splitlines()
        mapped.append([line for line in maps if line.endswith(".index")])
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(indexing, "_read", watched)
    assert run(*query).exit_code == 0
    assert mapped == [[]]


def key_from_bytes(path: Path) -> cache_module.Key:
    """The key as open_programme makes it from the bytes it parses."""
    stat = path.stat()
    return cache_module.Key(
        path=str(path.absolute()),
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        digest=cache_module.content_digest(path.read_bytes()),
    )


@pytest.mark.parametrize("copies", [1, 60])  # 30 KB (BLAKE2b) and 1.8 MB (SHA-256)
def test_key_hashed_while_reading_equals_the_key_of_the_bytes(
    tmp_path: Path, copies: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "LARGE", 1 << 20)  # both hashes, without writing 10 MB
    path = tmp_path / "programme.yaml"
    text = PROGRAMME.read_text(encoding="utf-8")
    path.write_text(text + ("#" + "x" * 29_999 + "\n") * (copies - 1), encoding="utf-8")
    assert (path.stat().st_size >= cache_module.LARGE) == (copies > 1)
    key = cache_module.file_key(path)
    assert key == key_from_bytes(path)
    assert key is not None
    assert key.digest.startswith("sha256:" if copies > 1 else "blake2b:")


def test_a_large_programme_is_served_from_the_cache(
    tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "programme.yaml"
    text = PROGRAMME.read_text(encoding="utf-8")
    path.write_text(text + ("#" + "x" * 29_999 + "\n") * 40, encoding="utf-8")
    first, _ = open_programme(path)

    def no_parsing(*args: object) -> None:
        raise AssertionError("the YAML was parsed again")

    monkeypatch.setattr("colloque_cli.programme.loader.parse_programme", no_parsing)
    second, _ = open_programme(path)
    assert second == first
    assert len(second.sessions) == 28


def test_no_key_for_what_is_not_a_regular_file_of_reasonable_size(tmp_path: Path) -> None:
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    assert cache_module.file_key(fifo) is None  # and does not wait for a writer
    assert cache_module.file_key(tmp_path) is None
    assert cache_module.file_key(tmp_path / "absent.yaml") is None
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(cache_module.MAX_BYTES + 1)
    assert cache_module.file_key(big) is None


def _answers(index: object, queries: list[str]) -> list[object]:
    from colloque_cli.search import SearchIndex

    assert isinstance(index, SearchIndex)
    found = []
    for query in queries:
        for limit in (None, 5):
            result = index.query(query, limit=limit)
            found.append(
                (
                    result.total,
                    [(h.session, h.score, h.matched, h.kind, h.snippet) for h in result.hits],
                )
            )
    return found


@pytest.mark.parametrize("threshold", [1, None])  # every text out of the JSON; the real threshold
def test_an_index_and_programme_read_back_raw_answer_exactly_as_built(
    tmp_path: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, threshold: int | None
) -> None:
    """Arrays served as views of the mapped entry (not ``array`` objects) give the same
    answers: 1 000 generated sessions, queries of one and several words, typos, phrases."""
    from colloque_cli.search import SearchIndex

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent))
    from benchmarks import generate

    if threshold is not None:
        monkeypatch.setattr(cachecodec, "_LONG_TEXT", threshold)
    path = tmp_path / "grand.yaml"
    path.write_text(generate.generate(1000), encoding="utf-8")
    built, cache = open_programme(path)
    assert cache is not None
    fresh = SearchIndex(built)
    stored = cache.index(lambda *_: fresh.index, lambda: ["digest"], lambda *_: 0)
    assert stored is fresh.index  # and stored

    read, cache = open_programme(path)
    assert isinstance(read.sessions, SessionTable)
    assert cache is not None
    entry = cache.get("index", cachecodec.decode_index)
    assert entry is not None
    digest, stored = entry
    assert digest == ["digest"]
    assert isinstance(stored._all_docs, memoryview)  # really read back as a view
    queries = [
        "mobilité",
        "mobilite",
        "santé mentale",
        "transition écologique",
        "mobilté",
        "jeunesse culture",
        "démocratie participative",
        "service public",
        "zzzz",
    ]
    assert _answers(SearchIndex(read, stored), queries) == _answers(fresh, queries)
    assert list(read.sessions) == list(built.sessions)
    assert read == built
    assert _plain(stored.__getstate__()) == _plain(fresh.index.__getstate__())


def _plain(value: object) -> object:
    """Arrays and views as lists, a glossary as its tables: to compare states."""
    from array import array

    from colloque_cli.search.analysis import Glossary

    if isinstance(value, array | memoryview):
        return ("array", value.tolist())
    if isinstance(value, Glossary):
        return ("glossary", _plain(vars(value)))
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_plain(item) for item in value])
    return value


def test_opening_programmes_again_and_again_leaves_no_folder_open(programme_file: Path) -> None:
    """The cache's folder is held open while its programme's cache is in use, then closed."""
    import gc

    def open_descriptors() -> int:
        return len(os.listdir("/proc/self/fd"))

    open_programme(programme_file)
    gc.collect()
    before = open_descriptors()
    for _ in range(50):
        programme, cache = open_programme(programme_file)
        assert cache is not None
    del programme, cache
    gc.collect()
    assert open_descriptors() == before


# --- the hash of an unchanged file is remembered -------------------------------------------


def seen_records(home: Path) -> list[Path]:
    return sorted((home / "cache" / "programmes").glob("*.seen"))


def forbid_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_hashing(size: int) -> None:
        raise AssertionError("the file was hashed")

    monkeypatch.setattr(cache_module, "_content_hasher", no_hashing)


def test_an_unchanged_file_is_not_read_again_to_be_recognised(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", -(10**12))  # as if edited long ago
    first, _ = open_programme(programme_file)
    assert len(seen_records(isolated_env)) == 1
    forbid_hashing(monkeypatch)
    second, _ = open_programme(programme_file)
    assert second == first


def test_a_file_rewritten_to_the_same_size_and_time_is_hashed_again(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", -(10**12))
    open_programme(programme_file)
    before = programme_file.stat()
    time.sleep(0.05)  # past any tick of the file system's clock: the status change time moves
    text = programme_file.read_text(encoding="utf-8")
    programme_file.write_text(text.replace(TITLE, TITLE.upper()), encoding="utf-8")
    os.utime(programme_file, ns=(before.st_atime_ns, before.st_mtime_ns))  # a copy keeping times
    after = programme_file.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    assert after.st_ctime_ns != before.st_ctime_ns
    programme, _ = open_programme(programme_file)
    assert TITLE.upper() in [session.title for session in programme.sessions]


def test_the_hash_of_a_file_changed_a_moment_ago_is_not_remembered(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It could change again within the same clock tick, its status unchanged.
    open_programme(programme_file)
    assert seen_records(isolated_env) == []
    hashed: list[int] = []
    real = cache_module._content_hasher
    monkeypatch.setattr(
        cache_module, "_content_hasher", lambda size: hashed.append(size) or real(size)
    )
    open_programme(programme_file)
    assert hashed == [programme_file.stat().st_size]


@pytest.mark.parametrize("record", [b"", b"garbage", b"1\t2\t3\t4\t5\tmd5:abc\n", b"\xff\xfe\n"])
def test_a_damaged_record_of_a_hash_is_ignored(
    programme_file: Path, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, record: bytes
) -> None:
    monkeypatch.setattr(cache_module, "RACY_NS", -(10**12))
    first, _ = open_programme(programme_file)
    [seen] = seen_records(isolated_env)
    seen.write_bytes(record)
    seen.chmod(0o600)
    second, _ = open_programme(programme_file)
    assert second == first
    assert seen.read_bytes() != record  # written again, right
