"""The command-line interface: a thin Typer layer over the core.

Command modules are imported on demand (see ``app.COMMANDS``), not here.
"""

from .app import app

__all__ = ["app"]
