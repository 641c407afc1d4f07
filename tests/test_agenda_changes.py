"""The agenda kept true across programme updates and a corrected colloque title."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from conftest import PROGRAMME, Run

NB = "\u202f"
TITLE = "Renouveler notre pacte social : un défi pour les territoires"


def programme_data() -> dict:
    return yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))


def write(data: dict, path: Path) -> str:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return str(path)


def updated(tmp_path: Path, *, title: str | None = None, name: str = "v2.yaml") -> str:
    """The programme after an update: one pick moved to another room, one to another day
    (into a slot where another pick is), one cancelled; a pick retitled."""
    data = programme_data()
    by_id = {s["id"]: s for s in data["sessions"]}
    freed = by_id["non-recours"]["room"]
    data["sessions"] = [s for s in data["sessions"] if s["id"] != "non-recours"]
    by_id["citoyens-acteurs"]["room"] = freed
    by_id["fresque-valeurs"].update(slot="mer-9h", room="pleniere")
    by_id["une-seule-sante"]["title"] = "Une Seule Santé pour tous"
    if title:
        data["colloque"]["title"] = title
    return write(data, tmp_path / name)


PICKS = ["citoyens-acteurs", "fresque-valeurs", "non-recours", "une-seule-sante", "fake-news"]


def agenda_files(home: Path) -> list[Path]:
    return sorted((home / "agendas").glob("*.json"))


def test_the_notice_is_said_once_then_acknowledged(run: Run, tmp_path: Path) -> None:
    assert run("agenda", "add", *PICKS).exit_code == 0
    new = updated(tmp_path)
    first = run("--programme", new, "agenda", "list")
    assert first.exit_code == 0, first.output
    notice = (
        f"Le programme a changé{NB}: 1 de vos sessions a été annulée, 1 a changé d'horaire, "
        "2 ont changé de salle, 1 a changé de titre, 1 nouveau conflit d'horaire "
        "— colloque agenda changes"
    )
    assert notice in first.stderr.splitlines()
    # once: neither the next agenda command nor now/next repeat it
    for command in (["agenda", "list"], ["next", "--at", "2025-03-04 12:00"], ["now"]):
        again = run("--programme", new, *command)
        assert "Le programme a changé" not in again.stderr, command
    listed = run("--programme", new, "agenda", "changes")
    assert listed.exit_code == 0, listed.output
    out = listed.stdout
    assert f"salle{NB}: Salle 1 → Salle Plénière" in out
    assert f"horaire{NB}: mardi 4 mars 14:00–15:30 → mercredi 5 mars 09:00–10:30" in out
    assert f"titre{NB}: Une Seule Santé, ensemble contribuer" in out
    assert "→ Une Seule Santé pour tous" in out
    assert "annulée (elle reste dans votre agenda" in out
    assert f"nouveau conflit d'horaire avec «{NB}Fake news" in out
    # sessions of the programme that are not picked are none of the agenda's business
    assert "reemploi" not in out
    assert "colloque agenda changes --ack" in listed.stderr
    ack = run("--programme", new, "agenda", "changes", "--ack")
    assert ack.exit_code == 0, ack.output
    assert "retirez une session annulée avec « colloque agenda remove ID »" in ack.stderr
    after = run("--programme", new, "agenda", "changes")
    assert after.stdout == ""
    assert after.stderr.strip() == "Aucun changement pour les sessions de votre agenda."
    # nothing the user chose was dropped, the cancelled pick included
    listed = run("--programme", new, "agenda", "list", "-f", "json")
    ids = {r["id"] for r in json.loads(listed.stdout) if r["id"]}
    assert ids == set(PICKS)


def test_a_later_change_is_told_again(run: Run, tmp_path: Path) -> None:
    assert run("agenda", "add", "citoyens-acteurs").exit_code == 0
    new = updated(tmp_path)
    assert "Le programme a changé" in run("--programme", new, "agenda", "list").stderr
    data = yaml.safe_load(Path(new).read_text(encoding="utf-8"))
    for session in data["sessions"]:
        if session["id"] == "citoyens-acteurs":
            session["title"] = "Les citoyens, acteurs clés"
    newer = write(data, tmp_path / "v3.yaml")
    result = run("--programme", newer, "now", "--at", "2025-03-04 14:30")
    assert (
        f"Le programme a changé{NB}: 1 de vos sessions a changé de salle, 1 a changé de titre"
        in result.stderr
    )


def test_json_lists_the_changes(run: Run, tmp_path: Path) -> None:
    assert run("agenda", "add", "citoyens-acteurs", "non-recours").exit_code == 0
    result = run("--programme", updated(tmp_path), "agenda", "changes", "-f", "json")
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in json.loads(result.stdout)}
    assert records["citoyens-acteurs"]["changes"] == ["room"]
    assert records["non-recours"]["changes"] == ["cancelled"]
    assert records["non-recours"]["new_id"] is None


def test_a_renamed_session_is_followed_after_acknowledgement(run: Run, tmp_path: Path) -> None:
    assert run("agenda", "add", "deni-democratique").exit_code == 0
    data = programme_data()
    for session in data["sessions"]:
        if session["id"] == "deni-democratique":
            session["id"] = "deni-democratique-2"
    new = write(data, tmp_path / "renomme.yaml")
    listed = run("--programme", new, "agenda", "changes")
    assert f"identifiant{NB}: deni-democratique → deni-democratique-2" in listed.stdout
    assert run("--programme", new, "agenda", "changes", "--ack").exit_code == 0
    result = run("--programme", new, "agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout) if r["id"]] == ["deni-democratique-2"]


def test_no_change_no_notice(run: Run) -> None:
    assert run("agenda", "add", "citoyens-acteurs").exit_code == 0
    result = run("agenda", "list")
    assert "Le programme a changé" not in result.stderr
    assert run("agenda", "changes").stderr.strip() == (
        "Aucun changement pour les sessions de votre agenda."
    )


# --- a corrected title ----------------------------------------------------------------------


def _uids(ics: str) -> list[str]:
    unfolded = re.sub(r"\r?\n ", "", ics)  # RFC 5545 folds lines at 75 octets
    return re.findall(r"^UID:(.*?)\r?$", unfolded, flags=re.MULTILINE)


def test_the_agenda_and_its_uids_survive_a_title_correction(
    run: Run, tmp_path: Path, isolated_env: Path
) -> None:
    assert run("agenda", "add", *PICKS[:2]).exit_code == 0
    before = run("agenda", "export")
    assert before.exit_code == 0, before.output
    corrected = "Renouveler le pacte social : un défi pour les territoires"
    new = updated(tmp_path, title=corrected)
    result = run("--programme", new, "agenda", "list", "-f", "json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout) if r["id"]] == PICKS[:2]
    assert (
        f"Le titre du colloque a changé («{NB}{TITLE}{NB}» → «{NB}{corrected}{NB}»){NB}: "
        "votre agenda est repris tel quel"
    ) in result.stderr
    assert [p.name for p in agenda_files(isolated_env)] == [
        "2025-03-04-renouveler-le-pacte-social-un-defi-pour-les-territoires.json"
    ]
    after = run("--programme", new, "agenda", "export")
    assert after.exit_code == 0, after.output
    assert _uids(after.stdout) == _uids(before.stdout)
    assert _uids(before.stdout)[0] == (
        "citoyens-acteurs@2025-03-04-renouveler-notre-pacte-social-un-defi-pour-les-territoires"
    )
    # the programme's whole export keeps the same UIDs too
    whole = run("--programme", new, "export", "-f", "ics")
    assert set(_uids(before.stdout)) <= set(_uids(whole.stdout))
    # the message is said once
    again = run("--programme", new, "agenda", "list")
    assert "Le titre du colloque a changé" not in again.stderr


def test_another_colloque_on_the_same_day_keeps_its_own_agenda(run: Run, tmp_path: Path) -> None:
    """Same first day, other sessions: not a title correction."""
    assert run("agenda", "add", "citoyens-acteurs").exit_code == 0
    data = programme_data()
    data["colloque"]["title"] = "Un autre colloque"
    for session in data["sessions"]:
        session["id"] = "autre-" + session["id"]
    other = write(data, tmp_path / "autre.yaml")
    result = run("--programme", other, "agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(result.stdout) if r["id"]] == []
    assert "Le titre du colloque a changé" not in result.stderr
    mine = run("agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(mine.stdout) if r["id"]] == ["citoyens-acteurs"]


def test_non_latin_titles_do_not_share_an_agenda_or_uids(run: Run, tmp_path: Path) -> None:
    paths = {}
    for name, title in (("tokyo", "東京会議"), ("moscou", "Московская конференция")):
        data = programme_data()
        data["colloque"]["title"] = title
        paths[name] = write(data, tmp_path / f"{name}.yaml")
    assert run("--programme", paths["tokyo"], "agenda", "add", "citoyens-acteurs").exit_code == 0
    moscow = run("--programme", paths["moscou"], "agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(moscow.stdout) if r["id"]] == []
    assert run("--programme", paths["moscou"], "agenda", "add", "fake-news").exit_code == 0
    tokyo = run("--programme", paths["tokyo"], "agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(tokyo.stdout) if r["id"]] == ["citoyens-acteurs"]
    uids = {
        name: _uids(run("--programme", path, "export", "-f", "ics").stdout)
        for name, path in paths.items()
    }
    assert not set(uids["tokyo"]) & set(uids["moscou"])
    assert all(re.fullmatch(r"[\x21-\x7e]+", uid) for uid in uids["tokyo"])


# --- old agenda files ---------------------------------------------------------------------


def _v1(home: Path, name: str, title: str, picks: list[str]) -> Path:
    path = home / "agendas" / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = {
        "format": "colloque-agenda",
        "version": 1,
        "colloque": {"identity": name, "title": title},
        "picks": [{"id": p, "title": p} for p in picks],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_version_1_agenda_keeps_working_and_is_migrated(
    run: Run, isolated_env: Path, tmp_path: Path
) -> None:
    name = "2025-03-04-renouveler-notre-pacte-social-un-defi-pour-les-territoires"
    path = _v1(isolated_env, name, TITLE, ["citoyens-acteurs", "disparue"])
    result = run("agenda", "list", "-f", "json")
    assert result.exit_code == 0, result.output
    assert {r["id"] for r in json.loads(result.stdout) if r["id"]} == {
        "citoyens-acteurs",
        "disparue",
    }
    assert "Le programme a changé" not in result.stderr  # nothing was seen: nothing to tell
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 2
    assert data["key"] == name  # the UIDs it exported before
    assert [p["id"] for p in data["picks"]] == ["citoyens-acteurs", "disparue"]
    assert data["picks"][0]["seen"]["room"] == "Salle 1"
    # from now on, a change is told
    moved = run("--programme", updated(tmp_path), "agenda", "list")
    assert f"Le programme a changé{NB}: 1 de vos sessions a changé de salle" in moved.stderr


def test_an_old_shared_name_goes_to_its_own_colloque_only(
    run: Run, isolated_env: Path, tmp_path: Path
) -> None:
    """Before, « 東京会議 » and « Московская конференция » both used « …-colloque.json »."""
    _v1(isolated_env, "2025-03-04-colloque", "東京会議", ["citoyens-acteurs"])
    paths = {}
    for name, title in (("tokyo", "東京会議"), ("moscou", "Московская конференция")):
        data = programme_data()
        data["colloque"]["title"] = title
        for session in data["sessions"]:  # two colloques: their own sessions
            session["id"] = f"{name}-{session['id']}" if name == "moscou" else session["id"]
        paths[name] = write(data, tmp_path / f"{name}.yaml")
    moscow = run("--programme", paths["moscou"], "agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(moscow.stdout) if r["id"]] == []
    tokyo = run("--programme", paths["tokyo"], "agenda", "list", "-f", "json")
    assert [r["id"] for r in json.loads(tokyo.stdout) if r["id"]] == ["citoyens-acteurs"]
    assert "votre agenda est repris tel quel" in tokyo.stderr
    ics = run("--programme", paths["tokyo"], "agenda", "export").stdout
    assert _uids(ics) == ["citoyens-acteurs@2025-03-04-colloque"]  # as exported before


def test_agenda_changes_fit_sixty_columns(run: Run, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert run("agenda", "add", *PICKS).exit_code == 0
    result = run("--programme", updated(tmp_path), "agenda", "changes")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert all(len(line) <= 60 for line in lines)
    # a detail that wraps stays under its own indent
    conflict = next(i for i, line in enumerate(lines) if "nouveau conflit" in line)
    assert lines[conflict].startswith("    nouveau conflit")
    assert lines[conflict + 1].startswith("    ") and lines[conflict + 1].strip()


def test_changes_for_the_agenda_only(run: Run, tmp_path: Path) -> None:
    assert run("agenda", "add", "citoyens-acteurs").exit_code == 0
    new = updated(tmp_path)
    result = run("changes", str(PROGRAMME), new, "--agenda", "-f", "json")
    assert result.exit_code == 0, result.output
    assert [r["id"] for r in json.loads(result.stdout)["sessions"]] == ["citoyens-acteurs"]
    everything = run("changes", str(PROGRAMME), new, "-f", "json")
    assert len(json.loads(everything.stdout)["sessions"]) > 1


def test_now_without_an_agenda_imports_no_agenda_module(isolated_env: Path) -> None:
    """The notice costs ``now`` nothing when there is no agenda (start-up is benchmarked)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLLOQUE_HOME": str(isolated_env)}
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "colloque_cli",
        "now",
        "--at",
        "mardi 14:30",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "colloque_cli.cli.agenda_notice" in imported
    assert "colloque_cli.agenda" not in imported  # the package: imported with any of its modules


