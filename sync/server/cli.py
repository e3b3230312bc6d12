"""``rehabdesk-server`` (also ``python -m sync.server``): run the sync server and administer it.

Every command takes ``--database-url`` (default: $REHABDESK_SERVER_DB, else ``rehabdesk-server.db`` in
the current directory). An expected failure prints one sentence in Chinese, then English, on stderr and
exits non-zero; a traceback means a bug.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from sync.server import bundles, changelog, devices, enrolment, migrate, offices
from sync.server.db import ENV_DATABASE, Storage, default_url, describe_url
from sync.server.problems import AdminError

EXIT_ERROR = 1
EXIT_DATABASE = 2
EXIT_USAGE = 64


class CliError(Exception):
    def __init__(self, zh: str, en: str, code: int = EXIT_ERROR) -> None:
        super().__init__(en)
        self.zh, self.en, self.code = zh, en, code


def actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in this environment (a container without /etc/passwd entry)
        return "cli"


def say(zh: str, en: str, stream: object = None) -> None:
    print(f"{zh} {en}", file=stream or sys.stdout)  # type: ignore[arg-type]


# ---- commands ---------------------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace, storage: Storage) -> int:
    import uvicorn

    migrate.upgrade(storage)
    storage.dispose()
    os.environ[ENV_DATABASE] = storage.url  # each worker process makes its app from it
    say(
        f"同步服务器在 http://{args.host}:{args.port} 上运行（数据库 {describe_url(storage.url)}）。",
        f"The sync server runs on http://{args.host}:{args.port} (database {describe_url(storage.url)}).",
        sys.stderr,
    )
    uvicorn.run(
        "sync.server.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
        log_level=args.log_level,
    )
    return 0


def cmd_migrate(_args: argparse.Namespace, storage: Storage) -> int:
    migrate.upgrade(storage)
    say(
        f"数据库已是最新结构（{migrate.head_revision()}）。",
        f"The database schema is up to date ({migrate.head_revision()}).",
    )
    return 0


def cmd_office_add(args: argparse.Namespace, storage: Storage) -> int:
    office = storage.write(lambda s: offices.add(s, args.code, args.name, actor()))
    say(f"已添加单位 {office.code} {office.name}。", f"Office {office.code} {office.name} is registered.")
    return 0


def cmd_office_list(args: argparse.Namespace, storage: Storage) -> int:
    with storage.read() as session:
        found = offices.list_all(session)
    if args.json:
        print(json.dumps([{"code": o.code, "name": o.name} for o in found], ensure_ascii=False, indent=2))
    for office in [] if args.json else found:
        print(f"{office.code}  {office.name}")
    return 0


def cmd_enroll(args: argparse.Namespace, storage: Storage) -> int:
    if args.expires_hours <= 0:
        raise CliError("--expires-hours 必须大于零。", "--expires-hours must be more than zero.", EXIT_USAGE)
    new = storage.write(
        lambda s: enrolment.make_code(
            s, args.office, args.role, actor(), args.scope, timedelta(hours=args.expires_hours)
        )
    )
    print(new.code)
    say(
        f"一次性登记码：单位 {new.office_code} {new.office_name}，角色 {new.role}，范围 {new.scope}，"
        f"有效至 {new.expires_at:%Y-%m-%d %H:%M} UTC。",
        f"One-time enrolment code: office {new.office_code}, role {new.role}, scope {new.scope}, "
        f"valid until {new.expires_at:%Y-%m-%d %H:%M} UTC.",
        sys.stderr,
    )
    return 0


def cmd_devices_list(args: argparse.Namespace, storage: Storage) -> int:
    with storage.read() as session:
        found = devices.list_all(session)
    if args.json:
        rows = [
            {
                "id": d.id,
                "name": d.name,
                "office_code": d.office_code,
                "scope": d.scope,
                "role": d.role,
                "client_version": d.client_version,
                "enrolled_at": d.enrolled_at.isoformat(),
                "last_seen": d.last_seen.isoformat() if d.last_seen else None,
                "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None,
            }
            for d in found
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not found:
        say("还没有登记任何设备。", "No device is enrolled yet.")
    for d in found:
        seen = f"{d.last_seen:%Y-%m-%d %H:%M}" if d.last_seen else "-"
        state = f"revoked {d.revoked_at:%Y-%m-%d}" if d.revoked_at else "active"
        print(f"{d.id}  {d.office_code}  {d.scope:<9}  {d.role:<10}  {seen:<16}  {state:<18}  {d.name}")
    return 0


def cmd_revoke(args: argparse.Namespace, storage: Storage) -> int:
    def work(session: Session) -> tuple[str, bool]:
        device = devices.find(session, args.device)
        if device is None:
            raise CliError(
                f"找不到设备 {args.device}（用 devices list 查看编号）。",
                f"There is no device {args.device} (devices list shows the ids).",
            )
        return device.id, devices.revoke(session, device, actor())

    device_id, changed = storage.write(work)
    if changed:
        say(
            f"已停用设备 {device_id}；它本机的数据保持不变，但不能再同步。",
            f"Device {device_id} is revoked; its data stays on the computer, but it can no longer sync.",
        )
    else:
        say(f"设备 {device_id} 之前已被停用。", f"Device {device_id} was revoked already.")
    return 0


def cmd_import_bundle(args: argparse.Namespace, storage: Storage) -> int:
    blob = _read(args.file)
    imported = bundles.import_up(storage, blob, actor())
    results = imported.response.results
    applied = sum(r.status == "applied" for r in results)
    duplicates = sum(r.status == "duplicate" for r in results)
    rejected = [r for r in results if r.status == "rejected"]
    say(
        f"已导入设备 {imported.device_id} 的同步包：新应用 {applied} 条，已有 {duplicates} 条，拒绝 {len(rejected)} 条。",
        f"Imported device {imported.device_id}'s bundle: {applied} applied, {duplicates} already there, "
        f"{len(rejected)} refused.",
    )
    for result in rejected:
        print(f"  seq {result.seq}: {result.code} — {result.message_zh} {result.message_en}")
    return 0


def cmd_export_bundle(args: argparse.Namespace, storage: Storage) -> int:
    blob, exported = bundles.export_down(storage, args.device, args.after, actor())
    target = Path(args.out)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_bytes(blob)
        partial.replace(target)
    except OSError as exc:
        raise CliError(
            f"无法写入 {target}（{exc.strerror}）。", f"Cannot write {target} ({exc.strerror})."
        ) from None
    say(
        f"已写出 {exported.changes} 条修改到 {target}；设备导入后从同步位置 {exported.cursor} 继续。",
        f"Wrote {exported.changes} changes to {target}; once imported, the device continues after {exported.cursor}.",
    )
    return 0


def cmd_compact(args: argparse.Namespace, storage: Storage) -> int:
    deleted = storage.write(lambda s: changelog.compact(s, args.before, actor()))
    say(
        f"已删除同步位置 {args.before} 之前的 {deleted} 条日志；更早的设备需要重新下载快照。",
        f"Deleted {deleted} log entries before cursor {args.before}; devices behind it will take a snapshot.",
    )
    return 0


def cmd_restored(_args: argparse.Namespace, storage: Storage) -> int:
    floor = storage.write(lambda s: changelog.reopen_after_restore(s, actor()))
    say(
        f"同步日志已从位置 {floor} 重新开始：各设备下次同步时重新下载快照，并重新发送备份之后服务器丢失的修改。",
        f"The change log starts again at cursor {floor}: at their next sync the devices take a fresh "
        "snapshot and send again the changes the server lost since the backup.",
    )
    return 0


def cmd_openapi(args: argparse.Namespace, _storage: Storage | None) -> int:
    from sync.server.app import create_app

    text = openapi_text(create_app("sqlite://"))
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def openapi_text(app: object) -> str:
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"  # type: ignore[attr-defined]


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(
            f"无法读取 {path}（{exc.strerror}）。", f"Cannot read {path} ({exc.strerror})."
        ) from None


# ---- parsing ----------------------------------------------------------------------------------------------
def _cursor(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        help="postgresql+psycopg://user@host/db or sqlite:///path (default: $REHABDESK_SERVER_DB, "
        "else rehabdesk-server.db here)",
    )
    top = argparse.ArgumentParser(
        prog="rehabdesk-server", description="RehabDesk sync server", parents=[common]
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, run: Callable[..., int] | None, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        if run is not None:
            sub.set_defaults(run=run)
        return sub

    serve = add("serve", cmd_serve, "migrate the database, then serve the sync API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8750)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (all share the database)")
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="reverse proxies whose X-Forwarded-For is trusted (the enrolment rate limit counts per client)",
    )
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    add("migrate", cmd_migrate, "bring the database schema up to date")

    office = add("office", None, "offices")
    office_commands = office.add_subparsers(dest="office_command", required=True, metavar="ACTION")
    office_add = office_commands.add_parser("add", parents=[common], help="register an office (or rename it)")
    office_add.add_argument("code", help="9 digits: the county's 6 and the township's 3")
    office_add.add_argument("name")
    office_add.set_defaults(run=cmd_office_add)
    office_list = office_commands.add_parser("list", parents=[common], help="list offices")
    office_list.add_argument("--json", action="store_true")
    office_list.set_defaults(run=cmd_office_list)

    enroll = add("enroll", cmd_enroll, "make a one-time enrolment code for a device")
    enroll.add_argument("--office", required=True)
    enroll.add_argument("--role", required=True, choices=enrolment.ROLES)
    enroll.add_argument(
        "--scope", help="a county's 6 digits: a county supervisor's device sees every township"
    )
    enroll.add_argument("--expires-hours", type=float, default=72)

    devices_parser = add("devices", None, "devices")
    devices_commands = devices_parser.add_subparsers(dest="devices_command", required=True, metavar="ACTION")
    devices_list = devices_commands.add_parser("list", parents=[common], help="list enrolled devices")
    devices_list.add_argument("--json", action="store_true")
    devices_list.set_defaults(run=cmd_devices_list)

    revoke = add("revoke", cmd_revoke, "revoke a device (its token stops working at once)")
    revoke.add_argument("device", help="the device id (or its first 8+ characters)")

    imp = add("import-bundle", cmd_import_bundle, "apply a device's USB bundle (exactly once)")
    imp.add_argument("file")

    exp = add("export-bundle", cmd_export_bundle, "write a device's pull after a cursor to a USB bundle")
    exp.add_argument("--device", required=True)
    exp.add_argument("--after", required=True, type=_cursor)
    exp.add_argument("--out", required=True)

    compact = add(
        "compact", cmd_compact, "delete the change log below a cursor (devices behind it re-snapshot)"
    )
    compact.add_argument("--before", required=True, type=_cursor)

    add(
        "restored",
        cmd_restored,
        "after restoring the database from a backup: devices re-snapshot and send again what it lost",
    )

    openapi = add("openapi", cmd_openapi, "print the OpenAPI document (docs/sync-openapi.json)")
    openapi.add_argument("--out")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    url = getattr(args, "database_url", None) or default_url()
    storage: Storage | None = None
    try:
        if args.run is cmd_openapi:
            return cmd_openapi(args, None)
        try:
            storage = Storage(url)
        except Exception:  # an unparsable or unsupported URL
            raise CliError(
                f"数据库地址无效：{describe_url(url)}（应为 postgresql+psycopg://… 或 sqlite:///…）。",
                f"The database URL is not valid: {describe_url(url)} (use postgresql+psycopg://… or sqlite:///…).",
                EXIT_USAGE,
            ) from None
        if args.run not in (cmd_serve, cmd_migrate) and not migrate.is_current(storage):
            raise CliError(
                "数据库尚未建立或结构较旧；请先运行 rehabdesk-server migrate。",
                "The database is not set up or its schema is old; run rehabdesk-server migrate first.",
            )
        return int(args.run(args, storage))
    except CliError as exc:
        say(exc.zh, exc.en, sys.stderr)
        return exc.code
    except AdminError as exc:
        say(exc.zh, exc.en, sys.stderr)
        return EXIT_ERROR
    except (OperationalError, ProgrammingError) as exc:
        detail = type(getattr(exc, "orig", exc)).__name__
        say(
            f"无法使用数据库 {describe_url(url)}（{detail}）；请检查它是否在运行、地址和权限是否正确。",
            f"Cannot use the database {describe_url(url)} ({detail}); check that it runs and that the URL and "
            "permissions are right.",
            sys.stderr,
        )
        return EXIT_DATABASE
    except KeyboardInterrupt:
        return 130
    finally:
        if storage is not None:
            storage.dispose()
