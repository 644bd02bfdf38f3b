"""A fee collected after reception (issue 15, rules §11.9): the national catalogue records when a
fee was collected — 1 at reception, 2 when the supplement is brought, 4 when the result is
collected. The steps ``supplement_received`` and ``returned`` carry the fee collected then; the
projection keeps each collection with its stage, rebuilt alike from the events; a peer's step with
a fee that is not whole đồng is refused naming the field."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from oneStop.domain import vocabulary
from oneStop.domain.errors import ValidationError
from oneStop.domain.events import Kind, project
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Channel, FeeCollected, FeeStage
from oneStop.domain.vocabulary import InvalidEvent
from oneStop.persistence.mapping import event_from_row
from oneStop.persistence.models import EventRow
from oneStop.services.dossiers import rebuild_projection
from tests.core.helpers import PROCEDURE_2025, add_procedure, counts, draft
from tests.core.pdf_tools import page_texts


@pytest.fixture
def assisted(app, official):  # type: ignore[no-untyped-def]
    """A dossier filed online with the counter's help: 25.000 đồng collected at reception."""
    add_procedure(app, PROCEDURE_2025)
    return app.reception.receive(official, draft(procedure_code=PROCEDURE_2025.code, channel=Channel.ASSISTED))


def events_of(app, dossier):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return [event_from_row(r) for r in uow.session.scalars(
            select(EventRow).where(EventRow.dossier_id == dossier.id).order_by(EventRow.seq))]


def payloads(app, dossier, transition: Transition) -> list[dict]:  # type: ignore[type-arg]
    return [dict(e.payload) for e in events_of(app, dossier) if e.kind == transition.kind]


def whole_life(app, official, dossier, clock, *, supplement_fee, return_fee):  # type: ignore[no-untyped-def]
    """Asked for a supplement, brought it (paying ``supplement_fee``), result ready, collected
    (paying ``return_fee``); each step three hours after the one before."""
    steps = [
        (Transition.SUPPLEMENT_REQUESTED, {"documents": ["Giấy chứng sinh"], "reason": "Thiếu giấy chứng sinh"}),
        (Transition.SUPPLEMENT_RECEIVED, {"fee": supplement_fee}),
        (Transition.RESULT_READY, {}),
        (Transition.RETURNED, {"collected_by": "Nguyễn Thị Hường", "fee": return_fee}),
    ]
    moments = {}
    for transition, payload in steps:
        clock.advance(hours=3)
        moments[transition] = clock.now
        after = app.lifecycle.transition(official, dossier.code, transition, payload)
    return after, moments


def test_a_fee_collected_with_the_supplement_and_with_the_result_is_kept_with_its_stage(
        app, official, assisted, clock):
    after, at = whole_life(app, official, assisted, clock, supplement_fee="30000", return_fee=15_000)
    (reception,) = assisted.fee_collected
    assert after.fee_collected == (
        reception,
        FeeCollected(30_000, at[Transition.SUPPLEMENT_RECEIVED], FeeStage.SUPPLEMENT, Channel.ASSISTED),
        FeeCollected(15_000, at[Transition.RETURNED], FeeStage.RETURN, Channel.ASSISTED),
    )
    assert [f.stage.national_code for f in after.fee_collected] == [1, 2, 4]
    assert sum(f.amount for f in after.fee_collected) == 70_000
    assert after.fee == 25_000  # the dossier's fee is what reception took; later collections add to it
    assert app.dossiers.get(official, assisted.code).fee_collected == after.fee_collected
    # each step carries its own fee, in whole đồng as the official typed it
    assert payloads(app, assisted, Transition.SUPPLEMENT_RECEIVED) == [{"fee": 30_000}]
    assert payloads(app, assisted, Transition.RETURNED) == [
        {"collected_by": "Nguyễn Thị Hường", "method": "counter", "fee": 15_000}]


def test_the_projection_rebuilt_from_the_events_has_every_collection(app, admin, official, assisted, clock):
    after, _ = whole_life(app, official, assisted, clock, supplement_fee=30_000, return_fee=15_000)
    assert project(events_of(app, assisted)).fee_collected == after.fee_collected
    with app.uow(write=True) as uow:
        rebuild_projection(uow)
        uow.commit()
    rebuilt = app.dossiers.get(official, assisted.code)
    assert [(f.amount, f.stage) for f in rebuilt.fee_collected] == [
        (25_000, FeeStage.RECEPTION), (30_000, FeeStage.SUPPLEMENT), (15_000, FeeStage.RETURN)]
    assert rebuilt.fee_collected == after.fee_collected
    assert rebuilt == replace(after, synced=False)


@pytest.mark.parametrize("nothing", [0, "0", None, ""])
def test_nothing_collected_writes_nothing_and_a_fee_paid_only_at_return_is_the_only_collection(
        app, official, clock, nothing):
    add_procedure(app, PROCEDURE_2025)
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE_2025.code, fee=0))
    assert dossier.fee_collected == ()
    after, at = whole_life(app, official, dossier, clock, supplement_fee=nothing, return_fee=40_000)
    assert after.fee_collected == (FeeCollected(40_000, at[Transition.RETURNED], FeeStage.RETURN, Channel.DIRECT),)
    assert payloads(app, dossier, Transition.SUPPLEMENT_RECEIVED) == [{}]


