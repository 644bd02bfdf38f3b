"""Users and passwords: one's own password needs the current one (and a wrong one counts as a
failed sign-in), an administrator resets others', and locking leaves someone who can unlock."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from oneStop.domain import vocabulary
from oneStop.domain.errors import (
    AuthenticationFailed,
    LoginThrottled,
    PermissionDenied,
    UserDisabled,
    ValidationError,
    ValidationErrors,
)
from oneStop.domain.events import Kind
from oneStop.domain.models import Role
from oneStop.persistence.models import EventRow, UserRow
from oneStop.services.auth import CannotLock, UsernameTaken, WrongCurrentPassword
from tests.conftest import PASSWORD

NEW = "mat-khau-moi-2026"


def events(app, kind: str) -> list[EventRow]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return list(uow.session.scalars(select(EventRow).where(EventRow.kind == kind).order_by(EventRow.seq)))


def may_be_applied_elsewhere(app, event: EventRow) -> bool:  # type: ignore[no-untyped-def]
    """What another counter's vetting asks of the event: its payload, and the right of its actor
    (with the actor's role as it stands here)."""
    vocabulary.check(event.kind, event.payload)
    with app.uow() as uow:
        row = uow.session.get(UserRow, event.actor)
    role = Role(row.role) if row is not None else None
    return vocabulary.may_write(event.kind, role, event.actor, event.payload, active=bool(row and row.active))


# --- one's own password ----------------------------------------------------------------------------


def test_a_user_changes_their_own_password_with_the_current_one(app, official):
    app.auth.change_own_password(official, PASSWORD, NEW)
    assert app.auth.login("hoa.nt", NEW).username == "hoa.nt"
    with pytest.raises(AuthenticationFailed):
        app.auth.login("hoa.nt", PASSWORD)
    (event,) = [e for e in events(app, Kind.USER_UPDATED) if e.payload["username"] == "hoa.nt"]
    assert event.actor == "hoa.nt" and event.payload["password"] == "changed"
    assert PASSWORD not in str(event.payload) and NEW not in str(event.payload)
    assert may_be_applied_elsewhere(app, event)  # an official may change their own password there too


def test_a_wrong_current_password_is_named_and_changes_nothing(app, official):
    with pytest.raises(WrongCurrentPassword) as refused:
        app.auth.change_own_password(official, "sai-mat-khau", NEW)
    assert isinstance(refused.value, ValidationError)
    assert refused.value.field == "current_password" and str(refused.value) == "Mật khẩu hiện tại không đúng"
    assert app.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"
    failed = events(app, Kind.USER_LOGIN_FAILED)
    assert [(e.actor, e.payload) for e in failed] == [("hoa.nt", {"username": "hoa.nt", "attempts": 1})]
    assert not [e for e in events(app, Kind.USER_UPDATED) if e.payload["username"] == "hoa.nt"]


def test_a_wrong_current_password_and_a_short_new_one_are_both_named(app, official):
    with pytest.raises(ValidationErrors) as refused:
        app.auth.change_own_password(official, "sai-mat-khau", "ngan")
    assert [e.field for e in refused.value.errors] == ["current_password", "password"]


def test_wrong_current_passwords_are_throttled_like_sign_ins(app, official, clock):
    for _ in range(5):
        with pytest.raises(WrongCurrentPassword):
            app.auth.change_own_password(official, "doan-thu", NEW)
    # the right one must wait now, here and at the sign-in: guessing through this form is slowed down too
    with pytest.raises(LoginThrottled) as throttled:
        app.auth.change_own_password(official, PASSWORD, NEW)
    assert throttled.value.wait_seconds == 30
    with pytest.raises(LoginThrottled):
        app.auth.login("hoa.nt", PASSWORD)
    clock.advance(seconds=31)
    app.auth.change_own_password(official, PASSWORD, NEW)
    assert app.auth.login("hoa.nt", NEW).username == "hoa.nt"
    assert [e.payload["attempts"] for e in events(app, Kind.USER_LOGIN_FAILED)] == [1, 2, 3, 4, 5]


def test_failed_sign_ins_count_towards_the_change_of_password(app, official):
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            app.auth.login("hoa.nt", "sai-mat-khau")
    with pytest.raises(LoginThrottled):
        app.auth.change_own_password(official, PASSWORD, NEW)


@pytest.mark.parametrize("new, problem", [(PASSWORD, "phải khác mật khẩu hiện tại"),
                                          ("ngan", "phải có ít nhất 8 ký tự")])
def test_the_new_password_must_be_long_enough_and_differ_from_the_current_one(app, official, new, problem):
    with pytest.raises(ValidationError) as refused:
        app.auth.change_own_password(official, PASSWORD, new)
    assert (refused.value.field, refused.value.problem) == ("password", problem)
    assert events(app, Kind.USER_LOGIN_FAILED) == []  # the current password was right


def test_a_locked_user_cannot_change_their_password(app, admin, official):
    app.auth.set_active(admin, "hoa.nt", False)
    with pytest.raises(UserDisabled):
        app.auth.change_own_password(official, PASSWORD, NEW)


# --- an administrator's reset ---------------------------------------------------------------------


def test_an_administrator_resets_another_users_password(app, admin, official):
    app.auth.set_password(admin, "hoa.nt", NEW)
    assert app.auth.login("hoa.nt", NEW).username == "hoa.nt"
    event = events(app, Kind.USER_UPDATED)[-1]
    assert event.actor == "admin" and event.payload["username"] == "hoa.nt"
    assert may_be_applied_elsewhere(app, event)


def test_nobody_resets_their_own_password_without_the_current_one(app, admin, official):
    for actor in (official, admin):
        with pytest.raises(PermissionDenied, match="Đổi mật khẩu"):
            app.auth.set_password(actor, actor.username, NEW)
        assert app.auth.login(actor.username, PASSWORD).username == actor.username


def test_only_an_administrator_resets_someone_elses_password(app, official, supervisor):
    with pytest.raises(PermissionDenied):
        app.auth.set_password(official, "binh.lv", NEW)
    assert app.auth.login("binh.lv", PASSWORD).username == "binh.lv"


def test_a_second_user_of_the_same_name_is_named_on_the_username(app, admin, official):
    with pytest.raises(UsernameTaken) as refused:
        app.auth.add_user(admin, "Hoa.NT", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)
    assert refused.value.field == "username" and "hoa.nt" in str(refused.value)


# --- locking --------------------------------------------------------------------------------------


def test_a_locked_user_cannot_sign_in_and_can_again_once_unlocked(app, admin, official):
    app.auth.set_active(admin, "hoa.nt", False)
    with pytest.raises(UserDisabled, match="hoa.nt"):
        app.auth.login("hoa.nt", PASSWORD)
    with pytest.raises(UserDisabled):  # and one still signed in can do nothing more
        app.dossiers.find(official, "")
    app.auth.set_active(admin, "hoa.nt", True)
    assert app.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"
    locked, unlocked = [e for e in events(app, Kind.USER_UPDATED) if "active" in e.payload]
    assert (locked.actor, locked.payload) == ("admin", {"username": "hoa.nt", "active": False})
    assert unlocked.payload == {"username": "hoa.nt", "active": True}
    assert may_be_applied_elsewhere(app, locked) and may_be_applied_elsewhere(app, unlocked)


def test_the_last_active_administrator_cannot_be_locked(app, admin, official):
    with pytest.raises(CannotLock, match="quản trị viên cuối cùng"):
        app.auth.set_active(admin, "admin", False)
    assert app.auth.login("admin", PASSWORD).role is Role.ADMIN


def test_an_administrator_cannot_lock_themselves_but_another_one_can(app, admin):
    second = app.auth.add_user(admin, "quan.tri2", "Trần Văn Hai", Role.ADMIN, PASSWORD)
    with pytest.raises(CannotLock, match="chính mình"):
        app.auth.set_active(admin, "admin", False)
    app.auth.set_active(second, "admin", False)
    with pytest.raises(UserDisabled):
        app.auth.login("admin", PASSWORD)
    # and the one left is now the last
    with pytest.raises(CannotLock, match="quản trị viên cuối cùng"):
        app.auth.set_active(second, "quan.tri2", False)


def test_only_an_administrator_locks(app, official, supervisor):
    with pytest.raises(PermissionDenied):
        app.auth.set_active(supervisor, "hoa.nt", False)
    assert app.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"
