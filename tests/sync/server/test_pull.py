"""Pull: pages of the change log in cursor order; a cursor the log no longer serves gets 410."""

from __future__ import annotations

import pytest

from sync import protocol
from sync.server import changelog
from sync.server.problems import AdminError
from tests.sync.server.harness import NEIGHBOUR, Server


def test_pull_pages_through_the_log_in_order(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    facts = [device.fact(person) for _ in range(24)]
    device.push_ok([person, *facts])

    seen: list[str] = []
    cursors: list[int] = []
    after, pages = 0, 0
    while True:
        response = device.pull(after, limit=10)
        assert response.status_code == 200
        page = protocol.from_json(protocol.PullResponse, response.json())
        pages += 1
        assert len(page.changes) == (10 if page.more else 5)
        seen += [c.id for c in page.changes]
        cursors += [c.cursor for c in page.changes]
        assert page.cursor == page.changes[-1].cursor
        after = page.cursor
        if not page.more:
            break
    assert pages == 3
    assert seen == [person.id, *(f.id for f in facts)]
    assert cursors == sorted(cursors) and len(set(cursors)) == 25

    # Nothing new: the same cursor back, no changes.
    empty = protocol.from_json(protocol.PullResponse, device.pull(after).json())
    assert (empty.changes, empty.cursor, empty.more) == ([], after, False)


def test_a_quiet_device_still_moves_on_past_other_offices_entries(server: Server) -> None:
    quiet, busy = server.enrol(), server.enrol(NEIGHBOUR)
    person = busy.person()
    busy.push_ok([person, busy.fact(person), busy.fact(person)])
    page = protocol.from_json(protocol.PullResponse, quiet.pull(0).json())
    assert page.changes == [] and not page.more
    assert page.cursor == 3  # the log's head: compacting below it will not strand this device


def test_a_cursor_below_the_compacted_log_expires(server: Server) -> None:
    device = server.enrol()
    person = device.person()
    device.push_ok([person, *(device.fact(person) for _ in range(9))])  # cursors 1..10

    deleted = server.storage.write(lambda s: changelog.compact(s, 6, "test"))
    assert deleted == 5
    assert server.storage.write(lambda s: changelog.compact(s, 3, "test")) == 0  # the floor never goes down

    for after in (0, 4):
        response = device.pull(after)
        assert response.status_code == 410
        problem = response.json()
        assert problem["code"] == "cursor_expired"
        assert problem["message_zh"] and problem["message_en"]
    kept, _ = device.pull_all(5)
    assert [c.cursor for c in kept] == [6, 7, 8, 9, 10]

    with pytest.raises(AdminError):
        server.storage.write(lambda s: changelog.compact(s, 12, "test"))  # beyond the head
    server.storage.write(lambda s: changelog.compact(s, 11, "test"))  # everything
    page = protocol.from_json(protocol.PullResponse, device.pull(10).json())
    assert (page.changes, page.cursor) == ([], 10)
    assert device.pull(9).status_code == 410


def test_a_cursor_beyond_the_log_expires_too(server: Server) -> None:
    """A device ahead of the server's log (the server restored from an older backup) must rebuild."""
    device = server.enrol()
    device.push_ok([device.person()])
    response = device.pull(50)
    assert response.status_code == 410
    assert response.json()["code"] == "cursor_expired"


@pytest.mark.parametrize(
    "query", ["after=-1", "after=abc", "limit=0", "limit=100000", "after=99999999999999999999"]
)
def test_bad_pull_parameters_are_400(server: Server, query: str) -> None:
    device = server.enrol()
    response = server.client.get(f"/v1/pull?{query}", headers=device.headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
