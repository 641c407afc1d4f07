"""The one-file HTML programme, driven in a real headless Chromium (Debian's ``chromium`` and
``chromium-driver``, through Selenium; nothing downloads a browser or a driver).

One browser serves the whole module (a second one only where a fresh profile is the point).
The page is read through its stable hooks: ``input[type=search]``, ``[data-session-id]``,
the star ``button[aria-pressed]``, ids of the « Mon programme » controls, and
``window.colloquePage`` (the search as the page runs it, and its timings).
"""

from __future__ import annotations

import json
import os
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from icalendar import Calendar
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait
from typer.testing import CliRunner

from colloque_cli.cli import app
from colloque_cli.exporters.html import to_html
from colloque_cli.programme.loader import load_programme
from colloque_cli.programme.model import Programme
from colloque_cli.search.analysis import stem, words
from conftest import PROGRAMME, SHARED

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
FOSDEM_XML = SHARED / "real-world" / "fosdem-2025.xml"
MOBILITY = "La mobilité au cœur de la cohésion des territoires"
SIZE_BUDGET = 250 * 1024
# The device's zone is not the colloque's: times shown and « maintenant » must not move.
DEVICE_TZ = "America/Los_Angeles"

HOSTILE = """\
colloque:
  title: "Colloque <b>piégé</b>"
  timezone: Europe/Paris
  dates: [2025-03-04]
rooms:
  - {id: r1, name: "Salle <img src=x onerror=window.__pwned=1>"}
  - {id: r2, name: "Salle 2"}
  - {id: r3, name: "Salle 3"}
themes:
  - {id: t1, label: "</script><script>window.__pwned=2</script>"}
slots:
  - {id: s1, date: 2025-03-04, start: "09:00", end: "10:00"}
sessions:
  - id: script
    slot: s1
    room: r1
    title: "<script>window.__pwned=3</script>"
    type: atelier
    themes: [t1]
    description: "Voir javascript:window.__pwned=4 et <a href=\\"javascript:window.__pwned=5\\">ici</a>"
  - id: attribute
    slot: s1
    room: r2
    title: "\\"><img src=x onerror=\\"window.__pwned=6\\">"
    type: atelier
    description: "texte"
  - id: bidi
    slot: s1
    room: r3
    title: "Avant \\u202egnp.exe\\u202c après"
    type: atelier
    speakers: ["<svg onload=window.__pwned=7>"]
    description: "texte"
"""


def cli(*args: str, home: Path) -> Any:
    """Run the real CLI with its home in ``home`` (module fixtures run outside isolated_env)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLLOQUE_HOME", str(home))
        patch.delenv("COLLOQUE_PROGRAMME", raising=False)
        result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result


def make_driver(downloads: Path) -> WebDriver:
    """Headless Chromium from Debian, its driver given by path (Selenium Manager never runs)."""
    for needed in (CHROMIUM, CHROMEDRIVER):
        assert needed.exists(), f"{needed} absent : apt-get install -y chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--lang=fr-FR",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    service = Service(executable_path=str(CHROMEDRIVER), env={"TZ": DEVICE_TZ})
    driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    return driver


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[WebDriver]:
    driver = make_driver(downloads)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory, home: Path) -> Path:
    """The bundled programme's page, through the real command."""
    out = tmp_path_factory.mktemp("page") / "programme.html"
    cli("--programme", str(PROGRAMME), "export", "--format", "html", "-o", str(out), home=home)
    return out


@pytest.fixture(scope="module")
def fosdem(tmp_path_factory: pytest.TempPathFactory, home: Path) -> tuple[Path, Path]:
    """FOSDEM 2025 imported then exported (its YAML, its page). Absent source: a failure."""
    assert FOSDEM_XML.is_file(), f"programme réel absent : {FOSDEM_XML}"
    folder = tmp_path_factory.mktemp("fosdem")
    yaml, page = folder / "fosdem.yaml", folder / "fosdem.html"
    cli("import", str(FOSDEM_XML), "-o", str(yaml), home=home)
    cli("--programme", str(yaml), "export", "--format", "html", "-o", str(page), home=home)
    return yaml, page


