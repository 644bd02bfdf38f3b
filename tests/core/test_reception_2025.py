"""Reception under the 2025 regime (issue 15): the VNeID and assisted channels, the fee that
follows the channel and what was collected when, documents the state already holds, only what
was handed in on the receipt, and cross-boundary reception."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from oneStop.domain import vocabulary
from oneStop.domain.errors import ValidationErrors
from oneStop.domain.events import Kind, dossier_to_payload, project
from oneStop.domain.models import (
    Channel,
    DocumentForm,
    FeeStage,
    Procedure,
    ReceivedDocument,
    RequiredDocument,
)
from oneStop.domain.vocabulary import InvalidEvent
from oneStop.persistence.mapping import event_from_row
from oneStop.persistence.models import DossierRow, EventRow
from oneStop.services.dossiers import rebuild_projection
from tests.core.helpers import PROCEDURE_2025, add_procedure, counts, draft

PROCEDURE = PROCEDURE_2025


@pytest.fixture
def procedure(app, admin):  # type: ignore[no-untyped-def]
    return add_procedure(app, PROCEDURE)


def rebuild(app) -> None:  # type: ignore[no-untyped-def]
    with app.uow(write=True) as uow:
        rebuild_projection(uow)
        uow.commit()


def received_payload(app, dossier):  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return uow.session.scalar(select(EventRow.payload).where(EventRow.dossier_id == dossier.id,
                                                                  EventRow.kind == Kind.DOSSIER_RECEIVED))


# --- channels -------------------------------------------------------------------------------------


def test_vneid_and_assisted_are_online_filings_for_the_national_list():
    assert [c.national_code for c in (Channel.VNEID, Channel.ASSISTED)] == [2, 2]
    assert all(len(c.value) <= 10 for c in Channel)  # dossiers.channel is String(10)
    assert Channel.ASSISTED.label == "Trực tuyến có hỗ trợ tại quầy"


@pytest.mark.parametrize("channel", [Channel.VNEID, Channel.ASSISTED])
def test_a_dossier_filed_through_a_new_channel_is_stored_and_rebuilt(app, official, procedure, channel):
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=channel))
    assert dossier.channel is channel
    assert app.dossiers.get(official, dossier.code).channel is channel
    rebuild(app)
    assert app.dossiers.get(official, dossier.code) == replace(dossier, synced=False)


def test_the_received_events_vocabulary_takes_the_new_channels_and_still_refuses_others(app, official, procedure):
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.VNEID))
    payload = received_payload(app, dossier)
    vocabulary.check(Kind.DOSSIER_RECEIVED, payload, dossier_id=dossier.id)
    for bad in ("zalo", "VNEID", "", None):
        with pytest.raises(InvalidEvent) as caught:
            vocabulary.check(Kind.DOSSIER_RECEIVED, {**payload, "channel": bad}, dossier_id=dossier.id)
        assert caught.value.field == "channel"
    with pytest.raises(InvalidEvent):
        vocabulary.check(Kind.DOSSIER_RECEIVED, {**payload, "fee_collected": [
            {**payload["fee_collected"][0], "channel": "zalo"}]}, dossier_id=dossier.id)


# --- the fee per channel, and what was collected when ---------------------------------------------


@pytest.mark.parametrize("channel, fee", [(Channel.DIRECT, 50_000), (Channel.ONLINE, 25_000),
                                          (Channel.VNEID, 20_000), (Channel.ASSISTED, 25_000)])
def test_the_fee_proposed_follows_the_channel(app, official, procedure, channel, fee):
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=channel))
    assert dossier.fee == fee


def test_a_channel_without_its_own_fee_takes_the_base_fee_and_a_typed_fee_wins(app, official, procedure):
    assert app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.POSTAL)).fee == 50_000
    typed = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.ONLINE, fee=0))
    assert typed.fee == 0 and typed.fee_collected == ()


def test_what_was_collected_at_reception_stays_with_the_dossier_whatever_the_catalog_says_later(
        app, admin, official, procedure, clock):
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=Channel.ASSISTED))
    (paid,) = dossier.fee_collected
    assert (paid.amount, paid.at, paid.stage, paid.channel) == (25_000, dossier.received_at, FeeStage.RECEPTION,
                                                                Channel.ASSISTED)
    assert paid.stage.national_code == 1
    assert received_payload(app, dossier)["fee_collected"] == [
        {"amount": 25_000, "at": dossier.received_at.isoformat(), "stage": "reception", "channel": "assisted"}]
    add_procedure(app, replace(PROCEDURE, fee=80_000, fees=((Channel.ASSISTED, 60_000),)))  # the fee goes up
    rebuild(app)
    again = app.dossiers.get(official, dossier.code)
    assert (again.fee, again.fee_collected) == (25_000, dossier.fee_collected)
    with app.uow() as uow:
        events = [event_from_row(r) for r in uow.session.scalars(select(EventRow).where(EventRow.dossier_id == dossier.id))]
    assert project(events).fee_collected == dossier.fee_collected


# --- documents: only what was handed in; what the state holds -------------------------------------


def test_optional_documents_are_not_recorded_as_received_when_the_draft_lists_none(app, official, procedure):
    """The CLI and the postal reception give no list: the mandatory papers were handed in, an
    optional one only when it is named (before: the whole list, so the receipt printed papers
    never handed in)."""
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code))
    assert "Văn bản ủy quyền" not in [d.name for d in dossier.documents]
    assert [(d.name, d.from_data) for d in dossier.documents] == [
        ("Tờ khai theo mẫu", False), ("Giấy xác nhận thông tin về cư trú", True)]


def test_the_receipt_of_a_dossier_received_without_a_list_does_not_name_optional_papers(app, admin, official):
    plain = Procedure(code="9.999003", name="Chứng thực chữ ký", field="Chứng thực", agency="UBND cấp xã",
                      processing_days=0, processing_hours=4, documents=(
                          RequiredDocument("Giấy tờ cần chứng thực chữ ký", DocumentForm.ORIGINAL, 1),
                          RequiredDocument("Giấy ủy quyền của người ký", DocumentForm.ORIGINAL, 1, mandatory=False)))
    add_procedure(app, plain)
    dossier = app.reception.receive(official, draft(procedure_code=plain.code))
    assert [d.name for d in dossier.documents] == ["Giấy tờ cần chứng thực chữ ký"]


def test_an_optional_document_handed_in_is_recorded(app, official, procedure):
    given = (ReceivedDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL),
             ReceivedDocument("Văn bản ủy quyền", DocumentForm.CERTIFIED_COPY))
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, documents=given))
    assert [d.name for d in dossier.documents if not d.from_data] == ["Tờ khai theo mẫu", "Văn bản ủy quyền"]


def test_a_document_the_state_holds_is_recorded_as_taken_from_data_never_as_paper(app, official, procedure):
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, documents=(
        ReceivedDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL),)))
    held = [d for d in dossier.documents if d.from_data]
    assert [d.name for d in held] == ["Giấy xác nhận thông tin về cư trú"]
    assert received_payload(app, dossier)["documents"][-1] == {
        "name": "Giấy xác nhận thông tin về cư trú", "form": "ban_chinh", "count": 1, "from_data": True}
    with app.uow() as uow:
        row = uow.session.scalar(select(DossierRow).where(DossierRow.code == dossier.code))
        assert row.documents[0] == {"name": "Tờ khai theo mẫu", "form": "ban_chinh", "count": 1}


def test_a_draft_claiming_a_paper_for_a_document_the_state_holds_is_refused(app, official, procedure):
    before = counts(app)
    with pytest.raises(ValidationErrors) as caught:
        app.reception.receive(official, draft(procedure_code=PROCEDURE.code, documents=(
            ReceivedDocument("Tờ khai theo mẫu", DocumentForm.ORIGINAL),
            ReceivedDocument("giay xac nhan thong tin ve cu tru", DocumentForm.ORIGINAL))))
    (error,) = caught.value.errors
    assert error.field == "documents" and "khai thác từ dữ liệu" in str(error)
    assert counts(app) == before


def test_a_receipt_names_a_document_taken_from_data(app, official, procedure):
    from tests.core.pdf_tools import page_texts

    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code))
    text = " ".join(" ".join(page_texts(app.printing.receipt(official, dossier.code).pdf)).split())
    assert "Giấy xác nhận thông tin về cư trú" in text
    # named as obtained from data, never counted as a paper handed in
    assert "Giấy xác nhận thông tin về cư trú (khai thác dữ liệu, không nộp giấy)" in text


# --- cross-boundary reception ---------------------------------------------------------------------


def test_a_dossier_received_cross_boundary_keeps_the_mark(app, official, procedure):
    dossier = app.reception.receive(official, draft(procedure_code=PROCEDURE.code, cross_boundary=True))
    assert dossier.cross_boundary
    assert received_payload(app, dossier)["cross_boundary"] is True
    with app.uow() as uow:
        assert uow.session.scalar(select(DossierRow.cross_boundary).where(DossierRow.id == dossier.id)) is True
    ordinary = app.reception.receive(official, draft(procedure_code=PROCEDURE.code))
    assert not ordinary.cross_boundary and "cross_boundary" not in received_payload(app, ordinary)


@pytest.mark.parametrize("since", [None, date(2026, 11, 24)])  # never; from tomorrow (today is 23/11/2026)
def test_cross_boundary_reception_is_refused_for_a_procedure_not_open_to_it_on_the_day(app, official, admin, since):
    add_procedure(app, replace(PROCEDURE, cross_boundary_from=since))
    before = counts(app)
    with pytest.raises(ValidationErrors) as caught:
        app.reception.receive(official, draft(procedure_code=PROCEDURE.code, cross_boundary=True))
    (error,) = caught.value.errors
    assert error.field == "cross_boundary"
    assert ("24/11/2026" in str(error)) == (since is not None)
    assert counts(app) == before


def test_the_cli_imports_the_new_columns_and_receives_through_vneid_with_the_documents_handed_in(cli_ready, tmp_path):
    import json

    from oneStop.services.catalog_io import write_catalog_csv

    run = cli_ready
    catalog = tmp_path / "danh_muc.csv"
    catalog.write_bytes(write_catalog_csv([PROCEDURE]))
    code, out, err = run("catalog", "import", str(catalog), "--by", "admin")
    assert code == 0, err
    code, out, err = run("catalog", "list", "--search", PROCEDURE.code, "--json")
    (shown,) = json.loads(out)
    assert shown["fees"] == {"online": 25_000, "vneid": 20_000, "assisted": 25_000}
    assert shown["cross_boundary_from"] == "2025-07-01"
    code, out, err = run("receive", "--user", "hoa", "--procedure", PROCEDURE.code,
                         "--name", "Nguyễn Thị Hường", "--citizen-id", "038190012345", "--address", "Thôn 3",
                         "--channel", "vneid", "--document", "Tờ khai theo mẫu", "--document",
                         "Văn bản ủy quyền", "--cross-boundary", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["channel"], shown["fee"], shown["cross_boundary"]) == ("vneid", 20_000, True)
    assert [(d["name"], d["form"], d["from_data"]) for d in shown["documents"]] == [
        ("Tờ khai theo mẫu", "ban_chinh", False), ("Văn bản ủy quyền", "ban_sao_chung_thuc", False),
        ("Giấy xác nhận thông tin về cư trú", "ban_chinh", True)]
    assert [(f["amount"], f["stage"], f["stage_code"], f["channel"]) for f in shown["fee_collected"]] == [
        (20_000, "reception", 1, "vneid")]
    code, out, err = run("receive", "--user", "hoa", "--procedure", PROCEDURE.code,
                         "--name", "Nguyễn Thị Hường", "--citizen-id", "038190012345", "--address", "Thôn 3",
                         "--document", "Giấy xác nhận thông tin về cư trú")
    assert code != 0 and "khai thác từ dữ liệu" in err


# --- counted: the online columns include VNeID and assisted filings --------------------------------


def test_the_reports_count_vneid_and_assisted_filings_as_online(app, official, supervisor, procedure):
    for channel in (Channel.DIRECT, Channel.POSTAL, Channel.ONLINE, Channel.VNEID, Channel.ASSISTED, Channel.VNEID):
        app.reception.receive(official, draft(procedure_code=PROCEDURE.code, channel=channel))
    total = app.reports.periodic(supervisor, "2026-11").total
    assert (total.received, total.online, total.direct, total.postal) == (6, 4, 1, 1)
    log = app.supervision.daily_log(supervisor, date(2026, 11, 23))
    assert log.totals["by_channel"] == {"direct": 1, "online": 4, "postal": 1}
    assert sorted(r.channel for r in log.rows).count("vneid") == 2
    board = app.supervision.dashboard(supervisor, date(2026, 11, 23))
    assert board.received_by_channel == {"direct": 1, "online": 4, "postal": 1}
    assert board.daily[-1] == (date(2026, 11, 23), {"direct": 1, "online": 4, "postal": 1})
