"""A person who moves takes their whole file along: the new office pulls every record, the old one gets a
tombstone; a county that sees both offices is not told to forget anything."""

from __future__ import annotations

from sync import protocol
from tests.sync.server.harness import COUNTY, NEIGHBOUR, OTHER_COUNTY_OFFICE, TOWNSHIP, Device, Server, ids


def move(device: Device, person: protocol.Change, office: str) -> protocol.Change:
    return device.change(
        "person", {"office_code": office, "status": "transferred"}, id=person.id, op="update",
        base={"office_code": person.hlc, "status": person.hlc},
    )  # fmt: skip


def test_a_transfer_relogs_the_history_under_the_new_office_and_tombstones_the_old(server: Server) -> None:
    old, new = server.enrol(TOWNSHIP), server.enrol(NEIGHBOUR)
    county = server.enrol(TOWNSHIP, "supervisor", scope=COUNTY)
    person = old.person(status="under_treatment")
    measure = old.change("measure", {"kind": "community_treatment"}, person_id=person.id)
    facts = [old.fact(person), old.fact(person, "drug_test"), old.fact(person, "assistance")]
    stranger = old.person()  # someone else in the old office stays put
    old.push_ok([person, measure, *facts, stranger])
    _, old_cursor = old.pull_all()
    _, county_cursor = county.pull_all()

    assert [(r.status, r.code) for r in old.push_ok([move(old, person, NEIGHBOUR)])] == [("applied", "")]

    # The new office pulls the person first, then everything recorded about them, oldest first.
    arrived, _ = new.pull_all()
    assert [c.id for c in arrived] == [person.id, measure.id, *(f.id for f in facts)]
    assert all(c.kind == "change" and c.op == "insert" and c.office_code == NEIGHBOUR for c in arrived)
    assert arrived[0].fields["office_code"] == NEIGHBOUR and arrived[0].fields["status"] == "transferred"
    assert arrived[1].fields == measure.fields
    # Whole records of updatable entities carry their field clocks; facts have one clock.
    assert arrived[0].field_clocks is not None and arrived[0].field_clocks["office_code"] == arrived[0].hlc
    assert arrived[0].field_clocks["name"] == person.hlc
    assert arrived[1].field_clocks == dict.fromkeys(measure.fields, measure.hlc)
    assert arrived[2].field_clocks is None
    new_snapshot, _ = new.snapshot_all()
    assert sorted(ids(new_snapshot)) == sorted(c.id for c in arrived)

    # The old office is told to let go of the person, and only of them.
    (tombstone,) = old.pull_all(old_cursor)[0]
    assert (tombstone.kind, tombstone.entity, tombstone.id, tombstone.office_code) == (
        "tombstone",
        "person",
        person.id,
        TOWNSHIP,
    )
    assert tombstone.fields == {"office_code": NEIGHBOUR}
    assert ids(old.snapshot_all()[0]) == [stranger.id]

    # The county sees both offices: no tombstone, the re-logged records are merely repeats.
    county_news, _ = county.pull_all(county_cursor)
    assert {c.kind for c in county_news} == {"change"}
    assert sorted(ids(county.snapshot_all()[0])) == sorted([stranger.id, *(c.id for c in arrived)])


def test_a_record_made_offline_before_the_move_follows_the_person(server: Server) -> None:
    old, new = server.enrol(TOWNSHIP), server.enrol(NEIGHBOUR)
    person = old.person()
    old.push_ok([person])
    late_visit = old.fact(person)  # saved offline in the old office, before it heard of the move
    new_person_view = new.pull_all()[0]
    assert new_person_view == []
    other_pc = server.enrol(TOWNSHIP)
    other_pc.push_ok([move(other_pc, person, NEIGHBOUR)])

    assert [(r.status, r.code) for r in old.push_ok([late_visit])] == [("applied", "")]
    arrived, _ = new.pull_all()
    assert arrived[-1].id == late_visit.id and arrived[-1].office_code == NEIGHBOUR

    # Their profile is the new office's to change now.
    edit = old.change("person", {"phone": "17000000001"}, id=person.id, op="update", base={"phone": ""})
    result = old.push_ok([edit])[0]
    assert (result.status, result.code) == ("rejected", "out_of_scope")
    assert NEIGHBOUR in result.message_en


def test_a_move_to_another_county_tombstones_for_the_old_county(server: Server) -> None:
    old = server.enrol(TOWNSHIP)
    county = server.enrol(TOWNSHIP, "supervisor", scope=COUNTY)
    far = server.enrol(OTHER_COUNTY_OFFICE)
    person = old.person()
    old.push_ok([person, old.fact(person)])
    _, cursor = county.pull_all()
    old.push_ok([move(old, person, OTHER_COUNTY_OFFICE)])
    (tombstone,) = county.pull_all(cursor)[0]
    assert tombstone.kind == "tombstone" and tombstone.fields == {"office_code": OTHER_COUNTY_OFFICE}
    assert [c.entity for c in far.pull_all()[0]] == ["person", "visit"]


def test_moving_back_brings_the_file_back(server: Server) -> None:
    old, new = server.enrol(TOWNSHIP), server.enrol(NEIGHBOUR)
    person = old.person()
    visit = old.fact(person)
    old.push_ok([person, visit])
    old.push_ok([move(old, person, NEIGHBOUR)])
    back = new.change("person", {"office_code": TOWNSHIP}, id=person.id, op="update")
    new.push_ok([back])
    assert sorted(ids(old.snapshot_all()[0])) == sorted([person.id, visit.id])
    assert new.snapshot_all()[0] == []