def sessions_json(programme: Path, home: Path, *args: str) -> list[dict[str, Any]]:
    result = cli("--programme", str(programme), *args, "--format", "json", home=home)
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


# --- helpers that act as a person would ----------------------------------------------------


def open_page(driver: WebDriver, page: Path | str, *, fresh: bool = True, query: str = "") -> None:
    """Load the page; ``fresh`` forgets what an earlier test starred for the same event."""
    url = page if isinstance(page, str) else page.as_uri() + query
    driver.get(url)
    if fresh:
        driver.execute_script("window.localStorage.clear()")
        driver.get(url)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return !!window.colloquePage"))


def shown_ids(driver: WebDriver) -> list[str]:
    ids: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('main [data-session-id]')]"
        ".map(e => e.dataset.sessionId)"
    )
    return ids


def type_query(driver: WebDriver, text: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, "input[type=search]")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(text)


def star(driver: WebDriver, session_id: str) -> WebElement:
    button = driver.find_element(By.CSS_SELECTOR, f'[data-session-id="{session_id}"] button.star')
    # Scrolled to mid-screen, as a person would: not under the sticky search bar.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    return button


def requests_made(driver: WebDriver) -> list[str]:
    """URLs the browser asked for since the last call (its own network log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def run_axe(driver: WebDriver) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A/AA violations of the page as it is now."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result: dict[str, Any] = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
        ".then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))}),"
        " e => done({error: String(e)}));"
    )
    assert "error" not in result, result
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in ("serious", "critical")]


# --- the file itself -------------------------------------------------------------------------


def test_page_is_one_file_within_budget(bundled: Path) -> None:
    html = bundled.read_text(encoding="utf-8")
    size = bundled.stat().st_size
    assert size <= SIZE_BUDGET, f"{size} octets"
    assert html.startswith('<!doctype html>\n<html lang="fr">')
    # Nothing to fetch: no external script, style, font or image, and a policy that forbids it.
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", html)
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html


def test_agenda_export_preselects_the_agenda(
    browser: WebDriver, tmp_path: Path, home: Path
) -> None:
    cli("--programme", str(PROGRAMME), "agenda", "add", "mobilite", home=home)
    out = tmp_path / "agenda.html"
    cli(
        "--programme",
        str(PROGRAMME),
        "agenda",
        "export",
        "--format",
        "html",
        "-o",
        str(out),
        home=home,
    )
    cli("--programme", str(PROGRAMME), "agenda", "remove", "mobilite", home=home)
    open_page(browser, out)
    # The whole programme is there, the agenda's session already chosen.
    assert len(shown_ids(browser)) == len(sessions_json(PROGRAMME, home, "list"))
    pressed = browser.find_elements(By.CSS_SELECTOR, 'button.star[aria-pressed="true"]')
    assert [b.find_element(By.XPATH, "..").get_attribute("data-session-id") for b in pressed] == [
        "mobilite"
    ]


# --- search ----------------------------------------------------------------------------------


def test_typing_mobilite_shows_the_mobility_session_first(
    browser: WebDriver, bundled: Path
) -> None:
    open_page(browser, bundled)
    type_query(browser, "mobilite")
    first = browser.find_element(By.CSS_SELECTOR, "main [data-session-id]")
    assert first.find_element(By.CSS_SELECTOR, ".title").text == MOBILITY
    marks = [m.text for m in first.find_elements(By.CSS_SELECTOR, ".title mark")]
    assert marks == ["mobilité"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("MOBILITÉ", "mobilite"),  # case and accents
        ("Cœur cohésion", "mobilite"),  # œ, accents
        ("territoire mobilites", "mobilite"),  # singular and plural
        ("mobi", "mobilite"),  # a prefix from 4 letters
        ("mobilitr", "mobilite"),  # one typo from 5 letters
        ("intelligence artificielle", "ia-debat"),  # an expansion finds its acronym
    ],
)
def test_search_is_as_forgiving_as_the_cli(
    browser: WebDriver, bundled: Path, home: Path, query: str, expected: str
) -> None:
    open_page(browser, bundled)
    type_query(browser, query)
    found = shown_ids(browser)
    assert expected in found
    cli_found = [
        row["id"] for row in sessions_json(PROGRAMME, home, "search", query, "--limit", "100")
    ]
    assert expected in cli_found


def test_a_search_shows_when_and_where_and_helps_while_typing(
    browser: WebDriver, bundled: Path, home: Path
) -> None:
    roomless = [r for r in sessions_json(PROGRAMME, home, "list") if r["room"] is None]
    assert roomless
    session = roomless[0]
    open_page(browser, bundled)  # shown by slot first: the heading gives day and hours
    type_query(browser, session["title"])
    card = browser.find_element(By.CSS_SELECTOR, f'main [data-session-id="{session["id"]}"]')
    assert card.find_element(By.CSS_SELECTOR, ".when").text == (
        f"{session['day']} 4 mars, {session['start']}–{session['end']}"
        if session["date"] == "2025-03-04"
        else f"{session['day']} 5 mars, {session['start']}–{session['end']}"
    )
    type_query(browser, "ru")
    count = browser.find_element(By.ID, "count").get_attribute("textContent")
    assert count == (
        "Aucune session ne correspond à «\u00a0ru\u00a0». Continuez à taper\u202f: "
        "un début de mot compte à partir de 4 lettres."
    )
    type_query(browser, "zzzzzz ")
    assert browser.find_element(By.ID, "count").text.endswith(
        "Essayez un autre mot, ou retirez un filtre."
    )


def test_a_word_of_the_same_root_finds_titles_as_in_the_cli(
    browser: WebDriver, bundled: Path, home: Path
) -> None:
    open_page(browser, bundled)
    type_query(browser, "democratique")
    cli_found = [row["id"] for row in sessions_json(PROGRAMME, home, "search", "democratique")]
    # « démocratique » also finds the title « Démocratie alimentaire » (same Snowball root).
    assert set(shown_ids(browser)) == set(cli_found) == {"deni-democratique", "alimentation"}
    assert shown_ids(browser)[0] == cli_found[0]


def test_concept_links_given_at_export_extend_the_search(
    browser: WebDriver, tmp_path: Path
) -> None:
    """The hook for the CLI's concept links: words the page should also find for a word."""
    programme = load_programme(PROGRAMME)
    page = tmp_path / "concepts.html"
    page.write_text(
        to_html(programme, programme.sessions, related={"trottinette": ["mobilite", "absent"]}),
        encoding="utf-8",
    )
    open_page(browser, page)
    type_query(browser, "trottinettes")
    first = browser.find_element(By.CSS_SELECTOR, "main [data-session-id] .title")
    assert first.text == MOBILITY
    open_page(browser, bundled_page(tmp_path, programme))
    type_query(browser, "trottinettes")
    assert shown_ids(browser) == []


