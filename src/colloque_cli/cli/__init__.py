"""The command-line interface: a thin Typer layer over the core."""

from . import agenda as _agenda  # noqa: F401
from . import explore as _explore  # noqa: F401  (registers the commands)
from . import export as _export  # noqa: F401
from . import programme_tools as _programme_tools  # noqa: F401
from . import timeline as _timeline  # noqa: F401
from .app import app

__all__ = ["app"]
