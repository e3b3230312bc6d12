"""A store enrolled with a (pretend) server, and builders for the server's messages."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.store.store import Store
from app.store.unlock import open_store
from sync import protocol
from sync.client import state
from tests.conftest import ADMIN, ADMIN_PW, OFFICE, TODAY, WORKER, WORKER_PW

DEVICE = "0195f0c2-0000-7000-8000-000000000001"
OTHER_DEVICE = "0195f0c2-0000-7000-8000-000000000002"
BUNDLE_KEY = base64.b64encode(os.urandom(32)).decode()


def enrol(store: Store, device_id: str = DEVICE, scope: str = OFFICE, role: str = "worker") -> None:
    state.save_enrolment(
        store,
        "http://127.0.0.1:9",
        protocol.EnrollResponse(
            device_id=device_id,
            token="token-" + device_id,
            office_code=OFFICE,
            scope=scope,
            role=role,  # type: ignore[arg-type]
            bundle_key=BUNDLE_KEY,
        ),
    )


@pytest.fixture
def enrolled(store_dir: Path) -> Iterator[Store]:
    """A worker's store on a computer that IT enrolled (the admin enrols, the worker works)."""
    admin = open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    enrol(admin)
    admin.close()
    opened = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    yield opened
    opened.close()


def server_change(
    cursor: int,
    entity: str,
    row_id: str,
    fields: dict[str, Any],
    hlc: str,
    *,
    op: str = "insert",
    kind: str = "change",
    person_id: str | None = None,
    origin: str = OTHER_DEVICE,
    office: str = OFFICE,
    field_clocks: dict[str, str] | None = None,
) -> protocol.ServerChange:
    return protocol.ServerChange(
        cursor=cursor,
        kind=kind,  # type: ignore[arg-type]
        entity=entity,
        id=row_id,
        op=op,  # type: ignore[arg-type]
        hlc=hlc,
        office_code=office,
        person_id=person_id,
        fields=fields,
        origin_device=origin,
        field_clocks=field_clocks,
    )


def hlc(ms: int, counter: int = 0, device: str = "remote") -> str:
    return f"{ms:013d}:{counter:04d}:{device}"


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[Store]:
    """Another computer of the same office, with keys of its own (it never shares a ciphertext)."""
    from app.crypto.kdf import FAST
    from app.store.unlock import init_store

    made, _ = init_store(
        tmp_path / "remote",
        office_code=OFFICE,
        office_name="测试街道",
        admin_login="it",
        admin_password="remote-password-1",
        kdf=FAST,
        today=lambda: TODAY,
    )
    enrol(made, OTHER_DEVICE)
    yield made
    made.close()


def as_pulled(store: Store, cursor_from: int = 1, origin: str = OTHER_DEVICE) -> list[protocol.ServerChange]:
    """What ``store`` would push, as the server's log would hand it to another device."""
    from sync.client import push

    batch = push.build_batch(store, limit=protocol.MAX_BATCH)
    assert batch is not None
    return [
        protocol.ServerChange(
            cursor=cursor_from + i,
            kind="change",
            entity=c.entity,
            id=c.id,
            op=c.op,
            hlc=c.hlc,
            office_code=c.office_code,
            person_id=c.person_id,
            fields=c.fields,
            origin_device=origin,
        )
        for i, c in enumerate(batch.request.changes)
    ]