def bundled_page(folder: Path, programme: Programme) -> Path:
    page = folder / "sans-liens.html"
    page.write_text(to_html(programme, programme.sessions), encoding="utf-8")
    return page


def test_page_search_meets_the_cli_search_cases(browser: WebDriver, bundled: Path) -> None:
    """The evaluation cases of the CLI's search (tests/search_cases.yaml), run in the page."""
    cases = yaml.safe_load((Path(__file__).parent / "search_cases.yaml").read_text("utf-8"))
    open_page(browser, bundled)
    missed = []
    for case in cases:
        found: list[str] = browser.execute_script(
            "const r = window.colloquePage.search(arguments[0]);"
            "const d = JSON.parse(document.getElementById('colloque-data').textContent);"
            "return r ? r.docs.map(i => d.sessions[i].id) : [];",
            case["query"],
        )
        if (
            (case.get("none") and found)
            or ("first" in case and found[:1] != [case["first"]])
            or not set(case.get("top5", [])) <= set(found[:5])
        ):
            missed.append(case["query"])
    assert len(cases) > 90
    # Known: the page does not measure how close the words stand (the CLI's proximity),
    # which puts the exact phrase « transition juste » of one session in the top five.
    assert missed == ["justice sociale"]


def test_acronym_finds_its_expansion_and_back(
    browser: WebDriver, bundled: Path, home: Path
) -> None:
    open_page(browser, bundled)
    type_query(browser, "QPV")
    by_acronym = set(shown_ids(browser))
    type_query(browser, "quartiers prioritaires")
    by_expansion = set(shown_ids(browser))
    # « QPV » is written in one session, « quartiers prioritaires » in another: each finds both.
    assert by_acronym == by_expansion
    assert len(by_acronym) >= 2


