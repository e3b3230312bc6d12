"""USB bundles: a device's sealed outbox applied exactly once however often it is imported; anything
damaged, forged or foreign refused; a "down" bundle the device can open with its own key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync import protocol
from sync.server.cli import main
from tests.sync.server.harness import NEIGHBOUR, Device, Server, statuses


def up_bundle(device: Device, changes: list[protocol.Change]) -> bytes:
    request = protocol.PushRequest(device.id, changes, client_time_ms=0)
    return protocol.seal_bundle(protocol.to_json(request), device.id, device.enrolment.bundle_key, "up")


def run(server: Server, *args: str) -> int:
    return main([*args, "--database-url", server.url])


def test_a_bundle_imported_twice_is_applied_once(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    device, reader = server.enrol(), server.enrol()
    person = device.person()
    changes = [person, device.fact(person), device.fact(person)]
    bundle = tmp_path / "outbox.rdsync"
    bundle.write_bytes(up_bundle(device, changes))

    assert run(server, "import-bundle", str(bundle)) == 0
    assert "3 applied" in capsys.readouterr().out
    assert run(server, "import-bundle", str(bundle)) == 0
    assert "0 applied, 3 already there" in capsys.readouterr().out

    pulled, _ = reader.pull_all()
    assert [c.id for c in pulled] == [c.id for c in changes]
    # The same changes over a link later (the device never learnt the import happened): duplicates.
    assert statuses(device.push_ok(changes)) == ["duplicate"] * 3


def test_a_refused_change_in_a_bundle_is_reported_not_fatal(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    device = server.enrol()
    bundle = tmp_path / "outbox.rdsync"
    bundle.write_bytes(up_bundle(device, [device.person(), device.person(office=NEIGHBOUR)]))
    assert run(server, "import-bundle", str(bundle)) == 0
    out = capsys.readouterr().out
    assert "1 applied" in out and "1 refused" in out and "out_of_scope" in out


@pytest.mark.parametrize("damage", ["flip", "truncate", "other_device", "down", "garbage"])
def test_a_damaged_forged_or_foreign_bundle_is_refused(
    server: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    device, other = server.enrol(), server.enrol()
    blob = up_bundle(device, [device.person()])
    if damage == "flip":
        blob = blob[:-5] + bytes([blob[-5] ^ 1]) + blob[-4:]
    elif damage == "truncate":
        blob = blob[:-20]
    elif damage == "other_device":  # sealed with another device's key but claiming this one
        forged = protocol.seal_bundle(b"{}", other.id, device.enrolment.bundle_key, "up")
        blob = forged
    elif damage == "down":
        payload = protocol.to_json(protocol.PullResponse([], 0, False))
        blob = protocol.seal_bundle(payload, device.id, device.enrolment.bundle_key, "down")
    else:
        blob = b"PK\x03\x04 not a bundle"
    bundle = tmp_path / "outbox.rdsync"
    bundle.write_bytes(blob)

    assert run(server, "import-bundle", str(bundle)) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert device.pull_all()[0] == []


def test_a_bundle_with_a_malformed_request_is_refused(server: Server, tmp_path: Path) -> None:
    device = server.enrol()
    blob = protocol.seal_bundle(b'{"changes": "nope"}', device.id, device.enrolment.bundle_key, "up")
    bundle = tmp_path / "outbox.rdsync"
    bundle.write_bytes(blob)
    assert run(server, "import-bundle", str(bundle)) == 1


def test_a_down_bundle_carries_the_devices_pull(server: Server, tmp_path: Path) -> None:
    writer, offline = server.enrol(), server.enrol()
    outsider = server.enrol(NEIGHBOUR)
    person = writer.person()
    writer.push_ok([person, writer.fact(person)])
    outsider.push_ok([outsider.person()])

    out = tmp_path / "down.rdsync"
    assert run(server, "export-bundle", "--device", offline.id[:8], "--after", "0", "--out", str(out)) == 0
    device_id, direction, payload = protocol.open_bundle(out.read_bytes(), offline.enrolment.bundle_key)
    assert (device_id, direction) == (offline.id, "down")
    page = protocol.from_json(protocol.PullResponse, json.loads(payload))
    assert [c.id for c in page.changes] == [c.id for c in writer.pull_all()[0]]
    assert not page.more and page.cursor == 3

    # Another device's key cannot open it.
    with pytest.raises(ValueError):
        protocol.open_bundle(out.read_bytes(), writer.enrolment.bundle_key)
