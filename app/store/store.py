"""The unlocked store: the engine, the keys, who is working, and the one way to write.

Every write goes through ``Store.write()``, which opens one transaction (taking SQLite's write lock at
BEGIN), hands the service a ``Tx`` to seal values and to add its outbox change and audit entry, and
commits all of it or nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.audit import GENESIS, entry_digest, new_entry
from app.clock import HybridClock
from app.crypto.keyring import Keyring
from app.crypto.sealer import Sealer, TamperedError
from app.errors import TAMPERED, Tampering, UserError
from app.paths import DataDir
from app.search import SearchIndex
from models import AuditEntry, OutboxChange, Setting
from models.enums import Role
from models.text import Text


@dataclass(frozen=True)
class Actor:
    """Who is working: every write records them, every rule about roles asks them."""

    user_id: UUID
    login: str
    role: Role
    office_code: str


@dataclass
class Changes:
    """What a write changed, for views to decide what to refresh (they are told, they do not poll)."""

    persons: set[UUID] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    created: list[UUID] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.persons or self.entities)


DISK_FULL = Text(
    "磁盘空间已满，这次的内容没有保存，已有数据完好。请清理磁盘（或联系信息技术人员）后再保存一次。",
    "The disk is full, so this was not saved; the data already stored is intact. Free some disk space (or ask "
    "IT staff) and save again.",
)
DISK_FAILED = Text(
    "无法写入磁盘（磁盘可能已满或出现故障），这次的内容没有保存，已有数据完好。请检查磁盘空间后再保存一次；如反复出现，请联系信息技术人员。",
    "The disk could not be written (it may be full or failing), so this was not saved; the data already stored "
    "is intact. Check the free space and save again; if it keeps happening, contact IT staff.",
)
STORAGE_FAILED = Text(
    "数据库暂时无法写入（{reason}），这次的内容没有保存，已有数据完好。请稍后重试；如反复出现，请联系信息技术人员。",
    "The database could not be written ({reason}), so this was not saved; the data already stored is intact. "
    "Try again; if it keeps happening, contact IT staff.",
)


def storage_error(exc: OperationalError) -> UserError:
    """SQLite's own failures, said in words: the transaction was rolled back, nothing half-written.

    The first failure may hide behind a later one (a full disk mid-statement rolls the transaction
    back, so the rollback to a savepoint then fails with "no such savepoint"), so the whole chain of
    causes is read.
    """
    texts = []
    error: BaseException | None = exc
    while error is not None and len(texts) < 10:
        texts.append(str(getattr(error, "orig", None) or error).lower())
        error = error.__cause__ or error.__context__
    if any("full" in t for t in texts):
        return UserError(DISK_FULL())
    if any("disk i/o" in t for t in texts):
        return UserError(DISK_FAILED())
    locked = any("locked" in t or "busy" in t for t in texts)
    return UserError(STORAGE_FAILED(reason="database is locked" if locked else type(exc.orig).__name__))


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Tx:
    """One write transaction: the session, sealing, and the outbox and audit entries that go with it."""

    def __init__(self, store: Store, session: Session) -> None:
        self.store = store
        self.session = session
        self.now = utcnow()
        self.changes = Changes()
        self._after_commit: list[Callable[[], None]] = []
        self._outbox_seq = session.scalar(select(func.max(OutboxChange.seq))) or 0
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
        self._audit_seq = last.seq if last else 0
        self._audit_digest = last.digest if last else GENESIS
        stored = session.get(Setting, "hlc_last")
        if stored:
            store.clock.observe(stored.value)

    @property
    def actor(self) -> Actor:
        return self.store.actor

    def seal(self, table: str, column: str, row: UUID | str, value: str | None) -> bytes | None:
        return None if value is None else self.store.sealer.seal(table, column, row, value)

    def seal_json(self, table: str, column: str, row: UUID | str, value: Any) -> bytes:
        return self.store.sealer.seal_json(table, column, row, value)

    def hlc(self) -> str:
        return self.store.clock.now()

    def outbox(
        self,
        entity: str,
        entity_id: UUID,
        op: str,
        fields: list[str],
        hlc: str,
        base: dict[str, str] | None = None,
    ) -> None:
        """Queue a change for the server; ``base`` is each changed field's clock before the change (a
        person update), from which the server tells a concurrent edit from a later one."""
        self._outbox_seq += 1
        self.session.add(
            OutboxChange(
                seq=self._outbox_seq,
                entity=entity,
                entity_id=entity_id,
                op=op,
                fields=json.dumps(sorted(fields)),
                hlc=hlc,
                created_at=self.now,
                base=json.dumps(base, sort_keys=True, separators=(",", ":")) if base else None,
            )
        )
        self.changes.entities.add(entity)

    def audit(
        self,
        action: str,
        *,
        entity: str | None = None,
        entity_id: UUID | None = None,
        person_id: UUID | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self._audit_seq += 1
        entry = new_entry(
            self._audit_seq, self.now, self.store.actor_id, action, entity, entity_id, person_id
        )
        if details:
            entry.details = self.store.sealer.seal_json("audit_entry", "details", str(entry.seq), details)
        entry.digest = entry_digest(
            self.store.keyring_suite, self.store.sealer.audit_key, self._audit_digest, entry
        )
        self._audit_digest = entry.digest
        self.session.add(entry)
        if person_id:
            self.changes.persons.add(person_id)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Part of the transaction that can fail alone (one row of an import) and leave no trace:
        its rows, its outbox and audit numbers and its after-commit actions are all taken back."""
        saved = (self._outbox_seq, self._audit_seq, self._audit_digest, len(self._after_commit))
        try:
            with self.session.begin_nested():
                yield
        except BaseException:
            self._outbox_seq, self._audit_seq, self._audit_digest, hooks = saved
            del self._after_commit[hooks:]
            raise

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)

    def finish(self) -> None:
        self.session.merge(Setting(key="hlc_last", value=self.store.clock.last))

    def run_after_commit(self) -> None:
        for action in self._after_commit:
            action()