def test_page_folds_and_stems_as_the_cli(browser: WebDriver, bundled: Path) -> None:
    """The page's own text functions agree with search.analysis on every word of the page."""
    open_page(browser, bundled)
    texts = browser.execute_script(
        "const d = JSON.parse(document.getElementById('colloque-data').textContent);"
        "return d.sessions.flatMap(s => [s.title, s.description, ...s.speakers]);"
    )
    check_text_parity(browser, texts)


def check_text_parity(driver: WebDriver, texts: list[str]) -> None:
    page_words = driver.execute_script(
        "return arguments[0].map(t => window.colloquePage.words(t)"
        ".map(w => [w.text, w.start, w.end, w.hyphenated]));",
        texts,
    )
    expected = [[[w.text, w.start, w.end, w.hyphenated] for w in words(t)] for t in texts]
    # Spans are in UTF-16 units on the page: compare them where the text is in the BMP.
    for text, got, want in zip(texts, page_words, expected, strict=True):
        if all(ord(c) < 0x10000 for c in text):
            assert got == want, text
        else:
            assert [w[0] for w in got] == [w[0] for w in want], text
    vocabulary = sorted({w[0] for text in expected for w in text})
    stems = driver.execute_script(
        "return arguments[0].map(w => window.colloquePage.stem(w));", vocabulary
    )
    assert stems == [stem(w) for w in vocabulary]


# --- filters ---------------------------------------------------------------------------------


def test_filters_combine(browser: WebDriver, bundled: Path, home: Path) -> None:
    open_page(browser, bundled)
    Select(browser.find_element(By.ID, "filter-day")).select_by_visible_text("mardi 4 mars")
    Select(browser.find_element(By.ID, "filter-theme")).select_by_visible_text(
        "Citoyenneté et participation"
    )
    expected = sessions_json(
        PROGRAMME, home, "list", "--day", "mardi", "--theme", "Citoyenneté et participation"
    )
    assert shown_ids(browser) == [row["id"] for row in expected]
    assert 0 < len(expected) < 28
    # A search within the filters finds only what the filters keep.
    type_query(browser, "citoyens")
    assert set(shown_ids(browser)) <= {row["id"] for row in expected}
    assert shown_ids(browser)


# --- « Mon programme » -------------------------------------------------------------------------


def overlapping_pair(home: Path) -> tuple[str, str]:
    rows = sessions_json(PROGRAMME, home, "list")
    first = rows[0]
    other = next(r for r in rows[1:] if r["date"] == first["date"] and r["start"] == first["start"])
    return first["id"], other["id"]


