"""Client and server in one process over loopback: a real server (uvicorn in a thread, on PostgreSQL or
SQLite), real device stores, real HTTP, and a proxy between them that loses, delays, repeats and cuts.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from argparse import Namespace
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from sqlalchemy import select

from app.crypto.kdf import FAST
from app.services import facts, persons, users
from app.services.inputs import PersonInput, VisitInput
from app.store.store import Store
from app.store.unlock import init_store, open_store
from models import OutboxChange
from models.enums import Role, VisitKind
from sync import protocol
from sync.client import commands, wire
from sync.client.flow import StepHook, SyncSummary, run_flow, sync_flow
from sync.client.transport import Transport
from sync.server import create_app, enrolment, offices
from sync.server.db import Storage
from sync.server.schema import Applied, ChangeLogEntry, Record
from tests.conftest import make_id

TODAY = date(2026, 6, 30)
PASSWORD = "device-password-1"
IT = "it"  # the administrator who sets the computer up and enrols it; people's files are not theirs to read
USERS = {"worker": "wang", "supervisor": "liu"}  # who works at each computer, by the role the test asks for


# ---- the server -------------------------------------------------------------------------------------------
class LiveServer:
    """The sync server's app under uvicorn, in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, database_url: str) -> None:
        self.storage = Storage(database_url)
        self.app = create_app(database_url)
        self.port = free_port()
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the sync server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=20)
        self.storage.dispose()

    # ---- what IT does on the server ---------------------------------------------------------------------
    def office(self, code: str, name: str = "测试街道") -> None:
        self.storage.write(lambda s: offices.add(s, code, name, "test"))

    def code(self, office: str, role: str = "worker", scope: str | None = None) -> str:
        self.office(office)
        return self.storage.write(lambda s: enrolment.make_code(s, office, role, "test", scope)).code

    def revoke(self, device_id: str) -> None:
        from sync.server import devices
        from sync.server.schema import Device

        self.storage.write(lambda s: devices.revoke(s, s.get(Device, device_id), "test"))

    def compact(self) -> None:
        """Forget the whole change log: every device's cursor expires (they rebuild from a snapshot)."""
        from sync.server import changelog

        def work(session: Any) -> None:
            changelog.compact(session, changelog.log_head(session) + 1, "test")

        self.storage.write(work)

    # ---- what the server holds -----------------------------------------------------------------------------
    def records(self, scope: str) -> dict[tuple[str, str], dict[str, Any]]:
        with self.storage.read() as session:
            rows = session.scalars(select(Record)).all()
            return {
                (r.entity, r.id): comparable(r.entity, r.fields)
                for r in rows
                if (r.office_code.startswith(scope) if len(scope) == 6 else r.office_code == scope)
            }

    def applied(self, device_id: str) -> list[int]:
        with self.storage.read() as session:
            return sorted(session.scalars(select(Applied.seq).where(Applied.device_id == device_id)))

    def logged_changes(self) -> list[tuple[str, str, str, str]]:
        with self.storage.read() as session:
            rows = session.execute(
                select(
                    ChangeLogEntry.origin_device,
                    ChangeLogEntry.entity,
                    ChangeLogEntry.entity_id,
                    ChangeLogEntry.hlc,
                ).where(ChangeLogEntry.kind == "change")
            ).all()
            return [tuple(r) for r in rows]  # type: ignore[misc]


