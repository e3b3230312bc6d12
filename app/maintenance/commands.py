"""The maintenance commands of ``rehabdesk``: backup, restore, provision, diagnostics.

``app.cli.build_parser`` calls ``add_commands`` with its ``command`` helper, so these commands take the
same common options (``--data-dir``, ``--user``, ``--json``) and fail the same way (one sentence on
stderr, no traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.errors import UserError

CommandAdder = Callable[..., Any]


def add_commands(command: CommandAdder) -> None:
    p = command("backup", cmd_backup, "back up the store, with its key file, to one .rdbak file")
    p.add_argument("--out", type=Path, required=True, help="the backup file to write, e.g. E:\\office.rdbak")

    p = command("restore", cmd_restore, "restore a .rdbak backup (the current data is moved aside)")
    p.add_argument("file", type=Path, help="the .rdbak backup file")
    p.add_argument(
        "--force-other-office", action="store_true", help="accept a backup of another office than this one"
    )

    p = command("provision", cmd_provision, "set up an office from a TOML or JSON file, with no questions")
    p.add_argument("file", type=Path, help="the provisioning file (see docs/deploy.md)")

    p = command("diagnostics", cmd_diagnostics, "write a support bundle without personal data")
    p.add_argument("--out", type=Path, required=True, help="the zip file to write")
    p.add_argument(
        "--verify",
        action="store_true",
        help="also check the audit chain (needs --user and the password; REHABDESK_PASSWORD does too)",
    )


def cmd_backup(args: argparse.Namespace) -> int:
    from app.cli import say
    from app.maintenance.backup import BACKUP_DONE, make_backup

    manifest = make_backup(args.data_dir, args.out)
    size = sum(int(m["size"]) for m in manifest.members.values())
    say(
        BACKUP_DONE,
        path=args.out,
        office=manifest.office_code,
        revision=manifest.schema_revision,
        size_mb=f"{size / 1_000_000:.1f}",
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.cli import say
    from app.maintenance.backup import (
        RESTORE_DONE,
        RESTORE_MOVED,
        RESTORE_RESUMED,
        RESTORE_UPGRADE,
        restore_backup,
    )

    result = restore_backup(args.data_dir, args.file, force_other_office=args.force_other_office)
    if result.resumed:
        say(RESTORE_RESUMED)
    manifest = result.manifest
    say(
        RESTORE_DONE,
        office=manifest.office_code,
        made_at=manifest.created_at,
        revision=manifest.schema_revision,
    )
    if result.replaced is not None:
        say(RESTORE_MOVED, path=result.replaced)
    if result.needs_upgrade:
        say(RESTORE_UPGRADE)
    return 0


def cmd_provision(args: argparse.Namespace) -> int:
    from app.cli import RECOVERY_SHOWN_ONCE, say
    from app.maintenance.provision import (
        PASSWORD_IN_FILE,
        PROVISIONED,
        PROVISIONED_POLICY,
        PROVISIONED_SYNC,
        load_provisioning,
        provision,
    )

    plan = load_provisioning(args.file)
    done = provision(args.data_dir, plan)
    say(
        PROVISIONED,
        code=done.office_code,
        name=done.office_name,
        admin=done.admin_login,
        suite=done.suite.value,
    )
    if done.policy:
        say(PROVISIONED_POLICY)
    if done.sync:
        say(PROVISIONED_SYNC, url=plan.server_url)
    if plan.password_from_file:
        print(PASSWORD_IN_FILE.render(), file=sys.stderr)
    say(RECOVERY_SHOWN_ONCE)
    print(done.recovery_key)
    return 0


def cmd_diagnostics(args: argparse.Namespace) -> int:
    from app.cli import NEED_USER, PASSWORD_ENV, USER_ENV, read_password, say
    from app.maintenance.diagnostics import (
        DIAGNOSTICS_DONE,
        DIAGNOSTICS_NOT_VERIFIED,
        problem_summary,
        write_bundle,
    )

    login = args.user or os.environ.get(USER_ENV)
    password = None
    if args.verify or (login and os.environ.get(PASSWORD_ENV)):
        if not login:
            raise UserError(NEED_USER())
        password = read_password("密码", "Password")
    bundle = write_bundle(args.data_dir, args.out, login=login, password=password)
    say(DIAGNOSTICS_DONE, path=args.out)
    if bundle.verify_error is not None:
        print(DIAGNOSTICS_NOT_VERIFIED.render(reason=bundle.verify_error.render()), file=sys.stderr)
        return bundle.verify_error.exit_code
    summary = problem_summary(bundle)
    if summary:
        print(summary, file=sys.stderr)
        return 1
    return 0
