"""What changed between two versions of a programme, and how to tell people.

``compare`` matches the sessions of two programmes (by id, then by the frab ``guid``, then by
title and slot for a session whose id was renamed) and lists what is new, cancelled, moved or
edited; ``publish`` writes that list as plain records (JSON), Markdown (an announcement) or
an Atom feed. Neither imports Typer nor Rich.
"""

from __future__ import annotations

from .compare import Change, Comparison, FieldChange, compare, load_version

__all__ = ["Change", "Comparison", "FieldChange", "compare", "load_version"]
