"""``rehabdesk diagnostics --out FILE``: a zip to attach to a support request, with no personal data.

Without a password it holds what can be read without the office key: versions (app, Python, SQLite,
Qt and the libraries), the platform, the data directory's layout (names and sizes, never contents),
the schema revision, SQLite's integrity check, table row counts, settings with every secret withheld,
outbox and sync bookkeeping, and the newest log lines. With a user's password it also checks the audit
chain and that the database belongs to the key file.

Logs carry no personal data by design; as a second line of defence every text in the bundle is
scrubbed of anything that looks like an ID number or a phone number, and the user's home folder (whose
name may be the user's own) is written as ``~``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import re
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from app import __version__
from app.crypto.keyring import Keyring, KeyringError, UnknownUser, WrongSecret
from app.crypto.sealer import TamperedError
from app.errors import Refused, Tampering, UserError
from app.files import write_atomically
from app.paths import DATA_DIR_ENV, DataDir, default_data_dir
from app.store import migrate
from app.store.lockout import Lockout
from app.store.unlock import KEY_DAMAGED, KEY_MISSING, LOCKED_OUT, WRONG_PASSWORD, WRONG_PASSWORD_WAIT
from models.text import Message, Text, current_language

LOG_LINES = 400
MAX_FILES = 2000
# Settings shown with their value; every other setting shows only that it exists.
SHOWN_SETTINGS = {"device_id", "office_code", "hlc_last"}
URL_SETTINGS = {"sync.server_url"}
UNSCRUBBED = {"hlc_last"}  # "<milliseconds>:<counter>:<node>", made by the app, never typed by anyone
# Plain columns of sync_state worth a support person's eyes (the token, the bundle key and the sealed
# last error are never read).
SYNC_STATE_COLUMNS = (
    "server_url",
    "device_id",
    "office_code",
    "scope",
    "role",
    "enrolled_at",
    "cursor",
    "snapshot_cursor",
    "revoked_at",
    "last_attempt_at",
    "last_success_at",
    "failing_since",
    "last_error_kind",
    "last_error_code",
)
LIBRARIES = (
    "PySide6-Essentials",
    "PySide6",
    "shiboken6",
    "SQLAlchemy",
    "alembic",
    "cryptography",
    "openpyxl",
    "pypinyin",
)
ENV_SHOWN = ("REHABDESK_LANG", "REHABDESK_KDF_PROFILE", "QT_QPA_PLATFORM", "LANG", "LC_ALL")

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])")
LONG_NUMBER = re.compile(r"(?<!\d)\d{11,}(?!\d)")
SPACED_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1\d{2}[ -]\d{4}[ -]\d{4}(?!\d)")
ID_REMOVED = "<ID-number removed>"
NUMBER_REMOVED = "<number removed>"

DIAGNOSTICS_DONE = Text(
    "诊断包已写入 {path}。其中不含个人信息、密码或密钥，可以发给技术支持。",
    "The diagnostics bundle was written to {path}. It holds no personal data, passwords or keys and can "
    "be sent to support.",
)
DIAGNOSTICS_NOT_VERIFIED = Text(
    "诊断包已写入，但未检查审计链：{reason}",
    "The bundle was written, but the audit chain was not checked: {reason}",
)
DIAGNOSTICS_PROBLEMS = Text(
    "检查发现问题：{problems}。请把诊断包发给技术支持。",
    "The checks found problems: {problems}. Send the bundle to support.",
)
DIAGNOSTICS_WRITE_FAILED = Text(
    "无法写入 {path}（磁盘已满、没有写权限或 U 盘已拔出）。",
    "{path} could not be written (the disk is full, it is read-only, or the USB stick was removed).",
)
P_DB_OPEN = Text("数据库无法打开", "the database cannot be opened")
P_DB_UNREADABLE = Text("数据库无法读取", "the database cannot be read")
P_NEWER = Text("数据由更新版本的工作台创建", "the store was made by a newer version of RehabDesk")
P_INTEGRITY = Text("SQLite 完整性检查未通过", "the SQLite integrity check failed")
P_KEYRING = Text("密钥文件缺失或已损坏", "the key file is missing or damaged")
P_OTHER_KEY = Text(
    "数据库不属于这个密钥文件（办公室 {office}）",
    "the database does not belong to this key file (office {office})",
)
P_AUDIT = Text("审计链在第 {seq} 条记录处断裂", "the audit chain is broken at entry {seq}")


def scrub(text: str) -> str:
    """Remove what looks like an ID number or a phone number, and the home folder's name."""
    home = str(Path.home())
    if len(home) > 3:
        text = text.replace(home, "~")
    text = ID_NUMBER.sub(ID_REMOVED, text)
    text = SPACED_PHONE.sub(NUMBER_REMOVED, text)
    return LONG_NUMBER.sub(NUMBER_REMOVED, text)


