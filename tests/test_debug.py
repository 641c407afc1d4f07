"""Internal errors: a French sentence for users, the traceback only with --debug."""

from __future__ import annotations

import pytest

import colloque_cli.filters
from conftest import Run


def explode(*args: object, **kwargs: object) -> None:
    raise RuntimeError("bogue simulé")


def test_bug_without_debug_is_one_french_line(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(colloque_cli.filters, "selection", explode)
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Erreur interne inattendue (RuntimeError). "
        "Relancez avec --debug pour voir le détail et signalez-le."
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["option", "environment"])
def test_debug_shows_the_traceback(run: Run, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setattr(colloque_cli.filters, "selection", explode)
    args = ["list"]
    if how == "option":
        args.insert(0, "--debug")
    else:
        monkeypatch.setenv("COLLOQUE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="bogue simulé"):
        run(*args)
