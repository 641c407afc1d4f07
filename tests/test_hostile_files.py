"""Broken and malicious programme files: one located French line, exit 1, nothing run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import PROGRAMME, Run

VALID = PROGRAMME.read_text(encoding="utf-8")


def mutate(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


# name -> (file content, expected message fragment after "FILE")
CASES: dict[str, tuple[bytes | str, str]] = {
    "vide": ("", " : fichier vide : aucun programme à lire"),
    "latin-1": (
        "colloque:\n  title: Journée\n".encode("latin-1"),
        ":2:15: le fichier n'est pas encodé en UTF-8",
    ),
    "utf-16": (VALID.encode("utf-16"), " : encodage UTF-16 non pris en charge"),
    "syntaxe": ("colloque: {title: x\n", ":2:1: accolade « { » non fermée ou virgule manquante"),
    "tabulations": ("colloque:\n\ttitle: x\n", ":2:1: tabulation interdite en YAML"),
    "liste": ("- colloque\n- sessions\n", ":1:1: le fichier doit être une table de clés"),
    "scalaire": ("bonjour\n", ":1:1: le fichier doit être une table de clés"),
    "type racine": (
        mutate("rooms:\n", "rooms: 3\nancien_rooms:\n"),
        "rooms : liste attendue, trouvé un nombre (3)",
    ),
    "type colloque": (
        mutate("  city: Rouen", "  city: [Rouen]"),
        "colloque.city : texte attendu, trouvé une liste",
    ),
    "type session": (
        mutate(
            "    themes: [citoyennete-participation, service-public]", "    themes: citoyennete"
        ),
        "sessions[0].themes : liste attendue, trouvé un texte",
    ),
    "type créneau": (
        mutate('    start: "14:00"', "    start: [14]"),
        "slots[0].start : heure attendue au format HH:MM",
    ),
    "clé inconnue": (
        mutate("  city: Rouen", "  city: Rouen\n  ville: Rouen"),
        "colloque : clé inconnue « ville »",
    ),
    "clé en double": (
        mutate("  city: Rouen", "  city: Rouen\n  city: Caen"),
        "clé « city » en double dans la même table",
    ),
    "champ manquant": (
        mutate('  title: "Renouveler notre pacte social : un défi pour les territoires"\n', ""),
        "colloque : champ obligatoire « title » manquant",
    ),
    "identifiant en double": (
        mutate("id: fresque-valeurs", "id: citoyens-acteurs"),
        "identifiant « citoyens-acteurs » en double",
    ),
    "salle inconnue": (
        mutate("    room: salle-3", "    room: salle-33"),
        "salle inconnue « salle-33 »",
    ),
    "thème inconnu": (mutate("[valeurs-confiance]", "[valeurs]"), "thème inconnu « valeurs »"),
    "créneau inconnu": (
        mutate("    slot: mer-9h", "    slot: jeu-9h"),
        "créneau inconnu « jeu-9h »",
    ),
    "heure impossible": (mutate('start: "14:00"', 'start: "25:00"'), "heure invalide « 25:00 »"),
    "date impossible": (
        mutate('date: "2025-03-05"', 'date: "2025-02-30"'),
        "date invalide « 2025-02-30 »",
    ),
    "fin avant début": (
        mutate('end: "15:30"', 'end: "13:30"'),
        "la fin (13:30) n'est pas après le début (14:00)",
    ),
    "chevauchement": (
        mutate("    room: salle-3", "    room: salle-1"),
        "chevauche « citoyens-acteurs » dans la même salle « salle-1 »",
    ),
    "fuseau inconnu": (
        mutate("timezone: Europe/Paris", "timezone: Europe/Rouen"),
        "fuseau horaire inconnu « Europe/Rouen »",
    ),
    "objet python": (
        "colloque: !!python/object/apply:os.system ['touch {marker}']\n",
        ":1:11: étiquette YAML non autorisée",
    ),
    "objet python nouveau": (
        "colloque: !!python/object/new:os.system ['touch {marker}']\n",
        ":1:11: étiquette YAML non autorisée",
    ),
    "alias inconnu": ("colloque: *rien\n", "alias YAML non défini"),
    "nombre de 5 000 chiffres": (
        mutate("  city: Rouen", "  city: " + "9" * 5000),
        ":8:9: nombre trop long (plus de 4\u202f300 chiffres)",
    ),
    "identifiant de 5 000 chiffres": (
        mutate("id: fresque-valeurs", "id: " + "7" * 5000),
        "nombre trop long (plus de 4\u202f300 chiffres)",
    ),
    "moitié de paire isolée": (
        mutate("  city: Rouen", '  city: "Rouen\\ud800"'),
        ":8:17: échappement Unicode impossible (comme \\ud800, une moitié de paire isolée)",
    ),
    "identifiant à séquence de terminal": (
        mutate("id: fresque-valeurs", 'id: "fresque\\e]52;c;ZXZpbA==\\a"'),
        "sessions[1].id : identifiant invalide « fresque]52;c;ZXZpbA== » : caractère invisible "
        "ou de contrôle U+001B (seuls les caractères visibles sont permis)",
    ),
    "identifiant de largeur nulle": (
        mutate("id: fresque-valeurs", "id: fresque\u200bvaleurs"),
        "caractère invisible ou de contrôle U+200B",
    ),
    "identifiant bidirectionnel": (
        mutate("    room: salle-3", "    room: salle\u2067-3"),
        "sessions[1].room : identifiant invalide « salle-3 » : caractère invisible ou de contrôle U+2067",
    ),
    "salle à caractère de contrôle": (
        mutate("{id: salle-1, name: Salle 1}", '{id: "salle\\x9b1", name: Salle 1}'),
        "rooms[0].id : identifiant invalide « salle1 » : caractère invisible ou de contrôle U+009B",
    ),
    "fuseau qui est un dossier": (
        mutate("timezone: Europe/Paris", "timezone: Europe"),
        "colloque.timezone : fuseau horaire inconnu « Europe » (exemple : Europe/Paris)",
    ),
    "fuseau de 300 caractères": (
        mutate("timezone: Europe/Paris", "timezone: Europe/" + "x" * 300),
        "colloque.timezone : fuseau horaire inconnu « Europe/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… » (exemple : Europe/Paris)",
    ),
    "fuseau qui n'en est pas un": (
        mutate("timezone: Europe/Paris", "timezone: zone.tab"),
        "fuseau horaire inconnu « zone.tab »",
    ),
    "année 9999": (
        mutate('date: "2025-03-05"', 'date: "9999-12-31"'),
        "date hors limites « 9999-12-31 » (années 1583 à 9998)",
    ),
    "année 1": (
        mutate('date: "2025-03-05"', 'date: "0001-01-01"'),
        "date hors limites « 0001-01-01 » (années 1583 à 9998)",
    ),
    "heure sautée au changement d'heure": (
        mutate('date: "2025-03-04"\n    start: "14:00"', 'date: "2025-03-30"\n    start: "02:30"'),
        "slots[0].start : l'heure 02:30 du 2025-03-30 n'existe pas dans le fuseau Europe/Paris "
        "(les horloges la sautent au changement d'heure) : choisissez une heure réelle",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_programme_file(run: Run, tmp_path: Path, name: str) -> None:
    content, expected = CASES[name]
    marker = tmp_path / "executed"
    path = tmp_path / "programme.yaml"
    if isinstance(content, str):
        content = content.replace("{marker}", str(marker)).encode("utf-8")
    path.write_bytes(content)
    for args in (["list"], ["search", "santé"], ["show", "jop-sport"]):
        result = run("--programme", str(path), *args)
        assert result.exit_code == 1, (args, result.stderr)
        assert result.stdout == ""
        message = result.stderr.strip()
        assert message.startswith(f"{path}:") or message.startswith(f"{path} :"), message
        assert expected in message, message
        assert "Traceback" not in result.stderr
    assert not marker.exists()


def test_every_problem_line_points_at_the_mistake(run: Run, tmp_path: Path) -> None:
    text = mutate("    room: salle-3", "    room: salle-33")
    path = tmp_path / "programme.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("--programme", str(path), "list")
    assert result.stderr.startswith(f"{path}:{line_of(text, 'salle-33')}:11: sessions[1].room")


def test_utf8_bom_is_fine(run: Run, tmp_path: Path) -> None:
    path, plain = tmp_path / "bom.yaml", tmp_path / "plain.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    plain.write_bytes(VALID.encode("utf-8"))
    result = run("--programme", str(path), "list", "--day", "mardi")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run("--programme", str(plain), "list", "--day", "mardi").stdout


@pytest.mark.parametrize(
    ("name", "setup", "expected"),
    [
        ("absent", lambda p: None, " : fichier introuvable"),
        ("dossier", lambda p: p.mkdir(), " : c'est un dossier, pas un fichier de programme"),
    ],
)
def test_unreadable_paths(
    run: Run, tmp_path: Path, name: str, setup: Callable[[Path], None], expected: str
) -> None:
    path = tmp_path / name
    setup(path)
    result = run("--programme", str(path), "list")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{path}{expected}"


NOBODY = 65534  # the conventional unprivileged uid and gid


def _as_another_user(args: list[str]) -> tuple[int, str, str]:
    """Run ``colloque args`` in a forked child that has dropped root for another uid.

    Root reads every file, so a permission can only be tried as someone else. The child is
    forked from this process, whose interpreter and modules are already loaded (the Python
    installation itself may not be readable by that user).
    """
    from typer.testing import CliRunner

    from colloque_cli.cli import app

    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges for good, run, report, never return
        try:
            os.close(reader)
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = CliRunner().invoke(app, args, catch_exceptions=False)
            payload = json.dumps([result.exit_code, result.stdout, result.stderr])
        except BaseException as error:  # reported to the parent, which fails the test
            payload = json.dumps([-1, "", repr(error)])
        os.write(writer, payload.encode())
        os._exit(0)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    code, out, err = json.loads(data)
    return code, out, err


def test_unreadable_permissions(run: Run, tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="colloque-droits-"))
    try:
        folder.chmod(0o755)  # anyone may look in the folder; only the file is private
        path = folder / "secret.yaml"
        path.write_text(VALID, encoding="utf-8")
        path.chmod(0o600 if os.geteuid() == 0 else 0)
        # the same command on a readable file first: every module it needs is then loaded
        assert run("--programme", str(PROGRAMME), "list").exit_code == 0
        args = ["--programme", str(path), "list"]
        if os.geteuid() == 0:
            code, out, err = _as_another_user(args)
        else:
            result = run(*args)
            code, out, err = result.exit_code, result.stdout, result.stderr
        assert (code, out, err.strip()) == (
            1,
            "",
            f"{path}\u202f: lecture refusée (droits insuffisants)",
        )
        assert run(*args).exit_code == (0 if os.geteuid() == 0 else 1)  # the owner, root, reads it
    finally:
        shutil.rmtree(folder)


def _billion_laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    return "\n".join(lines) + "\n"


_LAUNCHER = """
import os, sys
out, err, *argv = sys.argv[1:]
flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
pid = os.posix_spawn(argv[0], argv, dict(os.environ), file_actions=[
    (os.POSIX_SPAWN_OPEN, 1, out, flags, 0o600), (os.POSIX_SPAWN_OPEN, 2, err, flags, 0o600)])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""

