"""Shared pieces of the maintenance tests: a populated synthetic office, a snapshot of everything in it as
the services read it, the CLI run as a real process, and file hashes.

Every name, ID number and phone here is invented (valid check digits, 170 test-range phones).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.services import audit_log, facts, measures, outbox, persons, users
from app.services.inputs import (
    AssistanceInput,
    DrugTestInput,
    MeasureInput,
    PersonInput,
    VisitInput,
    WorkGroupMemberInput,
)
from app.store.store import Store
from models import AuditEntry
from models.enums import AssistanceKind, Drug, FactKind, MeasureKind, VisitKind, WorkGroupRole
from tests.conftest import ADMIN, ADMIN_PW, TODAY, make_id

# The committed store at schema revision 0001 (tests/fixtures/make_store_0001.py tells how it was made).
# Synthetic, with the FAST key derivation; these are its real passwords and recovery key.
FIXTURE_0001 = Path(__file__).resolve().parents[1] / "fixtures" / "store-0001"
FIXTURE_ADMIN, FIXTURE_ADMIN_PW = "admin", "fixture-admin-0001"
FIXTURE_WORKER, FIXTURE_WORKER_PW = "worker1", "fixture-worker-0001"
FIXTURE_RECOVERY = "RCAL-5HNV-Z3P2-QJPO-DUWV-SXA6-5NMB-YIGA"

PERSON_A = {"name": "备份测试甲", "id": make_id("19880715", 11), "phone": "17000000011"}
PERSON_B = {"name": "备份测试乙", "id": make_id("19920301", 21), "phone": "17000000021"}
LATE = {"name": "备份之后丙", "id": make_id("19950505", 31)}


def populate(store: Store) -> None:
    """Two people with a measure, visits (one corrected), a test, assistance and a voided visit."""
    a = persons.register(
        store,
        PersonInput(
            name=PERSON_A["name"],
            id_number=PERSON_A["id"],
            phone=PERSON_A["phone"],
            residence_address="测试市备份路 1 号",
            drug_types=[Drug.METH],
            notes="备份备注",
            work_group=[WorkGroupMemberInput(WorkGroupRole.FAMILY, "测试家属", "17000000012")],
        ),
    ).created[0]
    b = persons.register(store, PersonInput(name=PERSON_B["name"], id_number=PERSON_B["id"])).created[0]
    measures.order(
        store,
        MeasureInput(a, MeasureKind.COMMUNITY_TREATMENT, date(2026, 1, 5), reported_on=date(2026, 1, 10)),
    )
    facts.record(store, VisitInput(a, date(2026, 2, 1), VisitKind.HOME, summary="走访一"))
    wrong = facts.record(store, VisitInput(a, date(2026, 3, 1), VisitKind.OFFICE, summary="写错")).created[0]
    facts.correct(store, wrong, VisitInput(a, date(2026, 3, 1), VisitKind.OFFICE, summary="走访二"), "笔误")
    facts.record(store, DrugTestInput(a, date(2026, 3, 2), kit_lot="LOT-9"))
    dup = facts.record(store, VisitInput(b, date(2026, 4, 1), VisitKind.PHONE, summary="重复")).created[0]
    facts.void(store, FactKind.VISIT, dup, "重复录入")
    facts.record(
        store,
        AssistanceInput(b, date(2026, 5, 1), AssistanceKind.TEMPORARY_RELIEF, amount=Decimal("500.00")),
    )


def add_late_person(store: Store) -> None:
    """A change made after the backup: it must be gone after the restore (and back in replaced-*)."""
    persons.register(store, PersonInput(name=LATE["name"], id_number=LATE["id"]))


def snapshot(store: Store) -> dict[str, Any]:
    """Everything in the office as the services read it (unaudited reads, so reading changes nothing)."""
    people = persons.summaries(store)
    with store.read() as session:
        audit_entries = session.scalar(select(func.count()).select_from(AuditEntry))
    return {
        "people": people,
        "files": [persons.read_file(store, p.id) for p in people],
        "facts": [facts.history(store, p.id) for p in people],
        "users": users.list_users(store),
        "outbox": outbox.pending_by_entity(store),
        "audit_entries": audit_entries,
        "fact_count": sum(len(facts.history(store, p.id)) for p in people),
    }


def chain_ok(store: Store) -> int:
    check = audit_log.verify(store)
    assert check.ok, f"audit chain broken at {check.broken_at}"
    return check.entries


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its SHA-256 (to prove that nothing changed)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run(*args: str, password: str | None = ADMIN_PW, user: str | None = ADMIN, **env: str):
    environment = {**os.environ, "REHABDESK_LANG": "zh_CN", **env}
    for name in ("REHABDESK_PASSWORD", "REHABDESK_USER"):
        environment.pop(name, None)
    if password is not None:
        environment["REHABDESK_PASSWORD"] = password
    if user is not None:
        environment["REHABDESK_USER"] = user
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=environment,
        stdin=subprocess.DEVNULL,
        timeout=180,
    )


def assert_clean_error(result, code: int, *words: str) -> None:
    """A refusal as the user sees it: the exit code, sentences on stderr, never a traceback."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.strip()
    for word in words:
        assert word in result.stderr, (word, result.stderr)


__all__ = ["ADMIN", "ADMIN_PW", "TODAY"]
