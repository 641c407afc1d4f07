"""A programme downloaded over HTTP(S): whole, checked, with French messages for every failure.

``fetch`` makes one (conditional) GET and returns the body with its validators (ETag,
Last-Modified); ``programme_text`` checks the body is a programme (converting frab/pretalx).
What to keep of it, and when to ask again, is ``remote``'s job. httpx is imported only when
a download is really made.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ..errors import ProgrammeError, RemoteError

MAX_BYTES = 64 * 1024 * 1024
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
TIMEOUT_ENV = "COLLOQUE_TIMEOUT"  # seconds to wait for the server, instead of READ_TIMEOUT
# An automatic check must not hold a command up long: offline, it gives up sooner.
QUICK_TIMEOUT = 3.0
MAX_REDIRECTS = 5
USER_AGENT = "colloque (programme de colloque ; https://pypi.org/project/colloque-cli/)"


class Unreachable(RemoteError):
    """No answer at all: no network, name unknown, connection refused, time out."""


@dataclass
class Fetched:
    body: bytes
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    quick: bool = False,
) -> Fetched:
    """GET ``url`` (conditionally when ``etag``/``last_modified``), whole and checked.

    Every failure is a ``RemoteError`` with a French message naming the URL.
    """
    import httpx

    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    wait = _timeout()
    connect = min(CONNECT_TIMEOUT, QUICK_TIMEOUT, wait) if quick else min(CONNECT_TIMEOUT, wait)
    timeout = httpx.Timeout(wait, connect=connect)
    shown = _shown(url)
    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=True, max_redirects=MAX_REDIRECTS, headers=headers
        ) as client:
            with client.stream("GET", url) as response:
                if response.url.scheme == "http" and url.lower().startswith("https://"):
                    raise RemoteError(
                        f"{shown} : redirigé vers une adresse non chiffrée "
                        f"({_shown(str(response.url))}), refusé."
                    )
                if response.status_code == 304:
                    return Fetched(b"", etag, last_modified, not_modified=True)
                if response.status_code >= 400:
                    raise RemoteError(f"{shown} : {_http_reason(response.status_code)}.")
                if response.status_code != 200:
                    raise RemoteError(
                        f"{shown} : réponse inattendue du serveur (HTTP {response.status_code})."
                    )
                body = _read_whole(response, shown)
                return Fetched(
                    body,
                    response.headers.get("ETag"),
                    response.headers.get("Last-Modified"),
                )
    except RemoteError:
        raise
    except httpx.TooManyRedirects:
        raise RemoteError(f"{shown} : trop de redirections (plus de {MAX_REDIRECTS}).") from None
    except httpx.TimeoutException:
        raise Unreachable(f"{shown} : le serveur ne répond pas (délai dépassé).") from None
    except httpx.ConnectError as error:
        if _is_tls(error):
            raise RemoteError(
                f"{shown} : connexion sécurisée impossible (certificat refusé ou TLS invalide)."
            ) from None
        raise Unreachable(f"{shown} : serveur injoignable (hors ligne ?).") from None
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.DecodingError):
        raise RemoteError(
            f"{shown} : téléchargement interrompu (fichier incomplet ou illisible)."
        ) from None
    except httpx.UnsupportedProtocol:
        raise RemoteError(f"{shown} : adresse non prise en charge (http ou https).") from None
    except httpx.InvalidURL:
        raise RemoteError(f"{shown} : adresse invalide.") from None
    except httpx.HTTPError as error:
        raise RemoteError(f"{shown} : échec du téléchargement ({type(error).__name__}).") from None
    except ValueError:  # a malformed URL rejected before any request
        raise RemoteError(f"{shown} : adresse invalide.") from None


def _timeout() -> float:
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    try:
        value = float(raw.replace(",", ".")) if raw else READ_TIMEOUT
    except ValueError:
        return READ_TIMEOUT
    return value if 0 < value < 3600 else READ_TIMEOUT


def _read_whole(response: Any, shown: str) -> bytes:
    """The body, at most ``MAX_BYTES``, and as long as the server announced."""
    chunks = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > MAX_BYTES:
            raise RemoteError(
                f"{shown} : fichier trop volumineux (plus de {MAX_BYTES // 2**20} Mo)."
            )
        chunks.append(chunk)
    body = b"".join(chunks)
    announced = response.headers.get("Content-Length")
    encoded = response.headers.get("Content-Encoding", "identity").lower() != "identity"
    if announced and announced.isdigit() and not encoded and int(announced) != len(body):
        raise RemoteError(f"{shown} : téléchargement interrompu (fichier incomplet).")
    if not body.strip():
        raise RemoteError(f"{shown} : le serveur a envoyé un fichier vide.")
    return body


def _http_reason(status: int) -> str:
    reasons = {
        401: "accès refusé (authentification demandée, HTTP 401)",
        403: "accès refusé (HTTP 403)",
        404: "aucun programme à cette adresse (HTTP 404)",
        410: "le programme n'est plus publié à cette adresse (HTTP 410)",
        429: "trop de demandes, le serveur demande d'attendre (HTTP 429)",
    }
    if status in reasons:
        return reasons[status]
    if status >= 500:
        return f"erreur du serveur (HTTP {status})"
    return f"demande refusée par le serveur (HTTP {status})"


def _is_tls(error: BaseException) -> bool:
    import ssl

    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError) or "SSL" in str(seen) or "CERTIFICATE" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _shown(url: str) -> str:
    from ..text import shown

    return shown(url, 100)


def programme_text(raw: bytes, url: str) -> str:
    """The programme file (YAML) of downloaded bytes, checked; frab/pretalx are converted.

    Anything that is not a valid programme is a ``RemoteError``: the copy is not replaced.
    """
    from ..importers import ScheduleError
    from .source import decode

    shown = _shown(url)
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    try:
        if head in (b"<", b"{", b"["):
            from ..importers import import_schedule

            return import_schedule(raw, url).text
        from .loader import parse_programme

        text = decode(raw, url)
        parse_programme(text, url)
        return text
    except ProgrammeError as error:
        first = error.problems[0] if error.problems else None
        reason = first.message if first else str(error)
        more = (
            f" (et {len(error.problems) - 1} autres problèmes)" if len(error.problems) > 1 else ""
        )
        where = f" ligne {first.line}" if first and first.line else ""
        raise RemoteError(
            f"{shown} : le programme téléchargé est invalide{where} : {reason}{more}."
        ) from None
    except ScheduleError as error:
        raise RemoteError(
            f"{shown} : le programme téléchargé est illisible : {str(error).rstrip('.')}."
        ) from None


def download(url: str) -> bytes:
    """The bytes at ``url`` (for ``colloque import URL``), with the same checks."""
    return fetch(url).body
