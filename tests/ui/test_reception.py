"""The reception form: search, fill, save with Ctrl+S, print; errors, chip cards, returning applicants."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from oneStop import settings as S
from oneStop.domain.clock import to_local
from oneStop.domain.errors import ValidationError
from oneStop.domain.models import Applicant, DossierDraft, ReturnMethod
from tests.conftest import AGENCY_CODE
from tests.core.helpers import TEST_PROCEDURE
from tests.ui.conftest import PRINTER
from tests.ui.helpers import decode_barcodes, read_pdf, type_text
from ui.dialogs.print_preview import PrinterChoiceDialog, PrintPreviewDialog
from ui.views.reception import ReceptionView


CHIP_QR = "001099012345|123456789|Nguyễn Văn An|01011990|Nam|Số 1 phố X, Phường Y, Quận Z, Hà Nội|15082021"


@pytest.fixture
def view(window) -> ReceptionView:  # type: ignore[no-untyped-def]
    return window.reception


def pick(qtbot, view: ReceptionView, query: str) -> None:  # type: ignore[no-untyped-def]
    view.picker.edit.setFocus()
    qtbot.keyClicks(view.picker.edit, query)  # ASCII only: the point is typing without accents
    qtbot.keyClick(view.picker.edit, Qt.Key.Key_Return)
    assert view.picker.chosen is not None


def fill_applicant(view: ReceptionView, *, tick: bool = True, **values: str) -> None:
    fields = {"name": "Nguyễn Thị Hường", "citizen_id": "038190012345", "phone": "0912 345 678",
              "address": "Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa"}
    fields.update(values)
    for name, text in fields.items():
        getattr(view, name).setText(text)
    if tick:
        tick_handed_over(view)


def tick_handed_over(view: ReceptionView) -> None:
    """Tick every required document as handed over, with the keyboard: Space, Down, …"""
    from PySide6.QtTest import QTest

    view.documents.setFocus()
    view.documents.setCurrentIndex(view.documents_model.index(0, 0))
    for row in view.documents_model.rows():
        if row.mandatory and not row.received:
            QTest.keyClick(view.documents, Qt.Key.Key_Space)
        QTest.keyClick(view.documents, Qt.Key.Key_Down)
    assert view.documents_model.missing_rows() == []


def saved(qtbot, view: ReceptionView):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.dossier_saved, timeout=5000) as blocker:
        qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    return blocker.args[0]


def test_typing_without_accents_finds_the_procedure_and_fills_checklist_fee_and_appointment(qtbot, view):
    view.picker.edit.setFocus()
    qtbot.keyClicks(view.picker.edit, "dang ky khai sinh")
    assert view.picker.results.isVisible()
    assert view.picker.results.item(0).text().startswith("Đăng ký khai sinh")
    with qtbot.waitSignal(view.appointment_changed, timeout=3000):
        qtbot.keyClick(view.picker.edit, Qt.Key.Key_Return)
    chosen = view.picker.chosen
    assert chosen.name == "Đăng ký khai sinh"
    assert QApplication.focusWidget() is view.citizen_id  # Enter went on to the next field
    assert [r.name for r in view.documents_model.rows()] == [d.name for d in chosen.documents]
    assert view.fee.value() == chosen.fee
    assert view.appointment is not None
    assert "Hẹn trả kết quả" in view.appointment_label.text()


def test_the_appointment_follows_the_procedure_in_working_days(qtbot, view):
    pick(qtbot, view, "thu tuc thu nghiem nam ngay")
    assert view.picker.chosen.code == TEST_PROCEDURE.code
    assert view.fee.value() == 20_000
    qtbot.waitUntil(lambda: view.appointment is not None, timeout=3000)
    # received Mon 23/11/2026 09:15; 24/11 is a holiday; five working days -> Tue 1/12 09:15
    assert f"{to_local(view.appointment):%d/%m/%Y %H:%M}" == "01/12/2026 09:15"
    assert "thứ Ba 01/12/2026" in view.appointment_label.text()


def test_save_with_ctrl_s_records_the_dossier_prints_the_receipt_and_clears_the_form(
        qtbot, app, official, view, printers, counter_printer):
    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view, email="huong@example.vn")
    with qtbot.waitSignal(view._receipts.printed, timeout=10000):
        dossier = saved(qtbot, view)

    assert dossier.code == f"{AGENCY_CODE}-261123-0001"
    found = app.dossiers.find(official, "Nguyễn Thị Hường")
    assert [d.code for d in found] == [dossier.code]
    stored = found[0]
    assert stored.applicant == Applicant("Nguyễn Thị Hường", "038190012345", False, "0912345678",
                                         "huong@example.vn", "Thôn 3, xã Quảng Phú, tỉnh Thanh Hóa")
    assert [d.name for d in stored.documents] == [d.name for d in TEST_PROCEDURE.documents]
    assert stored.fee == 20_000

    # the receipt went to the counter's printer, through Qt, with a barcode that scans
    assert printers.names == [PRINTER]
    printed = read_pdf(printers.files[0])
    assert dossier.code in decode_barcodes(printed)

    # the new code is shown prominently and the form is ready for the next applicant
    assert dossier.code in view.banner.text() and view.banner.isVisible()
    assert view.name.text() == "" and view.citizen_id.text() == "" and view.picker.chosen is None
    assert QApplication.focusWidget() is view.picker.edit


def test_a_bad_citizen_id_names_the_field_in_vietnamese_and_writes_nothing(qtbot, app, official, view, printers,
                                                                            counter_printer):
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view, citizen_id="099095001234")
    qtbot.keyClick(view.name, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: view.errors.isVisible(), timeout=5000)
    assert "Số định danh cá nhân (CCCD)" in view.errors.text()
    assert "mã tỉnh 099" in view.errors.text()
    assert view.citizen_id.property("error") is True
    assert view.name.property("error") is False
    assert QApplication.focusWidget() is view.citizen_id
    assert app.dossiers.find(official, "") == []
    assert printers.files == []
    assert view.name.text() == "Nguyễn Thị Hường"  # nothing typed is lost


def test_every_missing_field_is_listed_at_once(qtbot, view):
    pick(qtbot, view, "thu nghiem")
    view.save()
    qtbot.waitUntil(lambda: view.errors.isVisible(), timeout=5000)
    text = view.errors.text()
    assert "Họ tên người nộp: không được để trống" in text
    assert "Số định danh cá nhân (CCCD): không được để trống" in text
    assert "Địa chỉ: không được để trống" in text
    assert QApplication.focusWidget() is view.name  # the first field in form order


def test_saving_without_a_procedure_points_at_the_procedure_field(qtbot, view, app, official):
    fill_applicant(view)
    view.save()
    assert "Thủ tục hành chính: chưa chọn thủ tục" in view.errors.text()
    assert QApplication.focusWidget() is view.picker.edit
    assert app.dossiers.find(official, "") == []


def test_enter_moves_to_the_next_field(qtbot, view):
    view.citizen_id.setFocus()
    for expected in (view.name, view.phone, view.email, view.address):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert QApplication.focusWidget() is expected


def test_a_chip_card_qr_typed_by_the_scanner_fills_the_applicant(qtbot, view):
    view.citizen_id.setFocus()
    with qtbot.waitSignal(view.applicant_filled, timeout=3000) as blocker:
        type_text(view.citizen_id, CHIP_QR + "\n")
    assert blocker.args == ["chip"]
    assert view.citizen_id.text() == "001099012345"
    assert view.name.text() == "Nguyễn Văn An"
    assert view.address.text() == "Số 1 phố X, Phường Y, Quận Z, Hà Nội"
    assert QApplication.focusWidget() is view.phone


def test_a_chip_card_qr_read_into_the_name_field_is_recognised_too(qtbot, view):
    with qtbot.waitSignal(view.applicant_filled, timeout=3000):
        view.name.setText(CHIP_QR)
    assert view.name.text() == "Nguyễn Văn An"
    assert view.citizen_id.text() == "001099012345"


def test_a_returning_applicant_is_filled_from_the_citizen_id(qtbot, app, official, view):
    app.reception.receive(official, DossierDraft(
        procedure_code=TEST_PROCEDURE.code,
        applicant=Applicant("Phạm Văn Nam", "038095001234", phone="0987654321", email="nam@example.vn",
                            address="Thôn Đông, xã Quảng Phú")))
    with qtbot.waitSignal(view.applicant_filled, timeout=3000) as blocker:
        type_text(view.citizen_id, "038095001234")
    assert blocker.args == ["returning"]
    assert view.name.text() == "Phạm Văn Nam"
    assert view.phone.text() == "0987654321"
    assert view.email.text() == "nam@example.vn"
    assert view.address.text() == "Thôn Đông, xã Quảng Phú"
    assert view.returning_hint.isVisible()


def test_a_returning_applicant_does_not_overwrite_what_was_typed(qtbot, app, official, view):
    app.reception.receive(official, DossierDraft(
        procedure_code=TEST_PROCEDURE.code,
        applicant=Applicant("Phạm Văn Nam", "038095001234", phone="0987654321", address="Thôn Đông")))
    view.address.setText("Thôn Tây, xã Quảng Phú")
    with qtbot.waitSignal(view.applicant_filled, timeout=3000):
        view.citizen_id.setText("038095001234")
    assert view.address.text() == "Thôn Tây, xã Quảng Phú"
    assert view.phone.text() == "0987654321"
    assert view.use_returning.isVisible()  # the official may take last time's details
    view.use_returning.click()
    assert view.address.text() == "Thôn Đông"


def test_owner_return_by_post_priority_and_attachments_are_saved(qtbot, app, official, view, printers,
                                                                counter_printer, tmp_path, monkeypatch):
    scan = tmp_path / "giay-chung-sinh.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned paper")
    monkeypatch.setattr(ReceptionView, "ask_attachment_files", staticmethod(lambda parent: [str(scan)]))
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view)
    view.owner_differs.setChecked(True)
    assert view.owner_box.isVisible()
    view.owner_name.setText("Nguyễn Văn Bé")
    view.return_method.setCurrentIndex(view.return_method.findData(ReturnMethod.POST.value))
    assert view.delivery_address.isVisible()
    view.delivery_address.setText("Số 5 đường Lê Lợi, thành phố Thanh Hóa")
    view.priority.setChecked(True)
    view.priority_reason.setText("Người cao tuổi")
    view.add_attachment.click()
    assert view.attachments.count() == 1
    dossier = saved(qtbot, view)
    assert dossier.owner.name == "Nguyễn Văn Bé"
    assert dossier.return_method is ReturnMethod.POST
    assert dossier.delivery_address == "Số 5 đường Lê Lợi, thành phố Thanh Hóa"
    assert dossier.priority and dossier.priority_reason == "Người cao tuổi"
    assert [a.filename for a in dossier.attachments] == ["giay-chung-sinh.pdf"]
    assert app.dossiers.attachment(official, dossier.attachments[0].sha256) == b"%PDF-1.4 scanned paper"


def test_unticked_documents_are_not_recorded_and_space_ticks(qtbot, view):
    pick(qtbot, view, "thu nghiem")
    view.documents.setFocus()
    assert view.documents_model.received() == ()  # nothing counts as handed over until ticked
    view.documents.setCurrentIndex(view.documents_model.index(1, 0))
    qtbot.keyClick(view.documents, Qt.Key.Key_Space)
    assert [d.name for d in view.documents_model.received()] == ["Giấy tờ tùy thân"]
    assert "Tờ khai theo mẫu" in view.missing.text()
    view.documents.setCurrentIndex(view.documents_model.index(0, 0))
    qtbot.keyClick(view.documents, Qt.Key.Key_Space)
    assert len(view.documents_model.received()) == 2
    assert view.missing.text() == ""


def test_a_second_f9_while_saving_does_not_save_twice(qtbot, app, official, view, printers, counter_printer):
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view)
    with qtbot.waitSignal(view.dossier_saved, timeout=5000):
        qtbot.keyClick(view.name, Qt.Key.Key_F9)
        qtbot.keyClick(view.name, Qt.Key.Key_F9)
    qtbot.waitUntil(view._tasks.is_idle, timeout=10000)
    assert len(app.dossiers.find(official, "")) == 1


def test_without_a_chosen_printer_the_preview_opens_and_remembers_the_printer(
        qtbot, app, official, view, printers, monkeypatch):
    monkeypatch.setattr(PrinterChoiceDialog, "ask", classmethod(lambda cls, parent, names, current="": names[0]))
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view)
    with qtbot.waitSignal(view._receipts.previewed, timeout=10000) as blocker:
        dossier = saved(qtbot, view)
    preview: PrintPreviewDialog = blocker.args[0]
    qtbot.waitUntil(lambda: preview.rendered_pages >= 1, timeout=5000)
    assert preview.receipt.code == dossier.code and not preview.receipt.reprint
    with qtbot.waitSignal(preview.printed, timeout=10000):
        preview.print_button.click()
    assert printers.names == [PRINTER]
    assert read_pdf(printers.files[0])
    qtbot.waitUntil(lambda: view._tasks.is_idle(), timeout=5000)
    assert app.settings.get(S.PRINTER) == PRINTER  # "save and print" prints directly next time


def test_a_printer_failure_keeps_the_saved_dossier_and_offers_the_preview(
        qtbot, app, official, view, counter_printer, monkeypatch, error_boxes):
    from ui import printing
    from ui.errors import PrinterUnavailable

    def gone(name: str):  # type: ignore[no-untyped-def]
        raise PrinterUnavailable(name, "Máy in không còn trong danh sách máy in của máy tính này.")

    monkeypatch.setattr(printing, "printer_named", gone)
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view)
    with qtbot.waitSignal(view._receipts.previewed, timeout=10000):
        dossier = saved(qtbot, view)
    assert [d.code for d in app.dossiers.find(official, "")] == [dossier.code]
    title, text = error_boxes[0]
    assert title == "Không in được"
    assert dossier.code in text and PRINTER in text


def test_the_core_refusing_the_postal_channel_is_shown_on_the_channel_field(qtbot, app, admin, official, view):
    view.channel.setCurrentIndex(1)
    view._show_errors([ValidationError("channel", "thủ tục này không tiếp nhận hồ sơ qua dịch vụ bưu chính công ích")])
    assert view.channel.property("error") is True
    assert "Kênh tiếp nhận" in view.errors.text()


def test_the_appointment_is_recomputed_as_the_clock_passes_the_cut_off(qtbot, view, clock):
    from ui.views.reception import APPOINTMENT_REFRESH_MS

    assert view._appointment_timer.isActive() and view._appointment_timer.interval() == APPOINTMENT_REFRESH_MS == 30_000
    pick(qtbot, view, "thu nghiem nam ngay")
    qtbot.waitUntil(lambda: view.appointment is not None, timeout=3000)
    morning = view.appointment
    assert not view.hours_warning.isVisible()  # 09:15 on a Monday: reception time
    clock.advance(hours=7)  # 16:15, after the 15:00 cut-off: counted from the next working day
    with qtbot.waitSignal(view.appointment_changed, timeout=3000):
        view.refresh_appointment()
    assert view.appointment > morning
    qtbot.waitUntil(view.hours_warning.isVisible, timeout=3000)
    assert view.hours_warning.text() == ("Đang ngoài giờ tiếp nhận: sau giờ chốt nhận hồ sơ trong ngày (15:00). "
                                         "Thời hạn giải quyết tính từ 07:30, thứ Tư 25/11/2026.")


def test_an_organisation_is_named_and_gives_a_tax_code(qtbot, view):
    assert not view.tax_code.isVisible()
    view.organisation.setChecked(True)
    assert view.name_label.text() == "Tên tổ chức"
    assert view.tax_code.isVisible()
    view.organisation.setChecked(False)
    assert view.name_label.text() == "Họ và tên"


def test_a_full_disk_is_shown_like_other_errors_and_nothing_is_saved(qtbot, app, official, view, monkeypatch,
                                                                      error_boxes):
    from collections import namedtuple

    from oneStop.persistence import storage

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(storage.shutil, "disk_usage", lambda p: usage(10**11, 10**11, 3 * 2**20))
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view)
    qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(error_boxes), timeout=5000)
    title, text = error_boxes[0]
    assert title == "Lỗi lưu trữ"
    assert "sắp đầy" in text and "chưa cấp mã" in text
    assert app.dossiers.find(official, "") == []
    assert view.save_button.isEnabled() and view.name.text() == "Nguyễn Thị Hường"  # the form is kept


def test_keys_typed_while_the_receipt_prints_reach_the_next_applicants_form(
        qtbot, app, official, view, printers, counter_printer, monkeypatch):
    """The official presses Ctrl+S and types on: printing (here a printer taking 1.5 s) must not
    take the keyboard, and no key may be lost."""
    import time

    from PySide6.QtTest import QTest

    from ui import printing

    real = printing.print_pdf
    monkeypatch.setattr(printing, "print_pdf", lambda *a, **k: (time.sleep(1.5), real(*a, **k))[1])
    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view)
    with qtbot.waitSignal(view._receipts.printed, timeout=15000):
        saved(qtbot, view)
        for ch in "dang ky":  # the next applicant's procedure, typed at once, key by key, over 0.7 s
            qtbot.wait(100)
            QTest.keyClick(QApplication.focusWidget(), ch)  # where the keyboard is, as a hand types
            assert QApplication.activeModalWidget() is None
    assert view.picker.edit.text() == "dang ky"
    assert "tới máy in" in view.window().statusBar().currentMessage()


# --- documents are checked, not assumed (issue 14, item 4) ----------------------------------------------


def when_modal(*steps):  # type: ignore[no-untyped-def]
    """Each step answers the modal dialog on top each time another one comes on top (a new one,
    or one under a dialog that closed), as a hand at the keyboard would."""
    from PySide6.QtCore import QTimer

    pending, seen = list(steps), []
    timer = QTimer()
    timer.setInterval(30)

    def look() -> None:
        widget = QApplication.activeModalWidget()
        if widget is not None and (not seen or widget is not seen[-1]) and pending:
            seen.append(widget)
            step = pending.pop(0)
            # on its own turn of the event loop: a step that opens another dialog blocks in it,
            # and this timer must go on looking meanwhile
            QTimer.singleShot(0, lambda: step(widget))
        if not pending:
            timer.stop()

    timer.timeout.connect(look)
    timer.start()
    timer.seen = seen  # type: ignore[attr-defined]
    return timer


def alt(key):  # type: ignore[no-untyped-def]
    from PySide6.QtTest import QTest

    return lambda widget: QTest.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)


def _ticked_only_the_form(view: ReceptionView) -> None:
    from PySide6.QtTest import QTest

    view.documents.setFocus()
    view.documents.setCurrentIndex(view.documents_model.index(0, 0))
    QTest.keyClick(view.documents, Qt.Key.Key_Space)  # the form is there; the two ID copies are not


def test_documents_start_unticked_and_a_missing_one_offers_the_supplement_request(
        qtbot, app, official, view, printers, counter_printer):
    from oneStop.domain.lifecycle import Transition
    from oneStop.domain.models import DossierStatus

    pick(qtbot, view, "thu nghiem nam ngay")
    assert [r.received for r in view.documents_model.rows()] == [False, False]
    fill_applicant(view, tick=False)
    _ticked_only_the_form(view)
    answered = when_modal(lambda dialog: (shown.append(dialog.findChild(type(view.missing), "missing_list").text()),
                                          alt(Qt.Key.Key_B)(dialog)))
    shown: list[str] = []
    with qtbot.waitSignal(view.form_printed, timeout=15000) as printed:
        saved(qtbot, view)
    assert printed.args == ["supplement", PRINTER] and answered.seen
    assert "Giấy tờ tùy thân — Bản photo × 2" in shown[0] and "Tờ khai" not in shown[0]
    dossier = app.dossiers.find(official, "Nguyễn Thị Hường")[0]
    assert dossier.status is DossierStatus.SUPPLEMENT_REQUESTED
    events = app.dossiers.show(official, dossier.code).events
    asked = [e.payload for e in events if e.kind == Transition.SUPPLEMENT_REQUESTED.kind]
    assert asked[0]["documents"] == [{"name": "Giấy tờ tùy thân", "form": "ban_photo", "count": 2}]
    assert "Mẫu 02" in view.banner.text() and dossier.code in view.banner.text()


def test_receiving_anyway_notes_what_is_missing_and_prints_the_receipt(qtbot, app, official, view, printers,
                                                                      counter_printer):
    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view, tick=False)
    _ticked_only_the_form(view)
    when_modal(alt(Qt.Key.Key_V))
    with qtbot.waitSignal(view._receipts.printed, timeout=15000):
        dossier = saved(qtbot, view)
    assert dossier.notes == "Tiếp nhận khi còn thiếu: Giấy tờ tùy thân (Bản photo × 2)"
    assert [d.name for d in dossier.documents] == ["Tờ khai theo mẫu"]


def test_a_refusal_asks_its_reason_and_a_confirmation_and_prints_form_03(qtbot, app, official, view, printers,
                                                                        counter_printer):
    from PySide6.QtTest import QTest

    from oneStop.domain.models import DossierStatus

    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view, tick=False)
    # first time: the official thinks again at the confirmation; nothing is saved, nothing lost
    when_modal(alt(Qt.Key.Key_C), lambda d: QTest.keyClick(d, Qt.Key.Key_Return), alt(Qt.Key.Key_K),
               lambda d: QTest.keyClick(d, Qt.Key.Key_Escape), lambda d: QTest.keyClick(d, Qt.Key.Key_Escape))
    qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(200)
    assert app.dossiers.find(official, "") == [] and view.name.text() == "Nguyễn Thị Hường"
    view.window().activateWindow()  # a window manager gives the window back its keyboard; offscreen does not
    qtbot.waitUntil(lambda: view.window().isActiveWindow(), timeout=2000)
    # then: refuse, keep the proposed reason, confirm
    when_modal(alt(Qt.Key.Key_C), lambda d: QTest.keyClick(d, Qt.Key.Key_Return), alt(Qt.Key.Key_T))
    with qtbot.waitSignal(view.form_printed, timeout=15000) as printed:
        saved(qtbot, view)
    assert printed.args == ["refusal", PRINTER]
    dossier = app.dossiers.find(official, "Nguyễn Thị Hường")[0]
    assert dossier.status is DossierStatus.REFUSED
    from oneStop.domain.lifecycle import Transition

    refusals = [e.payload["reason"] for e in app.dossiers.show(official, dossier.code).events
                if e.kind == Transition.REFUSED.kind]
    assert refusals == ["Hồ sơ không đủ điều kiện tiếp nhận: thiếu Tờ khai theo mẫu, Giấy tờ tùy thân"]


def test_going_back_from_the_missing_documents_keeps_the_form(qtbot, app, official, view):
    from PySide6.QtTest import QTest

    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view, tick=False)
    answered = when_modal(lambda d: QTest.keyClick(d, Qt.Key.Key_Escape))
    qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert answered.seen and app.dossiers.find(official, "") == []
    assert view.name.text() == "Nguyễn Thị Hường" and view.picker.chosen is not None


def test_a_pasted_emoji_and_a_bad_check_digit_are_named_on_their_fields(qtbot, app, official, view, printers,
                                                                        counter_printer):
    """What the receipt cannot print, and a tracking number the handover scanner would refuse,
    are refused where they were typed; nothing is saved, nothing typed is lost."""
    from PySide6.QtGui import QGuiApplication, QKeySequence
    from PySide6.QtTest import QTest

    from oneStop.domain.models import Channel

    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view, name="")
    view.name.setFocus()
    QGuiApplication.clipboard().setText("Phạm Văn Nam 😀")
    QTest.keySequence(view.name, QKeySequence.StandardKey.Paste)  # pasted, as from a chat message
    view.channel.setCurrentIndex(view.channel.findData(Channel.POSTAL.value))
    view.tracking.setFocus()
    for ch in "RR123456784VN":
        QTest.keyClick(view.tracking, ch)
    qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.errors.isVisible(), timeout=5000)
    text = view.errors.text()
    assert "Họ tên người nộp: có ký tự «😀» (U+1F600) mà phiếu in không in được" in text
    assert "Số hiệu bưu gửi: sai số kiểm tra (phải là 5, không phải 4)" in text
    assert view.name.property("error") is True and view.tracking.property("error") is True
    assert app.dossiers.find(official, "") == [] and view.name.text() == "Phạm Văn Nam 😀"


def test_an_error_goes_when_its_field_is_put_right_and_the_last_banner_goes_with_new_errors(
        qtbot, app, official, view, printers, counter_printer):
    from PySide6.QtTest import QTest

    pick(qtbot, view, "thu nghiem nam ngay")
    fill_applicant(view)
    saved(qtbot, view)  # a first dossier: its banner shows
    assert view.banner.isVisible()
    pick(qtbot, view, "thu nghiem nam ngay")
    qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # nothing typed yet
    qtbot.waitUntil(lambda: view.errors.isVisible(), timeout=5000)
    assert not view.banner.isVisible()  # "saved" was about the last applicant, not this one
    assert "Họ tên người nộp" in view.errors.text() and view.name.property("error") is True
    for ch in "Lan":
        QTest.keyClick(view.name, ch)
    assert view.name.property("error") is False and view.name.toolTip() == ""
    assert "Họ tên người nộp" not in view.errors.text()
    assert "Số định danh cá nhân (CCCD)" in view.errors.text() and view.citizen_id.property("error") is True


def test_after_saving_the_next_applicant_starts_at_the_top_of_the_form(qtbot, window, view, printers, counter_printer):
    """Seen at 1366×768 (issue 15): after Ctrl+S at the bottom of the form, the procedure field
    had the keyboard but was scrolled out of sight; and a refused field low in the form took the
    cursor off screen."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QScrollArea

    window.resize(1366, 600)  # a laptop's screen less the task bar: the form scrolls
    qtbot.wait(50)
    scroll = view.findChild(QScrollArea)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view)
    view.notes.setFocus()
    bar.setValue(bar.maximum())  # the official wrote a note at the bottom
    type_text(view.notes, "Ghi chú")
    qtbot.keyClick(view.notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bar.value() == 0 and view.picker.edit.hasFocus(), timeout=5000)
    viewport = scroll.viewport()
    top_left = view.picker.edit.mapTo(viewport, QPoint(0, 0))
    assert 0 <= top_left.y() and top_left.y() + view.picker.edit.height() <= viewport.height()

    # a refused field far from the top is brought into view with the cursor
    pick(qtbot, view, "thu nghiem")
    fill_applicant(view, delivery_address="")
    view.return_method.setCurrentIndex(view.return_method.findData(ReturnMethod.POST.value))
    view.phone.clear()
    bar.setValue(0)
    qtbot.keyClick(view.name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: view.errors.isVisible(), timeout=5000)
    focused = QApplication.focusWidget()
    corner = focused.mapTo(viewport, QPoint(0, 0))
    assert 0 <= corner.y() and corner.y() + focused.height() <= viewport.height(), focused.objectName()
