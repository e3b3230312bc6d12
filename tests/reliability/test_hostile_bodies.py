"""Oversized and malformed bodies, over and over, to a real server: each gets a 4xx, and the server's
memory stays bounded (it does not grow from round to round, and it stays under the 300 MB a server
process may use).

The server is ``python -m sync.server serve`` on PostgreSQL, a process of its own, whose resident memory
(VmRSS) is sampled every 20 ms while two clients send, at the same time and round after round: a body
declared larger than the limit, a chunked one that never ends below it, a gzip bomb, a body nested
millions deep, a body just under the limit made of a million tiny JSON objects (the costliest thing to
parse), and a valid push of 500 changes just under the limit (which is applied). Which 4xx each
malformed body gets is tests/sync/server/test_bodies.py's business; here it is memory, over real
sockets, with clients that stop sending once the server has answered.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync import protocol
from sync.server import enrolment, offices
from sync.server.db import Storage
from tests.figures import Figures
from tests.sync.e2e.harness import free_port

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmRSS")]

CI_ROUNDS = 3
CLIENTS = 2
LIMIT = protocol.MAX_BODY_BYTES
SERVER_TARGET_KB = 300 * 1024  # issue #8: a server process at most 300 MB under load
GROWTH_KB = 32 * 1024  # from the second round to the last (the first warms the server up)
OFFICE = "640104001"


class Server:
    """``python -m sync.server serve`` in a process of its own (not forked: its memory is its own)."""

    def __init__(self, url: str, log: Path) -> None:
        self.port = free_port()
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync.server", "serve", "--database-url", url, "--port", str(self.port),
             "--log-level", "warning"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError(f"the server did not start:\n{log.read_text()}") from None
                time.sleep(0.05)
        self.peak_kb = 0
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def rss_kb(self) -> int:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0])

    def _sample(self) -> None:
        while self._sampling and self.proc.poll() is None:
            self.peak_kb = max(self.peak_kb, self.rss_kb())
            time.sleep(0.02)

    def stop(self) -> None:
        self._sampling = False
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture
def body_server(pg_url: str, tmp_path: Path) -> Iterator[tuple[Server, str, str]]:
    """The server, and the token and id of a device enrolled with it."""
    storage = Storage(pg_url)
    try:
        storage.write(lambda s: offices.add(s, OFFICE, "测试街道", "test"))
        code = storage.write(lambda s: enrolment.make_code(s, OFFICE, "worker", "test", None)).code
        made = enrolment.enroll(storage, protocol.EnrollRequest(code, "test PC", "test"), "127.0.0.1")
    finally:
        storage.dispose()
    server = Server(pg_url, tmp_path / "server.log")
    yield server, made.token, made.device_id
    server.stop()


def send(port: int, token: str, body: bytes | Iterator[bytes], headers: dict[str, str]) -> int:
    """POST /v1/push over a raw socket, stopping as soon as the server answers; the status code."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": "127.0.0.1", "Authorization": f"Bearer {token}",
                                                    "Content-Type": "application/json", **headers}.items())  # fmt: skip
        sock.sendall(f"POST /v1/push HTTP/1.1\r\n{head}\r\n".encode())
        chunks = [body] if isinstance(body, bytes) else body
        try:
            for chunk in chunks:
                for start in range(0, len(chunk), 256 * 1024):
                    if select.select([sock], [], [], 0)[0]:
                        raise StopIteration  # the server has answered: stop sending, as a client would
                    sock.sendall(chunk[start : start + 256 * 1024])
        except (StopIteration, BrokenPipeError, ConnectionResetError):
            pass
        answer = b""
        while b"\r\n" not in answer:
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    assert answer.startswith(b"HTTP/1.1 "), f"no answer at all: {answer[:80]!r}"
    return int(answer.split()[1])


def chunked(total: int) -> Iterator[bytes]:
    piece = b" " * (1 << 20)
    for _ in range(total // len(piece)):
        yield b"%x\r\n" % len(piece) + piece + b"\r\n"
    yield b"0\r\n\r\n"


def gzip_bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1 << 20)
    return b"".join(compressor.compress(block) for _ in range(96)) + compressor.flush()


def tiny_objects(size: int) -> bytes:
    """A push whose 'changes' hold a million tiny objects: just under the limit, dear to parse."""
    one = b'{"a":0},'
    count = (size - 64) // len(one)
    return b'{"device_id":"x","changes":[' + one * (count - 1) + b'{"a":0}]}'