# Two computers of one office number the people they register alike while apart; every computer renames
# the same one the same way when both meet (sync.client.pull), but the server keeps the numbers as pushed.
SERVER_KEEPS = ("record_no",)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- a computer with RehabDesk -------------------------------------------------------------------------------
@dataclass
class Device:
    """An office computer: its own store (own keys), enrolled with the server, syncing through ``url``."""

    name: str
    root: Path
    office: str
    url: str
    timeout: float = 5.0
    skew_s: float = 0.0  # how wrong this computer's clock is
    role: str = "worker"  # the role of the person working at it
    store: Store = field(init=False)
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not (self.root / "keyring.json").exists():
            made, _ = init_store(
                self.root,
                office_code=self.office,
                office_name="测试街道",
                admin_login=IT,
                admin_password=PASSWORD,
                kdf=FAST,
                today=lambda: TODAY,
            )
            users.add(made, self.login, Role(self.role), PASSWORD, kdf=FAST)
            made.close()
        self.open()

    @property
    def login(self) -> str:
        return USERS[self.role]

    def open(self) -> None:
        self.store = open_store(self.root, self.login, PASSWORD, today=lambda: TODAY)
        self.set_skew(self.skew_s)

    def restart(self) -> None:
        """The program was killed and started again: everything not committed is gone."""
        self.store.close()
        self.open()

    def close(self) -> None:
        self.store.close()

    def set_skew(self, seconds: float) -> None:
        self.skew_s = seconds
        self.store.clock._wall = self.wall

    def wall(self) -> float:
        return time.time() + self.skew_s

    # ---- IT enrols it ---------------------------------------------------------------------------------
    def enroll(self, server_url: str, code: str) -> None:
        # IT enrols it with the administrator's login, beside the open store of the person working at it.
        admin = open_store(self.root, IT, PASSWORD, today=lambda: TODAY)
        try:
            commands.enroll(admin, Namespace(server=server_url, code=code, timeout=self.timeout))
        finally:
            admin.close()
        # It keeps talking to the server through ``self.url`` (the proxy, in the fault tests).
        from models import SyncState

        with self.store.write() as tx:
            tx.session.get(SyncState, 1).server_url = self.url

    # ---- work ------------------------------------------------------------------------------------------------
    def register(self, name: str, seq: int) -> Any:
        return persons.register(self.store, PersonInput(name=name, id_number=make_id(seq=seq))).created[0]

    def visit(self, person_id: Any, summary: str, days_ago: int = 1) -> Any:
        data = VisitInput(
            person_id=person_id,
            visited_on=TODAY - timedelta(days=days_ago),
            kind=VisitKind.HOME,
            summary=summary,
        )
        return facts.record(self.store, data).created[0]

    def edit(self, person_id: Any, **fields: Any) -> None:
        persons.update_profile(self.store, person_id, **fields)

    # ---- sync ------------------------------------------------------------------------------------------------
    def transport(self, url: str, token: str | None, timeout: float = 5.0) -> Transport:
        return Transport(url, token, timeout=self.timeout, on_request=self.requests.append)

    def sync(self, hook: StepHook | None = None) -> SyncSummary:
        flow = sync_flow(self.transport, timeout=self.timeout, clock=self.wall)
        return run_flow(self.store, flow, hook)

    def try_sync(self) -> bool:
        from sync.client.errors import SyncError

        try:
            self.sync()
        except SyncError:
            return False
        return True

    # ---- what it holds ---------------------------------------------------------------------------------------
    def records(self, scope: str | None = None) -> dict[tuple[str, str], dict[str, Any]]:
        scope = scope or self.office
        found: dict[tuple[str, str], dict[str, Any]] = {}
        with self.store.read() as session:
            for entity, model in wire.MODELS.items():
                for row in session.scalars(select(model)):
                    values = wire.read_fields(self.store, entity, row)
                    office = values.get("office_code") or _office_of(session, values.get("person_id"))
                    if office is not None and (
                        office.startswith(scope) if len(scope) == 6 else office == scope
                    ):
                        found[(entity, str(row.id))] = comparable(entity, values)
        return found

    @property
    def store_device_id(self) -> str:
        from models import SyncState

        with self.store.read() as session:
            return session.get(SyncState, 1).device_id

    def outbox(self) -> list[tuple[int, bool, str | None]]:
        with self.store.read() as session:
            return [
                (r.seq, r.acked_at is not None, r.reject_code)
                for r in session.scalars(select(OutboxChange).order_by(OutboxChange.seq))
            ]


def _office_of(session: Any, person_id: Any) -> str | None:
    from uuid import UUID

    from models import Person

    if person_id is None:
        return None
    person = session.get(Person, UUID(str(person_id)))
    return person.office_code if person else None


# Bookkeeping that may rightly differ between copies of one record: each copy's own latest clock of the
# whole row (every field's value and its merge are compared; the row's clock is the newest of them).
VOLATILE = {"person": {"hlc"}, "measure": {"hlc"}, "work_group_member": {"hlc"}}


def comparable(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k not in VOLATILE.get(entity, set())}


def differences(a: dict[Any, Any], b: dict[Any, Any], ignore: tuple[str, ...] = ()) -> list[str]:
    if ignore:
        a = {k: {f: v for f, v in fields_.items() if f not in ignore} for k, fields_ in a.items()}
        b = {k: {f: v for f, v in fields_.items() if f not in ignore} for k, fields_ in b.items()}
    found = [f"only in the first: {k}" for k in sorted(set(a) - set(b))]
    found += [f"only in the second: {k}" for k in sorted(set(b) - set(a))]
    for key in sorted(set(a) & set(b)):
        if a[key] != b[key]:
            fields_ = sorted(k for k in set(a[key]) | set(b[key]) if a[key].get(k) != b[key].get(k))
            found.append(f"{key}: {fields_}")
    return found


# ---- a link that misbehaves -----------------------------------------------------------------------------------
@dataclass
class Faults:
    drop: float = 0.0  # the request never arrives
    cut_request: float = 0.0  # half of the request arrives, then the line dies
    duplicate: float = 0.0  # the request arrives twice
    delay: float = 0.0  # the request or the answer is slow (sometimes slower than the client waits)
    cut_response: float = 0.0  # the server did the work; half of its answer arrives
    lose_response: float = 0.0  # the server did the work; no answer arrives
    # The request is held back (the client hears nothing) and reaches the server later, after the next
    # ``reorder_after`` requests: the server sees it out of order, after the client's retry.
    reorder: float = 0.0
    reorder_after: int = 3
    # The server is killed while it works on the request, and started again (needs ``restart_server``).
    restart: float = 0.0
    max_restarts: int = 3
    max_delay_s: float = 0.6


