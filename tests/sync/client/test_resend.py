"""A server restored from an older backup: confirmed changes it no longer holds are queued again.

The end-to-end drill (pg_dump, more work, pg_restore, ``rehabdesk-server restored``) is in
tests/reliability/test_server_restored.py; these are the client's rules on their own.
"""

from __future__ import annotations

from sqlalchemy import select

from app.services import outbox, persons
from app.services.inputs import PersonInput
from app.store.unlock import open_store
from models import AuditEntry
from sync import protocol
from sync.client import push
from tests.conftest import ADMIN, ADMIN_PW, TODAY, make_id
from tests.sync.client.conftest import DEVICE, OTHER_DEVICE, enrol


def confirm_everything(store) -> list[int]:
    """Push what waits and have the (pretend) server confirm all of it; the seqs confirmed."""
    batch = push.build_batch(store)
    assert batch is not None
    results = [protocol.ChangeResult(seq, "applied") for seq in batch.seqs]
    push.apply_results(store, batch, protocol.PushResponse(results, 0))
    return batch.seqs


def register(store, seq: int) -> None:
    persons.register(store, PersonInput(name=f"人员{seq}", id_number=make_id(seq=seq)))


def test_changes_above_what_the_server_holds_wait_again_and_are_audited(enrolled):
    for seq in (101, 103, 105):
        register(enrolled, seq)
    confirmed = confirm_everything(enrolled)
    assert outbox.pending_count(enrolled) == 0
    assert push.resend_lost(enrolled, DEVICE, server_seq=confirmed[-1]) == 0  # the server has it all

    lost = confirmed[len(confirmed) // 2 :]
    assert push.resend_lost(enrolled, DEVICE, server_seq=lost[0] - 1) == len(lost)
    assert outbox.pending_count(enrolled) == len(lost)
    batch = push.build_batch(enrolled)
    assert batch is not None and batch.seqs == lost  # sent again in their order, values as stored
    with enrolled.read() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "sync.resend")).one()


def test_changes_confirmed_under_an_earlier_enrolment_are_not_sent_again(enrolled, store_dir):
    register(enrolled, 101)
    earlier = confirm_everything(enrolled)
    admin = open_store(store_dir, ADMIN, ADMIN_PW, today=lambda: TODAY)
    try:
        enrol(admin, OTHER_DEVICE)  # IT enrolled this computer again: a new device id
    finally:
        admin.close()
    # The server knows nothing of the new id yet; what the old one sent is the server's under that id.
    assert push.resend_lost(enrolled, OTHER_DEVICE, server_seq=0) == 0
    register(enrolled, 103)
    later = confirm_everything(enrolled)  # confirmed under the new id
    assert push.resend_lost(enrolled, OTHER_DEVICE, server_seq=0) == len(later)
    pending = push.build_batch(enrolled)
    assert pending is not None and set(pending.seqs).isdisjoint(earlier)


def test_a_server_that_says_nothing_changes_nothing(enrolled):
    """An older server sends no device_seq: the flow does not ask for a resend at all (sync/client/flow.py);
    and a device that never had anything confirmed has nothing to send again."""
    register(enrolled, 101)
    assert push.resend_lost(enrolled, DEVICE, server_seq=0) == 0
    assert (
        protocol.from_json(protocol.Meta, {"protocol": 1, "server_time_ms": 1, "server_id": "s"}).device_seq
        is None
    )
