"""French help pages: the parser's few English words, translated where they are written."""

from __future__ import annotations

import re
from collections.abc import Sequence

from typer._click.core import Context
from typer._click.formatting import HelpFormatter

from ..text import typeset

HEADINGS = {"Options": "Options", "Arguments": "Arguments", "Commands": "Commandes"}
SENTENCES = {
    "Show this message and exit.": "Afficher cette aide et quitter.",
    "Install completion for the current shell.": "Installer la complétion pour le shell courant.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "Afficher le script de complétion du shell courant, pour le copier ou l'adapter."
    ),
}
_EXTRAS = (
    (re.compile(r"\[default: (.*?)\]"), r"[par défaut : \1]"),
    (re.compile(r"\[required\]"), "[obligatoire]"),
    (re.compile(r"\[env var: (.*?)\]"), r"[variable d'environnement : \1]"),
)


def _help(text: str) -> str:
    from .usage import french_range

    for english, french in SENTENCES.items():
        text = text.replace(english, french)
    for pattern, french in _EXTRAS:
        text = pattern.sub(french, text)
    # « [par défaut : 10; x>=1] » → « [par défaut : 10 ; d'au moins 1] »
    text = re.sub(r"\[[^\]]*\]", lambda m: french_range(m.group()).replace("; ", " ; "), text)
    return typeset(text.replace("...", "…"))


class FrenchHelpFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]…").replace("...", "…")
        # Typer writes a required argument « {SESSION} »: read as a set of choices; Click's
        # convention (and every manual page's) is the bare name.
        args = re.sub(r"\{([^{}\s]+)\}", r"\1", args)
        super().write_usage(prog, args, prefix or typeset("Utilisation : "))

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_text(self, text: str) -> None:
        # Click wraps help with textwrap, which breaks at ASCII spaces only: the no-break
        # spaces French typography puts before « : ; ? ! » and inside « » hold.
        super().write_text(typeset(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: object, **kwargs: object) -> None:
        super().write_dl([(term, _help(text)) for term, text in rows], *args, **kwargs)  # type: ignore[arg-type]


class FrenchContext(Context):
    formatter_class = FrenchHelpFormatter
