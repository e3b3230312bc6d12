"""Shared helpers of the reliability tests: a synthetic office, and a check of a store's bookkeeping.

``check_store`` looks at a store the way a crash could have left it: SQLite's own integrity check, the
audit chain, and whether every record has its outbox change and its audit entry (and nothing else
does). All names and ID numbers here are generated; none is real.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from sqlalchemy import select

from app.crypto.kdf import FAST
from app.services import audit_log, users
from app.services.inputs import PersonInput
from app.store.store import Store
from app.store.unlock import init_store, open_store
from models import FACT_ENTITIES, AuditEntry, OutboxChange, Person, WorkGroupMember
from models.enums import Role
from models.values import id_check_char

# The worker who records (the administrator account does not read personal files), and the administrator
# who set the office up.
LOGIN = "worker"
PASSWORD = "synthetic-password-1"
ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "synthetic-admin-password-1"
OFFICE = "640104001"

# Tables whose rows are written with one 'insert' outbox change each, and the audit action that records
# each row's creation (None: the row is audited as part of its person's registration).
FACT_TABLES = {entity.__tablename__: entity for entity in FACT_ENTITIES.values()}
TRACKED = {"person": Person, "work_group_member": WorkGroupMember, **FACT_TABLES}


def new_office(root: Path) -> Store:
    """A fresh office store with the cheap key derivation and one worker, unlocked for that worker."""
    admin, _recovery = init_store(
        root,
        office_code=OFFICE,
        office_name="测试街道禁毒办",
        admin_login=ADMIN_LOGIN,
        admin_password=ADMIN_PASSWORD,
        kdf=FAST,
    )
    try:
        users.add(admin, LOGIN, Role.WORKER, PASSWORD, "测试专干", kdf=FAST)
    finally:
        admin.close()
    return open_store(root, LOGIN, PASSWORD)


def id_number(birth: date, seq: int) -> str:
    first17 = f"640104{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def person_input(birth: date, seq: int, notes: str = "") -> PersonInput:
    return PersonInput(name=f"测试人员{seq:03d}", id_number=id_number(birth, seq), notes=notes)


def birth_of_round(round_no: int) -> date:
    """A birth date per round, so people registered in different rounds never share an ID number."""
    return date(1970, 1, 1) + timedelta(days=round_no)


@dataclass
class StoreCheck:
    integrity: str = ""
    problems: list[str] = field(default_factory=list)
    rows: set[tuple[str, UUID]] = field(default_factory=set)  # (table, id) of every tracked row
    outbox: int = 0
    audit: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def ids(self, table: str) -> set[UUID]:
        return {i for t, i in self.rows if t == table}


def check_store(
    store: Store, pulled: set[tuple[str, UUID]] | frozenset[tuple[str, UUID]] = frozenset()
) -> StoreCheck:
    """Every invariant a crash must not break; the problems found, in words, and what is stored.

    ``pulled``: records another computer made, that came here by sync (they have no outbox change and no
    creation audit entry here). They are stored and checked for integrity like the rest.
    """
    result = StoreCheck()
    with store.engine.connect() as connection:
        result.integrity = "; ".join(str(r[0]) for r in connection.exec_driver_sql("PRAGMA integrity_check"))
        broken_keys = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if result.integrity != "ok":
        result.problems.append(f"integrity_check: {result.integrity}")
    if broken_keys:
        result.problems.append(f"foreign_key_check: {len(broken_keys)} rows point nowhere")

    chain = audit_log.verify(store)
    if not chain.ok:
        result.problems.append(f"audit chain broken at seq {chain.broken_at} (of {chain.entries} verified)")

    with store.read() as session:
        for table, entity in TRACKED.items():
            result.rows |= {(table, i) for i in session.scalars(select(entity.id))}
        originals = {
            (table, i)
            for table, entity in FACT_TABLES.items()
            for i in session.scalars(select(entity.id).where(entity.version == 1))
        }
        outbox = session.execute(
            select(OutboxChange.seq, OutboxChange.entity, OutboxChange.entity_id, OutboxChange.op).order_by(
                OutboxChange.seq
            )
        ).all()
        audit = session.execute(
            select(AuditEntry.seq, AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id).order_by(
                AuditEntry.seq
            )
        ).all()
    result.outbox = len(outbox)
    result.audit = len(audit)

    # The outbox: a gap-free sequence 1..N, and one 'insert' per tracked row, none for a missing row.
    seqs = [row.seq for row in outbox]
    if seqs != list(range(1, len(seqs) + 1)):
        missing = sorted(set(range(1, (max(seqs) if seqs else 0) + 1)) - set(seqs))
        result.problems.append(f"outbox seq is not 1..{len(seqs)}: missing {missing[:5]}")
    inserts = Counter((row.entity, row.entity_id) for row in outbox if row.op == "insert")
    own = result.rows - pulled
    for key in sorted(own, key=str):
        if inserts[key] != 1:
            result.problems.append(f"{key[0]} {key[1]} has {inserts[key]} 'insert' outbox changes")
    for key in sorted(set(inserts) - result.rows, key=str):
        result.problems.append(f"outbox 'insert' for {key[0]} {key[1]}, which is not stored")

    # The audit: one creation entry per person and per fact, none for a record that is not stored.
    created = Counter(
        (row.entity, row.entity_id)
        for row in audit
        if row.action == "person.register"
        or (row.entity in FACT_TABLES and row.action == f"{row.entity}.record")
    )
    expected = {key for key in own if key[0] == "person"} | (originals - pulled)
    for key in sorted(expected, key=str):
        if created[key] != 1:
            result.problems.append(f"{key[0]} {key[1]} has {created[key]} creation audit entries")
    for key in sorted(set(created) - expected, key=str):
        result.problems.append(f"creation audit entry for {key[0]} {key[1]}, which is not stored")
    return result
