"""Setting up an office's store, unlocking it, and recovering access.

The engine is made only after the key has been unwrapped: before that, nothing reads the database.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from app.crypto.kdf import KdfParams
from app.crypto.keyring import (
    Keyring,
    KeyringDamaged,
    KeyringMissing,
    UnknownUser,
    Unlocked,
    WrongSecret,
)
from app.crypto.sealer import TamperedError
from app.crypto.suites import Suite
from app.errors import Refused, Tampering, UserError
from app.paths import DataDir
from app.search import SearchIndex
from app.store import migrate
from app.store.backup import backup_before_migration
from app.store.engine import make_engine
from app.store.lockout import Lockout
from app.store.store import Actor, Store, utcnow
from models import Office, Setting, User
from models.enums import Role
from models.ids import new_id
from models.text import Text
from models.values import ValueRuleError, require

NO_STORE = Text(
    "在 {path} 没有找到工作台数据。请先初始化办公室（rehabdesk init）或选择正确的数据目录。",
    "No RehabDesk data was found in {path}. Set up the office first (rehabdesk init) or choose the right "
    "data directory.",
)
ALREADY_SET_UP = Text(
    "{path} 已有一个办公室的数据，未做任何更改。如需新建，请选择另一个空的数据目录。",
    "{path} already holds an office's data; nothing was changed. Choose another, empty data directory "
    "to set up a new one.",
)
KEY_MISSING = Text(
    "密钥文件 keyring.json 不见了，数据库无法打开。请从备份中恢复密钥文件，或联系信息技术人员。",
    "The key file keyring.json is missing, so the database cannot be opened. Restore the key file from a "
    "backup or contact IT staff.",
)
KEY_DAMAGED = Text(
    "密钥文件已损坏或被改动，数据库无法打开。请从备份中恢复密钥文件，或联系信息技术人员。",
    "The key file is damaged or was altered, so the database cannot be opened. Restore it from a backup "
    "or contact IT staff.",
)
WRONG_PASSWORD = Text(
    "用户名或密码不正确，请重新输入。",
    "The user name or password is not correct. Please try again.",
)
WRONG_PASSWORD_WAIT = Text(
    "用户名或密码不正确。连续错误次数过多，请 {seconds} 秒后再试。",
    "The user name or password is not correct. After repeated failures, please wait {seconds} seconds "
    "before trying again.",
)
LOCKED_OUT = Text(
    "密码连续输入错误次数过多，请 {seconds} 秒后再试。",
    "Too many wrong passwords in a row. Please try again in {seconds} seconds.",
)
WRONG_RECOVERY = Text(
    "恢复密钥不正确。请核对保存在保险柜中的恢复密钥（共 8 组，每组 4 个字符）。",
    "The recovery key is not correct. Check the recovery key kept in the office safe (8 groups of 4 "
    "characters).",
)
OTHER_OFFICE = Text(
    "该数据库不属于本办公室的密钥（密钥文件为 {keyring_office}），无法打开。请确认数据目录是否正确。",
    "This database does not belong to this office's key (the key file is for {keyring_office}), so it "
    "cannot be opened. Check that the data directory is the right one.",
)
NEWER_STORE = Text(
    "该数据由更新版本的工作台创建，当前版本无法打开。请升级工作台到最新版本，数据未做任何更改。",
    "This data was made by a newer version of RehabDesk and this version cannot open it. Upgrade "
    "RehabDesk; nothing was changed.",
)
USER_INACTIVE = Text(
    "用户 {login} 已停用，请联系管理员。",
    "The user {login} has been deactivated. Contact the administrator.",
)
WEAK_PASSWORD = Text(
    "密码至少需要 {min} 个字符。",
    "The password must have at least {min} characters.",
)
BAD_OFFICE_CODE = Text(
    "办公室代码应为 9 位数字：6 位行政区划代码加 3 位乡镇（街道）代码，例如 640104001。",
    "The office code must be 9 digits: the 6-digit division code and a 3-digit township code, e.g. "
    "640104001.",
)
BAD_LOGIN = Text(
    "用户名只能包含字母、数字、点、下划线或连字符（1 至 64 个字符）。",
    "A user name may contain only letters, digits, dots, underscores or hyphens (1 to 64 characters).",
)
DATABASE_DAMAGED = Text(
    "数据库文件已损坏，无法打开。请用 rehabdesk restore 从备份恢复（backups 文件夹中有每日自动备份），或联系信息技术人员。",
    "The database file is damaged and cannot be opened. Restore it from a backup with rehabdesk restore (the "
    "backups folder holds a daily automatic backup), or contact IT staff.",
)
PASSWORDS_DIFFER = Text(
    "两次输入的密码不一致，未做任何更改。", "The two passwords differ; nothing was changed."
)
MIN_PASSWORD = 8


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Refused(WEAK_PASSWORD(min=MIN_PASSWORD))


def check_login(login: str) -> None:
    if not (0 < len(login) <= 64 and all(c.isalnum() or c in "._-" for c in login)):
        raise Refused(BAD_LOGIN())


def init_store(
    root: Path,
    *,
    office_code: str,
    office_name: str,
    admin_login: str,
    admin_password: str,
    suite: Suite = Suite.AES,
    kdf: KdfParams | None = None,
    today: Callable[[], date] = date.today,
) -> tuple[Store, str]:
    """Make a new office store; returns it unlocked for the admin, and the recovery key to show once."""
    data_dir = DataDir(root)
    if data_dir.exists():
        raise Refused(ALREADY_SET_UP(path=str(root)))
    if not (len(office_code) == 9 and office_code.isdigit()):
        raise Refused(BAD_OFFICE_CODE())
    try:
        require(office_name, "office_name")
    except ValueRuleError as exc:
        raise Refused(exc.message) from None
    check_login(admin_login)
    check_password(admin_password)
    root.mkdir(parents=True, exist_ok=True)
    _restrict(root)
    admin_id = new_id()
    unlocked, recovery = Keyring.create(
        data_dir.keyring,
        office_code=office_code,
        office_name=office_name,
        suite=suite,
        admin_login=admin_login,
        admin_user_id=str(admin_id),
        admin_password=admin_password,
        kdf=kdf,
    )
    engine = make_engine(data_dir.database)
    migrate.upgrade(engine)
    device_id = new_id().hex
    sealer = unlocked.sealer()
    with Session(engine) as session, session.begin():
        session.add(Office(code=office_code, name=office_name))
        session.flush()
        session.add(
            User(
                id=admin_id, office_code=office_code, login=admin_login, role=Role.ADMIN, created_at=utcnow()
            )
        )
        session.add_all(
            [
                Setting(key="device_id", value=device_id),
                Setting(key="office_code", value=office_code),
                Setting(
                    key="key_check", value=sealer.seal("setting", "value", "key_check", office_code).hex()
                ),
            ]
        )
    actor = Actor(admin_id, admin_login, Role.ADMIN, office_code)
    store = Store(data_dir, unlocked.keyring, unlocked.master, engine, device_id, actor, today)
    with store.write() as tx:
        tx.audit("store.init", entity="office", details={"suite": suite.value})
    return store, recovery


def logins(root: Path) -> list[str]:
    """The users who can unlock this store (for a login screen); raises if there is no store."""
    return _load_keyring(DataDir(root)).logins()


def open_store(
    root: Path,
    login: str,
    password: str,
    *,
    clock: Callable[[], float] | None = None,
    today: Callable[[], date] = date.today,
) -> Store:
    data_dir = DataDir(root)
    keyring = _load_keyring(data_dir)
    lockout = Lockout(data_dir.lockout, clock) if clock else Lockout(data_dir.lockout)
    wait = lockout.seconds_left(login)
    if wait:
        raise Refused(LOCKED_OUT(seconds=wait))
    try:
        unlocked = keyring.unlock_with_password(login, password)
    except (WrongSecret, UnknownUser):
        wait = lockout.record_failure(login)
        message = WRONG_PASSWORD_WAIT(seconds=wait) if wait else WRONG_PASSWORD()
        raise Refused(message) from None
    except KeyringDamaged:
        raise Tampering(KEY_DAMAGED()) from None
    lockout.clear(login)
    return _open_unlocked(data_dir, unlocked, login, today)


def upgrade_due(root: Path) -> bool:
    """Whether the next unlock backs up and upgrades the database: the first unlock after the app was
    updated, which takes minutes for a large office, so the login says so instead of only "Unlocking".
    The schema revision needs no key; the file is only read. False when in doubt (no store yet, a file
    that does not open): the unlock itself then says what is wrong."""
    database = DataDir(root).database
    if not database.exists():
        return False
    try:
        connection = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    return _backs_up_first(row[0] if row else None)


def _backs_up_first(current: str | None) -> bool:
    """Whether an unlock at schema revision ``current`` backs the database up and upgrades it (a new,
    empty store is upgraded without a backup; a newer app's store is refused)."""
    return current is not None and current in migrate.known_revisions() and current != migrate.head_revision()


def reset_password_with_recovery(root: Path, recovery_key: str, login: str, new_password: str) -> None:
    """Give a user a new password when they (or everyone) forgot theirs; the office safe holds the key."""
    data_dir = DataDir(root)
    keyring = _load_keyring(data_dir)
    check_password(new_password)
    try:
        unlocked = keyring.unlock_with_recovery(recovery_key)
    except WrongSecret:
        raise Refused(WRONG_RECOVERY()) from None
    except KeyringDamaged:
        raise Tampering(KEY_DAMAGED()) from None
    store = _open_unlocked(data_dir, unlocked, None, date.today)
    try:
        from app.services import users

        users.set_password_by_recovery(store, login, new_password)
    finally:
        store.close()
    Lockout(data_dir.lockout).clear(login)


def _load_keyring(data_dir: DataDir) -> Keyring:
    from app.maintenance.backup import finish_interrupted_restore

    finish_interrupted_restore(
        data_dir.root
    )  # a restore cut short by a crash completes before anything reads
    try:
        return Keyring.load(data_dir.keyring)
    except KeyringMissing:
        if data_dir.database.exists():
            raise Tampering(KEY_MISSING()) from None
        raise UserError(NO_STORE(path=str(data_dir.root))) from None
    except KeyringDamaged:
        raise Tampering(KEY_DAMAGED()) from None


def _open_unlocked(
    data_dir: DataDir, unlocked: Unlocked, login: str | None, today: Callable[[], date]
) -> Store:
    if not data_dir.database.exists():
        raise UserError(NO_STORE(path=str(data_dir.root)))
    engine = make_engine(data_dir.database)
    try:
        try:
            _migrate(engine, data_dir)
        except DatabaseError:
            raise Tampering(DATABASE_DAMAGED()) from None
        with Session(engine) as session:
            _check_belongs(session, unlocked)
            device_id = session.get(Setting, "device_id")
            actor = _actor(session, login) if login else None
        assert device_id is not None
        store = Store(data_dir, unlocked.keyring, unlocked.master, engine, device_id.value, actor, today)
        from app.services import persons

        store.index = SearchIndex(partial(persons.index_entries, store))  # filled when first asked
        return store
    except BaseException:
        engine.dispose()
        raise


def _migrate(engine: object, data_dir: DataDir) -> None:
    from sqlalchemy import Engine

    assert isinstance(engine, Engine)
    with engine.connect() as connection:
        current = migrate.current_revision(connection)
    if current is not None and current not in migrate.known_revisions():
        raise Refused(NEWER_STORE())
    if _backs_up_first(current):
        backup_before_migration(data_dir.database, data_dir.backups, current)
    if current != migrate.head_revision():
        migrate.upgrade(engine)


def _check_belongs(session: Session, unlocked: Unlocked) -> None:
    stored = session.get(Setting, "key_check")
    office = unlocked.keyring.office_code
    try:
        if stored is None:
            raise TamperedError("key_check")
        value = unlocked.sealer().open("setting", "value", "key_check", bytes.fromhex(stored.value))
    except (TamperedError, ValueError):
        raise Refused(OTHER_OFFICE(keyring_office=office)) from None
    if value != office:
        raise Refused(OTHER_OFFICE(keyring_office=office))


def _actor(session: Session, login: str) -> Actor:
    user = session.scalars(select(User).where(User.login == login)).first()
    if user is None:
        raise Refused(WRONG_PASSWORD())
    if not user.active:
        raise Refused(USER_INACTIVE(login=login))
    return Actor(user.id, user.login, user.role, user.office_code)


def _restrict(root: Path) -> None:
    """Only the owner may read the data directory (POSIX; on Windows the profile folder is private)."""
    if os.name == "posix":
        os.chmod(root, 0o700)


def verify_password(
    root: Path, login: str, password: str, *, clock: Callable[[], float] | None = None
) -> None:
    """Check a password again (unlocking a locked screen) with the same wait after failures; opens nothing."""
    data_dir = DataDir(root)
    keyring = _load_keyring(data_dir)
    lockout = Lockout(data_dir.lockout, clock) if clock else Lockout(data_dir.lockout)
    wait = lockout.seconds_left(login)
    if wait:
        raise Refused(LOCKED_OUT(seconds=wait))
    try:
        keyring.unlock_with_password(login, password)
    except (WrongSecret, UnknownUser):
        wait = lockout.record_failure(login)
        raise Refused(WRONG_PASSWORD_WAIT(seconds=wait) if wait else WRONG_PASSWORD()) from None
    except KeyringDamaged:
        raise Tampering(KEY_DAMAGED()) from None
    lockout.clear(login)
