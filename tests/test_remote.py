"""Programmes from a URL, against a real HTTP server on 127.0.0.1 (in the test process)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

import faults
from conftest import PROGRAMME, Run

NB = "\u202f"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before answering
    cut: bool = False  # announce the whole length, send half, close
    stall: float = 0.0  # after half the body, wait this long (a slow download)


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up early is expected here; the default prints to stderr,
        which the CLI runner would take for the command's own output."""


class Server:
    """A programme server: routes by path, ETag support, a log of the requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    route = Route(b"introuvable", status=404)
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.etag:
                    self.send_header("ETag", route.etag)
                self.send_header("Content-Length", str(len(route.body)))
                if route.cut:
                    self.send_header("Connection", "close")
                self.end_headers()
                if route.cut or route.stall:
                    half = len(route.body) // 2
                    self.wfile.write(route.body[:half])
                    self.wfile.flush()
                    if route.stall:
                        time.sleep(route.stall)
                        self.wfile.write(route.body[half:])
                    self.close_connection = True
                    return
                self.wfile.write(route.body)

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def gets(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.requests if p == path]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


V1 = PROGRAMME.read_bytes()


def version_2() -> bytes:
    """The bundled programme with one session moved to another room."""
    data = yaml.safe_load(V1.decode("utf-8"))
    by_id = {s["id"]: s for s in data["sessions"]}
    freed = by_id["non-recours"]["room"]
    data["sessions"] = [s for s in data["sessions"] if s["id"] != "non-recours"]
    by_id["citoyens-acteurs"]["room"] = freed
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def remote_folder(home: Path) -> Path:
    folders = list((home / "cache" / "remote").iterdir())
    assert len(folders) == 1
    return folders[0]


def meta(home: Path) -> dict:
    return json.loads((remote_folder(home) / "meta.json").read_text(encoding="utf-8"))


def local_when(moment: float) -> str:
    from colloque_cli.programme.remote import when

    return when(datetime.fromtimestamp(moment, UTC))


# --- online ---------------------------------------------------------------------------------


def test_first_use_downloads_then_reads_the_copy(run: Run, server: Server, isolated_env) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    first = run("--programme", url, "days")
    assert first.exit_code == 0, first.output
    assert "mardi 4 mars" in first.stdout
    assert first.stderr.strip() == f"Programme téléchargé de {url}."
    second = run("--programme", url, "rooms")
    assert second.exit_code == 0, second.output
    assert second.stderr == ""
    assert len(server.gets("/p.yaml")) == 1  # within the check interval: no request
    copy = remote_folder(isolated_env) / meta(isolated_env)["file"]
    assert copy.read_bytes() == V1  # a plain data file, as served


def test_environment_variable_names_the_url(run: Run, server: Server, monkeypatch) -> None:
    server.routes["/p.yaml"] = Route(V1)
    monkeypatch.setenv("COLLOQUE_PROGRAMME", server.url("/p.yaml"))
    result = run("show", "citoyens-acteurs")
    assert result.exit_code == 0, result.output
    assert "Les citoyens" in result.stdout


def test_update_asks_conditionally_and_says_up_to_date(
    run: Run, server: Server, isolated_env
) -> None:
    modified = {"Last-Modified": "Mon, 03 Mar 2025 17:02:00 GMT"}
    server.routes["/p.yaml"] = Route(V1, etag='"v1"', headers=modified)
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    result = run("--programme", url, "update")
    assert result.exit_code == 0, result.output
    sent = server.gets("/p.yaml")[-1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 03 Mar 2025 17:02:00 GMT"
    confirmed = meta(isolated_env)["confirmed_at"]
    assert result.stderr.strip() == f"Le programme est à jour (vérifié le {local_when(confirmed)})."


def test_a_changed_file_is_fetched_and_its_changes_shown(
    run: Run, server: Server, isolated_env
) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    server.routes["/p.yaml"] = Route(version_2(), etag='"v2"')
    result = run("--programme", url, "update")
    assert result.exit_code == 0, result.output
    assert "Nouvelle version du programme téléchargée." in result.stderr
    assert f"salle{NB}: Salle 1 → Salle Plénière" in result.stdout
    assert f"Annulée{NB}: «{NB}La lutte contre le non-recours" in result.stdout
    folder = remote_folder(isolated_env)
    names = sorted(p.name for p in folder.iterdir() if p.suffix == ".yaml")
    assert names == sorted([meta(isolated_env)["file"], meta(isolated_env)["previous"]])
    assert (folder / meta(isolated_env)["file"]).read_bytes() == version_2()


def test_automatic_check_when_due_reports_the_new_version(
    run: Run, server: Server, monkeypatch
) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    server.routes["/p.yaml"] = Route(version_2(), etag='"v2"')
    monkeypatch.setenv("COLLOQUE_CHECK_EVERY", "0.0001")  # due at once
    result = run("--programme", url, "days")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == (
        "Nouvelle version du programme téléchargée (1 session annulée, 1 session déplacée)."
    )


def test_automatic_checks_can_be_turned_off(run: Run, server: Server, monkeypatch) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    monkeypatch.setenv("COLLOQUE_CHECK_EVERY", "0")
    for _ in range(3):
        assert run("--programme", url, "days").exit_code == 0
    assert len(server.gets("/p.yaml")) == 1
    assert run("--programme", url, "update").exit_code == 0
    assert len(server.gets("/p.yaml")) == 2


def test_a_bad_interval_is_a_clear_message(run: Run, server: Server, monkeypatch) -> None:
    server.routes["/p.yaml"] = Route(V1)
    monkeypatch.setenv("COLLOQUE_CHECK_EVERY", "souvent")
    result = run("--programme", server.url("/p.yaml"), "days")
    assert result.exit_code == 1
    assert "COLLOQUE_CHECK_EVERY='souvent' : nombre de minutes attendu" in result.stderr


def test_redirects_are_followed(run: Run, server: Server) -> None:
    server.routes["/p.yaml"] = Route(V1)
    server.routes["/ancien"] = Route(status=301, headers={"Location": "/p.yaml"})
    result = run("--programme", server.url("/ancien"), "days")
    assert result.exit_code == 0, result.output
    assert "mardi 4 mars" in result.stdout


def test_a_redirect_loop_is_a_clear_message(run: Run, server: Server) -> None:
    server.routes["/a"] = Route(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Route(status=302, headers={"Location": "/a"})
    result = run("--programme", server.url("/a"), "days")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{server.url('/a')} : trop de redirections (plus de 5)."


def test_frab_schedule_at_a_url_is_converted(run: Run, server: Server) -> None:
    from colloque_cli.exporters.frab_xml import to_frab_xml
    from colloque_cli.programme.loader import load_programme

    programme = load_programme(PROGRAMME)
    server.routes["/schedule.xml"] = Route(to_frab_xml(programme, programme.sessions).encode())
    result = run("--programme", server.url("/schedule.xml"), "show", "citoyens-acteurs")
    assert result.exit_code == 0, result.output
    assert "Les citoyens" in result.stdout


def test_import_reads_a_url(run: Run, server: Server) -> None:
    from colloque_cli.exporters.frab_xml import to_frab_xml
    from colloque_cli.programme.loader import load_programme

    programme = load_programme(PROGRAMME)
    server.routes["/schedule.xml"] = Route(to_frab_xml(programme, programme.sessions).encode())
    result = run("import", server.url("/schedule.xml"))
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(result.stdout)["colloque"]["title"] == programme.colloque.title
    assert len(yaml.safe_load(result.stdout)["sessions"]) == len(programme.sessions)


def test_changes_compares_the_published_version_with_a_file(
    run: Run, server: Server, tmp_path: Path
) -> None:
    # An organiser checks their edited file against what is online, before publishing it.
    server.routes["/p.yaml"] = Route(V1)
    edited = tmp_path / "programme.yaml"
    edited.write_bytes(version_2())
    result = run("changes", server.url("/p.yaml"), str(edited))
    assert result.exit_code == 0, result.output
    assert f"salle{NB}: Salle 1 → Salle Plénière" in result.stdout
    assert f"Annulée{NB}: «{NB}La lutte contre le non-recours" in result.stdout
    # and the other way round, as markdown
    server.routes["/p2.yaml"] = Route(version_2())
    back = run("changes", str(PROGRAMME), server.url("/p2.yaml"), "-f", "markdown")
    assert back.exit_code == 0, back.output
    assert "non-recours" in back.stdout


def test_changes_names_an_address_it_cannot_read(run: Run, server: Server) -> None:
    server.routes["/absent.yaml"] = Route(b"absent", status=404)
    url = server.url("/absent.yaml")
    result = run("changes", url, str(PROGRAMME))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"{url} : aucun programme à cette adresse (HTTP 404)")


# --- failures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"absent", status=404), "aucun programme à cette adresse (HTTP 404)"),
        (Route(b"panne", status=500), "erreur du serveur (HTTP 500)"),
        (Route(V1, cut=True), "téléchargement interrompu"),
        (Route(b"colloque: [\n", status=200), "le programme téléchargé est invalide ligne"),
        (Route(b"   \n"), "le serveur a envoyé un fichier vide"),
        (Route(b"<html><body>Maintenance</body></html>"), "le programme téléchargé est illisible"),
    ],
    ids=["404", "500", "cut", "invalid", "empty", "html"],
)
def test_failure_without_a_copy(run: Run, server: Server, route: Route, message: str) -> None:
    server.routes["/p.yaml"] = route
    url = server.url("/p.yaml")
    result = run("--programme", url, "days")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"{url} : {message}")
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"absent", status=404), "aucun programme à cette adresse (HTTP 404)"),
        (Route(b"panne", status=500), "erreur du serveur (HTTP 500)"),
        (Route(version_2(), cut=True), "téléchargement interrompu"),
        (Route(b"sessions: 3\n"), "le programme téléchargé est invalide"),
    ],
    ids=["404", "500", "cut", "invalid"],
)
def test_a_bad_download_never_replaces_the_good_copy(
    run: Run, server: Server, isolated_env, monkeypatch, route: Route, message: str
) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    before = meta(isolated_env)
    server.routes["/p.yaml"] = route
    # explicitly: the update fails, says why, and keeps the copy
    update = run("--programme", url, "update")
    assert update.exit_code == 1
    copy_time = local_when(before["confirmed_at"])
    assert message in update.stderr
    assert update.stderr.strip().endswith(f"La copie du {copy_time} est gardée.")
    after = meta(isolated_env)
    assert (after["file"], after["etag"]) == (before["file"], before["etag"])
    assert (remote_folder(isolated_env) / after["file"]).read_bytes() == V1
    # automatically: one line, and the command works from the copy
    monkeypatch.setenv("COLLOQUE_CHECK_EVERY", "0.0001")
    days = run("--programme", url, "days")
    assert days.exit_code == 0, days.output
    assert "mardi 4 mars" in days.stdout
    assert days.stderr.strip().startswith("mise à jour impossible (")
    assert days.stderr.strip().endswith(f") : programme du {copy_time}")
    assert len(days.stderr.strip().splitlines()) == 1


def test_offline_uses_the_copy_with_a_one_line_notice(
    run: Run, server: Server, isolated_env, monkeypatch
) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    server.stop()  # nobody answers on that port any more
    server.stop = lambda: None  # type: ignore[method-assign]
    monkeypatch.setenv("COLLOQUE_CHECK_EVERY", "0.0001")
    result = run("--programme", url, "days")
    assert result.exit_code == 0, result.output
    assert "mardi 4 mars" in result.stdout
    copy_time = local_when(meta(isolated_env)["confirmed_at"])
    assert result.stderr == f"hors ligne : programme du {copy_time}\n"


def test_offline_without_a_copy_is_an_error(run: Run, server: Server) -> None:
    url = server.url("/p.yaml")
    server.stop()
    server.stop = lambda: None  # type: ignore[method-assign]
    result = run("--programme", url, "days")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{url} : serveur injoignable (hors ligne ?)."


def test_a_slow_server_times_out(run: Run, server: Server, monkeypatch) -> None:
    server.routes["/p.yaml"] = Route(V1, delay=3)
    monkeypatch.setenv("COLLOQUE_TIMEOUT", "0.3")
    url = server.url("/p.yaml")
    result = run("--programme", url, "days")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{url} : le serveur ne répond pas (délai dépassé)."


def test_tls_errors_are_a_clear_message(run: Run, tmp_path: Path) -> None:
    import ssl

    import trustme

    authority = trustme.CA()  # a certificate authority nobody trusts
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    httpd = QuietServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        url = f"https://127.0.0.1:{httpd.server_address[1]}/p.yaml"
        result = run("--programme", url, "days")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"{url} : connexion sécurisée impossible (certificat refusé ou TLS invalide)."
    )


def test_update_needs_a_url(run: Run) -> None:
    result = run("--programme", str(PROGRAMME), "update")
    assert result.exit_code == 2
    assert "suit un programme publié en ligne" in result.stderr


# --- concurrent and killed refreshes --------------------------------------------------------


def _colloque(*args: str, home: Path, fault: str | None = None) -> subprocess.Popen[bytes]:
    """A real ``colloque`` process; with ``fault``, its safe writes pause there (faults.py)."""
    environment = {**os.environ, "COLLOQUE_HOME": str(home)}
    return subprocess.Popen(
        [*faults.colloque(fault), *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_two_processes_refreshing_at_once(server: Server, isolated_env) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"', delay=0.3)
    url = server.url("/p.yaml")
    first = _colloque("--programme", url, "update", home=isolated_env)
    second = _colloque("--programme", url, "update", home=isolated_env)
    outcomes = [p.communicate(timeout=60) for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outcomes
    stored = meta(isolated_env)
    folder = remote_folder(isolated_env)
    assert (folder / stored["file"]).read_bytes() == V1
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]
    # the second one waited for the first and then found the same file (304 or same bytes)
    messages = sorted(err.decode().strip() for _, err in outcomes)
    assert messages[0].startswith("Le programme est à jour")
    assert messages[1].startswith("Programme téléchargé de")


def test_sigkill_during_a_slow_download_keeps_the_copy(
    run: Run, server: Server, isolated_env
) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    before = meta(isolated_env)
    server.routes["/p.yaml"] = Route(version_2(), etag='"v2"', stall=30)
    process = _colloque("--programme", url, "update", home=isolated_env)
    deadline = time.monotonic() + 30
    while len(server.gets("/p.yaml")) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # the first half of the body has been sent
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert meta(isolated_env) == before
    result = run("--programme", url, "show", "citoyens-acteurs")
    assert result.exit_code == 0, result.output
    assert "Salle 1" in result.stdout


@pytest.mark.parametrize("step", ["mid-write", "before-rename"])
def test_sigkill_while_writing_the_copy(run: Run, server: Server, isolated_env, step: str) -> None:
    server.routes["/p.yaml"] = Route(V1, etag='"v1"')
    url = server.url("/p.yaml")
    assert run("--programme", url, "days").exit_code == 0
    before = meta(isolated_env)
    server.routes["/p.yaml"] = Route(version_2(), etag='"v2"')
    process = _colloque("--programme", url, "update", home=isolated_env, fault=step)
    folder = remote_folder(isolated_env)
    deadline = time.monotonic() + 30
    while not [p for p in folder.iterdir() if p.suffix == ".tmp"]:
        assert time.monotonic() < deadline, "the writer never paused"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert meta(isolated_env) == before
    assert (folder / before["file"]).read_bytes() == V1
    # the next refresh completes and leaves no temporary file behind
    result = run("--programme", url, "update")
    assert result.exit_code == 0, result.output
    assert (folder / meta(isolated_env)["file"]).read_bytes() == version_2()
    assert not [p for p in folder.iterdir() if p.suffix == ".tmp"]


def test_validate_checks_the_copy_of_a_url(run: Run, server: Server) -> None:
    server.routes["/p.yaml"] = Route(V1)
    result = run("--programme", server.url("/p.yaml"), "validate")
    assert result.exit_code == 0, result.output
    assert "est valide\u202f: 28 sessions" in result.stdout
