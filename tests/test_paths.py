"""Where user files go: ``$COLLOQUE_HOME`` in tests and on demand, else the platform's dirs."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from colloque_cli.infra.paths import cache_dir, data_dir


def test_colloque_home_holds_data_and_cache(isolated_env: Path) -> None:
    assert data_dir() == isolated_env
    assert cache_dir() == isolated_env / "cache"


def test_without_colloque_home_the_platform_dirs(monkeypatch: pytest.MonkeyPatch) -> None:
    # Only computes the paths: nothing is created or written there.
    for value in (None, "", "   "):
        if value is None:
            monkeypatch.delenv("COLLOQUE_HOME")
        else:
            monkeypatch.setenv("COLLOQUE_HOME", value)
        assert data_dir() == Path(platformdirs.user_data_dir("colloque", appauthor=False))
        assert cache_dir() == Path(platformdirs.user_cache_dir("colloque", appauthor=False))


def test_a_relative_colloque_home_is_made_absolute(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLLOQUE_HOME", "maison")
    assert data_dir() == tmp_path / "maison"
