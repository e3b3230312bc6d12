"""Checking the audit chain."""

from __future__ import annotations

from app.audit import ChainCheck, verify_chain
from app.store.store import Store


def verify(store: Store) -> ChainCheck:
    with store.read() as session:
        return verify_chain(session, store.keyring_suite, store.sealer.audit_key)