def test_a_cancelled_pick_stays_in_the_agenda_where_it_was(run: Run, tmp_path: Path) -> None:
    """The table shows it in its old slot, « annulée »; the records keep where it was; the
    stderr reminder stops once the attendee acknowledged the cancellation."""
    assert run("agenda", "add", "non-recours", "citoyens-acteurs").exit_code == 0
    new = updated(tmp_path)
    reminder = "1 choix de votre agenda introuvable dans ce programme"
    before = run("--programme", new, "agenda", "list")
    assert before.exit_code == 0, before.output
    assert reminder in before.stderr
    lines = before.stdout.splitlines()
    row = next(i for i, line in enumerate(lines) if line.split()[-1:] == ["non-recours"])
    # under its remembered day and hours, between the slots around it, marked cancelled
    assert lines[row - 1].split()[:3] == ["mardi", "4", "mars"]
    assert "annulée" in lines[row - 1] or "annulée" in lines[row]
    assert "14:00–15:30" in lines[row]
    assert before.stdout.rstrip().endswith("· 1 session annulée")
    record = next(
        r
        for r in json.loads(run("--programme", new, "agenda", "list", "-f", "json").stdout)
        if r["id"] == "non-recours"
    )
    assert record | {"title": None} == {
        "date": "2025-03-04",
        "day": "mardi",
        "start": "14:00",
        "end": "15:30",
        "slot": None,
        "status": "introuvable",
        "id": "non-recours",
        "title": None,
        "room": record["room"],
        "conflicts_with": [],
    }
    assert record["room"]
    assert run("--programme", new, "agenda", "changes", "--ack").exit_code == 0
    for command in (["agenda", "list"], ["agenda", "export", "--format", "ics"]):
        after = run("--programme", new, *command)
        assert after.exit_code == 0, after.output
        assert reminder not in after.stderr, command
    assert "non-recours" in run("--programme", new, "agenda", "list").stdout


def test_a_point_in_time_pick_is_told_as_one_moment() -> None:
    """A zero-duration event reads « 10:30 », as everywhere else, not « 10:30–10:30 »."""
    from colloque_cli.agenda.review import when_seen
    from colloque_cli.agenda.store import Seen

    assert when_seen(Seen("2025-03-04", "10:30", "10:30", "", "Ouverture")) == "mardi 4 mars 10:30"
    assert when_seen(Seen("2025-03-04", "10:30", "11:00", "", "Atelier")) == (
        "mardi 4 mars 10:30–11:00"
    )
