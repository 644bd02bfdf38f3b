"""Sign-in: guessing is slowed down (and stays slowed down after a restart), a name not known
here answers like a known one, and what was typed as an unknown name is never kept."""

from __future__ import annotations

import statistics
import time

import pytest
from sqlalchemy import select

from oneStop.domain import vocabulary
from oneStop.domain.errors import AuthenticationFailed, LoginThrottled
from oneStop.domain.events import Kind
from oneStop.domain.vocabulary import InvalidEvent
from oneStop.persistence.models import EventRow
from oneStop.services.app import App
from tests.conftest import PASSWORD


def _fail(app, name: str, times: int) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            app.auth.login(name, "sai-mat-khau")


def test_after_five_failures_the_user_waits_longer_each_time_even_after_a_restart(app, admin, official, clock):
    _fail(app, "hoa.nt", 5)
    with pytest.raises(LoginThrottled) as throttled:
        app.auth.login("hoa.nt", PASSWORD)  # even the right password must wait
    assert throttled.value.wait_seconds == 30
    assert str(throttled.value) == "Đăng nhập sai quá nhiều lần liên tiếp: hãy chờ 30 giây rồi thử lại."
    assert app.auth.login("admin", PASSWORD).username == "admin"  # another user is not held up

    app.close()
    restarted = App(app.paths.root, clock=clock)
    try:
        clock.advance(seconds=10)
        with pytest.raises(LoginThrottled) as throttled:
            restarted.auth.login("hoa.nt", PASSWORD)
        assert throttled.value.wait_seconds == 20
        clock.advance(seconds=21)
        _fail(restarted, "hoa.nt", 1)  # the sixth: now a minute
        with pytest.raises(LoginThrottled, match="1 phút"):
            restarted.auth.login("hoa.nt", PASSWORD)
        clock.advance(seconds=61)
        assert restarted.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"
        _fail(restarted, "hoa.nt", 4)  # a success starts the count again
        assert restarted.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"
        with restarted.uow() as uow:
            attempts = [e.payload.get("attempts") for e in uow.session.scalars(
                select(EventRow).where(EventRow.kind == Kind.USER_LOGIN_FAILED).order_by(EventRow.seq))]
        assert attempts == [1, 2, 3, 4, 5, 6, 1, 2, 3, 4]
    finally:
        restarted.close()


def test_many_failures_on_the_pc_hold_every_sign_in_back(app, admin, clock):
    for n in range(20):
        _fail(app, f"khong-co-{n}", 1)
    with pytest.raises(LoginThrottled):
        app.auth.login("admin", PASSWORD)
    clock.advance(seconds=31)
    assert app.auth.login("admin", PASSWORD).username == "admin"


def test_an_unknown_name_is_throttled_like_a_known_one(app, admin, official):
    _fail(app, "hoa.nt", 5)
    _fail(app, "khong.co.ai", 5)
    for name in ("hoa.nt", "khong.co.ai"):
        with pytest.raises(LoginThrottled) as throttled:
            app.auth.login(name, "sai-mat-khau")
        assert throttled.value.wait_seconds == 30


def test_what_was_typed_as_an_unknown_name_is_never_stored(app, admin):
    typed = "MatKhauCuaToi@2026"  # a password typed in the name field
    with pytest.raises(AuthenticationFailed):
        app.auth.login(typed, "")
    with app.uow() as uow:
        event = uow.session.scalars(select(EventRow).where(EventRow.kind == Kind.USER_LOGIN_FAILED)).one()
    assert (event.actor, event.payload) == ("?", {"unknown_user": True})
    app.close()
    files = [app.paths.database, app.paths.database.with_name(app.paths.database.name + "-wal")]
    stored = b"".join(f.read_bytes() for f in files if f.exists())
    assert typed.lower().encode() not in stored and typed.encode() not in stored


def test_the_vocabulary_refuses_an_unknown_user_event_that_carries_the_typed_name():
    vocabulary.check(Kind.USER_LOGIN_FAILED, {"unknown_user": True})
    vocabulary.check(Kind.USER_LOGIN_FAILED, {"username": "hoa.nt", "attempts": 3})
    with pytest.raises(InvalidEvent, match="Tên đăng nhập"):
        vocabulary.check(Kind.USER_LOGIN_FAILED, {"unknown_user": True, "username": "matkhau123"})


def test_an_unknown_name_takes_as_long_as_a_wrong_password(app, admin, official):
    def median_ms(name: str) -> float:
        times = []
        for n in range(4):
            start = time.perf_counter()
            with pytest.raises(AuthenticationFailed):
                app.auth.login(name, f"sai-{n}")
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)

    known, unknown = median_ms("hoa.nt"), median_ms("khong.co.ai")
    assert 0.6 < unknown / known < 1.7, (known, unknown)
