"""Property-based requests generated from the app's own OpenAPI document (schemathesis): valid and invalid
bodies, parameters and paths, sent with a real supervisor token. Nothing may end in a 5xx, and every
answer must match what the document promises (status codes, content type, body schema).

schemathesis' own pytest plugin does not run under pytest 9 (it writes ``node._nodeid``), so each
operation's strategy is driven by Hypothesis directly. Bounded: a few dozen examples per operation and
mode, so both backends finish well under a minute.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sync.server import create_app
from tests.sync.server.harness import Device, Server

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]  # not negative_data_rejection: unknown query parameters are ignored on purpose (newer clients may add some)
EXAMPLES = 25
CASES = [
    (method.upper(), path, mode)
    for path, item in create_app("sqlite://").openapi()["paths"].items()
    for method, operation in item.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode == GenerationMode.POSITIVE or operation.get("parameters") or operation.get("requestBody")
]


@pytest.fixture
def supervisor(server: Server) -> Device:
    """A supervisor's device with something in its scope, so pulls, snapshots and resolutions have data."""
    device = server.enrol(role="supervisor")
    person = device.person(phone="17000000001")
    device.push_ok([person, device.fact(person)])
    return device


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode}" for m, p, mode in CASES])
def test_no_request_makes_the_server_fail(
    server: Server, supervisor: Device, method: str, path: str, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", server.app)
    operation = schema[path][method]

    with asgi.get_client(server.app) as client:  # one in-process client for every example

        @given(case=operation.as_strategy(mode))
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def run(case: Any) -> None:
            case.call_and_validate(session=client, headers=supervisor.headers, checks=CHECKS)

        run()