def test_starring_overlapping_sessions_warns_and_survives_reload(
    browser: WebDriver, bundled: Path, home: Path, tmp_path: Path
) -> None:
    a, b = overlapping_pair(home)
    rows = sessions_json(PROGRAMME, home, "list")
    apart = next(r["id"] for r in rows if r["start"] != rows[0]["start"])
    open_page(browser, bundled)
    assert star(browser, a).get_attribute("aria-pressed") == "true"
    star(browser, apart)  # another slot: no conflict
    conflicts = browser.find_element(By.ID, "conflicts")
    assert not conflicts.is_displayed()
    star(browser, b)
    assert conflicts.is_displayed()
    assert "Conflit d'horaire" in conflicts.text
    assert len(conflicts.find_elements(By.TAG_NAME, "li")) == 1
    for session_id in (a, b):
        warning = browser.find_element(
            By.CSS_SELECTOR, f'[data-session-id="{session_id}"] .conflict'
        )
        assert warning.is_displayed() and warning.text.startswith("⚠ En conflit avec")
    calm = browser.find_element(By.CSS_SELECTOR, f'[data-session-id="{apart}"] .conflict')
    assert not calm.is_displayed()
    open_page(browser, bundled, fresh=False)
    assert starred(browser) == {a, b, apart}
    # The key is the event, not the file: a copy elsewhere (a new version sent by email)
    # opens with the same choices.
    key = "colloque:2025-03-04-renouveler-notre-pacte-social-un-defi-pour-les-territoires"
    assert sorted(browser.execute_script("return Object.keys(localStorage)")) == [
        f"{key}:choix",
        f"{key}:titre",
    ]
    copy = tmp_path / "ailleurs" / "programme-v2.html"
    copy.parent.mkdir()
    copy.write_bytes(bundled.read_bytes())
    open_page(browser, copy, fresh=False)
    assert starred(browser) == {a, b, apart}


def test_stars_follow_a_corrected_title_not_another_colloque(
    browser: WebDriver, bundled: Path, home: Path, tmp_path: Path
) -> None:
    """A page republished with a corrected title keeps the stars made under the old one
    (same first day, a title that reads as a correction, the sessions still there), as the
    agenda does; another colloque of the same day with its own title starts empty."""
    open_page(browser, bundled)
    star(browser, "mobilite")
    star(browser, "non-recours")
    data = yaml.safe_load(PROGRAMME.read_text(encoding="utf-8"))

    def republished(title: str, name: str) -> Path:
        data["colloque"]["title"] = title
        source = tmp_path / f"{name}.yaml"
        source.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        page = tmp_path / f"{name}.html"
        cli("--programme", str(source), "export", "--format", "html", "-o", str(page), home=home)
        return page

    corrected = republished("Renouveler notre pacte social : un défi pour nos territoires", "v2")
    other = republished("Journées nationales de la petite enfance", "autre")
    open_page(browser, other, fresh=False)
    assert starred(browser) == set()
    open_page(browser, corrected, fresh=False)
    assert starred(browser) == {"mobilite", "non-recours"}
    message = browser.find_element(By.ID, "mine-message").text
    assert message.startswith("Vos choix faits sous le titre « Renouveler notre pacte social")
    assert message.endswith("sont repris : 2 sessions.".replace(" :", "\u202f:"))
    # the old page keeps its own stars: nothing was moved or merged
    open_page(browser, bundled, fresh=False)
    assert starred(browser) == {"mobilite", "non-recours"}


def starred(driver: WebDriver) -> set[str]:
    ids: list[str] = driver.execute_script(
        "return [...document.querySelectorAll('button.star[aria-pressed=\"true\"]')]"
        ".map(b => b.closest('[data-session-id]').dataset.sessionId)"
    )
    return set(ids)


def test_share_link_restores_the_selection_in_a_fresh_profile(
    browser: WebDriver, bundled: Path, home: Path, tmp_path: Path
) -> None:
    a, b = overlapping_pair(home)
    open_page(browser, bundled)
    star(browser, a)
    star(browser, b)
    link = browser.find_element(By.ID, "share-link").get_attribute("href")
    assert link is not None and link.startswith(bundled.as_uri() + "#choix=")
    other = make_driver(tmp_path)
    try:
        other.get(link)
        WebDriverWait(other, 10).until(lambda d: d.execute_script("return !!window.colloquePage"))
        pressed = other.find_elements(By.CSS_SELECTOR, 'button.star[aria-pressed="true"]')
        ids = {p.find_element(By.XPATH, "..").get_attribute("data-session-id") for p in pressed}
        assert ids == {a, b}
        assert "2 sessions ajoutées" in other.find_element(By.ID, "mine-message").text
        # Kept on that device too, once received.
        other.get(bundled.as_uri())
        assert len(other.find_elements(By.CSS_SELECTOR, 'button.star[aria-pressed="true"]')) == 2
    finally:
        other.quit()


