"""Schema migrations: ``rehabdesk-server migrate`` and every ``serve`` start bring the database to head."""

from __future__ import annotations

import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, select, text
from sqlalchemy.orm import Session

from sync.server.db import LOCK_MIGRATE, Storage, lock
from sync.server.schema import ServerSetting

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(storage: Storage) -> None:
    """Migrate to head (one process at a time on PostgreSQL), then make sure the server has an id."""
    with storage.engine.begin() as connection:
        if storage.is_postgres:
            connection.execute(text("SELECT pg_advisory_xact_lock(:ns, 0)"), {"ns": LOCK_MIGRATE})
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    storage.write(_ensure_server_id)


def _ensure_server_id(session: Session) -> None:
    lock(session, LOCK_MIGRATE)
    if session.scalar(select(ServerSetting.value).where(ServerSetting.key == "server_id")) is None:
        session.add(ServerSetting(key="server_id", value=str(uuid.uuid4())))


def is_current(storage: Storage) -> bool:
    with storage.engine.connect() as connection:
        return current_revision(connection) == head_revision()
