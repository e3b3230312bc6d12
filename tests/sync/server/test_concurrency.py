"""Several server processes over one PostgreSQL database: simulated by separate apps (separate engines and
pools, no shared Python state) called from threads at the same time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sync import protocol
from sync.server import clocks, create_app
from sync.server.schema import Applied, ChangeLogEntry, Record
from tests.sync.server.harness import Device, Server


@pytest.fixture
def replicas(pg_server: Server) -> Iterator[list[TestClient]]:
    """Four more "processes" serving the same database as ``pg_server``."""
    with ExitStack() as stack:
        yield [stack.enter_context(TestClient(create_app(pg_server.url))) for _ in range(4)]


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together; return their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def test_the_same_batch_pushed_twice_at_once_is_applied_once(
    pg_server: Server, replicas: list[TestClient]
) -> None:
    device = pg_server.enrol()
    for round_ in range(5):
        person = device.person()
        batch = [person, *(device.fact(person, n=i) for i in range(20))]
        body = device.request(batch)
        responses = at_once(
            [
                lambda client=client, body=body: client.post("/v1/push", json=body, headers=device.headers)
                for client in replicas[:2]
            ]
        )
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
        outcomes = sorted(tuple({x["status"] for x in r.json()["results"]}) for r in responses)
        assert outcomes == [("applied",), ("duplicate",)], round_

    with pg_server.storage.read() as session:
        assert session.scalar(select(func.count()).select_from(ChangeLogEntry)) == 5 * 21
        assert session.scalar(select(func.count()).select_from(Record)) == 5 * 21
        assert session.scalar(select(func.count()).select_from(Applied)) == 5 * 21


def test_a_pull_never_skips_a_change_committed_late(pg_server: Server, replicas: list[TestClient]) -> None:
    """Many devices push through different processes while a reader pulls: cursors are handed out in
    commit order, so the reader, moving its cursor as it goes, still ends up with every change."""
    writers = [pg_server.enrol() for _ in range(4)]
    reader = pg_server.enrol()
    stop = threading.Event()
    pulled: list[str] = []

    def push_many(device: Device, client: TestClient) -> None:
        for _ in range(8):
            person = device.person()
            batch = [person, *(device.fact(person) for _ in range(4))]
            response = client.post("/v1/push", json=device.request(batch), headers=device.headers)
            assert response.status_code == 200, response.text

    def pull_along() -> None:
        after = 0
        while True:
            last_round = stop.is_set()
            response = replicas[0].get(f"/v1/pull?after={after}&limit=7", headers=reader.headers)
            assert response.status_code == 200
            page = protocol.from_json(protocol.PullResponse, response.json())
            assert all(c.cursor > after for c in page.changes)
            pulled.extend(c.id for c in page.changes)
            after = page.cursor
            if last_round and not page.more:
                return

    reading = threading.Thread(target=pull_along)
    reading.start()
    at_once([lambda d=d, c=c: push_many(d, c) for d, c in zip(writers, replicas, strict=True)])
    stop.set()
    reading.join(60)

    with pg_server.storage.read() as session:
        logged = list(session.scalars(select(ChangeLogEntry.entity_id).order_by(ChangeLogEntry.cursor)))
    assert len(logged) == 4 * 8 * 5
    assert pulled == logged  # every change, once, in log order


def test_concurrent_conflicting_edits_of_one_person_keep_both_values(
    pg_server: Server, replicas: list[TestClient]
) -> None:
    devices = [pg_server.enrol() for _ in range(4)]
    person = devices[0].person(phone="0")
    devices[0].push_ok([person])
    edits = [
        d.change("person", {"phone": str(i + 1)}, id=person.id, op="update", base={"phone": person.hlc})
        for i, d in enumerate(devices)
    ]
    responses = at_once(
        [
            lambda d=d, e=e, c=c: c.post("/v1/push", json=d.request([e]), headers=d.headers)
            for d, e, c in zip(devices, edits, replicas, strict=True)
        ]
    )
    assert all(r.status_code == 200 for r in responses)
    codes = sorted(r.json()["results"][0]["code"] for r in responses)
    assert codes == ["", "conflict", "conflict", "conflict"]  # the first to commit had no rival yet
    snapshot, _ = devices[0].snapshot_all()
    (conflict,) = [r for r in snapshot if r.kind == "conflict"]
    assert sorted(v["value"] for v in conflict.fields["values"]) == ["1", "2", "3", "4"]
    (record,) = [r for r in snapshot if r.kind == "change"]
    latest = max(edits, key=lambda e: clocks.key(e.hlc))  # clocks of one millisecond: the device decides
    assert record.fields["phone"] == latest.fields["phone"]
