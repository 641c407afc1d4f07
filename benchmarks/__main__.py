"""``uv run python -m benchmarks``: measure everything, write ``benchmarks/RESULTS.md``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .report import markdown
from .runner import COMMANDS, DATA, Config, run_all
from .timing import CommandFailed

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.replace("_", "").split(",") if part.strip()]
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("les tailles sont des nombres de sessions positifs")
    return sizes


def _commands(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [c for c in chosen if c not in COMMANDS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"commandes possibles : {', '.join(COMMANDS)}")
    return [c for c in COMMANDS if c in chosen]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Mesure colloque (planchers, commandes, programmes générés, en processus) "
        "et écrit le tableau des résultats.",
    )
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=[1000, 10000, 50000],
        help="tailles des programmes générés, en sessions (défaut : 1000,10000,50000 ; "
        "« '' » pour aucun)",
    )
    parser.add_argument(
        "--runs", type=int, default=30, help="exécutions au plus par mesure (défaut : 30)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=8.0,
        help="secondes allouées à chaque mesure, qui fixent son nombre d'exécutions (défaut : 8)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="essai rapide : 1000 sessions seulement, 5 exécutions, budget de 2 s",
    )
    parser.add_argument(
        "--commands",
        type=_commands,
        default=list(COMMANDS),
        help=f"commandes mesurées parmi {','.join(COMMANDS)} (défaut : toutes)",
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS, help="fichier Markdown écrit (défaut : %(default)s)"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=DATA,
        help="dossier des programmes générés et du domicile privé (défaut : %(default)s)",
    )
    args = parser.parse_args(argv)
    config = Config(
        sizes=[1000] if args.quick else args.sizes,
        commands=args.commands,
        max_runs=min(args.runs, 5) if args.quick else args.runs,
        budget_s=min(args.budget, 2.0) if args.quick else args.budget,
        data=args.data_dir,
    )
    if config.max_runs < 1 or config.budget_s < 0:
        parser.error("--runs doit valoir au moins 1 et --budget être positif")
    try:
        results = run_all(config)
    except CommandFailed as error:
        print(f"Échec d'une commande mesurée : {error}", file=sys.stderr)
        return 1
    text = markdown(results)
    args.output.write_text(text, encoding="utf-8")
    (config.data / "results.json").write_text(json.dumps(results.to_json(), indent=1))
    # The targets on the terminal; everything in the report.
    section = text[text.index("## Objectifs") :]
    print(section[: section.index("## Planchers")].rstrip())
    print(f"\nRésultats complets : {args.output}")
    return 0


if __name__ == "__main__":
    from colloque_cli.infra.closedpipe import quiet_when_unread

    raise SystemExit(quiet_when_unread(main))
