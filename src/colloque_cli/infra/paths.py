"""Where colloque keeps the user's files, and how its folders are made and trusted.

``$COLLOQUE_HOME``, else the platform's directories. Every folder colloque creates is private
(0700, whatever the umask). A folder of colloque's own (from its home or the platform's
``colloque`` folder down) is used only when it belongs to the user and nobody else can
change what it holds: otherwise another local user could slip in their own files (a forged
cache entry, an agenda) or move the folder under us.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import StorageError, os_reason

HOME_ENV = "COLLOQUE_HOME"
APP_NAME = "colloque"
PRIVATE = 0o700
# Folders are walked one at a time from an open parent (``dir_fd``): what is checked is what
# is used, even if a name is swapped meanwhile. Without these (not POSIX), folders are made
# by name and not checked.
_WALKS = os.name == "posix" and os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")


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


def cache_root() -> Path:
    """The first folder of the cache that is colloque's own (checked from there down)."""
    return _home() or cache_dir()


class UnsafeFolder(StorageError):
    """A folder of colloque's that another user could change, or that cannot be made."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"«\u202f{path}\u202f» {reason}")


def open_private_dir(path: Path, root: Path, *, create: bool = True) -> int | None:
    """An open descriptor of the folder ``path`` (absolute), made if missing.

    Every folder from ``root`` (``path`` or one of its parents) down to ``path`` must belong
    to the user and be writable by the user alone; a symbolic link among them is followed
    only when it is the user's own. Folders above ``root`` are the user's business, but
    those colloque creates are private too. Raises ``UnsafeFolder`` (and
    ``FileNotFoundError`` when ``create`` is false and a folder is missing). None where
    folders cannot be walked this way (not POSIX): then ``path`` is just made.
    """
    if not _WALKS:
        if create:
            path.mkdir(mode=PRIVATE, parents=True, exist_ok=True)
        elif not path.is_dir():
            raise FileNotFoundError(path)
        return None
    parts = path.parts
    checked_from = len(root.parts) if root.parts == parts[: len(root.parts)] else len(parts)
    flags = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(parts[0], flags)
    try:
        for depth in range(1, len(parts)):
            shown = Path(*parts[: depth + 1])
            checked = depth >= checked_from - 1
            child = _open_child(fd, parts[depth], shown, flags, checked=checked, create=create)
            os.close(fd)
            fd = child
            if checked:
                _check_private(fd, shown)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_child(
    parent: int, name: str, shown: Path, flags: int, *, checked: bool, create: bool
) -> int:
    """Open the folder ``name`` of ``parent`` (made private when missing and ``create``)."""
    try:
        return os.open(name, flags | (os.O_NOFOLLOW if checked else 0), dir_fd=parent)
    except FileNotFoundError:
        if not create:
            raise
    except NotADirectoryError:  # a file, or a link (O_NOFOLLOW): the link may be the user's own
        link = os.stat(name, dir_fd=parent, follow_symlinks=False)
        if not checked or not stat.S_ISLNK(link.st_mode):
            raise  # a file where a folder should be: an error like any other
        if link.st_uid != os.geteuid():
            raise UnsafeFolder(shown, "est un lien symbolique d'un autre utilisateur") from None
        return os.open(name, flags, dir_fd=parent)
    try:
        os.mkdir(name, PRIVATE, dir_fd=parent)
    except FileExistsError:  # made meanwhile by another process: checked like any other
        return os.open(name, flags | os.O_NOFOLLOW, dir_fd=parent)
    fd = os.open(name, flags | os.O_NOFOLLOW, dir_fd=parent)
    if os.fstat(fd).st_uid == os.geteuid():
        os.fchmod(fd, PRIVATE)  # the umask may have taken bits off (0700 is wanted exactly)
    return fd


def _check_private(fd: int, shown: Path) -> None:
    info = os.fstat(fd)
    if info.st_uid != os.geteuid():
        raise UnsafeFolder(shown, "appartient à un autre utilisateur")
    if info.st_mode & 0o022:
        mode = stat.S_IMODE(info.st_mode)
        raise UnsafeFolder(shown, f"est modifiable par d'autres utilisateurs (droits {mode:04o})")


def private_dir(path: Path, root: Path, *, create: bool = True) -> bool:
    """Make (or check) the folder ``path`` as ``open_private_dir`` does; False when it is
    missing and ``create`` is false. Errors are ``StorageError`` with a French message."""
    try:
        fd = open_private_dir(path, root, create=create)
    except FileNotFoundError:
        if create:
            raise StorageError(f"Impossible de créer le dossier «\u202f{path}\u202f».") from None
        return False
    except UnsafeFolder as error:
        raise StorageError(
            f"Le dossier «\u202f{error.path}\u202f» {error.reason}. "
            "Par sécurité, colloque ne s'en sert pas."
        ) from None
    except OSError as error:
        raise StorageError(
            f"Impossible de créer le dossier «\u202f{path}\u202f»\u202f: {os_reason(error)}."
        ) from None
    if fd is not None:
        os.close(fd)
    return True
