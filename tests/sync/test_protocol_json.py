"""The wire's JSON text is exactly ``json.dumps(asdict(message))``, made without asdict's deep copy."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from sync import protocol


def reference(message: Any) -> bytes:
    return json.dumps(asdict(message), ensure_ascii=False, separators=(",", ":")).encode()


def change(seq: int) -> protocol.Change:
    return protocol.Change(
        seq=seq,
        entity="visit",
        id=f"01a22e19-ee47-712e-a368-81c48f906f{seq:02d}",
        op="insert",
        hlc=f"1796069781063:{seq:04d}:01a22e19ec0072b9",
        office_code="640104001",
        person_id="01a22e19-ee35-72f9-b451-bb01bc99238c",
        fields={"kind": "office", "content": {"summary": "到站谈话", "needs": None}, "version": 1},
        base={"phone": "1796069781000:0000:x"} if seq % 2 else None,
    )


def test_to_json_is_the_text_of_the_message_as_a_dict() -> None:
    request = protocol.PushRequest("device", [change(n) for n in range(1, 6)], client_time_ms=5, follows=3)
    messages: list[Any] = [
        request,
        protocol.PushResponse(
            [protocol.ChangeResult(1, "applied"), protocol.ChangeResult(2, "rejected", "x")], 9
        ),
        protocol.Meta(1, 2, "server", device_seq=7, push_window=2),
        protocol.PullResponse(
            [
                protocol.ServerChange(
                    4, "change", "person", "i", "update", "h", "640104001", None, {"a": [1]}, "d"
                )
            ],
            4,
            False,
        ),
        protocol.SnapshotPage([], None, 0),
    ]
    for message in messages:
        assert protocol.to_json(message) == reference(message)

    # Changed after it was made: a shorter list, an attribute added, one removed and set again.
    request.changes = request.changes[:2]
    assert protocol.to_json(request) == reference(request)
    request.note = "not a field"  # type: ignore[attr-defined]
    assert protocol.to_json(request) == reference(request)
    del request.note  # type: ignore[attr-defined]
    client_time = request.client_time_ms
    del request.client_time_ms
    request.client_time_ms = client_time  # now last in the attribute dict, still in its place on the wire
    assert protocol.to_json(request) == reference(request)
