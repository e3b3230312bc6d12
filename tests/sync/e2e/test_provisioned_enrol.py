"""IT's way to set up an office PC, as IT does it: ``rehabdesk provision`` from a file naming the sync server
and a one-time code, then ``rehabdesk enroll`` with no arguments, then a sync; the code works once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from sync.server.schema import Device

TOWNSHIP = "640104001"
ENV = {"REHABDESK_PASSWORD": "provisioned-admin-1", "REHABDESK_LANG": "en", "REHABDESK_KDF_PROFILE": "fast"}


def test_a_provisioned_pc_enrols_without_arguments_and_only_once(sqlite_server, tmp_path: Path):
    server = sqlite_server
    code = server.code(TOWNSHIP)
    source = tmp_path / "office.toml"
    source.write_text(
        f'[office]\ncode = "{TOWNSHIP}"\nname = "胜利街道禁毒办"\n\n[admin]\nlogin = "it"\n\n'
        f'[sync]\nserver_url = "{server.url}"\nenrol_code = "{code}"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(data), *args],
            capture_output=True,
            text=True,
            env={**os.environ, **ENV},
            timeout=60,
        )

    made = run("provision", str(source))
    assert made.returncode == 0, made.stderr

    enrolled = run("--user", "it", "enroll")
    assert enrolled.returncode == 0, enrolled.stderr
    assert f"enrolled with {server.url}" in enrolled.stdout
    assert "enrolment code from the provisioning file was used" in enrolled.stdout
    assert code not in enrolled.stdout + enrolled.stderr

    synced = run("--user", "it", "sync", "--once")
    assert synced.returncode == 0 and "Sync done" in synced.stdout, synced.stderr
    status = json.loads(run("--user", "it", "sync", "status", "--json").stdout)
    assert status["enrolled"] and status["server_url"] == server.url and status["last_error"] is None

    again = run("--user", "it", "enroll")
    assert again.returncode != 0
    assert again.stderr.strip().startswith("There is no enrolment code: give the one-time code")
    assert "Traceback" not in again.stderr
    with server.storage.read() as session:  # one device on the server: the second try never reached it
        enrolled_here = session.scalars(select(Device.id).where(Device.office_code == TOWNSHIP)).all()
    assert enrolled_here == [status["device_id"]]