LARGE_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    # Size is no reason to refuse a file (a real congress publishes 50 MB): read, in bounded
    # memory, and found to hold nothing.
    "50 Mo de commentaire": (
        lambda: b"# " + b"a" * (50 * 2**20) + b"\n",
        "fichier vide\u202f: aucun programme à lire",
    ),
    "imbrication profonde": (
        lambda: b"x: " + b"[" * 100_000 + b"]" * 100_000 + b"\n",
        "structure YAML trop profondément imbriquée",
    ),
    "imbrication en retrait": (
        lambda: "".join(" " * i + "k:\n" for i in range(3000)).encode(),
        "structure YAML trop profondément imbriquée",
    ),
    "milliard de rires": (lambda: _billion_laughs().encode(), "trop d'alias YAML imbriqués"),
}


@pytest.mark.parametrize("name", list(LARGE_CASES))
def test_huge_or_explosive_files_are_refused_in_a_real_process(tmp_path: Path, name: str) -> None:
    make, expected = LARGE_CASES[name]
    path = tmp_path / "programme.yaml"
    path.write_bytes(make())
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    argv = [sys.executable, "-m", "colloque_cli", "--programme", str(path), "list"]
    # A child's peak memory (ru_maxrss) starts at its parent's: launched straight from this
    # long-lived test process it would report the tests' memory, so a small fresh process
    # launches it and reports the peak.
    launcher = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, str(out), str(err), *argv],
        capture_output=True,
        text=True,
        timeout=60,  # a hang guard, not a timing
        check=False,
    )
    returncode = launcher.returncode
    peak_kib = int(launcher.stdout)
    stderr = err.read_text(encoding="utf-8")
    assert returncode == 1
    assert out.read_text(encoding="utf-8") == ""
    assert stderr.startswith(f"{path}")
    assert expected in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert peak_kib < 200 * 1024


@pytest.mark.parametrize("command", ["list", "import"])
def test_a_file_past_the_guard_is_refused_unread(run: Run, tmp_path: Path, command: str) -> None:
    """Past 1 GB (512 MB for a schedule) a file is no programme (a disk image, a mistake):
    refused before reading it."""
    path = tmp_path / "image.yaml"
    with path.open("wb") as handle:
        handle.truncate(2**30 + 1)  # sparse: nothing is written
    args = ["--programme", str(path), "list"] if command == "list" else ["import", str(path)]
    result = run(*args)
    assert result.exit_code == 1
    limit = "1 Go" if command == "list" else "512 Mo"
    assert f"fichier trop volumineux (plus de {limit})" in result.stderr
    assert result.stdout == ""
