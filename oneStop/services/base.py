"""What every service shares: the unit-of-work factory and the role check."""

from __future__ import annotations

from typing import Callable

from oneStop.domain.errors import PermissionDenied, UserDisabled
from oneStop.domain.models import Role, User
from oneStop.domain.permissions import Permission, allowed
from oneStop.persistence.models import UserRow
from oneStop.persistence.uow import UnitOfWork

UowFactory = Callable[..., UnitOfWork]


def authorize(uow: UnitOfWork, actor: User, permission: Permission) -> User:
    """Check the actor's CURRENT role in the database (not what the caller claims)."""
    row = uow.session.get(UserRow, actor.username)
    if row is None:
        raise PermissionDenied(actor.username, permission.label)
    if not row.active:
        raise UserDisabled(actor.username)
    if not allowed(Role(row.role), permission):
        raise PermissionDenied(actor.username, permission.label)
    return User(row.username, row.full_name, Role(row.role), row.active)


def can(uow: UnitOfWork, actor: User, permission: Permission) -> bool:
    row = uow.session.get(UserRow, actor.username)
    return row is not None and row.active and allowed(Role(row.role), permission)


def user_names(uow: UnitOfWork) -> dict[str, str]:
    """Every user name with the person's full name (for printing and showing who did what)."""
    return {u.username: u.full_name for u in uow.session.query(UserRow).all()}
