"""A bad link and a computer switched off mid-sync: nothing is lost and nothing is applied twice."""

from __future__ import annotations

import random
import time
from collections import Counter

from app.services import facts, sync_status
from sync.client import flow as flow_module
from tests.sync.e2e.harness import SERVER_KEEPS, Faults, FaultyProxy, differences

TOWNSHIP = "640104001"
COUNTY_OFFICE = "640104000"
COUNTY = "640104"
DEADLINE_S = 50


class Crash(BaseException):
    """The power went off (a BaseException, so nothing in the client can catch it as an error)."""


def converged(devices, server) -> list[str]:
    first = devices[0].records(TOWNSHIP)
    problems = []
    for other in devices[1:]:
        problems += [f"{other.name}: {d}" for d in differences(first, other.records(TOWNSHIP))]
    problems += [f"server: {d}" for d in differences(first, server.records(TOWNSHIP), ignore=SERVER_KEEPS)]
    for device in devices:
        problems += [f"{device.name} outbox {seq}" for seq, acked, _ in device.outbox() if not acked]
    return problems


def check_nothing_lost_nothing_twice(devices, server, visits: Counter, office: str = TOWNSHIP) -> None:
    for device in devices:
        assert server.applied(device.store_device_id) == [seq for seq, _, _ in device.outbox()]
        assert sync_status.read_status(device.store).pending == 0
        recorded = Counter()
        for (entity, _id), values in device.records(office).items():
            if entity == "visit":
                recorded[values["content"]["summary"]] += 1
        assert recorded == visits, device.name  # every visit, once
    logged = server.logged_changes()
    assert [k for k, n in Counter(logged).items() if n > 1] == []  # the server took each change once


def test_a_bad_link_loses_nothing_and_applies_nothing_twice(server, make_device):
    faults = Faults(
        drop=0.08,
        cut_request=0.05,
        duplicate=0.12,
        delay=0.12,
        cut_response=0.08,
        lose_response=0.08,
        max_delay_s=1.0,
    )
    proxy = FaultyProxy(server.port, faults, seed=11)
    try:
        a = make_device("a", TOWNSHIP, proxy.url, timeout=0.6)
        b = make_device("b", TOWNSHIP, proxy.url, timeout=0.6)
        county = make_device("county", COUNTY_OFFICE, proxy.url, timeout=0.6)
        a.enroll(server.url, server.code(TOWNSHIP))
        b.enroll(server.url, server.code(TOWNSHIP))
        county.enroll(server.url, server.code(COUNTY_OFFICE, "supervisor", COUNTY))
        devices = [a, b, county]
        rng = random.Random(5)
        people = {"a": [], "b": []}
        visits: Counter = Counter()
        started = time.monotonic()
        for round_ in range(8):
            for n, device in enumerate((a, b)):
                people[device.name].append(device.register(f"人员{round_}{n}", 101 + 2 * (round_ * 2 + n)))
                known = [p for p in people["a"] + people["b"] if _has(device, p)]
                summary = f"第{round_}轮{device.name}家访"
                device.visit(rng.choice(known), summary)
                visits[summary] += 1
                target = rng.choice(known)
                field = rng.choice(["notes", "residence_address", "phone"])
                value = f"170{rng.randrange(10**8):08d}" if field == "phone" else f"{device.name}{round_}"
                device.edit(target, **{field: value})
            for device in devices:
                device.try_sync()
        problems = converged(devices, server)
        while problems and time.monotonic() - started < DEADLINE_S:
            for device in devices:
                device.try_sync()
            problems = converged(devices, server)
        assert problems == [], problems[:10]
        assert time.monotonic() - started < DEADLINE_S
        # The link really misbehaved, in every way it can.
        assert set(proxy.counts) == {
            "drop",
            "cut_request",
            "duplicate",
            "delay",
            "cut_response",
            "lose_response",
        }
        check_nothing_lost_nothing_twice(devices, server, visits)
    finally:
        proxy.stop()


def _has(device, person_id) -> bool:
    from models import Person

    with device.store.read() as session:
        return session.get(Person, person_id) is not None


def crash_at(target: int):
    """A hook that switches the computer off right after the ``target``-th step of a sync. (Right before a
    step is the same place: nothing happens between one step's end and the next one's start.)"""
    calls = {"n": 0}
    seen: list[str] = []

    def hook(step: str, when: str) -> None:
        seen.append(f"{step}:{when}")
        if when != "after":
            return
        if calls["n"] == target:
            calls["n"] += 1
            raise Crash(step)
        calls["n"] += 1

    return hook, seen


def test_a_computer_switched_off_at_any_step_resumes_without_loss_or_duplicates(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    b = make_device("b", TOWNSHIP, server.url)
    a.enroll(server.url, server.code(TOWNSHIP))
    b.enroll(server.url, server.code(TOWNSHIP))
    visits: Counter = Counter()
    stopped_at: set[str] = set()
    person_a = a.register("甲", 101)
    person_b = b.register("乙", 103)
    for device in (a, b):
        device.sync()
    a.sync()
    rounds = 0
    for compacting in (False, True):  # the second time every crash lands in a snapshot rebuild
        target = 0
        while True:
            rounds += 1
            assert rounds < 200, "the sync never finished"
            # Each round both have something new: A something to push, B something for A to pull.
            for device, person in ((a, person_a), (b, person_b)):
                summary = f"{device.name}第{rounds}次"
                device.visit(person, summary)
                visits[summary] += 1
            a.edit(person_a, notes=f"第{rounds}次")
            b.sync()
            if compacting:
                server.compact()  # A's cursor has expired: it must rebuild from a snapshot
            hook, _seen = crash_at(target)
            try:
                a.sync(hook)
            except Crash as crash:
                stopped_at.add(str(crash))
                a.restart()
                a.sync()  # started again: it resumes where the store says it stood
                target += 1
                continue
            break  # this time the sync ran to its end before the hook's turn came
    b.sync()
    a.sync()
    steps = {s.split(":")[0] for s in stopped_at}
    pushing = {"build", "send", "push", "ack"}
    assert {"credentials", "meta", *pushing, "position", "pull", "apply", "success"} <= steps
    assert {"begin_snapshot", "snapshot", "apply_snapshot"} <= steps
    assert converged([a, b], server) == []
    check_nothing_lost_nothing_twice([a, b], server, visits)
    assert facts.history(a.store, person_b)[0].current.data.summary  # B's visits reached A


def test_the_flow_names_its_steps():
    """The hook above stops a sync at each of these; a renamed step would silently go untested."""
    import inspect

    source = inspect.getsource(flow_module)
    for step in ("credentials", "meta", "build", "send", "push", "ack", "position", "pull", "apply",
                 "begin_snapshot", "snapshot", "apply_snapshot", "success", "failure"):  # fmt: skip
        assert f'"{step}"' in source
