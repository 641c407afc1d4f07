"""Located French messages for what is wrong in a programme file.

YAML errors and schema (pydantic) errors are translated into ``Problem``s that name the file,
line, column and field path, and say what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import yaml

from ..errors import Problem
from ..text import slugify

if TYPE_CHECKING:
    from pydantic import BaseModel

_TAB = "tabulation interdite en YAML : indentez avec des espaces"
_YAML_MESSAGES = (
    ("found character '\\t'", _TAB),
    ("did not find expected ',' or '}'", "accolade « { » non fermée ou virgule manquante"),
    ("did not find expected ',' or ']'", "crochet « [ » non fermé ou virgule manquante"),
    ("did not find expected key", "indentation incohérente : clé attendue"),
    ("did not find expected '-' indicator", "indentation incohérente dans une liste"),
    ("did not find expected node content", "valeur attendue"),
    ("found character that cannot start any token", "caractère inattendu en début de valeur"),
    ("nesting depth", "structure YAML trop profondément imbriquée"),
    ("could not determine a constructor", "étiquette YAML non autorisée"),
    (
        "mapping values are not allowed",
        "« : » inattendu (une valeur contenant « : » doit être entre guillemets)",
    ),
    ("found undefined alias", "alias YAML non défini"),
    (
        "found invalid Unicode character escape code",
        "échappement Unicode impossible (comme \\ud800, une moitié de paire isolée)",
    ),
    (
        "number too long",
        "nombre trop long (plus de 4\u202f300 chiffres) : mettez-le entre guillemets",
    ),
    ("found duplicate anchor", "ancre YAML en double"),
    ("expected <block end>", "indentation incohérente"),
    ("could not find expected ':'", "« : » attendu après une clé"),
    (
        "found unexpected end of stream",
        "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
    ),
    ("expected a single document", "un seul document YAML attendu (retirez les « --- » en trop)"),
    ("found unacceptable character", "caractère interdit en YAML"),
    (
        "invalid value for its tag",
        "valeur impossible pour son étiquette YAML (!!int, !!float, !!bool)",
    ),
    ("while scanning a quoted scalar", "guillemet non fermé"),
)


def foreign_format(text: str, source: str) -> Problem | None:
    """A published schedule (frab XML, frab or pretalx JSON) given where a programme file
    is expected: the one thing to say is how to convert it."""
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if head.startswith("<") and "<schedule" in head:
        kind = "frab (XML)"
    elif head.startswith("{") and '"schedule"' in head:
        kind = "frab ou pretalx (JSON)"
    else:
        return None
    return Problem(
        source,
        f"ce fichier est un programme au format {kind} : convertissez-le avec "
        f"« colloque import {source} -o programme.yaml »",
    )


# A single-quoted text with an apostrophe inside: « title: 'L'eau' ».
_QUOTED_APOSTROPHE = re.compile(r"'[^'\n]*'(?=\w)")


def yaml_problem(error: yaml.MarkedYAMLError, source: str, document: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    text = f"{error.context or ''} {error.problem or ''}"
    message = next((fr for en, fr in _YAML_MESSAGES if en in text), "syntaxe YAML invalide")
    if mark is not None and document[mark.index : mark.index + 1] == "\t":
        message = _TAB
    if mark is not None:
        lines = document.splitlines()
        line = lines[mark.line] if mark.line < len(lines) else ""
        quoted = _QUOTED_APOSTROPHE.search(line)
        if quoted:
            mark = yaml.Mark("", quoted.start(), mark.line, quoted.start(), None, 0)
            message = (
                "apostrophe dans un texte entre apostrophes : doublez-la (« 'L''eau' ») ou "
                'mettez le texte entre guillemets (« "L\'eau" »)'
            )
    if "constructor" in text and error.problem:
        tag = re.search(r"tag '([^']*)'", error.problem)
        if tag:
            message += f" « {tag.group(1)} » (seul le YAML simple est accepté)"
    return Problem(
        source,
        message,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


# --- schema errors, located in the YAML ----------------------------------------------------


def locate(root: yaml.Node, loc: Iterable[Any], *, key: bool = False) -> yaml.Node:
    """The node at a pydantic ``loc`` (or its deepest existing ancestor)."""
    node = root
    parts = tuple(loc)
    for position, part in enumerate(parts):
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if match is None:
                return node
            if key and position == len(parts) - 1:
                key_node: yaml.Node = match[0]
                return key_node
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return node
            node = node.value[part]
        else:
            return node
    return node


def field_path(loc: Iterable[Any]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part != "[key]":
            text += f".{part}" if text else str(part)
    return text


def kind_of(value: Any) -> str:
    if value is None:
        return "une valeur vide"
    if isinstance(value, bool):
        return "un booléen"
    if isinstance(value, int | float):
        return f"un nombre ({value})"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, dict):
        return "une table de clés"
    return f"une valeur de type {type(value).__name__}"


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    from . import schema

    models: dict[tuple[str, ...], type[BaseModel]] = {
        (): schema.ProgrammeFile,
        ("colloque",): schema.ColloqueFile,
        ("rooms",): schema.RoomFile,
        ("themes",): schema.ThemeFile,
        ("slots",): schema.SlotFile,
        ("sessions",): schema.SessionFile,
    }
    shape = tuple(p for p in loc if isinstance(p, str))
    model = models.get(shape)
    return list(model.model_fields) if model else []


def pydantic_problem(error: Any, root: yaml.Node, source: str) -> Problem:
    loc = tuple(error["loc"])
    kind = error["type"]
    value = error.get("input")
    node = locate(root, loc, key=kind == "extra_forbidden")
    if kind == "missing":
        message = f"champ obligatoire « {loc[-1]} » manquant"
        path = field_path(loc[:-1])
    elif kind == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        message = f"clé inconnue « {loc[-1]} »"
        from difflib import get_close_matches  # only for a file with a mistake

        near = get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        if near:
            message += f" : vouliez-vous dire « {near[0]} » ?"
        if allowed:
            message += f" (clés permises : {', '.join(allowed)})"
        path = field_path(loc[:-1])
    else:
        path = field_path(loc)
        if kind == "value_error":
            message = str(error["ctx"]["error"])
        elif kind == "string_type":
            message = f"texte attendu, trouvé {kind_of(value)}"
        elif kind == "list_type":
            message = f"liste attendue, trouvé {kind_of(value)}"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            message = f"table de clés attendue, trouvé {kind_of(value)}"
        elif kind == "string_too_short":
            message = "ne doit pas être vide"
        elif kind == "string_too_long":
            message = "texte trop long"
        elif kind == "string_pattern_mismatch":
            message = f"identifiant invalide « {value} » (ni espace, ni « / »)"
            valid = slugify(str(value))
            if valid:
                message += f" : essayez « {valid} »"
        else:
            message = f"valeur invalide : {kind_of(value)}"
    return Problem(
        source,
        message,
        path=path,
        line=node.start_mark.line + 1,
        column=node.start_mark.column + 1,
    )
