"""The personal agenda through the real CLI: picks, conflicts, storage that never loses data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from colloque_cli.agenda.store import VERSION, AgendaStore, agenda_path
from colloque_cli.errors import StorageError
from colloque_cli.programme.loader import load_programme
from conftest import PROGRAMME, Run


@pytest.fixture(scope="module")
def programme():  # type: ignore[no-untyped-def]
    return load_programme(PROGRAMME)


def stored(programme) -> dict:  # type: ignore[no-untyped-def]
    return json.loads(agenda_path(programme).read_text(encoding="utf-8"))


def picks(programme) -> list[str]:  # type: ignore[no-untyped-def]
    return [p["id"] for p in stored(programme)["picks"]]


def listing(run: Run) -> list[dict]:
    result = run("agenda", "list", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_one_pick_per_slot_makes_a_complete_programme_without_conflict(
    run: Run, programme, isolated_env: Path
) -> None:
    first_of_each_slot = [programme.sessions_in(slot)[0].id for slot in programme.slots]
    result = run("agenda", "add", *first_of_each_slot)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("Ajoutée à votre agenda") == 3
    assert "Conflit" not in result.stderr

    rows = listing(run)
    assert [(r["slot"], r["status"], r["id"]) for r in rows] == [
        (slot.id, "choisi", first)
        for slot, first in zip(programme.slots, first_of_each_slot, strict=True)
    ]
    table = run("agenda", "list")
    assert table.exit_code == 0, table.stderr
    assert table.stdout.count("choisi") == 3 + 1  # three rows, and the summary
    assert table.stdout.count("libre") == 1  # « aucun créneau libre »
    assert table.stdout.count("conflit") == 1  # « aucun conflit »
    assert table.stdout.rstrip().endswith(
        "3 sessions choisies · aucun créneau libre · aucun conflit"
    )
    # Stored under COLLOQUE_HOME, keyed by the colloque, with a format version.
    path = agenda_path(programme)
    assert path.parent == isolated_env / "agendas"
    assert path.name == "2025-03-04-renouveler-notre-pacte-social-un-defi-pour-les-territoires.json"
    assert stored(programme)["version"] == VERSION


def test_free_slots_are_shown_free(run: Run) -> None:
    run("agenda", "add", "fake-news")
    rows = listing(run)
    assert [(r["slot"], r["status"], r["id"]) for r in rows] == [
        ("mar-14h", "libre", None),
        ("mar-17h45", "libre", None),
        ("mer-9h", "choisi", "fake-news"),
    ]
    table = run("agenda", "list")
    assert table.stdout.count("libre") == 3  # two rows, and the summary
    assert "1 session choisie · 2 créneaux libres · aucun conflit" in table.stdout


def test_a_second_pick_in_a_taken_slot_warns_and_replace_settles_it(run: Run, programme) -> None:
    assert run("agenda", "add", "citoyens-acteurs").exit_code == 0
    clash = run("agenda", "add", "fresque-valeurs")
    assert clash.exit_code == 0, clash.stderr
    assert "Conflit d'horaire" in clash.stderr
    assert "« Les citoyens : acteurs clés des transformations sociales et territoriales »" in (
        clash.stderr.replace("\n", " ")
    )
    assert "(citoyens-acteurs)" in clash.stderr
    # The conflicting pick is kept, and flagged on both sides.
    assert picks(programme) == ["citoyens-acteurs", "fresque-valeurs"]
    rows = listing(run)
    assert [(r["id"], r["status"], r["conflicts_with"]) for r in rows if r["id"]] == [
        ("citoyens-acteurs", "conflit", ["fresque-valeurs"]),
        ("fresque-valeurs", "conflit", ["citoyens-acteurs"]),
    ]
    table = run("agenda", "list")
    assert table.stdout.count("⚠ conflit") == 2
    assert table.stdout.rstrip().endswith("2 sessions choisies · 2 créneaux libres · 1 conflit")

    # --replace on the pick already there settles the conflict in its favour.
    fixed = run("agenda", "add", "fresque-valeurs", "--replace")
    assert fixed.exit_code == 0, fixed.stderr
    assert "Retirée de votre agenda (même horaire)" in fixed.stderr
    assert picks(programme) == ["fresque-valeurs"]
    assert "aucun conflit" in run("agenda", "list").stdout


def test_replace_swaps_a_new_pick_for_the_one_in_its_slot(run: Run, programme) -> None:
    run("agenda", "add", "une-seule-sante", "fake-news")
    result = run("agenda", "add", "--replace", "mobilite")
    assert result.exit_code == 0, result.stderr
    assert "Conflit" not in result.stderr
    assert "« Une Seule Santé" in result.stderr
    assert sorted(picks(programme)) == ["fake-news", "mobilite"]


def test_title_fragments_are_resolved_like_show(run: Run, programme) -> None:
    result = run("agenda", "add", "santé mentale", "fresque")
    assert result.exit_code == 0, result.stderr
    assert picks(programme) == ["sante-mentale", "fresque-valeurs"]
    shown = run("show", "santé mentale", "--format", "json")
    assert json.loads(shown.stdout)["id"] == "sante-mentale"
    removed = run("agenda", "remove", "fresque")
    assert removed.exit_code == 0, removed.stderr
    assert picks(programme) == ["sante-mentale"]


def test_an_ambiguous_fragment_adds_nothing_and_lists_candidates(run: Run, programme) -> None:
    result = run("agenda", "add", "fake-news", "transition")
    assert result.exit_code == 1
    assert "sessions correspondent à « transition »" in result.stderr
    assert "transition-juste" in result.stdout and "transition-sociale" in result.stdout
    assert not agenda_path(programme).exists()


def test_unknown_session_adds_nothing(run: Run, programme) -> None:
    result = run("agenda", "add", "fake-news", "zzzz-qqqq")
    assert result.exit_code == 1
    assert "Aucune session « zzzz-qqqq »" in result.stderr
    assert not agenda_path(programme).exists()


def test_adding_twice_keeps_one_pick(run: Run, programme) -> None:
    run("agenda", "add", "fake-news")
    again = run("agenda", "add", "fake-news")
    assert again.exit_code == 0
    assert "Déjà dans votre agenda" in again.stderr
    assert picks(programme) == ["fake-news"]


def test_remove_reports_what_is_not_in_the_agenda(run: Run, programme) -> None:
    run("agenda", "add", "fake-news", "securite")
    result = run("agenda", "remove", "securite", "mobilite")
    assert result.exit_code == 1
    assert "Retirée de votre agenda : « Sécurité et cohésion sociale »" in result.stderr
    assert "Pas dans votre agenda : « mobilite »" in result.stderr
    assert picks(programme) == ["fake-news"]


def test_remove_prefers_the_pick_among_ambiguous_titles(run: Run, programme) -> None:
    run("agenda", "add", "transition-juste")
    result = run("agenda", "remove", "transition")
    assert result.exit_code == 0, result.stderr
    assert picks(programme) == []


def test_empty_agenda_lists_every_slot_free(run: Run) -> None:
    result = run("agenda", "list")
    assert result.exit_code == 0
    assert "aucune session choisie · 3 créneaux libres · aucun conflit" in result.stdout
    assert "Votre agenda est vide" in result.stderr


def test_clear_asks_first_and_keeps_a_backup(run: Run, programme) -> None:
    run("agenda", "add", "fake-news", "securite")
    path = agenda_path(programme)
    before = path.read_bytes()

    refused = run("agenda", "clear", input="n\n")
    assert refused.exit_code == 1
    assert "Vider votre agenda (2 sessions) ? [o/N]" in refused.stderr
    assert "Rien n'a été effacé." in refused.stderr
    assert path.read_bytes() == before

    accepted = run("agenda", "clear", input="oui\n")
    assert accepted.exit_code == 0, accepted.stderr
    backup = path.with_name(path.name + ".bak")
    assert f"L'ancien est conservé dans « {backup} »" in accepted.stderr.replace("\n", "")
    assert backup.read_bytes() == before
    assert not path.exists()
    assert listing(run)[0]["status"] == "libre"

    # --yes skips the question; an existing backup is never replaced.
    run("agenda", "add", "mobilite")
    second = run("agenda", "clear", "--yes")
    assert second.exit_code == 0, second.stderr
    assert backup.read_bytes() == before
    assert "mobilite" in path.with_name(path.name + ".bak.2").read_text(encoding="utf-8")

    empty = run("agenda", "clear", "--yes")
    assert empty.exit_code == 0
    assert "Votre agenda est déjà vide." in empty.stderr


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format": "colloque-agenda", "version": 1, "picks": [', "JSON invalide ligne 1"),
        (b"\xff\xfe garbage", "ce n'est pas du texte UTF-8"),
        (b'{"hello": 1}', "ce n'est pas un agenda de colloque"),
        (b'{"format": "colloque-agenda", "version": 1, "picks": [{"title": "x"}]}', "n° 1"),
        (b"", "JSON invalide"),
    ],
)
def test_a_corrupt_agenda_is_never_overwritten(
    run: Run, programme, content: bytes, reason: str
) -> None:
    path = agenda_path(programme)
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    for command in (["agenda", "add", "fake-news"], ["agenda", "list"], ["agenda", "remove", "x"]):
        result = run(*command)
        assert result.exit_code == 1, command
        message = result.stderr.replace("\n", " ")
        assert f"Votre agenda « {path} » est illisible" in message.replace("  ", " ")
        assert reason in message
        assert "Il n'a pas été modifié" in message
        assert "colloque agenda clear" in message
        assert path.read_bytes() == content
    # The way out the message gives: clear sets the file aside, intact.
    cleared = run("agenda", "clear", "--yes")
    assert cleared.exit_code == 0, cleared.stderr
    assert path.with_name(path.name + ".bak").read_bytes() == content
    assert run("agenda", "add", "fake-news").exit_code == 0


def test_an_agenda_from_a_newer_version_is_left_alone(run: Run, programme) -> None:
    path = agenda_path(programme)
    path.parent.mkdir(parents=True)
    content = json.dumps({"format": "colloque-agenda", "version": VERSION + 1, "picks": []})
    path.write_text(content, encoding="utf-8")
    result = run("agenda", "add", "fake-news")
    assert result.exit_code == 1
    assert "version plus récente de colloque" in result.stderr
    assert path.read_text(encoding="utf-8") == content


def test_an_unreadable_agenda_is_a_clear_error(run: Run, programme) -> None:
    path = agenda_path(programme)
    path.mkdir(parents=True)  # a directory where the file should be
    result = run("agenda", "list")
    assert result.exit_code == 1
    assert result.stderr.replace("\n", "").startswith(
        f"Votre agenda « {path} » n'est pas un fichier ordinaire"
    )
    assert path.is_dir()


def test_picks_missing_from_the_programme_are_reported_not_dropped(run: Run, programme) -> None:
    run("agenda", "add", "fake-news")
    path = agenda_path(programme)
    data = stored(programme)
    data["picks"].append({"id": "atelier-annule", "title": "Un atelier annulé"})
    path.write_text(json.dumps(data), encoding="utf-8")

    result = run("agenda", "list")
    assert result.exit_code == 0, result.stderr
    warning = result.stderr.replace("\n", " ")
    assert "1 choix de votre agenda introuvable dans ce programme" in warning
    assert "« Un atelier annulé » (atelier-annule)" in warning
    assert listing(run)[-1] == {
        "date": None,
        "day": None,
        "start": None,
        "end": None,
        "slot": None,
        "status": "introuvable",
        "id": "atelier-annule",
        "title": "Un atelier annulé",
        "room": None,
        "conflicts_with": [],
    }
    # Other commands keep it too, and report it.
    added = run("agenda", "add", "securite")
    assert added.exit_code == 0
    assert picks(programme) == ["fake-news", "atelier-annule", "securite"]
    exported = run("agenda", "export", "--format", "json")
    assert exported.exit_code == 0
    assert [r["id"] for r in json.loads(exported.stdout)] == ["securite", "fake-news"]
    assert "introuvable" in exported.stderr
    # It can be removed by id, or by its stored title.
    removed = run("agenda", "remove", "annulé")
    assert removed.exit_code == 0, removed.stderr
    assert picks(programme) == ["fake-news", "securite"]


def test_each_programme_has_its_own_agenda(run: Run, programme, tmp_path: Path) -> None:
    other = tmp_path / "autre.yaml"
    other.write_text(
        PROGRAMME.read_text(encoding="utf-8").replace(
            'title: "Renouveler notre pacte social : un défi pour les territoires"',
            'title: "Un autre colloque"',
            1,
        ),
        encoding="utf-8",
    )
    moved = tmp_path / "ailleurs" / "programme.yaml"
    moved.parent.mkdir()
    moved.write_bytes(PROGRAMME.read_bytes())

    run("agenda", "add", "fake-news")
    assert run("--programme", str(other), "agenda", "add", "mobilite").exit_code == 0
    assert picks(programme) == ["fake-news"]
    others = run("--programme", str(other), "agenda", "list", "--format", "json")
    assert [r["id"] for r in json.loads(others.stdout) if r["id"]] == ["mobilite"]
    # The same colloque in a file elsewhere keeps the same agenda.
    same = run("--programme", str(moved), "agenda", "list", "--format", "json")
    assert [r["id"] for r in json.loads(same.stdout) if r["id"]] == ["fake-news"]


def test_store_edit_writes_nothing_when_the_caller_fails(programme) -> None:
    store = AgendaStore.for_programme(programme)
    with store.edit() as agenda:
        agenda.picks.clear()
    assert not store.path.exists()  # nothing changed: nothing written
    with pytest.raises(RuntimeError), store.edit() as agenda:
        from colloque_cli.agenda.store import Pick

        agenda.picks.append(Pick("fake-news"))
        raise RuntimeError
    assert not store.path.exists()


# --- any file content: an agenda, or a clear storage error ---------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
_agendas = st.fixed_dictionaries(
    {"format": st.just("colloque-agenda"), "version": st.integers(-1, 3) | _json},
    optional={"picks": st.lists(st.dictionaries(st.sampled_from(["id", "title"]), _json))},
).map(lambda d: json.dumps(d).encode())


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=60) | _json.map(lambda v: json.dumps(v).encode()) | _agendas)
def test_any_file_content_loads_or_raises_a_storage_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "agenda.json"
    path.write_bytes(content)
    try:
        agenda = AgendaStore(path).load()
    except StorageError as error:
        assert str(path) in str(error)
    else:
        assert all(isinstance(p.id, str) and p.id for p in agenda.picks)
    assert path.read_bytes() == content


def test_the_core_gives_the_picked_sessions_and_their_records(run: Run, programme) -> None:
    from colloque_cli.agenda.plan import picked_sessions, plan
    from colloque_cli.agenda.records import AGENDA_FIELDS, agenda_records
    from colloque_cli.errors import NotFoundError

    with pytest.raises(NotFoundError, match="Votre agenda est vide"):
        picked_sessions(programme)
    assert run("agenda", "add", "securite").exit_code == 0
    sessions, missing = picked_sessions(programme)
    assert ([s.id for s in sessions], missing) == (["securite"], [])
    records = agenda_records(plan(programme, AgendaStore.for_programme(programme).load()))
    assert all(tuple(record) == AGENDA_FIELDS for record in records)
    assert [(r["status"], r["id"]) for r in records if r["id"]] == [("choisi", "securite")]
    assert len(records) == len(programme.slots)


@pytest.mark.parametrize(("start", "conflict"), [("15:30", False), ("15:29", True)])
def test_a_session_starting_as_another_ends_is_no_conflict(
    run: Run, tmp_path: Path, start: str, conflict: bool
) -> None:
    # The one rule of a conflict (agenda.plan.spans_overlap), for the agenda as for the plans
    # of « agenda suggest »: touching ends share no time. « mobilite » moves to a slot of its
    # own, starting as « citoyens-acteurs » (14:00–15:30) ends, or a minute before.
    import yaml

    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    data["slots"].append({"id": "mar-x", "date": "2025-03-04", "start": start, "end": "17:00"})
    for session in data["sessions"]:
        if session["id"] == "mobilite":
            session["slot"], session["room"] = "mar-x", None
    path = tmp_path / "programme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert run("--programme", str(path), "agenda", "add", "citoyens-acteurs").exit_code == 0
    added = run("--programme", str(path), "agenda", "add", "mobilite")
    assert added.exit_code == 0, added.stderr
    assert ("Conflit d'horaire" in added.stderr) is conflict
    rows = json.loads(run("--programme", str(path), "agenda", "list", "-f", "json").stdout)
    assert any(row.get("conflicts_with") for row in rows) is conflict
