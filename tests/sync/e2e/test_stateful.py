"""Three computers (two of one township, the county supervisor's) working apart, cut off from the server
at random, with clocks a few minutes wrong: once the links heal and the clocks are right, every computer
holds what the server holds, and every change made anywhere is there once."""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from app.services import persons
from app.services.inputs import PersonInput
from tests.sync.e2e.harness import SERVER_KEEPS, Device, LiveServer, differences
from tests.sync.e2e.test_faults import check_nothing_lost_nothing_twice

COUNTIES = itertools.count(1)
PEOPLE = itertools.count(0)
HEAL_ROUNDS = 6


def machine(server: LiveServer) -> type[RuleBasedStateMachine]:
    class ThreeComputers(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            county = f"64{next(COUNTIES):04d}"  # every example in a county of its own: scopes keep them apart
            self.township = f"{county}001"
            self.root = Path(tempfile.mkdtemp(prefix="rehabdesk-stateful-"))
            self.a = Device("a", self.root / "a", self.township, server.url)
            self.b = Device("b", self.root / "b", self.township, server.url)
            self.county = Device("county", self.root / "county", f"{county}000", server.url)
            self.a.enroll(server.url, server.code(self.township))
            self.b.enroll(server.url, server.code(self.township))
            self.county.enroll(server.url, server.code(f"{county}000", "supervisor", county))
            self.devices = [self.a, self.b, self.county]
            self.cut_off: set[str] = set()
            self.people: dict[str, list] = {"a": [], "b": []}
            self.visits: Counter = Counter()

        def township_device(self, which: int) -> Device:
            return (self.a, self.b)[which]

        def known(self, device: Device) -> list:
            return [p for p in self.people["a"] + self.people["b"] if self._has(device, p)]

        @staticmethod
        def _has(device: Device, person_id) -> bool:
            from models import Person

            with device.store.read() as session:
                return session.get(Person, person_id) is not None

        @rule(which=st.integers(0, 1))
        def register(self, which: int) -> None:
            device = self.township_device(which)
            born = (date(1960, 1, 1) + timedelta(days=next(PEOPLE))).strftime("%Y%m%d")
            from tests.conftest import make_id

            data = PersonInput(name=f"人员{born}", id_number=make_id(birth=born, seq=101))
            self.people[device.name].append(persons.register(device.store, data).created[0])

        @precondition(lambda self: self.people["a"] or self.people["b"])
        @rule(which=st.integers(0, 1), pick=st.integers(0, 100))
        def visit(self, which: int, pick: int) -> None:
            device = self.township_device(which)
            known = self.known(device)
            if known:
                summary = f"{device.name}-{sum(self.visits.values())}"
                device.visit(known[pick % len(known)], summary)
                self.visits[summary] += 1

        @precondition(lambda self: self.people["a"] or self.people["b"])
        @rule(
            which=st.integers(0, 1),
            pick=st.integers(0, 100),
            field=st.sampled_from(["notes", "phone", "residence_address"]),
            value=st.integers(0, 99),
        )
        def edit(self, which: int, pick: int, field: str, value: int) -> None:
            device = self.township_device(which)
            known = self.known(device)
            if known:
                text = f"1700000{value:04d}" if field == "phone" else f"{device.name}改{value}"
                device.edit(known[pick % len(known)], **{field: text})

        @rule(which=st.integers(0, 2))
        def sync(self, which: int) -> None:
            device = self.devices[which]
            if device.name not in self.cut_off:
                device.try_sync()

        @rule(which=st.integers(0, 2))
        def cut_or_heal(self, which: int) -> None:
            self.cut_off ^= {self.devices[which].name}

        @rule(which=st.integers(0, 2), minutes=st.integers(-4, 4))
        def wrong_clock(self, which: int, minutes: int) -> None:
            self.devices[which].set_skew(minutes * 60)

        def teardown(self) -> None:
            try:
                for device in self.devices:
                    device.set_skew(0)
                self.cut_off.clear()
                for _ in range(HEAL_ROUNDS):
                    for device in self.devices:
                        device.try_sync()
                expected = self.a.records()
                assert differences(expected, self.b.records()) == []
                assert differences(expected, self.county.records(self.township)) == []
                assert differences(expected, server.records(self.township), ignore=SERVER_KEEPS) == []
                check_nothing_lost_nothing_twice(self.devices, server, self.visits, self.township)
            finally:
                for device in self.devices:
                    device.close()
                shutil.rmtree(self.root, ignore_errors=True)

    return ThreeComputers


def test_three_computers_apart_with_wrong_clocks_converge(sqlite_server):
    run_state_machine_as_test(
        machine(sqlite_server),
        settings=settings(
            max_examples=4,
            stateful_step_count=18,
            deadline=None,
            derandomize=True,
            phases=(
                Phase.explicit,
                Phase.reuse,
                Phase.generate,
            ),  # no shrinking: a failure stays quick to see
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
