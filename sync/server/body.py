"""Request bodies before FastAPI sees them: gzip inflated within the size limit, JSON checked for what the
databases cannot store (NUL characters, lone surrogates, NaN and infinities, absurd nesting).

A pure ASGI middleware, so the limit holds before the body is parsed and every refusal is a Problem.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import MAX_BODY_BYTES, UNSURE, decompress, quick_loads
from sync.server.problems import NOT_JSON, TOO_LARGE, TOO_MANY_ITEMS, UNSUPPORTED_ENCODING, Refusal

MAX_DEPTH = 32
# JSON objects in one body. A full push of 500 changes holds a few thousand; a body of the same size made
# of a million tiny objects took gigabytes to parse and validate, so parsing stops past this many.
MAX_OBJECTS = 20_000
WITH_BODY = {"POST", "PUT", "PATCH"}
PARSED = "rehabdesk.json"  # the scope key under which the middleware leaves the body it parsed
NOTHING = object()


def load_json(raw: bytes, max_objects: int = MAX_OBJECTS) -> Any:
    """Parse JSON a database can store as sent; ValueError (with a short reason) otherwise, and
    ValueError("too_many_objects") as soon as the body holds more than ``max_objects`` objects.

    A push is hundreds of KB, so the common case is made cheap, with the same verdicts: UTF-8 text
    whose strings cannot hold a NUL or a lone surrogate (no escape, no byte that could start one) has
    its objects counted and its nesting measured on its bare brackets before and after one plain
    parse (by orjson where it reads the text as json does); anything else (or anything near a limit)
    is parsed object by object and walked in full."""
    brackets = _brackets(raw) if isinstance(raw, bytes) else None
    if brackets is not None and brackets.count(b"{") <= max_objects:  # the parse makes no more than this
        value, odd_number = quick_loads(raw), False  # orjson refuses what is not finite
        if value is UNSURE:
            value, odd_number = _parse(raw, None)
        if odd_number:
            check_storable(value)
        elif _nesting(brackets, MAX_DEPTH) > MAX_DEPTH:
            check_depth(value)  # deep, or just at the limit: the exact rule decides
        return value
    value, _odd_number = _parse(raw, max_objects)
    check_storable(value)
    return value


def _parse(raw: bytes | str, max_objects: int | None) -> tuple[Any, bool]:
    """json.loads refusing NaN and Infinity; with ``max_objects``, stopping once it has made more objects
    than that. Also says whether a number parsed as an infinity (1e999)."""
    made = 0
    odd_number = False

    def counted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal made
        made += 1
        if made > (max_objects or 0):
            raise ValueError("too_many_objects")
        return dict(pairs)

    def number(text: str) -> float:
        nonlocal odd_number
        value = float(text)
        odd_number = odd_number or not math.isfinite(value)
        return value

    hook = counted if max_objects is not None else None
    try:
        value = json.loads(raw, parse_constant=_no_constant, parse_float=number, object_pairs_hook=hook)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at character {exc.pos}") from None
    return value, odd_number


def _odd_text(raw: bytes | str) -> bool:
    """False when no string in this JSON text can hold a NUL or a lone surrogate: it has no escape
    sequence (``\\u...``) and no byte that could start one (a surrogate's ``\\xed``, the NULs of UTF-16
    or UTF-32). True is only a maybe (Korean text, an escaped emoji): ``check_storable`` then decides."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    return b"\\u" in data or b"\xed" in data or b"\x00" in data


# What ``_brackets`` keeps of a body: the structure, and the bytes that make it look closer.
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'"[]{}\\\xed\x00')))
_NOT_BRACKET_OR_QUOTE = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_AS_PARENTHESES = bytes.maketrans(b"[]{}", b"()()")


def _brackets(raw: bytes) -> bytes | None:
    """The brackets of UTF-8 JSON text outside its strings, in order (one ``{`` an object); None when
    a string in it might hold a NUL or a lone surrogate (``_odd_text``: the full checks decide then).

    The text is first cut down to its quotes and brackets (a tenth of it). Without escapes, every
    quote opens or closes a string; when no string holds a bracket, every string is left as ``""``
    and dropping those pairs leaves the brackets. Otherwise escaped backslashes and quotes are dropped
    from the whole text, and the text between every other pair of quotes is a string's."""
    cut = raw.translate(None, _NOT_STRUCTURE)
    if b"\\" in cut or b"\xed" in cut or b"\x00" in cut:
        if _odd_text(raw):
            return None
        raw = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
        cut = raw.translate(None, _NOT_BRACKET_OR_QUOTE)
    else:
        bare = cut.replace(b'""', b"")
        if b'"' not in bare:  # no string held a bracket
            return bare
    return b"".join(cut.split(b'"')[0::2])


