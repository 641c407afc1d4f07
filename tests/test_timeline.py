"""``now`` and ``next``: the moment in the programme's zone, and sentences outside the colloque."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from colloque_cli.errors import InvalidValueError
from colloque_cli.programme.loader import load_programme
from colloque_cli.timeline import dates_phrase, parse_moment, running, upcoming, wait_phrase
from conftest import PROGRAMME, Run

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 3, 5, 8, 0, tzinfo=PARIS)


@pytest.fixture(scope="module")
def programme():  # type: ignore[no-untyped-def]
    return load_programme(PROGRAMME)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-04 14:30", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("2025-03-04T14:30", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("2025-03-04T14:30+01:00", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("2025-03-04T13:30Z", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("2025-03-04T09:30-04:00", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("mardi 14:30", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("mardi à 14h30", datetime(2025, 3, 4, 14, 30, tzinfo=PARIS)),
        ("Mer 9h", datetime(2025, 3, 5, 9, 0, tzinfo=PARIS)),
        ("4 mars 17h45", datetime(2025, 3, 4, 17, 45, tzinfo=PARIS)),
        ("05/03 10:00", datetime(2025, 3, 5, 10, 0, tzinfo=PARIS)),
        ("14:30", datetime(2025, 3, 5, 14, 30, tzinfo=PARIS)),  # today, in Paris
        ("à 16h", datetime(2025, 3, 5, 16, 0, tzinfo=PARIS)),
        ("2025-06-01 12:00", datetime(2025, 6, 1, 12, 0, tzinfo=PARIS)),  # summer time
    ],
)
def test_parse_moment(programme, text: str, expected: datetime) -> None:
    moment = parse_moment(text, programme, now=NOW)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()
    assert moment.tzinfo is not None and moment.tzinfo.utcoffset(moment) == moment.utcoffset()


def test_parse_moment_uses_the_programme_day_not_the_machine_day(programme) -> None:
    # 23:30 UTC on 4 March is already 5 March in Rouen.
    late = datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
    assert parse_moment("09:15", programme, now=late) == datetime(2025, 3, 5, 9, 15, tzinfo=PARIS)


@pytest.mark.parametrize("text", ["", "demain", "25:00", "lundi 10:00", "mardi", "14:30 mardi"])
def test_parse_moment_rejects_what_it_cannot_read(programme, text: str) -> None:
    with pytest.raises(InvalidValueError, match="Moment invalide"):
        parse_moment(text, programme, now=NOW)


def test_running_and_upcoming(programme) -> None:
    sessions = list(programme.sessions)
    at = datetime(2025, 3, 4, 14, 0, tzinfo=PARIS)
    assert len(running(programme, sessions, at)) == 10  # from its very first minute
    assert running(programme, sessions, datetime(2025, 3, 4, 15, 30, tzinfo=PARIS)) == []
    following = upcoming(programme, sessions, at)
    assert following is not None
    assert following.starts_at == datetime(2025, 3, 4, 17, 45, tzinfo=PARIS)
    assert following.wait == timedelta(hours=3, minutes=45)
    assert len(following.sessions) == 9
    assert upcoming(programme, sessions, datetime(2025, 3, 5, 9, 0, tzinfo=PARIS)) is None


@pytest.mark.parametrize(
    ("days", "phrase"),
    [
        ([date(2025, 3, 4)], "le 4 mars 2025"),
        ([date(2025, 3, 5), date(2025, 3, 4)], "les 4 et 5 mars 2025"),
        ([date(2025, 3, 3), date(2025, 3, 4), date(2025, 3, 5)], "du 3 au 5 mars 2025"),
        ([date(2025, 3, 4), date(2025, 3, 6), date(2025, 3, 8)], "les 4, 6 et 8 mars 2025"),
        ([date(2025, 2, 28), date(2025, 3, 1)], "les 28 février et 1er mars 2025"),
        ([date(2024, 12, 31), date(2025, 1, 1)], "les 31 décembre 2024 et 1er janvier 2025"),
    ],
)
def test_dates_phrase(days: list[date], phrase: str) -> None:
    assert dates_phrase(days) == phrase


@pytest.mark.parametrize(
    ("wait", "phrase"),
    [
        (timedelta(seconds=20), "dans 1 min"),
        (timedelta(minutes=45), "dans 45 min"),
        (timedelta(hours=1), "dans 1 h"),
        (timedelta(hours=3, minutes=15), "dans 3 h 15"),
        (timedelta(hours=1, minutes=5), "dans 1 h 05"),
        (timedelta(days=1), "dans 1 jour"),
        (timedelta(days=3, hours=4), "dans 3 jours et 4 h"),
    ],
)
def test_wait_phrase(wait: timedelta, phrase: str) -> None:
    assert wait_phrase(wait) == phrase


# --- through the CLI -------------------------------------------------------------------------


def test_now_lists_the_running_sessions(run: Run) -> None:
    result = run("now", "--at", "2025-03-04 14:30", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 10
    assert {r["slot"] for r in rows} == {"mar-14h"}
    table = run("now", "--at", "mardi 14h30")
    assert table.exit_code == 0
    assert table.stdout.startswith("En ce moment (mardi 4 mars 2025, 14:30)\u202f:")
    assert table.stdout.count("Mardi 4 mars 2025 · 14:00–15:30") == 1


def test_at_with_another_zone_is_converted(run: Run) -> None:
    # 13:00 UTC is 14:00 in Rouen in March: the first slot has just begun.
    result = run("now", "--at", "2025-03-04T13:00:00Z", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 10
    before = run("now", "--at", "2025-03-04T12:59:00+00:00", "--format", "json")
    assert json.loads(before.stdout) == []


def test_next_says_when_the_next_slot_starts(run: Run) -> None:
    result = run("next", "--at", "2025-03-04 14:30")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Prochain créneau à 17:45 (dans 3 h 15)\u202f:")
    assert result.stdout.count("Mardi 4 mars 2025 · 17:45–19:15") == 1
    data = run("next", "--at", "2025-03-04 14:30", "--format", "json")
    rows = json.loads(data.stdout)
    assert len(rows) == 9
    assert {r["starts_in_minutes"] for r in rows} == {195}
    assert "Prochain créneau à 17:45 (dans 3 h 15)." in data.stderr


@pytest.mark.parametrize(
    ("command", "at", "sentence"),
    [
        ("now", "2025-03-06 10:00", "Le colloque a eu lieu les 4 et 5 mars 2025 à Rouen."),
        ("next", "2025-03-06 10:00", "Le colloque a eu lieu les 4 et 5 mars 2025 à Rouen."),
        ("now", "2026-01-01 10:00", "Le colloque a eu lieu les 4 et 5 mars 2025 à Rouen."),
        (
            "now",
            "2025-03-01 10:00",
            "Le colloque aura lieu les 4 et 5 mars 2025 à Rouen. "
            "Prochaine session le mardi 4 mars à 14:00 (dans 3 jours et 4 h).",
        ),
        (
            "now",
            "2025-03-04 22:00",
            "Les sessions du mardi 4 mars sont terminées. "
            "Prochaine session le mercredi 5 mars à 09:00 (dans 11 h).",
        ),
        (
            "now",
            "2025-03-04 16:00",
            "Aucune session en cours. Prochaine session à 17:45 (dans 1 h 45).",
        ),
        (
            "now",
            "2025-03-05 11:00",
            "Plus aucune session à venir : la dernière s'est terminée à 10:30.",
        ),
        ("next", "2025-03-05 09:30", "Plus aucune session à venir après celles en cours."),
    ],
)
def test_outside_the_sessions_a_french_sentence_and_exit_0(
    run: Run, command: str, at: str, sentence: str
) -> None:
    result = run(command, "--at", at)
    assert result.exit_code == 0, result.stderr
    assert " ".join(result.stdout.split()) == sentence
    data = run(command, "--at", at, "--format", "json")
    assert data.exit_code == 0
    assert json.loads(data.stdout) == []
    assert " ".join(data.stderr.split()) == sentence


def test_next_before_the_colloque_shows_the_first_slot(run: Run) -> None:
    result = run("next", "--at", "2025-03-01 10:00")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Le colloque aura lieu les 4 et 5 mars 2025 à Rouen."
    assert lines[2] == "Prochain créneau le mardi 4 mars à 14:00 (dans 3 jours et 4 h)\u202f:"


def test_agenda_option_keeps_only_your_picks(run: Run) -> None:
    run("agenda", "add", "fresque-valeurs", "sante-mentale")
    now = run("now", "--agenda", "--at", "2025-03-04 14:30", "--format", "json")
    assert [r["id"] for r in json.loads(now.stdout)] == ["fresque-valeurs"]
    idle = run("now", "--agenda", "--at", "2025-03-04 18:00")
    assert idle.exit_code == 0
    assert " ".join(idle.stdout.split()) == (
        "Vos sessions du mardi 4 mars sont terminées. Votre prochaine session le mercredi 5 mars "
        "à 09:00 (dans 15 h)."
    )
    following = run("next", "-a", "--at", "2025-03-04 14:30", "--format", "json")
    assert [r["id"] for r in json.loads(following.stdout)] == ["sante-mentale"]


def test_agenda_option_with_an_empty_agenda(run: Run) -> None:
    result = run("now", "--agenda", "--at", "2025-03-04 14:30")
    assert result.exit_code == 1
    assert "Votre agenda est vide" in result.stderr


@pytest.mark.parametrize("at", ["lundi 10:00", "n'importe quoi", "2025-13-01 10:00"])
def test_a_bad_at_is_a_usage_error(run: Run, at: str) -> None:
    result = run("now", "--at", at)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Moment invalide « {at} »")
    assert result.stdout == ""


# --- open-ended input ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
        st.datetimes().map(lambda d: d.isoformat(sep=" ")),
    )
)
@example(text="0001-01-01T00:00+05:00")
@example(text="9999-12-31T23:59-05:00")
@example(text="0001-01-01 00:00")
def test_parse_moment_gives_an_aware_moment_or_a_usage_error(programme, text: str) -> None:
    try:
        moment = parse_moment(text, programme, now=NOW)
    except InvalidValueError as error:
        assert str(error).startswith("Moment invalide")
    else:
        assert moment.tzinfo is not None
        assert moment.utcoffset() is not None
