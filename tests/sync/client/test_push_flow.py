"""The push as a whole sync runs it: one request in flight while the next batch is read (two, the next
sent before the answer to the one before, with a server that keeps them in order), every change sent
once and in order, and the same outcomes as one batch after the other when a request is too large,
fails, comes before its turn, or is only partly answered."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from app.services import sync_status
from sync import protocol
from sync.client.errors import NetworkDown, OutOfOrder, TooLarge, problem_message
from sync.client.flow import run_flow, sync_flow
from tests.sync.client.test_batches import people


class FakeServer:
    """Answers pushes as the server does (every change applied), one batch at a time, and remembers
    what it was sent; ``fail`` maps a request's number (from 1) to the error it raises instead."""

    def __init__(self, max_batch: int, fail: dict[int, Exception] | None = None) -> None:
        self.max_batch = max_batch
        self.fail = dict(fail or {})
        self.requests: list[list[int]] = []
        self.events: list[str] = []  # "sent <n>", "answered <n>"
        self.in_flight = 0
        self.most_in_flight = 0
        self.skip: set[int] = set()  # seqs the server leaves out of its answer
        self.lock = threading.Lock()

    def transport(self, *_args: Any, **_kwargs: Any) -> FakeServer:
        return self

    def meta(self) -> protocol.Meta:
        return protocol.Meta(protocol.PROTOCOL_VERSION, int(time.time() * 1000), "server", self.max_batch)

    def push(
        self, request: protocol.PushRequest, prepared: protocol.Prepared | None = None
    ) -> protocol.PushResponse:
        assert prepared is not None  # made with the batch, not once the server is waiting for it
        data, headers = prepared
        body = protocol.decompress(data, headers.get("Content-Encoding"))
        assert protocol.from_json(protocol.PushRequest, body) == request
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.requests.append([c.seq for c in request.changes])
            number = len(self.requests)
            self.events.append(f"sent {number}")
        time.sleep(0.05)  # the server at work: the device reads its next batch meanwhile
        with self.lock:
            self.in_flight -= 1
            self.events.append(f"answered {number}")
        if number in self.fail:
            raise self.fail[number]
        results = [protocol.ChangeResult(c.seq, "applied") for c in request.changes if c.seq not in self.skip]
        return protocol.PushResponse(results, int(time.time() * 1000))

    def pull(self, after: int, limit: int = protocol.PAGE) -> protocol.PullResponse:
        return protocol.PullResponse([], after, False)


def sync(store: Any, server: FakeServer, steps: list[str] | None = None) -> Any:
    def hook(name: str, when: str) -> None:
        if steps is not None and when == "before":
            steps.append(name)

    return run_flow(store, sync_flow(server.transport, do_pull=False), hook)


def pending(store: Any) -> int:
    return sync_status.read_status(store).pending


def test_the_next_batch_is_read_while_the_server_works_and_every_change_goes_once_in_order(enrolled):
    people(enrolled, 4, first_seq=100)  # twelve changes
    server = FakeServer(max_batch=5)
    steps: list[str] = []
    summary = sync(enrolled, server, steps)

    assert summary.sent == 12 and pending(enrolled) == 0
    assert [len(r) for r in server.requests] == [5, 5, 2]
    assert [s for r in server.requests for s in r] == list(range(1, 13))
    assert server.most_in_flight == 1  # batches still reach the server one after the other
    # Batch 2 is read while batch 1 is with the server, and sent before batch 1's answer is stored.
    assert steps[steps.index("send") :][:6] == ["send", "build", "push", "send", "ack", "build"]


def test_a_batch_too_large_is_sent_again_in_halves_and_nothing_is_sent_twice(enrolled):
    people(enrolled, 4, first_seq=200)
    too_large = TooLarge(problem_message("too_large", "太大", "too large"), "too_large")
    server = FakeServer(max_batch=4, fail={2: too_large})
    summary = sync(enrolled, server)

    assert summary.sent == 12 and pending(enrolled) == 0
    assert server.requests[:3] == [[1, 2, 3, 4], [5, 6, 7, 8], [5, 6]]  # the refused one, then halves
    applied = [s for n, r in enumerate(server.requests, 1) if n != 2 for s in r]
    assert applied == list(range(1, 13))


