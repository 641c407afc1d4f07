"""A real terminal: messages wrapped at words, long output through a pager (as git does).

The program runs as a process whose stdout is a pseudo-terminal, or a pipe, so that what
is checked is what a person (or a script) gets.
"""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

COMMAND = [sys.executable, "-m", "colloque_cli"]


def environ(**extra: str) -> dict[str, str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PAGER", "COLLOQUE_PAGER", "LESS", "TTY_COMPATIBLE", "LINES", "COLUMNS")
    }
    return base | {"NO_COLOR": "1", "TERM": "xterm"} | extra


def on_a_terminal(*args: str, **env: str) -> tuple[str, str]:
    """Run ``colloque`` with stdout on a pseudo-terminal: (what the screen shows, stderr)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*COMMAND, *args], stdout=follower, stderr=subprocess.PIPE, env=environ(**env)
    )
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert process.stderr is not None
    errors = process.stderr.read().decode()
    assert process.wait() == 0, errors
    return screen.decode().replace("\r\n", "\n"), errors


def test_long_output_on_a_terminal_goes_through_the_pager(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"sh -c 'cat > {paged}'"
    screen, _ = on_a_terminal("list", COLLOQUE_PAGER=pager, LINES="20", COLUMNS="80")
    assert screen == ""  # everything went to the pager
    text = re.sub(r"\x1b\[[0-9;]*m", "", paged.read_text(encoding="utf-8"))  # styles kept
    assert "Salle Corneille 1" in text
    assert text.rstrip().endswith("28 sessions")


def test_pager_follows_pager_then_colloque_pager(tmp_path: Path) -> None:
    first, second = tmp_path / "pager.txt", tmp_path / "colloque_pager.txt"
    on_a_terminal("list", PAGER=f"sh -c 'cat > {first}'", LINES="20")
    assert "28 sessions" in first.read_text(encoding="utf-8")
    first.unlink()
    on_a_terminal(
        "list",
        PAGER=f"sh -c 'cat > {first}'",
        COLLOQUE_PAGER=f"sh -c 'cat > {second}'",
        LINES="20",
    )
    assert not first.exists()
    assert "28 sessions" in second.read_text(encoding="utf-8")


def test_less_is_told_to_quit_on_one_screen_and_keep_colours(tmp_path: Path) -> None:
    seen = tmp_path / "less.txt"
    on_a_terminal("list", COLLOQUE_PAGER=f"sh -c 'echo $LESS > {seen}; cat >/dev/null'", LINES="20")
    assert seen.read_text().strip() == "FRX"


def test_no_pager_when_it_fits_or_when_piped_or_when_cat(tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    pager = f"sh -c 'cat > {paged}'"
    screen, _ = on_a_terminal("rooms", COLLOQUE_PAGER=pager, LINES="40")
    assert "Salle Corneille 1" in screen
    screen, _ = on_a_terminal("list", COLLOQUE_PAGER="cat", LINES="20")
    assert "28 sessions" in screen
    piped = subprocess.run(
        [*COMMAND, "list"],
        capture_output=True,
        env=environ(COLLOQUE_PAGER=pager, LINES="20"),
        check=True,
    )
    assert "28 sessions" in piped.stdout.decode()
    assert not paged.exists()


def test_a_missing_pager_still_shows_the_text() -> None:
    screen, errors = on_a_terminal("list", COLLOQUE_PAGER="no-such-pager-here", LINES="20")
    assert "28 sessions" in screen
    assert errors == ""


LONG_ERROR = (
    "Jour inconnu «\u202flundi\u202f». Jours du colloque\u202f: mardi 4 mars, mercredi 5 mars."
)


def test_messages_wrap_at_words_on_a_terminal() -> None:
    result = subprocess.run(
        [*COMMAND, "list", "--day", "lundi"],
        capture_output=True,
        env=environ(TTY_COMPATIBLE="1", COLUMNS="30"),
        check=False,
    )
    lines = result.stderr.decode().splitlines()
    assert len(lines) > 1
    assert all(len(line) <= 30 for line in lines), lines
    assert " ".join(lines).split() == LONG_ERROR.split()  # no word split


def test_messages_stay_one_line_in_a_pipe() -> None:
    result = subprocess.run(
        [*COMMAND, "list", "--day", "lundi"],
        capture_output=True,
        env=environ(COLUMNS="30"),
        check=False,
    )
    assert result.stderr.decode().splitlines() == [LONG_ERROR]


def test_a_result_sentence_wraps_at_words_on_a_terminal_and_is_one_line_in_a_pipe(
    tmp_path: Path,
) -> None:
    # A path long enough that the 60-column terminal would cut « créneau » in two.
    folder = tmp_path / "un-dossier-au-nom-assez-long-pour-couper-la-phrase"
    folder.mkdir()
    shipped = Path(__file__).parents[1] / "src" / "colloque_cli" / "data" / "programme.yaml"
    path = folder / "programme.yaml"
    path.write_bytes(shipped.read_bytes())
    said = f"{path} est valide\u202f: 28 sessions, 3 créneaux, 9 salles."
    screen, _ = on_a_terminal("validate", str(path), COLUMNS="60")
    lines = screen.rstrip("\n").split("\n")
    # only a word wider than the screen (the path) may overflow it, on a line of its own
    assert len(lines) > 1 and all(len(line) <= 60 or " " not in line for line in lines), lines
    assert " ".join(lines) == said  # broken at spaces only: every word whole
    piped = subprocess.run(
        [*COMMAND, "validate", str(path)], capture_output=True, text=True, env=environ()
    )
    assert piped.stdout == said + "\n"


def test_a_list_in_a_message_wraps_under_its_items_on_a_terminal() -> None:
    # « Pistes proches »: each session at 2 spaces, what it covers at 4; a line too long for
    # the screen goes on further in (6 and 8), never back to the margin.
    query = "réduire les incivilités dans le quartier"
    args = [*COMMAND, "search", query]
    wide = subprocess.run(args, capture_output=True, text=True, env=environ(), check=False)
    items = wide.stderr.splitlines()[2:]
    assert items[0].startswith("  education-artistique\u202f: L'éducation artistique")
    assert all(line.startswith("  ") for line in items), items
    narrow = subprocess.run(
        args, capture_output=True, text=True, env=environ(TTY_COMPATIBLE="1", COLUMNS="60")
    )
    lines = narrow.stderr.splitlines()
    assert all(len(line) <= 60 for line in lines), lines
    at = lines.index("Pistes proches (trop peu sûres pour être des résultats)\u202f:")
    assert lines[at + 1 : at + 5] == [
        "  education-artistique\u202f: L'éducation artistique et",
        "      culturelle dans les quartiers politiques de la ville",
        "      ou en milieu rural.",
        "    correspond en partie\u202f: quartiers",
    ]
    assert all(line.startswith("  ") for line in lines[at + 1 :]), lines
    # the same words, in the same order, as in a pipe
    assert " ".join(lines[at + 1 :]).split() == " ".join(items).split()
