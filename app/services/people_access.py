"""Finding a person a service may act on: they exist and belong to the working office."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from app.errors import NotFound
from app.store.store import Store
from models import Person
from models.text import Text

PERSON_NOT_FOUND = Text(
    "找不到该人员，可能编号有误或尚未同步到本机。",
    "This person was not found; the number may be wrong or the record has not synced to this PC yet.",
)


def require_person(session: Session, store: Store, person_id: UUID) -> Person:
    # No autoflush: in a batch (an import, the demo) each fact would otherwise flush the ones before it
    # one by one instead of letting the unit of work insert them together at commit.
    with session.no_autoflush:
        person = session.get(Person, person_id)
    if person is None or person.office_code != store.office_code:
        raise NotFound(PERSON_NOT_FOUND())
    return person
