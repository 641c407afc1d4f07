"""The Markdown report (``benchmarks/RESULTS.md``): machine, targets, side-by-side tables."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from .runner import BUILTIN, IMPORT_FLOOR, ROOT, Results
from .timing import Series

LABELS = {
    "list": "colloque list --day mardi",
    "compact": "colloque list --day mardi --compact",
    "search": "colloque search mobilité",
    "show": "colloque show <id>",
    "help": "colloque --help",
    "complete": "complétion de --room",
    "import-fosdem": "colloque import fosdem-2025.xml",
}
MODES = {"": "", "cold": "froid", "warm": "chaud"}


def number(value: float, digits: int = 0) -> str:
    """French formatting: thin-space thousands, decimal comma."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u202f").replace(".", ",")


def ms(value: float) -> str:
    return f"{number(value, 1 if value < 100 else 0)} ms"


def ratio(value: float) -> str:
    return f"{number(value, 2)} ×"


def file_size(size: int) -> str:
    if size < 2**20:
        return f"{number(size / 2**10)} Kio"
    return f"{number(size / 2**20, 1)} Mio"


def size_label(size: int) -> str:
    return f"{number(size)} (fourni)" if size == BUILTIN else number(size)


# --- machine -----------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return f"{number(int(line.split()[1]) / 2**20, 1)} Gio"
    except OSError:
        pass
    return "inconnue"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return ""
    return done.stdout.strip()


def _commit() -> str:
    """HEAD, the last commit that changed ``src/``, and whether ``src/`` has local changes."""
    head = _git("rev-parse", "--short", "HEAD")
    if not head:
        return "inconnu"
    source = _git("log", "-1", "--format=%h", "--", "src")
    dirty = (
        " ; src/ modifié depuis (non validé)" if _git("status", "--porcelain", "--", "src") else ""
    )
    return f"{head} (dernier changement de src/ : {source or 'inconnu'}){dirty}"


