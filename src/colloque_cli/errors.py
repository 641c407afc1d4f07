"""The one family of domain errors. The CLI maps them to a message and an exit code."""

from __future__ import annotations

from typing import ClassVar

from .infra.frozen import Frozen, store
from .text import plural


class ColloqueError(Exception):
    """Base of every error a user can cause; its message is French and actionable."""

    exit_code: ClassVar[int] = 1


class Problem(Frozen):
    """One problem in a programme file, located as precisely as the YAML allows."""

    __slots__ = ("source", "message", "path", "line", "column")
    source: str
    message: str
    path: str
    line: int | None
    column: int | None

    def __init__(
        self,
        source: str,
        message: str,
        path: str = "",
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        store(self, "source", source)
        store(self, "message", message)
        store(self, "path", path)
        store(self, "line", line)
        store(self, "column", column)

    def __str__(self) -> str:
        """As a message says it: « file:line:col: … » when located, else « file : … »."""
        return self.line_text(compiler=False)

    def line_text(self, *, compiler: bool) -> str:
        """The problem on one line. Located, it starts « file:line:col: » as compilers write
        it (editors and terminals jump to that place). A whole-file problem (missing,
        empty…) reads « file : reason » in French, unless ``compiler`` asks for the strict
        « file: reason » that ``validate`` keeps for the scripts parsing its lines."""
        place = self.source
        if self.line is not None:
            place += f":{self.line}"
            if self.column is not None:
                place += f":{self.column}"
        elif not compiler:
            place += " "  # made a narrow no-break space by text.typeset when written
        field = f"{self.path} : " if self.path else ""
        return f"{place}: {field}{self.message}"


class ProgrammeError(ColloqueError):
    """A programme file that cannot be read or is not valid (one or more problems)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(problem_lines(problems)))


# Past this many problems, the rest is counted, not listed: a broken generated file can have
# tens of thousands, and the first ones say what is wrong.
MAX_PROBLEMS_SHOWN = 50


def problem_lines(
    problems: list[Problem], limit: int = MAX_PROBLEMS_SHOWN, *, compiler: bool = False
) -> list[str]:
    """One line per problem, the first ``limit`` of them, then how many more there are."""
    lines = [p.line_text(compiler=compiler) for p in problems[:limit]]
    more = len(problems) - limit
    if more > 0:
        lines.append(f"… et {plural(more, 'autre problème')}.")
    return lines


class InvalidProgramme(ColloqueError):
    """A programme file that ``validate`` found problems in (each one already reported)."""


class NotFoundError(ColloqueError):
    """Nothing matches what the user asked for (exit code 1)."""


class InvalidValueError(ColloqueError):
    """An option or argument value that names nothing in the programme (a usage error)."""

    exit_code = 2


class ExportError(ColloqueError):
    """A selection that the asked format cannot carry faithfully (exit code 1)."""


class StorageError(ColloqueError):
    """A user file (agenda, cache, output) that cannot be read or written safely."""


class RemoteError(ColloqueError):
    """A programme URL that cannot be fetched, with no usable copy (or for ``update``)."""


_OS_REASONS = {
    "ENOENT": "dossier ou fichier inexistant",
    "EACCES": "accès refusé",
    "EPERM": "opération non permise",
    "ENOSPC": "plus de place sur le disque",
    "EDQUOT": "quota disque dépassé",
    "EROFS": "système de fichiers en lecture seule",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EISDIR": "c'est un dossier",
    "EEXIST": "le fichier existe déjà",
    "EIO": "erreur d'entrée-sortie du disque",
    "ENAMETOOLONG": "nom de fichier trop long",
    "EMFILE": "trop de fichiers ouverts",
    "ELOOP": "trop de liens symboliques",
    "EBUSY": "ressource occupée",
}


def os_reason(error: OSError) -> str:
    """The French reason for a system error (« plus de place sur le disque »…)."""
    import errno

    name = errno.errorcode.get(error.errno or 0, "")
    return _OS_REASONS.get(name) or f"erreur système {name or error.errno}"
