"""What is due: every open task and warning of a caseload, with whom it concerns, soonest first; and the
records a supervisor returned to the worker who wrote them, with the supervisor's comment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from app.rules.tasks import Severity, TaskKind
from app.services import caseload, persons, reviews, users
from app.store.store import Store
from models.enums import FactKind, RiskColour
from models.text import current_language


@dataclass(frozen=True)
class DueItem:
    person_id: UUID
    record_no: str
    name: str
    colour: RiskColour
    kind: TaskKind | None  # None: a warning, not a task
    severity: Severity | None
    rule: str
    rule_name: str
    opens: date
    due: date | None
    overdue: bool
    message: str


def due_items(store: Store, today: date | None = None, worker_id: UUID | None = None) -> list[DueItem]:
    """Overdue tasks first, then by due date; warnings after the tasks of the same day."""
    day = today or store.today()
    reviews = caseload.caseload(store, day, worker_id)
    concerned = [pid for pid, r in reviews.items() if r.tasks or r.warnings]
    people = persons.names(store, concerned)
    lang = current_language()  # once: a whole office's Today renders tens of thousands of messages
    items: list[DueItem] = []
    for pid in concerned:
        person, review = people.get(pid), reviews[pid]
        if person is None:
            continue
        for task in review.tasks:
            items.append(
                DueItem(
                    pid,
                    person.record_no,
                    person.name,
                    review.risk.colour,
                    task.kind,
                    None,
                    task.rule,
                    task.rule_name.render(lang),
                    task.opens,
                    task.due,
                    task.overdue,
                    task.message.render(lang),
                )
            )
        for warning in review.warnings:
            items.append(
                DueItem(
                    pid,
                    person.record_no,
                    person.name,
                    review.risk.colour,
                    None,
                    warning.severity,
                    warning.rule,
                    warning.rule_name.render(lang),
                    warning.on,
                    None,
                    False,
                    warning.message.render(lang),
                )
            )
    items.sort(key=lambda i: (not i.overdue, i.due or i.opens, i.kind is None, i.record_no))
    return items


@dataclass(frozen=True)
class ReturnedItem:
    """A record sent back for correction: the worker answers with a corrected version."""

    person_id: UUID
    record_no: str
    name: str
    kind: FactKind
    fact_id: UUID
    version: int
    occurred_on: date
    recorded_by: str  # who wrote the returned version (display name, else login)
    comment: str
    returned_by: str  # the supervisor's name ("" if this computer does not know them)
    returned_at: datetime


def returned_items(store: Store, worker_id: UUID | None = None) -> list[ReturnedItem]:
    """Records returned and not corrected yet, the longest waiting first: those ``worker_id`` wrote (the
    whole office's when None). A corrected version goes back to the review queue and leaves this list."""
    records = reviews.pending(store, recorded_by=worker_id, returned_only=True)
    if not records:
        return []
    people = persons.names(store, {r.person_id for r in records})
    names = {u.login: u.display_name or u.login for u in users.list_users(store)}
    items = [
        ReturnedItem(
            r.person_id,
            people[r.person_id].record_no,
            people[r.person_id].name,
            r.kind,
            r.fact_id,
            r.version,
            r.occurred_on,
            names.get(r.recorded_by or "", r.recorded_by or ""),
            r.comment or "",
            r.returned_by or "",
            r.returned_at or r.recorded_at,
        )
        for r in records
        if r.person_id in people  # a person transferred out meanwhile is no longer this office's
    ]
    items.sort(key=lambda i: (i.returned_at, i.record_no))
    return items