def _versions() -> str:
    found = []
    for name in ("typer", "rich", "rapidfuzz", "pyyaml", "pydantic"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pass
    try:
        import yaml

        found.append("libyaml " + ("oui" if getattr(yaml, "__with_libyaml__", False) else "non"))
    except ImportError:
        pass
    return ", ".join(found)


def machine(results: Results) -> list[str]:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    started = dt.datetime.fromtimestamp(results.started).astimezone()
    load = " / ".join(number(x, 2) for x in results.load_before)
    load_after = " / ".join(number(x, 2) for x in results.load_after)
    return [
        f"- Date : {started:%Y-%m-%d %H:%M %Z}, durée de la mesure "
        f"{number((results.finished - results.started) / 60, 1)} min",
        f"- Processeur : {_cpu_model()}, {os.cpu_count()} cœurs"
        + (f" ({affinity} utilisables)" if affinity and affinity != os.cpu_count() else ""),
        f"- Mémoire : {_memory()}",
        f"- Système : {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python : {platform.python_implementation()} {platform.python_version()} "
        f"({sys.executable})",
        f"- Bibliothèques : {_versions()}",
        f"- Code mesuré : commit {_commit()}",
        f"- Charge moyenne (1, 5, 15 min) : {load} au début, {load_after} à la fin "
        "(machine partagée)",
    ]


# --- targets -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str
    limit: float
    kind: str  # "ratio", "ms" or "MB"
    measure: Callable[[Results], float | None]


def _median(results: Results, size: int | None, name: str, mode: str = "") -> float | None:
    series = results.series(size, name, mode)
    return series.median if series and series.runs else None


def _floor(results: Results) -> float | None:
    return _median(results, None, "import")


def _ratio(size: int, name: str, mode: str = "") -> Callable[[Results], float | None]:
    def measure(results: Results) -> float | None:
        value, floor = _median(results, size, name, mode), _floor(results)
        return value / floor if value is not None and floor else None

    return measure


def _peak_rss(size: int) -> Callable[[Results], float | None]:
    def measure(results: Results) -> float | None:
        found = [
            series.rss_max
            for unit in results.units
            if unit.size == size
            for series in unit.series.values()
            if series.runs
        ]
        probe = results.probes.get(size)
        if probe:
            found.append(probe["peak_rss_mb"])
        return max(found) if found else None

    return measure


def _slowest_query(size: int) -> Callable[[Results], float | None]:
    def measure(results: Results) -> float | None:
        probe = results.probes.get(size)
        return max(probe["query_ms"].values()) if probe else None

    return measure


TARGETS = (
    Target("28 sessions : `search mobilité`", 1.15, "ratio", _ratio(BUILTIN, "search")),
    Target("28 sessions : `list --day mardi`", 1.15, "ratio", _ratio(BUILTIN, "list")),
    Target("28 sessions : complétion de `--room`", 1.0, "ratio", _ratio(BUILTIN, "complete")),
    Target("10 000 sessions, chaud : `search`", 1.4, "ratio", _ratio(10_000, "search", "warm")),
    Target("50 000 sessions, chaud : `search`", 2.0, "ratio", _ratio(50_000, "search", "warm")),
    Target(
        "10 000 sessions, chaud : `list --day mardi --compact`",
        2.0,
        "ratio",
        _ratio(10_000, "compact", "warm"),
    ),
    Target(
        "FOSDEM 2025 (943 événements) : `import`",
        600.0,
        "ms",
        lambda r: _median(r, None, "import-fosdem"),
    ),
    Target(
        "10 000 sessions, froid : première `search` après une modification",
        500.0,
        "ms",
        lambda r: _median(r, 10_000, "search", "cold"),
    ),
    Target(
        "50 000 sessions, froid : première `search` après une modification",
        1500.0,
        "ms",
        lambda r: _median(r, 50_000, "search", "cold"),
    ),
    Target(
        "50 000 sessions, froid : chargement (`show <id>` : lecture, validation, cache, réponse)",
        3000.0,
        "ms",
        lambda r: _median(r, 50_000, "show", "cold"),
    ),
    Target(
        "50 000 sessions : mémoire résidente maximale (tout processus mesuré)",
        200.0,
        "MB",
        _peak_rss(50_000),
    ),
    Target(
        "50 000 sessions : la plus lente des 20 requêtes, en processus",
        30.0,
        "ms",
        _slowest_query(50_000),
    ),
)


def _show(value: float, kind: str) -> str:
    if kind == "ratio":
        return f"{ratio(value)} plancher"
    if kind == "MB":
        return f"{number(value)} Mo"
    return ms(value)


def targets(results: Results) -> tuple[list[str], int, int]:
    """The targets table, how many targets are met, how many were measured."""
    lines = ["| Objectif | Mesure | Seuil | Résultat |", "|---|---:|---:|---|"]
    met = measured = 0
    for target in TARGETS:
        value = target.measure(results)
        limit = ("≤ " if target.kind == "ratio" else "< ") + _show(target.limit, target.kind)
        if value is None:
            lines.append(f"| {target.label} | — | {limit} | non mesuré |")
            continue
        measured += 1
        ok = value <= target.limit if target.kind == "ratio" else value < target.limit
        met += ok
        verdict = "✅ atteint" if ok else "❌ manqué"
        lines.append(f"| {target.label} | {_show(value, target.kind)} | {limit} | {verdict} |")
    cold_search = _median(results, 50_000, "search", "cold")
    if cold_search is not None:
        # The issue's « cold load » is the load; a cold search also builds the search index
        # (see « Index » below). Shown apart, so that the stricter reading is not hidden.
        verdict = "sous" if cold_search < 3000.0 else "au-delà de"
        lines.append(
            f"\nLecture plus stricte, hors objectifs : `search` à froid à 50 000 sessions, qui "
            f"construit en plus l'index de recherche, prend {ms(cold_search)} ({verdict} 3 s)."
        )
    return lines, met, measured


# --- tables ------------------------------------------------------------------------------------


def _cell(series: Series | None, floor: float | None) -> str:
    if series is None or not series.runs:
        return "—"
    text = ms(series.median)
    return f"{text} ({ratio(series.median / floor)})" if floor else text


def side_by_side(results: Results) -> list[str]:
    floor = _floor(results)
    columns: list[tuple[int, str]] = [(BUILTIN, "")]
    for size in results.config.sizes:
        columns += [(size, "cold"), (size, "warm")]
    header = "| Commande | " + " | ".join(
        f"{size_label(size)}{' ' + MODES[mode] if mode else ''}" for size, mode in columns
    )
    lines = [header + " |", "|---|" + "---:|" * len(columns)]
    for name in results.config.commands:
        if name == "import-fosdem":  # no programme size: in the details and the targets
            continue
        cells = []
        for size, mode in columns:
            series = results.series(size, name, mode)
            if series is None and mode == "warm":
                series = results.series(size, name, "")  # --help reads no programme
            cells.append(_cell(series, floor))
        lines.append(f"| `{LABELS[name]}` | " + " | ".join(cells) + " |")
    return lines


def details(results: Results) -> list[str]:
    floor = _floor(results)
    lines = [
        "| Mesure | Sessions | Mode | Médiane | p10 | p90 | CPU (médiane) | RSS max | × plancher "
        "| Exécutions |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for unit in results.units:
        for mode, series in unit.series.items():
            if not series.runs:
                continue
            name = f"`{LABELS[unit.name]}`" if unit.name in LABELS else f"plancher `{unit.name}`"
            size = size_label(unit.size) if unit.size else "—"
            lines.append(
                f"| {name} | {size} | {MODES[mode] or '—'} | "
                f"{ms(series.median)} | {ms(series.quantile(0.1))} | {ms(series.quantile(0.9))} | "
                f"{ms(series.cpu_median)} | {number(series.rss_max)} Mo | "
                f"{ratio(series.median / floor) if floor else '—'} | {series.runs} |"
            )
    return lines


def in_process(results: Results) -> list[str]:
    lines = [
        "| Sessions | Fichier | Import du cœur | Chargement froid | Chargement suivant | Index | "
        "Requête médiane | Requête la plus lente | 20 requêtes | 1re requête | RSS max "
        "| Processus |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, probe in results.probes.items():
        queries = list(probe["query_ms"].values())
        lines.append(
            f"| {size_label(size)} | {file_size(results.files[size][1])} | "
            f"{ms(probe['import_ms'])} | {ms(probe['load_cold_ms'])} | "
            f"{ms(probe['load_warm_ms'])} | {ms(probe['index_ms'])} | "
            f"{ms(statistics.median(queries))} | {ms(max(queries))} | {ms(sum(queries))} | "
            f"{ms(probe['first_query_ms'])} | {number(probe['peak_rss_mb'])} Mo | {probe['runs']} |"
        )
    return lines


def floors(results: Results) -> list[str]:
    lines = ["| Plancher | Médiane | p10 | p90 | Exécutions |", "|---|---:|---:|---:|---:|"]
    for name, label in (
        ("python -c pass", "`python -c pass`"),
        ("import", f'`python -c "{IMPORT_FLOOR}"`'),
    ):
        series = results.series(None, name)
        if series and series.runs:
            lines.append(
                f"| {label} | {ms(series.median)} | {ms(series.quantile(0.1))} | "
                f"{ms(series.quantile(0.9))} | {series.runs} |"
            )
    return lines


def command_line(results: Results) -> str:
    config = results.config
    parts = ["uv run python -m benchmarks"]
    if config.sizes != [1000, 10000, 50000]:
        parts.append(f"--sizes {','.join(map(str, config.sizes))}")
    if config.max_runs != 30:
        parts.append(f"--runs {config.max_runs}")
    if config.budget_s != 8.0:
        parts.append(f"--budget {config.budget_s:g}")
    return " ".join(parts)


INTRO = """\
# Mesures de performance

Produit par `{command}` ; voir [la méthode](#méthode). Toutes les durées sont des médianes \
prises dans la même exécution ; le **plancher** est `python -c "{floor}"`, et les rapports \
(×) lui sont relatifs.
"""

SIDE_BY_SIDE = """\
Médiane du temps écoulé (et rapport au plancher). *Froid* : première exécution après une \
modification du contenu du fichier ; *chaud* : l'exécution suivante, rien n'ayant changé. \
Le programme fourni (28 sessions) n'est jamais modifié : ses mesures sont « chaudes ».
"""

IN_PROCESS = """\
Trois processus neufs par taille (médiane des trois) : import de \
`colloque_cli.programme.loader` et `colloque_cli.search` ; `load_programme` juste après une \
modification du fichier (froid, imports paresseux compris : pydantic, schéma), puis une \
seconde fois ; construction de `SearchIndex` ; 20 requêtes typiques (médiane de 11 \
exécutions de chacune, 5 au-delà de 50 ms ; la première requête, qui importe rapidfuzz, est \
comptée à part). RSS max : pic du processus.
"""

METHOD = """\
- Chaque mesure lance le programme lui-même (`posix_spawn` du script `colloque` de \
l'environnement virtuel, ou de son Python pour les planchers), sans shell ni `uv run`, sorties \
redirigées vers des fichiers. Le temps est pris par `perf_counter_ns` autour du lancement et \
de `wait4`, qui donne aussi le temps CPU et la mémoire maximale (RSS) de l'enfant.
- Toutes les mesures sont entrelacées : à chaque tour, chacune s'exécute une fois, dans un \
ordre tiré au hasard (graine fixe), si bien que le bruit de la machine partagée les touche \
toutes pareil. Un premier tour étalonne : chaque mesure reçoit autant d'exécutions que le \
budget en permet ({budget} s par mesure ; au moins 11, 5 au-delà de 2 s par exécution, \
2 au-delà de 10 s ; au plus {runs}) ; ce tour ne compte que pour les mesures de plus de 2 s.
- Froid et chaud vont par paire : le contenu du fichier change (les intervenants de la \
première session, réécrits sur place : nouvelle date de modification ; un texte cherché \
change, dans la première session, si bien que tout l'index de recherche est reconstruit, le \
cas le plus lent), la commande s'exécute (froid), puis une seconde fois (chaud).
- Complétion : `_COLLOQUE_COMPLETE=complete_bash COMP_WORDS="colloque [--programme F] list \
--room " COMP_CWORD=…`, ce que fait bash à la touche Tab.
- Les programmes générés (`benchmarks/generate.py` : graine fixe, textes français composés à \
partir du vocabulaire du colloque de Rouen, une salle pour 40 sessions, 3 % sans salle) sont \
écrits dans `benchmarks/.data/` (non versionné). Les commandes mesurées ont un domicile \
privé dans ce dossier (`HOME`, `XDG_*`), où elles trouvent leur cache comme celui d'un \
utilisateur, par les dossiers de la plateforme : la mesure ne touche pas ceux de \
l'utilisateur. `PYTHONDONTWRITEBYTECODE` est retiré : comme chez un utilisateur, le code \
compilé est écrit à la première exécution (celle d'étalonnage) et relu ensuite. Données \
brutes : `benchmarks/.data/results.json`.
"""


def markdown(results: Results) -> str:
    """The whole report."""
    config = results.config
    target_lines, met, measured = targets(results)
    sections = [
        INTRO.format(command=command_line(results), floor=IMPORT_FLOOR),
        "## Machine\n",
        "\n".join(machine(results)) + "\n",
        f"## Objectifs : {met} sur {measured} atteints\n"
        if met > 1
        else f"## Objectifs : {met} sur {measured} atteint\n",
        "\n".join(target_lines) + "\n",
        "## Planchers\n",
        "\n".join(floors(results)) + "\n",
        "## Commandes côte à côte\n",
        SIDE_BY_SIDE,
        "\n".join(side_by_side(results)) + "\n",
        "## En processus\n",
        IN_PROCESS,
        "\n".join(in_process(results)) + "\n",
        "## Détail\n",
        "\n".join(details(results)) + "\n",
        "## Méthode\n",
        METHOD.format(budget=number(config.budget_s, 0), runs=config.max_runs),
    ]
    return "\n".join(sections)
