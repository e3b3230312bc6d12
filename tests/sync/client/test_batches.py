"""Pushing and pulling a page cost a few statements, not a few a change; a change that cannot be stored
still holds back nothing else of its page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import event, select

from app.services import facts, persons, sync_status
from app.services.inputs import DrugTestInput, PersonInput, VisitInput
from app.store.store import Store
from models import SyncParked
from models.enums import TestResult, VisitKind
from models.ids import new_id
from sync import protocol
from sync.client import pull, push
from tests.conftest import make_id
from tests.sync.client.conftest import as_pulled, hlc, server_change


@contextmanager
def selects(store: Store) -> Iterator[list[str]]:
    """The SELECT statements the store runs while the block runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", note)


def people(store: Store, count: int, first_seq: int) -> list[UUID]:
    made = []
    for n in range(count):
        data = PersonInput(name=f"人员{n}", id_number=make_id(seq=first_seq + n))
        person_id = persons.register(store, data).created[0]
        facts.record(store, VisitInput(person_id=person_id, visited_on=date(2026, 6, 2), kind=VisitKind.HOME))
        facts.record(
            store,
            DrugTestInput(person_id=person_id, tested_on=date(2026, 6, 3), result=TestResult.NEGATIVE),
        )
        made.append(person_id)
    return made


def page(changes: list[protocol.ServerChange]) -> protocol.PullResponse:
    return protocol.PullResponse(changes=changes, cursor=max(c.cursor for c in changes), more=False)


def test_a_page_reads_the_rows_it_names_at_once_whatever_its_size(enrolled, remote):
    people(remote, 2, first_seq=100)
    small = as_pulled(remote)
    people(remote, 12, first_seq=200)
    large = as_pulled(remote, cursor_from=100)[len(small) :]
    assert len(large) > 5 * len(small)

    with selects(enrolled) as for_small:
        assert pull.apply_pull_page(enrolled, page(small), after=0).applied == len(small)
    with selects(enrolled) as for_large:
        outcome = pull.apply_pull_page(enrolled, page(large), after=small[-1].cursor)
    assert (outcome.applied, outcome.parked) == (len(large), 0)
    assert len(for_large) == len(for_small), for_large
    assert len(persons.summaries(enrolled)) == 14


def test_one_change_that_cannot_be_stored_holds_back_nothing_else_of_its_page(enrolled, remote):
    (person_id,) = people(remote, 1, first_seq=300)
    changes = as_pulled(remote)
    bad = server_change(
        50, "visit", str(new_id()), {"person_id": str(person_id), "occurred_on": "not a date"}, hlc(1)
    )
    outcome = pull.apply_pull_page(enrolled, page([changes[0], bad, *changes[1:]]), after=0)
    assert (outcome.applied, outcome.parked, outcome.cursor) == (len(changes), 1, 50)
    assert len(facts.history(enrolled, person_id)) == 2  # the visit and the drug test
    assert sync_status.read_status(enrolled).parked == 1
    with enrolled.read() as session:
        kept = session.scalars(select(SyncParked)).one()
        assert enrolled.open_json("sync_parked", "change", str(kept.entity_id), kept.change)["cursor"] == 50


def test_a_batch_is_read_and_acknowledged_with_the_same_few_selects_whatever_its_size(enrolled):
    people(enrolled, 2, first_seq=400)
    with selects(enrolled) as build_small:
        small = push.build_batch(enrolled)
    assert small is not None
    with selects(enrolled) as ack_small:
        results = [protocol.ChangeResult(seq, "applied") for seq in small.seqs]
        push.apply_results(enrolled, small, protocol.PushResponse(results, 0))

    people(enrolled, 12, first_seq=500)
    with selects(enrolled) as build_large:
        large = push.build_batch(enrolled)
    assert large is not None and len(large) > 5 * len(small)
    with selects(enrolled) as ack_large:
        results = [protocol.ChangeResult(seq, "applied") for seq in large.seqs]
        outcome = push.apply_results(enrolled, large, protocol.PushResponse(results, 0))

    assert outcome.applied == len(large) and push.build_batch(enrolled) is None
    assert len(build_large) == len(build_small), build_large
    assert len(ack_large) == len(ack_small), ack_large
