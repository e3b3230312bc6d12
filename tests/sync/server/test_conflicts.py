"""Person profile conflicts: two offices change one field while apart; both values are kept, the later
one provisionally, and a supervisor in scope picks."""

from __future__ import annotations

from typing import Any

from sync import protocol
from tests.sync.server.harness import COUNTY, OTHER_COUNTY_OFFICE, TOWNSHIP, Device, Server


def profile_update(
    device: Device, person: protocol.Change, base: str | None, offset_ms: int = 0, **fields: Any
):
    return device.change(
        "person",
        fields,
        id=person.id,
        op="update",
        # Like the app: every profile field is checked, bookkeeping (updated_at) is not.
        base={name: base for name in fields if name != "updated_at"} if base is not None else None,
        hlc=device.hlc(offset_ms),
    )


def test_two_offices_change_one_field_apart_and_a_supervisor_picks(server: Server) -> None:
    here, there = server.enrol(), server.enrol()
    supervisor = server.enrol(TOWNSHIP, "supervisor")
    person = here.person(phone="17000000001")
    here.push_ok([person])

    # Both had seen the registration's phone; each changes it while apart.
    mine = profile_update(here, person, person.hlc, phone="17000000002")
    theirs = profile_update(there, person, person.hlc, offset_ms=50, phone="17000000003", updated_at="later")
    assert [(r.status, r.code) for r in here.push_ok([mine])] == [("applied", "")]
    result = there.push_ok([theirs])[0]
    assert (result.status, result.code) == ("applied", "conflict")  # taken; both values kept
    assert "phone" in result.message_en and result.message_zh

    pulled, _ = supervisor.pull_all()
    conflict = [c for c in pulled if c.kind == "conflict"]
    assert len(conflict) == 1
    entry = conflict[0]
    assert (entry.entity, entry.id, entry.person_id, entry.office_code) == (
        "person",
        person.id,
        person.id,
        TOWNSHIP,
    )
    assert entry.fields["field"] == "phone"
    values = entry.fields["values"]
    assert [v["value"] for v in values] == ["17000000002", "17000000003"]
    assert [v["device"] for v in values] == [here.id, there.id]
    assert [v["hlc"] for v in values] == [mine.hlc, theirs.hlc]

    # The later one holds for now; the field without a base (updated_at) is just last-writer-wins.
    snapshot, _ = supervisor.snapshot_all()
    (record,) = [r for r in snapshot if r.kind == "change"]
    assert record.fields["phone"] == "17000000003" and record.fields["updated_at"] == "later"
    (open_conflict,) = [r for r in snapshot if r.kind == "conflict"]
    assert open_conflict.fields == entry.fields

    # A worker may not decide; the supervisor may.
    conflict_id = entry.fields["conflict_id"]
    refused = here.resolve(conflict_id, "phone", "17000000002")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    wrong_field = supervisor.resolve(conflict_id, "name", "x")
    assert wrong_field.status_code == 400
    resolved = supervisor.resolve(conflict_id, "phone", "17000000002")
    assert resolved.status_code == 200, resolved.text
    assert [r["status"] for r in resolved.json()["results"]] == ["applied"]

    later, _ = supervisor.pull_all(pulled[-1].cursor)
    (resolution,) = later
    assert resolution.kind == "resolution"
    assert resolution.fields == {"conflict_id": conflict_id, "field": "phone", "value": "17000000002"}
    assert all(protocol_clock(resolution.hlc) > protocol_clock(v["hlc"]) for v in values)

    snapshot, _ = supervisor.snapshot_all()
    assert [r.kind for r in snapshot] == ["change"]
    assert snapshot[0].fields["phone"] == "17000000002"
    assert snapshot[0].field_clocks is not None and snapshot[0].field_clocks["phone"] == resolution.hlc

    # Resolving again: the same choice is a duplicate, another one is refused.
    assert (
        supervisor.resolve(conflict_id, "phone", "17000000002").json()["results"][0]["status"] == "duplicate"
    )
    again = supervisor.resolve(conflict_id, "phone", "17000000003").json()["results"][0]
    assert (again["status"], again["code"]) == ("rejected", "resolved")

    # Working on from the resolved value raises no new conflict.
    follow_up = profile_update(here, person, resolution.hlc, offset_ms=100, phone="17000000004")
    assert [(r.status, r.code) for r in here.push_ok([follow_up])] == [("applied", "")]


