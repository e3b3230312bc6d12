"""Backups an office can restore: made by hand (``rehabdesk backup``), once a day by the app itself, and
before every schema upgrade; put back with ``rehabdesk restore``.

A backup is an archive (see app.store.backup): a copy of the database taken with SQLite's online
backup API, so it is consistent even while the app writes, packed with the key file, the policy
override and a manifest. It stays sealed: it opens only with a user's password (as it was when the
backup was made) or the recovery key.

A restore checks the whole archive first (every byte, then each member's SHA-256, the schema revision,
the office), stages the members in the data directory, writes a journal, then swaps file by file: the
current files go to ``replaced-<time>/`` (never deleted) and the staged ones take their place. A crash
during the swap leaves the journal, and ``finish_interrupted_restore`` (run at start, and by the next
``restore``) completes it; a crash before the journal leaves the current data untouched. At every
moment the database or the key file is in place, so the first-run wizard never mistakes a half-done
restore for a new PC.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.crypto.keyring import Keyring, KeyringError
from app.errors import NotFound, Refused, Tampering, UserError
from app.files import write_atomically
from app.logs import describe_unexpected, log
from app.paths import DataDir
from app.store import migrate
from app.store.backup import (
    ARCHIVE_FORMAT,
    ARCHIVE_KIND,
    ARCHIVE_SUFFIX,
    CHUNK,
    DATABASE,
    KEYRING,
    MANIFEST,
    MEMBERS,
    POLICY,
    TRAILER_PREFIX,
    Manifest,
    SourceMissing,
    schema_revision,
    trailer_digest,
    write_archive,
)
from app.store.store import Store
from app.store.unlock import KEY_DAMAGED, KEY_MISSING, NO_STORE
from models.text import Text

JOURNAL = "restore-journal.json"
STAGING_PREFIX = "restore-staging-"
REPLACED_PREFIX = "replaced-"
LOCKOUT = "unlock-attempts.json"
# What a restore swaps, in this order: the database first and the key file second, so one of the two
# is always in place. Names the backup does not hold (no policy override; the lockout counters, which
# belong to the old key file's users) are moved aside all the same.
SWAPPED = (DATABASE, KEYRING, POLICY, LOCKOUT)
DATABASE_SIDE_FILES = (f"{DATABASE}-wal", f"{DATABASE}-shm", f"{DATABASE}-journal")
DAILY = re.compile(r"daily-(\d{8})" + re.escape(ARCHIVE_SUFFIX))
KEEP_DAILY = 7
KEEP_WEEKLY = 4
STALE_SECONDS = 24 * 3600
# SQLite's errors that mean the database itself is damaged. Any other failure of the copy is the disk's
# (full: the copy, or the -shm file the read needs, cannot grow; read-only; a stick pulled out).
DATABASE_DAMAGED = ("SQLITE_CORRUPT", "SQLITE_NOTADB")

BACKUP_DONE = Text(
    "已备份到 {path}：办公室 {office}，数据版本 {revision}，{size_mb} MB。备份仍是加密的，只能用用户密码或恢复密钥打开；"
    "请妥善保管，恢复密钥应另行存放在保险柜中。",
    "Backed up to {path}: office {office}, schema revision {revision}, {size_mb} MB. The backup stays "
    "encrypted and opens only with a user's password or the recovery key; keep it safe, and keep the "
    "recovery key apart, in the office safe.",
)
OUT_EXISTS = Text(
    "{path} 已存在，未覆盖。请换一个文件名或先移走该文件。",
    "{path} already exists and was not overwritten. Choose another file name or move that file first.",
)
WRITE_FAILED = Text(
    "无法写入 {path}（磁盘已满、没有写权限或 U 盘已拔出），未生成备份。",
    "{path} could not be written (the disk is full, it is read-only, or the USB stick was removed); no "
    "backup was made.",
)
DATABASE_UNREADABLE = Text(
    "数据库文件已损坏，无法备份。请从已有的备份恢复，或联系信息技术人员。",
    "The database file is damaged and cannot be backed up. Restore an earlier backup or contact IT staff.",
)
BACKUP_NOT_FOUND = Text("找不到备份文件 {path}。", "The backup file {path} was not found.")
NOT_A_BACKUP = Text(
    "{path} 不是工作台的备份文件（.rdbak），未做任何更改。",
    "{path} is not a RehabDesk backup (.rdbak); nothing was changed.",
)
BACKUP_TAMPERED = Text(
    "备份文件 {path} 校验失败：文件已损坏或被改动，不能用于恢复。当前数据未做任何更改，请换用另一份备份。",
    "The backup {path} failed its checksum: it is damaged or was altered and cannot be restored. "
    "Nothing was changed; use another backup.",
)
BACKUP_NEWER = Text(
    "该备份由更新版本的工作台制作（数据版本 {revision}），当前版本无法恢复。请先升级工作台；当前数据未做任何更改。",
    "This backup was made by a newer version of RehabDesk (schema revision {revision}) and this version "
    "cannot restore it. Upgrade RehabDesk first; nothing was changed.",
)
BACKUP_DATABASE_DAMAGED = Text(
    "备份中的数据库本身已损坏（备份时即已损坏），不能用于恢复。当前数据未做任何更改，请换用另一份备份。",
    "The database inside this backup was already damaged when it was made and cannot be restored. "
    "Nothing was changed; use another backup.",
)
OTHER_OFFICE_BACKUP = Text(
    "该备份属于办公室 {backup_office}，而本机数据属于办公室 {current_office}。如确需用它替换本机数据，请加 "
    "--force-other-office。当前数据未做任何更改。",
    "This backup belongs to office {backup_office}, but the data here belongs to office "
    "{current_office}. To replace it all the same, add --force-other-office. Nothing was changed.",
)
APP_RUNNING = Text(
    "工作台（或另一个命令）正在使用这些数据。请先关闭工作台再恢复；当前数据未做任何更改。",
    "RehabDesk (or another command) is using this data. Close RehabDesk first, then restore; nothing "
    "was changed.",
)
RESTORE_DONE = Text(
    "已从备份恢复办公室 {office}（备份时间 {made_at}，数据版本 {revision}）。",
    "Restored office {office} from the backup made at {made_at} (schema revision {revision}).",
)
RESTORE_MOVED = Text(
    "原有数据已移到 {path}，没有删除。", "The data that was here was moved to {path}; nothing was deleted."
)
RESTORE_UPGRADE = Text(
    "该备份的数据版本较旧，下次打开工作台时会先自动备份，再升级到当前版本。",
    "This backup has an older schema: the next time RehabDesk opens it, it makes a backup first and "
    "then upgrades it.",
)
RESTORE_RESUMED = Text(
    "上次中断的恢复已先完成。", "A restore that was interrupted earlier was completed first."
)
RESTORE_FAILED = Text(
    "恢复未能完成：文件被占用或没有写权限。原有数据已放回原处，未做任何更改。请关闭工作台后重试。",
    "The restore could not finish: a file is in use or cannot be written. The data that was here is back "
    "in place, unchanged. Close RehabDesk and try again.",
)
RESTORE_INCOMPLETE = Text(
    "恢复中断，既未完成也未能撤回。再次运行同一恢复命令（或启动工作台）即可自动完成；原有数据在 {path}。",
    "The restore was interrupted and could neither finish nor be undone. Run the same restore command "
    "again (or start RehabDesk) to finish it; the earlier data is in {path}.",
)


# ---- making a backup ----------------------------------------------------------------------------------
def make_backup(root: Path, out: Path, *, now: datetime | None = None) -> Manifest:
    """``rehabdesk backup --out FILE``: the store of ``root`` packed into ``out`` (never overwritten)."""
    data_dir = DataDir(root)
    if out.exists():
        raise UserError(OUT_EXISTS(path=str(out)))
    _require_store(data_dir)
    try:
        manifest = write_archive(root, out, reason="manual", now=now)
    except sqlite3.DatabaseError as exc:
        if str(getattr(exc, "sqlite_errorname", "")).startswith(DATABASE_DAMAGED):
            raise Tampering(DATABASE_UNREADABLE()) from None
        raise UserError(WRITE_FAILED(path=str(out))) from None
    except OSError:
        raise UserError(WRITE_FAILED(path=str(out))) from None
    log.info("backup made: revision %s, %d members", manifest.schema_revision, len(manifest.members))
    return manifest


def _require_store(data_dir: DataDir) -> None:
    if not data_dir.exists():
        raise UserError(NO_STORE(path=str(data_dir.root)))
    if not data_dir.keyring.exists():
        raise Tampering(KEY_MISSING())
    if not data_dir.database.exists():
        raise UserError(NO_STORE(path=str(data_dir.root)))
    try:
        Keyring.load(data_dir.keyring)
    except KeyringError:
        raise Tampering(KEY_DAMAGED()) from None


# ---- the daily backup ---------------------------------------------------------------------------------
def automatic_backup(target: Store | DataDir | Path, now: datetime) -> Path | None:
    """At most one backup a day in ``backups/``, then prune to 7 daily and 4 weekly.

    Returns the backup made, or None when today's already exists. A copy that fails SQLite's quick
    check raises ValueError and nothing is pruned, so a damaged store never pushes good backups out.
    """
    data_dir = _data_dir(target)
    day = _local_date(now)
    folder = data_dir.backups
    out = folder / f"daily-{day:%Y%m%d}{ARCHIVE_SUFFIX}"
    made = None
    if not out.exists():
        write_archive(data_dir.root, out, reason="daily", now=now, quick_check=True)
        made = out
    prune_daily_backups(folder)
    _remove_stale_temporaries(folder)
    return made


def ensure_daily_backup(data_dir: Path | DataDir, now: datetime | None = None) -> Path | None:
    """The app's daily backup, never in the way: any failure is logged (without personal data), not raised.

    Call it once the store is unlocked and migrated (so only a store that opened is backed up).
    """
    target = _data_dir(data_dir)
    if not (target.database.exists() and target.keyring.exists()):
        return None
    try:
        made = automatic_backup(target, now or datetime.now().astimezone())
    except Exception as exc:  # a backup must never stop the app from opening
        log.warning("daily backup failed: %s", describe_unexpected(exc))
        return None
    if made is not None:
        log.info("daily backup made")
    return made


def retained(days: list[date]) -> set[date]:
    """The days whose daily backup is kept: the newest 7, and then the newest of each of 4 more weeks."""
    newest_first = sorted(set(days), reverse=True)
    keep = set(newest_first[:KEEP_DAILY])
    weeks: list[tuple[int, int]] = []
    for day in newest_first[KEEP_DAILY:]:
        week = day.isocalendar()[:2]
        if week not in weeks:
            weeks.append(week)
            if len(weeks) > KEEP_WEEKLY:
                break
            keep.add(day)
    return keep


def prune_daily_backups(folder: Path) -> list[Path]:
    """Remove the daily backups ``retained`` does not keep; others (manual, before-upgrade) stay."""
    dated: dict[date, Path] = {}
    for path in folder.glob(f"daily-*{ARCHIVE_SUFFIX}"):
        match = DAILY.fullmatch(path.name)
        if match:
            with contextlib.suppress(ValueError):
                dated[datetime.strptime(match.group(1), "%Y%m%d").date()] = path
    keep = retained(list(dated))
    removed = []
    for day, path in dated.items():
        if day not in keep:
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def _remove_stale_temporaries(folder: Path) -> None:
    """Work folders a crashed backup left behind (they hold only sealed copies)."""
    cutoff = time.time() - STALE_SECONDS
    for path in folder.glob(".rdbak-*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)


def _data_dir(target: Store | DataDir | Path) -> DataDir:
    if isinstance(target, Store):
        return target.data_dir
    if isinstance(target, DataDir):
        return target
    return DataDir(Path(target))


def _local_date(now: datetime) -> date:
    return (now.astimezone() if now.tzinfo else now).date()


# ---- checking a backup --------------------------------------------------------------------------------
def verify_backup(path: Path) -> Manifest:
    """Every byte (the trailer's SHA-256), then the manifest; raises a UserError saying what is wrong.

    Checks that need the members unpacked (each member's SHA-256, the database's own integrity) run
    during the restore, before anything in the data directory is touched.
    """
    if not path.is_file():
        raise NotFound(BACKUP_NOT_FOUND(path=str(path)))
    tampered = Tampering(BACKUP_TAMPERED(path=str(path)))
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
            trailer, digest = trailer_digest(handle, size)
    except OSError:
        raise NotFound(BACKUP_NOT_FOUND(path=str(path))) from None
    if not trailer.startswith(TRAILER_PREFIX):
        if head == b"PK\x03\x04":
            raise tampered
        raise UserError(NOT_A_BACKUP(path=str(path)))
    if trailer[len(TRAILER_PREFIX) :] != digest.encode("ascii"):
        raise tampered
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MANIFEST).decode("utf-8"))
            names = set(archive.namelist())
    except (zipfile.BadZipFile, KeyError, ValueError, zlib.error, EOFError, OSError):
        raise tampered from None
    if not isinstance(data, dict) or data.get("kind") != ARCHIVE_KIND:
        raise tampered
    if isinstance(data.get("format"), int) and data["format"] > ARCHIVE_FORMAT:
        raise Refused(BACKUP_NEWER(revision=str(data.get("schema_revision"))))
    manifest = _parse_manifest(data)
    if manifest is None or names != {MANIFEST, *manifest.members}:
        raise tampered
    if manifest.schema_revision not in migrate.known_revisions():
        raise Refused(BACKUP_NEWER(revision=manifest.schema_revision))
    return manifest


def _parse_manifest(data: dict[str, Any]) -> Manifest | None:
    members = data.get("members")
    if data.get("format") != ARCHIVE_FORMAT or not isinstance(members, dict):
        return None
    if not {DATABASE, KEYRING} <= set(members) <= set(MEMBERS):
        return None
    for meta in members.values():
        if not (
            isinstance(meta, dict)
            and isinstance(meta.get("size"), int)
            and re.fullmatch(r"[0-9a-f]{64}", str(meta.get("sha256", "")))
        ):
            return None
    fields = ("app_version", "schema_revision", "office_code", "office_name", "created_at", "reason")
    if not all(isinstance(data.get(name), str) for name in fields):
        return None
    return Manifest(**{name: data[name] for name in fields}, members=members)


def _extract_verified(path: Path, manifest: Manifest, into: Path) -> None:
    tampered = Tampering(BACKUP_TAMPERED(path=str(path)))
    try:
        with zipfile.ZipFile(path) as archive:
            for name, meta in manifest.members.items():
                digest, size = hashlib.sha256(), 0
                # Owner-only, like the key file it may be: the data directory's files are nobody else's.
                fd = os.open(
                    into / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600
                )
                with archive.open(name) as source, os.fdopen(fd, "wb") as sink:
                    for block in iter(lambda source=source: source.read(CHUNK), b""):
                        digest.update(block)
                        size += len(block)
                        sink.write(block)
                    sink.flush()
                    os.fsync(sink.fileno())
                if digest.hexdigest() != meta["sha256"] or size != meta["size"]:
                    raise tampered
    except (zipfile.BadZipFile, KeyError, zlib.error, EOFError):
        raise tampered from None


def _check_staged(path: Path, manifest: Manifest, staging: Path) -> None:
    """The unpacked members agree with each other and the manifest, and the database is sound."""
    tampered = Tampering(BACKUP_TAMPERED(path=str(path)))
    try:
        ring = Keyring.load(staging / KEYRING)
    except KeyringError:
        raise tampered from None
    database = staging / DATABASE
    if ring.office_code != manifest.office_code:
        raise tampered
    try:
        connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
        try:
            integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            office = connection.execute("SELECT value FROM setting WHERE key = 'office_code'").fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise Tampering(BACKUP_DATABASE_DAMAGED()) from None
    if integrity != ["ok"]:
        raise Tampering(BACKUP_DATABASE_DAMAGED())
    if schema_revision(database) != manifest.schema_revision or office != (manifest.office_code,):
        raise tampered


# ---- restoring -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    replaced: Path | None  # where the data that was here went (None: there was none)
    needs_upgrade: bool  # the backup's schema is older; the next open backs up and migrates it
    resumed: bool  # an interrupted restore was finished first


def restore_backup(
    root: Path, backup: Path, *, force_other_office: bool = False, now: datetime | None = None
) -> RestoreResult:
    """``rehabdesk restore FILE``: check ``backup`` whole, then put it in place of the data in ``root``."""
    resumed = finish_interrupted_restore(root)
    manifest = verify_backup(backup)
    current = current_office(root)
    if current and current != manifest.office_code and not force_other_office:
        raise Refused(OTHER_OFFICE_BACKUP(backup_office=manifest.office_code, current_office=current))
    if database_in_use(DataDir(root).database):
        raise Refused(APP_RUNNING())
    moment = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    root.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(root, 0o700)
    staging = _unique(root / f"{STAGING_PREFIX}{moment}")
    staging.mkdir(mode=0o700)
    try:
        _extract_verified(backup, manifest, staging)
        _check_staged(backup, manifest, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    replaced = _unique(root / f"{REPLACED_PREFIX}{moment}")
    journal = {"staging": staging.name, "replaced": replaced.name, "staged": sorted(manifest.members)}
    write_atomically(root / JOURNAL, json.dumps(journal).encode())
    try:
        moved = _roll_forward(root, journal)
    except OSError:
        try:
            _undo(root, journal)
        except OSError:
            raise UserError(RESTORE_INCOMPLETE(path=str(replaced))) from None
        raise Refused(RESTORE_FAILED()) from None
    log.info("restore done: revision %s, resumed %s", manifest.schema_revision, resumed)
    return RestoreResult(
        manifest=manifest,
        replaced=replaced if moved else None,
        needs_upgrade=manifest.schema_revision != migrate.head_revision(),
        resumed=resumed,
    )


def finish_interrupted_restore(root: Path) -> bool:
    """Complete a restore that a crash interrupted; True if there was one. Call before reading the data
    directory (before the key file is loaded and before deciding whether this is a first run)."""
    journal_path = Path(root) / JOURNAL
    if not journal_path.exists():
        _remove_stale_staging(Path(root))
        return False
    try:
        journal = json.loads(journal_path.read_text("utf-8"))
        if not (isinstance(journal, dict) and {"staging", "replaced", "staged"} <= set(journal)):
            raise ValueError("journal")
    except (OSError, ValueError):
        log.error("restore journal unreadable; the data directory was left as it is")
        return False
    try:
        _roll_forward(Path(root), journal)
    except OSError:
        raise UserError(RESTORE_INCOMPLETE(path=str(Path(root) / str(journal["replaced"])))) from None
    log.info("an interrupted restore was completed")
    return True


def _roll_forward(root: Path, journal: dict[str, Any]) -> bool:
    """Idempotent: each name whose staged copy is still staged has its current file moved aside, then the
    staged one moved in. Returns whether anything that was here was moved aside."""
    staging = root / _plain_name(journal["staging"])
    replaced = root / _plain_name(journal["replaced"])
    staged_names = set(journal["staged"])
    replaced.mkdir(mode=0o700, exist_ok=True)
    for name in SWAPPED:
        staged = staging / name
        if name == DATABASE and staged.exists():
            for side in DATABASE_SIDE_FILES:  # a WAL must never meet another database
                _aside(root / side, replaced)
        if staged.exists() or name not in staged_names:
            _aside(root / name, replaced)
        if staged.exists():
            _move(staged, root / name)
    shutil.rmtree(staging, ignore_errors=True)
    moved = any(replaced.iterdir())
    if not moved:
        replaced.rmdir()
    _sync_dir(root)
    (root / JOURNAL).unlink()
    _sync_dir(root)
    return moved


def _undo(root: Path, journal: dict[str, Any]) -> None:
    """Put back what a failed (not crashed) swap moved, and forget the restore."""
    staging = root / _plain_name(journal["staging"])
    replaced = root / _plain_name(journal["replaced"])
    for name in reversed(SWAPPED):
        if name in journal["staged"] and not (staging / name).exists() and (root / name).exists():
            _move(root / name, staging / name)
        if (replaced / name).exists() and not (root / name).exists():
            _move(replaced / name, root / name)
    for side in DATABASE_SIDE_FILES:
        if (replaced / side).exists() and not (root / side).exists():
            _move(replaced / side, root / side)
    shutil.rmtree(staging, ignore_errors=True)
    with contextlib.suppress(OSError):
        replaced.rmdir()
    (root / JOURNAL).unlink()
    _sync_dir(root)


def _aside(path: Path, replaced: Path) -> None:
    if path.exists():
        target = replaced / path.name
        n = 1
        while target.exists():
            n += 1
            target = replaced / f"{path.name}.{n}"
        _move(path, target)


def _move(source: Path, target: Path) -> None:
    """One rename in the data directory (its own function so tests can crash the restore between two)."""
    os.replace(source, target)


def _plain_name(name: str) -> str:
    if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
        raise ValueError("journal")
    return name


def _unique(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate


def _remove_stale_staging(root: Path) -> None:
    """Staging folders of restores that died before their journal: copies of a backup, nothing else."""
    cutoff = time.time() - STALE_SECONDS
    for path in root.glob(f"{STAGING_PREFIX}*"):
        with contextlib.suppress(OSError):
            if path.is_dir() and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)


def current_office(root: Path) -> str | None:
    """The office the data in ``root`` belongs to, from the key file or else the database; None if neither
    can be read (nothing there, or wrecked)."""
    data_dir = DataDir(root)
    with contextlib.suppress(KeyringError):
        return Keyring.load(data_dir.keyring).office_code
    if data_dir.database.exists():
        with contextlib.suppress(sqlite3.Error):
            # Read-write mode, reads only: a read-only connection would leave -wal and -shm files behind.
            connection = sqlite3.connect(f"{data_dir.database.resolve().as_uri()}?mode=rw", uri=True)
            try:
                row = connection.execute("SELECT value FROM setting WHERE key = 'office_code'").fetchone()
            finally:
                connection.close()
            return str(row[0]) if row else None
    return None


def database_in_use(database: Path) -> bool:
    """Whether another connection (the app, a command) has the database open: it blocks an exclusive lock."""
    if not database.exists():
        return False
    try:
        connection = sqlite3.connect(
            f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=0.2, isolation_level=None
        )
    except sqlite3.Error:
        return False
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")
        return False
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        return "locked" in text or "busy" in text
    except sqlite3.DatabaseError:
        return False  # not a database any more: wrecked, certainly not in use
    finally:
        connection.close()


def _sync_dir(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


__all__ = [
    "RestoreResult",
    "SourceMissing",
    "automatic_backup",
    "ensure_daily_backup",
    "finish_interrupted_restore",
    "make_backup",
    "prune_daily_backups",
    "restore_backup",
    "retained",
    "verify_backup",
]
