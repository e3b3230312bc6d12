"""Getting in: passwords, the growing wait, the recovery key, and key material that is wrong or gone."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from app.crypto.kdf import FAST
from app.crypto.suites import Suite
from app.errors import Refused, Tampering, UserError
from app.services import persons, users
from app.services.inputs import PersonInput
from app.store.lockout import wait_after
from app.store.unlock import init_store, open_store, reset_password_with_recovery
from models.enums import Role
from tests.conftest import ADMIN, ADMIN_PW, TODAY, WORKER, WORKER_PW, make_id


def digest_files(root: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.iterdir()
        if p.is_file() and p.name != "unlock-attempts.json"
    }


def test_wrong_password_says_so_and_writes_nothing(store_dir):
    before = digest_files(store_dir)
    with pytest.raises(Refused) as error:
        open_store(store_dir, WORKER, "not-the-password")
    assert error.value.render("zh_CN") == "用户名或密码不正确，请重新输入。"
    assert digest_files(store_dir) == before


def test_repeated_failures_make_the_user_wait_longer(store_dir):
    now = [1000.0]
    clock = lambda: now[0]  # noqa: E731
    for _ in range(3):
        with pytest.raises(Refused):
            open_store(store_dir, WORKER, "wrong", clock=clock)
    # The third failure already set a wait: even the right password is refused until it passes.
    with pytest.raises(Refused) as error:
        open_store(store_dir, WORKER, WORKER_PW, clock=clock)
    assert "秒后再试" in error.value.render("zh_CN")
    waits = [wait_after(n) for n in range(1, 8)]
    assert waits == sorted(waits) and waits[-1] > waits[3] > 0
    now[0] += wait_after(3) + 1
    open_store(store_dir, WORKER, WORKER_PW, clock=clock).close()
    # Success clears the count: one more mistake costs no wait.
    with pytest.raises(Refused) as error:
        open_store(store_dir, WORKER, "wrong", clock=clock)
    assert "秒" not in error.value.render("zh_CN")


def test_unknown_user_reads_like_a_wrong_password(store_dir):
    with pytest.raises(Refused) as error:
        open_store(store_dir, "nobody", "whatever-password")
    assert "用户名或密码不正确" in error.value.render("zh_CN")


def test_password_change_rewraps_and_keeps_the_data(store_dir):
    store = open_store(store_dir, WORKER, WORKER_PW, today=lambda: TODAY)
    persons.register(store, PersonInput(name="赵六", id_number=make_id()))
    users.set_password(store, WORKER, "a-brand-new-password")
    store.close()
    with pytest.raises(Refused):
        open_store(store_dir, WORKER, WORKER_PW)
    store = open_store(store_dir, WORKER, "a-brand-new-password")
    assert [p.name for p in persons.summaries(store)] == ["赵六"]
    store.close()


def test_a_worker_cannot_change_another_users_password(store_dir):
    store = open_store(store_dir, WORKER, WORKER_PW)
    with pytest.raises(Refused):
        users.set_password(store, ADMIN, "hijacked-password")
    store.close()


def test_recovery_key_resets_a_forgotten_password(store_dir, recovery_key):
    reset_password_with_recovery(store_dir, recovery_key.lower().replace("-", " "), ADMIN, "recovered-pass")
    open_store(store_dir, ADMIN, "recovered-pass").close()
    with pytest.raises(Refused) as error:
        reset_password_with_recovery(store_dir, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", ADMIN, "x" * 10)
    assert "恢复密钥不正确" in error.value.render("zh_CN")


def test_missing_key_file_is_explained(store_dir):
    (store_dir / "keyring.json").unlink()
    with pytest.raises(Tampering) as error:
        open_store(store_dir, ADMIN, ADMIN_PW)
    assert "密钥文件" in error.value.render("zh_CN") and "备份" in error.value.render("zh_CN")


def test_no_store_at_all_is_explained(tmp_path):
    with pytest.raises(UserError) as error:
        open_store(tmp_path / "empty", ADMIN, ADMIN_PW)
    assert "rehabdesk init" in error.value.render("zh_CN")


@pytest.mark.parametrize("field", ["wrapped", "salt", "nonce"])
def test_a_flipped_byte_in_the_wrapped_key_is_damage_not_a_wrong_password(store_dir, field):
    path = store_dir / "keyring.json"
    data = json.loads(path.read_text())
    slot = data["slots"][f"user:{ADMIN}"]
    raw = bytearray(__import__("base64").b64decode(slot[field]))
    raw[len(raw) // 2] ^= 0x01
    slot[field] = __import__("base64").b64encode(bytes(raw)).decode()
    path.write_text(json.dumps(data))
    with pytest.raises(Tampering) as error:
        open_store(store_dir, ADMIN, ADMIN_PW)
    assert "密钥文件已损坏或被改动" in error.value.render("zh_CN")


def test_an_edited_key_file_is_noticed_by_its_mac(store_dir):
    path = store_dir / "keyring.json"
    data = json.loads(path.read_text())
    data["office_name"] = "别的街道"
    path.write_text(json.dumps(data))
    with pytest.raises(Tampering):
        open_store(store_dir, ADMIN, ADMIN_PW)


def test_a_store_opened_with_another_offices_key_is_refused(store_dir, tmp_path):
    other, _ = init_store(
        tmp_path / "other",
        office_code="640105002",
        office_name="另一个镇",
        admin_login=ADMIN,
        admin_password=ADMIN_PW,
        kdf=FAST,
    )
    other.close()
    # IT copies office A's database into office B's folder by mistake.
    shutil.copy(store_dir / "rehabdesk.db", tmp_path / "other" / "rehabdesk.db")
    for suffix in ("-wal", "-shm"):
        (tmp_path / "other" / f"rehabdesk.db{suffix}").unlink(missing_ok=True)
    with pytest.raises(Refused) as error:
        open_store(tmp_path / "other", ADMIN, ADMIN_PW)
    assert "不属于本办公室" in error.value.render("zh_CN")


def test_init_refuses_a_folder_that_already_holds_an_office(store_dir):
    with pytest.raises(Refused):
        init_store(
            store_dir, office_code="640104001", office_name="x", admin_login="a", admin_password="b" * 8
        )


def test_init_checks_office_code_and_password(tmp_path):
    with pytest.raises(Refused) as error:
        init_store(
            tmp_path / "a", office_code="6401", office_name="x", admin_login="a", admin_password="b" * 8
        )
    assert "9 位数字" in error.value.render("zh_CN")
    with pytest.raises(Refused):
        init_store(
            tmp_path / "b", office_code="640104001", office_name="x", admin_login="a", admin_password="short"
        )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


@pytest.mark.parametrize("suite", list(Suite))
def test_both_suites_seal_and_stay_readable_after_a_change_of_suite(tmp_path, suite):
    root = tmp_path / suite.name
    store, _ = init_store(
        root,
        office_code="640104001",
        office_name="x",
        admin_login=ADMIN,
        admin_password=ADMIN_PW,
        suite=suite,
        kdf=FAST,
        today=lambda: TODAY,
    )
    persons.register(store, PersonInput(name="旧套件", id_number=make_id(seq=11)))
    users.add(store, WORKER, Role.WORKER, WORKER_PW, kdf=FAST)  # the worker reads the files back
    other = Suite.SM4 if suite is Suite.AES else Suite.AES
    store.keyring.change_suite(store.master, other)
    store.close()
    store = open_store(root, ADMIN, ADMIN_PW, today=lambda: TODAY)
    assert store.sealer.suite is other
    persons.register(store, PersonInput(name="新套件", id_number=make_id(seq=13)))
    store.close()
    store = open_store(root, WORKER, WORKER_PW, today=lambda: TODAY)
    assert sorted(p.name for p in persons.summaries(store)) == sorted(["旧套件", "新套件"])
    store.close()
