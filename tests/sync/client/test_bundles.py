"""USB bundles: the outbox sealed for the server, the server's changes applied here once."""

from __future__ import annotations

import json

import pytest

from app.errors import Refused
from app.services import persons, sync_status
from app.services.inputs import PersonInput
from sync import protocol
from sync.client import bundles, push
from tests.conftest import make_id
from tests.sync.client.conftest import BUNDLE_KEY, DEVICE, OTHER_DEVICE, as_pulled


def register(store, name="张三", seq=123):
    return persons.register(store, PersonInput(name=name, id_number=make_id(seq=seq))).created[0]


def test_the_outbox_goes_out_sealed_and_stays_waiting(enrolled, tmp_path):
    register(enrolled)
    out = tmp_path / "usb" / "rehabdesk.rdsync"
    ((path, count),) = bundles.export_bundle(enrolled, out)
    assert path == out and count == sync_status.read_status(enrolled).pending > 0
    blob = out.read_bytes()
    assert "张三".encode() not in blob
    device, direction, payload = protocol.open_bundle(blob, key_b64=BUNDLE_KEY)
    assert (device, direction) == (DEVICE, "up")
    request = protocol.from_json(protocol.PushRequest, payload)
    assert request.device_id == DEVICE
    assert request.changes[0].fields["name"] == "张三"
    assert sync_status.read_status(enrolled).pending == count  # only the server's word confirms them


def test_a_long_outbox_is_split_into_bundles_the_server_takes_whole(enrolled, tmp_path, monkeypatch):
    for n in range(3):
        register(enrolled, f"人员{n}", 101 + 2 * n)
    monkeypatch.setattr(protocol, "MAX_BATCH", 2)
    written = bundles.export_bundle(enrolled, tmp_path / "out.rdsync")
    assert [p.name for p, _ in written] == ["out.rdsync", "out-2.rdsync"]  # three changes, two per bundle
    seqs = []
    for path, count in written:
        request = protocol.from_json(
            protocol.PushRequest, protocol.open_bundle(path.read_bytes(), BUNDLE_KEY)[2]
        )
        assert len(request.changes) == count <= 2
        seqs += [c.seq for c in request.changes]
    assert seqs == list(range(1, len(seqs) + 1))


def down_bundle(changes, device=DEVICE, direction="down"):
    response = protocol.PullResponse(changes=changes, cursor=changes[-1].cursor, more=False)
    return protocol.seal_bundle(protocol.to_json(response), device, BUNDLE_KEY, direction)


def test_a_down_bundle_applies_once_however_often_it_is_imported(enrolled, remote, tmp_path):
    pid = register(remote, "李四")
    source = tmp_path / "down.rdsync"
    source.write_bytes(down_bundle(as_pulled(remote)))
    first = bundles.import_bundle(enrolled, source)
    assert first.applied > 0
    again = bundles.import_bundle(enrolled, source)
    assert again.applied == 0 and again.skipped == first.applied
    assert [s.id for s in persons.summaries(enrolled)] == [pid]


def test_our_own_changes_in_a_down_bundle_confirm_them(enrolled, tmp_path):
    register(enrolled)
    changes = push.build_batch(enrolled).request.changes
    echoes = [
        protocol.ServerChange(
            i + 1, "change", c.entity, c.id, c.op, c.hlc, c.office_code, c.person_id, c.fields, DEVICE
        )
        for i, c in enumerate(changes)
    ]
    source = tmp_path / "down.rdsync"
    source.write_bytes(down_bundle(echoes))
    bundles.import_bundle(enrolled, source)
    assert sync_status.read_status(enrolled).pending == 0


@pytest.mark.parametrize("problem", ["up", "other device", "altered"])
def test_a_bundle_that_is_not_ours_to_apply_is_refused(enrolled, remote, tmp_path, problem):
    register(remote)
    changes = as_pulled(remote)
    blob = {
        "up": lambda: down_bundle(changes, direction="up"),
        "other device": lambda: down_bundle(changes, device=OTHER_DEVICE),
        "altered": lambda: bytearray(down_bundle(changes)),
    }[problem]()
    if problem == "altered":
        blob[-5] ^= 1
    source = tmp_path / "b.rdsync"
    source.write_bytes(bytes(blob))
    with pytest.raises(Refused):
        bundles.import_bundle(enrolled, source)
    assert persons.summaries(enrolled) == []


def test_status_as_json_says_what_waits_and_what_was_refused(enrolled):
    register(enrolled)
    batch = push.build_batch(enrolled)
    results = [protocol.ChangeResult(batch.seqs[0], "rejected", "out_of_scope", "不在范围内", "Out of scope")]
    push.apply_results(enrolled, batch, protocol.PushResponse(results, 0))
    data = json.loads(json.dumps(sync_status.read_status(enrolled).as_json("en")))
    assert data["enrolled"] and data["server_url"] == "http://127.0.0.1:9"
    assert data["pending"] == len(batch.seqs) - 1
    assert data["rejected"][0]["reason"] == "Out of scope"
    assert "IT staff" in data["rejected"][0]["advice"]
