"""Nobody else's code runs: the cache is data, and colloque's folders are the user's alone.

The attacks of issue 20, played for real: another user (uid 65534, through ``setpriv``) makes
folders and forged entries where the victim (this test process, through the real CLI) will
look. Where the tests do not run as root, the other user is simulated: the victim's user id
is made to look different from the owner of the files the test writes.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import colloque_cli
from colloque_cli.infra import cache as cache_module
from colloque_cli.infra import cachefile
from conftest import PROGRAMME, Run
from test_remote import Route, Server

PACKAGE = Path(colloque_cli.__file__).parent
OTHER = 65534  # nobody
ROOT = os.geteuid() == 0


class Payload:
    """A pickle that runs a shell command when it is loaded."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple[object, ...]:
        return os.system, (self.command,)


def malicious_pickle(marker: Path) -> bytes:
    return pickle.dumps(Payload(f"touch {marker}"), protocol=5)


def test_the_payload_is_real(tmp_path: Path) -> None:
    """Loading the forged pickle does run the command: what the next tests feed colloque."""
    marker = tmp_path / "marker"
    pickle.loads(malicious_pickle(marker))  # noqa: S301 (the point of the test)
    assert marker.exists()


# --- no code path can load code ----------------------------------------------------------

_LOADERS = re.compile(
    r"\b(import\s+(c?pickle|marshal|shelve|dill|cloudpickle|jsonpickle)\b"
    r"|from\s+(c?pickle|marshal|shelve|dill|copyreg)\s+import"
    r"|(pickle|marshal|shelve|dill)\.\w*load"
    r"|literal_eval|yaml\.unsafe_load|yaml\.load\(|Unpickler)"
    r"|(?<![\w.])(eval|exec|__import__)\s*\("
)


def code_loaders(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if _LOADERS.search(line.split("#", 1)[0]):
                found.append(f"{path.relative_to(package)}:{number}: {line.strip()}")
    return found


# The one exec of the package: an __init__ compiled from a class's field names (checked to
# be identifiers), as dataclasses do; no data read by colloque reaches it.
_FIELDS_INIT = ("infra/frozen.py", "exec(source, namespace)")


def unexpected_loaders(package: Path) -> list[str]:
    """``code_loaders`` but the one exec above, which must be there alone."""
    found = code_loaders(package)
    allowed = [
        line
        for line in found
        if line.split(":", 1)[0] == _FIELDS_INIT[0]
        and line.split(": ", 1)[1].startswith(_FIELDS_INIT[1])
    ]
    assert len(allowed) == 1, allowed
    return [line for line in found if line not in allowed]


def test_no_module_of_the_package_can_deserialise_code() -> None:
    assert unexpected_loaders(PACKAGE) == []


def test_the_search_for_code_loaders_finds_them(tmp_path: Path) -> None:
    """The scan above is not blind: the old cache's loading line is found."""
    copy = tmp_path / "colloque_cli"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / "cache.py").open("a", encoding="utf-8") as handle:
        handle.write("import pickle\nvalue = pickle.loads(pickled, buffers=buffers)\n")
    assert len(unexpected_loaders(copy)) == 2


# --- forged entries ----------------------------------------------------------------------


@pytest.fixture
def programme_file(tmp_path: Path) -> Path:
    path = tmp_path / "programme.yaml"
    shutil.copyfile(PROGRAMME, path)
    return path


def entry_path(folder: Path, programme_file: Path, kind: str = "programme") -> Path:
    key = cache_module.file_key(programme_file)
    assert key is not None
    return folder / f"{key.name}.{kind}"


def forged_entries(programme_file: Path, marker: Path) -> dict[str, bytes]:
    """Entries whose bytes would run ``touch marker`` if anything unpickled them."""
    payload = malicious_pickle(marker)
    key = cache_module.file_key(programme_file)
    assert key is not None
    header = cache_module.ProgrammeCache(cache_module.CacheFolder(None, Path()), key)._header(
        "programme"
    )
    arrays = cachefile.Arrays()
    arrays.add(memoryview(payload).cast("B"))
    data = {"colloque": payload.decode("latin-1"), "slots": [], "texts": [0]}
    return {
        "pickle": payload,
        # the previous format: magic, header, (a MAC), table, then a pickle
        "old-format": b"colloque-cache 2\n" + header + bytes(32) + payload,
        # this format, right header, and a pickle where the JSON goes (its CRC right)
        "pickle-as-json": _with_raw_json(header, payload),
        # this format, well formed, the pickle among its data
        "pickle-in-data": b"".join(cachefile.pack(header, data, arrays)),
    }


