"""The wire's JSON text is exactly ``json.dumps(asdict(message))``, made without asdict's deep copy (by
orjson), and ``protocol.loads`` reads any text as ``json.loads`` does."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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

    # Changed after it was made: a shorter list, an attribute removed and set again. A message holds its
    # fields only (an attribute that is not one cannot be added, so it can never go on the wire).
    request.changes = request.changes[:2]
    assert protocol.to_json(request) == reference(request)
    with pytest.raises(AttributeError):
        request.note = "not a field"  # type: ignore[attr-defined]
    client_time = request.client_time_ms
    del request.client_time_ms
    request.client_time_ms = client_time  # now last in the attribute dict, still in its place on the wire
    assert protocol.to_json(request) == reference(request)


texts = st.one_of(st.text(max_size=8), st.sampled_from(["\x00", "\ud800", "😀", "张三", "\\", '"', "1" * 19]))
numbers = st.one_of(
    st.integers(),
    st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
)
values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, texts),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


@st.composite
def json_texts(draw: st.DrawFn) -> bytes | str:
    value = draw(st.one_of(values, st.sampled_from([math.nan, math.inf, [1e999]])))
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):  # damaged
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', "\\", "{", ",", "\x00", ""])) + text[at:]
    encoding = draw(st.sampled_from(["text", "utf-8", "utf-16", "utf-8-sig"]))
    return text if encoding == "text" else text.encode(encoding, "surrogatepass")


def outcome(parse: Any, raw: Any) -> str:
    try:
        return repr(parse(raw))  # repr: NaN is not equal to itself; 1 and 1.0 differ
    except ValueError as exc:
        return f"ValueError {type(exc).__name__}"


@settings(max_examples=500, deadline=None)
@given(json_texts())
def test_loads_reads_any_text_as_the_standard_library_does(raw: bytes | str) -> None:
    assert outcome(protocol.loads, raw) == outcome(json.loads, raw)


@settings(max_examples=500, deadline=None)
@given(values)
def test_to_json_writes_any_value_as_the_standard_library_does(value: Any) -> None:
    def stdlib(v: Any) -> Any:
        return json.loads(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode())

    try:
        expected = repr(stdlib(value))
    except UnicodeEncodeError:  # a lone surrogate: refused the same way
        with pytest.raises(UnicodeEncodeError):
            protocol.to_json(value)
        return
    assert repr(json.loads(protocol.to_json(value))) == expected
