"""Enrolment: a one-time code makes one device; used, expired and guessed codes are refused."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sync import protocol
from sync.server import devices, enrolment
from sync.server.db import utcnow
from sync.server.problems import AdminError
from sync.server.schema import Device, EnrolmentCode
from tests.sync.server.harness import COUNTY, TOWNSHIP, Server


def enroll(client: TestClient, code: str, **extra: object) -> object:
    return client.post(
        "/v1/enroll", json={"code": code, "device_name": "办公室电脑", "client_version": "1.0", **extra}
    )


def test_a_code_makes_one_device_and_works_once(server: Server) -> None:
    server.office(TOWNSHIP, "胜利街道")
    code = server.code(TOWNSHIP, "worker")
    assert len(code) == 11 and code[5] == "-"  # two groups of five, read aloud

    # Typed as people type it: lower case, no dash, a stray space.
    first = enroll(server.client, " " + code.replace("-", "").lower())
    assert first.status_code == 200, first.text
    made = protocol.from_json(protocol.EnrollResponse, first.json())
    assert (made.office_code, made.scope, made.role) == (TOWNSHIP, TOWNSHIP, "worker")
    assert len(base64.b64decode(made.bundle_key)) == 32

    again = enroll(server.client, code)
    assert again.status_code == 403
    assert again.json()["code"] == "code_used"
    assert again.json()["message_zh"] and again.json()["message_en"]

    with server.storage.read() as session:
        device = session.scalars(select(Device)).one()
        assert device.token_hash == hashlib.sha256(made.token.encode()).hexdigest()
        assert made.token not in repr(vars(device))  # only the hash is kept
        row = session.scalars(select(EnrolmentCode)).one()
        assert row.used_by == device.id and row.attempts == 2
        assert code.replace("-", "") not in row.code_hash


def test_the_token_works_and_sees_its_scope(server: Server) -> None:
    device = server.enrol(TOWNSHIP)
    assert device.pull().status_code == 200


def test_an_expired_code_is_refused(server: Server) -> None:
    server.office(TOWNSHIP)
    code = server.code(TOWNSHIP, expires=timedelta(hours=1))
    an_hour_ago = utcnow() - timedelta(hours=1)
    server.storage.write(lambda s: s.execute(update(EnrolmentCode).values(expires_at=an_hour_ago)))
    response = enroll(server.client, code)
    assert response.status_code == 403
    assert response.json()["code"] == "code_expired"


def test_wrong_codes_from_one_client_are_rate_limited(server: Server) -> None:
    server.office(TOWNSHIP)
    good = server.code(TOWNSHIP)
    for attempt in range(enrolment.MAX_FAILURES):
        response = enroll(server.client, f"WRONG-{attempt:05d}")
        assert response.status_code == 403, attempt
        assert response.json()["code"] == "bad_code"

    limited = enroll(server.client, good)  # even the right code: a guesser must not learn it was right
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0

    # Another computer is not punished for this one's guesses.
    with TestClient(server.app, client=("10.0.0.9", 40000)) as other:
        assert enroll(other, good).status_code == 200


def test_a_replayed_code_counts_as_a_failure(server: Server) -> None:
    server.office(TOWNSHIP)
    code = server.code(TOWNSHIP)
    assert enroll(server.client, code).status_code == 200
    for _ in range(enrolment.MAX_FAILURES):
        assert enroll(server.client, code).json()["code"] == "code_used"
    assert enroll(server.client, code).status_code == 429


def test_a_newer_protocol_is_refused_at_enrolment(server: Server) -> None:
    server.office(TOWNSHIP)
    response = enroll(server.client, server.code(TOWNSHIP), protocol=protocol.PROTOCOL_VERSION + 1)
    assert response.status_code == 409
    assert response.json()["code"] == "protocol"


def test_a_county_scope_is_for_supervisors_of_that_county(server: Server) -> None:
    server.office(TOWNSHIP)
    with pytest.raises(AdminError):
        server.code(TOWNSHIP, "worker", scope=COUNTY)
    with pytest.raises(AdminError):
        server.code(TOWNSHIP, "supervisor", scope="640205")
    with pytest.raises(AdminError):
        server.code("640104999", "worker")  # an office the server does not know
    device = server.enrol(TOWNSHIP, "supervisor", scope=COUNTY)
    assert (device.enrolment.scope, device.enrolment.role) == (COUNTY, "supervisor")


def test_a_revoked_device_is_told_it_keeps_its_data(server: Server) -> None:
    device = server.enrol(TOWNSHIP)
    person = device.person()
    assert device.push_ok([person])[0].status == "applied"

    def revoke(session: Session) -> bool:
        return devices.revoke(session, session.get(Device, device.id), "test")

    assert server.storage.write(revoke) is True
    assert server.storage.write(revoke) is False  # once is enough

    for response in (device.pull(), device.push([device.fact(person)]), device.snapshot()):
        assert response.status_code == 401
        problem = response.json()
        assert problem["code"] == "revoked"
        assert "数据" in problem["message_zh"] and "信息技术人员" in problem["message_zh"]
        assert "data" in problem["message_en"] and "IT" in problem["message_en"]


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
def test_a_missing_or_unknown_token_is_refused(server: Server, header: str | None) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = server.client.get("/v1/pull", headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "bad_token"


def test_meta_needs_no_token(server: Server) -> None:
    meta = protocol.from_json(protocol.Meta, server.client.get("/v1/meta").json())
    assert meta.protocol == protocol.PROTOCOL_VERSION
    assert meta.server_id and meta.server_time_ms > 0
    assert meta.max_batch == protocol.MAX_BATCH
