"""``colloque changes --feed``: the organisers' Atom feed keeps the entries of earlier versions."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import PROGRAMME, SHARED, Run
from faults import colloque as command

ATOM = "{http://www.w3.org/2005/Atom}"
NB = "\u202f"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def version(tmp_path: Path, name: str, titles: dict[str, str] | None = None) -> Path:
    """The bundled programme with some sessions retitled, as ``name``."""
    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    for session in data["sessions"]:
        if titles and session["id"] in titles:
            session["title"] = titles[session["id"]]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def versions(tmp_path: Path) -> list[Path]:
    """v1 (the bundled programme), v2 (two sessions retitled), v3 (one more retitled)."""
    v2 = {"jop-sport": "Le sport, les JOP et nous", "fake-news": "Fausses nouvelles"}
    v3 = v2 | {"reemploi": "Le réemploi"}
    return [PROGRAMME, version(tmp_path, "v2.yaml", v2), version(tmp_path, "v3.yaml", v3)]


def publish(run: Run, monkeypatch, old: Path, new: Path, feed: Path, epoch: int, *more: str):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    return run("changes", str(old), str(new), "--feed", str(feed), *more)


def entries(feed: Path) -> list[tuple[str, str, str]]:
    """(id, title, updated) of each entry, after checking the feed is valid Atom."""
    root = valid_atom(feed.read_bytes())
    return [
        (e.findtext(f"{ATOM}id"), e.findtext(f"{ATOM}title"), e.findtext(f"{ATOM}updated"))
        for e in root.findall(f"{ATOM}entry")
    ]


def valid_atom(data: bytes) -> ET.Element:
    """RFC 4287's required elements (§ 4.1.1, 4.1.2), unique entry ids, RFC 3339 dates, and
    a feed reader that finds nothing wrong (feedparser's ``bozo``)."""
    import feedparser

    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{required}") or "").strip(), required
    assert root.findtext(f"{ATOM}author/{ATOM}name")  # no entry has its own author
    assert RFC3339.fullmatch(root.findtext(f"{ATOM}updated") or "")
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        for required in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{required}") or "").strip(), required
        assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated") or "")
        assert entry.find(f"{ATOM}content").get("type") == "text"
        ids.append(entry.findtext(f"{ATOM}id"))
    assert len(set(ids)) == len(ids), "an entry id appears twice"
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == len(ids)
    return root


def test_the_feed_keeps_the_previous_entries_after_the_new_ones(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    first = publish(run, monkeypatch, v1, v2, feed, 1741100000, "--link", "https://x.fr/f.xml")
    assert (first.exit_code, first.stdout) == (0, "")
    assert first.stderr.strip() == f"Flux créé{NB}: {feed} (2 entrées)."
    before = entries(feed)
    assert [title for _, title, _ in before] == [
        f"Modifiée{NB}: Le sport, les JOP et nous",
        f"Modifiée{NB}: Fausses nouvelles",
    ]

    second = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert (second.exit_code, second.stdout) == (0, "")
    assert second.stderr.strip() == (f"Flux mis à jour{NB}: {feed} (1 nouvelle entrée, 3 en tout).")
    after = entries(feed)
    assert after == [(after[0][0], f"Modifiée{NB}: Le réemploi", "2025-03-05T18:40:00Z")] + before
    root = ET.fromstring(feed.read_bytes())
    assert root.findtext(f"{ATOM}updated") == "2025-03-05T18:40:00Z"
    # the link given once stays (a later publication need not repeat it)
    assert root.find(f"{ATOM}link").get("href") == "https://x.fr/f.xml"


def test_feed_updated_is_its_newest_entry(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741200000).exit_code == 0
    # the next version's file is dated earlier (a restored copy): the feed stays as recent
    # as its newest entry, and the new entry comes first all the same
    assert publish(run, monkeypatch, v2, v3, feed, 1741100000).exit_code == 0
    root = ET.fromstring(feed.read_bytes())
    assert root.findtext(f"{ATOM}updated") == "2025-03-05T18:40:00Z"
    assert [updated for *_, updated in entries(feed)] == [
        "2025-03-04T14:53:20Z",
        "2025-03-05T18:40:00Z",
        "2025-03-05T18:40:00Z",
    ]


def test_a_change_published_again_appears_once(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    before = entries(feed)
    # compared with the first version again: its two changes are republished, one is new
    result = publish(run, monkeypatch, v1, v3, feed, 1741200000)
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (f"Flux mis à jour{NB}: {feed} (1 nouvelle entrée, 3 en tout).")
    after = entries(feed)
    assert len(after) == 3
    assert after[0][1] == f"Modifiée{NB}: Le réemploi"
    assert after[1:] == before  # already announced: same place, same date


def test_publishing_the_same_comparison_twice_gives_the_same_bytes(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    assert publish(run, monkeypatch, v2, v3, feed, 1741200000).exit_code == 0
    once = feed.read_bytes()
    again = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert again.exit_code == 0, again.output
    assert feed.read_bytes() == once
    assert again.stderr.strip() == (
        f"Flux déjà à jour{NB}: {feed} (aucune nouvelle entrée, 3 en tout)."
    )


def test_at_most_the_100_most_recent_entries_are_kept(
    run: Run, monkeypatch, tmp_path: Path
) -> None:
    ids = [s["id"] for s in yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))["sessions"]]
    assert len(ids) == 28
    feed = tmp_path / "changements.xml"
    previous = PROGRAMME
    # five versions, each retitling all 28 sessions: 28 new entries each time
    for n in range(1, 5):
        current = version(tmp_path, f"v{n}.yaml", {i: f"Titre {n} de {i}" for i in ids})
        result = publish(run, monkeypatch, previous, current, feed, 1741100000 + n * 1000)
        assert result.exit_code == 0, result.output
        previous = current
    assert result.stderr.strip() == (
        f"Flux mis à jour{NB}: {feed} (28 nouvelles entrées, 100 en tout, 12 anciennes retirées)."
    )
    kept = entries(feed)
    assert len(kept) == 100
    titles = [title for _, title, _ in kept]
    # the newest (4th version) first; what goes is the oldest: 12 of the 1st version's
    versions = [int(title.split("Titre ")[1].split()[0]) for title in titles]
    assert versions == [4] * 28 + [3] * 28 + [2] * 28 + [1] * 16


def test_nothing_changed_leaves_the_feed_untouched(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, _ = versions
    feed = tmp_path / "changements.xml"
    nothing = publish(run, monkeypatch, v1, v1, feed, 1741100000)
    assert (nothing.exit_code, nothing.stdout) == (0, "")
    assert nothing.stderr.strip() == f"Aucun changement{NB}: le flux {feed} n'est pas modifié."
    assert not feed.exists()  # no empty feed made either
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    published = feed.read_bytes()
    stamp = feed.stat().st_mtime_ns
    nothing = publish(run, monkeypatch, v2, v2, feed, 1741200000)
    assert (nothing.exit_code, nothing.stdout) == (0, "")
    assert feed.read_bytes() == published and feed.stat().st_mtime_ns == stamp


def test_feed_is_an_atom_option(run: Run, tmp_path: Path, versions: list[Path]) -> None:
    v1, v2, _ = versions
    feed = tmp_path / "changements.xml"
    for fmt in ("json", "table", "markdown"):
        result = run("changes", str(v1), str(v2), "-f", fmt, "--feed", str(feed))
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == (
            f"Erreur : Valeur invalide pour --format / -f : « {fmt} » ne va pas avec --feed, "
            "qui écrit toujours un flux Atom (retirez l'une des deux options)."
        )
        assert result.stdout == "" and not feed.exists()
    dash = run("changes", str(v1), str(v2), "--feed", "-")
    assert dash.exit_code == 2
    assert "Valeur invalide pour --feed : « - » (la sortie standard) ne convient pas" in (
        dash.stderr
    )
    explicit = run("changes", str(v1), str(v2), "--format", "atom", "--feed", str(feed))
    assert explicit.exit_code == 0, explicit.output
    assert explicit.stdout == ""
    entries(feed)


def test_a_feed_written_to_stdout_before_is_taken_over(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    """Organisers who published with « -f atom > changements.xml » switch to --feed."""
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741100000")
    feed.write_text(run("changes", str(v1), str(v2), "-f", "atom").stdout, encoding="utf-8")
    before = entries(feed)
    result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert result.exit_code == 0, result.output
    assert entries(feed)[1:] == before


def test_a_corrected_colloque_title_keeps_the_feed(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, _ = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    feed_id = ET.fromstring(feed.read_bytes()).findtext(f"{ATOM}id")
    data = yaml.safe_load(v2.read_text(encoding="utf-8"))
    data["colloque"]["title"] = "Renouveler le pacte social"
    v3 = tmp_path / "titre.yaml"
    v3.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert result.exit_code == 0, result.output
    root = ET.fromstring(feed.read_bytes())
    assert root.findtext(f"{ATOM}id") == feed_id  # the same feed for the readers
    assert [title for _, title, _ in entries(feed)][0] == "Le colloque a changé"
    assert len(entries(feed)) == 3


# --- a previous file that is not our feed: refused, left as it is --------------------------

BOMB = """<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&d;</title></feed>
"""


def _ours(run: Run, monkeypatch, versions: list[Path], tmp_path: Path) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741100000")
    return run("changes", str(versions[0]), str(versions[1]), "-f", "atom").stdout


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("ceci n'est pas du XML\n", "XML illisible ligne 1, colonne 1 (syntax error)"),
        ("<feed", "XML illisible ligne 1, colonne 1 (unclosed token)"),
        (BOMB, "il déclare des entités ou des références externes XML, refusées par sécurité"),
        ('<rss version="2.0"><channel/></rss>', "son élément racine est <rss>, pas un <feed> Atom"),
        (
            lambda ours: ours.replace("<generator>colloque<", "<generator>WordPress<"),
            "son générateur est « WordPress »",
        ),
        (
            lambda ours: ours.replace("<generator>colloque</generator>", ""),
            "son générateur est aucun",
        ),
        (
            lambda ours: re.sub(r"<entry><id>[^<]*</id>", "<entry>", ours, count=1),
            "l'entrée 1 n'a pas d'élément <id>",
        ),
        (
            lambda ours: re.sub(r"(<entry>.*?<updated>)[^<]*", r"\1hier", ours, count=1),
            "la date <updated> de l'entrée 1 n'est pas une date RFC 3339",
        ),
    ],
)
def test_a_file_that_is_not_our_feed_is_refused_and_kept(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path], content, problem: str
) -> None:
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    text = content(_ours(run, monkeypatch, versions, tmp_path)) if callable(content) else content
    feed.write_text(text, encoding="utf-8")
    result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        f"« {feed} » n'est pas un flux Atom écrit par colloque : {problem}. Il n'a pas été modifié."
    )
    assert feed.read_text(encoding="utf-8") == text
    assert "Traceback" not in result.output


def test_another_programmes_feed_is_refused(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, v3 = versions
    other = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    other["colloque"]["title"] = "Un tout autre colloque"
    other_v1 = tmp_path / "autre.yaml"
    other_v1.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    other["sessions"][0]["title"] = "Changé"
    other_v2 = tmp_path / "autre-v2.yaml"
    other_v2.write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, other_v1, other_v2, feed, 1741100000).exit_code == 0
    theirs = feed.read_bytes()
    result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        f"« {feed} » est le flux d'un autre programme (« Modifications du programme{NB}: "
        "Un tout autre colloque ») : indiquez le flux de ce programme-ci, ou un nouveau "
        "fichier. Il n'a pas été modifié."
    )
    assert feed.read_bytes() == theirs


