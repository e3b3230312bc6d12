"""The HTTP face of the server: the endpoints ``sync.protocol`` lists, and nothing else.

Handlers are plain ``def``s (they run in the thread pool; the database work is synchronous) and return
the protocol's dataclasses serialised by ``sync.protocol.to_json``. Every refusal is a ``Problem`` with
a 4xx status (503 "busy" when a write keeps losing races); a 5xx is a bug.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from sync.protocol import (
    GZIP_ABOVE_BYTES,
    PROTOCOL_VERSION,
    PUSH_WINDOW,
    EnrollRequest,
    EnrollResponse,
    Meta,
    Problem,
    PullResponse,
    PushRequest,
    PushResponse,
    ResolveRequest,
    SnapshotPage,
    to_json,
)
from sync.server import changelog, clocks, conflicts, devices, enrolment, push, snapshot
from sync.server.body import PARSED, RequestBodyMiddleware
from sync.server.db import Busy, Storage, default_url
from sync.server.devices import DeviceInfo
from sync.server.problems import BUSY, INVALID, METHOD, NOT_FOUND, Refusal
from sync.server.schema import ServerSetting

MAX_INT = 2**63 - 1


def _problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": Problem, "description": "A refusal: a stable code and a sentence in zh and en"}
        for status in statuses
    }


BEARER = HTTPBearer(auto_error=False, description="The token a device got when it enrolled")


def current_device(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> DeviceInfo:
    storage: Storage = request.app.state.storage
    return devices.authenticate(storage, credentials.credentials if credentials else None)


CurrentDevice = Annotated[DeviceInfo, Depends(current_device)]


class ParsedRequest(Request):
    """A request whose JSON body ``RequestBodyMiddleware`` has parsed and checked already: FastAPI
    validates that value instead of parsing the text a second time (a push is hundreds of KB)."""

    async def json(self) -> Any:
        if PARSED in self.scope:
            return self.scope[PARSED]
        return await super().json()


class ParsedBodyRoute(APIRoute):
    """Every route hands its handler a ``ParsedRequest`` (FastAPI's documented way to change the request
    class); the schema, the validation and the answers stay FastAPI's own."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def with_parsed_body(request: Request) -> Response:
            return await handler(ParsedRequest(request.scope, request.receive))

        return with_parsed_body


