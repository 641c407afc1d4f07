"""One self-contained HTML page: the programme, its search, « Mon programme », offline.

Data, CSS and JavaScript are inline; the page makes no request. Jinja2 (autoescaping)
is imported here only, when this format is asked for. The data is embedded as JSON in a
``<script type="application/json">`` whose ``<``, ``>`` and ``&`` are escaped, so no text
of the programme can close the element or be read as markup.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from importlib.resources import files

from ...programme.model import Programme, Session
from .data import page_data

_ASSETS = files(__name__)


def embedded_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element (and still the same JSON)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char in "<>&\u2028\u2029":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return text


def policy(script: str) -> str:
    """The page's Content-Security-Policy: no request of any kind, and no script but its own.

    The script is allowed by its hash, so that even markup slipped into the page could run
    nothing (no inline handler, no other ``<script>``); ``img-src data:`` is for the empty
    icon that keeps browsers from asking a server for ``/favicon.ico``.
    """
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )


def to_html(
    programme: Programme,
    sessions: Sequence[Session],
    *,
    preselected: Collection[str] = (),
    related: Mapping[str, Collection[str]] | None = None,
) -> str:
    """The page for ``sessions``; ``preselected`` session ids start starred."""
    from jinja2 import Environment, select_autoescape
    from markupsafe import Markup

    script = _ASSETS.joinpath("page.js").read_text(encoding="utf-8")
    data = page_data(programme, sessions, preselected=preselected, related=related)
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    template = env.from_string(_ASSETS.joinpath("page.html.j2").read_text(encoding="utf-8"))
    return template.render(
        event=data["event"],
        count=len(data["sessions"]),
        # Trusted text (ours, not the programme's): marked safe so that Jinja2 keeps it.
        style=Markup(_ASSETS.joinpath("page.css").read_text(encoding="utf-8")),
        script=Markup(script),
        policy=Markup(policy(script)),
        data=Markup(embedded_json(data)),
    )