class Store:
    def __init__(
        self,
        data_dir: DataDir,
        keyring: Keyring,
        master: bytes,
        engine: Engine,
        device_id: str,
        actor: Actor | None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.data_dir = data_dir
        self.keyring = keyring
        self._master = master
        self.sealer: Sealer = keyring.sealer(master)
        self.keyring_suite = keyring.index_suite  # the audit chain and blind indexes never change suite
        self.engine = engine
        self.device_id = device_id
        self.clock = HybridClock(device_id[:16])
        self.actor = actor
        self.today = today
        self.index = SearchIndex()
        self.listeners: list[Callable[[Changes], None]] = []

    @property
    def master(self) -> bytes:
        return self._master

    @property
    def actor_id(self) -> UUID | None:
        return self.actor.user_id if self.actor else None

    @property
    def office_code(self) -> str:
        return self.keyring.office_code

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session; sealed values opened through ``open`` never leave as ORM objects."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Tx]:
        engine = self.engine.execution_options(sqlite_immediate=True)
        try:
            with Session(engine, expire_on_commit=False) as session, session.begin():
                tx = Tx(self, session)
                yield tx
                tx.finish()
        except OperationalError as exc:
            raise storage_error(exc) from None
        tx.run_after_commit()
        if tx.changes:
            for listener in list(self.listeners):
                listener(tx.changes)

    def open(self, table: str, column: str, row: UUID | str, sealed: bytes | None) -> str | None:
        """Open a sealed value; tampering becomes a user-facing Tampering error, never data."""
        if sealed is None:
            return None
        try:
            return self.sealer.open(table, column, row, sealed)
        except TamperedError as exc:
            raise Tampering(TAMPERED(where=exc.where)) from None

    def opener(self, table: str, column: str) -> Callable[[str, bytes], str]:
        """``open`` for many rows of one column (bulk reads); tampering is reported the same way."""
        return self.sealer.opener(table, column, tampered=lambda where: Tampering(TAMPERED(where=where)))

    def open_json(self, table: str, column: str, row: UUID | str, sealed: bytes | None) -> Any:
        text = self.open(table, column, row, sealed)
        return None if text is None else json.loads(text)

    def close(self) -> None:
        self.engine.dispose()
        self.index.clear()
        self._master = b""
