"""The encrypted store against the same code on plain SQLite.

The same services record the same facts twice: once sealing every personal value (the product), once
with sealing replaced by a pass-through (the reference). Then a person's whole timeline is read and
searches run on both. The ratio is the cost of the encryption. Unlock and search are timed on a
10,000-person office (a smaller one with --quick).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from uuid import UUID

from app.crypto.kdf import FAST
from app.crypto.sealer import Sealer
from app.demo.office import ADMIN_LOGIN, ADMIN_PASSWORD
from app.search import make_entry
from app.services import facts, persons
from app.services.inputs import DrugTestInput, PersonInput, VisitInput
from app.store.store import Store
from app.store.unlock import init_store, open_store
from bench.report import Row
from models.enums import Drug, TestResult, VisitKind
from models.values import id_check_char

TODAY = date(2026, 6, 30)


class PassThroughSealer(Sealer):
    """The reference: same calls, no cryptography (values stored as UTF-8)."""

    def seal(self, table: str, column: str, row: UUID | str, value: str) -> bytes:
        return value.encode()

    def open(self, table: str, column: str, row: UUID | str, sealed: bytes) -> str:
        return sealed.decode()


def _record(store: Store, people: int, facts_total: int, rng: random.Random) -> tuple[float, list[UUID]]:
    ids: list[UUID] = []
    with store.write() as tx:
        for n in range(people):
            first17 = f"640104{1970 + n % 30}0101{n % 1000:03d}"
            ids.append(
                persons.add(
                    tx,
                    PersonInput(
                        name=f"测试{n}",
                        id_number=first17 + id_check_char(first17),
                        residence_address=f"试验路 {n} 号",
                    ),
                )
            )
    start = time.perf_counter()
    done = 0
    while done < facts_total:
        with store.write() as tx:
            for _ in range(min(200, facts_total - done)):
                person = ids[rng.randrange(people)]
                day = TODAY - timedelta(days=rng.randrange(1000))
                if done % 2:
                    facts.add(
                        tx,
                        VisitInput(
                            person_id=person,
                            visited_on=day,
                            kind=VisitKind.HOME,
                            summary="情况稳定，按时报到",
                            family="家庭关系和睦",
                        ),
                    )
                else:
                    facts.add(
                        tx,
                        DrugTestInput(
                            person_id=person,
                            tested_on=day,
                            substance_results={Drug.METH: TestResult.NEGATIVE},
                        ),
                    )
                done += 1
    return time.perf_counter() - start, ids


def _variant(root: Path, sealed: bool, facts_total: int) -> dict[str, float]:
    store, _ = init_store(
        root,
        office_code="640104001",
        office_name="bench",
        admin_login="admin",
        admin_password="bench-password",
        kdf=FAST,
        today=lambda: TODAY,
    )
    if not sealed:
        store.sealer = _plain(store)
    rng = random.Random(1)
    record_s, ids = _record(store, 500, facts_total, rng)
    busiest = max(ids[:50], key=lambda i: len(facts.history(store, i)))
    start = time.perf_counter()
    for _ in range(20):
        facts.history(store, busiest)
    timeline_s = (time.perf_counter() - start) / 20
    start = time.perf_counter()
    for n in range(50):
        persons.search(store, f"测试{n * 7}")
    search_s = (time.perf_counter() - start) / 50
    store.close()
    return {"record": record_s, "timeline": timeline_s, "search": search_s}


def _plain(store: Store) -> Sealer:
    plain = PassThroughSealer.__new__(PassThroughSealer)
    plain.__dict__.update(store.sealer.__dict__)
    return plain


def _unlock_and_search(root: Path, people: int) -> list[Row]:
    """Unlock and search depend on the number of persons, not of facts, so the office has persons only."""
    from app.demo.office import iter_people

    store, _ = init_store(
        root,
        office_code="640104001",
        office_name="bench",
        admin_login=ADMIN_LOGIN,
        admin_password=ADMIN_PASSWORD,
        today=lambda: TODAY,
    )  # a calibrated key, as in use
    chunk: list[PersonInput] = []
    for demo in iter_people(persons=people, seed=1, today=TODAY, facts_per_person=1):
        chunk.append(demo.person)
        if len(chunk) == 500:
            with store.write() as tx:
                for person in chunk:
                    persons.add(tx, person)
            chunk = []
    with store.write() as tx:
        for person in chunk:
            persons.add(tx, person)
    store.close()
    start = time.perf_counter()
    store = open_store(root, ADMIN_LOGIN, ADMIN_PASSWORD, today=lambda: TODAY)
    unlock_s = time.perf_counter() - start
    rng = random.Random(2)
    timings: dict[str, list[float]] = {"name": [], "pinyin initials": [], "ID number digits": []}
    for summary in rng.sample(persons.summaries(store), 50):
        initials = make_entry(summary.id, summary.name, [], summary.id_number).initials[0]
        for kind, query in zip(timings, (summary.name, initials, summary.id_number[-6:]), strict=True):
            start = time.perf_counter()
            persons.search(store, query, limit=50)  # a screenful, as the People page shows
            timings[kind].append(time.perf_counter() - start)
    store.close()
    rows = [Row(f"unlock, {people:,} persons (key + in-memory index)", unlock_s * 1000, "ms", "<= 1000 ms")]
    rows += [
        Row(f"search by {kind}, first 50 of {people:,} persons (median)", statistics.median(t) * 1000, "ms", "<= 20 ms")
        for kind, t in timings.items()
    ]
    return rows


def run(*, quick: bool) -> list[Row]:
    facts_total = 10_000 if quick else 100_000
    people = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="rehabdesk-bench-") as tmp:
        sealed = _variant(Path(tmp) / "sealed", True, facts_total)
        plain = _variant(Path(tmp) / "plain", False, facts_total)
        rows = [
            Row(
                f"record {facts_total:,} facts through the services",
                sealed["record"],
                "s",
                "<= 1.3x",
                plain["record"],
                "plain SQLite",
            ),
            Row(
                "read a person's full timeline",
                sealed["timeline"] * 1000,
                "ms",
                "<= 1.3x",
                plain["timeline"] * 1000,
                "plain SQLite",
            ),
            Row(
                "search a name (service, 500 persons)",
                sealed["search"] * 1000,
                "ms",
                "<= 1.3x",
                plain["search"] * 1000,
                "plain SQLite",
            ),
        ]
        rows += _unlock_and_search(Path(tmp) / "county", people)
    return rows