def test_a_received_link_never_drops_choices_already_made(
    browser: WebDriver, bundled: Path, home: Path
) -> None:
    a, b = overlapping_pair(home)
    open_page(browser, bundled)
    star(browser, a)
    open_page(browser, bundled.as_uri() + "#choix=" + b, fresh=False)
    assert browser.find_element(By.ID, "incoming").is_displayed()
    browser.find_element(By.ID, "incoming-add").click()
    pressed = browser.find_elements(By.CSS_SELECTOR, 'button.star[aria-pressed="true"]')
    assert {p.find_element(By.XPATH, "..").get_attribute("data-session-id") for p in pressed} == {
        a,
        b,
    }


def test_ics_download_is_the_cli_export_of_the_selection(
    browser: WebDriver, bundled: Path, home: Path, downloads: Path, tmp_path: Path
) -> None:
    a, b = overlapping_pair(home)
    for old in downloads.glob("*.ics"):
        old.unlink()
    open_page(browser, bundled)
    star(browser, a)
    star(browser, b)
    browser.find_element(By.ID, "download-ics").click()
    deadline = time.monotonic() + 10
    files: list[Path] = []
    while time.monotonic() < deadline and not files:
        files = list(downloads.glob("*.ics"))
        time.sleep(0.1)
    assert [f.name for f in files] == [
        "2025-03-04-renouveler-notre-pacte-social-un-defi-pour-les-territoires.ics"
    ]
    downloaded = files[0].read_bytes()
    calendar = Calendar.from_ical(downloaded)
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    whole = Calendar.from_ical(
        cli("--programme", str(PROGRAMME), "export", "--format", "ics", home=home).stdout
    )
    cli_uids = {str(e["SUMMARY"]): str(e["UID"]) for e in whole.walk("VEVENT")}
    titles = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert uids == [cli_uids[t] for t in titles]
    assert sorted(u.split("@")[0] for u in uids) == sorted([a, b])
    # Byte for byte what « colloque agenda export » writes for the same two sessions.
    for session_id in (a, b):
        cli("--programme", str(PROGRAMME), "agenda", "add", session_id, home=home)
    out = tmp_path / "agenda.ics"
    cli("--programme", str(PROGRAMME), "agenda", "export", "-o", str(out), home=home)
    cli("--programme", str(PROGRAMME), "agenda", "clear", "--yes", home=home)
    assert downloaded == out.read_bytes()


# --- time -----------------------------------------------------------------------------------


def test_now_banner_is_in_the_colloque_time_whatever_the_device(
    browser: WebDriver, bundled: Path, home: Path
) -> None:
    rows = sessions_json(PROGRAMME, home, "list", "--day", "mardi")
    running = next(r for r in rows if r["start"] <= "14:30" < r["end"])
    following = min((r for r in rows if r["start"] > "14:30"), key=lambda r: r["start"])
    open_page(browser, bundled, query="?maintenant=2025-03-04T14:30:00%2B01:00")
    assert (
        browser.execute_script("return Intl.DateTimeFormat().resolvedOptions().timeZone")
        == DEVICE_TZ
    )
    banner = browser.find_element(By.ID, "now")
    assert banner.is_displayed()
    lines = banner.text.splitlines()
    assert (
        lines[0].startswith("Maintenant\u202f: ")
        and f"(mardi 4 mars, {running['start']}–{running['end']})" in lines[0]
    )
    assert (
        lines[1].startswith("Ensuite\u202f: ")
        and f"(mardi 4 mars, {following['start']}–{following['end']})" in lines[1]
    )
    open_page(browser, bundled, query="?maintenant=2025-06-01T12:00:00Z")
    assert not browser.find_element(By.ID, "now").is_displayed()


# --- safety ---------------------------------------------------------------------------------


