"""HTTP with the standard library: every failure sorted into what the worker must do."""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from sync import protocol
from sync.client import state
from sync.client.errors import AuthFailed, CursorExpired, NetworkDown, SyncError, TooLarge
from sync.client.transport import Transport, check_url


class Stub:
    """A loopback HTTP server answering with whatever the test put in ``reply``."""

    def __init__(self) -> None:
        self.reply: Any = (200, {"protocol": 1, "server_time_ms": 0, "server_id": "s"}, {})
        self.seen: list[dict[str, Any]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                stub.seen.append({"path": self.path, "headers": dict(self.headers), "body": raw})
                reply = stub.reply
                if callable(reply):
                    reply(self)
                    return
                status, body, headers = reply
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = _answer
            do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    yield server
    server.close()


def problem(code: str) -> dict[str, str]:
    return {"code": code, "message_zh": "服务器说明", "message_en": "What the server says"}


def test_meta_carries_the_token_when_there_is_one_and_a_push_carries_it_compressed(stub):
    assert Transport(stub.url, None, timeout=5).meta().server_id == "s"  # before enrolment: none
    assert "Authorization" not in stub.seen.pop(0)["headers"]
    transport = Transport(stub.url, "secret-token", timeout=5)
    assert transport.meta().server_id == "s"
    # With the token the server says which of this device's changes it holds (Meta.device_seq).
    assert stub.seen[0]["headers"]["Authorization"] == "Bearer secret-token"
    stub.reply = (200, {"results": [], "server_time_ms": 1}, {})
    change = protocol.Change(
        1, "visit", "id", "insert", "0000000000001:0000:d", "640104001", None, {"x": "长" * 2000}
    )
    transport.push(protocol.PushRequest("dev", [change]))
    sent = stub.seen[1]
    assert sent["headers"]["Authorization"] == "Bearer secret-token"
    assert sent["headers"]["Content-Encoding"] == "gzip"
    assert json.loads(sent["body"])["changes"][0]["fields"]["x"] == "长" * 2000


def test_a_gzip_reply_is_inflated(stub):
    body = gzip.compress(json.dumps({"changes": [], "cursor": 7, "more": False}).encode())
    stub.reply = (200, body, {"Content-Encoding": "gzip"})
    assert Transport(stub.url, "t", timeout=5).pull(0).cursor == 7


@pytest.mark.parametrize(
    ("status", "code", "kind", "error_type"),
    [
        (401, "revoked", "auth", AuthFailed),
        (401, "bad_token", "auth", AuthFailed),
        (410, "cursor_expired", "other", CursorExpired),
        (413, "too_large", "other", TooLarge),
        (503, "busy", "network", NetworkDown),
        (429, "rate_limited", "network", NetworkDown),
        (409, "protocol", "other", SyncError),
        (403, "code_used", "other", SyncError),
        (500, "", "other", SyncError),
    ],
)
def test_refusals_are_sorted_by_what_to_do(stub, status, code, kind, error_type):
    stub.reply = (status, problem(code) if code else b"oops", {})
    with pytest.raises(error_type) as error:
        Transport(stub.url, "t", timeout=5).pull(0)
    assert error.value.kind == kind
    if code:
        assert error.value.code == code
    if code == "revoked":
        assert "enrol this computer again" in error.value.render("en")
        assert "数据和待同步的修改都保留在本机" in error.value.render("zh_CN")
    if code == "code_used":
        assert error.value.render("en") == "What the server says"


def test_no_server_listening_is_a_network_failure():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(NetworkDown) as error:
        Transport(f"http://127.0.0.1:{port}", "t", timeout=2).meta()
    assert error.value.kind == "network"
    assert "connection refused" in error.value.render("en")


def test_a_reply_cut_short_is_a_network_failure(stub):
    def cut(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b'{"changes": [')
        handler.wfile.flush()
        handler.close_connection = True

    stub.reply = cut
    with pytest.raises(NetworkDown):
        Transport(stub.url, "t", timeout=5).pull(0)


def test_a_silent_server_times_out(stub):
    def hang(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(3)

    stub.reply = hang
    started = time.monotonic()
    with pytest.raises(NetworkDown) as error:
        Transport(stub.url, "t", timeout=0.5).meta()
    assert time.monotonic() - started < 2.5
    assert "timed out" in error.value.render("en")


def test_a_reply_that_is_not_the_message_is_refused_clearly(stub):
    stub.reply = (200, {"unexpected": True}, {})
    with pytest.raises(SyncError) as error:
        Transport(stub.url, "t", timeout=5).pull(0)
    assert error.value.code == "bad_reply"


def test_only_https_leaves_this_computer():
    assert check_url("https://sync.example.cn/") == "https://sync.example.cn"
    assert check_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    with pytest.raises(SyncError):
        check_url("http://sync.example.cn")


def test_the_meta_check_refuses_another_protocol_and_a_wrong_clock():
    now = time.time() * 1000
    state.check_meta(protocol.Meta(protocol.PROTOCOL_VERSION, int(now), "s"), now)
    with pytest.raises(SyncError) as error:
        state.check_meta(protocol.Meta(protocol.PROTOCOL_VERSION + 1, int(now), "s"), now)
    assert error.value.code == "protocol"
    with pytest.raises(SyncError) as error:
        state.check_meta(protocol.Meta(protocol.PROTOCOL_VERSION, int(now + 11 * 60_000), "s"), now)
    assert error.value.code == "clock_skew" and "11" in error.value.render("en")
    assert "校准本机的日期和时间" in error.value.render("zh_CN")
