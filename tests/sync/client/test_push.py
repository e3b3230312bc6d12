"""Push: the outbox becomes the wire's changes with sealed values opened; answers mark it, refusals stay."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from app.clock import HybridClock, parse_hlc
from app.services import facts, persons, sync_status
from app.services.inputs import DrugTestInput, PersonInput
from models import OutboxChange, Person
from models.enums import Drug, TestResult
from sync import protocol
from sync.client import commands, push
from tests.conftest import make_id
from tests.sync.client.conftest import DEVICE


def register(store, name="张三", seq=123, **kw):
    data = PersonInput(name=name, id_number=make_id(seq=seq), **kw)
    return persons.register(store, data).created[0]


def test_changes_carry_plaintext_json_opened_from_the_sealed_columns(enrolled):
    pid = register(enrolled, aliases=["三哥"], phone="17000000001", drug_types=[Drug.HEROIN])
    facts.record(
        enrolled,
        DrugTestInput(
            person_id=pid, tested_on=date(2026, 6, 1), result=TestResult.POSITIVE, witness="李警官"
        ),
    )
    batch = push.build_batch(enrolled)
    assert batch is not None
    assert batch.request.device_id == DEVICE
    changes = batch.request.changes
    assert [c.seq for c in changes] == sorted(c.seq for c in changes)
    person = next(c for c in changes if c.entity == "person")
    assert person.op == "insert" and person.id == str(pid) and person.person_id == str(pid)
    assert person.fields["name"] == "张三"
    assert person.fields["aliases"] == ["三哥"]  # a sealed JSON column arrives parsed
    assert person.fields["gender"] == "male" and person.fields["birth_date"] == "1990-01-01"
    assert person.fields["id_number"] == make_id(seq=123)
    assert person.fields["drug_types"] == ["heroin"]
    assert person.fields["status"] == "not_reported"  # an enum as its code
    assert person.office_code == "640104001"
    # Blind indexes are keyed with this office's key and the field clocks are this computer's: neither travels.
    assert not {"id_blind", "phone_blind", "field_hlc"} & set(person.fields)
    test = next(c for c in changes if c.entity == "drug_test")
    assert test.fields["result"] == "positive"
    assert test.fields["content"]["witness"] == "李警官"
    assert test.fields["occurred_on"] == "2026-06-01"
    assert test.person_id == str(pid)
    # It is all JSON, and none of it is ciphertext.
    body = protocol.to_json(batch.request).decode()
    assert "李警官" in body and "三哥" in body


def test_a_profile_update_carries_only_its_fields_and_their_clocks_before(enrolled):
    pid = register(enrolled, phone="17000000001")
    with enrolled.read() as session:
        insert_hlc = session.scalar(
            select(OutboxChange.hlc).where(OutboxChange.op == "insert", OutboxChange.entity == "person")
        )
    persons.update_profile(enrolled, pid, phone="17000000002")
    persons.update_profile(enrolled, pid, phone="17000000003", notes="搬家")
    updates = [c for c in push.build_batch(enrolled).request.changes if c.op == "update"]
    assert len(updates) == 2
    first, second = updates
    assert set(first.fields) == {"phone", "updated_at"}
    assert first.base == {"phone": insert_hlc}  # before the first change, the phone was as registered
    assert second.base == {"phone": first.hlc, "notes": insert_hlc}
    assert second.fields["notes"] == "搬家"
    with enrolled.read() as session:
        clocks = json.loads(session.get(Person, pid).field_hlc)
    assert clocks["phone"] == second.hlc and clocks["notes"] == second.hlc


def test_batches_are_bounded_and_in_sequence_order(enrolled):
    for n in range(5):
        register(enrolled, name=f"人员{n}", seq=101 + 2 * n)
    batch = push.build_batch(enrolled, limit=3)
    assert [c.seq for c in batch.request.changes] == [1, 2, 3]
    push.apply_results(
        enrolled,
        batch,
        protocol.PushResponse([protocol.ChangeResult(s, "applied") for s in batch.seqs], 0),
    )
    assert [c.seq for c in push.build_batch(enrolled, limit=3).request.changes] == [4, 5]


def test_a_batch_over_the_body_limit_is_cut_until_it_fits(enrolled):
    for n in range(4):
        register(enrolled, name=f"人员{n}", seq=101 + 2 * n, notes="长" * 2000)
    batch = push.build_batch(enrolled, max_body=9000)
    assert 1 <= len(batch.request.changes) < 4
    assert len(protocol.to_json(batch.request)) <= 9000


def test_answers_acknowledge_and_refusals_stay_visible_without_blocking_the_queue(enrolled):
    first = register(enrolled, name="甲", seq=101)
    register(enrolled, name="乙", seq=103)
    batch = push.build_batch(enrolled)
    seqs = batch.seqs
    results = [protocol.ChangeResult(seqs[0], "rejected", "invalid", "字段无效", "A field is not valid")]
    results += [protocol.ChangeResult(seqs[1], "duplicate")]
    results += [protocol.ChangeResult(s, "applied") for s in seqs[2:]]
    outcome = push.apply_results(enrolled, batch, protocol.PushResponse(results, 0))
    assert (outcome.applied, outcome.duplicates, outcome.rejected) == (len(seqs) - 2, 1, 1)

    status = sync_status.read_status(enrolled)
    assert status.pending == 0
    (refused,) = status.rejected
    assert refused.seq == seqs[0] and refused.code == "invalid" and refused.person_id == first
    assert refused.reason.render("en") == "A field is not valid"
    assert refused.reason.render("zh_CN") == "字段无效"
    assert "correct it" in refused.advice.render("en")
    assert refused.record_no == "640104001-2026-00001"
    # The refused change is not sent again, and what comes after it still goes.
    register(enrolled, name="丙", seq=105)
    later = push.build_batch(enrolled)
    assert seqs[0] not in later.seqs and later.seqs
    # After IT fixed the cause, the worker can send it again.
    assert sync_status.retry_rejected(enrolled) == 1
    assert push.build_batch(enrolled).seqs[0] == seqs[0]


def test_changes_saved_while_the_clock_ran_fast_are_shown_with_when_the_server_takes_them(enrolled):
    register(enrolled, name="甲", seq=101)  # stamped now: a server takes it
    device = enrolled.clock.device
    enrolled.clock = HybridClock(device, wall=lambda: time.time() + 3 * 3600)  # three hours fast
    register(enrolled, name="乙", seq=103)
    fast = [seq for seq, hlc in _outbox_stamps(enrolled) if parse_hlc(hlc)[0] > time.time() * 1000 + 3600_000]
    enrolled.clock = HybridClock(device)  # set right again

    status = sync_status.read_status(enrolled)
    assert status.ahead == len(fast) > 0 and status.pending > status.ahead
    expected = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=3, minutes=-5)
    assert abs(status.ahead_until - expected) < timedelta(minutes=1)
    assert status.as_json()["ahead"] == status.ahead

    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        commands.status(enrolled, argparse.Namespace(json=False))  # rehabdesk sync status
    assert f"其中 {len(fast)} 条是本机时钟偏快时保存的" in shown.getvalue()  # in the user's language

    enrolled.clock = HybridClock(device, wall=lambda: time.time() + 3 * 3600)  # the time has come
    assert sync_status.read_status(enrolled).ahead == 0


def _outbox_stamps(store):
    with store.read() as session:
        return list(session.execute(select(OutboxChange.seq, OutboxChange.hlc)))


def test_the_changes_answered_around_one_that_waits_are_acknowledged_and_it_still_waits(enrolled):
    register(enrolled, name="甲", seq=101)
    register(enrolled, name="乙", seq=103)
    batch = push.build_batch(enrolled)
    waiting = batch.seqs[len(batch.seqs) // 2]
    results = [
        protocol.ChangeResult(s, "applied")
        if s != waiting
        else protocol.ChangeResult(s, "rejected", "clock_skew", "时钟超前", "The clock ran ahead")
        for s in batch.seqs
    ]
    outcome = push.apply_results(enrolled, batch, protocol.PushResponse(results, 0))
    assert outcome.applied == len(batch.seqs) - 1 and outcome.deferred == [waiting]
    assert sync_status.read_status(enrolled).pending == 1
    assert push.build_batch(enrolled).seqs == [waiting]


def test_an_answer_about_a_change_not_in_the_batch_changes_nothing(enrolled):
    register(enrolled)
    batch = push.build_batch(enrolled)
    push.apply_results(enrolled, batch, protocol.PushResponse([protocol.ChangeResult(999, "applied")], 0))
    assert sync_status.read_status(enrolled).pending == len(batch.seqs)


def test_a_change_stamped_by_a_clock_that_ran_ahead_waits_instead_of_being_refused(enrolled):
    register(enrolled, name="甲", seq=101)
    register(enrolled, name="乙", seq=103)
    batch = push.build_batch(enrolled)
    first, *rest = batch.seqs
    results = [protocol.ChangeResult(first, "rejected", "clock_skew", "时钟超前", "The clock ran ahead")]
    results += [protocol.ChangeResult(s, "applied") for s in rest]
    outcome = push.apply_results(enrolled, batch, protocol.PushResponse(results, 0))
    assert outcome.deferred == [first] and outcome.rejected == 0
    status = sync_status.read_status(enrolled)
    assert status.pending == 1 and status.rejected == ()
    # Within this sync it is not sent again (nothing behind it waits for it); the next sync tries again.
    assert push.build_batch(enrolled, skip=frozenset({first})) is None
    assert push.build_batch(enrolled).seqs == [first]
