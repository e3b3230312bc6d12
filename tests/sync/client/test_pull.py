"""Pull: a page and the cursor in one transaction, values sealed with our keys, profile fields merged by
their clocks, no outbox entries, and nothing a server sends is dropped."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from uuid import UUID

import pytest
from sqlalchemy import func, select

from app.services import facts, measures, persons, sync_status
from app.services.inputs import MeasureInput, PersonInput, StatusChangeInput, VisitInput
from models import OutboxChange, Person, SyncConflict, SyncParked, SyncState, Visit
from models.enums import FactKind, MeasureKind, PersonStatus, VisitKind
from models.ids import new_id
from models.sync import STATE_ROW
from sync import protocol
from sync.client import pull
from tests.conftest import make_id
from tests.sync.client.conftest import DEVICE, as_pulled, hlc, server_change


def register(store, name="张三", seq=123, **kw):
    return persons.register(store, PersonInput(name=name, id_number=make_id(seq=seq), **kw)).created[0]


def page(changes, cursor=None, more=False):
    return protocol.PullResponse(changes=changes, cursor=cursor or max(c.cursor for c in changes), more=more)


def outbox_count(store):
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(OutboxChange))


def cursor_of(store):
    with store.read() as session:
        return session.get(SyncState, STATE_ROW).cursor


def test_a_pulled_person_and_fact_are_stored_sealed_with_our_keys_and_write_no_outbox(enrolled, remote):
    pid = register(remote, "李四", aliases=["四哥"], phone="17000000009")
    facts.record(
        remote, VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.HOME, summary="在家")
    )
    changes = as_pulled(remote)
    before = outbox_count(enrolled)

    outcome = pull.apply_pull_page(enrolled, page(changes), after=0)

    assert outcome.applied == len(changes) and not outcome.stale
    assert cursor_of(enrolled) == changes[-1].cursor
    assert outbox_count(enrolled) == before  # pulled rows are not sent back
    file = persons.read_file(enrolled, pid)
    assert (file.profile.name, file.profile.aliases, file.profile.phone) == ("李四", ["四哥"], "17000000009")
    (history,) = facts.history(enrolled, pid)
    assert history.current.data.summary == "在家"
    # Found by name and by phone: the search index and the blind index were made here, with our key.
    assert [p.id for p in persons.search(enrolled, "李四")] == [pid]
    assert [p.id for p in persons.search(enrolled, "17000000009")] == [pid]
    with enrolled.read() as session:
        stored = session.get(Person, pid)
        assert b"\xe6\x9d\x8e\xe5\x9b\x9b" not in stored.name  # "李四" is not there in the clear
    with remote.read() as session:
        assert session.get(Person, pid).name != stored.name  # each computer seals with its own key
    # Our clock moved past what we saw, so our next change sorts after it.
    assert pull.hlc_after(enrolled.clock.now(), changes[-1].hlc)


def test_the_page_and_the_cursor_move_together_or_not_at_all(enrolled, remote, monkeypatch):
    register(remote, "王五")
    changes = as_pulled(remote)

    def fail(self):
        raise RuntimeError("power cut")

    monkeypatch.setattr(pull.Applier, "finish", fail)
    with pytest.raises(RuntimeError):
        pull.apply_pull_page(enrolled, page(changes), after=0)
    assert cursor_of(enrolled) == 0
    assert persons.summaries(enrolled) == []
    monkeypatch.undo()
    assert pull.apply_pull_page(enrolled, page(changes), after=0).applied == len(changes)
    assert len(persons.summaries(enrolled)) == 1


def test_a_page_for_a_cursor_that_moved_meanwhile_is_not_applied(enrolled, remote):
    register(remote)
    changes = as_pulled(remote)
    assert pull.apply_pull_page(enrolled, page(changes), after=5).stale
    assert persons.summaries(enrolled) == [] and cursor_of(enrolled) == 0


def test_the_same_page_twice_applies_once(enrolled, remote):
    pid = register(remote)
    facts.record(remote, VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.HOME))
    changes = as_pulled(remote)
    pull.apply_pull_page(enrolled, page(changes), after=0)
    with enrolled.write() as tx:  # as if the cursor had not been saved
        tx.session.get(SyncState, STATE_ROW).cursor = 0
    again = pull.apply_pull_page(enrolled, page(changes), after=0)
    assert again.applied == 0 and again.skipped == len(changes)
    assert len(facts.history(enrolled, pid)) == 1


def test_profile_fields_merge_by_their_own_clocks(enrolled, remote):
    pid = register(remote, phone="17000000001")
    pull.apply_pull_page(enrolled, page(as_pulled(remote)), after=0)
    persons.update_profile(enrolled, pid, phone="17000000002")  # a local change, clock L
    with enrolled.read() as session:
        local = json.loads(session.get(Person, pid).field_hlc)["phone"]
    ms = int(local.split(":")[0])
    older, newer = hlc(ms - 1000), hlc(ms + 1000)
    changes = [
        server_change(
            10, "person", str(pid), {"phone": "17000000003"}, older, op="update", person_id=str(pid)
        ),
        server_change(
            11, "person", str(pid), {"notes": "较新的备注"}, newer, op="update", person_id=str(pid)
        ),
    ]
    pull.apply_pull_page(enrolled, page(changes), after=cursor_of(enrolled))
    profile = persons.read_file(enrolled, pid).profile
    assert profile.phone == "17000000002"  # the remote phone was older than ours: ours stands
    assert profile.notes == "较新的备注"  # a field we had not touched since: the later clock wins
    with enrolled.read() as session:
        clocks = json.loads(session.get(Person, pid).field_hlc)
    assert clocks["phone"] == local and clocks["notes"] == newer
    # A later remote phone wins over ours, and its blind index is made here.
    later = server_change(12, "person", str(pid), {"phone": "17000000004"}, hlc(ms + 5000), op="update")
    pull.apply_pull_page(enrolled, page([later]), after=cursor_of(enrolled))
    assert persons.read_file(enrolled, pid).profile.phone == "17000000004"
    assert [p.id for p in persons.search(enrolled, "17000000004")] == [pid]


def test_a_status_changed_here_by_another_service_keeps_its_clock(enrolled):
    pid = register(enrolled)
    measures.order(
        enrolled,
        MeasureInput(person_id=pid, kind=MeasureKind.COMMUNITY_TREATMENT, ordered_on=date(2026, 6, 1)),
    )
    measures.change_status(
        enrolled,
        StatusChangeInput(
            person_id=pid, to_status=PersonStatus.IN_TREATMENT, on=date(2026, 6, 2), reason="报到"
        ),
    )
    with enrolled.read() as session:
        person = session.get(Person, pid)
        local = person.hlc
    ms = int(local.split(":")[0])
    stale = server_change(20, "person", str(pid), {"status": "lost"}, hlc(ms - 60_000), op="update")
    outcome = pull.apply_pull_page(enrolled, page([stale]), after=0)
    assert (outcome.skipped, outcome.parked) == (1, 0)
    assert persons.read_file(enrolled, pid).status is PersonStatus.IN_TREATMENT
    newer = server_change(21, "person", str(pid), {"status": "lost"}, hlc(ms + 60_000), op="update")
    pull.apply_pull_page(enrolled, page([newer]), after=20)
    assert persons.read_file(enrolled, pid).status is PersonStatus.LOST


def test_a_snapshot_record_brings_each_fields_own_clock(enrolled, remote):
    pid = register(remote, phone="17000000001", notes="旧")
    pull.apply_pull_page(enrolled, page(as_pulled(remote)), after=0)
    persons.update_profile(enrolled, pid, notes="本机")
    with enrolled.read() as session:
        ms = int(json.loads(session.get(Person, pid).field_hlc)["notes"].split(":")[0])
    record = as_pulled(remote)[0]
    record = dataclasses.replace(
        record,
        fields={**record.fields, "notes": "服务器", "phone": "17000000005"},
        hlc=hlc(ms + 9000),
        field_clocks={"notes": hlc(ms - 9000), "phone": hlc(ms + 9000)},
    )
    pull.begin_snapshot(enrolled)
    done = pull.apply_snapshot_page(enrolled, protocol.SnapshotPage([record], None, 77), after="")
    assert done.done and cursor_of(enrolled) == 77
    profile = persons.read_file(enrolled, pid).profile
    assert profile.notes == "本机" and profile.phone == "17000000005"


def test_a_fact_before_its_person_waits_and_then_applies(enrolled, remote):
    pid = register(remote)
    facts.record(remote, VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.PHONE))
    changes = as_pulled(remote)
    person_changes = [c for c in changes if c.entity in ("person", "work_group_member")]
    visit = [c for c in changes if c.entity == "visit"]
    first = pull.apply_pull_page(enrolled, page(visit), after=0)
    assert first.parked == 1 and first.applied == 0
    assert sync_status.read_status(enrolled).parked == 1
    second = pull.apply_pull_page(enrolled, page(person_changes, cursor=50), after=cursor_of(enrolled))
    assert second.applied == len(person_changes) + 1
    assert sync_status.read_status(enrolled).parked == 0
    assert len(facts.history(enrolled, pid)) == 1


def test_a_change_that_cannot_be_stored_is_kept_aside_not_dropped(enrolled, remote):
    pid = register(remote)
    bad = server_change(
        3, "visit", str(new_id()), {"person_id": str(pid), "occurred_on": "not a date"}, hlc(1)
    )
    outcome = pull.apply_pull_page(enrolled, page([bad]), after=0)
    assert outcome.parked == 1 and cursor_of(enrolled) == 3  # the queue moves on
    with enrolled.read() as session:
        kept = session.scalars(select(SyncParked)).one()
        assert enrolled.open_json("sync_parked", "change", str(kept.entity_id), kept.change)["cursor"] == 3


def test_a_tombstone_marks_the_person_transferred_out_and_keeps_the_history(enrolled, remote):
    pid = register(remote)
    facts.record(remote, VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.HOME))
    changes = as_pulled(remote)
    pull.apply_pull_page(enrolled, page(changes), after=0)
    gone = server_change(
        99,
        "person",
        str(pid),
        {"office_code": "640105001"},
        hlc(9_999_999_999_999),
        kind="tombstone",
        op="update",
    )
    pull.apply_pull_page(enrolled, page([gone]), after=cursor_of(enrolled))
    assert persons.read_file(enrolled, pid).status is PersonStatus.TRANSFERRED_OUT
    assert len(facts.history(enrolled, pid)) == 1


def test_conflicts_are_kept_for_supervisors_and_a_resolution_closes_them(enrolled, remote):
    pid = register(remote, phone="17000000001")
    pull.apply_pull_page(enrolled, page(as_pulled(remote)), after=0)
    conflict_id = "c0ffee00-0000-4000-8000-000000000001"
    values = [
        {"value": "17000000001", "hlc": hlc(1), "device": "a"},
        {"value": "17000000002", "hlc": hlc(2), "device": "b"},
    ]

    def conflict(cursor, values):
        return server_change(
            cursor,
            "person",
            str(pid),
            {"conflict_id": conflict_id, "field": "phone", "values": values},
            values[-1]["hlc"],
            kind="conflict",
            op="update",
            person_id=str(pid),
        )

    other = server_change(
        41,
        "person",
        str(pid),
        {"conflict_id": "c0ffee00-0000-4000-8000-000000000002", "field": "notes", "values": values},
        hlc(2),
        kind="conflict",
        op="update",
        person_id=str(pid),
    )
    pull.apply_pull_page(enrolled, page([conflict(40, values), other]), after=cursor_of(enrolled))
    assert sync_status.read_status(enrolled).open_conflicts == 2  # one per field, both about one person
    more = [*values, {"value": "17000000003", "hlc": hlc(3), "device": "c"}]
    pull.apply_pull_page(enrolled, page([conflict(42, more)]), after=cursor_of(enrolled))
    with enrolled.read() as session:
        kept = session.get(SyncConflict, conflict_id)
        assert kept.person_id == pid
        assert enrolled.open_json("sync_conflict", "detail", kept.id, kept.detail)["values"] == more
    resolution = server_change(
        43,
        "person",
        str(pid),
        {"conflict_id": conflict_id, "field": "phone", "value": "17000000002"},
        hlc(9_999_999_999_000),
        kind="resolution",
        op="update",
        person_id=str(pid),
        origin="",
    )
    pull.apply_pull_page(enrolled, page([resolution]), after=cursor_of(enrolled))
    assert sync_status.read_status(enrolled).open_conflicts == 1
    assert persons.read_file(enrolled, pid).profile.phone == "17000000002"


def test_our_own_change_coming_back_confirms_it(enrolled):
    register(enrolled)
    from sync.client import push

    batch = push.build_batch(enrolled)
    echoes = [
        server_change(i + 1, c.entity, c.id, c.fields, c.hlc, origin=DEVICE, person_id=c.person_id)
        for i, c in enumerate(batch.request.changes)
    ]
    outcome = pull.apply_pull_page(enrolled, page(echoes), after=0)
    assert outcome.applied == 0
    assert sync_status.read_status(enrolled).pending == 0


def test_two_people_numbered_alike_while_apart_get_the_same_numbers_everywhere(enrolled, remote):
    mine = register(enrolled, "本机人员", seq=101)
    theirs = register(remote, "外来人员", seq=103)
    pulled = as_pulled(remote)
    pull.apply_pull_page(enrolled, page(pulled), after=0)
    numbers = {s.id: s.record_no for s in persons.summaries(enrolled)}
    keeper, other = sorted([mine, theirs])
    assert numbers[keeper] == "640104001-2026-00001"
    assert numbers[other] == f"640104001-2026-00001-{other.hex[-4:]}"
    # The next registration here takes a free number.
    third = register(enrolled, "第三人", seq=105)
    assert {s.id: s.record_no for s in persons.summaries(enrolled)}[third] == "640104001-2026-00003"


def test_two_versions_of_one_fact_made_apart_are_numbered_by_their_clocks(enrolled, remote):
    pid = register(remote)
    fact_id = facts.record(
        remote, VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.HOME)
    ).created[0]
    pull.apply_pull_page(enrolled, page(as_pulled(remote)), after=0)
    facts.correct(
        enrolled,
        fact_id,
        VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.OFFICE),
        "本机更正",
    )
    facts.correct(
        remote,
        fact_id,
        VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.PHONE),
        "对方更正",
    )
    theirs = [
        c for c in as_pulled(remote, cursor_from=100) if c.entity == "visit" and c.fields["version"] == 2
    ]
    pull.apply_pull_page(enrolled, page(theirs), after=cursor_of(enrolled))
    with enrolled.read() as session:
        rows = session.scalars(select(Visit).where(Visit.fact_id == fact_id).order_by(Visit.version)).all()
        assert [r.version for r in rows] == [1, 2, 3]
        assert [pull.hlc_key(r.hlc) for r in rows] == sorted(pull.hlc_key(r.hlc) for r in rows)
    (history,) = facts.history(enrolled, pid)
    assert history.current.data.kind is VisitKind.PHONE  # the later correction is current
    assert len(history.earlier) == 2  # and nothing is lost


def test_a_supervisor_sees_other_offices_records(enrolled, remote):
    pid = register(remote)
    changes = [dataclasses.replace(c, office_code="640104002") for c in as_pulled(remote)]
    for c in changes:
        if "office_code" in c.fields:
            c.fields["office_code"] = "640104002"
    outcome = pull.apply_pull_page(enrolled, page(changes), after=0)
    assert outcome.applied == len(changes) and outcome.parked == 0
    with enrolled.read() as session:
        assert session.get(Person, pid).office_code == "640104002"
    assert UUID(str(pid)) not in {s.id for s in persons.summaries(enrolled)}  # not shown as our own office's


def test_a_review_from_another_computer_keeps_its_reviewer(enrolled, remote):
    pid = register(remote)
    facts.record(remote, VisitInput(person_id=pid, visited_on=date(2026, 6, 2), kind=VisitKind.HOME))
    changes = as_pulled(remote)
    pull.apply_pull_page(enrolled, page(changes), after=0)
    with enrolled.read() as session:
        visit = session.scalars(select(Visit)).one()
        assert visit.recorded_by == remote.actor_id  # kept as a name-only user from the other computer
    assert facts.history(enrolled, pid)[0].current.kind is FactKind.VISIT


def test_a_measure_merges_field_by_field_too(enrolled, remote):
    pid = register(remote)
    measures.order(
        remote, MeasureInput(person_id=pid, kind=MeasureKind.COMMUNITY_TREATMENT, ordered_on=date(2026, 6, 1))
    )
    pulled = as_pulled(remote)
    pull.apply_pull_page(enrolled, page(pulled), after=0)
    measure = next(c for c in pulled if c.entity == "measure")
    insert_ms = int(measure.hlc.split(":")[0])
    measures.record_report(enrolled, UUID(measure.id), date(2026, 6, 10))  # here, later: clock L
    remote_but_earlier = hlc(insert_ms + 1)  # made elsewhere after the order, before our report
    changes = [
        server_change(50, "measure", measure.id, {"ends_on": "2026-12-31"}, remote_but_earlier, op="update"),
        server_change(
            51, "measure", measure.id, {"document_no": "公戒字 2026-7 号"}, remote_but_earlier, op="update"
        ),
    ]
    pull.apply_pull_page(enrolled, page(changes), after=cursor_of(enrolled))
    (view,) = persons.read_file(enrolled, pid).measures
    assert view.ends_on == date(2029, 6, 9)  # our report set it later than their change: ours stands
    assert view.document_no == "公戒字 2026-7 号"  # a field nobody here touched: theirs is taken
