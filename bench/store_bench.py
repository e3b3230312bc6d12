"""The encrypted store against the same code on plain SQLite and on SQLCipher.

The same services record the same facts three times: sealing every personal value (the product); with
sealing replaced by a pass-through on plain SQLite (the cost of the encryption); and with the same
pass-through on SQLCipher, whole-file encryption under the same engine settings (bench/sqlcipher.py: the
alternative design). Then a person's whole timeline is read and searches run on each. The three take
turns chunk by chunk, so a shared machine's changing load does not favour one of them. Unlock and search
are timed on a 10,000-person office (a smaller one with --quick).

Note the SQLite underneath: plain SQLite and the product use Python's sqlite3 module, SQLCipher brings its
own (newer) SQLite; docs/benchmarks.md names both.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from app.crypto.kdf import FAST, KdfParams
from app.crypto.sealer import Sealer
from app.demo.office import ADMIN_LOGIN, ADMIN_PASSWORD
from app.search import make_entry
from app.services import facts, persons, users
from app.services.inputs import DrugTestInput, PersonInput, VisitInput
from app.store.store import Actor, Store
from app.store.unlock import init_store, open_store
from bench import sqlcipher
from bench.report import Reference, Row
from models.enums import Drug, Role, TestResult, VisitKind
from models.values import id_check_char

TODAY = date(2026, 6, 30)
WORKER_LOGIN, WORKER_PASSWORD = "bench-worker", "bench-password"


class PassThroughSealer(Sealer):
    """The reference: same calls, no cryptography (values stored as UTF-8)."""

    def seal(self, table: str, column: str, row: UUID | str, value: str) -> bytes:
        return value.encode()

    def open(self, table: str, column: str, row: UUID | str, sealed: bytes) -> str:
        return sealed.decode()

    def seal_bytes(self, table: str, column: str, row: UUID | str, value: bytes) -> bytes:
        return value

    def opener(self, table: str, column: str, *, tampered: Any = None, text: bool = True) -> Any:
        return (lambda row, sealed: sealed.decode()) if text else (lambda row, sealed: sealed)


KINDS = ("sealed", "plain", "sqlcipher")
CHUNK = 200  # facts a transaction


def _store(root: Path, kind: str) -> Store:
    """kind: "sealed" (the product), "plain" (plain SQLite) or "sqlcipher" (unsealed, on SQLCipher)."""
    store, _ = init_store(
        root,
        office_code="640104001",
        office_name="bench",
        admin_login="admin",
        admin_password="bench-password",
        kdf=FAST,
        today=lambda: TODAY,
    )
    _log_in_as_worker(store, kdf=FAST)
    if kind != "sealed":
        store.sealer = _plain(store)
    if kind == "sqlcipher":
        store.engine.dispose()
        key = os.urandom(32)
        sqlcipher.encrypt_database(store.data_dir.database, key)
        store.engine = sqlcipher.make_engine(store.data_dir.database, key)
    return store


def _add_people(store: Store, people: int) -> list[UUID]:
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
    return ids


def _record_chunk(store: Store, ids: list[UUID], first: int, count: int, rng: random.Random) -> None:
    with store.write() as tx:
        for done in range(first, first + count):
            person = ids[rng.randrange(len(ids))]
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
                        person_id=person, tested_on=day, substance_results={Drug.METH: TestResult.NEGATIVE}
                    ),
                )


def _compare(root: Path, facts_total: int) -> dict[str, dict[str, float]]:
    """The same work on the three stores, taken in turns (and in a rotating order), so a machine that
    gets busier or quieter during the run weighs on the three alike: {kind: {figure: seconds}}."""
    stores = {kind: _store(root / kind, kind) for kind in KINDS}
    ids = {kind: _add_people(store, 500) for kind, store in stores.items()}
    rngs = {kind: random.Random(1) for kind in KINDS}  # the same facts in each
    spent = {kind: {"record": 0.0, "timeline": 0.0, "search": 0.0} for kind in KINDS}

    def turns(n: int) -> list[str]:
        return [*KINDS[n % 3 :], *KINDS[: n % 3]]

    for n, first in enumerate(range(0, facts_total, CHUNK)):
        for kind in turns(n):
            start = time.perf_counter()
            _record_chunk(stores[kind], ids[kind], first, min(CHUNK, facts_total - first), rngs[kind])
            spent[kind]["record"] += time.perf_counter() - start
    sealed = stores["sealed"]
    busiest = max(range(50), key=lambda i: len(facts.history(sealed, ids["sealed"][i])))
    for n in range(20):
        for kind in turns(n):
            start = time.perf_counter()
            facts.history(stores[kind], ids[kind][busiest])
            spent[kind]["timeline"] += (time.perf_counter() - start) / 20
    for n in range(50):
        for kind in turns(n):
            start = time.perf_counter()
            persons.search(stores[kind], f"测试{n * 7}")
            spent[kind]["search"] += (time.perf_counter() - start) / 50
    for store in stores.values():
        store.close()
    return spent


def _log_in_as_worker(store: Store, kdf: KdfParams | None) -> None:
    """Add a worker and work as them, as open_store would: the administrator may not read files."""
    created = users.add(store, WORKER_LOGIN, Role.WORKER, WORKER_PASSWORD, kdf=kdf).created[0]
    store.actor = Actor(created, WORKER_LOGIN, Role.WORKER, store.office_code)


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
    )
    _log_in_as_worker(store, kdf=None)  # a calibrated key, as in use
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
    store = open_store(root, WORKER_LOGIN, WORKER_PASSWORD, today=lambda: TODAY)
    store.index.warm()  # filled on first use since; the figure keeps counting it, as its name says
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
        Row(
            f"search by {kind}, first 50 of {people:,} persons (median)",
            statistics.median(t) * 1000,
            "ms",
            "<= 20 ms",
        )
        for kind, t in timings.items()
    ]
    return rows


def run(*, quick: bool) -> list[Row]:
    facts_total = 10_000 if quick else 100_000
    people = 2_000 if quick else 10_000
    with tempfile.TemporaryDirectory(prefix="rehabdesk-bench-") as tmp:
        spent = _compare(Path(tmp), facts_total)
        sealed, plain, cipher = (spent[kind] for kind in KINDS)
        scale = {"record": 1, "timeline": 1000, "search": 1000}
        names = {
            "record": f"record {facts_total:,} facts through the services",
            "timeline": "read a person's full timeline",
            "search": "search a name (service, 500 persons)",
        }
        rows = [
            Row(
                names[k],
                sealed[k] * scale[k],
                "s" if k == "record" else "ms",
                "<= 1.3x",
                plain[k] * scale[k],
                "plain SQLite",
                (Reference("SQLCipher, unsealed", cipher[k] * scale[k]),),
            )
            for k in names
        ]
        rows += _unlock_and_search(Path(tmp) / "county", people)
    return rows
