"""French wording for the command-line parser's usage errors (Typer's are English)."""

from __future__ import annotations

import re

# An option as the parser quotes it: '--limit' or '--limit' / '-n'.
_OPT = r"(?P<a>'[^']*'(?: / '[^']*')*)"
_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"No such option: (?P<a>\S+)", "option inconnue : {a}"),
    (r"No such command '(?P<a>.*)'\.?", "commande inconnue « {a} »"),
    (r"Missing command\.?", "commande manquante"),
    (r"Missing argument '(?P<a>[^']*)'\.?", "argument manquant : {a}"),
    (r"Missing option '(?P<a>[^']*)'\.?", "option obligatoire manquante : {a}"),
    (r"Missing parameter: (?P<a>.*)", "paramètre manquant : {a}"),
    (r"Option '(?P<a>[^']*)' requires an argument\.", "l'option {a} attend une valeur"),
    (r"Option '(?P<a>[^']*)' requires (?P<b>\d+) arguments\.", "l'option {a} attend {b} valeurs"),
    (r"Option '(?P<a>[^']*)' does not take a value\.", "l'option {a} ne prend pas de valeur"),
    (r"Got unexpected extra arguments? \((?P<a>.*)\)", "argument(s) en trop : {a}"),
    (
        rf"Invalid value for {_OPT}: '?(?P<b>.*?)'? is not a valid int(?:eger)?(?: range)?\.",
        "valeur invalide pour {a} : « {b} » n'est pas un nombre entier",
    ),
    (
        rf"Invalid value for {_OPT}: (?P<b>.*) is not in the range (?P<c>.*)\.",
        "valeur invalide pour {a} : {b} n'est pas dans l'intervalle {c}",
    ),
    (
        rf"Invalid value for {_OPT}: '(?P<b>.*)' is not one of (?P<c>.*)\.",
        "valeur invalide pour {a} : « {b} » (valeurs permises : {c})",
    ),
    (rf"Invalid value for {_OPT}: (?P<b>.*)", "valeur invalide pour {a} : {b}"),
)
_SUGGESTION = re.compile(r"\s*(?:\(Possible options: (?P<a>.*)\)|Did you mean (?P<b>.*)\?)\s*$")


def translate(message: str) -> str:
    """The French message for one of the parser's English usage errors."""
    hint = ""
    match = _SUGGESTION.search(message)
    if match:
        hint = f" Vouliez-vous dire {match.group('a') or match.group('b')} ?"
        message = message[: match.start()].rstrip()
    for pattern, french in _PATTERNS:
        found = re.fullmatch(pattern, message.strip(), flags=re.DOTALL)
        if found:
            parts = {k: (v or "").replace("'", "") for k, v in found.groupdict().items()}
            text = french.format(**parts)
            return text[0].upper() + text[1:] + "." + hint
    return f"Utilisation incorrecte : {message}{hint}"
