"""A home that cannot be written: clear French errors, the agenda untouched, reading still works."""

from __future__ import annotations

import errno
import json
import subprocess
import sys
from pathlib import Path

import pytest

import colloque_cli.infra.storage as storage
from conftest import Run


def agenda_files(home: Path) -> list[Path]:
    return sorted((home / "agendas").glob("*.json"))


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.ENOSPC, "plus de place sur le disque"),
        (errno.EROFS, "système de fichiers en lecture seule"),
        (errno.EDQUOT, "quota disque dépassé"),
    ],
)
def test_write_failure_keeps_the_previous_agenda(
    run: Run, isolated_env: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    assert run("agenda", "add", "mobilite").exit_code == 0
    [path] = agenda_files(isolated_env)
    before = path.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(code, "injected")

    monkeypatch.setattr(storage.os, "fsync", failing_fsync)
    result = run("agenda", "add", "fake-news")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Écriture impossible de « {path} » : {reason}."
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []
    monkeypatch.undo()
    assert [p["id"] for p in json.loads(path.read_text())["picks"]] == ["mobilite"]


def test_home_that_is_not_a_directory(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fichier"
    home.write_text("x", encoding="utf-8")
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    added = run("agenda", "add", "mobilite")
    assert added.exit_code == 1
    assert "un élément du chemin n'est pas un dossier" in added.stderr
    assert "Traceback" not in added.stderr
    listed = run("list", "--day", "mardi")  # no agenda, no cache: exploring still works
    assert listed.exit_code == 0
    assert listed.stderr == ""


def test_really_full_disk(tmp_path: Path) -> None:
    """A real 64 KiB tmpfs as home, where this machine lets us mount one."""
    mount = tmp_path / "petit"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("montage tmpfs impossible ici (droits)")
    try:
        filler = mount / "remplissage"
        with open(filler, "wb") as handle:
            try:
                handle.write(b"x" * 200_000)
            except OSError:
                pass
        env = {"COLLOQUE_HOME": str(mount), "PATH": "/usr/bin:/bin"}
        result = subprocess.run(
            [sys.executable, "-m", "colloque_cli", "agenda", "add", "mobilite"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert result.returncode == 1
        assert "plus de place sur le disque" in result.stderr
        assert "Traceback" not in result.stderr
        shown = subprocess.run(
            [sys.executable, "-m", "colloque_cli", "list", "--day", "mardi"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.rstrip().endswith("19 sessions")
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def _device(path: Path, minor: int) -> Path:
    import os
    import stat

    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, minor))
    except PermissionError:
        pytest.skip("mknod impossible ici (droits)")
    return path


def test_export_to_a_device_writes_to_it_and_never_replaces_it(run: Run, tmp_path: Path) -> None:
    import stat

    full = _device(tmp_path / "full", 7)  # like /dev/full
    result = run("export", "-o", str(full))
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == f"Écriture impossible de « {full} » : plus de place sur le disque."
    )
    assert stat.S_ISCHR(full.stat().st_mode)
    null = _device(tmp_path / "null", 3)  # like /dev/null
    assert run("export", "-o", str(null)).exit_code == 0
    assert stat.S_ISCHR(null.stat().st_mode)


def test_export_through_a_symbolic_link_keeps_the_link(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "vrai.json"
    link = tmp_path / "lien.json"
    link.symlink_to(target)
    assert run("export", "-o", str(link)).exit_code == 0
    assert link.is_symlink()
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 28


def test_export_to_a_directory_is_refused(run: Run, tmp_path: Path) -> None:
    result = run("export", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Écriture impossible de « {tmp_path} » : c'est un dossier."
    assert tmp_path.is_dir()