def _nesting(brackets: bytes, most: int) -> int:
    """How deeply the containers of valid JSON nest, counted up to ``most`` + 1: each pass drops the
    innermost pairs, so the passes it takes to empty it are its depth."""
    shape = brackets.translate(_AS_PARENTHESES)
    levels = 0
    while shape and levels <= most:
        shape = shape.replace(b"()", b"")
        levels += 1
    return levels if not shape else most + 1


def check_depth(value: Any) -> None:
    """``check_storable``'s depth rule alone, walking the containers only (the strings were screened)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        inner = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in inner:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif depth >= MAX_DEPTH:  # a plain value one level below the deepest allowed
                raise ValueError("nested too deeply")


def _stdlib_compact_json() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)``, with the C
    encoder made once instead of once a call (values parsed from JSON hold no cycles to watch for)."""
    plain = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # a Python without the C accelerator
        return plain.encode
    fast = make(None, plain.default, json.encoder.encode_basestring, None, ":", ",", False, False, False)
    return lambda value: "".join(fast(value, 0))


_stdlib_json = _stdlib_compact_json()


def compact_json(value: Any) -> str:
    """A value parsed from a request (``load_json``) as compact JSON text, as the server stores it (a push
    encodes thousands): by orjson, five times faster than the standard library, which writes what
    orjson refuses (an integer beyond 64 bits) and raises ValueError or UnicodeEncodeError for what
    JSON cannot hold. orjson writes a number that is not finite as null: ``load_json`` lets none
    through, so a value it parsed holds none."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        text = _stdlib_json(value)
        text.encode()  # a lone surrogate does not encode
        return text


def storable_text(value: Any) -> str:
    """``value`` (parsed by ``load_json``) as compact JSON text, as the server stores it, after
    ``check_storable``'s checks: ValueError with its reason otherwise. Most values are settled by the
    text itself (no escape, few brackets); the rest get the full walk."""
    try:
        text = compact_json(value)
    except (ValueError, UnicodeEncodeError):
        check_storable(value)
        raise ValueError("not JSON") from None  # what check_storable does not refuse, JSON cannot hold
    if "\\u0000" in text or text.count("{") + text.count("[") > MAX_DEPTH:
        check_storable(value)
    return text


def check_storable(value: Any) -> None:
    """ValueError when ``value`` holds something PostgreSQL or SQLite would refuse or mangle."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float):
            if not math.isfinite(item):
                raise ValueError("a number that is not finite")
        elif isinstance(item, dict):
            for name, inner in item.items():
                _check_text(name)
                stack.append((inner, depth + 1))
        elif isinstance(item, list):
            stack.extend((inner, depth + 1) for inner in item)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ValueError("a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("an unpaired surrogate") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class RequestBodyMiddleware:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        try:
            body, headers, parsed = await self._read(scope, receive)
        except Refusal as refusal:
            response = JSONResponse(asdict(refusal.problem()), refusal.status, refusal.headers)
            await response(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        inner = {**scope, "headers": headers}
        if parsed is not NOTHING:
            inner[PARSED] = parsed  # for app.ParsedRequest: the route takes this instead of parsing again
        await self.app(inner, replay, send)

    async def _read(self, scope: Scope, receive: Receive) -> tuple[bytes, list[tuple[bytes, bytes]], Any]:
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            raise Refusal(TOO_LARGE, limit=self.limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                raise Refusal(TOO_LARGE, limit=self.limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        raw = b"".join(chunks)
        encoding = (headers.get("content-encoding") or "").strip().lower() or None
        try:
            body = decompress(raw, encoding, self.limit)
        except ValueError as exc:
            if str(exc) == "too_large":
                raise Refusal(TOO_LARGE, limit=self.limit) from None
            if str(exc) == "unsupported encoding":
                raise Refusal(UNSUPPORTED_ENCODING) from None
            raise Refusal(NOT_JSON, detail="gzip data is damaged") from None
        except (zlib.error, EOFError):
            raise Refusal(NOT_JSON, detail="gzip data is damaged") from None
        parsed: Any = NOTHING
        if body.strip():
            try:
                parsed = load_json(body)
            except ValueError as exc:
                if str(exc) == "too_many_objects":  # as good as too large: the client sends smaller batches
                    raise Refusal(TOO_MANY_ITEMS, limit=MAX_OBJECTS) from None
                raise Refusal(NOT_JSON, detail=str(exc)) from None
        kept = [
            (k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")
        ]
        kept.append((b"content-length", str(len(body)).encode()))
        return body, kept, parsed
