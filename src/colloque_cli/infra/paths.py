"""Where colloque keeps the user's files: ``$COLLOQUE_HOME``, else the platform's directories."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "COLLOQUE_HOME"
APP_NAME = "colloque"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser().absolute() if value else None


def data_dir() -> Path:
    """The user's own data (agendas): ``$COLLOQUE_HOME``, else the platform's user data dir."""
    home = _home()
    if home is not None:
        return home
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Files that can be rebuilt at will: ``$COLLOQUE_HOME/cache``, else the user cache dir."""
    home = _home()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))
