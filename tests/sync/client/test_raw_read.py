"""A batch reads its records as SQLite stores them and writes the wire's values from that text directly:
on a demo office (every kind of record the app makes), each change carries exactly what reading the
record through the models gives."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from app.crypto.kdf import FAST
from app.demo.load import create_demo_office
from app.demo.office import ADMIN_LOGIN, ADMIN_PASSWORD
from app.store.store import Store
from app.store.unlock import open_store
from models import OutboxChange
from sync.client import push, wire
from tests.sync.client.conftest import enrol

TODAY = date(2026, 6, 30)


def typed_fields(store: Store, entity: str, row: Any, names: list[str] | None) -> dict[str, Any]:
    """The values of a change as read through the ORM, typed: what a batch sent before it read raw text."""
    columns = wire.columns(entity)
    values: dict[str, Any] = {}
    for name in list(columns) if names is None else [n for n in names if n in columns]:
        raw = getattr(row, name)
        if not wire.is_sealed(columns[name]):
            values[name] = wire.to_wire(raw)
        elif (entity, name) in wire.SEALED_JSON:
            values[name] = store.open_json(entity, name, row.id, raw)
        else:
            values[name] = store.open(entity, name, row.id, raw)
    return values


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "office"
    create_demo_office(root, persons=12, kdf=FAST, today=TODAY)
    return root


def test_every_change_carries_what_the_typed_models_read(office: Path) -> None:
    store = open_store(office, ADMIN_LOGIN, ADMIN_PASSWORD, today=lambda: TODAY)
    try:
        enrol(store)
        seen: set[tuple[str, str]] = set()
        after = 0
        while (batch := push.build_batch(store, limit=300, after=after)) is not None:
            after = batch.last
            assert not batch.refused_here
            with store.read() as session:
                for change in batch.request.changes:
                    outbox = session.get_one(OutboxChange, change.seq)
                    row = session.get_one(wire.MODELS[change.entity], UUID(change.id))
                    names = json.loads(outbox.fields) if outbox.op == "update" else None
                    expected = typed_fields(store, change.entity, row, names)
                    # The same values, under the same names, in the same order (the same JSON text).
                    assert json.dumps(change.fields) == json.dumps(expected), (change.entity, change.seq)
                    person_id = row.id if change.entity == "person" else getattr(row, "person_id", None)
                    assert change.person_id == (str(person_id) if person_id else None)
                    seen.add((change.entity, change.op))
    finally:
        store.close()
    entities = {entity for entity, _op in seen}
    kinds = {"person", "work_group_member", "measure", "status_event", "review", "visit", "drug_test"}
    kinds |= {"assistance", "leave", "violation", "agreement", "police_report"}
    assert kinds <= entities, seen
    assert ("person", "update") in seen
