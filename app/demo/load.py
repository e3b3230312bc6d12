"""Feeding a generated demo office through the services, so demo data is made exactly like real data.

Writes go in chunks of people per transaction: a county-size benchmark office (10,000 persons, about a
million facts) then loads in minutes, and every row still gets its outbox change and audit entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from app.crypto.kdf import KdfParams
from app.rules.violations import escalations_for
from app.services import caseload, facts, measures, people_query, persons, reviews, users
from app.services.inputs import MeasureInput, PoliceReportInput, StatusChangeInput
from app.store.store import Actor, Store, Tx
from app.store.unlock import init_store
from models.enums import FactKind, Role

CHUNK = 25  # persons per transaction


@dataclass(frozen=True)
class DemoSummary:
    persons: int
    facts: int


def create_demo_office(
    root: Path,
    *,
    persons: int = 120,
    seed: int = 1,
    today: date | None = None,
    kdf: KdfParams | None = None,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    from app.demo.office import ADMIN_LOGIN, ADMIN_PASSWORD, default_workers, generate_staff, iter_people

    today = today or date.today()
    staff = generate_staff(default_workers(persons))
    store, _recovery = init_store(
        root,
        office_code="640104001",
        office_name="胜利街道",
        admin_login=ADMIN_LOGIN,
        admin_password=ADMIN_PASSWORD,
        kdf=kdf,
        today=lambda: today,
    )
    try:
        admin = store.actor
        actors: dict[str, Actor] = {}
        for member in staff:
            if member.role is not Role.ADMIN:
                changes = users.add(
                    store, member.login, member.role, member.password, member.display_name, kdf=kdf
                )
                actors[member.login] = Actor(changes.created[0], member.login, member.role, store.office_code)
        people_done = facts_done = 0
        chunk: list[Any] = []
        for person in iter_people(persons=persons, seed=seed, today=today):
            chunk.append(person)
            if len(chunk) == CHUNK:
                facts_done += _load_chunk(store, chunk, actors)
                people_done += len(chunk)
                chunk = []
                if progress:
                    progress(people_done)
        if chunk:
            facts_done += _load_chunk(store, chunk, actors)
            people_done += len(chunk)
        supervisor = next((a for a in actors.values() if a.role is Role.SUPERVISOR), None)
        if supervisor is not None:
            _review_a_few(store, supervisor, [a for a in actors.values() if a.role is Role.WORKER])
        store.actor = admin
        return DemoSummary(people_done, facts_done)
    finally:
        store.close()


def _load_chunk(store: Store, chunk: list[Any], actors: dict[str, Actor]) -> int:
    count = 0
    loaded: list[tuple[Any, Actor]] = []
    with store.write() as tx:
        for demo in chunk:
            worker = actors[demo.worker_login]
            store.actor = worker  # each person's records are written by their own worker
            person_id = persons.add(tx, dataclasses.replace(demo.person, assigned_worker_id=worker.user_id))
            _load_lifecycle(tx, person_id, demo.measures, demo.status_changes)
            for group in (
                demo.agreements,
                demo.visits,
                demo.tests,
                demo.assistance,
                demo.leaves,
                demo.violations,
            ):
                for fact in group:
                    facts.add(tx, dataclasses.replace(fact, person_id=person_id))
                    count += 1
            loaded.append((person_id, worker))
    return count + _report_past_escalations(store, loaded)


def _report_past_escalations(store: Store, loaded: list[tuple[Any, Actor]]) -> int:
    """A diligent office reported its past relapses, refusals and serious violations to the police
    within a few days; only the last month's are still open, as they would be on a real Today page."""
    today = store.today()
    policy = caseload.policy_for(store)
    known = caseload.person_facts(store, [pid for pid, _ in loaded])
    count = 0
    with store.write() as tx:
        for person_id, worker in loaded:
            store.actor = worker
            for escalation in escalations_for(known[person_id], today, policy):
                reported_on = escalation.occurred_on + timedelta(days=3)
                if escalation.open and reported_on < today - timedelta(days=30):
                    facts.add(
                        tx,
                        PoliceReportInput(
                            person_id=person_id,
                            reported_on=reported_on,
                            kind=escalation.kind,
                            incident_ids=[escalation.incident_id],
                            station="派出所",
                        ),
                    )
                    count += 1
    return count


def _review_a_few(store: Store, supervisor: Actor, workers: list[Actor]) -> None:
    """The supervisor has signed off each worker's first person's older records and returned their
    latest visit with a comment, so Review, Today and the file show the review cycle in the demo."""
    for worker in workers:
        store.actor = worker
        first = next(iter(people_query.query_ids(store, worker_id=worker.user_id)), None)
        if first is None:
            continue
        records = facts.history(store, first, (FactKind.VISIT, FactKind.DRUG_TEST))  # newest first
        store.actor = supervisor
        latest_visit = next((f.current for f in records if f.current.kind is FactKind.VISIT), None)
        if latest_visit is not None:
            reviews.return_for_correction(store, FactKind.VISIT, latest_visit.version_id, RETURN_COMMENT)
        for older in records[4:]:
            reviews.sign_off(store, older.current.kind, older.current.version_id)


RETURN_COMMENT = "走访记录没有写明本人的就业需求和家庭情况，请补充后重新提交。"


def _load_lifecycle(
    tx: Tx, person_id: Any, measure_inputs: list[MeasureInput], changes: list[StatusChangeInput]
) -> None:
    """Measures and status changes in date order; a report recorded with its measure already moved
    the person under it, so the generator's matching status change is not applied twice."""
    events: list[tuple[date, int, Any]] = [(m.reported_on or m.ordered_on, 0, m) for m in measure_inputs]
    events += [(c.on, 1, c) for c in changes]
    for _, _, event in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(event, MeasureInput):
            measures.add(tx, dataclasses.replace(event, person_id=person_id))
        else:
            current = persons.current_status(tx, person_id)
            if current is not event.to_status:
                measures.add_status_change(tx, dataclasses.replace(event, person_id=person_id))