def test_no_network_request_from_file_or_web_server(browser: WebDriver, bundled: Path) -> None:
    requests_made(browser)  # drain
    open_page(browser, bundled)
    type_query(browser, "mobilité")
    star(browser, shown_ids(browser)[0])
    assert set(requests_made(browser)) == {bundled.as_uri()}

    handler = partial(QuietHandler, directory=str(bundled.parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{bundled.name}"
        open_page(browser, url)
        type_query(browser, "jeunesse")
        # The page itself, and nothing else: no font, script, image, not even a favicon.
        assert set(requests_made(browser)) == {url}
        assert set(QuietHandler.paths) == {f"/{bundled.name}"}
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    paths: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        QuietHandler.paths.append(self.path)


def test_hostile_text_stays_inert(browser: WebDriver, tmp_path: Path, home: Path) -> None:
    source = tmp_path / "hostile.yaml"
    source.write_text(HOSTILE, encoding="utf-8")
    page = tmp_path / "hostile.html"
    cli("--programme", str(source), "export", "--format", "html", "-o", str(page), home=home)
    open_page(browser, page)
    type_query(browser, "script")  # searched and highlighted too
    type_query(browser, "")
    for card in browser.find_elements(By.CSS_SELECTOR, "details"):
        card.click()
    assert browser.execute_script("return window.__pwned") is None
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.execute_script("return document.scripts.length") == 2
    assert browser.find_elements(By.CSS_SELECTOR, "main img, main a, main svg, main script") == []
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "main .title")]
    assert titles == [
        "<script>window.__pwned=3</script>",
        '"><img src=x onerror="window.__pwned=6">',
        "Avant gnp.exe après",  # bidi controls removed
    ]
    assert browser.find_element(By.TAG_NAME, "h1").text == "Colloque <b>piégé</b>"
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "javascript:window.__pwned=4" in text and "\u202e" not in text


# --- accessibility and looks -------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_accessibility_check_finds_no_serious_violation(
    browser: WebDriver, bundled: Path, home: Path, scheme: str
) -> None:
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )
    try:
        a, b = overlapping_pair(home)
        open_page(browser, bundled)
        star(browser, a)
        star(browser, b)  # the conflict warnings are shown too
        assert serious(run_axe(browser)) == []
        type_query(browser, "mobilité")  # highlighted results
        browser.find_element(By.CSS_SELECTOR, "main details summary").click()
        assert serious(run_axe(browser)) == []
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def test_keyboard_alone_searches_and_stars(browser: WebDriver, bundled: Path) -> None:
    open_page(browser, bundled)
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the skip link first
    assert browser.switch_to.active_element.text == "Aller aux sessions"
    browser.switch_to.active_element.send_keys(Keys.TAB)
    field = browser.switch_to.active_element
    assert field.get_attribute("type") == "search"
    outline = browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    field.send_keys("mobilite")
    # Tab on to the first result's star, past the filters and « Mon programme »'s buttons.
    for _ in range(30):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if "star" in (browser.switch_to.active_element.get_attribute("class") or ""):
            break
    button = browser.switch_to.active_element
    assert button.get_attribute("aria-pressed") == "false"
    button.send_keys(Keys.SPACE)
    assert button.get_attribute("aria-pressed") == "true"
    assert button.text.startswith("★")  # the state shows in its shape, not colour alone
    labels = browser.execute_script(
        "return [...document.querySelectorAll('input, select, button')]"
        ".filter(e => !e.labels?.length && !e.textContent.trim()).length"
    )
    assert labels == 0


