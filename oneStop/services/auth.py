"""Users, roles and passwords (Argon2).

Guessing is slowed down: after :data:`FREE_FAILURES` failed sign-ins in a row for one user
(or :data:`PC_FREE_FAILURES` on the PC, whatever the names), each attempt must wait, twice as
long after every further failure (30 s, 1 min, 2 min … at most 15 min), counted in the
database so that restarting the program does not reset it (``login_throttle``). A user not
known here costs the same time as a known one with a wrong password (a dummy Argon2 hash is
verified), and is throttled the same way, so neither the answer nor its time tells whether a
name exists. What was typed as the name of an unknown user (often a password typed in the
wrong field) is never stored nor synced: the event says ``unknown_user`` with the actor ``?``.

Passwords change two ways. A person changes their own with :meth:`AuthService.change_own_password`,
which asks the current one: a wrong current password is a failed sign-in like any other
(counted in the same throttle, so a PC left signed in cannot be used to guess it). An
administrator resets someone else's with :meth:`AuthService.set_password`; nobody resets their
own that way. Locking (:meth:`AuthService.set_active`) never locks out the person doing it nor
the last active administrator: someone must be left who can unlock.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from oneStop.domain.errors import (
    AuthenticationFailed,
    DuplicateEntry,
    ErrorCollector,
    InvalidFormat,
    InvalidLength,
    LoginThrottled,
    OneStopError,
    PermissionDenied,
    UserDisabled,
    UserNotFound,
    ValidationError,
)
from oneStop.domain.events import Kind
from oneStop.domain.models import Role, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.mapping import user_from_row
from oneStop.persistence.models import LoginThrottleRow, UserRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.services.base import UowFactory, authorize

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")
MIN_PASSWORD = 8
_hasher = PasswordHasher()

#: failures in a row allowed before waiting, for one user and for the PC
FREE_FAILURES, PC_FREE_FAILURES = 5, 20
FIRST_WAIT, LONGEST_WAIT = timedelta(seconds=30), timedelta(minutes=15)
#: failures older than this are forgotten
FORGET_AFTER = timedelta(hours=1)
_dummy_hash: str | None = None


class WrongCurrentPassword(ValidationError):
    """The current password typed to change one's own is not the right one.

    >>> err = WrongCurrentPassword()
    >>> (err.field, str(err))
    ('current_password', 'Mật khẩu hiện tại không đúng')
    """

    def __init__(self) -> None:
        super().__init__("current_password", "Mật khẩu hiện tại không đúng")
        self.label = "Mật khẩu hiện tại"
        self.message = self.problem  # the sentence names the field already


class UsernameTaken(ValidationError, DuplicateEntry):
    """A user of that name exists already (a validation error of the ``username`` field).

    >>> str(UsernameTaken("hoa"))
    'Tên đăng nhập: hoa đã có người dùng'
    """

    def __init__(self, username: str) -> None:
        super().__init__("username", f"{username} đã có người dùng")


class CannotLock(OneStopError):
    """Locking this account would leave nobody to unlock it."""


def _dummy() -> str:
    """An Argon2 hash of nothing anyone types, with this program's parameters."""
    global _dummy_hash
    if _dummy_hash is None:
        import secrets

        _dummy_hash = _hasher.hash(secrets.token_hex(16))
    return _dummy_hash


def wait_after(failures: int, free: int) -> timedelta:
    """How long to wait after ``failures`` failed sign-ins in a row, ``free`` of them allowed.

    >>> [int(wait_after(n, 5).total_seconds()) for n in (4, 5, 6, 7, 10, 30)]
    [0, 30, 60, 120, 900, 900]
    """
    if failures < free:
        return timedelta(0)
    return min(FIRST_WAIT * (2 ** min(failures - free, 16)), LONGEST_WAIT)


