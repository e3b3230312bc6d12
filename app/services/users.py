"""The people who use the app: adding them, their passwords, and who may do what."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select

from app.crypto.kdf import KdfParams
from app.errors import NotFound, Refused
from app.store.store import Changes, Store
from app.store.unlock import check_login, check_password
from models import User
from models.enums import Role
from models.ids import new_id
from models.text import Text

ADMIN_ONLY = Text("只有管理员可以管理用户。", "Only an administrator can manage users.")
LOGIN_TAKEN = Text("用户名 {login} 已被使用，请换一个。", "The user name {login} is taken; choose another.")
USER_NOT_FOUND = Text("没有名为 {login} 的用户。", "There is no user named {login}.")
OWN_PASSWORD_ONLY = Text(
    "只能修改自己的密码；管理员可以为其他用户重设密码。",
    "You can change only your own password; an administrator can reset other users' passwords.",
)


@dataclass(frozen=True)
class UserView:
    id: UUID
    login: str
    display_name: str
    role: Role
    active: bool


def require_role(store: Store, *roles: Role, message: Text = ADMIN_ONLY) -> None:
    if store.actor is None or store.actor.role not in roles:
        raise Refused(message())


def add(
    store: Store,
    login: str,
    role: Role,
    password: str,
    display_name: str = "",
    *,
    kdf: KdfParams | None = None,
) -> Changes:
    require_role(store, Role.ADMIN)
    check_login(login)
    check_password(password)
    with store.write() as tx:
        if tx.session.scalars(select(User).where(User.login == login)).first() is not None:
            raise Refused(LOGIN_TAKEN(login=login))
        user_id = new_id()
        tx.session.add(
            User(
                id=user_id,
                office_code=store.office_code,
                login=login,
                display_name=tx.seal("app_user", "display_name", user_id, display_name.strip()),
                role=role,
                created_at=tx.now,
            )
        )
        tx.audit("user.add", entity="app_user", entity_id=user_id, details={"role": role.value})
        # The key file is written last, inside the transaction: if it fails, the user row rolls back.
        store.keyring.set_password(store.master, login, str(user_id), password, kdf)
    tx.changes.created.append(user_id)
    return tx.changes


def set_password(store: Store, login: str, new_password: str) -> Changes:
    """Change a password: one's own, or anyone's for an administrator. Nothing is re-encrypted."""
    if store.actor is None or (store.actor.login != login and store.actor.role is not Role.ADMIN):
        raise Refused(OWN_PASSWORD_ONLY())
    return _rewrap(store, login, new_password, "user.password")


def set_password_by_recovery(store: Store, login: str, new_password: str) -> Changes:
    return _rewrap(store, login, new_password, "user.password_recovery")


def _rewrap(store: Store, login: str, new_password: str, action: str) -> Changes:
    check_password(new_password)
    with store.write() as tx:
        user = tx.session.scalars(select(User).where(User.login == login)).first()
        if user is None or not user.active:
            raise NotFound(USER_NOT_FOUND(login=login))
        tx.audit(action, entity="app_user", entity_id=user.id)
        store.keyring.set_password(store.master, login, str(user.id), new_password)
    return tx.changes


def deactivate(store: Store, login: str) -> Changes:
    """Remove a user's key slot and mark them inactive; their records keep naming them."""
    require_role(store, Role.ADMIN)
    with store.write() as tx:
        user = tx.session.scalars(select(User).where(User.login == login)).first()
        if user is None:
            raise NotFound(USER_NOT_FOUND(login=login))
        user.active = False
        tx.audit("user.deactivate", entity="app_user", entity_id=user.id)
        store.keyring.remove_user(store.master, login)
    return tx.changes


def list_users(store: Store) -> list[UserView]:
    with store.read() as session:
        users = session.scalars(select(User).order_by(User.login)).all()
        return [
            UserView(
                u.id,
                u.login,
                store.open("app_user", "display_name", u.id, u.display_name) or "",
                u.role,
                u.active,
            )
            for u in users
        ]


def find(store: Store, login: str) -> UserView:
    for user in list_users(store):
        if user.login == login:
            return user
    raise NotFound(USER_NOT_FOUND(login=login))
