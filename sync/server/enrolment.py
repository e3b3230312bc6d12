"""One-time enrolment codes: IT makes one on the server, whoever sets up the computer types it in.

A code is 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in two groups of
five so it can be read aloud over the phone; about 49 bits. The server keeps only its SHA-256. A code
works once and expires (72 hours by default). Wrong, used and expired codes count against the client
address that sent them; past ``MAX_FAILURES`` in ``WINDOW`` that address gets 429 until the window
passes, whatever it sends. The counts live in the database, so every server process sees them.
"""

from __future__ import annotations

import base64
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sync.protocol import PROTOCOL_VERSION, EnrollRequest, EnrollResponse
from sync.server.db import Storage, utcnow
from sync.server.devices import hash_secret
from sync.server.problems import (
    BAD_CODE,
    CODE_EXPIRED,
    CODE_USED,
    PROTOCOL_NEW,
    PROTOCOL_OLD,
    RATE_LIMITED,
    AdminError,
    Refusal,
)
from sync.server.schema import Device, EnrolFailure, EnrolmentCode, Office, audit
from sync.server.scope import COUNTY_PATTERN

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
DEFAULT_EXPIRY = timedelta(hours=72)
MAX_FAILURES = 10
WINDOW = timedelta(minutes=15)
ROLES = ("worker", "supervisor")


@dataclass(frozen=True)
class NewCode:
    code: str  # shown once
    office_code: str
    office_name: str
    role: str
    scope: str
    expires_at: datetime


def normalize(code: str) -> str:
    """What the user typed, as the code is hashed: upper case, without spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def grouped(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def make_code(
    session: Session,
    office_code: str,
    role: str,
    actor: str,
    scope: str | None = None,
    expires_in: timedelta = DEFAULT_EXPIRY,
) -> NewCode:
    office = session.get(Office, office_code)
    if office is None:
        raise AdminError(
            f"服务器上还没有单位 {office_code}；请先用 office add 添加。",
            f"The server has no office {office_code} yet; add it first with office add.",
        )
    if role not in ROLES:
        raise AdminError("角色必须是 worker 或 supervisor。", "The role must be worker or supervisor.")
    if scope is None or scope == office_code:
        scope = office_code
    elif role != "supervisor":
        raise AdminError(
            "只有审核人员（supervisor）的设备可以看整个区县。",
            "Only a supervisor's device may see a whole county.",
        )
    elif not COUNTY_PATTERN.match(scope) or not office_code.startswith(scope):
        raise AdminError(
            f"范围 {scope} 无效：应为单位 {office_code} 所在区县的 6 位代码（{office_code[:6]}）。",
            f"The scope {scope} is not valid: it must be the 6-digit code of office {office_code}'s county ({office_code[:6]}).",
        )
    if expires_in <= timedelta(0):
        raise AdminError("有效时间必须大于零。", "The code must be valid for more than zero hours.")
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    now = utcnow()
    session.add(
        EnrolmentCode(
            code_hash=hash_secret(code),
            office_code=office_code,
            scope=scope,
            role=role,
            created_at=now,
            expires_at=now + expires_in,
            attempts=0,
        )
    )
    audit(
        session, actor, "code_created", office_code, role=role, scope=scope, expires_at=str(now + expires_in)
    )
    return NewCode(grouped(code), office_code, office.name, role, scope, now + expires_in)


def enroll(storage: Storage, request: EnrollRequest, client: str) -> EnrollResponse:
    """Make a device from a one-time code; Refusal for a wrong, used or expired code or a flood of them."""
    if request.protocol < PROTOCOL_VERSION:
        raise Refusal(PROTOCOL_OLD, client=request.protocol, server=PROTOCOL_VERSION)
    if request.protocol > PROTOCOL_VERSION:
        raise Refusal(PROTOCOL_NEW, client=request.protocol, server=PROTOCOL_VERSION)
    outcome = storage.write(lambda session: _enroll(session, request, client))
    if isinstance(outcome, Refusal):
        raise outcome  # raised after the commit, so the failure stays counted
    return outcome


def _enroll(session: Session, request: EnrollRequest, client: str) -> EnrollResponse | Refusal:
    now = utcnow()
    session.execute(delete(EnrolFailure).where(EnrolFailure.at < now - WINDOW))
    failures = session.scalar(
        select(func.count()).select_from(EnrolFailure).where(EnrolFailure.client == client)
    )
    if (failures or 0) >= MAX_FAILURES:
        minutes = int(WINDOW.total_seconds() // 60)
        return Refusal(RATE_LIMITED, {"Retry-After": str(int(WINDOW.total_seconds()))}, minutes=minutes)
    typed = normalize(request.code)
    row = None
    if 0 < len(typed) <= 64:
        row = session.get(EnrolmentCode, hash_secret(typed), with_for_update=True)
    refusal = None
    if row is None:
        refusal = Refusal(BAD_CODE)
    else:
        row.attempts += 1
        if row.used_at is not None:
            refusal = Refusal(CODE_USED)
        elif row.expires_at <= now:
            refusal = Refusal(CODE_EXPIRED)
    if refusal is not None:
        session.add(EnrolFailure(client=client, at=now))
        audit(session, client, "enrol_refused", row.office_code if row else "", reason=refusal.code)
        return refusal
    assert row is not None
    token = secrets.token_urlsafe(32)
    device = Device(
        id=str(uuid.uuid4()),
        name=request.device_name.strip()[:200] or "?",
        office_code=row.office_code,
        scope=row.scope,
        role=row.role,
        token_hash=hash_secret(token),
        bundle_key=base64.b64encode(os.urandom(32)).decode(),
        client_version=request.client_version[:64],
        enrolled_at=now,
    )
    session.add(device)
    row.used_at = now
    row.used_by = device.id
    audit(
        session, client, "device_enrolled", device.id, office=row.office_code, role=row.role, scope=row.scope
    )
    return EnrollResponse(device.id, token, row.office_code, row.scope, row.role, device.bundle_key)  # type: ignore[arg-type]
