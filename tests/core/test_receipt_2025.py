"""Mẫu 01 of Thông tư 03/2025 read back from the PDF (issue 15): a dossier received under the
2025 profile prints the document number, the identification line, the proxy block with the
authorisation paper, the book reference as optional and the privacy notice; one received under
the 2018 profile reprints as 2018 whenever it is printed; the receipt's book reference is found
in the tracking book."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone

import pytest

from oneStop.domain.errors import ValidationErrors
from oneStop.domain.events import Kind, dossier_to_payload
from oneStop.domain.models import Applicant
from oneStop.domain.vocabulary import InvalidEvent, check
from tests.core.helpers import add_procedure, draft
from tests.core.pdf_tools import decode, page_images, page_texts

OWNER = Applicant(name="Lê Thị Mai", citizen_id="038195004321", address="Thôn 5, xã Quảng Phú",
                  phone="0987654321", email="mai.le@example.vn")
PAPER = "Giấy ủy quyền số 12/UQ ngày 01/12/2026"


def squash(text: str) -> str:
    """Extracted text in NFC on one line; a run's end and a following ";" joined as printed."""
    return re.sub(r" ([;,.])", r"\1", " ".join(unicodedata.normalize("NFC", text).split()))


@pytest.fixture
def procedure(app, admin):  # type: ignore[no-untyped-def]
    return add_procedure(app)


def test_a_2026_dossier_prints_the_2025_receipt(app, official, procedure):
    d = app.reception.receive(official, draft())
    assert d.profile_id == "tt03-2025"
    printed = app.printing.receipt(official, d.code)
    texts = [squash(t) for t in page_texts(printed.pdf)]
    assert len(texts) == 2
    for text in texts:
        assert "Số: 1/GTN" in text
        assert "Số định danh cá nhân/tổ chức: 038190012345" in text
        assert "Vào Sổ theo dõi hồ sơ (nếu có): Quyển số: …… Số thứ tự: ……" in text
        assert "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15" in text
        assert "Nộp thay cho" not in text  # nobody files for another here
    for image in page_images(printed.pdf):
        assert decode(image).get("Code128") == [d.code]


def test_an_organisation_without_tax_code_gets_a_dotted_identification_line(app, official, procedure):
    d = app.reception.receive(official, draft(applicant=Applicant(
        name="Hợp tác xã Nông nghiệp Quảng Phú", is_organisation=True, address="Thôn 1, xã Quảng Phú")))
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "Số định danh cá nhân/tổ chức: ……" in text
    d = app.reception.receive(official, draft(applicant=Applicant(
        name="Hợp tác xã Nông nghiệp Quảng Phú", is_organisation=True, tax_code="2800123456", address="Thôn 1")))
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "Số định danh cá nhân/tổ chức: 2800123456" in text


def test_someone_filing_for_another_gets_the_proxy_block_with_the_authorisation(app, official, procedure):
    d = app.reception.receive(official, draft(owner=OWNER, authorisation=PAPER))
    assert d.authorisation == PAPER
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert ("Nộp thay cho chủ hồ sơ: Lê Thị Mai; số định danh cá nhân/tổ chức: 038195004321; "
            "địa chỉ: Thôn 5, xã Quảng Phú; số điện thoại: 0987654321; email: mai.le@example.vn") in text
    assert f"Văn bản ủy quyền: {PAPER}" in text
    assert "Chủ hồ sơ: Lê Thị Mai" not in text  # the 2018 line gives way to the block

    # unknown details are left dotted for the pen
    d = app.reception.receive(official, draft(owner=Applicant(name="Lê Văn Tí")))
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "Nộp thay cho chủ hồ sơ: Lê Văn Tí; số định danh cá nhân/tổ chức: ……" in text
    assert "Văn bản ủy quyền: ……" in text


def test_the_authorisation_needs_an_owner_and_is_checked_at_the_edge(app, official, procedure):
    with pytest.raises(ValidationErrors) as caught:
        app.reception.receive(official, draft(authorisation=PAPER))
    assert [e.field for e in caught.value.errors] == ["authorisation"]
    assert "Văn bản ủy quyền" in str(caught.value)
    with pytest.raises(ValidationErrors) as caught:
        app.reception.receive(official, draft(owner=OWNER, authorisation="x" * 201))
    assert [e.field for e in caught.value.errors] == ["authorisation"]
    with pytest.raises(ValidationErrors) as caught:  # the owner's phone is named as the owner's
        app.reception.receive(official, draft(owner=Applicant(name="Lê Thị Mai", phone="12")))
    assert [e.field for e in caught.value.errors] == ["owner_phone"]


def test_a_peers_event_with_an_authorisation_but_no_owner_is_refused(app, official, procedure):
    d = app.reception.receive(official, draft(owner=OWNER, authorisation=PAPER))
    payload = dossier_to_payload(d)
    assert payload["authorisation"] == PAPER
    check(Kind.DOSSIER_RECEIVED, payload, dossier_id=d.id)  # as written, it passes
    with pytest.raises(InvalidEvent) as caught:
        check(Kind.DOSSIER_RECEIVED, {**payload, "owner": None}, dossier_id=d.id)
    assert caught.value.field == "authorisation"
    with pytest.raises(InvalidEvent):
        check(Kind.DOSSIER_RECEIVED, {**payload, "authorisation": " Giấy  ủy quyền "}, dossier_id=d.id)  # not normalised
    assert "authorisation" not in dossier_to_payload(app.reception.receive(official, draft()))


def test_a_2025_dossier_reprints_as_2018_and_its_book_reference_is_in_the_book(tmp_path, clock):
    """Received on 20/10/2025 (the 2018 forms were in force until 31/10/2025), printed in 2026:
    the 2018 receipt, whose "Quyển số / Số thứ tự" the tracking book shows beside the code."""
    from oneStop.services.app import App
    from tests.conftest import setup_request

    clock.now = datetime(2025, 10, 20, 2, 0, tzinfo=timezone.utc)
    with App(tmp_path / "data", clock=clock) as app:
        admin = app.setup.set_up(setup_request())
        add_procedure(app)
        first = app.reception.receive(admin, draft())
        second = app.reception.receive(admin, draft(owner=OWNER))
        assert second.profile_id == "tt01-2018"
        clock.now = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)
        text = squash(page_texts(app.printing.receipt(admin, second.code).pdf)[0])
        assert "Vào Sổ theo dõi hồ sơ, Quyển số: 2025 Số thứ tự: 2" in text
        assert "Chủ hồ sơ: Lê Thị Mai" in text and "Số: " not in text.split("GIẤY TIẾP NHẬN")[0]
        assert "Nộp thay cho" not in text and "91/2025/QH15" not in text
        log = app.supervision.daily_log(admin, date(2025, 10, 20))
        book = squash(" ".join(page_texts(app.supervision.export_log(admin, log, "pdf"))))
        assert "Quyển số/ Số thứ tự" in book
        for dossier, reference in ((first, "2025/1"), (second, "2025/2")):
            assert f"{reference} {dossier.code}" in book
