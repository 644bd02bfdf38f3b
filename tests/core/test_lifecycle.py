"""The dossier's life after reception: every allowed and refused transition, roles, the
projection, and early / on time / late with holidays, supplements and an apology."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from oneStop.domain.clock import VN_TZ, to_local
from oneStop.domain.errors import PermissionDenied, ValidationError
from oneStop.domain.events import project
from oneStop.domain.lifecycle import Timeliness, Transition, TransitionRefused, classify, rule
from oneStop.domain.models import DossierStatus as S
from tests.core.helpers import add_procedure, counts, draft

PAYLOADS = {
    Transition.TRANSFERRED: {"to_agency": "Phòng Tư pháp huyện"},
    Transition.RESULT_RECEIVED: {"result": "Giấy khai sinh"},
    Transition.SUPPLEMENT_REQUESTED: {"reason": "Thiếu giấy chứng sinh", "documents": ["Giấy chứng sinh"]},
    Transition.SUPPLEMENT_RECEIVED: {"note": "Đã nộp bổ sung"},
    Transition.REFUSED: {"reason": "Không thuộc thẩm quyền"},
    Transition.APOLOGISED: {"reason": "Cần xác minh thêm", "new_due_at": "2026-12-31T16:00:00+07:00"},
    Transition.FINANCIAL_REQUESTED: {"amount": 50000},
    Transition.FINANCIAL_MET: {},
    Transition.STOPPED: {"reason": "Cơ quan có thẩm quyền yêu cầu dừng"},
    Transition.WITHDRAWN: {"reason": "Người nộp xin rút"},
    Transition.RESULT_READY: {},
    Transition.RETURNED: {"method": "counter", "collected_by": "Nguyễn Thị Hường", "collected_id": "038190012345"},
    Transition.DELIVERED: {"recipient": "Nguyễn Thị Hường"},
    Transition.UNDELIVERABLE: {"reason": "Không có người nhận tại địa chỉ"},
}
#: A dossier's whole life with a wait and an apology on the way: every time column gets a value.
WHOLE_LIFE = [
    (Transition.TRANSFERRED, PAYLOADS[Transition.TRANSFERRED]),
    (Transition.SUPPLEMENT_REQUESTED, PAYLOADS[Transition.SUPPLEMENT_REQUESTED]),
    (Transition.SUPPLEMENT_RECEIVED, {}),
    (Transition.APOLOGISED, PAYLOADS[Transition.APOLOGISED]),
    (Transition.RESULT_RECEIVED, {}),
    (Transition.RETURNED, PAYLOADS[Transition.RETURNED]),
]
#: On the paths, results leave by post, so that delivery outcomes can follow.
PATH_PAYLOADS = {**PAYLOADS, Transition.RETURNED: {"method": "post", "tracking": "RR123456785VN"}}

PATHS = {
    S.RECEIVED: [],
    S.IN_PROGRESS: [Transition.TRANSFERRED],
    S.SUPPLEMENT_REQUESTED: [Transition.SUPPLEMENT_REQUESTED],
    S.FINANCIAL_OBLIGATION: [Transition.FINANCIAL_REQUESTED],
    S.RESULT_READY: [Transition.RESULT_READY],
    S.RETURNED: [Transition.RESULT_READY, Transition.RETURNED],
    S.REFUSED: [Transition.REFUSED],
    S.WITHDRAWN: [Transition.WITHDRAWN],
    S.STOPPED: [Transition.STOPPED],
}

EXPECTED_TARGET = {
    Transition.SUPPLEMENT_RECEIVED: None,  # back to where it was
    Transition.FINANCIAL_MET: None,
    Transition.APOLOGISED: None,  # unchanged
}


@pytest.fixture
def ready(app, admin, official, supervisor):  # type: ignore[no-untyped-def]
    add_procedure(app)
    return app


def new_dossier(app, official):  # type: ignore[no-untyped-def]
    return app.reception.receive(official, draft())


@pytest.mark.parametrize("status", list(PATHS), ids=lambda s: s.value)
def test_every_transition_from_every_state_is_allowed_or_refused_as_the_rules_say(ready, admin, official, clock, status):
    app = ready
    supervisor = admin  # every role's transitions, by the one role that may make them all
    for transition in Transition:
        dossier = new_dossier(app, official)
        for step in PATHS[status]:
            dossier = app.lifecycle.transition(supervisor, dossier.code, step, PATH_PAYLOADS[step])
        assert dossier.status is status
        before = counts(app)
        if status in rule(transition).sources:
            after = app.lifecycle.transition(supervisor, dossier.code, transition, PAYLOADS[transition])
            expected = rule(transition).target or (
                status if transition in (Transition.APOLOGISED, Transition.DELIVERED) else S.IN_PROGRESS
            )
            if transition in (Transition.SUPPLEMENT_RECEIVED, Transition.FINANCIAL_MET):
                expected = S.RECEIVED  # both were entered from RECEIVED on these paths
            assert after.status is expected, (status, transition)
            assert counts(app)["events"] == before["events"] + 1
        else:
            with pytest.raises(TransitionRefused) as refused:
                app.lifecycle.transition(supervisor, dossier.code, transition, PAYLOADS[transition])
            message = str(refused.value)
            assert status.label in message and dossier.code in message, message
            assert counts(app) == before, "a refused transition wrote something"


def test_supplement_returns_to_the_state_it_interrupted_and_the_clock_stops(ready, official, clock):
    d = new_dossier(ready, official)
    d = ready.lifecycle.transition(official, d.code, Transition.TRANSFERRED, PAYLOADS[Transition.TRANSFERRED])
    clock.advance(hours=1)
    d = ready.lifecycle.transition(official, d.code, Transition.SUPPLEMENT_REQUESTED, PAYLOADS[Transition.SUPPLEMENT_REQUESTED])
    assert d.status is S.SUPPLEMENT_REQUESTED and d.paused_since is not None
    clock.advance(days=2)
    d = ready.lifecycle.transition(official, d.code, Transition.SUPPLEMENT_RECEIVED, {})
    assert d.status is S.IN_PROGRESS
    assert d.paused_seconds == 2 * 86400 and d.paused_since is None and d.supplement_count == 1


def test_roles_are_checked_in_the_core(ready, official, postal):
    d = new_dossier(ready, official)
    with pytest.raises(PermissionDenied):
        ready.lifecycle.transition(official, d.code, Transition.STOPPED, PAYLOADS[Transition.STOPPED])
    with pytest.raises(PermissionDenied):
        ready.lifecycle.transition(official, d.code, Transition.APOLOGISED, PAYLOADS[Transition.APOLOGISED])
    with pytest.raises(PermissionDenied):
        ready.lifecycle.transition(postal, d.code, Transition.TRANSFERRED, PAYLOADS[Transition.TRANSFERRED])


@pytest.mark.parametrize(
    "transition, payload, field",
    [
        (Transition.REFUSED, {"reason": "   "}, "reason"),
        (Transition.TRANSFERRED, {}, "to_agency"),
        (Transition.SUPPLEMENT_REQUESTED, {"reason": "Thiếu"}, "documents"),
        (Transition.APOLOGISED, {"reason": "Chậm", "new_due_at": "2026-11-20T16:00:00+07:00"}, "new_due_at"),
        (Transition.APOLOGISED, {"reason": "Chậm", "new_due_at": "2026-12-20T16:00:00"}, "new_due_at"),
        (Transition.APOLOGISED, {"reason": "Chậm", "new_due_at": "thứ hai"}, "new_due_at"),
    ],
)
def test_missing_or_bad_details_are_refused_naming_the_field(ready, official, supervisor, transition, payload, field):
    d = new_dossier(ready, official)
    before = counts(ready)
    with pytest.raises(ValidationError) as error:
        ready.lifecycle.transition(supervisor, d.code, transition, payload)
    assert error.value.field == field
    assert counts(ready) == before


def test_returning_at_the_counter_needs_who_collected_it(ready, official):
    d = new_dossier(ready, official)
    ready.lifecycle.transition(official, d.code, Transition.RESULT_READY, {})
    with pytest.raises(ValidationError) as error:
        ready.lifecycle.transition(official, d.code, Transition.RETURNED, {"method": "counter"})
    assert error.value.field == "collected_by"
    with pytest.raises(ValidationError) as error:
        ready.lifecycle.transition(official, d.code, Transition.RETURNED, {"collected_by": "A", "collected_id": "12345"})
    assert error.value.field == "citizen_id"


def test_apology_moves_the_appointment_once(ready, official, supervisor):
    d = new_dossier(ready, official)
    after = ready.lifecycle.transition(supervisor, d.code, Transition.APOLOGISED, PAYLOADS[Transition.APOLOGISED])
    assert after.due_at == datetime(2026, 12, 31, 9, 0, tzinfo=after.due_at.tzinfo)
    assert after.original_due_at == d.due_at and after.apology_count == 1
    with pytest.raises(TransitionRefused, match="một lần"):
        ready.lifecycle.transition(
            supervisor, d.code, Transition.APOLOGISED, {"reason": "x", "new_due_at": "2027-01-15T16:00:00+07:00"}
        )


def test_the_number_of_extensions_is_the_agencys_setting(ready, admin, official, supervisor):
    """Issue 15: at most one extension per dossier by default (TT 03/2025), a setting an
    administrator may raise; the menu offers the apology only while one is left."""
    from oneStop import settings as S

    d = new_dossier(ready, official)
    ready.lifecycle.transition(supervisor, d.code, Transition.APOLOGISED, PAYLOADS[Transition.APOLOGISED])
    assert Transition.APOLOGISED not in ready.lifecycle.allowed(supervisor, d.code)
    second = {"reason": "Chờ ý kiến cơ quan phối hợp", "new_due_at": "2027-01-15T16:00:00+07:00"}
    with pytest.raises(TransitionRefused, match="tối đa một lần"):
        ready.lifecycle.transition(supervisor, d.code, Transition.APOLOGISED, second)
    ready.settings.set(admin, S.MAX_EXTENSIONS, 2)
    assert Transition.APOLOGISED in ready.lifecycle.allowed(supervisor, d.code)
    after = ready.lifecycle.transition(supervisor, d.code, Transition.APOLOGISED, second)
    assert after.apology_count == 2 and after.original_due_at == d.due_at  # lateness still from the first
    with pytest.raises(TransitionRefused, match="tối đa 2 lần"):
        ready.lifecycle.transition(supervisor, d.code, Transition.APOLOGISED,
                                   {"reason": "x", "new_due_at": "2027-02-15T16:00:00+07:00"})
    with pytest.raises(ValidationError):
        ready.settings.set(admin, S.MAX_EXTENSIONS, 4)


def test_a_transition_cannot_be_dated_before_reception_or_in_the_future(ready, official, clock):
    d = new_dossier(ready, official)
    with pytest.raises(ValidationError) as error:
        ready.lifecycle.transition(official, d.code, Transition.RESULT_READY, {}, at=d.received_at - timedelta(hours=1))
    assert error.value.field == "at"
    with pytest.raises(ValidationError):
        ready.lifecycle.transition(official, d.code, Transition.RESULT_READY, {}, at=clock.now + timedelta(hours=1))


def test_the_projection_is_rebuilt_identically_from_the_events(ready, admin, official, supervisor, clock):
    d = new_dossier(ready, official)
    for transition, payload in WHOLE_LIFE:
        clock.advance(hours=3)
        last = ready.lifecycle.transition(supervisor, d.code, transition, payload)
    detail = ready.dossiers.show(supervisor, d.code)
    rebuilt = project(detail.events)
    assert rebuilt is not None
    for name in ("status", "processing_agency", "finished_at", "returned_at", "paused_seconds", "supplement_count",
                 "apology_count", "due_at", "original_due_at"):
        assert getattr(rebuilt, name) == getattr(last, name), name
    assert ready.dossiers.rebuild_projection(admin) >= 1
    assert ready.dossiers.get(supervisor, d.code).status is S.RETURNED


def test_a_bulk_written_projection_is_stored_as_the_orm_stores_it(ready, official, supervisor, clock):
    """A pull writes dossier rows with ``persistence.bulk`` (fast processors); an official's step
    writes them with the ORM: the same dossier must be the same text in every column."""
    from sqlalchemy import delete, select, text

    from oneStop.persistence.bulk import insert_rows
    from oneStop.persistence.mapping import dossier_row_values
    from oneStop.persistence.models import DossierRow

    d = new_dossier(ready, official)
    for transition, payload in WHOLE_LIFE:
        clock.advance(hours=3, minutes=7)
        ready.lifecycle.transition(supervisor, d.code, transition, payload)
    state = project(ready.dossiers.show(supervisor, d.code).events)
    raw = text("SELECT * FROM dossiers WHERE code = :code")
    with ready.uow(write=True) as uow:
        connection = uow.session.connection()
        updated_at = uow.session.scalars(select(DossierRow.updated_at).where(DossierRow.code == d.code)).one()
        by_orm = connection.execute(raw, {"code": d.code}).one()
        connection.execute(delete(DossierRow.__table__).where(DossierRow.__table__.c.code == d.code))
        insert_rows(connection, DossierRow.__table__, [dossier_row_values(state, updated_at)])
        by_bulk = connection.execute(raw, {"code": d.code}).one()
    assert by_bulk._asdict() == by_orm._asdict()
    written = {k: v for k, v in by_orm._asdict().items() if k.endswith("_at") and v is not None}
    assert len(written) >= 6 and all(len(v) == 26 for v in written.values())  # microseconds always written


def test_unknown_transition_names_the_choices(ready, official):
    d = new_dossier(ready, official)
    with pytest.raises(ValidationError, match="transferred"):
        ready.lifecycle.transition(official, d.code, "teleported", {})


# --- early / on time / late ----------------------------------------------------------------------


def at(day: int, month: int = 11, hour: int = 9, minute: int = 15) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN_TZ)


@pytest.fixture
def timed(ready, official, supervisor, clock):  # type: ignore[no-untyped-def]
    """Receive a five-day dossier on Monday 23/11 at 09:15 (due Tuesday 1/12: 24/11 is a day
    off), move the clock to 20 December, and return a function recording dated transitions."""
    d = new_dossier(ready, official)
    clock.now = at(20, 12).astimezone(clock.now.tzinfo)

    def step(transition, when, payload=None):  # type: ignore[no-untyped-def]
        return ready.lifecycle.transition(supervisor, d.code, transition, payload or PAYLOADS[transition], at=when)

    return d, step


def cls(app, dossier, now=None):  # type: ignore[no-untyped-def]
    cal = app.calendar.calendar()
    return classify(dossier, now or at(20, 12), cal.working_days_between)


def test_due_date_skips_the_culture_day_holiday(timed):
    d, _ = timed
    assert to_local(d.due_at) == at(1, 12)


def test_finished_a_working_day_early_is_early(ready, timed):
    d, step = timed
    d = step(Transition.RESULT_READY, at(30))  # Monday 30/11, one working day before 1/12
    assert cls(ready, d) is Timeliness.EARLY


def test_finished_the_same_day_is_on_time(ready, timed):
    d, step = timed
    d = step(Transition.RESULT_READY, at(1, 12, hour=8))
    assert cls(ready, d) is Timeliness.ON_TIME


def test_processed_counts_not_the_later_return(ready, timed):
    d, step = timed
    step(Transition.RESULT_READY, at(1, 12, hour=8))
    d = step(Transition.RETURNED, at(10, 12))
    assert cls(ready, d) is Timeliness.ON_TIME


def test_finished_after_the_appointment_is_late(ready, timed):
    d, step = timed
    d = step(Transition.RESULT_READY, at(2, 12))
    assert cls(ready, d) is Timeliness.LATE


def test_time_waiting_for_supplements_is_not_counted(ready, timed):
    d, step = timed
    step(Transition.SUPPLEMENT_REQUESTED, at(25))
    step(Transition.SUPPLEMENT_RECEIVED, at(30))  # five days waiting
    d = step(Transition.RESULT_READY, at(4, 12))  # three days after the appointment
    assert cls(ready, d) is Timeliness.ON_TIME


def test_two_supplement_requests_make_it_late(ready, timed):
    d, step = timed
    step(Transition.SUPPLEMENT_REQUESTED, at(25))
    step(Transition.SUPPLEMENT_RECEIVED, at(25, hour=10))
    step(Transition.SUPPLEMENT_REQUESTED, at(25, hour=11))
    step(Transition.SUPPLEMENT_RECEIVED, at(25, hour=12))
    d = step(Transition.RESULT_READY, at(26))
    assert cls(ready, d) is Timeliness.LATE


def test_an_apology_does_not_make_a_late_dossier_on_time(ready, timed):
    d, step = timed
    step(Transition.APOLOGISED, at(30), {"reason": "Cần xác minh", "new_due_at": at(8, 12).isoformat()})
    d = step(Transition.RESULT_READY, at(7, 12))
    assert cls(ready, d) is Timeliness.LATE
    cal = ready.calendar.calendar()
    assert classify(d, at(20, 12), cal.working_days_between, apology_counts_late=False) is Timeliness.EARLY


def test_in_progress_dossiers_are_within_the_deadline_or_overdue(ready, timed):
    d, step = timed
    assert cls(ready, d, now=at(1, 12, hour=8)) is Timeliness.IN_TIME
    assert cls(ready, d, now=at(2, 12)) is Timeliness.OVERDUE
    d = step(Transition.SUPPLEMENT_REQUESTED, at(30))
    # waiting since 30/11: the deadline moves with the wait
    assert cls(ready, d, now=at(10, 12)) is Timeliness.IN_TIME


def test_who_may_have_written_a_stop_depends_on_who_asked_for_it():
    """Issue 15: a peer counter's event is checked as the writing service checked it: an official
    may record a stop the applicant asked for, only a supervisor any other stop."""
    from oneStop.domain import vocabulary
    from oneStop.domain.models import Role

    kind = Transition.STOPPED.kind
    asked = {"reason": "Người nộp đề nghị", "requested_by": "applicant"}
    assert vocabulary.may_write(kind, Role.OFFICIAL, "hoa", asked)
    assert not vocabulary.may_write(kind, Role.OFFICIAL, "hoa", {"reason": "Cơ quan dừng"})
    assert vocabulary.may_write(kind, Role.SUPERVISOR, "binh", {"reason": "Cơ quan dừng"})
    import uuid

    vocabulary.check(kind, asked, dossier_id=uuid.uuid4())  # the payload is one the service writes
    with pytest.raises(vocabulary.InvalidEvent) as refused:
        vocabulary.check(kind, {**asked, "requested_by": "agency"}, dossier_id=uuid.uuid4())
    assert refused.value.field == "requested_by"
