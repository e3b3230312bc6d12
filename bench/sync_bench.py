"""Sync over loopback HTTP against PostgreSQL, through the client's own code path.

The server runs as ``python -m sync.server serve --workers N`` on a throwaway PostgreSQL database (made
here, dropped at the end), as docs/sync-server.md has it run in production: one worker process a CPU
core (``WORKERS``); the devices are real stores with
their own keys, enrolled with one-time codes. Every figure runs the client as the app does:
``sync_flow`` reads the outbox, pushes batches, applies the answers, pulls pages and applies them to the
local store, one step after the other (``run_flow``; push requests are in flight on threads of their
own, up to the server's ``push_window`` of them, while the next batch is read, as in the app).

- **Push and pull N changes**: records a second, and body bytes a record on the wire (request and
  response bodies as sent, gzip-compressed above 2 KB; HTTP headers not counted). Beside them, in the
  same run: the same records inserted straight into PostgreSQL with psycopg ``executemany`` (into a
  copy of the server's ``record`` table, one transaction), and a naive uploader that sends one request
  per change (the same client code with batches of one; timed on a sample of the changes).
- **Many devices at once**: each with some changes of its own, all syncing together (threads in this
  process; the server has its own process), twice; afterwards every device must hold every change in
  its scope, else the benchmark fails. The p95 of one sync is printed.
- **A township's day**: one computer sends about 50 changes and receives its colleague's 50.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import psycopg
from psycopg.types.json import Json
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.crypto.kdf import FAST
from app.demo.office import iter_people
from app.services import facts, persons
from app.store.store import Store
from app.store.unlock import init_store
from bench.memory import peak_mb
from bench.report import Reference, Row
from models import OutboxChange
from models.values import id_check_char
from sync.client import push, state, wire
from sync.client.enrol import enrol_flow
from sync.client.flow import SyncSummary, run_flow, sync_flow
from sync.client.transport import Transport
from sync.server import enrolment, offices
from sync.server.db import Storage, describe_url, normalize_url

TODAY = date(2026, 6, 30)
PASSWORD = "bench-device-1"
COUNTY = "640104"
THROUGHPUT_OFFICE = "640104001"  # the office whose N changes are pushed and pulled
DAILY_OFFICE = "640104002"  # the township whose day is timed
CROWD_COUNTY = "640105"  # the many devices' offices (a county of their own, so their scopes hold only theirs)
WORKERS = min(os.cpu_count() or 1, 4)  # "about one per CPU core" (docs/sync-server.md)
PG_ADMIN_URL = normalize_url(
    os.environ.get("REHABDESK_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
)


# ---- the server -------------------------------------------------------------------------------------------
@contextlib.contextmanager
def scratch_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this run (the server migrates it at start); dropped after."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"rehabdesk_bench_{secrets.token_hex(6)}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        raise SystemExit(
            f"The sync benchmarks need PostgreSQL at {describe_url(PG_ADMIN_URL)} ({type(exc).__name__}); "
            "start it, or set REHABDESK_TEST_PG to a server where this user may create databases."
        ) from None
    try:
        yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class ServerProcess:
    """``python -m sync.server serve`` on 127.0.0.1 and a free port, with the admin functions beside it."""

    def __init__(self, database_url: str, log_dir: Path, workers: int = WORKERS) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._log = (log_dir / "server.log").open("w+b")
        command = [sys.executable, "-m", "sync.server", "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--database-url", database_url, "--log-level", "warning", "--workers", str(workers)]
        self.process = subprocess.Popen(
            command,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                Transport(self.url, timeout=2).meta()
                break
            except Exception:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the sync server did not start:\n" + self.log_tail()) from None
                time.sleep(0.1)
        self.storage = Storage(database_url)  # migrated by the server at its start

    def peak_mb(self) -> float | None:
        """The peak resident memory of the largest server process (a worker, or the only process)."""
        pids = [self.process.pid]
        with contextlib.suppress(OSError):  # the workers: children of the process that started them
            pids += [
                int(p)
                for p in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                .read_text()
                .split()
            ]
        peaks = [peak for peak in map(peak_mb, pids) if peak is not None]
        return max(peaks, default=None)

    def log_tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-2000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if hasattr(self, "storage"):
            self.storage.dispose()
        self._log.close()

    def office(self, code: str) -> None:
        self.storage.write(lambda s: offices.add(s, code, f"基准测试 {code}", "bench"))

    def code(self, office: str, role: str = "worker", scope: str | None = None) -> str:
        return self.storage.write(lambda s: enrolment.make_code(s, office, role, "bench", scope)).code


# ---- the computers ----------------------------------------------------------------------------------------
@dataclass
class Wire:
    """Body bytes sent and received, as on the wire (compressed), summed over every request."""

    sent: int = 0
    received: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, sent: int, received: int) -> None:
        with self.lock:
            self.sent += sent
            self.received += received
            self.requests += 1


@dataclass
class Device:
    """An office computer with its own store and keys, enrolled with the server."""

    store: Store
    number: int  # makes its people's ID numbers its own
    wire: Wire = field(default_factory=Wire)
    made: int = 0

    def transport(self, url: str, token: str | None = None, timeout: float = 60.0) -> Transport:
        return Transport(url, token, timeout=timeout, on_bytes=self.wire.add)

    def sync(self, *, do_push: bool = True, do_pull: bool = True) -> SyncSummary:
        """One sync as the app runs it: meta, the outbox in batches, then the pull, page by page."""
        flow = sync_flow(self.transport, do_push=do_push, do_pull=do_pull)
        return run_flow(self.store, flow)

    def record(self, changes: int, seed: int) -> None:
        """Exactly ``changes`` new records through the services, each writing its outbox row in its
        transaction: synthetic people of the demo generator and their visits, tests and assistance."""
        target = self.pending() + changes
        people = iter_people(persons=changes, seed=seed, today=TODAY, facts_per_person=9)
        left = changes
        while left > 0:
            with self.store.write() as tx:  # fifty people a transaction, as an import would
                for demo in itertools.islice(people, 50):
                    person = replace(
                        demo.person, id_number=self._id_number(), birth_date=None, gender=None, work_group=[]
                    )
                    person_id = persons.add(tx, person)
                    left -= 1
                    for fact in [*demo.visits, *demo.tests, *demo.assistance][:left]:
                        facts.add(tx, replace(fact, person_id=person_id))
                        left -= 1
                    if left == 0:
                        break
        if self.pending() != target:
            raise RuntimeError(f"expected {target} changes in the outbox, found {self.pending()}")

    def pending(self) -> int:
        with self.store.read() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(OutboxChange)
                    .where(OutboxChange.acked_at.is_(None), OutboxChange.rejected_at.is_(None))
                )
            )

    def _id_number(self) -> str:
        """Unique over the run: the device's number in the sequence digits, a running birth date."""
        self.made += 1
        birth = date(1960, 1, 1) + timedelta(days=self.made)
        first17 = f"{COUNTY}{birth:%Y%m%d}{self.number % 1000:03d}"
        return first17 + id_check_char(first17)

    def holdings(self) -> set[tuple[str, str]]:
        """Every (entity, id) in this store."""
        with self.store.read() as session:
            return {
                (entity, str(row_id))
                for entity, model in wire.MODELS.items()
                for row_id in session.scalars(select(model.id))  # type: ignore[attr-defined]
            }

    def outbox_ids(self) -> set[tuple[str, str]]:
        with self.store.read() as session:
            return {
                (entity, str(row_id))
                for entity, row_id in session.execute(select(OutboxChange.entity, OutboxChange.entity_id))
            }


