"""Mẫu 02–05 printed from the dossier's events and read back."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import replace

import pytest

from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Applicant
from oneStop.services.form_builders import NothingToPrint
from tests.core.helpers import add_procedure, counts, draft, publish_2018_forms
from tests.core.pdf_tools import decode, font_names, page_images, page_sizes_mm, page_texts


def squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@pytest.fixture
def dossier(app, admin, official):  # type: ignore[no-untyped-def]
    """A dossier received under the 2018 forms."""
    publish_2018_forms(app, admin)
    add_procedure(app)
    return app.reception.receive(official, draft())


def text_of(pdf: bytes) -> str:
    return squash(" ".join(page_texts(pdf)))


def test_supplement_request_lists_what_is_missing_and_why(app, official, dossier, clock):
    clock.advance(hours=2)
    app.lifecycle.transition(official, dossier.code, Transition.SUPPLEMENT_REQUESTED, {
        "reason": "Giấy chứng sinh bị mờ, không đọc được",
        "documents": [{"name": "Giấy chứng sinh", "form": "ban_chinh", "count": 1},
                      {"name": "Bản sao sổ hộ khẩu", "form": "ban_sao_chung_thuc", "count": 2}],
    })
    before = counts(app)["events"]
    form = app.printing.form(official, "supplement", dossier.code)
    text = text_of(form.pdf)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text and "Mẫu số 02" in text
    assert "Giấy chứng sinh" in text and "2 bản sao chứng thực" in text
    assert "Lý do: Giấy chứng sinh bị mờ, không đọc được" in text
    assert "NGƯỜI HƯỚNG DẪN" in text and "Nguyễn Thị Hoa" in text
    assert counts(app)["events"] == before + 1  # printing is an event
    assert all(embedded for _, embedded in font_names(form.pdf))


def test_refusal_slip_carries_the_reason(app, official, dossier):
    app.lifecycle.transition(official, dossier.code, Transition.REFUSED, {"reason": "Không thuộc thẩm quyền của xã"})
    text = text_of(app.printing.form(official, "refusal", dossier.code).pdf)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Không thuộc thẩm quyền của xã" in text
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_apology_letter_gives_both_appointments(app, official, supervisor, dossier):
    app.lifecycle.transition(supervisor, dossier.code, Transition.APOLOGISED, {
        "reason": "Phải xác minh thông tin tại nơi cư trú cũ", "new_due_at": "2026-12-08T16:00:00+07:00"})
    text = text_of(app.printing.form(official, "apology", dossier.code).pdf)
    assert "Mẫu số 04" in text and "Kính gửi: Ông/Bà Nguyễn Thị Hường" in text
    assert "09 giờ 15 phút, ngày 01 tháng 12 năm 2026" in text  # the original appointment
    assert "16 giờ 00 phút, ngày 08 tháng 12 năm 2026" in text  # the new one
    assert "Lê Văn Bình" in text  # signed by the supervisor who recorded it


def test_the_2025_apology_asks_to_extend_and_is_signed_by_the_head(app, admin, official, supervisor, clock):
    """Issue 15 (TT 03/2025 Mẫu 04): an apology *and a request to extend*, with its document
    number, signed by the head of the agency (the setting report.head_name), as the profile says."""
    from oneStop import settings as S

    app.profiles.publish(admin, {
        "id": "tt03-thu", "name": "TT 03/2025 (thử)", "effective_from": "2026-11-01",
        "forms": {"apology": {"number": "Mẫu số 04", "title": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
                              "document_number": "{seq}/XLGH", "fields": ["extension"],
                              "signers": [{"title": "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "who": "head",
                                           "note": "(Ký, ghi rõ họ tên và đóng dấu)"}]}}})
    app.settings.set(admin, S.REPORT_HEAD_NAME, "Trần Văn Thủ")
    add_procedure(app)
    dossier = app.reception.receive(official, draft())
    app.lifecycle.transition(supervisor, dossier.code, Transition.APOLOGISED, {
        "reason": "Phải xác minh thông tin tại nơi cư trú cũ", "new_due_at": "2026-12-08T16:00:00+07:00"})
    text = text_of(app.printing.form(official, "apology", dossier.code).pdf)
    assert "V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ" in text and "Số: 1/XLGH" in text
    assert "đề nghị Ông/Bà đồng ý gia hạn thời gian giải quyết hồ sơ đến 16 giờ 00 phút, ngày 08 tháng 12" in text
    assert "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ (Ký, ghi rõ họ tên và đóng dấu) Trần Văn Thủ" in text  # the profile's note
    assert "Lê Văn Bình" not in text and "(Ký và ghi rõ họ tên)" not in text


def test_control_sheet_is_the_history_printed(app, official, supervisor, dossier, clock):
    steps = [
        (Transition.TRANSFERRED, {"to_agency": "Công chức Tư pháp - Hộ tịch"}),
        (Transition.RESULT_RECEIVED, {}),
        (Transition.RETURNED, {"collected_by": "Nguyễn Thị Hường"}),
    ]
    for transition, payload in steps:
        clock.advance(hours=5)
        app.lifecycle.transition(official, dossier.code, transition, payload)
    form = app.printing.form(supervisor, "control-sheet", dossier.code)
    text = text_of(form.pdf)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"Mã hồ sơ: {dossier.code}" in text
    assert "(Kèm theo hồ sơ của: Nguyễn Thị Hường)" in text
    assert "2. Nhận: Công chức Tư pháp - Hộ tịch" in text
    assert "1. Giao: Công chức Tư pháp - Hộ tịch" in text  # the result comes back
    assert "Trước hạn" in text  # finished days before the appointment
    assert decode(page_images(form.pdf)[0]).get("Code128") == [dossier.code]


def test_a_form_without_its_event_is_refused_clearly(app, official, dossier):
    with pytest.raises(NothingToPrint, match="không bị từ chối"):
        app.printing.form(official, "refusal", dossier.code)


def test_print_form_from_the_command_line(app, official, dossier, tmp_path, capsys):
    from oneStop.cli import main

    out = tmp_path / "kiem-soat.pdf"
    data_dir = app.paths.root
    app.close()
    assert main(["--data-dir", str(data_dir), "print", "form", "control-sheet", dossier.code, "--out", str(out),
                 "--user", "hoa.nt"]) == 0
    assert "PHIẾU KIỂM SOÁT" in text_of(out.read_bytes())
    assert main(["--data-dir", str(data_dir), "dossier", "show", dossier.code, "--json", "--user", "hoa.nt"]) == 0
    shown = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    assert "form.printed" in [e["kind"] for e in shown["events"]]


@pytest.mark.parametrize("transition", [Transition.STOPPED, Transition.WITHDRAWN])
def test_a_dossier_ended_without_a_result_is_never_printed_early(app, official, supervisor, dossier, clock, transition):
    """Issue 15: the control sheet and the tracking book said "Trước hạn" for a dossier that was
    stopped or withdrawn days before its appointment."""
    from datetime import date

    from oneStop.printing.tracking_book import book_rows

    clock.advance(hours=3)
    app.lifecycle.transition(supervisor, dossier.code, transition, {"reason": "Người nộp đề nghị"})
    sheet = text_of(app.printing.form(supervisor, "control-sheet", dossier.code).pdf)
    assert transition.label.capitalize() in sheet
    sheet = sheet.replace("(Trước hạn/Đúng hạn/Quá hạn)", "")  # the column's heading
    log = app.supervision.daily_log(supervisor, date(2026, 11, 23))
    book = " ".join(" ".join(cells) for cells in book_rows(log.rows))
    for printed in (sheet, book):
        assert not any(word in printed for word in ("Trước hạn", "Đúng hạn", "Quá hạn"))


def test_the_control_sheet_has_room_to_sign_the_code_on_every_page_and_every_step(app, official, supervisor,
                                                                                    dossier, clock):
    """Issue 15: the control sheet had no room to sign, no code on page 2, named the unit two
    ways, listed the apology as a handover, and missed the financial steps and the tracking number."""
    steps = [
        (official, Transition.TRANSFERRED, {"to_agency": "Công chức Tư pháp - Hộ tịch"}),
        (official, Transition.FINANCIAL_REQUESTED, {"amount": 50000}),
        (official, Transition.FINANCIAL_MET, {}),
        (supervisor, Transition.APOLOGISED, {"reason": "Chờ xác minh", "new_due_at": "2026-12-10T16:00:00+07:00"}),
        (official, Transition.RESULT_RECEIVED, {}),
        (official, Transition.RETURNED, {"method": "post", "collected_by": "Trần Văn Bưu", "tracking": "EE471108151FR"}),
    ]
    for actor, transition, payload in steps:
        clock.advance(hours=2)
        app.lifecycle.transition(actor, dossier.code, transition, payload)
    pdf = app.printing.form(supervisor, "control-sheet", dossier.code).pdf
    pages = [squash(t) for t in page_texts(pdf)]
    text = " ".join(pages)
    assert len(pages) >= 2 and all(f"Mã hồ sơ: {dossier.code}" in page for page in pages)
    assert text.count("Người giao (ký):") == 4 and text.count("Người nhận (ký):") == 4  # four handovers
    with app.uow() as uow:
        from oneStop.persistence.models import AgencyRow

        unit = uow.session.query(AgencyRow).one().name
    rest = text.replace(unit, "").replace(unit.upper(), "")  # the unit by its own name only
    assert "Bộ phận Một cửa" not in rest and "Bộ phận tiếp nhận và trả kết quả" not in rest
    assert "xin lỗi, hẹn lại ngày trả kết quả 16:00 10/12/2026" in text and "Chờ xác minh" in text
    assert "yêu cầu thực hiện nghĩa vụ tài chính 50.000" in text and "đã thực hiện nghĩa vụ tài chính" in text
    assert "số hiệu bưu gửi EE471108151FR" in text
    assert "2. Nhận: Trần Văn Bưu" in text and text.count("Trần Văn Bưu") == 2  # named under the signature too
    assert decode(page_images(pdf)[0]).get("Code128") == [dossier.code]


# --- Thông tư 03/2025: what the profile adds to Mẫu 02, 03 and the stop notice (issue 15) ---------

TT03_FORMS = {
    "supplement": {"number": "Mẫu số 02", "title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
                   "document_number": "{seq}/YCBS", "fields": ["identification", "contact"],
                   "signers": [{"title": "CÔNG CHỨC HƯỚNG DẪN", "who": "actor"}]},
    "refusal": {"number": "Mẫu số 03", "title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
                "document_number": "{seq}/TCTN-{yyyy}", "fields": ["identification", "dossier_code_optional"],
                "signers": [{"title": "NGƯỜI NỘP HỒ SƠ", "who": "applicant"},
                            {"title": "CÔNG CHỨC TỪ CHỐI", "who": "official"},
                            {"title": "THỦ TRƯỞNG ĐƠN VỊ", "who": "head"}]},
    "stop_notice": {"number": "Mẫu số 05", "title": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
                    "document_number": "{seq}/TB-DG", "fields": ["identification"],
                    "signers": [{"title": "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "who": "head"}]},
}

ORGANISATION = Applicant(name="Công ty TNHH Quảng Phú Xanh", is_organisation=True, phone="0237 3852 999",
                         address="Số 12 đường Lê Lợi, xã Quảng Phú, tỉnh Thanh Hóa")


def publish_tt03(app, admin, forms=TT03_FORMS) -> None:  # type: ignore[no-untyped-def]
    """A 2025 profile in force since 01/11/2026 (the clock says 23/11/2026), the head of the
    agency named and the agency's hotline set: a dossier received from now on prints by it."""
    from oneStop import settings as S

    app.profiles.publish(admin, {"id": "tt03-thu", "name": "TT 03/2025 (thử)", "effective_from": "2026-11-01",
                                 "forms": forms})
    app.settings.set(admin, S.REPORT_HEAD_NAME, "Trần Văn Thủ")
    app.setup.set_contact(admin, hotline="0237 3852 123")


