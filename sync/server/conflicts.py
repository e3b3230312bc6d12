"""POST /v1/conflicts/{id}/resolve: a supervisor in scope picks the value of a disputed profile field.

The chosen value gets a clock later than every value in the dispute, so it wins everywhere; a
"resolution" entry {"conflict_id", "field", "value"} is logged for the person's office. Choosing the
office code moves the person (a transfer, as when a worker changes it).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync.protocol import ChangeResult, PushResponse, ResolveRequest
from sync.server import clocks
from sync.server.changelog import LogWriter
from sync.server.db import Storage, utcnow
from sync.server.devices import DeviceInfo
from sync.server.merge import UUID_PATTERN, transfer
from sync.server.problems import (
    ALREADY_RESOLVED,
    BAD_OFFICE,
    CONFLICT_FIELD,
    CONFLICT_NOT_FOUND,
    NOT_SUPERVISOR,
    OUT_OF_SCOPE,
    Refusal,
)
from sync.server.schema import Conflict, Record, audit
from sync.server.scope import covers, is_office_code


def resolve(storage: Storage, device: DeviceInfo, conflict_id: str, request: ResolveRequest) -> PushResponse:
    if not device.is_supervisor:
        raise Refusal(NOT_SUPERVISOR)
    if UUID_PATTERN.match(conflict_id) is None:
        raise Refusal(CONFLICT_NOT_FOUND)
    conflict_id = conflict_id.lower()

    def work(session: Session) -> PushResponse:
        result = _resolve(session, device, conflict_id, request)
        return PushResponse([result], clocks.now_ms())

    return storage.write(work)


def _resolve(session: Session, device: DeviceInfo, conflict_id: str, request: ResolveRequest) -> ChangeResult:
    locking = session.get_bind().dialect.name == "postgresql"
    conflict = session.get(Conflict, conflict_id, with_for_update=locking or None)
    person = session.get(Record, conflict.person_id, with_for_update=locking or None) if conflict else None
    if conflict is None or person is None:
        raise Refusal(CONFLICT_NOT_FOUND)
    if not covers(device.scope, person.office_code):
        raise Refusal(OUT_OF_SCOPE, office=person.office_code, scope=device.scope)
    if request.field != conflict.field:
        raise Refusal(CONFLICT_FIELD, field=conflict.field)
    if conflict.field == "office_code" and not is_office_code(request.value):
        raise Refusal(BAD_OFFICE)
    if conflict.resolved_at is not None:
        if conflict.resolution is not None and conflict.resolution.get("value") == request.value:
            return ChangeResult(0, "duplicate")
        return Refusal(ALREADY_RESOLVED).result(0)

    field_clock = (person.field_clocks or {}).get(conflict.field)
    known = [v["hlc"] for v in conflict.values] + ([field_clock] if field_clock else [])
    hlc = clocks.after(known, device.id, clocks.now_ms())
    now = utcnow()
    person.fields = {**person.fields, conflict.field: request.value}
    person.field_clocks = {**(person.field_clocks or {}), conflict.field: hlc}
    person.field_devices = {**(person.field_devices or {}), conflict.field: device.id}
    person.hlc = clocks.later(person.hlc, hlc)
    person.updated_at = now
    conflict.resolved_at = now
    conflict.resolved_by = device.id
    conflict.resolution = {"value": request.value, "hlc": hlc, "device": device.id}

    log = LogWriter()
    log.add(
        "resolution", "person", person.id, "update", hlc, person.office_code, person.id,
        {"conflict_id": conflict.id, "field": conflict.field, "value": request.value}, device.id,
    )  # fmt: skip
    if conflict.field == "office_code" and request.value != person.office_code:
        transfer(session, log, person, request.value, device.id)
    audit(session, f"device:{device.id}", "conflict_resolved", conflict.id, field=conflict.field)
    log.flush(session)
    return ChangeResult(0, "applied")