_numbers = itertools.count(1)


def new_device(
    root: Path, server: ServerProcess, office: str, role: str = "worker", scope: str | None = None
) -> Device:
    store, _recovery = init_store(
        root / f"device-{next(_numbers)}",
        office_code=office,
        office_name=f"基准测试 {office}",
        admin_login="it",
        admin_password=PASSWORD,
        kdf=FAST,
        today=lambda: TODAY,
    )
    device = Device(store, number=next(_numbers))
    run_flow(store, enrol_flow(server.url, server.code(office, role, scope), device.transport))
    return device


# ---- push and pull N changes --------------------------------------------------------------------------------
def throughput(server: ServerProcess, root: Path, n: int, naive_n: int) -> list[Row]:
    server.office(THROUGHPUT_OFFICE)
    writer = new_device(root, server, THROUGHPUT_OFFICE)
    reader = new_device(root, server, THROUGHPUT_OFFICE)
    writer.record(n, seed=1)
    made = writer.pending()

    start = time.perf_counter()
    pushed = writer.sync(do_pull=False)
    push_s = time.perf_counter() - start
    if pushed.sent != made or writer.pending():
        raise RuntimeError(f"push: {pushed.sent} of {made} changes confirmed, {pushed.rejected} refused")
    push_bytes = writer.wire.sent + writer.wire.received

    start = time.perf_counter()
    pulled = reader.sync(do_push=False)
    pull_s = time.perf_counter() - start
    if pulled.pulled != made or pulled.parked:
        raise RuntimeError(f"pull: {pulled.pulled} of {made} changes applied, {pulled.parked} kept aside")
    # The reader's meta call is in its count; a few dozen bytes beside N records.
    pull_bytes = reader.wire.sent + reader.wire.received

    direct_n, direct_s = direct_inserts(server.storage.url)  # the record table holds the N records only

    naive = new_device(root, server, THROUGHPUT_OFFICE)
    naive.record(naive_n, seed=2)
    naive_made = naive.pending()
    start = time.perf_counter()
    one_by_one(naive, server.url)
    naive_s = time.perf_counter() - start
    if naive.pending():
        raise RuntimeError("the naive uploader left changes unsent")
    naive_bytes = naive.wire.sent + naive.wire.received
    for device in (writer, reader, naive):
        device.store.close()

    one_each = Reference(f"one request per change, {naive_made:,} sent", naive_made / naive_s)
    return [
        Row(
            f"sync push {made:,} changes over HTTP into PostgreSQL",
            made / push_s,
            "rec/s",
            ">= 0.33x",
            direct_n / direct_s,
            "direct executemany",
            also=(one_each,),
        ),
        Row(f"sync pull {made:,} changes into the encrypted store", made / pull_s, "rec/s"),
        Row(
            "sync push: body bytes on the wire per record",
            push_bytes / made,
            "B",
            "",
            naive_bytes / naive_made,
            "one request per change",
        ),
        Row("sync pull: body bytes on the wire per record", pull_bytes / made, "B"),
    ]