def _scrubbed(value: Any, key: str = "") -> Any:
    """Every text of the report scrubbed, but for the clock (its milliseconds are a long number)."""
    if isinstance(value, dict):
        return {k: _scrubbed(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, key) for v in value]
    if isinstance(value, str) and key not in UNSCRUBBED:
        return scrub(value)
    return value


@dataclass(frozen=True)
class Bundle:
    path: Path
    report: dict[str, Any]
    problems: list[Message]
    verify_error: UserError | None  # the password check that was asked for and failed


def support_text(root: Path) -> str:
    """The basic report as text, for the app's "copy diagnostics" button: no password, no secrets."""
    report, log_tail, _problems, _error = collect(root)
    return _as_text(_scrubbed(report)) + "\n\n" + scrub(log_tail)


def write_bundle(
    root: Path,
    out: Path,
    *,
    login: str | None = None,
    password: str | None = None,
    now: datetime | None = None,
    clock: Callable[[], float] | None = None,
) -> Bundle:
    """Collect the report and write the zip atomically (diagnostics.json, diagnostics.txt, log-tail.txt)."""
    report, log_tail, problems, verify_error = collect(
        root, login=login, password=password, now=now, clock=clock
    )
    report = _scrubbed(report)
    as_json = json.dumps(report, ensure_ascii=False, indent=1, default=str)
    as_text = _as_text(report)
    tail = scrub(log_tail)
    try:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("diagnostics.json", as_json)
            archive.writestr("diagnostics.txt", as_text)
            archive.writestr("log-tail.txt", tail)
        write_atomically(out, buffer.getvalue())
    except OSError:
        raise UserError(DIAGNOSTICS_WRITE_FAILED(path=str(out))) from None
    return Bundle(out, report, problems, verify_error)


def collect(
    root: Path,
    *,
    login: str | None = None,
    password: str | None = None,
    now: datetime | None = None,
    clock: Callable[[], float] | None = None,
) -> tuple[dict[str, Any], str, list[Message], UserError | None]:
    """(the report, the newest log lines, the problems found, the failed password check if one was asked
    for)."""
    data_dir = DataDir(Path(root))
    moment = now or datetime.now(UTC)
    report: dict[str, Any] = {
        "generated_at": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "utc_offset_minutes": int(
            (datetime.now().astimezone().utcoffset() or timedelta(0)).total_seconds() // 60
        ),
        "app": {"version": __version__, "frozen": bool(getattr(sys, "frozen", False))},
        "platform": _platform(),
        "environment": _environment(),
        "data_dir": _data_dir_summary(data_dir),
        "layout": _layout(data_dir.root),
    }
    problems: list[Message] = []
    if data_dir.database.exists():
        report["database"] = _database(data_dir.database, problems)
    else:
        report["database"] = {"present": False}
    report["keyring"] = _keyring_summary(data_dir)
    if data_dir.database.exists() and not report["keyring"].get("readable"):
        problems.append(P_KEYRING())
    verify_error: UserError | None = None
    if password is not None:
        try:
            report["audit_chain"] = _verify(data_dir, login or "", password, clock, problems)
        except UserError as exc:
            verify_error = exc
            report["audit_chain"] = {"checked": False, "reason": exc.render("en")}
    else:
        report["audit_chain"] = {"checked": False, "reason": "no password given"}
    report["problems"] = [p.render("en") for p in problems]
    return report, _log_tail(data_dir.logs), problems, verify_error


def _platform() -> dict[str, Any]:
    libraries = {}
    for name in LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            libraries[name] = metadata.version(name)
    qt = None
    qtcore = sys.modules.get("PySide6.QtCore")  # only when the GUI already loaded Qt; never imported here
    if qtcore is not None:
        with contextlib.suppress(Exception):
            qt = str(qtcore.qVersion())
    return {
        "system": platform.system(),
        "release": platform.release(),
        "version": platform.version(),
        "machine": platform.machine(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "python_implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "qt_runtime": qt or "not loaded (PySide6 ships the Qt of its own version)",
        "libraries": libraries,
    }


def _environment() -> dict[str, Any]:
    shown = {name: os.environ[name] for name in ENV_SHOWN if name in os.environ}
    others = sorted(n for n in os.environ if n.startswith("REHABDESK_") and n not in ENV_SHOWN)
    return {"language": current_language(), "variables": shown, "rehabdesk_variables_set": others}


def _data_dir_summary(data_dir: DataDir) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "path": str(data_dir.root),
        "is_default": Path(data_dir.root).resolve() == default_data_dir().resolve()
        and DATA_DIR_ENV not in os.environ,
        "from_environment": DATA_DIR_ENV in os.environ,
        "exists": data_dir.root.exists(),
        "store_present": data_dir.exists(),
    }
    with contextlib.suppress(OSError):
        usage = shutil.disk_usage(data_dir.root if data_dir.root.exists() else data_dir.root.parent)
        summary["disk_free_mb"] = usage.free // (1024 * 1024)
        summary["disk_total_mb"] = usage.total // (1024 * 1024)
    return summary


