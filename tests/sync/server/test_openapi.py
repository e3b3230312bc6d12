"""The OpenAPI document: served by the app, and committed at docs/sync-openapi.json for the client side."""

from __future__ import annotations

import json
from pathlib import Path

from sync.server import create_app
from sync.server.cli import openapi_text
from tests.sync.server.harness import Server

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "sync-openapi.json"


def test_the_committed_openapi_document_is_up_to_date() -> None:
    current = openapi_text(create_app("sqlite://"))
    assert COMMITTED.exists(), (
        "docs/sync-openapi.json is missing: python -m sync.server openapi --out docs/sync-openapi.json"
    )
    assert COMMITTED.read_text(encoding="utf-8") == current, (
        "docs/sync-openapi.json differs from the app's: python -m sync.server openapi --out docs/sync-openapi.json"
    )


def test_the_app_serves_its_openapi_document(server: Server) -> None:
    served = server.client.get("/openapi.json")
    assert served.status_code == 200
    document = served.json()
    assert document == json.loads(COMMITTED.read_text(encoding="utf-8"))
    assert set(document["paths"]) == {
        "/v1/meta",
        "/v1/enroll",
        "/v1/push",
        "/v1/pull",
        "/v1/snapshot",
        "/v1/conflicts/{conflict_id}/resolve",
    }
    assert "HTTPValidationError" not in document["components"]["schemas"]  # refusals are Problems
