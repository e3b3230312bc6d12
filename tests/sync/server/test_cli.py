"""``rehabdesk-server`` as IT runs it: a real process, messages on stderr, no traceback for what is expected."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from sync import protocol
from sync.server import create_app
from sync.server.cli import main
from tests.sync.server.harness import TOWNSHIP, empty_postgres


def server_cli(*args: str, url: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REHABDESK_SERVER_DB": url}
    return subprocess.run(
        [sys.executable, "-m", "sync.server", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str] | Outcome, code: int, *words: str) -> None:
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one sentence, Chinese then English
    for word in words:
        assert word in lines[0]


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def admin(capsys: pytest.CaptureFixture[str], url: str, *args: str) -> Outcome:
    """The same command line, in this process (each real process costs a second or two of imports)."""
    code = main([*args, "--database-url", url])
    captured = capsys.readouterr()
    return Outcome(code, captured.out, captured.err)


def test_an_expected_error_in_a_real_process_is_one_sentence(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert_clean_error(server_cli("office", "add", TOWNSHIP, "胜利街道", url=url), 1, "migrate")
    assert server_cli("migrate", url=url).returncode == 0
    assert server_cli("office", "add", TOWNSHIP, "胜利街道", url=url).returncode == 0


def test_the_admin_commands_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'server.db'}"
    assert_clean_error(admin(capsys, url, "devices", "list"), 1, "migrate")
    assert admin(capsys, url, "migrate").returncode == 0
    assert admin(capsys, url, "migrate").returncode == 0  # again: nothing to do
    assert admin(capsys, url, "office", "add", TOWNSHIP, "胜利街道").returncode == 0
    assert_clean_error(admin(capsys, url, "office", "add", "6401", "x"), 1, "9")
    listed = json.loads(admin(capsys, url, "office", "list", "--json").stdout)
    assert listed == [{"code": TOWNSHIP, "name": "胜利街道"}]

    made = admin(capsys, url, "enroll", "--office", TOWNSHIP, "--role", "worker", "--expires-hours", "2")
    assert made.returncode == 0, made.stderr
    code = made.stdout.strip().splitlines()[0]
    assert len(code) == 11 and code[5] == "-"
    assert "UTC" in made.stderr
    assert_clean_error(
        admin(capsys, url, "enroll", "--office", TOWNSHIP, "--role", "worker", "--scope", "640104"),
        1,
        "county",
    )
    assert_clean_error(
        admin(capsys, url, "enroll", "--office", "640104009", "--role", "worker"), 1, "office add"
    )
    assert_clean_error(
        admin(capsys, url, "enroll", "--office", TOWNSHIP, "--role", "worker", "--expires-hours", "0"),
        64,
        "zero",
    )

    # The code works against an app on the same file, once.
    with TestClient(create_app(url)) as client:
        enrolled = client.post(
            "/v1/enroll", json={"code": code, "device_name": "PC-1", "client_version": "1"}
        )
        assert enrolled.status_code == 200
    device_id = enrolled.json()["device_id"]

    devices = json.loads(admin(capsys, url, "devices", "list", "--json").stdout)
    assert [(d["id"], d["office_code"], d["role"], d["revoked_at"]) for d in devices] == [
        (device_id, TOWNSHIP, "worker", None)
    ]
    assert device_id in admin(capsys, url, "devices", "list").stdout

    assert_clean_error(admin(capsys, url, "revoke", "no-such-device"), 1, "devices list")
    revoked = admin(capsys, url, "revoke", device_id[:8])
    assert revoked.returncode == 0 and device_id in revoked.stdout
    assert "already" in admin(capsys, url, "revoke", device_id).stdout
    assert json.loads(admin(capsys, url, "devices", "list", "--json").stdout)[0]["revoked_at"]

    assert admin(capsys, url, "compact", "--before", "1").returncode == 0
    assert_clean_error(admin(capsys, url, "compact", "--before", "99"), 1, "99")
    assert_clean_error(admin(capsys, url, "import-bundle", str(tmp_path / "missing.rdsync")), 1, "missing")
    assert_clean_error(
        admin(
            capsys, url, "export-bundle", "--device", "nobody", "--after", "0", "--out", str(tmp_path / "x")
        ),
        1,
        "nobody",
    )
    assert_clean_error(
        admin(
            capsys, url, "export-bundle", "--device", device_id, "--after", "0", "--out", str(tmp_path / "x")
        ),
        1,
        "revoked",
    )


def test_a_database_that_is_not_there_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    outcome = admin(capsys, "postgresql://nobody:secret@127.0.0.1:1/none", "devices", "list")
    assert_clean_error(outcome, 2, "database", "127.0.0.1")
    assert "secret" not in outcome.stderr
    assert_clean_error(admin(capsys, "mysql://x@y/z", "devices", "list"), 64, "URL")


def test_the_default_database_is_a_file_in_the_current_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REHABDESK_SERVER_DB"}
    result = subprocess.run(
        [sys.executable, "-m", "sync.server", "migrate"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rehabdesk-server.db").exists()


def test_the_openapi_command_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    result = admin(capsys, "sqlite://", "openapi")
    assert result.returncode == 0
    assert json.loads(result.stdout)["info"]["title"] == "RehabDesk sync server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_serve_migrates_and_answers_from_several_processes(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str], backend: str
) -> None:
    """Two worker processes on one database: devices enrol and push through either, nothing held in a process."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'served.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        empty_postgres(url)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync.server",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--database-url",
            url,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                meta = httpx.get(f"{base}/v1/meta", timeout=2)
                if meta.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        assert meta.json()["protocol"] == protocol.PROTOCOL_VERSION
        assert admin(capsys, url, "office", "add", TOWNSHIP, "胜利街道").returncode == 0
        codes = [
            admin(capsys, url, "enroll", "--office", TOWNSHIP, "--role", "worker").stdout.split()[0]
            for _ in range(6)
        ]
        tokens = []
        for code in codes:  # new connections, so both workers serve some of them
            with httpx.Client(base_url=base) as client:
                response = client.post(
                    "/v1/enroll", json={"code": code, "device_name": "pc", "client_version": "1"}
                )
                assert response.status_code == 200, response.text
                tokens.append(response.json())
        first = tokens[0]
        change = {
            "seq": 1, "entity": "person", "id": "0195f0c2-0000-7000-8000-0000000000aa", "op": "insert",
            "hlc": f"{int(time.time() * 1000):013d}:0000:x", "office_code": TOWNSHIP, "person_id": None,
            "fields": {"name": "测试"},
        }  # fmt: skip
        body = {
            "device_id": first["device_id"],
            "changes": [change],
            "client_time_ms": int(time.time() * 1000),
        }
        results = set()
        for _ in range(4):
            with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {first['token']}"}) as client:
                results.add(client.post("/v1/push", json=body).json()["results"][0]["status"])
        assert results == {"applied", "duplicate"}
        for enrolled in tokens:
            with httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {enrolled['token']}"}
            ) as client:
                assert [c["id"] for c in client.get("/v1/pull").json()["changes"]] == [change["id"]]
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
