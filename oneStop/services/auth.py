"""Users, roles and passwords (Argon2)."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from oneStop.domain.errors import (
    AuthenticationFailed,
    DuplicateEntry,
    ErrorCollector,
    InvalidFormat,
    InvalidLength,
    UserDisabled,
    UserNotFound,
)
from oneStop.domain.events import Kind
from oneStop.domain.models import Role, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.mapping import user_from_row
from oneStop.persistence.models import UserRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.services.base import UowFactory, authorize

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")
MIN_PASSWORD = 8
_hasher = PasswordHasher()


def validate_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidFormat(
            "username",
            "chỉ gồm chữ thường không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới (2–50 ký tự)",
        )
    return name


def validate_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InvalidLength("password", f"phải có ít nhất {MIN_PASSWORD} ký tự")
    if len(password) > 200:
        raise InvalidLength("password", "dài quá 200 ký tự")
    return password


def validate_role(role: str | Role) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidFormat("role", f"phải là một trong {', '.join(r.value for r in Role)}") from None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def new_user_row(username: str, full_name: str, role: str | Role, password: str, now) -> UserRow:  # type: ignore[no-untyped-def]
    errors = ErrorCollector()
    name = errors.run(validate_username, username)
    full = errors.run(clean, full_name, "full_name", max_len=100, required=True)
    errors.run(validate_password, password)
    checked_role = errors.run(validate_role, role)
    errors.raise_if_any()
    return UserRow(
        username=name,
        full_name=full,
        role=checked_role.value,
        password_hash=hash_password(password),
        active=True,
        created_at=now,
    )


class AuthService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow

    def login(self, username: str, password: str) -> User:
        """Check a password; every attempt leaves an event."""
        name = (username or "").strip().lower()
        with self._uow(write=True) as uow:
            row = uow.session.get(UserRow, name)
            ok = False
            if row is not None:
                try:
                    ok = _hasher.verify(row.password_hash, password or "")
                except (VerificationError, InvalidHashError):
                    ok = False
            if not ok:
                uow.append(Kind.USER_LOGIN_FAILED, name[:50] or "?", payload={"username": name[:50]})
                uow.commit()
                raise AuthenticationFailed()
            assert row is not None
            if not row.active:
                raise UserDisabled(row.username)
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            uow.append(Kind.USER_LOGGED_IN, row.username)
            uow.commit()
            return user_from_row(row)

    def add_user(self, actor: User, username: str, full_name: str, role: str | Role, password: str) -> User:
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_USERS)
            row = new_user_row(username, full_name, role, password, uow.now())
            self._insert(uow, row, actor.username)
            uow.commit()
            return user_from_row(row)

    @staticmethod
    def _insert(uow: UnitOfWork, row: UserRow, actor: str) -> None:
        if uow.session.get(UserRow, row.username) is not None:
            raise DuplicateEntry(f"Tên đăng nhập {row.username} đã có")
        uow.session.add(row)
        uow.append(
            Kind.USER_CREATED,
            actor,
            # the Argon2 hash travels to the agency's other counters, so that offline login works
            payload={"username": row.username, "full_name": row.full_name, "role": row.role,
                     "password_hash": row.password_hash, "active": row.active},
        )

    def set_password(self, actor: User, username: str, password: str) -> None:
        with self._uow(write=True) as uow:
            if actor.username != username:
                authorize(uow, actor, Permission.MANAGE_USERS)
            row = uow.session.get(UserRow, username)
            if row is None:
                raise UserNotFound(username)
            row.password_hash = hash_password(validate_password(password))
            uow.append(Kind.USER_UPDATED, actor.username,
                       payload={"username": username, "password": "changed", "password_hash": row.password_hash})
            uow.commit()

    def set_active(self, actor: User, username: str, active: bool) -> None:
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_USERS)
            row = uow.session.get(UserRow, username)
            if row is None:
                raise UserNotFound(username)
            row.active = active
            uow.append(Kind.USER_UPDATED, actor.username, payload={"username": username, "active": active})
            uow.commit()

    def list_users(self, actor: User) -> list[User]:
        with self._uow() as uow:
            authorize(uow, actor, Permission.MANAGE_USERS)
            rows = uow.session.scalars(select(UserRow).order_by(UserRow.username))
            return [user_from_row(r) for r in rows]

    def get_user(self, username: str) -> User:
        with self._uow() as uow:
            row = uow.session.get(UserRow, username)
            if row is None:
                raise UserNotFound(username)
            return user_from_row(row)
