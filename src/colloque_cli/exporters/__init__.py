"""Exporters: a programme (or a selection of its sessions) as a file in a standard format.

Each exporter is a function ``(programme, sessions) -> str`` in its own module, imported
only when its format is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from importlib import import_module

from ..programme.model import Programme, Session

Exporter = Callable[[Programme, Sequence[Session]], str]

# format name -> (module, function); the order is the order shown in --help.
EXPORTERS: dict[str, tuple[str, str]] = {
    "json": ("tabular", "to_json"),
    "csv": ("tabular", "to_csv"),
    "tableur": ("tabular", "to_spreadsheet"),
    "ics": ("ics", "to_ics"),
    "markdown": ("markdown", "to_markdown"),
    "frab-xml": ("frab_xml", "to_frab_xml"),
    "frab-json": ("frab_json", "to_frab_json"),
    "html": ("html", "to_html"),
}


def exporter(name: str) -> Exporter:
    module, function = EXPORTERS[name]
    exporter: Exporter = getattr(import_module(f"{__name__}.{module}"), function)
    return exporter