def protocol_clock(hlc: str) -> tuple[int, int]:
    ms, counter, _ = hlc.split(":", 2)
    return int(ms), int(counter)


def test_no_conflict_when_the_device_had_seen_the_servers_value(server: Server) -> None:
    here, there = server.enrol(), server.enrol()
    person = here.person(phone="17000000001")
    here.push_ok([person])
    first = profile_update(here, person, person.hlc, phone="17000000002")
    here.push_ok([first])
    # "there" pulled the change above before editing: its base is that change's clock.
    second = profile_update(there, person, first.hlc, offset_ms=10, phone="17000000003")
    assert [(r.status, r.code) for r in there.push_ok([second])] == [("applied", "")]


def test_no_conflict_when_both_offices_wrote_the_same_value(server: Server) -> None:
    here, there = server.enrol(), server.enrol()
    person = here.person(phone="17000000001")
    here.push_ok([person])
    here.push_ok([profile_update(here, person, person.hlc, phone="17000000002")])
    same = profile_update(there, person, person.hlc, offset_ms=10, phone="17000000002")
    assert [(r.status, r.code) for r in there.push_ok([same])] == [("applied", "")]


def test_an_older_concurrent_value_loses_provisionally_but_is_kept(server: Server) -> None:
    here, there = server.enrol(), server.enrol()
    person = here.person(address="甲")
    here.push_ok([person])
    older = profile_update(there, person, person.hlc, address="乙")  # made first, arrives last
    newer = profile_update(here, person, person.hlc, offset_ms=500, address="丙")
    here.push_ok([newer])
    result = there.push_ok([older])[0]
    assert (result.status, result.code) == ("applied", "conflict")
    snapshot, _ = here.snapshot_all()
    assert [r.fields["address"] for r in snapshot if r.kind == "change"] == ["丙"]
    (conflict,) = [r for r in snapshot if r.kind == "conflict"]
    assert [v["value"] for v in conflict.fields["values"]] == ["乙", "丙"]


def test_a_third_value_joins_the_open_conflict(server: Server) -> None:
    a, b, c = server.enrol(), server.enrol(), server.enrol()
    person = a.person(phone="1")
    a.push_ok([person])
    a.push_ok([profile_update(a, person, person.hlc, phone="2")])
    b.push_ok([profile_update(b, person, person.hlc, offset_ms=10, phone="3")])
    c.push_ok([profile_update(c, person, person.hlc, offset_ms=20, phone="4")])
    snapshot, _ = a.snapshot_all()
    (conflict,) = [r for r in snapshot if r.kind == "conflict"]
    assert [v["value"] for v in conflict.fields["values"]] == ["2", "3", "4"]


def test_resolving_is_held_to_the_supervisors_scope(server: Server) -> None:
    here, there = server.enrol(), server.enrol()
    county = server.enrol(TOWNSHIP, "supervisor", scope=COUNTY)
    elsewhere = server.enrol(OTHER_COUNTY_OFFICE, "supervisor", scope=OTHER_COUNTY_OFFICE[:6])
    person = here.person(phone="1")
    here.push_ok([person])
    here.push_ok([profile_update(here, person, person.hlc, phone="2")])
    there.push_ok([profile_update(there, person, person.hlc, offset_ms=10, phone="3")])
    (conflict,) = [c for c in county.pull_all()[0] if c.kind == "conflict"]
    conflict_id = conflict.fields["conflict_id"]

    outside = elsewhere.resolve(conflict_id, "phone", "2")
    assert outside.status_code == 403 and outside.json()["code"] == "out_of_scope"
    assert county.resolve(conflict_id, "phone", "2").status_code == 200
    for unknown in ("00000000-0000-4000-8000-000000000000", "not-an-id"):
        response = county.resolve(unknown, "phone", "2")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