def create_app(database_url: str) -> FastAPI:
    """The ASGI app over one database (migrated already: ``rehabdesk-server migrate``).

    Making it touches nothing: the first request opens the first connection.
    """
    storage = Storage(database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        storage.dispose()

    app = FastAPI(
        title="RehabDesk sync server",
        version=str(PROTOCOL_VERSION),
        summary="The wire contract of sync.protocol, version 1.",
        docs_url=None,  # the Swagger page loads scripts from a CDN; offline servers serve the JSON only
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.storage = storage
    app.router.route_class = ParsedBodyRoute
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_ABOVE_BYTES)
    app.add_middleware(RequestBodyMiddleware)
    _install_error_handlers(app)
    _install_routes(app, storage)
    app.openapi = _openapi_without_422(app)  # type: ignore[method-assign]
    return app


def app_from_environment() -> FastAPI:
    """The factory ``rehabdesk-server serve`` hands uvicorn (one call per worker process)."""
    app = create_app(default_url())
    tune_garbage_collector()
    return app


def tune_garbage_collector() -> None:
    """For a server process: a push parses tens of thousands of objects that all live until it is
    answered, and with Python's default thresholds the collector walked them (and, in its full
    collections, every module's objects too) again and again: about a tenth of a push's time. What was
    made at start-up is set aside for good (``gc.freeze``), and the youngest generation is collected
    after 10,000 allocations instead of 700. Cycles are still collected; only less often."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(10_000, older, oldest)


def _json(message: Any) -> Response:
    return Response(to_json(message), media_type="application/json")


def _problem_response(refusal: Refusal) -> JSONResponse:
    return JSONResponse(asdict(refusal.problem()), refusal.status, refusal.headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Refusal)
    async def refused(_request: Request, exc: Refusal) -> JSONResponse:
        return _problem_response(exc)

    @app.exception_handler(Busy)
    async def busy(_request: Request, _exc: Busy) -> JSONResponse:
        return _problem_response(Refusal(BUSY, {"Retry-After": "2"}))

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Name where the request is wrong, never what it held (it may be personal data).
        places = sorted(
            {".".join(str(p) for p in error.get("loc", ()) if p != "body") for error in exc.errors()}
        )
        detail = ", ".join(p or "body" for p in places[:5]) or "body"
        return _problem_response(Refusal(INVALID, detail=detail))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            return _problem_response(Refusal(METHOD))
        if exc.status_code == 404:
            return _problem_response(Refusal(NOT_FOUND))
        return _problem_response(Refusal(INVALID, detail=f"HTTP {exc.status_code}"))


def _install_routes(app: FastAPI, storage: Storage) -> None:
    server_id: list[str] = []  # it never changes once made; asked for once per process

    @app.get("/v1/meta", response_model=Meta, tags=["sync"])
    def meta(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> Response:
        """The protocol version, the server's clock (devices check theirs against it) and its id.

        No token needed (a health check). With a device's token, also the highest seq of that device the
        server holds (``device_seq``); a token that does not authenticate just leaves it out.
        """
        device_seq = _device_seq(storage, credentials.credentials) if credentials else None
        if not server_id:
            with storage.read() as session:
                value = session.scalar(select(ServerSetting.value).where(ServerSetting.key == "server_id"))
            if value is None:
                return _json(
                    Meta(
                        PROTOCOL_VERSION, clocks.now_ms(), "", device_seq=device_seq, push_window=PUSH_WINDOW
                    )
                )
            server_id.append(value)
        return _json(
            Meta(
                PROTOCOL_VERSION,
                clocks.now_ms(),
                server_id[0],
                device_seq=device_seq,
                push_window=PUSH_WINDOW,
            )
        )

    @app.post(
        "/v1/enroll",
        response_model=EnrollResponse,
        tags=["sync"],
        responses=_problems(400, 403, 409, 413, 415, 429, 503),
    )
    def enroll(request: EnrollRequest, http: Request) -> Response:
        """Make a device from a one-time code. Wrong codes count against the client address (429)."""
        client = http.client.host if http.client else "unknown"
        return _json(enrolment.enroll(storage, request, client))

    @app.post(
        "/v1/push",
        response_model=PushResponse,
        tags=["sync"],
        responses=_problems(400, 401, 409, 413, 415, 503),
    )
    def push_changes(request: PushRequest, device: CurrentDevice) -> Response:
        """Apply a batch once per (device, seq); one result per change, a refused one never blocks the rest."""
        return _json(push.push(storage, device, request))

    @app.get("/v1/pull", response_model=PullResponse, tags=["sync"], responses=_problems(400, 401, 410, 503))
    def pull(
        device: CurrentDevice,
        after: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
        limit: Annotated[int, Query(ge=1, le=changelog.MAX_PAGE)] = changelog.DEFAULT_PAGE,
    ) -> Response:
        """The change log after a cursor, in the token's scope; 410 cursor_expired → take a snapshot."""
        with storage.read() as session:
            return _json(changelog.pull(session, device.scope, after, limit))

    @app.get(
        "/v1/snapshot", response_model=SnapshotPage, tags=["sync"], responses=_problems(400, 401, 410, 503)
    )
    def snapshot_page(
        device: CurrentDevice,
        after: Annotated[str | None, Query(max_length=80)] = None,
        limit: Annotated[int, Query(ge=1, le=changelog.MAX_PAGE)] = changelog.DEFAULT_PAGE,
    ) -> Response:
        """The current records of the scope, then its open conflicts, paged by a stable key."""
        with storage.read(consistent=True) as session:
            return _json(snapshot.page(session, device.scope, after, limit))

    @app.post(
        "/v1/conflicts/{conflict_id}/resolve",
        response_model=PushResponse,
        tags=["sync"],
        responses=_problems(400, 401, 403, 404, 413, 415, 503),
    )
    def resolve(
        conflict_id: Annotated[str, Path(max_length=64)], request: ResolveRequest, device: CurrentDevice
    ) -> Response:
        """A supervisor in scope picks the value of a disputed field (supervisor tokens only)."""
        return _json(conflicts.resolve(storage, device, conflict_id, request))


def _device_seq(storage: Storage, token: str) -> int | None:
    try:
        device = devices.authenticate(storage, token)
    except Refusal:
        return None  # meta stays a public health check: a bad token is refused where it matters
    with storage.read() as session:
        return push.applied_seq(session, device.id)


def _openapi_without_422(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """FastAPI documents validation errors as 422; this server answers them as 400 Problem."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        for path in schema.get("paths", {}).values():
            for operation in path.values():
                responses = operation.get("responses", {})
                if responses.pop("422", None) is not None and "400" not in responses:
                    responses["400"] = {
                        "description": "A refusal: a stable code and a sentence in zh and en",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    }
        components = schema.get("components", {}).get("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    return openapi