def _with_raw_json(header: bytes, raw: bytes) -> bytes:
    import struct
    import zlib

    return cachefile.MAGIC + header + struct.pack("<QII", len(raw), zlib.crc32(raw), 0) + raw


def test_a_forged_entry_runs_nothing_and_is_rebuilt(
    run: Run, programme_file: Path, isolated_env: Path, tmp_path: Path
) -> None:
    expected = run("--no-cache", "--programme", str(programme_file), "days").stdout
    folder = isolated_env / "cache" / "programmes"
    assert run("--programme", str(programme_file), "days").stdout == expected
    entry = entry_path(folder, programme_file)
    good = entry.read_bytes()
    marker = tmp_path / "marker"
    for name, forged in forged_entries(programme_file, marker).items():
        entry.write_bytes(forged)
        result = run("--debug", "--programme", str(programme_file), "days")
        assert (result.exit_code, result.stdout, result.stderr) == (0, expected, ""), name
        assert not marker.exists(), name
        assert entry.read_bytes() == good, name  # rebuilt


def test_an_index_entry_of_unexpected_shape_is_rebuilt(
    run: Run, programme_file: Path, isolated_env: Path
) -> None:
    """A well-formed entry saying something else than an index (its checksums right) is
    ignored: only the classes the decoder names are ever made, from checked values."""
    args = ("--programme", str(programme_file), "search", "mobilité")
    expected = run(*args).stdout
    entry = entry_path(isolated_env / "cache" / "programmes", programme_file, "index")
    good = entry.read_bytes()
    header = good[len(cachefile.MAGIC) : good.index(b"\n", len(cachefile.MAGIC)) + 1]
    shapes: list[object] = [
        None,
        [],
        {"d": {"weights": {"t": [1]}}},
        {"os.system": ["touch x"]},
        {"g": [{"d": {}}, {"d": {}}]},
        {"a": 7},
        {"d": {name: {"a": 0} for name in ("weights", "body")}},
    ]
    for shape in shapes:
        arrays = cachefile.Arrays()
        entry.write_bytes(b"".join(cachefile.pack(header, shape, arrays)))
        result = run(*args)
        assert (result.exit_code, result.stdout) == (0, expected), shape
        assert entry.read_bytes() == good, shape


def test_a_programme_entry_with_values_out_of_place_is_rebuilt(
    run: Run, programme_file: Path, isolated_env: Path
) -> None:
    """Numbers that point nowhere (a negative one would silently pick from the end), texts
    that are not texts, counts that do not fit: the entry is rebuilt, nothing is guessed."""
    args = ("--programme", str(programme_file), "list")
    expected = run(*args).stdout
    entry = entry_path(isolated_env / "cache" / "programmes", programme_file)
    good = entry.read_bytes()
    header = good[len(cachefile.MAGIC) : good.index(b"\n", len(cachefile.MAGIC)) + 1]
    data, stored = cachefile.unpack(good, header)
    changes = {
        "negative slot": lambda d: d["values"][0][0].__setitem__(0, -1),
        "slot past the end": lambda d: d["values"][0][0].__setitem__(0, len(d["slots"])),
        "negative room": lambda d: d["values"][1][0].__setitem__(0, -1),
        "negative theme": lambda d: d["values"][3][0].__setitem__(-1, [-1]),
        "a title that is a number": lambda d: d["colloque"].__setitem__(0, 7),
        "more slots than there are": lambda d: d["counts"].__setitem__(0, len(d["slots"]) + 1),
        "an array that is not there": lambda d: d["texts"][0].__setitem__(0, 99),
        "a text column of another size": lambda d: d["texts"][1].__setitem__(1, d["texts"][0][1]),
    }
    for name, change in changes.items():
        forged = json.loads(json.dumps(data))
        change(forged)
        entry.write_bytes(b"".join(cachefile.pack(header, forged, _arrays_of(stored))))
        result = run(*args)
        assert (result.exit_code, result.stdout) == (0, expected), name
        assert entry.read_bytes() == good, name
    entry.write_bytes(b"".join(cachefile.pack(header, data, _arrays_of(stored))))
    assert run(*args).stdout == expected
    assert entry.read_bytes() == good  # as it was written: the changes above were the cause


def _arrays_of(stored: cachefile.Stored) -> cachefile.Arrays:
    arrays = cachefile.Arrays()
    number = 0
    while True:
        try:
            arrays.add(stored.array(number))
        except ValueError:
            return arrays
        number += 1


