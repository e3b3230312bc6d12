"""One sync, as a sequence of steps: database steps and network steps, never both in one.

``sync_flow`` is a generator that yields ``OnDb`` (run it on the database thread with the store) and
``OnNet`` (run it anywhere but there) steps and is sent each result back; it returns a
``SyncSummary``. The command line runs it in a loop (``run_flow``); the desktop app runs each step
through its op runner, so the GUI never waits and the database thread never waits on the network.
A failure is recorded in the store (for the status bar and ``sync status``) and raised again.
Every step is safe to lose: a computer switched off at any point resumes without loss or duplicates.
"""

from __future__ import annotations

import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Generic, TypeVar

from app.errors import UserError
from app.logs import describe_unexpected, log
from app.services.conflicts import require_supervisor
from app.store.store import Store
from models.text import Text
from sync import protocol
from sync.client import pull, push, state
from sync.client.errors import (
    CursorExpired,
    NotEnrolled,
    OutOfOrder,
    SyncError,
    TooLarge,
    problem_message,
)
from sync.client.transport import DEFAULT_TIMEOUT, Transport

MAX_ROUNDS = 10_000  # pages or batches in one sync: a bound against a server that never says "done"

UNEXPECTED = Text(
    "同步时发生了意外错误，已记入日志（不含个人信息）。数据完好，稍后会自动重试；如反复出现，请联系信息技术人员。",
    "An unexpected error stopped the sync; it was logged (without personal data). The data is intact and "
    "the sync will be tried again later; if it keeps happening, contact IT staff.",
)
SUMMARY = Text(
    "同步完成：发送 {sent} 条（其中 {duplicates} 条服务器已有），被拒绝 {rejected} 条；收到 {pulled} 条，{conflicts} 条冲突待审核；仍有 {pending} 条待发送。",
    "Sync done: {sent} changes sent ({duplicates} the server already had), {rejected} refused; {pulled} "
    "received, {conflicts} conflicts for review; {pending} still waiting to be sent.",
)


@dataclass(frozen=True)
class OnDb:
    name: str
    work: Callable[[Store], Any]


@dataclass(frozen=True)
class OnNet:
    name: str
    work: Callable[[], Any]


Step = OnDb | OnNet
SyncFlow = Generator[Step, Any, "SyncSummary"]
TransportFactory = Callable[..., Transport]


@dataclass
class SyncSummary:
    sent: int = 0
    duplicates: int = 0
    rejected: int = 0
    deferred: int = 0  # stamped by a clock that ran ahead: sent again once the server's clock catches up
    resent: int = 0  # confirmed once, lost by a server restored from a backup: queued again
    pulled: int = 0
    parked: int = 0
    conflicts: int = 0
    rebuilt: bool = False
    cursor: int = 0
    steps: list[str] = field(default_factory=list)

    def message(self, pending: int) -> str:
        return SUMMARY.render(
            sent=self.sent,
            duplicates=self.duplicates,
            rejected=self.rejected,
            pulled=self.pulled,
            conflicts=self.conflicts,
            pending=pending,
        )


def sync_flow(
    transport_factory: TransportFactory = Transport,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    do_push: bool = True,
    do_pull: bool = True,
    clock: Callable[[], float] = time.time,
) -> SyncFlow:
    summary = SyncSummary()
    try:
        creds = yield OnDb("credentials", state.read_credentials)
        if creds is None:
            raise NotEnrolled()
        transport = transport_factory(creds.server_url, creds.token, timeout=timeout)
        asked = clock()
        meta = yield OnNet("meta", transport.meta)
        state.check_meta(meta, (asked + clock()) * 500)  # the midpoint of the round trip, in ms
        if meta.device_seq is not None:
            summary.resent = yield OnDb(
                "resend", partial(push.resend_lost, device_id=creds.device_id, server_seq=meta.device_seq)
            )
        limit = max(1, min(protocol.MAX_BATCH, int(meta.max_batch or protocol.MAX_BATCH)))
        max_body = int(meta.max_body_bytes or protocol.MAX_BODY_BYTES)
        if do_push:
            window = max(1, min(protocol.PUSH_WINDOW, int(meta.push_window or 1)))
            yield from _push(transport, summary, limit, max_body, window)
        if do_pull:
            yield from _pull(transport, summary, min(limit, protocol.PAGE))
        yield OnDb("success", partial(state.record_success, server_id=meta.server_id))
        return summary
    except SyncError as error:
        if not isinstance(error, NotEnrolled):
            yield OnDb("failure", partial(state.record_failure, error=error))
        raise
    except UserError:
        raise
    except Exception as error:
        log.error("sync failed: %s", describe_unexpected(error))
        failure = SyncError(UNEXPECTED(), "unexpected")
        yield OnDb("failure", partial(state.record_failure, error=failure))
        raise failure from error