def direct_inserts(database_url: str) -> tuple[int, float]:
    """(records, seconds) to insert the records the push stored, as they are, into a copy of the record
    table with psycopg executemany in one transaction: the floor for getting these rows into PostgreSQL."""
    conninfo = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    columns = (
        "id, entity, office_code, county, person_id, fields, field_clocks, field_devices, hlc, created_at, "
        "updated_at"
    )
    with psycopg.connect(conninfo) as connection:
        connection.execute("CREATE TABLE bench_direct (LIKE record INCLUDING ALL)")
        rows = [
            (*r[:5], *(None if v is None else Json(v) for v in r[5:8]), *r[8:])
            for r in connection.execute(f"SELECT {columns} FROM record")
        ]
        connection.commit()
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO bench_direct ({columns}) VALUES ({', '.join(['%s'] * 11)})", rows
            )
        connection.commit()
        elapsed = time.perf_counter() - start
        connection.execute("DROP TABLE bench_direct")
        connection.commit()
    return len(rows), elapsed


def one_by_one(device: Device, url: str) -> None:
    """The naive uploader: the client's own batch, send and acknowledge steps, one change a request."""
    creds = state.read_credentials(device.store)
    assert creds is not None
    transport = device.transport(url, creds.token)
    while (batch := push.build_batch(device.store, limit=1)) is not None:
        push.apply_results(device.store, batch, transport.push(batch.request))