# --- another user's folders --------------------------------------------------------------


class Attacker:
    """Another local user: acts through ``setpriv`` as uid 65534 when the tests run as
    root. Otherwise (or with ``COLLOQUE_TEST_SIMULATED_USER=1``) the test acts for them,
    in the shared folder, and the victim sees what it made as another user's: every file
    and folder that appeared there during the attacker's command has, to ``os.stat`` and
    ``os.fstat``, another owner."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, shared: Path) -> None:
        simulated = os.environ.get("COLLOQUE_TEST_SIMULATED_USER") == "1"
        self.real = ROOT and shutil.which("setpriv") is not None and not simulated
        self.shared = shared
        self.theirs: set[tuple[int, int]] = set()
        if not self.real:
            for name in ("stat", "fstat"):
                monkeypatch.setattr(os, name, self._disguised(getattr(os, name)))

    def _disguised(self, real: Callable[..., os.stat_result]) -> Callable[..., os.stat_result]:
        def stat(*args: Any, **kwargs: Any) -> os.stat_result:
            found = real(*args, **kwargs)
            if (found.st_dev, found.st_ino) not in self.theirs:
                return found
            fields = list(found[:10])
            fields[4] = os.geteuid() + 1  # st_uid
            return os.stat_result(fields)

        return stat

    def _inodes(self) -> set[tuple[int, int]]:
        found = set()
        for path in [self.shared, *self.shared.rglob("*")]:
            info = path.lstat()
            found.add((info.st_dev, info.st_ino))
        return found

    def sh(self, script: str, data: bytes = b"") -> None:
        command = ["sh", "-c", f"umask 000; {script}"]
        if self.real:
            command = ["setpriv", f"--reuid={OTHER}", f"--regid={OTHER}", "--clear-groups"]
            command += ["sh", "-c", f"umask 000; {script}"]
            subprocess.run(command, input=data, check=True)
            return
        before = self._inodes()
        subprocess.run(command, input=data, check=True)
        self.theirs |= self._inodes() - before

    def forge(self, folder: Path, programme_file: Path, marker: Path) -> None:
        """Make ``folder`` (0777) with a forged entry of each kind for ``programme_file``."""
        self.sh(f"mkdir -p '{folder}' && chmod 777 '{folder}'")
        forged = forged_entries(programme_file, marker)["pickle"]
        for kind in ("programme", "index"):
            target = entry_path(folder, programme_file, kind)
            self.sh(f"cat > '{target}'", forged)
        if self.real:
            assert folder.stat().st_uid == OTHER


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder every user can write to, sticky like /tmp (not under pytest's 0700 one)."""
    path = Path(tempfile.mkdtemp(prefix="colloque-partage-", dir="/tmp"))
    path.chmod(0o1777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def attacker(monkeypatch: pytest.MonkeyPatch, shared: Path) -> Attacker:
    return Attacker(monkeypatch, shared)


@pytest.fixture
def victim_file(shared: Path) -> Path:
    """The victim's programme, where another user can read it (to name its entries)."""
    path = shared / "programme.yaml"
    shutil.copyfile(PROGRAMME, path)
    path.chmod(0o644)
    return path


def test_a_cache_folder_made_by_another_user_is_not_used(
    run: Run,
    shared: Path,
    attacker: Attacker,
    victim_file: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """XDG_CACHE_HOME in a shared sticky folder where another user made ``colloque/``."""
    marker = shared / "marker"
    attacker.forge(shared / "colloque" / "programmes", victim_file, marker)
    monkeypatch.delenv("COLLOQUE_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = run("--no-cache", "--programme", str(victim_file), "days").stdout
    for args in (("days",), ("search", "mobilité"), ("--debug", "days")):
        result = run("--programme", str(victim_file), *args)
        assert result.exit_code == 0
        assert not marker.exists()
        if args[-1] == "days":
            assert result.stdout == expected
    assert result.stderr == (
        f"debug\u202f: Cache non utilisé\u202f: le dossier «\u202f{shared / 'colloque'}\u202f» "
        "appartient à un autre utilisateur.\n"
    )
    quiet = run("--programme", str(victim_file), "days")
    assert quiet.stderr == ""
    assert sorted(p.name for p in (shared / "colloque" / "programmes").iterdir()) == sorted(
        entry_path(Path(), victim_file, kind).name for kind in ("programme", "index")
    )  # nothing of the victim's written there


def test_a_home_made_by_another_user_is_refused_for_the_agenda(
    run: Run,
    shared: Path,
    attacker: Attacker,
    victim_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """COLLOQUE_HOME in a shared folder, where another user made it first."""
    home = shared / "colloque"
    marker = shared / "marker"
    attacker.forge(home / "cache" / "programmes", victim_file, marker)
    attacker.sh(f"mkdir -p '{home}/agendas'")
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    listed = run("--programme", str(victim_file), "list", "--day", "mardi")
    assert listed.exit_code == 0
    assert listed.stdout.rstrip().endswith("19 sessions")
    assert not marker.exists()
    message = (
        f"Le dossier «\u202f{home}\u202f» appartient à un autre utilisateur. "
        "Par sécurité, colloque ne s'en sert pas.\n"
    )
    for args in (
        ("agenda", "add", "mobilite"),
        ("agenda", "list"),
        ("agenda", "interests", "mobilité"),
        ("agenda", "interests"),
    ):
        result = run("--programme", str(victim_file), *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", message), args
    assert list((home / "agendas").iterdir()) == []


def test_a_swapped_folder_in_an_open_cache_folder_is_refused(
    run: Run,
    shared: Path,
    attacker: Attacker,
    victim_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's attack: an old version made the cache folder 0777 (umask 000); another
    user puts their own ``programmes`` folder in it. Neither is used."""
    root = shared / "victime" / "colloque"
    root.mkdir(parents=True)
    root.chmod(0o777)
    marker = shared / "marker"
    attacker.forge(root / "programmes", victim_file, marker)
    monkeypatch.delenv("COLLOQUE_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(shared / "victime"))
    result = run("--debug", "--programme", str(victim_file), "search", "mobilité")
    assert result.exit_code == 0
    assert not marker.exists()
    assert result.stderr == (
        f"debug\u202f: Cache non utilisé\u202f: le dossier «\u202f{root}\u202f» est modifiable par d'autres "
        "utilisateurs (droits 0777).\n"
    )
    root.chmod(0o700)  # the victim closes their folder: the other user's inside stays refused
    result = run("--debug", "--programme", str(victim_file), "search", "mobilité")
    assert not marker.exists()
    assert "appartient à un autre utilisateur" in result.stderr
    assert f"«\u202f{root / 'programmes'}\u202f»" in result.stderr


def test_a_link_planted_in_place_of_the_cache_folder_is_refused(
    run: Run,
    shared: Path,
    attacker: Attacker,
    victim_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A link to another of the victim's folders would make colloque write there."""
    home = shared / "maison"
    elsewhere = home / "ailleurs"
    elsewhere.mkdir(parents=True, mode=0o700)
    home.chmod(0o711)
    (home / "cache").mkdir(mode=0o777)
    (home / "cache").chmod(0o777)
    attacker.sh(f"ln -s '{elsewhere}' '{home / 'cache' / 'programmes'}'")
    (home / "cache").chmod(0o700)
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    result = run("--debug", "--programme", str(victim_file), "days")
    assert result.exit_code == 0
    assert result.stderr == (
        f"debug\u202f: Cache non utilisé\u202f: le dossier «\u202f{home / 'cache' / 'programmes'}\u202f» "
        "est un lien symbolique d'un autre utilisateur.\n"
    )
    assert list(elsewhere.iterdir()) == []


def test_the_users_own_link_to_a_private_folder_is_followed(
    run: Run, tmp_path: Path, isolated_env: Path
) -> None:
    """Someone who keeps their cache on another disk, through a link, keeps their cache."""
    target = tmp_path / "disque"
    target.mkdir(mode=0o700)
    (isolated_env / "cache").mkdir(mode=0o700)
    (isolated_env / "cache" / "programmes").symlink_to(target)
    result = run("--debug", "days")
    assert (result.exit_code, result.stderr) == (0, "")
    suffixes = {p.suffix for p in target.iterdir()}  # and the file's hash, once it is 2 s old
    assert suffixes in ({".programme"}, {".programme", ".seen"})


# --- private folders and files, whatever the umask ---------------------------------------


@pytest.fixture
def umask_000() -> Iterator[None]:
    old = os.umask(0)
    yield
    os.umask(old)


def modes(top: Path) -> dict[str, str]:
    return {
        str(path.relative_to(top)): oct(stat.S_IMODE(path.lstat().st_mode))
        for path in sorted([top, *top.rglob("*")])
    }


def test_under_umask_000_folders_are_0700_and_user_files_0600(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_000: None
) -> None:
    base = tmp_path / "base"
    base.mkdir(mode=0o755)
    home = base / "a" / "b" / "maison"  # its parents are made too
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    assert run("agenda", "interests", "mobilité").exit_code == 0  # first: makes the home
    assert run("search", "mobilité").exit_code == 0
    assert run("agenda", "add", "mobilite").exit_code == 0
    out = tmp_path / "export.ics"
    assert run("agenda", "export", "-o", str(out)).exit_code == 0, "export"
    found = modes(base / "a")
    assert {mode for name, mode in found.items() if (base / "a" / name).is_dir()} == {"0o700"}
    assert {mode for name, mode in found.items() if (base / "a" / name).is_file()} == {"0o600"}
    assert len(found) >= 11  # a, b, maison, cache, programmes, agendas, 2 entries, agenda…
    assert "b/maison/interests.json" in found
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_folders_are_0700_even_when_the_umask_takes_the_owners_bits(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdir(0700) under umask 0277 makes 0500 folders, where nothing can be created."""
    home = tmp_path / "a" / "maison"
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    old = os.umask(0o277)
    try:
        assert run("agenda", "add", "mobilite").exit_code == 0
        assert run("search", "mobilité").exit_code == 0
    finally:
        os.umask(old)
    found = modes(tmp_path / "a")
    assert {found[name] for name in found if (tmp_path / "a" / name).is_dir()} == {"0o700"}
    assert "maison/cache/programmes" in found and "maison/agendas" in found
    assert any(name.endswith(".index") for name in found)


def test_under_umask_000_platform_folders_are_0700(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_000: None
) -> None:
    monkeypatch.delenv("COLLOQUE_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x" / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "x" / "data"))
    assert run("agenda", "add", "mobilite").exit_code == 0
    found = modes(tmp_path / "x")
    assert {found[name] for name in found if (tmp_path / "x" / name).is_dir()} == {"0o700"}
    assert "cache/colloque/programmes" in found and "data/colloque/agendas" in found


def test_an_existing_output_file_keeps_its_mode(run: Run, tmp_path: Path, umask_000: None) -> None:
    out = tmp_path / "partage.ics"
    out.write_text("ancien", encoding="utf-8")
    out.chmod(0o644)
    assert run("agenda", "add", "mobilite").exit_code == 0
    assert run("agenda", "export", "-o", str(out), "--force").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


# --- copies of programmes read from a URL ------------------------------------------------


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def test_copies_of_a_programme_at_a_url_are_private_under_umask_000(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: Server, umask_000: None
) -> None:
    server.routes["/p.yaml"] = Route(PROGRAMME.read_bytes(), etag='"v1"')
    monkeypatch.setenv("COLLOQUE_HOME", str(tmp_path / "a" / "maison"))
    result = run("--programme", server.url("/p.yaml"), "days")
    assert result.exit_code == 0, result.output
    found = modes(tmp_path / "a")
    folders = {found[name] for name in found if (tmp_path / "a" / name).is_dir()}
    files = {name: found[name] for name in found if (tmp_path / "a" / name).is_file()}
    assert folders == {"0o700"}
    assert set(files.values()) == {"0o600"}
    assert {Path(name).name.split("-")[0] for name in files} >= {"meta.json", "lock", "programme"}


def test_a_copy_of_a_programme_in_another_users_folder_is_refused(
    run: Run,
    shared: Path,
    attacker: Attacker,
    monkeypatch: pytest.MonkeyPatch,
    server: Server,
) -> None:
    """Another user made the victim's COLLOQUE_HOME first, with a « copy » of the programme
    at that URL: neither their copy is shown nor anything downloaded into their folder."""
    from colloque_cli.programme.remote import folder_for

    url = server.url("/p.yaml")
    server.routes["/p.yaml"] = Route(PROGRAMME.read_bytes(), etag='"v1"')
    home = shared / "colloque"
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    folder = folder_for(url)
    forged = PROGRAMME.read_text(encoding="utf-8").replace("title:", "title: Programme piégé #", 1)
    meta = {"url": url, "file": "programme-piege.yaml", "checked_at": 4e9, "confirmed_at": 4e9}
    attacker.sh(f"mkdir -p '{folder}' && cat > '{folder}/programme-piege.yaml'", forged.encode())
    attacker.sh(f"cat > '{folder}/meta.json'", json.dumps(meta).encode())
    result = run("--programme", url, "days")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Le dossier «\u202f{home}\u202f» appartient à un autre utilisateur. "
        "Par sécurité, colloque ne s'en sert pas.\n"
    )
    assert server.requests == []
    assert sorted(p.name for p in folder.iterdir()) == ["meta.json", "programme-piege.yaml"]
