"""Copies of the database made with SQLite's online backup API: consistent even while the app writes.

A copy is as sealed as the store itself: it opens only with the office's key file and a user's
password or the recovery key. A backup archive (``.rdbak``) is a zip of the copy, the key file, the
office's policy override when there is one, and a manifest naming the app version, the schema
revision, the office and the SHA-256 of each member. The zip's comment, at the very end of the file,
holds the SHA-256 of every byte before it, so one flipped byte anywhere is noticed before a restore
(app.maintenance.backup checks it). The checksums catch damage; deliberate forgery of the plain parts
is caught at unlock by the key file's MAC and the sealed values' authentication, as for the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

ARCHIVE_FORMAT = 1
ARCHIVE_KIND = "rehabdesk-backup"
ARCHIVE_SUFFIX = ".rdbak"
MANIFEST = "manifest.json"
DATABASE = "rehabdesk.db"
KEYRING = "keyring.json"
POLICY = "policy.toml"
# Members in the order they are packed; the policy override is optional.
MEMBERS = (KEYRING, POLICY, DATABASE)
TRAILER_PREFIX = b"RDBAK1 SHA256 "
TRAILER_HEX = 64
TRAILER_BYTES = len(TRAILER_PREFIX) + TRAILER_HEX
CHUNK = 1 << 20


class SourceMissing(Exception):
    """The database (or its key file) to back up is not there."""


def copy_database(source: Path, target: Path) -> Path:
    """A self-contained copy of ``source`` (no -wal file needed), taken in one step of the backup API.

    The source is opened read-write but never created: a missing store is an error, not an empty copy.
    """
    if not source.is_file():
        raise SourceMissing(str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # pages=-1: all pages in one step, inside one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")  # the copy is one file; the app sets WAL at open
        finally:
            dst.close()
    finally:
        src.close()
    return target


def schema_revision(database: Path) -> str | None:
    """The Alembic revision recorded in a database file, read without changing it."""
    connection = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()
    return str(row[0]) if row else None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Manifest:
    app_version: str
    schema_revision: str | None
    office_code: str
    office_name: str
    created_at: str  # UTC, ISO 8601
    reason: str  # manual | daily | before-upgrade
    members: dict[str, dict[str, Any]]  # name -> {"sha256": hex, "size": bytes}

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ARCHIVE_FORMAT,
            "kind": ARCHIVE_KIND,
            "app_version": self.app_version,
            "schema_revision": self.schema_revision,
            "office_code": self.office_code,
            "office_name": self.office_name,
            "created_at": self.created_at,
            "reason": self.reason,
            "members": self.members,
        }


def write_archive(
    root: Path, out: Path, *, reason: str = "manual", now: datetime | None = None, quick_check: bool = False
) -> Manifest:
    """Pack the store in data directory ``root`` into the archive ``out``, written atomically.

    With ``quick_check`` the copy must pass SQLite's quick check, or nothing is written (an automatic
    backup must never replace good backups with a damaged copy). Raises SourceMissing, ValueError
    (the key file is not JSON, or the copy fails its check), sqlite3.Error or OSError.
    """
    from app import __version__

    database, keyring = root / DATABASE, root / KEYRING
    if not keyring.is_file():
        raise SourceMissing(str(keyring))
    keyring_bytes = keyring.read_bytes()
    ring = json.loads(keyring_bytes.decode("utf-8"))
    policy = root / POLICY
    policy_bytes = policy.read_bytes() if policy.is_file() else None
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".rdbak-", dir=out.parent) as work:
        snapshot = copy_database(database, Path(work) / DATABASE)
        if quick_check:
            _quick_check(snapshot)
        members: dict[str, dict[str, Any]] = {
            KEYRING: {"sha256": hashlib.sha256(keyring_bytes).hexdigest(), "size": len(keyring_bytes)}
        }
        if policy_bytes is not None:
            members[POLICY] = {"sha256": hashlib.sha256(policy_bytes).hexdigest(), "size": len(policy_bytes)}
        members[DATABASE] = {"sha256": sha256_file(snapshot), "size": snapshot.stat().st_size}
        manifest = Manifest(
            app_version=__version__,
            schema_revision=schema_revision(snapshot),
            office_code=str(ring.get("office_code", "")),
            office_name=str(ring.get("office_name", "")),
            created_at=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            reason=reason,
            members=members,
        )
        stamp = moment.timetuple()[:6]
        packed = Path(work) / "archive.tmp"
        # Level 1: sealed values barely compress, and a backup must not hold up the start of the day.
        with zipfile.ZipFile(packed, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.comment = TRAILER_PREFIX + b"0" * TRAILER_HEX
            _add(
                archive,
                MANIFEST,
                stamp,
                json.dumps(manifest.to_json(), ensure_ascii=False, indent=1).encode(),
            )
            _add(archive, KEYRING, stamp, keyring_bytes)
            if policy_bytes is not None:
                _add(archive, POLICY, stamp, policy_bytes)
            info = zipfile.ZipInfo(DATABASE, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as sink, snapshot.open("rb") as source:
                for block in iter(lambda: source.read(CHUNK), b""):
                    sink.write(block)
        seal_trailer(packed)
        os.replace(packed, out)
    _sync_dir(out.parent)
    return manifest


def trailer_digest(handle: BinaryIO, size: int) -> tuple[bytes, str]:
    """(the stored trailer, the SHA-256 of every byte before the trailer's hex digits)."""
    handle.seek(max(0, size - TRAILER_BYTES))
    trailer = handle.read(TRAILER_BYTES)
    handle.seek(0)
    digest = hashlib.sha256()
    left = max(0, size - TRAILER_HEX)
    while left:
        block = handle.read(min(CHUNK, left))
        if not block:
            break
        digest.update(block)
        left -= len(block)
    return trailer, digest.hexdigest()


def backup_before_migration(database: Path, backups: Path, revision: str | None) -> Path:
    """The archive made before the schema is upgraded; ``rehabdesk restore`` takes it like any other."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = backups / f"before-upgrade-{revision or 'none'}-{stamp}{ARCHIVE_SUFFIX}"
    write_archive(database.parent, out, reason="before-upgrade")
    return out


def _add(archive: zipfile.ZipFile, name: str, stamp: tuple[int, ...], data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def seal_trailer(path: Path) -> None:
    """Write the SHA-256 of the archive into the placeholder at its end (the zip comment)."""
    size = path.stat().st_size
    with path.open("r+b") as handle:
        trailer, digest = trailer_digest(handle, size)
        assert trailer.startswith(TRAILER_PREFIX), "the zip comment is not at the end of the file"
        handle.seek(size - TRAILER_HEX)
        handle.write(digest.encode("ascii"))
        handle.flush()
        os.fsync(handle.fileno())


def _quick_check(database: Path) -> None:
    connection = sqlite3.connect(database)
    try:
        result = [row[0] for row in connection.execute("PRAGMA quick_check")]
    finally:
        connection.close()
    if result != ["ok"]:
        raise ValueError("quick_check")


def _sync_dir(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
