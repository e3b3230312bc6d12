"""Driving the sync server as devices do: enrol with a code, push changes, pull, snapshot, resolve.

``Server`` wraps one app over one database (an HTTP client on it, and the admin functions the command
line calls); ``Device`` is an enrolled computer with its own sequence numbers and clock.
"""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from sync import protocol
from sync.server import enrolment, offices
from sync.server.db import Storage
from sync.server.schema import Base

TOWNSHIP = "640104001"  # 胜利街道
NEIGHBOUR = "640104002"  # another township of the same county
COUNTY = "640104"
OTHER_COUNTY_OFFICE = "640205001"


def empty_postgres(url: str) -> None:
    """Empty every table but the settings, and start the cursors from 1 again (DELETE is much quicker
    than TRUNCATE on tables this small)."""

    def empty(session: Session) -> None:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "server_setting":
                session.execute(table.delete())
        session.execute(text("DELETE FROM server_setting WHERE key <> 'server_id'"))
        for table, column in (("change_log", "cursor"), ("audit", "id"), ("enrol_failure", "id")):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), 1, false)"))

    storage = Storage(url)
    try:
        storage.write(empty)
    finally:
        storage.dispose()


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Server:
    url: str
    app: FastAPI
    client: TestClient
    storage: Storage

    def office(self, code: str, name: str = "测试街道") -> None:
        self.storage.write(lambda s: offices.add(s, code, name, "test"))

    def code(
        self,
        office: str = TOWNSHIP,
        role: str = "worker",
        scope: str | None = None,
        expires: timedelta = enrolment.DEFAULT_EXPIRY,
    ) -> str:
        made = self.storage.write(lambda s: enrolment.make_code(s, office, role, "test", scope, expires))
        return made.code

    def enrol(self, office: str = TOWNSHIP, role: str = "worker", scope: str | None = None) -> Device:
        self.office(office)
        code = self.code(office, role, scope)
        response = self.client.post(
            "/v1/enroll", json={"code": code, "device_name": f"{role} PC", "client_version": "test"}
        )
        assert response.status_code == 200, response.text
        return Device(self, protocol.from_json(protocol.EnrollResponse, response.json()))


@dataclass
class Device:
    server: Server
    enrolment: protocol.EnrollResponse
    seqs: itertools.count = field(default_factory=lambda: itertools.count(1))
    counter: itertools.count = field(default_factory=itertools.count)

    @property
    def id(self) -> str:
        return self.enrolment.device_id

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.enrolment.token}"}

    def hlc(self, offset_ms: int = 0) -> str:
        return f"{int(time.time() * 1000) + offset_ms:013d}:{next(self.counter):04d}:{self.id}"

    def change(
        self,
        entity: str,
        fields: dict[str, Any] | None = None,
        *,
        id: str | None = None,
        op: str = "insert",
        office: str | None = None,
        person_id: str | None = None,
        base: dict[str, str] | None = None,
        hlc: str | None = None,
    ) -> protocol.Change:
        record_id = id or new_id()
        return protocol.Change(
            seq=next(self.seqs),
            entity=entity,
            id=record_id,
            op=op,  # type: ignore[arg-type]
            hlc=hlc or self.hlc(),
            office_code=office or self.enrolment.office_code,
            person_id=record_id if entity == "person" else person_id,
            fields=fields if fields is not None else {},
            base=base,
        )

    def person(self, office: str | None = None, **fields: Any) -> protocol.Change:
        office = office or self.enrolment.office_code
        return self.change("person", {"name": "测试人员", "office_code": office, **fields}, office=office)

    def fact(self, person: protocol.Change, entity: str = "visit", **fields: Any) -> protocol.Change:
        return self.change(entity, {"kind": "home", **fields}, office=person.office_code, person_id=person.id)

    # ---- requests ---------------------------------------------------------------------------------------
    def request(self, changes: list[protocol.Change], **overrides: Any) -> dict[str, Any]:
        body = {
            "device_id": self.id,
            "changes": [asdict(c) for c in changes],
            "protocol": protocol.PROTOCOL_VERSION,
            "client_time_ms": int(time.time() * 1000),
        }
        body.update(overrides)
        return body

    def push(self, changes: list[protocol.Change], **overrides: Any) -> Any:
        return self.server.client.post(
            "/v1/push", json=self.request(changes, **overrides), headers=self.headers
        )

    def push_ok(self, changes: list[protocol.Change]) -> list[protocol.ChangeResult]:
        response = self.push(changes)
        assert response.status_code == 200, response.text
        return protocol.from_json(protocol.PushResponse, response.json()).results

    def push_ok_following(self, changes: list[protocol.Change], follows: int) -> list[protocol.ChangeResult]:
        response = self.push(changes, follows=follows)
        assert response.status_code == 200, response.text
        return protocol.from_json(protocol.PushResponse, response.json()).results

    def pull(self, after: int = 0, limit: int = 500) -> Any:
        return self.server.client.get(f"/v1/pull?after={after}&limit={limit}", headers=self.headers)

    def pull_all(self, after: int = 0, limit: int = 500) -> tuple[list[protocol.ServerChange], int]:
        changes: list[protocol.ServerChange] = []
        while True:
            response = self.pull(after, limit)
            assert response.status_code == 200, response.text
            page = protocol.from_json(protocol.PullResponse, response.json())
            changes.extend(page.changes)
            after = page.cursor
            if not page.more:
                return changes, after

    def snapshot(self, after: str | None = None, limit: int = 500) -> Any:
        query = f"?limit={limit}" + (f"&after={after}" if after is not None else "")
        return self.server.client.get(f"/v1/snapshot{query}", headers=self.headers)

    def snapshot_all(self, limit: int = 500) -> tuple[list[protocol.ServerChange], int]:
        records: list[protocol.ServerChange] = []
        after: str | None = None
        cursors = set()
        while True:
            response = self.snapshot(after, limit)
            assert response.status_code == 200, response.text
            page = protocol.from_json(protocol.SnapshotPage, response.json())
            records.extend(page.records)
            cursors.add(page.cursor)
            if page.next is None:
                assert len(cursors) == 1, "every page of one snapshot names the same cursor"
                return records, page.cursor
            after = page.next

    def resolve(self, conflict_id: str, field_name: str, value: Any) -> Any:
        return self.server.client.post(
            f"/v1/conflicts/{conflict_id}/resolve",
            json={"field": field_name, "value": value},
            headers=self.headers,
        )


def statuses(results: list[protocol.ChangeResult]) -> list[str]:
    return [r.status for r in results]


def ids(changes: list[protocol.ServerChange], kind: str = "change") -> list[str]:
    return [c.id for c in changes if c.kind == kind]
