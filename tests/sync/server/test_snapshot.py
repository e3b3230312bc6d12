"""Snapshot: every current record of the scope, people first, then open conflicts, paged by a stable key,
with one cursor; a snapshot plus the pull from its cursor equals the whole log replayed."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from sync import protocol
from sync.server import changelog
from tests.sync.server.harness import NEIGHBOUR, Device, Server, ids


class Replica:
    """What a device's store ends up holding: records by id, merged as the protocol says."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.offices: dict[str, str] = {}
        self.conflicts: dict[str, dict[str, Any]] = {}

    def apply(self, change: protocol.ServerChange) -> None:
        if change.kind == "tombstone":
            for record_id in [i for i, f in self.records.items() if f.get("_person") == change.id]:
                del self.records[record_id]
            return
        if change.kind == "conflict":
            self.conflicts[change.fields["conflict_id"]] = change.fields
            return
        if change.kind == "resolution":
            self.conflicts.pop(change.fields["conflict_id"], None)
            self.records[change.id][change.fields["field"]] = change.fields["value"]
            return
        current = self.records.setdefault(change.id, {"_person": change.person_id})
        current.update(change.fields)
        self.offices[change.id] = change.office_code

    def state(self) -> dict[str, dict[str, Any]]:
        return self.records


def build(device: Device, extra: int = 0) -> None:
    for round_ in range(3):
        person = device.person(phone=f"1700000000{round_}")
        facts = [device.fact(person, n=i) for i in range(4 + extra)]
        update = device.change(
            "person", {"phone": f"1990000000{round_}"}, id=person.id, op="update", base={"phone": person.hlc}
        )
        device.push_ok([person, *facts, update])


def test_snapshot_pages_hold_every_record_once_people_first(server: Server) -> None:
    device = server.enrol()
    other = server.enrol(NEIGHBOUR)
    build(device)
    build(other)  # out of scope: never in our snapshot

    records, cursor = device.snapshot_all(limit=4)
    assert len(records) == 3 * 5 == len(set(ids(records)))
    kinds = [r.entity for r in records]
    assert kinds[:3] == ["person"] * 3 and "person" not in kinds[3:]
    assert all(r.office_code == device.enrolment.office_code for r in records)
    assert all(r.cursor == cursor for r in records)
    people = [r for r in records if r.entity == "person"]
    assert all(p.fields["phone"].startswith("199") for p in people)  # current values, not first ones
    assert all(set(p.field_clocks or {}) == set(p.fields) for p in people)

    _, head = device.pull_all()
    assert cursor == head


def test_snapshot_plus_pull_from_its_cursor_equals_the_log_replayed(server: Server) -> None:
    device = server.enrol()
    build(device)

    # Page through slowly while the office keeps working between the first pages.
    rebuilt = Replica()
    after: str | None = None
    first_cursor = None
    for number in itertools.count():
        page = protocol.from_json(protocol.SnapshotPage, device.snapshot(after, limit=3).json())
        first_cursor = page.cursor if first_cursor is None else first_cursor
        assert page.cursor == first_cursor
        for record in page.records:
            rebuilt.apply(record)
        if number < 3:
            build(device, extra=1)  # more people and facts arrive meanwhile
        if page.next is None:
            break
        after = page.next
    later, _ = device.pull_all(first_cursor)
    for change in later:
        rebuilt.apply(change)

    replayed = Replica()
    for change in device.pull_all(0)[0]:
        replayed.apply(change)
    assert rebuilt.state() == replayed.state()
    assert len(replayed.state()) > 15


def test_a_snapshot_key_that_is_not_ours_is_refused(server: Server) -> None:
    device = server.enrol()
    for key in ("nonsense", "1.x.abc", "1.r.'; drop table record; --", "-1.r."):
        response = device.snapshot(key)
        assert response.status_code == 400, key
        assert response.json()["code"] == "invalid"


def test_a_snapshot_outlived_by_compaction_restarts(server: Server) -> None:
    device = server.enrol()
    build(device)
    first = protocol.from_json(protocol.SnapshotPage, device.snapshot(limit=2).json())
    assert first.next is not None
    build(device)
    server.storage.write(lambda s: changelog.compact(s, first.cursor + 5, "test"))
    response = device.snapshot(first.next)
    assert response.status_code == 410
    assert response.json()["code"] == "cursor_expired"
    _, cursor = device.snapshot_all()
    assert cursor >= first.cursor + 5 - 1


@pytest.mark.parametrize("limit", [1, 1000])
def test_snapshot_of_an_empty_scope(server: Server, limit: int) -> None:
    device = server.enrol()
    records, cursor = device.snapshot_all(limit=limit)
    assert (records, cursor) == ([], 0)