def signed(title: str, name: str) -> str:
    """A signature block as its text is read back: the title, the note, the name under it."""
    return f"{title} (Ký và ghi rõ họ tên) {name}"


def printed(app, official, kind: str, dossier) -> str:  # type: ignore[no-untyped-def]
    """The form's text, checked to be one A5 page."""
    pdf = app.printing.form(official, kind, dossier.code).pdf
    assert page_sizes_mm(pdf) == [(148, 210)]
    return text_of(pdf)


def test_the_2025_supplement_request_has_its_number_the_id_and_a_phone_to_call(app, admin, official, dossier, clock):
    """TT 03/2025 Mẫu 02: "Số: …", the applicant's identification number, and the guiding
    official with a phone (the agency's hotline; a blank to write in without one). A dossier
    received under the 2018 profile prints none of it."""
    publish_tt03(app, admin)
    new = app.reception.receive(official, draft())
    assert (dossier.profile_id, new.profile_id) == ("tt01-2018-thu", "tt03-thu")
    seq = int(new.code.rsplit("-", 1)[1])
    request = {"reason": "Giấy chứng sinh bị mờ", "documents": [{"name": "Giấy chứng sinh", "count": 1}]}
    clock.advance(hours=2)
    for d in (dossier, new):
        app.lifecycle.transition(official, d.code, Transition.SUPPLEMENT_REQUESTED, request)

    text = printed(app, official, "supplement", new)
    assert f"Số: {seq}/YCBS" in text and seq > 1
    assert "Số định danh cá nhân/tổ chức: 038190012345" in text
    assert "liên hệ với Nguyễn Thị Hoa, số điện thoại 0237 3852 123 để được hướng dẫn" in text
    assert signed("CÔNG CHỨC HƯỚNG DẪN", "Nguyễn Thị Hoa") in text  # the official who asked
    assert "NGƯỜI HƯỚNG DẪN" not in text

    app.setup.set_contact(admin, hotline="")
    blank = printed(app, official, "supplement", new)
    assert "liên hệ với Nguyễn Thị Hoa, số điện thoại …………… để được hướng dẫn" in blank

    app.setup.set_contact(admin, hotline="0237 3852 123")
    old = printed(app, official, "supplement", dossier)
    assert "Số: " not in old and "Số định danh" not in old and "0237 3852 123" not in old
    assert "liên hệ với Nguyễn Thị Hoa để được hướng dẫn" in old
    assert signed("NGƯỜI HƯỚNG DẪN", "Nguyễn Thị Hoa") in old


