"""POST /v1/push (and an imported USB bundle): a batch applied once, in one transaction, per-change results.

On PostgreSQL the device's advisory lock is taken first, so two copies of one batch sent at once (a
retry racing the original) run one after the other and the second finds every (device, seq) taken; the
primary key on (device_id, seq) backs that up.

A device may send its next batch before the answer to the one before has come (``Meta.push_window``);
that batch ``follows`` the seq the one before reached, and is applied only once the server has answered
a batch reaching it (``Device.pushed_seq``, written in the same transaction as the batch). Until then it
waits, without holding the device's lock, for at most ``FOLLOW_WAIT_S``, and is refused after that
(409 out_of_order: the device sends it again once the answer to the one before is in).
"""

from __future__ import annotations

import time

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from sync.protocol import MAX_BATCH, MAX_CLOCK_SKEW_MS, PROTOCOL_VERSION, PushRequest, PushResponse
from sync.server import clocks, devices
from sync.server.bulk import JsonTexts
from sync.server.changelog import LogWriter
from sync.server.db import LOCK_DEVICE, Storage, lock
from sync.server.devices import DeviceInfo
from sync.server.merge import Merger, check_batch, check_seq
from sync.server.problems import (
    BATCH_TOO_LARGE,
    CLOCK_SKEW,
    DEVICE_MISMATCH,
    OUT_OF_ORDER,
    PROTOCOL_NEW,
    PROTOCOL_OLD,
    Refusal,
)
from sync.server.schema import Applied, Device

# How long a batch that follows another waits for it. On a working link the one before is at most a
# request behind (its body still being read, its handler about to take the lock): milliseconds.
FOLLOW_WAIT_S = 3.0


class _NotYet(Exception):
    """The batch this one follows has not been applied yet: end the transaction (and the lock) and wait."""


def check_request(request: PushRequest, device: DeviceInfo, now_ms: int, *, live: bool) -> None:
    """Refusals of the whole request. ``live``: sent just now over a link (a bundle is old by nature,
    so its client_time_ms is not compared; its clocks still are, change by change)."""
    if request.protocol < PROTOCOL_VERSION:
        raise Refusal(PROTOCOL_OLD, client=request.protocol, server=PROTOCOL_VERSION)
    if request.protocol > PROTOCOL_VERSION:
        raise Refusal(PROTOCOL_NEW, client=request.protocol, server=PROTOCOL_VERSION)
    if request.device_id != device.id:
        raise Refusal(DEVICE_MISMATCH)
    if len(request.changes) > MAX_BATCH:
        raise Refusal(BATCH_TOO_LARGE, limit=MAX_BATCH, count=len(request.changes))
    for change in request.changes:
        check_seq(change.seq)
    if live and request.client_time_ms:
        skew = abs(request.client_time_ms - now_ms)
        if skew > MAX_CLOCK_SKEW_MS:
            raise Refusal(CLOCK_SKEW, minutes=round(skew / 60_000), allowed=MAX_CLOCK_SKEW_MS // 60_000)


def push(storage: Storage, device: DeviceInfo, request: PushRequest, *, live: bool = True) -> PushResponse:
    now_ms = clocks.now_ms()
    check_request(request, device, now_ms, live=live)
    follows = request.follows if live else None  # a bundle is one request on its own
    reached = max((c.seq for c in request.changes), default=0)
    # Checked before the transaction, while the batch before may still hold the device's lock: the
    # checks need no database, and the lock is then held for the database's part only.
    texts = JsonTexts()
    checked = check_batch(request.changes, now_ms, texts)

    def work(session: Session) -> PushResponse:
        lock(session, LOCK_DEVICE, device.id)
        if follows is not None and pushed_seq(session, device.id) < follows:
            raise _NotYet()
        log = LogWriter(texts)
        results = Merger(session, device, log).apply_batch(request.changes, checked)
        if live:
            devices.touch(session, device.id)
        if reached:
            session.execute(
                update(Device)
                .where(Device.id == device.id)
                .values(pushed_seq=case((Device.pushed_seq < reached, reached), else_=Device.pushed_seq))
            )
        log.flush(session)
        return PushResponse(results, clocks.now_ms())

    deadline = time.monotonic() + FOLLOW_WAIT_S
    pause = 0.002
    while True:
        try:
            return storage.write(work)
        except _NotYet:
            if time.monotonic() + pause > deadline:
                raise Refusal(OUT_OF_ORDER) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def pushed_seq(session: Session, device_id: str) -> int:
    """The highest seq of the pushes the server has answered for this device (0: none)."""
    return int(session.scalar(select(Device.pushed_seq).where(Device.id == device_id)) or 0)


def applied_seq(session: Session, device_id: str) -> int:
    """The highest seq of this device the server holds (0: none). A device whose confirmed changes go
    higher knows the server lost them (it was restored from an older backup) and sends them again."""
    return int(session.scalar(select(func.max(Applied.seq)).where(Applied.device_id == device_id)) or 0)