def test_a_folder_or_a_missing_folder_is_a_clear_error(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, _ = versions
    folder = tmp_path / "dossier"
    folder.mkdir()
    result = publish(run, monkeypatch, v1, v2, folder, 1741100000)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        f"« {folder} » n'est pas un flux Atom écrit par colloque : ce n'est pas un fichier "
        "ordinaire (un dossier, un tube…). Il n'a pas été modifié."
    )
    missing = tmp_path / "absent" / "changements.xml"
    result = publish(run, monkeypatch, v1, v2, missing, 1741100000)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        f"Écriture impossible dans « {missing.parent} » : dossier ou fichier inexistant."
    )


def test_a_publisher_killed_mid_write_leaves_the_previous_feed(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    """The feed is never truncated before the new one is complete (a temporary file is
    renamed over it), as the shell's « > changements.xml » would."""
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    old = feed.read_bytes()
    writer = subprocess.Popen(
        [*command("mid-write"), "changes", str(v2), str(v3), "--feed", str(feed)],
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        from test_agenda_processes import _tmp_files, wait_for

        wait_for(lambda: any(f.stat().st_size for f in _tmp_files(feed)), "a half-write", writer)
        assert feed.read_bytes() == old  # while the new one is being written
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    assert feed.read_bytes() == old
    # the next publication works, and sweeps nothing it should not
    result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert result.exit_code == 0, result.output
    assert len(entries(feed)) == 3


def test_help_says_what_feed_does(run: Run) -> None:
    result = run("changes", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "--feed FICHIER" in text
    assert "Flux Atom à tenir à jour (implique -f atom)" in text
    assert "les 100 plus récentes gardées" in text


def test_an_entry_whose_text_changed_is_replaced_not_repeated(
    run: Run, monkeypatch, tmp_path: Path
) -> None:
    """A new session announced, then moved before the next comparison with the same base:
    the same entry id (« new session X ») with another text comes first, once."""
    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))
    added = {
        "id": "ajout",
        "slot": "mar-17h45",
        "room": None,
        "title": "Ajoutée",
        "type": "atelier",
        "description": "Au dernier moment.",
    }
    data["sessions"].append(added)
    v2 = tmp_path / "v2.yaml"
    v2.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    added["slot"] = "mer-9h"
    v3 = tmp_path / "v3.yaml"
    v3.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, PROGRAMME, v2, feed, 1741100000).exit_code == 0
    [(entry_id, title, _)] = entries(feed)
    result = publish(run, monkeypatch, PROGRAMME, v3, feed, 1741200000)
    assert result.exit_code == 0, result.output
    assert entries(feed) == [(entry_id, title, "2025-03-05T18:40:00Z")]
    content = ET.fromstring(feed.read_bytes()).find(f"{ATOM}entry/{ATOM}content").text
    assert content.startswith("mercredi 5 mars 2025, 09:00–10:30")


