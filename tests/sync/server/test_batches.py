"""A batch costs a few statements, not a few a change; what its changes make of one record adds up as if
they had come one by one; batches that name the same records at once wait for each other, never deadlock."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sync import protocol
from sync.server import create_app
from sync.server.bulk import insert_rows
from sync.server.merge import RECORD_COLUMNS
from sync.server.schema import Record
from tests.sync.server.harness import NEIGHBOUR, TOWNSHIP, Device, Server, statuses
from tests.sync.server.test_concurrency import at_once


@contextmanager
def statements(server: Server) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs (an executemany counts once), those it
    sends through the PostgreSQL driver itself (COPY, pipelined reads) included."""
    seen: list[str] = []
    engine = server.app.state.storage.engine

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    with pytest.MonkeyPatch.context() as patch:
        if server.storage.is_postgres:
            import psycopg

            def noted(original: Any) -> Any:
                def run(self: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
                    seen.append(str(statement))
                    return original(self, statement, *args, **kwargs)

                return run

            patch.setattr(psycopg.Connection, "execute", noted(psycopg.Connection.execute))
            patch.setattr(psycopg.Cursor, "copy", noted(psycopg.Cursor.copy))
        event.listen(engine, "before_cursor_execute", note)
        try:
            yield seen
        finally:
            event.remove(engine, "before_cursor_execute", note)


def people_with_facts(device: Device, people: int) -> list[protocol.Change]:
    changes = []
    for _ in range(people):
        person = device.person()
        changes += [person, device.fact(person), device.fact(person, "drug_test", result="negative")]
    return changes


def test_a_batch_costs_the_same_few_statements_whatever_its_size(server: Server) -> None:
    device = server.enrol()
    device.push_ok([device.person()])  # the first request marks the device seen; the next ones do not
    with statements(server) as small:
        assert statuses(device.push_ok(people_with_facts(device, 2))) == ["applied"] * 6
    with statements(server) as large:
        assert statuses(device.push_ok(people_with_facts(device, 100))) == ["applied"] * 300
    assert len(large) == len(small) <= 12, large


def move(device: Device, person: protocol.Change, office: str) -> protocol.Change:
    return device.change(
        "person", {"office_code": office}, id=person.id, op="update", base={"office_code": person.hlc}
    )


def test_one_batch_may_register_record_correct_and_move_a_person(server: Server) -> None:
    old, new = server.enrol(TOWNSHIP), server.enrol(NEIGHBOUR)
    person = old.person(phone="17000000001")
    visit = old.fact(person)
    edit = old.change(
        "person", {"phone": "17000000002"}, id=person.id, op="update", base={"phone": person.hlc}
    )
    moved = move(old, person, NEIGHBOUR)
    test = old.fact(person, "drug_test", result="negative")  # made after the move, still offline
    batch = [person, visit, edit, moved, test]
    assert [(r.status, r.code) for r in old.push_ok(batch)] == [("applied", "")] * 5

    with server.storage.read() as session:
        records = {r.id: r for r in session.scalars(select(Record))}
    assert {r.office_code for r in records.values()} == {NEIGHBOUR}
    assert records[person.id].fields == {"name": "测试人员", "office_code": NEIGHBOUR, "phone": "17000000002"}
    # The new office gets the file (the person as corrected, then the visit) and the later test.
    arrived, _ = new.pull_all()
    assert [(c.kind, c.id) for c in arrived] == [("change", i) for i in (person.id, visit.id, test.id)]
    assert arrived[0].fields["phone"] == "17000000002"
    # The old office saw it all happen, and then let go of the person.
    seen, _ = old.pull_all()
    assert [(c.kind, c.id) for c in seen] == [
        ("change", person.id),
        ("change", visit.id),
        ("change", person.id),
        ("tombstone", person.id),
    ]
    assert statuses(old.push_ok(batch)) == ["duplicate"] * 5


@pytest.fixture
def replicas(pg_server: Server) -> Iterator[list[TestClient]]:
    with ExitStack() as stack:
        yield [stack.enter_context(TestClient(create_app(pg_server.url))) for _ in range(2)]


def test_batches_naming_the_same_records_in_opposite_orders_never_deadlock(
    pg_server: Server, replicas: list[TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    """Each batch locks the records it names in id order, whatever order its changes come in."""
    caplog.set_level(logging.INFO, logger="rehabdesk.server")
    first, second = pg_server.enrol(), pg_server.enrol()
    people = [first.person() for _ in range(30)]
    first.push_ok(people)
    for round_ in range(4):
        forward = [
            first.change("person", {"notes": f"a{round_}"}, id=p.id, op="update", base={}) for p in people
        ]
        backward = [
            second.change("person", {"notes": f"b{round_}"}, id=p.id, op="update", base={})
            for p in reversed(people)
        ]
        sends = [
            (replicas[0], first.request(forward), first.headers),
            (replicas[1], second.request(backward), second.headers),
        ]
        responses = at_once(
            [lambda c=c, b=b, h=h: c.post("/v1/push", json=b, headers=h) for c, b, h in sends]
        )
        assert [r.status_code for r in responses] == [200, 200], [r.text for r in responses]
    lost = [r.getMessage() for r in caplog.records if "lost a race" in r.getMessage()]
    assert not [m for m in lost if "Deadlock" in m], lost


def test_a_record_made_meanwhile_fails_the_bulk_insert_as_a_race_to_run_again(server: Server) -> None:
    """New records go in by COPY on PostgreSQL: a record another request made first must still come out
    as the IntegrityError that ``Storage.write`` answers by running the batch again (where it then finds
    the record), not as a driver error that would be a 500."""
    device = server.enrol()
    person = device.person()
    device.push_ok([person])
    with server.storage.read() as session:
        made = session.get_one(Record, person.id)
        row = tuple(getattr(made, name) for name in RECORD_COLUMNS)
    with pytest.raises(IntegrityError), Session(server.storage.engine) as session, session.begin():
        insert_rows(session, Record.__table__, RECORD_COLUMNS, [row])
    assert statuses(device.push_ok([person])) == ["duplicate"]  # and the database is fine afterwards
