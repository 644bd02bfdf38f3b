"""A dossier code whose date is written yyyymmdd with a 7-digit number, as a 2026 ministry
system issues them (``G09.20-20260609-0092637``, rules §11.3): the regulation profile in force
says which form reception writes. Codes of both forms travel through a real central PostgreSQL
and read back on the other counter: its search, its receipt's barcodes, its handover scan, its
control sheet; a peer's reception whose code names another day than it was received on is set
aside (issue 15)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from oneStop.domain import codes
from oneStop.domain.events import new_event_id
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import ReturnMethod, Role
from oneStop.persistence.models import DossierRow, EventRow
from oneStop.services.app import App
from oneStop.sync import central
from oneStop.sync.client import SyncClient
from tests.conftest import AGENCY_CODE, PASSWORD, setup_request
from tests.core.helpers import add_procedure, draft, publish_code_form
from tests.core.pdf_tools import decode, page_images
from tests.sync.test_sync import official_of
from tests.sync.test_trust import pair, set_aside, tamper  # noqa: F401 (pair: a fixture)

LONGEST = "G12.18.112.001.0001.0002.0003.00045"  # 35 characters: the longest identifier


def sync(app, url: str) -> None:  # type: ignore[no-untyped-def]
    """One sync as the sync service makes it (without its comparison of the tests' fixed clock
    with the server's): the profiles read again when it brought reference data."""
    client = SyncClient(app.uow, url)
    client.sync()
    if client.reference_changed:
        app.profiles.invalidate()


@pytest.fixture
def agency(tmp_path, clock, request):  # type: ignore[no-untyped-def]
    """Counters 1 and 2 of one agency, each its own PC."""
    made = []
    for counter in (1, 2):
        app = App(tmp_path / f"counter-{counter}", clock=clock)
        app.setup.set_up(setup_request(counter=counter, agency_code=request.param))
        add_procedure(app)
        made.append(app)
    yield request.param, made
    for app in made:
        app.close()


@pytest.mark.parametrize("agency", [AGENCY_CODE, LONGEST], indirect=True)
def test_codes_of_both_date_forms_sync_and_read_back_on_the_other_counter(agency, central_url, clock):
    code, (first, second) = agency
    admins = [app.auth.login("admin", PASSWORD) for app in (first, second)]
    officials = [official_of(app) for app in (first, second)]
    postal = second.auth.add_user(admins[1], "bc2", "Trần Văn Bưu", Role.POSTAL, PASSWORD)
    urls = [central.add_counter(central_url, code, n) for n in (1, 2)]
    by_post = {"return_method": ReturnMethod.POST, "delivery_address": "Số 5 Lê Lợi"}

    # Monday 23/11: the bundled profile, yymmdd and 4 digits; the administrator of counter 1
    # publishes the 2026 form from Tuesday, and the sync takes it to counter 2
    old = first.reception.receive(officials[0], draft(**by_post))
    assert old.code == f"{code}-261123-0001"
    publish_code_form(first, admins[0], since="2026-11-24")
    sync(first, urls[0])
    sync(second, urls[1])
    assert second.profiles.for_day(date(2026, 11, 24)).dossier_code.date_format == "yyyymmdd"

    clock.advance(days=1)  # Tuesday 24/11: each counter writes the 2026 form, in its own block
    new = first.reception.receive(officials[0], draft(**by_post))
    mine = second.reception.receive(officials[1], draft())
    assert (new.code, mine.code) == (f"{code}-20261124-0000001", f"{code}-20261124-0001001")
    if code == LONGEST:
        assert len(new.code) == codes.DOSSIER_CODE_MAX_LENGTH
    for d in (old, new):
        first.lifecycle.transition(officials[0], d.code, Transition.RESULT_READY, {})
    sync(first, urls[0])
    sync(second, urls[1])
    sync(first, urls[0])

    # the central database holds both forms as they were written
    engine = central.connect(central_url)
    try:
        with engine.connect() as connection:
            held = {json.loads(p)["code"] for p in connection.scalars(
                text("SELECT payload FROM central_events WHERE kind = 'dossier.received'"))}
    finally:
        engine.dispose()
    assert held == {old.code, new.code, mine.code}

    # each counter holds all three and finds each by its code, as typed or scanned
    for app, admin in ((first, admins[0]), (second, admins[1])):
        with app.uow() as uow:
            assert set(uow.session.scalars(select(DossierRow.code))) == held
        for d in (old, new, mine):
            assert [x.code for x in app.dossiers.find(admin, f"]C0{d.code.lower()}\r\n")] == [d.code]
    assert second.sync.status().set_aside == 0 and first.sync.status().set_aside == 0

    # counter 2 prints and reads back counter 1's codes of both forms …
    for d in (old, new):
        receipt = second.printing.receipt(admins[1], d.code)
        for image in page_images(receipt.pdf):
            found = decode(image)
            assert found.get("Code128") == [d.code] and found.get("QRCode") == [d.code], found
        control = second.printing.form(admins[1], "control-sheet", d.code)
        assert d.code in decode(page_images(getattr(control, "pdf", control))[0]).get("Code128", [])
    # … and hands them to the post by scanning them
    second.handover.save_postal_unit(admins[1], "BC-QP", "Bưu cục Quảng Phú")
    batch = second.handover.open(postal, "out", "BC-QP", "Trần Văn Bưu", "NV0012")
    for d in (old, new):
        scanned = second.handover.scan(postal, batch.number, f"]C0{d.code}\r\n")
        assert scanned.outcome.name == "ACCEPTED" and scanned.code == d.code, scanned


def test_a_peers_reception_whose_eight_digit_date_is_not_its_day_is_set_aside(pair):
    """The vocabulary checks the code's date against the day of reception whichever way it is
    written: counter 1's files edited to give a dossier received today a code of yesterday's
    date, in eight digits, is set aside on counter 2, and the sync goes on."""
    a, b, (ca, cb), _ = pair
    publish_code_form(a, a.auth.login("admin", PASSWORD))
    official = official_of(a)
    real = a.reception.receive(official, draft())
    assert real.code == f"{AGENCY_CODE}-20261123-0000001"
    with a.uow() as uow:
        payload = dict(uow.session.scalars(select(EventRow.payload).where(EventRow.kind == "dossier.received")).one())
    forged_code = f"{AGENCY_CODE}-20261122-0000002"
    forged = tamper(a, "dossier.received", official.username, {**payload, "code": forged_code}, new_event_id())
    ca.sync()
    result = cb.sync()
    assert result.set_aside == 1
    (kept,) = set_aside(b)
    assert kept.id == forged.id and kept.problem == "payload" and kept.field == "dossier_code"
    assert "ngày trong mã hồ sơ khác ngày tiếp nhận" in kept.reason
    admin = b.auth.login("admin", PASSWORD)
    assert b.dossiers.get(admin, real.code).code == real.code  # the real one came through
    assert b.dossiers.find(admin, forged_code) == []
