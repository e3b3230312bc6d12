"""The command line: ``rehabdesk`` (or ``python -m app``).

Every command takes ``--data-dir``, ``--user`` and the password from REHABDESK_PASSWORD or a prompt.
Expected failures print one sentence on stderr in the user's language and exit non-zero; nothing
prints a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.cli_help import localise
from app.errors import UserError
from app.logs import describe_unexpected, log, setup_file_logging
from app.paths import DataDir, default_data_dir
from app.services import codec
from app.store.store import Store
from app.store.unlock import PASSWORDS_DIFFER
from models.enums import Role
from models.text import Text, current_language

PASSWORD_ENV = "REHABDESK_PASSWORD"
USER_ENV = "REHABDESK_USER"
RECOVERY_ENV = "REHABDESK_RECOVERY_KEY"

NEED_USER = Text(
    "请用 --user 指定用户名（或设置环境变量 REHABDESK_USER）。",
    "Name the user with --user (or set REHABDESK_USER).",
)
NEED_PASSWORD = Text(
    "需要密码：请设置环境变量 {env}，或在终端中运行以便输入。",
    "A password is needed: set {env}, or run the command in a terminal to type it.",
)
UNEXPECTED = Text(
    "发生了意外错误，操作未完成，数据未被改动。错误已记入日志（不含个人信息），请联系信息技术人员。",
    "An unexpected error stopped the operation; no data was changed. It was logged (without personal data); "
    "please contact IT staff.",
)
INTERRUPTED = Text("已取消。", "Cancelled.")
RECOVERY_SHOWN_ONCE = Text(
    "恢复密钥（只显示这一次，请抄写或打印后存放在办公室保险柜中；忘记所有密码时凭它重设密码）：",
    "Recovery key (shown only this once: write it down or print it and keep it in the office safe; it resets "
    "passwords when all are forgotten):",
)
INIT_DONE = Text(
    "已建立办公室 {code} {name}，管理员 {admin}。", "Set up office {code} {name} with administrator {admin}."
)
DEMO_DONE = Text(
    "演示办公室已建立：{persons} 名人员，{facts} 条记录。登录用户见 README。",
    "The demo office is ready: {persons} persons, {facts} records. The README lists the demo users.",
)
IMPORT_DRY = Text(
    "试导入：共 {rows} 行，{good} 行可导入，{bad} 行有问题。未写入任何数据。",
    "Dry run: {rows} rows, {good} can be imported, {bad} have problems. Nothing was written.",
)
IMPORT_REFUSED = Text(
    "文件中有 {bad} 行有问题，未导入任何数据。请修改后重试，或加 --good-rows-only 只导入无问题的行。",
    "{bad} rows have problems, so nothing was imported. Fix them and try again, or add --good-rows-only to "
    "import only the good rows.",
)
IMPORT_DONE = Text("已导入 {good} 行，跳过 {bad} 行。", "Imported {good} rows, skipped {bad}.")
EXPORT_DONE = Text(
    "已导出 {rows} 行到 {path}。注意：该文件含未加密的个人信息，请妥善保管，用后删除。此次导出已记入审计日志。",
    "Exported {rows} rows to {path}. This file holds unencrypted personal data: keep it safe and delete it "
    "after use. The export was audited.",
)
AUDIT_SHOWN = Text(
    "显示最新的 {shown} 条，共 {total} 条符合条件；加 --limit 0 显示全部，或用 audit export 导出。",
    "Showing the newest {shown} of {total} matching entries; add --limit 0 for all, or use audit export.",
)
PASSWORD_CHANGED = Text("已为 {login} 设置新密码。", "The password of {login} was changed.")
USER_ADDED = Text("已添加用户 {login}（{role}）。", "Added user {login} ({role}).")
USER_DEACTIVATED = Text("已停用用户 {login}。", "Deactivated user {login}.")
INDICATORS_HEADER = Text(
    "{scope} {period} 指标（数据截至 {as_of}）：", "Indicators of {scope}, {period} (figures as at {as_of}):"
)
REPORT_DONE = Text(
    "已生成报告 {path}。此次导出已记入审计日志。", "Wrote the report to {path}. The export was audited."
)
REPORT_FULL_NAMES = Text(
    "注意：该报告含完整姓名，属敏感个人信息，请妥善保管，用后删除。",
    "Note: this report holds full names, which are sensitive personal data: keep it safe and delete it "
    "after use.",
)


def say(text: Text, **params: Any) -> None:
    print(text.render(**params))


def dump_json(value: Any) -> None:
    json.dump(codec.to_json(value), sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


# ---- unlocking ------------------------------------------------------------------------------------------
def read_password(prompt_zh: str, prompt_en: str, *, confirm: bool = False) -> str:
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(NEED_PASSWORD(env=PASSWORD_ENV))
    prompt = prompt_en if current_language() == "en" else prompt_zh
    first = getpass.getpass(prompt + ": ")
    if confirm and getpass.getpass(("Again" if current_language() == "en" else "再输入一次") + ": ") != first:
        raise UserError(PASSWORDS_DIFFER())
    return first


def unlock(args: argparse.Namespace) -> Store:
    from app.store.unlock import open_store

    login = args.user or os.environ.get(USER_ENV)
    if not login:
        raise UserError(NEED_USER())
    return open_store(args.data_dir, login, read_password("密码", "Password"))


def with_store(
    action: Callable[[Store, argparse.Namespace], int | None],
) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        store = unlock(args)
        try:
            return action(store, args) or 0
        finally:
            store.close()

    return run


# ---- commands -------------------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    from app.crypto.suites import Suite
    from app.store.unlock import init_store

    password = read_password("管理员密码", "Administrator password", confirm=True)
    store, recovery = init_store(
        args.data_dir,
        office_code=args.office,
        office_name=args.office_name,
        admin_login=args.admin,
        admin_password=password,
        suite=Suite.from_name(args.suite),
    )
    store.close()
    say(INIT_DONE, code=args.office, name=args.office_name, admin=args.admin)
    say(RECOVERY_SHOWN_ONCE)
    print(recovery)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo.load import create_demo_office

    summary = create_demo_office(args.data_dir, persons=args.persons, seed=args.seed)
    say(DEMO_DONE, persons=summary.persons, facts=summary.facts)
    return 0


def cmd_import(store: Store, args: argparse.Namespace) -> int:
    from app.services.imports import import_ledger

    report = import_ledger(
        store, args.kind, args.file, dry_run=args.dry_run, good_rows_only=args.good_rows_only
    )
    if args.json:
        dump_json(report.as_json())
    else:
        for problem in report.problems:
            print(problem.describe().render(), file=sys.stderr)
    bad = report.bad_rows
    if args.dry_run:
        say(IMPORT_DRY, rows=report.rows, good=report.rows - bad, bad=bad)
        return 1 if bad else 0
    if not report.imported and bad:
        print(IMPORT_REFUSED.render(bad=bad), file=sys.stderr)
        return 1
    say(IMPORT_DONE, good=report.imported, bad=bad)
    return 0


def cmd_export(store: Store, args: argparse.Namespace) -> int:
    from app.services.exports import export_ledger

    rows = export_ledger(store, args.kind, args.out)
    print(EXPORT_DONE.render(rows=rows, path=args.out), file=sys.stderr)
    return 0


def cmd_person_list(store: Store, args: argparse.Namespace) -> int:
    from app.services import persons

    rows = persons.search(store, args.search) if args.search else persons.summaries(store)
    if args.json:
        dump_json(rows)
        return 0
    lang = current_language()
    for r in rows:
        print(
            f"{r.record_no}\t{r.name}\t{r.gender.label.render(lang)}\t{r.id_number}\t{r.status.label.render(lang)}"
        )
    return 0


def cmd_person_show(store: Store, args: argparse.Namespace) -> int:
    from app.services import caseload, facts, persons

    person_id = persons.resolve(store, args.person)
    file = persons.open_file(store, person_id)
    history = facts.history(store, person_id)
    review = caseload.person_review(store, person_id)
    summary = persons.summaries(store, [person_id])[0]
    payload = {
        "risk_colour": review.risk.colour,
        "risk_reason": review.risk.reason.render(),
        "tasks": [_task_json(summary, task) for task in review.tasks],
        "warnings": [
            {
                "rule": w.rule,
                "rule_name": w.rule_name.render(),
                "severity": w.severity,
                "since": w.on,
                "message": w.message.render(),
            }
            for w in review.warnings
        ],
        "next_due": {
            kind: {"opens": w.opens, "due": w.due} if w else None
            for kind, w in caseload.next_due_dates(store, person_id).items()
        },
        "file": file,
        "facts": [
            {
                "kind": h.current.kind,
                "fact_id": h.current.fact_id,
                "current": h.current,
                "earlier": list(h.earlier),
                "voided": h.voided,
            }
            for h in history
        ],
    }
    if args.json:
        dump_json(payload)
        return 0
    lang = current_language()
    print(
        f"{file.record_no}  {file.profile.name}  {file.status.label.render(lang)}  {review.risk.colour.label.render(lang)}"
    )
    for task in review.tasks:
        print(f"  {'!' if task.overdue else '-'} {task.due}  {task.message.render(lang)}")
    for warning in review.warnings:
        print(f"  ⚠ {warning.message.render(lang)}")
    for h in history:
        mark = " (作废)" if h.voided else ""
        print(f"  {h.current.occurred_on}  {h.current.kind.label.render(lang)}  v{h.current.version}{mark}")
    return 0


def cmd_tasks(store: Store, args: argparse.Namespace) -> int:
    from datetime import date as date_type

    from app.services import users
    from app.services.today import due_items

    day = date_type.fromisoformat(args.date) if args.date else store.today()
    worker_id = users.find(store, args.worker).id if args.worker else None
    items = [i for i in due_items(store, day, worker_id) if i.kind is not None]
    if args.json:
        dump_json(items)
        return 0
    for item in items:
        print(f"{'!' if item.overdue else ' '} {item.due}  {item.record_no}  {item.name}  {item.message}")
    return 0


def _task_json(person: Any, task: Any) -> dict[str, Any]:
    return {
        "person_id": person.id,
        "record_no": person.record_no,
        "name": person.name,
        "kind": task.kind,
        "rule": task.rule,
        "rule_name": task.rule_name.render(),
        "opens": task.opens,
        "due": task.due,
        "closes": task.closes,
        "overdue": task.overdue,
        "message": task.message.render(),
    }


def cmd_users_add(store: Store, args: argparse.Namespace) -> int:
    from app.services import users

    password = read_password(f"{args.login} 的密码", f"Password for {args.login}", confirm=True)
    role = Role(args.role)
    users.add(store, args.login, role, password, args.display_name or "")
    say(USER_ADDED, login=args.login, role=role.label.render())
    return 0


def cmd_users_list(store: Store, args: argparse.Namespace) -> int:
    from app.services import users

    rows = users.list_users(store)
    if args.json:
        dump_json(rows)
    else:
        for u in rows:
            print(f"{u.login}\t{u.role.label.render()}\t{'' if u.active else '×'}")
    return 0


def cmd_users_passwd(store: Store, args: argparse.Namespace) -> int:
    from app.services import users

    login = args.login or (store.actor.login if store.actor else "")
    new = _new_password(login)
    users.set_password(store, login, new)
    say(PASSWORD_CHANGED, login=login)
    return 0


def _new_password(login: str) -> str:
    value = os.environ.get("REHABDESK_NEW_PASSWORD")
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(NEED_PASSWORD(env="REHABDESK_NEW_PASSWORD"))
    return read_password(f"{login} 的新密码", f"New password for {login}", confirm=True)


def cmd_users_reset(args: argparse.Namespace) -> int:
    from app.store.unlock import reset_password_with_recovery

    recovery = os.environ.get(RECOVERY_ENV)
    if not recovery:
        if not sys.stdin.isatty():
            raise UserError(NEED_PASSWORD(env=RECOVERY_ENV))
        recovery = getpass.getpass("恢复密钥 / recovery key: ")
    reset_password_with_recovery(args.data_dir, recovery, args.login, _new_password(args.login))
    say(PASSWORD_CHANGED, login=args.login)
    return 0


def cmd_users_deactivate(store: Store, args: argparse.Namespace) -> int:
    from app.services import users

    users.deactivate(store, args.login)
    say(USER_DEACTIVATED, login=args.login)
    return 0


def cmd_audit_verify(store: Store, args: argparse.Namespace) -> int:
    from app.services.audit_log import chain_message, verify

    check = verify(store)
    if check.ok:
        print(chain_message(check).render())
        return 0
    print(chain_message(check).render(), file=sys.stderr)
    return 1


def _audit_filter(args: argparse.Namespace) -> Any:
    from app.services.audit_log import AuditFilter, parse_day

    return AuditFilter(
        user=args.by,
        person=args.person or "",
        action=args.action_code,
        start=parse_day(args.start),
        end=parse_day(args.end),
    )


def cmd_audit_list(store: Store, args: argparse.Namespace) -> int:
    from app.services import audit_log

    wanted = _audit_filter(args)
    if args.limit > 0:
        page = audit_log.query(store, wanted, 0, args.limit)
        rows, total = list(page.rows), page.total
    else:
        rows = list(audit_log.entries(store, wanted))
        total = len(rows)
    if args.json:
        dump_json([audit_log.as_json(r) for r in rows])
    else:
        lang = current_language()
        for r in rows:
            when = audit_log.local_time(r.at)
            label = r.action_label.render(lang)
            print(f"{r.seq}\t{when}\t{r.user or '-'}\t{label}\t{r.record_no or ''}\t{r.details_text(lang)}")
    if len(rows) < total:
        print(AUDIT_SHOWN.render(shown=len(rows), total=total), file=sys.stderr)
    return 0


def cmd_audit_export(store: Store, args: argparse.Namespace) -> int:
    from app.services import audit_log

    rows = audit_log.export(store, _audit_filter(args), args.out)
    print(audit_log.EXPORTED.render(rows=rows, path=args.out), file=sys.stderr)
    return 0


def sync_command(name: str) -> Callable[[Store, argparse.Namespace], int]:
    """A command of the sync client, found at run time: the client imports the core, not the reverse."""

    def run(store: Store, args: argparse.Namespace) -> int:
        import importlib

        return int(getattr(importlib.import_module("sync.client.commands"), name)(store, args))

    return run


def cmd_indicators(store: Store, args: argparse.Namespace) -> int:
    from app.indicators import for_store, percent, to_json

    ind = for_store(store, args.period, args.scope)
    if args.json:
        dump_json(to_json(ind))
        return 0
    lang = current_language()
    say(INDICATORS_HEADER, scope=ind.scope.code, period=ind.period.label(lang), as_of=ind.as_of)
    for f in ind.figures:
        ratio = str(f.numerator) if f.denominator is None else f"{f.numerator}/{f.denominator}"
        print(f"{f.name.render(lang)}\t{percent(f.value, f.kind)}\t{ratio} {f.unit.render(lang)}")
        print(f"    {f.definition.render(lang)}")
    return 0


def cmd_report(store: Store, args: argparse.Namespace) -> int:
    # PDF is drawn by Qt, which the core does not import: the writer is found at run time (as for `start`).
    import importlib

    from app.reports import export_report, report_format

    fmt = report_format(args.out, args.format)
    pdf = None
    if fmt == "pdf":
        try:
            pdf = importlib.import_module("ui.reports_pdf").report_pdf
        except ImportError:
            pdf = None  # export_report says a PDF cannot be made here
    export_report(
        store, args.period, args.out, scope=args.scope, fmt=fmt, full_names=args.full_names, pdf=pdf
    )
    print(REPORT_DONE.render(path=args.out), file=sys.stderr)
    if args.full_names:
        print(REPORT_FULL_NAMES.render(), file=sys.stderr)
    return 0


def cmd_start(args: argparse.Namespace) -> int:
    # The GUI is optional in a build (a headless tool has none), so the core finds it at run time.
    import importlib

    return int(importlib.import_module("ui.app").run(args.data_dir, crash_dialog=not args.no_crash_dialog))


def cmd_shots(args: argparse.Namespace) -> int:
    import importlib

    return int(importlib.import_module("ui.shots").run(args.out, args.lang))


def cmd_selftest(args: argparse.Namespace) -> int:
    from app.selftest import run_selftest

    return run_selftest(print)


# ---- parser ---------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    # The common options may stand before or after the command; SUPPRESS keeps a subcommand's parser from
    # overwriting a value given before the command with its own default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help="data directory")
    common.add_argument("--user", default=argparse.SUPPRESS, help="user name (or REHABDESK_USER)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print data as JSON")

    parser = argparse.ArgumentParser(
        prog="rehabdesk", description="社区戒毒康复工作台 RehabDesk", parents=[common]
    )
    parser.add_argument("--version", action="version", version=f"RehabDesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help_: str, parent: Any = sub) -> Any:
        p = parent.add_parser(name, help=help_, parents=[common])
        p.set_defaults(run=run)
        return p

    p = command("init", cmd_init, "set up a new office")
    p.add_argument("--office", required=True, help="9-digit office code, e.g. 640104001")
    p.add_argument("--office-name", required=True)
    p.add_argument("--admin", required=True, help="the administrator's user name")
    p.add_argument("--suite", choices=["aes", "sm4"], default="aes", help="cipher suite (default aes)")

    p = command("demo", cmd_demo, "set up a demo office with synthetic data")
    p.add_argument("--persons", type=int, default=120)
    p.add_argument("--seed", type=int, default=1)

    p = command("import", with_store(cmd_import), "import a CSV or XLSX ledger")
    p.add_argument("kind", choices=["persons", "visits", "tests", "assistance"])
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    p.add_argument("--good-rows-only", action="store_true", help="import the good rows even if some are bad")

    p = command("export", with_store(cmd_export), "export to CSV or XLSX (plaintext, audited)")
    p.add_argument("kind", choices=["persons", "visits", "tests", "assistance"])
    p.add_argument("--out", type=Path, required=True)

    person = sub.add_parser("person", help="people").add_subparsers(dest="action", required=True)
    p = command("list", with_store(cmd_person_list), "list or search people", person)
    p.add_argument("--search", default="")
    p = command("show", with_store(cmd_person_show), "a person's file (audited)", person)
    p.add_argument("person", help="record number, ID number or id")

    p = command("tasks", with_store(cmd_tasks), "what is due and overdue")
    p.add_argument("--date", default=None, help="the day to plan for (YYYY-MM-DD; default today)")
    p.add_argument("--worker", default=None, help="only this worker's caseload")

    users = sub.add_parser("users", help="users").add_subparsers(dest="action", required=True)
    p = command("add", with_store(cmd_users_add), "add a user (admin)", users)
    p.add_argument("login")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.WORKER.value)
    p.add_argument("--display-name", default="")
    command("list", with_store(cmd_users_list), "list users", users)
    p = command("passwd", with_store(cmd_users_passwd), "change a password (REHABDESK_NEW_PASSWORD)", users)
    p.add_argument("login", nargs="?")
    p = command("reset", cmd_users_reset, "reset a password with the recovery key", users)
    p.add_argument("login")
    p = command("deactivate", with_store(cmd_users_deactivate), "deactivate a user (admin)", users)
    p.add_argument("login")

    audit = sub.add_parser("audit", help="the audit chain").add_subparsers(dest="action", required=True)
    command("verify", with_store(cmd_audit_verify), "verify the audit hash chain", audit)
    for name, run, help_ in (
        ("list", cmd_audit_list, "audit entries, newest first (supervisors and administrators)"),
        ("export", cmd_audit_export, "export audit entries to CSV or XLSX (audited)"),
    ):
        p = command(name, with_store(run), help_, audit)
        # --by, not --user: --user already names who runs the command.
        p.add_argument("--by", default=None, metavar="LOGIN", help="only entries made by this user")
        p.add_argument("--person", default=None, help="a record number, or a name (not for administrators)")
        p.add_argument(
            "--action",
            dest="action_code",  # "action" already names the audit subcommand
            default=None,
            help="an action code such as person.open, or its group: person",
        )
        p.add_argument("--from", dest="start", default=None, help="from this day (YYYY-MM-DD)")
        p.add_argument("--to", dest="end", default=None, help="up to and including this day (YYYY-MM-DD)")
        if name == "list":
            p.add_argument("--limit", type=int, default=200, help="at most this many, newest first (0: all)")
        else:
            p.add_argument("--out", type=Path, required=True, help="the .csv or .xlsx file to write")

    p = command(
        "enroll", with_store(sync_command("enroll")), "enrol this computer with a sync server (admin)"
    )
    p.add_argument("--server", help="the sync server's address (https://...); default: the provisioned one")
    p.add_argument(
        "--code", help="the one-time enrolment code IT made on the server; default: the provisioned one"
    )
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the server")

    p = command("sync", with_store(sync_command("sync")), "sync with the server until Ctrl+C (or --once)")
    p.add_argument("--once", action="store_true", help="push, pull, print a summary and exit")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the server")
    sync_actions = p.add_subparsers(dest="action", metavar="ACTION")
    command(
        "status",
        with_store(sync_command("status")),
        "what waits, what was refused, the last sync",
        sync_actions,
    )
    p = command(
        "export-bundle",
        with_store(sync_command("export_bundle")),
        "the outbox as an encrypted USB bundle",
        sync_actions,
    )
    p.add_argument("--out", type=Path, required=True)
    p = command(
        "import-bundle",
        with_store(sync_command("import_bundle")),
        "apply a bundle from the server",
        sync_actions,
    )
    p.add_argument("file", type=Path)

    p = command("indicators", with_store(cmd_indicators), "indicators for a period and scope")
    p.add_argument("--period", required=True, help="a month 2026-10, a quarter 2026-Q4 or a year 2026")
    p.add_argument("--scope", default=None, help="office (9 digits) or county (6) code; default: this office")

    p = command("report", with_store(cmd_report), "the monthly report as XLSX or PDF (audited)")
    p.add_argument("--period", required=True, help="a month 2026-10, a quarter 2026-Q4 or a year 2026")
    p.add_argument("--scope", default=None, help="office (9 digits) or county (6) code; default: this office")
    p.add_argument("--format", choices=["xlsx", "pdf"], default=None, help="default: from the file name")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--full-names", action="store_true", help="full names, not surname + record (audited)")

    p = command("start", cmd_start, "start the desktop app")
    p.add_argument("--no-crash-dialog", action="store_true", help="log unexpected errors without a dialog")

    p = command("shots", cmd_shots, "render every page and form of a demo office to PNG")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")

    command("selftest", cmd_selftest, "check keys, ciphers, the store and migrations")

    # IT's maintenance commands: backup, restore, provision, diagnostics (app/maintenance/commands.py).
    from app.maintenance.commands import add_commands

    add_commands(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    localise(parser)
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    # Shared options are SUPPRESSed (see build_parser), so absent ones are filled in here.
    args.data_dir = getattr(args, "data_dir", None) or default_data_dir()
    args.user = getattr(args, "user", None)
    args.json = getattr(args, "json", False)
    data_dir = DataDir(args.data_dir)
    from app.maintenance.backup import finish_interrupted_restore

    finish_interrupted_restore(args.data_dir)  # a restore cut short by a crash completes first
    if data_dir.exists():
        setup_file_logging(data_dir.logs)
    try:
        return int(args.run(args))
    except UserError as exc:
        log.info("command %s refused: %s", args.command, type(exc).__name__)
        print(exc.render(), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(INTERRUPTED.render(), file=sys.stderr)
        return 130
    except BrokenPipeError:  # the output was piped into `head` and closed early: not an error
        return 0
    except Exception as exc:  # the last line of defence: a bug must not print personal data
        log.error("command %s failed: %s", args.command, describe_unexpected(exc))
        print(UNEXPECTED.render(), file=sys.stderr)
        return 70
