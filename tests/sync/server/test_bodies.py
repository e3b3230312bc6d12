"""Whatever arrives, the answer is a Problem with a 4xx status: gzip within the limit, JSON that a
database can hold, messages of the right shape. Never a 5xx."""

from __future__ import annotations

import functools
import gzip
import json
import time
import zlib

import pytest

from sync import protocol
from tests.sync.server.harness import Server


def test_a_gzip_body_is_accepted(server: Server) -> None:
    device = server.enrol()
    person = device.person(notes="x" * 5000)  # big enough that the client compresses it
    body, headers = protocol.compress(json.dumps(device.request([person])).encode())
    assert headers.get("Content-Encoding") == "gzip"
    response = server.client.post("/v1/push", content=body, headers={**headers, **device.headers})
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "applied"


def test_a_large_reply_is_gzipped_for_clients_that_ask(server: Server) -> None:
    device = server.enrol()
    person = device.person(notes="x" * 5000)
    device.push_ok([person])
    response = server.client.get("/v1/pull", headers={**device.headers, "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.json()["changes"][0]["fields"]["notes"] == "x" * 5000


@functools.cache
def gzip_bomb() -> bytes:
    """About 100 KB that inflate to 96 MiB, twelve times the limit."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(96)) + compressor.flush()


def test_a_gzip_bomb_is_refused_without_inflating_it(server: Server) -> None:
    device = server.enrol()
    bomb = gzip_bomb()
    assert len(bomb) < 200_000
    started = time.monotonic()
    response = server.client.post(
        "/v1/push",
        content=bomb,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json", **device.headers},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert time.monotonic() - started < 5


def test_a_body_over_the_limit_is_refused(server: Server) -> None:
    device = server.enrol()
    body = b" " * (protocol.MAX_BODY_BYTES + 1)
    response = server.client.post("/v1/push", content=body, headers=device.headers)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def change_json(**overrides: object) -> dict[str, object]:
    change: dict[str, object] = {
        "seq": 1,
        "entity": "visit",
        "id": "0195f0c2-0000-7000-8000-000000000001",
        "op": "insert",
        "hlc": f"{int(time.time() * 1000):013d}:0000:dev",
        "office_code": "640104001",
        "person_id": None,
        "fields": {},
    }
    change.update(overrides)
    return change


MALFORMED: list[tuple[str, bytes, dict[str, str]]] = [
    ("not json", b"{bad", {}),
    ("empty", b"", {}),
    ("a list", b"[1, 2]", {}),
    ("a string", b'"push"', {}),
    ("missing changes", b'{"device_id": "x"}', {}),
    ("changes not a list", b'{"device_id": "x", "changes": 5}', {}),
    ("seq a word", json.dumps({"device_id": "x", "changes": [change_json(seq="one")]}).encode(), {}),
    ("op unknown", json.dumps({"device_id": "x", "changes": [change_json(op="delete")]}).encode(), {}),
    ("fields a list", json.dumps({"device_id": "x", "changes": [change_json(fields=[1])]}).encode(), {}),
    ("NaN", b'{"device_id": "x", "changes": [], "client_time_ms": NaN}', {}),
    (
        "NUL in a value",
        json.dumps({"device_id": "x", "changes": [change_json(fields={"a": "\0"})]}).encode(),
        {},
    ),
    ("lone surrogate", b'{"device_id": "x\\ud800", "changes": []}', {}),
    ("deep nesting", b'{"device_id": "x", "changes": [], "z": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", {}),
    ("not utf-8", b'{"device_id": "\xff\xfe"}', {}),
    ("huge seq", json.dumps({"device_id": "x", "changes": [change_json(seq=2**70)]}).encode(), {}),
    ("damaged gzip", b"\x1f\x8b\x08\x00garbage", {"Content-Encoding": "gzip"}),
    (
        "truncated gzip",
        gzip.compress(b'{"device_id": "x", "changes": []}')[:20],
        {"Content-Encoding": "gzip"},
    ),
    ("brotli", b"{}", {"Content-Encoding": "br"}),
    # Under the size limit, but a million objects took gigabytes to parse and validate (413: send less).
    ("a million tiny objects", b'{"device_id":"x","changes":[' + b'{"a":0},' * 999_999 + b'{"a":0}]}', {}),
]


@pytest.mark.parametrize(("name", "body", "headers"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_push_is_4xx_with_a_problem(
    server: Server, name: str, body: bytes, headers: dict
) -> None:
    device = server.enrol()
    response = server.client.post(
        "/v1/push", content=body, headers={"Content-Type": "application/json", **headers, **device.headers}
    )
    assert 400 <= response.status_code < 500, (name, response.status_code, response.text)
    problem = response.json()
    assert problem["code"] in {"invalid", "too_large"}
    assert problem["message_zh"] and problem["message_en"]


@pytest.mark.parametrize(
    "body",
    [
        b"{bad",
        b"[]",
        b'{"code": 5}',
        b'{"code": "x"}',
        b'{"code": "x", "device_name": "\\u0000", "client_version": ""}',
    ],
)
def test_a_malformed_enrolment_is_4xx(server: Server, body: bytes) -> None:
    response = server.client.post("/v1/enroll", content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.json()["code"] == "invalid"


def test_a_malformed_resolution_is_4xx(server: Server) -> None:
    supervisor = server.enrol(role="supervisor")
    for body in (b"{}", b'{"field": 5}', b"nope"):
        response = server.client.post(
            "/v1/conflicts/00000000-0000-4000-8000-000000000000/resolve",
            content=body,
            headers={"Content-Type": "application/json", **supervisor.headers},
        )
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid"


def test_unknown_paths_and_methods_are_problems(server: Server) -> None:
    missing = server.client.get("/v1/nothing")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    wrong = server.client.get("/v1/push")
    assert wrong.status_code == 405 and wrong.json()["code"] == "invalid"