def test_print_keeps_only_the_starred_sessions(
    browser: WebDriver, bundled: Path, home: Path
) -> None:
    a, b = overlapping_pair(home)
    open_page(browser, bundled)
    star(browser, a)
    # The starred session is not among what is shown: another day, another search.
    Select(browser.find_element(By.ID, "filter-day")).select_by_index(2)
    type_query(browser, "jeunes")
    assert a not in shown_ids(browser)
    # As window.print() would: the button prepares the page, the browser prints it.
    browser.execute_script("window.print = () => {}")
    browser.find_element(By.ID, "print-mine").click()
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        visible = browser.execute_script(
            "return [...document.querySelectorAll('[data-session-id]')]"
            ".filter(e => e.offsetParent !== null).map(e => e.dataset.sessionId)"
        )
        assert visible == [a]
        hidden = browser.execute_script(
            "return ['.controls', '.mine', '.star'].map(s => "
            "getComputedStyle(document.querySelector(s)).display)"
        )
        assert hidden == ["none", "none", "none"]
        pdf = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})
        assert pdf["data"]
        # Once printed, the page is as it was.
        browser.execute_script("window.dispatchEvent(new Event('afterprint'))")
        after = shown_ids(browser)
        assert after and a not in after
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


# --- a real, large programme -------------------------------------------------------------------


def test_fosdem_page_searches_fast_and_stays_offline(
    browser: WebDriver,
    fosdem: tuple[Path, Path],
    home: Path,
    record_property: Callable[[str, object], None],
) -> None:
    yaml, page = fosdem
    rows = sessions_json(yaml, home, "list")
    requests_made(browser)
    open_page(browser, page)
    assert len(shown_ids(browser)) == len(rows) == 943
    browser.execute_script("window.colloquePage.timing.all.length = 0")
    for query in ("rust", "kernel security", "postgresql replication", "webassembly"):
        type_query(browser, query)
        assert shown_ids(browser), query
    timings: list[float] = browser.execute_script("return window.colloquePage.timing.all")
    assert len(timings) >= 40
    record_property("keystroke_ms_median", statistics.median(timings))
    record_property("keystroke_ms_max", max(timings))
    # Not a benchmark: a sanity bound far above the 50 ms aimed at (see the README's figure).
    assert max(timings) < 200, timings
    assert set(requests_made(browser)) == {page.as_uri()}
    # The first result of a title word is a session with that word in its title.
    type_query(browser, "rust")
    first = browser.find_element(By.CSS_SELECTOR, "main [data-session-id] .title")
    assert "rust" in first.text.lower()


def test_fosdem_page_text_functions_agree_with_the_cli(
    browser: WebDriver, fosdem: tuple[Path, Path]
) -> None:
    _, page = fosdem
    open_page(browser, page)
    texts = browser.execute_script(
        "const d = JSON.parse(document.getElementById('colloque-data').textContent);"
        "return d.sessions.flatMap(s => [s.title, ...s.speakers]);"
    )
    check_text_parity(browser, texts)


def test_fosdem_page_is_accessible_on_a_phone(
    browser: WebDriver, fosdem: tuple[Path, Path]
) -> None:
    _, page = fosdem
    browser.set_window_size(360, 800)
    try:
        open_page(browser, page)
        type_query(browser, "python")
        assert serious(run_axe(browser)) == []
    finally:
        browser.set_window_size(1280, 900)


def test_screenshots_for_the_readme(
    browser: WebDriver, bundled: Path, home: Path, tmp_path: Path
) -> None:
    """Screens at 360 and 1280 px, for a person to look at (docs/ keeps the chosen ones):
    a search on a phone, the programme during the colloque with two choices on a desktop."""
    folder = Path(os.environ.get("COLLOQUE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    a, b = overlapping_pair(home)
    try:
        browser.set_window_size(360, 1300)  # a phone's screen and what scrolling shows
        open_page(browser, bundled)
        type_query(browser, "jeunes")
        browser.find_element(By.CSS_SELECTOR, "main details summary").click()
        assert browser.save_screenshot(str(folder / "page-360.png"))
        # Nothing wider than the screen: no horizontal scrolling on a phone.
        assert browser.execute_script("return document.documentElement.scrollWidth <= innerWidth")
        browser.set_window_size(1280, 900)
        open_page(browser, bundled, query="?maintenant=2025-03-04T14:30:00%2B01:00")
        star(browser, a)
        star(browser, b)
        browser.execute_script("window.scrollTo(0, 0)")
        assert browser.save_screenshot(str(folder / "page-1280.png"))
    finally:
        browser.set_window_size(1280, 900)
