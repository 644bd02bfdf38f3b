"""Receiving dossiers: codes, appointments, validation, roles, events and atomicity."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.clock import VN_TZ, to_local
from oneStop.domain.errors import (
    PermissionDenied,
    ProcedureNotFound,
    SequenceExhausted,
    ValidationErrors,
)
from oneStop.domain.events import Kind
from oneStop.domain.models import (
    Applicant,
    AttachmentDraft,
    Channel,
    DossierStatus,
    ReturnMethod,
    Role,
    User,
)
from oneStop.persistence.models import AttachmentRow, DailySequenceRow, DossierRow, EventRow
from oneStop.services.app import App
from oneStop.services.dossiers import rebuild_projection
from tests.conftest import AGENCY_CODE, setup_request
from tests.core.helpers import add_procedure, counts, draft, publish_code_form


@pytest.fixture
def procedure(app, admin):  # type: ignore[no-untyped-def]
    return add_procedure(app)


def test_first_dossier_of_the_day_gets_code_0001_and_the_next_0002(app, official, procedure):
    first = app.reception.receive(official, draft())
    second = app.reception.receive(official, draft())
    assert first.code == f"{AGENCY_CODE}-261123-0001"
    assert second.code == f"{AGENCY_CODE}-261123-0002"
    assert first.status is DossierStatus.RECEIVED


def test_the_sequence_restarts_on_a_new_business_day(app, official, procedure, clock):
    app.reception.receive(official, draft())
    clock.advance(days=1)
    assert app.reception.receive(official, draft()).code == f"{AGENCY_CODE}-261124-0001"


def test_the_profile_in_force_writes_the_codes_date_in_eight_digits(app, admin, official, procedure, clock, capsys):
    """Issue 15 (rules §11.3): a profile whose ``dossier_code`` is ``{"date_format": "yyyymmdd",
    "min_digits": 7}`` makes reception issue codes like a 2026 ministry system's
    (``G09.20-20260609-0092637``), and everything that reads a code back takes them."""
    import json

    from oneStop.cli import main
    from oneStop.domain import vocabulary

    profile_id = publish_code_form(app, admin)  # in force from today, Monday 23/11/2026
    first = app.reception.receive(official, draft())
    second = app.reception.receive(official, draft())
    assert (first.code, second.code) == (f"{AGENCY_CODE}-20261123-0000001", f"{AGENCY_CODE}-20261123-0000002")
    assert first.profile_id == profile_id
    # read back: by its code, typed in lower case, scanned with a prefix and a CR LF, on its day
    assert app.dossiers.get(official, first.code.lower()).code == first.code
    assert [d.code for d in app.dossiers.find(official, f" ]C0{first.code}\r\n")] == [first.code]
    assert [d.code for d in app.dossiers.find(official, second.code.lower())] == [second.code]
    assert app.dossiers.show(official, f"]C0{second.code}\t").dossier.code == second.code
    # its event is one the vocabulary accepts (as a peer checks it), and the projection rebuilds
    with app.uow() as uow:
        payload = uow.session.scalar(select(EventRow.payload).where(EventRow.dossier_id == first.id,
                                                                   EventRow.kind == Kind.DOSSIER_RECEIVED))
    vocabulary.check(Kind.DOSSIER_RECEIVED, payload, dossier_id=first.id)
    with app.uow(write=True) as uow:
        rebuild_projection(uow)
        uow.commit()
    assert app.dossiers.get(official, first.code) == replace(first, synced=False)
    # the next day restarts the number, the date still written whole
    clock.advance(days=1)
    third = app.reception.receive(official, draft())
    assert third.code == f"{AGENCY_CODE}-20261124-0000001"
    # the command line shows it
    root = app.paths.root
    app.close()
    assert main(["--data-dir", str(root), "dossier", "show", third.code.lower(), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == third.code
    assert main(["--data-dir", str(root), "dossier", "list", "--search", first.code, "--json"]) == 0
    assert [d["code"] for d in json.loads(capsys.readouterr().out)] == [first.code]


def test_a_profile_that_changes_the_date_form_during_the_day_never_repeats_a_number(app, admin, official, procedure):
    """The same day's number is one dossier whatever the form of its date: a number held under
    the other form (a sequence behind, a dossier from elsewhere) is passed over."""
    before = app.reception.receive(official, draft())
    assert before.code == f"{AGENCY_CODE}-261123-0001"
    publish_code_form(app, admin)  # in force from today, after the day's first code
    after = app.reception.receive(official, draft())
    # the day's digits were fixed by its first code; the date takes the form of the profile in force
    assert after.code == f"{AGENCY_CODE}-20261123-0002"
    with app.uow(write=True) as uow:  # the day's sequence set back, as if the counter had lost it
        uow.session.get(DailySequenceRow, (AGENCY_CODE, before.received_at.astimezone(VN_TZ).date(), 1)).last_number = 0
        uow.commit()
    again = app.reception.receive(official, draft())
    assert again.code == f"{AGENCY_CODE}-20261123-0003"  # 0001 (held as -261123-0001) and 0002 passed over
    with app.uow() as uow:
        assert len(uow.session.scalars(select(DossierRow.code)).all()) == 3


def test_a_received_events_code_must_name_its_day_in_either_form(app, admin, official, procedure):
    """The vocabulary a peer's reception is checked against (issue 15): the date in the code is
    the local day of reception, whether written yyyymmdd or yymmdd."""
    from oneStop.domain import vocabulary
    from oneStop.domain.vocabulary import InvalidEvent

    publish_code_form(app, admin)
    dossier = app.reception.receive(official, draft())
    with app.uow() as uow:
        payload = uow.session.scalar(select(EventRow.payload).where(EventRow.dossier_id == dossier.id))
    assert payload["code"] == f"{AGENCY_CODE}-20261123-0000001"
    vocabulary.check(Kind.DOSSIER_RECEIVED, payload, dossier_id=dossier.id)
    # the same day in the other form is the same day
    vocabulary.check(Kind.DOSSIER_RECEIVED, {**payload, "code": f"{AGENCY_CODE}-261123-0000001"}, dossier_id=dossier.id)
    for other in ("20261122", "20261124", "20251123", "261122"):
        with pytest.raises(InvalidEvent) as caught:
            vocabulary.check(Kind.DOSSIER_RECEIVED, {**payload, "code": f"{AGENCY_CODE}-{other}-0000001"},
                             dossier_id=dossier.id)
        assert caught.value.field == "dossier_code" and "ngày trong mã hồ sơ khác ngày tiếp nhận" in str(caught.value)
    with pytest.raises(InvalidEvent) as caught:  # not a day at all
        vocabulary.check(Kind.DOSSIER_RECEIVED, {**payload, "code": f"{AGENCY_CODE}-20261131-0000001"},
                         dossier_id=dossier.id)
    assert caught.value.field == "dossier_code" and "«20261131» (yyyymmdd) không phải ngày có thật" in str(caught.value)


def test_appointment_counts_working_days_from_the_procedure(app, official, procedure):
    # received Monday 23/11/2026 09:15; 24/11 is Ngày Văn hóa Việt Nam (holidays package);
    # five working days: 25, 26, 27, 30/11, 1/12 -> Tuesday 1 December, same time of day
    dossier = app.reception.receive(official, draft())
    assert to_local(dossier.due_at) == datetime(2026, 12, 1, 9, 15, tzinfo=VN_TZ)
    assert to_local(dossier.received_at) == datetime(2026, 11, 23, 9, 15, tzinfo=VN_TZ)


def test_received_after_the_cutoff_counts_from_the_next_working_day(app, official, procedure, clock):
    clock.advance(hours=6, minutes=45)  # 16:00
    dossier = app.reception.receive(official, draft())
    # counting starts Wednesday 25/11 07:30 (24/11 is a holiday): +5 -> Wednesday 2/12 07:30
    assert to_local(dossier.due_at) == datetime(2026, 12, 2, 7, 30, tzinfo=VN_TZ)


def test_override_table_moves_the_appointment(app, admin, official, procedure):
    app.calendar.set_override(admin, datetime(2026, 11, 30).date(), "off", "Nghỉ bù của tỉnh")
    dossier = app.reception.receive(official, draft())
    assert to_local(dossier.due_at).date() == datetime(2026, 12, 2).date()


def test_offline_counters_never_issue_the_same_code(tmp_path, clock):
    """Counter 1 and counter 2 of one agency, no network between them, same day."""
    apps = [App(tmp_path / f"pc{k}", clock=clock) for k in (1, 2)]
    try:
        issued = set()
        for k, app in enumerate(apps, start=1):
            admin = app.setup.set_up(setup_request(counter=k))
            official = app.auth.add_user(admin, "cb", "Cán bộ", Role.OFFICIAL, "mat-khau-an-toan")
            add_procedure(app)
            for _ in range(3):
                issued.add(app.reception.receive(official, draft()).code)
        assert len(issued) == 6
        assert f"{AGENCY_CODE}-261123-1001" in issued  # counter 2's block starts at 1001
    finally:
        for app in apps:
            app.close()


def test_refuses_past_the_last_number_of_the_block_and_writes_nothing(app, admin, official, procedure, clock):
    app.settings.set(admin, S.CODE_BLOCK_SIZE, 2)
    assert app.reception.receive(official, draft()).code.endswith("-0001")  # today's block: 1000 numbers
    clock.advance(days=1)  # a block changes from the next day
    app.reception.receive(official, draft())
    app.reception.receive(official, draft())
    before = counts(app)
    with pytest.raises(SequenceExhausted) as err:
        app.reception.receive(official, draft())
    assert "Quầy số 1" in str(err.value) and "0001–0002" in str(err.value)
    assert counts(app) == before


def test_bad_input_is_refused_with_every_field_named_and_nothing_written(app, official, procedure):
    before = counts(app)
    bad = draft(applicant=Applicant(name="", citizen_id="12345", phone="0123", email="x@", address=""))
    with pytest.raises(ValidationErrors) as err:
        app.reception.receive(official, bad)
    fields = [e.field for e in err.value.errors]
    assert fields[:5] == ["applicant_name", "citizen_id", "phone", "email", "address"]
    assert "Số định danh cá nhân (CCCD)" in str(err.value)
    assert counts(app) == before
    # the number was not used up
    assert app.reception.receive(official, draft()).code.endswith("-0001")


def test_an_unknown_procedure_is_refused(app, official, procedure):
    with pytest.raises(ProcedureNotFound) as err:
        app.reception.receive(official, draft(procedure_code="1.000000"))
    assert "1.000000" in str(err.value)


def test_roles_are_checked_in_the_core(app, admin, postal, procedure):
    with pytest.raises(PermissionDenied):
        app.reception.receive(postal, draft())
    # a caller cannot promote itself by claiming another role
    with pytest.raises(PermissionDenied):
        app.reception.receive(User(postal.username, postal.full_name, Role.OFFICIAL), draft())
    with pytest.raises(PermissionDenied):
        app.reception.receive(User("ghost", "Không có", Role.ADMIN), draft())


def test_text_is_stored_nfc_and_ids_phones_are_compacted(app, official, procedure):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hường")
    dossier = app.reception.receive(
        official,
        draft(applicant=Applicant(name=nfd, citizen_id="038 190 012 345", phone="+84 912.345.678",
                                  address=unicodedata.normalize("NFD", "Xã Quảng Phú"))),
    )
    assert dossier.applicant.name == "Nguyễn Thị Hường"
    assert unicodedata.is_normalized("NFC", dossier.applicant.address)
    assert dossier.applicant.citizen_id == "038190012345"
    assert dossier.applicant.phone == "0912345678"
    found = app.dossiers.find(official, "nguyen thi huong")
    assert [d.code for d in found] == [dossier.code]


def test_legacy_nine_digit_id_is_accepted_and_marked(app, official, procedure):
    dossier = app.reception.receive(official, draft(applicant=Applicant(
        name="Trần Văn Cũ", citizen_id="172345678", address="Xã Quảng Phú")))
    assert dossier.applicant.citizen_id_legacy is True


def test_return_by_post_defaults_the_delivery_address_and_needs_a_phone(app, official, procedure):
    dossier = app.reception.receive(official, draft(return_method=ReturnMethod.POST, channel=Channel.POSTAL))
    assert dossier.delivery_address == "Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa"
    with pytest.raises(ValidationErrors) as err:
        app.reception.receive(official, draft(
            return_method=ReturnMethod.POST,
            applicant=Applicant(name="Lê Thị B", citizen_id="038190012345", address="Xã Quảng Phú")))
    assert [e.field for e in err.value.errors] == ["phone"]


def test_every_action_is_an_event_with_a_gapless_counter_sequence(app, official, procedure):
    dossier = app.reception.receive(official, draft())
    app.printing.receipt(official, dossier.code)
    with app.uow() as uow:
        rows = uow.session.scalars(select(EventRow).order_by(EventRow.seq)).all()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert {r.counter_id for r in rows} == {f"{AGENCY_CODE}#1"}
    received = [r for r in rows if r.kind == Kind.DOSSIER_RECEIVED]
    assert len(received) == 1
    event = received[0]
    assert event.id.version == 7
    assert event.actor == official.username
    assert event.device_time.tzinfo is not None and event.device_time.utcoffset().total_seconds() == 0
    assert event.business_time == "2026-11-23T09:15:00+07:00"
    assert event.payload["code"] == dossier.code
    assert len(event.content_hash) == 64


def test_the_projection_rebuilds_from_the_events_alone(app, official, procedure):
    codes = [app.reception.receive(official, draft()).code for _ in range(3)]
    app.printing.receipt(official, codes[0])
    app.printing.receipt(official, codes[0])
    before = {d.code: d for d in app.dossiers.find(official)}
    with app.uow(write=True) as uow:
        assert rebuild_projection(uow) == 3
        uow.commit()
    after = {d.code: d for d in app.dossiers.find(official)}
    assert after == before
    assert after[codes[0]].print_count == 2 and after[codes[0]].reprint_count == 1


def test_a_failure_inside_the_save_leaves_nothing_half_written(app, official, procedure, monkeypatch):
    before = counts(app)

    def boom(self, event):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk unplugged")

    monkeypatch.setattr("oneStop.persistence.uow.UnitOfWork.project", boom)
    with pytest.raises(RuntimeError):
        app.reception.receive(official, draft())
    assert counts(app) == before


def test_attachments_are_stored_once_by_content_hash(app, official, procedure):
    scan = AttachmentDraft("giay-khai-sinh.pdf", b"%PDF-1.4 scanned", "application/pdf")
    one = app.reception.receive(official, draft(attachments=(scan,)))
    two = app.reception.receive(official, draft(attachments=(replace(scan, filename="ban-sao.pdf"),)))
    assert one.attachments[0].sha256 == two.attachments[0].sha256
    assert app.dossiers.attachment(official, one.attachments[0].sha256) == b"%PDF-1.4 scanned"
    with app.uow() as uow:
        assert len(uow.session.scalars(select(AttachmentRow)).all()) == 1


def test_a_returning_applicant_is_found_by_citizen_id(app, official, procedure):
    app.reception.receive(official, draft())
    found = app.dossiers.last_applicant(official, "038190012345")
    assert found is not None and found.name == "Nguyễn Thị Hường" and found.phone == "0912345678"
    assert app.dossiers.last_applicant(official, "001190099999") is None


def test_first_print_is_the_original_and_later_ones_are_counted_reprints(app, official, procedure):
    dossier = app.reception.receive(official, draft())
    first = app.printing.receipt(official, dossier.code)
    second = app.printing.receipt(official, dossier.code)
    assert not first.reprint and second.reprint
    detail = app.dossiers.show(official, dossier.code)
    kinds = [e.kind for e in detail.events]
    assert kinds == [Kind.DOSSIER_RECEIVED, Kind.RECEIPT_PRINTED, Kind.RECEIPT_REPRINTED]
    assert detail.dossier.reprint_count == 1


def test_personal_data_is_masked_for_roles_that_do_not_need_it(app, official, supervisor, procedure):
    dossier = app.reception.receive(official, draft())
    seen = app.dossiers.find(supervisor, dossier.code)[0]
    assert seen.applicant.citizen_id.endswith("345") and "*" in seen.applicant.citizen_id
    assert "0912345678" != seen.applicant.phone
    full = app.dossiers.show(official, dossier.code)
    assert full.dossier.applicant.citizen_id == "038190012345" and not full.masked
    with app.uow() as uow:
        views = uow.session.scalars(select(EventRow).where(EventRow.kind == Kind.PERSONAL_DATA_VIEWED)).all()
    assert [v.actor for v in views] == [official.username]


def test_a_received_at_in_the_future_is_refused(app, official, procedure, clock):
    future = clock.now.replace(tzinfo=UTC).astimezone(VN_TZ).replace(hour=23)
    with pytest.raises(Exception) as err:
        app.reception.receive(official, draft(received_at=future))
    assert "Thời gian nhận hồ sơ" in str(err.value)


def test_scanner_text_finds_the_dossier(app, official, procedure):
    dossier = app.reception.receive(official, draft())
    assert [d.code for d in app.dossiers.find(official, f" ]C0{dossier.code}\r\n")] == [dossier.code]
    assert [d.code for d in app.dossiers.find(official, "038190012345")] == [dossier.code]
    assert [d.code for d in app.dossiers.find(official, "0912 345 678")] == [dossier.code]
