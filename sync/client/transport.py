"""HTTP to the sync server with the standard library only, so the desktop build needs no extra package.

One request per call, with a timeout; bodies are gzip-compressed per ``sync.protocol.compress``.
Every failure comes out as a ``SyncError`` of the right kind: a link that is down, a reply cut short
or garbled, a proxy's 502 are ``network`` (try later); a refusal carries the server's ``Problem``.
"""

from __future__ import annotations

import functools
import http.client
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from app import __version__
from sync import protocol
from sync.client.errors import BAD_REPLY, BAD_URL, NetworkDown, SyncError, error_from_problem

DEFAULT_TIMEOUT = 30.0
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def check_url(url: str) -> str:
    """The server's base URL without a trailing slash; plain HTTP only to this computer itself."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme == "https" and parsed.hostname:
        return url.strip().rstrip("/")
    if parsed.scheme == "http" and parsed.hostname in LOOPBACK:
        return url.strip().rstrip("/")
    raise SyncError(BAD_URL(url=url), "bad_url")


class Transport:
    """The client side of ``sync.protocol``'s endpoints."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        ssl_context: ssl.SSLContext | None = None,
        on_request: Callable[[str], None] | None = None,
        on_bytes: Callable[[int, int], None] | None = None,
    ) -> None:
        self.base_url = check_url(base_url)
        self.token = token
        self.timeout = timeout
        handlers: list[Any] = []
        if self.base_url.startswith("https:"):
            handlers.append(urllib.request.HTTPSHandler(context=ssl_context or _default_tls()))
        if urllib.parse.urlsplit(self.base_url).hostname in LOOPBACK:
            handlers.append(urllib.request.ProxyHandler({}))  # never send loopback traffic to a proxy
        self._opener = urllib.request.build_opener(*handlers)
        self._on_request = on_request  # tests count requests
        self._on_bytes = on_bytes  # the benchmarks count body bytes (sent, received) as on the wire

    # ---- endpoints ----------------------------------------------------------------------------------
    def meta(self) -> protocol.Meta:
        # The token, when there is one, lets the server say which of this device's changes it holds.
        return _decode(protocol.Meta, self._call("GET", "/v1/meta"))

    def enroll(self, request: protocol.EnrollRequest) -> protocol.EnrollResponse:
        body = self._call("POST", "/v1/enroll", protocol.to_json(request), auth=False)
        return _decode(protocol.EnrollResponse, body)

    def push(
        self, request: protocol.PushRequest, prepared: protocol.Prepared | None = None
    ) -> protocol.PushResponse:
        """``prepared``: the request as it goes on the wire (compressed), made already (``flow._send``)."""
        prepared = prepared or protocol.compress(protocol.to_json(request))
        return _decode(protocol.PushResponse, self._call("POST", "/v1/push", prepared=prepared))

    def pull(self, after: int, limit: int = protocol.PAGE) -> protocol.PullResponse:
        body = self._call("GET", f"/v1/pull?after={int(after)}&limit={int(limit)}")
        return _decode(protocol.PullResponse, body)

    def snapshot(self, after: str, limit: int = protocol.PAGE) -> protocol.SnapshotPage:
        query = urllib.parse.urlencode({"after": after, "limit": int(limit)})
        return _decode(protocol.SnapshotPage, self._call("GET", f"/v1/snapshot?{query}"))

    def resolve(self, conflict_id: str, request: protocol.ResolveRequest) -> protocol.PushResponse:
        path = f"/v1/conflicts/{urllib.parse.quote(conflict_id, safe='')}/resolve"
        return _decode(protocol.PushResponse, self._call("POST", path, protocol.to_json(request)))

    # ---- one request --------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        *,
        auth: bool = True,
        prepared: protocol.Prepared | None = None,
    ) -> dict[str, Any]:
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": "gzip",
            "User-Agent": f"RehabDesk/{__version__}",
        }
        data = None
        if body is not None:
            prepared = protocol.compress(body)
        if prepared is not None:
            data, extra = prepared
            headers.update(extra)
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        if self._on_request is not None:
            self._on_request(path)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
                if self._on_bytes is not None:
                    self._on_bytes(len(data or b""), len(raw))
                encoding = response.headers.get("Content-Encoding")
                return _parse(protocol.decompress(raw, encoding))
        except urllib.error.HTTPError as error:
            raise self._refusal(error) from None
        except SyncError:
            raise
        except ValueError as error:  # a gzip body that does not inflate, or one over the limit
            raise SyncError(BAD_REPLY(detail=str(error)[:80]), "bad_reply") from None
        except (urllib.error.URLError, http.client.HTTPException, OSError, EOFError) as error:
            raise NetworkDown(_describe(error)) from None

    def _refusal(self, error: urllib.error.HTTPError) -> SyncError:
        try:
            raw = error.read()
            problem = _parse(protocol.decompress(raw, error.headers.get("Content-Encoding")))
            code = str(problem.get("code", ""))
            zh, en = str(problem.get("message_zh", "")), str(problem.get("message_en", ""))
        except (OSError, http.client.HTTPException, ValueError, SyncError):
            code, zh, en = "", "", ""  # a refusal without a Problem body (a proxy's page): the status decides
        return error_from_problem(error.code, code, zh, en)


@functools.cache
def _default_tls() -> ssl.SSLContext:
    """The system's trusted certificates, loaded once (it takes a tenth of a second)."""
    return ssl.create_default_context()


def _parse(raw: bytes) -> dict[str, Any]:
    try:
        value = protocol.loads(raw)
    except ValueError:
        # A reply cut short (a link that dropped mid-body, a proxy) is a network failure: try again later.
        raise NetworkDown("reply cut short") from None
    if not isinstance(value, dict):
        raise SyncError(BAD_REPLY(detail="not a JSON object"), "bad_reply")
    return value


def _decode(kind: type, body: dict[str, Any]) -> Any:
    try:
        return protocol.from_json(kind, body)
    except (ValueError, TypeError, KeyError):
        raise SyncError(BAD_REPLY(detail=f"not a {kind.__name__}"), "bad_reply") from None


def _describe(error: BaseException) -> str:
    """A short, value-free description of a network failure for the message and the log."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, ConnectionResetError | http.client.RemoteDisconnected | BrokenPipeError):
        return "connection dropped"
    if isinstance(reason, socket.gaierror):
        return "server name not found"
    if isinstance(reason, ssl.SSLError):
        return "TLS failed"
    return type(reason).__name__
