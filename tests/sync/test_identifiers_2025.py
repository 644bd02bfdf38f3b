"""An agency identified as Quyết định 20/2020/QĐ-TTg (amended by 09/2025) defines it: up to 35
characters, top level first (``G12.18.112.001``). Set up, reception, the receipt's barcodes,
the handover scan and the sync to a real central PostgreSQL all take it (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from oneStop.domain import codes
from oneStop.domain.errors import InvalidAgencyCode
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import ReturnMethod, Role
from oneStop.services.app import App
from oneStop.sync import central
from oneStop.sync.client import SyncClient
from tests.conftest import PASSWORD, migrate_central, setup_request
from tests.core.helpers import add_procedure, draft
from tests.core.pdf_tools import decode, page_images

REAL = "G12.18.112.001"  # a commune's centre, as published
LONGEST = "G12.18.112.001.0001.0002.0003.00045"  # the grammar's 35 characters


def test_the_2025_form_is_accepted_and_the_2018_form_keeps_working():
    assert len(LONGEST) == codes.AGENCY_CODE_MAX_LENGTH == 35
    for code in (REAL, "h56", "000.17.22.H56", LONGEST, "G09.20"):
        assert codes.validate_agency_code(code) == code.upper()
    for bad, words in ((LONGEST + "6", "dài quá 35"), ("Z12.18", "mã cấp 1"), ("0000.17.22.H56", "tối đa 13"),
                       ("G12..18", "nhóm trống"), ("G12.18-1", "chữ cái không dấu")):
        with pytest.raises(InvalidAgencyCode, match=words):
            codes.validate_agency_code(bad)
    code = codes.format_dossier_code(LONGEST, date(2026, 12, 5), 1234567, digits=7)
    assert len(code) == codes.DOSSIER_CODE_MAX_LENGTH - 2  # the date written yymmdd
    assert codes.parse_dossier_code(code.lower()) == (LONGEST, date(2026, 12, 5), 1234567)
    code = codes.format_dossier_code(LONGEST, date(2026, 12, 5), 1234567, digits=7, date_format="yyyymmdd")
    assert len(code) == codes.DOSSIER_CODE_MAX_LENGTH  # the date written yyyymmdd (rules §11.3)
    assert codes.parse_dossier_code(code.lower()) == (LONGEST, date(2026, 12, 5), 1234567)


@pytest.fixture
def agency(tmp_path, clock, request):  # type: ignore[no-untyped-def]
    """Counters 1 and 2 of one agency with a 2025 identifier, each its own PC."""
    made = []
    for counter in (1, 2):
        app = App(tmp_path / f"counter-{counter}", clock=clock)
        app.setup.set_up(setup_request(counter=counter, agency_code=request.param.lower()))
        add_procedure(app)
        made.append(app)
    yield request.param, made
    for app in made:
        app.close()


@pytest.mark.parametrize("agency", [REAL, LONGEST], indirect=True)
def test_reception_receipt_handover_and_sync_take_the_2025_identifier(agency, central_url):
    code, (first, second) = agency
    admin = first.auth.login("admin", PASSWORD)
    official = first.auth.add_user(admin, "cb1", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)
    postal = first.auth.add_user(admin, "bc1", "Trần Văn Bưu", Role.POSTAL, PASSWORD)
    assert first.setup.agency().code == code

    dossier = first.reception.receive(official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 Lê Lợi"))
    assert dossier.code.startswith(f"{code}-") and codes.parse_dossier_code(dossier.code)[0] == code
    receipt = first.printing.receipt(official, dossier.code)
    found = decode(page_images(receipt.pdf)[0])
    assert dossier.code in found.get("Code128", []), found  # the scanner reads the whole code back
    assert any(dossier.code in text for text in found.get("QRCode", [])), found
    control = first.printing.form(official, "control-sheet", dossier.code)  # Mẫu 05, A5: its own Code128
    assert dossier.code in decode(page_images(getattr(control, "pdf", control))[0]).get("Code128", [])

    first.lifecycle.transition(official, dossier.code, Transition.RESULT_READY, {})
    first.handover.save_postal_unit(admin, "BC-QP", "Bưu cục Quảng Phú")
    batch = first.handover.open(postal, "out", "BC-QP", "Trần Văn Bưu", "NV0012")
    scanned = first.handover.scan(postal, batch.number, dossier.code + "\r\n")
    assert scanned.code == dossier.code and scanned.outcome.name == "ACCEPTED", scanned

    urls = [central.add_counter(central_url, code, n) for n in (1, 2)]
    SyncClient(first.uow, urls[0]).sync()
    SyncClient(second.uow, urls[1]).sync()
    pulled = second.dossiers.get(second.auth.login("admin", PASSWORD), dossier.code)
    assert pulled.code == dossier.code and pulled.agency_code == code


@pytest.mark.parametrize("agency", [REAL], indirect=True)
def test_a_central_database_too_old_for_the_identifier_says_so_and_syncs_once_upgraded(agency, central_url):
    """c0010 widens the columns row-level security reads (its policies dropped and made again,
    both ways); a central schema still at c0009 refuses this counter by name, not with a
    PostgreSQL error in the middle of a push."""
    code, (first, _second) = agency
    migrate_central(central_url, "downgrade", "c0009")  # a province that has not run «central init» since
    with pytest.raises(central.CentralTooOld, match=f"chưa nhận mã {code}"):
        central.add_counter(central_url, code, 1)
    engine = central.connect(central_url)
    try:
        with engine.connect() as connection:  # and a counter that syncs there is refused by name
            with pytest.raises(central.CentralTooOld, match="central init"):
                central.require_schema(connection, code)
            central.require_schema(connection, "000.17.22.H56")  # a 2018 identifier still syncs
    finally:
        engine.dispose()
    assert central.init_central(central_url) == "c0010"
    url = central.add_counter(central_url, code, 1)
    assert SyncClient(first.uow, url).sync().pushed > 0
    # the policies came back: a counter reads its own agency's events (no policy would mean no
    # rows at all) and another agency's counter none of them
    seen = {}
    for agency_code, counter_url in ((code, url), ("000.17.22.H56", central.add_counter(central_url, "000.17.22.H56", 1))):
        engine = central.connect(counter_url)
        try:
            with engine.connect() as connection:
                seen[agency_code] = connection.scalar(text("SELECT count(*) FROM central_events"))
        finally:
            engine.dispose()
    assert seen[code] > 0 and seen["000.17.22.H56"] == 0