# ---- many devices at once -----------------------------------------------------------------------------------
def crowd(server: ServerProcess, root: Path, devices: int, offices_: int, changes: int) -> list[Row]:
    """``devices`` computers over the first ``offices_`` townships of a county (the first computer a
    county supervisor's), each with ``changes`` of its own."""
    codes = [f"{CROWD_COUNTY}{n:03d}" for n in range(1, offices_ + 1)]
    fleet = [new_device(root, server, codes[0], "supervisor", CROWD_COUNTY)]
    fleet += [new_device(root, server, codes[i % offices_]) for i in range(1, devices)]
    for i, device in enumerate(fleet):
        device.record(changes, seed=100 + i)
    made = [(d.store.office_code, d.outbox_ids()) for d in fleet]

    first = _all_at_once(fleet)
    _all_at_once(fleet)  # brings each device what the others pushed after its first pull
    for device in fleet:
        creds = state.read_credentials(device.store)
        assert creds is not None
        expected = set().union(*(ids for office, ids in made if office.startswith(creds.scope)))
        missing = expected - device.holdings()
        if missing:
            raise RuntimeError(f"a device with scope {creds.scope} lacks {len(missing)} changes of its scope")
    for device in fleet:
        device.store.close()
    p95 = statistics.quantiles(first, n=20, method="inclusive")[-1]
    return [Row(f"{devices} devices syncing at once: p95 of one sync (all converged)", p95, "s")]


def _all_at_once(fleet: list[Device]) -> list[float]:
    start_line = threading.Barrier(len(fleet))
    times: list[float] = [0.0] * len(fleet)
    errors: list[BaseException] = []

    def run(index: int, device: Device) -> None:
        try:
            start_line.wait()
            start = time.perf_counter()
            device.sync()
            times[index] = time.perf_counter() - start
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, d)) for i, d in enumerate(fleet)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return times


# ---- a township's day -----------------------------------------------------------------------------------------
def township_day(server: ServerProcess, root: Path, history: int, days: int = 5) -> list[Row]:
    server.office(DAILY_OFFICE)
    here = new_device(root, server, DAILY_OFFICE)
    colleague = new_device(root, server, DAILY_OFFICE)
    here.record(history, seed=7)
    colleague.record(history, seed=8)
    for device in (here, colleague, here):
        device.sync()
    times = []
    for day in range(days):
        colleague.record(50, seed=20 + day)
        colleague.sync()
        here.record(50, seed=40 + day)
        start = time.perf_counter()
        summary = here.sync()
        times.append(time.perf_counter() - start)
        if summary.sent != 50 or summary.pulled < 50:
            raise RuntimeError(f"a day's sync sent {summary.sent} and received {summary.pulled}")
    here.store.close()
    colleague.store.close()
    return [
        Row(
            f"a township's daily sync, 50 out + 50 in (median of {days})",
            statistics.median(times),
            "s",
            "<= 1 s",
        )
    ]


def run(*, quick: bool) -> list[Row]:
    n, naive_n = (2_000, 100) if quick else (100_000, 2_000)
    offices_, devices, device_offices, changes = (20, 10, 2, 20) if quick else (100, 50, 10, 50)
    with tempfile.TemporaryDirectory(prefix="rehabdesk-bench-sync-") as tmp, scratch_database() as url:
        root = Path(tmp)
        server = ServerProcess(url, root)
        try:
            for n_office in range(1, offices_ + 1):  # a county's worth: most have no device in this run
                server.office(f"{CROWD_COUNTY}{n_office:03d}")
            rows = throughput(server, root, n, naive_n)
            rows += crowd(server, root, devices, device_offices, changes)
            rows += township_day(server, root, history=200 if quick else 2_000, days=3 if quick else 5)
            peak = server.peak_mb()
        finally:
            server.stop()
    if peak is not None:
        name = (
            f"peak memory, a sync server process ({WORKERS} workers, {offices_} offices, {devices} devices)"
        )
        rows.append(Row(name, peak, "MB", "<= 300 MB"))
    return rows


if __name__ == "__main__":
    from bench.report import print_table

    print_table(run(quick="--full" not in sys.argv))
