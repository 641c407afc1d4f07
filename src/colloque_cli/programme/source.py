"""Where a programme file is and how its bytes are read: no YAML here, so it stays cheap."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import Problem, ProgrammeError, os_reason

# Not a limit on real programmes (a 200 MB file of 340 000 sessions loads), a guard against a
# file that is not one (a disk image, an endless pipe): memory grows with the file, about
# 4.2 times its size at the first read, so this keeps a command within about 4.5 GB.
MAX_BYTES = 1024 * 1024 * 1024
ENV_PROGRAMME = "COLLOQUE_PROGRAMME"


def default_programme_path() -> Path:
    """The programme shipped inside the package (the repository's ``data/programme.yaml``)."""
    # next to this module: a plain file in every installed form (wheel, editable, source)
    return Path(__file__).parents[1] / "data" / "programme.yaml"


def is_url(text: str | os.PathLike[str] | None) -> bool:
    """Whether a programme is given as a web address (``https://…``) rather than a file."""
    value = str(text or "").lstrip()[:8].lower()
    return value.startswith(("https://", "http://"))


def chosen_programme(explicit: str | os.PathLike[str] | None = None) -> str | None:
    """``--programme``, else ``$COLLOQUE_PROGRAMME``, as given (None for the shipped one)."""
    chosen = explicit or os.environ.get(ENV_PROGRAMME) or None
    return str(chosen) if chosen else None


def resolve_programme_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--programme``, else ``$COLLOQUE_PROGRAMME``, else the shipped programme."""
    chosen = explicit or os.environ.get(ENV_PROGRAMME) or None
    return Path(chosen) if chosen else default_programme_path()


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8; any reason it cannot be read is a ``ProgrammeError``."""
    return decode(read_bytes(path), str(path))


def read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable or oversized file is a ``ProgrammeError``."""
    try:
        return read_bounded(path, MAX_BYTES)
    except Unreadable as reason:
        raise ProgrammeError([Problem(str(path), str(reason))]) from None


class Unreadable(Exception):
    """Why a file could not be read, in French (« fichier introuvable »…): each caller
    words it as its own domain error (a programme's, or an imported schedule's)."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the file ``path``, at most ``limit`` of them (else ``Unreadable``)."""
    try:
        if path.is_dir():
            raise Unreadable("c'est un dossier, pas un fichier de programme")
        with path.open("rb") as handle:
            # fstat answers at once for regular files; the bounded read guards pipes
            too_big = os.fstat(handle.fileno()).st_size > limit
            raw = b"" if too_big else handle.read(limit + 1)
    except FileNotFoundError:
        raise Unreadable("fichier introuvable") from None
    except PermissionError:
        raise Unreadable("lecture refusée (droits insuffisants)") from None
    except OSError as error:
        raise Unreadable(f"lecture impossible ({os_reason(error)})") from None
    if too_big or len(raw) > limit:
        raise Unreadable(f"fichier trop volumineux (plus de {size_label(limit)})")
    return raw


def size_label(size: int) -> str:
    """``1 Go``, ``64 Mo``: a size limit as a person reads it."""
    return f"{size // 2**30} Go" if size % 2**30 == 0 else f"{size // 2**20} Mo"


def decode(raw: bytes, source: str) -> str:
    """UTF-8 text (a BOM is fine); anything else is a ``ProgrammeError`` located in the file."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ProgrammeError(
            [
                Problem(
                    source, "encodage UTF-16 non pris en charge : enregistrez le fichier en UTF-8"
                )
            ]
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise ProgrammeError(
            [
                Problem(
                    source,
                    "le fichier n'est pas encodé en UTF-8 "
                    f"(octet 0x{raw[error.start]:02x} invalide) : enregistrez-le en UTF-8",
                    line=line,
                    column=column,
                )
            ]
        ) from None