@pytest.mark.parametrize("typed", [-1, "-5000", "20.000", "abc", 2.5, "1e6", True, 10**12 + 1])
def test_a_fee_that_is_not_whole_dong_is_refused_and_nothing_is_recorded(app, official, assisted, typed):
    app.lifecycle.transition(official, assisted.code, Transition.RESULT_READY, {})
    before = counts(app)
    with pytest.raises(ValidationError) as refused:
        app.lifecycle.transition(official, assisted.code, Transition.RETURNED,
                                 {"collected_by": "Nguyễn Thị Hường", "fee": typed})
    assert refused.value.field == "fee"
    assert counts(app) == before


def test_a_fee_is_collected_only_with_the_supplement_or_the_result(app, official, assisted):
    with pytest.raises(ValidationError) as refused:
        app.lifecycle.transition(official, assisted.code, Transition.TRANSFERRED,
                                 {"to_agency": "Phòng Tư pháp", "fee": 10_000})
    assert refused.value.field == "fee" and "bổ sung" in refused.value.problem
    assert app.dossiers.get(official, assisted.code).fee_collected == assisted.fee_collected


@pytest.mark.parametrize("fee", [-1, 10**12 + 1, 2.5, 20_000.0, "20000", True, None, 0, [20_000]])
def test_a_peers_step_with_a_fee_that_is_not_whole_dong_is_refused_naming_the_field(assisted, fee):
    for transition in (Transition.SUPPLEMENT_RECEIVED, Transition.RETURNED):
        payload = {"fee": 20_000} if transition is Transition.SUPPLEMENT_RECEIVED else {
            "collected_by": "Nguyễn Thị Hường", "method": "counter", "fee": 20_000}
        vocabulary.check(transition.kind, payload, dossier_id=assisted.id)  # whole đồng: taken
        payload["fee"] = fee
        with pytest.raises(InvalidEvent) as refused:
            vocabulary.check(transition.kind, payload, dossier_id=assisted.id)
        assert refused.value.field == "fee", (transition, fee)


def test_a_peers_step_with_a_fee_is_taken_only_where_a_fee_is_collected(assisted):
    vocabulary.check(Transition.SUPPLEMENT_RECEIVED.kind, {"fee": 20_000}, dossier_id=assisted.id)
    vocabulary.check(Transition.RETURNED.kind, {"method": "post", "fee": 20_000}, dossier_id=assisted.id)
    with pytest.raises(InvalidEvent) as refused:
        vocabulary.check(Transition.RESULT_READY.kind, {"fee": 20_000}, dossier_id=assisted.id)
    assert refused.value.field == "fee"


def test_a_peers_reception_cannot_claim_a_later_collection(app, assisted):
    with app.uow() as uow:
        payload = dict(uow.session.scalar(select(EventRow.payload).where(
            EventRow.dossier_id == assisted.id, EventRow.kind == Kind.DOSSIER_RECEIVED)))
    vocabulary.check(Kind.DOSSIER_RECEIVED, payload, dossier_id=assisted.id)
    for stage in ("supplement", "return"):
        later = {**payload, "fee_collected": [{**payload["fee_collected"][0], "stage": stage}]}
        with pytest.raises(InvalidEvent) as refused:
            vocabulary.check(Kind.DOSSIER_RECEIVED, later, dossier_id=assisted.id)
        assert refused.value.field == "fee"


def test_the_control_sheet_notes_the_fees_collected_after_reception(app, official, supervisor, assisted, clock):
    whole_life(app, official, assisted, clock, supplement_fee=30_000, return_fee=15_000)
    pdf = app.printing.form(supervisor, "control-sheet", assisted.code).pdf
    text = " ".join(" ".join(page_texts(pdf)).split())
    assert "Các bước khác trong quá trình giải quyết:" in text
    assert "15:15 23/11/2026: thu phí, lệ phí 30.000 đồng khi bổ sung hồ sơ (Nguyễn Thị Hoa)." in text
    assert "21:15 23/11/2026: thu phí, lệ phí 15.000 đồng khi trả kết quả (Nguyễn Thị Hoa)." in text


def test_the_outgoing_postal_list_counts_what_was_collected_at_every_stage(app, admin, official, postal, clock):
    """The one place that sums what was collected (the «Đã thu» of the outgoing handover list)."""
    from oneStop.domain.models import ReturnMethod

    add_procedure(app)  # 20.000 đồng at reception
    app.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú", "Thôn 1, xã Quảng Phú", "02373000000")
    d = app.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi"))
    app.lifecycle.transition(official, d.code, Transition.SUPPLEMENT_REQUESTED, {"documents": ["Tờ khai"],
                                                                                 "reason": "Thiếu tờ khai"})
    app.lifecycle.transition(official, d.code, Transition.SUPPLEMENT_RECEIVED, {"fee": 5_000})
    app.lifecycle.transition(official, d.code, Transition.RESULT_READY, {})
    batch = app.handover.open(postal, "out", "BC-QP", "Trần Văn Bưu", "NV0012")
    app.handover.scan(postal, batch.number, d.code, tracking_number="EE471108151FR")
    text = " ".join(" ".join(page_texts(app.handover.print_list(official, batch.number))).split())
    assert "Đã thu: 25.000" in text
