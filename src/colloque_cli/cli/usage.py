"""French wording for the command-line parser's usage errors (Typer's are English)."""

from __future__ import annotations

import re

# An option as the parser quotes it: '--limit' or '--limit' / '-n'.
_OPT = r"(?P<a>'[^']*'(?: / '[^']*')*)"
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<a>\S+)", "option inconnue : {a}"),
    (r"No such command '(?P<a>.*)'\.?", "commande inconnue « {a} »"),
    (r"Missing command\.?", "commande manquante"),
    (r"Missing argument '(?P<a>[^'…]*)…?'\.?", "argument manquant : {a}"),
    (r"Missing option '(?P<a>[^']*)'\.?", "option obligatoire manquante : {a}"),
    (r"Missing parameter: (?P<a>.*)", "paramètre manquant : {a}"),
    (r"Option '(?P<a>[^']*)' requires an argument\.", "l'option {a} attend une valeur"),
    (r"Option '(?P<a>[^']*)' requires (?P<b>\d+) arguments\.", "l'option {a} attend {b} valeurs"),
    (r"Option '(?P<a>[^']*)' does not take a value\.", "l'option {a} ne prend pas de valeur"),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((?P<a>[^ ]*)\)", "argument en trop : {a}"),
    (r"Got unexpected extra argument(?:\(s\)|s)? \((?P<a>.*)\)", "arguments en trop : {a}"),
    (
        rf"Invalid value for {_OPT}: '?(?P<b>.*?)'? is not a valid int(?:eger)?(?: range)?\.",
        "valeur invalide pour {a} : « {b} » n'est pas un nombre entier",
    ),
    (
        rf"Invalid value for {_OPT}: (?P<b>.*) is not in the range (?P<c>.*)\.",
        "valeur invalide pour {a} : {b} ; il faut un nombre {c}",
    ),
    (
        rf"Invalid value for {_OPT}: '(?P<b>.*)' is not one of (?P<c>.*)\.",
        "valeur invalide pour {a} : « {b} » (valeurs permises : {c})",
    ),
    (rf"Invalid value for {_OPT}: (?P<b>.*)", "valeur invalide pour {a} : {b}"),
)
_SUGGESTION = re.compile(r"\s*(?:\(Possible options: (?P<a>.*)\)|Did you mean (?P<b>.*)\?)\s*$")


# A range as the parser writes it: « x>=1 », « x<=10 », « 1<=x<=10 », « 0<x<5 »…
_RANGE = re.compile(
    r"(?:(?P<low>-?[\d.]+)(?P<lop><=?))?x(?:(?P<hop>[<>]=?)(?P<high>-?[\d.]+))?(?=$|[\];,\s])"
)


def french_range(text: str) -> str:
    """« x>=1 » → « d'au moins 1 », « 1<=x<=10 » → « de 1 à 10 »… in ``text``."""

    def say(match: re.Match[str]) -> str:
        low, lop, hop, high = match.group("low", "lop", "hop", "high")
        if hop in (">", ">="):  # « x>=1 »: a lower bound written after x
            low, lop, high, hop = high, hop.replace(">", "<"), None, None
        if low is not None and high is not None:
            if lop == "<=" and hop == "<=":
                return f"de {low} à {high}"
            return f"entre {low} et {high} ({_ends(lop, hop)})"
        if low is not None:
            return f"d'au moins {low}" if lop == "<=" else f"supérieur à {low}"
        if high is not None:
            return f"d'au plus {high}" if hop == "<=" else f"inférieur à {high}"
        return match.group()

    return _RANGE.sub(say, text)


def _ends(lop: str | None, hop: str | None) -> str:
    if lop == "<" and hop == "<":
        return "bornes exclues"
    return "borne basse exclue" if lop == "<" else "borne haute exclue"


def _quoted(names: str) -> str:
    """« 'list', 'add' » → « « list », « add » »."""
    return ", ".join(f"« {name.strip().strip(chr(39))} »" for name in names.split(","))


def translate(message: str) -> str:
    """The French message for one of the parser's English usage errors."""
    hint = ""
    match = _SUGGESTION.search(message)
    if match:
        names = match.group("a") or match.group("b")
        hint = f" Vouliez-vous dire {_quoted(names)} ?"
        message = message[: match.start()].rstrip()
    for pattern, french in _PATTERNS:
        found = re.fullmatch(pattern, message.strip(), flags=re.DOTALL)
        if found:
            # the parser quotes option names and choices ('--day', 'table'); « b » is the
            # value or the message itself, where an apostrophe is a letter (« l'une »)
            parts = {
                k: (v or "") if k == "b" else (v or "").replace("'", "")
                for k, v in found.groupdict().items()
            }
            if "c" in parts:
                parts["c"] = french_range(parts["c"])
            text = french.format(**parts)
            return text[0].upper() + text[1:] + "." + hint
    return f"Utilisation incorrecte : {message}{hint}"
