"""Push: a batch is applied once however often it is sent; a refused change never blocks the others."""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from sync import protocol
from sync.server.schema import Applied, ChangeLogEntry, Record
from tests.sync.server.harness import NEIGHBOUR, TOWNSHIP, Server, new_id, statuses


def log_count(server: Server) -> int:
    with server.storage.read() as session:
        return session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0


def test_the_same_batch_twice_is_applied_once(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    batch = [person, device.fact(person), device.fact(person, "drug_test", result="negative")]

    assert statuses(device.push_ok(batch)) == ["applied"] * 3
    entries = log_count(server)
    assert statuses(device.push_ok(batch)) == ["duplicate"] * 3
    assert log_count(server) == entries == 3
    with server.storage.read() as session:
        assert session.scalar(select(func.count()).select_from(Record)) == 3
        assert session.scalar(select(func.count()).select_from(Applied)) == 3

    # A batch that overlaps the last one (the answer was lost after the first half was sent again).
    more = device.fact(person)
    assert statuses(device.push_ok([*batch[1:], more])) == ["duplicate", "duplicate", "applied"]
    assert log_count(server) == 4


def test_a_refused_change_does_not_block_the_batch(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    visit = device.fact(person)
    batch = [
        person,
        device.change("spaceship", {}),  # an entity nobody knows
        device.change("visit", {}, id="not-a-uuid"),
        device.change("visit", {}, office="64010400"),  # not 9 digits
        device.change("visit", {}, office=NEIGHBOUR),  # another township
        device.change("visit", {}, op="update", id=visit.id),  # facts are never updated
        device.change("visit", {}, hlc="yesterday"),
        device.change("visit", {}, hlc=device.hlc(offset_ms=protocol.MAX_CLOCK_SKEW_MS + 60_000)),
        device.change("visit", {}, person_id="nobody"),
        visit,
    ]
    results = device.push_ok(batch)
    assert [(r.status, r.code) for r in results] == [
        ("applied", ""),
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("rejected", "out_of_scope"),
        ("rejected", "invalid"),
        ("rejected", "invalid"),
        ("rejected", "clock_skew"),
        ("rejected", "invalid"),
        ("applied", ""),
    ]
    for result in results:
        assert (result.message_zh != "") == (result.status == "rejected")
        assert (result.message_en != "") == (result.status == "rejected")
    assert [r.seq for r in results] == [c.seq for c in batch]
    changes, _ = device.pull_all()
    assert [c.id for c in changes] == [person.id, visit.id]

    # Refused changes left no trace: sent again they are judged again (and refused again).
    again = device.push_ok(batch)
    assert statuses(again) == ["duplicate", *(["rejected"] * 8), "duplicate"]


def test_a_fact_is_insert_only(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    visit = device.fact(person, notes="第一次")
    device.push_ok([person, visit])

    same = device.change("visit", dict(visit.fields), id=visit.id, person_id=person.id)
    changed = device.change("visit", {**visit.fields, "notes": "改过"}, id=visit.id, person_id=person.id)
    results = device.push_ok([same, changed])
    assert [(r.status, r.code) for r in results] == [("duplicate", ""), ("rejected", "immutable")]
    with server.storage.read() as session:
        assert session.get_one(Record, visit.id).fields["notes"] == "第一次"


def test_a_sequence_number_reused_for_another_record_is_refused(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    device.push_ok([person])
    reused = device.change("person", {"name": "x", "office_code": TOWNSHIP})
    reused.seq = person.seq
    result = device.push_ok([reused])[0]
    assert (result.status, result.code) == ("rejected", "invalid")


def test_a_device_clock_far_off_refuses_the_whole_request(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    for off in (-protocol.MAX_CLOCK_SKEW_MS - 60_000, protocol.MAX_CLOCK_SKEW_MS + 60_000):
        response = device.push([person], client_time_ms=int(time.time() * 1000) + off)
        assert response.status_code == 409
        problem = response.json()
        assert problem["code"] == "clock_skew"
        assert "时钟" in problem["message_zh"] and "clock" in problem["message_en"]
    assert log_count(server) == 0
    near = device.push([person], client_time_ms=int(time.time() * 1000) - protocol.MAX_CLOCK_SKEW_MS // 2)
    assert near.status_code == 200


def test_another_protocol_version_is_refused(server: Server) -> None:
    device = server.enrol()
    for version, words in ((protocol.PROTOCOL_VERSION + 1, "server"), (0, "upgrade the program")):
        response = device.push([device.person()], protocol=version)
        assert response.status_code == 409
        assert response.json()["code"] == "protocol"
        assert words in response.json()["message_en"]


def test_a_push_speaks_for_its_own_device_only(server: Server) -> None:
    device, other = server.enrol(), server.enrol()
    response = device.push([device.person()], device_id=other.id)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_too_many_changes_in_one_push(server: Server) -> None:
    device = server.enrol()
    changes = [device.change("visit", {}) for _ in range(protocol.MAX_BATCH + 1)]
    response = device.push(changes)
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_measures_and_work_group_members_go_to_the_last_writer_field_by_field(server: Server) -> None:
    first, second = server.enrol(), server.enrol()
    person = first.person()
    measure = first.change(
        "measure", {"kind": "community_treatment", "ends_on": "2027-01-01"}, person_id=person.id
    )
    first.push_ok([person, measure])

    early = first.hlc()
    late = second.hlc(offset_ms=1000)
    newer = second.change("measure", {"ends_on": "2028-01-01"}, id=measure.id, op="update", hlc=late)
    older = first.change(
        "measure",
        {"ends_on": "2026-12-01", "reported_on": "2026-01-05"},
        id=measure.id,
        op="update",
        hlc=early,
    )
    assert statuses(second.push_ok([newer])) == ["applied"]
    assert statuses(first.push_ok([older])) == ["applied"]  # taken, and superseded where it is older
    with server.storage.read() as session:
        fields = session.get_one(Record, measure.id).fields
    assert fields == {"kind": "community_treatment", "ends_on": "2028-01-01", "reported_on": "2026-01-05"}

    changes, _ = second.pull_all()
    last = changes[-1]
    assert (last.entity, last.op, last.fields) == ("measure", "update", {"reported_on": "2026-01-05"})


def test_an_update_of_a_record_the_server_never_saw_creates_it(server: Server) -> None:
    device = server.enrol()
    member = device.change(
        "work_group_member", {"role": "police", "name": "李警官"}, op="update", person_id=new_id()
    )
    assert statuses(device.push_ok([member])) == ["applied"]
    changes, _ = device.pull_all()
    assert changes[0].op == "insert" and changes[0].fields == member.fields


def test_a_person_update_carries_the_merge_clocks(server: Server) -> None:
    device = server.enrol()
    person = device.person(phone="17000000001")
    device.push_ok([person])
    update = device.change(
        "person", {"phone": "17000000002"}, id=person.id, op="update", base={"phone": person.hlc}
    )
    result = device.push_ok([update])[0]
    assert (result.status, result.code) == ("applied", "")
    snapshot, _ = device.snapshot_all()
    (record,) = snapshot
    assert record.fields["phone"] == "17000000002"
    assert record.field_clocks == {"name": person.hlc, "office_code": person.hlc, "phone": update.hlc}


def test_a_batch_that_follows_another_waits_for_it_and_is_refused_when_it_never_comes(
    server: Server, monkeypatch
) -> None:
    """``PushRequest.follows``: a batch sent while the one before was on its way is applied only after
    that one; when that one does not come in time it is refused (409 out_of_order), applying nothing."""
    from sync.server import push as server_push

    monkeypatch.setattr(server_push, "FOLLOW_WAIT_S", 0.2)
    device = server.enrol()
    meta = server.client.get("/v1/meta", headers=device.headers).json()
    assert meta["push_window"] == protocol.PUSH_WINDOW >= 2

    first_person = device.person()
    first = [first_person, device.fact(first_person)]  # seqs 1 and 2
    second_person = device.person()
    second = [second_person, device.fact(second_person)]  # seqs 3 and 4

    early = device.push(second, follows=2)  # the first batch has not come
    assert early.status_code == 409 and early.json()["code"] == "out_of_order"
    with server.storage.read() as session:
        assert session.scalar(select(func.count()).select_from(Applied)) == 0

    # The first batch comes while the second waits for it: the second is applied after it.
    late = threading.Thread(target=lambda: (time.sleep(0.05), device.push_ok(first)))
    late.start()
    assert statuses(device.push_ok_following(second, follows=2)) == ["applied", "applied"]
    late.join()
    with server.storage.read() as session:
        taken = list(session.execute(select(Applied.seq, Applied.at).order_by(Applied.at, Applied.seq)))
    assert [seq for seq, _at in taken] == [1, 2, 3, 4]

    # A batch following a seq the server has answered goes straight in (the answer may have been lost).
    assert statuses(device.push_ok_following([device.fact(first_person)], follows=4)) == ["applied"]
