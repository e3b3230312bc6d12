"""The quick checks of a request body and of a change's fields give the full walk's verdicts, reasons
included: for any JSON text (valid or not, any encoding, NULs, lone surrogates, infinities, huge
integers, deep nesting, many objects) and any value a parsed body can hold."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.server import body


def full_load_json(raw: bytes, max_objects: int) -> Any:
    """``load_json`` as it was before its quick path: every object counted as the parser makes it,
    then every value walked."""
    made = 0

    def counted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal made
        made += 1
        if made > max_objects:
            raise ValueError("too_many_objects")
        return dict(pairs)

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        value = json.loads(raw, parse_constant=no_constant, object_pairs_hook=counted)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at character {exc.pos}") from None
    body.check_storable(value)
    return value


def verdict(check: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "taken", check(*args)
    except ValueError as exc:
        return "refused", str(exc)


ODD_TEXT = [
    "\x00",
    "a\x00",
    "\ud800",
    "x\udfff",
    "😀",
    "한국어",
    "\\",
    '"',
    "\\u0000",
    "\n\t",
    "é",
    "[{",
    "}]",
]
texts = st.one_of(st.text(max_size=8), st.sampled_from(ODD_TEXT))


def values_of(*numbers: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.sampled_from([2**64, -(2**63) - 1]), texts, *numbers
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
        max_leaves=24,
    )


# Any Python value (NaN and infinities included), and what a body parsed by load_json can hold (JSON has
# no number that is not finite, and load_json refuses one too large to be: 1e999).
values = values_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([1e308, -1e308]))
parsed_values = values_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e308, -1e308]))


def nested(depth: int, innermost: Any, as_object: bool) -> Any:
    value = innermost
    for _ in range(depth):
        value = {"k": value} if as_object else [value]
    return value


deep = st.builds(
    nested,
    st.integers(min_value=29, max_value=36),
    st.sampled_from([[], {}, 0, "x", [0], {"a": None}]),
    st.booleans(),
)


@st.composite
def json_texts(draw: st.DrawFn) -> bytes:
    value = draw(st.one_of(values, deep, st.dictionaries(texts, st.one_of(values, deep), max_size=3)))
    text = json.dumps(value, ensure_ascii=draw(st.booleans()), allow_nan=True)
    damage = draw(st.sampled_from(["none", "none", "cut", "insert"]))
    if damage == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif damage == "insert":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', "\\", "{", "]", ",", "\x00"])) + text[at:]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "utf-8-sig"]))
    return text.encode(encoding, "surrogatepass")


@settings(max_examples=600, deadline=None)
@given(json_texts(), st.sampled_from([1, 2, 3, 5, body.MAX_OBJECTS]))
def test_a_body_gets_the_full_checks_verdict(raw: bytes, max_objects: int) -> None:
    quick = verdict(body.load_json, raw, max_objects)
    full = verdict(full_load_json, raw, max_objects)
    assert quick[0] == full[0] and repr(quick[1]) == repr(full[1])


@settings(max_examples=600, deadline=None)
@given(st.one_of(parsed_values, deep))
def test_fields_get_the_full_checks_verdict_and_keep_their_value(value: Any) -> None:
    quick = verdict(body.storable_text, value)
    full = verdict(body.check_storable, value)
    assert quick[0] == full[0]
    if quick[0] == "refused":
        assert quick[1] == full[1]
    else:
        assert json.loads(quick[1]) == value


def test_the_quick_path_is_taken_for_an_ordinary_push_and_spares_the_walk(monkeypatch) -> None:
    """What makes a push cheap: an ordinary body is not walked value by value."""
    raw = json.dumps(
        {"device_id": "d", "changes": [{"seq": n, "fields": {"name": "张三", "n": 1.5}} for n in range(50)]},
        ensure_ascii=False,
    ).encode()
    walked: list[Any] = []
    monkeypatch.setattr(body, "check_storable", walked.append)
    assert body.load_json(raw)["changes"][49]["fields"]["name"] == "张三"
    assert walked == []


EDGES = [
    json.dumps(nested(depth, innermost, as_object)).encode()
    for depth in (31, 32, 33, 34)
    for innermost in ([], {}, 0, [0])
    for as_object in (False, True)
] + [
    b'{"a": "\\\\", "b": "\\"}", "c": ["]"]}',  # escaped backslash and quote, brackets in strings
    b'{"a": 1e999}',
    b'{"a": "\\u0000"}',
    b'{"a": "\\ud83d\\ude00"}',  # a pair: an emoji, storable
    '{"a": "\ud800"}'.encode("utf-8", "surrogatepass"),
    '{"a": "한"}'.encode(),
    b'{"a": "[", "b": "", "c": [{}]}',  # a bracket in one string, empty strings around it
    b'["", "{", "", "}}", {"": ""}]',
    b"[{}, {}, {}]",
    b"[{}, {}, {}",
]


def test_edge_cases_get_the_full_checks_verdict() -> None:
    for raw in EDGES:
        for max_objects in (2, 3, body.MAX_OBJECTS):
            quick = verdict(body.load_json, raw, max_objects)
            full = verdict(full_load_json, raw, max_objects)
            assert (quick[0], repr(quick[1])) == (full[0], repr(full[1])), (raw[:60], max_objects)
    # 33 containers deep: taken when the innermost is empty, refused when it holds a value.
    assert verdict(body.load_json, json.dumps(nested(32, [], False)).encode(), 10)[0] == "taken"
    assert verdict(body.load_json, json.dumps(nested(32, [0], False)).encode(), 10)[0] == "refused"
