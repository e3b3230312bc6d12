"""Two computers of one township and a county supervisor's computer, each changing things offline,
converge through a real server (PostgreSQL and SQLite) over real HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.crypto.kdf import FAST
from app.errors import Refused
from app.services import facts, persons, sync_status, users
from app.store.unlock import open_store
from models import Person, SyncConflict
from models.enums import Role
from sync.client.errors import SyncError
from sync.client.flow import resolve_flow, run_flow
from tests.sync.e2e.harness import IT, PASSWORD, SERVER_KEEPS, TODAY, differences

TOWNSHIP = "640104001"
NEIGHBOUR = "640104002"
COUNTY_OFFICE = "640104000"
COUNTY = "640104"


def enrol_three(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    b = make_device("b", TOWNSHIP, server.url)
    supervisor = make_device("county", COUNTY_OFFICE, server.url, role="supervisor")
    a.enroll(server.url, server.code(TOWNSHIP))
    b.enroll(server.url, server.code(TOWNSHIP))
    supervisor.enroll(server.url, server.code(COUNTY_OFFICE, "supervisor", COUNTY))
    return a, b, supervisor


def test_three_computers_converge_after_working_apart(server, make_device):
    a, b, supervisor = enrol_three(server, make_device)
    # Offline, each registers people and records visits; then A registers someone the other knows too.
    zhang = a.register("张三", 101)
    a.visit(zhang, "家访：情况稳定")
    li = b.register("李四", 103)
    b.visit(li, "电话随访")
    b.visit(li, "面谈", days_ago=3)
    for device in (a, b, supervisor):
        device.sync()
    for device in (a, b, supervisor):
        device.sync()

    # Now apart again: A and B edit different fields of one person, the county edits nothing.
    a.edit(zhang, notes="甲方备注")
    b.edit(zhang, residence_address="幸福路 1 号")
    b.visit(zhang, "乙方家访")
    fact = facts.history(a.store, li)[0].current
    facts.correct(a.store, fact.fact_id, fact.data, "日期核对")
    for _ in range(2):
        for device in (a, b, supervisor):
            device.sync()

    expected = server.records(TOWNSHIP)
    assert len(expected) == 7  # two people, four visits and a correction
    assert differences(a.records(), b.records()) == []
    assert differences(a.records(), supervisor.records(TOWNSHIP)) == []
    assert differences(a.records(), expected, ignore=SERVER_KEEPS) == []
    numbers = {persons.summaries(d.store)[0].record_no for d in (a, b)}  # numbered alike apart, renamed alike
    assert len({s.record_no for s in persons.summaries(a.store)}) == 2 and len(numbers) == 1
    profile = persons.read_file(b.store, zhang).profile
    assert (profile.notes, profile.residence_address) == ("甲方备注", "幸福路 1 号")
    # Nothing lost, nothing twice: every local change reached the server once, and is confirmed here.
    for device in (a, b, supervisor):
        assert server.applied(device.store_device_id) == [seq for seq, _, _ in device.outbox()]
        assert all(acked for _, acked, _ in device.outbox())
        assert sync_status.read_status(device.store).pending == 0
    logged = server.logged_changes()
    assert len(logged) == len(set(logged))


def test_the_same_field_changed_apart_keeps_both_values_for_the_supervisor(server, make_device):
    a, b, supervisor = enrol_three(server, make_device)
    zhang = a.register("张三", 101)
    for device in (a, b, supervisor):
        device.sync()
    a.edit(zhang, phone="17000000001")
    b.edit(zhang, phone="17000000002")  # later: it wins for now, and both values wait for a supervisor
    for _ in range(2):
        for device in (a, b, supervisor):
            device.sync()
    phones = {d.records(TOWNSHIP)[("person", str(zhang))]["phone"] for d in (a, b, supervisor)}
    assert phones == {"17000000002"}
    with supervisor.store.read() as session:
        (conflict,) = session.scalars(select(SyncConflict)).all()
        detail = supervisor.store.open_json("sync_conflict", "detail", conflict.id, conflict.detail)
    assert detail["field"] == "phone"
    assert sorted(v["value"] for v in detail["values"]) == ["17000000001", "17000000002"]
    assert sync_status.read_status(supervisor.store).open_conflicts == 1
    # The supervisor picks the first value: it wins everywhere and the conflict closes everywhere.
    (view,) = sync_status.open_conflicts(supervisor.store)
    assert view.field == "phone" and view.person_id == zhang and view.record_no
    run_flow(supervisor.store, resolve_flow(view.id, "phone", "17000000001", supervisor.transport))
    for _ in range(2):
        for device in (supervisor, a, b):
            device.sync()
    assert {d.records(TOWNSHIP)[("person", str(zhang))]["phone"] for d in (a, b, supervisor)} == {
        "17000000001"
    }
    assert sync_status.read_status(supervisor.store).open_conflicts == 0
    # A worker may not decide: this computer refuses before asking the server ...
    with pytest.raises(Refused) as refused_here:
        run_flow(b.store, resolve_flow(view.id, "phone", "17000000002", b.transport))
    assert "审核人员" in refused_here.value.render("zh_CN")
    # ... and the server refuses a worker's computer, whoever is logged in at it.
    admin = open_store(b.root, IT, PASSWORD, today=lambda: TODAY)
    users.add(admin, "liu", Role.SUPERVISOR, PASSWORD, kdf=FAST)
    admin.close()
    visiting = open_store(b.root, "liu", PASSWORD, today=lambda: TODAY)
    try:
        with pytest.raises(SyncError) as refused:
            run_flow(visiting, resolve_flow(view.id, "phone", "17000000002", b.transport))
    finally:
        visiting.close()
    assert refused.value.code == "forbidden"


def test_a_township_never_receives_another_townships_records(server, make_device):
    a, _b, supervisor = enrol_three(server, make_device)
    neighbour = make_device("n", NEIGHBOUR, server.url)
    neighbour.enroll(server.url, server.code(NEIGHBOUR))
    neighbour.register("王五", 105)
    a.register("张三", 101)
    for device in (neighbour, a, supervisor):
        device.sync()
    with a.store.read() as session:
        offices = set(session.scalars(select(Person.office_code)))
    assert offices == {TOWNSHIP}
    with supervisor.store.read() as session:
        assert set(session.scalars(select(Person.office_code))) == {TOWNSHIP, NEIGHBOUR}
        assert session.scalar(select(func.count()).select_from(Person)) == 2


def test_the_command_line_enrols_syncs_and_reports(sqlite_server, make_device, tmp_path: Path):
    server = sqlite_server
    a = make_device("cli", TOWNSHIP, server.url)
    a.register("张三", 101)
    a.close()
    env = {"REHABDESK_PASSWORD": "device-password-1", "REHABDESK_LANG": "en", "REHABDESK_KDF_PROFILE": "fast"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        import os

        return subprocess.run(
            [sys.executable, "-m", "app", "--data-dir", str(a.root), "--user", "it", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            timeout=60,
        )

    status = run("sync", "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["enrolled"] is False
    code = server.code(TOWNSHIP)
    enrolled = run("enroll", "--server", server.url, "--code", code)
    assert enrolled.returncode == 0, enrolled.stderr
    assert "enrolled" in enrolled.stdout
    again = run("enroll", "--server", server.url, "--code", code)  # a replayed code
    assert again.returncode != 0 and "already been used" in again.stderr
    once = run("sync", "--once")
    assert once.returncode == 0, once.stderr
    assert "Sync done" in once.stdout
    report = json.loads(run("sync", "status", "--json").stdout)
    assert report["pending"] == 0 and report["last_success_at"] and report["last_error"] is None
    assert report["server_url"] == server.url
    bundle = run("sync", "export-bundle", "--out", str(tmp_path / "usb.rdsync"))
    assert bundle.returncode == 0 and (tmp_path / "usb.rdsync").exists()
    # Without --once it keeps syncing until Ctrl+C.
    import os
    import signal

    loop = subprocess.Popen(
        [sys.executable, "-m", "app", "--data-dir", str(a.root), "--user", "it", "sync"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )
    try:
        assert "Sync done" in loop.stdout.readline()
        loop.send_signal(signal.SIGINT)
        _out, err = loop.communicate(timeout=120)  # generous: in the full suite on 2 busy cores it took >30 s
    finally:
        loop.kill()
    assert loop.returncode == 130 and "Cancelled" in err
    a.open()