def test_a_version_with_over_100_changes_says_what_the_feed_leaves_out(
    run: Run, monkeypatch, tmp_path: Path
) -> None:
    first = SHARED / "real-world" / "fosdem-2025.xml"
    assert first.is_file(), f"{first} is needed by this test"
    tree = ET.parse(first)
    for number, event in enumerate(tree.getroot().findall(".//event")[:110]):
        event.find("title").text = f"Titre revu {number}"
    second = tmp_path / "fosdem-2025-v2.xml"
    tree.write(second, encoding="utf-8", xml_declaration=True)
    feed = tmp_path / "changements.xml"
    result = publish(run, monkeypatch, first, second, feed, 1741100000)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr.splitlines() == [
        f"Flux créé{NB}: {feed} (100 entrées).",
        "10 changements de cette version manquent au flux, qui garde 100 entrées au plus"
        f"{NB}: annoncez-les aussi autrement (-f markdown).",
    ]
    assert len(entries(feed)) == 100


def _feed_lock(feed: Path):  # type: ignore[no-untyped-def]
    """The lock every publication of ``feed`` takes, held here as another publisher would."""
    from colloque_cli.infra.locking import exclusive, lock_path_for

    return exclusive(lock_path_for(feed), timeout=60)


def test_simultaneous_publications_take_turns_and_lose_nothing(monkeypatch, tmp_path: Path) -> None:
    """Two organisers publishing different changes to one feed at once: each reads the feed
    the other wrote, so both changes are in it. Made deterministic by holding the feed's
    lock here until both publishers have said they wait for it."""
    a = version(tmp_path, "a.yaml", {"jop-sport": "Le sport, les JOP et nous"})
    b = version(tmp_path, "b.yaml", {"fake-news": "Fausses nouvelles"})
    published = tmp_path / "site"
    (published / "sous").mkdir(parents=True)
    feed = published / "changements.xml"
    # the same file under another spelling takes the same lock
    spellings = [feed, published / "sous" / ".." / "changements.xml"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1741100000")
    with _feed_lock(feed):
        publishers = [
            subprocess.Popen(
                [*command(), "changes", str(PROGRAMME), str(new), "--feed", str(where)],
                env=dict(os.environ),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for new, where in zip((a, b), spellings, strict=True)
        ]
        try:
            for publisher, where in zip(publishers, spellings, strict=True):
                said = publisher.stderr.readline()  # type: ignore[union-attr]
                assert said == (
                    f"Une autre commande colloque publie le flux {where}{NB}: "
                    "attente de son tour…\n"
                ), said
            assert not feed.exists()
        except BaseException:
            for publisher in publishers:
                publisher.kill()
            raise
    for publisher in publishers:
        out, err = publisher.communicate(timeout=120)  # a hang guard, not a timing
        assert (publisher.returncode, out) == (0, ""), err
    titles = sorted(title for _, title, _ in entries(feed))
    assert titles == [
        f"Modifiée{NB}: Fausses nouvelles",
        f"Modifiée{NB}: Le sport, les JOP et nous",
    ]
    assert sorted(p.name for p in published.iterdir()) == ["changements.xml", "sous"]


def test_a_feed_locked_too_long_is_left_untouched(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    from colloque_cli.changes import atom
    from colloque_cli.infra.locking import lock_path_for

    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    before = feed.read_bytes()
    monkeypatch.setattr(atom, "LOCK_TIMEOUT", 0.2)
    with _feed_lock(feed):
        result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        f"Une autre commande colloque publie le flux {feed} : attente de son tour…",
        f"Le flux « {feed} » est publié par une autre commande colloque depuis plus de 0 s : "
        f"il n'a pas été modifié. Réessayez dans un instant (verrou : « {lock_path_for(feed)} »).",
    ]
    assert feed.read_bytes() == before
    assert publish(run, monkeypatch, v2, v3, feed, 1741200000).exit_code == 0  # once free
    assert len(entries(feed)) == 3


def test_the_feed_s_lock_is_not_put_in_the_published_folder(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, _ = versions
    published = tmp_path / "site"
    published.mkdir()
    feed = published / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    assert [p.name for p in published.iterdir()] == ["changements.xml"]


def test_a_lock_that_cannot_be_made_leaves_the_feed_untouched(
    run: Run, monkeypatch, tmp_path: Path, versions: list[Path]
) -> None:
    v1, v2, v3 = versions
    feed = tmp_path / "changements.xml"
    assert publish(run, monkeypatch, v1, v2, feed, 1741100000).exit_code == 0
    before = feed.read_bytes()
    home = tmp_path / "maison"
    home.write_text("un fichier, pas un dossier\n", encoding="utf-8")
    monkeypatch.setenv("COLLOQUE_HOME", str(home))
    result = publish(run, monkeypatch, v2, v3, feed, 1741200000)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.strip() == (
        f"Le flux « {feed} » n'a pas été modifié : son verrou ne peut pas être pris. "
        f"Impossible de créer le dossier « {home / 'cache' / 'locks'} » : un élément du chemin "
        "n'est pas un dossier."
    )
    assert feed.read_bytes() == before
