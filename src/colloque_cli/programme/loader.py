"""Read a programme file: safe YAML, validation with located French messages, domain objects.

The jobs live beside it: the YAML dialect and its safety (``yamldialect``), the fast path for
regular files (``fastpath``), located messages (``diagnostics``), the cross-checks
(``crosscheck``) and the domain objects (``build``); this module runs them in order.
"""

from __future__ import annotations

import os
from typing import Any

import yaml

from ..errors import Problem, ProgrammeError
from ..infra.gcpause import paused_gc
from .build import build_programme
from .crosscheck import cross_check, declared_zone, salvage
from .diagnostics import foreign_format, kind_of, pydantic_problem, yaml_problem
from .fastpath import check_regular
from .model import Programme
from .source import read_bytes, read_text, resolve_programme_path
from .yamldialect import (
    ProgrammeLoader,
    alias_bomb,
    has_node_anchor,
    is_utf8,
    may_have_anchors,
)


def load_programme(path: str | os.PathLike[str] | None = None) -> Programme:
    """Load and validate a programme file; raise ``ProgrammeError`` listing every problem."""
    resolved = resolve_programme_path(path)
    return parse_programme(read_bytes(resolved), str(resolved))  # decoded there


def check_file(
    path: str | os.PathLike[str] | None = None,
) -> tuple[list[Problem], Programme | None]:
    """Every problem of a programme file (unreadable included), or the programme it holds."""
    resolved = resolve_programme_path(path)
    source = str(resolved)
    try:
        text = read_text(resolved)
    except ProgrammeError as error:
        return error.problems, None
    problems, validated = check_text(text, source)
    if problems:
        return problems, None
    return [], build_programme(validated, source)


def parse_programme(text: str | bytes, source: str = "<programme>") -> Programme:
    """Validate the text of a programme file and build the domain objects.

    Given the file's bytes (UTF-8), a regular file is parsed without ever holding its
    whole text as a ``str`` (twice its size in memory with any non-Latin-1 character);
    otherwise they are decoded as ``source.decode`` does, with its errors.
    """
    with paused_gc():
        tried = False  # whether the fast path already failed: then only the full check
        if isinstance(text, bytes):
            if is_utf8(text) and not has_node_anchor(text):
                validated = check_regular(text, source, light=True)
                if validated is not None:
                    return build_programme(validated, source)
                tried = True
            from .source import decode

            text = decode(text, source)
        if tried:
            problems, validated = _check_fully(text, source)
        else:
            problems, validated = _check_text(text, source, light=True)
        if problems:
            raise ProgrammeError(problems)
        assert validated is not None
        return build_programme(validated, source)


def check_text(text: str, source: str) -> tuple[list[Problem], Any]:
    """Every problem of a programme file's text, and its validated form when there is none."""
    with paused_gc():
        return _check_text(text, source)


def _check_text(text: str, source: str, *, light: bool = False) -> tuple[list[Problem], Any]:
    if not has_node_anchor(text):
        validated = check_regular(text, source, light=light)
        if validated is not None:
            return [], validated
    return _check_fully(text, source)


def _check_fully(text: str, source: str) -> tuple[list[Problem], Any]:
    """Every problem of a programme file's text, and its validated form when there is none.

    Problems of every kind are reported together, ordered by position: duplicate keys,
    schema errors, and the cross-checks (ids, references, times, overlaps), which run on
    whatever parts of the file are individually valid.
    """
    foreign = foreign_format(text, source)
    if foreign is not None:
        return [foreign], None
    try:
        loader = ProgrammeLoader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return [Problem(source, "fichier vide : aucun programme à lire")], None
            if may_have_anchors(text):
                bomb = alias_bomb(root, source)
                if bomb is not None:
                    return [bomb], None
            data = loader.construct_document(root)
            problems = [
                Problem(
                    source,
                    f"clé « {key.value} » en double dans la même table",
                    line=key.start_mark.line + 1,
                    column=key.start_mark.column + 1,
                )
                for key in loader.duplicate_keys
            ]
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        return [yaml_problem(error, source, text)], None
    except yaml.YAMLError as error:
        return [Problem(source, f"YAML illisible ({error})")], None
    except RecursionError:
        return [Problem(source, "structure YAML trop profondément imbriquée")], None

    if not isinstance(data, dict):
        return [
            Problem(
                source,
                "le fichier doit être une table de clés (colloque, rooms, themes, glossary, "
                f"slots, sessions), pas {kind_of(data)}",
                line=root.start_mark.line + 1,
                column=root.start_mark.column + 1,
            )
        ], None

    from pydantic import ValidationError

    from .schema import ProgrammeFile

    validated = None
    try:
        validated = ProgrammeFile.model_validate(data)
    except ValidationError as error:
        problems.extend(pydantic_problem(e, root, source) for e in error.errors())
        sections = salvage(data)
    else:
        sections = {
            name: list(enumerate(getattr(validated, name)))
            for name in ("rooms", "themes", "slots", "sessions")
        }
    zone = validated.colloque.timezone if validated is not None else declared_zone(data)
    problems.extend(cross_check(sections, root, source, zone))
    if not problems:
        return [], validated
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems, None
