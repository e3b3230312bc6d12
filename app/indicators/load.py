"""Reading a Dataset from the store: the rules' facts plus the record's office, dates, worker and assistance.

Reading only; nothing is audited here (figures name nobody). The rules' facts come from the caseload
cache (app.services.caseload.person_facts), which holds the people of the store's own office; the office
code of each record and of each status event is read as well, so the pure functions can filter by scope
and county data synced later needs only a wider read here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from sqlalchemy import select

from app.indicators.data import AssistanceFact, Dataset, PersonRecord
from app.services import caseload, users
from app.services.caseload_reader import FactReader, dashed
from app.store.store import Store
from models import Assistance, Office, Person, StatusEvent
from models.enums import AssistanceKind, AssistanceOutcome


def _amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _assistance(store: Store, reader: FactReader, since: date | None) -> dict[UUID, list[AssistanceFact]]:
    open_content = store.opener(Assistance.__tablename__, "content")
    out: dict[UUID, list[AssistanceFact]] = defaultdict(list)
    first = since.isoformat() if since is not None else ""  # ISO days compare as text
    for vid, fid, pid, on, _recorded, kind, sealed in reader.current(Assistance, "kind, content"):
        if on < first:
            continue  # older than any figure asks about: not decrypted
        content = json.loads(open_content(dashed(vid), sealed)) or {}
        try:
            outcome = AssistanceOutcome(content.get("outcome") or AssistanceOutcome.PENDING.value)
        except ValueError:
            outcome = AssistanceOutcome.PENDING
        out[reader.uuid(pid)].append(  # type: ignore[index]
            AssistanceFact(
                fid,
                date.fromisoformat(on),
                AssistanceKind(kind),
                outcome,
                _amount(content.get("amount")),
                str(content.get("provider") or ""),
            )
        )
    return out


def _local_day(stored: str) -> date:
    """The local day of a time the store keeps in UTC."""
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone().date()


def load_dataset(store: Store, *, assistance_since: date | None = None) -> Dataset:
    """Everybody's records. `assistance_since`: leave out assistance given before this day (its sealed
    content is what takes time to read); the figures and charts of a period never look further back than
    its first day or the first of the chart's twelve months (see summary.prepare)."""
    facts = caseload.person_facts(store)
    policy = caseload.policy_for(store)
    today = store.today()
    with store.read() as session:
        reader = FactReader(store, session, None)  # plain rows, as the rules' facts are read
        columns = "id, office_code, record_no, first_found_on, assigned_worker_id, created_at"
        people = list(reader.rows(Person.__tablename__, columns))
        offices: dict[str, list[tuple[date, str]]] = defaultdict(list)
        for pid, on, code in reader.rows(StatusEvent.__tablename__, 'person_id, "on", office_code'):
            offices[pid].append((date.fromisoformat(on), code))
        assistance = _assistance(store, reader, assistance_since)
        office_names = dict(session.execute(select(Office.code, Office.name)).all())
    workers = {u.id: u.display_name or u.login for u in users.list_users(store)}
    records = []
    for hex_id, office_code, record_no, found, worker_id, created_at in people:
        pid = reader.uuid(hex_id)
        person_facts = facts.get(pid)  # type: ignore[arg-type]
        if person_facts is None:  # another office's record: its facts are not read (see the module doc)
            continue
        history = offices.get(hex_id, ())
        records.append(
            PersonRecord(
                facts=person_facts,
                office_code=office_code,
                record_no=record_no,
                first_found_on=date.fromisoformat(found) if found else None,
                worker_id=reader.uuid(worker_id),
                # the local day it was registered, never after the day planned for (as caseload does)
                registered_on=min(_local_day(created_at), today) if created_at else None,
                # A history spent wholly at the present office tells office_on() nothing: left out.
                offices=tuple(sorted(history)) if any(code != office_code for _, code in history) else (),
                assistance=tuple(sorted(assistance.get(pid, ()), key=lambda a: (a.on, a.id))),  # type: ignore[arg-type]
            )
        )
    return Dataset(tuple(records), policy, today, workers, office_names, assistance_since=assistance_since)
