"""``onestop users lock|unlock|password``: the same core calls and refusals as the window."""

from __future__ import annotations

import pytest

from oneStop.domain.errors import AuthenticationFailed, UserDisabled
from oneStop.services.app import App
from tests.conftest import PASSWORD

NEW = "mat-khau-moi-2026"


@pytest.fixture
def ready(cli_ready):  # type: ignore[no-untyped-def]
    return cli_ready  # tests/core/conftest.py: administrator ``admin``, official ``hoa``


def login(run, username: str, password: str):  # type: ignore[no-untyped-def]
    with App(run.data) as app:
        return app.auth.login(username, password)


def test_lock_and_unlock_from_the_command_line(ready):
    code, out, err = ready("users", "lock", "hoa")
    assert code == 0, err
    assert out.strip() == "Đã khóa hoa: không đăng nhập được nữa."
    with pytest.raises(UserDisabled):
        login(ready, "hoa", PASSWORD)
    assert ready("users", "list")[1].splitlines()[1].endswith("(khóa)")
    code, out, err = ready("users", "unlock", "hoa", "--by", "admin")
    assert (code, out.strip()) == (0, "Đã mở khóa hoa."), err
    assert login(ready, "hoa", PASSWORD).username == "hoa"


def test_the_last_administrator_is_not_locked_and_an_official_locks_nobody(ready):
    code, out, err = ready("users", "lock", "admin")
    assert code == 1 and out == ""
    assert "quản trị viên cuối cùng" in err
    code, _, err = ready("users", "lock", "admin", "--by", "hoa")
    assert code == 1 and "không có quyền quản lý người dùng" in err
    assert login(ready, "admin", PASSWORD).username == "admin"


def test_an_administrator_resets_a_password_from_new_password(ready, monkeypatch):
    monkeypatch.setenv("ONESTOP_NEW_PASSWORD", NEW)
    code, out, err = ready("users", "password", "hoa")
    assert (code, out.strip()) == (0, "Đã đặt lại mật khẩu của hoa."), err
    assert login(ready, "hoa", NEW).username == "hoa"
    with pytest.raises(AuthenticationFailed):
        login(ready, "hoa", PASSWORD)


def test_ones_own_password_asks_the_current_one(ready, monkeypatch):
    monkeypatch.setenv("ONESTOP_NEW_PASSWORD", NEW)
    monkeypatch.setenv("ONESTOP_PASSWORD", "khong-phai-mat-khau")
    code, out, err = ready("users", "password", "--by", "hoa")
    assert code == 1 and out == "" and "Mật khẩu hiện tại không đúng" in err
    assert login(ready, "hoa", PASSWORD).username == "hoa"
    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    code, out, err = ready("users", "password", "hoa", "--by", "hoa")  # naming oneself is the same
    assert (code, out.strip()) == (0, "Đã đổi mật khẩu của hoa."), err
    assert login(ready, "hoa", NEW).username == "hoa"


def test_without_a_new_password_nor_a_terminal_it_says_which_variable(ready):
    code, out, err = ready("users", "password", "hoa")
    assert code == 1 and "ONESTOP_NEW_PASSWORD" in err
    assert login(ready, "hoa", PASSWORD).username == "hoa"


def test_an_official_cannot_reset_the_administrators_password(ready, monkeypatch):
    monkeypatch.setenv("ONESTOP_NEW_PASSWORD", NEW)
    code, _, err = ready("users", "password", "admin", "--by", "hoa")
    assert code == 1 and "không có quyền quản lý người dùng" in err
    assert login(ready, "admin", PASSWORD).username == "admin"
