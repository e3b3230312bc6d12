"""Request bodies before FastAPI sees them: gzip inflated within the size limit, JSON checked for what the
databases cannot store (NUL characters, lone surrogates, NaN and infinities, absurd nesting).

A pure ASGI middleware, so the limit holds before the body is parsed and every refusal is a Problem.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import asdict
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync.protocol import MAX_BODY_BYTES, decompress
from sync.server.problems import NOT_JSON, TOO_LARGE, TOO_MANY_ITEMS, UNSUPPORTED_ENCODING, Refusal

MAX_DEPTH = 32
# JSON objects in one body. A full push of 500 changes holds a few thousand; a body of the same size made
# of a million tiny objects took gigabytes to parse and validate, so parsing stops past this many.
MAX_OBJECTS = 20_000
WITH_BODY = {"POST", "PUT", "PATCH"}


def load_json(raw: bytes, max_objects: int = MAX_OBJECTS) -> Any:
    """Parse JSON a database can store as sent; ValueError (with a short reason) otherwise, and
    ValueError("too_many_objects") as soon as the body holds more than ``max_objects`` objects."""
    made = 0

    def counted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal made
        made += 1
        if made > max_objects:
            raise ValueError("too_many_objects")
        return dict(pairs)

    try:
        value = json.loads(raw, parse_constant=_no_constant, object_pairs_hook=counted)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{exc.msg} at character {exc.pos}") from None
    check_storable(value)
    return value


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
            body, headers = await self._read(scope, receive)
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

        await self.app({**scope, "headers": headers}, replay, send)

    async def _read(self, scope: Scope, receive: Receive) -> tuple[bytes, list[tuple[bytes, bytes]]]:
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
        if body.strip():
            try:
                load_json(body)
            except ValueError as exc:
                if str(exc) == "too_many_objects":  # as good as too large: the client sends smaller batches
                    raise Refusal(TOO_MANY_ITEMS, limit=MAX_OBJECTS) from None
                raise Refusal(NOT_JSON, detail=str(exc)) from None
        kept = [
            (k, v) for k, v in scope["headers"] if k.lower() not in (b"content-encoding", b"content-length")
        ]
        kept.append((b"content-length", str(len(body)).encode()))
        return body, kept
