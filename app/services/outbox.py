"""The local outbox as the worker sees it: how many changes wait for a server.

Changes the server confirmed stay in the outbox (nothing prunes them): a server restored from an older
backup says it holds fewer of them, and they are sent again (sync.client.push.resend_lost).
"""

from __future__ import annotations

from sqlalchemy import func, select

from app.store.store import Store
from models import OutboxChange


def pending_count(store: Store) -> int:
    """Changes saved here that no server has confirmed yet."""
    with store.read() as session:
        query = select(func.count()).select_from(OutboxChange).where(OutboxChange.acked_at.is_(None))
        return session.scalar(query) or 0


def pending_by_entity(store: Store) -> dict[str, int]:
    with store.read() as session:
        rows = session.execute(
            select(OutboxChange.entity, func.count())
            .where(OutboxChange.acked_at.is_(None))
            .group_by(OutboxChange.entity)
        ).all()
    return {entity: count for entity, count in rows}
