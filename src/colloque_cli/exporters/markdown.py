"""Markdown: a printable programme, one section per slot."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..programme.model import Programme, Session, long_date
from ..text import inert

# Characters that Markdown could read as formatting anywhere in a line…
_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
# …and at the start of a line: headings, quotes, bullets, numbered items (« 1. », « 2) »).
_MARKER = re.compile(r"^(\s*)([#>+=-])", flags=re.MULTILINE)
_NUMBERED = re.compile(r"^(\s*\d+)([.)])", flags=re.MULTILINE)


# Indentation: four spaces (or a tab) would make a code block, where escapes show literally.
_INDENT = re.compile(r"^[ \t]+", flags=re.MULTILINE)


def md(text: str) -> str:
    """Programme text as literal Markdown: nothing in it becomes formatting, code or HTML."""
    escaped = _INLINE.sub(r"\\\1", _INDENT.sub("", inert(text)))
    escaped = _MARKER.sub(r"\1\\\2", escaped)
    return _NUMBERED.sub(r"\1\\\2", escaped)


def _session(programme: Programme, session: Session) -> list[str]:
    lines = [f"### {md(session.title)}", ""]
    if session.subtitle:
        lines += [f"*{md(session.subtitle)}*", ""]
    lines.append(f"- **Salle** : {md(session.room_name)}")
    lines.append(f"- **Type** : {md(session.type)}")
    if session.themes:
        lines.append("- **Thèmes** : " + ", ".join(md(t.label) for t in session.themes))
    if session.speakers:
        lines.append("- **Intervenants** : " + ", ".join(md(s) for s in session.speakers))
    lines.append(f"- **Identifiant** : {md(session.id)}")
    lines.append("")
    if session.description:
        lines += [md(session.description), ""]
    acronyms = programme.acronyms_in(session)
    if acronyms:
        lines.append("Sigles : " + " ; ".join(f"{md(a)} : {md(e)}" for a, e in acronyms) + ".")
        lines.append("")
    return lines


def to_markdown(programme: Programme, sessions: Sequence[Session]) -> str:
    colloque = programme.colloque
    lines = [f"# {md(colloque.title)}", ""]
    if colloque.subtitle:
        lines += [f"*{md(colloque.subtitle)}*", ""]
    from ..timeline import colloque_days, dates_phrase

    place = ", ".join(
        filter(None, [colloque.venue, colloque.city, dates_phrase(colloque_days(programme))])
    )
    about_line = " — ".join(md(a) for a in (colloque.kind, place) if a)
    if about_line:
        lines += [about_line, ""]
    for slot in programme.slots:
        in_slot = [s for s in sessions if s.slot.id == slot.id]
        if not in_slot:
            continue
        heading = f"{long_date(slot.date).capitalize()}, {slot.hours}"
        lines += [f"## {heading}", ""]
        if slot.label:
            lines += [f"*{md(slot.label)}*", ""]
        for session in in_slot:
            lines += _session(programme, session)
    return "\n".join(lines).rstrip("\n") + "\n"