def _layout(root: Path) -> list[dict[str, Any]]:
    if not root.exists():
        return []
    entries: list[dict[str, Any]] = []
    for path in sorted(root.rglob("*")):
        if len(entries) >= MAX_FILES:
            entries.append({"name": "…", "note": f"more than {MAX_FILES} entries"})
            break
        with contextlib.suppress(OSError):
            stat = path.stat()
            entry: dict[str, Any] = {"name": path.relative_to(root).as_posix()}
            if path.is_dir():
                entry["dir"] = True
            else:
                entry["size"] = stat.st_size
            entry["modified"] = datetime.fromtimestamp(stat.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            entries.append(entry)
    return entries


def _connect(database: Path) -> sqlite3.Connection:
    # Read-write (but only reads): a read-only connection to a WAL database would leave -wal and -shm
    # files behind. mode=rw never creates a missing file.
    return sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=10)


def _database(database: Path, problems: list[Message]) -> dict[str, Any]:
    info: dict[str, Any] = {"present": True, "size": database.stat().st_size}
    try:
        connection = _connect(database)
    except sqlite3.Error as exc:
        problems.append(P_DB_OPEN())
        return {**info, "error": type(exc).__name__}
    try:
        info["header_ok"] = database.read_bytes()[:16] == b"SQLite format 3\x00"
        for pragma in ("journal_mode", "page_size", "page_count", "freelist_count", "user_version"):
            info[pragma] = connection.execute(f"PRAGMA {pragma}").fetchone()[0]
        revision = _one(connection, "SELECT version_num FROM alembic_version")
        info["schema_revision"] = revision
        info["app_head_revision"] = migrate.head_revision()
        info["schema_known_to_app"] = revision in migrate.known_revisions()
        if revision is not None and revision not in migrate.known_revisions():
            problems.append(P_NEWER())
        integrity = [row[0] for row in connection.execute("PRAGMA integrity_check(20)")]
        info["integrity_check"] = integrity
        if integrity != ["ok"]:
            problems.append(P_INTEGRITY())
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        info["row_counts"] = {t: _one(connection, f'SELECT count(*) FROM "{t}"') for t in tables}
        info["settings"] = _settings(connection) if "setting" in tables else {}
        if "outbox_change" in tables:
            info["outbox"] = _outbox(connection)
        if "sync_state" in tables:
            info["sync_state"] = _sync_state(connection)
        if "audit_entry" in tables:
            info["audit_entries"] = _one(connection, "SELECT count(*) FROM audit_entry")
    except sqlite3.DatabaseError as exc:
        problems.append(P_DB_UNREADABLE())
        info["error"] = type(exc).__name__
    finally:
        connection.close()
    return info


def _one(connection: sqlite3.Connection, query: str) -> Any:
    try:
        row = connection.execute(query).fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _settings(connection: sqlite3.Connection) -> dict[str, str]:
    shown: dict[str, str] = {}
    for key, value in connection.execute("SELECT key, value FROM setting ORDER BY key"):
        if key in SHOWN_SETTINGS:
            shown[key] = str(value)
        elif key in URL_SETTINGS:
            shown[key] = safe_url(str(value))
        else:
            shown[key] = "(withheld)"
    return shown


