"""Reading a Dataset from the store: the rules' facts plus the record's office, dates, worker and assistance.

Reading only; nothing is audited here (figures name nobody). The rules' facts come from the caseload
cache (app.services.caseload.person_facts), which holds the people of the store's own office; the office
code of each record and of each status event is read as well, so the pure functions can filter by scope
and county data synced later needs only a wider read here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date
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


def _assistance(store: Store, reader: FactReader) -> dict[UUID, list[AssistanceFact]]:
    open_content = store.opener(Assistance.__tablename__, "content")
    out: dict[UUID, list[AssistanceFact]] = defaultdict(list)
    for vid, fid, pid, on, _recorded, kind, sealed in reader.current(Assistance, "kind, content"):
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


def load_dataset(store: Store) -> Dataset:
    facts = caseload.person_facts(store)
    policy = caseload.policy_for(store)
    with store.read() as session:
        people = session.execute(
            select(
                Person.id,
                Person.office_code,
                Person.record_no,
                Person.first_found_on,
                Person.assigned_worker_id,
                Person.created_at,
            )
        ).all()
        reader = FactReader(store, session, None)
        offices: dict[UUID, list[tuple[Any, str]]] = defaultdict(list)
        for pid, on, code in reader.rows(StatusEvent.__tablename__, 'person_id, "on", office_code'):
            offices[reader.uuid(pid)].append((date.fromisoformat(on), code))  # type: ignore[index]
        assistance = _assistance(store, reader)
        office_names = dict(session.execute(select(Office.code, Office.name)).all())
    today = store.today()
    workers = {u.id: u.display_name or u.login for u in users.list_users(store)}
    records = []
    for pid, office_code, record_no, found, worker_id, created_at in people:
        person_facts = facts.get(pid)
        if person_facts is None:  # another office's record: its facts are not read (see the module doc)
            continue
        records.append(
            PersonRecord(
                facts=person_facts,
                office_code=office_code,
                record_no=record_no,
                first_found_on=found,
                worker_id=worker_id,
                # the local day it was registered, never after the day planned for (as caseload does)
                registered_on=min(created_at.replace(tzinfo=UTC).astimezone().date(), today)
                if created_at
                else None,
                offices=tuple(sorted(offices.get(pid, ()))),
                assistance=tuple(sorted(assistance.get(pid, ()), key=lambda a: (a.on, a.id))),
            )
        )
    return Dataset(tuple(records), policy, today, workers, office_names)
