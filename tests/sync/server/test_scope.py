"""Scope comes from the token: a township sees its own office, a county supervisor every township of the
county and nothing of another county. No request parameter widens it."""

from __future__ import annotations

from tests.sync.server.harness import COUNTY, NEIGHBOUR, OTHER_COUNTY_OFFICE, TOWNSHIP, Server, ids


def test_a_township_device_cannot_push_or_pull_another_townships_records(server: Server) -> None:
    ours, theirs = server.enrol(TOWNSHIP), server.enrol(NEIGHBOUR)
    their_person = theirs.person()
    theirs.push_ok([their_person, theirs.fact(their_person)])

    # Pushing into their office, or updating their record by its id, is refused.
    intruder = ours.person(office=NEIGHBOUR)
    edit = ours.change("person", {"phone": "17000000009"}, id=their_person.id, op="update")
    late_fact = ours.change("visit", {"kind": "home"}, office=NEIGHBOUR, person_id=their_person.id)
    results = ours.push_ok([intruder, edit, late_fact])
    assert [(r.status, r.code) for r in results] == [("rejected", "out_of_scope")] * 3

    # Pulling and a snapshot show nothing of theirs, whatever the query says.
    own = ours.person()
    ours.push_ok([own])
    pulled, _ = ours.pull_all()
    assert ids(pulled) == [own.id]
    sneaky = server.client.get(
        f"/v1/pull?after=0&scope={COUNTY}&office_code={NEIGHBOUR}", headers=ours.headers
    )
    assert [c["id"] for c in sneaky.json()["changes"]] == [own.id]
    snapshot, _ = ours.snapshot_all()
    assert ids(snapshot) == [own.id]


def test_a_county_supervisor_sees_every_township_of_its_county_only(server: Server) -> None:
    township, neighbour, far = (
        server.enrol(TOWNSHIP),
        server.enrol(NEIGHBOUR),
        server.enrol(OTHER_COUNTY_OFFICE),
    )
    county = server.enrol(TOWNSHIP, "supervisor", scope=COUNTY)
    a, b, c = township.person(), neighbour.person(), far.person()
    township.push_ok([a])
    neighbour.push_ok([b])
    far.push_ok([c])

    pulled, _ = county.pull_all()
    assert sorted(ids(pulled)) == sorted([a.id, b.id])
    snapshot, _ = county.snapshot_all()
    assert sorted(ids(snapshot)) == sorted([a.id, b.id])

    # It may record for any township of the county, not beyond.
    results = county.push_ok([county.fact(b), county.person(office=OTHER_COUNTY_OFFICE)])
    assert [(r.status, r.code) for r in results] == [("applied", ""), ("rejected", "out_of_scope")]

    # And the townships still see only their own.
    assert ids(far.pull_all()[0]) == [c.id]


def test_a_township_supervisor_is_held_to_its_township(server: Server) -> None:
    supervisor = server.enrol(TOWNSHIP, "supervisor")
    neighbour = server.enrol(NEIGHBOUR)
    neighbour.push_ok([neighbour.person()])
    assert supervisor.pull_all()[0] == []