def _push(
    transport: Transport, summary: SyncSummary, limit: int, max_body: int, window: int = 1
) -> Generator[Step, Any, None]:
    """The outbox in batches, up to ``window`` requests in flight (``Meta.push_window``): while the server
    applies a batch, this computer reads the next one and sends it, and it stores each answer after
    the next batch is on its way, so both ends work at the same time instead of by turns. A batch sent
    while the one before is on its way ``follows`` it: the server applies them in seq order all the
    same. Each batch starts after the last seq of the one before (not yet acknowledged when it is
    read), so a change the server did not answer waits for the next sync rather than being sent again
    in this one. A batch too large, or one the server got before the batch it follows
    (out_of_order), is read and sent again once every answer before it is in; whatever was sent after
    it is left to the server, which applies each change once and only after the ones before it."""
    later: frozenset[int] = frozenset()  # deferred by the server in this sync: not sent again until the next
    build = partial(push.build_batch, max_body=max_body)
    flights: deque[tuple[push.Batch, InFlight[protocol.PushResponse]]] = deque()  # on their way, oldest first

    def follows() -> int | None:
        """The highest seq of the newest batch on its way: the one a batch read now follows."""
        return max(flights[-1][0].seqs) if window > 1 and flights else None

    batch = yield OnDb("build", partial(build, limit=limit, skip=later))
    for _ in range(MAX_ROUNDS):
        if batch is not None and not batch.request.changes:  # every change of it failed to build: record that
            empty = protocol.PushResponse(results=[], server_time_ms=0)
            outcome = yield OnDb("ack", partial(push.apply_results, batch=batch, response=empty))
            _add(summary, outcome)
            after = batch.last
            batch = yield OnDb(
                "build", partial(build, limit=limit, skip=later, after=after, follows=follows())
            )
            continue
        if batch is not None and len(flights) < window:
            flights.append((batch, (yield OnNet("send", partial(_send, transport, batch)))))
            after = batch.last
            batch = yield OnDb(
                "build", partial(build, limit=limit, skip=later, after=after, follows=follows())
            )
            continue
        if not flights:
            return
        done, flight = flights.popleft()
        try:
            response = yield OnNet("push", flight.result)
        except (TooLarge, OutOfOrder) as refused:
            if isinstance(refused, TooLarge):
                if len(done.request.changes) <= 1:
                    raise
                limit = max(1, len(done.request.changes) // 2)
            flights.clear()
            batch = yield OnDb("build", partial(build, limit=limit, skip=later, after=done.first - 1))
            continue
        ahead = None  # the next batch, sent before this answer is stored
        if batch is not None and batch.request.changes and len(flights) < window:
            ahead = batch
            flights.append((batch, (yield OnNet("send", partial(_send, transport, batch)))))
        outcome = yield OnDb("ack", partial(push.apply_results, batch=done, response=response))
        _add(summary, outcome)
        later = later | frozenset(outcome.deferred)
        if not outcome.progress and not outcome.deferred:
            return  # the server answered nothing about this batch: try again next time
        if ahead is not None:
            batch = yield OnDb(
                "build", partial(build, limit=limit, skip=later, after=ahead.last, follows=follows())
            )


def _send(transport: Transport, batch: push.Batch) -> InFlight[protocol.PushResponse]:
    def send() -> protocol.PushResponse:
        prepared = protocol.compress(batch.body) if batch.body is not None else None
        return transport.push(batch.request, prepared)

    return InFlight(send)


def _add(summary: SyncSummary, outcome: push.PushOutcome) -> None:
    summary.sent += outcome.applied + outcome.duplicates
    summary.duplicates += outcome.duplicates
    summary.rejected += outcome.rejected
    summary.deferred += len(outcome.deferred)


T = TypeVar("T")


class InFlight(Generic[T]):
    """A request running on a thread of its own: the flow goes on with database steps meanwhile and
    takes the answer (or the failure) with ``result``. A flow stopped before that leaves the thread to
    finish on its own: the server applies a push once, whoever reads its answer."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._done = threading.Event()
        self._value: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(work,), name="rehabdesk-sync-request", daemon=True).start()

    def _run(self, work: Callable[[], T]) -> None:
        # Ctrl+C is for the main thread: a signal the kernel hands to this one would leave the command
        # line's loop asleep, deaf to it (time.sleep wakes only for a signal delivered to its own thread).
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            self._value = work()
        except BaseException as error:  # handed to whoever waits, as if raised there
            self._error = error
        finally:
            self._done.set()

    def result(self) -> T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


def _pull(transport: Transport, summary: SyncSummary, limit: int) -> Generator[Step, Any, None]:
    for _ in range(MAX_ROUNDS):
        position = yield OnDb("position", pull.read_position)
        if position.snapshot_after is not None:
            page = yield OnNet("snapshot", partial(transport.snapshot, position.snapshot_after, limit))
            outcome = yield OnDb(
                "apply_snapshot", partial(pull.apply_snapshot_page, page=page, after=position.snapshot_after)
            )
            summary.rebuilt = True
            _count(summary, outcome)
            continue
        try:
            page = yield OnNet("pull", partial(transport.pull, position.cursor, limit))
        except CursorExpired:
            yield OnDb("begin_snapshot", pull.begin_snapshot)
            continue
        outcome = yield OnDb("apply", partial(pull.apply_pull_page, page=page, after=position.cursor))
        _count(summary, outcome)
        if outcome.stale:
            continue  # another sync moved the cursor meanwhile: ask again from where it is now
        if not page.more or outcome.cursor <= position.cursor:
            return


def _count(summary: SyncSummary, outcome: pull.PullOutcome) -> None:
    summary.pulled += outcome.applied
    summary.parked += outcome.parked
    summary.conflicts += outcome.conflicts
    summary.cursor = outcome.cursor


def resolve_flow(
    conflict_id: str,
    field_name: str,
    value: Any,
    transport_factory: TransportFactory = Transport,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> Generator[Step, Any, protocol.ChangeResult]:
    """A supervisor picks the value of a disputed field (supervisor devices only). The decision comes
    back to every computer in scope, this one included, with the next pull."""
    yield OnDb("role", require_supervisor)  # the person at this computer, as the server checks the computer
    creds = yield OnDb("credentials", state.read_credentials)
    if creds is None:
        raise NotEnrolled()
    transport = transport_factory(creds.server_url, creds.token, timeout=timeout)
    request = protocol.ResolveRequest(field=field_name, value=value)
    response = yield OnNet("resolve", partial(transport.resolve, conflict_id, request))
    (result,) = response.results or [protocol.ChangeResult(0, "rejected", "bad_reply")]
    if result.status == "rejected":
        raise SyncError(problem_message(result.code, result.message_zh, result.message_en), result.code)
    return result


# ---- running a flow in one thread (the command line, tests) ------------------------------------------------
StepHook = Callable[[str, str], None]  # (step name, "before" | "after")


def run_flow(store: Store, flow: SyncFlow, hook: StepHook | None = None) -> SyncSummary:
    """Run every step here, in order. ``hook`` sees each step before and after it runs (tests raise from
    it to stop a sync at any point, as a power cut would)."""
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                step = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                return stop.value  # type: ignore[no-any-return]
            value, error = None, None
            if hook is not None:
                hook(step.name, "before")
            try:
                value = step.work(store) if isinstance(step, OnDb) else step.work()
            except Exception as exc:
                error = exc
            if hook is not None:
                hook(step.name, "after")
    finally:
        flow.close()
