"""Measure search against written cases: ``python -m benchmarks.search_eval [CASES]``.

Prints hit@1 (the expected session comes first), recall@5 (the expected sessions are in
the first five), precision (the results that are relevant) and silence (queries that must
find nothing find nothing), with the cases that miss. Exit status 1 below the targets.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from colloque_cli.programme.model import Programme
from colloque_cli.search import SearchIndex

DEFAULT_CASES = Path(__file__).resolve().parents[1] / "tests" / "search_cases.yaml"
TARGETS = {"hit@1": 0.97, "recall@5": 1.0, "precision": 0.97, "silence": 1.0}


@dataclass(frozen=True)
class Case:
    query: str
    why: str = ""
    first: str | None = None
    top5: tuple[str, ...] = ()
    relevant: tuple[str, ...] | None = None
    none: bool = False

    @property
    def wanted(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(([self.first] if self.first else []) + list(self.top5)))


@dataclass
class Report:
    scores: dict[str, list[float]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def add(self, metric: str, value: float) -> None:
        self.scores.setdefault(metric, []).append(value)

    def value(self, metric: str) -> float:
        values = self.scores.get(metric, [])
        return sum(values) / len(values) if values else 1.0

    @property
    def passed(self) -> bool:
        return all(self.value(m) >= target for m, target in TARGETS.items())


def load_cases(path: Path) -> list[Case]:
    import yaml

    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in raw:
        relevant = item.get("relevant")
        cases.append(
            Case(
                query=str(item["query"]),
                why=str(item.get("why", "")),
                first=item.get("first"),
                top5=tuple(item.get("top5", ())),
                relevant=tuple(relevant) if relevant is not None else None,
                none=bool(item.get("none", False)),
            )
        )
    return cases


def evaluate(index: SearchIndex, cases: Sequence[Case]) -> Report:
    report = Report()
    for case in cases:
        found = [hit.session.id for hit in index.search(case.query)]
        if case.none:
            report.add("silence", 0.0 if found else 1.0)
            if found:
                report.misses.append(f"« {case.query} » devait ne rien trouver : {found}")
            continue
        if case.first:
            right = bool(found) and found[0] == case.first
            report.add("hit@1", 1.0 if right else 0.0)
            if not right:
                report.misses.append(f"« {case.query} » : {case.first} attendu en tête, {found}")
        wanted = case.wanted
        if wanted:
            in_top = [s for s in wanted if s in found[:5]]
            report.add("recall@5", len(in_top) / len(wanted))
            if len(in_top) < len(wanted):
                missing = [s for s in wanted if s not in in_top]
                report.misses.append(f"« {case.query} » : {missing} absents des 5 premiers")
        if case.relevant is not None and found:
            relevant = set(case.relevant) | set(wanted)
            extra = [s for s in found if s not in relevant]
            report.add("precision", 1 - len(extra) / len(found))
            if extra:
                report.misses.append(f"« {case.query} » : résultats non pertinents {extra}")
    return report


def main(argv: Sequence[str] | None = None) -> int:
    from colloque_cli.programme.loader import load_programme

    parser = argparse.ArgumentParser(description="Évalue la recherche sur des cas écrits.")
    parser.add_argument("cases", nargs="?", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--programme", type=Path, default=None)
    args = parser.parse_args(argv)
    programme: Programme = load_programme(args.programme)
    cases = load_cases(args.cases)
    report = evaluate(SearchIndex(programme), cases)
    print(f"{len(cases)} cas ({args.cases.name})")
    for metric, target in TARGETS.items():
        count = len(report.scores.get(metric, []))
        value = report.value(metric)
        mark = "ok" if value >= target else "SOUS L'OBJECTIF"
        print(f"  {metric:<10} {value:.3f}  (objectif {target:.2f}, {count} cas)  {mark}")
    for miss in report.misses:
        print(f"  - {miss}")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