def valid_push(device_id: str, size: int, first_seq: int) -> bytes:
    """500 new persons with long notes: a push just under the limit, which the server applies."""
    notes = "备" * ((size // 500) // 3 - 400)
    now = int(time.time() * 1000)
    changes = []
    for seq in range(first_seq, first_seq + 500):
        person = str(uuid.uuid4())
        changes.append({
            "seq": seq, "entity": "person", "id": person, "op": "insert", "hlc": f"{now:013d}:{seq:04d}:dev",
            "office_code": OFFICE, "person_id": person, "fields": {"name": "测试人员", "office_code": OFFICE, "notes": notes},
        })  # fmt: skip
    return json.dumps(
        {"device_id": device_id, "changes": changes, "protocol": 1}, ensure_ascii=False
    ).encode()


def test_a_stream_of_oversized_and_malformed_bodies_gets_4xx_and_memory_stays_bounded(
    body_server: tuple[Server, str, str], figures: Figures
) -> None:
    started = time.monotonic()
    server, token, device_id = body_server
    rounds = figures.rounds(CI_ROUNDS)
    import urllib.request

    with urllib.request.urlopen(
        urllib.request.Request(
            f"http://127.0.0.1:{server.port}/v1/meta", headers={"Authorization": f"Bearer {token}"}
        )
    ) as answer:
        assert json.loads(answer.read())["device_seq"] == 0
    bomb = gzip_bomb()
    nested = (
        b'{"device_id":"x","changes":[],"z":' + b"[" * (LIMIT // 2 - 64) + b"]" * (LIMIT // 2 - 64) + b"}"
    )
    objects = tiny_objects(LIMIT - 1024)
    over = b" " * (LIMIT + 1024 * 1024)
    kinds: dict[str, tuple[Any, dict[str, str], set[int]]] = {
        "declared over the limit": (over, {"Content-Length": str(len(over))}, {413}),
        "chunked past the limit": (
            lambda: chunked(LIMIT + 4 * (1 << 20)),
            {"Transfer-Encoding": "chunked"},
            {413},
        ),
        "gzip bomb": (bomb, {"Content-Length": str(len(bomb)), "Content-Encoding": "gzip"}, {413}),
        "nested millions deep": (nested, {"Content-Length": str(len(nested))}, {400}),
        "a million tiny objects": (objects, {"Content-Length": str(len(objects))}, {413}),
    }
    seen: dict[str, int] = dict.fromkeys(kinds, 0)
    sent_mb = 0.0
    rss_after: list[int] = []
    errors: list[str] = []
    for round_no in range(1, rounds + 1):
        push = valid_push(device_id, LIMIT - 256 * 1024, first_seq=(round_no - 1) * 500 + 1)
        work = [
            *kinds.items(),
            ("a valid push of 500 changes", (push, {"Content-Length": str(len(push))}, {200})),
        ]
        seen.setdefault("a valid push of 500 changes", 0)

        def client(
            items: list[tuple[str, tuple[Any, dict[str, str], set[int]]]], round_no: int = round_no
        ) -> None:
            nonlocal sent_mb
            for name, (body, headers, wanted) in items:
                payload = body() if callable(body) else body
                try:
                    status = send(server.port, token, payload, headers)
                except OSError as exc:  # no answer within the timeout, or the line dropped
                    status = f"{type(exc).__name__}"
                seen[name] += 1
                sent_mb += (len(body) if isinstance(body, bytes) else LIMIT) / 2**20
                if status not in wanted:
                    errors.append(f"round {round_no}, {name}: {status}")

        threads = [threading.Thread(target=client, args=(work[i::CLIENTS],)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        rss_after.append(server.rss_kb())
    assert errors == [], errors
    with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/v1/meta") as answer:
        assert answer.status == 200  # still serving
    warm = rss_after[1] if len(rss_after) > 2 else rss_after[0]  # the first round warms the server up
    growth = rss_after[-1] - warm
    print(
        f"\n[hostile bodies] {rounds} rounds, {sum(seen.values())} bodies ({sent_mb:.0f} MB offered) from "
        f"{CLIENTS} clients at once; RSS after each round {[r // 1024 for r in rss_after]} MB, peak "
        f"{server.peak_kb // 1024} MB; {time.monotonic() - started:.1f} s"
    )
    assert server.peak_kb < SERVER_TARGET_KB, f"the server reached {server.peak_kb // 1024} MB"
    assert rounds == 1 or growth < GROWTH_KB, f"the server grew {growth // 1024} MB over {rounds} rounds"
    figures.record(
        "oversized and malformed bodies",
        rounds=rounds,
        faults={name: n for name, n in seen.items() if name in kinds},
        checked=sum(seen.values()),
        lost=0,
        seconds=time.monotonic() - started,
        notes=f"and {rounds} valid 500-change pushes; server RSS peak {server.peak_kb // 1024} MB, "
        f"{growth // 1024:+d} MB from round {2 if rounds > 2 else 1} to {rounds}",
    )