def test_the_2025_refusal_has_its_number_the_id_the_optional_code_and_its_signers(app, admin, official, dossier):
    """TT 03/2025 Mẫu 03: "Mã hồ sơ (nếu có)", the identification line (dotted for an
    organisation without a tax code), the document number and the profile's three signers."""
    publish_tt03(app, admin)
    new = app.reception.receive(official, draft(applicant=ORGANISATION))
    seq = int(new.code.rsplit("-", 1)[1])
    for d in (dossier, new):
        app.lifecycle.transition(official, d.code, Transition.REFUSED, {"reason": "Không thuộc thẩm quyền của xã"})

    text = printed(app, official, "refusal", new)
    assert f"Số: {seq}/TCTN-2026" in text
    assert f"Mã hồ sơ (nếu có): {new.code}" in text
    assert "Số định danh cá nhân/tổ chức: ……………………" in text
    assert signed("NGƯỜI NỘP HỒ SƠ", "Công ty TNHH Quảng Phú Xanh") in text
    assert signed("CÔNG CHỨC TỪ CHỐI", "Nguyễn Thị Hoa") in text and signed("THỦ TRƯỞNG ĐƠN VỊ", "Trần Văn Thủ") in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" not in text

    old = printed(app, official, "refusal", dossier)
    assert "Số: " not in old and "Số định danh" not in old and "(nếu có)" not in old
    assert f"Mã hồ sơ: {dossier.code}" in old and "Trần Văn Thủ" not in old
    assert signed("NGƯỜI NỘP HỒ SƠ", "Nguyễn Thị Hường") in old
    assert signed("NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Hoa") in old


