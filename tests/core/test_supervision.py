"""The supervisor's day: review per counter, sign-off with a comment, changes after a sign-off,
per-official figures and the dashboard's numbers."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from oneStop import settings as S
from oneStop.domain.clock import VN_TZ, to_utc
from oneStop.domain.errors import PermissionDenied, ValidationError
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Channel, ReturnMethod, Role
from tests.conftest import PASSWORD
from tests.core.helpers import add_procedure, draft


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=VN_TZ)


@pytest.fixture
def day(app, admin, official, supervisor, clock):  # type: ignore[no-untyped-def]
    """Thursday 26/11: three dossiers at counter 1 (one by post), one returned by post, one
    refused, a reprint; an older dossier overdue; seen at 16:00."""
    add_procedure(app)
    clock.now = to_utc(at(26, 16))
    old = app.reception.receive(official, draft(received_at=at(16)))  # due 23/11: overdue
    a = app.reception.receive(official, draft(received_at=at(26, 8)))
    b = app.reception.receive(official, draft(received_at=at(26, 9), channel=Channel.POSTAL,
                                              return_method=ReturnMethod.POST, delivery_address="Hà Nội"))
    c = app.reception.receive(official, draft(received_at=at(26, 10)))
    app.printing.receipt(official, a.code)
    app.printing.receipt(official, a.code)  # a reprint
    app.lifecycle.transition(official, b.code, Transition.RESULT_READY, {}, at=at(26, 11))
    app.lifecycle.transition(official, b.code, Transition.RETURNED, {"method": "post"}, at=at(26, 14))
    app.lifecycle.transition(official, c.code, Transition.REFUSED, {"reason": "Sai thẩm quyền"}, at=at(26, 15))
    return {"old": old, "a": a, "b": b, "c": c}


def test_the_day_per_counter(app, supervisor, day):
    review = app.supervision.day_review(supervisor, date(2026, 11, 26))
    (counter,) = review.counters
    assert (counter.counter, counter.received, counter.returned, counter.refused, counter.reprinted) == (1, 3, 1, 1, 1)
    assert counter.to_post == 1 and counter.postal_received == 1
    assert day["old"].code in review.overdue and day["a"].code not in review.overdue
    assert review.sign_off is None and not review.signed


def test_due_on_the_next_working_day(app, supervisor, official, day, clock):
    # received Friday 20/11 09:00, five working days with 24/11 off: due Monday 30/11
    due = app.reception.receive(official, draft(received_at=at(20)))
    review = app.supervision.day_review(supervisor, date(2026, 11, 27))  # Friday; next working day Monday 30/11
    assert due.code in review.due_next_working_day


def test_sign_off_records_the_comment_and_later_changes_show(app, supervisor, official, day, clock):
    signed = app.supervision.sign_off(supervisor, date(2026, 11, 26), "Đã kiểm tra đủ 3 hồ sơ")
    review = app.supervision.day_review(supervisor, date(2026, 11, 26))
    assert review.signed and review.sign_off.comment == "Đã kiểm tra đủ 3 hồ sơ"
    assert review.sign_off.by == "binh.lv" and review.changed_after_sign_off == ()
    assert signed.seq_through > 0
    # looking is not changing
    app.dossiers.show(official, day["a"].code)
    assert app.supervision.day_review(supervisor, date(2026, 11, 26)).changed_after_sign_off == ()
    # a change to a dossier of that day after the sign-off is shown
    clock.advance(hours=1)
    app.lifecycle.transition(official, day["a"].code, Transition.TRANSFERRED, {"to_agency": "Phòng Tư pháp"})
    changed = app.supervision.day_review(supervisor, date(2026, 11, 26)).changed_after_sign_off
    assert [c["kind"] for c in changed] == ["dossier.transferred"]
    # signing again covers it
    clock.advance(minutes=5)
    app.supervision.sign_off(supervisor, date(2026, 11, 26), "Ký lại sau khi chuyển hồ sơ")
    assert app.supervision.day_review(supervisor, date(2026, 11, 26)).changed_after_sign_off == ()


def test_only_supervisors_sign_and_not_a_future_day(app, official, supervisor, day):
    with pytest.raises(PermissionDenied):
        app.supervision.sign_off(official, date(2026, 11, 26), "")
    with pytest.raises(ValidationError) as error:
        app.supervision.sign_off(supervisor, date(2026, 11, 27), "")
    assert error.value.field == "date"


def test_per_official_figures(app, admin, supervisor, official, day, clock):
    other = app.auth.add_user(admin, "lan.pt", "Phạm Thị Lan", Role.OFFICIAL, PASSWORD)
    app.reception.receive(other, draft(received_at=at(25)))
    figures = {f.username: f for f in app.supervision.officials(supervisor, date(2026, 11, 1), date(2026, 11, 30))}
    hoa = figures["hoa.nt"]
    assert (hoa.received, hoa.returned, hoa.finished) == (4, 1, 2)  # b returned, c refused
    assert hoa.on_time == 2 and hoa.on_time_rate == 1.0
    assert hoa.average_handling_hours == pytest.approx((2 + 5) / 2)  # b ready after 2 h, c refused after 5 h
    assert figures["lan.pt"].received == 1 and figures["lan.pt"].on_time_rate is None
    with pytest.raises(PermissionDenied):
        app.supervision.officials(official, date(2026, 11, 1), date(2026, 11, 30))


def test_dashboard_figures_and_targets(app, admin, supervisor, day):
    board = app.supervision.dashboard(supervisor, date(2026, 11, 26))
    assert board.received_today == 3 and board.returned_today == 1
    assert board.received == 4 and board.received_by_channel["postal"] == 1
    assert board.postal_in_share == 0.25 and board.target_postal_in == 0.05
    assert board.returned == 1 and board.returned_by_post == 1 and board.postal_out_share == 1.0
    assert board.target_postal_out == 0.20
    assert board.finished == 2 and board.on_time_rate == 1.0
    assert [i.code for i in board.overdue] == [day["old"].code]
    assert len(board.daily) == 14 and board.daily[-1] == (date(2026, 11, 26), {"direct": 2, "postal": 1, "online": 0})
    app.settings.set(admin, S.TARGET_POSTAL_OUT, 30)
    assert app.supervision.dashboard(supervisor, date(2026, 11, 26)).target_postal_out == 0.30


def test_due_soon_lists_open_dossiers_due_within_the_warning_window(app, supervisor, official, day, clock):
    soon = app.reception.receive(official, draft(received_at=at(20)))  # due Monday 30/11 09:00
    board = app.supervision.dashboard(supervisor, date(2026, 11, 26))  # Thursday: 2 working days → 30/11
    assert soon.code in [i.code for i in board.due_soon]
    assert day["a"].code not in [i.code for i in board.due_soon]  # due 4/12