def _name_key(name: str) -> str:
    """The throttle's key for a name not known here: 16 bits of its hash, never the text."""
    return "name:" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:4]


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
        """Check a password; every attempt leaves an event (an attempt refused because it came
        too soon, :class:`LoginThrottled`, does not)."""
        name = (username or "").strip().lower()
        with self._uow(write=True) as uow:
            now = uow.now()
            row = uow.session.get(UserRow, name[:50]) if name else None
            key = f"user:{row.username}" if row is not None else _name_key(name)
            wait = max(self._wait(uow, key, FREE_FAILURES, now), self._wait(uow, "pc", PC_FREE_FAILURES, now))
            if wait > timedelta(0):
                raise LoginThrottled(int(wait.total_seconds() + 0.999))
            try:  # the same work whether or not the user exists
                ok = _hasher.verify(row.password_hash if row is not None else _dummy(), password or "")
            except (VerificationError, InvalidHashError):
                ok = False
            ok = ok and row is not None
            if not ok:
                failures = self._failed(uow, key, now)
                self._failed(uow, "pc", now)
                if row is not None:
                    uow.append(Kind.USER_LOGIN_FAILED, row.username,
                               payload={"username": row.username, "attempts": failures})
                else:  # what was typed may be a password: never kept
                    uow.append(Kind.USER_LOGIN_FAILED, "?", payload={"unknown_user": True})
                uow.commit()
                raise AuthenticationFailed()
            assert row is not None
            if not row.active:
                raise UserDisabled(row.username)
            if _hasher.check_needs_rehash(row.password_hash):
                row.password_hash = hash_password(password)
            for done in (key, "pc"):
                throttle = uow.session.get(LoginThrottleRow, done)
                if throttle is not None:
                    uow.session.delete(throttle)
            uow.append(Kind.USER_LOGGED_IN, row.username)
            uow.commit()
            return user_from_row(row)

    @staticmethod
    def _wait(uow: UnitOfWork, key: str, free: int, now: datetime) -> timedelta:
        row = uow.session.get(LoginThrottleRow, key)
        if row is None or now - row.last_failure_at > FORGET_AFTER:
            return timedelta(0)
        return max(timedelta(0), row.last_failure_at + wait_after(row.failures, free) - now)

    @staticmethod
    def _failed(uow: UnitOfWork, key: str, now: datetime) -> int:
        row = uow.session.get(LoginThrottleRow, key)
        if row is None:
            row = LoginThrottleRow(key=key, failures=0, last_failure_at=now)
            uow.session.add(row)
        elif now - row.last_failure_at > FORGET_AFTER:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        return row.failures

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
            raise UsernameTaken(row.username)
        uow.session.add(row)
        uow.append(
            Kind.USER_CREATED,
            actor,
            # the Argon2 hash travels to the agency's other counters, so that offline login works
            payload={"username": row.username, "full_name": row.full_name, "role": row.role,
                     "password_hash": row.password_hash, "active": row.active},
        )

    def change_own_password(self, actor: User, current: str, new: str) -> None:
        """``actor`` changes their own password, proving the current one.

        A wrong current password is a failed sign-in: it counts in the login throttle (for the
        user and for the PC) and leaves a ``user.login_failed`` event; while the throttle
        holds, :class:`LoginThrottled` is raised before anything is checked. Errors name the
        fields ``current_password`` (:class:`WrongCurrentPassword`) and ``password`` (too short,
        too long, or the same as the current one)."""
        with self._uow(write=True) as uow:
            now = uow.now()
            row = uow.session.get(UserRow, actor.username)
            if row is None:
                raise UserNotFound(actor.username)
            if not row.active:
                raise UserDisabled(row.username)
            key = f"user:{row.username}"
            wait = max(self._wait(uow, key, FREE_FAILURES, now), self._wait(uow, "pc", PC_FREE_FAILURES, now))
            if wait > timedelta(0):
                raise LoginThrottled(int(wait.total_seconds() + 0.999))
            try:
                ok = _hasher.verify(row.password_hash, current or "")
            except (VerificationError, InvalidHashError):
                ok = False
            errors = ErrorCollector()
            if not ok:
                failures = self._failed(uow, key, now)
                self._failed(uow, "pc", now)
                uow.append(Kind.USER_LOGIN_FAILED, row.username, payload={"username": row.username, "attempts": failures})
                uow.commit()  # the failure counts whatever else is wrong
                errors.add(WrongCurrentPassword())
            errors.run(validate_password, new)
            if ok and new == current:
                errors.add(InvalidFormat("password", "phải khác mật khẩu hiện tại"))
            if len(errors.errors) == 1:
                raise errors.errors[0]
            errors.raise_if_any()
            for done in (key, "pc"):  # the right password was given, as at a sign-in
                throttle = uow.session.get(LoginThrottleRow, done)
                if throttle is not None:
                    uow.session.delete(throttle)
            self._store_password(uow, row, new, actor.username)
            uow.commit()

    def set_password(self, actor: User, username: str, password: str) -> None:
        """An administrator resets another user's password (no current password asked).

        One's own password is changed with :meth:`change_own_password`, which asks the current
        one; this refuses it, administrators included, so that a PC left signed in cannot be used
        to take the account over without a trace of a second person."""
        name = (username or "").strip().lower()
        with self._uow(write=True) as uow:
            if name == actor.username:
                raise PermissionDenied(actor.username, "đặt lại mật khẩu của chính mình mà không nhập mật khẩu "
                                                       "hiện tại: hãy dùng «Đổi mật khẩu»")
            authorize(uow, actor, Permission.MANAGE_USERS)
            row = uow.session.get(UserRow, name)
            if row is None:
                raise UserNotFound(name)
            self._store_password(uow, row, validate_password(password), actor.username)
            uow.commit()

    @staticmethod
    def _store_password(uow: UnitOfWork, row: UserRow, password: str, actor: str) -> None:
        row.password_hash = hash_password(password)
        # the hash travels to the agency's other counters (offline login); the password never does
        uow.append(Kind.USER_UPDATED, actor,
                   payload={"username": row.username, "password": "changed", "password_hash": row.password_hash})

    def set_active(self, actor: User, username: str, active: bool) -> None:
        """Lock (``active`` False) or unlock an account. A locked user cannot sign in nor act.

        Refused with :class:`CannotLock`: locking the last active administrator, or oneself."""
        name = (username or "").strip().lower()
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_USERS)
            row = uow.session.get(UserRow, name)
            if row is None:
                raise UserNotFound(name)
            if not active and row.active and row.role == Role.ADMIN.value:
                admins = uow.session.scalar(select(func.count()).select_from(UserRow).where(
                    UserRow.role == Role.ADMIN.value, UserRow.active.is_(True)))
                if admins <= 1:
                    raise CannotLock(f"Không thể khóa {row.username}: đây là quản trị viên cuối cùng đang dùng. "
                                     "Hãy thêm hoặc mở khóa một quản trị viên khác trước.")
            if not active and row.username == actor.username:
                raise CannotLock("Không thể tự khóa tài khoản của chính mình: hãy nhờ một quản trị viên khác.")
            row.active = active
            uow.append(Kind.USER_UPDATED, actor.username, payload={"username": row.username, "active": active})
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

    def logout(self, user: User) -> None:
        """``user`` leaves the counter's PC (signs out, another may sign in): an event, so that
        the log says who was at the counter when."""
        with self._uow(write=True) as uow:
            uow.append(Kind.USER_LOGGED_OUT, user.username)
            uow.commit()