def test_the_2025_stop_notice_has_its_number_the_tax_code_and_the_heads_signature(app, admin, official, supervisor,
                                                                                   dossier):
    """The stop notice names an organisation by its tax code (not a person's ID number it may
    also carry), and follows its profile for the number and the signer; under the 2018 profile
    (which has no stop notice) it prints as it did: the ID line, the applicant and the official."""
    publish_tt03(app, admin)
    new = app.reception.receive(official, draft(applicant=replace(ORGANISATION, tax_code="2801234567",
                                                                  citizen_id="038190012345")))
    seq = int(new.code.rsplit("-", 1)[1])
    for d in (dossier, new):
        app.lifecycle.transition(supervisor, d.code, Transition.STOPPED,
                                 {"reason": "Người nộp đề nghị", "requested_by": "applicant"})

    text = printed(app, official, "stop", new)
    assert f"Số: {seq}/TB-DG" in text
    assert "Số định danh cá nhân/tổ chức: 2801234567" in text and "038190012345" not in text
    assert signed("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "Trần Văn Thủ") in text
    assert "NGƯỜI NỘP HỒ SƠ" not in text and "Lê Văn Bình" not in text

    old = printed(app, official, "stop", dossier)
    assert "Số: " not in old and "Số định danh cá nhân/tổ chức: 038190012345" in old
    assert signed("NGƯỜI NỘP HỒ SƠ", "Nguyễn Thị Hường") in old
    assert signed("NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Văn Bình") in old


def test_a_stop_notice_whose_profile_leaves_out_the_id_prints_no_id_line(app, admin, official, supervisor):
    """The identification line follows the profile's fields: a 2025 profile may leave it out."""
    forms = {"stop_notice": {**TT03_FORMS["stop_notice"], "fields": []}}
    publish_tt03(app, admin, forms)
    add_procedure(app)
    new = app.reception.receive(official, draft())
    app.lifecycle.transition(supervisor, new.code, Transition.STOPPED, {"reason": "Người nộp đề nghị"})
    text = printed(app, official, "stop", new)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Số định danh" not in text and "038190012345" not in text


def test_a_form_prints_on_the_paper_its_profile_gives_unless_another_is_asked(app, admin, official, clock):
    """A profile's form may say A4 (issue 15: the paper is the profile's); asked for A5, A5."""
    app.profiles.publish(admin, {"id": "giay-a4", "name": "Phiếu từ chối khổ A4", "effective_from": "2026-11-01",
                                 "forms": {"refusal": {"number": "Mẫu số 03", "title": "PHIẾU TỪ CHỐI TIẾP NHẬN",
                                                       "paper": "A4"}}})
    add_procedure(app)
    dossier = app.reception.receive(official, draft())
    app.lifecycle.transition(official, dossier.code, Transition.REFUSED, {"reason": "Không thuộc thẩm quyền"})
    printed = app.printing.form(official, "refusal", dossier.code)
    assert printed.paper == "A4" and page_sizes_mm(printed.pdf) == [(210, 297)]
    assert page_sizes_mm(app.printing.form(official, "refusal", dossier.code, paper="a5").pdf) == [(148, 210)]
    assert page_sizes_mm(app.printing.form(official, "control-sheet", dossier.code).pdf)[0] == (148, 210)


def test_under_the_2025_forms_the_control_sheet_notes_the_apology_as_a_request_to_extend(app, admin, official,
                                                                                         supervisor, clock):
    """Thông tư 03/2025's Mẫu 04 asks the applicant to agree to an extension: the control sheet
    of a dossier received under it names the step so; a 2018 dossier's says "hẹn lại"."""
    add_procedure(app)
    dossier = app.reception.receive(official, draft())
    assert dossier.profile_id == "tt03-2025"
    clock.advance(hours=2)
    app.lifecycle.transition(supervisor, dossier.code, Transition.APOLOGISED,
                             {"reason": "Chờ xác minh", "new_due_at": "2026-12-10T16:00:00+07:00"})
    text = text_of(app.printing.form(supervisor, "control-sheet", dossier.code).pdf)
    assert "Mẫu số 06" in text
    assert "xin lỗi, đề nghị gia hạn thời gian giải quyết đến 16:00 10/12/2026" in text and "hẹn lại" not in text