def test_a_failed_request_keeps_what_was_confirmed_before_it_and_the_rest_waits(enrolled):
    people(enrolled, 4, first_seq=300)
    server = FakeServer(max_batch=5, fail={2: NetworkDown("connection dropped")})
    with pytest.raises(NetworkDown):
        sync(enrolled, server)
    assert pending(enrolled) == 7  # the first five were confirmed; the second batch never was

    again = FakeServer(max_batch=5)
    assert sync(enrolled, again).sent == 7 and pending(enrolled) == 0
    assert again.requests == [[6, 7, 8, 9, 10], [11, 12]]


def test_a_change_the_server_did_not_answer_waits_for_the_next_sync(enrolled):
    people(enrolled, 2, first_seq=400)
    server = FakeServer(max_batch=4)
    server.skip = {2}
    assert sync(enrolled, server).sent == 5
    assert server.requests == [[1, 2, 3, 4], [5, 6]]  # not sent again in the same sync
    assert pending(enrolled) == 1

    again = FakeServer(max_batch=4)
    assert sync(enrolled, again).sent == 1 and again.requests == [[2]] and pending(enrolled) == 0


class OrderedServer(FakeServer):
    """Takes two pushes at once (``Meta.push_window``) and, as the server does, applies a batch that
    ``follows`` another only once it has answered a batch reaching that seq, each change once;
    ``out_of_order`` holds the numbers of the requests it refuses as having come before their turn."""

    def __init__(self, max_batch: int, out_of_order: set[int] | None = None) -> None:
        super().__init__(max_batch)
        self.out_of_order = out_of_order or set()
        self.follows: list[int | None] = []
        self.applied: list[int] = []  # seqs in the order applied, each once
        self.pushed = 0  # the highest seq answered
        self.turn = threading.Condition(self.lock)

    def meta(self) -> protocol.Meta:
        now = int(time.time() * 1000)
        return protocol.Meta(protocol.PROTOCOL_VERSION, now, "server", self.max_batch, push_window=2)

    def push(
        self, request: protocol.PushRequest, prepared: protocol.Prepared | None = None
    ) -> protocol.PushResponse:
        seqs = [c.seq for c in request.changes]
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
            self.requests.append(seqs)
            self.follows.append(request.follows)
            number = len(self.requests)
        time.sleep(0.05)
        with self.turn:
            self.in_flight -= 1
            if number in self.out_of_order or not self.turn.wait_for(
                lambda: request.follows is None or self.pushed >= request.follows, timeout=5
            ):
                raise OutOfOrder(problem_message("out_of_order", "乱序", "out of order"), "out_of_order")
            results = []
            for seq in seqs:
                results.append(protocol.ChangeResult(seq, "duplicate" if seq in self.applied else "applied"))
                if seq not in self.applied:
                    self.applied.append(seq)
            self.pushed = max(self.pushed, *seqs)
            self.turn.notify_all()
        return protocol.PushResponse(results, int(time.time() * 1000))


def test_with_a_window_of_two_the_next_batch_goes_before_the_answer_and_the_server_keeps_the_order(enrolled):
    people(enrolled, 6, first_seq=500)  # eighteen changes
    server = OrderedServer(max_batch=4)
    steps: list[str] = []
    summary = sync(enrolled, server, steps)

    assert summary.sent == 18 and summary.duplicates == 0 and pending(enrolled) == 0
    assert server.requests == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16], [17, 18]]
    assert server.follows == [None, 4, 8, 12, 16]  # each names the batch sent just before it
    assert server.applied == list(range(1, 19))
    assert server.most_in_flight == 2
    # The second batch goes before the first one's answer; each answer is stored after the next is sent.
    assert steps[steps.index("send") :][:8] == [
        "send",
        "build",
        "send",
        "build",
        "push",
        "send",
        "ack",
        "build",
    ]


def test_a_batch_that_came_before_its_turn_is_sent_again_after_the_answer_before_it(enrolled):
    people(enrolled, 6, first_seq=600)
    server = OrderedServer(max_batch=4, out_of_order={2})
    summary = sync(enrolled, server)

    assert pending(enrolled) == 0 and summary.sent == 18
    assert server.requests[:4] == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [5, 6, 7, 8]]
    assert server.follows[3] is None  # sent again once every answer before it was in
    assert server.applied == list(range(1, 19))  # in order and once, the batch sent after it included
