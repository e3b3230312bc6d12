"""Enrolment, revocation, scope, clock and the snapshot rebuild, as the office computer sees them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.errors import Refused
from app.services import persons, sync_status
from models import OutboxChange, Person, SyncState
from models.enums import PersonStatus, RiskColour
from models.ids import new_id
from sync.client.errors import AuthFailed, SyncError
from tests.conftest import make_id
from tests.sync.e2e.harness import SERVER_KEEPS, differences

TOWNSHIP = "640104001"
NEIGHBOUR = "640104002"


def enrolled(device) -> bool:
    with device.store.read() as session:
        return session.get(SyncState, 1) is not None


def test_a_replayed_enrolment_code_is_refused_and_changes_nothing(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    b = make_device("b", TOWNSHIP, server.url)
    code = server.code(TOWNSHIP)
    a.enroll(server.url, code)
    with pytest.raises(SyncError) as error:
        b.enroll(server.url, code)
    assert error.value.code == "code_used" and error.value.kind == "other"
    assert "已经用过" in error.value.render("zh_CN") and "already been used" in error.value.render("en")
    assert not enrolled(b)
    with pytest.raises(SyncError) as error:
        b.enroll(server.url, "AAAAA-BBBBB")
    assert error.value.code == "bad_code" and not enrolled(b)
    a.register("张三", 101)
    a.sync()  # the first enrolment is untouched


def test_a_code_for_another_office_is_not_saved(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    with pytest.raises(Refused) as error:
        a.enroll(server.url, server.code(NEIGHBOUR))
    assert NEIGHBOUR in error.value.render("en") and "revoke" in error.value.render("en")
    assert not enrolled(a)


def test_a_revoked_computer_is_told_clearly_and_keeps_its_data_and_outbox(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    a.enroll(server.url, server.code(TOWNSHIP))
    person = a.register("张三", 101)
    a.sync()
    a.edit(person, notes="撤销后仍要保存")
    waiting = sync_status.read_status(a.store).pending
    assert waiting == 1
    server.revoke(a.store_device_id)
    with pytest.raises(AuthFailed) as error:
        a.sync()
    assert error.value.code == "revoked"
    assert "re" in error.value.render("en") and "enrol" in error.value.render("en")
    status = sync_status.read_status(a.store)
    assert status.revoked and status.last_error_kind == "auth"
    assert status.pending == waiting and persons.read_file(a.store, person).profile.notes == "撤销后仍要保存"
    # IT enrols it again: what waited is sent, under the new enrolment.
    a.enroll(server.url, server.code(TOWNSHIP))
    a.sync()
    status = sync_status.read_status(a.store)
    assert not status.revoked and status.pending == 0 and status.last_error is None
    assert server.records(TOWNSHIP)[("person", str(person))]["notes"] == "撤销后仍要保存"


def test_a_change_outside_the_scope_is_refused_visibly_and_holds_up_nothing(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    a.enroll(server.url, server.code(TOWNSHIP))
    server.office(NEIGHBOUR)
    stray = new_id()
    with a.store.write() as tx:  # a record of another township on this computer (an old import, say)
        from models import Office

        tx.session.add(Office(code=NEIGHBOUR, name="邻镇"))
        tx.session.flush()
        hlc = tx.hlc()
        tx.session.add(
            Person(
                id=stray, office_code=NEIGHBOUR, record_no="640104002-2026-00001",
                name=tx.seal("person", "name", stray, "外人"), gender=tx.seal_json("person", "gender", stray, "male"),
                birth_date=tx.seal_json("person", "birth_date", stray, "1990-01-01"),
                id_number=tx.seal("person", "id_number", stray, make_id(seq=111)), id_blind=b"x" * 16,
                status=PersonStatus.NOT_REPORTED, risk_colour=RiskColour.BLUE, created_at=tx.now, updated_at=tx.now,
                hlc=hlc,
            )
        )  # fmt: skip
        tx.outbox("person", stray, "insert", ["id"], hlc)
    mine = a.register("张三", 101)
    a.sync()
    status = sync_status.read_status(a.store)
    (refused,) = status.rejected
    assert refused.entity_id == stray and refused.code == "out_of_scope"
    assert NEIGHBOUR in refused.reason.render("en")
    assert "enrolment" in refused.advice.render("en")
    assert status.pending == 0  # the changes after it went through
    assert ("person", str(mine)) in server.records(TOWNSHIP)
    assert ("person", str(stray)) not in server.records(NEIGHBOUR)
    a.sync()  # and it is not sent again and again
    with a.store.read() as session:
        assert (
            session.scalars(select(OutboxChange).where(OutboxChange.entity_id == stray)).one().reject_code
            == "out_of_scope"
        )


def test_a_clock_too_far_off_is_said_plainly_and_nothing_is_sent(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    a.enroll(server.url, server.code(TOWNSHIP))
    a.set_skew(11 * 60)
    a.register("张三", 101)
    with pytest.raises(SyncError) as error:
        a.sync()
    assert error.value.code == "clock_skew" and "date and time" in error.value.render("en")
    assert server.applied(a.store_device_id) == []
    assert sync_status.read_status(a.store).last_error_code == "clock_skew"
    a.set_skew(0)
    summary = a.sync()
    # The person was stamped 11 minutes ahead: the server takes it once its own clock gets there. Until
    # then it waits (it is not refused), and the rest of the outbox does not wait for it.
    assert summary.deferred == 1 and server.applied(a.store_device_id) == []
    status = sync_status.read_status(a.store)
    assert status.pending == 1 and status.rejected == ()


def test_an_expired_cursor_rebuilds_from_a_snapshot_and_keeps_the_outbox(server, make_device):
    a = make_device("a", TOWNSHIP, server.url)
    b = make_device("b", TOWNSHIP, server.url)
    a.enroll(server.url, server.code(TOWNSHIP))
    b.enroll(server.url, server.code(TOWNSHIP))
    zhang = b.register("张三", 101)
    b.visit(zhang, "家访")
    b.sync()
    a.sync()
    a.edit(zhang, notes="离线时改的")  # waits in A's outbox
    b.edit(zhang, phone="17000000009")
    li = b.register("李四", 103)
    b.sync()
    server.compact()  # the log is gone: A's cursor has expired
    summary = a.sync()
    assert summary.rebuilt
    a.sync()
    b.sync()
    assert differences(a.records(), b.records()) == []
    assert differences(a.records(), server.records(TOWNSHIP), ignore=SERVER_KEEPS) == []
    profile = persons.read_file(a.store, zhang).profile
    assert (profile.notes, profile.phone) == ("离线时改的", "17000000009")
    assert persons.read_file(b.store, zhang).profile.notes == "离线时改的"
    assert persons.read_file(a.store, li).profile.name == "李四"
    assert sync_status.read_status(a.store).pending == 0


def test_usb_bundles_carry_changes_both_ways_and_apply_once(server, make_device, tmp_path):
    from sync.client import bundles
    from sync.server import bundles as server_bundles

    a = make_device("a", TOWNSHIP, server.url)
    b = make_device("b", TOWNSHIP, server.url)
    a.enroll(server.url, server.code(TOWNSHIP))
    b.enroll(server.url, server.code(TOWNSHIP))
    zhang = a.register("张三", 101)
    a.visit(zhang, "无网络时家访")
    ((up, count),) = bundles.export_bundle(a.store, tmp_path / "a-up.rdsync")
    for _ in range(2):  # carried to the county twice: applied once
        imported = server_bundles.import_up(server.storage, up.read_bytes(), "test")
    assert {r.status for r in imported.response.results} == {"duplicate"}
    assert len(server.applied(a.store_device_id)) == count
    for device in (b, a):
        blob, _ = server_bundles.export_down(server.storage, device.store_device_id, 0, "test")
        (tmp_path / f"{device.name}-down.rdsync").write_bytes(blob)
    first = bundles.import_bundle(b.store, tmp_path / "b-down.rdsync")
    again = bundles.import_bundle(b.store, tmp_path / "b-down.rdsync")
    assert first.applied == count and again.applied == 0
    assert persons.read_file(b.store, zhang).profile.name == "张三"
    # A's own changes, back from the server in its down bundle, are confirmed without any link.
    assert sync_status.read_status(a.store).pending == count
    bundles.import_bundle(a.store, tmp_path / "a-down.rdsync")
    assert sync_status.read_status(a.store).pending == 0
    # B's bundle is not A's to open.
    with pytest.raises(Refused):
        bundles.import_bundle(a.store, tmp_path / "b-down.rdsync")