def safe_url(url: str) -> str:
    """A server address without user, password, query or fragment (any of which may carry a secret)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "(unreadable)"


def _outbox(connection: sqlite3.Connection) -> dict[str, Any]:
    pending = dict(
        connection.execute(
            "SELECT entity, count(*) FROM outbox_change WHERE acked_at IS NULL GROUP BY entity ORDER BY entity"
        ).fetchall()
    )
    return {
        "pending": sum(pending.values()),
        "acknowledged": _one(connection, "SELECT count(*) FROM outbox_change WHERE acked_at IS NOT NULL"),
        "pending_by_entity": pending,
        "oldest_pending_at": _one(
            connection, "SELECT min(created_at) FROM outbox_change WHERE acked_at IS NULL"
        ),
    }


def _sync_state(connection: sqlite3.Connection) -> list[dict[str, Any]]:
    present = {row[1] for row in connection.execute("PRAGMA table_info(sync_state)")}
    columns = [c for c in SYNC_STATE_COLUMNS if c in present]
    if not columns:
        return []
    rows = connection.execute(f"SELECT {', '.join(columns)} FROM sync_state").fetchall()
    states = []
    for row in rows:
        state = dict(zip(columns, row, strict=True))
        if state.get("server_url"):
            state["server_url"] = safe_url(str(state["server_url"]))
        states.append(state)
    return states


def _keyring_summary(data_dir: DataDir) -> dict[str, Any]:
    if not data_dir.keyring.exists():
        return {"present": False}
    try:
        ring = Keyring.load(data_dir.keyring)
    except KeyringError:
        return {"present": True, "readable": False}
    slots = ring.data.get("slots", {})
    return {
        "present": True,
        "readable": True,
        "office_code": ring.office_code,
        "index_suite": ring.index_suite.value,
        "active_suite": ring.active_suite.value,
        "keys": len(ring.data.get("keys", [])),
        "password_slots": sum(1 for s in slots.values() if s.get("kind") == "password"),
        "recovery_slot": "recovery" in slots,
    }


def _verify(
    data_dir: DataDir, login: str, password: str, clock: Callable[[], float] | None, problems: list[Message]
) -> dict[str, Any]:
    """The audit chain and the key check, read-only, behind the same lockout as an unlock."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from app.audit import verify_chain
    from models import Setting

    try:
        ring = Keyring.load(data_dir.keyring)
    except KeyringError as exc:
        raise Tampering(KEY_MISSING() if exc.code == "missing" else KEY_DAMAGED()) from None
    lockout = Lockout(data_dir.lockout, clock) if clock else Lockout(data_dir.lockout)
    wait = lockout.seconds_left(login)
    if wait:
        raise Refused(LOCKED_OUT(seconds=wait))
    try:
        unlocked = ring.unlock_with_password(login, password)
    except (WrongSecret, UnknownUser):
        wait = lockout.record_failure(login)
        raise Refused(WRONG_PASSWORD_WAIT(seconds=wait) if wait else WRONG_PASSWORD()) from None
    except KeyringError:
        raise Tampering(KEY_DAMAGED()) from None
    lockout.clear(login)
    if not data_dir.database.exists():
        return {"checked": False, "reason": "no database"}
    sealer = unlocked.sealer()
    engine = create_engine("sqlite://", creator=lambda: _connect(data_dir.database))
    try:
        with Session(engine) as session:
            stored = session.get(Setting, "key_check")
            try:
                belongs = stored is not None and (
                    sealer.open("setting", "value", "key_check", bytes.fromhex(stored.value))
                    == ring.office_code
                )
            except (TamperedError, ValueError):
                belongs = False
            check = verify_chain(session, ring.index_suite, sealer.audit_key)
    finally:
        engine.dispose()
    if not belongs:
        problems.append(P_OTHER_KEY(office=ring.office_code))
    if not check.ok:
        problems.append(P_AUDIT(seq=check.broken_at))
    return {
        "checked": True,
        "key_matches_database": belongs,
        "entries": check.entries,
        "broken_at": check.broken_at,
    }


def _log_tail(folder: Path) -> str:
    files = sorted(folder.glob("rehabdesk.log*"), key=_log_order) if folder.exists() else []
    lines: list[str] = []
    for path in files:  # newest last
        with contextlib.suppress(OSError):
            lines.extend(path.read_text("utf-8", errors="replace").splitlines())
    return "\n".join(lines[-LOG_LINES:]) + ("\n" if lines else "")


def _log_order(path: Path) -> int:
    """rehabdesk.log.5 is the oldest, rehabdesk.log the newest."""
    suffix = path.name.removeprefix("rehabdesk.log").lstrip(".")
    return -int(suffix) if suffix.isdigit() else 0


def _as_text(report: dict[str, Any]) -> str:
    lines = ["RehabDesk diagnostics", ""]

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for index, inner in enumerate(value):
                walk(inner, f"{prefix}[{index}]")
        else:
            lines.append(f"{prefix}: {value}")

    walk(report, "")
    return "\n".join(lines) + "\n"


def problem_summary(bundle: Bundle, lang: str | None = None) -> str | None:
    """The problems found, as one sentence in the reader's language; None when there were none."""
    if not bundle.problems:
        return None
    separator = "；" if (lang or current_language()) != "en" else "; "
    joined = separator.join(p.render(lang) for p in bundle.problems)
    return DIAGNOSTICS_PROBLEMS.render(lang, problems=joined)