class FaultyProxy:
    """A TCP proxy on loopback that reads each HTTP request whole, then misbehaves at random (seeded).

    ``restart_server`` (for the "restart" fault) kills the server and starts it again on the same port;
    the request it was working on gets no answer.
    """

    def __init__(
        self,
        upstream_port: int,
        faults: Faults,
        seed: int = 1,
        restart_server: Callable[[], None] | None = None,
    ) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self.faults = faults
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.restart_server = restart_server
        self._held: list[tuple[int, bytes]] = []  # (requests still to pass, request) for "reorder"
        self._restart_lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopped = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped = True
        with contextlib.suppress(OSError):
            self.listener.close()

    def _roll(self, name: str) -> bool:
        with self.lock:
            hit = self.rng.random() < getattr(self.faults, name)
            if hit and name == "restart":
                hit = self.restart_server is not None and self.counts.get(name, 0) < self.faults.max_restarts
            if hit:
                self.counts[name] = self.counts.get(name, 0) + 1
            return hit

    def _hold(self, request: bytes) -> None:
        with self.lock:
            self._held.append((self.faults.reorder_after, request))

    def _due(self) -> list[bytes]:
        """Held requests whose turn has come: one more request went by."""
        with self.lock:
            counted = [(left - 1, request) for left, request in self._held]
            self._held = [(left, request) for left, request in counted if left > 0]
            return [request for left, request in counted if left <= 0]

    def _deliver_late(self, requests: list[bytes]) -> None:
        for request in requests:
            with contextlib.suppress(OSError):
                exchange(self.upstream, request)  # the client gave up on it long ago: nobody hears the answer

    def _kill_server_during(self, request: bytes) -> None:
        """Send the request, kill the server while it works on it, start it again; nobody gets an answer."""
        assert self.restart_server is not None
        with self._restart_lock:
            sender = threading.Thread(target=self._deliver_late, args=([request],), daemon=True)
            sender.start()
            time.sleep(self._delay() * 0.05)  # a few ms to a few tens: mid-request, or just before/after
            self.restart_server()
            sender.join(timeout=15)

    def _delay(self) -> float:
        with self.lock:
            return self.rng.uniform(0, self.faults.max_delay_s)

    def _accept(self) -> None:
        while not self._stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        with contextlib.closing(client):
            client.settimeout(10)
            try:
                request = read_message(client)
            except OSError:
                return
            if request is None:
                return
            self._deliver_late(self._due())
            if self._roll("drop"):
                return
            # (The newer faults draw from the seeded stream only when asked for, so older tests replay alike.)
            if self.faults.reorder and self._roll("reorder"):
                self._hold(request)
                return
            if self.faults.restart and self._roll("restart"):
                self._kill_server_during(request)
                return
            if self._roll("cut_request"):
                with contextlib.suppress(OSError), socket.create_connection(self.upstream, timeout=10) as up:
                    up.sendall(request[: max(1, len(request) // 2)])
                return
            if self._roll("delay"):
                time.sleep(self._delay())
            if self._roll("duplicate"):
                with contextlib.suppress(OSError):
                    exchange(self.upstream, request)  # the first copy's answer is lost on the way
            try:
                response = exchange(self.upstream, request)
            except OSError:
                return
            if response is None or self._roll("lose_response"):
                return
            if self._roll("delay"):
                time.sleep(self._delay())
            with contextlib.suppress(OSError):
                if self._roll("cut_response"):
                    client.sendall(response[: max(1, len(response) // 2)])
                else:
                    client.sendall(response)


def exchange(upstream: tuple[str, int], request: bytes) -> bytes | None:
    with socket.create_connection(upstream, timeout=10) as up:
        up.sendall(request)
        return read_message(up)


def read_message(sock: socket.socket) -> bytes | None:
    """One HTTP/1.1 message (headers and a Content-Length or chunked body), as bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    headers = {
        line.split(b":", 1)[0].strip().lower(): line.split(b":", 1)[1].strip()
        for line in head.split(b"\r\n")[1:]
        if b":" in line
    }
    if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
        while not body.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    else:
        length = int(headers.get(b"content-length", b"0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    # Tell both ends the connection ends with this message (the proxy handles one exchange per connection).
    if b"connection" not in headers:
        head += b"\r\nConnection: close"
    return head + b"\r\n\r\n" + body


def wait_for(condition: Callable[[], bool], seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


__all__ = ["Device", "Faults", "FaultyProxy", "LiveServer", "differences", "protocol"]
