"""Who may read personal files, and finding a person a service may act on: they exist and belong to the
working office."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from app.errors import NotFound, Refused
from app.store.store import Store
from models import Person
from models.enums import Role
from models.text import Text

PERSON_NOT_FOUND = Text(
    "找不到该人员，可能编号有误或尚未同步到本机。",
    "This person was not found; the number may be wrong or the record has not synced to this PC yet.",
)

FILES_NOT_FOR_ADMIN = Text(
    "管理员账号不查看人员档案。管理员负责用户、设置、备份、设备和审计；查看或办理人员事务，请使用禁毒专干或审核人员账号登录。",
    "The administrator account does not read personal files: it manages users, settings, backups, devices and "
    "the audit. To see or work on a person's file, log in as a worker or a supervisor.",
)


def require_file_reader(store: Store) -> None:
    """Workers and supervisors read personal files; the administrator, by privacy default, does not.

    Checked by every service that hands out a person's name or file, so a hidden page is not the only
    barrier. No actor means the store's own work (a password reset with the recovery key), not a person.
    """
    if store.actor is not None and store.actor.role is Role.ADMIN:
        raise Refused(FILES_NOT_FOR_ADMIN())


def require_person(session: Session, store: Store, person_id: UUID) -> Person:
    # No autoflush: in a batch (an import, the demo) each fact would otherwise flush the ones before it
    # one by one instead of letting the unit of work insert them together at commit.
    with session.no_autoflush:
        person = session.get(Person, person_id)
    if person is None or person.office_code != store.office_code:
        raise NotFound(PERSON_NOT_FOUND())
    return person
