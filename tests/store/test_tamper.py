"""Altered data is reported as tampering, never shown as data."""

from __future__ import annotations

import sqlite3

import pytest

from app.errors import Tampering
from app.services import audit_log, facts, persons
from app.services.inputs import PersonInput, VisitInput
from app.store.unlock import open_store
from models.enums import VisitKind
from tests.conftest import TODAY, WORKER, WORKER_PW, make_id


def test_a_flipped_byte_in_a_sealed_name_is_tampering(store_dir):
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    pid = persons.register(store, PersonInput(name="张三", id_number=make_id())).created[0]
    store.close()
    connection = sqlite3.connect(store_dir / "rehabdesk.db")
    with connection:
        (value,) = connection.execute("SELECT name FROM person").fetchone()
        raw = bytearray(value)
        raw[-1] ^= 0x01
        connection.execute("UPDATE person SET name = ?", (bytes(raw),))
    connection.close()
    store = open_store(store_dir, WORKER, WORKER_PW)
    with pytest.raises(Tampering) as error:
        persons.search(store, "张")  # the first search fills the index from the names
    store.close()
    message = error.value.render("zh_CN")
    assert "person.name" in message and "备份" in message and "张三" not in message
    assert pid


def test_a_ciphertext_moved_to_another_row_is_tampering(store):
    a = persons.register(store, PersonInput(name="甲", id_number=make_id(seq=1))).created[0]
    b = persons.register(store, PersonInput(name="乙", id_number=make_id(seq=3))).created[0]
    va = facts.record(
        store, VisitInput(person_id=a, visited_on=TODAY, kind=VisitKind.HOME, summary="甲的情况")
    )
    facts.record(store, VisitInput(person_id=b, visited_on=TODAY, kind=VisitKind.HOME, summary="乙的情况"))
    connection = sqlite3.connect(store.data_dir.database)
    with connection:
        content = connection.execute(
            "SELECT content FROM visit WHERE id = ?", (va.created[0].hex,)
        ).fetchone()[0]
        connection.execute("UPDATE visit SET content = ? WHERE person_id = ?", (content, b.hex))
    connection.close()
    with pytest.raises(Tampering):
        facts.history(store, b)


def test_an_edited_audit_entry_breaks_the_chain_where_it_was_edited(store):
    for seq in range(5):
        persons.register(store, PersonInput(name=f"人{seq}", id_number=make_id(seq=2 * seq + 1)))
    assert audit_log.verify(store).ok
    connection = sqlite3.connect(store.data_dir.database)
    with connection:
        connection.execute("UPDATE audit_entry SET action = 'person.open' WHERE seq = 4")
    check = audit_log.verify(store)
    assert check.broken_at == 4


def test_a_removed_audit_entry_breaks_the_chain(store):
    for seq in range(3):
        persons.register(store, PersonInput(name=f"人{seq}", id_number=make_id(seq=2 * seq + 1)))
    connection = sqlite3.connect(store.data_dir.database)
    with connection:
        connection.execute("DELETE FROM audit_entry WHERE seq = 3")
    assert audit_log.verify(store).broken_at == 3
