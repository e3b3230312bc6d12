"""A link that drops, cuts, repeats, delays and reorders requests, and a server killed mid-request and
started again: three computers still end up with the same records, each change applied once.

The end-to-end fault test (tests/sync/e2e/test_faults.py) runs the in-thread server through the proxy;
here the server is ``rehabdesk-server serve`` on PostgreSQL, a process of its own, and the proxy also
holds requests back to deliver them after later ones (the server sees a push after its retry, or a
stale pull), and SIGKILLs the server while it works on a request, then starts it again.
"""

from __future__ import annotations

import random
import time
from collections import Counter

import pytest
from _processes import ServerProcess

from tests.figures import Figures
from tests.sync.e2e.harness import Device, Faults, FaultyProxy
from tests.sync.e2e.test_faults import check_nothing_lost_nothing_twice, converged

pytestmark = pytest.mark.slow

TOWNSHIP = "640104001"
COUNTY_OFFICE = "640104000"
COUNTY = "640104"
CI_ROUNDS = 6
DEADLINE_S = 90
FAULTS = Faults(
    drop=0.05,
    cut_request=0.04,
    duplicate=0.10,
    delay=0.10,
    cut_response=0.05,
    lose_response=0.05,
    reorder=0.10,
    reorder_after=3,
    restart=0.05,
    max_restarts=3,
    max_delay_s=1.0,
)
ALL_FAULTS = (
    "drop",
    "cut_request",
    "duplicate",
    "delay",
    "cut_response",
    "lose_response",
    "reorder",
    "restart",
)


def test_a_link_that_reorders_and_a_server_that_restarts_lose_nothing(
    tmp_path, server_process: ServerProcess, figures: Figures
) -> None:
    started = time.monotonic()
    rounds = figures.rounds(CI_ROUNDS)
    server = server_process
    faults = Faults(**{**vars(FAULTS), "max_restarts": max(FAULTS.max_restarts, rounds // 2)})
    proxy = FaultyProxy(server.port, faults, seed=23, restart_server=server.restart)
    devices: list[Device] = []
    try:
        a = Device("a", tmp_path / "a", TOWNSHIP, proxy.url, timeout=0.6)
        b = Device("b", tmp_path / "b", TOWNSHIP, proxy.url, timeout=0.6)
        county = Device(
            "county", tmp_path / "county", COUNTY_OFFICE, proxy.url, timeout=0.6, role="supervisor"
        )
        devices = [a, b, county]
        a.enroll(server.url, server.code(TOWNSHIP))
        b.enroll(server.url, server.code(TOWNSHIP))
        county.enroll(server.url, server.code(COUNTY_OFFICE, "supervisor", COUNTY))
        rng = random.Random(7)
        people: list = []
        visits: Counter = Counter()
        syncs = 0
        round_ = 0
        # The bounded rounds, and more until every kind of fault has struck at least once.
        while round_ < rounds or (
            set(ALL_FAULTS) - set(proxy.counts) and time.monotonic() - started < DEADLINE_S / 2
        ):
            round_ += 1
            for n, device in enumerate((a, b)):
                people.append(device.register(f"人员{round_}{n}", 101 + 2 * (round_ * 2 + n)))
                known = [p for p in people if _has(device, p)]
                summary = f"第{round_}轮{device.name}家访"
                device.visit(rng.choice(known), summary)
                visits[summary] += 1
                field = rng.choice(["notes", "residence_address", "phone"])
                value = f"170{rng.randrange(10**8):08d}" if field == "phone" else f"{device.name}{round_}"
                device.edit(rng.choice(known), **{field: value})
            for device in devices:
                device.try_sync()
                syncs += 1
        problems = converged(devices, server)
        while problems and time.monotonic() - started < DEADLINE_S:
            for device in devices:
                device.try_sync()
                syncs += 1
            problems = converged(devices, server)
        assert problems == [], problems[:10]
        check_nothing_lost_nothing_twice(devices, server, visits)
        # The link really misbehaved, in every way it can, and the server really went down mid-request.
        assert set(proxy.counts) == set(ALL_FAULTS), proxy.counts
        assert server.kills == proxy.counts["restart"]
        checked = len(server.records(COUNTY))
        requests = sum(len(device.requests) for device in devices)
    finally:
        proxy.stop()
        for device in devices:
            device.close()
    figures.record(
        "faulty link and restarting server",
        rounds=round_,
        faults=dict(sorted(proxy.counts.items())),
        checked=checked,
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"{syncs} syncs by 3 computers, {requests} requests",
    )
    print(
        f"\n[faulty link] {round_} rounds, {syncs} syncs by 3 computers, {requests} requests; faults: {dict(sorted(proxy.counts.items()))}; "
        f"{checked} records alike on every computer and the server; {time.monotonic() - started:.1f} s"
    )


def _has(device: Device, person_id) -> bool:
    from models import Person

    with device.store.read() as session:
        return session.get(Person, person_id) is not None
